/*
 * vault.h: the markdown mirror of the database (ARCHITECTURE.md §7).
 *
 * The database is the source of truth.  A change is committed first, with
 * a "pending" row naming the note; then the note's file is written from the
 * latest committed state (temp file, fsync, rename) under a per-note lock,
 * and the pending row is cleared.  A process killed in between leaves the
 * pending row, and the next writer or "pake-db check --repair" finishes the
 * job: the vault can lag the database, never contradict it for long.
 */
#ifndef PAKE_VAULT_H
#define PAKE_VAULT_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include "ctx.h"
#include "note.h"

#define PAKE_NAME_MAX 50	/* characters of a file name from a title */

/* Refuse a title that tries to leave the vault (security_violation). */
int pake_vault_check_title(const char *title, pake_err *e);
/* The file name stem for a title: letters, digits, space, '-', '_'; spaces
 * become '-'; at most 50 characters; "" gives note_<8 hex of id>. */
void pake_vault_stem(const char *title, const char *pake_id, char *out,
    size_t n);
/* Folder for a note type: SourceNote 00-Inbox, DailyNote 01-Daily, ... */
const char *pake_vault_folder(const char *type);
/* A free relative path "<folder>/<stem>[-N].md", checked against the
 * database and the file system.  Call inside the write transaction. */
int pake_vault_choose_path(pake_ctx *c, const pake_note *n, char *out,
    size_t len, pake_err *e);
/* Is rel a safe relative path inside the vault (no .., no absolute)? */
int pake_vault_path_ok(const char *rel);

/* Mirror one note to its file (after its change committed with
 * pake_db_pending_add), then clear the pending row seq. */
int pake_vault_sync(pake_ctx *c, const char *pake_id, const char *file_path,
    int64_t seq, pake_err *e);
/* The same for many notes at once (an import batch): files are written
 * without a sync each, then the file system is synced once and the pending
 * rows are cleared in one transaction. */
typedef struct pake_sync_item {
	char pake_id[PAKE_ID_LEN + 1];
	char *file_path;
	int64_t seq;
} pake_sync_item;
int pake_vault_sync_many(pake_ctx *c, const pake_sync_item *items, size_t n,
    pake_err *e);
/* Finish every pending sync (any tenant). */
int pake_vault_flush(pake_ctx *c, pake_err *e);
/* Only the syncs pending since before before_ms: a dead writer's. */
int pake_vault_flush_before(pake_ctx *c, int64_t before_ms, pake_err *e);

/* Write data to dir/rel atomically.  PAKE_WF_NOCLOBBER: an existing file
 * is left alone and PAKE_ECONFLICT returned.  PAKE_WF_NOSYNC: skip the
 * fsyncs; the caller syncs the file system itself before relying on it. */
enum { PAKE_WF_NOCLOBBER = 1, PAKE_WF_NOSYNC = 2 };
int pake_vault_write_file(const char *dir, const char *rel, const char *data,
    size_t len, int flags, pake_err *e);

/* Import every *.md below dir (recursively). */
typedef struct pake_import_stats {
	int64_t seen, created, updated, unchanged, skipped, ids_written;
	int64_t bytes;
} pake_import_stats;
enum { PAKE_IMPORT_WRITE_IDS = 1 };
/* Reports a skipped file (path and reason) or progress; may be NULL. */
typedef void (*pake_import_report)(void *arg, const char *path,
    const char *reason, const pake_import_stats *st);
int pake_vault_import(pake_ctx *c, const char *dir, int flags,
    pake_import_report report, void *arg, pake_import_stats *st, pake_err *e);

/* What bringing one file of the vault in (or its removal) did. */
typedef struct pake_file_sync {
	const char *action;	/* "created", "updated", "unchanged",
				 * "deleted" or "ignored" */
	char pake_id[PAKE_ID_LEN + 1];	/* the note's; "" when none */
	char file_path[PATH_MAX];	/* the note's file in the vault */
} pake_file_sync;
/* Import one file of the acting tenant's vault, open for reading on fd,
 * as pake_vault_import of the vault would: rel is its path in the vault
 * (checked by the caller to lie inside it), real its resolved path.  What
 * the walk would skip is an error here (the reason in e->detail); a file
 * with the pake_id of a note whose own file still exists is a copy
 * (conflict); one whose note's file is gone is that note, moved to rel. */
int pake_vault_import_fd(pake_ctx *c, int fd, const char *real,
    const char *rel, pake_file_sync *out, pake_err *e);
/* One file of the vault changed (POST /obsidian/sync).  event: "created"
 * or "modified" re-reads the file and imports it; "deleted" deletes the
 * note whose file it was (the file must be gone: conflict otherwise; no
 * such note: "ignored").  filepath: relative to the vault, or absolute
 * inside it; a path that leaves the vault in any way, plain, encoded or
 * through a symlink, is security_violation and nothing is read or
 * written.  Folders, non-.md files and hidden paths (".obsidian/...")
 * are "ignored", as an import does not look at them. */
int pake_vault_sync_file(pake_ctx *c, const char *event,
    const char *filepath, pake_file_sync *out, pake_err *e);
/* A file of the vault renamed from one path to another (both relative to
 * the vault or absolute inside it): its note follows, then the file is
 * read at its new place. */
int pake_vault_sync_move(pake_ctx *c, const char *from, const char *to,
    pake_file_sync *out, pake_err *e);
/* Follow the acting tenant's vault and bring every change a person makes
 * in (vwatch.c): until *stop is set, or an error.  catch_up: first import
 * what changed while nobody watched.  report (may be NULL) hears each
 * event ("modified", "deleted", or "watching" once ready, with out NULL)
 * with what it did, or its failure (rc, e): one file's failure does not
 * stop the watch. */
typedef void (*pake_watch_report)(void *arg, const char *event,
    const char *rel, const pake_file_sync *out, int rc, const pake_err *e);
int pake_vault_watch(pake_ctx *c, int catch_up, pake_watch_report report,
    void *arg, volatile int *stop, pake_err *e);
/* Is rel, a path given from outside as relative to the vault, free of
 * every way out of it (.. segments, absolute or drive paths, NUL, control
 * characters, and their percent-encoded forms, up to three times)?
 * PAKE_ESECURITY (or PAKE_EINVAL for a control character) otherwise. */
int pake_vault_check_rel(const char *rel, pake_err *e);

/* Write every note of the tenant below dir; returns count in *n. */
int pake_vault_export(pake_ctx *c, const char *dir, int64_t *n, pake_err *e);

/* Compare vault and database; with repair, rewrite what drifted.
 * Counts what differs (before repair). */
typedef struct pake_vault_report {
	int64_t files, missing, stale, orphans, untracked, pending, repaired;
} pake_vault_report;
typedef void (*pake_check_report)(void *arg, const char *what,
    const char *path);
int pake_vault_check(pake_ctx *c, int repair, pake_check_report report,
    void *arg, pake_vault_report *out, pake_err *e);

/* The vault's state (lib/vault_state.c): a watcher marks itself running
 * (the fd returned, -1 when it could not, is held until it ends); an
 * import that finished records what it did; pake_vault_state answers
 * {vault, pending, pending_stale, watcher:{running, pid?, since? |
 * last_started?}, last_import: {time, folder, seen, created, updated,
 * unchanged, skipped, ms} | null}, writing nothing. */
int pake_vault_watch_mark(pake_ctx *c);
void pake_vault_import_mark(pake_ctx *c, const char *folder,
    const pake_import_stats *st, int64_t ms);
int pake_vault_state(pake_ctx *c, struct cJSON **out, pake_err *e);

#endif
