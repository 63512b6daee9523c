/*
 * op_ingest.c: research from outside as operations (issue 13): save a
 * record as a SourceNote.  The design is in lib/research_save.c.
 */
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/research.h"

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
