/*
 * note_keys.h: what a note is the copy of, as keys ("doi:10.1038/x",
 * "arxiv:2301.00001", "pmid:12345678", "url:https://example.org/a"), so
 * that research saved twice, or from two sources, is one note (issue 13).
 * lib/note_keys.c.
 */
#ifndef PAKE_NOTE_KEYS_H
#define PAKE_NOTE_KEYS_H

#include <cjson/cJSON.h>
#include "note.h"

#define PAKE_KEY_MAX	512	/* bytes of a key */
#define PAKE_KEYS_MAX	8	/* keys of one note */

/* The keys of a record's or a note's identifiers, each normalised: DOIs
 * lower-cased without a doi.org prefix, arXiv ids without version, URLs
 * with scheme and host lower-cased and without fragment or final '/'.
 * From a note: its frontmatter doi, arxiv_id, pmid, url, canonical_url and
 * a source_uri of the form doi:, arxiv:, pmid: or http(s)://.  Returns how
 * many were written into keys (distinct). */
int pake_note_keys(const pake_note *n, char keys[][PAKE_KEY_MAX], int max);
int pake_record_keys(const cJSON *record, char keys[][PAKE_KEY_MAX],
    int max);

#endif
