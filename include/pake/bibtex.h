/*
 * bibtex.h: a BibTeX entry for a research record, or for a SourceNote's
 * frontmatter (the same member names: title, authors, published, journal,
 * volume, issue, pages, doi, arxiv_id, primary_category, pmid, url,
 * canonical_url).  lib/bibtex.c has the rules.
 */
#ifndef PAKE_BIBTEX_H
#define PAKE_BIBTEX_H

#include <cjson/cJSON.h>

/* The entry, malloc'd and ending in "}\n"; NULL when out of memory. */
char *pake_bibtex(const cJSON *record);

#endif
