/*
 * entities.h: named entities by rules and gazetteers (lib/entities.c,
 * whose header says what each rule catches and misses).
 */
#ifndef PAKE_ENTITIES_H
#define PAKE_ENTITIES_H

#include <stddef.h>
#include <cjson/cJSON.h>

typedef struct pake_mention {
	size_t start, end;	/* bytes of the text */
	const char *type;	/* Email, Url, Doi, ArxivId, Pmid, Date, Money,
				 * Percentage, Person, Organization, Location */
	double confidence;
} pake_mention;

typedef struct pake_entities {
	pake_mention *m;	/* in text order, none overlapping */
	size_t n, cap;
} pake_entities;

/* Find the mentions in text[0..len); -1 when out of memory. */
int pake_entities_find(const char *text, size_t len, pake_entities *out);
void pake_entities_free(pake_entities *x);
/* SEED-API §7's entities: [{text, entity_type, confidence, context,
 * mentions:[{text, label, start, end, confidence}]}], one per text (case
 * ignored), in order of first mention.  NULL when out of memory. */
cJSON *pake_entities_json(const char *text, size_t len,
    const pake_entities *x);

#endif
