/*
 * research_rank.c: research records as /search result items, deduplicated
 * and reranked (issue 13; SEED-API §1.2, §1.4, §1.5).
 *
 * Items have the Python server's shape: source_name, source_type
 * (arxiv_enhanced, pubmed_research, web), title, content (arXiv: "title,
 * Authors:, Abstract:"; PubMed: with "Journal:"; a page: its text or
 * description), url, published, author ("A, B"), tags (arXiv categories;
 * PubMed MeSH terms and publication types), metadata (the identifiers and
 * facts), plus pake's "source" (arxiv, pubmed, web) and the record itself
 * under "record", which research_save takes.
 *
 * Dedupe: the first item wins over a later one with an identity key in
 * common (note_keys.c: DOI, arXiv id, PMID, URL) or, failing those, the
 * same SHA-256 of the first 1,000 bytes of title + content (SEED-API's).
 *
 * Rerank, SEED-API §1.4's heuristic, with its one bug fixed (the
 * explanation's match share now counts the title too, as the score does):
 * keywords are runs of ASCII letters of at least 3, lower-cased, not stop
 * words (text.c's list), the first 20 distinct.  semantic_score = (sum
 * over the query's keywords found in the item of tf * ln(1 + N / count)),
 * tf = count / N, N the item's keyword tokens) / query keywords + 0.5 *
 * matched share, at most 1; relevance_score = 0.6 * semantic + 0.2 *
 * (query keywords in the title / query keywords) + 0.1 when the content
 * has more than 100 words (- 0.1 under 20) + 0.05 for arXiv and PubMed,
 * within 0..1.  Items are sorted by relevance, ties keeping their order.
 * content_summary: the fragments between . ! ? longer than 20 bytes; all
 * of them up to two, else the two with the most query keywords times
 * length, joined by ". ".  key_topics: the item's keywords seen twice or
 * more, most frequent first, at most 8.
 */
#include <ctype.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "pake/note_keys.h"
#include "pake/research.h"
#include "pake/text.h"
#include "pake/util.h"

#define KW_MAX		20
#define TOPICS_MAX	8
#define HASH_BYTES	1000

/* "A, B, C" of a list of strings (malloc'd). */
static char *
joined(const cJSON *list, const char *sep)
{
	const cJSON *x;
	pake_buf b = {0};
	int i = 0;

	cJSON_ArrayForEach(x, list)
		if (cJSON_IsString(x))
			pake_buf_printf(&b, "%s%s", i++ ? sep : "",
			    x->valuestring);
	return b.len ? pake_buf_take(&b) : (pake_buf_free(&b), NULL);
}

cJSON *
pake_research_item(const cJSON *r)
{
	const char *src = pake_json_str(r, "source"), *title = pake_json_str(r, "title");
	const char *type = strcmp(src, "arxiv") == 0 ? "arxiv_enhanced" :
	    strcmp(src, "pubmed") == 0 ? "pubmed_research" : src;
	char *authors = joined(cJSON_GetObjectItemCaseSensitive(r, "authors"),
	    ", ");
	const char *abs = pake_json_str(r, "abstract");
	cJSON *it = cJSON_CreateObject(), *tags, *meta;
	static const char *const facts[] = {"arxiv_id", "arxiv_version",
	    "pmid", "doi", "journal", "volume", "issue", "pages",
	    "primary_category", "categories", "mesh_terms",
	    "publication_types", "pdf_url", "canonical_url", "site_name",
	    "description", "updated", "language"};
	const cJSON *x;
	pake_buf c = {0};
	size_t i;

	cJSON_AddStringToObject(it, "source", src);
	cJSON_AddStringToObject(it, "source_name", src);
	cJSON_AddStringToObject(it, "source_type", type);
	cJSON_AddStringToObject(it, "title", title);
	if (abs) {
		pake_buf_printf(&c, "%s\n\nAuthors: %s\n\n", title, authors ?
		    authors : "");
		if (pake_json_str(r, "journal"))
			pake_buf_printf(&c, "Journal: %s\n\n",
			    pake_json_str(r, "journal"));
		pake_buf_printf(&c, "Abstract:\n%s", abs);
	} else
		pake_buf_puts(&c, pake_json_str(r, "text") ? pake_json_str(r, "text") :
		    pake_json_str(r, "description") ? pake_json_str(r, "description") : "");
	cJSON_AddStringToObject(it, "content", c.p ? c.p : "");
	pake_buf_free(&c);
	cJSON_AddStringToObject(it, "url", pake_json_str(r, "url") ? pake_json_str(r, "url") :
	    pake_json_str(r, "canonical_url") ? pake_json_str(r, "canonical_url") : "");
	if (pake_json_str(r, "published"))
		cJSON_AddStringToObject(it, "published", pake_json_str(r, "published"));
	else
		cJSON_AddNullToObject(it, "published");
	if (authors)
		cJSON_AddStringToObject(it, "author", authors);
	else
		cJSON_AddNullToObject(it, "author");
	free(authors);
	tags = cJSON_AddArrayToObject(it, "tags");
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(r,
	    "categories"))
		cJSON_AddItemToArray(tags, cJSON_Duplicate(x, 0));
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(r,
	    "mesh_terms"))
		cJSON_AddItemToArray(tags, cJSON_Duplicate(x, 0));
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(r,
	    "publication_types"))
		cJSON_AddItemToArray(tags, cJSON_Duplicate(x, 0));
	meta = cJSON_AddObjectToObject(it, "metadata");
	for (i = 0; i < sizeof facts / sizeof *facts; i++)
		if ((x = cJSON_GetObjectItemCaseSensitive(r, facts[i])) != NULL)
			cJSON_AddItemToObject(meta, facts[i],
			    cJSON_Duplicate(x, 1));
	cJSON_AddItemToObject(it, "record", cJSON_Duplicate(r, 1));
	return it;
}

/* ------------------------------------------------------------------ */
/* Dedupe */

void
pake_research_dedupe(cJSON *items)
{
	int n = cJSON_GetArraySize(items), i = 0, j, k, m;
	char (*keys)[PAKE_KEYS_MAX][PAKE_KEY_MAX];
	unsigned char (*h)[crypto_hash_sha256_BYTES];
	int *nk;

	keys = calloc((size_t)n + 1, sizeof *keys);
	h = calloc((size_t)n + 1, sizeof *h);
	nk = calloc((size_t)n + 1, sizeof *nk);
	if (!keys || !h || !nk)
		goto out;
	while (i < cJSON_GetArraySize(items)) {
		cJSON *it = cJSON_GetArrayItem(items, i);
		pake_buf b = {0};
		int dup = 0;

		nk[i] = pake_record_keys(cJSON_GetObjectItemCaseSensitive(it,
		    "record"), keys[i], PAKE_KEYS_MAX);
		pake_buf_puts(&b, pake_json_str(it, "title") ? pake_json_str(it, "title") : "");
		pake_buf_puts(&b, pake_json_str(it, "content") ? pake_json_str(it, "content") : "");
		crypto_hash_sha256(h[i], (const unsigned char *)(b.p ? b.p :
		    ""), b.len < HASH_BYTES ? b.len : HASH_BYTES);
		pake_buf_free(&b);
		for (j = 0; j < i && !dup; j++) {
			if (memcmp(h[i], h[j], sizeof h[i]) == 0)
				dup = 1;
			for (k = 0; k < nk[i] && !dup; k++)
				for (m = 0; m < nk[j] && !dup; m++)
					dup = strcmp(keys[i][k], keys[j][m]) ==
					    0;
		}
		if (dup)
			cJSON_DeleteItemFromArray(items, i);
		else
			i++;
	}
out:
	free(keys);
	free(h);
	free(nk);
}

/* ------------------------------------------------------------------ */
/* Rerank */

struct kw {
	char w[32];
	int count;
};

/* The keywords of text into k (distinct, counted; at most max kept), and
 * the number of keyword tokens. */
static int
keywords(const char *text, struct kw *k, int max, int *nk)
{
	int tokens = 0, i;
	char w[32];

	*nk = 0;
	while (pake_text_next_keyword(&text, w)) {
		tokens++;
		for (i = 0; i < *nk && strcmp(k[i].w, w); i++)
			;
		if (i < *nk)
			k[i].count++;
		else if (*nk < max) {
			memcpy(k[*nk].w, w, strlen(w) + 1);
			k[(*nk)++].count = 1;
		}
	}
	return tokens;
}

static int
by_count(const void *a, const void *b)
{
	const struct kw *x = a, *y = b;

	return (y->count > x->count) - (y->count < x->count);
}

/* Query keywords found in text. */
static int
found_in(const struct kw *q, int nq, const char *text)
{
	struct kw k[512];
	int nk, i, j, hit = 0;

	keywords(text, k, 512, &nk);
	for (i = 0; i < nq; i++)
		for (j = 0; j < nk; j++)
			if (strcmp(q[i].w, k[j].w) == 0) {
				hit++;
				break;
			}
	return hit;
}

/* The two best sentences of text (malloc'd). */
static char *
summary_of(const char *text, const struct kw *q, int nq)
{
	const char *p = text, *best[2] = {NULL, NULL}, *s;
	size_t blen[2] = {0, 0}, len;
	double bs[2] = {-1, -1}, sc;
	pake_buf b = {0}, one = {0};
	int frags = 0, i;

	for (s = p; ; p++) {
		if (*p == '\0' || strchr(".!?", *p)) {
			len = (size_t)(p - s);
			while (len && isspace((unsigned char)*s))
				s++, len--;
			if (len > 20) {
				frags++;
				pake_buf_free(&one);
				pake_buf_put(&one, s, len);
				sc = (double)found_in(q, nq, one.p) * (double)len;
				if (sc > bs[0]) {
					best[1] = best[0], blen[1] = blen[0];
					bs[1] = bs[0];
					best[0] = s, blen[0] = len, bs[0] = sc;
				} else if (sc > bs[1])
					best[1] = s, blen[1] = len, bs[1] = sc;
			}
			while (*p && strchr(".!?", *p))
				p++;
			if (*p == '\0')
				break;
			s = p;
		}
	}
	pake_buf_free(&one);
	if (frags == 0)
		return NULL;
	/* In the text's order. */
	if (best[1] && best[1] < best[0]) {
		const char *t = best[0];
		size_t tl = blen[0];

		best[0] = best[1], blen[0] = blen[1];
		best[1] = t, blen[1] = tl;
	}
	for (i = 0; i < 2; i++)
		if (best[i])
			pake_buf_printf(&b, "%s%.*s", i ? ". " : "",
			    (int)blen[i], best[i]);
	pake_buf_putc(&b, '.');
	return pake_buf_take(&b);
}

static double
clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

static int
by_relevance(const void *a, const void *b)
{
	const cJSON *const *x = a, *const *y = b;
	double rx = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(*x, "ml_enhancements"),
	    "relevance_score"));
	double ry = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(*y, "ml_enhancements"),
	    "relevance_score"));

	if (rx != ry)
		return rx < ry ? 1 : -1;
	return (int)(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(*x,
	    "_pos")) - cJSON_GetNumberValue(
	    cJSON_GetObjectItemCaseSensitive(*y, "_pos")));
}

void
pake_research_rerank(cJSON *items, const char *query)
{
	struct kw q[KW_MAX], d[512];
	int nq, nd, n = cJSON_GetArraySize(items), i, j;
	cJSON **v, *it;

	keywords(query, q, KW_MAX, &nq);
	if ((v = calloc((size_t)n + 1, sizeof *v)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		const char *title = pake_json_str(cJSON_GetArrayItem(items, i), "title");
		const char *content = pake_json_str(cJSON_GetArrayItem(items, i),
		    "content");
		pake_buf all = {0};
		double sem = 0, rel;
		int tokens, matched = 0, words = 0, intitle;
		const char *src;
		char *sum, expl[600];
		cJSON *ml, *topics;
		size_t k;

		it = cJSON_GetArrayItem(items, i);
		pake_buf_printf(&all, "%s %s", content ? content : "",
		    title ? title : "");
		tokens = keywords(all.p, d, 512, &nd);
		for (j = 0; j < nq; j++) {
			int c;

			for (c = 0; c < nd && strcmp(d[c].w, q[j].w); c++)
				;
			if (c < nd && tokens > 0) {
				double tf = (double)d[c].count / tokens;

				sem += tf * log(1 + (double)tokens /
				    d[c].count);
				matched++;
			}
		}
		if (nq > 0)
			sem = sem / nq + 0.5 * matched / nq;
		sem = sem > 1 ? 1 : sem;
		intitle = found_in(q, nq, title);
		for (k = 0; content && content[k]; ) {
			while (content[k] && isspace((unsigned char)content[k]))
				k++;
			if (content[k])
				words++;
			while (content[k] && !isspace((unsigned char)
			    content[k]))
				k++;
		}
		src = pake_json_str(it, "source");
		rel = 0.6 * sem + (nq ? 0.2 * intitle / nq : 0) +
		    (words > 100 ? 0.1 : words < 20 ? -0.1 : 0) +
		    (src && (strcmp(src, "arxiv") == 0 ||
		    strcmp(src, "pubmed") == 0) ? 0.05 : 0);
		ml = cJSON_AddObjectToObject(it, "ml_enhancements");
		cJSON_AddNumberToObject(ml, "semantic_score",
		    round(sem * 1000) / 1000);
		if ((sum = summary_of(content ? content : "", q, nq)) != NULL) {
			cJSON_AddStringToObject(ml, "content_summary", sum);
			free(sum);
		} else
			cJSON_AddStringToObject(ml, "content_summary", "");
		qsort(d, (size_t)nd, sizeof *d, by_count);
		topics = cJSON_AddArrayToObject(ml, "key_topics");
		for (j = 0; j < nd && cJSON_GetArraySize(topics) < TOPICS_MAX &&
		    d[j].count >= 2; j++)
			cJSON_AddItemToArray(topics, cJSON_CreateString(d[j].w));
		{
			pake_buf m = {0};
			int c;

			for (j = 0; j < nq; j++) {
				for (c = 0; c < nd && strcmp(d[c].w, q[j].w);
				    c++)
					;
				if (c < nd)
					pake_buf_printf(&m, "%s%s", m.len ?
					    ", " : "", q[j].w);
			}
			snprintf(expl, sizeof expl, "%s relevance (%d%% keyword "
			    "match). Matched terms: %s", sem > 0.7 ? "High" :
			    sem > 0.4 ? "Moderate" : "Low", nq ? 100 * matched /
			    nq : 0, m.p ? m.p : "none");
			pake_buf_free(&m);
		}
		cJSON_AddStringToObject(ml, "similarity_explanation", expl);
		cJSON_AddNumberToObject(ml, "relevance_score",
		    round(clamp01(rel) * 1000) / 1000);
		cJSON_AddStringToObject(ml, "enhanced_by", "pake research rank "
		    "1 (SEED-API 1.4)");
		cJSON_AddNumberToObject(it, "_pos", i);
		pake_buf_free(&all);
	}
	/* Sort (stable by position), then put the items back in order. */
	for (i = 0; i < n; i++)
		v[i] = cJSON_DetachItemFromArray(items, 0);
	qsort(v, (size_t)n, sizeof *v, by_relevance);
	for (i = 0; i < n; i++) {
		cJSON_DeleteItemFromObjectCaseSensitive(v[i], "_pos");
		cJSON_AddItemToArray(items, v[i]);
	}
	free(v);
}
