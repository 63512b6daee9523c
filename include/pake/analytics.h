/*
 * analytics.h: what a tenant's searches say (issue 14, item 2): SEED-API
 * §3's /ml/... derivations from the search log, with its bugs fixed, and
 * the /analytics/... figures the Python system drew at random, computed
 * from real data or absent with the reason (lib/analytics.c,
 * lib/analytics_usage.c; ARCHITECTURE.md §18).
 *
 * Every function reads (the search log, spooled lines included; the
 * summary log; the health checks; the graph's size) and writes nothing.
 * Each answers a JSON object in the route's shape; *out is set on success
 * only.  range is "<N>h" or "<N>d" (NULL: the route's default).
 */
#ifndef PAKE_ANALYTICS_H
#define PAKE_ANALYTICS_H

#include <cjson/cJSON.h>
#include "ctx.h"

enum pake_ml {
	PAKE_ML_METRICS, PAKE_ML_PATTERNS, PAKE_ML_INSIGHTS, PAKE_ML_GRAPH,
	PAKE_ML_DASHBOARD,
};
int pake_ml(pake_ctx *c, int which, cJSON **out, pake_err *e);

/* The /analytics/... routes; in is the route's query as an object of
 * strings (time_range, metric, granularity, metrics, priority,
 * include_predictions, include_recommendations, metric_types). */
enum pake_analytics {
	PAKE_AN_DASHBOARD, PAKE_AN_SERIES, PAKE_AN_CORRELATIONS,
	PAKE_AN_ACTIVITY, PAKE_AN_REPORT, PAKE_AN_HEALTH, PAKE_AN_INSIGHTS,
	PAKE_AN_ANOMALIES, PAKE_AN_USAGE,
};
int pake_analytics(pake_ctx *c, int which, const cJSON *in, cJSON **out,
    pake_err *e);

#endif
