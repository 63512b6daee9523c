/*
 * analytics.c: what reading the search log costs (issue 14): folding a
 * month of searches into the store, and each analytics answer over it.
 *
 *   analytics [common pake flags] [-n SEARCHES] [-r RUNS]
 *
 * One process, calls through the registry as the fronts make them.  Makes
 * 500 notes, then writes SEARCHES (default 100,000) lines to the tenant's
 * search spool in its documented format (lib/searchlog.c): times spread
 * over the last 30 days in working-hour bursts, 40 actors, queries from a
 * vocabulary of 300 words (one in five finds nothing), as a month of real
 * use would leave them.  Times search_log_flush (the fold: lines/s), then
 * RUNS (default 15) calls of each analytics operation (p50 and max ms) and,
 * as the reference in the same run, search_notes (a read of the notes).
 * Prints key=value lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "pake/cli.h"
#include "pake/op.h"
#include "pake/util.h"
#include "bench.h"

static const char usage[] =
"usage: analytics [-n SEARCHES] [-r RUNS] [--db PATH] [--vault DIR]\n";

static void
word(char *out, size_t n, unsigned i)
{
	static const char *const syl[] = {"ka", "lo", "mi", "ne", "ru", "ta",
		"vo", "xi", "ze", "pa", "do", "fu", "gi", "ha", "ju", "be"};

	snprintf(out, n, "%s%s%s", syl[i % 16], syl[(i / 16) % 16],
	    syl[(i / 256 + i) % 16]);
}

static cJSON *
call(pake_cli *cli, const char *op, const char *json)
{
	return pake_cli_call(cli, op, cJSON_Parse(json));
}

/* RUNS calls of op: p50 and max ms. */
static void
time_op(pake_cli *cli, const char *key, const char *op, const char *in,
    int runs)
{
	double *t = calloc((size_t)runs, sizeof *t), t0;
	int i;

	for (i = 0; i < runs; i++) {
		t0 = bench_now();
		cJSON_Delete(call(cli, op, in));
		t[i] = (bench_now() - t0) * 1000;
	}
	qsort(t, (size_t)runs, sizeof *t, bench_cmp_double);
	printf("%s_p50_ms=%.2f\n%s_max_ms=%.2f\n", key, t[runs / 2], key,
	    t[runs - 1]);
	free(t);
}

int
main(int argc, char **argv)
{
	long n = 100000, runs = 15, i;
	char path[4096], w1[16], w2[16], line[512];
	int64_t end = pake_now_ms(), t;
	pake_err e = {0};
	pake_cli cli;
	double t0;
	FILE *f;
	int c;

	pake_cli_init(&cli, "analytics", usage, &argc, argv);
	while ((c = getopt(argc, argv, "n:r:")) != -1) {
		if (c == 'n')
			n = atol(optarg);
		else if (c == 'r')
			runs = atol(optarg);
		else {
			fputs(usage, stderr);
			return 64;
		}
	}
	if (n < 1 || runs < 1) {
		fputs(usage, stderr);
		return 64;
	}
	pake_cli_open(&cli);
	for (i = 0; i < 500; i++) {
		char js[256];

		word(w1, sizeof w1, (unsigned)(i % 240));
		word(w2, sizeof w2, (unsigned)((i * 7) % 240));
		snprintf(js, sizeof js, "{\"title\":\"Note %ld %s\",\"content\":"
		    "\"%s and %s\"}", i, w1, w1, w2);
		cJSON_Delete(call(&cli, "create_note", js));
	}
	if (pake_ctx_beside(&cli.ctx, ".searches", path, sizeof path, &e) != 0)
		pake_cli_die(&cli, &e);
	if ((f = fopen(path, "a")) == NULL) {
		perror(path);
		return 1;
	}
	/* A month: each search at a random working hour of a random day,
	 * in time order so sessions form as they would. */
	for (i = 0; i < n; i++) {
		int64_t day = (int64_t)(i * 30 / n);
		unsigned q = (unsigned)(bench_next() % 300);

		t = end - (30 - day) * 86400000LL + (int64_t)(8 + bench_next() % 10) *
		    3600000LL + (int64_t)(bench_next() % 3600000);
		if (t > end)
			t = end - (int64_t)(bench_next() % 3600000);
		word(w1, sizeof w1, q);
		word(w2, sizeof w2, (unsigned)(bench_next() % 300));
		snprintf(line, sizeof line, "{\"t\":%lld,\"query\":\"%s %s\","
		    "\"mode\":\"%s\",\"hits\":%d,\"ms\":%.2f,\"front\":\"%s\","
		    "\"actor\":\"user:%d\"}\n", (long long)t, w1, w2,
		    bench_next() % 4 ? "text" : "hybrid", q < 240 ? (int)(1 + q % 9) :
		    0, 0.3 + (double)(bench_next() % 3000) / 1000,
		    bench_next() % 3 ? "pake-http" : "pake-mcp", (int)(bench_next() % 40));
		fputs(line, f);
	}
	fclose(f);
	t0 = bench_now();
	cJSON_Delete(call(&cli, "search_log_flush", "{}"));
	printf("searches=%ld\nfold_s=%.2f\nfold_lines_per_s=%.0f\n", n,
	    bench_now() - t0, (double)n / (bench_now() - t0));
	time_op(&cli, "search_notes", "search_notes", "{\"query\":\"kaka\"}",
	    (int)runs * 4);
	time_op(&cli, "ml_metrics", "ml_metrics", "{}", (int)runs);
	time_op(&cli, "ml_dashboard", "ml_dashboard", "{}", (int)runs);
	time_op(&cli, "dashboard_24h", "analytics_dashboard",
	    "{\"time_range\":\"24h\"}", (int)runs);
	time_op(&cli, "dashboard_30d", "analytics_dashboard",
	    "{\"time_range\":\"30d\"}", (int)runs);
	time_op(&cli, "series_30d_hour", "analytics_time_series",
	    "{\"metric\":\"search_queries\",\"time_range\":\"30d\"}", (int)runs);
	time_op(&cli, "usage_30d", "analytics_usage",
	    "{\"time_range\":\"30d\"}", (int)runs);
	time_op(&cli, "anomalies_24h", "analytics_anomalies",
	    "{\"time_range\":\"24h\"}", (int)runs);
	return pake_cli_done(&cli);
}
