/*
 * db_feed.c: a tenant's feed subscriptions and the items seen of each
 * (store migration 8; issue 13).  lib/feeds.c has the design.
 */
#include <string.h>
#include "pake/db_int.h"
#include "pake/util.h"

#define FEED_COLS "id, url, title, etag, last_modified, added_ms, " \
	"polled_ms, ok_ms, last_error, items_seen, save"

static const char SQL_COUNT[] = "SELECT count(*) FROM feeds";
static const char SQL_INSERT[] = "INSERT INTO feeds(url, title, etag, "
    "last_modified, added_ms, polled_ms, ok_ms, items_seen, save) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_DELETE[] = "DELETE FROM feeds WHERE url = ?1";
static const char SQL_GET[] = "SELECT " FEED_COLS " FROM feeds "
    "WHERE url = ?1";
static const char SQL_EACH[] = "SELECT " FEED_COLS " FROM feeds "
    "ORDER BY id";
static const char SQL_OK[] = "UPDATE feeds SET etag = ?2, "
    "last_modified = ?3, polled_ms = ?4, ok_ms = ?4, last_error = NULL, "
    "items_seen = items_seen + ?5 WHERE id = ?1";
static const char SQL_ERR[] = "UPDATE feeds SET polled_ms = ?2, "
    "last_error = ?3, items_seen = items_seen + ?4 WHERE id = ?1";
static const char SQL_SEEN_HAS[] = "SELECT 1 FROM feed_seen "
    "WHERE feed_id = ?1 AND guid = ?2";
static const char SQL_SEEN_ADD[] = "INSERT OR IGNORE INTO feed_seen("
    "feed_id, guid) VALUES(?1, ?2)";
static const char SQL_SEEN_TRIM[] = "DELETE FROM feed_seen WHERE "
    "feed_id = ?1 AND rowid <= (SELECT rowid FROM feed_seen WHERE "
    "feed_id = ?1 ORDER BY rowid DESC LIMIT 1 OFFSET ?2)";

int
pake_db_feed_count(pake_db *db, int64_t *n, pake_err *e)
{
	*n = 0;
	return db_int1(db, SQL_COUNT, n, e, "") < 0 ? e->code : 0;
}

int
pake_db_feed_insert(pake_db *db, const pake_db_feed *f, int64_t *id,
    pake_err *e)
{
	int rc;

	if ((rc = db_run(db, SQL_INSERT, e, "ttttiiiii", f->url, f->title,
	    f->etag, f->last_modified, f->added_ms, f->polled_ms, f->ok_ms,
	    f->items_seen, (int64_t)(f->save != 0))) != 0)
		return rc;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int
pake_db_feed_delete(pake_db *db, const char *url, pake_err *e)
{
	int rc;

	if ((rc = db_run(db, SQL_DELETE, e, "t", url)) != 0)
		return rc;
	if (sqlite3_changes(db->h) == 0)
		return pake_fail(e, PAKE_ENOTFOUND, "No such feed", "%.200s",
		    url);
	return 0;
}

/* The rows of st, each handed to cb; *n counts them. */
static int
walk(pake_db *db, sqlite3_stmt *st, pake_db_feed_cb cb, void *arg, int *n,
    pake_err *e)
{
	int rc, stop = 0;

	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		pake_db_feed f;

		f.id = sqlite3_column_int64(st, 0);
		f.url = (const char *)sqlite3_column_text(st, 1);
		f.title = (const char *)sqlite3_column_text(st, 2);
		f.etag = (const char *)sqlite3_column_text(st, 3);
		f.last_modified = (const char *)sqlite3_column_text(st, 4);
		f.added_ms = sqlite3_column_int64(st, 5);
		f.polled_ms = sqlite3_column_int64(st, 6);
		f.ok_ms = sqlite3_column_int64(st, 7);
		f.last_error = (const char *)sqlite3_column_text(st, 8);
		f.items_seen = sqlite3_column_int64(st, 9);
		f.save = sqlite3_column_int(st, 10) != 0;
		(*n)++;
		if ((stop = cb(arg, &f)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "feeds");
}

int
pake_db_feed_get(pake_db *db, const char *url, pake_db_feed_cb cb,
    void *arg, pake_err *e)
{
	sqlite3_stmt *st;
	int rc, n;

	if ((st = db_stmt(db, SQL_GET, e)) == NULL)
		return e->code;
	db_bind_text(st, 1, url);
	if ((rc = walk(db, st, cb, arg, &n, e)) != 0)
		return rc;
	return n ? 0 : pake_fail(e, PAKE_ENOTFOUND, "No such feed",
	    "%.200s", url);
}

int
pake_db_feed_each(pake_db *db, pake_db_feed_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;
	int n;

	if ((st = db_stmt(db, SQL_EACH, e)) == NULL)
		return e->code;
	return walk(db, st, cb, arg, &n, e);
}

int
pake_db_feed_polled(pake_db *db, int64_t id, int ok, const char *etag,
    const char *last_modified, const char *error, int64_t now, int64_t seen,
    pake_err *e)
{
	if (ok)
		return db_run(db, SQL_OK, e, "ittii", id, etag, last_modified,
		    now, seen);
	return db_run(db, SQL_ERR, e, "iiti", id, now, error, seen);
}

int
pake_db_feed_seen_has(pake_db *db, int64_t feed, const char *guid,
    pake_err *e)
{
	int64_t v = 0;

	return db_int1(db, SQL_SEEN_HAS, &v, e, "it", feed, guid);
}

int
pake_db_feed_seen_add(pake_db *db, int64_t feed, const char *guid,
    int *added, pake_err *e)
{
	int rc;

	*added = 0;
	if ((rc = db_run(db, SQL_SEEN_ADD, e, "it", feed, guid)) != 0)
		return rc;
	*added = sqlite3_changes(db->h) > 0;
	return 0;
}

int
pake_db_feed_seen_trim(pake_db *db, int64_t feed, int keep, pake_err *e)
{
	return db_run(db, SQL_SEEN_TRIM, e, "ii", feed, (int64_t)keep);
}
