/*
 * db_note.c: the SQL of notes, tags, search and vault bookkeeping.
 *
 * Tags live twice: in note_tags (one row per tag, for filters and counts)
 * and joined in notes.tags (for the full-text index).  Both are written in
 * the same transaction by the same function, so they cannot drift.
 * Every statement works on one store: a store holds one tenant's notes.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pake/db_int.h"
#include "pake/util.h"

/* Column order of NOTE_COLS. */
#define NOTE_COLS "pake_id, title, type, status, confidence, " \
	"verification_status, created_at, modified_at, created_ms, " \
	"modified_ms, source_uri, summary, human_notes, body, file_path, " \
	"extra_json, extra_yaml, tags, id, version"

static const char SQL_INSERT[] = "INSERT INTO notes(" NOTE_COLS ") "
    "VALUES(?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
    "?16, ?17, ?18, ?19, NULL, ?20)";
/* UPDATE numbers its columns like INSERT (bind_note); ?1 is unused. */
static const char SQL_UPDATE[] = "UPDATE notes SET title = ?3, type = ?4, "
    "status = ?5, confidence = ?6, verification_status = ?7, "
    "created_at = ?8, modified_at = ?9, created_ms = ?10, "
    "modified_ms = ?11, source_uri = ?12, summary = ?13, "
    "human_notes = ?14, body = ?15, file_path = ?16, extra_json = ?17, "
    "extra_yaml = ?18, tags = ?19, version = ?20 WHERE pake_id = ?2";
static const char SQL_DELETE[] = "DELETE FROM notes WHERE pake_id = ?1";
static const char SQL_GET[] = "SELECT " NOTE_COLS " FROM notes "
    "WHERE pake_id = ?1";
static const char SQL_EXISTS[] = "SELECT id FROM notes WHERE pake_id = ?1";
static const char SQL_GET_ROWID[] = "SELECT " NOTE_COLS " FROM notes "
    "WHERE id = ?1";
static const char SQL_CHANGED_SINCE[] = "SELECT count(*) FROM notes WHERE "
    "modified_ms > ?1";
static const char SQL_KEYS_DEL[] = "DELETE FROM note_keys WHERE pake_id = ?1";
static const char SQL_KEY_ADD[] = "INSERT OR IGNORE INTO note_keys(key, "
    "pake_id) VALUES(?1, ?2)";
static const char SQL_KEY_FIND[] = "SELECT k.pake_id FROM note_keys k JOIN "
    "notes n ON n.pake_id = k.pake_id WHERE k.key = ?1 ORDER BY n.id "
    "LIMIT 1";
static const char SQL_BRIEF[] = "SELECT pake_id, title FROM notes WHERE "
    "id = ?1";
static const char SQL_PATH_TAKEN[] = "SELECT 1 FROM notes WHERE "
    "file_path = ?1";
static const char SQL_BY_PATH[] = "SELECT pake_id FROM notes WHERE "
    "file_path = ?1";
static const char SQL_SET_PATH[] = "UPDATE notes SET file_path = ?2 WHERE "
    "pake_id = ?1";
static const char SQL_COUNT[] = "SELECT notes FROM store_info";
static const char SQL_COUNT_ADD[] = "UPDATE store_info SET notes = "
    "notes + ?1";
static const char SQL_LIST[] = "SELECT " NOTE_COLS " FROM notes "
    "ORDER BY modified_ms DESC, id DESC LIMIT ?1";
static const char SQL_LIST_AFTER[] = "SELECT " NOTE_COLS " FROM notes "
    "WHERE (modified_ms, id) < (?2, ?3) "
    "ORDER BY modified_ms DESC, id DESC LIMIT ?1";
static const char SQL_EACH[] = "SELECT " NOTE_COLS " FROM notes ORDER BY id";
static const char SQL_IDS[] = "SELECT pake_id FROM notes ORDER BY id";
/* Plain single-row statements on purpose: an INSERT ... SELECT opens
 * a statement transaction, and FTS5 flushes its pending terms at each
 * one (see the note on notes_fts in db_store.c). */
static const char SQL_TAG_DEL[] = "DELETE FROM note_tags WHERE note_id = ?1";
static const char SQL_TAG_ADD[] = "INSERT OR IGNORE INTO note_tags(note_id, "
    "tag) VALUES(?1, ?2)";
static const char SQL_TAGS[] = "SELECT tag, count(*) AS n FROM note_tags "
    "GROUP BY tag ORDER BY n DESC, tag LIMIT ?1";
static const char SQL_PENDING_ADD[] = "INSERT OR REPLACE INTO "
    "vault_pending(pake_id, file_path, time_ms) VALUES(?1, ?2, ?3)";
static const char SQL_PENDING_DONE[] = "DELETE FROM vault_pending "
    "WHERE seq = ?1";
static const char SQL_PENDING_EACH[] = "SELECT seq, pake_id, file_path FROM "
    "vault_pending WHERE time_ms < ?1 ORDER BY seq";
static const char SQL_TOMB_ADD[] = "INSERT OR REPLACE INTO "
    "note_tombstones(pake_id, file_path, deleted_ms) VALUES(?1, ?2, ?3)";
static const char SQL_TOMB_HAS[] = "SELECT 1 FROM note_tombstones WHERE "
    "pake_id = ?1";
static const char SQL_TOMB_DEL[] = "DELETE FROM note_tombstones WHERE "
    "pake_id = ?1";
static const char SQL_SOURCE_GET[] = "SELECT pake_id FROM note_sources "
    "WHERE source = ?1";
static const char SQL_SOURCE_SET[] = "INSERT OR REPLACE INTO "
    "note_sources(source, pake_id) VALUES(?1, ?2)";
static const char SQL_FTS_ADD[] = "INSERT INTO notes_fts(rowid, title, body, "
    "summary, tags) VALUES(?1, ?2, ?3, ?4, ?5)";
static const char SQL_FTS_DEL[] = "INSERT INTO notes_fts(notes_fts, rowid, "
    "title, body, summary, tags) SELECT 'delete', id, title, body, summary, "
    "tags FROM notes WHERE pake_id = ?1";

/* Column indexes of NOTE_COLS. */
enum { C_PAKE_ID, C_TITLE, C_TYPE, C_STATUS, C_CONF, C_VSTATUS, C_CREATED,
	C_MODIFIED, C_CREATED_MS, C_MODIFIED_MS, C_SOURCE, C_SUMMARY, C_HUMAN,
	C_BODY, C_PATH, C_EXTRA_JSON, C_EXTRA_YAML, C_TAGS, C_ID, C_VERSION };

/* Tags joined by newlines (a tag holds no control character) for the
 * index; the tokenizer splits them, and row_tags() splits them back. */
static char *
join_tags(const pake_note *n)
{
	pake_buf b = {0};
	size_t i;

	for (i = 0; i < n->ntags; i++) {
		if (i)
			pake_buf_putc(&b, '\n');
		pake_buf_puts(&b, n->tags[i]);
	}
	return pake_buf_take(&b);
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	if (t == NULL)
		return NULL;
	return pake_strndup((const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

/* Fill n from the current row; tags come from note_tags (see load_tags). */
static int
row_to_note(sqlite3_stmt *st, pake_note *n, pake_err *e)
{
	pake_note_init(n);
	pake_strlcpy(n->pake_id, (const char *)sqlite3_column_text(st, C_PAKE_ID),
	    sizeof n->pake_id);
	n->title = col_dup(st, C_TITLE);
	n->type = col_dup(st, C_TYPE);
	n->status = col_dup(st, C_STATUS);
	n->confidence = sqlite3_column_double(st, C_CONF);
	n->verification_status = col_dup(st, C_VSTATUS);
	n->created_at = col_dup(st, C_CREATED);
	n->modified_at = col_dup(st, C_MODIFIED);
	n->created_ms = sqlite3_column_int64(st, C_CREATED_MS);
	n->modified_ms = sqlite3_column_int64(st, C_MODIFIED_MS);
	n->source_uri = col_dup(st, C_SOURCE);
	n->summary = col_dup(st, C_SUMMARY);
	n->human_notes = col_dup(st, C_HUMAN);
	n->body = col_dup(st, C_BODY);
	n->body_len = (size_t)sqlite3_column_bytes(st, C_BODY);
	n->file_path = col_dup(st, C_PATH);
	n->extra_json = col_dup(st, C_EXTRA_JSON);
	n->extra_yaml = col_dup(st, C_EXTRA_YAML);
	n->rowid = sqlite3_column_int64(st, C_ID);
	n->version = sqlite3_column_int64(st, C_VERSION);
	if (!n->title || !n->type || !n->status || !n->verification_status ||
	    !n->created_at || !n->modified_at || !n->source_uri || !n->body ||
	    !n->file_path) {
		pake_note_free(n);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, "row");
	}
	return 0;
}

/* The tags of the current row, in the order they were written: notes.tags
 * keeps that order, note_tags does not. */
static int
row_tags(sqlite3_stmt *st, pake_note *n, pake_err *e)
{
	const char *t = (const char *)sqlite3_column_text(st, C_TAGS);
	char *copy, *tok, *save;
	int rc = 0;

	if (t == NULL || *t == '\0')
		return 0;
	if ((copy = strdup(t)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	for (tok = strtok_r(copy, "\n", &save); tok && rc == 0;
	    tok = strtok_r(NULL, "\n", &save))
		rc = pake_note_add_tag(n, tok, e);
	free(copy);
	return rc;
}

/* Bind the note's columns to ?2..?20 in NOTE_COLS order. */
static void
bind_note(sqlite3_stmt *st, const pake_note *n, const char *tags)
{
	db_bind_text(st, 2, n->pake_id);
	db_bind_text(st, 3, n->title);
	db_bind_text(st, 4, n->type);
	db_bind_text(st, 5, n->status);
	sqlite3_bind_double(st, 6, n->confidence);
	db_bind_text(st, 7, n->verification_status);
	db_bind_text(st, 8, n->created_at);
	db_bind_text(st, 9, n->modified_at);
	sqlite3_bind_int64(st, 10, n->created_ms);
	sqlite3_bind_int64(st, 11, n->modified_ms);
	db_bind_text(st, 12, n->source_uri);
	db_bind_text(st, 13, n->summary);
	db_bind_text(st, 14, n->human_notes);
	sqlite3_bind_text(st, 15, n->body ? n->body : "",
	    n->body ? (int)n->body_len : 0, SQLITE_STATIC);
	db_bind_text(st, 16, n->file_path);
	db_bind_text(st, 17, n->extra_json);
	db_bind_text(st, 18, n->extra_yaml);
	db_bind_text(st, 19, tags);
	sqlite3_bind_int64(st, 20, n->version > 0 ? n->version : 1);
}
/* Replace the rows in note_tags of the note stored as row id. */
static int
write_tags(pake_db *db, int64_t id, const pake_note *n, int fresh,
    pake_err *e)
{
	size_t i;
	int rc = 0;

	if (!fresh)
		rc = db_run(db, SQL_TAG_DEL, e, "i", id);
	for (i = 0; i < n->ntags && rc == 0; i++)
		rc = db_run(db, SQL_TAG_ADD, e, "it", id, n->tags[i]);
	return rc;
}
/* The row id of a note, 0 when there is none. */
int64_t
pake_db_note_rowid(pake_db *db, const char *pake_id)
{
	int64_t id = 0;
	pake_err e;

	return db_int1(db, SQL_EXISTS, &id, &e, "t", pake_id) == 1 ? id : 0;
}
/* Take the note's current row out of the full-text index (before the row
 * changes or goes). */
static int
fts_del(pake_db *db, const char *pake_id, pake_err *e)
{
	return db_run(db, SQL_FTS_DEL, e, "t", pake_id);
}

/* Index the note stored as row id. */
static int
fts_add(pake_db *db, int64_t id, const pake_note *n, const char *tags,
    pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_FTS_ADD, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, n->title);
	sqlite3_bind_text(st, 3, n->body ? n->body : "",
	    n->body ? (int)n->body_len : 0, SQLITE_STATIC);
	db_bind_text(st, 4, n->summary);
	db_bind_text(st, 5, tags);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "fts add");
}

/* Insert or update: the same columns, then the index and the tags. */
static int
note_write(pake_db *db, const pake_note *n, int insert, pake_err *e)
{
	sqlite3_stmt *st;
	int64_t rowid;
	char *tags;
	int rc;

	if ((tags = join_tags(n)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if (!insert && (rc = fts_del(db, n->pake_id, e)) != 0) {
		free(tags);
		return rc;
	}
	if ((st = db_stmt(db, insert ? SQL_INSERT : SQL_UPDATE, e)) == NULL) {
		free(tags);
		return e->code;
	}
	bind_note(st, n, tags);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(tags);
		return db_fail(db, rc, e, insert ? "insert note" :
		    "update note");
	}
	if (!insert && sqlite3_changes(db->h) == 0) {
		free(tags);
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NOTE_NOT_FOUND,
		    "update %s", n->pake_id);
	}
	rowid = insert ? sqlite3_last_insert_rowid(db->h) :
	    pake_db_note_rowid(db, n->pake_id);
	rc = fts_add(db, rowid, n, tags, e);
	free(tags);
	if (rc != 0)
		return rc;
	/* An imported note may come back after a delete; the store counts
	 * its notes for the quota. */
	if (insert &&
	    ((rc = db_run(db, SQL_TOMB_DEL, e, "t", n->pake_id)) != 0 ||
	    (rc = db_run(db, SQL_COUNT_ADD, e, "i", (int64_t)1)) != 0))
		return rc;
	return write_tags(db, rowid, n, insert, e);
}

int
pake_db_note_insert(pake_db *db, const pake_note *n, pake_err *e)
{
	return note_write(db, n, 1, e);
}

int
pake_db_note_update(pake_db *db, const pake_note *n, pake_err *e)
{
	return note_write(db, n, 0, e);
}
int
pake_db_note_delete(pake_db *db, const char *pake_id, pake_err *e)
{
	int rc;

	if ((rc = fts_del(db, pake_id, e)) != 0 ||
	    (rc = db_run(db, SQL_DELETE, e, "t", pake_id)) != 0)
		return rc;
	if (sqlite3_changes(db->h) == 0)
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NOTE_NOT_FOUND,
		    "delete %s", pake_id);
	return db_run(db, SQL_COUNT_ADD, e, "i", (int64_t)-1);
}

/* The note of the one-row query st (bound): PAKE_ENOTFOUND when none. */
static int
get_one(pake_db *db, sqlite3_stmt *st, pake_note *n, pake_err *e)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NOTE_NOT_FOUND,
		    NULL);
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_fail(db, rc, e, "get note");
	}
	rc = row_to_note(st, n, e);
	if (rc == 0 && (rc = row_tags(st, n, e)) != 0)
		pake_note_free(n);
	sqlite3_reset(st);
	return rc;
}

int
pake_db_note_get(pake_db *db, const char *pake_id, pake_note *n, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_GET, e)) == NULL)
		return e->code;
	db_bind_text(st, 1, pake_id);
	if ((rc = get_one(db, st, n, e)) == PAKE_ENOTFOUND)
		pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NOTE_NOT_FOUND,
		    "note %s", pake_id);
	return rc;
}

int
pake_db_notes_changed_since(pake_db *db, int64_t ms, int64_t *n, pake_err *e)
{
	*n = 0;
	return db_int1(db, SQL_CHANGED_SINCE, n, e, "i", ms) < 0 ? e->code : 0;
}

int
pake_db_note_brief(pake_db *db, int64_t rowid, char *pake_id, size_t idsz,
    char **title, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*title = NULL;
	if ((st = db_stmt(db, SQL_BRIEF, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, rowid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 1);

		db_col_copy(st, 0, pake_id, idsz);
		if ((*title = pake_strdup(t ? t : "")) == NULL) {
			sqlite3_reset(st);
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
			    NULL);
		}
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NOTE_NOT_FOUND,
		    NULL);
	return rc == SQLITE_ROW ? 0 : db_fail(db, rc, e, "get note");
}

int
pake_db_note_get_rowid(pake_db *db, int64_t rowid, pake_note *n, pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_GET_ROWID, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, rowid);
	return get_one(db, st, n, e);
}
/* 1 when the single-row query sql with ?1 = s finds a row, 0 when not,
 * -1 on failure. */
static int
exists(pake_db *db, const char *sql, const char *s)
{
	int64_t v;
	pake_err e;

	return db_int1(db, sql, &v, &e, "t", s);
}

int
pake_db_note_exists(pake_db *db, const char *pake_id)
{
	return exists(db, SQL_EXISTS, pake_id);
}

int
pake_db_path_taken(pake_db *db, const char *file_path)
{
	return exists(db, SQL_PATH_TAKEN, file_path);
}

int
pake_db_tombstone_has(pake_db *db, const char *pake_id)
{
	return exists(db, SQL_TOMB_HAS, pake_id);
}

/* The note at a vault path (file_path is unique). */
int
pake_db_note_by_path(pake_db *db, const char *file_path,
    char id[PAKE_ID_LEN + 1], pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	id[0] = '\0';
	if ((st = db_stmt(db, SQL_BY_PATH, e)) == NULL)
		return e->code;
	db_bind_text(st, 1, file_path);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		pake_strlcpy(id, (const char *)sqlite3_column_text(st, 0),
		    PAKE_ID_LEN + 1);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NOTE_NOT_FOUND,
		    "no note at that path");
	return db_fail(db, rc, e, "note by path");
}
int
pake_db_note_set_path(pake_db *db, const char *pake_id,
    const char *file_path, pake_err *e)
{
	return db_run(db, SQL_SET_PATH, e, "tt", pake_id, file_path);
}

int64_t
pake_db_note_count(pake_db *db)
{
	int64_t n = -1;
	pake_err e;

	return db_int1(db, SQL_COUNT, &n, &e, "") == 1 ? n : -1;
}

/* Step st, handing each row to cb as a note. */
static int
walk(pake_db *db, sqlite3_stmt *st, pake_note_cb cb, void *arg, pake_err *e)
{
	pake_note n;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = row_to_note(st, &n, e)) != 0 ||
		    (rc = row_tags(st, &n, e)) != 0) {
			pake_note_free(&n);
			sqlite3_reset(st);
			return rc;
		}
		rc = cb(arg, &n);
		pake_note_free(&n);
		if (rc != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "read notes");
}

int
pake_db_note_list(pake_db *db, int limit, int64_t after_ms, int64_t after_id,
    pake_note_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;

	st = db_stmt(db, after_id > 0 ? SQL_LIST_AFTER : SQL_LIST, e);
	if (st == NULL)
		return e->code;
	sqlite3_bind_int(st, 1, limit);
	if (after_id > 0) {
		sqlite3_bind_int64(st, 2, after_ms);
		sqlite3_bind_int64(st, 3, after_id);
	}
	return walk(db, st, cb, arg, e);
}

int
pake_db_note_each(pake_db *db, pake_note_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_EACH, e)) == NULL)
		return e->code;
	return walk(db, st, cb, arg, e);
}

int
pake_db_note_ids(pake_db *db, pake_id_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = db_stmt(db, SQL_IDS, e)) == NULL)
		return e->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((stop = cb(arg, (const char *)sqlite3_column_text(st,
		    0))) != 0)
			break;
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "note ids");
}

/*
 * Search builds its SQL from which filters are present (the text of the
 * SQL depends only on their presence and counts, never on user text, which
 * is always bound), so the statement cache serves repeated shapes.
 */
int
pake_db_search_notes(pake_db *db, const pake_db_search *q,
    pake_note_cb cb, void *arg, pake_err *e)
{
	pake_buf sql = {0};
	sqlite3_stmt *st;
	size_t i;
	int k = 1, rc;

	/* The inner query picks the page's ids and sort keys only; the rows,
	 * bodies and all, are read for those few ids alone.  Sorting whole
	 * rows of every match made ranked searches twice as slow. */
	pake_buf_puts(&sql, "SELECT x.pake_id, x.title, x.type, x.status, "
	    "x.confidence, x.verification_status, x.created_at, x.modified_at, "
	    "x.created_ms, x.modified_ms, x.source_uri, x.summary, "
	    "x.human_notes, x.body, x.file_path, x.extra_json, x.extra_yaml, "
	    "x.tags, x.id FROM (SELECT n.id AS rid, ");
	if (q->match)
		pake_buf_puts(&sql, "bm25(notes_fts, 10.0, 1.0, 3.0, 5.0) AS r "
		    "FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid "
		    "WHERE notes_fts MATCH ?1 AND ");
	else
		pake_buf_puts(&sql, "n.modified_ms AS r FROM notes n "
		    "WHERE ?1 IS NULL AND ");
	pake_buf_puts(&sql, "1");	/* ?2 is free: the filters follow */
	if (q->exclude)
		pake_buf_puts(&sql, " AND n.id NOT IN (SELECT rowid FROM "
		    "notes_fts WHERE notes_fts MATCH ?3)");
	k = 4;
	if (q->ntypes) {
		pake_buf_puts(&sql, " AND n.type IN (");
		for (i = 0; i < q->ntypes; i++)
			pake_buf_printf(&sql, "%s?%d", i ? "," : "", k++);
		pake_buf_putc(&sql, ')');
	}
	if (q->status)
		pake_buf_printf(&sql, " AND n.status = ?%d", k++);
	for (i = 0; i < q->ntags_all; i++)
		pake_buf_printf(&sql, " AND EXISTS (SELECT 1 FROM note_tags t "
		    "WHERE t.note_id = n.id AND t.tag = ?%d)", k++);
	if (q->ntags_any) {
		pake_buf_puts(&sql, " AND EXISTS (SELECT 1 FROM note_tags t "
		    "WHERE t.note_id = n.id AND t.tag IN (");
		for (i = 0; i < q->ntags_any; i++)
			pake_buf_printf(&sql, "%s?%d", i ? "," : "", k++);
		pake_buf_puts(&sql, "))");
	}
	if (q->min_conf >= 0)
		pake_buf_printf(&sql, " AND n.confidence >= ?%d", k++);
	if (q->created_from)
		pake_buf_printf(&sql, " AND n.created_ms >= ?%d", k++);
	if (q->created_to)
		pake_buf_printf(&sql, " AND n.created_ms <= ?%d", k++);
	if (q->modified_from)
		pake_buf_printf(&sql, " AND n.modified_ms >= ?%d", k++);
	if (q->modified_to)
		pake_buf_printf(&sql, " AND n.modified_ms <= ?%d", k++);
	/* Title weighs most, then tags, summary, body (BM25: lower first);
	 * without words, most recently modified first. */
	if (q->match)
		pake_buf_puts(&sql, " ORDER BY r, rid DESC");
	else
		pake_buf_puts(&sql, " ORDER BY r DESC, rid DESC");
	pake_buf_printf(&sql, " LIMIT ?%d OFFSET ?%d) t JOIN notes x ON "
	    "x.id = t.rid ORDER BY %s", k, k + 1, q->match ? "t.r, t.rid DESC" :
	    "t.r DESC, t.rid DESC");
	if (sql.oom)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	st = db_stmt_dyn(db, sql.p, e);
	pake_buf_free(&sql);
	if (st == NULL)
		return e->code;
	db_bind_text(st, 1, q->match);
	if (q->exclude)
		db_bind_text(st, 3, q->exclude);
	k = 4;
	for (i = 0; i < q->ntypes; i++)
		db_bind_text(st, k++, q->types[i]);
	if (q->status)
		db_bind_text(st, k++, q->status);
	for (i = 0; i < q->ntags_all; i++)
		db_bind_text(st, k++, q->tags_all[i]);
	for (i = 0; i < q->ntags_any; i++)
		db_bind_text(st, k++, q->tags_any[i]);
	if (q->min_conf >= 0)
		sqlite3_bind_double(st, k++, q->min_conf);
	if (q->created_from)
		sqlite3_bind_int64(st, k++, q->created_from);
	if (q->created_to)
		sqlite3_bind_int64(st, k++, q->created_to);
	if (q->modified_from)
		sqlite3_bind_int64(st, k++, q->modified_from);
	if (q->modified_to)
		sqlite3_bind_int64(st, k++, q->modified_to);
	sqlite3_bind_int(st, k, q->limit);
	sqlite3_bind_int(st, k + 1, q->offset);
	rc = walk(db, st, cb, arg, e);
	return rc;
}

int
pake_db_tags(pake_db *db, int limit, pake_tag_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_TAGS, e)) == NULL)
		return e->code;
	sqlite3_bind_int(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = cb(arg, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int64(st, 1));
		if (rc != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "tags");
}
int
pake_db_pending_add(pake_db *db, const char *pake_id, const char *file_path,
    int64_t *seq, pake_err *e)
{
	int rc;

	rc = db_run(db, SQL_PENDING_ADD, e, "tti", pake_id, file_path,
	    pake_now_ms());
	if (rc == 0)
		*seq = sqlite3_last_insert_rowid(db->h);
	return rc;
}
int
pake_db_pending_done(pake_db *db, int64_t seq, pake_err *e)
{
	return db_run(db, SQL_PENDING_DONE, e, "i", seq);
}

int
pake_db_pending_each(pake_db *db, pake_pending_cb cb, void *arg, pake_err *e)
{
	return pake_db_pending_before(db, INT64_MAX, cb, arg, e);
}

int
pake_db_pending_before(pake_db *db, int64_t before_ms, pake_pending_cb cb,
    void *arg, pake_err *e)
{
	sqlite3_stmt *st;
	struct row { int64_t seq; char id[40]; char *path; } *rows = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	/* Collect first: the callback writes to the same table. */
	if ((st = db_stmt(db, SQL_PENDING_EACH, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, before_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			struct row *r;
			cap = cap ? cap * 2 : 16;
			if ((r = realloc(rows, cap * sizeof *r)) == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			rows = r;
		}
		rows[n].seq = sqlite3_column_int64(st, 0);
		pake_strlcpy(rows[n].id, (const char *)sqlite3_column_text(st, 1),
		    sizeof rows[n].id);
		rows[n].path = col_dup(st, 2);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		rc = db_fail(db, rc, e, "pending");
	else
		rc = 0;
	for (i = 0; i < n; i++) {
		if (rc == 0 && rows[i].path)
			rc = cb(arg, rows[i].id, rows[i].path, rows[i].seq);
		free(rows[i].path);
	}
	free(rows);
	return rc;
}
int
pake_db_tombstone_add(pake_db *db, const char *pake_id,
    const char *file_path, pake_err *e)
{
	return db_run(db, SQL_TOMB_ADD, e, "tti", pake_id, file_path,
	    pake_now_ms());
}

int
pake_db_source_get(pake_db *db, const char *source, char id[PAKE_ID_LEN + 1])
{
	sqlite3_stmt *st;
	pake_err e;
	int rc;

	id[0] = '\0';
	if ((st = db_stmt(db, SQL_SOURCE_GET, &e)) == NULL)
		return -1;
	db_bind_text(st, 1, source);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		pake_strlcpy(id, (const char *)sqlite3_column_text(st, 0),
		    PAKE_ID_LEN + 1);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
int
pake_db_source_set(pake_db *db, const char *source, const char *pake_id,
    pake_err *e)
{
	return db_run(db, SQL_SOURCE_SET, e, "tt", source, pake_id);
}

int
pake_db_note_keys_set(pake_db *db, const char *pake_id, char keys[][512],
    int n, pake_err *e)
{
	int i, rc;

	if ((rc = db_run(db, SQL_KEYS_DEL, e, "t", pake_id)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = db_run(db, SQL_KEY_ADD, e, "tt", keys[i],
		    pake_id)) != 0)
			return rc;
	return 0;
}

int
pake_db_note_key_find(pake_db *db, const char *key, char *pake_id,
    size_t n, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	pake_id[0] = '\0';
	if ((st = db_stmt(db, SQL_KEY_FIND, e)) == NULL)
		return -1;
	db_bind_text(st, 1, key);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		db_col_copy(st, 0, pake_id, n);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	db_fail(db, rc, e, "note key");
	return -1;
}
