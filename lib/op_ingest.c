/*
 * op_ingest.c: research from outside as operations (issue 13): save a
 * record as a SourceNote; the BibTeX of notes.  The design is in lib/research_save.c.
 */
#include <stdlib.h>
#include <string.h>
#include "pake/bibtex.h"
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/research.h"
#include "pake/store.h"
#include "pake/util.h"

#define S_RECORD \
	"{\"type\":\"object\",\"required\":[\"source\",\"title\"]," \
	"\"properties\":{\"source\":{\"enum\":[\"arxiv\",\"pubmed\"," \
	"\"web\",\"feed\"]},\"title\":{\"type\":\"string\",\"minLength\":1," \
	"\"maxLength\":4096},\"authors\":{\"type\":\"array\",\"maxItems\":" \
	"100,\"items\":{\"type\":\"string\",\"maxLength\":4096}}," \
	"\"abstract\":{\"type\":\"string\",\"maxLength\":65536},\"text\":{" \
	"\"type\":\"string\",\"maxLength\":524288}}}"

static int
run_save(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_research_save(c, cJSON_GetObjectItemCaseSensitive(in,
	    "record"), out, e);
}

const pake_op pake_op_research_save = {
	"research_save", "Save a research record",
	"Save a paper or page (a record as pake-ingest gives it: title, "
	"authors, abstract, doi, arxiv_id, pmid, url, ...) as a SourceNote "
	"with its BibTeX, its authors linked in the graph; nothing is "
	"written when a note already is its copy (same DOI, arXiv id, PMID "
	"or URL).",
	"{\"type\":\"object\",\"required\":[\"record\"],"
	"\"additionalProperties\":false,\"properties\":{\"record\":" S_RECORD
	"}}",
	"{\"type\":\"object\",\"required\":[\"pake_id\",\"created\"],"
	"\"properties\":{\"pake_id\":{\"type\":\"string\"},\"created\":{"
	"\"type\":\"boolean\"},\"file_path\":{\"type\":\"string\"}}}",
	PAKE_P_NOTES_WRITE, 0, run_save, NULL,
};

/* ------------------------------------------------------------------ */
/* BibTeX of notes */

#define BIB_MAX		10000	/* notes of one export */

struct bib {
	pake_buf text;
	cJSON *entries;
	int n;
	int saved_only;		/* skip notes without a saved entry */
};

/* One note's entry: its stored bibtex, else one made from its
 * frontmatter and title. */
static int
bib_note(void *arg, pake_note *n)
{
	struct bib *b = arg;
	cJSON *fm = n->extra_json ? cJSON_Parse(n->extra_json) : NULL;
	const char *kept = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(fm, "bibtex"));
	char *made = NULL;
	cJSON *o;

	if (kept == NULL && b->saved_only) {
		cJSON_Delete(fm);
		return 0;
	}
	if (fm == NULL)
		fm = cJSON_CreateObject();
	if (kept == NULL) {
		cJSON_DeleteItemFromObjectCaseSensitive(fm, "title");
		cJSON_AddStringToObject(fm, "title", n->title ? n->title : "");
		if (n->source_uri && (strncmp(n->source_uri, "http://", 7) ==
		    0 || strncmp(n->source_uri, "https://", 8) == 0) &&
		    !cJSON_GetObjectItemCaseSensitive(fm, "url"))
			cJSON_AddStringToObject(fm, "url", n->source_uri);
		kept = made = pake_bibtex(fm);
	}
	if (kept) {
		pake_buf_printf(&b->text, "%s%s", b->n++ ? "\n" : "", kept);
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "pake_id", n->pake_id);
		cJSON_AddStringToObject(o, "bibtex", kept);
		cJSON_AddItemToArray(b->entries, o);
	}
	free(made);
	cJSON_Delete(fm);
	return kept ? 0 : PAKE_EINTERNAL;
}

static int
run_bibtex(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(in, "pake_ids");
	const cJSON *id;
	struct bib b = {{0}, cJSON_CreateArray(), 0, !cJSON_IsArray(ids)};
	int rc = 0;

	if (cJSON_IsArray(ids))
		cJSON_ArrayForEach(id, ids) {
			pake_note n;

			pake_note_init(&n);
			if ((rc = pake_store_get(c, id->valuestring, &n, e)) ==
			    0 && bib_note(&b, &n) != 0)
				rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
				    NULL);
			pake_note_free(&n);
			if (rc != 0)
				break;
		}
	else {
		/* Every SourceNote saved from research, page by page. */
		char *cur = NULL, *next = NULL;
		pake_search s;

		do {
			pake_search_init(&s);
			s.type = "SourceNote";
			s.limit = 100;
			s.cursor = cur;
			next = NULL;
			rc = pake_store_search(c, &s, bib_note, &b, &next, e);
			free(cur);
			cur = next;
		} while (rc == 0 && cur && b.n < BIB_MAX);
		free(cur);
	}
	if (rc == 0 && b.text.oom)
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if (rc != 0) {
		pake_buf_free(&b.text);
		cJSON_Delete(b.entries);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, "entries", b.entries);
	cJSON_AddStringToObject(*out, "bibtex", b.text.p ? b.text.p : "");
	pake_buf_free(&b.text);
	return 0;
}

const pake_op pake_op_export_bibtex = {
	"export_bibtex", "BibTeX of notes",
	"The BibTeX entries of the notes named (their saved entry, else one "
	"made from their frontmatter), or of every note saved from research "
	"(at most 10,000), and all of them as one .bib text.",
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"pake_ids\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":1000,"
	"\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64}}}}",
	"{\"type\":\"object\",\"required\":[\"entries\",\"bibtex\"],"
	"\"properties\":{\"entries\":{\"type\":\"array\",\"items\":{\"type\":"
	"\"object\",\"properties\":{\"pake_id\":{\"type\":\"string\"},"
	"\"bibtex\":{\"type\":\"string\"}}}},\"bibtex\":{\"type\":"
	"\"string\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_bibtex,
	NULL,
};

/* ------------------------------------------------------------------ */
/* Ingest: ask one source, maybe save what it gave */

static int
run_ingest(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(in, "max_results");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(in, "start");
	pake_research_ask a = {0};

	a.source = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(in, "source"));
	a.query = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(in, "query"));
	a.url = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in,
	    "url"));
	a.sort = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in,
	    "sort"));
	a.save = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "save"));
	a.max = cJSON_IsNumber(mx) ? mx->valueint : 10;
	a.start = cJSON_IsNumber(st) ? st->valueint : 0;
	return pake_research_ingest(c, &a, out, e);
}

const pake_op pake_op_ingest = {
	"ingest", "Research from outside",
	"Ask one research source -- arxiv (its query syntax: all:, ti:, "
	"au:, abs:, cat:), pubmed (PubMed's), web (a SearxNG instance, when "
	"configured) or url (one page) -- for records (title, authors, "
	"abstract or text, identifiers), and with save land them as "
	"SourceNotes, never twice.",
	"{\"type\":\"object\",\"required\":[\"source\"],"
	"\"additionalProperties\":false,\"properties\":{"
	"\"source\":{\"enum\":[\"arxiv\",\"pubmed\",\"web\",\"url\"]},"
	"\"query\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1000},"
	"\"url\":{\"type\":\"string\",\"minLength\":8,\"maxLength\":4096},"
	"\"max_results\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,"
	"\"default\":10},\"start\":{\"type\":\"integer\",\"minimum\":0,"
	"\"maximum\":10000,\"default\":0},\"sort\":{\"enum\":[\"relevance\","
	"\"submittedDate\",\"lastUpdatedDate\"]},\"save\":{\"type\":"
	"\"boolean\",\"default\":false}}}",
	"{\"type\":\"object\",\"required\":[\"source\",\"results\"],"
	"\"properties\":{\"source\":{\"type\":\"string\"},\"query\":{\"type\":"
	"\"string\"},\"url\":{\"type\":\"string\"},\"total\":{\"type\":["
	"\"integer\",\"null\"]},\"results\":{\"type\":\"array\"},\"saved\":{"
	"\"type\":\"array\"}}}",
	PAKE_P_SEARCH_READ, PAKE_OP_OPENWORLD, run_ingest, NULL,
};
