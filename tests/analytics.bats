#!/usr/bin/env bats
# analytics.bats: what the searches say (issue 14, item 2; lib/analytics.c,
# lib/analytics_usage.c, pake-analytics): a scripted sequence of searches
# gives exact counts, zero-result lists and sessions; the /ml and
# /analytics routes answer from that log over HTTP, refuse bad ranges and
# metrics, and write nothing; anomalies are found against the tenant's
# own history and not claimed without one; another tenant's searches
# never show.

bats_require_minimum_version 1.5.0
load helpers

PW='Str0ng-Passw0rd!'
load http_helpers

# Monday 30 November 2026, 09:00 UTC, in ms.
T0=1796029200000
MIN=60000

setup() {
	pake_setup
	require_tool pake-search pake-note pake-op pake-analytics pake-http
}

teardown() {
	stop_servers 2>/dev/null || true
}

db_sums() {
	find "$(dirname "$PAKE_DB")" -type f \( -name '*.db' -o -name '*.db-wal' -o \
	    -name "$(basename "$PAKE_DB")" -o -name "$(basename "$PAKE_DB")-wal" \) -print0 |
	    LC_ALL=C sort -z | xargs -0 sha1sum
}

# The scripted day: six searches by the owner, two sessions (the fifth
# comes 40 minutes after the first), three that find nothing.
script_day() {
	at $((T0 - 60 * MIN)) pake-note add --title "Routing tables" <<<'how routing tables work' >/dev/null
	at $((T0 - 59 * MIN)) pake-note add --title "Graph theory" <<<'vertices and edges' >/dev/null
	at $((T0 + 0 * MIN)) pake-search --ids routing >/dev/null
	at $((T0 + 5 * MIN)) pake-search --ids "quantum foam" >/dev/null
	at $((T0 + 10 * MIN)) pake-search --ids "graph theory" >/dev/null
	at $((T0 + 12 * MIN)) pake-search --ids "quantum foam" >/dev/null
	at $((T0 + 40 * MIN)) pake-search --ids "zebra migration" >/dev/null
	at $((T0 + 45 * MIN)) pake-search --ids routing >/dev/null
}

@test "a scripted sequence of searches gives exact counts, zero-result lists and sessions; reading writes nothing" {
	script_day
	local now=$((T0 + 50 * MIN)) before
	before=$(db_sums)
	# Read before any write folds the spool: spooled searches count.
	at $now pake-op ml_metrics <<<'{}' >"$T/m.json"
	json_check '.metrics |
	    .total_searches_today == 6 and .success_rate == 50 and
	    .active_research_sessions == 1 and
	    .knowledge_gaps == ["quantum", "foam", "zebra", "migration"] and
	    .trending_topics == [["routing", 2], ["quantum", 2], ["foam", 2],
	        ["graph", 1], ["theory", 1], ["zebra", 1], ["migration", 1]] and
	    (.avg_response_time_ms | type) == "number" and
	    .total_content_analyzed == 0 and .avg_compression_ratio == null and
	    (.absent.avg_compression_ratio | length) > 0' <"$T/m.json"
	at $now pake-op ml_dashboard <<<'{}' >"$T/d.json"
	json_check '.dashboard_data.recent_sessions |
	    length == 2 and
	    .[0].queries == ["routing", "quantum foam", "graph theory", "quantum foam"] and
	    .[0].total_results == 2 and .[0].session_duration_minutes == 12 and
	    .[0].end_time != null and
	    .[1].queries == ["zebra migration", "routing"] and .[1].end_time == null and
	    .[0].dominant_topics[0:2] == ["quantum", "foam"]' <"$T/d.json"
	json_check '.dashboard_data.system_status.total_searches_logged == 6' <"$T/d.json"
	at $now pake-op analytics_dashboard <<<'{"time_range":"24h"}' >"$T/a.json"
	json_check '.dashboard_data.usage_analytics |
	    .total_searches == 6 and .unique_users == 1 and
	    .zero_result_queries == [
	        {"query": "quantum foam", "count": 2, "zero_results": 2,
	         "avg_response_time": .zero_result_queries[0].avg_response_time},
	        {"query": "zebra migration", "count": 1, "zero_results": 1,
	         "avg_response_time": .zero_result_queries[1].avg_response_time}] and
	    .popular_queries[0:2] == ["routing", "quantum foam"] and
	    .search_patterns.peak_hour == 9 and .search_patterns.busiest_day == "Monday" and
	    .search_patterns.avg_queries_per_session == 3' <"$T/a.json"
	at $now pake-op analytics_time_series <<<'{"metric":"zero_result_searches","time_range":"2h"}' >"$T/s.json"
	json_check '[.time_series[].value] == [0, 0, 3] and .granularity == "hour" and
	    .time_series[2].timestamp == "2026-11-30T09:00:00.000Z"' <"$T/s.json"
	at $now pake-op analytics_time_series <<<'{"metric":"sessions","time_range":"1h","granularity":"minute"}' >"$T/s.json"
	json_check '([.time_series[].value] | add) == 2 and
	    (.time_series | map(select(.value == 1)) | map(.timestamp)) ==
	        ["2026-11-30T09:00:00.000Z", "2026-11-30T09:40:00.000Z"]' <"$T/s.json"
	at $now pake-op analytics_usage <<<'{"time_range":"7d"}' >"$T/u.json"
	json_check '.usage_analysis.usage_patterns |
	    .hour_of_week[0][9] == 6 and ([.hour_of_week[][]] | add) == 6 and
	    .usage_distribution == {"pake-search": 6} and .peak_hours == [9] and
	    .engagement_metrics.sessions == 2' <"$T/u.json"
	# The graph: the newest query weighs most (SEED-API's inverted
	# recency fixed): "routing" (newest, 1 hit) over "zebra migration".
	at $now pake-op ml_knowledge_graph <<<'{}' >"$T/g.json"
	json_check '.knowledge_graph.graph_data.nodes |
	    (map(select(.type == "query")) | map({(.label): .weight}) | add) as $w |
	    $w.routing == 1.1 and $w["zebra migration"] == 0.9 and
	    $w["quantum foam"] == 0.8 and
	    (map(select(.type == "topic")) | map(.id) | sort) == ["topic_foam", "topic_quantum", "topic_routing"]' <"$T/g.json"
	[ "$(db_sums)" = "$before" ] || fail "reading the analytics wrote a database file"
	# Folded by a write, the same answers.
	at $now pake-op search_log_flush <<<'{}' >/dev/null
	at $now pake-op ml_dashboard <<<'{}' | json_check '
	    [.dashboard_data.recent_sessions[].queries | length] == [4, 2]'
	at $now pake-op ml_metrics <<<'{}' | json_check '.metrics.total_searches_today == 6'
	# The terminal tool prints the same figures.
	at $now pake-analytics metrics >"$T/out"
	grep -q '^  total_searches_today: 6$' "$T/out" || fail "$(cat "$T/out")"
	grep -q '^  knowledge_gaps: quantum, foam, zebra, migration$' "$T/out" || fail "$(cat "$T/out")"
	grep -q 'avg_compression_ratio: -  (no summary written yet' "$T/out" || fail "$(cat "$T/out")"
	at $now pake-analytics usage --range 7d >"$T/out"
	grep -q '^Mon    \.  \.  \.  \.  \.  \.  \.  \.  \.  6  \.' "$T/out" || fail "$(cat "$T/out")"
}

@test "two actors over HTTP and the CLI: sessions per actor, every route answers, bad ranges and metrics are refused" {
	printf 'routing tables\n' | pake-note add --title "Routing" >/dev/null
	http_setup
	mkuser default user uma
	mkuser default viewer vic
	tok=$(mktoken default uma)
	vtok=$(mktoken default vic)
	serve no
	pake-search --ids routing >/dev/null
	pake-search --ids nothinghere >/dev/null
	curl -sf "$(auth "$tok")" "$URL/notes?q=routing" >/dev/null
	curl -sf "$(auth "$tok")" -H 'Content-Type: application/json' \
	    -d '{"query":"tables","sources":["vault"]}' "$URL/search" >/dev/null
	hreq "$(auth "$vtok")" "$URL/ml/dashboard"
	expect 200
	printf '%s' "$BODY" | json_check '.success == true and
	    (.dashboard_data.recent_sessions | length) == 2 and
	    (.dashboard_data.recent_sessions | map(.queries | length) | sort) == [2, 2] and
	    (.dashboard_data.recent_sessions | map(.actor) | unique | length) == 2'
	for r in /ml/metrics /ml/patterns /ml/insights /ml/knowledge-graph \
	    '/analytics/enhanced-dashboard?time_range=7d' \
	    '/analytics/time-series?metric=search_queries&time_range=24h&granularity=hour' \
	    '/analytics/correlations?metrics=search_queries,zero_result_searches' \
	    /analytics/real-time-activity /analytics/comprehensive-report \
	    /analytics/system-health '/analytics/insights?priority=high' \
	    /analytics/anomalies /analytics/usage-patterns; do
		hreq "$(auth "$vtok")" "$URL$r"
		[ "$STATUS" = 200 ] || fail "$r: $STATUS $BODY"
	done
	hreq "$(auth "$vtok")" "$URL/analytics/enhanced-dashboard"
	printf '%s' "$BODY" | json_check '.dashboard_data |
	    .usage_analytics.total_searches == 4 and .usage_analytics.unique_users == 2 and
	    .source_distribution == {"vault": 4} and
	    .usage_analytics.zero_result_queries[0].query == "nothinghere" and
	    .real_time_activity[0].query == "tables" and
	    .performance_metrics.server == null and
	    (.performance_metrics.absent.server | test("operators")) and
	    .performance_metrics.throughput == null and
	    (.performance_metrics.absent.throughput | test("operators")) and
	    .system_health.components.database == 100'
	# The dashboard names itself: its searches are the dashboard's.
	curl -sf "$(auth "$vtok")" -H 'X-Pake-Client: dashboard' "$URL/notes?q=tables" >/dev/null
	hreq "$(auth "$vtok")" "$URL/analytics/real-time-activity"
	printf '%s' "$BODY" | json_check '(.activity | length) == 5 and
	    (.activity | map(.metadata.front) | sort) ==
	        ["dashboard", "pake-http", "pake-http", "pake-search", "pake-search"]'
	# An operator sees the server's HTTP figures.
	mkuser default super_admin sam
	hreq "$(auth "$(mktoken default sam)")" "$URL/analytics/system-health"
	printf '%s' "$BODY" | json_check '.system_health.server |
	    .requests_total >= 15 and .errors_5xx == 0 and .error_rate == 0 and
	    (.latency_ms_at_most.p50 | type) == "number"'
	# Request rates by minute (the counters' minutes), for operators.
	stok=$(mktoken default sam)
	hreq "$(auth "$stok")" "$URL/analytics/time-series?metric=requests&time_range=1h&granularity=minute"
	expect 200
	printf '%s' "$BODY" | json_check '.metric == "requests" and
	    (.time_series | length) == 61 and ([.time_series[].value] | add) >= 15 and
	    all(.time_series[]; .value != null)'
	hreq "$(auth "$stok")" "$URL/analytics/time-series?metric=error_rate&time_range=2h"
	printf '%s' "$BODY" | json_check '.time_series[-1].value == 0'
	hreq "$(auth "$stok")" "$URL/analytics/time-series?metric=request_time&time_range=3d&granularity=day"
	printf '%s' "$BODY" | json_check '.time_series[0].value == null and
	    (.absent.before | test("34 hours")) and (.time_series[-1].value | type) == "number"'
	hreq "$(auth "$stok")" "$URL/analytics/enhanced-dashboard?time_range=1h"
	printf '%s' "$BODY" | json_check '.dashboard_data.performance_metrics |
	    (.throughput.current | type) == "number" and (.error_rate.time_series | length) == 48'
	hreq "$(auth "$vtok")" "$URL/analytics/time-series?metric=throughput"
	expect 403
	envelope forbidden
	# Bad input: a clear 400 naming the parameter, nothing invented.
	for q in 'time-series?time_range=5x' 'time-series?granularity=week' \
	    'time-series?metric=user_satisfaction' 'time-series?metric=search_queries&time_range=365d&granularity=minute' \
	    'insights?priority=urgent' 'enhanced-dashboard?time_range=2h' \
	    'correlations?metrics=search_queries' 'comprehensive-report?include_predictions=maybe'; do
		hreq "$(auth "$vtok")" "$URL/analytics/$q"
		[ "$STATUS" = 400 ] || fail "$q: $STATUS $BODY"
		envelope invalid_params
	done
	hreq "$(auth "$vtok")" "$URL/analytics/time-series?metric=user_satisfaction"
	printf '%s' "$BODY" | json_check '.error.detail | test("no data for user_satisfaction")'
	hreq "$URL/ml/metrics"
	expect 401
}

@test "an hour far above the tenant's own history is an anomaly; without history none is claimed" {
	local h i now
	printf 'x\n' | pake-note add --title "Seed" >/dev/null
	# Nothing before: no baseline, no anomaly claimed.
	pake-search --ids quiet >/dev/null
	pake-op analytics_anomalies <<<'{}' | json_check '
	    .anomaly_detection.anomalies_detected == 0 and
	    (.anomaly_detection.absent.baseline_sufficient | test("fewer than 24 hours"))'
	# 30 hours with one search each over the 14 days before, then 12
	# searches in one hour of the range.
	for ((h = 0; h < 30; h++)); do
		at $((T0 - (13 * 24 - h * 9) * 60 * MIN)) pake-search --ids "steady $h" >/dev/null
	done
	for ((i = 0; i < 12; i++)); do
		at $((T0 + i * MIN)) pake-search --ids "burst $i" >/dev/null
	done
	now=$((T0 + 3 * 60 * MIN))
	at $now pake-op analytics_anomalies <<<'{"time_range":"24h"}' >"$T/a.json"
	json_check '.anomaly_detection |
	    .baseline.hours_with_searches == 30 and
	    (.anomalies | map(select(.metric == "search_queries"))) as $a |
	    ($a | length) == 1 and $a[0].type == "spike" and $a[0].severity == "high" and
	    $a[0].timestamp == "2026-11-30T09:00:00.000Z" and $a[0].value == 12 and
	    $a[0].baseline_median == 0' <"$T/a.json"
	at $now pake-op analytics_insights <<<'{"priority":"high"}' | json_check '
	    any(.insights[]; .category == "anomaly" and (.description | test("search_queries was 12")))'
}

@test "another tenant's searches never show in a tenant's analytics" {
	pake-tenant tenant create other --plan professional >/dev/null
	printf 'x\n' | pake-note add --title "Mine" >/dev/null
	pake-search --ids mine >/dev/null
	for i in 1 2 3; do pake-search --tenant other --ids "theirs $i" >/dev/null; done
	pake-op ml_metrics <<<'{}' | json_check '.metrics.total_searches_today == 1 and
	    .metrics.trending_topics == [["mine", 1]]'
	pake-op analytics_activity <<<'{}' | json_check '[.activity[].query] == ["mine"]'
	pake-op --tenant other analytics_activity <<<'{}' | json_check '(.activity | length) == 3'
	# Queries are counted whole: two that share their first 40 bytes
	# are two queries.
	for q in "the routing of packets across the backbone, first" \
	    "the routing of packets across the backbone, second" \
	    "the routing of packets across the backbone, second"; do
		pake-search --ids "$q" >/dev/null || true
	done
	pake-op analytics_dashboard <<<'{}' | json_check '.dashboard_data.top_queries[0:2] == [
	    {"query": "the routing of packets across the backbone, second", "count": 2,
	     "zero_results": 2, "avg_response_time": .dashboard_data.top_queries[0].avg_response_time},
	    {"query": "mine", "count": 1, "zero_results": 0,
	     "avg_response_time": .dashboard_data.top_queries[1].avg_response_time}] and
	    (.dashboard_data.top_queries | map(select(.query | endswith("first"))) | .[0].count) == 1'
}
