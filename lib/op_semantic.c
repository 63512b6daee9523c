/*
 * op_semantic.c: the operations behind the Python server's /semantic
 * routes (SEED-API §6), in its shapes, over the tenant's notes; the work
 * is lib/semantic.c's (its header says what differs from Python).
 *
 * pake-http's and pake-op's, not MCP tools: an assistant has
 * search_notes (mode meaning), related_notes and note_clusters.
 */
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/semantic.h"
#include "pake/util.h"

#define S_OK	"\"success\":{\"type\":\"boolean\"}"
#define S_INT	"{\"type\":\"integer\"}"
#define S_NUM	"{\"type\":\"number\"}"
#define S_ARR	"{\"type\":\"array\"}"
#define S_ITEMS "{\"type\":\"array\",\"items\":{\"type\":\"object\"," \
	"\"required\":[\"text\",\"score\",\"metadata\",\"id\"]," \
	"\"properties\":{\"text\":{\"type\":\"string\"},\"score\":" S_NUM \
	",\"metadata\":{\"type\":\"object\"},\"id\":{\"type\":\"string\"}}}}"
#define S_TOPK(d) "{\"type\":\"integer\",\"minimum\":1,\"maximum\":100," \
	"\"default\":" #d "}"
#define S_MIN(d) "{\"type\":\"number\",\"minimum\":-1,\"maximum\":1," \
	"\"default\":" #d "}"
#define READ_HINTS	(PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT)

static int
int_arg(const cJSON *in, const char *k, int def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, k);

	return cJSON_IsNumber(v) ? v->valueint : def;
}

static double
num_arg(const cJSON *in, const char *k, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, k);

	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

static int
run_add(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_semantic_add(c, cJSON_GetObjectItemCaseSensitive(in,
	    "documents"), out, e);
}

const pake_op pake_op_semantic_add_documents = {
	"semantic_add_documents", "Add documents",
	"Each non-empty document (a string, or an object with text or "
	"content, optional title, tags, type, source_uri, summary, and other "
	"scalar keys kept as frontmatter) becomes a note, all in one "
	"transaction; a bad one refuses the call.  A tenant without a vector "
	"model gets one fitted after the add.",
	"{\"type\":\"object\",\"required\":[\"documents\"],"
	"\"additionalProperties\":false,\"properties\":{\"documents\":{"
	"\"type\":\"array\",\"maxItems\":1000,\"items\":{\"type\":["
	"\"string\",\"object\"]}}}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"documents_added\","
	"\"skipped\",\"total_documents\",\"processing_time_ms\","
	"\"pake_ids\"],\"properties\":{" S_OK ",\"documents_added\":" S_INT
	",\"skipped\":" S_INT ",\"total_documents\":" S_INT
	",\"processing_time_ms\":" S_NUM ",\"pake_ids\":{\"type\":\"array\","
	"\"items\":{\"type\":\"string\"}},\"vectors\":{\"type\":\"object\"}}}",
	PAKE_P_NOTES_WRITE, 0, run_add, NULL,
};

static int
run_search(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_semantic_search(c, pake_json_str(in, "q"), int_arg(in, "top_k",
	    10), num_arg(in, "min_score", 0.1), out, e);
}

const pake_op pake_op_semantic_search = {
	"semantic_search", "Search documents by meaning",
	"The notes nearest a query in meaning (cosine of LSA vectors), the "
	"top_k best, then those scoring below min_score dropped.",
	"{\"type\":\"object\",\"required\":[\"q\"],"
	"\"additionalProperties\":false,\"properties\":{\"q\":{\"type\":"
	"\"string\",\"minLength\":1,\"maxLength\":10000},\"top_k\":"
	S_TOPK(10) ",\"min_score\":" S_MIN(0.1) "}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"query\","
	"\"results\",\"count\"],\"properties\":{" S_OK ",\"query\":{"
	"\"type\":\"string\"},\"results\":" S_ITEMS ",\"count\":" S_INT "}}",
	PAKE_P_SEARCH_READ | PAKE_P_NOTES_READ, READ_HINTS, run_search, NULL,
};

static int
run_similar(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_semantic_similar(c, pake_json_str(in, "document_id"),
	    int_arg(in, "top_k", 5), num_arg(in, "min_score", 0.2), out, e);
}

const pake_op pake_op_semantic_similar = {
	"semantic_similar", "Similar documents",
	"The notes nearest a note in meaning (cosine of their LSA vectors), "
	"the top_k best, then those scoring below min_score (0.2 by default, "
	"the Python route's) dropped.",
	"{\"type\":\"object\",\"required\":[\"document_id\"],"
	"\"additionalProperties\":false,\"properties\":{\"document_id\":{"
	"\"type\":\"string\",\"minLength\":1,\"maxLength\":64},\"top_k\":"
	S_TOPK(5) ",\"min_score\":" S_MIN(0.2) "}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"document_id\","
	"\"similar_documents\",\"count\"],\"properties\":{" S_OK ","
	"\"document_id\":{\"type\":\"string\"},\"similar_documents\":"
	S_ITEMS ",\"count\":" S_INT ",\"reason\":{\"type\":\"string\"}}}",
	PAKE_P_NOTES_READ, READ_HINTS, run_similar, NULL,
};

static int
run_analytics(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	(void)in;
	return pake_semantic_analytics(c, out, e);
}

const pake_op pake_op_semantic_analytics = {
	"semantic_analytics", "Document analytics",
	"The tenant's notes as a corpus: how many, the terms of highest mean "
	"tf-idf, the number of clusters note_clusters picks, the mean cosine "
	"of the first 100 notes' vectors, and the model.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"analytics\"],"
	"\"properties\":{" S_OK ",\"analytics\":{\"type\":\"object\","
	"\"required\":[\"total_documents\",\"processing_time_ms\","
	"\"top_keywords\",\"semantic_clusters\",\"average_similarity\","
	"\"fitted\"],\"properties\":{\"total_documents\":" S_INT ","
	"\"processing_time_ms\":" S_NUM ",\"top_keywords\":" S_ARR ","
	"\"semantic_clusters\":{\"type\":[\"integer\",\"null\"]},"
	"\"average_similarity\":{\"type\":[\"number\",\"null\"]},"
	"\"fitted\":{\"type\":\"boolean\"}}}}}",
	PAKE_P_NOTES_READ, READ_HINTS, run_analytics, NULL,
};

static int
run_cluster(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_semantic_cluster(c, int_arg(in, "num_clusters", 5), out,
	    e);
}

const pake_op pake_op_semantic_cluster = {
	"semantic_cluster", "Cluster documents",
	"The tenant's notes in num_clusters clusters by meaning (k-means++ "
	"on their LSA vectors): each cluster's nearest notes (100 at most, "
	"text cut to 500 bytes), keywords and size, and every note's "
	"cluster in id order (-1: no vector).",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{\"num_clusters\":{\"type\":\"integer\","
	"\"minimum\":2,\"maximum\":50,\"default\":5}}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"clustering\"],"
	"\"properties\":{" S_OK ",\"clustering\":{\"type\":\"object\","
	"\"required\":[\"clusters\",\"assignments\",\"num_clusters\"],"
	"\"properties\":{\"clusters\":" S_ARR ",\"assignments\":{\"type\":"
	"\"array\",\"items\":" S_INT "},\"num_clusters\":" S_INT "}}}}",
	PAKE_P_NOTES_READ, READ_HINTS, run_cluster, NULL,
};
