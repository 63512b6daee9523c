/*
 * db_int.h: what the lib/db*.c files share; nothing outside them includes it.
 *
 * Each db_*.c file owns its statements: it keeps their SQL in static
 * strings of its own and hands them to db_stmt(), which prepares a
 * statement once per connection and finds it again by the address of its
 * text.  No table lists every statement, so a new family of tables is a
 * new file and nothing else changes.
 */
#ifndef PAKE_DB_INT_H
#define PAKE_DB_INT_H

#include <sqlite3.h>
#include "db.h"

#define DB_STMT_SLOTS	256	/* cached fixed statements (a power of 2) */
#define DB_DYN_CACHE	16	/* dynamic (search) statements kept */
#define DB_WAL_PASSIVE	1000	/* WAL pages: checkpoint passively */
#define DB_WAL_TRUNCATE	4000	/* WAL pages: wait for readers, empty it */
#define DB_CKPT_WAIT_MS	250	/* longest wait of that checkpoint */
#define DB_CLOSE_WAIT_MS 20	/* a writer's checkpoint when it closes */

/* One numbered step of a schema.  fn (may be NULL) runs first, then sql,
 * both inside the one write transaction that applies the migrations. */
typedef struct db_migration {
	const char *sql;
	int (*fn)(pake_db *db, pake_err *e);
} db_migration;

typedef struct db_schema {
	const char *name;		/* "control", "store" */
	const db_migration *step;
	int n;
} db_schema;

struct pake_db {
	sqlite3 *h;
	char *path;
	const db_schema *schema;
	int busy_ms;
	int64_t busy_since;	/* ms, monotonic: when the current wait began */
	int in_ckpt;		/* ms a checkpoint may wait; 0: none runs */
	int wrote;		/* this connection committed a write */
	int from_version;	/* while migrating: the committed version */
	struct {
		const char *sql;	/* key: the address of static text */
		sqlite3_stmt *st;
	} st[DB_STMT_SLOTS];
	struct {
		char *sql;
		sqlite3_stmt *st;
		unsigned long used;
	} dyn[DB_DYN_CACHE];
	unsigned long tick;
};

/* The schemas (db_control.c, db_store.c). */
extern const db_schema db_control_schema;
extern const db_schema db_store_schema;

/* Build the store at store_path from the rows of tenant in the pake 0.1
 * database at control (db_store.c; migration 4 of db_control.c). */
int db_store_upgrade(const char *control, int64_t tenant,
    const char *store_path, int busy_ms, pake_err *e);
/* FTS5 'optimize' of a store (db_store.c), before a VACUUM. */
int db_store_optimize(pake_db *db, pake_err *e);

/* Open path with schema: WAL, busy handling, the bounded-WAL checkpoint
 * hook, and the schema's migrations.  create: make the file (and its
 * folder) when missing; else a missing file is PAKE_ENOTFOUND. */
int db_open(pake_db **out, const char *path, int busy_ms,
    const db_schema *schema, int create, pake_err *e);
/* The cached statement for static SQL text, reset and ready to bind; NULL
 * + e on failure. */
sqlite3_stmt *db_stmt(pake_db *db, const char *sql, pake_err *e);
/* A cached statement for dynamic SQL text. */
sqlite3_stmt *db_stmt_dyn(pake_db *db, const char *sql, pake_err *e);
/* Turn an SQLite result code into a pake error (busy -> unavailable). */
int db_fail(pake_db *db, int rc, pake_err *e, const char *what);
/* Bind args by types ('i' int64, 't' text or NULL, 'd' double) to ?1..
 * of the cached statement for sql and run it to completion. */
int db_run(pake_db *db, const char *sql, pake_err *e, const char *types, ...);
/* The same for a query: column 0 of its first row in *v.  Returns 1 for a
 * row, 0 for none, -1 on failure (e filled). */
int db_int1(pake_db *db, const char *sql, int64_t *v, pake_err *e,
    const char *types, ...);
/* Run SQL text without results (schema work, pragmas). */
int db_exec(pake_db *db, const char *sql, pake_err *e);
/* A single integer from a pragma or an uncached query. */
int db_query_int(pake_db *db, const char *sql, int64_t *v, pake_err *e);
/* Bind a possibly NULL text. */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Copy a text column into a fixed buffer ("" for NULL). */
void db_col_copy(sqlite3_stmt *st, int i, char *dst, size_t n);
/* Sleep ms milliseconds (waiting out another process). */
void db_nap(int ms);

#endif
