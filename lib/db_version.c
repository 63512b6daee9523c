/*
 * db_version.c: the SQL of a note's versions (ARCHITECTURE.md §3).
 *
 * note_versions holds the markdown of every state a note has had, keyed by
 * (pake_id, version); a delete is a row without markdown.  Rows are added
 * by the one write path (store.c) in the transaction of the change they
 * record, so a state and its row cannot drift.
 */
#include <stdlib.h>
#include <string.h>
#include "pake/db_int.h"
#include "pake/util.h"

static const char SQL_ADD[] = "INSERT INTO note_versions(pake_id, version, "
    "op, actor, front, time_ms, title, markdown) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_GET[] = "SELECT version, op, actor, front, time_ms, "
    "title, markdown, length(markdown) FROM note_versions "
    "WHERE pake_id = ?1 AND version = ?2";
static const char SQL_LAST[] = "SELECT max(version) FROM note_versions "
    "WHERE pake_id = ?1";
static const char SQL_HAS[] = "SELECT 1 FROM note_versions "
    "WHERE pake_id = ?1 AND version = ?2";
static const char SQL_EACH[] = "SELECT version, op, actor, front, time_ms, "
    "title, NULL, length(markdown) FROM note_versions WHERE pake_id = ?1 "
    "ORDER BY version";
/* Notes whose last version is a delete and that have not come back. */
static const char SQL_DELETED[] = "SELECT v.pake_id, v.version, v.op, "
    "v.actor, v.front, v.time_ms, v.title, NULL, NULL FROM note_versions v "
    "WHERE v.markdown IS NULL AND v.version = (SELECT max(u.version) FROM "
    "note_versions u WHERE u.pake_id = v.pake_id) AND NOT EXISTS (SELECT 1 "
    "FROM notes n WHERE n.pake_id = v.pake_id) "
    "ORDER BY v.time_ms DESC, v.pake_id LIMIT ?1";
/* Keep the ?1 newest states of each note (a deleted note: its delete and
 * ?1 states before it) and everything from ?2 on. */
static const char SQL_PRUNE[] = "WITH last AS (SELECT pake_id, "
    "max(version) AS v FROM note_versions GROUP BY pake_id), "
    "floor AS (SELECT l.pake_id, l.v - ?1 - (SELECT count(*) FROM "
    "note_versions d WHERE d.pake_id = l.pake_id AND d.version = l.v AND "
    "d.markdown IS NULL) AS f FROM last l) "
    "DELETE FROM note_versions WHERE time_ms < ?2 AND version <= "
    "(SELECT f FROM floor WHERE floor.pake_id = note_versions.pake_id)";

static const char SQL_KEY_GET[] = "SELECT pake_id FROM idempotency_keys "
    "WHERE key = ?1 AND time_ms >= ?2";
static const char SQL_KEY_PUT[] = "INSERT OR REPLACE INTO "
    "idempotency_keys(key, pake_id, time_ms) VALUES(?1, ?2, ?3)";
static const char SQL_KEY_OLD[] = "DELETE FROM idempotency_keys "
    "WHERE time_ms < ?1";

int
pake_db_idem_get(pake_db *db, const char *key, int64_t since_ms,
    char id[PAKE_ID_LEN + 1], pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	id[0] = '\0';
	if ((st = db_stmt(db, SQL_KEY_GET, e)) == NULL)
		return e->code;
	db_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, since_ms);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		pake_strlcpy(id, (const char *)sqlite3_column_text(st, 0),
		    PAKE_ID_LEN + 1);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    db_fail(db, rc, e, "idempotency key");
}

int
pake_db_idem_put(pake_db *db, const char *key, const char *pake_id,
    int64_t now_ms, int64_t forget_before_ms, pake_err *e)
{
	int rc;

	if ((rc = db_run(db, SQL_KEY_OLD, e, "i", forget_before_ms)) != 0)
		return rc;
	return db_run(db, SQL_KEY_PUT, e, "tti", key, pake_id, now_ms);
}

void
pake_version_free(pake_version *v)
{
	free(v->title);
	free(v->markdown);
	memset(v, 0, sizeof *v);
}

int
pake_db_version_add(pake_db *db, const char *pake_id, const pake_version *v,
    pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_ADD, e)) == NULL)
		return e->code;
	db_bind_text(st, 1, pake_id);
	sqlite3_bind_int64(st, 2, v->version);
	db_bind_text(st, 3, v->op);
	db_bind_text(st, 4, v->actor);
	db_bind_text(st, 5, v->front);
	sqlite3_bind_int64(st, 6, v->time_ms);
	db_bind_text(st, 7, v->title);
	if (v->markdown)
		sqlite3_bind_blob(st, 8, v->markdown, (int)v->len,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 8);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return pake_fail(e, PAKE_ECONFLICT, NULL, "version %lld of %s "
		    "exists", (long long)v->version, pake_id);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "add version");
}

/* Fill v from the current row (columns as in SQL_EACH, from 0). */
static int
row_version(sqlite3_stmt *st, int off, pake_version *v, pake_err *e)
{
	const void *md;

	memset(v, 0, sizeof *v);
	v->version = sqlite3_column_int64(st, off);
	pake_strlcpy(v->op, (const char *)sqlite3_column_text(st, off + 1),
	    sizeof v->op);
	pake_strlcpy(v->actor, (const char *)sqlite3_column_text(st, off + 2),
	    sizeof v->actor);
	pake_strlcpy(v->front, (const char *)sqlite3_column_text(st, off + 3),
	    sizeof v->front);
	v->time_ms = sqlite3_column_int64(st, off + 4);
	if (sqlite3_column_type(st, off + 5) != SQLITE_NULL &&
	    (v->title = pake_strdup((const char *)sqlite3_column_text(st,
	    off + 5))) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	v->deleted = sqlite3_column_type(st, off + 7) == SQLITE_NULL;
	v->len = (size_t)sqlite3_column_int64(st, off + 7);
	if ((md = sqlite3_column_blob(st, off + 6)) != NULL) {
		v->len = (size_t)sqlite3_column_bytes(st, off + 6);
		if ((v->markdown = pake_strndup(md, v->len)) == NULL) {
			pake_version_free(v);
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
			    NULL);
		}
	}
	return 0;
}

/* Step the bound statement st, calling cb for each version row: of the
 * note pake_id, or (pake_id NULL) of the note named in column 0, the row
 * then starting at column 1.  cb returning non-zero stops, fine. */
static int
walk(pake_db *db, sqlite3_stmt *st, const char *pake_id, pake_version_cb cb,
    void *arg, pake_err *e)
{
	char id[PAKE_ID_LEN + 1];
	pake_version v;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (pake_id == NULL)
			pake_strlcpy(id, (const char *)sqlite3_column_text(st,
			    0), sizeof id);
		if ((rc = row_version(st, pake_id ? 0 : 1, &v, e)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
		rc = cb(arg, pake_id ? pake_id : id, &v);
		pake_version_free(&v);
		if (rc != 0) {
			sqlite3_reset(st);
			return 0;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "versions");
}

static const char SQL_CONFLICT[] = "UPDATE note_versions SET conflict = 1 "
    "WHERE pake_id = ?1 AND version = ?2";
static const char SQL_CONFLICTS[] = "SELECT pake_id, version, op, actor, "
    "front, time_ms, title, NULL, length(markdown) FROM note_versions "
    "WHERE conflict = 1 ORDER BY time_ms DESC, pake_id LIMIT ?1";

int
pake_db_version_conflict(pake_db *db, const char *pake_id, int64_t version,
    pake_err *e)
{
	return db_run(db, SQL_CONFLICT, e, "ti", pake_id, version);
}

int
pake_db_conflicts_each(pake_db *db, int limit, pake_version_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_CONFLICTS, e)) == NULL)
		return e->code;
	sqlite3_bind_int(st, 1, limit);
	return walk(db, st, NULL, cb, arg, e);
}

int
pake_db_version_get(pake_db *db, const char *pake_id, int64_t version,
    pake_version *v, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_GET, e)) == NULL)
		return e->code;
	db_bind_text(st, 1, pake_id);
	sqlite3_bind_int64(st, 2, version);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = row_version(st, 0, v, e);
	else if (rc == SQLITE_DONE)
		rc = pake_fail(e, PAKE_ENOTFOUND, "Version not found",
		    "%s version %lld", pake_id, (long long)version);
	else
		rc = db_fail(db, rc, e, "get version");
	sqlite3_reset(st);
	return rc;
}

int
pake_db_version_last(pake_db *db, const char *pake_id, int64_t *version,
    pake_err *e)
{
	*version = 0;
	return db_int1(db, SQL_LAST, version, e, "t", pake_id) < 0 ? e->code :
	    0;
}

int
pake_db_version_has(pake_db *db, const char *pake_id, int64_t version)
{
	int64_t one = 0;
	pake_err e;

	return db_int1(db, SQL_HAS, &one, &e, "ti", pake_id, version) == 1;
}

int
pake_db_version_each(pake_db *db, const char *pake_id, pake_version_cb cb,
    void *arg, pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_EACH, e)) == NULL)
		return e->code;
	db_bind_text(st, 1, pake_id);
	return walk(db, st, pake_id, cb, arg, e);
}

int
pake_db_deleted_each(pake_db *db, int limit, pake_version_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_DELETED, e)) == NULL)
		return e->code;
	sqlite3_bind_int(st, 1, limit);
	return walk(db, st, NULL, cb, arg, e);
}

int
pake_db_version_prune(pake_db *db, int64_t keep, int64_t before_ms,
    int64_t *n, pake_err *e)
{
	int rc;

	*n = 0;
	if ((rc = db_run(db, SQL_PRUNE, e, "ii", keep, before_ms)) == 0)
		*n = sqlite3_changes64(db->h);
	return rc;
}
