/*
 * db_graph.c: the SQL of the knowledge graph (ARCHITECTURE.md §14).
 *
 * Three tables of the store (migration 3 in db_store.c): graph_nodes
 * (entities and one node per note), graph_obs (observations of a node, in
 * the order they came) and graph_rels (typed relations from a node to a
 * target name, resolved to a node when the name names one), plus
 * graph_fts, a trigram index of each entity's name, type and observations
 * that makes the memory server's substring search an index lookup.  Which
 * name resolves to which node is decided in lib/graph.c; this file only
 * stores and finds.
 */
#include <stdlib.h>
#include <string.h>
#include "pake/db_int.h"
#include "pake/util.h"

#define NODE_COLS "n.id, n.kind, n.name, n.type, n.key, n.stem, n.path, " \
    "n.note_id, (SELECT pake_id FROM notes WHERE id = n.note_id), " \
    "n.props, n.created_ms"
#define REL_COLS "id, src, src_name, dst, dst_name, dst_key, type, origin, " \
    "props, context, created_ms"

static const char SQL_N_INS[] = "INSERT INTO graph_nodes(kind, name, type, "
    "key, stem, path, note_id, props, created_ms) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_N_UPD[] = "UPDATE graph_nodes SET name = ?2, "
    "type = ?3, key = ?4, stem = ?5, path = ?6, props = ?7 WHERE id = ?1";
static const char SQL_N_DEL[] = "DELETE FROM graph_nodes WHERE id = ?1";
static const char SQL_N_GET[] = "SELECT " NODE_COLS " FROM graph_nodes n "
    "WHERE n.id = ?1";
static const char SQL_N_ENT[] = "SELECT " NODE_COLS " FROM graph_nodes n "
    "WHERE n.name = ?1 AND n.kind = 0";
static const char SQL_N_NOTE[] = "SELECT " NODE_COLS " FROM graph_nodes n "
    "WHERE n.note_id = ?1";
static const char SQL_N_PAGE[] = "SELECT " NODE_COLS " FROM graph_nodes n "
    "WHERE (?1 < 0 OR n.kind = ?1) AND n.id > ?2 ORDER BY n.id LIMIT ?3";
static const char SQL_N_FTS[] = "SELECT " NODE_COLS " FROM graph_nodes n "
    "WHERE n.id IN (SELECT rowid FROM graph_fts WHERE graph_fts MATCH ?1 "
    "AND rowid > ?2 ORDER BY rowid LIMIT ?3) ORDER BY n.id";
/* Fewer than 3 bytes: no trigram to look up, so a scan. */
static const char SQL_N_SCAN[] = "SELECT " NODE_COLS " FROM graph_nodes n "
    "WHERE n.kind = 0 AND n.id > ?2 AND (instr(lower(n.name), lower(?1)) "
    "OR instr(lower(n.type), lower(?1)) OR EXISTS (SELECT 1 FROM graph_obs o "
    "WHERE o.node = n.id AND instr(lower(o.content), lower(?1)))) "
    "ORDER BY n.id LIMIT ?3";
static const char SQL_N_STEM[] = "SELECT " NODE_COLS " FROM graph_nodes n "
    "WHERE n.stem = ?1 AND n.kind = 1 ORDER BY n.id";
static const char SQL_N_KEY[] = "SELECT id FROM graph_nodes WHERE key = ?1 "
    "AND kind = ?2 ORDER BY id LIMIT 1";
static const char SQL_FTS_DEL[] = "DELETE FROM graph_fts WHERE rowid = ?1";
static const char SQL_FTS_ADD[] = "INSERT INTO graph_fts(rowid, text) "
    "SELECT id, name || char(10) || type || coalesce((SELECT char(10) || "
    "group_concat(content, char(10)) FROM graph_obs WHERE node = ?1), '') "
    "FROM graph_nodes WHERE id = ?1 AND kind = 0";

static const char SQL_O_ADD[] = "INSERT INTO graph_obs(node, content, "
    "category, context, tags, from_note) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_O_HAS[] = "SELECT 1 FROM graph_obs WHERE node = ?1 "
    "AND content = ?2 LIMIT 1";
static const char SQL_O_DEL[] = "DELETE FROM graph_obs WHERE node = ?1 "
    "AND content = ?2";
static const char SQL_O_CLEAR[] = "DELETE FROM graph_obs WHERE node = ?1 "
    "AND from_note = 1";
static const char SQL_O_EACH[] = "SELECT id, node, content, category, "
    "context, tags, from_note FROM graph_obs WHERE node = ?1 ORDER BY id";

static const char SQL_R_INS[] = "INSERT INTO graph_rels(src, src_name, dst, "
    "dst_name, dst_key, type, origin, props, context, created_ms) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_R_GET[] = "SELECT " REL_COLS " FROM graph_rels "
    "WHERE id = ?1";
static const char SQL_R_DEL[] = "DELETE FROM graph_rels WHERE id = ?1";
static const char SQL_R_DEL3[] = "DELETE FROM graph_rels WHERE origin IS NULL "
    "AND src_name = ?1 AND dst_name = ?2 AND type = ?3";
static const char SQL_R_DELN[] = "DELETE FROM graph_rels WHERE origin IS NULL "
    "AND (src_name = ?1 OR dst_name = ?1)";
static const char SQL_R_CLEAR[] = "DELETE FROM graph_rels WHERE origin = ?1";
static const char SQL_R_BIND_SRC[] = "UPDATE graph_rels SET src = ?2 "
    "WHERE origin IS NULL AND src_name = ?1";
static const char SQL_R_BIND_DST[] = "UPDATE graph_rels SET dst = ?2 "
    "WHERE origin IS NULL AND dst_name = ?1";
static const char SQL_R_DST[] = "UPDATE graph_rels SET dst = ?2 WHERE id = ?1";
static const char SQL_R_KEY[] = "SELECT " REL_COLS " FROM graph_rels "
    "WHERE dst_key = ?1 AND origin IS NOT NULL ORDER BY id";
static const char SQL_R_OUT[] = "SELECT " REL_COLS " FROM graph_rels "
    "WHERE src = ?1 AND (?2 = 0 OR origin IS NULL) ORDER BY id";
static const char SQL_R_IN[] = "SELECT " REL_COLS " FROM graph_rels "
    "WHERE dst = ?1 AND (?2 = 0 OR origin IS NULL) ORDER BY id";
static const char SQL_R_PAGE[] = "SELECT " REL_COLS " FROM graph_rels "
    "WHERE id > ?1 AND (?2 = 0 OR origin IS NULL) AND (?3 = 0 OR src IS NULL) "
    "ORDER BY id LIMIT ?4";
static const char SQL_R_DANGLING[] = "SELECT " REL_COLS " FROM graph_rels "
    "WHERE dst IS NULL AND origin IS NOT NULL ORDER BY id LIMIT ?1";

static const char SQL_COUNTS[] =
    "SELECT 'entities', count(*) FROM graph_nodes WHERE kind = 0 "
    "UNION ALL SELECT 'notes', count(*) FROM graph_nodes WHERE kind = 1 "
    "UNION ALL SELECT 'relations', count(*) FROM graph_rels "
    "UNION ALL SELECT 'dangling', count(*) FROM graph_rels WHERE dst IS NULL "
    "UNION ALL SELECT 'observations', count(*) FROM graph_obs "
    "UNION ALL SELECT * FROM (SELECT 'type:' || type, count(*) "
    "  FROM graph_nodes GROUP BY type ORDER BY 2 DESC, 1) "
    "UNION ALL SELECT * FROM (SELECT 'rel:' || type, count(*) "
    "  FROM graph_rels GROUP BY type ORDER BY 2 DESC, 1)";
static const char SQL_UNINDEXED[] = "SELECT pake_id FROM graph_unindexed LIMIT 1";
static const char SQL_UNINDEXED_COUNT[] = "SELECT count(*) FROM graph_unindexed";
static const char SQL_INDEXED[] = "DELETE FROM graph_unindexed "
    "WHERE pake_id = ?1";

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static void
row_node(sqlite3_stmt *st, pake_gnode *n)
{
	n->id = sqlite3_column_int64(st, 0);
	n->kind = sqlite3_column_int(st, 1);
	n->name = col(st, 2);
	n->type = col(st, 3);
	n->key = col(st, 4);
	n->stem = col(st, 5);
	n->path = col(st, 6);
	n->note_id = sqlite3_column_int64(st, 7);
	n->pake_id = col(st, 8);
	n->props = col(st, 9);
	n->created_ms = sqlite3_column_int64(st, 10);
}

static void
row_rel(sqlite3_stmt *st, pake_grel *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->src = sqlite3_column_int64(st, 1);
	r->src_name = col(st, 2);
	r->dst = sqlite3_column_int64(st, 3);
	r->dst_name = col(st, 4);
	r->dst_key = col(st, 5);
	r->type = col(st, 6);
	r->origin = sqlite3_column_int64(st, 7);
	r->props = col(st, 8);
	r->context = col(st, 9);
	r->created_ms = sqlite3_column_int64(st, 10);
}

/* Step a bound statement, handing each row to cb as a node (want_one: at
 * least one row or PAKE_ENOTFOUND). */
static int
walk_nodes(pake_db *db, sqlite3_stmt *st, int want_one, pake_gnode_cb cb,
    void *arg, pake_err *e)
{
	pake_gnode n;
	int rc, got = 0, stop = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		got = 1;
		row_node(st, &n);
		if ((stop = cb(arg, &n)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (stop)
		return stop;
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e, "graph nodes");
	if (want_one && !got)
		return pake_fail(e, PAKE_ENOTFOUND, NULL, "graph node");
	return 0;
}

static int
walk_rels(pake_db *db, sqlite3_stmt *st, pake_grel_cb cb, void *arg,
    pake_err *e)
{
	pake_grel r;
	int rc, stop = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_rel(st, &r);
		if ((stop = cb(arg, &r)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "graph relations");
}

int
pake_db_gnode_insert(pake_db *db, const pake_gnode *n, int64_t *id,
    pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_N_INS, e)) == NULL)
		return e->code;
	sqlite3_bind_int(st, 1, n->kind);
	db_bind_text(st, 2, n->name);
	db_bind_text(st, 3, n->type);
	db_bind_text(st, 4, n->key);
	db_bind_text(st, 5, n->stem);
	db_bind_text(st, 6, n->path);
	if (n->note_id)
		sqlite3_bind_int64(st, 7, n->note_id);
	else
		sqlite3_bind_null(st, 7);
	db_bind_text(st, 8, n->props);
	sqlite3_bind_int64(st, 9, n->created_ms);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return pake_fail(e, PAKE_ECONFLICT, "An entity with this name "
		    "exists", "entity %.200s", n->name);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e, "add graph node");
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int
pake_db_gnode_update(pake_db *db, const pake_gnode *n, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_N_UPD, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, n->id);
	db_bind_text(st, 2, n->name);
	db_bind_text(st, 3, n->type);
	db_bind_text(st, 4, n->key);
	db_bind_text(st, 5, n->stem);
	db_bind_text(st, 6, n->path);
	db_bind_text(st, 7, n->props);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return pake_fail(e, PAKE_ECONFLICT, "An entity with this name "
		    "exists", "entity %.200s", n->name);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "update graph node");
}

int
pake_db_gnode_delete(pake_db *db, int64_t id, pake_err *e)
{
	int rc;

	if ((rc = db_run(db, SQL_FTS_DEL, e, "i", id)) != 0)
		return rc;
	return db_run(db, SQL_N_DEL, e, "i", id);
}

int
pake_db_gnode_get(pake_db *db, int64_t id, pake_gnode_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_N_GET, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, id);
	return walk_nodes(db, st, 1, cb, arg, e);
}

int
pake_db_gnode_entity(pake_db *db, const char *name, pake_gnode_cb cb,
    void *arg, pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_N_ENT, e)) == NULL)
		return e->code;
	db_bind_text(st, 1, name);
	return walk_nodes(db, st, 1, cb, arg, e);
}

int
pake_db_gnode_of_note(pake_db *db, int64_t note_id, pake_gnode_cb cb,
    void *arg, pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_N_NOTE, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, note_id);
	return walk_nodes(db, st, 1, cb, arg, e);
}

int
pake_db_gnode_page(pake_db *db, int kind, int64_t after, int limit,
    pake_gnode_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_N_PAGE, e)) == NULL)
		return e->code;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	return walk_nodes(db, st, 0, cb, arg, e);
}

/* q as one FTS5 phrase: in double quotes, each " doubled. */
static char *
fts_phrase(const char *q)
{
	pake_buf b = {0};

	pake_buf_putc(&b, '"');
	for (; *q; q++) {
		if (*q == '"')
			pake_buf_putc(&b, '"');
		pake_buf_putc(&b, *q);
	}
	pake_buf_putc(&b, '"');
	return pake_buf_take(&b);
}

int
pake_db_gnode_search(pake_db *db, const char *q, int64_t after, int limit,
    pake_gnode_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;
	char *phrase = NULL;
	int rc;

	size_t chars = 0;
	const char *s;

	/* The trigram index finds substrings of 3 characters or more. */
	for (s = q; *s; s++)
		chars += ((unsigned char)*s & 0xC0) != 0x80;
	if (chars >= 3) {
		if ((phrase = fts_phrase(q)) == NULL)
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
			    NULL);
		st = db_stmt(db, SQL_N_FTS, e);
	} else
		st = db_stmt(db, SQL_N_SCAN, e);
	if (st == NULL) {
		free(phrase);
		return e->code;
	}
	db_bind_text(st, 1, phrase ? phrase : q);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	rc = walk_nodes(db, st, 0, cb, arg, e);
	free(phrase);
	return rc;
}

int
pake_db_gnode_by_stem(pake_db *db, const char *key, pake_gnode_cb cb,
    void *arg, pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_N_STEM, e)) == NULL)
		return e->code;
	db_bind_text(st, 1, key);
	return walk_nodes(db, st, 0, cb, arg, e);
}

int
pake_db_gnode_by_key(pake_db *db, int kind, const char *key, int64_t *id,
    pake_err *e)
{
	*id = 0;
	return db_int1(db, SQL_N_KEY, id, e, "ti", key, (int64_t)kind) < 0 ?
	    e->code : 0;
}

int
pake_db_gnode_index(pake_db *db, int64_t id, int gone, pake_err *e)
{
	int rc;

	if ((rc = db_run(db, SQL_FTS_DEL, e, "i", id)) != 0 || gone)
		return rc;
	return db_run(db, SQL_FTS_ADD, e, "i", id);
}

int
pake_db_gobs_add(pake_db *db, const pake_gobs *o, pake_err *e)
{
	return db_run(db, SQL_O_ADD, e, "itttti", o->node, o->content,
	    o->category, o->context, o->tags, (int64_t)o->from_note);
}

int
pake_db_gobs_has(pake_db *db, int64_t node, const char *content, pake_err *e)
{
	int64_t v;

	return db_int1(db, SQL_O_HAS, &v, e, "it", node, content);
}

int
pake_db_gobs_delete(pake_db *db, int64_t node, const char *content,
    pake_err *e)
{
	return db_run(db, SQL_O_DEL, e, "it", node, content);
}

int
pake_db_gobs_clear_note(pake_db *db, int64_t node, pake_err *e)
{
	return db_run(db, SQL_O_CLEAR, e, "i", node);
}

int
pake_db_gobs_each(pake_db *db, int64_t node, pake_gobs_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;
	pake_gobs o;
	int rc, stop = 0;

	if ((st = db_stmt(db, SQL_O_EACH, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, node);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		o.id = sqlite3_column_int64(st, 0);
		o.node = sqlite3_column_int64(st, 1);
		o.content = col(st, 2);
		o.category = col(st, 3);
		o.context = col(st, 4);
		o.tags = col(st, 5);
		o.from_note = sqlite3_column_int(st, 6);
		if ((stop = cb(arg, &o)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "observations");
}

static void
bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	if (id)
		sqlite3_bind_int64(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

int
pake_db_grel_insert(pake_db *db, const pake_grel *r, int64_t *id,
    pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_R_INS, e)) == NULL)
		return e->code;
	bind_id(st, 1, r->src);
	db_bind_text(st, 2, r->src_name);
	bind_id(st, 3, r->dst);
	db_bind_text(st, 4, r->dst_name);
	db_bind_text(st, 5, r->dst_key);
	db_bind_text(st, 6, r->type);
	bind_id(st, 7, r->origin);
	db_bind_text(st, 8, r->props);
	db_bind_text(st, 9, r->context);
	sqlite3_bind_int64(st, 10, r->created_ms);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return pake_fail(e, PAKE_ECONFLICT, "The relation exists",
		    NULL);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e, "add relation");
	if (id)
		*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int
pake_db_grel_get(pake_db *db, int64_t id, pake_grel_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;
	int found = 0, rc;

	if ((st = db_stmt(db, SQL_R_GET, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		pake_grel r;

		found = 1;
		row_rel(st, &r);
		rc = cb(arg, &r);
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e, "relation");
	return found ? 0 : pake_fail(e, PAKE_ENOTFOUND, NULL, "relation");
}

int
pake_db_grel_delete(pake_db *db, int64_t id, pake_err *e)
{
	return db_run(db, SQL_R_DEL, e, "i", id);
}

int
pake_db_grel_delete_triple(pake_db *db, const char *from, const char *to,
    const char *type, pake_err *e)
{
	return db_run(db, SQL_R_DEL3, e, "ttt", from, to, type);
}

int
pake_db_grel_delete_named(pake_db *db, const char *name, pake_err *e)
{
	return db_run(db, SQL_R_DELN, e, "t", name);
}

int
pake_db_grel_clear_origin(pake_db *db, int64_t origin, pake_err *e)
{
	return db_run(db, SQL_R_CLEAR, e, "i", origin);
}

int
pake_db_grel_bind_name(pake_db *db, const char *name, int64_t node,
    pake_err *e)
{
	sqlite3_stmt *st;
	const char *sql[2] = {SQL_R_BIND_SRC, SQL_R_BIND_DST};
	int i, rc;

	for (i = 0; i < 2; i++) {
		if ((st = db_stmt(db, sql[i], e)) == NULL)
			return e->code;
		db_bind_text(st, 1, name);
		bind_id(st, 2, node);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, rc, e, "bind relation");
	}
	return 0;
}

int
pake_db_grel_set_dst(pake_db *db, int64_t id, int64_t dst, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_R_DST, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, id);
	bind_id(st, 2, dst);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "resolve relation");
}

int
pake_db_grel_by_key(pake_db *db, const char *key, pake_grel_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_R_KEY, e)) == NULL)
		return e->code;
	db_bind_text(st, 1, key);
	return walk_rels(db, st, cb, arg, e);
}

int
pake_db_grel_of(pake_db *db, int64_t node, int dir, int tools_only,
    pake_grel_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (dir & 1) {
		if ((st = db_stmt(db, SQL_R_OUT, e)) == NULL)
			return e->code;
		sqlite3_bind_int64(st, 1, node);
		sqlite3_bind_int(st, 2, tools_only);
		if ((rc = walk_rels(db, st, cb, arg, e)) != 0)
			return rc;
	}
	if (dir & 2) {
		if ((st = db_stmt(db, SQL_R_IN, e)) == NULL)
			return e->code;
		sqlite3_bind_int64(st, 1, node);
		sqlite3_bind_int(st, 2, tools_only);
		if ((rc = walk_rels(db, st, cb, arg, e)) != 0)
			return rc;
	}
	return 0;
}

int
pake_db_grel_page(pake_db *db, int tools_only, int from_null, int64_t after,
    int limit, pake_grel_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_R_PAGE, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, tools_only);
	sqlite3_bind_int(st, 3, from_null);
	sqlite3_bind_int(st, 4, limit > 0 ? limit : -1);
	return walk_rels(db, st, cb, arg, e);
}

int
pake_db_grel_dangling(pake_db *db, int limit, pake_grel_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_R_DANGLING, e)) == NULL)
		return e->code;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	return walk_rels(db, st, cb, arg, e);
}

int
pake_db_graph_counts(pake_db *db, pake_gcount_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = db_stmt(db, SQL_COUNTS, e)) == NULL)
		return e->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((stop = cb(arg, col(st, 0), sqlite3_column_int64(st, 1))))
			break;
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "graph counts");
}

int
pake_db_graph_unindexed(pake_db *db, char id[PAKE_ID_LEN + 1], pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	id[0] = '\0';
	if ((st = db_stmt(db, SQL_UNINDEXED, e)) == NULL)
		return e->code;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		db_col_copy(st, 0, id, PAKE_ID_LEN + 1);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    db_fail(db, rc, e, "graph unindexed");
}

int
pake_db_graph_unindexed_count(pake_db *db, int64_t *n, pake_err *e)
{
	*n = 0;
	return db_int1(db, SQL_UNINDEXED_COUNT, n, e, "") < 0 ? e->code : 0;
}

int
pake_db_graph_indexed(pake_db *db, const char *pake_id, pake_err *e)
{
	return db_run(db, SQL_INDEXED, e, "t", pake_id);
}
