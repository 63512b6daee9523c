/*
 * src_arxiv.c: arXiv's API (http://export.arxiv.org/api/query): the
 * query URL, and its Atom answer into records (include/pake/research.h).
 *
 * An entry is kept when its <id> is an arXiv abstract URL
 * (http[s]://[export.|www.]arxiv.org/abs/ID[vN], ID new style
 * "2301.00001" or old style "hep-th/9901001", the archive kept) and it has
 * a title; other entries are skipped.  url is always
 * https://arxiv.org/abs/ID (no version); pdf_url the link titled "pdf"
 * (http://arxiv.org/ made https).  arXiv answers a bad query with a feed
 * of one entry whose id is http://arxiv.org/api/errors#... : that is
 * PAKE_EUNAVAIL with the entry's summary in the detail.  Its throttle
 * answer, a 200 with the text "Rate exceeded.", is PAKE_ERATE.  Anything
 * but an Atom feed (an HTML error page, ...) is PAKE_EUNAVAIL.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pake/research.h"
#include "pake/src.h"
#include "pake/util.h"

#define ARXIV_BASE	"http://export.arxiv.org/api/query"
#define MSG_NOT_FEED	"The service's answer is not an arXiv feed"
#define MSG_REFUSED	"arXiv refused the query"
#define MSG_RATE	"arXiv asks to slow down"
#define TERM_MAX	256	/* bytes of a category term */

/* The root element of doc, or NULL. */
static xmlNode *
root_of(xmlDoc *doc)
{
	xmlNode *n;

	for (n = doc->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

/* 1 when the body is arXiv's throttle answer. */
static int
rate_exceeded(const char *s, size_t len)
{
	static const char rate[] = "Rate exceeded";

	while (len > 0 && isspace((unsigned char)*s))
		s++, len--;
	return len >= sizeof rate - 1 && len < 100 &&
	    memcmp(s, rate, sizeof rate - 1) == 0;
}

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Split an entry's id (an abstract URL, or a bare id) into the arXiv id
 * without version (id[64]) and the version (0 when none).  0, or -1 when
 * it is not an arXiv id. */
static int
parse_id(const char *s, char id[64], int *ver)
{
	static const char *const pre[] = {"http://arxiv.org/abs/",
		"https://arxiv.org/abs/", "http://export.arxiv.org/abs/",
		"https://export.arxiv.org/abs/", "http://www.arxiv.org/abs/",
		"https://www.arxiv.org/abs/"};
	const char *p, *slash, *v;
	size_t i, k, a;

	*ver = 0;
	for (i = 0; i < sizeof pre / sizeof *pre; i++)
		if (strncasecmp(s, pre[i], strlen(pre[i])) == 0) {
			s += strlen(pre[i]);
			break;
		}
	/* The version: a trailing vN. */
	k = strlen(s);
	v = NULL;
	for (p = s + k; p > s && isdigit((unsigned char)p[-1]); p--)
		;
	if (p > s + 1 && p < s + k && p[-1] == 'v' && s + k - p <= 4) {
		v = p;
		k = (size_t)(p - 1 - s);
	}
	if (k == 0 || k >= 64)
		return -1;
	if ((slash = memchr(s, '/', k)) != NULL) {
		/* Old style: archive[.XX]/YYMMNNN. */
		size_t base;

		a = (size_t)(slash - s);
		base = a;
		if (a > 3 && s[a - 3] == '.' && isupper((unsigned char)s[a - 2])
		    && isupper((unsigned char)s[a - 1]))
			base = a - 3;	/* math.GT */
		if (base == 0 || k - a - 1 != 7 || !digits(slash + 1, 7) ||
		    !islower((unsigned char)s[0]))
			return -1;
		for (i = 0; i < base; i++)
			if (!islower((unsigned char)s[i]) && s[i] != '-')
				return -1;
	} else if (!(k == 9 || k == 10) || s[4] != '.' || !digits(s, 4) ||
	    !digits(s + 5, k - 5))
		return -1;
	memcpy(id, s, k);
	id[k] = '\0';
	if (v != NULL)
		*ver = atoi(v);
	return 0;
}

/* "YYYY-MM-DD..." into out ("YYYY-MM-DD", "YYYY-MM" or "YYYY"); 0 when
 * the text does not start with a year. */
static int
date_of(const char *s, char out[11])
{
	size_t k = 0;

	if (digits(s, 4) && strlen(s) >= 4) {
		k = 4;
		if (s[4] == '-' && isdigit((unsigned char)s[5]) &&
		    isdigit((unsigned char)s[6])) {
			k = 7;
			if (s[7] == '-' && isdigit((unsigned char)s[8]) &&
			    isdigit((unsigned char)s[9]))
				k = 10;
		}
	}
	memcpy(out, s, k);
	out[k] = '\0';
	return k > 0;
}

static int
put_date(cJSON *rec, const char *key, const xmlNode *n)
{
	char *t, d[11];
	int rc = 0;

	if (n == NULL)
		return 0;
	if ((t = pake_xml_text(n, PAKE_XML_LINE, 64)) == NULL)
		return -1;
	if (date_of(t, d))
		rc = pake_rs_put(rec, key, d);
	free(t);
	return rc;
}

/* The categories: the primary first, then the others, deduped. */
static int
put_categories(cJSON *rec, const xmlNode *entry)
{
	const xmlNode *n;
	cJSON *a;
	char *t;
	int rc = 0;

	if ((a = cJSON_CreateArray()) == NULL)
		return -1;
	n = pake_xml_child(entry, PAKE_NS_ARXIV, "primary_category");
	if (n != NULL && (t = pake_xml_attr(n, "term", TERM_MAX)) != NULL) {
		if (pake_rs_list_add(a, t, PAKE_RS_LIST_MAX) != 0 ||
		    pake_rs_put(rec, "primary_category", t) != 0)
			rc = -1;
		free(t);
	}
	for (n = pake_xml_child(entry, PAKE_NS_ATOM, "category");
	    n != NULL && rc == 0;
	    n = pake_xml_next(n, PAKE_NS_ATOM, "category")) {
		if ((t = pake_xml_attr(n, "term", TERM_MAX)) == NULL)
			continue;	/* no term (or out of memory) */
		rc = pake_rs_list_add(a, t, PAKE_RS_LIST_MAX);
		free(t);
	}
	if (rc != 0 || cJSON_GetArraySize(a) == 0) {
		cJSON_Delete(a);
		return rc;
	}
	cJSON_AddItemToObject(rec, "categories", a);
	return 0;
}

static int
put_authors(cJSON *rec, const xmlNode *entry)
{
	const xmlNode *n;
	cJSON *a;
	char *t;
	int rc = 0;

	if ((a = cJSON_CreateArray()) == NULL)
		return -1;
	for (n = pake_xml_child(entry, PAKE_NS_ATOM, "author");
	    n != NULL && rc == 0 &&
	    cJSON_GetArraySize(a) < PAKE_RS_AUTHORS_MAX;
	    n = pake_xml_next(n, PAKE_NS_ATOM, "author")) {
		t = pake_xml_text(pake_xml_child(n, PAKE_NS_ATOM, "name"),
		    PAKE_XML_LINE, PAKE_RS_FIELD_MAX);
		if (t == NULL) {
			rc = -1;
			break;
		}
		if (*t) {
			cJSON *s = cJSON_CreateString(t);

			if (s == NULL)
				rc = -1;
			else
				cJSON_AddItemToArray(a, s);
		}
		free(t);
	}
	if (rc != 0 || cJSON_GetArraySize(a) == 0) {
		cJSON_Delete(a);
		return rc;
	}
	cJSON_AddItemToObject(rec, "authors", a);
	return 0;
}

/* The links: the PDF's. */
static int
put_pdf(cJSON *rec, const xmlNode *entry)
{
	const xmlNode *n;
	char *title, *href;
	int rc = 0, done = 0;

	for (n = pake_xml_child(entry, PAKE_NS_ATOM, "link");
	    n != NULL && !done && rc == 0;
	    n = pake_xml_next(n, PAKE_NS_ATOM, "link")) {
		title = pake_xml_attr(n, "title", 64);
		href = pake_xml_attr(n, "href", PAKE_RS_FIELD_MAX);
		if (title && href && strcmp(title, "pdf") == 0) {
			if (strncmp(href, "http://arxiv.org/", 17) == 0) {
				char u[PAKE_RS_FIELD_MAX + 2];

				snprintf(u, sizeof u, "https://%s", href + 7);
				rc = pake_rs_put(rec, "pdf_url", u);
				done = 1;
			} else if (strncmp(href, "https://", 8) == 0 ||
			    strncmp(href, "http://", 7) == 0) {
				rc = pake_rs_put(rec, "pdf_url", href);
				done = 1;
			}
		}
		free(title);
		free(href);
	}
	return rc;
}

/* One entry into *rec (NULL when the entry is skipped).  0, or -1 when
 * out of memory. */
static int
entry_record(const xmlNode *entry, cJSON **rec)
{
	char *t, id[64], url[96];
	const xmlNode *n;
	cJSON *r;
	int ver, rc = 0;

	*rec = NULL;
	t = pake_xml_text(pake_xml_child(entry, PAKE_NS_ATOM, "id"),
	    PAKE_XML_LINE, 256);
	if (t == NULL)
		return -1;
	rc = parse_id(t, id, &ver);
	free(t);
	if (rc != 0)
		return 0;
	t = pake_xml_text(pake_xml_child(entry, PAKE_NS_ATOM, "title"),
	    PAKE_XML_LINE, PAKE_RS_FIELD_MAX);
	if (t == NULL)
		return -1;
	if (*t == '\0') {
		free(t);
		return 0;
	}
	if ((r = cJSON_CreateObject()) == NULL) {
		free(t);
		return -1;
	}
	snprintf(url, sizeof url, "https://arxiv.org/abs/%s", id);
	rc |= pake_rs_put(r, "source", "arxiv");
	rc |= pake_rs_put_own(r, "title", t);
	rc |= put_authors(r, entry);
	rc |= pake_rs_put_text(r, "abstract", pake_xml_child(entry,
	    PAKE_NS_ATOM, "summary"), PAKE_XML_PARA, PAKE_RS_ABSTRACT_MAX);
	rc |= put_date(r, "published", pake_xml_child(entry, PAKE_NS_ATOM,
	    "published"));
	rc |= put_date(r, "updated", pake_xml_child(entry, PAKE_NS_ATOM,
	    "updated"));
	if ((n = pake_xml_child(entry, PAKE_NS_ARXIV, "doi")) != NULL) {
		/* Several DOIs are separated by spaces: the first. */
		if ((t = pake_xml_text(n, PAKE_XML_LINE, 256)) == NULL)
			rc = -1;
		else {
			t[strcspn(t, " ")] = '\0';
			rc |= pake_rs_put_own(r, "doi", t);
		}
	}
	rc |= pake_rs_put(r, "arxiv_id", id);
	if (ver > 0 && !cJSON_AddNumberToObject(r, "arxiv_version", ver))
		rc = -1;
	rc |= put_categories(r, entry);
	rc |= pake_rs_put_text(r, "journal", pake_xml_child(entry,
	    PAKE_NS_ARXIV, "journal_ref"), PAKE_XML_LINE, PAKE_RS_FIELD_MAX);
	rc |= pake_rs_put(r, "url", url);
	rc |= put_pdf(r, entry);
	if (rc != 0) {
		cJSON_Delete(r);
		return -1;
	}
	*rec = r;
	return 0;
}

/* 1 when the entry is arXiv's error entry. */
static int
error_entry(const xmlNode *entry)
{
	char *t;
	int yes;

	t = pake_xml_text(pake_xml_child(entry, PAKE_NS_ATOM, "id"),
	    PAKE_XML_LINE, 256);
	yes = t != NULL && (strncmp(t, "http://arxiv.org/api/errors", 27) ==
	    0 || strncmp(t, "https://arxiv.org/api/errors", 28) == 0);
	free(t);
	return yes;
}

int
pake_arxiv_parse(const char *xml, size_t len, cJSON **records,
    int64_t *total, pake_err *e)
{
	const xmlNode *root, *n;
	xmlDoc *doc;
	cJSON *arr, *r;
	char *t;
	int rc;

	*records = NULL;
	*total = -1;
	if (xml != NULL && rate_exceeded(xml, len))
		return pake_fail(e, PAKE_ERATE, MSG_RATE, "arXiv: %.*s",
		    (int)(len < 100 ? len : 100), xml);
	if ((rc = pake_xml_read(xml, len, "arXiv", &doc, e)) != 0)
		return rc;
	root = root_of(doc);
	if (!pake_xml_is(root, PAKE_NS_ATOM, "feed")) {
		rc = pake_fail(e, PAKE_EUNAVAIL, MSG_NOT_FEED, "root <%.60s>",
		    root && root->name ? (const char *)root->name : "");
		pake_xml_free(doc);
		return rc;
	}
	for (n = pake_xml_child(root, PAKE_NS_ATOM, "entry"); n != NULL;
	    n = pake_xml_next(n, PAKE_NS_ATOM, "entry"))
		if (error_entry(n)) {
			t = pake_xml_text(pake_xml_child(n, PAKE_NS_ATOM,
			    "summary"), PAKE_XML_LINE, 400);
			rc = pake_fail(e, PAKE_EUNAVAIL, MSG_REFUSED, "%s",
			    t ? t : "");
			free(t);
			pake_xml_free(doc);
			return rc;
		}
	if ((arr = cJSON_CreateArray()) == NULL)
		goto oom;
	for (n = pake_xml_child(root, PAKE_NS_ATOM, "entry");
	    n != NULL && cJSON_GetArraySize(arr) < PAKE_RS_RECORDS_MAX;
	    n = pake_xml_next(n, PAKE_NS_ATOM, "entry")) {
		if (entry_record(n, &r) != 0)
			goto oom;
		if (r != NULL)
			cJSON_AddItemToArray(arr, r);
	}
	n = pake_xml_child(root, PAKE_NS_OPENSEARCH, "totalResults");
	if (n != NULL) {
		if ((t = pake_xml_text(n, PAKE_XML_LINE, 32)) == NULL)
			goto oom;
		if (*t && strlen(t) <= 15 && digits(t, strlen(t)))
			*total = strtoll(t, NULL, 10);
		free(t);
	}
	pake_xml_free(doc);
	*records = arr;
	return 0;
oom:
	cJSON_Delete(arr);
	pake_xml_free(doc);
	*total = -1;
	return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
}

/* arXiv's field prefixes. */
static int
field_prefix(const char *s)
{
	static const char *const pre[] = {"ti:", "au:", "abs:", "co:",
		"jr:", "cat:", "rn:", "id:", "all:"};
	size_t i;

	for (i = 0; i < sizeof pre / sizeof *pre; i++)
		if (strncasecmp(s, pre[i], strlen(pre[i])) == 0)
			return 1;
	return 0;
}

/* A term in arXiv's own syntax: a field prefix at a word's start, or a
 * parenthesis. */
static int
own_syntax(const char *s)
{
	const char *p;

	if (*s == '(')
		return 1;
	for (p = s; *p; p++)
		if ((p == s || p[-1] == ' ' || p[-1] == '(') &&
		    field_prefix(p))
			return 1;
	return 0;
}

static int
is_op(const char *s)
{
	return strcmp(s, "AND") == 0 || strcmp(s, "OR") == 0 ||
	    strcmp(s, "ANDNOT") == 0;
}

void
pake_arxiv_query(const char *const *terms, size_t nterms, char *out,
    size_t n)
{
	pake_buf b = {0};
	size_t i, ok = 0;
	int own = 0, prev_op = 1;
	char *t;

	if (n == 0)
		return;
	out[0] = '\0';
	for (i = 0; i < nterms; i++)
		if (terms[i] && (own_syntax(terms[i]) || is_op(terms[i])))
			own = 1;
	for (i = 0; i < nterms; i++) {
		int op, mine;

		if (terms[i] == NULL)
			continue;
		t = pake_xml_collapse(terms[i], strlen(terms[i]),
		    PAKE_XML_LINE, 1024);
		if (t == NULL)
			break;
		op = own && is_op(t);
		mine = own && !op && own_syntax(t);
		if (!op && !mine) {	/* a plain term: quotes dropped */
			char *p, *q;

			for (p = q = t; *p; p++)
				if (*p != '"')
					*q++ = *p;
			*q = '\0';
			if ((p = pake_xml_collapse(t, strlen(t),
			    PAKE_XML_LINE, 1024)) == NULL) {
				free(t);
				break;
			}
			free(t);
			t = p;
		}
		if (*t == '\0' || (op && b.len == 0)) {
			free(t);
			continue;
		}
		if (b.len > 0)
			pake_buf_puts(&b, op || prev_op ? " " : " AND ");
		if (op || mine)
			pake_buf_puts(&b, t);
		else
			pake_buf_printf(&b, "all:\"%s\"", t);
		prev_op = op;
		free(t);
		if (b.oom)
			break;
		if (b.len < n && !op)
			ok = b.len;
	}
	if (!b.oom && b.len > 0) {
		memcpy(out, b.p, ok);
		out[ok] = '\0';
	}
	if (out[0] == '\0' && n > sizeof "all:*" - 1)
		memcpy(out, "all:*", sizeof "all:*");
	pake_buf_free(&b);
}

int
pake_arxiv_url(const char *base, const char *search_query, int start,
    int max, const char *sort_by, char *out, size_t n)
{
	pake_buf b = {0};
	const char *sort;
	int rc = 0;

	if (search_query == NULL || *search_query == '\0' || start < 0 ||
	    start > 30000 || max < 1 || max > 2000 || n == 0)
		return PAKE_EINVAL;
	if (sort_by == NULL || strcmp(sort_by, "relevance") == 0)
		sort = "relevance";
	else if (strcmp(sort_by, "lastUpdatedDate") == 0)
		sort = "lastUpdatedDate";
	else
		sort = "submittedDate";
	if (base == NULL || *base == '\0')
		base = ARXIV_BASE;
	pake_buf_puts(&b, base);
	pake_buf_puts(&b, strchr(base, '?') ? "&" : "?");
	pake_buf_puts(&b, "search_query=");
	pake_url_encode(&b, search_query);
	pake_buf_printf(&b, "&start=%d&max_results=%d&sortBy=%s"
	    "&sortOrder=descending", start, max, sort);
	if (b.oom || b.len >= n)
		rc = PAKE_EINVAL;
	else
		memcpy(out, b.p, b.len + 1);
	pake_buf_free(&b);
	return rc;
}
