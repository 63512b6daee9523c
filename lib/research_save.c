/*
 * research_save.c: a research record lands as a SourceNote (issue 13).
 *
 * The note: type SourceNote, title the record's (a title that would leave
 * the vault, "/efont/ fonts" say, has its slashes made spaces), tags the
 * source ("arxiv", "pubmed", "web", "feed"), source_uri the strongest
 * identifier (arxiv:ID, pmid:ID, doi:DOI, else the page's URL); its
 * frontmatter keeps the identifiers and facts (authors, published, doi,
 * arxiv_id, arxiv_version, pmid, journal, volume, issue, pages,
 * categories, mesh_terms, publication_types, url, pdf_url, canonical_url)
 * and a BibTeX entry (bibtex.c).  The body: a line of authors, date and
 * journal, the abstract (or a page's readable text), and one list item
 * "- authored_by [[Name]]" per author, which the graph reads as typed
 * relations (graph_links.c); each author is also an entity of type
 * person, made first, so the relations resolve to them at once.
 *
 * Never twice: pake_store_create_unique looks the record's identity keys
 * up (note_keys.c: DOI, arXiv id, PMID, URL) in the same write
 * transaction as the create, so the same paper from arXiv and from PubMed
 * (one DOI), or saved by two processes at once, is one note.
 */
#include <stdlib.h>
#include <string.h>
#include "pake/bibtex.h"
#include "pake/frontmatter.h"
#include "pake/graph.h"
#include "pake/research.h"
#include "pake/store.h"
#include "pake/util.h"
#include "pake/vault.h"

#define AUTHORS_LINKED	50	/* authors made entities and linked */

/* The frontmatter members copied from the record as they are. */
static const char *const kept[] = {
	"authors", "published", "doi", "arxiv_id", "arxiv_version", "pmid",
	"journal", "volume", "issue", "pages", "categories",
	"primary_category", "mesh_terms",
	"publication_types", "url", "pdf_url", "canonical_url", "site_name",
	"guid",
};

/* A name usable inside [[...]]: no brackets, pipes or line breaks. */
static int
linkable(const char *s)
{
	return s && *s && strpbrk(s, "[]|#^\n\r") == NULL && strlen(s) <= 200;
}

/* The note's markdown body. */
static char *
body_of(const cJSON *r)
{
	const cJSON *authors = cJSON_GetObjectItemCaseSensitive(r, "authors");
	const char *text = pake_json_str(r, "abstract"), *j = pake_json_str(r, "journal");
	const char *pub = pake_json_str(r, "published"), *doi = pake_json_str(r, "doi");
	const cJSON *a;
	pake_buf b = {0};
	int i = 0, linked = 0;

	if (text == NULL)
		text = pake_json_str(r, "text");
	if (text == NULL)
		text = pake_json_str(r, "description");
	cJSON_ArrayForEach(a, authors)
		if (cJSON_IsString(a))
			pake_buf_printf(&b, "%s%s", i++ ? ", " : "*",
			    a->valuestring);
	if (i)
		pake_buf_puts(&b, "*");
	if (pub)
		pake_buf_printf(&b, "%s%s", b.len ? " · " : "", pub);
	if (j)
		pake_buf_printf(&b, "%s%s", b.len ? " · " : "", j);
	if (doi)
		pake_buf_printf(&b, "%sdoi:%s", b.len ? " · " : "", doi);
	if (b.len)
		pake_buf_puts(&b, "\n\n");
	if (text) {
		if (pake_json_str(r, "abstract"))
			pake_buf_puts(&b, "## Abstract\n\n");
		pake_buf_puts(&b, text);
		pake_buf_puts(&b, "\n");
	}
	cJSON_ArrayForEach(a, authors)
		if (cJSON_IsString(a) && linkable(a->valuestring) &&
		    linked < AUTHORS_LINKED) {
			if (linked++ == 0)
				pake_buf_puts(&b, "\n## Authors\n\n");
			pake_buf_printf(&b, "- authored_by [[%s]]\n",
			    a->valuestring);
		}
	if (b.oom) {
		pake_buf_free(&b);
		return NULL;
	}
	return b.len ? pake_buf_take(&b) : pake_strdup("");
}

/* The note a record makes (not stored). */
static int
note_of(const cJSON *r, pake_note *n, pake_err *e)
{
	const char *title = pake_json_str(r, "title"), *src = pake_json_str(r, "source");
	cJSON *fm = cJSON_CreateObject();
	char uri[PAKE_FIELD_MAX], *bib;
	pake_err te = {0};
	size_t i;
	int rc;

	if (title == NULL || *title == '\0' || src == NULL) {
		cJSON_Delete(fm);
		return pake_fail(e, PAKE_EINVAL, "A research record needs a "
		    "title and a source", NULL);
	}
	{
		size_t tl = strnlen(title, PAKE_TITLE_MAX);

		while (tl > 0 && tl < strlen(title) &&
		    ((unsigned char)title[tl] & 0xC0) == 0x80)
			tl--;	/* cut on a character boundary */
		n->title = pake_strndup(title, tl);
	}
	if (n->title && pake_vault_check_title(n->title, &te) != 0)
		for (i = 0; n->title[i]; i++)
			if (n->title[i] == '/' || n->title[i] == '\\')
				n->title[i] = ' ';
	n->type = pake_strdup("SourceNote");
	if (pake_json_str(r, "arxiv_id"))
		snprintf(uri, sizeof uri, "arxiv:%s", pake_json_str(r, "arxiv_id"));
	else if (pake_json_str(r, "pmid"))
		snprintf(uri, sizeof uri, "pmid:%s", pake_json_str(r, "pmid"));
	else if (pake_json_str(r, "doi"))
		snprintf(uri, sizeof uri, "doi:%s", pake_json_str(r, "doi"));
	else
		snprintf(uri, sizeof uri, "%s", pake_json_str(r, "canonical_url") ?
		    pake_json_str(r, "canonical_url") : pake_json_str(r, "url") ? pake_json_str(r, "url") :
		    "");
	if (uri[0])
		n->source_uri = pake_strdup(uri);
	if ((n->tags = calloc(1, sizeof *n->tags)) != NULL &&
	    (n->tags[0] = pake_strdup(src)) != NULL)
		n->ntags = 1;
	n->body = body_of(r);
	n->body_len = n->body ? strlen(n->body) : 0;
	for (i = 0; i < sizeof kept / sizeof *kept; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, kept[i]);

		if (v && !cJSON_IsNull(v))
			cJSON_AddItemToObject(fm, kept[i], cJSON_Duplicate(v,
			    1));
	}
	if ((bib = pake_bibtex(r)) != NULL) {
		cJSON_AddStringToObject(fm, "bibtex", bib);
		free(bib);
	}
	if (n->title == NULL || n->type == NULL || n->body == NULL ||
	    n->ntags != 1) {
		cJSON_Delete(fm);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	rc = pake_fm_set_extra(n, fm, e);
	cJSON_Delete(fm);
	return rc;
}

/* Each author an entity of type person (skipped when one exists). */
static int
author_entities(pake_ctx *c, const cJSON *r, pake_err *e)
{
	const cJSON *authors = cJSON_GetObjectItemCaseSensitive(r, "authors");
	cJSON *list = cJSON_CreateArray(), *out = NULL;
	const cJSON *a;
	int n = 0, rc = 0;

	cJSON_ArrayForEach(a, authors) {
		cJSON *o;

		if (!cJSON_IsString(a) || !linkable(a->valuestring) ||
		    n++ >= AUTHORS_LINKED)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", a->valuestring);
		cJSON_AddStringToObject(o, "entityType", "person");
		cJSON_AddArrayToObject(o, "observations");
		cJSON_AddItemToArray(list, o);
	}
	if (cJSON_GetArraySize(list) > 0)
		rc = pake_graph_create_entities(c, list, &out, e);
	cJSON_Delete(out);
	cJSON_Delete(list);
	return rc;
}

int
pake_research_save(pake_ctx *c, const cJSON *record, cJSON **out,
    pake_err *e)
{
	char dup[PAKE_ID_LEN + 1];
	pake_note n;
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	pake_note_init(&n);
	if ((rc = note_of(record, &n, e)) != 0 ||
	    (rc = author_entities(c, record, e)) != 0 ||
	    (rc = pake_store_create_unique(c, &n, dup, sizeof dup, e)) != 0) {
		pake_note_free(&n);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "pake_id", dup[0] ? dup : n.pake_id);
	cJSON_AddBoolToObject(*out, "created", dup[0] == '\0');
	if (!dup[0])
		cJSON_AddStringToObject(*out, "file_path", n.file_path);
	pake_note_free(&n);
	return 0;
}
