/*
 * db_auth.c: the SQL of the control database: tenants, users, tokens, the
 * activity log, and the daily usage the counters file flushes.
 *
 * Rows are copied into fixed-size records (identity.h); strings longer
 * than their field cannot arise because the domain bounds them on the way
 * in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/db_int.h"
#include "pake/util.h"

#define TENANT_COLS "id, name, display_name, status, plan, created_ms, " \
	"coalesce(max_users, -1), coalesce(max_notes, -1), " \
	"coalesce(max_calls_day, -1), coalesce(max_per_minute, -1)"
/* Failed logins and a lockout are kept by the name tried (login_failures,
 * whether or not the user exists); a user row shows its name's. */
#define USER_FAILS(col) "coalesce((SELECT f." col " FROM login_failures f " \
	"WHERE f.username = users.username AND f.tenant = (SELECT t.name " \
	"FROM tenants t WHERE t.id = users.tenant_id)), 0)"
#define USER_COLS "id, tenant_id, username, coalesce(email, ''), " \
	"coalesce(pw_hash, ''), role, active, last_login_ms, " \
	USER_FAILS("fails") ", " USER_FAILS("locked_until_ms") ", " \
	"coalesce(uid, -1), created_ms"
#define TOKEN_COLS "id, tenant_id, coalesce(user_id, 0), kind, scopes, " \
	"coalesce(family, ''), coalesce(label, ''), created_ms, expires_ms, " \
	"revoked_ms, used_ms, last_used_ms, coalesce(created_by, 0), " \
	"coalesce((SELECT u.username FROM users u WHERE u.id = " \
	"tokens.user_id), '')"

static const char SQL_TENANT_BY_NAME[] = "SELECT " TENANT_COLS " FROM "
    "tenants WHERE name = ?1";
static const char SQL_TENANT_BY_ID[] = "SELECT " TENANT_COLS " FROM tenants "
    "WHERE id = ?1";
static const char SQL_TENANT_INSERT[] = "INSERT INTO tenants(name, "
    "display_name, status, plan, created_ms, max_users, max_notes, "
    "max_calls_day, max_per_minute) VALUES(?1, ?2, ?3, ?4, ?5, nullif(?6, "
    "-1), nullif(?7, -1), nullif(?8, -1), nullif(?9, -1))";
static const char SQL_TENANT_STATUS[] = "UPDATE tenants SET status = ?2 "
    "WHERE id = ?1";
static const char SQL_TENANT_LIMITS[] = "UPDATE tenants SET max_users = "
    "nullif(?2, -1), max_notes = nullif(?3, -1), max_calls_day = "
    "nullif(?4, -1), max_per_minute = nullif(?5, -1) WHERE id = ?1";
static const char SQL_TENANT_EACH[] = "SELECT " TENANT_COLS " FROM tenants "
    "ORDER BY name";
static const char SQL_USER_BY_NAME[] = "SELECT " USER_COLS " FROM users "
    "WHERE tenant_id = ?1 AND username = ?2";
static const char SQL_USER_BY_ID[] = "SELECT " USER_COLS " FROM users WHERE "
    "id = ?1";
static const char SQL_USER_BY_UID[] = "SELECT " USER_COLS " FROM users "
    "WHERE uid = ?1";
static const char SQL_USER_INSERT[] = "INSERT INTO users(tenant_id, "
    "username, email, pw_hash, role, active, created_ms) VALUES(?1, ?2, "
    "nullif(?3, ''), nullif(?4, ''), ?5, ?6, ?7)";
static const char SQL_USER_SAVE[] = "UPDATE users SET email = nullif(?2, "
    "''), pw_hash = nullif(?3, ''), role = ?4, active = ?5, last_login_ms = "
    "?6, failed_logins = ?7, locked_until_ms = ?8, uid = nullif(?9, -1) "
    "WHERE id = ?1";
static const char SQL_USER_COUNT[] = "SELECT count(*) FROM users WHERE "
    "tenant_id = ?1 AND active";
static const char SQL_USER_EACH[] = "SELECT " USER_COLS " FROM users WHERE "
    "tenant_id = ?1 ORDER BY username";
static const char SQL_TOKEN_INSERT[] = "INSERT INTO tokens(tenant_id, "
    "user_id, kind, hash, scopes, family, label, created_ms, expires_ms, "
    "created_by) VALUES(?1, nullif(?2, 0), ?3, ?4, ?5, nullif(?6, ''), "
    "nullif(?7, ''), ?8, ?9, nullif(?10, 0))";
static const char SQL_TOKEN_BY_HASH[] = "SELECT " TOKEN_COLS " FROM tokens "
    "WHERE hash = ?1";
static const char SQL_TOKEN_BY_ID[] = "SELECT " TOKEN_COLS " FROM tokens "
    "WHERE id = ?1";
static const char SQL_TOKEN_REVOKE[] = "UPDATE tokens SET revoked_ms = ?2 "
    "WHERE id = ?1 AND revoked_ms = 0";
static const char SQL_TOKEN_REVOKE_FAMILY[] = "UPDATE tokens SET revoked_ms "
    "= ?2 WHERE family = ?1 AND revoked_ms = 0";
/* A user's own tokens and the ones the user minted. */
static const char SQL_TOKEN_REVOKE_USER[] = "UPDATE tokens SET revoked_ms = "
    "?2 WHERE (user_id = ?1 OR created_by = ?1) AND revoked_ms = 0";
static const char SQL_TOKEN_USED[] = "UPDATE tokens SET used_ms = ?2 WHERE "
    "id = ?1";
static const char SQL_TOKEN_EACH[] = "SELECT " TOKEN_COLS " FROM tokens "
    "WHERE tenant_id = ?1 ORDER BY id";
static const char SQL_EVENT_ADD[] = "INSERT INTO activity(tenant_id, "
    "user_id, event, details, peer, time_ms, token_id) VALUES(?1, "
    "nullif(?2, 0), ?3, ?4, ?5, ?6, nullif(?7, 0))";
static const char SQL_EVENT_EACH[] = "SELECT id, tenant_id, "
    "coalesce(user_id, 0), event, details, peer, time_ms, "
    "coalesce(token_id, 0) FROM (SELECT * "
    "FROM activity WHERE tenant_id = ?1 AND time_ms >= ?2 ORDER BY time_ms "
    "DESC, id DESC LIMIT ?3) ORDER BY time_ms, id";
static const char SQL_EVENT_EACH_ALL[] = "SELECT id, tenant_id, "
    "coalesce(user_id, 0), event, details, peer, time_ms, "
    "coalesce(token_id, 0) FROM (SELECT * "
    "FROM activity WHERE time_ms >= ?2 AND ?1 = 0 ORDER BY time_ms DESC, id "
    "DESC LIMIT ?3) ORDER BY time_ms, id";
static const char SQL_USAGE_GET[] = "SELECT calls FROM usage_daily WHERE "
    "tenant_id = ?1 AND day = ?2";
static const char SQL_EVENT_SINCE[] = "SELECT 1 FROM activity WHERE "
    "tenant_id = ?1 AND time_ms >= ?2 AND event = ?3 LIMIT 1";
static const char SQL_LOGIN_GET[] = "SELECT fails, locked_until_ms FROM "
    "login_failures WHERE tenant = ?1 AND username = ?2";
static const char SQL_LOGIN_PUT[] = "INSERT OR REPLACE INTO "
    "login_failures(tenant, username, fails, locked_until_ms, time_ms) "
    "VALUES(?1, ?2, ?3, ?4, ?5)";
static const char SQL_LOGIN_CLEAR[] = "DELETE FROM login_failures WHERE "
    "tenant = ?1 AND username = ?2";
/* Names tried and forgotten: a day old and not locked. */
static const char SQL_LOGIN_PRUNE[] = "DELETE FROM login_failures WHERE "
    "time_ms < ?1 AND locked_until_ms < ?2";
static const char SQL_USAGE_PUT[] = "INSERT INTO usage_daily(tenant_id, "
    "day, calls) VALUES(?1, ?2, ?3) ON CONFLICT(tenant_id, day) DO UPDATE "
    "SET calls = max(calls, excluded.calls)";
static const char SQL_TOKEN_TOUCH[] = "UPDATE tokens SET last_used_ms = ?2 "
    "WHERE id = ?1 AND last_used_ms < ?2";


static void
row_tenant(sqlite3_stmt *st, pake_tenant *t)
{
	int i;

	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, 0);
	db_col_copy(st, 1, t->name, sizeof t->name);
	db_col_copy(st, 2, t->display, sizeof t->display);
	db_col_copy(st, 3, t->status, sizeof t->status);
	db_col_copy(st, 4, t->plan, sizeof t->plan);
	t->created_ms = sqlite3_column_int64(st, 5);
	for (i = 0; i < PAKE_LIM__N; i++)
		t->limit[i] = sqlite3_column_int64(st, 6 + i);
}

static void
row_user(sqlite3_stmt *st, pake_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, 0);
	u->tenant_id = sqlite3_column_int64(st, 1);
	db_col_copy(st, 2, u->username, sizeof u->username);
	db_col_copy(st, 3, u->email, sizeof u->email);
	db_col_copy(st, 4, u->pw_hash, sizeof u->pw_hash);
	db_col_copy(st, 5, u->role, sizeof u->role);
	u->active = sqlite3_column_int(st, 6);
	u->last_login_ms = sqlite3_column_int64(st, 7);
	u->failed_logins = sqlite3_column_int(st, 8);
	u->locked_until_ms = sqlite3_column_int64(st, 9);
	u->uid = sqlite3_column_int64(st, 10);
	u->created_ms = sqlite3_column_int64(st, 11);
}

static void
row_token(sqlite3_stmt *st, pake_token *t)
{
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, 0);
	t->tenant_id = sqlite3_column_int64(st, 1);
	t->user_id = sqlite3_column_int64(st, 2);
	db_col_copy(st, 3, t->kind, sizeof t->kind);
	t->scopes = (uint32_t)sqlite3_column_int64(st, 4);
	db_col_copy(st, 5, t->family, sizeof t->family);
	db_col_copy(st, 6, t->label, sizeof t->label);
	t->created_ms = sqlite3_column_int64(st, 7);
	t->expires_ms = sqlite3_column_int64(st, 8);
	t->revoked_ms = sqlite3_column_int64(st, 9);
	t->used_ms = sqlite3_column_int64(st, 10);
	t->last_used_ms = sqlite3_column_int64(st, 11);
	t->created_by = sqlite3_column_int64(st, 12);
	db_col_copy(st, 13, t->username, sizeof t->username);
}

/* Run a prepared single-row lookup; fill() copies the row.  Returns 0, or
 * PAKE_ENOTFOUND with msg, or a database error. */
static int
one_row(pake_db *db, sqlite3_stmt *st, void (*fill)(sqlite3_stmt *, void *),
    void *out, const char *msg, pake_err *e)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		fill(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return pake_fail(e, PAKE_ENOTFOUND, msg, NULL);
	return db_fail(db, rc, e, "lookup");
}

/* A single-row lookup by the statement id with arguments bound by types
 * (as db_run's). */
static int
lookup(pake_db *db, const char *sql, void (*fill)(sqlite3_stmt *, void *),
    void *out, const char *msg, pake_err *e, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int i;

	if ((st = db_stmt(db, sql, e)) == NULL)
		return e->code;
	va_start(ap, types);
	for (i = 0; types[i]; i++) {
		if (types[i] == 'i')
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		else
			db_bind_text(st, i + 1, va_arg(ap, const char *));
	}
	va_end(ap);
	return one_row(db, st, fill, out, msg, e);
}

static void
fill_tenant(sqlite3_stmt *st, void *out)
{
	row_tenant(st, out);
}

static void
fill_user(sqlite3_stmt *st, void *out)
{
	row_user(st, out);
}

static void
fill_token(sqlite3_stmt *st, void *out)
{
	row_token(st, out);
}

int
pake_db_tenant_get(pake_db *db, const char *name, int64_t id, pake_tenant *t,
    pake_err *e)
{
	if (name)
		return lookup(db, SQL_TENANT_BY_NAME, fill_tenant, t,
		    "Tenant not found", e, "t", name);
	return lookup(db, SQL_TENANT_BY_ID, fill_tenant, t, "Tenant not found",
	    e, "i", id);
}

int
pake_db_tenant_insert(pake_db *db, const pake_tenant *t, int64_t *id,
    pake_err *e)
{
	int rc;

	rc = db_run(db, SQL_TENANT_INSERT, e, "ttttiiiii", t->name, t->display,
	    t->status, t->plan, t->created_ms, t->limit[0], t->limit[1],
	    t->limit[2], t->limit[3]);
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int
pake_db_tenant_status(pake_db *db, int64_t id, const char *status,
    pake_err *e)
{
	return db_run(db, SQL_TENANT_STATUS, e, "it", id, status);
}

int
pake_db_tenant_limits(pake_db *db, int64_t id,
    const int64_t limit[PAKE_LIM__N], pake_err *e)
{
	return db_run(db, SQL_TENANT_LIMITS, e, "iiiii", id, limit[0],
	    limit[1], limit[2], limit[3]);
}

/* Walk the rows of st through a typed callback. */
#define WALK(db, st, T, rowfn, cb, arg, e) do {				\
	T rec_;								\
	int rc_;							\
	while ((rc_ = sqlite3_step(st)) == SQLITE_ROW) {		\
		rowfn(st, &rec_);					\
		if ((rc_ = cb(arg, &rec_)) != 0) {			\
			sqlite3_reset(st);				\
			return rc_;					\
		}							\
	}								\
	sqlite3_reset(st);						\
	return rc_ == SQLITE_DONE ? 0 : db_fail(db, rc_, e, "walk");	\
} while (0)

int
pake_db_tenant_each(pake_db *db, pake_tenant_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_TENANT_EACH, e)) == NULL)
		return e->code;
	WALK(db, st, pake_tenant, row_tenant, cb, arg, e);
}

int
pake_db_user_get(pake_db *db, int64_t tenant, const char *username,
    int64_t id, pake_user *u, pake_err *e)
{
	if (username)
		return lookup(db, SQL_USER_BY_NAME, fill_user, u,
		    "User not found", e, "it", tenant, username);
	return lookup(db, SQL_USER_BY_ID, fill_user, u, "User not found", e,
	    "i", id);
}

int
pake_db_user_by_uid(pake_db *db, int64_t uid, pake_user *u, pake_err *e)
{
	return lookup(db, SQL_USER_BY_UID, fill_user, u, "User not found", e,
	    "i", uid);
}

int
pake_db_user_insert(pake_db *db, const pake_user *u, int64_t *id, pake_err *e)
{
	int rc;

	rc = db_run(db, SQL_USER_INSERT, e, "ittttii", u->tenant_id, u->username,
	    u->email, u->pw_hash, u->role, (int64_t)u->active, u->created_ms);
	if (rc == PAKE_ECONFLICT)
		return pake_fail(e, PAKE_ECONFLICT, "User already exists",
		    "user %s", u->username);
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int
pake_db_user_save(pake_db *db, const pake_user *u, pake_err *e)
{
	int rc;

	rc = db_run(db, SQL_USER_SAVE, e, "itttiiiii", u->id, u->email,
	    u->pw_hash, u->role, (int64_t)u->active, u->last_login_ms,
	    (int64_t)u->failed_logins, u->locked_until_ms, u->uid);
	if (rc == PAKE_ECONFLICT)
		return pake_fail(e, PAKE_ECONFLICT, "That uid is mapped already",
		    "uid %lld", (long long)u->uid);
	return rc;
}

int
pake_db_user_count(pake_db *db, int64_t tenant, int64_t *n, pake_err *e)
{
	*n = 0;
	return db_int1(db, SQL_USER_COUNT, n, e, "i", tenant) < 0 ? e->code :
	    0;
}

int
pake_db_user_each(pake_db *db, int64_t tenant, pake_user_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_USER_EACH, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, tenant);
	WALK(db, st, pake_user, row_user, cb, arg, e);
}

int
pake_db_token_insert(pake_db *db, const pake_token *t, const char *hash,
    int64_t *id, pake_err *e)
{
	int rc;

	rc = db_run(db, SQL_TOKEN_INSERT, e, "iittittiii", t->tenant_id,
	    t->user_id, t->kind, hash, (int64_t)t->scopes, t->family, t->label,
	    t->created_ms, t->expires_ms, t->created_by);
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int
pake_db_token_by_hash(pake_db *db, const char *hash, pake_token *t,
    pake_err *e)
{
	return lookup(db, SQL_TOKEN_BY_HASH, fill_token, t, "Token not found", e,
	    "t", hash);
}

int
pake_db_token_get(pake_db *db, int64_t id, pake_token *t, pake_err *e)
{
	return lookup(db, SQL_TOKEN_BY_ID, fill_token, t, "Token not found", e,
	    "i", id);
}

int
pake_db_token_revoke(pake_db *db, int64_t id, int64_t now, pake_err *e)
{
	return db_run(db, SQL_TOKEN_REVOKE, e, "ii", id, now);
}

int
pake_db_token_revoke_family(pake_db *db, const char *family, int64_t now,
    pake_err *e)
{
	return db_run(db, SQL_TOKEN_REVOKE_FAMILY, e, "ti", family, now);
}

int
pake_db_token_revoke_user(pake_db *db, int64_t user, int64_t now, pake_err *e)
{
	return db_run(db, SQL_TOKEN_REVOKE_USER, e, "ii", user, now);
}

int
pake_db_token_used(pake_db *db, int64_t id, int64_t now, pake_err *e)
{
	return db_run(db, SQL_TOKEN_USED, e, "ii", id, now);
}

int
pake_db_token_each(pake_db *db, int64_t tenant, pake_token_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_TOKEN_EACH, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, tenant);
	WALK(db, st, pake_token, row_token, cb, arg, e);
}

int
pake_db_event_add(pake_db *db, const pake_event *ev, pake_err *e)
{
	return db_run(db, SQL_EVENT_ADD, e, "iitttii", ev->tenant_id,
	    ev->user_id, ev->event, ev->details, ev->peer, ev->time_ms,
	    ev->token_id);
}

int
pake_db_event_each(pake_db *db, int64_t tenant, int64_t since_ms, int limit,
    pake_event_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;
	pake_event ev;
	int rc;

	if ((st = db_stmt(db, tenant ? SQL_EVENT_EACH : SQL_EVENT_EACH_ALL,
	    e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, tenant);
	sqlite3_bind_int64(st, 2, since_ms);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ev.id = sqlite3_column_int64(st, 0);
		ev.tenant_id = sqlite3_column_int64(st, 1);
		ev.user_id = sqlite3_column_int64(st, 2);
		ev.event = (const char *)sqlite3_column_text(st, 3);
		ev.details = (const char *)sqlite3_column_text(st, 4);
		ev.peer = (const char *)sqlite3_column_text(st, 5);
		ev.time_ms = sqlite3_column_int64(st, 6);
		ev.token_id = sqlite3_column_int64(st, 7);
		if ((rc = cb(arg, &ev)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "activity");
}

int
pake_db_event_since(pake_db *db, int64_t tenant, const char *event,
    int64_t since_ms)
{
	int64_t v;
	pake_err e;

	return db_int1(db, SQL_EVENT_SINCE, &v, &e, "iit", tenant, since_ms,
	    event);
}

int
pake_db_login_get(pake_db *db, const char *tenant, const char *username,
    int64_t *fails, int64_t *locked_until_ms, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*fails = *locked_until_ms = 0;
	if ((st = db_stmt(db, SQL_LOGIN_GET, e)) == NULL)
		return e->code;
	db_bind_text(st, 1, tenant);
	db_bind_text(st, 2, username);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*fails = sqlite3_column_int64(st, 0);
		*locked_until_ms = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    db_fail(db, rc, e, "login failures");
}

int
pake_db_login_put(pake_db *db, const char *tenant, const char *username,
    int64_t fails, int64_t locked_until_ms, int64_t now, pake_err *e)
{
	int rc;

	if ((rc = db_run(db, SQL_LOGIN_PRUNE, e, "ii", now - 86400000, now)) != 0)
		return rc;
	return db_run(db, SQL_LOGIN_PUT, e, "ttiii", tenant, username, fails,
	    locked_until_ms, now);
}

int
pake_db_login_clear(pake_db *db, const char *tenant, const char *username,
    pake_err *e)
{
	return db_run(db, SQL_LOGIN_CLEAR, e, "tt", tenant, username);
}


int
pake_db_usage_get(pake_db *db, int64_t tenant, int64_t day, int64_t *calls,
    pake_err *e)
{
	*calls = 0;
	return db_int1(db, SQL_USAGE_GET, calls, e, "ii", tenant, day) < 0 ?
	    e->code : 0;
}

int
pake_db_usage_put(pake_db *db, int64_t tenant, int64_t day, int64_t calls,
    pake_err *e)
{
	return db_run(db, SQL_USAGE_PUT, e, "iii", tenant, day, calls);
}

int
pake_db_token_touch(pake_db *db, int64_t id, int64_t when, pake_err *e)
{
	return db_run(db, SQL_TOKEN_TOUCH, e, "ii", id, when);
}
