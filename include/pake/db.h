/*
 * db.h: the only door to SQL.
 *
 * Every statement pake runs lives behind these functions (lib/db*.c), so a
 * second backend can be added without touching the domains.  A pake_db is
 * one connection, used by one thread.  Writers use short BEGIN IMMEDIATE
 * transactions; the busy timeout makes concurrent writers wait in line
 * instead of failing, and "database is locked" is turned into unavailable
 * only after that wait has run out.
 */
#ifndef PAKE_DB_H
#define PAKE_DB_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "note.h"

typedef struct pake_db pake_db;

/* Open (creating the file and its folder when needed), set WAL, the busy
 * timeout and foreign keys, and apply migrations. */
int pake_db_open(pake_db **out, const char *path, int busy_ms, pake_err *e);
void pake_db_close(pake_db *db);
const char *pake_db_path(const pake_db *db);
int pake_db_schema_version(pake_db *db);

int pake_db_begin(pake_db *db, pake_err *e);	/* BEGIN IMMEDIATE */
int pake_db_begin_read(pake_db *db, pake_err *e);/* BEGIN (a snapshot) */
int pake_db_commit(pake_db *db, pake_err *e);
void pake_db_rollback(pake_db *db);

/* Tenants (the minimum the note store needs; the tenants issue adds more). */
int pake_db_tenant_id(pake_db *db, const char *name, int64_t *id, pake_err *e);

/* Notes.  All take the tenant; a row of another tenant does not exist. */
int pake_db_note_insert(pake_db *db, int64_t tenant, const pake_note *n,
    pake_err *e);
int pake_db_note_update(pake_db *db, int64_t tenant, const pake_note *n,
    pake_err *e);
int pake_db_note_delete(pake_db *db, int64_t tenant, const char *pake_id,
    pake_err *e);
int pake_db_note_get(pake_db *db, int64_t tenant, const char *pake_id,
    pake_note *n, pake_err *e);
int pake_db_note_exists(pake_db *db, int64_t tenant, const char *pake_id);
int pake_db_path_taken(pake_db *db, int64_t tenant, const char *file_path);
int pake_db_note_set_path(pake_db *db, int64_t tenant, const char *pake_id,
    const char *file_path, pake_err *e);
int64_t pake_db_note_count(pake_db *db, int64_t tenant);

/* Called once per row; a non-zero return stops the walk and is returned. */
typedef int (*pake_note_cb)(void *arg, pake_note *n);

/* Most recently modified first; after_ms/after_id continue a page. */
int pake_db_note_list(pake_db *db, int64_t tenant, int limit,
    int64_t after_ms, int64_t after_id, pake_note_cb cb, void *arg,
    pake_err *e);
/* Every note of the tenant, in id order (export, check). */
int pake_db_note_each(pake_db *db, int64_t tenant, pake_note_cb cb,
    void *arg, pake_err *e);

/* Search: the FTS5 expressions come from pake_query_parse(). */
typedef struct pake_db_search {
	const char *match, *exclude;
	const char *const *types;	/* any of */
	size_t ntypes;
	const char *status;
	const char *const *tags_all;
	size_t ntags_all;
	const char *const *tags_any;
	size_t ntags_any;
	double min_conf;		/* < 0: none */
	int64_t created_from, created_to, modified_from, modified_to; /* 0: none */
	int limit, offset;
} pake_db_search;
int pake_db_search_notes(pake_db *db, int64_t tenant, const pake_db_search *q,
    pake_note_cb cb, void *arg, pake_err *e);

/* Tags with their counts, most used first. */
typedef int (*pake_tag_cb)(void *arg, const char *tag, int64_t count);
int pake_db_tags(pake_db *db, int64_t tenant, int limit, pake_tag_cb cb,
    void *arg, pake_err *e);

/* Vault sync bookkeeping: a change committed to the database but not yet
 * mirrored to the vault file is "pending" until its file is written. */
int pake_db_pending_add(pake_db *db, int64_t tenant, const char *pake_id,
    const char *file_path, int64_t *seq, pake_err *e);
int pake_db_pending_done(pake_db *db, int64_t seq, pake_err *e);
int pake_db_tombstone_add(pake_db *db, int64_t tenant, const char *pake_id,
    const char *file_path, pake_err *e);
typedef int (*pake_pending_cb)(void *arg, int64_t tenant, const char *pake_id,
    const char *file_path, int64_t seq);
int pake_db_pending_each(pake_db *db, pake_pending_cb cb, void *arg,
    pake_err *e);
int pake_db_tombstone_has(pake_db *db, int64_t tenant, const char *pake_id);

/* Where imported notes came from (a file's real path), so that importing
 * the same vault again finds the same notes. */
int pake_db_source_get(pake_db *db, int64_t tenant, const char *source,
    char id[PAKE_ID_LEN + 1]);
int pake_db_source_set(pake_db *db, int64_t tenant, const char *source,
    const char *pake_id, pake_err *e);

/* Maintenance. */
int pake_db_integrity(pake_db *db, char *msg, size_t n, pake_err *e);
int pake_db_fts_check(pake_db *db, pake_err *e);	/* 0 clean */
int pake_db_fts_rebuild(pake_db *db, pake_err *e);
int pake_db_backup(pake_db *db, const char *dest, pake_err *e);
int pake_db_vacuum(pake_db *db, pake_err *e);
typedef struct pake_db_stats {
	int64_t notes, tags, tenants, pending, page_count, page_size,
	    freelist, wal_bytes;
	int schema;
} pake_db_stats;
int pake_db_stats_get(pake_db *db, pake_db_stats *s, pake_err *e);

#endif
