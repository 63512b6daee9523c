/*
 * research.c: the research sources behind one interface (issue 13).
 *
 * A source turns a query (or a URL) into records (research.h): it builds
 * the service's request, asks the file cache (research_cache.c) for a
 * fresh answer to exactly that request, else fetches it (fetch.c: bounded
 * in size and time, redirects checked hop by hop, private addresses
 * refused unless fetch.allow_private, politeness shared by every process
 * on the machine, retries on 429 and 503 honouring Retry-After), parses it
 * (src_arxiv.c, src_pubmed.c, src_web.c) and caches the records.
 *
 *   arxiv   GET research.arxiv_url?search_query=&start=&max_results=
 *           &sortBy=&sortOrder=descending; at most one request every 3 s
 *           (arXiv's terms of use); cached 2 h.  A query that already uses
 *           arXiv's syntax (ti:, au:, abs:, cat:, all:, ...) is sent as
 *           it is; otherwise each word of at least 3 letters but a few
 *           stop words becomes all:"word", ANDed.
 *   pubmed  ESearch (db=pubmed, term = the query as typed: PubMed maps
 *           it to MeSH itself) then EFetch of the PMIDs as XML; tool=pake,
 *           research.pubmed_email, research.pubmed_api_key; at most 3
 *           requests a second (10 with a key), as NCBI asks; cached 1 h.
 *   web     a SearxNG instance's JSON API (research.searx_url/search?q=
 *           &format=json), when one is configured; otherwise the source is
 *           unavailable and says so.  Cached 30 min.
 *   url     one page, fetched and read (src_web.c); cached 30 min.
 *
 * Errors are the source's own: PAKE_ERATE when the service asks to slow
 * down (429 or 503 after the retries, arXiv's "Rate exceeded"),
 * PAKE_EUNAVAIL when it cannot be reached or its answer is not what the
 * format says, PAKE_ESECURITY for an address or redirect refused.  The
 * caller (/search) reports each source's failure beside the others'
 * results; a failing source never fails the others.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pake/ctx.h"
#include "pake/fetch.h"
#include "pake/research.h"
#include "pake/research_cache.h"
#include "pake/src.h"
#include "pake/util.h"

#define ARXIV_INTERVAL_MS	3000
#define NCBI_INTERVAL_MS	334
#define NCBI_KEY_INTERVAL_MS	100
#define TTL_ARXIV_S		7200
#define TTL_PUBMED_S		3600
#define TTL_WEB_S		1800
#define RETRIES			2
#define URL_MAX			8192
#define UA			"pake/1 (research ingestion; " \
				"https://github.com/pake)"

/* The common request of a source (research.h). */
void
pake_research_req(const pake_ctx *c, pake_fetch_req *q, char *rate_dir,
    size_t n)
{
	memset(q, 0, sizeof *q);
	q->timeout_ms = pake_config_num(c->cfg, PAKE_CFG_FETCH_TIMEOUT) * 1000;
	q->max_bytes = (size_t)pake_config_num(c->cfg, PAKE_CFG_FETCH_MAX);
	q->max_redirects = (int)pake_config_num(c->cfg,
	    PAKE_CFG_FETCH_REDIRECTS);
	q->allow_private = pake_config_num(c->cfg, PAKE_CFG_FETCH_PRIVATE) ==
	    1;
	q->user_agent = UA;
	q->retries = RETRIES;
	if (pake_rcache_dir(c->cfg, rate_dir, n) == 0) {
		char *slash = strrchr(rate_dir, '/');

		if (slash && (size_t)(slash - rate_dir) + 6 < n) {
			strcpy(slash + 1, "rate");
			q->rate_dir = rate_dir;
		}
	}
}

/* Fetch url for source name: 0 with the body in r (status 200), or the
 * source's error. */
static int
get(const pake_ctx *c, const char *name, const char *url, const char *accept,
    const char *rate_key, long interval, pake_fetch_res *r, pake_err *e)
{
	char rate_dir[PATH_MAX];
	pake_fetch_req q;
	int rc;

	pake_research_req(c, &q, rate_dir, sizeof rate_dir);
	q.url = url;
	q.accept = accept;
	q.rate_key = rate_key;
	q.rate_interval_ms = interval;
	if ((rc = pake_fetch(&q, r, e)) != 0)
		return rc;
	if (r->status == 429 || r->status == 503) {
		rc = pake_fail(e, PAKE_ERATE, "The service asks to slow down",
		    "%s answered HTTP %ld after %d tries", name, r->status,
		    RETRIES + 1);
		e->retry_after = atoi(r->retry_after) > 0 ?
		    atoi(r->retry_after) : 60;
	} else if (r->status != 200)
		rc = pake_fail(e, PAKE_EUNAVAIL, "The service refused",
		    "%s answered HTTP %ld", name, r->status);
	if (rc != 0)
		pake_fetch_res_free(r);
	return rc;
}

/* The cache folder, or NULL when there is none. */
static const char *
cache_dir(const pake_ctx *c, char *buf, size_t n)
{
	return pake_rcache_dir(c->cfg, buf, n) == 0 ? buf : NULL;
}

/* ------------------------------------------------------------------ */
/* arXiv */

static const char *const stop[] = {"the", "and", "but", "for", "with",
	"from", "into", "onto", "over", "under", "about", "this", "that",
	NULL};

/* 1 when q already speaks arXiv's query syntax. */
static int
arxiv_syntax(const char *q)
{
	static const char *const pre[] = {"ti:", "au:", "abs:", "co:", "jr:",
	    "cat:", "rn:", "id:", "all:", NULL};
	int i;

	for (i = 0; pre[i]; i++)
		if (strstr(q, pre[i]))
			return 1;
	return 0;
}

/* The words of q worth searching: lower-cased, '-' a space, at least 3
 * letters, no stop word; at most max into words (each < 64 bytes). */
static size_t
query_words(const char *q, char words[][64], size_t max)
{
	size_t n = 0, len;
	int i, skip;

	while (*q && n < max) {
		while (*q && (isspace((unsigned char)*q) || *q == '-' ||
		    *q == '"'))
			q++;
		len = strcspn(q, " \t\r\n-\"");
		if (len >= 3 && len < 64) {
			for (i = 0; i < (int)len; i++)
				words[n][i] = (char)tolower((unsigned char)q[i]);
			words[n][len] = '\0';
			for (skip = 0, i = 0; stop[i]; i++)
				skip |= strcmp(stop[i], words[n]) == 0;
			n += !skip;
		}
		q += len;
	}
	return n;
}

/* fresh: the cache is not asked (a topic's poll wants today's answer);
 * what is fetched is cached all the same. */
static int
ask_arxiv(pake_ctx *c, const char *query, int start, int max,
    const char *sort, int fresh, cJSON **records, int64_t *total,
    pake_err *e)
{
	char sq[2048], url[URL_MAX], words[8][64], cdir[PATH_MAX];
	const char *terms[8];
	pake_fetch_res r;
	cJSON *hit;
	size_t n, i;
	int rc;

	*records = NULL;
	*total = 0;
	if (arxiv_syntax(query))
		pake_strlcpy(sq, query, sizeof sq);
	else {
		n = query_words(query, words, 8);
		for (i = 0; i < n; i++)
			terms[i] = words[i];
		if (n == 0)
			return pake_fail(e, PAKE_EINVAL, "The query has no word "
			    "to search for", "%.100s", query);
		pake_arxiv_query(terms, n, sq, sizeof sq);
	}
	if (pake_arxiv_url(pake_config_str(c->cfg, PAKE_CFG_RS_ARXIV), sq,
	    start, max, sort, url, sizeof url) != 0)
		return pake_fail(e, PAKE_EINVAL, "The query is too long", NULL);
	cdir[0] = '\0';
	if (cache_dir(c, cdir, sizeof cdir) == NULL)
		cdir[0] = '\0';
	if (!fresh && pake_rcache_get(cdir[0] ? cdir : NULL, "arxiv", url,
	    TTL_ARXIV_S, &hit)) {
		*total = (int64_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(hit, "total"));
		*records = cJSON_DetachItemFromObjectCaseSensitive(hit,
		    "records");
		cJSON_Delete(hit);
		if (cJSON_IsArray(*records))
			return 0;
		cJSON_Delete(*records);
		*records = NULL;
	}
	if ((rc = get(c, "arXiv", url, "application/atom+xml", "arxiv",
	    ARXIV_INTERVAL_MS, &r, e)) != 0)
		return rc;
	rc = pake_arxiv_parse(r.body.p ? r.body.p : "", r.body.len, records,
	    total, e);
	pake_fetch_res_free(&r);
	while (rc == 0 && cJSON_GetArraySize(*records) > max)
		cJSON_DeleteItemFromArray(*records, max);
	if (rc == 0) {
		hit = cJSON_CreateObject();
		cJSON_AddNumberToObject(hit, "total", (double)*total);
		cJSON_AddItemReferenceToObject(hit, "records", *records);
		pake_rcache_put(cdir[0] ? cdir : NULL, "arxiv", url, hit);
		cJSON_Delete(hit);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* PubMed */

static int
ask_pubmed(pake_ctx *c, const char *query, int start, int max, int fresh,
    cJSON **records, int64_t *total, pake_err *e)
{
	const char *base = pake_config_str(c->cfg, PAKE_CFG_RS_PUBMED);
	const char *email = pake_config_str(c->cfg, PAKE_CFG_RS_EMAIL);
	const char *key = pake_config_str(c->cfg, PAKE_CFG_RS_NCBI_KEY);
	long interval = key ? NCBI_KEY_INTERVAL_MS : NCBI_INTERVAL_MS;
	char url[URL_MAX], cdir[PATH_MAX], **ids = NULL;
	const char *cd = cache_dir(c, cdir, sizeof cdir);
	pake_fetch_res r;
	cJSON *hit;
	size_t n = 0;
	int rc;

	*records = NULL;
	*total = 0;
	if (email && *email == '\0')
		email = NULL;
	if (pake_pubmed_esearch_url(base, query, start, max, "pake", email,
	    key, url, sizeof url) != 0)
		return pake_fail(e, PAKE_EINVAL, "The query is too long", NULL);
	/* The cache is keyed by the search without the key (a secret). */
	if (!fresh && pake_rcache_get(cd, "pubmed", url, TTL_PUBMED_S,
	    &hit)) {
		*total = (int64_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(hit, "total"));
		*records = cJSON_DetachItemFromObjectCaseSensitive(hit,
		    "records");
		cJSON_Delete(hit);
		if (cJSON_IsArray(*records))
			return 0;
		cJSON_Delete(*records);
		*records = NULL;
	}
	if ((rc = get(c, "PubMed", url, "application/xml", "ncbi", interval,
	    &r, e)) != 0)
		return rc;
	rc = pake_pubmed_parse_search(r.body.p ? r.body.p : "", r.body.len,
	    &ids, &n, total, e);
	pake_fetch_res_free(&r);
	if (rc != 0)
		return rc;
	while (n > (size_t)max)	/* an answer with more than asked */
		free(ids[--n]);
	if (n == 0) {
		pake_pubmed_ids_free(ids, n);
		*records = cJSON_CreateArray();
	} else {
		char furl[URL_MAX];

		cJSON *got = NULL;
		size_t i;

		rc = pake_pubmed_efetch_url(base, (const char *const *)ids, n,
		    "pake", email, key, furl, sizeof furl);
		if (rc == 0 && (rc = get(c, "PubMed", furl, "application/xml",
		    "ncbi", interval, &r, e)) == 0) {
			rc = pake_pubmed_parse_fetch(r.body.p ? r.body.p : "",
			    r.body.len, &got, e);
			pake_fetch_res_free(&r);
		} else if (rc != 0 && rc != PAKE_EUNAVAIL && rc != PAKE_ERATE &&
		    rc != PAKE_ESECURITY)
			rc = pake_fail(e, PAKE_EINVAL, "Too many PMIDs", NULL);
		/* In ESearch's order (its ranking), only the PMIDs asked. */
		if (rc == 0) {
			*records = cJSON_CreateArray();
			for (i = 0; i < n; i++) {
				cJSON *x;

				cJSON_ArrayForEach(x, got)
					if (cJSON_GetStringValue(
					    cJSON_GetObjectItemCaseSensitive(x,
					    "pmid")) && strcmp(cJSON_GetStringValue(
					    cJSON_GetObjectItemCaseSensitive(x,
					    "pmid")), ids[i]) == 0)
						break;
				if (x)
					cJSON_AddItemToArray(*records,
					    cJSON_Duplicate(x, 1));
			}
		}
		cJSON_Delete(got);
		pake_pubmed_ids_free(ids, n);
		if (rc != 0)
			return rc;
	}
	hit = cJSON_CreateObject();
	cJSON_AddNumberToObject(hit, "total", (double)*total);
	cJSON_AddItemReferenceToObject(hit, "records", *records);
	pake_rcache_put(cd, "pubmed", url, hit);
	cJSON_Delete(hit);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The web: a page, and a search through SearxNG */

/* s with every byte but unreserved ones percent-encoded, into out. */
static int
url_encode(const char *s, char *out, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (isalnum(ch) || strchr("-._~", ch)) {
			if (k + 1 >= n)
				return -1;
			out[k++] = (char)ch;
		} else {
			if (k + 3 >= n)
				return -1;
			out[k++] = '%';
			out[k++] = hex[ch >> 4];
			out[k++] = hex[ch & 15];
		}
	}
	out[k] = '\0';
	return 0;
}

int
pake_research_url(pake_ctx *c, const char *url, cJSON **record, pake_err *e)
{
	char cdir[PATH_MAX];
	const char *cd = cache_dir(c, cdir, sizeof cdir);
	pake_fetch_res r;
	int rc;

	*record = NULL;
	if (strlen(url) > 4096 || (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0))
		return pake_fail(e, PAKE_EINVAL, "Only http and https URLs "
		    "can be fetched", "%.200s", url);
	if (pake_rcache_get(cd, "web", url, TTL_WEB_S, record)) {
		if (cJSON_IsObject(*record))
			return 0;
		cJSON_Delete(*record);
		*record = NULL;
	}
	if ((rc = get(c, "the page", url, "text/html,application/xhtml+xml",
	    NULL, 0, &r, e)) != 0)
		return rc;
	rc = pake_web_extract(r.body.p ? r.body.p : "", r.body.len,
	    r.url[0] ? r.url : url, record, e);
	pake_fetch_res_free(&r);
	if (rc == 0)
		pake_rcache_put(cd, "web", url, *record);
	return rc;
}

static int
ask_web(pake_ctx *c, const char *query, int max, int fresh,
    cJSON **records, pake_err *e)
{
	const char *base = pake_config_str(c->cfg, PAKE_CFG_RS_SEARX);
	char url[URL_MAX], q[3 * 1024], cdir[PATH_MAX];
	const char *cd = cache_dir(c, cdir, sizeof cdir);
	const cJSON *res, *x;
	pake_fetch_res r;
	cJSON *doc;
	size_t bl;
	int rc;

	*records = NULL;
	if (base == NULL || *base == '\0')
		return pake_fail(e, PAKE_EUNAVAIL, "Web search needs a SearxNG "
		    "instance (research.searx_url)", NULL);
	if (strlen(query) > 1000 || url_encode(query, q, sizeof q) != 0)
		return pake_fail(e, PAKE_EINVAL, "The query is too long", NULL);
	bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	snprintf(url, sizeof url, "%.*s/search?q=%s&format=json", (int)bl,
	    base, q);
	if (!fresh && pake_rcache_get(cd, "searx", url, TTL_WEB_S,
	    records)) {
		if (cJSON_IsArray(*records)) {
			while (cJSON_GetArraySize(*records) > max)
				cJSON_DeleteItemFromArray(*records, max);
			return 0;
		}
		cJSON_Delete(*records);
		*records = NULL;
	}
	if ((rc = get(c, "SearxNG", url, "application/json", NULL, 0, &r,
	    e)) != 0)
		return rc;
	doc = cJSON_ParseWithLength(r.body.p ? r.body.p : "", r.body.len);
	pake_fetch_res_free(&r);
	res = cJSON_GetObjectItemCaseSensitive(doc, "results");
	if (!cJSON_IsArray(res)) {
		cJSON_Delete(doc);
		return pake_fail(e, PAKE_EUNAVAIL, "The service's answer is "
		    "not understood", "SearxNG: want results[] in JSON");
	}
	*records = cJSON_CreateArray();
	cJSON_ArrayForEach(x, res) {
		const char *t = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(x, "title"));
		const char *u = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(x, "url"));
		const char *d = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(x, "content"));
		const char *p = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(x, "publishedDate"));
		cJSON *o;

		if (t == NULL || u == NULL || strlen(t) > PAKE_RS_FIELD_MAX ||
		    strlen(u) > 4096 || !pake_utf8_valid(t, strlen(t)) ||
		    (strncasecmp(u, "http://", 7) != 0 &&
		    strncasecmp(u, "https://", 8) != 0))
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "source", "web");
		cJSON_AddStringToObject(o, "title", t);
		cJSON_AddStringToObject(o, "url", u);
		if (d && strlen(d) <= PAKE_RS_ABSTRACT_MAX &&
		    pake_utf8_valid(d, strlen(d)))
			cJSON_AddStringToObject(o, "description", d);
		if (p && strlen(p) >= 10 && strlen(p) < 40) {
			char day[11];

			memcpy(day, p, 10);
			day[10] = '\0';
			cJSON_AddStringToObject(o, "published", day);
		}
		cJSON_AddItemToArray(*records, o);
		if (cJSON_GetArraySize(*records) >= PAKE_RS_RECORDS_MAX)
			break;
	}
	cJSON_Delete(doc);
	pake_rcache_put(cd, "searx", url, *records);
	while (cJSON_GetArraySize(*records) > max)
		cJSON_DeleteItemFromArray(*records, max);
	return 0;
}

int
pake_research_arxiv(pake_ctx *c, const char *query, int start, int max,
    const char *sort, cJSON **records, int64_t *total, pake_err *e)
{
	return ask_arxiv(c, query, start, max, sort, 0, records, total, e);
}

int
pake_research_pubmed(pake_ctx *c, const char *query, int start, int max,
    cJSON **records, int64_t *total, pake_err *e)
{
	return ask_pubmed(c, query, start, max, 0, records, total, e);
}

int
pake_research_web(pake_ctx *c, const char *query, int max, cJSON **records,
    pake_err *e)
{
	return ask_web(c, query, max, 0, records, e);
}

/* ------------------------------------------------------------------ */
/* Ask one source, maybe save: the ingest operation and a topic's poll */

int
pake_research_ingest(pake_ctx *c, const pake_research_ask *a, cJSON **out,
    pake_err *e)
{
	cJSON *records = NULL, *one = NULL, *saved, *r;
	int64_t total = -1;
	int rc;

	*out = NULL;
	if (a->save && (rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if (strcmp(a->source, "url") == 0) {
		if (a->url == NULL)
			return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID,
			    "url: required by source url");
		if ((rc = pake_research_url(c, a->url, &one, e)) == 0) {
			records = cJSON_CreateArray();
			cJSON_AddItemToArray(records, one);
			total = 1;
		}
	} else if (a->query == NULL)
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID,
		    "query: required by source %s", a->source);
	else if (strcmp(a->source, "arxiv") == 0)
		rc = ask_arxiv(c, a->query, a->start, a->max, a->sort,
		    a->fresh, &records, &total, e);
	else if (strcmp(a->source, "pubmed") == 0)
		rc = ask_pubmed(c, a->query, a->start, a->max, a->fresh,
		    &records, &total, e);
	else if (strcmp(a->source, "web") == 0)
		rc = ask_web(c, a->query, a->max, a->fresh, &records, e);
	else
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID,
		    "source: %.32s", a->source);
	if (rc != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "source", a->source);
	if (a->url)
		cJSON_AddStringToObject(*out, "url", a->url);
	else
		cJSON_AddStringToObject(*out, "query", a->query);
	if (total >= 0)
		cJSON_AddNumberToObject(*out, "total", (double)total);
	else
		cJSON_AddNullToObject(*out, "total");
	cJSON_AddItemToObject(*out, "results", records);
	if (!a->save)
		return 0;
	saved = cJSON_AddArrayToObject(*out, "saved");
	cJSON_ArrayForEach(r, records) {
		cJSON *s = NULL;

		if ((rc = pake_research_save(c, r, &s, e)) != 0)
			return rc;	/* the notes saved so far stay */
		cJSON_AddItemToArray(saved, s);
	}
	return 0;
}
