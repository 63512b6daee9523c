/*
 * db.c: opening a database file, migrations, transactions, the statement
 * cache, and the work every database file shares (integrity, backup,
 * vacuum, sizes).  Which tables a file holds is its schema's business
 * (db_control.c, db_store.c); each family of tables keeps its statements
 * in its own db_*.c file.
 *
 * Many short-lived processes open one file at once.  Opening sets WAL,
 * a busy handler and foreign keys, then applies the numbered migrations
 * inside BEGIN IMMEDIATE: the first process to get the write lock migrates,
 * the others wait, re-read PRAGMA user_version and find nothing left to do.
 * Switching to WAL needs a moment of exclusive access, so it is retried
 * while another process holds the file.
 *
 * A bounded WAL.  SQLite checkpoints passively after a commit that leaves
 * the WAL over 1,000 pages, but a passive checkpoint copies only the frames
 * no reader still needs, and the WAL starts again from its beginning only
 * once every frame is copied and no reader uses it.  Under steady load some
 * reader is always there, so the WAL kept growing (182 MB in 16 s when every
 * read also wrote).  The WAL hook below therefore escalates: past
 * DB_WAL_PASSIVE pages a passive checkpoint as SQLite would, past
 * DB_WAL_TRUNCATE pages a TRUNCATE checkpoint that waits (at most
 * DB_CKPT_WAIT_MS) for the readers of old snapshots to finish -- reads are
 * short -- and empties the file.  New readers meanwhile read from the
 * database file, so the wait ends.  The WAL thus stays near
 * DB_WAL_TRUNCATE pages plus what commits add during one wait.  SQLite's
 * own checkpoint when the last connection closes is turned off
 * (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE): a process that only read must leave
 * the files as it found them.  A connection that wrote instead empties the
 * WAL as it closes when that takes at most DB_CLOSE_WAIT_MS of waiting, so
 * a store that goes idle keeps no WAL.
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

/* Transactions: cached statements like any other (a server begins and
 * ends one per request; parsing the text each time showed in profiles). */
static const char sql_begin_write[] = "BEGIN IMMEDIATE";
static const char sql_begin[] = "BEGIN";
static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";

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

/* The slot of static SQL text: its address hashed, probed linearly.  A
 * full table (more statements than DB_STMT_SLOTS) recycles the home slot. */
static int
stmt_slot(pake_db *db, const char *sql)
{
	uintptr_t h = (uintptr_t)sql;
	unsigned i, home, k;

	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	home = (unsigned)(h >> 40) & (DB_STMT_SLOTS - 1);
	for (k = 0; k < DB_STMT_SLOTS; k++) {
		i = (home + k) & (DB_STMT_SLOTS - 1);
		if (db->st[i].sql == sql || db->st[i].sql == NULL)
			return (int)i;
	}
	sqlite3_finalize(db->st[home].st);
	db->st[home].st = NULL;
	db->st[home].sql = NULL;
	return (int)home;
}

sqlite3_stmt *
db_stmt(pake_db *db, const char *sql, pake_err *e)
{
	int i = stmt_slot(db, sql), rc;

	if (db->st[i].st == NULL) {
		rc = sqlite3_prepare_v3(db->h, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &db->st[i].st, NULL);
		if (rc != SQLITE_OK) {
			db->st[i].st = NULL;
			db_fail(db, rc, e, "prepare");
			return NULL;
		}
		db->st[i].sql = sql;
	} else {
		sqlite3_reset(db->st[i].st);
		sqlite3_clear_bindings(db->st[i].st);
	}
	return db->st[i].st;
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
db_run(pake_db *db, const char *sql, pake_err *e, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	if ((st = db_stmt(db, sql, e)) == NULL)
		return e->code;
	va_start(ap, types);
	bind_va(st, types, ap);
	va_end(ap);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "run");
}

int
db_int1(pake_db *db, const char *sql, int64_t *v, pake_err *e,
    const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	if ((st = db_stmt(db, sql, e)) == NULL)
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

int
db_exec(pake_db *db, const char *sql, pake_err *e)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_fail(db, rc, e, sql);
}

int
db_query_int(pake_db *db, const char *sql, int64_t *v, pake_err *e)
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

void
db_nap(int ms)
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
		db_nap(5);
		waited += 5;
	}
}

/* Apply the migrations this file lacks, one transaction for all. */
static int
migrate(pake_db *db, pake_err *e)
{
	const db_schema *sc = db->schema;
	int64_t v;
	int rc, i;

	if ((rc = db_query_int(db, "PRAGMA user_version", &v, e)) != 0)
		return rc;
	if (v == sc->n)
		return 0;
	if (v > sc->n)
		return pake_fail(e, PAKE_EUNAVAIL, "The database is newer than "
		    "this program", "%s schema %lld > %d", sc->name,
		    (long long)v, sc->n);
	if ((rc = pake_db_begin(db, e)) != 0)
		return rc;
	if ((rc = db_query_int(db, "PRAGMA user_version", &v, e)) != 0)
		goto fail;
	db->from_version = (int)v;
	for (i = (int)v; i < sc->n; i++) {
		if (sc->step[i].fn && (rc = sc->step[i].fn(db, e)) != 0)
			goto fail;
		if (sc->step[i].sql &&
		    (rc = db_exec(db, sc->step[i].sql, e)) != 0)
			goto fail;
	}
	if (v < sc->n) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version=%d", sc->n);
		if ((rc = db_exec(db, sql, e)) != 0)
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
	else if (now - db->busy_since >= (db->in_ckpt ? db->in_ckpt :
	    db->busy_ms))
		return 0;	/* give up: SQLITE_BUSY reaches the caller */
	ts.tv_sec = 0;
	ts.tv_nsec = us * 1000;
	nanosleep(&ts, NULL);
	return 1;
}

/* After each commit (see the top of the file): checkpoint passively past
 * DB_WAL_PASSIVE pages; past DB_WAL_TRUNCATE, wait briefly for readers and
 * empty the WAL. */
static int
wal_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
	pake_db *db = arg;

	db->wrote = 1;
	if (pages < DB_WAL_PASSIVE)
		return SQLITE_OK;
	if (pages < DB_WAL_TRUNCATE) {
		sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE,
		    NULL, NULL);
		return SQLITE_OK;
	}
	db->in_ckpt = DB_CKPT_WAIT_MS;
	sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_TRUNCATE, NULL,
	    NULL);
	db->in_ckpt = 0;
	return SQLITE_OK;
}

/* A mistyped path must not become a new, empty installation: only pake-db
 * init makes a control database (ARCHITECTURE.md §3). */
int
pake_db_present(const char *path, pake_err *e)
{
	struct stat sb;

	if (stat(path, &sb) == 0)
		return 0;
	return pake_fail(e, errno == ENOENT || errno == ENOTDIR ?
	    PAKE_ENOTFOUND : PAKE_EUNAVAIL, PAKE_MSG_NODB, "%s: %s", path,
	    strerror(errno));
}

int
db_open(pake_db **out, const char *path, int busy_ms, const db_schema *schema,
    int create, pake_err *e)
{
	pake_db *db;
	int rc;

	*out = NULL;
	if (!create && (rc = pake_db_present(path, e)) != 0)
		return rc;
	if (create && (rc = make_parent(path, e)) != 0)
		return rc;
	if ((db = calloc(1, sizeof *db)) == NULL ||
	    (db->path = strdup(path)) == NULL) {
		free(db);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	db->busy_ms = busy_ms;
	db->schema = schema;
	rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
	    (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = db_fail(db, rc, e, "open");
		snprintf(e->detail, sizeof e->detail, "cannot open database %s",
		    path);
		pake_db_close(db);
		return rc;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_handler(db->h, busy_wait, db);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_wal_hook(db->h, wal_hook, db);
	if ((rc = set_wal(db, e)) != 0 ||
	    (rc = db_exec(db, "PRAGMA foreign_keys=ON;"
	    "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768;"
	    "PRAGMA journal_size_limit=16777216;"
	    "PRAGMA mmap_size=1073741824;", e)) != 0 ||
	    (rc = migrate(db, e)) != 0) {
		pake_db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

int
pake_db_open_control(pake_db **out, const char *path, int busy_ms,
    int create, pake_err *e)
{
	return db_open(out, path, busy_ms, &db_control_schema, create, e);
}

/* A tenant's store is made on its first use. */
int
pake_db_open_store(pake_db **out, const char *path, int busy_ms, pake_err *e)
{
	return db_open(out, path, busy_ms, &db_store_schema, 1, e);
}

void
pake_db_close(pake_db *db)
{
	int i;

	if (db == NULL)
		return;
	/* A connection that wrote empties the WAL as it leaves if that takes
	 * no waiting to speak of (a store that goes idle keeps no WAL); one
	 * that only read leaves the files as they were. */
	if (db->wrote && db->h) {
		db->in_ckpt = DB_CLOSE_WAIT_MS;
		sqlite3_wal_checkpoint_v2(db->h, NULL,
		    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	}
	for (i = 0; i < DB_STMT_SLOTS; i++)
		sqlite3_finalize(db->st[i].st);
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

	db_query_int(db, "PRAGMA user_version", &v, &e);
	return (int)v;
}

/* The schema version this program's migrations of db's kind end at. */
int
pake_db_schema_latest(const pake_db *db)
{
	return db->schema->n;
}

int
pake_db_begin(pake_db *db, pake_err *e)
{
	return db_run(db, sql_begin_write, e, "");
}

int
pake_db_begin_read(pake_db *db, pake_err *e)
{
	return db_run(db, sql_begin, e, "");
}

int
pake_db_commit(pake_db *db, pake_err *e)
{
	int rc = db_run(db, sql_commit, e, "");

	if (rc != 0)
		pake_db_rollback(db);
	return rc;
}

void
pake_db_rollback(pake_db *db)
{
	pake_err e;

	if (!sqlite3_get_autocommit(db->h))
		db_run(db, sql_rollback, &e, "");
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
			db_nap(10);
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

/* Copy the database at src into db, page by page, while db stays open to
 * others (they see the copy at their next transaction). */
int
pake_db_restore(pake_db *db, const char *src, pake_err *e)
{
	sqlite3 *in;
	sqlite3_backup *b;
	int rc;

	rc = sqlite3_open_v2(src, &in, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close(in);
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS,
		    "cannot open %s", src);
	}
	if ((b = sqlite3_backup_init(db->h, "main", in, "main")) == NULL) {
		rc = db_fail(db, sqlite3_errcode(db->h), e, "restore init");
		sqlite3_close(in);
		return rc;
	}
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			db_nap(10);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	sqlite3_close(in);
	if (rc != SQLITE_DONE)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_DB, "restore: %s",
		    sqlite3_errstr(rc));
	return 0;
}

int
pake_db_vacuum(pake_db *db, pake_err *e)
{
	int rc;

	if (db->schema == &db_store_schema &&
	    (rc = db_store_optimize(db, e)) != 0)
		return rc;
	if ((rc = db_exec(db, "VACUUM", e)) != 0)
		return rc;
	return db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", e);
}

int
pake_db_file_stats(pake_db *db, pake_db_file *s, pake_err *e)
{
	char wal[PATH_MAX + 8];
	struct stat st;
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = db_query_int(db, "PRAGMA page_count", &s->page_count, e)) ||
	    (rc = db_query_int(db, "PRAGMA page_size", &s->page_size, e)) ||
	    (rc = db_query_int(db, "PRAGMA freelist_count", &s->freelist, e)))
		return rc;
	s->schema = pake_db_schema_version(db);
	snprintf(wal, sizeof wal, "%s-wal", db->path);
	if (stat(wal, &st) == 0)
		s->wal_bytes = st.st_size;
	return 0;
}

void
db_col_copy(sqlite3_stmt *st, int i, char *dst, size_t n)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	pake_strlcpy(dst, t ? t : "", n);
}
