/*
 * op_searchlog.c: the search log as operations (issue 14; the design is
 * at the top of lib/searchlog.c): search_log reads what writers folded
 * into the store; search_log_flush folds the spool now.
 */
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/searchlog.h"

static int
run_list(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(in, "limit");

	return pake_searchlog_list(c, cJSON_IsNumber(l) ? l->valueint : 0,
	    out, e);
}

const pake_op pake_op_search_log = {
	"search_log", "The search log",
	"The tenant's searches from every front, newest first: time, query, "
	"filters, mode, sources, hits, time taken, front, who, and the "
	"session (30 minutes from its first search), as writers have folded "
	"them into the store.",
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10000,"
	"\"default\":100}}}",
	"{\"type\":\"object\",\"required\":[\"searches\",\"total\"],"
	"\"properties\":{\"searches\":{\"type\":\"array\"},\"total\":{"
	"\"type\":\"integer\"}}}",
	PAKE_P_SEARCH_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_list,
	NULL,
};

static int
run_flush(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	int rc;

	(void)in;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0 ||
	    (rc = pake_searchlog_flush(c, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "flushed", 1);
	return 0;
}

const pake_op pake_op_search_log_flush = {
	"search_log_flush", "Fold the search log",
	"Fold the searches spooled since the last write into the tenant's "
	"store now (every write does it too).",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"flushed\"],\"properties\":{"
	"\"flushed\":{\"type\":\"boolean\"}}}",
	PAKE_P_NOTES_WRITE, PAKE_OP_IDEMPOTENT, run_flush, NULL,
};
