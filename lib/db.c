/*
 * db.c: opening the database, migrations, transactions and the statement
 * cache.
 *
 * Many short-lived processes open one database at once.  Opening sets WAL,
 * a busy timeout and foreign keys, then applies the numbered migrations
 * inside BEGIN IMMEDIATE: the first process to get the write lock migrates,
 * the others wait on the busy timeout, re-read PRAGMA user_version and find
 * nothing left to do.  Switching to WAL needs a moment of exclusive access,
 * so it is retried while another process holds the file.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "pake/db_int.h"
#include "pake/util.h"

/* Schema, one entry per version; never edit a released entry, add one. */
static const char *const migrations[] = {
	/* 1: tenants (minimal), notes, tags, full-text index, vault sync */
	"CREATE TABLE tenants("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  display_name TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL DEFAULT 'active',"
	"  plan TEXT NOT NULL DEFAULT 'basic',"
	"  created_ms INTEGER NOT NULL);"
	"INSERT INTO tenants(id, name, display_name, created_ms)"
	"  VALUES(1, 'default', 'Default', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));"
	"CREATE TABLE notes("
	"  id INTEGER PRIMARY KEY,"
	"  tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
	"  pake_id TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  confidence REAL NOT NULL,"
	"  verification_status TEXT NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  modified_at TEXT NOT NULL,"
	"  created_ms INTEGER NOT NULL,"
	"  modified_ms INTEGER NOT NULL,"
	"  source_uri TEXT NOT NULL,"
	"  summary TEXT,"
	"  human_notes TEXT,"
	"  body TEXT NOT NULL,"
	"  tags TEXT NOT NULL DEFAULT '',"	/* tags joined, for FTS only */
	"  file_path TEXT NOT NULL,"
	"  extra_json TEXT,"
	"  extra_yaml TEXT,"
	"  UNIQUE(tenant_id, pake_id),"
	"  UNIQUE(tenant_id, file_path));"
	"CREATE INDEX notes_recent ON notes(tenant_id, modified_ms DESC, id DESC);"
	"CREATE INDEX notes_type ON notes(tenant_id, type, modified_ms DESC);"
	/* Key columns first: SQLite 3.40's integrity_check misreads a
	 * WITHOUT ROWID table whose key columns are not leading. */
	"CREATE TABLE note_tags("
	"  note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,"
	"  tag TEXT NOT NULL,"
	"  tenant_id INTEGER NOT NULL,"
	"  PRIMARY KEY(note_id, tag)) WITHOUT ROWID;"
	"CREATE INDEX note_tags_tag ON note_tags(tenant_id, tag);"
	/* The index is kept by db_note.c in the same transaction as the
	 * row, not by triggers: a trigger makes every INSERT a statement
	 * transaction, and FTS5 flushes its pending terms to a new segment at
	 * each one, which made bulk imports five times slower. */
	"CREATE VIRTUAL TABLE notes_fts USING fts5("
	"  title, body, summary, tags,"
	"  content='notes', content_rowid='id',"
	"  tokenize='unicode61 remove_diacritics 2');"
	"CREATE TABLE vault_pending("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  tenant_id INTEGER NOT NULL,"
	"  pake_id TEXT NOT NULL,"
	"  file_path TEXT NOT NULL,"
	"  UNIQUE(tenant_id, pake_id));"
	"CREATE TABLE note_tombstones("
	"  tenant_id INTEGER NOT NULL,"
	"  pake_id TEXT NOT NULL,"
	"  file_path TEXT NOT NULL,"
	"  deleted_ms INTEGER NOT NULL,"
	"  PRIMARY KEY(tenant_id, pake_id)) WITHOUT ROWID;"
	"CREATE TABLE note_sources("
	"  tenant_id INTEGER NOT NULL,"
	"  source TEXT NOT NULL,"
	"  pake_id TEXT NOT NULL,"
	"  PRIMARY KEY(tenant_id, source)) WITHOUT ROWID;",

	/* 2: identity: tenants' limits, users, tokens, activity, rate and
	 * usage counters.  Tokens are stored only as hashes. */
	"ALTER TABLE tenants ADD COLUMN max_users INTEGER;"
	"ALTER TABLE tenants ADD COLUMN max_notes INTEGER;"
	"ALTER TABLE tenants ADD COLUMN max_calls_day INTEGER;"
	"ALTER TABLE tenants ADD COLUMN max_per_minute INTEGER;"
	"ALTER TABLE tenants ADD COLUMN notes INTEGER NOT NULL DEFAULT 0;"
	"UPDATE tenants SET plan = 'enterprise' WHERE name = 'default';"
	"UPDATE tenants SET notes = (SELECT count(*) FROM notes"
	"  WHERE notes.tenant_id = tenants.id);"
	"CREATE TABLE users("
	"  id INTEGER PRIMARY KEY,"
	"  tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
	"  username TEXT NOT NULL,"
	"  email TEXT,"
	"  pw_hash TEXT,"
	"  role TEXT NOT NULL,"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  last_login_ms INTEGER NOT NULL DEFAULT 0,"
	"  failed_logins INTEGER NOT NULL DEFAULT 0,"
	"  locked_until_ms INTEGER NOT NULL DEFAULT 0,"
	"  uid INTEGER,"
	"  created_ms INTEGER NOT NULL,"
	"  UNIQUE(tenant_id, username));"
	"CREATE UNIQUE INDEX users_uid ON users(uid) WHERE uid IS NOT NULL;"
	"CREATE TABLE tokens("
	"  id INTEGER PRIMARY KEY,"
	"  tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
	"  user_id INTEGER REFERENCES users(id),"
	"  kind TEXT NOT NULL,"
	"  hash TEXT NOT NULL UNIQUE,"
	"  scopes INTEGER NOT NULL,"
	"  family TEXT,"
	"  label TEXT,"
	"  created_ms INTEGER NOT NULL,"
	"  expires_ms INTEGER NOT NULL DEFAULT 0,"
	"  revoked_ms INTEGER NOT NULL DEFAULT 0,"
	"  used_ms INTEGER NOT NULL DEFAULT 0,"
	"  last_used_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX tokens_family ON tokens(family);"
	"CREATE INDEX tokens_tenant ON tokens(tenant_id, id);"
	"CREATE TABLE activity("
	"  id INTEGER PRIMARY KEY,"
	"  tenant_id INTEGER NOT NULL,"
	"  user_id INTEGER,"
	"  event TEXT NOT NULL,"
	"  details TEXT,"
	"  peer TEXT,"
	"  time_ms INTEGER NOT NULL);"
	"CREATE INDEX activity_tenant ON activity(tenant_id, time_ms);"
	"CREATE TABLE rate_events("
	"  key TEXT NOT NULL,"
	"  time_ms INTEGER NOT NULL);"
	"CREATE INDEX rate_events_key ON rate_events(key, time_ms);"
	"CREATE TABLE usage_daily("
	"  tenant_id INTEGER NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  calls INTEGER NOT NULL,"
	"  PRIMARY KEY(tenant_id, day)) WITHOUT ROWID;",

	/* 3: HTTP metrics, counted here because the processes that serve
	 * requests are short-lived.  Routes are patterns, never tenants. */
	"CREATE TABLE http_requests("
	"  route TEXT NOT NULL,"
	"  method TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  PRIMARY KEY(route, method, status)) WITHOUT ROWID;"
	"CREATE TABLE http_latency("
	"  route TEXT NOT NULL,"
	"  bucket INTEGER NOT NULL,"	/* index into the bucket bounds */
	"  count INTEGER NOT NULL,"
	"  sum_ms REAL NOT NULL,"
	"  PRIMARY KEY(route, bucket)) WITHOUT ROWID;",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* The statements of the cache, by id. */
static const char *const stmt_sql[ST__N] = {
#define NOTE_COLS "pake_id, title, type, status, confidence, " \
	"verification_status, created_at, modified_at, created_ms, " \
	"modified_ms, source_uri, summary, human_notes, body, file_path, " \
	"extra_json, extra_yaml, tags, id"
	[ST_NOTE_INSERT] = "INSERT INTO notes(tenant_id, " NOTE_COLS ") "
	    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16, ?17, ?18, ?19, NULL)",
	[ST_NOTE_UPDATE] = "UPDATE notes SET title = ?3, type = ?4, "
	    "status = ?5, confidence = ?6, verification_status = ?7, "
	    "created_at = ?8, modified_at = ?9, created_ms = ?10, "
	    "modified_ms = ?11, source_uri = ?12, summary = ?13, "
	    "human_notes = ?14, body = ?15, file_path = ?16, extra_json = ?17, "
	    "extra_yaml = ?18, tags = ?19 WHERE tenant_id = ?1 AND pake_id = ?2",
	[ST_NOTE_DELETE] = "DELETE FROM notes WHERE tenant_id = ?1 AND "
	    "pake_id = ?2",
	[ST_NOTE_GET] = "SELECT " NOTE_COLS " FROM notes WHERE tenant_id = ?1 "
	    "AND pake_id = ?2",
	[ST_NOTE_EXISTS] = "SELECT id FROM notes WHERE tenant_id = ?1 AND "
	    "pake_id = ?2",
	[ST_PATH_TAKEN] = "SELECT 1 FROM notes WHERE tenant_id = ?1 AND "
	    "file_path = ?2",
	[ST_NOTE_SET_PATH] = "UPDATE notes SET file_path = ?3 WHERE "
	    "tenant_id = ?1 AND pake_id = ?2",
	[ST_NOTE_COUNT] = "SELECT count(*) FROM notes WHERE tenant_id = ?1",
	[ST_NOTE_LIST] = "SELECT " NOTE_COLS " FROM notes WHERE tenant_id = ?1 "
	    "ORDER BY modified_ms DESC, id DESC LIMIT ?2",
	[ST_NOTE_LIST_AFTER] = "SELECT " NOTE_COLS " FROM notes "
	    "WHERE tenant_id = ?1 AND (modified_ms, id) < (?3, ?4) "
	    "ORDER BY modified_ms DESC, id DESC LIMIT ?2",
	[ST_NOTE_EACH] = "SELECT " NOTE_COLS " FROM notes WHERE tenant_id = ?1 "
	    "ORDER BY id",
	/* Plain single-row statements on purpose: an INSERT ... SELECT opens
	 * a statement transaction, and FTS5 flushes its pending terms at each
	 * one (see the note on notes_fts). */
	[ST_TAG_DEL] = "DELETE FROM note_tags WHERE note_id = ?1",
	[ST_TAG_ADD] = "INSERT OR IGNORE INTO note_tags(note_id, tag, tenant_id) "
	    "VALUES(?1, ?2, ?3)",
	[ST_TAGS] = "SELECT tag, count(*) AS n FROM note_tags WHERE "
	    "tenant_id = ?1 GROUP BY tag ORDER BY n DESC, tag LIMIT ?2",
	[ST_PENDING_ADD] = "INSERT OR REPLACE INTO vault_pending(tenant_id, "
	    "pake_id, file_path) VALUES(?1, ?2, ?3)",
	[ST_PENDING_DONE] = "DELETE FROM vault_pending WHERE seq = ?1",
	[ST_PENDING_EACH] = "SELECT seq, tenant_id, pake_id, file_path FROM "
	    "vault_pending ORDER BY seq",
	[ST_TOMB_ADD] = "INSERT OR REPLACE INTO note_tombstones(tenant_id, "
	    "pake_id, file_path, deleted_ms) VALUES(?1, ?2, ?3, ?4)",
	[ST_TOMB_HAS] = "SELECT 1 FROM note_tombstones WHERE tenant_id = ?1 "
	    "AND pake_id = ?2",
	[ST_TOMB_DEL] = "DELETE FROM note_tombstones WHERE tenant_id = ?1 AND "
	    "pake_id = ?2",
	[ST_FTS_ADD] = "INSERT INTO notes_fts(rowid, title, body, summary, tags) "
	    "VALUES(?1, ?2, ?3, ?4, ?5)",
	[ST_FTS_DEL] = "INSERT INTO notes_fts(notes_fts, rowid, title, body, "
	    "summary, tags) SELECT 'delete', id, title, body, summary, tags "
	    "FROM notes WHERE tenant_id = ?1 AND pake_id = ?2",
	[ST_SOURCE_GET] = "SELECT pake_id FROM note_sources WHERE "
	    "tenant_id = ?1 AND source = ?2",
	[ST_SOURCE_SET] = "INSERT OR REPLACE INTO note_sources(tenant_id, "
	    "source, pake_id) VALUES(?1, ?2, ?3)",
};

int
db_fail(pake_db *db, int rc, pake_err *e, const char *what)
{
	int prim = rc & 0xff;

	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return pake_fail(e, PAKE_EUNAVAIL, "The database is busy, "
		    "try again", "%s: %s", what, sqlite3_errstr(rc));
	if (prim == SQLITE_CONSTRAINT)
		return pake_fail(e, PAKE_ECONFLICT, NULL, "%s: %s", what,
		    db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
	if (prim == SQLITE_FULL || prim == SQLITE_IOERR ||
	    prim == SQLITE_CANTOPEN || prim == SQLITE_READONLY ||
	    prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_DB, "%s: %s", what,
		    db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
	return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_DB, "%s: %s", what,
	    db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
}

int
db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

sqlite3_stmt *
db_stmt(pake_db *db, enum db_stmt id, pake_err *e)
{
	int rc;

	if (db->st[id] == NULL) {
		rc = sqlite3_prepare_v3(db->h, stmt_sql[id] ? stmt_sql[id] :
		    db_auth_sql(id), -1,
		    SQLITE_PREPARE_PERSISTENT, &db->st[id], NULL);
		if (rc != SQLITE_OK) {
			db_fail(db, rc, e, "prepare");
			return NULL;
		}
	} else {
		sqlite3_reset(db->st[id]);
		sqlite3_clear_bindings(db->st[id]);
	}
	return db->st[id];
}

/* Bind the variadic arguments described by types to st. */
static void
bind_va(sqlite3_stmt *st, const char *types, va_list ap)
{
	int i;

	for (i = 0; types[i]; i++) {
		switch (types[i]) {
		case 'i':
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'd':
			sqlite3_bind_double(st, i + 1, va_arg(ap, double));
			break;
		default:
			db_bind_text(st, i + 1, va_arg(ap, const char *));
			break;
		}
	}
}

int
db_run(pake_db *db, enum db_stmt id, pake_err *e, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	if ((st = db_stmt(db, id, e)) == NULL)
		return e->code;
	va_start(ap, types);
	bind_va(st, types, ap);
	va_end(ap);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "run");
}

int
db_int1(pake_db *db, enum db_stmt id, int64_t *v, pake_err *e,
    const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	if ((st = db_stmt(db, id, e)) == NULL)
		return -1;
	va_start(ap, types);
	bind_va(st, types, ap);
	va_end(ap);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	db_fail(db, rc, e, "query");
	return -1;
}

sqlite3_stmt *
db_stmt_dyn(pake_db *db, const char *sql, pake_err *e)
{
	int i, victim = 0, rc;
	sqlite3_stmt *st;
	char *copy;

	db->tick++;
	for (i = 0; i < DB_DYN_CACHE; i++) {
		if (db->dyn[i].sql && strcmp(db->dyn[i].sql, sql) == 0) {
			db->dyn[i].used = db->tick;
			sqlite3_reset(db->dyn[i].st);
			sqlite3_clear_bindings(db->dyn[i].st);
			return db->dyn[i].st;
		}
		if (db->dyn[i].used < db->dyn[victim].used)
			victim = i;
	}
	rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st, NULL);
	if (rc != SQLITE_OK) {
		db_fail(db, rc, e, "prepare search");
		return NULL;
	}
	if ((copy = strdup(sql)) == NULL) {
		sqlite3_finalize(st);
		pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		return NULL;
	}
	sqlite3_finalize(db->dyn[victim].st);
	free(db->dyn[victim].sql);
	db->dyn[victim].sql = copy;
	db->dyn[victim].st = st;
	db->dyn[victim].used = db->tick;
	return st;
}

/* Run SQL without results. */
static int
exec(pake_db *db, const char *sql, pake_err *e)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_fail(db, rc, e, sql);
}

/* A single integer from a pragma or query. */
static int
query_int(pake_db *db, const char *sql, int64_t *v, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, e, sql);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	else
		*v = 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, sql);
}

/* mkdir -p for the database's folder (0700 for folders we create). */
static int
make_parent(const char *path, pake_err *e)
{
	char dir[PATH_MAX], *p;

	if (pake_strlcpy(dir, path, sizeof dir) >= sizeof dir)
		return pake_fail(e, PAKE_EINVAL, NULL, "database path too long");
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS,
			    "mkdir %s: %s", dir, strerror(errno));
		*p = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "mkdir %s: %s",
		    dir, strerror(errno));
	return 0;
}

/* Sleep a little while another process holds the file exclusively. */
static void
nap(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* journal_mode=WAL needs exclusive access for a moment on a new file. */
static int
set_wal(pake_db *db, pake_err *e)
{
	sqlite3_stmt *st;
	int rc, waited = 0;
	const char *mode;

	for (;;) {
		rc = sqlite3_prepare_v2(db->h, "PRAGMA journal_mode=WAL", -1,
		    &st, NULL);
		if (rc != SQLITE_OK)
			return db_fail(db, rc, e, "journal_mode");
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			mode = (const char *)sqlite3_column_text(st, 0);
			rc = mode && strcmp(mode, "wal") == 0 ? 0 : -1;
			sqlite3_finalize(st);
			if (rc != 0)
				return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_DB,
				    "cannot switch to WAL (%s)", mode ? mode : "?");
			return 0;
		}
		sqlite3_finalize(st);
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			return db_fail(db, rc, e, "journal_mode");
		if (waited >= db->busy_ms)
			return db_fail(db, rc, e, "journal_mode");
		nap(5);
		waited += 5;
	}
}

/* Apply the migrations this file lacks, one transaction for all. */
static int
migrate(pake_db *db, pake_err *e)
{
	int64_t v;
	int rc, i;

	if ((rc = query_int(db, "PRAGMA user_version", &v, e)) != 0)
		return rc;
	if (v == NMIGRATIONS)
		return 0;
	if (v > NMIGRATIONS)
		return pake_fail(e, PAKE_EUNAVAIL, "The database is newer than "
		    "this program", "schema %lld > %d", (long long)v, NMIGRATIONS);
	if ((rc = pake_db_begin(db, e)) != 0)
		return rc;
	if ((rc = query_int(db, "PRAGMA user_version", &v, e)) != 0)
		goto fail;
	for (i = (int)v; i < NMIGRATIONS; i++)
		if ((rc = exec(db, migrations[i], e)) != 0)
			goto fail;
	if (v < NMIGRATIONS) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version=%d", NMIGRATIONS);
		if ((rc = exec(db, sql, e)) != 0)
			goto fail;
	}
	return pake_db_commit(db, e);
fail:
	pake_db_rollback(db);
	return rc;
}

/*
 * Waiting for the write lock.  SQLite's own busy timeout sleeps 1, 2, 5,
 * 10 ... 100 ms between tries, so a writer that just missed the lock may
 * sleep 100 ms while the lock is free again after one: with 32 writers that
 * made the slowest writes take a quarter of a second.  This handler tries
 * again after 50 us, doubling to at most 1 ms, until busy_ms have passed.
 */
static int
busy_wait(void *arg, int count)
{
	pake_db *db = arg;
	struct timespec ts;
	long us = count < 5 ? 50L << count : 1000;
	int64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (count == 0)
		db->busy_since = now;
	else if (now - db->busy_since >= db->busy_ms)
		return 0;	/* give up: SQLITE_BUSY reaches the caller */
	ts.tv_sec = 0;
	ts.tv_nsec = us * 1000;
	nanosleep(&ts, NULL);
	return 1;
}

int
pake_db_open(pake_db **out, const char *path, int busy_ms, pake_err *e)
{
	pake_db *db;
	int rc;

	*out = NULL;
	if ((rc = make_parent(path, e)) != 0)
		return rc;
	if ((db = calloc(1, sizeof *db)) == NULL ||
	    (db->path = strdup(path)) == NULL) {
		free(db);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	db->busy_ms = busy_ms;
	rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = db_fail(db, rc, e, "open");
		snprintf(e->detail, sizeof e->detail, "cannot open database %s",
		    path);
		pake_db_close(db);
		return rc;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_handler(db->h, busy_wait, db);
	if ((rc = set_wal(db, e)) != 0 ||
	    (rc = exec(db, "PRAGMA foreign_keys=ON;"
	    "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768;"
	    "PRAGMA mmap_size=1073741824;", e)) != 0 ||
	    (rc = migrate(db, e)) != 0) {
		pake_db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

void
pake_db_close(pake_db *db)
{
	int i;

	if (db == NULL)
		return;
	for (i = 0; i < ST__N; i++)
		sqlite3_finalize(db->st[i]);
	for (i = 0; i < DB_DYN_CACHE; i++) {
		sqlite3_finalize(db->dyn[i].st);
		free(db->dyn[i].sql);
	}
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

const char *
pake_db_path(const pake_db *db)
{
	return db->path;
}

int
pake_db_schema_version(pake_db *db)
{
	int64_t v = 0;
	pake_err e;

	query_int(db, "PRAGMA user_version", &v, &e);
	return (int)v;
}

/* The schema version this program's migrations end at. */
int
pake_db_schema_latest(void)
{
	return NMIGRATIONS;
}

int
pake_db_begin(pake_db *db, pake_err *e)
{
	return exec(db, "BEGIN IMMEDIATE", e);
}

int
pake_db_begin_read(pake_db *db, pake_err *e)
{
	return exec(db, "BEGIN", e);
}

int
pake_db_commit(pake_db *db, pake_err *e)
{
	int rc = exec(db, "COMMIT", e);

	if (rc != 0)
		pake_db_rollback(db);
	return rc;
}

void
pake_db_rollback(pake_db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* integrity_check: 0 when "ok"; otherwise PAKE_EUNAVAIL and msg says why. */
int
pake_db_integrity(pake_db *db, char *msg, size_t n, pake_err *e)
{
	sqlite3_stmt *st;
	const char *r;
	int rc, bad = 0;

	rc = sqlite3_prepare_v2(db->h, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, e, "integrity_check");
	msg[0] = '\0';
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = (const char *)sqlite3_column_text(st, 0);
		if (r && strcmp(r, "ok") != 0 && !bad++)
			pake_strlcpy(msg, r, n);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e, "integrity_check");
	if (bad)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_DB,
		    "integrity_check: %s", msg);
	pake_strlcpy(msg, "ok", n);
	return 0;
}

int
pake_db_fts_check(pake_db *db, pake_err *e)
{
	int rc = sqlite3_exec(db->h, "INSERT INTO notes_fts(notes_fts, rank) "
	    "VALUES('integrity-check', 1)", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_CORRUPT)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_DB,
		    "full-text index does not match the notes");
	return db_fail(db, rc, e, "fts integrity-check");
}

int
pake_db_fts_rebuild(pake_db *db, pake_err *e)
{
	int rc;

	if ((rc = pake_db_begin(db, e)) != 0)
		return rc;
	if ((rc = exec(db, "INSERT INTO notes_fts(notes_fts) VALUES('rebuild')",
	    e)) != 0) {
		pake_db_rollback(db);
		return rc;
	}
	return pake_db_commit(db, e);
}

/* Online backup: copies pages while others keep writing; restarts when a
 * writer changes a copied page, which the step loop absorbs. */
int
pake_db_backup(pake_db *db, const char *dest, pake_err *e)
{
	sqlite3 *out;
	sqlite3_backup *b;
	int rc;

	rc = sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close(out);
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS,
		    "cannot open backup %s", dest);
	}
	b = sqlite3_backup_init(out, "main", db->h, "main");
	if (b == NULL) {
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_DB, "backup init: %s",
		    sqlite3_errmsg(out));
		sqlite3_close(out);
		return rc;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			nap(10);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		sqlite3_close(out);
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_DB, "backup: %s",
		    sqlite3_errstr(rc));
	}
	rc = sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	sqlite3_close(out);
	return 0;
}

int
pake_db_vacuum(pake_db *db, pake_err *e)
{
	int rc;

	if ((rc = exec(db, "INSERT INTO notes_fts(notes_fts) VALUES('optimize')",
	    e)) != 0)
		return rc;
	if ((rc = exec(db, "VACUUM", e)) != 0)
		return rc;
	return exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", e);
}

int
pake_db_stats_get(pake_db *db, pake_db_stats *s, pake_err *e)
{
	char wal[PATH_MAX + 8];
	struct stat st;
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = query_int(db, "SELECT count(*) FROM notes", &s->notes, e)) ||
	    (rc = query_int(db, "SELECT count(DISTINCT tag) FROM note_tags",
	    &s->tags, e)) ||
	    (rc = query_int(db, "SELECT count(*) FROM tenants", &s->tenants,
	    e)) ||
	    (rc = query_int(db, "SELECT count(*) FROM vault_pending",
	    &s->pending, e)) ||
	    (rc = query_int(db, "PRAGMA page_count", &s->page_count, e)) ||
	    (rc = query_int(db, "PRAGMA page_size", &s->page_size, e)) ||
	    (rc = query_int(db, "PRAGMA freelist_count", &s->freelist, e)))
		return rc;
	s->schema = pake_db_schema_version(db);
	snprintf(wal, sizeof wal, "%s-wal", db->path);
	if (stat(wal, &st) == 0)
		s->wal_bytes = st.st_size;
	return 0;
}
