/*
 * analytics_int.h: what lib/analytics.c (the log, its sessions and
 * topics, /ml/...) and lib/analytics_usage.c (/analytics/...) share; nothing
 * else includes it.
 */
#ifndef PAKE_ANALYTICS_INT_H
#define PAKE_ANALYTICS_INT_H

#include <stdint.h>
#include "pake/analytics.h"
#include "pake/searchlog.h"

#define AN_MAX_EVENTS	200000	/* searches read at once, the newest */
#define AN_TOPICS	10	/* topics of one query, at most */
#define AN_SESSION_MS	(30 * 60 * 1000LL)

/* A search session: an actor's searches within 30 minutes of its first. */
typedef struct an_session {
	const char *actor;
	int64_t start, end;		/* first and last search, ms */
	int queries, found;		/* searches; those that found something */
	int64_t hits;
	char dominant[5][32];		/* its most searched topics */
	int ndom;
	size_t idx;			/* made in this order (internal) */
} an_session;

/* The log as read for one answer. */
typedef struct an_log {
	pake_ctx *c;
	int64_t now;
	pake_search_ev *ev;		/* oldest first */
	size_t n;
	int truncated;
	an_session *s;			/* by start */
	size_t ns;
	size_t *sess;			/* each event's session */
} an_log;

int an_load(pake_ctx *c, int64_t since, an_log *l, pake_err *e);
void an_free(an_log *l);
/* The searches at or after since and the sessions begun then, as a log
 * sharing l's memory (not to be freed; it has no sess). */
void an_view(const an_log *l, int64_t since, an_log *v);

/* The topics of a query: its distinct keywords (SEED-API §1.4), at most
 * AN_TOPICS; the number found. */
int an_topics(const char *q, char w[AN_TOPICS][32]);

/* Counted words. */
typedef struct an_word {
	char w[32];
	int64_t n;		/* how often */
	int64_t found;		/* of those, searches that found something */
	int64_t last;		/* the last time, ms */
	size_t first;		/* order of first sight */
} an_word;
typedef struct an_words {
	an_word *v;
	size_t n, cap;
	uint32_t *slot;
	size_t nslot;
	int oom;
} an_words;
an_word *an_words_get(an_words *m, const char *w);
void an_words_sort(an_words *m);	/* by count, then first seen; the
					 * map is not searchable after */
void an_words_free(an_words *m);

/* "<N>h" or "<N>d" (1 h to 365 d) in ms; def when s is NULL. */
int an_range(const char *s, const char *def, int64_t *ms, pake_err *e);
double an_round(double v, int places);
void an_time(cJSON *o, const char *key, int64_t ms);
/* A figure pake has no data for: null, and the reason in o's "absent". */
void an_absent(cJSON *o, const char *key, const char *why);

/* The parts of /ml/... other answers reuse. */
cJSON *an_ml_metrics(an_log *l, pake_err *e);
/* patterns: an_ml_patterns' answer when the caller has it, else NULL. */
cJSON *an_ml_insights(an_log *l, const cJSON *patterns);
cJSON *an_ml_patterns(an_log *l);

#endif
