/*
 * graph.c: the knowledge graph as the fronts see it (ARCHITECTURE.md §14):
 * the memory server's nine tools, its JSONL file, and traversal.
 *
 * The memory server (@modelcontextprotocol/server-memory) keeps entities
 * {name, entityType, observations} and relations {from, to, relationType}
 * in one JSON-lines file that each change reads and rewrites whole, so two
 * processes sharing it lose each other's writes.  Here each tool call is
 * one short write transaction of the tenant's store: concurrent callers
 * queue on the write lock and nothing is lost.  The tools keep the
 * server's semantics (names compared exactly; a create skips names and
 * triples that exist and returns only what it made; relation endpoints
 * need not exist; an unknown entity in add_observations fails the whole
 * call; search is a case-insensitive substring match on name, type and
 * observations; search and open return the relations touching what they
 * found) with two deliberate differences: a name is unique in the tenant
 * and a (from, to, type) relation too, also within one call (the server
 * keeps a duplicate given twice in one call); and read, search and open
 * answer in pages (limit, cursor -> nextCursor) instead of the whole
 * graph, whose size made the server's answers run to 50k tokens.
 *
 * Notes are nodes too (graph_links.c).  The memory tools see entities and
 * the relations tools made; traversal (neighbours, links, path, context)
 * sees everything.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/db.h"
#include "pake/graph.h"
#include "pake/util.h"

#define KEY_MAX		(PAKE_GRAPH_NAME_MAX + 1)
#define JSONL_MAX	(256u * 1024 * 1024)	/* bytes of an import */
#define PICKED		(-1)

/* --- transactions ------------------------------------------------------- */

int
pake_graph_begin(pake_ctx *c, int write, pake_db **st, pake_err *e)
{
	int rc;

	if ((rc = pake_ctx_allow(c, write ? PAKE_P_GRAPH_WRITE :
	    PAKE_P_GRAPH_READ, e)) != 0)
		return rc;
	if ((*st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if (!write)
		return pake_db_begin_read(*st, e);
	if ((rc = pake_db_begin(*st, e)) != 0)
		return rc;
	if ((rc = pake_graph_catchup(c, *st, e)) != 0)
		pake_db_rollback(*st);
	return rc;
}

int
pake_graph_end(pake_db *st, int rc, pake_err *e)
{
	if (rc == 0)
		return pake_db_commit(st, e);
	pake_db_rollback(st);
	return rc;
}

/* pake_graph_end for a call that built *out: on failure nothing is
 * returned. */
static int
write_end_out(pake_db *st, int rc, cJSON **out, pake_err *e)
{
	if ((rc = pake_graph_end(st, rc, e)) != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

static int
oom(pake_err *e)
{
	return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
}

static const char *
str_of(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* --- entities as the memory server shows them ------------------------- */

static int
id_of(void *arg, const pake_gnode *n)
{
	*(int64_t *)arg = n->id;
	return 0;
}

/* The entity named name: its id, or 0. */
static int
entity_id(pake_db *st, const char *name, int64_t *id, pake_err *e)
{
	int rc;

	*id = 0;
	rc = pake_db_gnode_entity(st, name, id_of, id, e);
	if (rc == PAKE_ENOTFOUND) {
		pake_err_clear(e);
		return 0;
	}
	return rc;
}

static int
obs_to_array(void *arg, const pake_gobs *o)
{
	cJSON_AddItemToArray(arg, cJSON_CreateString(o->content));
	return 0;
}

/* {name, entityType, observations} of node n. */
static cJSON *
entity_json(pake_db *st, const pake_gnode *n, pake_err *e)
{
	cJSON *o = cJSON_CreateObject(), *obs;

	cJSON_AddStringToObject(o, "name", n->name);
	cJSON_AddStringToObject(o, "entityType", n->type);
	obs = cJSON_AddArrayToObject(o, "observations");
	if (obs == NULL || pake_db_gobs_each(st, n->id, obs_to_array, obs, e)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *
relation_json(const pake_grel *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "from", r->src_name);
	cJSON_AddStringToObject(o, "to", r->dst_name);
	cJSON_AddStringToObject(o, "relationType", r->type);
	return o;
}

/* --- the nine tools ------------------------------------------------------ */

/* A new entity (skipped when the name exists: *made 0). */
static int
entity_add(pake_db *st, const char *name, const char *type,
    const cJSON *observations, int *made, pake_err *e)
{
	char key[KEY_MAX];
	pake_gnode g = {0};
	const cJSON *o;
	size_t i;
	int rc;

	*made = 0;
	for (i = 0; name[i] && i + 1 < sizeof key; i++)
		key[i] = (char)tolower((unsigned char)name[i]);
	key[i] = '\0';
	g.kind = PAKE_GNODE_ENTITY;
	g.name = name;
	g.type = type;
	g.key = key;
	g.created_ms = pake_now_ms();
	rc = pake_db_gnode_insert(st, &g, &g.id, e);
	if (rc == PAKE_ECONFLICT) {
		pake_err_clear(e);
		return 0;
	}
	if (rc != 0)
		return rc;
	cJSON_ArrayForEach(o, observations) {
		pake_gobs ob = {0};

		ob.node = g.id;
		ob.content = o->valuestring;
		if ((rc = pake_db_gobs_add(st, &ob, e)) != 0)
			return rc;
	}
	if ((rc = pake_db_gnode_index(st, g.id, 0, e)) != 0 ||
	    (rc = pake_db_grel_bind_name(st, name, g.id, e)) != 0 ||
	    (rc = pake_graph_reresolve(st, name, e)) != 0)
		return rc;
	*made = 1;
	return 0;
}

int
pake_graph_create_entities(pake_ctx *c, const cJSON *entities, cJSON **out,
    pake_err *e)
{
	const cJSON *it;
	pake_db *st;
	int rc;

	*out = NULL;
	if ((rc = pake_graph_begin(c, 1, &st, e)) != 0)
		return rc;
	*out = cJSON_CreateArray();
	cJSON_ArrayForEach(it, entities) {
		int made;

		rc = entity_add(st, str_of(it, "name"), str_of(it,
		    "entityType"), cJSON_GetObjectItemCaseSensitive(it,
		    "observations"), &made, e);
		if (rc != 0)
			break;
		if (made)
			cJSON_AddItemToArray(*out, cJSON_Duplicate(it, 1));
	}
	return write_end_out(st, rc, out, e);
}

/* A relation made by a tool (skipped when its triple exists). */
static int
relation_add(pake_db *st, const char *from, const char *to, const char *type,
    const char *props, int64_t *id, pake_err *e)
{
	char key[KEY_MAX];
	pake_grel r = {0};
	int rc;

	*id = 0;
	pake_graph_key(to, key, sizeof key);
	r.src_name = from;
	r.dst_name = to;
	r.dst_key = key;
	r.type = type;
	r.props = props;
	r.created_ms = pake_now_ms();
	if ((rc = entity_id(st, from, &r.src, e)) != 0 ||
	    (rc = entity_id(st, to, &r.dst, e)) != 0)
		return rc;
	rc = pake_db_grel_insert(st, &r, id, e);
	if (rc == PAKE_ECONFLICT) {
		pake_err_clear(e);
		return 0;
	}
	return rc;
}

int
pake_graph_create_relations(pake_ctx *c, const cJSON *relations, cJSON **out,
    pake_err *e)
{
	const cJSON *it;
	pake_db *st;
	int rc;

	*out = NULL;
	if ((rc = pake_graph_begin(c, 1, &st, e)) != 0)
		return rc;
	*out = cJSON_CreateArray();
	cJSON_ArrayForEach(it, relations) {
		int64_t id;

		if ((rc = relation_add(st, str_of(it, "from"), str_of(it, "to"),
		    str_of(it, "relationType"), NULL, &id, e)) != 0)
			break;
		if (id)
			cJSON_AddItemToArray(*out, cJSON_Duplicate(it, 1));
	}
	return write_end_out(st, rc, out, e);
}

int
pake_graph_add_observations(pake_ctx *c, const cJSON *items, cJSON **out,
    pake_err *e)
{
	const cJSON *it, *s;
	pake_db *st;
	int rc;

	*out = NULL;
	if ((rc = pake_graph_begin(c, 1, &st, e)) != 0)
		return rc;
	*out = cJSON_CreateArray();
	cJSON_ArrayForEach(it, items) {
		const char *name = str_of(it, "entityName");
		const cJSON *contents = cJSON_GetObjectItemCaseSensitive(it,
		    "contents");
		cJSON *r, *added;
		int64_t id;

		if ((rc = entity_id(st, name, &id, e)) != 0)
			break;
		if (id == 0) {
			rc = pake_fail(e, PAKE_ENOTFOUND, "Entity not found",
			    "Entity with name %.200s not found", name);
			break;
		}
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "entityName", name);
		added = cJSON_AddArrayToObject(r, "addedObservations");
		cJSON_AddItemToArray(*out, r);
		/* New are those not there before this item (as the server:
		 * a string given twice here is added twice). */
		cJSON_ArrayForEach(s, contents) {
			int has = pake_db_gobs_has(st, id, s->valuestring, e);

			if (has < 0) {
				rc = e->code;
				break;
			}
			if (!has)
				cJSON_AddItemToArray(added,
				    cJSON_CreateString(s->valuestring));
		}
		cJSON_ArrayForEach(s, added) {
			pake_gobs ob = {0};

			ob.node = id;
			ob.content = s->valuestring;
			if (rc == 0)
				rc = pake_db_gobs_add(st, &ob, e);
		}
		if (rc == 0)
			rc = pake_db_gnode_index(st, id, 0, e);
		if (rc != 0)
			break;
	}
	return write_end_out(st, rc, out, e);
}

int
pake_graph_delete_entities(pake_ctx *c, const cJSON *names, pake_err *e)
{
	const cJSON *it;
	pake_db *st;
	int rc;

	if ((rc = pake_graph_begin(c, 1, &st, e)) != 0)
		return rc;
	cJSON_ArrayForEach(it, names) {
		int64_t id;

		if ((rc = entity_id(st, it->valuestring, &id, e)) != 0 ||
		    (id && (rc = pake_db_gnode_delete(st, id, e)) != 0) ||
		    (rc = pake_db_grel_delete_named(st, it->valuestring,
		    e)) != 0 ||
		    (id && (rc = pake_graph_reresolve(st, it->valuestring,
		    e)) != 0))
			break;
	}
	return pake_graph_end(st, rc, e);
}

int
pake_graph_delete_observations(pake_ctx *c, const cJSON *items, pake_err *e)
{
	const cJSON *it, *s;
	pake_db *st;
	int rc;

	if ((rc = pake_graph_begin(c, 1, &st, e)) != 0)
		return rc;
	cJSON_ArrayForEach(it, items) {
		int64_t id;

		if ((rc = entity_id(st, str_of(it, "entityName"), &id, e)) != 0)
			break;
		if (id == 0)
			continue;	/* ignored, as the server does */
		cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(it,
		    "observations"))
			if ((rc = pake_db_gobs_delete(st, id, s->valuestring,
			    e)) != 0)
				break;
		if (rc != 0 || (rc = pake_db_gnode_index(st, id, 0, e)) != 0)
			break;
	}
	return pake_graph_end(st, rc, e);
}

int
pake_graph_delete_relations(pake_ctx *c, const cJSON *relations, pake_err *e)
{
	const cJSON *it;
	pake_db *st;
	int rc;

	if ((rc = pake_graph_begin(c, 1, &st, e)) != 0)
		return rc;
	cJSON_ArrayForEach(it, relations)
		if ((rc = pake_db_grel_delete_triple(st, str_of(it, "from"),
		    str_of(it, "to"), str_of(it, "relationType"), e)) != 0)
			break;
	return pake_graph_end(st, rc, e);
}

/* --- pages ---------------------------------------------------------------- */

/* Relations gathered for a page: each once, in the order they were made
 * (the server's file order). */
struct relset {
	int64_t *id;
	size_t n, cap;
	int oom;
};

static int
relset_add(void *arg, const pake_grel *r)
{
	struct relset *s = arg;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->id[i] == r->id)
			return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		int64_t *p = realloc(s->id, cap * sizeof *p);

		if (p == NULL) {
			s->oom = 1;
			return 1;
		}
		s->id = p;
		s->cap = cap;
	}
	s->id[s->n++] = r->id;
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int
rel_to_array(void *arg, const pake_grel *r)
{
	cJSON_AddItemToArray(arg, relation_json(r));
	return 0;
}

struct page {
	pake_db *st;
	cJSON *entities;
	struct relset rels;
	int dir;		/* relations: 1 from the page, 3 touching it */
	int limit, n;
	int64_t last;		/* id of the page's last entity */
	int more;
	pake_err *e;
};

static int
page_entity(void *arg, const pake_gnode *n)
{
	struct page *p = arg;
	cJSON *o;
	int rc;

	if (p->n == p->limit) {
		p->more = 1;
		return PICKED;
	}
	if ((o = entity_json(p->st, n, p->e)) == NULL)
		return p->e->code ? p->e->code : PAKE_EINTERNAL;
	cJSON_AddItemToArray(p->entities, o);
	p->n++;
	p->last = n->id;
	if ((rc = pake_db_grel_of(p->st, n->id, p->dir, 1, relset_add,
	    &p->rels, p->e)) != 0)
		return rc;
	return p->rels.oom ? PAKE_EINTERNAL : 0;
}

/* {entities, relations[, nextCursor]} from a filled page. */
static int
page_finish(struct page *p, cJSON **out, pake_err *e)
{
	cJSON *rels;
	size_t i;
	int rc = 0;

	if (p->rels.n > 1)
		qsort(p->rels.id, p->rels.n, sizeof *p->rels.id, cmp_id);
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, "entities", p->entities);
	p->entities = NULL;
	rels = cJSON_AddArrayToObject(*out, "relations");
	for (i = 0; i < p->rels.n && rc == 0; i++)
		rc = pake_db_grel_get(p->st, p->rels.id[i], rel_to_array, rels,
		    e);
	if (p->more) {
		char cur[24];

		snprintf(cur, sizeof cur, "%lld", (long long)p->last);
		cJSON_AddStringToObject(*out, "nextCursor", cur);
	}
	free(p->rels.id);
	return rc;
}

static int
cursor_of(const char *cursor, int64_t *after, pake_err *e)
{
	char *end;
	long long v;

	*after = 0;
	if (cursor == NULL || cursor[0] == '\0')
		return 0;
	v = strtoll(cursor, &end, 10);
	if (*end != '\0' || v < 0 || !isdigit((unsigned char)cursor[0]))
		return pake_fail(e, PAKE_EINVAL, "Invalid cursor", NULL);
	*after = v;
	return 0;
}

static int
page_limit(int limit)
{
	if (limit <= 0)
		return PAKE_GRAPH_PAGE;
	return limit > PAKE_GRAPH_PAGE_MAX ? PAKE_GRAPH_PAGE_MAX : limit;
}

int
pake_graph_read(pake_ctx *c, int limit, const char *cursor, cJSON **out,
    pake_err *e)
{
	struct page p = {0};
	pake_db *st;
	int64_t after;
	int rc;

	*out = NULL;
	if ((rc = cursor_of(cursor, &after, e)) != 0 ||
	    (rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	p.st = st;
	p.entities = cJSON_CreateArray();
	p.dir = 1;
	p.limit = page_limit(limit);
	p.e = e;
	rc = pake_db_gnode_page(st, PAKE_GNODE_ENTITY, after, p.limit + 1,
	    page_entity, &p, e);
	if (rc == PICKED)
		rc = 0;
	/* The last page also has the relations from names no entity has. */
	if (rc == 0 && !p.more)
		rc = pake_db_grel_page(st, 1, 1, 0, 0, relset_add, &p.rels, e);
	if (rc == 0 && p.rels.oom)
		rc = oom(e);
	if (rc == 0)
		rc = page_finish(&p, out, e);
	else {
		cJSON_Delete(p.entities);
		free(p.rels.id);
	}
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return pake_graph_end(st, rc, e);
}

int
pake_graph_search(pake_ctx *c, const char *query, int limit,
    const char *cursor, cJSON **out, pake_err *e)
{
	struct page p = {0};
	pake_db *st;
	int64_t after;
	int rc;

	*out = NULL;
	if ((rc = cursor_of(cursor, &after, e)) != 0 ||
	    (rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	p.st = st;
	p.entities = cJSON_CreateArray();
	p.dir = 3;
	p.limit = page_limit(limit);
	p.e = e;
	rc = pake_db_gnode_search(st, query, after, p.limit + 1, page_entity,
	    &p, e);
	if (rc == PICKED)
		rc = 0;
	if (rc == 0)
		rc = page_finish(&p, out, e);
	else {
		cJSON_Delete(p.entities);
		free(p.rels.id);
	}
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return pake_graph_end(st, rc, e);
}

int
pake_graph_open(pake_ctx *c, const cJSON *names, cJSON **out, pake_err *e)
{
	struct page p = {0};
	struct relset ids = {0};
	const cJSON *it;
	pake_db *st;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	/* The named entities in the order they were made, each once. */
	cJSON_ArrayForEach(it, names) {
		int64_t id;
		pake_grel fake = {0};

		if ((rc = entity_id(st, it->valuestring, &id, e)) != 0)
			break;
		fake.id = id;
		if (id && relset_add(&ids, &fake) != 0) {
			rc = oom(e);
			break;
		}
	}
	if (ids.n > 1)
		qsort(ids.id, ids.n, sizeof *ids.id, cmp_id);
	p.st = st;
	p.entities = cJSON_CreateArray();
	p.dir = 3;
	p.limit = PAKE_GRAPH_BATCH_MAX;
	p.e = e;
	for (i = 0; i < ids.n && rc == 0; i++)
		rc = pake_db_gnode_get(st, ids.id[i], page_entity, &p, e);
	free(ids.id);
	if (rc == 0)
		rc = page_finish(&p, out, e);
	else {
		cJSON_Delete(p.entities);
		free(p.rels.id);
	}
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return pake_graph_end(st, rc, e);
}

/* --- the JSONL file -------------------------------------------------------- */

static int
valid_str(const cJSON *v, size_t max)
{
	return cJSON_IsString(v) && strlen(v->valuestring) <= max &&
	    pake_utf8_valid(v->valuestring, strlen(v->valuestring));
}

int
pake_graph_import_jsonl(pake_ctx *c, const char *text, size_t len,
    cJSON **out, pake_err *e)
{
	size_t at = 0, line = 0;
	int64_t ents = 0, rels = 0, skipped = 0;
	pake_db *st;
	int rc;

	*out = NULL;
	if (len > JSONL_MAX)
		return pake_fail(e, PAKE_ETOOBIG, NULL, "import: over %u "
		    "bytes", JSONL_MAX);
	if (memchr(text, '\0', len))
		return pake_fail(e, PAKE_EINVAL, "Invalid memory file",
		    "import: a NUL byte");
	if ((rc = pake_graph_begin(c, 1, &st, e)) != 0)
		return rc;
	while (at < len && rc == 0) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		char *s;
		cJSON *o;
		const char *type;

		line++;
		if ((s = pake_strndup(text + at, n)) == NULL) {
			rc = oom(e);
			break;
		}
		at += n + 1;
		{
			size_t i = 0;

			while (s[i] && isspace((unsigned char)s[i]))
				i++;
			if (s[i] == '\0') {
				free(s);
				continue;
			}
		}
		o = cJSON_ParseWithOpts(s, NULL, 1);
		free(s);
		if (!cJSON_IsObject(o)) {
			cJSON_Delete(o);
			rc = pake_fail(e, PAKE_EINVAL, "Invalid memory file",
			    "line %zu: not a JSON object", line);
			break;
		}
		type = str_of(o, "type");
		if (type && strcmp(type, "entity") == 0) {
			const cJSON *obs = cJSON_GetObjectItemCaseSensitive(o,
			    "observations"), *x;
			int made, ok = valid_str(cJSON_GetObjectItemCaseSensitive(o, "name"),
			    PAKE_GRAPH_NAME_MAX) && valid_str(
			    cJSON_GetObjectItemCaseSensitive(o, "entityType"),
			    PAKE_GRAPH_TYPE_MAX) && cJSON_IsArray(obs);

			cJSON_ArrayForEach(x, obs)
				ok = ok && valid_str(x, PAKE_GRAPH_OBS_MAX);
			if (!ok)
				rc = pake_fail(e, PAKE_EINVAL, "Invalid memory "
				    "file", "line %zu: an entity needs name, "
				    "entityType and observations (strings)",
				    line);
			else if ((rc = entity_add(st, str_of(o, "name"),
			    str_of(o, "entityType"), obs, &made, e)) == 0) {
				ents += made;
				skipped += !made;
			}
		} else if (type && strcmp(type, "relation") == 0) {
			int64_t id;

			if (!valid_str(cJSON_GetObjectItemCaseSensitive(o, "from"),
			    PAKE_GRAPH_NAME_MAX) || !valid_str(
			    cJSON_GetObjectItemCaseSensitive(o, "to"), PAKE_GRAPH_NAME_MAX) ||
			    !valid_str(cJSON_GetObjectItemCaseSensitive(o, "relationType"),
			    PAKE_GRAPH_TYPE_MAX))
				rc = pake_fail(e, PAKE_EINVAL, "Invalid memory "
				    "file", "line %zu: a relation needs from, "
				    "to and relationType (strings)", line);
			else if ((rc = relation_add(st, str_of(o, "from"),
			    str_of(o, "to"), str_of(o, "relationType"), NULL,
			    &id, e)) == 0) {
				rels += id != 0;
				skipped += id == 0;
			}
		}
		/* other types are ignored, as the server ignores them */
		cJSON_Delete(o);
	}
	if ((rc = pake_graph_end(st, rc, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddNumberToObject(*out, "entities", (double)ents);
	cJSON_AddNumberToObject(*out, "relations", (double)rels);
	cJSON_AddNumberToObject(*out, "skipped", (double)skipped);
	return 0;
}

struct exporter {
	pake_db *st;
	pake_buf b;
	pake_err *e;
};

static void
put_line(struct exporter *x, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	if (s == NULL) {
		x->b.oom = 1;
		return;
	}
	if (x->b.len)
		pake_buf_putc(&x->b, '\n');
	pake_buf_puts(&x->b, s);
	free(s);
}

static int
export_entity(void *arg, const pake_gnode *n)
{
	struct exporter *x = arg;
	cJSON *o = cJSON_CreateObject(), *ent;

	cJSON_AddStringToObject(o, "type", "entity");
	if ((ent = entity_json(x->st, n, x->e)) == NULL) {
		cJSON_Delete(o);
		return x->e->code ? x->e->code : PAKE_EINTERNAL;
	}
	cJSON_AddItemToObject(o, "name", cJSON_DetachItemFromObject(ent,
	    "name"));
	cJSON_AddItemToObject(o, "entityType", cJSON_DetachItemFromObject(ent,
	    "entityType"));
	cJSON_AddItemToObject(o, "observations",
	    cJSON_DetachItemFromObject(ent, "observations"));
	cJSON_Delete(ent);
	put_line(x, o);
	cJSON_Delete(o);
	return 0;
}

static int
export_relation(void *arg, const pake_grel *r)
{
	struct exporter *x = arg;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", "relation");
	cJSON_AddStringToObject(o, "from", r->src_name);
	cJSON_AddStringToObject(o, "to", r->dst_name);
	cJSON_AddStringToObject(o, "relationType", r->type);
	put_line(x, o);
	cJSON_Delete(o);
	return 0;
}

int
pake_graph_export_jsonl(pake_ctx *c, char **text, size_t *len, pake_err *e)
{
	struct exporter x = {0};
	pake_db *st;
	int rc;

	*text = NULL;
	*len = 0;
	if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	x.st = st;
	x.e = e;
	if ((rc = pake_db_gnode_page(st, PAKE_GNODE_ENTITY, 0, -1,
	    export_entity, &x, e)) == 0)
		rc = pake_db_grel_page(st, 1, 0, 0, 0, export_relation, &x, e);
	if (rc == 0 && x.b.oom)
		rc = oom(e);
	if ((rc = pake_graph_end(st, rc, e)) != 0) {
		pake_buf_free(&x.b);
		return rc;
	}
	*len = x.b.len;
	pake_buf_putc(&x.b, '\0');
	if (x.b.oom) {
		pake_buf_free(&x.b);
		return oom(e);
	}
	*text = pake_buf_take(&x.b);
	return 0;
}
