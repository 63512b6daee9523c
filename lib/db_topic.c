/*
 * db_topic.c: a tenant's saved research topics (store migration 9; issue
 * 13).  lib/topics.c has the design.
 */
#include <string.h>
#include "pake/db_int.h"
#include "pake/util.h"

#define TOPIC_COLS "id, source, query, max_results, added_ms, polled_ms, " \
	"ok_ms, last_error, saved"

static const char SQL_COUNT[] = "SELECT count(*) FROM topics";
static const char SQL_INSERT[] = "INSERT INTO topics(source, query, "
    "max_results, added_ms) VALUES(?1, ?2, ?3, ?4)";
static const char SQL_DELETE[] = "DELETE FROM topics WHERE source = ?1 "
    "AND query = ?2";
static const char SQL_GET[] = "SELECT " TOPIC_COLS " FROM topics "
    "WHERE id = ?1";
static const char SQL_EACH[] = "SELECT " TOPIC_COLS " FROM topics "
    "ORDER BY id";
static const char SQL_OK[] = "UPDATE topics SET polled_ms = ?2, "
    "ok_ms = ?2, last_error = NULL, saved = saved + ?3 WHERE id = ?1";
static const char SQL_ERR[] = "UPDATE topics SET polled_ms = ?2, "
    "last_error = ?3, saved = saved + ?4 WHERE id = ?1";

int
pake_db_topic_count(pake_db *db, int64_t *n, pake_err *e)
{
	*n = 0;
	return db_int1(db, SQL_COUNT, n, e, "") < 0 ? e->code : 0;
}

int
pake_db_topic_insert(pake_db *db, const pake_db_topic *t, int64_t *id,
    pake_err *e)
{
	int rc;

	if ((rc = db_run(db, SQL_INSERT, e, "ttii", t->source, t->query,
	    t->max_results, t->added_ms)) != 0)
		return rc;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int
pake_db_topic_delete(pake_db *db, const char *source, const char *query,
    pake_err *e)
{
	int rc;

	if ((rc = db_run(db, SQL_DELETE, e, "tt", source, query)) != 0)
		return rc;
	if (sqlite3_changes(db->h) == 0)
		return pake_fail(e, PAKE_ENOTFOUND, "No such topic",
		    "%.32s %.200s", source, query);
	return 0;
}

/* The rows of st, each handed to cb; *n counts them. */
static int
walk(pake_db *db, sqlite3_stmt *st, pake_db_topic_cb cb, void *arg, int *n,
    pake_err *e)
{
	int rc, stop = 0;

	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		pake_db_topic t;

		t.id = sqlite3_column_int64(st, 0);
		t.source = (const char *)sqlite3_column_text(st, 1);
		t.query = (const char *)sqlite3_column_text(st, 2);
		t.max_results = sqlite3_column_int64(st, 3);
		t.added_ms = sqlite3_column_int64(st, 4);
		t.polled_ms = sqlite3_column_int64(st, 5);
		t.ok_ms = sqlite3_column_int64(st, 6);
		t.last_error = (const char *)sqlite3_column_text(st, 7);
		t.saved = sqlite3_column_int64(st, 8);
		(*n)++;
		if ((stop = cb(arg, &t)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "topics");
}

int
pake_db_topic_get(pake_db *db, int64_t id, pake_db_topic_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;
	int rc, n;

	if ((st = db_stmt(db, SQL_GET, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = walk(db, st, cb, arg, &n, e)) != 0)
		return rc;
	return n ? 0 : pake_fail(e, PAKE_ENOTFOUND, "No such topic",
	    "id %lld", (long long)id);
}

int
pake_db_topic_each(pake_db *db, pake_db_topic_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;
	int n;

	if ((st = db_stmt(db, SQL_EACH, e)) == NULL)
		return e->code;
	return walk(db, st, cb, arg, &n, e);
}

int
pake_db_topic_polled(pake_db *db, int64_t id, int ok, const char *error,
    int64_t now, int64_t saved, pake_err *e)
{
	if (ok)
		return db_run(db, SQL_OK, e, "iii", id, now, saved);
	return db_run(db, SQL_ERR, e, "iiti", id, now, error, saved);
}
