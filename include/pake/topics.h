/*
 * topics.h: saved research topics of a tenant (issue 13; lib/topics.c has
 * the design): one search of one source, re-run by each poll, the results
 * not yet notes saved as SourceNotes.
 */
#ifndef PAKE_TOPICS_H
#define PAKE_TOPICS_H

#include <stdint.h>
#include <cjson/cJSON.h>
#include "err.h"

#define PAKE_TOPICS_MAX		200	/* topics of one tenant */
#define PAKE_TOPIC_QUERY_MAX	1000	/* bytes of a query */
#define PAKE_TOPIC_MAX_DEFAULT	20	/* results asked by a poll */

struct pake_ctx;

/* Save a topic: source "arxiv", "pubmed" or "web", query 1..1000 bytes of
 * UTF-8, max results 1..100 (0: PAKE_TOPIC_MAX_DEFAULT).  Nothing is
 * fetched: the first poll saves what the search finds then.  *out {id,
 * source, query, max_results}.  PAKE_EINVAL on bad input, PAKE_ECONFLICT
 * when the source already has that query, PAKE_EQUOTA beyond
 * PAKE_TOPICS_MAX. */
int pake_topic_add(struct pake_ctx *c, const char *source, const char *query,
    int max, cJSON **out, pake_err *e);
/* Forget a topic (its notes stay); PAKE_ENOTFOUND when there is none.
 * *out {source, query, removed: true}. */
int pake_topic_remove(struct pake_ctx *c, const char *source,
    const char *query, cJSON **out, pake_err *e);
/* *out {topics: [{id, source, query, max_results, saved, added, polled?,
 * ok?, last_error?}]}; reads only. */
int pake_topic_list(struct pake_ctx *c, cJSON **out, pake_err *e);
/* Poll one topic (id > 0) or all (0): *out {topics: [{id, source, query,
 * status: "ok" | "error", results, saved (notes made now), notes:
 * [{pake_id, title}] (those notes), error?}]}.  A topic's failure is in
 * its entry and stored with it; the others are polled all the same.
 * PAKE_ENOTFOUND when id names no topic. */
int pake_topic_poll(struct pake_ctx *c, int64_t id, cJSON **out,
    pake_err *e);

#endif
