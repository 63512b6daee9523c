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
#include "identity.h"
#include "note.h"

typedef struct pake_db pake_db;

/*
 * Two kinds of file (ARCHITECTURE.md §3): the control
 * database (tenants, plans, users, tokens, activity, daily usage) and one
 * store per tenant (its notes, tags, full-text index, vault bookkeeping).
 * Each opens with its own schema; opening sets WAL and the busy handler
 * and applies migrations.  A store is created (with its folder) on first
 * use; a control database only when create is set (pake-db init): else a
 * missing one is PAKE_ENOTFOUND and nothing is made.
 * Opening a control database written by pake 0.1 (one file for every
 * tenant) moves each tenant's notes into its store first (db_control.c).
 */
int pake_db_open_control(pake_db **out, const char *path, int busy_ms,
    int create, pake_err *e);
int pake_db_open_store(pake_db **out, const char *path, int busy_ms,
    pake_err *e);
/* 0 when the file path exists; else PAKE_ENOTFOUND (PAKE_MSG_NODB). */
int pake_db_present(const char *path, pake_err *e);
void pake_db_close(pake_db *db);
const char *pake_db_path(const pake_db *db);
int pake_db_schema_version(pake_db *db);
int pake_db_schema_latest(const pake_db *db);	/* what this program writes */
/* The store file of tenant name beside the control database at control:
 * "<control>-stores/<name>.db". */
int pake_db_store_path(const char *control, const char *name, char *out,
    size_t n, pake_err *e);

int pake_db_begin(pake_db *db, pake_err *e);	/* BEGIN IMMEDIATE */
int pake_db_begin_read(pake_db *db, pake_err *e);/* BEGIN (a snapshot) */
int pake_db_commit(pake_db *db, pake_err *e);
void pake_db_rollback(pake_db *db);

/* Notes of a store (lib/db_note.c); a store holds one tenant's. */
/* A note's version (db_version.c): one state, or its delete. */
typedef struct pake_version {
	int64_t version;
	char op[16];		/* create update delete import restore
				 * baseline */
	char actor[40];		/* owner, user:ID, token:ID */
	char front[32];		/* the tool that made it */
	int64_t time_ms;
	char *title;		/* the note's title then (malloc'd) */
	char *markdown;		/* the file then (malloc'd); NULL when not
				 * loaded or deleted */
	size_t len;		/* its bytes (also when not loaded) */
	int deleted;
} pake_version;
typedef int (*pake_version_cb)(void *arg, const char *pake_id,
    const pake_version *v);
void pake_version_free(pake_version *v);
int pake_db_version_add(pake_db *db, const char *pake_id,
    const pake_version *v, pake_err *e);
/* One version with its markdown; PAKE_ENOTFOUND when there is none. */
int pake_db_version_get(pake_db *db, const char *pake_id, int64_t version,
    pake_version *v, pake_err *e);
/* The highest version recorded (0: none). */
int pake_db_version_last(pake_db *db, const char *pake_id, int64_t *version,
    pake_err *e);
int pake_db_version_has(pake_db *db, const char *pake_id, int64_t version);
/* Oldest first, without the markdown. */
int pake_db_version_each(pake_db *db, const char *pake_id, pake_version_cb cb,
    void *arg, pake_err *e);
/* Deleted notes (their delete row, title of the last state), newest
 * first. */
int pake_db_deleted_each(pake_db *db, int limit, pake_version_cb cb,
    void *arg, pake_err *e);
/* Drop versions older than before_ms beyond the keep newest of each note
 * (a deleted note also keeps its last state); *n: rows dropped. */
int pake_db_version_prune(pake_db *db, int64_t keep, int64_t before_ms,
    int64_t *n, pake_err *e);

/* Mark a version as a conflict: a hand edit a later change overwrote
 * (it stays in the history, and pake-note conflicts lists it). */
int pake_db_version_conflict(pake_db *db, const char *pake_id,
    int64_t version, pake_err *e);
/* The versions marked as conflicts, newest first. */
int pake_db_conflicts_each(pake_db *db, int limit, pake_version_cb cb,
    void *arg, pake_err *e);
/* Idempotency keys of creates: the note a key made since since_ms
 * (id "" when none); remember one (and forget those before
 * forget_before_ms). */
int pake_db_idem_get(pake_db *db, const char *key, int64_t since_ms,
    char id[PAKE_ID_LEN + 1], pake_err *e);
int pake_db_idem_put(pake_db *db, const char *key, const char *pake_id,
    int64_t now_ms, int64_t forget_before_ms, pake_err *e);

int pake_db_note_insert(pake_db *db, const pake_note *n, pake_err *e);
int pake_db_note_update(pake_db *db, const pake_note *n, pake_err *e);
int pake_db_note_delete(pake_db *db, const char *pake_id, pake_err *e);
int pake_db_note_get(pake_db *db, const char *pake_id, pake_note *n,
    pake_err *e);
int pake_db_note_exists(pake_db *db, const char *pake_id);
int64_t pake_db_note_rowid(pake_db *db, const char *pake_id); /* 0: none */
/* The note whose row id (notes.id) is rowid; PAKE_ENOTFOUND when none. */
int pake_db_note_get_rowid(pake_db *db, int64_t rowid, pake_note *n,
    pake_err *e);
/* A note's identity keys (note_keys.h), replacing those it had. */
int pake_db_note_keys_set(pake_db *db, const char *pake_id, char keys[][512],
    int n, pake_err *e);
/* The oldest note holding key: 1 (pake_id filled), 0 none, -1 (e). */
int pake_db_note_key_find(pake_db *db, const char *key, char *pake_id,
    size_t n, pake_err *e);
/* Notes whose modified_ms is after ms (written since then). */
int pake_db_notes_changed_since(pake_db *db, int64_t ms, int64_t *n,
    pake_err *e);
/* Its id and title only (*title malloc'd, "" when none). */
int pake_db_note_brief(pake_db *db, int64_t rowid, char *pake_id,
    size_t idsz, char **title, pake_err *e);
/* The id of the note whose vault file is file_path; PAKE_ENOTFOUND when
 * none. */
int pake_db_note_by_path(pake_db *db, const char *file_path,
    char id[PAKE_ID_LEN + 1], pake_err *e);
int pake_db_path_taken(pake_db *db, const char *file_path);
int pake_db_note_set_path(pake_db *db, const char *pake_id,
    const char *file_path, pake_err *e);
/* Notes in the store (kept as a count, not counted). */
int64_t pake_db_note_count(pake_db *db);

/* Called once per row; a non-zero return stops the walk and is returned. */
typedef int (*pake_note_cb)(void *arg, pake_note *n);

/* Most recently modified first; after_ms/after_id continue a page. */
int pake_db_note_list(pake_db *db, int limit, int64_t after_ms,
    int64_t after_id, pake_note_cb cb, void *arg, pake_err *e);
/* Every note, in id order (export, check). */
int pake_db_note_each(pake_db *db, pake_note_cb cb, void *arg, pake_err *e);

/* Every note's pake_id, in id order, without reading the notes: cb's
 * non-zero return stops the walk and is returned. */
typedef int (*pake_id_cb)(void *arg, const char *pake_id);
int pake_db_note_ids(pake_db *db, pake_id_cb cb, void *arg, pake_err *e);

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
int pake_db_search_notes(pake_db *db, const pake_db_search *q,
    pake_note_cb cb, void *arg, pake_err *e);

/* Tags with their counts, most used first. */
typedef int (*pake_tag_cb)(void *arg, const char *tag, int64_t count);
int pake_db_tags(pake_db *db, int limit, pake_tag_cb cb, void *arg,
    pake_err *e);

/* Vault sync bookkeeping: a change committed to the database but not yet
 * mirrored to the vault file is "pending" until its file is written. */
int pake_db_pending_add(pake_db *db, const char *pake_id,
    const char *file_path, int64_t *seq, pake_err *e);
int pake_db_pending_done(pake_db *db, int64_t seq, pake_err *e);
int pake_db_tombstone_add(pake_db *db, const char *pake_id,
    const char *file_path, pake_err *e);
typedef int (*pake_pending_cb)(void *arg, const char *pake_id,
    const char *file_path, int64_t seq);
/* Those that became pending before before_ms. */
int pake_db_pending_before(pake_db *db, int64_t before_ms, pake_pending_cb cb,
    void *arg, pake_err *e);
int pake_db_pending_each(pake_db *db, pake_pending_cb cb, void *arg,
    pake_err *e);
int pake_db_tombstone_has(pake_db *db, const char *pake_id);

/* Where imported notes came from (a file's real path), so that importing
 * the same vault again finds the same notes. */
int pake_db_source_get(pake_db *db, const char *source,
    char id[PAKE_ID_LEN + 1]);
int pake_db_source_set(pake_db *db, const char *source, const char *pake_id,
    pake_err *e);

/* Store maintenance (lib/db_store.c). */
int pake_db_fts_check(pake_db *db, pake_err *e);	/* 0 clean */
int pake_db_fts_rebuild(pake_db *db, pake_err *e);
typedef struct pake_db_content {
	int64_t notes, tags, pending;
} pake_db_content;
int pake_db_content_stats(pake_db *db, pake_db_content *s, pake_err *e);

/* Identity (lib/db_auth.c). */
int pake_db_tenant_get(pake_db *db, const char *name, int64_t id,
    pake_tenant *t, pake_err *e);	/* by name, or by id when name NULL */
int pake_db_tenant_insert(pake_db *db, const pake_tenant *t, int64_t *id,
    pake_err *e);
int pake_db_tenant_status(pake_db *db, int64_t id, const char *status,
    pake_err *e);
/* Write the tenant's four limit overrides (-1: the plan's). */
int pake_db_tenant_limits(pake_db *db, int64_t id,
    const int64_t limit[PAKE_LIM__N], pake_err *e);
typedef int (*pake_tenant_cb)(void *arg, const pake_tenant *t);
int pake_db_tenant_each(pake_db *db, pake_tenant_cb cb, void *arg,
    pake_err *e);

int pake_db_user_get(pake_db *db, int64_t tenant, const char *username,
    int64_t id, pake_user *u, pake_err *e);	/* by name, or id */
int pake_db_user_by_uid(pake_db *db, int64_t uid, pake_user *u, pake_err *e);
int pake_db_user_insert(pake_db *db, const pake_user *u, int64_t *id,
    pake_err *e);
/* Write back the mutable columns: email, pw_hash, role, active, logins,
 * lock, uid. */
int pake_db_user_save(pake_db *db, const pake_user *u, pake_err *e);
/* The tenant's active users in *n; fails (e filled) rather than guess, so
 * a quota never passes on an error. */
int pake_db_user_count(pake_db *db, int64_t tenant, int64_t *n, pake_err *e);
typedef int (*pake_user_cb)(void *arg, const pake_user *u);
int pake_db_user_each(pake_db *db, int64_t tenant, pake_user_cb cb, void *arg,
    pake_err *e);

int pake_db_token_insert(pake_db *db, const pake_token *t, const char *hash,
    int64_t *id, pake_err *e);
int pake_db_token_by_hash(pake_db *db, const char *hash, pake_token *t,
    pake_err *e);
int pake_db_token_get(pake_db *db, int64_t id, pake_token *t, pake_err *e);
int pake_db_token_revoke(pake_db *db, int64_t id, int64_t now, pake_err *e);
int pake_db_token_revoke_family(pake_db *db, const char *family, int64_t now,
    pake_err *e);
int pake_db_token_revoke_user(pake_db *db, int64_t user, int64_t now,
    pake_err *e);
int pake_db_token_used(pake_db *db, int64_t id, int64_t now, pake_err *e);
typedef int (*pake_token_cb)(void *arg, const pake_token *t);
int pake_db_token_each(pake_db *db, int64_t tenant, pake_token_cb cb,
    void *arg, pake_err *e);

int pake_db_event_add(pake_db *db, const pake_event *ev, pake_err *e);
typedef int (*pake_event_cb)(void *arg, const pake_event *ev);
/* tenant 0: every tenant; newest last. */
int pake_db_event_each(pake_db *db, int64_t tenant, int64_t since_ms,
    int limit, pake_event_cb cb, void *arg, pake_err *e);

/* Failed logins by (tenant, username) tried, whether or not it exists. */
int pake_db_login_get(pake_db *db, const char *tenant, const char *username,
    int64_t *fails, int64_t *locked_until_ms, pake_err *e);
int pake_db_login_put(pake_db *db, const char *tenant, const char *username,
    int64_t fails, int64_t locked_until_ms, int64_t now, pake_err *e);
int pake_db_login_clear(pake_db *db, const char *tenant,
    const char *username, pake_err *e);
/* 1 when the tenant has an activity event of that name since since_ms, 0
 * when not, -1 on failure. */
int pake_db_event_since(pake_db *db, int64_t tenant, const char *event,
    int64_t since_ms);

/* Daily usage and a token's last use, as the counters file flushes them
 * (lib/auth.c): calls only ever grow, a last use only moves forward. */
int pake_db_usage_get(pake_db *db, int64_t tenant, int64_t day,
    int64_t *calls, pake_err *e);
int pake_db_usage_put(pake_db *db, int64_t tenant, int64_t day,
    int64_t calls, pake_err *e);
int pake_db_token_touch(pake_db *db, int64_t id, int64_t when, pake_err *e);

/* Maintenance of either kind of file (lib/db.c). */
int pake_db_integrity(pake_db *db, char *msg, size_t n, pake_err *e);
int pake_db_backup(pake_db *db, const char *dest, pake_err *e);
int pake_db_restore(pake_db *db, const char *src, pake_err *e);
int pake_db_vacuum(pake_db *db, pake_err *e);
typedef struct pake_db_file {
	int64_t page_count, page_size, freelist, wal_bytes;
	int schema;
} pake_db_file;
int pake_db_file_stats(pake_db *db, pake_db_file *s, pake_err *e);

/* Health (lib/db_health.c): cheap questions a health check asks. */
int pake_db_ping(pake_db *db, pake_err *e);	/* reads a table */
int pake_db_journal_mode(pake_db *db, char *out, size_t n, pake_err *e);
int pake_db_pending_count(pake_db *db, int64_t *n, pake_err *e);
int pake_db_pending_old(pake_db *db, int64_t *n, pake_err *e);


/* The knowledge graph of a store (lib/db_graph.c; ARCHITECTURE.md §13).
 * Strings in the structs below point into the row being walked and are
 * valid during the callback only. */
enum { PAKE_GNODE_ENTITY = 0, PAKE_GNODE_NOTE = 1 };
typedef struct pake_gnode {
	int64_t id;
	int kind;		/* PAKE_GNODE_* */
	const char *name;	/* an entity's name, a note's title */
	const char *type;	/* entityType, a note's type */
	const char *key;	/* name lowered (ASCII) */
	const char *stem;	/* notes: file stem lowered */
	const char *path;	/* notes: path lowered, without .md */
	int64_t note_id;	/* notes: the notes row */
	const char *pake_id;	/* notes: the note's id (when walked) */
	const char *props;	/* JSON object text, or NULL */
	int64_t created_ms;
} pake_gnode;
typedef struct pake_grel {
	int64_t id;
	int64_t src, dst;	/* nodes; 0: names nothing (yet) */
	const char *src_name, *dst_name, *dst_key, *type;
	int64_t origin;		/* the note node stating it; 0: a tool's */
	const char *props, *context;
	int64_t created_ms;
} pake_grel;
typedef struct pake_gobs {
	int64_t id, node;
	const char *content, *category, *context, *tags;
	int from_note;
} pake_gobs;
typedef int (*pake_gnode_cb)(void *arg, const pake_gnode *n);
typedef int (*pake_grel_cb)(void *arg, const pake_grel *r);
typedef int (*pake_gobs_cb)(void *arg, const pake_gobs *o);

/* Nodes.  insert: PAKE_ECONFLICT when an entity of that name exists. */
int pake_db_gnode_insert(pake_db *db, const pake_gnode *n, int64_t *id,
    pake_err *e);
int pake_db_gnode_update(pake_db *db, const pake_gnode *n, pake_err *e);
int pake_db_gnode_delete(pake_db *db, int64_t id, pake_err *e);
/* One node by id / an entity by exact name / a note's node: cb once,
 * PAKE_ENOTFOUND when none. */
int pake_db_gnode_get(pake_db *db, int64_t id, pake_gnode_cb cb, void *arg,
    pake_err *e);
int pake_db_gnode_entity(pake_db *db, const char *name, pake_gnode_cb cb,
    void *arg, pake_err *e);
int pake_db_gnode_of_note(pake_db *db, int64_t note_id, pake_gnode_cb cb,
    void *arg, pake_err *e);
/* Nodes of kind (-1: any) with id > after, in id order, at most limit. */
int pake_db_gnode_page(pake_db *db, int kind, int64_t after, int limit,
    pake_gnode_cb cb, void *arg, pake_err *e);
/* Entities whose name, type or an observation contains q (3 characters
 * or more: the trigram index, case-insensitive for all of Unicode; shorter:
 * a scan, ASCII case-insensitive), id > after, id order. */
int pake_db_gnode_search(pake_db *db, const char *q, int64_t after,
    int limit, pake_gnode_cb cb, void *arg, pake_err *e);
/* Candidates for a link target: notes whose stem is key (id order), then
 * notes whose title key is key, then entities whose key is key. */
int pake_db_gnode_by_stem(pake_db *db, const char *key, pake_gnode_cb cb,
    void *arg, pake_err *e);
int pake_db_gnode_by_key(pake_db *db, int kind, const char *key,
    int64_t *id, pake_err *e);
/* Refresh an entity's row in the trigram index (name, type,
 * observations); gone: remove it. */
int pake_db_gnode_index(pake_db *db, int64_t id, int gone, pake_err *e);

/* Observations, in the order they were added. */
int pake_db_gobs_add(pake_db *db, const pake_gobs *o, pake_err *e);
int pake_db_gobs_has(pake_db *db, int64_t node, const char *content,
    pake_err *e);			/* 1, 0, or -1 (e filled) */
int pake_db_gobs_delete(pake_db *db, int64_t node, const char *content,
    pake_err *e);
int pake_db_gobs_clear_note(pake_db *db, int64_t node, pake_err *e);
int pake_db_gobs_each(pake_db *db, int64_t node, pake_gobs_cb cb, void *arg,
    pake_err *e);

/* Relations.  insert: PAKE_ECONFLICT for a tool's (from, to, type) that
 * exists. */
int pake_db_grel_insert(pake_db *db, const pake_grel *r, int64_t *id,
    pake_err *e);
int pake_db_grel_get(pake_db *db, int64_t id, pake_grel_cb cb, void *arg,
    pake_err *e);
int pake_db_grel_delete(pake_db *db, int64_t id, pake_err *e);
/* A tool's relation by its triple: delete it; those touching name. */
int pake_db_grel_delete_triple(pake_db *db, const char *from, const char *to,
    const char *type, pake_err *e);
int pake_db_grel_delete_named(pake_db *db, const char *name, pake_err *e);
int pake_db_grel_clear_origin(pake_db *db, int64_t origin, pake_err *e);
/* Tools' relations whose from / to is name now point at node (0: NULL). */
int pake_db_grel_bind_name(pake_db *db, const char *name, int64_t node,
    pake_err *e);
int pake_db_grel_set_dst(pake_db *db, int64_t id, int64_t dst, pake_err *e);
/* Relations stated by notes whose target key is key. */
int pake_db_grel_by_key(pake_db *db, const char *key, pake_grel_cb cb,
    void *arg, pake_err *e);
/* Relations of node: dir 1 from it, 2 to it, 3 both (from first); tools
 * only: only those made by tools.  Id order within each direction. */
int pake_db_grel_of(pake_db *db, int64_t node, int dir, int tools_only,
    pake_grel_cb cb, void *arg, pake_err *e);
/* Every relation with id > after (tools only: made by tools; from_null:
 * only those whose source names nothing), id order, at most limit
 * (0: all). */
int pake_db_grel_page(pake_db *db, int tools_only, int from_null,
    int64_t after, int limit, pake_grel_cb cb, void *arg, pake_err *e);
/* Relations stated by notes that name nothing. */
int pake_db_grel_dangling(pake_db *db, int limit, pake_grel_cb cb,
    void *arg, pake_err *e);

/* Counts for stats: nodes of a kind, relations; by type. */
typedef int (*pake_gcount_cb)(void *arg, const char *what, int64_t n);
int pake_db_graph_counts(pake_db *db, pake_gcount_cb cb, void *arg,
    pake_err *e);	/* what: "entities" "notes" "relations" "dangling"
			 * "observations", then "type:X", "rel:X" */
/* Notes whose graph is not built yet (a store older than the graph). */
int pake_db_graph_unindexed(pake_db *db, char id[PAKE_ID_LEN + 1], pake_err *e);
int pake_db_graph_indexed(pake_db *db, const char *pake_id, pake_err *e);
int pake_db_graph_unindexed_count(pake_db *db, int64_t *n, pake_err *e);

/* The full-text index's words and statistics (lib/db_text.c; issue 12). */
typedef struct pake_word {
	size_t off, len;	/* where it is in the text */
	char word[64];		/* folded as the index folds it; longer
				 * words are cut */
} pake_word;
typedef int (*pake_word_cb)(void *arg, const pake_word *w);
/* Call cb for each word of text as notes_fts tokenizes it (unicode61,
 * remove_diacritics 2); a non-zero return stops and is returned. */
int pake_db_words(pake_db *db, const char *text, size_t len,
    pake_word_cb cb, void *arg, pake_err *e);
/* Notes of the store whose index holds term (0: none). */
int pake_db_term_docs(pake_db *db, const char *term, int64_t *docs,
    pake_err *e);
/* Notes in the store. */
int pake_db_corpus_docs(pake_db *db, int64_t *docs, pake_err *e);

/* Every term of the index with the notes holding it and its
 * occurrences in them (notes_vocab); cb's non-zero return stops. */
typedef int (*pake_vocab_cb)(void *arg, const char *term, int64_t docs,
    int64_t count);
int pake_db_vocab_each(pake_db *db, pake_vocab_cb cb, void *arg,
    pake_err *e);

/* The search log (lib/db_text.c; lib/searchlog.c). */
typedef struct pake_search_row {
	int64_t t, hits, session;
	double ms;
	const char *query, *mode, *front, *actor;
	const char *filters, *sources;	/* JSON text, or NULL */
} pake_search_row;
int pake_db_searchlog_add(pake_db *db, const pake_search_row *r,
    pake_err *e);
/* The actor's latest session: its id and its first search's time (0, 0
 * when none). */
int pake_db_searchlog_last_session(pake_db *db, const char *actor,
    int64_t *id, int64_t *start, pake_err *e);
int pake_db_searchlog_prune(pake_db *db, int64_t before_ms, pake_err *e);
int pake_db_searchlog_count(pake_db *db, int64_t *n, pake_err *e);
/* The newest limit rows, newest first. */
typedef int (*pake_search_cb)(void *arg, const pake_search_row *r);
int pake_db_searchlog_each(pake_db *db, int limit, pake_search_cb cb,
    void *arg, pake_err *e);
/* The newest limit rows at or after since_ms, newest first. */
int pake_db_searchlog_since(pake_db *db, int64_t since_ms, int limit,
    pake_search_cb cb, void *arg, pake_err *e);

/* Summaries written, a batch a row, the newest keep kept (lib/db_text.c;
 * lib/summary.c). */
typedef struct pake_sumlog {
	int64_t at_ms, documents;
	double compression, confidence, ms;	/* means over the documents */
	const char *content_types;	/* JSON object: type -> documents */
} pake_sumlog;
typedef int (*pake_sumlog_cb)(void *arg, const pake_sumlog *b);
int pake_db_sumlog_add(pake_db *db, const pake_sumlog *b, int keep,
    pake_err *e);
/* The newest limit batches, newest first. */
int pake_db_sumlog_each(pake_db *db, int limit, pake_sumlog_cb cb, void *arg,
    pake_err *e);
int pake_db_sumlog_count(pake_db *db, int64_t *n, pake_err *e);

/* Vectors (lib/db_vec.c; lib/vec.c has the design).  A vector is dims
 * float32 values, at most PAKE_VEC_DIMS_CAP (an embedding model's). */
#define PAKE_VEC_DIMS_CAP	4096
#define PAKE_VEC_MODEL_MAX	128	/* bytes of a model's name */
typedef struct pake_vec_info {
	int dims;		/* 0: no fit yet */
	int64_t terms, docs, fitted_ms;
	char model[PAKE_VEC_MODEL_MAX + 1];	/* "lsa" or "embed:NAME" */
	int64_t retry_ms;	/* writers leave the provider alone until */
} pake_vec_info;
/* The fit, or dims 0 when there is none. */
int pake_db_vec_info(pake_db *db, pake_vec_info *i, pake_err *e);
int pake_db_vec_info_put(pake_db *db, const pake_vec_info *i, pake_err *e);
/* Forget the model and every vector (a refit starts here). */
int pake_db_vec_clear(pake_db *db, pake_err *e);
int pake_db_vec_term_put(pake_db *db, const char *term, double idf,
    const float *v, int dims, pake_err *e);
/* A term's vector and idf: 1 found (v, *idf filled), 0 none, -1 (e
 * filled). */
int pake_db_vec_term_get(pake_db *db, const char *term, double *idf,
    float *v, int dims, pake_err *e);
int pake_db_vec_note_put(pake_db *db, int64_t note_id, const float *v,
    int dims, pake_err *e);
int pake_db_vec_note_delete(pake_db *db, int64_t note_id, pake_err *e);
/* A note's vector: 1 found, 0 none, -1 (e filled). */
int pake_db_vec_note_get(pake_db *db, int64_t note_id, float *v, int dims,
    pake_err *e);
/* Every note with a vector of dims values, in note id order. */
typedef int (*pake_vec_note_cb)(void *arg, int64_t note_id,
    const char *pake_id, const char *title, const float *v);
int pake_db_vec_note_each(pake_db *db, int dims, pake_vec_note_cb cb,
    void *arg, pake_err *e);
int pake_db_vec_note_count(pake_db *db, int64_t *n, pake_err *e);
/* Every note vector of dims values, in no order, without the notes' rows
 * (the scan of related notes and search by meaning). */
typedef int (*pake_vec_scan_cb)(void *arg, int64_t note_id, const void *v);
int pake_db_vec_scan(pake_db *db, int dims, pake_vec_scan_cb cb, void *arg,
    pake_err *e);
/* Notes waiting for an embedding (a provider's model; lib/vec_embed.c). */
int pake_db_vec_pending_add(pake_db *db, int64_t note_id, pake_err *e);
int pake_db_vec_pending_del(pake_db *db, int64_t note_id, pake_err *e);
int pake_db_vec_pending_all(pake_db *db, pake_err *e);	/* every note */
/* The first max (by id) into ids[0..*n). */
int pake_db_vec_pending_list(pake_db *db, int64_t *ids, int max, int *n,
    pake_err *e);
int pake_db_vec_pending_count(pake_db *db, int64_t *n, pake_err *e);

/* Feed subscriptions of a store (lib/db_feed.c; lib/feeds.c has the
 * design).  Strings point into the row being walked and are valid during
 * the callback only; NULL when the column is. */
typedef struct pake_db_feed {
	int64_t id;
	const char *url, *title, *etag, *last_modified, *last_error;
	int64_t added_ms, polled_ms, ok_ms, items_seen;
	int save;
} pake_db_feed;
typedef int (*pake_db_feed_cb)(void *arg, const pake_db_feed *f);
int pake_db_feed_count(pake_db *db, int64_t *n, pake_err *e);
/* PAKE_ECONFLICT when a feed of that url exists. */
int pake_db_feed_insert(pake_db *db, const pake_db_feed *f, int64_t *id,
    pake_err *e);
/* The feed and its seen items; PAKE_ENOTFOUND when none has that url. */
int pake_db_feed_delete(pake_db *db, const char *url, pake_err *e);
/* cb once; PAKE_ENOTFOUND when none has that url. */
int pake_db_feed_get(pake_db *db, const char *url, pake_db_feed_cb cb,
    void *arg, pake_err *e);
/* Every feed, oldest subscription first. */
int pake_db_feed_each(pake_db *db, pake_db_feed_cb cb, void *arg,
    pake_err *e);
/* A poll's outcome: ok, the validators of the answer, polled_ms = ok_ms =
 * now, no error; else polled_ms = now and error, the validators kept.
 * seen: items_seen grows by it either way. */
int pake_db_feed_polled(pake_db *db, int64_t id, int ok, const char *etag,
    const char *last_modified, const char *error, int64_t now,
    int64_t seen, pake_err *e);
/* Items seen: 1 when guid is, 0 not, -1 (e filled). */
int pake_db_feed_seen_has(pake_db *db, int64_t feed, const char *guid,
    pake_err *e);
/* Remember guid; *added 1 when it was not yet. */
int pake_db_feed_seen_add(pake_db *db, int64_t feed, const char *guid,
    int *added, pake_err *e);
/* Keep the newest keep ids of a feed (by insertion). */
int pake_db_feed_seen_trim(pake_db *db, int64_t feed, int keep,
    pake_err *e);

/* Saved research topics of a store (lib/db_topic.c; lib/topics.c has the
 * design).  Strings as with feeds: valid during the callback only. */
typedef struct pake_db_topic {
	int64_t id;
	const char *source, *query, *last_error;
	int64_t max_results, added_ms, polled_ms, ok_ms, saved;
} pake_db_topic;
typedef int (*pake_db_topic_cb)(void *arg, const pake_db_topic *t);
int pake_db_topic_count(pake_db *db, int64_t *n, pake_err *e);
/* PAKE_ECONFLICT when the source has a topic of that query. */
int pake_db_topic_insert(pake_db *db, const pake_db_topic *t, int64_t *id,
    pake_err *e);
/* PAKE_ENOTFOUND when there is no such topic. */
int pake_db_topic_delete(pake_db *db, const char *source, const char *query,
    pake_err *e);
/* cb once; PAKE_ENOTFOUND when no topic has that id. */
int pake_db_topic_get(pake_db *db, int64_t id, pake_db_topic_cb cb,
    void *arg, pake_err *e);
/* Every topic, oldest first. */
int pake_db_topic_each(pake_db *db, pake_db_topic_cb cb, void *arg,
    pake_err *e);
/* A poll's outcome: ok, polled_ms = ok_ms = now and no error; else
 * polled_ms = now and error.  saved (notes made) is added either way. */
int pake_db_topic_polled(pake_db *db, int64_t id, int ok, const char *error,
    int64_t now, int64_t saved, pake_err *e);

#endif
