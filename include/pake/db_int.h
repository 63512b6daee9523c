/*
 * db_int.h: what the lib/db*.c files share; nothing outside them includes it.
 */
#ifndef PAKE_DB_INT_H
#define PAKE_DB_INT_H

#include <sqlite3.h>
#include "db.h"

/* Statements prepared once per connection and reused. */
enum db_stmt {
	ST_NOTE_INSERT, ST_NOTE_UPDATE, ST_NOTE_DELETE, ST_NOTE_GET,
	ST_NOTE_EXISTS, ST_PATH_TAKEN, ST_NOTE_SET_PATH, ST_NOTE_COUNT,
	ST_NOTE_LIST, ST_NOTE_LIST_AFTER, ST_NOTE_EACH,
	ST_TAG_DEL, ST_TAG_ADD, ST_TAGS,
	ST_PENDING_ADD, ST_PENDING_DONE, ST_PENDING_EACH,
	ST_TOMB_ADD, ST_TOMB_HAS, ST_TOMB_DEL,
	ST_SOURCE_GET, ST_SOURCE_SET, ST_FTS_ADD, ST_FTS_DEL,
	ST_TENANT_NOTES,
	ST_TENANT_BY_NAME, ST_TENANT_BY_ID, ST_TENANT_INSERT, ST_TENANT_STATUS,
	ST_TENANT_EACH,
	ST_USER_BY_NAME, ST_USER_BY_ID, ST_USER_BY_UID, ST_USER_INSERT,
	ST_USER_SAVE, ST_USER_COUNT, ST_USER_EACH,
	ST_TOKEN_INSERT, ST_TOKEN_BY_HASH, ST_TOKEN_BY_ID, ST_TOKEN_REVOKE,
	ST_TOKEN_REVOKE_FAMILY, ST_TOKEN_REVOKE_USER, ST_TOKEN_USED,
	ST_TOKEN_TOUCH, ST_TOKEN_EACH,
	ST_EVENT_ADD, ST_EVENT_EACH, ST_EVENT_EACH_ALL,
	ST_RATE_PRUNE, ST_RATE_COUNT, ST_RATE_OLDEST, ST_RATE_ADD,
	ST_USAGE_GET, ST_USAGE_ADD,
	ST_METRIC_REQ, ST_METRIC_LAT, ST_METRIC_REQ_EACH, ST_METRIC_LAT_EACH,
	ST__N
};

#define DB_DYN_CACHE 16		/* dynamic (search) statements kept */

struct pake_db {
	sqlite3 *h;
	char *path;
	int busy_ms;
	int64_t busy_since;	/* ms, monotonic: when the current wait began */
	sqlite3_stmt *st[ST__N];
	struct {
		char *sql;
		sqlite3_stmt *st;
		unsigned long used;
	} dyn[DB_DYN_CACHE];
	unsigned long tick;
};

/* The cached statement id, reset and ready to bind; NULL + e on failure. */
sqlite3_stmt *db_stmt(pake_db *db, enum db_stmt id, pake_err *e);
/* A cached statement for dynamic SQL text. */
sqlite3_stmt *db_stmt_dyn(pake_db *db, const char *sql, pake_err *e);
/* Turn an SQLite result code into a pake error (busy -> unavailable). */
int db_fail(pake_db *db, int rc, pake_err *e, const char *what);
/* Bind args by types ('i' int64, 't' text or NULL, 'd' double) to
 * ?1.. of the cached statement id and run it to completion. */
int db_run(pake_db *db, enum db_stmt id, pake_err *e, const char *types, ...);
/* The same for a query: column 0 of its first row in *v.  Returns 1 for a
 * row, 0 for none, -1 on failure (e filled). */
int db_int1(pake_db *db, enum db_stmt id, int64_t *v, pake_err *e,
    const char *types, ...);
/* SQL text of a cached statement (db.c's table; db_auth.c adds its own
 * rows through db_auth_sql). */
const char *db_auth_sql(enum db_stmt id);
/* Bind a possibly NULL text. */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);

#endif
