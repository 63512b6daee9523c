/*
 * vectors.c: what meaning costs (issue 12): the LSA fit, fold-in on every
 * write, related notes and hybrid search.
 *
 *   vectors [common pake flags] [-n NOTES] [-q QUERIES]
 *
 * One process, calls through the registry as the fronts make them.
 * Creates NOTES notes (default 10,000) of about 80 words each, drawn from
 * one of 20 topics of 40 words each (plus common words), so the corpus has
 * a structure to find; times vectors_refit; edits 200 notes before a fit
 * existed and 200 after, timing update_note (the difference is the
 * fold-in); then QUERIES (default 200) related_notes calls on random notes
 * and as many search_notes in mode hybrid and in mode text.  Prints
 * key=value on stdout: creates_per_s, refit_s, edit_p50_ms (no model),
 * edit_fold_p50_ms (with), related_p50_ms, related_p99_ms,
 * hybrid_p50_ms, hybrid_p99_ms, text_p50_ms, text_p99_ms, and
 * related_precision5: the share of a note's 5 related notes that share
 * its topic (a synthetic corpus: a check that the model finds the
 * structure it was given, not a measure of quality on real text).
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
"usage: vectors [-n NOTES] [-q QUERIES] [--db PATH] [--vault DIR]\n";

#define TOPICS		20
#define TOPIC_WORDS	40
#define EDITS		200

/* A pseudo-word of topic t, index i: distinct for every (t, i). */
static void
word(char *out, size_t n, int t, int i)
{
	static const char *const syl[] = {"ka", "lo", "mi", "ne", "ru", "ta",
		"vo", "xi", "ze", "pa", "do", "fu", "gi", "ha", "ju", "be"};

	snprintf(out, n, "%s%s%s", syl[t % 16], syl[(t / 16 + i) % 16],
	    syl[i % 16]);
	if (i >= 16)
		snprintf(out + strlen(out), n - strlen(out), "%s",
		    syl[(i / 16) % 16]);
}

/* About 80 words of topic t. */
static void
body(char *out, size_t cap, int t)
{
	static const char *const common[] = {"the", "and", "of", "a", "in",
		"to", "is", "it", "that", "with"};
	size_t n = 0;
	char w[32];
	int k;

	for (k = 0; k < 80 && n + 40 < cap; k++) {
		if (bench_next() % 3 == 0)
			snprintf(w, sizeof w, "%s", common[bench_next() % 10]);
		else
			word(w, sizeof w, t, (int)(bench_next() % TOPIC_WORDS));
		n += (size_t)snprintf(out + n, cap - n, "%s%s", k ? " " : "",
		    w);
	}
	snprintf(out + n, cap - n, ".\n");
}

static cJSON *
call(pake_cli *cli, const char *op, cJSON *in, double *ms)
{
	double t = bench_now();
	cJSON *out = pake_cli_call(cli, op, in);

	if (ms)
		*ms = (bench_now() - t) * 1000;
	return out;
}

static void
pcts(double *v, int n, double *p50, double *p99)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
	*p50 = v[n / 2];
	*p99 = v[(int)(n * 0.99)];
}

static double
edits(pake_cli *cli, char **ids, int n, int *topic, double *lat)
{
	char text[4096];
	double p50, p99;
	int i, j;

	for (i = 0; i < EDITS; i++) {
		cJSON *in = cJSON_CreateObject();

		j = (int)(bench_next() % (uint64_t)n);
		body(text, sizeof text, topic[j]);
		cJSON_AddStringToObject(in, "pake_id", ids[j]);
		cJSON_AddStringToObject(in, "content", text);
		cJSON_Delete(call(cli, "update_note", in, &lat[i]));
	}
	pcts(lat, EDITS, &p50, &p99);
	return p50;
}

int
main(int argc, char **argv)
{
	int notes = 10000, queries = 200, i, j, same = 0, seen = 0;
	double t0, creates, refit, e0, e1, *lat, p50, p99;
	char text[4096], title[64], **ids, w[32];
	int *topic;
	pake_cli cli;
	cJSON *in, *out;
	const cJSON *x;

	pake_cli_init(&cli, "vectors", usage, &argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			notes = atoi(argv[++i]);
		else if (strcmp(argv[i], "-q") == 0 && i + 1 < argc)
			queries = atoi(argv[++i]);
		else
			pake_cli_usage(&cli, "unknown argument '%s'", argv[i]);
	}
	if (notes < 100 || notes > 1000000 || queries < 10 ||
	    queries > 100000)
		pake_cli_usage(&cli, "out of range");
	pake_cli_open(&cli);
	ids = calloc((size_t)notes, sizeof *ids);
	topic = calloc((size_t)notes, sizeof *topic);
	lat = calloc((size_t)(queries > EDITS ? queries : EDITS), sizeof *lat);
	if (!ids || !topic || !lat)
		return 1;
	t0 = bench_now();
	for (i = 0; i < notes; i++) {
		topic[i] = (int)(bench_next() % TOPICS);
		body(text, sizeof text, topic[i]);
		snprintf(title, sizeof title, "Note %d", i);
		in = cJSON_CreateObject();
		cJSON_AddStringToObject(in, "title", title);
		cJSON_AddStringToObject(in, "content", text);
		out = call(&cli, "create_note", in, NULL);
		ids[i] = strdup(cJSON_GetStringValue(cJSON_GetObjectItem(out,
		    "pake_id")));
		cJSON_Delete(out);
	}
	creates = notes / (bench_now() - t0);
	e0 = edits(&cli, ids, notes, topic, lat);
	t0 = bench_now();
	cJSON_Delete(call(&cli, "vectors_refit", cJSON_CreateObject(), NULL));
	refit = bench_now() - t0;
	e1 = edits(&cli, ids, notes, topic, lat);
	printf("notes=%d creates_per_s=%.0f refit_s=%.2f edit_p50_ms=%.3f "
	    "edit_fold_p50_ms=%.3f", notes, creates, refit, e0, e1);
	for (i = 0; i < queries; i++) {
		in = cJSON_CreateObject();
		j = (int)(bench_next() % (uint64_t)notes);
		cJSON_AddStringToObject(in, "pake_id", ids[j]);
		cJSON_AddNumberToObject(in, "limit", 5);
		out = call(&cli, "related_notes", in, &lat[i]);
		cJSON_ArrayForEach(x, cJSON_GetObjectItem(out, "related")) {
			const char *t = cJSON_GetStringValue(
			    cJSON_GetObjectItem(x, "title"));
			int k = t ? atoi(t + 5) : -1;

			seen++;
			same += k >= 0 && k < notes && topic[k] == topic[j];
		}
		cJSON_Delete(out);
	}
	pcts(lat, queries, &p50, &p99);
	printf(" related_p50_ms=%.3f related_p99_ms=%.3f "
	    "related_precision5=%.3f", p50, p99, seen ? (double)same / seen :
	    0);
	for (j = 0; j < 2; j++) {
		for (i = 0; i < queries; i++) {
			int t = (int)(bench_next() % TOPICS);
			char q[80];

			word(w, sizeof w, t, (int)(bench_next() % TOPIC_WORDS));
			snprintf(q, sizeof q, "%s ", w);
			word(w, sizeof w, t, (int)(bench_next() % TOPIC_WORDS));
			strncat(q, w, sizeof q - strlen(q) - 1);
			in = cJSON_CreateObject();
			cJSON_AddStringToObject(in, "query", q);
			cJSON_AddNumberToObject(in, "limit", 10);
			cJSON_AddStringToObject(in, "mode", j ? "text" :
			    "hybrid");
			cJSON_Delete(call(&cli, "search_notes", in, &lat[i]));
		}
		pcts(lat, queries, &p50, &p99);
		printf(" %s_p50_ms=%.3f %s_p99_ms=%.3f", j ? "text" : "hybrid",
		    p50, j ? "text" : "hybrid", p99);
	}
	printf("\n");
	return pake_cli_done(&cli);
}
