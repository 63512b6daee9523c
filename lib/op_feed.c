/*
 * op_feed.c: feed subscriptions as operations (issue 13): feed_add,
 * feed_remove, feed_list, feed_poll.  The design is in lib/feeds.c.  Not
 * offered over MCP: polling is the timer's (pake-ingest-poll@.timer).
 */
#include <stdlib.h>
#include <string.h>
#include "pake/feeds.h"
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/util.h"

#define S_URL	"{\"type\":\"string\",\"minLength\":8,\"maxLength\":4096}"

static int
run_add(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_feed_add(c, pake_json_str(in, "url"),
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "save")),
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "backfill")),
	    out, e);
}

const pake_op pake_op_feed_add = {
	"feed_add", "Subscribe to a feed",
	"Subscribe to an RSS or Atom feed: it is fetched once and must be a "
	"feed (its title is learnt); the items it lists now count as seen, "
	"so polls bring only newer ones.  save: new items are saved as "
	"SourceNotes when polled; backfill: the items listed now are saved "
	"at once.",
	"{\"type\":\"object\",\"required\":[\"url\"],"
	"\"additionalProperties\":false,\"properties\":{\"url\":" S_URL ","
	"\"save\":{\"type\":\"boolean\",\"default\":false},"
	"\"backfill\":{\"type\":\"boolean\",\"default\":false}}}",
	"{\"type\":\"object\",\"required\":[\"url\",\"title\",\"save\","
	"\"items\"],\"properties\":{\"url\":{\"type\":\"string\"},\"title\":"
	"{\"type\":\"string\"},\"format\":{\"type\":\"string\"},\"save\":{"
	"\"type\":\"boolean\"},\"items\":{\"type\":\"integer\"},\"saved\":{"
	"\"type\":\"array\"}}}",
	PAKE_P_NOTES_WRITE, PAKE_OP_OPENWORLD, run_add, NULL,
};

static int
run_remove(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_feed_remove(c, pake_json_str(in, "url"), out, e);
}

const pake_op pake_op_feed_remove = {
	"feed_remove", "Unsubscribe from a feed",
	"Stop following a feed (the notes saved from it stay).",
	"{\"type\":\"object\",\"required\":[\"url\"],"
	"\"additionalProperties\":false,\"properties\":{\"url\":" S_URL "}}",
	"{\"type\":\"object\",\"required\":[\"url\",\"removed\"],"
	"\"properties\":{\"url\":{\"type\":\"string\"},\"removed\":{\"type\":"
	"\"boolean\"}}}",
	PAKE_P_NOTES_WRITE, PAKE_OP_DESTRUCTIVE, run_remove, NULL,
};

static int
run_list(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	(void)in;
	return pake_feed_list(c, out, e);
}

const pake_op pake_op_feed_list = {
	"feed_list", "Feeds followed",
	"The feeds the tenant follows: URL, title, whether new items are "
	"saved, items seen, when added, polled and last answering well, and "
	"the last error.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"feeds\"],\"properties\":{"
	"\"feeds\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"properties\":{\"url\":{\"type\":\"string\"},\"title\":{\"type\":"
	"\"string\"},\"save\":{\"type\":\"boolean\"},\"items_seen\":{"
	"\"type\":\"integer\"},\"added\":{\"type\":\"string\"},\"polled\":{"
	"\"type\":\"string\"},\"ok\":{\"type\":\"string\"},\"last_error\":{"
	"\"type\":\"string\"}}}}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_list,
	NULL,
};

static int
run_poll(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_feed_poll(c, pake_json_str(in, "url"), out, e);
}

const pake_op pake_op_feed_poll = {
	"feed_poll", "Poll feeds",
	"Ask one feed, or every feed followed, for new items (a conditional "
	"request: an unchanged feed answers 304); the new items are marked "
	"seen and, for a feed that saves, saved as SourceNotes, never twice. "
	"Each feed's failure is in its entry; the others are polled all the "
	"same.",
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"url\":" S_URL "}}",
	"{\"type\":\"object\",\"required\":[\"feeds\"],\"properties\":{"
	"\"feeds\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"required\":[\"url\",\"status\",\"new_items\",\"saved\"],"
	"\"properties\":{\"url\":{\"type\":\"string\"},\"title\":{\"type\":"
	"\"string\"},\"status\":{\"enum\":[\"new\",\"unchanged\",\"error\"]},"
	"\"new_items\":{\"type\":\"integer\"},\"items\":{\"type\":\"array\"},"
	"\"saved\":{\"type\":\"array\"},\"error\":{\"type\":\"string\"},"
	"\"not_modified\":{\"type\":\"boolean\"}}}}}}",
	PAKE_P_NOTES_WRITE, PAKE_OP_OPENWORLD, run_poll, NULL,
};
