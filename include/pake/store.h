/*
 * store.h: the note store: create, read, change, delete, list and search
 * notes of the acting tenant, each change mirrored to the vault.
 *
 * This is the domain: it knows notes, the database and the vault, nothing
 * about HTTP, MCP or argv.  Every function checks the context's permission.
 */
#ifndef PAKE_STORE_H
#define PAKE_STORE_H

#include "ctx.h"
#include "db.h"
#include "note.h"

/* Which fields a create or update sets. */
enum pake_field {
	PAKE_F_TITLE	= 1u << 0,
	PAKE_F_CONTENT	= 1u << 1,
	PAKE_F_TYPE	= 1u << 2,
	PAKE_F_STATUS	= 1u << 3,
	PAKE_F_CONF	= 1u << 4,
	PAKE_F_TAGS	= 1u << 5,
	PAKE_F_SOURCE	= 1u << 6,
	PAKE_F_SUMMARY	= 1u << 7,
	PAKE_F_HUMAN	= 1u << 8,
	PAKE_F_VSTATUS	= 1u << 9,
};

#define PAKE_LIMIT_DEFAULT	10
#define PAKE_LIMIT_MAX		100

/* Check a note's fields (sizes, encoding, shapes, the title's safety). */
int pake_store_validate(const pake_note *n, size_t max_body, pake_err *e);

/* PAKE_EQUOTA when the tenant holds as many notes as its plan allows. */
int pake_store_quota(pake_ctx *c, pake_db *st, pake_err *e);
/* Create n (fields given; defaults fill the rest).  On success n holds the
 * stored note: pake_id, times and file_path. */
int pake_store_create(pake_ctx *c, pake_note *n, const char *key,
    int *replayed, pake_err *e);
/* Create the new notes ns[0..count) (as pake_store_create, without an
 * idempotency key) in one write transaction: every one or none.  On a
 * failure *bad is the index of the note that failed (count when none
 * did, e.g. the commit). */
/* Create n unless a note is already the copy of what n is (one of n's
 * identity keys, note_keys.h: a DOI, arXiv id, PMID or URL in its
 * frontmatter or source_uri): then nothing is written and dup (dupsz
 * bytes) names that note; else dup is "".  The lookup and the create are
 * one write transaction. */
int pake_store_create_unique(pake_ctx *c, pake_note *n, char *dup,
    size_t dupsz, pake_err *e);
int pake_store_create_many(pake_ctx *c, pake_note *ns, size_t count,
    size_t *bad, pake_err *e);
int pake_store_get(pake_ctx *c, const char *pake_id, pake_note *out,
    pake_err *e);
/* Apply the fields of patch named by mask; out (may be NULL) receives the
 * note as stored. */
int pake_store_update(pake_ctx *c, const char *pake_id, const pake_note *patch,
    unsigned mask, int64_t want, pake_note *out, pake_err *e);
/* want: the version the caller last saw (0: any); another is
 * PAKE_EPRECOND and changes nothing. */
int pake_store_delete(pake_ctx *c, const char *pake_id, int64_t want,
    pake_err *e);
/* If the note's vault file holds a hand edit, make it the note's current
 * state (a version, "hand-edit"); *kept says whether there was one. */
int pake_store_absorb(pake_ctx *c, const char *pake_id, int *kept,
    pake_err *e);
/* Make state version of a note current again (a new version, "restore");
 * a deleted note comes back.  want as for update. */
int pake_store_restore(pake_ctx *c, const char *pake_id, int64_t version,
    int64_t want, pake_note *out, pake_err *e);
/* The one write path (see store.c): inside st's write transaction. */
int pake_store_put(pake_ctx *c, pake_db *st, pake_note *n,
    const pake_note *old, const char *op, pake_err *e);

/* A page of notes, most recently modified first.  cursor: NULL or the
 * next_cursor of the previous page; *next receives a malloc'd cursor or
 * NULL on the last page. */
int pake_store_list(pake_ctx *c, int limit, const char *cursor,
    pake_note_cb cb, void *arg, char **next, pake_err *e);

typedef struct pake_search {
	const char *query;		/* user syntax, may be NULL */
	const char *type;
	const char *status;
	const char *const *tags_any;
	size_t ntags_any;
	const char *const *tags_all;
	size_t ntags_all;
	double min_conf;		/* < 0: none */
	int64_t created_from, created_to, modified_from, modified_to;
	int limit;			/* 0: default */
	const char *cursor;
} pake_search;
void pake_search_init(pake_search *s);
int pake_store_search(pake_ctx *c, const pake_search *s, pake_note_cb cb,
    void *arg, char **next, pake_err *e);

int pake_store_tags(pake_ctx *c, int limit, pake_tag_cb cb, void *arg,
    pake_err *e);

#endif
