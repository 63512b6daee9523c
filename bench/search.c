/*
 * search.c: the in-process search latency benchmark.
 *
 *   search [common pake flags] [--limit N] QUERYFILE
 *
 * QUERYFILE holds lines "word1 word2<TAB>Type" (what `corpus --queries`
 * prints).  The program opens the database the way every shell tool does
 * (configuration, then PAKE_* environment, then --db/--vault/--tenant...
 * flags), acting as the owner of the database in the tenant chosen by
 * --tenant or PAKE_TENANT (default default), whose notes alone it searches.
 * It runs every query once untimed to warm the page cache and the
 * statement cache, then runs them all again through the operation
 * registry,
 *
 *   search_notes {"query":"w1 w2","filters":{"pake_type":T},"limit":10}
 *
 * timing each call with CLOCK_MONOTONIC from building the input JSON to
 * freeing the output, so the figure is what a front pays per request
 * inside one process (no fork, exec or database open).  It prints one line
 * of key=value pairs on stdout for bench/run.sh:
 *
 *   queries=2000 errors=0 p50_ms=... p90_ms=... p99_ms=... max_ms=...
 *   mean_hits=... zero_hits=... tenant=NAME
 *
 * Exit status 0, 1 when any query failed, 64 on a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "pake/cli.h"
#include "pake/op.h"
#include "bench.h"

#define MAXQUERIES	1000000
#define MAXLINE		1024

static const char usage[] =
"usage: search [--limit N] [--db PATH] [--vault DIR] [--tenant T] QUERYFILE\n"
"  QUERYFILE: lines \"word1 word2<TAB>Type\" (corpus --queries N)\n";

struct query {
	char *text;
	char *type;		/* NULL: no type filter */
};

/* Read the query file into a malloc'd array; *n receives the count. */
static struct query *
load_queries(const char *path, size_t *n)
{
	char line[MAXLINE], *tab, *nl;
	struct query *q = NULL, *nq;
	size_t cap = 0;
	FILE *f;

	*n = 0;
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "search: %s: %s\n", path, strerror(errno));
		exit(EX_NOINPUT);
	}
	while (fgets(line, sizeof line, f) != NULL && *n < MAXQUERIES) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (line[0] == '\0')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((nq = realloc(q, cap * sizeof *q)) == NULL) {
				fputs("search: out of memory\n", stderr);
				exit(EX_OSERR);
			}
			q = nq;
		}
		if ((tab = strchr(line, '\t')) != NULL)
			*tab++ = '\0';
		q[*n].text = strdup(line);
		q[*n].type = tab && *tab ? strdup(tab) : NULL;
		if (q[*n].text == NULL || (tab && *tab && q[*n].type == NULL)) {
			fputs("search: out of memory\n", stderr);
			exit(EX_OSERR);
		}
		(*n)++;
	}
	fclose(f);
	return q;
}

/* Run one query through the registry; returns its hit count, or -1 on
 * failure (reported on stderr). */
static int
run_query(pake_ctx *ctx, const struct query *q, int limit)
{
	cJSON *in, *f, *out = NULL, *cnt;
	pake_err e = {0};
	int hits = -1;

	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "query", q->text);
	if (q->type) {
		f = cJSON_AddObjectToObject(in, "filters");
		cJSON_AddStringToObject(f, "pake_type", q->type);
	}
	cJSON_AddNumberToObject(in, "limit", limit);
	if (pake_op_call(ctx, "search_notes", in, &out, &e) == 0) {
		cnt = cJSON_GetObjectItemCaseSensitive(out, "results");
		hits = cJSON_GetArraySize(cnt);
	} else {
		fprintf(stderr, "search: \"%s\": %s (%s)\n", q->text,
		    e.msg ? e.msg : pake_code_message(e.code), e.detail);
	}
	cJSON_Delete(out);
	cJSON_Delete(in);
	return hits;
}

int
main(int argc, char **argv)
{
	struct query *q;
	pake_cli cli;
	size_t n, i, zero = 0, errors = 0;
	double *lat, t0, hits = 0;
	long limit = 10;
	const char *file = NULL;
	int h, k;

	pake_cli_init(&cli, "bench-search", usage, &argc, argv);
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--limit") == 0 && k + 1 < argc)
			limit = pake_cli_long(&cli, "--limit", argv[++k], 1, 100);
		else if (argv[k][0] == '-' || file != NULL)
			pake_cli_usage(&cli, "unexpected argument '%s'", argv[k]);
		else
			file = argv[k];
	}
	if (file == NULL)
		pake_cli_usage(&cli, "missing QUERYFILE");
	q = load_queries(file, &n);
	if (n == 0)
		pake_cli_usage(&cli, "%s holds no queries", file);
	if ((lat = calloc(n, sizeof *lat)) == NULL) {
		fputs("search: out of memory\n", stderr);
		return EX_OSERR;
	}
	pake_cli_open(&cli);

	/* Warm-up: page cache, statement cache, allocator. */
	for (i = 0; i < n; i++)
		(void)run_query(&cli.ctx, &q[i], (int)limit);

	for (i = 0; i < n; i++) {
		t0 = bench_now();
		h = run_query(&cli.ctx, &q[i], (int)limit);
		lat[i] = (bench_now() - t0) * 1e3;
		if (h < 0)
			errors++;
		else if (h == 0)
			zero++;
		else
			hits += h;
	}
	qsort(lat, n, sizeof *lat, bench_cmp_double);
	printf("queries=%zu errors=%zu p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
	    "max_ms=%.3f mean_hits=%.2f zero_hits=%zu tenant=%s\n", n,
	    errors, bench_quantile(lat, n, 0.50), bench_quantile(lat, n, 0.90),
	    bench_quantile(lat, n, 0.99), lat[n - 1], hits / (double)n, zero,
	    cli.ctx.tenant);

	for (i = 0; i < n; i++) {
		free(q[i].text);
		free(q[i].type);
	}
	free(q);
	free(lat);
	k = pake_cli_done(&cli);
	return k ? k : errors ? 1 : 0;
}
