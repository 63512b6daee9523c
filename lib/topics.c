/*
 * topics.c: saved research topics (issue 13): a search of one source
 * (arxiv, pubmed, web), re-run by each poll, whose results not yet notes
 * become notes -- new papers only, never twice.
 *
 * A tenant's topics live in its store (migration 9, lib/db_topic.c): the
 * source, the query, how many results a poll asks for, when it was added,
 * polled and last answered well, its last error, and how many notes its
 * polls made.  At most PAKE_TOPICS_MAX a tenant; (source, query) is
 * unique.
 *
 * Adding stores only: nothing is fetched, so a query that finds nothing
 * or fails shows at the first poll (its last_error).  The first poll
 * saves what the search finds then, like a search with --save; each later
 * poll saves only what is not yet a note.
 *
 * "Not yet a note" is not the topic's own memory: a poll goes through
 * pake_research_ingest (lib/research.c), the ingest operation's own path,
 * with save, and pake_research_save finds the note a record already is
 * (same DOI, arXiv id, PMID or URL: note_keys) and writes nothing.  So a
 * paper saved by hand, by a feed or by another topic is not saved again,
 * and a topic needs no seen list.  The poll asks with fresh (the answer
 * cache is not read: a poll wants today's answer; it is written all the
 * same), each source with its own politeness (arXiv a request in 3 s).
 *
 * Then one short write transaction per topic stores polled_ms, ok_ms,
 * last_error and adds the notes made to saved -- never a transaction
 * around the network.  A topic's failure (the source's error, a save
 * that failed: the notes made before it stay and are counted) is its own:
 * the other topics are polled all the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/ctx.h"
#include "pake/db.h"
#include "pake/feeds.h"
#include "pake/research.h"
#include "pake/topics.h"
#include "pake/util.h"

#define ERROR_MAX	256

static int
check(const char *source, const char *query, int max, pake_err *e)
{
	size_t n = query ? strlen(query) : 0, i;

	if (source == NULL || (strcmp(source, "arxiv") != 0 &&
	    strcmp(source, "pubmed") != 0 && strcmp(source, "web") != 0))
		return pake_fail(e, PAKE_EINVAL, "A topic's source is arxiv, "
		    "pubmed or web", "%.32s", source ? source : "(none)");
	if (n == 0 || n > PAKE_TOPIC_QUERY_MAX || !pake_utf8_valid(query, n))
		return pake_fail(e, PAKE_EINVAL, "A topic's query is 1 to 1000 "
		    "bytes of UTF-8", "%zu bytes", n);
	for (i = 0; i < n && (query[i] == ' ' || query[i] == '\t'); i++)
		;
	if (i == n)
		return pake_fail(e, PAKE_EINVAL, "A topic's query is 1 to 1000 "
		    "bytes of UTF-8", "blank");
	if (max < 1 || max > 100)
		return pake_fail(e, PAKE_EINVAL, "A topic asks for 1 to 100 "
		    "results", "%d", max);
	return 0;
}

int
pake_topic_add(pake_ctx *c, const char *source, const char *query, int max,
    cJSON **out, pake_err *e)
{
	pake_db_topic t = {0};
	int64_t n = 0, id = 0;
	pake_db *st;
	int rc;

	*out = NULL;
	if (max == 0)
		max = PAKE_TOPIC_MAX_DEFAULT;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0 ||
	    (rc = check(source, query, max, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	t.source = source;
	t.query = query;
	t.max_results = max;
	t.added_ms = pake_now_ms();
	if ((rc = pake_db_begin(st, e)) != 0)
		return rc;
	if ((rc = pake_db_topic_count(st, &n, e)) == 0 &&
	    n >= PAKE_TOPICS_MAX)
		rc = pake_fail(e, PAKE_EQUOTA, "A tenant keeps at most 200 "
		    "topics", NULL);
	if (rc == 0 && (rc = pake_db_topic_insert(st, &t, &id, e)) ==
	    PAKE_ECONFLICT)
		rc = pake_fail(e, PAKE_ECONFLICT, "This topic is already "
		    "saved", "%.32s %.200s", source, query);
	if (rc == 0)
		rc = pake_db_commit(st, e);
	else
		pake_db_rollback(st);
	if (rc != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddNumberToObject(*out, "id", (double)id);
	cJSON_AddStringToObject(*out, "source", source);
	cJSON_AddStringToObject(*out, "query", query);
	cJSON_AddNumberToObject(*out, "max_results", max);
	return 0;
}

int
pake_topic_remove(pake_ctx *c, const char *source, const char *query,
    cJSON **out, pake_err *e)
{
	pake_db *st;
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin(st, e)) != 0)
		return rc;
	if ((rc = pake_db_topic_delete(st, source, query, e)) != 0) {
		pake_db_rollback(st);
		return rc;
	}
	if ((rc = pake_db_commit(st, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "source", source);
	cJSON_AddStringToObject(*out, "query", query);
	cJSON_AddBoolToObject(*out, "removed", 1);
	return 0;
}

static int
list_one(void *arg, const pake_db_topic *t)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)t->id);
	cJSON_AddStringToObject(o, "source", t->source ? t->source : "");
	cJSON_AddStringToObject(o, "query", t->query ? t->query : "");
	cJSON_AddNumberToObject(o, "max_results", (double)t->max_results);
	cJSON_AddNumberToObject(o, "saved", (double)t->saved);
	pake_sub_status(o, t->added_ms, t->polled_ms, t->ok_ms, t->last_error);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

static int
list_all(pake_db *st, cJSON *list, pake_err *e)
{
	return pake_db_topic_each(st, list_one, list, e);
}

int
pake_topic_list(pake_ctx *c, cJSON **out, pake_err *e)
{
	return pake_sub_list(c, "topics", list_all, out, e);
}

/* ------------------------------------------------------------------ */
/* Poll */

/* The topics to poll, copied out of the read transaction: an array of
 * {id, source, query, max_results}. */
static int
copy_one(void *arg, const pake_db_topic *t)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		return PAKE_EINTERNAL;
	cJSON_AddNumberToObject(o, "id", (double)t->id);
	cJSON_AddStringToObject(o, "source", t->source ? t->source : "");
	cJSON_AddStringToObject(o, "query", t->query ? t->query : "");
	cJSON_AddNumberToObject(o, "max_results", (double)t->max_results);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

/* Poll one topic t into its entry o; its failure is o's "error" and
 * stored with it. */
static void
poll_one(pake_ctx *c, pake_db *st, const cJSON *t, cJSON *o)
{
	char why[ERROR_MAX] = "";
	const cJSON *s, *r;
	cJSON *res = NULL, *notes = cJSON_CreateArray();
	pake_research_ask a = {0};
	pake_err e = {0};
	int64_t id = (int64_t)cJSON_GetNumberValue(
	    cJSON_GetObjectItemCaseSensitive(t, "id"));
	int rc, ok, k = 0, made = 0, results = 0;

	a.source = pake_json_str(t, "source");
	a.query = pake_json_str(t, "query");
	a.max = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(t,
	    "max_results"));
	a.save = 1;
	a.fresh = 1;
	rc = pake_research_ingest(c, &a, &res, &e);
	if ((ok = rc == 0) == 0) {
		snprintf(why, sizeof why, "%s", e.msg ? e.msg :
		    pake_code_message(rc));
		pake_log_msg(c->log, PAKE_LOG_WARN, "topic %s %s: %s (%s)",
		    a.source, a.query, why, e.detail);
	}
	/* The notes made now, failed or not: those before a failed save
	 * stay. */
	r = cJSON_GetObjectItemCaseSensitive(res, "results");
	results = cJSON_GetArraySize(r);
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(res, "saved")) {
		const cJSON *rec = cJSON_GetArrayItem(r, k++);
		cJSON *n;

		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s,
		    "created")))
			continue;
		made++;
		n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "pake_id", pake_json_str(s, "pake_id") ?
		    pake_json_str(s, "pake_id") : "");
		cJSON_AddStringToObject(n, "title", pake_json_str(rec, "title") ?
		    pake_json_str(rec, "title") : "");
		cJSON_AddItemToArray(notes, n);
	}
	/* One short write: the topic's state. */
	pake_err_clear(&e);
	if ((rc = pake_db_begin(st, &e)) == 0) {
		if ((rc = pake_db_topic_polled(st, id, ok, why, pake_now_ms(),
		    made, &e)) == 0)
			rc = pake_db_commit(st, &e);
		else
			pake_db_rollback(st);
	}
	if (rc != 0) {
		ok = 0;
		snprintf(why, sizeof why, "%s", e.msg ? e.msg :
		    pake_code_message(rc));
		pake_log_msg(c->log, PAKE_LOG_WARN, "topic %s %s: store: %s "
		    "(%s)", a.source, a.query, why, e.detail);
	}
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "source", a.source ? a.source : "");
	cJSON_AddStringToObject(o, "query", a.query ? a.query : "");
	cJSON_AddStringToObject(o, "status", ok ? "ok" : "error");
	cJSON_AddNumberToObject(o, "results", results);
	cJSON_AddNumberToObject(o, "saved", made);
	cJSON_AddItemToObject(o, "notes", notes);
	if (!ok)
		cJSON_AddStringToObject(o, "error", why);
	pake_err_clear(&e);
	cJSON_Delete(res);
}

int
pake_topic_poll(pake_ctx *c, int64_t id, cJSON **out, pake_err *e)
{
	cJSON *due, *topics;
	const cJSON *t;
	pake_db *st;
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	due = cJSON_CreateArray();
	rc = id > 0 ? pake_db_topic_get(st, id, copy_one, due, e) :
	    pake_db_topic_each(st, copy_one, due, e);
	pake_db_rollback(st);
	if (rc != 0) {
		cJSON_Delete(due);
		if (rc == PAKE_EINTERNAL && e->code == 0)
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		return rc;
	}
	topics = cJSON_CreateArray();
	cJSON_ArrayForEach(t, due) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddItemToArray(topics, o);
		poll_one(c, st, t, o);
	}
	cJSON_Delete(due);
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, "topics", topics);
	return 0;
}
