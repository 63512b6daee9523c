/*
 * fuzz_links.c: libFuzzer target for the reader of a note's links and
 * observations (pake_graph_parse() in lib/graph_links.c).
 *
 * The input is a note's markdown body, as anyone typing in the vault
 * writes it.  Beyond not crashing, the reader promises what the graph
 * relies on: every link has a type and a non-empty target of at most
 * PAKE_GRAPH_NAME_MAX bytes without a NUL, each (type, target) once
 * (ASCII case ignored), and every observation a category and content;
 * the counts stay within the reader's bounds.  A violation aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pake/graph.h"
#include "env.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pake_gparse p;
	size_t i, j;

	if (pake_graph_parse((const char *)data, size, &p) != 0)
		return 0;
	for (i = 0; i < p.nlink; i++) {
		const pake_glink *l = &p.link[i];

		if (l->type == NULL || l->target == NULL ||
		    l->target[0] == '\0' ||
		    strlen(l->target) > PAKE_GRAPH_NAME_MAX) {
			fprintf(stderr, "links: bad link %zu\n", i);
			abort();
		}
		for (j = 0; j < i; j++)
			if (strcmp(p.link[j].type, l->type) == 0 &&
			    strcasecmp(p.link[j].target, l->target) == 0) {
				fprintf(stderr, "links: %s|%s twice\n",
				    l->type, l->target);
				abort();
			}
	}
	for (i = 0; i < p.nobs; i++)
		if (p.obs[i].category == NULL || p.obs[i].content == NULL) {
			fprintf(stderr, "links: bad observation %zu\n", i);
			abort();
		}
	if (p.nlink > 10000 || p.nobs > 10000)
		abort();
	pake_gparse_free(&p);
	return 0;
}
