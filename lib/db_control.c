/*
 * db_control.c: the control database's schema, and the move of a pake 0.1
 * database into tenant stores.
 *
 * The control database holds who may do what: tenants, plans, users,
 * tokens, the activity log and daily usage.  Each tenant's content lives in
 * its own store (db_store.c).  Migrations 1-3 are pake 0.1's, which kept
 * every tenant's notes in this one file; they are never edited, so a new
 * database and an upgraded one take the same path.  Migration 4 copies each
 * tenant's rows into a store of its own and drops them here.
 *
 * The upgrade is crash-safe and safe when many processes open the file at
 * once: migrations run under the control database's write lock (every
 * other opener waits, then finds the work done); each store is built under
 * a temporary name, checkpointed and renamed into place before this file's
 * transaction commits.  A crash before that commit leaves this file at
 * version 3 with every row, and the next opener builds the stores again,
 * replacing what the crash left.  No one opens a store of a control
 * database below version 4, so nothing can have written to those files.
 */
#include <stdio.h>
#include <string.h>
#include "pake/db_int.h"

/* pake 0.1's migrations, as released. */
/* 1: tenants (minimal), notes, tags, full-text index, vault sync */
static const char m1[] =
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
	"  PRIMARY KEY(tenant_id, source)) WITHOUT ROWID;";

/* 2: identity: tenants' limits, users, tokens, activity, rate and
 * usage counters.  Tokens are stored only as hashes. */
static const char m2[] =
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
	"  PRIMARY KEY(tenant_id, day)) WITHOUT ROWID;";

/* 3: HTTP metrics, counted here because the processes that serve
requests are short-lived.  Routes are patterns, never tenants. */
static const char m3[] =
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
	"  PRIMARY KEY(route, bucket)) WITHOUT ROWID;";


/* Migration 4, before its SQL: every tenant's notes into its own store. */
static int
split_stores(pake_db *db, pake_err *e)
{
	static const char each[] = "SELECT id, name FROM tenants ORDER BY id";
	char path[4096], name[PAKE_NAME_LEN];
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	/* A new file: its rows are not committed yet, and there are none to
	 * move; stores are created on first use. */
	if (db->from_version == 0)
		return 0;
	if ((st = db_stmt(db, each, e)) == NULL)
		return e->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		db_col_copy(st, 1, name, sizeof name);
		if ((rc = pake_db_store_path(db->path, name, path, sizeof path,
		    e)) != 0 || (rc = db_store_upgrade(db->path, id, path,
		    db->busy_ms, e)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "tenants");
}

static const db_migration steps[] = {
	{m1, NULL},
	{m2, NULL},
	{m3, NULL},
	/* 4: content moves to the tenant stores; rate events and HTTP
	 * metrics move to the counters file (auth.c, http.c). */
	{"DROP TABLE notes_fts;"
	 "DROP TABLE note_tags;"
	 "DROP TABLE notes;"
	 "DROP TABLE vault_pending;"
	 "DROP TABLE note_tombstones;"
	 "DROP TABLE note_sources;"
	 "DROP TABLE rate_events;"
	 "DROP TABLE http_requests;"
	 "DROP TABLE http_latency;"
	 "ALTER TABLE tenants DROP COLUMN notes;", split_stores},
	/* 5: who minted each token (a token dies with its minter's access),
	 * and which token acted in each activity event. */
	{"ALTER TABLE tokens ADD COLUMN created_by INTEGER;"
	 "CREATE INDEX tokens_created_by ON tokens(created_by)"
	 "  WHERE created_by IS NOT NULL;"
	 "ALTER TABLE activity ADD COLUMN token_id INTEGER;", NULL},
	/* 6: failed logins by the name tried, whether or not such a user
	 * exists, so that a lockout tells nothing (users.failed_logins and
	 * locked_until_ms are no longer used). */
	{"CREATE TABLE login_failures("
	 "  tenant TEXT NOT NULL,"
	 "  username TEXT NOT NULL,"
	 "  fails INTEGER NOT NULL,"
	 "  locked_until_ms INTEGER NOT NULL,"
	 "  time_ms INTEGER NOT NULL,"
	 "  PRIMARY KEY(tenant, username)) WITHOUT ROWID;"
	 "CREATE INDEX login_failures_time ON login_failures(time_ms);", NULL},
};

const db_schema db_control_schema = {
	"control", steps, (int)(sizeof steps / sizeof steps[0])
};
