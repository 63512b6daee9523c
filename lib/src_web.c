/*
 * src_web.c: a web page to a research record (research.h,
 * pake_web_extract), with libxml2's HTML parser.
 *
 * The page is parsed without network access (HTML_PARSE_NONET), silently,
 * in the encoding libxml2 detects (a byte order mark, <meta charset>,
 * <meta http-equiv=Content-Type>; UTF-8 or Latin-1 otherwise).  Blank text
 * nodes are kept (no HTML_PARSE_NOBLANKS): "<b>a</b> <i>b</i>" is two
 * words.  At most WEB_MAX bytes are parsed; a larger page is refused.
 *
 * Two walks over the tree, both iterative (src_html.c):
 *
 *   the metadata: <meta name|property|itemprop content>, <title>, the
 *   first <h1>, <link rel=canonical>, <html lang>, the first
 *   <time datetime> inside an <article>, and the JSON-LD scripts;
 *
 *   the content: page furniture is skipped (pake_html_boilerplate: nav,
 *   header, footer, aside, form, button, iframe, scripts and styles,
 *   roles navigation/banner/contentinfo/complementary/search, and class
 *   or id words nav, menu, footer, sidebar, cookie, consent, banner,
 *   share, social, comment, advert, ad, promo ...), and every <p> left
 *   scores its text (bytes that are not white space) minus the text of
 *   its links: the whole score to its parent, half to its grandparent,
 *   and to every ancestor's subtree total.
 *
 * The main content is the <article> with the largest subtree total (the
 * first when they tie), else the first <main>, else the first element of
 * role=main, else the <div>, <section> or <td> with the largest score
 * (text density: where the paragraphs are), else <body>.  Its text is
 * rendered without the furniture: paragraphs and headings separated by
 * "\n\n", list items on lines, at most PAKE_RS_TEXT_MAX bytes.
 *
 * Field sources, first found wins:
 *   title        og:title, citation_title, JSON-LD headline, <title>,
 *                the first <h1>, else the start of the text
 *   description  meta description, og:description, twitter:description,
 *                JSON-LD description, dc.description
 *   authors      citation_author (each), else JSON-LD author name(s),
 *                else meta author and article:author (not URLs), else
 *                dc.creator
 *   published    article:published_time, JSON-LD datePublished, meta
 *                date, citation_publication_date, citation_date,
 *                dc.date, dcterms.issued, the first <time datetime> in
 *                an <article>; made YYYY-MM-DD (an unreadable date is
 *                left out)
 *   updated      article:modified_time, JSON-LD dateModified
 *   canonical_url <link rel=canonical>, og:url; absolute, http(s) only
 *   doi          citation_doi, prism.doi, dc.identifier (10.x, doi:10.x
 *                or a doi.org URL), as 10.x
 *   site_name    og:site_name, JSON-LD publisher name
 *   journal, volume, issue, pages, issn   citation_journal_title, ...
 *
 * JSON-LD: at most LD_SCRIPTS scripts of at most LD_MAX bytes and nesting
 * LD_DEPTH, parsed with cJSON; the object, an array, or an @graph; the
 * first of type Article, NewsArticle, BlogPosting, ScholarlyArticle,
 * TechArticle or ReportageNewsArticle, else the first WebPage.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cjson/cJSON.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include "pake/research.h"
#include "pake/src.h"
#include "pake/src_html.h"
#include "pake/util.h"

#define WEB_MAX		(16u * 1024 * 1024)
#define LD_MAX		(1024 * 1024)
#define LD_SCRIPTS	8
#define LD_DEPTH	64

#define MSG_NOCONTENT	"The page has no readable content"

/* The meta keys read, by name=, property= or itemprop=. */
enum {
	M_OG_TITLE, M_CITATION_TITLE, M_DESCRIPTION, M_OG_DESCRIPTION,
	M_TW_DESCRIPTION, M_DC_DESCRIPTION, M_PUBLISHED, M_MODIFIED,
	M_DATE, M_CITATION_PUBDATE, M_CITATION_DATE, M_DC_DATE,
	M_DCTERMS_ISSUED, M_DCTERMS_DATE, M_OG_URL, M_SITE_NAME,
	M_CITATION_DOI, M_PRISM_DOI, M_DC_IDENTIFIER, M_DCTERMS_IDENTIFIER,
	M_PDF_URL, M_JOURNAL, M_VOLUME, M_ISSUE, M_FIRSTPAGE, M_LASTPAGE,
	M_ISSN,
	M_N
};

static const char *const meta_keys[M_N] = {
	"og:title", "citation_title", "description", "og:description",
	"twitter:description", "dc.description", "article:published_time",
	"article:modified_time", "date", "citation_publication_date",
	"citation_date", "dc.date", "dcterms.issued", "dcterms.date",
	"og:url", "og:site_name", "citation_doi", "prism.doi",
	"dc.identifier", "dcterms.identifier", "citation_pdf_url",
	"citation_journal_title", "citation_volume", "citation_issue",
	"citation_firstpage", "citation_lastpage", "citation_issn"
};

struct page {
	const char *m[M_N];		/* first value of each key (the doc's) */
	cJSON *cit_authors, *meta_authors, *dc_creators;
	char *title_el, *h1;
	const char *canonical, *lang, *time_dt;
	int in_article;
	cJSON *ld_roots[LD_SCRIPTS];
	int nld;
	cJSON *ld;			/* the chosen JSON-LD object */
	int ld_rank;
	int oom;
	/* the content walk */
	xmlNode *article, *main_el, *role_main, *dense, *body;
	uintptr_t article_score, dense_score;
};

/* Scores live in the nodes' application slots while the tree is ours:
 * _private the paragraph score, psvi the subtree total. */
#define SCORE(n)	((uintptr_t)(n)->_private)
#define TOTAL(n)	((uintptr_t)(n)->psvi)
#define SET_SCORE(n, v)	((n)->_private = (void *)(uintptr_t)(v))
#define SET_TOTAL(n, v)	((n)->psvi = (void *)(uintptr_t)(v))

/* The text of element n, cleaned to one line of at most max bytes. */
static char *
element_text(xmlNode *n, size_t max)
{
	pake_buf b = { 0 };
	char *s;

	pake_html_text(n, &b, max, 0);
	if (b.oom) {
		pake_buf_free(&b);
		return NULL;
	}
	s = pake_html_clean(b.p ? b.p : "", b.len, max, 1);
	pake_buf_free(&b);
	return s;
}

/* Add the name s (cleaned, not a URL, not there yet) to the array a. */
static void
add_name(struct page *pg, cJSON *a, const char *s)
{
	char *c;
	cJSON *x;

	if (a == NULL || s == NULL ||
	    cJSON_GetArraySize(a) >= PAKE_RS_AUTHORS_MAX)
		return;
	if ((c = pake_html_clean(s, strlen(s), PAKE_RS_FIELD_MAX, 1)) ==
	    NULL) {
		pg->oom = 1;
		return;
	}
	if (c[0] == '\0' || strncasecmp(c, "http://", 7) == 0 ||
	    strncasecmp(c, "https://", 8) == 0) {
		free(c);
		return;
	}
	cJSON_ArrayForEach(x, a)
		if (strcasecmp(x->valuestring, c) == 0) {
			free(c);
			return;
		}
	if (!cJSON_AddItemToArray(a, cJSON_CreateString(c)))
		pg->oom = 1;
	free(c);
}

/* JSON-LD */

/* 2 for an article's type, 1 for WebPage, else 0 ("schema:Article" and
 * "http://schema.org/Article" too). */
static int
ld_type_rank(const char *t)
{
	static const char *const articles[] = {
		"Article", "NewsArticle", "BlogPosting", "ScholarlyArticle",
		"TechArticle", "ReportageNewsArticle", NULL
	};
	const char *p;
	size_t i;

	if ((p = strrchr(t, '/')) != NULL)
		t = p + 1;
	if ((p = strrchr(t, ':')) != NULL)
		t = p + 1;
	for (i = 0; articles[i] != NULL; i++)
		if (strcmp(t, articles[i]) == 0)
			return 2;
	return strcmp(t, "WebPage") == 0 ? 1 : 0;
}

static void
ld_consider(struct page *pg, cJSON *o)
{
	cJSON *t, *x;
	int rank = 0, r;

	if (!cJSON_IsObject(o))
		return;
	t = cJSON_GetObjectItemCaseSensitive(o, "@type");
	if (cJSON_IsString(t))
		rank = ld_type_rank(t->valuestring);
	else if (cJSON_IsArray(t))
		cJSON_ArrayForEach(x, t)
			if (cJSON_IsString(x) &&
			    (r = ld_type_rank(x->valuestring)) > rank)
				rank = r;
	if (rank > pg->ld_rank) {
		pg->ld = o;
		pg->ld_rank = rank;
	}
}

static void
ld_scan(struct page *pg, cJSON *root)
{
	cJSON *x, *g;

	if (cJSON_IsArray(root)) {
		cJSON_ArrayForEach(x, root) {
			ld_consider(pg, x);
			g = cJSON_GetObjectItemCaseSensitive(x, "@graph");
			if (cJSON_IsArray(g))
				cJSON_ArrayForEach(x, g)
					ld_consider(pg, x);
		}
		return;
	}
	ld_consider(pg, root);
	g = cJSON_GetObjectItemCaseSensitive(root, "@graph");
	if (cJSON_IsArray(g))
		cJSON_ArrayForEach(x, g)
			ld_consider(pg, x);
}

static void
ld_script(struct page *pg, xmlNode *n)
{
	pake_buf b = { 0 };
	xmlNode *c;
	cJSON *j;

	if (pg->nld >= LD_SCRIPTS)
		return;
	for (c = n->children; c != NULL; c = c->next)
		if ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL) {
			pake_buf_puts(&b, (const char *)c->content);
			if (b.len > LD_MAX)
				break;
		}
	if (!b.oom && b.len > 0 && b.len <= LD_MAX &&
	    pake_json_depth(b.p, b.len) <= LD_DEPTH &&
	    (j = cJSON_ParseWithLength(b.p, b.len)) != NULL) {
		pg->ld_roots[pg->nld++] = j;
		ld_scan(pg, j);
	}
	pake_buf_free(&b);
}

static const char *
ld_string(cJSON *o, const char *key)
{
	cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);

	if (cJSON_IsString(x))
		return x->valuestring;
	if (cJSON_IsArray(x) && cJSON_IsString(cJSON_GetArrayItem(x, 0)))
		return cJSON_GetArrayItem(x, 0)->valuestring;
	return NULL;
}

/* The names of a JSON-LD author value (a string, an object with a name,
 * an array of those) into a. */
static void
ld_authors(struct page *pg, cJSON *v, cJSON *a)
{
	cJSON *x;

	if (cJSON_IsString(v))
		add_name(pg, a, v->valuestring);
	else if (cJSON_IsObject(v))
		add_name(pg, a, ld_string(v, "name"));
	else if (cJSON_IsArray(v))
		cJSON_ArrayForEach(x, v) {
			if (cJSON_IsString(x))
				add_name(pg, a, x->valuestring);
			else if (cJSON_IsObject(x))
				add_name(pg, a, ld_string(x, "name"));
		}
}

/* The metadata walk. */

static int
has_token(const char *v, const char *tok)
{
	size_t n = strlen(tok), i = 0, s;

	while (v[i] != '\0') {
		while (isspace((unsigned char)v[i]))
			i++;
		s = i;
		while (v[i] != '\0' && !isspace((unsigned char)v[i]))
			i++;
		if (i - s == n && strncasecmp(v + s, tok, n) == 0)
			return 1;
	}
	return 0;
}

static void
meta_tag(struct page *pg, xmlNode *n)
{
	const char *k, *v;
	size_t i;

	if ((v = pake_html_attr(n, "content")) == NULL)
		return;
	k = pake_html_attr(n, "name");
	if (k == NULL || *k == '\0')
		k = pake_html_attr(n, "property");
	if (k == NULL || *k == '\0')
		k = pake_html_attr(n, "itemprop");
	if (k == NULL)
		return;
	while (isspace((unsigned char)*k))
		k++;
	if (strcasecmp(k, "citation_author") == 0)
		add_name(pg, pg->cit_authors, v);
	else if (strcasecmp(k, "author") == 0 ||
	    strcasecmp(k, "article:author") == 0)
		add_name(pg, pg->meta_authors, v);
	else if (strcasecmp(k, "dc.creator") == 0 ||
	    strcasecmp(k, "dcterms.creator") == 0)
		add_name(pg, pg->dc_creators, v);
	else
		for (i = 0; i < M_N; i++)
			if (strcasecmp(k, meta_keys[i]) == 0) {
				if (pg->m[i] == NULL && *v != '\0')
					pg->m[i] = v;
				break;
			}
}

static int
meta_enter(xmlNode *n, void *arg)
{
	struct page *pg = arg;
	const char *v;

	if (n->type != XML_ELEMENT_NODE)
		return 1;
	if (pake_html_is(n, "meta"))
		meta_tag(pg, n);
	else if (pake_html_is(n, "title")) {
		if (pg->title_el == NULL &&
		    (pg->title_el = element_text(n, PAKE_RS_FIELD_MAX)) == NULL)
			pg->oom = 1;
		return 1;
	} else if (pake_html_is(n, "h1")) {
		if (pg->h1 == NULL &&
		    (pg->h1 = element_text(n, PAKE_RS_FIELD_MAX)) == NULL)
			pg->oom = 1;
	} else if (pake_html_is(n, "link")) {
		if (pg->canonical == NULL &&
		    (v = pake_html_attr(n, "rel")) != NULL &&
		    has_token(v, "canonical"))
			pg->canonical = pake_html_attr(n, "href");
	} else if (pake_html_is(n, "script")) {
		if ((v = pake_html_attr(n, "type")) != NULL &&
		    strncasecmp(v, "application/ld+json", 19) == 0)
			ld_script(pg, n);
		return 1;
	} else if (pake_html_is(n, "html")) {
		if (pg->lang == NULL)
			pg->lang = pake_html_attr(n, "lang");
	} else if (pake_html_is(n, "article"))
		pg->in_article++;
	else if (pake_html_is(n, "time")) {
		if (pg->in_article > 0 && pg->time_dt == NULL)
			pg->time_dt = pake_html_attr(n, "datetime");
	} else if (pake_html_is(n, "svg") || pake_html_is(n, "math") ||
	    pake_html_is(n, "style") || pake_html_is(n, "template"))
		return 1;
	return 0;
}

static void
meta_leave(xmlNode *n, void *arg)
{
	struct page *pg = arg;

	if (pake_html_is(n, "article") && pg->in_article > 0)
		pg->in_article--;
}

/* The content walk. */

struct pscore {
	uintptr_t text, link;
	int in_link;
};

static int
pscore_enter(xmlNode *n, void *arg)
{
	struct pscore *s = arg;
	const unsigned char *p;
	uintptr_t k = 0;

	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		for (p = n->content; p != NULL && *p != '\0'; p++)
			if (!isspace(*p))
				k++;
		s->text += k;
		if (s->in_link)
			s->link += k;
		return 1;
	}
	if (n->type != XML_ELEMENT_NODE || pake_html_boilerplate(n))
		return 1;
	if (pake_html_is(n, "a"))
		s->in_link++;
	return 0;
}

static void
pscore_leave(xmlNode *n, void *arg)
{
	struct pscore *s = arg;

	if (pake_html_is(n, "a") && s->in_link > 0)
		s->in_link--;
}

static int
content_enter(xmlNode *n, void *arg)
{
	struct page *pg = arg;
	struct pscore s = { 0, 0, 0 };
	const char *v;
	uintptr_t score;

	if (n->type != XML_ELEMENT_NODE)
		return 1;
	SET_SCORE(n, 0);
	SET_TOTAL(n, 0);
	if (pake_html_is(n, "body")) {
		if (pg->body == NULL)
			pg->body = n;
		return 0;
	}
	if (pake_html_is(n, "html"))
		return 0;
	if (pake_html_boilerplate(n))
		return 1;
	if (pake_html_is(n, "p")) {
		pake_html_walk(n, pscore_enter, pscore_leave, &s);
		score = s.text > s.link ? s.text - s.link : 0;
		SET_TOTAL(n, score);
		if (n->parent != NULL && n->parent->type == XML_ELEMENT_NODE) {
			SET_SCORE(n->parent, SCORE(n->parent) + score);
			if (n->parent->parent != NULL &&
			    n->parent->parent->type == XML_ELEMENT_NODE)
				SET_SCORE(n->parent->parent,
				    SCORE(n->parent->parent) + score / 2);
		}
		return 1;
	}
	if (pake_html_is(n, "main")) {
		if (pg->main_el == NULL)
			pg->main_el = n;
	} else if ((v = pake_html_attr(n, "role")) != NULL &&
	    strcasecmp(v, "main") == 0 && pg->role_main == NULL)
		pg->role_main = n;
	return 0;
}

static void
content_leave(xmlNode *n, void *arg)
{
	struct page *pg = arg;

	if (n->type != XML_ELEMENT_NODE)
		return;
	if (n->parent != NULL && n->parent->type == XML_ELEMENT_NODE)
		SET_TOTAL(n->parent, TOTAL(n->parent) + TOTAL(n));
	if (pake_html_is(n, "article") && (pg->article == NULL ||
	    TOTAL(n) > pg->article_score)) {
		pg->article = n;
		pg->article_score = TOTAL(n);
	}
	if ((pake_html_is(n, "div") || pake_html_is(n, "section") ||
	    pake_html_is(n, "td")) && SCORE(n) > pg->dense_score) {
		pg->dense = n;
		pg->dense_score = SCORE(n);
	}
}

/* The readable text of the main content, or NULL when out of memory. */
static char *
main_text(struct page *pg, xmlNode *root)
{
	xmlNode *order[5];
	pake_buf b;
	char *s = NULL;
	size_t i, k = 0;

	pake_html_walk(root, content_enter, content_leave, pg);
	if (pg->article != NULL)
		order[k++] = pg->article;
	else if (pg->main_el != NULL)
		order[k++] = pg->main_el;
	else if (pg->role_main != NULL)
		order[k++] = pg->role_main;
	if (pg->dense != NULL)
		order[k++] = pg->dense;
	order[k++] = pg->body != NULL ? pg->body : root;
	/* The first candidate with text: an <article> of links only falls
	 * back to the densest block, and that to the whole body. */
	for (i = 0; i < k; i++) {
		memset(&b, 0, sizeof(b));
		pake_html_text(order[i], &b, PAKE_RS_TEXT_MAX, 1);
		if (b.oom) {
			pake_buf_free(&b);
			return NULL;
		}
		free(s);
		s = pake_html_clean(b.p ? b.p : "", b.len, PAKE_RS_TEXT_MAX, 0);
		pake_buf_free(&b);
		if (s == NULL || s[0] != '\0')
			return s;
	}
	return s;
}

/* Record building. */

/* rec[key] = s cleaned to one line of at most max bytes, when not empty;
 * returns 1 when set. */
static int
put(struct page *pg, cJSON *rec, const char *key, const char *s, size_t max)
{
	char *c;
	int set = 0;

	if (s == NULL || cJSON_GetObjectItemCaseSensitive(rec, key) != NULL)
		return 0;
	if ((c = pake_html_clean(s, strlen(s), max, 1)) == NULL) {
		pg->oom = 1;
		return 0;
	}
	if (c[0] != '\0') {
		if (cJSON_AddStringToObject(rec, key, c) == NULL)
			pg->oom = 1;
		set = 1;
	}
	free(c);
	return set;
}

static int
put_date(struct page *pg, cJSON *rec, const char *key, const char *s)
{
	char d[11];

	if (s == NULL || cJSON_GetObjectItemCaseSensitive(rec, key) != NULL ||
	    pake_html_date(s, d) != 0)
		return 0;
	if (cJSON_AddStringToObject(rec, key, d) == NULL)
		pg->oom = 1;
	return 1;
}

static int
put_url(struct page *pg, cJSON *rec, const char *key, const char *base,
    const char *ref)
{
	char *u;

	if (ref == NULL || cJSON_GetObjectItemCaseSensitive(rec, key) != NULL ||
	    (u = pake_html_url(base, ref)) == NULL)
		return 0;
	if (cJSON_AddStringToObject(rec, key, u) == NULL)
		pg->oom = 1;
	free(u);
	return 1;
}

/* A DOI out of s: "10.x/y", "doi:10.x/y", "https://doi.org/10.x/y"
 * (dx.doi.org too); NULL when s is none of these. */
static const char *
doi_of(const char *s)
{
	static const char *const prefixes[] = {
		"doi:", "https://doi.org/", "http://doi.org/",
		"https://dx.doi.org/", "http://dx.doi.org/", "info:doi/", NULL
	};
	size_t i;

	if (s == NULL)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	for (i = 0; prefixes[i] != NULL; i++)
		if (strncasecmp(s, prefixes[i], strlen(prefixes[i])) == 0) {
			s += strlen(prefixes[i]);
			while (isspace((unsigned char)*s))
				s++;
			break;
		}
	if (strncmp(s, "10.", 3) != 0 || strchr(s, '/') == NULL)
		return NULL;
	return s;
}

/* A language tag as <html lang> gives it: letters, digits and "-". */
static int
lang_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 35 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

static void
put_authors(struct page *pg, cJSON *rec)
{
	cJSON *a = NULL, *ld = cJSON_CreateArray();

	if (ld == NULL) {
		pg->oom = 1;
		return;
	}
	if (pg->ld != NULL)
		ld_authors(pg, cJSON_GetObjectItemCaseSensitive(pg->ld,
		    "author"), ld);
	if (cJSON_GetArraySize(pg->cit_authors) > 0)
		a = pg->cit_authors;
	else if (cJSON_GetArraySize(ld) > 0)
		a = ld;
	else if (cJSON_GetArraySize(pg->meta_authors) > 0)
		a = pg->meta_authors;
	else if (cJSON_GetArraySize(pg->dc_creators) > 0)
		a = pg->dc_creators;
	if (a != NULL) {
		cJSON *dup = cJSON_Duplicate(a, 1);

		if (dup == NULL || !cJSON_AddItemToObject(rec, "authors", dup))
			pg->oom = 1;
	}
	cJSON_Delete(ld);
}

/* The start of the text as a title: its first paragraph, at most 120
 * bytes, cut at a space when there is one. */
static void
title_from_text(struct page *pg, cJSON *rec, const char *text)
{
	size_t n = strcspn(text, "\n"), k;
	char *t;

	if (n > 120) {
		for (k = 120; k > 40 && text[k] != ' '; k--)
			;
		n = text[k] == ' ' ? k : 120;
	}
	if ((t = pake_html_clean(text, n, n, 1)) == NULL) {
		pg->oom = 1;
		return;
	}
	if (t[0] != '\0' && cJSON_AddStringToObject(rec, "title", t) == NULL)
		pg->oom = 1;
	free(t);
}

static void
build(struct page *pg, cJSON *rec, const char *url, const char *text)
{
	cJSON *ld = pg->ld, *pub;
	const char **m = pg->m;
	const char *pages = NULL;
	char pbuf[64];
	int i;

	if (cJSON_AddStringToObject(rec, "source", "web") == NULL)
		pg->oom = 1;
	put(pg, rec, "title", m[M_OG_TITLE], PAKE_RS_FIELD_MAX);
	put(pg, rec, "title", m[M_CITATION_TITLE], PAKE_RS_FIELD_MAX);
	if (ld != NULL) {
		put(pg, rec, "title", ld_string(ld, "headline"),
		    PAKE_RS_FIELD_MAX);
		put(pg, rec, "title", ld_string(ld, "name"), PAKE_RS_FIELD_MAX);
	}
	put(pg, rec, "title", pg->title_el, PAKE_RS_FIELD_MAX);
	put(pg, rec, "title", pg->h1, PAKE_RS_FIELD_MAX);
	if (!cJSON_HasObjectItem(rec, "title") && text != NULL)
		title_from_text(pg, rec, text);

	put(pg, rec, "description", m[M_DESCRIPTION], PAKE_RS_FIELD_MAX);
	put(pg, rec, "description", m[M_OG_DESCRIPTION], PAKE_RS_FIELD_MAX);
	put(pg, rec, "description", m[M_TW_DESCRIPTION], PAKE_RS_FIELD_MAX);
	if (ld != NULL)
		put(pg, rec, "description", ld_string(ld, "description"),
		    PAKE_RS_FIELD_MAX);
	put(pg, rec, "description", m[M_DC_DESCRIPTION], PAKE_RS_FIELD_MAX);

	put_authors(pg, rec);

	put_date(pg, rec, "published", m[M_PUBLISHED]);
	if (ld != NULL)
		put_date(pg, rec, "published", ld_string(ld, "datePublished"));
	for (i = M_DATE; i <= M_DCTERMS_DATE; i++)
		put_date(pg, rec, "published", m[i]);
	put_date(pg, rec, "published", pg->time_dt);
	put_date(pg, rec, "updated", m[M_MODIFIED]);
	if (ld != NULL)
		put_date(pg, rec, "updated", ld_string(ld, "dateModified"));

	put(pg, rec, "doi", doi_of(m[M_CITATION_DOI]), PAKE_RS_FIELD_MAX);
	put(pg, rec, "doi", doi_of(m[M_PRISM_DOI]), PAKE_RS_FIELD_MAX);
	put(pg, rec, "doi", doi_of(m[M_DC_IDENTIFIER]), PAKE_RS_FIELD_MAX);
	put(pg, rec, "doi", doi_of(m[M_DCTERMS_IDENTIFIER]),
	    PAKE_RS_FIELD_MAX);

	put(pg, rec, "journal", m[M_JOURNAL], PAKE_RS_FIELD_MAX);
	put(pg, rec, "volume", m[M_VOLUME], 64);
	put(pg, rec, "issue", m[M_ISSUE], 64);
	if (m[M_FIRSTPAGE] != NULL && m[M_LASTPAGE] != NULL &&
	    strlen(m[M_FIRSTPAGE]) < 24 && strlen(m[M_LASTPAGE]) < 24) {
		snprintf(pbuf, sizeof(pbuf), "%s-%s", m[M_FIRSTPAGE],
		    m[M_LASTPAGE]);
		pages = pbuf;
	} else
		pages = m[M_FIRSTPAGE];
	put(pg, rec, "pages", pages, 64);
	put(pg, rec, "issn", m[M_ISSN], 64);

	put(pg, rec, "url", url, PAKE_RS_FIELD_MAX);
	put_url(pg, rec, "pdf_url", url, m[M_PDF_URL]);
	put_url(pg, rec, "canonical_url", url, pg->canonical);
	put_url(pg, rec, "canonical_url", url, m[M_OG_URL]);

	put(pg, rec, "site_name", m[M_SITE_NAME], PAKE_RS_FIELD_MAX);
	if (ld != NULL && (pub = cJSON_GetObjectItemCaseSensitive(ld,
	    "publisher")) != NULL && cJSON_IsObject(pub))
		put(pg, rec, "site_name", ld_string(pub, "name"),
		    PAKE_RS_FIELD_MAX);
	if (pg->lang != NULL && lang_ok(pg->lang))
		put(pg, rec, "language", pg->lang, 64);

	if (text != NULL && text[0] != '\0' &&
	    cJSON_AddStringToObject(rec, "text", text) == NULL)
		pg->oom = 1;
}

/* 1 when the start of s is not text: NUL bytes (without a UTF-16 byte
 * order mark) or more than 1 in 20 bytes control characters. */
static int
looks_binary(const unsigned char *s, size_t n)
{
	size_t m = n < 4096 ? n : 4096, i, ctl = 0;

	if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) ||
	    (s[0] == 0xFE && s[1] == 0xFF)))
		return 0;
	for (i = 0; i < m; i++) {
		if (s[i] == 0)
			return 1;
		if (s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r' && s[i] != '\f')
			ctl++;
	}
	return ctl * 20 > m;
}

int
pake_web_extract(const char *html, size_t len, const char *url,
    cJSON **record, pake_err *e)
{
	struct page pg;
	htmlDocPtr doc;
	xmlNode *root;
	cJSON *rec = NULL;
	char *text = NULL;
	int i, rc = 0;

	*record = NULL;
	if (len > WEB_MAX)
		return pake_fail(e, PAKE_EUNAVAIL, "The page is too large",
		    "%zu bytes, at most %u", len, WEB_MAX);
	if (html == NULL || len == 0)
		return pake_fail(e, PAKE_EUNAVAIL, MSG_NOCONTENT, "empty");
	if (looks_binary((const unsigned char *)html, len))
		return pake_fail(e, PAKE_EUNAVAIL, MSG_NOCONTENT,
		    "not HTML (binary data)");
	if ((rc = pake_html_read(html, len, NULL, &doc, e)) != 0)
		return rc;
	if (doc == NULL || (root = pake_xml_root(doc)) == NULL) {
		pake_xml_free(doc);
		return pake_fail(e, PAKE_EUNAVAIL, MSG_NOCONTENT,
		    "libxml2 made no document");
	}
	memset(&pg, 0, sizeof(pg));
	pg.cit_authors = cJSON_CreateArray();
	pg.meta_authors = cJSON_CreateArray();
	pg.dc_creators = cJSON_CreateArray();
	if (pg.cit_authors == NULL || pg.meta_authors == NULL ||
	    pg.dc_creators == NULL)
		pg.oom = 1;
	pake_html_walk(root, meta_enter, meta_leave, &pg);
	if (!pg.oom && (text = main_text(&pg, root)) == NULL)
		pg.oom = 1;
	if (!pg.oom && (rec = cJSON_CreateObject()) == NULL)
		pg.oom = 1;
	if (!pg.oom)
		build(&pg, rec, url, text);
	if (pg.oom)
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
		    "web page extraction");
	else if (!cJSON_HasObjectItem(rec, "title") &&
	    !cJSON_HasObjectItem(rec, "text"))
		rc = pake_fail(e, PAKE_EUNAVAIL, MSG_NOCONTENT,
		    "no title and no text");
	else if (!cJSON_HasObjectItem(rec, "title"))
		rc = pake_fail(e, PAKE_EUNAVAIL, MSG_NOCONTENT, "no title");
	pake_xml_free(doc);
	for (i = 0; i < pg.nld; i++)
		cJSON_Delete(pg.ld_roots[i]);
	cJSON_Delete(pg.cit_authors);
	cJSON_Delete(pg.meta_authors);
	cJSON_Delete(pg.dc_creators);
	free(pg.title_el);
	free(pg.h1);
	free(text);
	if (rc != 0) {
		cJSON_Delete(rec);
		return rc;
	}
	*record = rec;
	return 0;
}
