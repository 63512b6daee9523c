/*
 * graph_walk.c: walking the knowledge graph (ARCHITECTURE.md §14):
 * finding a node from what a user typed, neighbours to a depth, a note's
 * links and backlinks, the shortest path between two nodes, an
 * assistant's context of a node in one call, statistics, dangling links
 * and Graphviz DOT.
 *
 * Walks are breadth-first over graph_rels in both directions (the src and
 * dst indexes), bounded by depth (PAKE_GRAPH_DEPTH_MAX) and by the nodes
 * visited (PAKE_GRAPH_NODES_MAX): a hub with a million links costs at most
 * that many rows, and the answer says when it was cut (truncated).  All of
 * it runs in one read snapshot and writes nothing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/db.h"
#include "pake/graph.h"
#include "pake/note.h"
#include "pake/util.h"

#define KEY_MAX		(PAKE_GRAPH_NAME_MAX + 1)
#define RELATED_MAX	100

/* --- nodes as JSON ------------------------------------------------------- */

static cJSON *
node_obj(const pake_gnode *n)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)n->id);
	cJSON_AddStringToObject(o, "kind", n->kind == PAKE_GNODE_NOTE ?
	    "note" : "entity");
	cJSON_AddStringToObject(o, "name", n->name);
	cJSON_AddStringToObject(o, "type", n->type);
	if (n->pake_id)
		cJSON_AddStringToObject(o, "pake_id", n->pake_id);
	return o;
}

static int
grab_node(void *arg, const pake_gnode *n)
{
	*(cJSON **)arg = node_obj(n);
	return 0;
}

/* {id, kind, name, type[, pake_id]} of node id, or NULL + e. */
static cJSON *
node_json(pake_db *st, int64_t id, pake_err *e)
{
	cJSON *o = NULL;

	if (pake_db_gnode_get(st, id, grab_node, &o, e) != 0)
		return NULL;
	if (o == NULL)
		pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	return o;
}

static int
obs_obj(void *arg, const pake_gobs *o)
{
	cJSON *x = cJSON_CreateObject();

	cJSON_AddStringToObject(x, "content", o->content);
	if (o->category)
		cJSON_AddStringToObject(x, "category", o->category);
	if (o->tags)
		cJSON_AddStringToObject(x, "tags", o->tags);
	if (o->context)
		cJSON_AddStringToObject(x, "context", o->context);
	cJSON_AddItemToArray(arg, x);
	return 0;
}

/* node_json with its observations. */
static cJSON *
node_full(pake_db *st, int64_t id, pake_err *e)
{
	cJSON *o = node_json(st, id, e), *obs;

	if (o == NULL)
		return NULL;
	obs = cJSON_AddArrayToObject(o, "observations");
	if (pake_db_gobs_each(st, id, obs_obj, obs, e) != 0) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *
edge_json(const pake_grel *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)r->id);
	if (r->src)
		cJSON_AddNumberToObject(o, "source", (double)r->src);
	else
		cJSON_AddNullToObject(o, "source");
	if (r->dst)
		cJSON_AddNumberToObject(o, "target", (double)r->dst);
	else
		cJSON_AddNullToObject(o, "target");
	cJSON_AddStringToObject(o, "from", r->src_name);
	cJSON_AddStringToObject(o, "to", r->dst_name);
	cJSON_AddStringToObject(o, "type", r->type);
	cJSON_AddStringToObject(o, "origin", r->origin ? "note" : "tool");
	if (r->context)
		cJSON_AddStringToObject(o, "context", r->context);
	if (r->props) {
		cJSON *p = cJSON_Parse(r->props);

		if (p)
			cJSON_AddItemToObject(o, "properties", p);
	}
	return o;
}

/* --- finding a node -------------------------------------------------------- */

static int
id_of(void *arg, const pake_gnode *n)
{
	*(int64_t *)arg = n->id;
	return 0;
}

static int
find_in(pake_db *st, const char *ref, int64_t *id, pake_err *e)
{
	int rc;
	char key[KEY_MAX];
	size_t len;

	*id = 0;
	if (ref == NULL || ref[0] == '\0')
		return pake_fail(e, PAKE_EINVAL, "A node is required", NULL);
	if (ref[0] == '#' && isdigit((unsigned char)ref[1])) {
		char *end;
		long long v = strtoll(ref + 1, &end, 10);

		if (*end == '\0' && v > 0 &&
		    pake_db_gnode_get(st, v, id_of, id, e) == 0)
			return 0;
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NONODE, "%.200s",
		    ref);
	}
	if (strncmp(ref, "note:", 5) == 0 || pake_uuid_valid(ref)) {
		const char *pid = strncmp(ref, "note:", 5) == 0 ? ref + 5 : ref;
		int64_t row;

		if (pake_uuid_valid(pid) &&
		    (row = pake_db_note_rowid(st, pid)) != 0 &&
		    pake_db_gnode_of_note(st, row, id_of, id, e) == 0)
			return 0;
		if (strncmp(ref, "note:", 5) == 0)
			return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NONODE,
			    "%.200s", ref);
	}
	if (strncmp(ref, "entity:", 7) == 0) {
		if (pake_db_gnode_entity(st, ref + 7, id_of, id, e) == 0)
			return 0;
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NONODE, "%.200s",
		    ref);
	}
	pake_err_clear(e);
	rc = pake_db_gnode_entity(st, ref, id_of, id, e);
	if (rc != PAKE_ENOTFOUND)
		return rc;
	pake_err_clear(e);
	/* Else as a link names it: a file name (".md" or not, with folders
	 * or not), a title, an entity's name in another case. */
	len = strlen(ref);
	if (len > 3 && strcasecmp(ref + len - 3, ".md") == 0)
		len -= 3;
	if (len >= sizeof key)
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NONODE, "%.200s",
		    ref);
	memcpy(key, ref, len);
	key[len] = '\0';
	if ((rc = pake_graph_resolve(st, key, id, e)) != 0)
		return rc;
	if (*id == 0)
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NONODE, "%.200s",
		    ref);
	return 0;
}

int
pake_graph_find(pake_ctx *c, const char *ref, int64_t *id, pake_err *e)
{
	pake_db *st;
	int rc;

	if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	return pake_graph_end(st, find_in(st, ref, id, e), e);
}

/* --- breadth-first walks --------------------------------------------------- */

/* The nodes seen: an open-addressing set of ids with each one's depth and
 * the node it was reached from (for paths). */
struct seen {
	int64_t *id, *from;
	int *depth;
	size_t cap, n;
	int64_t *queue;		/* ids in the order found */
};

static int
seen_init(struct seen *s, size_t max)
{
	memset(s, 0, sizeof *s);
	for (s->cap = 64; s->cap < max * 2; s->cap *= 2)
		;
	s->id = calloc(s->cap, sizeof *s->id);
	s->from = calloc(s->cap, sizeof *s->from);
	s->depth = calloc(s->cap, sizeof *s->depth);
	s->queue = calloc(max + 1, sizeof *s->queue);
	return s->id && s->from && s->depth && s->queue ? 0 : -1;
}

static void
seen_free(struct seen *s)
{
	free(s->id);
	free(s->from);
	free(s->depth);
	free(s->queue);
}

static size_t
seen_slot(const struct seen *s, int64_t id)
{
	size_t h = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull) &
	    (s->cap - 1);

	while (s->id[h] != 0 && s->id[h] != id)
		h = (h + 1) & (s->cap - 1);
	return h;
}

static int
seen_has(const struct seen *s, int64_t id)
{
	return s->id[seen_slot(s, id)] == id;
}

static void
seen_add(struct seen *s, int64_t id, int64_t from, int depth)
{
	size_t h = seen_slot(s, id);

	s->id[h] = id;
	s->from[h] = from;
	s->depth[h] = depth;
	s->queue[s->n++] = id;
}

struct walk {
	pake_db *st;
	struct seen seen;
	size_t max;
	int depth;		/* of the node being expanded */
	int64_t at;
	int64_t goal;		/* path: stop when seen */
	int truncated;
	cJSON *edges;		/* neighbours: every edge met, once */
	struct {
		int64_t *id;
		size_t n, cap;
	} edge_ids;
	int oom;
};

static int
edge_seen(struct walk *w, int64_t id)
{
	size_t i;

	for (i = 0; i < w->edge_ids.n; i++)
		if (w->edge_ids.id[i] == id)
			return 1;
	if (w->edge_ids.n == w->edge_ids.cap) {
		size_t cap = w->edge_ids.cap ? w->edge_ids.cap * 2 : 64;
		int64_t *p = realloc(w->edge_ids.id, cap * sizeof *p);

		if (p == NULL) {
			w->oom = 1;
			return 1;
		}
		w->edge_ids.id = p;
		w->edge_ids.cap = cap;
	}
	w->edge_ids.id[w->edge_ids.n++] = id;
	return 0;
}

static int
walk_rel(void *arg, const pake_grel *r)
{
	struct walk *w = arg;
	int64_t other = r->src == w->at ? r->dst : r->src;

	if (w->edges && !edge_seen(w, r->id))
		cJSON_AddItemToArray(w->edges, edge_json(r));
	if (w->oom)
		return 1;
	if (other == 0 || seen_has(&w->seen, other))
		return 0;
	if (w->seen.n >= w->max) {
		w->truncated = 1;
		return 0;
	}
	seen_add(&w->seen, other, w->at, w->depth + 1);
	return other == w->goal ? 1 : 0;
}

/* Visit from start to depth hops (ignoring direction). */
static int
walk(struct walk *w, int64_t start, int depth, pake_err *e)
{
	size_t head = 0;
	int rc;

	seen_add(&w->seen, start, 0, 0);
	while (head < w->seen.n) {
		int64_t id = w->seen.queue[head++];

		w->depth = w->seen.depth[seen_slot(&w->seen, id)];
		if (w->depth >= depth)
			continue;
		w->at = id;
		rc = pake_db_grel_of(w->st, id, 3, 0, walk_rel, w, e);
		if (w->oom)
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
			    NULL);
		if (rc == 1)
			return 0;	/* reached the goal */
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
clamp(int v, int dflt, int max)
{
	if (v <= 0)
		return dflt;
	return v > max ? max : v;
}

int
pake_graph_neighbors(pake_ctx *c, const char *ref, int depth, int max_nodes,
    cJSON **out, pake_err *e)
{
	struct walk w = {0};
	pake_db *st;
	int64_t start;
	size_t i;
	cJSON *nodes;
	int rc;

	*out = NULL;
	depth = clamp(depth, 1, PAKE_GRAPH_DEPTH_MAX);
	max_nodes = clamp(max_nodes, 100, PAKE_GRAPH_NODES_MAX);
	if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	if ((rc = find_in(st, ref, &start, e)) != 0)
		return pake_graph_end(st, rc, e);
	w.st = st;
	w.max = (size_t)max_nodes;
	if (seen_init(&w.seen, w.max) != 0 ||
	    (w.edges = cJSON_CreateArray()) == NULL) {
		seen_free(&w.seen);
		return pake_graph_end(st, pake_fail(e, PAKE_EINTERNAL,
		    PAKE_MSG_NOMEM, NULL), e);
	}
	rc = walk(&w, start, depth, e);
	*out = cJSON_CreateObject();
	nodes = cJSON_AddArrayToObject(*out, "nodes");
	for (i = 0; i < w.seen.n && rc == 0; i++) {
		cJSON *n = node_json(st, w.seen.queue[i], e);

		if (n == NULL) {
			rc = e->code;
			break;
		}
		cJSON_AddNumberToObject(n, "depth", w.seen.depth[seen_slot(
		    &w.seen, w.seen.queue[i])]);
		if (i == 0)
			cJSON_AddItemToObject(*out, "center",
			    cJSON_Duplicate(n, 1));
		cJSON_AddItemToArray(nodes, n);
	}
	cJSON_AddNumberToObject(*out, "depth", depth);
	cJSON_AddItemToObject(*out, "edges", w.edges);
	cJSON_AddBoolToObject(*out, "truncated", w.truncated);
	seen_free(&w.seen);
	free(w.edge_ids.id);
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return pake_graph_end(st, rc, e);
}

int
pake_graph_path(pake_ctx *c, const char *from, const char *to, int max_depth,
    cJSON **out, pake_err *e)
{
	struct walk w = {0};
	pake_db *st;
	int64_t a, b, at;
	cJSON *nodes;
	int rc, found;

	*out = NULL;
	max_depth = clamp(max_depth, 6, 2 * PAKE_GRAPH_DEPTH_MAX);
	if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	if ((rc = find_in(st, from, &a, e)) != 0 ||
	    (rc = find_in(st, to, &b, e)) != 0)
		return pake_graph_end(st, rc, e);
	w.st = st;
	w.max = PAKE_GRAPH_NODES_MAX * 4;
	w.goal = b;
	if (seen_init(&w.seen, w.max) != 0) {
		seen_free(&w.seen);
		return pake_graph_end(st, pake_fail(e, PAKE_EINTERNAL,
		    PAKE_MSG_NOMEM, NULL), e);
	}
	rc = a == b ? 0 : walk(&w, a, max_depth, e);
	found = a == b || seen_has(&w.seen, b);
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "found", found);
	nodes = cJSON_AddArrayToObject(*out, "nodes");
	if (found && rc == 0) {
		/* From b back to a, then reversed. */
		for (at = b; rc == 0; ) {
			cJSON *n = node_json(st, at, e);

			if (n == NULL) {
				rc = e->code;
				break;
			}
			cJSON_InsertItemInArray(nodes, 0, n);
			if (at == a)
				break;
			at = w.seen.from[seen_slot(&w.seen, at)];
		}
		cJSON_AddNumberToObject(*out, "length",
		    cJSON_GetArraySize(nodes) - 1);
	} else
		cJSON_AddNullToObject(*out, "length");
	cJSON_AddBoolToObject(*out, "truncated", !found && w.truncated);
	seen_free(&w.seen);
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return pake_graph_end(st, rc, e);
}

/* --- links, backlinks, context --------------------------------------------- */

struct linkwalk {
	pake_db *st;
	cJSON *arr;
	int dir;		/* 1: the node's links; 2: links to it */
	int full;		/* add the other node's observations */
	int max;
	int truncated;
	pake_err *e;
};

static int
link_item(void *arg, const pake_grel *r)
{
	struct linkwalk *l = arg;
	int64_t other = l->dir == 1 ? r->dst : r->src;
	cJSON *o, *n;

	if (l->max && cJSON_GetArraySize(l->arr) >= l->max) {
		l->truncated = 1;
		return 0;
	}
	o = edge_json(r);
	if (other) {
		n = l->full ? node_full(l->st, other, l->e) :
		    node_json(l->st, other, l->e);
		if (n == NULL) {
			cJSON_Delete(o);
			return l->e->code ? l->e->code : PAKE_EINTERNAL;
		}
		cJSON_AddItemToObject(o, "node", n);
	} else
		cJSON_AddNullToObject(o, "node");
	cJSON_AddItemToArray(l->arr, o);
	return 0;
}

int
pake_graph_links(pake_ctx *c, const char *ref, int dir, cJSON **out,
    pake_err *e)
{
	struct linkwalk l = {0};
	pake_db *st;
	int64_t id;
	int rc;

	*out = NULL;
	if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	if ((rc = find_in(st, ref, &id, e)) != 0)
		return pake_graph_end(st, rc, e);
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, "node", node_json(st, id, e));
	l.st = st;
	l.e = e;
	if (dir & 1) {
		l.arr = cJSON_AddArrayToObject(*out, "links");
		l.dir = 1;
		rc = pake_db_grel_of(st, id, 1, 0, link_item, &l, e);
	}
	if (rc == 0 && (dir & 2)) {
		l.arr = cJSON_AddArrayToObject(*out, "backlinks");
		l.dir = 2;
		rc = pake_db_grel_of(st, id, 2, 0, link_item, &l, e);
	}
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return pake_graph_end(st, rc, e);
}

static int
note_of(void *arg, const pake_gnode *n)
{
	pake_strlcpy(arg, n->pake_id ? n->pake_id : "", PAKE_ID_LEN + 1);
	return 0;
}

int
pake_graph_context(pake_ctx *c, const char *ref, int max_related,
    cJSON **out, pake_err *e)
{
	struct linkwalk l = {0};
	char pid[PAKE_ID_LEN + 1] = "";
	pake_db *st;
	int64_t id;
	cJSON *node;
	int rc;

	*out = NULL;
	if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	if ((rc = find_in(st, ref, &id, e)) != 0)
		return pake_graph_end(st, rc, e);
	if ((node = node_full(st, id, e)) == NULL)
		return pake_graph_end(st, e->code ? e->code : PAKE_EINTERNAL, e);
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, "node", node);
	if ((rc = pake_db_gnode_get(st, id, note_of, pid, e)) == 0 && pid[0]) {
		pake_note n;

		pake_note_init(&n);
		if ((rc = pake_db_note_get(st, pid, &n, e)) == 0)
			cJSON_AddItemToObject(*out, "note",
			    pake_note_to_json(&n));
		pake_note_free(&n);
	}
	l.st = st;
	l.e = e;
	l.full = 1;
	l.max = clamp(max_related, 10, RELATED_MAX);
	if (rc == 0) {
		l.arr = cJSON_AddArrayToObject(*out, "links");
		l.dir = 1;
		rc = pake_db_grel_of(st, id, 1, 0, link_item, &l, e);
	}
	if (rc == 0) {
		l.arr = cJSON_AddArrayToObject(*out, "backlinks");
		l.dir = 2;
		rc = pake_db_grel_of(st, id, 2, 0, link_item, &l, e);
	}
	cJSON_AddBoolToObject(*out, "truncated", l.truncated);
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return pake_graph_end(st, rc, e);
}

/* --- statistics, dangling links -------------------------------------------- */

static int
count_item(void *arg, const char *what, int64_t n)
{
	cJSON *o = arg;

	if (strncmp(what, "type:", 5) == 0)
		cJSON_AddNumberToObject(cJSON_GetObjectItemCaseSensitive(o, "by_type"),
		    what + 5, (double)n);
	else if (strncmp(what, "rel:", 4) == 0)
		cJSON_AddNumberToObject(cJSON_GetObjectItemCaseSensitive(o,
		    "by_relation_type"), what + 4, (double)n);
	else
		cJSON_AddNumberToObject(o, what, (double)n);
	return 0;
}

int
pake_graph_stats(pake_ctx *c, cJSON **out, pake_err *e)
{
	pake_db *st;
	int rc;

	*out = NULL;
	if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddObjectToObject(*out, "by_type");
	cJSON_AddObjectToObject(*out, "by_relation_type");
	rc = pake_db_graph_counts(st, count_item, *out, e);
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return pake_graph_end(st, rc, e);
}

struct dangle {
	pake_db *st;
	cJSON *arr;
	pake_err *e;
};

static int
dangle_item(void *arg, const pake_grel *r)
{
	struct dangle *d = arg;
	cJSON *o = edge_json(r), *n = node_json(d->st, r->src, d->e);

	if (n)
		cJSON_AddItemToObject(o, "node", n);
	cJSON_AddItemToArray(d->arr, o);
	return n ? 0 : d->e->code;
}

int
pake_graph_dangling(pake_ctx *c, int limit, cJSON **out, pake_err *e)
{
	struct dangle d;
	pake_db *st;
	int rc;

	*out = NULL;
	if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	d.st = st;
	d.e = e;
	d.arr = cJSON_AddArrayToObject(*out, "links");
	rc = pake_db_grel_dangling(st, clamp(limit, 100, 10000), dangle_item,
	    &d, e);
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return pake_graph_end(st, rc, e);
}

/* --- DOT ------------------------------------------------------------------- */

static void
dot_str(pake_buf *b, const char *s)
{
	pake_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			pake_buf_putc(b, '\\');
		if (*s == '\n')
			pake_buf_puts(b, "\\n");
		else if ((unsigned char)*s >= 0x20)
			pake_buf_putc(b, *s);
	}
	pake_buf_putc(b, '"');
}

static void
dot_node(pake_buf *b, const cJSON *n)
{
	const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n,
	    "kind"));

	pake_buf_printf(b, "  n%.0f [label=", cJSON_GetNumberValue(
	    cJSON_GetObjectItemCaseSensitive(n, "id")));
	dot_str(b, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n, "name")));
	pake_buf_printf(b, ", shape=%s];\n", kind && strcmp(kind, "note") == 0 ?
	    "note" : "ellipse");
}

static void
dot_edge(pake_buf *b, const cJSON *x)
{
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(x, "source");
	const cJSON *dst = cJSON_GetObjectItemCaseSensitive(x, "target");

	if (!cJSON_IsNumber(src))
		return;
	if (cJSON_IsNumber(dst))
		pake_buf_printf(b, "  n%.0f -> n%.0f [label=", src->valuedouble,
		    dst->valuedouble);
	else {
		/* A target that names nothing: a dashed box of its name. */
		pake_buf_printf(b, "  u%.0f [label=", cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(x, "id")));
		dot_str(b, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "to")));
		pake_buf_printf(b, ", shape=box, style=dashed];\n"
		    "  n%.0f -> u%.0f [style=dashed, label=", src->valuedouble,
		    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(x, "id")));
	}
	dot_str(b, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "type")));
	pake_buf_puts(b, "];\n");
}

struct dotall {
	pake_db *st;
	pake_buf *b;
	size_t n, max;
	int64_t *drawn;		/* ids of the nodes drawn, ascending */
	int truncated;
};

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int
dot_all_node(void *arg, const pake_gnode *n)
{
	struct dotall *d = arg;
	cJSON *o;

	if (d->n >= d->max) {
		d->truncated = 1;
		return 1;
	}
	d->drawn[d->n++] = n->id;	/* a page in id order: ascending */
	o = node_obj(n);
	dot_node(d->b, o);
	cJSON_Delete(o);
	return 0;
}

static int
dot_all_edge(void *arg, const pake_grel *r)
{
	struct dotall *d = arg;
	cJSON *x;

	/* When the drawing was cut, only edges between nodes drawn. */
	if (!bsearch(&r->src, d->drawn, d->n, sizeof *d->drawn, cmp_i64) ||
	    (r->dst && !bsearch(&r->dst, d->drawn, d->n, sizeof *d->drawn,
	    cmp_i64)))
		return 0;
	x = edge_json(r);
	dot_edge(d->b, x);
	cJSON_Delete(x);
	return 0;
}

int
pake_graph_dot(pake_ctx *c, const char *ref, int depth, int max_nodes,
    char **text, pake_err *e)
{
	pake_buf b = {0};
	cJSON *g = NULL, *x;
	int rc;

	*text = NULL;
	pake_buf_puts(&b, "digraph pake {\n  rankdir=LR;\n"
	    "  node [fontname=\"Helvetica\"];\n");
	if (ref) {
		if ((rc = pake_graph_neighbors(c, ref, depth, max_nodes, &g,
		    e)) != 0) {
			pake_buf_free(&b);
			return rc;
		}
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(g, "nodes"))
			dot_node(&b, x);
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(g, "edges")) {
			const cJSON *s = cJSON_GetObjectItemCaseSensitive(x, "source");
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(x, "target");
			int in = 0;
			const cJSON *n;

			/* Only edges between nodes drawn (or to nothing). */
			cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(g, "nodes"))
				if (cJSON_IsNumber(s) && cJSON_GetNumberValue(
				    cJSON_GetObjectItemCaseSensitive(n, "id")) ==
				    s->valuedouble)
					in |= 1;
				else if (cJSON_IsNumber(t) &&
				    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(n,
				    "id")) == t->valuedouble)
					in |= 2;
			if ((in & 1) && ((in & 2) || !cJSON_IsNumber(t) ||
			    s->valuedouble == t->valuedouble))
				dot_edge(&b, x);
		}
		cJSON_Delete(g);
	} else {
		struct dotall d = {0};
		pake_db *st;

		if ((rc = pake_graph_begin(c, 0, &st, e)) != 0) {
			pake_buf_free(&b);
			return rc;
		}
		d.st = st;
		d.b = &b;
		d.max = (size_t)clamp(max_nodes, PAKE_GRAPH_NODES_MAX,
		    PAKE_GRAPH_NODES_MAX * 20);
		if ((d.drawn = calloc(d.max, sizeof *d.drawn)) == NULL)
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		else
			rc = pake_db_gnode_page(st, -1, 0, -1, dot_all_node, &d,
			    e);
		if (rc == 1)
			rc = 0;
		if (rc == 0)
			rc = pake_db_grel_page(st, 0, 0, 0, 0, dot_all_edge, &d,
			    e);
		free(d.drawn);
		if (d.truncated)
			pake_buf_printf(&b, "  // cut at %zu nodes\n", d.max);
		if ((rc = pake_graph_end(st, rc, e)) != 0) {
			pake_buf_free(&b);
			return rc;
		}
	}
	pake_buf_puts(&b, "}\n");
	if (b.oom) {
		pake_buf_free(&b);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	*text = pake_buf_take(&b);
	return 0;
}
