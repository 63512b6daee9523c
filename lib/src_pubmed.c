/*
 * src_pubmed.c: PubMed's E-utilities: the ESearch and EFetch URLs, the
 * ESearch answer (PMIDs and the count) and the EFetch answer
 * (PubmedArticleSet) into records (include/pake/research.h).
 *
 * ESearch: <ERROR> is PAKE_EUNAVAIL with its text.  <ErrorList> is too
 * when the answer has no <Count>; with a Count it only says which phrase
 * found nothing (PhraseNotFound) and the answer stands (Count 0 is "no
 * results", not a failure).  An Id that is not a number is skipped.
 *
 * EFetch: each PubmedArticle with a PMID and a title (ArticleTitle, else
 * VernacularTitle) is a record; PubmedBookArticle and DeleteCitation are
 * skipped.  Inline markup in a title or abstract (<i>, <sup>, ...) is
 * read as its text.  The DOI is PubmedData/ArticleIdList's (not a cited
 * reference's), else Article/ELocationID's.  published is PubDate's
 * Year[-Month[-Day]] (Month a number or Jan..Dec), or MedlineDate's year
 * and first month ("2019 Jan-Feb": 2019-01).  An eFetchResult with
 * <ERROR> is PAKE_EUNAVAIL.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pake/research.h"
#include "pake/src.h"
#include "pake/util.h"

#define EUTILS_BASE	"https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
#define MSG_NOT_PUBMED	"The service's answer is not a PubMed answer"
#define MSG_REFUSED	"PubMed refused the query"
#define PMID_MAX	20	/* digits of a PMID */

static xmlNode *
root_of(xmlDoc *doc)
{
	xmlNode *n;

	for (n = doc->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int
refused(const xmlNode *n, pake_err *e)
{
	char *t = pake_xml_text(n, PAKE_XML_LINE, 400);
	int rc;

	rc = pake_fail(e, PAKE_EUNAVAIL, MSG_REFUSED, "%s", t ? t : "");
	free(t);
	return rc;
}

void
pake_pubmed_ids_free(char **ids, size_t n)
{
	size_t i;

	if (ids == NULL)
		return;
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int
pake_pubmed_parse_search(const char *xml, size_t len, char ***ids,
    size_t *n, int64_t *count, pake_err *e)
{
	const xmlNode *root, *c, *it;
	xmlDoc *doc;
	char **v = NULL, *t;
	size_t k = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	*count = -1;
	if ((rc = pake_xml_read(xml, len, "PubMed ESearch", &doc, e)) != 0)
		return rc;
	root = root_of(doc);
	if (!pake_xml_is(root, NULL, "eSearchResult")) {
		rc = pake_fail(e, PAKE_EUNAVAIL, MSG_NOT_PUBMED,
		    "ESearch: root <%.60s>", root && root->name ?
		    (const char *)root->name : "");
		goto out;
	}
	if ((c = pake_xml_child(root, NULL, "ERROR")) != NULL) {
		rc = refused(c, e);
		goto out;
	}
	if ((c = pake_xml_child(root, NULL, "Count")) == NULL) {
		c = pake_xml_child(root, NULL, "ErrorList");
		rc = c ? refused(c, e) : pake_fail(e, PAKE_EUNAVAIL,
		    MSG_NOT_PUBMED, "ESearch: no Count");
		goto out;
	}
	if ((t = pake_xml_text(c, PAKE_XML_LINE, 32)) == NULL)
		goto oom;
	if (all_digits(t) && strlen(t) <= 15)
		*count = strtoll(t, NULL, 10);
	free(t);
	if ((v = calloc(PAKE_RS_RECORDS_MAX, sizeof *v)) == NULL)
		goto oom;
	c = pake_xml_child(root, NULL, "IdList");
	for (it = pake_xml_child(c, NULL, "Id");
	    it != NULL && k < PAKE_RS_RECORDS_MAX;
	    it = pake_xml_next(it, NULL, "Id")) {
		if ((t = pake_xml_text(it, PAKE_XML_LINE, 64)) == NULL)
			goto oom;
		if (!all_digits(t) || strlen(t) > PMID_MAX) {
			free(t);
			continue;
		}
		v[k++] = t;
	}
	if (k == 0) {
		free(v);
		v = NULL;
	}
	*ids = v;
	*n = k;
	pake_xml_free(doc);
	return 0;
oom:
	pake_pubmed_ids_free(v, k);
	rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
out:
	*count = -1;
	pake_xml_free(doc);
	return rc;
}

/* A month's number from "3", "03", "Mar", "March"; 0 when none. */
static int
month_of(const char *s)
{
	static const char *const names[] = {"jan", "feb", "mar", "apr",
		"may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
	int i, m;

	if (isdigit((unsigned char)s[0])) {
		if (!all_digits(s) || strlen(s) > 2)
			return 0;
		m = atoi(s);
		return m >= 1 && m <= 12 ? m : 0;
	}
	for (i = 0; i < 12; i++)
		if (strncasecmp(s, names[i], 3) == 0)
			return i + 1;
	return 0;
}

/* PubDate into "YYYY[-MM[-DD]]"; 0 when there is no year. */
static int
pub_date(const xmlNode *pd, char out[11], int *oom)
{
	char *y, *m, *d;
	int mon = 0, day = 0, ok = 0;

	out[0] = '\0';
	if (pd == NULL)
		return 0;
	y = pake_xml_text(pake_xml_child(pd, NULL, "Year"), PAKE_XML_LINE, 16);
	m = pake_xml_text(pake_xml_child(pd, NULL, "Month"), PAKE_XML_LINE,
	    16);
	d = pake_xml_text(pake_xml_child(pd, NULL, "Day"), PAKE_XML_LINE, 16);
	if (!y || !m || !d) {
		*oom = 1;
		goto out;
	}
	if (strlen(y) == 4 && all_digits(y)) {
		mon = month_of(m);
		if (mon && all_digits(d) && strlen(d) <= 2)
			day = atoi(d);
		if (day < 1 || day > 31)
			day = 0;
		if (day)
			snprintf(out, 11, "%s-%02d-%02d", y, mon, day);
		else if (mon)
			snprintf(out, 11, "%s-%02d", y, mon);
		else
			snprintf(out, 11, "%s", y);
		ok = 1;
	} else {
		/* MedlineDate: "2019 Jan-Feb", "1998 Dec-1999 Jan". */
		free(y);
		y = pake_xml_text(pake_xml_child(pd, NULL, "MedlineDate"),
		    PAKE_XML_LINE, 64);
		if (y == NULL) {
			*oom = 1;
			goto out;
		}
		if (strlen(y) >= 4 && isdigit((unsigned char)y[0]) &&
		    isdigit((unsigned char)y[1]) &&
		    isdigit((unsigned char)y[2]) &&
		    isdigit((unsigned char)y[3]) &&
		    (y[4] == '\0' || y[4] == ' ' || y[4] == '-')) {
			if (y[4] == ' ' && isalpha((unsigned char)y[5]))
				mon = month_of(y + 5);
			if (mon)
				snprintf(out, 11, "%.4s-%02d", y, mon);
			else
				snprintf(out, 11, "%.4s", y);
			ok = 1;
		}
	}
out:
	free(y);
	free(m);
	free(d);
	return ok;
}

static int
put_authors(cJSON *rec, const xmlNode *list)
{
	const xmlNode *a;
	cJSON *arr, *s;
	char *fore, *last, *coll;
	pake_buf b = {0};
	int rc = 0;

	if (list == NULL)
		return 0;
	if ((arr = cJSON_CreateArray()) == NULL)
		return -1;
	for (a = pake_xml_child(list, NULL, "Author");
	    a != NULL && rc == 0 &&
	    cJSON_GetArraySize(arr) < PAKE_RS_AUTHORS_MAX;
	    a = pake_xml_next(a, NULL, "Author")) {
		fore = pake_xml_text(pake_xml_child(a, NULL, "ForeName"),
		    PAKE_XML_LINE, PAKE_RS_FIELD_MAX);
		last = pake_xml_text(pake_xml_child(a, NULL, "LastName"),
		    PAKE_XML_LINE, PAKE_RS_FIELD_MAX);
		coll = pake_xml_text(pake_xml_child(a, NULL,
		    "CollectiveName"), PAKE_XML_LINE, PAKE_RS_FIELD_MAX);
		if (!fore || !last || !coll)
			rc = -1;
		else {
			b.len = 0;
			if (*last) {
				if (*fore)
					pake_buf_printf(&b, "%s ", fore);
				pake_buf_puts(&b, last);
			} else
				pake_buf_puts(&b, coll);
			if (b.oom)
				rc = -1;
			else if (b.len > 0) {
				char *name = pake_xml_collapse(b.p, b.len,
				    PAKE_XML_LINE, PAKE_RS_FIELD_MAX);

				if (name == NULL || (s =
				    cJSON_CreateString(name)) == NULL)
					rc = -1;
				else
					cJSON_AddItemToArray(arr, s);
				free(name);
			}
		}
		free(fore);
		free(last);
		free(coll);
	}
	pake_buf_free(&b);
	if (rc != 0 || cJSON_GetArraySize(arr) == 0) {
		cJSON_Delete(arr);
		return rc;
	}
	cJSON_AddItemToObject(rec, "authors", arr);
	return 0;
}

/* The abstract: each AbstractText, "LABEL: text" when labelled, joined by
 * blank lines. */
static int
put_abstract(cJSON *rec, const xmlNode *abs)
{
	const xmlNode *t;
	pake_buf b = {0};
	char *label, *text;
	int rc = 0;

	if (abs == NULL)
		return 0;
	for (t = pake_xml_child(abs, NULL, "AbstractText");
	    t != NULL && rc == 0 && b.len <= PAKE_RS_ABSTRACT_MAX;
	    t = pake_xml_next(t, NULL, "AbstractText")) {
		label = pake_xml_attr(t, "Label", 256);
		text = pake_xml_text(t, PAKE_XML_LINE, PAKE_RS_ABSTRACT_MAX);
		if (text == NULL)
			rc = -1;
		else if (*text) {
			if (b.len > 0)
				pake_buf_puts(&b, "\n\n");
			if (label && *label)
				pake_buf_printf(&b, "%s: ", label);
			pake_buf_puts(&b, text);
		}
		free(label);
		free(text);
	}
	if (b.oom)
		rc = -1;
	if (rc == 0 && b.len > 0)
		rc = pake_rs_put_own(rec, "abstract", pake_xml_collapse(b.p,
		    b.len, PAKE_XML_PARA, PAKE_RS_ABSTRACT_MAX));
	pake_buf_free(&b);
	return rc;
}

/* The texts of list's children named name, as an array under key. */
static int
put_list(cJSON *rec, const char *key, const xmlNode *list,
    const char *item, const char *sub)
{
	const xmlNode *n;
	cJSON *arr;
	char *t;
	int rc = 0;

	if (list == NULL)
		return 0;
	if ((arr = cJSON_CreateArray()) == NULL)
		return -1;
	for (n = pake_xml_child(list, NULL, item); n != NULL && rc == 0;
	    n = pake_xml_next(n, NULL, item)) {
		t = pake_xml_text(sub ? pake_xml_child(n, NULL, sub) : n,
		    PAKE_XML_LINE, PAKE_RS_FIELD_MAX);
		if (t == NULL)
			rc = -1;
		else
			rc = pake_rs_list_add(arr, t, PAKE_RS_LIST_MAX);
		free(t);
	}
	if (rc != 0 || cJSON_GetArraySize(arr) == 0) {
		cJSON_Delete(arr);
		return rc;
	}
	cJSON_AddItemToObject(rec, key, arr);
	return 0;
}

/* The first child of list named item whose attribute attr is "doi". */
static const xmlNode *
doi_in(const xmlNode *list, const char *item, const char *attr, int *oom)
{
	const xmlNode *n;
	char *v;
	int yes;

	for (n = pake_xml_child(list, NULL, item); n != NULL;
	    n = pake_xml_next(n, NULL, item)) {
		v = pake_xml_attr(n, attr, 32);
		yes = v != NULL && strcmp(v, "doi") == 0;
		free(v);
		if (yes)
			return n;
	}
	(void)oom;
	return NULL;
}

static int
article_record(const xmlNode *pa, cJSON **rec)
{
	const xmlNode *mc, *art, *j, *ji, *n;
	char *pmid, *title, d[11], url[64];
	int oom = 0, rc = 0;
	cJSON *r;

	*rec = NULL;
	mc = pake_xml_child(pa, NULL, "MedlineCitation");
	art = pake_xml_child(mc, NULL, "Article");
	if (mc == NULL || art == NULL)
		return 0;
	pmid = pake_xml_text(pake_xml_child(mc, NULL, "PMID"), PAKE_XML_LINE,
	    64);
	if (pmid == NULL)
		return -1;
	if (!all_digits(pmid) || strlen(pmid) > PMID_MAX) {
		free(pmid);
		return 0;
	}
	title = pake_xml_text(pake_xml_child(art, NULL, "ArticleTitle"),
	    PAKE_XML_LINE, PAKE_RS_FIELD_MAX);
	if (title != NULL && *title == '\0') {
		free(title);
		title = pake_xml_text(pake_xml_child(art, NULL,
		    "VernacularTitle"), PAKE_XML_LINE, PAKE_RS_FIELD_MAX);
	}
	if (title == NULL || *title == '\0' ||
	    (r = cJSON_CreateObject()) == NULL) {
		rc = title == NULL || *title ? -1 : 0;
		free(pmid);
		free(title);
		return rc;
	}
	j = pake_xml_child(art, NULL, "Journal");
	ji = pake_xml_child(j, NULL, "JournalIssue");
	rc |= pake_rs_put(r, "source", "pubmed");
	rc |= pake_rs_put_own(r, "title", title);
	rc |= put_authors(r, pake_xml_child(art, NULL, "AuthorList"));
	rc |= put_abstract(r, pake_xml_child(art, NULL, "Abstract"));
	if (pub_date(pake_xml_child(ji, NULL, "PubDate"), d, &oom))
		rc |= pake_rs_put(r, "published", d);
	if (oom)
		rc = -1;
	n = doi_in(pake_xml_path(pa, "PubmedData/ArticleIdList"),
	    "ArticleId", "IdType", &oom);
	if (n == NULL)
		n = doi_in(art, "ELocationID", "EIdType", &oom);
	rc |= pake_rs_put_text(r, "doi", n, PAKE_XML_LINE, 256);
	rc |= pake_rs_put(r, "pmid", pmid);
	rc |= pake_rs_put_text(r, "journal", pake_xml_child(j, NULL, "Title"),
	    PAKE_XML_LINE, PAKE_RS_FIELD_MAX);
	rc |= pake_rs_put_text(r, "volume", pake_xml_child(ji, NULL, "Volume"),
	    PAKE_XML_LINE, 256);
	rc |= pake_rs_put_text(r, "issue", pake_xml_child(ji, NULL, "Issue"),
	    PAKE_XML_LINE, 256);
	rc |= pake_rs_put_text(r, "pages", pake_xml_path(art,
	    "Pagination/MedlinePgn"), PAKE_XML_LINE, 256);
	rc |= pake_rs_put_text(r, "issn", pake_xml_child(j, NULL, "ISSN"),
	    PAKE_XML_LINE, 64);
	rc |= put_list(r, "mesh_terms", pake_xml_child(mc, NULL,
	    "MeshHeadingList"), "MeshHeading", "DescriptorName");
	rc |= put_list(r, "publication_types", pake_xml_child(art, NULL,
	    "PublicationTypeList"), "PublicationType", NULL);
	snprintf(url, sizeof url, "https://pubmed.ncbi.nlm.nih.gov/%s/", pmid);
	rc |= pake_rs_put(r, "url", url);
	free(pmid);
	if (rc != 0) {
		cJSON_Delete(r);
		return -1;
	}
	*rec = r;
	return 0;
}

int
pake_pubmed_parse_fetch(const char *xml, size_t len, cJSON **records,
    pake_err *e)
{
	const xmlNode *root, *n;
	xmlDoc *doc;
	cJSON *arr, *r;
	int rc;

	*records = NULL;
	if ((rc = pake_xml_read(xml, len, "PubMed EFetch", &doc, e)) != 0)
		return rc;
	root = root_of(doc);
	if (pake_xml_is(root, NULL, "eFetchResult") &&
	    (n = pake_xml_child(root, NULL, "ERROR")) != NULL) {
		rc = refused(n, e);
		pake_xml_free(doc);
		return rc;
	}
	if (!pake_xml_is(root, NULL, "PubmedArticleSet")) {
		rc = pake_fail(e, PAKE_EUNAVAIL, MSG_NOT_PUBMED,
		    "EFetch: root <%.60s>", root && root->name ?
		    (const char *)root->name : "");
		pake_xml_free(doc);
		return rc;
	}
	if ((arr = cJSON_CreateArray()) == NULL)
		goto oom;
	for (n = pake_xml_child(root, NULL, "PubmedArticle");
	    n != NULL && cJSON_GetArraySize(arr) < PAKE_RS_RECORDS_MAX;
	    n = pake_xml_next(n, NULL, "PubmedArticle")) {
		if (article_record(n, &r) != 0)
			goto oom;
		if (r != NULL)
			cJSON_AddItemToArray(arr, r);
	}
	pake_xml_free(doc);
	*records = arr;
	return 0;
oom:
	cJSON_Delete(arr);
	pake_xml_free(doc);
	return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
}

/* base with its slash, then name. */
static void
eutils(pake_buf *b, const char *base, const char *name)
{
	size_t k;

	if (base == NULL || *base == '\0')
		base = EUTILS_BASE;
	k = strlen(base);
	pake_buf_puts(b, base);
	if (base[k - 1] != '/')
		pake_buf_putc(b, '/');
	pake_buf_puts(b, name);
}

static void
param(pake_buf *b, const char *name, const char *v)
{
	if (v == NULL || *v == '\0')
		return;
	pake_buf_printf(b, "&%s=", name);
	pake_url_encode(b, v);
}

static int
finish(pake_buf *b, char *out, size_t n)
{
	int rc = 0;

	if (b->oom || b->len >= n)
		rc = PAKE_EINVAL;
	else
		memcpy(out, b->p, b->len + 1);
	pake_buf_free(b);
	return rc;
}

int
pake_pubmed_esearch_url(const char *base, const char *term, int retstart,
    int retmax, const char *tool, const char *email, const char *api_key,
    char *out, size_t n)
{
	pake_buf b = {0};

	if (term == NULL || *term == '\0' || retstart < 0 || retmax < 1 ||
	    retmax > 10000 || n == 0)
		return PAKE_EINVAL;
	eutils(&b, base, "esearch.fcgi?db=pubmed");
	param(&b, "term", term);
	pake_buf_printf(&b, "&retstart=%d&retmax=%d", retstart, retmax);
	param(&b, "tool", tool);
	param(&b, "email", email);
	param(&b, "api_key", api_key);
	return finish(&b, out, n);
}

int
pake_pubmed_efetch_url(const char *base, const char *const *ids,
    size_t nids, const char *tool, const char *email, const char *api_key,
    char *out, size_t n)
{
	pake_buf b = {0};
	size_t i;

	if (ids == NULL || nids == 0 || nids > PAKE_RS_RECORDS_MAX || n == 0)
		return PAKE_EINVAL;
	for (i = 0; i < nids; i++)
		if (ids[i] == NULL || !all_digits(ids[i]) ||
		    strlen(ids[i]) > PMID_MAX)
			return PAKE_EINVAL;
	eutils(&b, base, "efetch.fcgi?db=pubmed&id=");
	for (i = 0; i < nids; i++) {
		if (i > 0)
			pake_buf_putc(&b, ',');
		pake_buf_puts(&b, ids[i]);
	}
	pake_buf_puts(&b, "&retmode=xml");
	param(&b, "tool", tool);
	param(&b, "email", email);
	param(&b, "api_key", api_key);
	return finish(&b, out, n);
}
