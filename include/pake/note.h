/*
 * note.h: the note, its JSON form, and the note operations of the domain.
 *
 * A note is markdown with YAML frontmatter.  The known frontmatter fields
 * have their own members; every other top-level key is kept twice: as JSON
 * (extra_json, for the "metadata" object) and as the exact YAML source text
 * of its "key: value" lines (extra_yaml), which is written back unchanged.
 */
#ifndef PAKE_NOTE_H
#define PAKE_NOTE_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "err.h"

#define PAKE_ID_LEN	36		/* uuid v4, text form */
#define PAKE_TITLE_MAX	1000		/* bytes */
#define PAKE_TAG_MAX	100		/* bytes per tag */
#define PAKE_TAGS_MAX	64		/* tags per note */
#define PAKE_FIELD_MAX	4096		/* type, status, source_uri ... */
#define PAKE_TEXT_MAX	(64 * 1024)	/* summary, human_notes */

typedef struct pake_note {
	char pake_id[PAKE_ID_LEN + 1];
	char *title;
	char *type;			/* SourceNote, InsightNote, ... */
	char *status;			/* default "Raw" */
	double confidence;		/* 0..1, default 0.7 */
	char *verification_status;	/* default "pending" */
	char *created_at;		/* ISO 8601 with zone, as written */
	char *modified_at;
	int64_t created_ms;		/* parsed forms, for order and ranges */
	int64_t modified_ms;
	char **tags;
	size_t ntags;
	char *source_uri;		/* default "local://pake" */
	char *summary;			/* may be NULL */
	char *human_notes;		/* may be NULL */
	char *body;			/* markdown after the frontmatter */
	size_t body_len;
	char *file_path;		/* relative to the vault */
	char *extra_json;		/* JSON object text of unknown keys, or NULL */
	char *extra_yaml;		/* their YAML source, verbatim, or NULL */
	int64_t rowid;			/* database row, 0 when not stored */
	int64_t version;		/* changes so far, 0 when not stored */
} pake_note;

void pake_note_init(pake_note *n);	/* zero, with the defaults */
void pake_note_free(pake_note *n);	/* frees members, re-inits */
int pake_note_add_tag(pake_note *n, const char *tag, pake_err *e);
/* Fill what n lacks with the defaults (ARCHITECTURE.md §7); times missing
 * or not parseable become `when` (ms).  -1 when out of memory. */
int pake_note_defaults(pake_note *n, int64_t when);
/* 1 when a and b hold the same content: every frontmatter field, tags in
 * order, body bytes and unknown keys (file_path and rowid are not content). */
int pake_note_same(const pake_note *a, const pake_note *b);

/* The JSON form shared by every front:
 * {pake_id, title, content, file_path, metadata:{every frontmatter field}} */
cJSON *pake_note_to_json(const pake_note *n);

#endif
