/*
 * op_topic.c: saved research topics as operations (issue 13): topic_add,
 * topic_remove, topic_list, topic_poll, and ingest_poll (every feed and
 * every topic, the poll timer's).  The design is in lib/topics.c.  Not
 * offered over MCP: polling is the timer's (pake-ingest-poll@.timer).
 */
#include <stdlib.h>
#include <string.h>
#include "pake/feeds.h"
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/topics.h"
#include "pake/util.h"

#define S_SOURCE "{\"enum\":[\"arxiv\",\"pubmed\",\"web\"]}"
#define S_QUERY	"{\"type\":\"string\",\"minLength\":1,\"maxLength\":1000}"
#define S_TOPIC_POLLED \
	"{\"type\":\"object\",\"required\":[\"id\",\"source\",\"query\"," \
	"\"status\",\"saved\"],\"properties\":{\"id\":{\"type\":" \
	"\"integer\"},\"source\":{\"type\":\"string\"},\"query\":{\"type\":" \
	"\"string\"},\"status\":{\"enum\":[\"ok\",\"error\"]},\"results\":{" \
	"\"type\":\"integer\"},\"saved\":{\"type\":\"integer\"},\"notes\":{" \
	"\"type\":\"array\"},\"error\":{\"type\":\"string\"}}}"

static int
run_add(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(in, "max_results");

	return pake_topic_add(c, pake_json_str(in, "source"), pake_json_str(in, "query"),
	    cJSON_IsNumber(mx) ? mx->valueint : 0, out, e);
}

const pake_op pake_op_topic_add = {
	"topic_add", "Save a research topic",
	"Save a search of one source (arxiv, pubmed or web) as a topic: each "
	"poll runs it and saves as SourceNotes the results not yet notes, so "
	"only new papers are saved, never twice.  Nothing is fetched now: the "
	"first poll saves what the search finds then.  At most 200 topics.",
	"{\"type\":\"object\",\"required\":[\"source\",\"query\"],"
	"\"additionalProperties\":false,\"properties\":{\"source\":" S_SOURCE
	",\"query\":" S_QUERY ",\"max_results\":{\"type\":\"integer\","
	"\"minimum\":1,\"maximum\":100,\"default\":20}}}",
	"{\"type\":\"object\",\"required\":[\"id\",\"source\",\"query\","
	"\"max_results\"],\"properties\":{\"id\":{\"type\":\"integer\"},"
	"\"source\":{\"type\":\"string\"},\"query\":{\"type\":\"string\"},"
	"\"max_results\":{\"type\":\"integer\"}}}",
	PAKE_P_NOTES_WRITE, 0, run_add, NULL,
};

static int
run_remove(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_topic_remove(c, pake_json_str(in, "source"), pake_json_str(in, "query"), out,
	    e);
}

const pake_op pake_op_topic_remove = {
	"topic_remove", "Forget a research topic",
	"Stop polling a topic (the notes saved from it stay).",
	"{\"type\":\"object\",\"required\":[\"source\",\"query\"],"
	"\"additionalProperties\":false,\"properties\":{\"source\":" S_SOURCE
	",\"query\":" S_QUERY "}}",
	"{\"type\":\"object\",\"required\":[\"source\",\"query\",\"removed\"],"
	"\"properties\":{\"source\":{\"type\":\"string\"},\"query\":{\"type\":"
	"\"string\"},\"removed\":{\"type\":\"boolean\"}}}",
	PAKE_P_NOTES_WRITE, PAKE_OP_DESTRUCTIVE, run_remove, NULL,
};

static int
run_list(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	(void)in;
	return pake_topic_list(c, out, e);
}

const pake_op pake_op_topic_list = {
	"topic_list", "Research topics saved",
	"The topics the tenant polls: source, query, results asked, notes "
	"made so far, when added, polled and last answering well, and the "
	"last error.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"topics\"],\"properties\":{"
	"\"topics\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"properties\":{\"id\":{\"type\":\"integer\"},\"source\":{\"type\":"
	"\"string\"},\"query\":{\"type\":\"string\"},\"max_results\":{"
	"\"type\":\"integer\"},\"saved\":{\"type\":\"integer\"},\"added\":{"
	"\"type\":\"string\"},\"polled\":{\"type\":\"string\"},\"ok\":{"
	"\"type\":\"string\"},\"last_error\":{\"type\":\"string\"}}}}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_list,
	NULL,
};

static int
run_poll(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(in, "id");

	return pake_topic_poll(c, cJSON_IsNumber(id) ? (int64_t)
	    id->valuedouble : 0, out, e);
}

const pake_op pake_op_topic_poll = {
	"topic_poll", "Poll research topics",
	"Run one topic's search (id), or every topic's, and save as "
	"SourceNotes the results not yet notes.  Each topic's failure is in "
	"its entry and kept (topic_list); the others are polled all the same.",
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"id\":{\"type\":\"integer\",\"minimum\":1}}}",
	"{\"type\":\"object\",\"required\":[\"topics\"],\"properties\":{"
	"\"topics\":{\"type\":\"array\",\"items\":" S_TOPIC_POLLED "}}}",
	PAKE_P_NOTES_WRITE, PAKE_OP_OPENWORLD, run_poll, NULL,
};

static int
run_poll_all(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	cJSON *feeds = NULL, *topics = NULL;
	int rc;

	(void)in;
	if ((rc = pake_feed_poll(c, NULL, &feeds, e)) != 0)
		return rc;
	if ((rc = pake_topic_poll(c, 0, &topics, e)) != 0) {
		cJSON_Delete(feeds);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, "feeds", cJSON_DetachItemFromObject(feeds,
	    "feeds"));
	cJSON_AddItemToObject(*out, "topics", cJSON_DetachItemFromObject(
	    topics, "topics"));
	cJSON_Delete(feeds);
	cJSON_Delete(topics);
	return 0;
}

const pake_op pake_op_ingest_poll = {
	"ingest_poll", "Poll feeds and topics",
	"Poll every feed followed (as feed_poll) and every research topic (as "
	"topic_poll): the poll timer's one call.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"feeds\",\"topics\"],"
	"\"properties\":{\"feeds\":{\"type\":\"array\"},\"topics\":{\"type\":"
	"\"array\",\"items\":" S_TOPIC_POLLED "}}}",
	PAKE_P_NOTES_WRITE, PAKE_OP_OPENWORLD, run_poll_all, NULL,
};
