/*
 * db_health.c: the SQL of the cheap health checks (lib/health.c).
 *
 * Each question is one short statement that a server may ask on every
 * GET /health, so none of them scans a table that grows with the notes:
 * the ping reads one row of tenants, the pending count walks a table that
 * is empty when the vault keeps up.
 */
#include <string.h>
#include "pake/db_int.h"
#include "pake/util.h"

/* Run a one-row, one-column query (a cached statement); the column as
 * text into out when out is not NULL, as an integer into v when v is not
 * NULL. */
static int
ask(pake_db *db, const char *sql, char *out, size_t n, int64_t *v,
    pake_err *e)
{
	sqlite3_stmt *st;
	const char *t;
	int rc;

	if ((st = db_stmt_dyn(db, sql, e)) == NULL)
		return e->code;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (out) {
			t = (const char *)sqlite3_column_text(st, 0);
			pake_strlcpy(out, t ? t : "", n);
		}
		if (v)
			*v = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return 0;
	return db_fail(db, rc, e, "health query");
}

/* Does the database answer a read of a real table? */
int
pake_db_ping(pake_db *db, pake_err *e)
{
	return ask(db, "SELECT id FROM tenants ORDER BY id LIMIT 1", NULL, 0,
	    NULL, e);
}

/* "wal", "delete", ...: what PRAGMA journal_mode says. */
int
pake_db_journal_mode(pake_db *db, char *out, size_t n, pake_err *e)
{
	out[0] = '\0';
	return ask(db, "PRAGMA journal_mode", out, n, NULL, e);
}

/* Vault syncs waiting, every tenant's. */
int
pake_db_pending_count(pake_db *db, int64_t *n, pake_err *e)
{
	*n = 0;
	return ask(db, "SELECT count(*) FROM vault_pending", NULL, 0, n, e);
}

/* Of those, the ones pending for over a minute: left by a writer that
 * died between its commit and its file. */
static const char SQL_PENDING_OLD[] = "SELECT count(*) FROM vault_pending "
    "WHERE time_ms < ?1";
int
pake_db_pending_old(pake_db *db, int64_t *n, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if ((st = db_stmt(db, SQL_PENDING_OLD, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, pake_now_ms() - 60000);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, rc, e, "pending");
}
