/*
 * graph_py.c: the Python server's entity graph (its /graph routes and
 * /knowledge-graph, SEED-API §5 and §8) on pake's knowledge graph
 * (ARCHITECTURE.md §14).
 *
 * The Python server kept typed entities and relationships in Neo4j: a
 * node's label was its EntityType, its properties the user's map plus
 * entity_type and created_at, ids Neo4j's integers passed as strings.
 * Here the same shapes come from graph_nodes and graph_rels:
 *
 *   - An entity made here is an entity node (kind 0) named by
 *     properties.name (properties.title for ResearchPaper and Document),
 *     typed by the EntityType value, with the properties as sent for its
 *     props.  Names are unique in a tenant, so a second entity of a name is
 *     a conflict (409) where Neo4j made a twin.
 *   - An entity made by the memory tools shows as {name, entity_type,
 *     observations}; a note's node as {name: its title, pake_id,
 *     note_type}, labelled "Note".  Every node's properties carry
 *     entity_type and created_at, as the Python server stored them,
 *     computed from the row and never stored.
 *   - A relationship made here is a tool's relation (origin NULL) from one
 *     node's name to the other's, so it keeps the memory model's rules: a
 *     (from, to, type) triple exists once (a repeat answers the existing
 *     one's id and keeps its properties), delete_entities removes it with
 *     either end, and an entity made later with the name of a note at
 *     one end takes that end over (graph.c binds tools' relations by
 *     name).
 *   - A relation whose target names nothing yet (a note's link to a page
 *     not written) joins no node: the node views leave it out; stats and
 *     the totals of /knowledge-graph count it.
 *
 * Costs.  Search matches the string form of every property, which no index
 * holds, so it walks the tenant's nodes in id order until it has limit
 * matches: at worst every node once.  Stats walks the notes' nodes to tell
 * note types from entity types (pake_db_graph_counts groups both
 * together).  The rest is bounded by its arguments: a view draws at most
 * max_nodes nodes (visualize 1..1000, /knowledge-graph 500) and EDGES_MAX
 * edges, a node's relationships answer at most RELS_MAX.  Reads run in
 * one snapshot and write nothing; a write is one short write transaction
 * (after pake_graph_catchup, as graph.c's writes).  Times are ISO 8601
 * UTC ("2026-11-23T21:39:31.123Z").
 */
#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "pake/db.h"
#include "pake/entities.h"
#include "pake/graph.h"
#include "pake/util.h"

#define KEY_MAX		(PAKE_GRAPH_NAME_MAX + 1)
#define PROPS_MAX	(64 * 1024)	/* bytes of a property map, as text */
#define PROPS_DEPTH	8		/* its nesting */
#define RELS_MAX	1000		/* relationships of a node answered */
#define EDGES_MAX	5000		/* edges of a view */
#define SCAN_PAGE	256		/* nodes read at a time by a walk */
#define URL_MAX		2048
#define STOP		(-1)		/* a callback has what it wanted */
#define MSG_NOENTITY	"Entity not found"

/* --- the Python server's vocabulary ------------------------------------ */

enum { F_REQUIRED = 1, F_NONEMPTY, F_URL, F_EMAIL };

/* EntityType, and the checks of the six types with a schema (the others
 * cannot be made, as in the Python server).  Unlisted optional fields
 * and extra properties are taken as they come. */
static const struct etype {
	const char *name;
	int creatable;
	struct {
		const char *name;
		int check;
	} f[4];
} etypes[] = {
	{"Person", 1, {{"name", F_REQUIRED}, {"email", F_EMAIL},
	    {"orcid", F_URL}, {"linkedin", F_URL}}},
	{"Organization", 1, {{"name", F_REQUIRED}, {"website", F_URL},
	    {"description", F_NONEMPTY}}},
	{"Location", 0, {{NULL, 0}}},
	{"Concept", 1, {{"name", F_REQUIRED}, {"wikipedia_url", F_URL}}},
	{"Document", 1, {{"title", F_REQUIRED}, {"source", F_REQUIRED},
	    {"url", F_URL}}},
	{"Topic", 0, {{NULL, 0}}},
	{"Technology", 1, {{"name", F_REQUIRED}, {"documentation_url",
	    F_URL}}},
	{"Event", 0, {{NULL, 0}}},
	{"Product", 0, {{NULL, 0}}},
	{"ResearchPaper", 1, {{"title", F_REQUIRED}, {"doi", F_NONEMPTY},
	    {"url", F_URL}}},
};
#define NETYPES		(sizeof etypes / sizeof etypes[0])
#define CONCEPT		3

static const char *const rtypes[] = {
	"WORKS_FOR", "LOCATED_IN", "MENTIONS", "RELATED_TO", "AUTHOR_OF",
	"PUBLISHED_BY", "CITES", "COLLABORATED_WITH", "PART_OF",
	"USES_TECHNOLOGY", "OCCURRED_AT", "ACQUIRED_BY", "FOUNDED", "DEVELOPS",
};
#define NRTYPES		(sizeof rtypes / sizeof rtypes[0])
#define RELATED_TO	3

/* The colour of a node in a view, by its type (case ignored, so that the
 * memory tools' "person" is drawn as a Person); other types are grey. */
static const struct {
	const char *type, *color;
} colors[] = {
	{"Person", "#e74c3c"}, {"Organization", "#3498db"},
	{"Location", "#2ecc71"}, {"Concept", "#9b59b6"},
	{"Document", "#f39c12"}, {"Topic", "#1abc9c"},
	{"Technology", "#34495e"}, {"Event", "#e67e22"},
	{"Product", "#16a085"}, {"ResearchPaper", "#c0392b"},
	{"Note", "#7f8c8d"},
};
#define COLOR_OTHER	"#95a5a6"

/* Is the user's word a the name b?  ASCII case and underscores ignored:
 * "CONCEPT", "research_paper" and "worksFor" name Concept, ResearchPaper
 * and WORKS_FOR. */
static int
same_word(const char *a, const char *b)
{
	for (;;) {
		while (*a == '_')
			a++;
		while (*b == '_')
			b++;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		if (*a == '\0')
			return 1;
		a++;
		b++;
	}
}

/* The EntityType a word names, or -1. */
static int
etype_of(const char *s)
{
	size_t i;

	for (i = 0; s && i < NETYPES; i++)
		if (same_word(s, etypes[i].name))
			return (int)i;
	return -1;
}

/* The RelationshipType a word names; anything else is RELATED_TO. */
static const char *
rtype_of(const char *s)
{
	size_t i;

	for (i = 0; s && i < NRTYPES; i++)
		if (same_word(s, rtypes[i]))
			return rtypes[i];
	return rtypes[RELATED_TO];
}

static int
oom(pake_err *e)
{
	return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
}

static int
no_entity(pake_err *e, const char *id)
{
	return pake_fail(e, PAKE_ENOTFOUND, MSG_NOENTITY, "graph node %.64s",
	    id ? id : "(none)");
}

/* --- small helpers ----------------------------------------------------- */

/* A node id as the Python API wrote it: decimal digits of a positive
 * integer.  0, or -1 for anything else (which names no node). */
static int
id_parse(const char *s, int64_t *id)
{
	int64_t v = 0;
	size_t i;

	*id = 0;
	if (s == NULL || s[0] == '\0' || strlen(s) > 18)
		return -1;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v <= 0)
		return -1;
	*id = v;
	return 0;
}

static void
id_text(int64_t id, char out[24])
{
	snprintf(out, 24, "%lld", (long long)id);
}

/* o[k] = s, replacing what was there. */
static void
put_str(cJSON *o, const char *k, const char *s)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, k);
	cJSON_AddStringToObject(o, k, s ? s : "");
}

static void
put_item(cJSON *o, const char *k, cJSON *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, k);
	cJSON_AddItemToObject(o, k, v);
}

static void
put_time(cJSON *o, const char *k, int64_t ms)
{
	char t[32];

	pake_iso8601(ms, t);
	put_str(o, k, t);
}

static void
put_id(cJSON *o, const char *k, int64_t id)
{
	char t[24];

	id_text(id, t);
	put_str(o, k, t);
}

/* Code points of UTF-8 text (Python's len of a str). */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int
ascii_alnum(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9');
}

static int
ascii_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* The key of a name: ASCII lowered, as graph.c's entity_add makes it. */
static void
name_key(const char *name, char key[KEY_MAX])
{
	size_t i;

	for (i = 0; name[i] && i + 1 < KEY_MAX; i++)
		key[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ?
		    name[i] - 'A' + 'a' : name[i]);
	key[i] = '\0';
}

/* --- validation -------------------------------------------------------- */

/* A host of a URL: localhost, a dotted IPv4 address, or a domain name of
 * two or more labels (letters, digits, inner hyphens, 63 at most) whose
 * last is letters; a final dot allowed (the usual Python URL pattern). */
static int
host_ok(const char *h, size_t n)
{
	size_t i, len = 0, labels = 0, parts = 0, digits = 0, last = 0;

	if (n == 9 && strncasecmp(h, "localhost", 9) == 0)
		return 1;
	if (n > 0 && h[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return 0;
	/* IPv4: four groups of one to three digits. */
	for (i = 0; i <= n; i++) {
		if (i == n || h[i] == '.') {
			if (digits < 1 || digits > 3)
				break;
			parts++;
			digits = 0;
		} else if (h[i] >= '0' && h[i] <= '9')
			digits++;
		else
			break;
	}
	if (i > n && parts == 4)
		return 1;
	for (i = 0; i <= n; i++) {
		if (i == n || h[i] == '.') {
			if (len == 0 || len > 63 || h[i - 1] == '-')
				return 0;
			labels++;
			last = i - len;
			len = 0;
		} else if (ascii_alnum((unsigned char)h[i]) ||
		    (h[i] == '-' && len > 0))
			len++;
		else
			return 0;
	}
	if (labels < 2 || n - last < 2)
		return 0;
	for (i = last; i < n; i++)
		if (!ascii_alpha((unsigned char)h[i]))
			return 0;
	return 1;
}

/* ^https?://host(:port)?(/?|[/?]\S+)$ */
static int
url_ok(const char *s)
{
	const char *h, *p;
	size_t n, d;

	if (strlen(s) > URL_MAX)
		return 0;
	if (strncasecmp(s, "http://", 7) == 0)
		h = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		h = s + 8;
	else
		return 0;
	n = strcspn(h, ":/?");
	if (!host_ok(h, n))
		return 0;
	p = h + n;
	if (*p == ':') {
		d = strspn(p + 1, "0123456789");
		if (d == 0 || d > 5)
			return 0;
		p += 1 + d;
	}
	if (*p == '\0')
		return 1;
	if (*p != '/' && *p != '?')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

/* ^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$ */
static int
email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *dot, *p;

	if (at == NULL || at == s || strlen(s) > 254)
		return 0;
	for (p = s; p < at; p++)
		if (!ascii_alnum((unsigned char)*p) && !strchr("._%+-", *p))
			return 0;
	if ((dot = strrchr(at + 1, '.')) == NULL || dot == at + 1 ||
	    strlen(dot + 1) < 2)
		return 0;
	for (p = at + 1; p < dot; p++)
		if (!ascii_alnum((unsigned char)*p) && *p != '.' && *p != '-')
			return 0;
	for (p = dot + 1; *p; p++)
		if (!ascii_alpha((unsigned char)*p))
			return 0;
	return 1;
}

static int
blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* The properties of a new entity of type t against its schema. */
static int
props_check(const struct etype *t, const cJSON *props, pake_err *e)
{
	size_t i;

	for (i = 0; i < 4 && t->f[i].name; i++) {
		const char *k = t->f[i].name;
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, k);
		int check = t->f[i].check;

		if (check == F_REQUIRED) {
			if (!cJSON_IsString(v) || blank(v->valuestring))
				return pake_fail(e, PAKE_EINVAL, NULL,
				    "properties.%s: required (a non-empty "
				    "string)", k);
			continue;
		}
		if (v == NULL || cJSON_IsNull(v))
			continue;
		if (!cJSON_IsString(v))
			return pake_fail(e, PAKE_EINVAL, NULL,
			    "properties.%s: not a string", k);
		if (check == F_NONEMPTY && blank(v->valuestring))
			return pake_fail(e, PAKE_EINVAL, NULL,
			    "properties.%s: empty", k);
		if (check == F_URL && !url_ok(v->valuestring))
			return pake_fail(e, PAKE_EINVAL, NULL,
			    "properties.%s: not an http or https URL", k);
		if (check == F_EMAIL && !email_ok(v->valuestring))
			return pake_fail(e, PAKE_EINVAL, NULL,
			    "properties.%s: not an email address", k);
	}
	return 0;
}

/* A property map as the text stored: NULL for none or an empty map, at
 * most PROPS_MAX bytes, nested at most PROPS_DEPTH deep. */
static int
props_text(const cJSON *p, const char *what, char **out, pake_err *e)
{
	size_t n;
	int deep;

	*out = NULL;
	if (p == NULL || p->child == NULL)
		return 0;
	if ((*out = cJSON_PrintUnformatted(p)) == NULL)
		return oom(e);
	n = strlen(*out);
	if (n > PROPS_MAX) {
		free(*out);
		*out = NULL;
		return pake_fail(e, PAKE_ETOOBIG, "Properties too large",
		    "%s: over %d bytes", what, PROPS_MAX);
	}
	if ((deep = pake_json_depth(*out, n) > PROPS_DEPTH) ||
	    !pake_utf8_valid(*out, n)) {
		free(*out);
		*out = NULL;
		if (deep)
			return pake_fail(e, PAKE_EINVAL, NULL, "%s: nested "
			    "deeper than %d", what, PROPS_DEPTH);
		return pake_fail(e, PAKE_EINVAL, NULL, "%s: not UTF-8", what);
	}
	return 0;
}

/* --- nodes ------------------------------------------------------------- */

/* A node copied out of its row (strings owned). */
typedef struct pynode {
	pake_gnode g;
	char *s[4];
} pynode;

/* Free a pynode's strings and zero it (again is harmless). */
static void
pynode_free(pynode *k)
{
	size_t i;

	for (i = 0; i < 4; i++)
		free(k->s[i]);
	memset(k, 0, sizeof *k);
}

/* pake_gnode_cb: the row into a pynode (arg), its strings copied. */
static int
copy_node(void *arg, const pake_gnode *n)
{
	pynode *k = arg;
	const char *src[4] = {n->name, n->type, n->props, n->pake_id};
	size_t i;

	pynode_free(k);
	k->g = *n;
	k->g.key = k->g.stem = k->g.path = NULL;
	for (i = 0; i < 4; i++)
		if (src[i] && (k->s[i] = pake_strdup(src[i])) == NULL)
			return PAKE_EINTERNAL;
	k->g.name = k->s[0];
	k->g.type = k->s[1];
	k->g.props = k->s[2];
	k->g.pake_id = k->s[3];
	return 0;
}

/* Node id into k; PAKE_ENOTFOUND (Entity not found) when there is none. */
static int
node_load(pake_db *st, int64_t id, pynode *k, pake_err *e)
{
	int rc = pake_db_gnode_get(st, id, copy_node, k, e);
	char t[24];

	if (rc == PAKE_ENOTFOUND) {
		id_text(id, t);
		return no_entity(e, t);
	}
	if (rc == PAKE_EINTERNAL && k->g.id == id && e->code == 0)
		return oom(e);
	return rc;
}

static int
obs_to_array(void *arg, const pake_gobs *o)
{
	cJSON_AddItemToArray(arg, cJSON_CreateString(o->content));
	return 0;
}

/* The label of a node: an entity's type, "Note" for a note. */
static const char *
label_of(const pake_gnode *n)
{
	return n->kind == PAKE_GNODE_NOTE ? "Note" : n->type;
}

/* A node's properties as the Python server showed them (see the top). */
static cJSON *
node_props(pake_db *st, const pake_gnode *n, pake_err *e)
{
	cJSON *p = NULL, *obs;

	if (n->kind == PAKE_GNODE_ENTITY && n->props)
		p = cJSON_Parse(n->props);
	if (!cJSON_IsObject(p)) {
		cJSON_Delete(p);
		if ((p = cJSON_CreateObject()) == NULL)
			return NULL;
	}
	if (n->kind == PAKE_GNODE_NOTE) {
		put_str(p, "name", n->name);
		if (n->pake_id)
			put_str(p, "pake_id", n->pake_id);
		put_str(p, "note_type", n->type);
	} else {
		if (n->props == NULL)
			put_str(p, "name", n->name);
		/* Observations (the memory tools'): always for an entity of
		 * theirs, when there are any for one made here. */
		if (!cJSON_HasObjectItem(p, "observations")) {
			if ((obs = cJSON_CreateArray()) == NULL ||
			    pake_db_gobs_each(st, n->id, obs_to_array, obs,
			    e) != 0) {
				cJSON_Delete(obs);
				cJSON_Delete(p);
				return NULL;
			}
			if (n->props == NULL || obs->child)
				cJSON_AddItemToObject(p, "observations", obs);
			else
				cJSON_Delete(obs);
		}
	}
	put_str(p, "entity_type", label_of(n));
	put_time(p, "created_at", n->created_ms);
	return p;
}

/* [label] of a node, and "Center" after it for a view's centre. */
static cJSON *
labels_of(const pake_gnode *n, int center)
{
	cJSON *l = cJSON_CreateArray();

	cJSON_AddItemToArray(l, cJSON_CreateString(label_of(n)));
	if (center)
		cJSON_AddItemToArray(l, cJSON_CreateString("Center"));
	return l;
}

/* {<properties>, labels, id}: an entity of the Python API. */
static cJSON *
entity_obj(pake_db *st, const pake_gnode *n, pake_err *e)
{
	cJSON *o = node_props(st, n, e);

	if (o == NULL)
		return NULL;
	put_item(o, "labels", labels_of(n, 0));
	put_id(o, "id", n->id);
	return o;
}

/* {id, properties, labels} */
static cJSON *
connected_obj(pake_db *st, const pake_gnode *n, pake_err *e)
{
	cJSON *o = cJSON_CreateObject(), *p = node_props(st, n, e);

	if (o == NULL || p == NULL) {
		cJSON_Delete(o);
		cJSON_Delete(p);
		return NULL;
	}
	put_id(o, "id", n->id);
	cJSON_AddItemToObject(o, "properties", p);
	cJSON_AddItemToObject(o, "labels", labels_of(n, 0));
	return o;
}

/* A relation's properties: its map plus relationship_type and
 * created_at (and a note's context of the link). */
static cJSON *
rel_props(const pake_grel *r)
{
	cJSON *p = r->props ? cJSON_Parse(r->props) : NULL;

	if (!cJSON_IsObject(p)) {
		cJSON_Delete(p);
		if ((p = cJSON_CreateObject()) == NULL)
			return NULL;
	}
	if (r->context && !cJSON_HasObjectItem(p, "context"))
		put_str(p, "context", r->context);
	put_str(p, "relationship_type", r->type);
	put_time(p, "created_at", r->created_ms);
	return p;
}

/* --- creating ---------------------------------------------------------- */

/* A new entity with properties, made as graph.c's entity_add makes one:
 * the row, its trigram entry, then the tools' relations naming it bind
 * to it and the links naming it resolve again.  PAKE_ECONFLICT when an
 * entity has the name. */
static int
entity_insert(pake_db *st, const char *name, const char *type,
    const char *props, int64_t *id, pake_err *e)
{
	char key[KEY_MAX];
	pake_gnode g;
	int rc;

	memset(&g, 0, sizeof g);
	name_key(name, key);
	g.kind = PAKE_GNODE_ENTITY;
	g.name = name;
	g.type = type;
	g.key = key;
	g.props = props;
	g.created_ms = pake_now_ms();
	rc = pake_db_gnode_insert(st, &g, id, e);
	if (rc == PAKE_ECONFLICT)
		return pake_fail(e, PAKE_ECONFLICT, "An entity of this name "
		    "exists; names are unique in a tenant", "entity %.200s",
		    name);
	if (rc != 0 ||
	    (rc = pake_db_gnode_index(st, *id, 0, e)) != 0 ||
	    (rc = pake_db_grel_bind_name(st, name, *id, e)) != 0)
		return rc;
	return pake_graph_reresolve(st, name, e);
}

int
pake_graph_py_entity_create(pake_ctx *c, const char *type,
    const cJSON *props, cJSON **out, pake_err *e)
{
	const struct etype *t;
	const char *name;
	char *text = NULL, idt[24];
	pake_db *st;
	int64_t id = 0;
	int i, rc;

	*out = NULL;
	i = etype_of(type ? type : "CONCEPT");
	t = &etypes[i < 0 ? CONCEPT : i];
	if (!t->creatable)
		return pake_fail(e, PAKE_EINVAL, "Unsupported entity type",
		    "entity_type: %s has no schema", t->name);
	if ((rc = props_check(t, props, e)) != 0)
		return rc;
	name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(props,
	    strcmp(t->f[0].name, "title") == 0 ? "title" : "name"));
	if (name == NULL)
		return pake_fail(e, PAKE_EINVAL, NULL, "properties: no name");
	if (strlen(name) > PAKE_GRAPH_NAME_MAX)
		return pake_fail(e, PAKE_EINVAL, NULL, "properties.%s: longer "
		    "than %d bytes", t->f[0].name, PAKE_GRAPH_NAME_MAX);
	if ((rc = props_text(props, "properties", &text, e)) != 0)
		return rc;
	if ((rc = pake_graph_begin(c, 1, &st, e)) != 0) {
		free(text);
		return rc;
	}
	rc = pake_graph_end(st, entity_insert(st, name, t->name, text, &id, e), e);
	free(text);
	if (rc != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	id_text(id, idt);
	cJSON_AddStringToObject(*out, "entity_id", idt);
	cJSON_AddStringToObject(*out, "entity_type", t->name);
	cJSON_AddItemToObject(*out, "properties", props ?
	    cJSON_Duplicate(props, 1) : cJSON_CreateObject());
	return 0;
}

struct triple {
	const char *to, *type;
	int64_t id;
};

/* pake_grel_cb: the tool's relation going to t->to with type t->type. */
static int
triple_match(void *arg, const pake_grel *r)
{
	struct triple *t = arg;

	if (strcmp(r->dst_name, t->to) != 0 || strcmp(r->type, t->type) != 0)
		return 0;
	t->id = r->id;
	return STOP;
}

int
pake_graph_py_relationship_create(pake_ctx *c, const char *from,
    const char *to, const char *type, const cJSON *props, cJSON **out,
    pake_err *e)
{
	char key[KEY_MAX], *text = NULL, t[24];
	const char *rtype = rtype_of(type);
	pynode a, b;
	pake_grel r;
	pake_db *st;
	int64_t ia, ib, id = 0;
	int rc;

	*out = NULL;
	if (id_parse(from, &ia) != 0)
		return no_entity(e, from);
	if (id_parse(to, &ib) != 0)
		return no_entity(e, to);
	if ((rc = props_text(props, "properties", &text, e)) != 0)
		return rc;
	if ((rc = pake_graph_begin(c, 1, &st, e)) != 0) {
		free(text);
		return rc;
	}
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	memset(&r, 0, sizeof r);
	if ((rc = node_load(st, ia, &a, e)) == 0 &&
	    (rc = node_load(st, ib, &b, e)) == 0) {
		pake_graph_key(b.g.name, key, sizeof key);
		r.src = ia;
		r.src_name = a.g.name;
		r.dst = ib;
		r.dst_name = b.g.name;
		r.dst_key = key;
		r.type = rtype;
		r.props = text;
		r.created_ms = pake_now_ms();
		rc = pake_db_grel_insert(st, &r, &id, e);
		if (rc == PAKE_ECONFLICT) {
			/* The triple exists: answer it, as the memory model
			 * keeps one.  Only when it joins other nodes of the same
			 * names (a note and an entity) is it a conflict. */
			struct triple tr = {b.g.name, rtype, 0};

			pake_err_clear(e);
			rc = pake_db_grel_of(st, ia, 1, 1, triple_match, &tr, e);
			if (rc == STOP)
				rc = 0;
			if (rc == 0 && (id = tr.id) == 0)
				rc = pake_fail(e, PAKE_ECONFLICT, "A relationship "
				    "of this type between these names exists",
				    "relation %.100s -> %.100s", a.g.name,
				    b.g.name);
		}
	}
	pynode_free(&a);
	pynode_free(&b);
	free(text);
	if ((rc = pake_graph_end(st, rc, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	id_text(id, t);
	cJSON_AddStringToObject(*out, "relationship_id", t);
	id_text(ia, t);
	cJSON_AddStringToObject(*out, "from_entity_id", t);
	id_text(ib, t);
	cJSON_AddStringToObject(*out, "to_entity_id", t);
	cJSON_AddStringToObject(*out, "relationship_type", rtype);
	return 0;
}

/* --- one node ---------------------------------------------------------- */

/* Open a read snapshot and load the node the text id names into k. */
static int
read_node(pake_ctx *c, const char *id, pake_db **st, pynode *k, pake_err *e)
{
	int64_t v;
	int rc;

	memset(k, 0, sizeof *k);
	if (id_parse(id, &v) != 0)
		return no_entity(e, id);
	if ((rc = pake_graph_begin(c, 0, st, e)) != 0)
		return rc;
	if ((rc = node_load(*st, v, k, e)) != 0) {
		pynode_free(k);
		return pake_graph_end(*st, rc, e);
	}
	return 0;
}

int
pake_graph_py_entity_get(pake_ctx *c, const char *id, cJSON **out,
    pake_err *e)
{
	pake_db *st;
	pynode k;
	cJSON *o;
	int rc;

	*out = NULL;
	if ((rc = read_node(c, id, &st, &k, e)) != 0)
		return rc;
	o = entity_obj(st, &k.g, e);
	pynode_free(&k);
	if ((rc = pake_graph_end(st, o ? 0 : e->code ? e->code : oom(e), e)) != 0) {
		cJSON_Delete(o);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	cJSON_AddItemToObject(*out, "entity", o);
	return 0;
}

/* The relations of a node that join another node, each once (a loop is
 * met going out and coming in): each to cb with the other end. */
struct each_rel {
	pake_db *st;
	int64_t node;
	int dir;		/* the pass: 1 out, 2 in */
	int (*cb)(void *arg, const pake_grel *r, int64_t other, int out);
	void *arg;
};

/* pake_grel_cb of each_rel: the other end, loops and dangling left out. */
static int
each_rel_item(void *arg, const pake_grel *r)
{
	struct each_rel *x = arg;
	int64_t other = x->dir == 1 ? r->dst : r->src;

	if (other == 0 || (x->dir == 2 && r->src == x->node))
		return 0;
	return x->cb(x->arg, r, other, x->dir == 1);
}

static int
each_rel(pake_db *st, int64_t node, int (*cb)(void *, const pake_grel *,
    int64_t, int), void *arg, pake_err *e)
{
	struct each_rel x = {st, node, 1, cb, arg};
	int rc;

	if ((rc = pake_db_grel_of(st, node, 1, 0, each_rel_item, &x, e)) != 0)
		return rc;
	x.dir = 2;
	return pake_db_grel_of(st, node, 2, 0, each_rel_item, &x, e);
}

struct rels {
	pake_db *st;
	cJSON *arr;
	int n, truncated;
	pake_err *e;
};

/* One relationship of the node with the node at its other end. */
static int
rels_item(void *arg, const pake_grel *r, int64_t other, int out)
{
	struct rels *x = arg;
	cJSON *o, *p, *ce;
	pynode k;
	int rc;

	if (x->n >= RELS_MAX) {
		x->truncated = 1;
		return STOP;
	}
	memset(&k, 0, sizeof k);
	if ((rc = node_load(x->st, other, &k, x->e)) != 0)
		return rc;
	ce = connected_obj(x->st, &k.g, x->e);
	pynode_free(&k);
	p = rel_props(r);
	o = cJSON_CreateObject();
	if (ce == NULL || p == NULL || o == NULL) {
		cJSON_Delete(ce);
		cJSON_Delete(p);
		cJSON_Delete(o);
		return x->e->code ? x->e->code : oom(x->e);
	}
	put_id(o, "id", r->id);
	cJSON_AddStringToObject(o, "type", r->type);
	cJSON_AddStringToObject(o, "direction", out ? "outgoing" : "incoming");
	cJSON_AddItemToObject(o, "properties", p);
	cJSON_AddItemToObject(o, "connected_entity", ce);
	cJSON_AddItemToArray(x->arr, o);
	x->n++;
	return 0;
}

int
pake_graph_py_relationships(pake_ctx *c, const char *id, cJSON **out,
    pake_err *e)
{
	struct rels x;
	pake_db *st;
	pynode k;
	int64_t node;
	int rc;

	*out = NULL;
	if ((rc = read_node(c, id, &st, &k, e)) != 0)
		return rc;
	node = k.g.id;
	pynode_free(&k);
	memset(&x, 0, sizeof x);
	x.st = st;
	x.e = e;
	x.arr = cJSON_CreateArray();
	rc = each_rel(st, node, rels_item, &x, e);
	if (rc == STOP)
		rc = 0;
	if ((rc = pake_graph_end(st, rc, e)) != 0) {
		cJSON_Delete(x.arr);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	put_id(*out, "entity_id", node);
	cJSON_AddItemToObject(*out, "relationships", x.arr);
	cJSON_AddNumberToObject(*out, "count", x.n);
	cJSON_AddBoolToObject(*out, "truncated", x.truncated);
	return 0;
}

/* --- search ------------------------------------------------------------ */

struct find {
	pake_db *st;
	const char *q;
	const char *want[NETYPES + 1];	/* labels wanted; none: all */
	size_t nwant;
	cJSON *arr;
	int limit, n, rows;
	int64_t last;
	pake_err *e;
};

/* Does the string form of a property value hold q (case counts)? */
static int
value_has(const cJSON *v, const char *q)
{
	char *s;
	int has;

	if (cJSON_IsString(v))
		return strstr(v->valuestring, q) != NULL;
	if ((s = cJSON_PrintUnformatted(v)) == NULL)
		return 0;
	has = strstr(s, q) != NULL;
	free(s);
	return has;
}

/* pake_gnode_cb: a node that passes the types filter and matches q joins
 * the answer; STOP at limit. */
static int
find_node(void *arg, const pake_gnode *n)
{
	struct find *f = arg;
	const cJSON *v;
	cJSON *p;
	size_t i;

	f->rows++;
	f->last = n->id;
	for (i = 0; i < f->nwant; i++)
		if (strcasecmp(label_of(n), f->want[i]) == 0)
			break;
	if (f->nwant && i == f->nwant)
		return 0;
	if ((p = node_props(f->st, n, f->e)) == NULL)
		return f->e->code ? f->e->code : oom(f->e);
	cJSON_ArrayForEach(v, p)
		if (value_has(v, f->q))
			break;
	if (v == NULL) {
		cJSON_Delete(p);
		return 0;
	}
	put_item(p, "labels", labels_of(n, 0));
	put_id(p, "id", n->id);
	cJSON_AddItemToArray(f->arr, p);
	return ++f->n >= f->limit ? STOP : 0;
}

/* The types filter: comma separated EntityType names (or Note); one that
 * names none drops the whole filter, as the Python server did. */
static void
find_types(struct find *f, const char *types)
{
	const char *p = types, *label;
	char w[64];
	size_t n, k;
	int i;

	f->nwant = 0;
	while (p && *p) {
		p += strspn(p, ", \t");
		if ((n = strcspn(p, ",")) == 0)
			break;
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		if (n >= sizeof w)
			goto drop;
		memcpy(w, p, n);
		w[n] = '\0';
		if (same_word(w, "Note"))
			label = "Note";
		else if ((i = etype_of(w)) >= 0)
			label = etypes[i].name;
		else
			goto drop;
		for (k = 0; k < f->nwant && f->want[k] != label; k++)
			;
		if (k == f->nwant) {
			assert(f->nwant < sizeof f->want / sizeof f->want[0]);
			f->want[f->nwant++] = label;
		}
		p += strcspn(p, ",");
	}
	return;
drop:
	f->nwant = 0;
}

int
pake_graph_py_search(pake_ctx *c, const char *q, const char *types,
    int limit, cJSON **out, pake_err *e)
{
	struct find f;
	pake_db *st;
	int rc;

	*out = NULL;
	if (q == NULL)
		return pake_fail(e, PAKE_EINVAL, NULL, "q: required");
	memset(&f, 0, sizeof f);
	f.q = q;
	f.limit = limit < 1 ? 50 : limit > PAKE_GRAPH_PAGE_MAX ?
	    PAKE_GRAPH_PAGE_MAX : limit;
	find_types(&f, types);
	if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	f.st = st;
	f.e = e;
	f.arr = cJSON_CreateArray();
	do {
		f.rows = 0;
		rc = pake_db_gnode_page(st, -1, f.last, SCAN_PAGE, find_node, &f,
		    e);
	} while (rc == 0 && f.rows == SCAN_PAGE);
	if (rc == STOP)
		rc = 0;
	if ((rc = pake_graph_end(st, rc, e)) != 0) {
		cJSON_Delete(f.arr);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	cJSON_AddStringToObject(*out, "query", q);
	cJSON_AddItemToObject(*out, "entities", f.arr);
	cJSON_AddNumberToObject(*out, "count", f.n);
	return 0;
}

/* --- views: visualize and /knowledge-graph ----------------------------- */

/* The nodes a view draws: an open-addressing set of ids (membership for
 * the edges) and the order they were found in. */
struct view {
	pake_db *st;
	int64_t *slot, *order;
	int *depth;
	size_t cap, n, max;
	int64_t at;		/* the node being expanded */
	int at_depth;
	int truncated;
	cJSON *edges;
	size_t nedges;
	pake_err *e;
};

static int
view_init(struct view *v, pake_db *st, size_t max, pake_err *e)
{
	memset(v, 0, sizeof *v);
	v->st = st;
	v->max = max;
	v->e = e;
	for (v->cap = 64; v->cap < max * 2; v->cap *= 2)
		;
	v->slot = calloc(v->cap, sizeof *v->slot);
	v->order = calloc(max + 1, sizeof *v->order);
	v->depth = calloc(max + 1, sizeof *v->depth);
	v->edges = cJSON_CreateArray();
	return v->slot && v->order && v->depth && v->edges ? 0 : oom(e);
}

static void
view_free(struct view *v)
{
	free(v->slot);
	free(v->order);
	free(v->depth);
	cJSON_Delete(v->edges);
}

/* The slot of id in the set: where it is, or the empty one it would take. */
static size_t
view_at(const struct view *v, int64_t id)
{
	size_t h = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull) &
	    (v->cap - 1);

	while (v->slot[h] != 0 && v->slot[h] != id)
		h = (h + 1) & (v->cap - 1);
	return h;
}

static int
view_has(const struct view *v, int64_t id)
{
	return v->slot[view_at(v, id)] == id;
}

/* Draw node id (found at depth hops); the caller has checked the room. */
static void
view_add(struct view *v, int64_t id, int depth)
{
	assert(v->n < v->max && !view_has(v, id));
	v->slot[view_at(v, id)] = id;
	v->depth[v->n] = depth;
	v->order[v->n++] = id;
}

/* Breadth first from the centre, both directions, as graph_neighbors
 * walks (two hops here). */
static int
view_walk_rel(void *arg, const pake_grel *r, int64_t other, int out)
{
	struct view *v = arg;

	(void)r;
	(void)out;
	if (view_has(v, other))
		return 0;
	if (v->n >= v->max) {
		v->truncated = 1;
		return STOP;
	}
	view_add(v, other, v->at_depth + 1);
	return 0;
}

static int
view_walk(struct view *v, int64_t center, int hops)
{
	size_t head = 0;
	int rc;

	view_add(v, center, 0);
	while (head < v->n) {
		v->at = v->order[head];
		v->at_depth = v->depth[head++];
		if (v->at_depth >= hops)
			continue;
		rc = each_rel(v->st, v->at, view_walk_rel, v, v->e);
		if (rc == STOP)
			return 0;
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* pake_gnode_cb: draw every node given (the sample without a centre). */
static int
view_take(void *arg, const pake_gnode *n)
{
	view_add(arg, n->id, 0);
	return 0;
}

static const char *
color_of(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof colors / sizeof colors[0]; i++)
		if (strcasecmp(type, colors[i].type) == 0)
			return colors[i].color;
	return COLOR_OTHER;
}

/* {id, label, type, properties, color, size, metadata} of a drawn node. */
static cJSON *
view_node(pake_db *st, const pake_gnode *n, int center, pake_err *e)
{
	cJSON *o, *p = node_props(st, n, e), *m;
	const char *label = NULL, *type = label_of(n);
	char fallback[256];
	size_t len;

	if (p == NULL)
		return NULL;
	label = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p,
	    "name"));
	if (label == NULL || label[0] == '\0')
		label = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p,
		    "title"));
	if (label == NULL || label[0] == '\0') {
		snprintf(fallback, sizeof fallback, "%.200s %lld", type,
		    (long long)n->id);
		label = fallback;
	}
	len = 2 * chars(label);
	o = cJSON_CreateObject();
	put_id(o, "id", n->id);
	cJSON_AddStringToObject(o, "label", label);
	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddItemToObject(o, "properties", p);
	cJSON_AddStringToObject(o, "color", color_of(type));
	cJSON_AddNumberToObject(o, "size", len < 20 ? 20 : len > 50 ? 50 :
	    (double)len);
	m = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddItemToObject(m, "labels", labels_of(n, center));
	cJSON_AddItemToObject(m, "created_at", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(p, "created_at"), 1));
	cJSON_AddItemToObject(m, "entity_type", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(p, "entity_type"), 1));
	return o;
}

/* Each relation from a drawn node to a drawn node, once (going out). */
static int
view_edge(void *arg, const pake_grel *r)
{
	struct view *v = arg;
	cJSON *o, *p, *m, *w;
	char label[PAKE_GRAPH_TYPE_MAX + 1], *s;

	if (r->dst == 0 || !view_has(v, r->dst))
		return 0;
	if (v->nedges >= EDGES_MAX) {
		v->truncated = 1;
		return STOP;
	}
	if ((p = rel_props(r)) == NULL || (o = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(p);
		return oom(v->e);
	}
	pake_strlcpy(label, r->type, sizeof label);
	for (s = label; *s; s++)
		if (*s == '_')
			*s = ' ';
	put_id(o, "id", r->id);
	put_id(o, "source", r->src);
	put_id(o, "target", r->dst);
	cJSON_AddStringToObject(o, "label", label);
	cJSON_AddStringToObject(o, "type", r->type);
	cJSON_AddItemToObject(o, "properties", p);
	w = cJSON_GetObjectItemCaseSensitive(p, "confidence");
	cJSON_AddNumberToObject(o, "weight", cJSON_IsNumber(w) ?
	    w->valuedouble : 1.0);
	m = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddItemToObject(m, "created_at", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(p, "created_at"), 1));
	cJSON_AddStringToObject(m, "relationship_type", r->type);
	cJSON_AddItemToArray(v->edges, o);
	v->nedges++;
	return 0;
}

/* The drawn nodes (*nodes) and the edges between them (v->edges). */
static int
view_draw(struct view *v, int64_t center, cJSON **nodes)
{
	size_t i;
	pynode k;
	cJSON *o;
	int rc = 0;

	*nodes = cJSON_CreateArray();
	memset(&k, 0, sizeof k);
	for (i = 0; i < v->n && rc == 0; i++) {
		if ((rc = node_load(v->st, v->order[i], &k, v->e)) != 0)
			break;
		o = view_node(v->st, &k.g, center && v->order[i] == center,
		    v->e);
		if (o == NULL)
			rc = v->e->code ? v->e->code : oom(v->e);
		cJSON_AddItemToArray(*nodes, o);
	}
	pynode_free(&k);
	for (i = 0; i < v->n && rc == 0; i++)
		rc = pake_db_grel_of(v->st, v->order[i], 1, 0, view_edge, v,
		    v->e);
	return rc == STOP ? 0 : rc;
}

static int
clamp(int v, int dflt, int max)
{
	if (v <= 0)
		return dflt;
	return v > max ? max : v;
}

/*
 * With a centre: the nodes within two hops of it (both directions, the
 * centre first, breadth first, at most max_nodes).  Without: the first
 * max_nodes nodes in id order, that is the oldest, entities and notes
 * alike (no degree is kept, and counting every node's relations to pick
 * the most connected would read the whole graph).  Then the edges that
 * join two drawn nodes, each once.
 */
int
pake_graph_py_visualize(pake_ctx *c, const char *center, int max_nodes,
    cJSON **out, pake_err *e)
{
	struct view v;
	pake_db *st;
	pynode k;
	int64_t cid = 0;
	cJSON *nodes = NULL, *g, *m;
	int rc;

	*out = NULL;
	max_nodes = clamp(max_nodes, 50, PAKE_GRAPH_PAGE_MAX);
	if (center && center[0]) {
		if ((rc = read_node(c, center, &st, &k, e)) != 0)
			return rc;
		cid = k.g.id;
		pynode_free(&k);
	} else if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	if ((rc = view_init(&v, st, (size_t)max_nodes, e)) == 0) {
		if (cid)
			rc = view_walk(&v, cid, 2);
		else
			rc = pake_db_gnode_page(st, -1, 0, max_nodes, view_take,
			    &v, e);
	}
	if (rc == 0)
		rc = view_draw(&v, cid, &nodes);
	if ((rc = pake_graph_end(st, rc, e)) != 0) {
		cJSON_Delete(nodes);
		view_free(&v);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	g = cJSON_AddObjectToObject(*out, "graph_data");
	cJSON_AddItemToObject(g, "nodes", nodes);
	cJSON_AddItemToObject(g, "edges", v.edges);
	v.edges = NULL;
	m = cJSON_AddObjectToObject(*out, "metadata");
	cJSON_AddNumberToObject(m, "node_count", (double)v.n);
	cJSON_AddNumberToObject(m, "edge_count", (double)v.nedges);
	if (cid)
		put_id(m, "center_entity", cid);
	else
		cJSON_AddNullToObject(m, "center_entity");
	put_time(m, "generated_at", pake_now_ms());
	cJSON_AddBoolToObject(m, "truncated", v.truncated);
	view_free(&v);
	return 0;
}

/* --- counts ------------------------------------------------------------ */

struct counts {
	int64_t entities, notes, relations, dangling;
	cJSON *types, *rels;	/* type: count */
	int rows;
	int64_t last;
};

/* pake_gcount_cb: the totals, and the counts by type and relation type. */
static int
count_item(void *arg, const char *what, int64_t n)
{
	struct counts *k = arg;

	if (strncmp(what, "type:", 5) == 0)
		cJSON_AddNumberToObject(k->types, what + 5, (double)n);
	else if (strncmp(what, "rel:", 4) == 0)
		cJSON_AddNumberToObject(k->rels, what + 4, (double)n);
	else if (strcmp(what, "entities") == 0)
		k->entities = n;
	else if (strcmp(what, "notes") == 0)
		k->notes = n;
	else if (strcmp(what, "relations") == 0)
		k->relations = n;
	else if (strcmp(what, "dangling") == 0)
		k->dangling = n;
	return 0;
}

/* A note's type is counted under "Note", not under its own. */
static int
count_note(void *arg, const pake_gnode *n)
{
	struct counts *k = arg;
	cJSON *v = cJSON_GetObjectItemCaseSensitive(k->types, n->type);

	k->rows++;
	k->last = n->id;
	if (cJSON_IsNumber(v))
		cJSON_SetNumberValue(v, v->valuedouble - 1);
	return 0;
}

/* Totals and counts; by_label: node types as labels, every note under
 * "Note" (a walk of the notes' nodes subtracts their types). */
static int
counts_get(pake_db *st, struct counts *k, int by_label, pake_err *e)
{
	cJSON *t, *next;
	int rc;

	memset(k, 0, sizeof *k);
	k->types = cJSON_CreateObject();
	k->rels = cJSON_CreateObject();
	if (k->types == NULL || k->rels == NULL)
		return oom(e);
	if ((rc = pake_db_graph_counts(st, count_item, k, e)) != 0 ||
	    !by_label || k->notes == 0)
		return rc;
	do {
		k->rows = 0;
		rc = pake_db_gnode_page(st, PAKE_GNODE_NOTE, k->last, SCAN_PAGE,
		    count_note, k, e);
	} while (rc == 0 && k->rows == SCAN_PAGE);
	for (t = k->types->child; t; t = next) {
		next = t->next;
		if (t->valuedouble <= 0)
			cJSON_Delete(cJSON_DetachItemViaPointer(k->types, t));
	}
	t = cJSON_GetObjectItemCaseSensitive(k->types, "Note");
	if (cJSON_IsNumber(t))
		cJSON_SetNumberValue(t, t->valuedouble + (double)k->notes);
	else
		cJSON_AddNumberToObject(k->types, "Note", (double)k->notes);
	return rc;
}

static void
counts_free(struct counts *k)
{
	cJSON_Delete(k->types);
	cJSON_Delete(k->rels);
}

static cJSON *
keys_of(const cJSON *o)
{
	cJSON *a = cJSON_CreateArray();
	const cJSON *it;

	cJSON_ArrayForEach(it, o)
		cJSON_AddItemToArray(a, cJSON_CreateString(it->string));
	return a;
}

int
pake_graph_py_stats(pake_ctx *c, cJSON **out, pake_err *e)
{
	struct counts k;
	pake_db *st;
	cJSON *b;
	int rc;

	*out = NULL;
	if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	if ((rc = pake_graph_end(st, counts_get(st, &k, 1, e), e)) != 0) {
		counts_free(&k);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	b = cJSON_AddObjectToObject(*out, "basic_stats");
	cJSON_AddNumberToObject(b, "total_nodes", (double)(k.entities +
	    k.notes));
	cJSON_AddNumberToObject(b, "total_relationships",
	    (double)k.relations);
	cJSON_AddItemToObject(b, "node_labels", keys_of(k.types));
	cJSON_AddItemToObject(b, "relationship_types", keys_of(k.rels));
	cJSON_AddNumberToObject(b, "dangling_relationships",
	    (double)k.dangling);
	cJSON_AddItemToObject(*out, "entity_distribution", k.types);
	cJSON_AddItemToObject(*out, "relationship_distribution", k.rels);
	put_time(*out, "generated_at", pake_now_ms());
	return 0;
}

/* --- insights ---------------------------------------------------------- */

struct insight {
	cJSON *by_type;
	int64_t total;
	int64_t *nb;
	size_t n, cap;
};

/* One relationship of the node: counted by type, its other end kept. */
static int
insight_rel(void *arg, const pake_grel *r, int64_t other, int out)
{
	struct insight *x = arg;
	cJSON *v = cJSON_GetObjectItemCaseSensitive(x->by_type, r->type);

	(void)out;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		int64_t *p = realloc(x->nb, cap * sizeof *p);

		if (p == NULL)
			return PAKE_EINTERNAL;
		x->nb = p;
		x->cap = cap;
	}
	x->nb[x->n++] = other;
	x->total++;
	if (cJSON_IsNumber(v))
		cJSON_SetNumberValue(v, v->valuedouble + 1);
	else
		cJSON_AddNumberToObject(x->by_type, r->type, 1);
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int
pake_graph_py_insights(pake_ctx *c, const char *id, cJSON **out,
    pake_err *e)
{
	struct insight x;
	pake_db *st;
	pynode k;
	cJSON *ent, *a, *m;
	const cJSON *t, *best = NULL;
	size_t i, degree = 0;
	int rc;

	*out = NULL;
	if ((rc = read_node(c, id, &st, &k, e)) != 0)
		return rc;
	memset(&x, 0, sizeof x);
	x.by_type = cJSON_CreateObject();
	ent = entity_obj(st, &k.g, e);
	if (ent == NULL || x.by_type == NULL)
		rc = e->code ? e->code : oom(e);
	else if ((rc = each_rel(st, k.g.id, insight_rel, &x, e)) ==
	    PAKE_EINTERNAL && e->code == 0)
		rc = oom(e);
	pynode_free(&k);
	if ((rc = pake_graph_end(st, rc, e)) != 0) {
		cJSON_Delete(ent);
		cJSON_Delete(x.by_type);
		free(x.nb);
		return rc;
	}
	if (x.n > 0)
		qsort(x.nb, x.n, sizeof *x.nb, cmp_id);
	for (i = 0; i < x.n; i++)
		if (i == 0 || x.nb[i] != x.nb[i - 1])
			degree++;
	free(x.nb);
	cJSON_ArrayForEach(t, x.by_type)
		if (best == NULL || t->valuedouble > best->valuedouble)
			best = t;
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	cJSON_AddItemToObject(*out, "entity", ent);
	cJSON_AddNumberToObject(*out, "relationship_count", (double)x.total);
	a = cJSON_AddObjectToObject(*out, "relationship_analysis");
	cJSON_AddNumberToObject(a, "total", (double)x.total);
	cJSON_AddItemToObject(a, "by_type", x.by_type);
	if (best)
		cJSON_AddStringToObject(a, "most_common_type", best->string);
	else
		cJSON_AddNullToObject(a, "most_common_type");
	cJSON_AddNumberToObject(a, "unique_types",
	    cJSON_GetArraySize(x.by_type));
	m = cJSON_AddObjectToObject(*out, "network_metrics");
	cJSON_AddNumberToObject(m, "degree", (double)degree);
	cJSON_AddNumberToObject(m, "relationship_count", (double)x.total);
	put_time(*out, "generated_at", pake_now_ms());
	return 0;
}

/* --- /knowledge-graph -------------------------------------------------- */

/* The first max_nodes nodes (id order) and the edges among them; the
 * totals are the tenant's.  last_updated is the time of this snapshot:
 * the store keeps no time of a graph's last change. */
int
pake_graph_py_sample(pake_ctx *c, int max_nodes, cJSON **out, pake_err *e)
{
	struct counts k;
	struct view v;
	pake_db *st;
	cJSON *nodes = NULL, *m;
	int rc;

	*out = NULL;
	memset(&k, 0, sizeof k);
	max_nodes = clamp(max_nodes, 500, PAKE_GRAPH_NODES_MAX);
	if ((rc = pake_graph_begin(c, 0, &st, e)) != 0)
		return rc;
	if ((rc = view_init(&v, st, (size_t)max_nodes, e)) == 0 &&
	    (rc = counts_get(st, &k, 0, e)) == 0 &&
	    (rc = pake_db_gnode_page(st, -1, 0, max_nodes, view_take, &v,
	    e)) == 0)
		rc = view_draw(&v, 0, &nodes);
	if ((rc = pake_graph_end(st, rc, e)) != 0) {
		cJSON_Delete(nodes);
		view_free(&v);
		counts_free(&k);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, "nodes", nodes);
	cJSON_AddItemToObject(*out, "edges", v.edges);
	v.edges = NULL;
	m = cJSON_AddObjectToObject(*out, "metadata");
	cJSON_AddNumberToObject(m, "total_nodes", (double)(k.entities +
	    k.notes));
	cJSON_AddNumberToObject(m, "total_edges", (double)k.relations);
	put_time(m, "last_updated", pake_now_ms());
	cJSON_AddStringToObject(m, "status", "ok");
	cJSON_AddBoolToObject(m, "truncated", v.truncated ||
	    k.entities + k.notes > (int64_t)v.n);
	view_free(&v);
	counts_free(&k);
	return 0;
}

/* pake_gnode_cb: the node's id into *arg. */
static int
id_copy(void *arg, const pake_gnode *n)
{
	*(int64_t *)arg = n->id;
	return 0;
}

/* The dashboard's node {id, title, type, ...}: the entity named title,
 * made or changed to type with the whole body for its properties. */
int
pake_graph_py_node_put(pake_ctx *c, const cJSON *node, cJSON **out,
    pake_err *e)
{
	static const char *const need[] = {"id", "title", "type"};
	static const char *const msg[] = {"Missing required field: id",
	    "Missing required field: title", "Missing required field: type"};
	const char *title, *type;
	char key[KEY_MAX], *text = NULL, t[24];
	pake_gnode g;
	pake_db *st;
	int64_t id = 0;
	size_t i;
	int rc;

	*out = NULL;
	for (i = 0; i < 3; i++)
		if (!cJSON_HasObjectItem(node, need[i]))
			return pake_fail(e, PAKE_EINVAL, msg[i], "%s: required",
			    need[i]);
	title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(node,
	    "title"));
	type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(node,
	    "type"));
	if (title == NULL || blank(title) || type == NULL || blank(type))
		return pake_fail(e, PAKE_EINVAL, NULL, "%s: a non-empty string",
		    title == NULL || blank(title) ? "title" : "type");
	if (strlen(title) > PAKE_GRAPH_NAME_MAX ||
	    strlen(type) > PAKE_GRAPH_TYPE_MAX)
		return pake_fail(e, PAKE_EINVAL, NULL, "%s: too long",
		    strlen(type) > PAKE_GRAPH_TYPE_MAX ? "type" : "title");
	if ((rc = props_text(node, "node", &text, e)) != 0)
		return rc;
	if ((rc = pake_graph_begin(c, 1, &st, e)) != 0) {
		free(text);
		return rc;
	}
	rc = pake_db_gnode_entity(st, title, id_copy, &id, e);
	if (rc == PAKE_ENOTFOUND) {
		pake_err_clear(e);
		rc = entity_insert(st, title, type, text, &id, e);
	} else if (rc == 0) {
		memset(&g, 0, sizeof g);
		name_key(title, key);
		g.id = id;
		g.kind = PAKE_GNODE_ENTITY;
		g.name = title;
		g.type = type;
		g.key = key;
		g.props = text;
		if ((rc = pake_db_gnode_update(st, &g, e)) == 0)
			rc = pake_db_gnode_index(st, id, 0, e);
	}
	free(text);
	if ((rc = pake_graph_end(st, rc, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	cJSON_AddItemToObject(*out, "node_id", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(node, "id"), 1));
	id_text(id, t);
	cJSON_AddStringToObject(*out, "entity_id", t);
	cJSON_AddStringToObject(*out, "message", "Node stored");
	put_time(*out, "timestamp", pake_now_ms());
	return 0;
}

/* --- process-document ------------------------------------------------------ */

#define DOC_TEXT_MAX	(1024 * 1024)	/* bytes of content read */
#define AUTHORS_MAX	100

struct made {
	cJSON *entities, *relationships;
};

static int
node_id_of(void *arg, const pake_gnode *n)
{
	*(int64_t *)arg = n->id;
	return 0;
}

/* The entity named name, made with type and props when there is none
 * (dedup by name: names are unique in a tenant).  *id its node. */
static int
find_or_make(pake_db *st, const char *name, const char *type,
    const char *props, int64_t *id, struct made *m, pake_err *e)
{
	char idt[24];
	cJSON *o;
	int rc;

	*id = 0;
	rc = pake_db_gnode_entity(st, name, node_id_of, id, e);
	if (rc == 0)
		return 0;
	if (rc != PAKE_ENOTFOUND)
		return rc;
	pake_err_clear(e);
	if ((rc = entity_insert(st, name, type, props, id, e)) != 0)
		return rc;
	o = cJSON_CreateObject();
	id_text(*id, idt);
	cJSON_AddStringToObject(o, "id", idt);
	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddItemToArray(m->entities, o);
	return 0;
}

/* A relation from -> to of type (kept once, as every tool relation). */
static int
relate(pake_db *st, int64_t from, const char *fname, int64_t to,
    const char *tname, const char *type, const char *props, struct made *m,
    pake_err *e)
{
	char key[KEY_MAX], idt[24];
	pake_grel r;
	int64_t id = 0;
	cJSON *o;
	int rc;

	memset(&r, 0, sizeof r);
	pake_graph_key(tname, key, sizeof key);
	r.src = from;
	r.src_name = fname;
	r.dst = to;
	r.dst_name = tname;
	r.dst_key = key;
	r.type = type;
	r.props = props;
	r.created_ms = pake_now_ms();
	rc = pake_db_grel_insert(st, &r, &id, e);
	if (rc == PAKE_ECONFLICT) {
		pake_err_clear(e);
		return 0;
	}
	if (rc != 0)
		return rc;
	o = cJSON_CreateObject();
	id_text(id, idt);
	cJSON_AddStringToObject(o, "id", idt);
	cJSON_AddStringToObject(o, "type", type);
	id_text(from, idt);
	cJSON_AddStringToObject(o, "from", idt);
	id_text(to, idt);
	cJSON_AddStringToObject(o, "to", idt);
	cJSON_AddItemToArray(m->relationships, o);
	return 0;
}

/* A mention's text as an entity's name: a person's without the title
 * ("Dr. Jane Goodall" is Jane Goodall, as her author line says). */
static char *
person_name(const char *s, size_t n, int person)
{
	static const char *const titles[] = {"Dr", "Prof", "Mr", "Mrs", "Ms",
		NULL};
	const char *const *t;

	for (t = titles; person && *t; t++) {
		size_t k = strlen(*t);

		if (n > k + 1 && strncmp(s, *t, k) == 0 &&
		    (s[k] == ' ' || (s[k] == '.' && s[k + 1] == ' '))) {
			k += s[k] == '.' ? 2 : 1;
			return pake_strndup(s + k, n - k);
		}
	}
	return pake_strndup(s, n);
}

static double
now_ms_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
pake_graph_py_process_document(pake_ctx *c, const cJSON *in, cJSON **out,
    pake_err *e)
{
	static const char *const keep[] = {"title", "source", "url",
		"publication_date", "content_type", "authors"};
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in,
	    "title"));
	const char *content = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in,
	    "content"));
	const cJSON *authors = cJSON_GetObjectItemCaseSensitive(in, "authors"), *a;
	struct made m;
	pake_entities x = {0};
	pake_buf text = {0};
	cJSON *props = cJSON_CreateObject();
	char *ptext = NULL, idt[24];
	double t0 = now_ms_mono();
	int64_t doc = 0;
	pake_db *st;
	size_t i;
	int rc;

	*out = NULL;
	m.entities = cJSON_CreateArray();
	m.relationships = cJSON_CreateArray();
	for (i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, keep[i]);

		if (v)
			cJSON_AddItemToObject(props, keep[i],
			    cJSON_Duplicate(v, 1));
	}
	if (!cJSON_GetObjectItemCaseSensitive(props, "source"))
		cJSON_AddStringToObject(props, "source", "unknown");
	if (!cJSON_GetObjectItemCaseSensitive(props, "content_type"))
		cJSON_AddStringToObject(props, "content_type", "text");
	/* The entities of the title and content, by entities.c's rules. */
	pake_buf_puts(&text, title);
	pake_buf_puts(&text, "\n");
	if (content)
		pake_buf_put(&text, content, strlen(content) > DOC_TEXT_MAX ?
		    DOC_TEXT_MAX : strlen(content));
	pake_buf_putc(&text, '\0');
	if (text.oom || (ptext = cJSON_PrintUnformatted(props)) == NULL ||
	    pake_entities_find(text.p, text.len - 1, &x) != 0) {
		rc = oom(e);
		goto out;
	}
	if ((rc = pake_graph_begin(c, 1, &st, e)) != 0)
		goto out;
	rc = find_or_make(st, title, "Document", ptext, &doc, &m, e);
	for (i = 0; rc == 0 && i < x.n; i++) {
		const char *type = x.m[i].type;
		char *name, conf[80];
		int64_t id;

		if (strcmp(type, "Person") && strcmp(type, "Organization") &&
		    strcmp(type, "Location"))
			continue;
		if ((name = person_name(text.p + x.m[i].start, x.m[i].end -
		    x.m[i].start, strcmp(type, "Person") == 0)) == NULL) {
			rc = oom(e);
			break;
		}
		snprintf(conf, sizeof conf, "{\"confidence\":%.2f,"
		    "\"extraction_method\":\"rules\"}", x.m[i].confidence);
		if (strcmp(name, title) != 0 &&
		    (rc = find_or_make(st, name, type, NULL, &id, &m, e)) == 0)
			rc = relate(st, doc, title, id, name, "MENTIONS", conf,
			    &m, e);
		free(name);
	}
	i = 0;
	cJSON_ArrayForEach(a, authors) {
		int64_t id;

		if (rc != 0 || i++ >= AUTHORS_MAX)
			break;
		if (!cJSON_IsString(a) || a->valuestring[0] == '\0')
			continue;
		if ((rc = find_or_make(st, a->valuestring, "Person", NULL, &id,
		    &m, e)) == 0)
			rc = relate(st, id, a->valuestring, doc, title,
			    "AUTHOR_OF", NULL, &m, e);
	}
	if ((rc = pake_graph_end(st, rc, e)) != 0)
		goto out;
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	id_text(doc, idt);
	cJSON_AddStringToObject(*out, "document_id", idt);
	cJSON_AddItemToObject(*out, "entities_created", m.entities);
	cJSON_AddItemToObject(*out, "relationships_created", m.relationships);
	m.entities = m.relationships = NULL;
	cJSON_AddNumberToObject(*out, "processing_time_ms",
	    floor((now_ms_mono() - t0) * 10 + 0.5) / 10);
out:
	cJSON_Delete(m.entities);
	cJSON_Delete(m.relationships);
	cJSON_Delete(props);
	free(ptext);
	pake_buf_free(&text);
	pake_entities_free(&x);
	return rc;
}
