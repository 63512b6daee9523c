/*
 * db_metrics.c: the SQL of the HTTP metrics: counts by route pattern,
 * method and status, and a latency histogram by route.
 */
#include "pake/db_int.h"

int
pake_db_metric_add(pake_db *db, const char *route, const char *method,
    int status, int bucket, double ms, pake_err *e)
{
	int rc;

	if ((rc = pake_db_begin(db, e)) != 0)
		return rc;
	if ((rc = db_run(db, ST_METRIC_REQ, e, "tti", route, method,
	    (int64_t)status)) != 0 ||
	    (rc = db_run(db, ST_METRIC_LAT, e, "tid", route, (int64_t)bucket,
	    ms)) != 0) {
		pake_db_rollback(db);
		return rc;
	}
	return pake_db_commit(db, e);
}

int
pake_db_metric_requests(pake_db *db, pake_metric_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, ST_METRIC_REQ_EACH, e)) == NULL)
		return e->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = cb(arg, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int(st, 2), sqlite3_column_int64(st, 3))) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "metrics");
}

int
pake_db_metric_latency(pake_db *db, pake_latency_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, ST_METRIC_LAT_EACH, e)) == NULL)
		return e->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = cb(arg, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int(st, 1), sqlite3_column_int64(st, 2),
		    sqlite3_column_double(st, 3))) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "metrics");
}
