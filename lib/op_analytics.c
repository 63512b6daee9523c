/*
 * op_analytics.c: the analytics as operations (issue 14, item 2; the
 * computations are in lib/analytics.c and lib/analytics_usage.c):
 * SEED-API §3.2's ml_* from the search log, and the analytics_* of §4
 * from real data.  All read; none writes.
 */
#include "pake/analytics.h"
#include "pake/op.h"
#include "pake/ops.h"

#define NO_INPUT "{\"type\":\"object\",\"additionalProperties\":false," \
	"\"properties\":{}}"
#define S_RANGE "\"time_range\":{\"type\":\"string\",\"maxLength\":8," \
	"\"description\":\"<N>h (1 to 8760) or <N>d (1 to 365)\"}"
#define RANGE_ONLY "{\"type\":\"object\",\"additionalProperties\":false," \
	"\"properties\":{" S_RANGE "}}"
#define ANY_OUT "{\"type\":\"object\"}"
#define HINTS (PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT)

#define ML_OP(sym, name, title, desc, which) \
	static int \
	run_##sym(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e) \
	{ \
		(void)in; \
		return pake_ml(c, which, out, e); \
	} \
	const pake_op pake_op_##sym = { name, title, desc, NO_INPUT, \
		ANY_OUT, PAKE_P_SEARCH_READ, HINTS, run_##sym, NULL }

#define AN_OP(sym, name, title, desc, schema, which) \
	static int \
	run_##sym(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e) \
	{ \
		return pake_analytics(c, which, in, out, e); \
	} \
	const pake_op pake_op_##sym = { name, title, desc, schema, ANY_OUT, \
		PAKE_P_SEARCH_READ, HINTS, run_##sym, NULL }

ML_OP(ml_metrics, "ml_metrics", "Search metrics of today",
    "Today's searches (UTC): how many, mean time, the share that found "
    "something, trending topics, knowledge gaps (words of searches that "
    "found nothing), productivity, diversity and focus areas, with the "
    "summaries pake wrote.", PAKE_ML_METRICS);
ML_OP(ml_patterns, "ml_patterns", "Search patterns",
    "Topics searched together across sessions, peak hours and the "
    "preferred source, from the whole search log.", PAKE_ML_PATTERNS);
ML_OP(ml_insights, "ml_insights", "Search insights",
    "Research gaps, trending topics, deep dives and related areas drawn "
    "from the search log.", PAKE_ML_INSIGHTS);
ML_OP(ml_knowledge_graph, "ml_knowledge_graph", "Graph of the searches",
    "Topics, recent queries, sessions and insights of the search log as a "
    "graph of at most 30 nodes, with its statistics.", PAKE_ML_GRAPH);
ML_OP(ml_dashboard, "ml_dashboard", "Search analytics in one answer",
    "ml_metrics, ml_patterns, ml_insights, the sessions begun in the last "
    "24 hours and ml_knowledge_graph together.", PAKE_ML_DASHBOARD);

AN_OP(analytics_dashboard, "analytics_dashboard", "Analytics dashboard",
    "Search volume, time and zero-result trends, usage, top and failing "
    "queries, correlations, recent activity and health over time_range "
    "(1h, 24h, 7d or 30d); a figure pake has no data for is null with the "
    "reason under absent.",
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    "\"time_range\":{\"enum\":[\"1h\",\"24h\",\"7d\",\"30d\"]},"
    "\"metric_types\":{\"type\":\"string\",\"maxLength\":200,"
    "\"description\":\"accepted and ignored, as in Python\"}}}",
    PAKE_AN_DASHBOARD);
AN_OP(analytics_time_series, "analytics_time_series", "A metric over time",
    "search_queries, zero_result_searches, response_time (mean ms), "
    "success_rate (% that found something) or sessions (begun) per "
    "minute, hour or day over time_range; a bucket with nothing to average "
    "is null.",
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    "\"metric\":{\"type\":\"string\",\"maxLength\":40}," S_RANGE ","
    "\"granularity\":{\"enum\":[\"minute\",\"hour\",\"day\"]}}}",
    PAKE_AN_SERIES);
AN_OP(analytics_correlations, "analytics_correlations",
    "Correlations between metrics",
    "Pearson's r between the hourly series of two or more metrics over "
    "time_range (default 7d), with Student's two-sided p-value.",
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    "\"metrics\":{\"type\":\"string\",\"maxLength\":200,\"description\":"
    "\"comma-separated metric names\"}," S_RANGE "}}",
    PAKE_AN_CORRELATIONS);
AN_OP(analytics_activity, "analytics_activity", "Recent searches",
    "The newest 100 searches of the last 7 days as activity: query, "
    "results, time taken, who, front, mode.", NO_INPUT, PAKE_AN_ACTIVITY);
AN_OP(analytics_report, "analytics_report", "Analytics report",
    "Health, trends, usage, anomalies, correlations, insights and "
    "recommendations over time_range in one report.",
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    S_RANGE ",\"include_predictions\":{\"enum\":[\"true\",\"false\","
    "\"1\",\"0\"]},\"include_recommendations\":{\"enum\":[\"true\","
    "\"false\",\"1\",\"0\"]}}}", PAKE_AN_REPORT);
AN_OP(analytics_health, "analytics_health", "System health",
    "The health checks as scores, failing ones as critical issues with "
    "what to do; HTTP figures for operators.", RANGE_ONLY, PAKE_AN_HEALTH);
AN_OP(analytics_insights, "analytics_insights", "Insights",
    "Search insights, anomalies and failing health checks, filtered by "
    "priority.",
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    S_RANGE ",\"priority\":{\"enum\":[\"all\",\"critical\",\"high\","
    "\"medium\",\"low\"]}}}", PAKE_AN_INSIGHTS);
AN_OP(analytics_anomalies, "analytics_anomalies", "Anomalies",
    "Hours of time_range whose searches, zero-result searches or time "
    "taken deviate from the 14 days before (modified z-score over 3.5).",
    RANGE_ONLY, PAKE_AN_ANOMALIES);
AN_OP(analytics_usage, "analytics_usage", "Usage patterns",
    "Searches by hour of the week, peak hours, fronts, modes, sources, "
    "user segments and engagement over time_range (default 7d).",
    RANGE_ONLY, PAKE_AN_USAGE);
