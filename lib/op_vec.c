/*
 * op_vec.c: the vector operations (issue 12; the model is described at
 * the top of lib/vec.c): related_notes (an MCP tool), vectors_refit and
 * vectors_status.
 */
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/vec.h"

#define S_INT	"{\"type\":\"integer\"}"

/* An integer argument, 0 when absent (the domain's default). */
static int
int_arg(const cJSON *in, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, k);

	return cJSON_IsNumber(v) ? v->valueint : 0;
}

static int
run_related(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_vec_related(c, cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(in, "pake_id")),
	    int_arg(in, "limit"), out, e);
}

const pake_op pake_op_related_notes = {
	"related_notes", "Related notes",
	"The notes nearest a note in meaning (cosine of their LSA vectors, "
	"fitted on the tenant's notes), best first with their scores.",
	"{\"type\":\"object\",\"required\":[\"pake_id\"],"
	"\"additionalProperties\":false,\"properties\":{\"pake_id\":{"
	"\"type\":\"string\",\"minLength\":1,\"maxLength\":64},\"limit\":{"
	"\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"default\":10}}}",
	"{\"type\":\"object\",\"required\":[\"pake_id\",\"related\",\"model\","
	"\"dims\"],\"properties\":{\"pake_id\":{\"type\":\"string\"},"
	"\"related\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"required\":[\"pake_id\",\"title\",\"score\"],\"properties\":{"
	"\"pake_id\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},"
	"\"score\":{\"type\":\"number\"}}}},\"model\":{\"type\":\"string\"},"
	"\"dims\":" S_INT ",\"reason\":{\"type\":\"string\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_MCP | PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_related, NULL,
};

static int
run_refit(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_vec_fit(c, int_arg(in, "dims"), out, e);
}

const pake_op pake_op_vectors_refit = {
	"vectors_refit", "Fit the note vectors",
	"Fit the LSA model on every note of the tenant (randomized truncated "
	"SVD of the TF-IDF matrix) and replace every stored vector; notes "
	"written later are folded in as they are written.",
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"dims\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":256,"
	"\"default\":128}}}",
	"{\"type\":\"object\",\"required\":[\"model\",\"dims\",\"terms\","
	"\"docs\"],\"properties\":{\"model\":{\"type\":\"string\"},\"dims\":"
	S_INT ",\"terms\":" S_INT ",\"docs\":" S_INT ",\"notes\":" S_INT ","
	"\"notes_without_vectors\":" S_INT ",\"fitted_at\":{\"type\":"
	"\"string\"},\"seconds\":{\"type\":\"number\"}}}",
	PAKE_P_NOTES_WRITE, PAKE_OP_IDEMPOTENT, run_refit, NULL,
};

static int
run_status(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	(void)in;
	return pake_vec_status(c, out, e);
}

const pake_op pake_op_vectors_status = {
	"vectors_status", "Note vectors",
	"What the stored LSA model is: its dimensions, terms and notes, when "
	"it was fitted, and how many notes have a vector now.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"fitted\",\"dims\","
	"\"notes_with_vectors\"],\"properties\":{\"fitted\":{\"type\":"
	"\"boolean\"},\"model\":{\"type\":\"string\"},\"dims\":" S_INT ","
	"\"terms\":" S_INT ",\"docs\":" S_INT ",\"fitted_at\":{\"type\":["
	"\"string\",\"null\"]},\"notes_with_vectors\":" S_INT ",\"notes\":"
	S_INT "}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_status,
	NULL,
};

static int
run_clusters(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_vec_clusters(c, int_arg(in, "k"), int_arg(in, "per_cluster"),
	    out, e);
}

const pake_op pake_op_note_clusters = {
	"note_clusters", "Clusters of notes",
	"The tenant's notes grouped by meaning (k-means++ on their LSA "
	"vectors), each cluster labelled by the keywords of its nearest "
	"notes, with its nearest notes (per_cluster, 10 by default; "
	"1000000 lists every note).",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{\"k\":{\"type\":\"integer\",\"minimum\":2,"
	"\"maximum\":50},\"per_cluster\":{\"type\":\"integer\","
	"\"minimum\":1,\"maximum\":1000000,\"default\":10}}}",
	"{\"type\":\"object\",\"required\":[\"clusters\",\"k\"],"
	"\"properties\":{\"clusters\":{\"type\":\"array\"},\"k\":" S_INT ","
	"\"notes\":" S_INT "}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_clusters,
	NULL,
};
