/*
 * op_vec.c: the vector operations (issue 12; the model is described at
 * the top of lib/vec.c): related_notes (an MCP tool), vectors_refit and
 * vectors_status.
 */
#include <string.h>
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

/* With min_drift, an LSA model of the configured kind that drifted less
 * is kept: the answer is the status, with refitted false. */
static int
run_refit(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(in, "min_drift");
	const cJSON *drift;
	int rc;

	if (cJSON_IsNumber(md)) {
		if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0 ||
		    (rc = pake_vec_status(c, out, e)) != 0)
			return rc;
		drift = cJSON_GetObjectItemCaseSensitive(*out, "drift");
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(*out,
		    "fitted")) && !cJSON_IsTrue(
		    cJSON_GetObjectItemCaseSensitive(*out, "refit_needed")) &&
		    strcmp(cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(*out, "model")), "lsa") ==
		    0 && cJSON_IsNumber(drift) && drift->valuedouble <
		    md->valuedouble) {
			cJSON_AddBoolToObject(*out, "refitted", 0);
			return 0;
		}
		cJSON_Delete(*out);
		*out = NULL;
	}
	if ((rc = pake_vec_fit(c, int_arg(in, "dims"), out, e)) == 0)
		cJSON_AddBoolToObject(*out, "refitted", 1);
	return rc;
}

const pake_op pake_op_vectors_refit = {
	"vectors_refit", "Fit the note vectors",
	"Fit the LSA model on every note of the tenant (randomized truncated "
	"SVD of the TF-IDF matrix) and replace every stored vector; notes "
	"written later are folded in as they are written.  With an "
	"embeddings provider configured, embed every note that waits (all "
	"of them after a change of model).  min_drift: keep an LSA model "
	"whose notes written since the fit are fewer than this share of "
	"the notes it was fitted on.",
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"dims\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":256,"
	"\"default\":128},\"min_drift\":{\"type\":\"number\",\"minimum\":0,"
	"\"maximum\":100}}}",
	"{\"type\":\"object\",\"required\":[\"model\",\"dims\",\"terms\","
	"\"docs\"],\"properties\":{\"model\":{\"type\":\"string\"},\"dims\":"
	S_INT ",\"terms\":" S_INT ",\"docs\":" S_INT ",\"notes\":" S_INT ","
	"\"notes_without_vectors\":" S_INT ",\"fitted_at\":{\"type\":"
	"[\"string\",\"null\"]},\"seconds\":{\"type\":\"number\"},"
	"\"refitted\":{\"type\":\"boolean\"},\"embedded\":" S_INT ","
	"\"waiting\":" S_INT ",\"drift\":{\"type\":[\"number\","
	"\"null\"]}}}",
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
	S_INT ",\"notes_waiting\":" S_INT ",\"model_configured\":{"
	"\"type\":\"string\"},\"refit_needed\":{\"type\":\"boolean\"},"
	"\"changed_since_fit\":" S_INT ",\"drift\":{\"type\":[\"number\","
	"\"null\"]}}}",
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
