/*
 * db_vec.c: the SQL of the vector store (store migration 5; the model and
 * its invariants are described at the top of lib/vec.c).
 *
 * vec_terms holds a term's vector, note_vectors a note's (keyed by
 * notes.id), vec_info the one row saying what was fitted.  A vector is a
 * blob of dims float32 values in the machine's byte order; a blob of
 * another length is a row of another fit and is read as missing (a crash
 * cannot leave one: a fit replaces every row in one transaction).
 */
#include <assert.h>
#include <string.h>
#include "pake/db_int.h"
#include "pake/util.h"

static const char SQL_INFO[] = "SELECT dims, terms, docs, fitted_ms, model, "
    "retry_ms FROM vec_info WHERE id = 1";
static const char SQL_INFO_PUT[] = "INSERT OR REPLACE INTO vec_info(id, "
    "dims, terms, docs, fitted_ms, model, retry_ms) VALUES(1, ?1, ?2, ?3, "
    "?4, ?5, ?6)";
static const char SQL_CLEAR_INFO[] = "DELETE FROM vec_info";
static const char SQL_CLEAR_TERMS[] = "DELETE FROM vec_terms";
static const char SQL_CLEAR_NOTES[] = "DELETE FROM note_vectors";
static const char SQL_CLEAR_PENDING[] = "DELETE FROM vec_pending";
static const char SQL_TERM_PUT[] = "INSERT OR REPLACE INTO vec_terms(term, "
    "idf, v) VALUES(?1, ?3, ?2)";
static const char SQL_TERM_GET[] = "SELECT v, idf FROM vec_terms WHERE "
    "term = ?1";
static const char SQL_NOTE_PUT[] = "INSERT OR REPLACE INTO note_vectors("
    "note_id, v) VALUES(?1, ?2)";
static const char SQL_NOTE_DEL[] = "DELETE FROM note_vectors WHERE note_id = "
    "?1";
static const char SQL_NOTE_GET[] = "SELECT v FROM note_vectors WHERE "
    "note_id = ?1";
static const char SQL_NOTE_EACH[] = "SELECT v.note_id, n.pake_id, n.title, "
    "v.v FROM note_vectors v JOIN notes n ON n.id = v.note_id "
    "ORDER BY v.note_id";
static const char SQL_NOTE_COUNT[] = "SELECT count(*) FROM note_vectors";
static const char SQL_SCAN[] = "SELECT note_id, v FROM note_vectors";
static const char SQL_PENDING_ADD[] = "INSERT OR IGNORE INTO vec_pending("
    "note_id) VALUES(?1)";
static const char SQL_PENDING_DEL[] = "DELETE FROM vec_pending WHERE "
    "note_id = ?1";
static const char SQL_PENDING_ALL[] = "INSERT OR IGNORE INTO vec_pending("
    "note_id) SELECT id FROM notes";
static const char SQL_PENDING_LIST[] = "SELECT note_id FROM vec_pending "
    "ORDER BY note_id LIMIT ?1";
static const char SQL_PENDING_COUNT[] = "SELECT count(*) FROM vec_pending";

int
pake_db_vec_info(pake_db *db, pake_vec_info *i, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	memset(i, 0, sizeof *i);
	if ((st = db_stmt(db, SQL_INFO, e)) == NULL)
		return e->code;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		i->dims = sqlite3_column_int(st, 0);
		i->terms = sqlite3_column_int64(st, 1);
		i->docs = sqlite3_column_int64(st, 2);
		i->fitted_ms = sqlite3_column_int64(st, 3);
		db_col_copy(st, 4, i->model, sizeof i->model);
		i->retry_ms = sqlite3_column_int64(st, 5);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return 0;
	return db_fail(db, rc, e, "vector info");
}

int
pake_db_vec_info_put(pake_db *db, const pake_vec_info *i, pake_err *e)
{
	return db_run(db, SQL_INFO_PUT, e, "iiiiti", (int64_t)i->dims,
	    i->terms, i->docs, i->fitted_ms, i->model, i->retry_ms);
}

int
pake_db_vec_clear(pake_db *db, pake_err *e)
{
	int rc;

	if ((rc = db_run(db, SQL_CLEAR_INFO, e, "")) != 0 ||
	    (rc = db_run(db, SQL_CLEAR_TERMS, e, "")) != 0 ||
	    (rc = db_run(db, SQL_CLEAR_PENDING, e, "")) != 0)
		return rc;
	return db_run(db, SQL_CLEAR_NOTES, e, "");
}

/* Write a vector under a text or an integer key with statement sql. */
static int
put_blob(pake_db *db, const char *sql, const char *key, int64_t id,
    const float *v, int dims, double idf, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	assert(dims > 0);
	if ((st = db_stmt(db, sql, e)) == NULL)
		return e->code;
	if (key)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_blob(st, 2, v, dims * (int)sizeof *v, SQLITE_STATIC);
	if (key)
		sqlite3_bind_double(st, 3, idf);
	rc = sqlite3_step(st);
	sqlite3_clear_bindings(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "vector write");
}

/* Read a vector of dims values: 1, 0 (none, or of another length), -1. */
static int
get_blob(pake_db *db, const char *sql, const char *key, int64_t id, float *v,
    int dims, double *idf, pake_err *e)
{
	sqlite3_stmt *st;
	int rc, found = 0;

	if ((st = db_stmt(db, sql, e)) == NULL)
		return -1;
	if (key)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) ==
	    dims * (int)sizeof *v) {
		memcpy(v, sqlite3_column_blob(st, 0), (size_t)dims * sizeof *v);
		if (idf)
			*idf = sqlite3_column_double(st, 1);
		found = 1;
	}
	sqlite3_clear_bindings(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return found;
	db_fail(db, rc, e, "vector read");
	return -1;
}

int
pake_db_vec_term_put(pake_db *db, const char *term, double idf,
    const float *v, int dims, pake_err *e)
{
	return put_blob(db, SQL_TERM_PUT, term, 0, v, dims, idf, e);
}

int
pake_db_vec_term_get(pake_db *db, const char *term, double *idf, float *v,
    int dims, pake_err *e)
{
	return get_blob(db, SQL_TERM_GET, term, 0, v, dims, idf, e);
}

int
pake_db_vec_note_put(pake_db *db, int64_t note_id, const float *v, int dims,
    pake_err *e)
{
	return put_blob(db, SQL_NOTE_PUT, NULL, note_id, v, dims, 0, e);
}

int
pake_db_vec_note_delete(pake_db *db, int64_t note_id, pake_err *e)
{
	return db_run(db, SQL_NOTE_DEL, e, "i", note_id);
}

int
pake_db_vec_note_get(pake_db *db, int64_t note_id, float *v, int dims,
    pake_err *e)
{
	return get_blob(db, SQL_NOTE_GET, NULL, note_id, v, dims, NULL, e);
}

int
pake_db_vec_note_each(pake_db *db, int dims, pake_vec_note_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;
	float v[PAKE_VEC_DIMS_CAP];
	int rc, stop = 0;

	assert(dims > 0 && dims <= PAKE_VEC_DIMS_CAP);
	if ((st = db_stmt(db, SQL_NOTE_EACH, e)) == NULL)
		return e->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 3) != dims * (int)sizeof *v)
			continue;
		memcpy(v, sqlite3_column_blob(st, 3), (size_t)dims * sizeof *v);
		stop = cb(arg, sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2), v);
		if (stop)
			break;
	}
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "vectors");
}

int
pake_db_vec_note_count(pake_db *db, int64_t *n, pake_err *e)
{
	*n = 0;
	return db_int1(db, SQL_NOTE_COUNT, n, e, "") < 0 ? e->code : 0;
}

int
pake_db_vec_scan(pake_db *db, int dims, pake_vec_scan_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;
	size_t want = (size_t)dims * sizeof(float);
	int rc, stop = 0;

	assert(dims > 0 && dims <= PAKE_VEC_DIMS_CAP);
	if ((st = db_stmt(db, SQL_SCAN, e)) == NULL)
		return e->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(st, 1);

		if ((size_t)sqlite3_column_bytes(st, 1) != want)
			continue;
		if ((stop = cb(arg, sqlite3_column_int64(st, 0), b)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "vectors");
}

int
pake_db_vec_pending_add(pake_db *db, int64_t note_id, pake_err *e)
{
	return db_run(db, SQL_PENDING_ADD, e, "i", note_id);
}

int
pake_db_vec_pending_del(pake_db *db, int64_t note_id, pake_err *e)
{
	return db_run(db, SQL_PENDING_DEL, e, "i", note_id);
}

int
pake_db_vec_pending_all(pake_db *db, pake_err *e)
{
	return db_run(db, SQL_PENDING_ALL, e, "");
}

int
pake_db_vec_pending_list(pake_db *db, int64_t *ids, int max, int *n,
    pake_err *e)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	*n = 0;
	if ((st = db_stmt(db, SQL_PENDING_LIST, e)) == NULL)
		return e->code;
	sqlite3_bind_int(st, 1, max);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	if (*n == max)
		rc = SQLITE_DONE;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "pending vectors");
}

int
pake_db_vec_pending_count(pake_db *db, int64_t *n, pake_err *e)
{
	*n = 0;
	return db_int1(db, SQL_PENDING_COUNT, n, e, "") < 0 ? e->code : 0;
}
