/*
 * db_store.c: a tenant store's schema, its place on disk, its full-text
 * maintenance, and building one from a pake 0.1 database.
 *
 * A store holds one tenant's content: notes, tags, the full-text index,
 * vault bookkeeping (pending syncs, tombstones, import sources), and what
 * later domains add.  Because nothing in it belongs to anyone else, no table
 * has a tenant column, the FTS5 statistics (document counts, term
 * frequencies, BM25's average lengths) are the tenant's own, and its write
 * lock is its own: another tenant's writes cannot change this tenant's
 * ranking or make it wait.
 *
 * The file is "<control>-stores/<tenant>.db", beside the control database
 * (never in a vault); tenant names are [a-z0-9][a-z0-9-]{0,62}, checked
 * again here because they become a path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "pake/db_int.h"
#include "pake/util.h"

static const char store_v1[] =
	"CREATE TABLE store_info("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  notes INTEGER NOT NULL);"	/* kept by db_note.c: the quota */
	"INSERT INTO store_info(id, notes) VALUES(1, 0);"
	"CREATE TABLE notes("
	"  id INTEGER PRIMARY KEY,"
	"  pake_id TEXT NOT NULL UNIQUE,"
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
	"  file_path TEXT NOT NULL UNIQUE,"
	"  extra_json TEXT,"
	"  extra_yaml TEXT);"
	"CREATE INDEX notes_recent ON notes(modified_ms DESC, id DESC);"
	"CREATE INDEX notes_type ON notes(type, modified_ms DESC);"
	"CREATE TABLE note_tags("
	"  note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,"
	"  tag TEXT NOT NULL,"
	"  PRIMARY KEY(note_id, tag)) WITHOUT ROWID;"
	"CREATE INDEX note_tags_tag ON note_tags(tag);"
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
	"  pake_id TEXT NOT NULL UNIQUE,"
	"  file_path TEXT NOT NULL);"
	"CREATE TABLE note_tombstones("
	"  pake_id TEXT PRIMARY KEY,"
	"  file_path TEXT NOT NULL,"
	"  deleted_ms INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE note_sources("
	"  source TEXT PRIMARY KEY,"
	"  pake_id TEXT NOT NULL) WITHOUT ROWID;";

/* Versions (ARCHITECTURE.md §3): notes.version counts a note's changes;
 * note_versions keeps the markdown of every state it has had, with who
 * made it, through which tool and when.  A delete is a row without
 * markdown.  Notes stored before this migration get their first row,
 * "baseline", when they first change. */
static const char store_v2[] =
	"ALTER TABLE notes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
	"CREATE TABLE note_versions("
	"  pake_id TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  op TEXT NOT NULL,"		/* create update delete import restore
					 * baseline */
	"  actor TEXT NOT NULL,"	/* owner, user:ID or token:ID */
	"  front TEXT NOT NULL,"	/* the tool: pake-http, pake-note ... */
	"  time_ms INTEGER NOT NULL,"
	"  title TEXT,"
	"  markdown BLOB,"		/* NULL: deleted */
	"  conflict INTEGER NOT NULL DEFAULT 0,"	/* a hand edit a later
					 * change overwrote */
	"  PRIMARY KEY(pake_id, version)) WITHOUT ROWID;"
	"CREATE INDEX note_versions_time ON note_versions(time_ms);"
	/* When a change's file became pending: one pending for long was
	 * left by a writer that died (the next writer finishes it). */
	"ALTER TABLE vault_pending ADD COLUMN time_ms INTEGER NOT NULL "
	"  DEFAULT 0;"
	/* A create retried with the same Idempotency-Key finds its note. */
	"CREATE TABLE idempotency_keys("
	"  key TEXT PRIMARY KEY,"
	"  pake_id TEXT NOT NULL,"
	"  time_ms INTEGER NOT NULL) WITHOUT ROWID;";

/* The knowledge graph (ARCHITECTURE.md §14, lib/graph.c).  A node is an
 * entity (kind 0: a name unique in the store, a type, observations,
 * properties) or a note (kind 1, one per note: its title, file stem and
 * path, ASCII-lowered, are what links resolve against).  A relation goes
 * from a node to a target name; dst is the node the name resolves to, or
 * NULL while it names nothing.  origin is the note node whose markdown
 * states it (rebuilt with every change of that note), or NULL for one made
 * by a tool, whose (from, to, type) is unique like the memory server's.
 * graph_fts indexes each entity's name, type and observations as
 * trigrams: case-insensitive substring search without a scan.  Notes
 * stored before this migration are listed in graph_unindexed and indexed by
 * the next writer. */
static const char store_v3[] =
	"CREATE TABLE graph_nodes("
	"  id INTEGER PRIMARY KEY,"
	"  kind INTEGER NOT NULL,"		/* 0 entity, 1 note */
	"  name TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  key TEXT NOT NULL,"			/* lower(name), ASCII */
	"  stem TEXT,"				/* notes: lower file stem */
	"  path TEXT,"				/* notes: lower path, no .md */
	"  note_id INTEGER UNIQUE,"		/* notes: notes.id */
	"  props TEXT,"				/* JSON object or NULL */
	"  created_ms INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX graph_entity_name ON graph_nodes(name) "
	"  WHERE kind = 0;"
	"CREATE INDEX graph_nodes_key ON graph_nodes(key, kind);"
	"CREATE INDEX graph_nodes_stem ON graph_nodes(stem) WHERE kind = 1;"
	"CREATE TABLE graph_obs("
	"  id INTEGER PRIMARY KEY,"
	"  node INTEGER NOT NULL REFERENCES graph_nodes(id) ON DELETE CASCADE,"
	"  content TEXT NOT NULL,"
	"  category TEXT,"
	"  context TEXT,"
	"  tags TEXT,"				/* space separated, no # */
	"  from_note INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX graph_obs_node ON graph_obs(node, id);"
	"CREATE TABLE graph_rels("
	"  id INTEGER PRIMARY KEY,"
	"  src INTEGER REFERENCES graph_nodes(id) ON DELETE SET NULL,"
	"  src_name TEXT NOT NULL,"
	"  dst INTEGER REFERENCES graph_nodes(id) ON DELETE SET NULL,"
	"  dst_name TEXT NOT NULL,"
	"  dst_key TEXT NOT NULL,"		/* lower last path part */
	"  type TEXT NOT NULL,"
	"  origin INTEGER REFERENCES graph_nodes(id) ON DELETE CASCADE,"
	"  props TEXT,"
	"  context TEXT,"
	"  created_ms INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX graph_rels_triple ON graph_rels(src_name, "
	"  dst_name, type) WHERE origin IS NULL;"
	"CREATE INDEX graph_rels_src ON graph_rels(src);"
	"CREATE INDEX graph_rels_dst ON graph_rels(dst);"
	"CREATE INDEX graph_rels_origin ON graph_rels(origin);"
	"CREATE INDEX graph_rels_key ON graph_rels(dst_key);"
	"CREATE INDEX graph_rels_dstname ON graph_rels(dst_name) "
	"  WHERE origin IS NULL;"
	"CREATE VIRTUAL TABLE graph_fts USING fts5(text, "
	"  tokenize='trigram');"
	"CREATE TABLE graph_unindexed(pake_id TEXT PRIMARY KEY) WITHOUT ROWID;"
	"INSERT INTO graph_unindexed SELECT pake_id FROM notes;";

/* Analysis (issue 12): the index's own term statistics, per tenant. */
static const char store_v4[] =
	"CREATE VIRTUAL TABLE notes_vocab USING fts5vocab(notes_fts, 'row');";

/* Vectors (issue 12; lib/vec.c): the fitted model's term vectors with
 * their idf at the fit, each note's vector (note_id is notes.id), the
 * notes waiting for an embedding (model from a provider) and what the
 * model is.  Float32 blobs in the machine's byte order; vec_info has no
 * row until a fit. */
static const char store_v5[] =
	"CREATE TABLE vec_terms(term TEXT PRIMARY KEY, idf REAL NOT NULL, "
	"  v BLOB NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE note_vectors(note_id INTEGER PRIMARY KEY, "
	"  v BLOB NOT NULL);"
	"CREATE TABLE vec_pending(note_id INTEGER PRIMARY KEY);"
	"CREATE TABLE vec_info("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  dims INTEGER NOT NULL,"
	"  terms INTEGER NOT NULL,"
	"  docs INTEGER NOT NULL,"
	"  fitted_ms INTEGER NOT NULL,"
	"  model TEXT NOT NULL DEFAULT 'lsa',"
	"  retry_ms INTEGER NOT NULL DEFAULT 0);";

/* Summaries pake wrote (issue 12; lib/summary.c, summary_record): one row
 * a batch, the newest 50 kept, for GET /summarize/analytics.  Averages
 * are over the batch's documents; content_types is a JSON object of
 * counts. */
static const char store_v6[] =
	"CREATE TABLE summary_log(id INTEGER PRIMARY KEY, "
	"  at_ms INTEGER NOT NULL, documents INTEGER NOT NULL, "
	"  compression REAL NOT NULL, confidence REAL NOT NULL, "
	"  ms REAL NOT NULL, content_types TEXT NOT NULL);";

/* What a note is the copy of (issue 13; lib/note_keys.c): identity keys
 * from its frontmatter, kept by the one write path; research saved twice
 * or from two sources finds its note here.  Notes from before: their DOI,
 * arXiv id, PMID and a source_uri naming one. */
static const char store_v7[] =
	"CREATE TABLE note_keys(key TEXT NOT NULL, pake_id TEXT NOT NULL, "
	"  PRIMARY KEY(key, pake_id)) WITHOUT ROWID;"
	"CREATE INDEX note_keys_note ON note_keys(pake_id);"
	"INSERT OR IGNORE INTO note_keys SELECT 'doi:' || lower(json_extract("
	"  extra_json, '$.doi')), pake_id FROM notes WHERE json_valid("
	"  extra_json) AND json_extract(extra_json, '$.doi') LIKE '10.%';"
	"INSERT OR IGNORE INTO note_keys SELECT 'pmid:' || json_extract("
	"  extra_json, '$.pmid'), pake_id FROM notes WHERE json_valid("
	"  extra_json) AND json_extract(extra_json, '$.pmid') IS NOT NULL;"
	"INSERT OR IGNORE INTO note_keys SELECT lower(source_uri), pake_id "
	"  FROM notes WHERE source_uri LIKE 'doi:10.%' OR source_uri LIKE "
	"  'pmid:%';";

/* Feeds the tenant subscribed to (issue 13; lib/feeds.c, lib/db_feed.c):
 * each feed's URL, title, the validators of its last answer (ETag,
 * Last-Modified) sent back as a conditional GET, when it was polled and
 * last answered well, its last error, the items seen so far, and whether
 * new items are saved as notes.  feed_seen holds the ids of the items
 * already seen (a bounded window per feed, the newest kept by rowid). */
static const char store_v8[] =
	"CREATE TABLE feeds("
	"  id INTEGER PRIMARY KEY,"
	"  url TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  etag TEXT,"
	"  last_modified TEXT,"
	"  added_ms INTEGER NOT NULL,"
	"  polled_ms INTEGER NOT NULL DEFAULT 0,"
	"  ok_ms INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  items_seen INTEGER NOT NULL DEFAULT 0,"
	"  save INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE feed_seen("
	"  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,"
	"  guid TEXT NOT NULL,"
	"  PRIMARY KEY(feed_id, guid));";

/* Saved research topics (issue 13; lib/topics.c, lib/db_topic.c): one
 * search of one source, re-run by each poll, whose results not yet notes
 * are saved; when it was polled and last answered well, its last error,
 * and how many notes its polls made. */
static const char store_v9[] =
	"CREATE TABLE topics("
	"  id INTEGER PRIMARY KEY,"
	"  source TEXT NOT NULL,"
	"  query TEXT NOT NULL,"
	"  max_results INTEGER NOT NULL,"
	"  added_ms INTEGER NOT NULL,"
	"  polled_ms INTEGER NOT NULL DEFAULT 0,"
	"  ok_ms INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  saved INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE(source, query));";

/* The search log (issue 14; lib/searchlog.c): every search of the
 * tenant, from every front, folded in from the spool by writers; a
 * session is named by the time of its first search. */
static const char store_v10[] =
	"CREATE TABLE search_log(id INTEGER PRIMARY KEY, t_ms INTEGER NOT NULL,"
	"  query TEXT NOT NULL, filters TEXT, mode TEXT NOT NULL, "
	"  sources TEXT, hits INTEGER NOT NULL, ms REAL NOT NULL, "
	"  front TEXT NOT NULL, actor TEXT NOT NULL, session INTEGER NOT NULL,"
	"  UNIQUE(t_ms, actor, front, query));"
	"CREATE INDEX search_log_actor ON search_log(actor, t_ms);"
	"CREATE INDEX search_log_session ON search_log(session);";

static const db_migration steps[] = {
	{store_v1, NULL},
	{store_v2, NULL},
	{store_v3, NULL},
	{store_v4, NULL},
	{store_v5, NULL},
	{store_v6, NULL},
	{store_v7, NULL},
	{store_v8, NULL},
	{store_v9, NULL},
	{store_v10, NULL},
};

const db_schema db_store_schema = {
	"store", steps, (int)(sizeof steps / sizeof steps[0])
};

int
pake_db_store_path(const char *control, const char *name, char *out,
    size_t n, pake_err *e)
{
	size_t i, len = strlen(name);

	if (len == 0 || len >= PAKE_NAME_LEN || name[0] == '-')
		return pake_fail(e, PAKE_EINVAL, NULL, "tenant name");
	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '-'))
			return pake_fail(e, PAKE_EINVAL, NULL, "tenant name");
	if ((size_t)snprintf(out, n, "%s-stores/%s.db", control, name) >= n)
		return pake_fail(e, PAKE_EINVAL, NULL, "store path too long");
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
	if ((rc = db_exec(db, "INSERT INTO notes_fts(notes_fts) "
	    "VALUES('rebuild')", e)) != 0) {
		pake_db_rollback(db);
		return rc;
	}
	return pake_db_commit(db, e);
}

int
db_store_optimize(pake_db *db, pake_err *e)
{
	return db_exec(db, "INSERT INTO notes_fts(notes_fts) VALUES('optimize')",
	    e);
}

int
pake_db_content_stats(pake_db *db, pake_db_content *s, pake_err *e)
{
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = db_query_int(db, "SELECT notes FROM store_info", &s->notes,
	    e)) != 0 ||
	    (rc = db_query_int(db, "SELECT count(DISTINCT tag) FROM note_tags",
	    &s->tags, e)) != 0 ||
	    (rc = db_query_int(db, "SELECT count(*) FROM vault_pending",
	    &s->pending, e)) != 0)
		return rc;
	return 0;
}

/* The rows of one tenant, from the 0.1 file attached as "old"; ?1 is the
 * tenant.  Row ids are kept, so list cursors handed out before the upgrade
 * still work. */
static const char *const upgrade_sql[] = {
	"INSERT INTO notes(id, pake_id, title, type, status, confidence, "
	"verification_status, created_at, modified_at, created_ms, "
	"modified_ms, source_uri, summary, human_notes, body, tags, file_path, "
	"extra_json, extra_yaml) SELECT id, pake_id, title, type, status, "
	"confidence, verification_status, created_at, modified_at, created_ms, "
	"modified_ms, source_uri, summary, human_notes, body, tags, file_path, "
	"extra_json, extra_yaml FROM old.notes WHERE tenant_id = ?1",
	"INSERT INTO note_tags(note_id, tag) SELECT note_id, tag FROM "
	"old.note_tags WHERE tenant_id = ?1",
	"INSERT INTO vault_pending(seq, pake_id, file_path) SELECT seq, "
	"pake_id, file_path FROM old.vault_pending WHERE tenant_id = ?1",
	"INSERT INTO note_tombstones(pake_id, file_path, deleted_ms) SELECT "
	"pake_id, file_path, deleted_ms FROM old.note_tombstones WHERE "
	"tenant_id = ?1",
	"INSERT INTO note_sources(source, pake_id) SELECT source, pake_id FROM "
	"old.note_sources WHERE tenant_id = ?1",
	"UPDATE store_info SET notes = (SELECT count(*) FROM notes) WHERE "
	"?1 IS NOT NULL",
	"INSERT INTO notes_fts(notes_fts) SELECT 'rebuild' WHERE ?1 IS NOT NULL",
	/* The store is made at the latest schema: its notes' links are
	 * indexed by the first writer, as migration 3 leaves them. */
	"INSERT INTO graph_unindexed(pake_id) SELECT pake_id FROM notes "
	"WHERE ?1 IS NOT NULL",
};

/* Run each statement of upgrade_sql with ?1 = tenant. */
static int
copy_rows(pake_db *st, int64_t tenant, pake_err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof upgrade_sql / sizeof upgrade_sql[0]; i++)
		if ((rc = db_run(st, upgrade_sql[i], e, "i", tenant)) != 0)
			return rc;
	return 0;
}

/* fsync the folder of path: the rename must be on disk before the control
 * database forgets the rows (the checkpoint synced the file itself). */
static int
sync_dir(const char *path, pake_err *e)
{
	char dir[4200], *slash;
	int fd, rc = 0;

	pake_strlcpy(dir, path, sizeof dir);
	if ((slash = strrchr(dir, '/')) == NULL)
		pake_strlcpy(dir, ".", sizeof dir);
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fsync(fd) != 0)
		rc = pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "sync %s: %s", dir,
		    strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

int
db_store_upgrade(const char *control, int64_t tenant, const char *store_path,
    int busy_ms, pake_err *e)
{
	char tmp[4200], side[4200];
	const char *const ext[] = {"-wal", "-shm", "-journal"};
	pake_db *st = NULL;
	sqlite3_stmt *at;
	size_t i;
	int rc;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.upgrade", store_path) >=
	    sizeof tmp)
		return pake_fail(e, PAKE_EINVAL, NULL, "store path too long");
	/* What an earlier, interrupted upgrade left. */
	unlink(tmp);
	for (i = 0; i < 3; i++) {
		snprintf(side, sizeof side, "%s%s", tmp, ext[i]);
		unlink(side);
	}
	if ((rc = db_open(&st, tmp, busy_ms, &db_store_schema, 1, e)) != 0)
		return rc;
	if ((at = db_stmt_dyn(st, "ATTACH DATABASE ?1 AS old", e)) == NULL) {
		rc = e->code;
		goto out;
	}
	db_bind_text(at, 1, control);
	rc = sqlite3_step(at);
	sqlite3_reset(at);
	if (rc != SQLITE_DONE) {
		rc = db_fail(st, rc, e, "attach");
		goto out;
	}
	/* A deferred BEGIN: IMMEDIATE would also want the write lock of
	 * "old", which the migrating connection holds. */
	if ((rc = db_exec(st, "BEGIN", e)) == 0) {
		if ((rc = copy_rows(st, tenant, e)) != 0)
			pake_db_rollback(st);
		else
			rc = pake_db_commit(st, e);
	}
	if (rc == 0)
		rc = db_exec(st, "DETACH DATABASE old", e);
	/* Everything into the file itself: it is renamed without its WAL. */
	if (rc == 0)
		rc = db_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)", e);
out:
	pake_db_close(st);
	if (rc == 0) {
		for (i = 0; i < 3; i++) {
			snprintf(side, sizeof side, "%s%s", store_path, ext[i]);
			unlink(side);
		}
		if (rename(tmp, store_path) != 0)
			rc = pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS,
			    "rename %s: %s", tmp, strerror(errno));
		else
			rc = sync_dir(store_path, e);
	}
	for (i = 0; i < 2; i++) {
		snprintf(side, sizeof side, "%s%s", tmp, ext[i]);
		unlink(side);
	}
	if (rc != 0)
		unlink(tmp);
	return rc;
}
