/*
 * counters.h: rate limits, daily call quotas, token last use and HTTP
 * metrics in one shared memory-mapped file (lib/counters.c).
 *
 * An authenticated read must not write to SQLite, so the facts that change
 * on every request live in a file beside the control database, mapped by
 * every process that serves requests and updated with atomic operations
 * only.  No lock is ever held: a process killed at any instant leaves the
 * file usable by all others.  The slow facts (each tenant's daily count,
 * each token's last use) reach the database through the flush calls, at
 * most once per interval for the whole machine.
 *
 * Nothing here knows SQL or HTTP.  One handle may be used by many threads
 * at once, and by the children of a fork.
 */
#ifndef PAKE_COUNTERS_H
#define PAKE_COUNTERS_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define PAKE_COUNTERS_RATE_MAX	 2000	/* requests a minute, at most */
#define PAKE_COUNTERS_CALLS_MAX	 INT64_C(0xFFFFFFFF)	/* calls a day */
#define PAKE_COUNTERS_DAY_MAX	 INT64_C(0xFFFFF)	/* days since 1970 */
#define PAKE_COUNTERS_BUCKETS	 13	/* latency buckets, the last +Inf */
#define PAKE_COUNTERS_ROUTE_MAX	 63	/* bytes of a route template */
#define PAKE_COUNTERS_METHOD_MAX 15	/* bytes of a method */
#define PAKE_COUNTERS_OTHER	 "other"	/* the overflow label */

typedef struct pake_counters pake_counters;

/* Map the counters file at path, creating it (mode 0600) when missing and
 * replacing it when it holds another layout.  PAKE_EUNAVAIL when the file
 * cannot be made or mapped. */
int pake_counters_open(pake_counters **out, const char *path, pake_err *e);
void pake_counters_close(pake_counters *k);	/* NULL ok */

/* Rate limit: count one request of token `token` (id > 0) if fewer than
 * per_min requests of it were counted in the 60 000 ms before now_ms (an
 * exact sliding window across processes, no burst at window edges).
 * 0: counted.  PAKE_ERATE: refused, nothing counted, *retry_ms = ms until
 * one more would be allowed (>= 1; e->retry_after holds it in seconds).
 * per_min above PAKE_COUNTERS_RATE_MAX is enforced as that; per_min < 1
 * refuses every request (retry 60 000).  PAKE_EUNAVAIL when every token
 * entry was used in the last minute (fail closed); PAKE_EINVAL for a
 * token or now_ms below 1. */
int pake_counters_rate(pake_counters *k, int64_t token, int64_t per_min,
    int64_t now_ms, int64_t *retry_ms, pake_err *e);

/* Daily calls of a tenant: count one call for UTC day `day` (days since
 * the epoch, 0..PAKE_COUNTERS_DAY_MAX) if fewer than `limit` were counted
 * that day.  When the tenant's entry moves to a new day, base(arg, tenant,
 * day) is called (with no lock held; NULL means 0) to learn how many calls
 * the database already holds for that day, and the count starts from it.
 * A call stamped one day before the entry's day (a clock a moment behind
 * midnight) counts toward the entry's day.  0: counted, *calls = the day's
 * count after it.  PAKE_EQUOTA: refused, *calls = the day's count.
 * limit above PAKE_COUNTERS_CALLS_MAX is enforced as that.  PAKE_EINVAL
 * for a tenant below 1 or a day out of range; PAKE_EUNAVAIL when every
 * tenant entry is in use (fail closed). */
typedef int64_t (*pake_counters_base_fn)(void *arg, int64_t tenant,
    int64_t day);
int pake_counters_calls(pake_counters *k, int64_t tenant, int64_t day,
    int64_t limit, pake_counters_base_fn base, void *arg, int64_t *calls,
    pake_err *e);

/* HTTP metrics: one request of `route` (a route template such as
 * "/notes/{pake_id}", at most PAKE_COUNTERS_ROUTE_MAX bytes), `method` (at
 * most PAKE_COUNTERS_METHOD_MAX bytes; the caller maps unknown methods to
 * "other"), `status` (100..599), answered in `us` microseconds, falling in
 * latency bucket `bucket` (0..PAKE_COUNTERS_BUCKETS-1, the caller's
 * bounds).  When the tables are full, or the labels are "other", the
 * request counts in the overflow series: route "other", method "other",
 * the same status; latency under route "other".  0, or PAKE_EINVAL for
 * labels out of bounds. */
int pake_counters_http(pake_counters *k, const char *route,
    const char *method, int status, int bucket, uint64_t us);
/* The upper bounds of the latency buckets in milliseconds, the last
 * (PAKE_COUNTERS_BUCKETS - 1) unbounded: one definition for the servers
 * that count, /metrics and the analytics that read. */
extern const double pake_counters_bucket_ms[PAKE_COUNTERS_BUCKETS - 1];
typedef int (*pake_counters_req_cb)(void *arg, const char *route,
    const char *method, int status, uint64_t count);
typedef int (*pake_counters_lat_cb)(void *arg, const char *route,
    const uint64_t bucket[PAKE_COUNTERS_BUCKETS], uint64_t sum_us);
/* Walk every series: each request series to req, then each route's
 * latency to lat (either may be NULL; buckets are not cumulative).  A
 * callback's non-zero return stops the walk and is returned. */
int pake_counters_http_each(pake_counters *k, pake_counters_req_cb req,
    pake_counters_lat_cb lat, void *arg);

/* Requests by minute, the last PAKE_COUNTERS_MINUTES (34 hours): count
 * one request answered with status in us microseconds in the minute of
 * now_ms.  0, or PAKE_EINVAL for a status or a time out of range. */
#define PAKE_COUNTERS_MINUTES	2048
int pake_counters_minute(pake_counters *k, int64_t now_ms, int status,
    uint64_t us);
/* Each minute from_ms..to_ms that counted a request: its start (ms), the
 * requests, the 5xx answers among them and the microseconds they took
 * in all, in no order.  A callback's non-zero return stops the walk. */
typedef int (*pake_counters_minute_cb)(void *arg, int64_t minute_ms,
    uint64_t requests, uint64_t errors, uint64_t us);
int pake_counters_minutes(pake_counters *k, int64_t from_ms, int64_t to_ms,
    pake_counters_minute_cb cb, void *arg);
/* How far back the minutes reach, in ms. */
int64_t pake_counters_minutes_kept(void);

/* Flushing slow facts to the database, at most once per interval for the
 * whole machine.  flush_begin returns 1 when this caller won the right to
 * flush now (a CAS on the file's next-flush time), else 0: never on the
 * very first call after the file is created (that call only schedules the
 * first flush interval_ms later), and also 1 when the stored next time is
 * more than 2 * interval_ms in the future (the clock went back, or a test
 * injected a future time).  interval_ms must be 1..7 days. */
int pake_counters_flush_begin(pake_counters *k, int64_t now_ms,
    int64_t interval_ms);

enum { PAKE_COUNTERS_USAGE = 1, PAKE_COUNTERS_TOUCH = 2 };
typedef struct pake_counters_rec {
	int kind;		/* PAKE_COUNTERS_USAGE or PAKE_COUNTERS_TOUCH */
	int64_t id;		/* tenant id or token id */
	int64_t day;		/* USAGE: the day */
	int64_t value;		/* USAGE: calls that day; TOUCH: last-use ms */
	uint32_t slot;		/* internal */
} pake_counters_rec;

/* Fill recs (up to max) with what changed since the last mark: each
 * tenant's count of its current day, and of the previous day when the
 * entry moved on before that day's final count was marked; each token's
 * last-use time.  Values are absolute: store them with max() (two flushes
 * may overlap).  Returns how many were filled; when that is max, more may
 * be dirty: call again after mark. */
size_t pake_counters_dirty(pake_counters *k, pake_counters_rec *recs,
    size_t max);
/* Record recs[0..n) as stored in the database.  A failed commit simply
 * does not mark, so the next flush offers them again.  Marks never move
 * backwards: a max per tenant and day, and per token (unless the clock went
 * back more than ten minutes). */
void pake_counters_mark(pake_counters *k, const pake_counters_rec *recs,
    size_t n);

#endif
