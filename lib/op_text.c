/*
 * op_text.c: the text-analysis operations of the registry (issue 12):
 * summarize (the Python server's POST /summarize, SEED-API §2) and
 * summarize_note (an MCP tool: a note's summary, and with save, written
 * into its summary field as a new version).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/store.h"
#include "pake/summary.h"
#include "pake/util.h"

#define SERVICE		"pake summarizer 1"
#define CONTENT_MAX	(10 * 1024 * 1024)	/* bytes summarised at once */

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
int_arg(const cJSON *in, const char *k, int dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, k);

	return cJSON_IsNumber(v) ? v->valueint : dflt;
}

/* The summary of md in the tenant's store, in one read snapshot. */
static int
summarize(pake_ctx *c, const char *md, size_t len, const cJSON *in,
    cJSON **res, pake_err *e)
{
	const cJSON *kp = cJSON_GetObjectItemCaseSensitive(in,
	    "include_key_points");
	pake_summary_opts o = {0};
	pake_db *st;
	int rc;

	o.sentences = int_arg(in, "target_sentences", 3);
	o.key_points = kp == NULL || cJSON_IsTrue(kp);
	o.content_type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    in, "content_type"));
	if (!pake_utf8_valid(md, len))
		return pake_fail(e, PAKE_EINVAL, "Content is not UTF-8", NULL);
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	rc = pake_summarize(c, st, md, len, &o, res, e);
	if (rc == 0)
		return pake_db_commit(st, e);
	pake_db_rollback(st);
	return rc;
}

static int
run_summarize(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *md = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    in, "content"));
	double t0 = mono();
	char ts[32];
	cJSON *res, *m;
	int rc;

	if ((rc = summarize(c, md, strlen(md), in, &res, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	cJSON_AddItemToObject(*out, "summary_result", res);
	m = cJSON_AddObjectToObject(*out, "metadata");
	cJSON_AddNumberToObject(m, "execution_time_seconds", mono() - t0);
	pake_iso8601(pake_now_ms(), ts);
	cJSON_AddStringToObject(m, "timestamp", ts);
	cJSON_AddStringToObject(m, "service_version", SERVICE);
	return 0;
}

#define S_SUMMARY_OPTS \
	"\"content_type\":{\"type\":\"string\",\"maxLength\":64," \
	"\"default\":\"general\",\"description\":\"academic and web weigh " \
	"their cue words\"}," \
	"\"target_sentences\":{\"type\":\"integer\",\"minimum\":1," \
	"\"maximum\":10,\"default\":3}," \
	"\"include_key_points\":{\"type\":\"boolean\",\"default\":true}"
#define S_RESULT "{\"type\":\"object\",\"required\":[" \
	"\"extractive_summary\",\"key_points\",\"abstract_summary\"," \
	"\"metadata\"],\"properties\":{\"extractive_summary\":{\"type\":" \
	"\"string\"},\"key_points\":{\"type\":\"array\"},\"abstract_summary\":" \
	"{\"type\":\"string\"},\"keywords\":{\"type\":\"array\"}," \
	"\"metadata\":{\"type\":\"object\"}}}"

const pake_op pake_op_summarize = {
	"summarize", "Summarize text",
	"An extractive summary of a text: the sentences that carry most of "
	"its weight against the tenant's notes, without near repeats, with "
	"key points, keywords and a one-line abstract.",
	"{\"type\":\"object\",\"required\":[\"content\"],"
	"\"additionalProperties\":false,\"properties\":{\"content\":{"
	"\"type\":\"string\",\"minLength\":1,\"maxLength\":10485760},"
	S_SUMMARY_OPTS "}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"summary_result\"],"
	"\"properties\":{\"success\":{\"type\":\"boolean\"},\"summary_result\":"
	S_RESULT ",\"metadata\":{\"type\":\"object\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_summarize, NULL,
};

static int
run_summarize_note(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    in, "pake_id"));
	const cJSON *save = cJSON_GetObjectItemCaseSensitive(in, "save");
	pake_note n, patch, after;
	cJSON *res;
	int rc;

	pake_note_init(&n);
	if ((rc = pake_store_get(c, id, &n, e)) != 0)
		return rc;
	rc = summarize(c, n.body, n.body_len, in, &res, e);
	pake_note_free(&n);
	if (rc != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "pake_id", id);
	cJSON_AddItemToObject(*out, "summary_result", res);
	if (cJSON_IsTrue(save)) {
		const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(res,
		    "extractive_summary"));

		pake_note_init(&patch);
		pake_note_init(&after);
		patch.summary = pake_strdup(text);
		rc = patch.summary ? pake_store_update(c, id, &patch,
		    PAKE_F_SUMMARY, 0, &after, e) : pake_fail(e,
		    PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		if (rc == 0)
			cJSON_AddNumberToObject(*out, "version",
			    (double)after.version);
		pake_note_free(&patch);
		pake_note_free(&after);
		if (rc != 0) {
			cJSON_Delete(*out);
			*out = NULL;
			return rc;
		}
	}
	cJSON_AddBoolToObject(*out, "saved", cJSON_IsTrue(save));
	return 0;
}

const pake_op pake_op_summarize_note = {
	"summarize_note", "Summarize a note",
	"An extractive summary of a note (sentences weighed against the "
	"tenant's other notes, without near repeats), its key points and "
	"keywords; with save, the summary becomes the note's summary field "
	"(a new version).",
	"{\"type\":\"object\",\"required\":[\"pake_id\"],"
	"\"additionalProperties\":false,\"properties\":{\"pake_id\":{"
	"\"type\":\"string\",\"maxLength\":64},\"save\":{\"type\":"
	"\"boolean\",\"default\":false}," S_SUMMARY_OPTS "}}",
	"{\"type\":\"object\",\"required\":[\"pake_id\",\"summary_result\","
	"\"saved\"],\"properties\":{\"pake_id\":{\"type\":\"string\"},"
	"\"summary_result\":" S_RESULT ",\"saved\":{\"type\":\"boolean\"},"
	"\"version\":{\"type\":\"integer\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_MCP, run_summarize_note, NULL,
};

static int
run_auto_tag(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *md = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    in, "content"));
	char ts[32];
	int rc;

	if (!pake_utf8_valid(md, strlen(md)))
		return pake_fail(e, PAKE_EINVAL, "Content is not UTF-8", NULL);
	if ((rc = pake_auto_tag(c, md, strlen(md), int_arg(in, "max_tags", 5),
	    out, e)) != 0)
		return rc;
	pake_iso8601(pake_now_ms(), ts);
	cJSON_AddStringToObject(*out, "processed_at", ts);
	return 0;
}

const pake_op pake_op_auto_tag = {
	"auto_tag", "Suggest tags",
	"Tags for a text: its keywords (weighed against the tenant's notes) "
	"as tags, those the tenant already uses first.",
	"{\"type\":\"object\",\"required\":[\"content\"],"
	"\"additionalProperties\":false,\"properties\":{\"content\":{"
	"\"type\":\"string\",\"minLength\":1,\"maxLength\":10485760},"
	"\"max_tags\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":20,"
	"\"default\":5}}}",
	"{\"type\":\"object\",\"required\":[\"tags\",\"confidence\","
	"\"method\"],\"properties\":{\"tags\":{\"type\":\"array\",\"items\":{"
	"\"type\":\"string\"}},\"existing\":{\"type\":\"array\"},\"confidence\":"
	"{\"type\":\"number\"},\"method\":{\"type\":\"string\"},"
	"\"processed_at\":{\"type\":\"string\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_auto_tag, NULL,
};
