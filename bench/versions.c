/*
 * versions.c: the cost of keeping every version of a note (issue 9).
 *
 *   versions [common pake flags] [-n NOTES] [-e EDITS] [--words K]
 *
 * One process, calls through the registry as every front makes them (no
 * process start in the numbers): creates NOTES notes (default 200) of
 * about K words (default 300), then edits each of them EDITS times
 * (default 10) with update_note, a paragraph appended each time, timing
 * every edit.  It prints, as key=value on stdout:
 *
 *   creates_per_s, edits_per_s, edit_p50_ms, edit_p99_ms: the rates;
 *   store_bytes: the tenant's store file after the run (WAL emptied);
 *   and when the library keeps versions (prune_versions exists):
 *   pruned_store_bytes after prune_versions keep=1 and a VACUUM, and
 *   pruned_edits_per_s: one more round of edits on the pruned store.
 *
 * Linked against the library before versions existed (bench/run.sh builds
 * it from that commit too), the same program measures the reference in
 * the same run.  Run it on a fresh database.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "pake/auth.h"
#include "pake/cli.h"
#include "pake/maint.h"
#include "pake/op.h"
#include "bench.h"

static const char usage[] =
"usage: versions [-n NOTES] [-e EDITS] [--words K] [--db PATH] [--vault DIR]\n";

static const char *const words[] = {
	"the", "of", "and", "note", "vault", "search", "index", "query",
	"graph", "link", "summary", "tag", "writer", "journal", "markdown",
	"tenant", "schema", "version", "history", "paragraph", "knowledge",
};
#define NW	(sizeof words / sizeof words[0])

/* A paragraph of k words, deterministic in seed. */
static void
paragraph(char *out, size_t cap, int k, unsigned seed)
{
	size_t n = 0;
	int i;

	for (i = 0; i < k && n + 16 < cap; i++) {
		seed = seed * 1103515245u + 12345u;
		n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? " " : "",
		    words[(seed >> 16) % NW]);
	}
	snprintf(out + n, cap - n, "\n\n");
}

/* Bytes of the default tenant's store file. */
static long long
store_bytes(const char *db)
{
	char path[4096];
	struct stat sb;

	snprintf(path, sizeof path, "%s-stores/default.db", db);
	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* One round: every note gets a paragraph appended; latencies in lat. */
static double
edit_round(pake_cli *cli, char **ids, char **bodies, int n, int words_n,
    int round, double *lat)
{
	char para[65536];
	double t0 = bench_now(), t;
	cJSON *in, *out;
	size_t len;
	int i;

	for (i = 0; i < n; i++) {
		paragraph(para, sizeof para, words_n / 4 + 1,
		    (unsigned)(i * 7919 + round));
		len = strlen(bodies[i]);
		bodies[i] = realloc(bodies[i], len + strlen(para) + 1);
		strcpy(bodies[i] + len, para);
		t = bench_now();
		in = cJSON_CreateObject();
		cJSON_AddStringToObject(in, "pake_id", ids[i]);
		cJSON_AddStringToObject(in, "content", bodies[i]);
		out = pake_cli_call(cli, "update_note", in);
		cJSON_Delete(out);
		lat[i] = (bench_now() - t) * 1000.0;
	}
	return (double)n / (bench_now() - t0);
}

int
main(int argc, char **argv)
{
	int notes = 200, edits = 10, words_n = 300, i, r, k = 0;
	char para[65536], **ids, **bodies;
	double t0, creates, edits_ps = 0, *lat, *all;
	pake_err e = {0};
	pake_cli cli;
	cJSON *in, *out;
	const char *db;

	pake_cli_init(&cli, "versions", usage, &argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			notes = atoi(argv[++i]);
		else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc)
			edits = atoi(argv[++i]);
		else if (strcmp(argv[i], "--words") == 0 && i + 1 < argc)
			words_n = atoi(argv[++i]);
		else
			pake_cli_usage(&cli, "unknown argument '%s'", argv[i]);
	}
	if (notes < 1 || notes > 100000 || edits < 1 || edits > 1000 ||
	    words_n < 1 || words_n > 10000)
		pake_cli_usage(&cli, "out of range");
	db = pake_config_str(&cli.cfg, PAKE_CFG_DB);
	pake_cli_open(&cli);
	ids = calloc((size_t)notes, sizeof *ids);
	bodies = calloc((size_t)notes, sizeof *bodies);
	lat = calloc((size_t)notes, sizeof *lat);
	all = calloc((size_t)notes * (size_t)edits, sizeof *all);
	if (!ids || !bodies || !lat || !all)
		return 1;
	t0 = bench_now();
	for (i = 0; i < notes; i++) {
		paragraph(para, sizeof para, words_n, (unsigned)i);
		bodies[i] = strdup(para);
		in = cJSON_CreateObject();
		cJSON_AddStringToObject(in, "title", "Versioned note");
		cJSON_AddStringToObject(in, "content", para);
		out = pake_cli_call(&cli, "create_note", in);
		ids[i] = strdup(cJSON_GetStringValue(cJSON_GetObjectItem(out,
		    "pake_id")));
		cJSON_Delete(out);
	}
	creates = (double)notes / (bench_now() - t0);
	for (r = 0; r < edits; r++) {
		edits_ps += edit_round(&cli, ids, bodies, notes, words_n, r, lat);
		memcpy(all + k, lat, (size_t)notes * sizeof *lat);
		k += notes;
	}
	qsort(all, (size_t)k, sizeof *all, bench_cmp_double);
	/* Close to empty the WAL, then measure the file. */
	pake_auth_close(&cli.ctx);
	printf("notes=%d edits_per_note=%d words=%d creates_per_s=%.0f "
	    "edits_per_s=%.0f edit_p50_ms=%.3f edit_p99_ms=%.3f "
	    "store_bytes=%lld", notes, edits, words_n, creates,
	    edits_ps / edits, all[k / 2], all[(size_t)(k * 0.99)],
	    store_bytes(db));
	pake_cli_open(&cli);
	if (pake_op_find("prune_versions") != NULL) {
		out = pake_cli_call(&cli, "prune_versions",
		    cJSON_Parse("{\"keep\":1}"));
		cJSON_Delete(out);
		if (pake_maint_vacuum(&cli.ctx, &e) != 0)
			pake_cli_die(&cli, &e);
		pake_auth_close(&cli.ctx);
		printf(" pruned_store_bytes=%lld", store_bytes(db));
		pake_cli_open(&cli);
		printf(" pruned_edits_per_s=%.0f", edit_round(&cli, ids,
		    bodies, notes, words_n, edits, lat));
	}
	printf("\n");
	return pake_cli_done(&cli);
}
