/*
 * searchlog.h: every search of a tenant logged, off the read path (issue
 * 14; lib/searchlog.c has the design: a spool file per tenant, folded
 * into the store by writers, sessions by SEED-API §3.1's 30 minutes).
 */
#ifndef PAKE_SEARCHLOG_H
#define PAKE_SEARCHLOG_H

#include <cjson/cJSON.h>
#include "ctx.h"

typedef struct pake_search_event {
	const char *query;
	const cJSON *filters;	/* object, or NULL */
	const char *mode;	/* text, meaning, hybrid; NULL: text */
	const cJSON *sources;	/* array (research search), or NULL */
	int hits;
	double ms;		/* time taken */
} pake_search_event;

/* Append the event to the acting tenant's spool (never fails the search:
 * a line not written is logged). */
void pake_searchlog_add(pake_ctx *c, const pake_search_event *ev);
/* Run a search operation's work and log it (its input, answer and time)
 * when it succeeds: the one way a search is timed and logged. */
int pake_searchlog_run(pake_ctx *c, int (*run)(pake_ctx *, const cJSON *,
    cJSON **, pake_err *), const cJSON *in, cJSON **out, pake_err *e);
/* Fold the spool into the store (a writer's work). */
int pake_searchlog_flush(pake_ctx *c, pake_err *e);

/* The folded log, newest first (limit 0: 100): {searches: [{time, query,
 * filters?, mode, sources?, hits, ms, front, actor, session (the time
 * its session began)}], total}. */
int pake_searchlog_list(pake_ctx *c, int limit, cJSON **out, pake_err *e);

/* A search as the analytics read it (strings malloc'd; sources is JSON
 * text or NULL; session the time its session began, ms). */
typedef struct pake_search_ev {
	int64_t t, hits, session;
	double ms;
	char *query, *mode, *front, *actor, *sources;
} pake_search_ev;
/* The tenant's searches at or after since_ms, oldest first: those folded
 * into the store and those still spooled (given their sessions as a fold
 * will), at most max (the newest; *truncated then 1).  Writes nothing. */
int pake_searchlog_events(pake_ctx *c, int64_t since_ms, size_t max,
    pake_search_ev **out, size_t *n, int *truncated, pake_err *e);
void pake_searchlog_events_free(pake_search_ev *v, size_t n);

#endif
