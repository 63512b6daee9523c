/*
 * pake-analytics: what the tenant's searches say, on a terminal (issue
 * 14): the same operations as GET /ml/... and /analytics/..., printed for
 * people (--json: the operation's answer as the API gives it).
 *
 *   pake-analytics metrics | patterns | insights | graph | dashboard
 *   pake-analytics trends [--range R]
 *   pake-analytics series METRIC [--range R] [--granularity G]
 *   pake-analytics correlations [--metrics A,B,...] [--range R]
 *   pake-analytics activity | health | log [--limit N]
 *   pake-analytics anomalies [--range R]
 *   pake-analytics usage [--range R]
 *   pake-analytics report [--range R] [--no-recommendations]
 *   pake-analytics alerts [--priority P] [--range R]
 *
 * See pake-analytics(1).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/cli.h"
#include "pake/util.h"

static const char usage[] =
"usage: pake-analytics COMMAND [options]\n"
"\n"
"What the tenant's searches say (every search from every front is in the\n"
"search log).  From SEED-API's /ml routes:\n"
"  metrics        today's searches: count, mean time, share that found\n"
"                 something, trending topics, knowledge gaps, focus\n"
"  patterns       topics searched together, peak hours, preferred source\n"
"  insights       research gaps, trends, deep dives, related areas\n"
"  graph          topics, queries, sessions and insights as a graph\n"
"  dashboard      all of the above and the last day's sessions (--json)\n"
"From the /analytics routes, over --range R (<N>h or <N>d):\n"
"  trends         volume, time and zero-result trends, top and failing\n"
"                 queries (R: 1h, 24h, 7d or 30d; default 24h)\n"
"  series METRIC  search_queries, zero_result_searches, response_time,\n"
"                 success_rate or sessions per --granularity minute,\n"
"                 hour (default) or day (default range 24h)\n"
"  correlations   Pearson's r between hourly series (--metrics A,B,...;\n"
"                 default range 7d)\n"
"  activity       the newest searches\n"
"  anomalies      hours that deviate from the 14 days before\n"
"  usage          searches by hour of the week, fronts, modes, users\n"
"                 (default range 7d)\n"
"  alerts         insights, anomalies and failing checks (--priority\n"
"                 all|critical|high|medium|low)\n"
"  health         the health checks as scores\n"
"  report         all of it in one report (--no-recommendations)\n"
"  log            the search log itself (--limit N, default 20)\n"
"A figure pake has no data for is printed as \"-\" with the reason.\n"
"--json prints the operation's answer.  Common flags: --db PATH --vault\n"
"DIR --tenant T --config FILE --log-level L --set KEY=VALUE.\n";

enum { O_RANGE = 1, O_GRAN, O_METRICS, O_PRIO, O_NOREC, O_LIMIT };

static const struct option longopts[] = {
	{"range", required_argument, NULL, O_RANGE},
	{"granularity", required_argument, NULL, O_GRAN},
	{"metrics", required_argument, NULL, O_METRICS},
	{"priority", required_argument, NULL, O_PRIO},
	{"no-recommendations", no_argument, NULL, O_NOREC},
	{"limit", required_argument, NULL, O_LIMIT},
	{NULL, 0, NULL, 0},
};

static const struct {
	const char *cmd, *op;
} cmds[] = {
	{"metrics", "ml_metrics"}, {"patterns", "ml_patterns"},
	{"insights", "ml_insights"}, {"graph", "ml_knowledge_graph"},
	{"dashboard", "ml_dashboard"}, {"trends", "analytics_dashboard"},
	{"series", "analytics_time_series"},
	{"correlations", "analytics_correlations"},
	{"activity", "analytics_activity"}, {"anomalies", "analytics_anomalies"},
	{"usage", "analytics_usage"}, {"alerts", "analytics_insights"},
	{"health", "analytics_health"}, {"report", "analytics_report"},
	{"log", "search_log"},
};

static const cJSON *
get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* A scalar as text; null is "-" and, when the object says why, the
 * reason. */
static void
put_value(const cJSON *parent, const char *key, const cJSON *v)
{
	const cJSON *why = get(get(parent, "absent"), key);

	if ((v == NULL || cJSON_IsNull(v)) && cJSON_IsString(why))
		printf("-  (%s)", why->valuestring);
	else if (v == NULL || cJSON_IsNull(v))
		printf("-");
	else if (cJSON_IsString(v))
		printf("%s", v->valuestring);
	else if (cJSON_IsBool(v))
		printf("%s", cJSON_IsTrue(v) ? "yes" : "no");
	else if (cJSON_IsNumber(v))
		printf("%.10g", v->valuedouble);
	if (cJSON_IsString(why) && v && !cJSON_IsNull(v) &&
	    !cJSON_IsObject(v))
		printf("  (%s)", why->valuestring);
}

/* trends on a terminal: the trends without their 48 points, the ten
 * newest searches. */
static void
trim_trends(cJSON *out)
{
	cJSON *d = cJSON_GetObjectItemCaseSensitive(out, "dashboard_data");
	cJSON *pm = cJSON_GetObjectItemCaseSensitive(d, "performance_metrics");
	cJSON *a = cJSON_GetObjectItemCaseSensitive(d, "real_time_activity");
	cJSON *it;

	cJSON_ArrayForEach(it, pm)
		cJSON_DeleteItemFromObjectCaseSensitive(it, "time_series");
	while (cJSON_GetArraySize(a) > 10)
		cJSON_DeleteItemFromArray(a, 10);
}

static int
all_scalars(const cJSON *a)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, a)
		if (cJSON_IsObject(it) || cJSON_IsArray(it))
			return 0;
	return 1;
}

/* Any answer, indented: "key: value" lines, lists of scalars on one line,
 * lists of objects a block each. */
static void
show(const cJSON *o, int depth)
{
	const cJSON *it, *x;
	int n;

	cJSON_ArrayForEach(it, o) {
		if (it->string && (strcmp(it->string, "absent") == 0 ||
		    strcmp(it->string, "success") == 0))
			continue;
		printf("%*s", depth * 2, "");
		if (it->string)
			printf("%s: ", it->string);
		if (cJSON_IsObject(it)) {
			printf("\n");
			show(it, depth + 1);
		} else if (cJSON_IsArray(it) && all_scalars(it)) {
			n = 0;
			cJSON_ArrayForEach(x, it) {
				printf("%s", n++ ? ", " : "");
				put_value(NULL, NULL, x);
			}
			printf("%s\n", n ? "" : "(none)");
		} else if (cJSON_IsArray(it)) {
			printf("%s\n", cJSON_GetArraySize(it) ? "" : "(none)");
			n = 0;
			cJSON_ArrayForEach(x, it) {
				if (cJSON_IsArray(x) && all_scalars(x)) {
					const cJSON *y;
					int m = 0;

					printf("%*s", depth * 2 + 2, "");
					cJSON_ArrayForEach(y, x) {
						printf("%s", m++ ? "  " : "");
						put_value(NULL, NULL, y);
					}
					printf("\n");
				} else {
					printf("%*s- %d\n", depth * 2 + 2, "",
					    ++n);
					show(x, depth + 2);
				}
			}
		} else {
			put_value(o, it->string, it);
			printf("\n");
		}
	}
	/* Figures absent without a key of their own in the walk above. */
	cJSON_ArrayForEach(it, get(o, "absent"))
		if (get(o, it->string) == NULL)
			printf("%*s%s: -  (%s)\n", depth * 2, "", it->string,
			    cJSON_GetStringValue(it));
}

/* A series as a bar per point. */
static void
show_series(const cJSON *out)
{
	const cJSON *it, *v;
	double max = 0;

	cJSON_ArrayForEach(it, get(out, "time_series"))
		if (cJSON_IsNumber(v = get(it, "value")))
			max = fmax(max, v->valuedouble);
	printf("%s per %s over %s\n", cJSON_GetStringValue(get(out, "metric")),
	    cJSON_GetStringValue(get(out, "granularity")),
	    cJSON_GetStringValue(get(out, "time_range")));
	cJSON_ArrayForEach(it, get(out, "time_series")) {
		int bar = 0;

		v = get(it, "value");
		if (cJSON_IsNumber(v) && max > 0)
			bar = (int)lround(v->valuedouble / max * 40);
		printf("%s ", cJSON_GetStringValue(get(it, "timestamp")));
		if (cJSON_IsNumber(v))
			printf("%10.6g ", v->valuedouble);
		else
			printf("%10s ", "-");
		printf("%.*s\n", bar, "########################################");
	}
}

/* The hour-of-week grid: a row a day, a column an hour. */
static void
show_usage(const cJSON *out)
{
	static const char *const day[7] = {"Mon", "Tue", "Wed", "Thu", "Fri",
		"Sat", "Sun"};
	const cJSON *u = get(get(out, "usage_analysis"), "usage_patterns");
	const cJSON *row, *c;
	int d = 0, h;
	cJSON *rest;

	printf("searches by hour of the week (UTC)\n     ");
	for (h = 0; h < 24; h++)
		printf("%3d", h);
	printf("\n");
	cJSON_ArrayForEach(row, get(u, "hour_of_week")) {
		printf("%s  ", d < 7 ? day[d] : "?");
		d++;
		cJSON_ArrayForEach(c, row)
			if (c->valuedouble > 0)
				printf("%3.0f", c->valuedouble);
			else
				printf("  .");
		printf("\n");
	}
	rest = cJSON_Duplicate(u, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(rest, "hour_of_week");
	cJSON_DeleteItemFromObjectCaseSensitive(rest, "hour_of_week_note");
	show(rest, 0);
	cJSON_Delete(rest);
}

static void
show_log(const cJSON *out)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, get(out, "searches"))
		printf("%s  %-11s %5.0f hits %8.2f ms  %s\n",
		    cJSON_GetStringValue(get(it, "time")),
		    cJSON_GetStringValue(get(it, "front")),
		    cJSON_GetNumberValue(get(it, "hits")),
		    cJSON_GetNumberValue(get(it, "ms")),
		    cJSON_GetStringValue(get(it, "query")));
	printf("%.0f searches in the log\n", cJSON_GetNumberValue(get(out,
	    "total")));
}

int
main(int argc, char **argv)
{
	const char *range = NULL, *gran = NULL, *metrics = NULL, *prio = NULL;
	const char *cmd, *op = NULL;
	int c, norec = 0;
	long limit = 20;
	pake_cli cli;
	cJSON *in, *out;
	size_t i;

	pake_cli_init(&cli, "pake-analytics", usage, &argc, argv);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_RANGE:
			range = optarg;
			break;
		case O_GRAN:
			gran = optarg;
			break;
		case O_METRICS:
			metrics = optarg;
			break;
		case O_PRIO:
			prio = optarg;
			break;
		case O_NOREC:
			norec = 1;
			break;
		case O_LIMIT:
			limit = pake_cli_long(&cli, "--limit", optarg, 1, 10000);
			break;
		default:
			pake_cli_usage(&cli, "unknown option");
		}
	}
	if (optind >= argc)
		pake_cli_usage(&cli, "a command is needed");
	cmd = argv[optind++];
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(cmds[i].cmd, cmd) == 0)
			op = cmds[i].op;
	if (op == NULL)
		pake_cli_usage(&cli, "unknown command '%s'", cmd);
	in = cJSON_CreateObject();
	if (strcmp(cmd, "series") == 0) {
		if (optind >= argc)
			pake_cli_usage(&cli, "series needs a METRIC");
		cJSON_AddStringToObject(in, "metric", argv[optind++]);
		if (gran)
			cJSON_AddStringToObject(in, "granularity", gran);
	} else if (gran) {
		pake_cli_usage(&cli, "--granularity is for series");
	}
	if (optind < argc)
		pake_cli_usage(&cli, "unexpected argument '%s'", argv[optind]);
	if (range) {
		if (strncmp(op, "ml_", 3) == 0 || strcmp(cmd, "activity") == 0 ||
		    strcmp(cmd, "log") == 0)
			pake_cli_usage(&cli, "--range is not for %s", cmd);
		cJSON_AddStringToObject(in, "time_range", range);
	}
	if (metrics) {
		if (strcmp(cmd, "correlations") != 0)
			pake_cli_usage(&cli, "--metrics is for correlations");
		cJSON_AddStringToObject(in, "metrics", metrics);
	}
	if (prio) {
		if (strcmp(cmd, "alerts") != 0)
			pake_cli_usage(&cli, "--priority is for alerts");
		cJSON_AddStringToObject(in, "priority", prio);
	}
	if (norec) {
		if (strcmp(cmd, "report") != 0)
			pake_cli_usage(&cli, "--no-recommendations is for report");
		cJSON_AddStringToObject(in, "include_recommendations", "false");
	}
	if (strcmp(cmd, "log") == 0)
		cJSON_AddNumberToObject(in, "limit", (double)limit);
	pake_cli_open(&cli);
	out = pake_cli_call(&cli, op, in);
	if (cli.json)
		pake_cli_print_json(out);
	else if (strcmp(cmd, "series") == 0)
		show_series(out);
	else if (strcmp(cmd, "usage") == 0)
		show_usage(out);
	else if (strcmp(cmd, "log") == 0)
		show_log(out);
	else {
		if (strcmp(cmd, "trends") == 0)
			trim_trends(out);
		show(out, 0);
	}
	cJSON_Delete(out);
	return pake_cli_done(&cli);
}
