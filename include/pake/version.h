/*
 * version.h: a note's history (ARCHITECTURE.md §3).  Every change a note
 * goes through (create, update, import, restore, delete) is a version,
 * written by the store's one write path; these read it, compare two
 * states, and drop old ones.  Restoring is a change: pake_store_restore.
 */
#ifndef PAKE_VERSION_H
#define PAKE_VERSION_H

#include "ctx.h"
#include "db.h"
#include "note.h"
#include "util.h"

/* The versions of a note, oldest first, without their markdown.  A note
 * stored before history began shows its current state as "baseline". */
int pake_version_list(pake_ctx *c, const char *pake_id, pake_version_cb cb,
    void *arg, pake_err *e);
/* State number version of a note as a note (parsed from its markdown);
 * v (may be NULL) receives the row's facts.  A delete has no state:
 * PAKE_ENOTFOUND. */
int pake_version_note(pake_ctx *c, const char *pake_id, int64_t version,
    pake_note *n, pake_version *v, pake_err *e);
/* A unified diff of the markdown of states from and to (0: the latest
 * state, and the one before it). */
int pake_version_diff(pake_ctx *c, const char *pake_id, int64_t from,
    int64_t to, pake_buf *out, pake_err *e);
/* Deleted notes of the tenant (conflicts 0), or the hand edits a later
 * change overwrote (conflicts 1), newest first, at most limit (1..1000,
 * else 100). */
int pake_version_listing(pake_ctx *c, int conflicts, int limit,
    pake_version_cb cb, void *arg, pake_err *e);
/* Drop the versions older than before_ms beyond the keep newest of each
 * note (at least 1; a deleted note keeps its last state too). */
int pake_version_prune(pake_ctx *c, int64_t keep, int64_t before_ms,
    int64_t *dropped, pake_err *e);

#endif
