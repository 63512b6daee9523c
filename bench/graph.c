/*
 * graph.c: the knowledge graph of a large vault (issue 11).
 *
 *   graph [common pake flags] [-n NOTES] [-k LINKS] [-q QUERIES]
 *
 * One process, calls through the registry as every front makes them (no
 * process start in the numbers).  Creates NOTES notes (default 100,000)
 * titled "Note <i>", each a short paragraph with LINKS (default 3)
 * wikilinks to notes chosen at random (many of them not written yet, so
 * they resolve when their target arrives), a typed relation ("- cites
 * [[Note j]]") and an observation ("- [fact] ..."), timing the creates.
 * Then, when the library has a graph, QUERIES (default 1,000) calls of
 * graph_neighbors at depth 2 on random notes and QUERIES / 10 of
 * graph_path between random notes.  Prints key=value on stdout:
 *
 *   creates_per_s; neighbors_p50_ms, neighbors_p99_ms, neighbors_nodes
 *   (mean nodes in an answer); path_p50_ms, path_p99_ms.
 *
 * Linked against the library before the graph existed (bench/run.sh
 * builds it from that commit), it measures what indexing links costs a
 * write.  Run it on a fresh database.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "pake/cli.h"
#include "pake/op.h"
#include "bench.h"

static const char usage[] =
"usage: graph [-n NOTES] [-k LINKS] [-q QUERIES] [--db PATH] [--vault DIR]\n";

static uint32_t rng = 12345;

static uint32_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Latencies of q calls of op on inputs made by mk; p50, p99 and the mean
 * of count(out) into the pointers. */
static void
measure(pake_cli *cli, const char *op, int q, int n, cJSON *(*mk)(int),
    double *p50, double *p99, double *mean, const char *field)
{
	double *lat = calloc((size_t)q, sizeof *lat), t, sum = 0;
	int i;

	for (i = 0; i < q; i++) {
		cJSON *in = mk(n), *out;

		t = bench_now();
		out = pake_cli_call(cli, op, in);
		lat[i] = (bench_now() - t) * 1000.0;
		if (field)
			sum += cJSON_GetArraySize(cJSON_GetObjectItem(out,
			    field));
		cJSON_Delete(out);
	}
	qsort(lat, (size_t)q, sizeof *lat, bench_cmp_double);
	*p50 = lat[q / 2];
	*p99 = lat[(size_t)(q * 0.99)];
	*mean = sum / q;
	free(lat);
}

static cJSON *
mk_neighbors(int n)
{
	char node[32];
	cJSON *in = cJSON_CreateObject();

	snprintf(node, sizeof node, "Note %u", next() % (unsigned)n);
	cJSON_AddStringToObject(in, "node", node);
	cJSON_AddNumberToObject(in, "depth", 2);
	cJSON_AddNumberToObject(in, "max_nodes", 5000);
	return in;
}

static cJSON *
mk_path(int n)
{
	char a[32], b[32];
	cJSON *in = cJSON_CreateObject();

	snprintf(a, sizeof a, "Note %u", next() % (unsigned)n);
	snprintf(b, sizeof b, "Note %u", next() % (unsigned)n);
	cJSON_AddStringToObject(in, "from", a);
	cJSON_AddStringToObject(in, "to", b);
	cJSON_AddNumberToObject(in, "max_depth", 4);
	return in;
}

int
main(int argc, char **argv)
{
	int notes = 100000, links = 3, queries = 1000, i, j;
	double t0, creates, p50, p99, mean;
	char title[32], body[4096];
	pake_cli cli;
	cJSON *in, *out;

	pake_cli_init(&cli, "graph", usage, &argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			notes = atoi(argv[++i]);
		else if (strcmp(argv[i], "-k") == 0 && i + 1 < argc)
			links = atoi(argv[++i]);
		else if (strcmp(argv[i], "-q") == 0 && i + 1 < argc)
			queries = atoi(argv[++i]);
		else
			pake_cli_usage(&cli, "unknown argument '%s'", argv[i]);
	}
	if (notes < 2 || notes > 1000000 || links < 0 || links > 50 ||
	    queries < 10 || queries > 1000000)
		pake_cli_usage(&cli, "out of range");
	pake_cli_open(&cli);
	t0 = bench_now();
	for (i = 0; i < notes; i++) {
		size_t n;

		snprintf(title, sizeof title, "Note %d", i);
		n = (size_t)snprintf(body, sizeof body, "Note %d is about "
		    "graphs and links.", i);
		for (j = 0; j < links; j++)
			n += (size_t)snprintf(body + n, sizeof body - n,
			    " See [[Note %u]].", next() % (unsigned)notes);
		snprintf(body + n, sizeof body - n, "\n\n- cites [[Note %u]]\n"
		    "- [fact] note %d was written by the benchmark #bench\n",
		    next() % (unsigned)notes, i);
		in = cJSON_CreateObject();
		cJSON_AddStringToObject(in, "title", title);
		cJSON_AddStringToObject(in, "content", body);
		out = pake_cli_call(&cli, "create_note", in);
		cJSON_Delete(out);
	}
	creates = (double)notes / (bench_now() - t0);
	printf("notes=%d links=%d creates_per_s=%.0f", notes, links + 1,
	    creates);
	if (pake_op_find("graph_neighbors") != NULL) {
		measure(&cli, "graph_neighbors", queries, notes, mk_neighbors,
		    &p50, &p99, &mean, "nodes");
		printf(" neighbors_p50_ms=%.3f neighbors_p99_ms=%.3f "
		    "neighbors_nodes=%.0f", p50, p99, mean);
		measure(&cli, "graph_path", queries / 10, notes, mk_path,
		    &p50, &p99, &mean, "nodes");
		printf(" path_p50_ms=%.3f path_p99_ms=%.3f", p50, p99);
	}
	printf("\n");
	return pake_cli_done(&cli);
}
