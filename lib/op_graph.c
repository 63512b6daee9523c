/*
 * op_graph.c: the knowledge graph's operations (ARCHITECTURE.md §14).
 *
 * First the nine tools of the MCP memory server, with its names, argument
 * schemas and result shapes, so that an assistant configured for
 * @modelcontextprotocol/server-memory works unchanged against pake-mcp:
 * structuredContent is the server's object and the text content is what
 * the server prints (JSON.stringify(x, null, 2) of its result, or its
 * sentence for a delete).  read_graph, search_nodes and open_nodes add
 * optional limit and cursor and answer in pages (nextCursor).  Then
 * pake's own: neighbours, links and backlinks, path, context, stats,
 * dangling links and the JSONL import and export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/graph.h"
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/util.h"

#define S_STR(max)	"{\"type\":\"string\",\"maxLength\":" #max "}"
#define S_NAME		"{\"type\":\"string\",\"maxLength\":1000,"
#define S_ENTITY "{\"type\":\"object\",\"required\":[\"name\",\"entityType\"," \
	"\"observations\"],\"properties\":{" \
	"\"name\":" S_NAME "\"description\":\"The name of the entity\"}," \
	"\"entityType\":{\"type\":\"string\",\"maxLength\":200," \
	"\"description\":\"The type of the entity\"}," \
	"\"observations\":{\"type\":\"array\",\"maxItems\":1000,\"items\":" \
	"{\"type\":\"string\",\"maxLength\":65536},\"description\":\"An array " \
	"of observation contents associated with the entity\"}}}"
#define S_RELATION "{\"type\":\"object\",\"required\":[\"from\",\"to\"," \
	"\"relationType\"],\"properties\":{" \
	"\"from\":" S_NAME "\"description\":\"The name of the entity where " \
	"the relation starts\"}," \
	"\"to\":" S_NAME "\"description\":\"The name of the entity where the " \
	"relation ends\"}," \
	"\"relationType\":{\"type\":\"string\",\"maxLength\":200," \
	"\"description\":\"The type of the relation\"}}}"
#define S_GRAPH "{\"type\":\"object\",\"required\":[\"entities\"," \
	"\"relations\"],\"properties\":{\"entities\":{\"type\":\"array\"," \
	"\"items\":" S_ENTITY "},\"relations\":{\"type\":\"array\",\"items\":" \
	S_RELATION "},\"nextCursor\":{\"type\":\"string\"}}}"
#define S_DONE "{\"type\":\"object\",\"required\":[\"success\",\"message\"]," \
	"\"properties\":{\"success\":{\"type\":\"boolean\"},\"message\":" \
	"{\"type\":\"string\"}}}"
#define S_PAGE \
	"\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000," \
	"\"description\":\"Entities in a page (default 100)\"}," \
	"\"cursor\":{\"type\":\"string\",\"maxLength\":32,\"description\":" \
	"\"nextCursor of the previous page\"}"
#define S_BATCH	"\"maxItems\":1000"
#define S_REF "{\"type\":\"string\",\"minLength\":1,\"maxLength\":1100," \
	"\"description\":\"A note (pake_id, title or file name), an entity's " \
	"name, note:<pake_id>, entity:<name> or #<node id>\"}"
#define S_OBJ	"{\"type\":\"object\"}"

#define MEMORY_HINTS	(PAKE_OP_MCP)

static int
int_arg(const cJSON *in, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, k);

	return cJSON_IsNumber(v) ? v->valueint : 0;
}

static const cJSON *
arr_arg(const cJSON *in, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(in, k);
}

/* JSON.stringify(v, null, 2) of JavaScript: two spaces a level, "k": v,
 * [] and {} when empty; strings and numbers as cJSON prints them (which
 * escapes what JavaScript escapes). */
static void
pretty(pake_buf *b, const cJSON *v, int depth)
{
	const cJSON *c;
	int i, first = 1, obj = cJSON_IsObject(v);

	if (!obj && !cJSON_IsArray(v)) {
		char *s = cJSON_PrintUnformatted(v);

		if (s == NULL)
			b->oom = 1;
		else
			pake_buf_puts(b, s);
		free(s);
		return;
	}
	if (v->child == NULL) {
		pake_buf_puts(b, obj ? "{}" : "[]");
		return;
	}
	pake_buf_putc(b, obj ? '{' : '[');
	for (c = v->child; c; c = c->next) {
		pake_buf_puts(b, first ? "\n" : ",\n");
		first = 0;
		for (i = 0; i <= depth; i++)
			pake_buf_puts(b, "  ");
		if (obj) {
			cJSON *k = cJSON_CreateString(c->string);
			char *ks = k ? cJSON_PrintUnformatted(k) : NULL;

			if (ks == NULL)
				b->oom = 1;
			else
				pake_buf_puts(b, ks);
			pake_buf_puts(b, ": ");
			free(ks);
			cJSON_Delete(k);
		}
		pretty(b, c, depth + 1);
	}
	pake_buf_putc(b, '\n');
	for (i = 0; i < depth; i++)
		pake_buf_puts(b, "  ");
	pake_buf_putc(b, obj ? '}' : ']');
}

static char *
pretty_of(const cJSON *v)
{
	pake_buf b = {0};

	pretty(&b, v, 0);
	pake_buf_putc(&b, '\0');
	if (b.oom) {
		pake_buf_free(&b);
		return NULL;
	}
	return pake_buf_take(&b);
}

/* The text of a create: its list; of a read: the graph without paging. */
static char *
text_entities(const cJSON *out)
{
	return pretty_of(cJSON_GetObjectItemCaseSensitive(out, "entities"));
}

static char *
text_relations(const cJSON *out)
{
	return pretty_of(cJSON_GetObjectItemCaseSensitive(out, "relations"));
}

static char *
text_results(const cJSON *out)
{
	return pretty_of(cJSON_GetObjectItemCaseSensitive(out, "results"));
}

static char *
text_message(const cJSON *out)
{
	return pake_strdup(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out,
	    "message")));
}

static char *
text_pretty(const cJSON *out)
{
	return pretty_of(out);
}

/* {key: list} */
static int
wrap(cJSON **out, const char *key, cJSON *list)
{
	if ((*out = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(list);
		return PAKE_EINTERNAL;
	}
	cJSON_AddItemToObject(*out, key, list);
	return 0;
}

static int
done(cJSON **out, const char *message)
{
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	cJSON_AddStringToObject(*out, "message", message);
	return 0;
}

/* --- the memory server's tools --------------------------------------------- */

static int
run_create_entities(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	cJSON *list;
	int rc;

	if ((rc = pake_graph_create_entities(c, arr_arg(in, "entities"), &list,
	    e)) != 0)
		return rc;
	return wrap(out, "entities", list);
}

const pake_op pake_op_create_entities = {
	"create_entities", "Create Entities",
	"Create multiple new entities in the knowledge graph",
	"{\"type\":\"object\",\"required\":[\"entities\"],\"properties\":{"
	"\"entities\":{\"type\":\"array\"," S_BATCH ",\"items\":" S_ENTITY
	"}}}",
	"{\"type\":\"object\",\"required\":[\"entities\"],\"properties\":{"
	"\"entities\":{\"type\":\"array\",\"items\":" S_ENTITY "}}}",
	PAKE_P_GRAPH_WRITE, MEMORY_HINTS, run_create_entities, text_entities,
};

static int
run_create_relations(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	cJSON *list;
	int rc;

	if ((rc = pake_graph_create_relations(c, arr_arg(in, "relations"),
	    &list, e)) != 0)
		return rc;
	return wrap(out, "relations", list);
}

const pake_op pake_op_create_relations = {
	"create_relations", "Create Relations",
	"Create multiple new relations between entities in the knowledge "
	"graph. Relations should be in active voice",
	"{\"type\":\"object\",\"required\":[\"relations\"],\"properties\":{"
	"\"relations\":{\"type\":\"array\"," S_BATCH ",\"items\":" S_RELATION
	"}}}",
	"{\"type\":\"object\",\"required\":[\"relations\"],\"properties\":{"
	"\"relations\":{\"type\":\"array\",\"items\":" S_RELATION "}}}",
	PAKE_P_GRAPH_WRITE, MEMORY_HINTS, run_create_relations, text_relations,
};

static int
run_add_observations(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	cJSON *list;
	int rc;

	if ((rc = pake_graph_add_observations(c, arr_arg(in, "observations"),
	    &list, e)) != 0)
		return rc;
	return wrap(out, "results", list);
}

const pake_op pake_op_add_observations = {
	"add_observations", "Add Observations",
	"Add new observations to existing entities in the knowledge graph",
	"{\"type\":\"object\",\"required\":[\"observations\"],\"properties\":{"
	"\"observations\":{\"type\":\"array\"," S_BATCH ",\"items\":{\"type\":"
	"\"object\",\"required\":[\"entityName\",\"contents\"],\"properties\":"
	"{\"entityName\":" S_NAME "\"description\":\"The name of the entity to "
	"add the observations to\"},\"contents\":{\"type\":\"array\","
	"\"maxItems\":1000,\"items\":{\"type\":\"string\",\"maxLength\":65536},"
	"\"description\":\"An array of observation contents to add\"}}}}}}",
	"{\"type\":\"object\",\"required\":[\"results\"],\"properties\":{"
	"\"results\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"required\":[\"entityName\",\"addedObservations\"],\"properties\":{"
	"\"entityName\":{\"type\":\"string\"},\"addedObservations\":{\"type\":"
	"\"array\",\"items\":{\"type\":\"string\"}}}}}}}",
	PAKE_P_GRAPH_WRITE, MEMORY_HINTS, run_add_observations, text_results,
};

static int
run_delete_entities(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	int rc;

	if ((rc = pake_graph_delete_entities(c, arr_arg(in, "entityNames"),
	    e)) != 0)
		return rc;
	return done(out, "Entities deleted successfully");
}

const pake_op pake_op_delete_entities = {
	"delete_entities", "Delete Entities",
	"Delete multiple entities and their associated relations from the "
	"knowledge graph",
	"{\"type\":\"object\",\"required\":[\"entityNames\"],\"properties\":{"
	"\"entityNames\":{\"type\":\"array\"," S_BATCH ",\"items\":{\"type\":"
	"\"string\",\"maxLength\":1000},\"description\":\"An array of entity "
	"names to delete\"}}}",
	S_DONE, PAKE_P_GRAPH_WRITE, MEMORY_HINTS | PAKE_OP_DESTRUCTIVE |
	PAKE_OP_IDEMPOTENT, run_delete_entities, text_message,
};

static int
run_delete_observations(pake_ctx *c, const cJSON *in, cJSON **out,
    pake_err *e)
{
	int rc;

	if ((rc = pake_graph_delete_observations(c, arr_arg(in, "deletions"),
	    e)) != 0)
		return rc;
	return done(out, "Observations deleted successfully");
}

const pake_op pake_op_delete_observations = {
	"delete_observations", "Delete Observations",
	"Delete specific observations from entities in the knowledge graph",
	"{\"type\":\"object\",\"required\":[\"deletions\"],\"properties\":{"
	"\"deletions\":{\"type\":\"array\"," S_BATCH ",\"items\":{\"type\":"
	"\"object\",\"required\":[\"entityName\",\"observations\"],"
	"\"properties\":{\"entityName\":" S_NAME "\"description\":\"The name "
	"of the entity containing the observations\"},\"observations\":{"
	"\"type\":\"array\",\"maxItems\":1000,\"items\":{\"type\":\"string\","
	"\"maxLength\":65536},\"description\":\"An array of observations to "
	"delete\"}}}}}}",
	S_DONE, PAKE_P_GRAPH_WRITE, MEMORY_HINTS | PAKE_OP_DESTRUCTIVE |
	PAKE_OP_IDEMPOTENT, run_delete_observations, text_message,
};

static int
run_delete_relations(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	int rc;

	if ((rc = pake_graph_delete_relations(c, arr_arg(in, "relations"),
	    e)) != 0)
		return rc;
	return done(out, "Relations deleted successfully");
}

const pake_op pake_op_delete_relations = {
	"delete_relations", "Delete Relations",
	"Delete multiple relations from the knowledge graph",
	"{\"type\":\"object\",\"required\":[\"relations\"],\"properties\":{"
	"\"relations\":{\"type\":\"array\"," S_BATCH ",\"items\":" S_RELATION
	",\"description\":\"An array of relations to delete\"}}}",
	S_DONE, PAKE_P_GRAPH_WRITE, MEMORY_HINTS | PAKE_OP_DESTRUCTIVE |
	PAKE_OP_IDEMPOTENT, run_delete_relations, text_message,
};

static int
run_read_graph(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_graph_read(c, int_arg(in, "limit"), pake_json_str(in, "cursor"),
	    out, e);
}

const pake_op pake_op_read_graph = {
	"read_graph", "Read Graph",
	"Read the entire knowledge graph, a page at a time: entities (100 by "
	"default) and the relations from them; nextCursor asks for the next "
	"page",
	"{\"type\":\"object\",\"properties\":{" S_PAGE "}}",
	S_GRAPH, PAKE_P_GRAPH_READ, MEMORY_HINTS | PAKE_OP_READONLY |
	PAKE_OP_IDEMPOTENT, run_read_graph, text_pretty,
};

static int
run_search_nodes(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_graph_search(c, pake_json_str(in, "query"), int_arg(in, "limit"),
	    pake_json_str(in, "cursor"), out, e);
}

const pake_op pake_op_search_nodes = {
	"search_nodes", "Search Nodes",
	"Search for nodes in the knowledge graph based on a query",
	"{\"type\":\"object\",\"required\":[\"query\"],\"properties\":{"
	"\"query\":{\"type\":\"string\",\"maxLength\":1000,\"description\":"
	"\"The search query to match against entity names, types, and "
	"observation content\"}," S_PAGE "}}",
	S_GRAPH, PAKE_P_GRAPH_READ, MEMORY_HINTS | PAKE_OP_READONLY |
	PAKE_OP_IDEMPOTENT, run_search_nodes, text_pretty,
};

static int
run_open_nodes(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_graph_open(c, arr_arg(in, "names"), out, e);
}

const pake_op pake_op_open_nodes = {
	"open_nodes", "Open Nodes",
	"Open specific nodes in the knowledge graph by their names",
	"{\"type\":\"object\",\"required\":[\"names\"],\"properties\":{"
	"\"names\":{\"type\":\"array\"," S_BATCH ",\"items\":{\"type\":"
	"\"string\",\"maxLength\":1000},\"description\":\"An array of entity "
	"names to retrieve\"}}}",
	S_GRAPH, PAKE_P_GRAPH_READ, MEMORY_HINTS | PAKE_OP_READONLY |
	PAKE_OP_IDEMPOTENT, run_open_nodes, text_pretty,
};

/* --- traversal --------------------------------------------------------------- */

static int
run_neighbors(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_graph_neighbors(c, pake_json_str(in, "node"), int_arg(in,
	    "depth"), int_arg(in, "max_nodes"), out, e);
}

const pake_op pake_op_graph_neighbors = {
	"graph_neighbors", "Neighbours of a node",
	"The notes and entities within depth hops of a node (links in both "
	"directions), with the edges met; at most max_nodes nodes "
	"(truncated says when the walk was cut).",
	"{\"type\":\"object\",\"required\":[\"node\"],"
	"\"additionalProperties\":false,\"properties\":{\"node\":" S_REF ","
	"\"depth\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5,"
	"\"default\":1},\"max_nodes\":{\"type\":\"integer\",\"minimum\":1,"
	"\"maximum\":5000,\"default\":100}}}",
	"{\"type\":\"object\",\"required\":[\"center\",\"nodes\",\"edges\"],"
	"\"properties\":{\"center\":" S_OBJ ",\"nodes\":{\"type\":\"array\"},"
	"\"edges\":{\"type\":\"array\"},\"truncated\":{\"type\":\"boolean\"}}}",
	PAKE_P_GRAPH_READ, PAKE_OP_MCP | PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_neighbors, NULL,
};

static int
run_links(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *dir = pake_json_str(in, "direction");
	int d = 3;

	if (dir && strcmp(dir, "out") == 0)
		d = 1;
	else if (dir && strcmp(dir, "in") == 0)
		d = 2;
	return pake_graph_links(c, pake_json_str(in, "node"), d, out, e);
}

const pake_op pake_op_graph_links = {
	"graph_links", "Links and backlinks",
	"A note's (or entity's) links, each with the node it resolves to or "
	"null while it names nothing, and its backlinks: the notes and "
	"entities that link to it.",
	"{\"type\":\"object\",\"required\":[\"node\"],"
	"\"additionalProperties\":false,\"properties\":{\"node\":" S_REF ","
	"\"direction\":{\"type\":\"string\",\"enum\":[\"out\",\"in\","
	"\"both\"],\"default\":\"both\"}}}",
	"{\"type\":\"object\",\"required\":[\"node\"],\"properties\":{"
	"\"node\":" S_OBJ ",\"links\":{\"type\":\"array\"},\"backlinks\":{"
	"\"type\":\"array\"}}}",
	PAKE_P_GRAPH_READ, PAKE_OP_MCP | PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_links, NULL,
};

static int
run_path(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_graph_path(c, pake_json_str(in, "from"), pake_json_str(in, "to"),
	    int_arg(in, "max_depth"), out, e);
}

const pake_op pake_op_graph_path = {
	"graph_path", "Path between two nodes",
	"The shortest chain of links between two notes or entities, in "
	"either direction, up to max_depth hops.",
	"{\"type\":\"object\",\"required\":[\"from\",\"to\"],"
	"\"additionalProperties\":false,\"properties\":{\"from\":" S_REF ","
	"\"to\":" S_REF ",\"max_depth\":{\"type\":\"integer\",\"minimum\":1,"
	"\"maximum\":10,\"default\":6}}}",
	"{\"type\":\"object\",\"required\":[\"found\",\"nodes\"],"
	"\"properties\":{\"found\":{\"type\":\"boolean\"},\"length\":{\"type\":"
	"[\"integer\",\"null\"]},\"nodes\":{\"type\":\"array\"}}}",
	PAKE_P_GRAPH_READ, PAKE_OP_MCP | PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_path, NULL,
};

static int
run_context(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_graph_context(c, pake_json_str(in, "node"), int_arg(in,
	    "max_related"), out, e);
}

const pake_op pake_op_graph_context = {
	"graph_context", "Context of a note",
	"Everything an assistant needs about one note or entity in one call: "
	"the note itself, its observations, the notes and entities it links "
	"to and those linking to it, each with their observations.",
	"{\"type\":\"object\",\"required\":[\"node\"],"
	"\"additionalProperties\":false,\"properties\":{\"node\":" S_REF ","
	"\"max_related\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,"
	"\"default\":10}}}",
	"{\"type\":\"object\",\"required\":[\"node\",\"links\","
	"\"backlinks\"],\"properties\":{\"node\":" S_OBJ ",\"note\":" S_OBJ ","
	"\"links\":{\"type\":\"array\"},\"backlinks\":{\"type\":\"array\"}}}",
	PAKE_P_GRAPH_READ, PAKE_OP_MCP | PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_context, NULL,
};

static int
run_stats(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	(void)in;
	return pake_graph_stats(c, out, e);
}

const pake_op pake_op_graph_stats = {
	"graph_stats", "Graph statistics",
	"Entities, notes, relations (and how many name nothing), "
	"observations, by node type and by relation type.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"entities\",\"notes\","
	"\"relations\"],\"properties\":{\"entities\":{\"type\":\"integer\"},"
	"\"notes\":{\"type\":\"integer\"},\"relations\":{\"type\":"
	"\"integer\"}}}",
	PAKE_P_GRAPH_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_stats,
	NULL,
};

static int
run_dangling(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_graph_dangling(c, int_arg(in, "limit"), out, e);
}

const pake_op pake_op_graph_dangling = {
	"graph_dangling", "Links that name nothing",
	"Links in notes whose target is no note and no entity (yet), with "
	"the note that has them.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{\"limit\":{\"type\":\"integer\",\"minimum\":1,"
	"\"maximum\":10000,\"default\":100}}}",
	"{\"type\":\"object\",\"required\":[\"links\"],\"properties\":{"
	"\"links\":{\"type\":\"array\"}}}",
	PAKE_P_GRAPH_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_dangling,
	NULL,
};

static int
run_import(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *t = pake_json_str(in, "jsonl");

	return pake_graph_import_jsonl(c, t, strlen(t), out, e);
}

const pake_op pake_op_graph_import = {
	"graph_import", "Import a memory file",
	"Add the entities and relations of an MCP memory server's JSONL file "
	"(names and triples already here are skipped).",
	"{\"type\":\"object\",\"required\":[\"jsonl\"],"
	"\"additionalProperties\":false,\"properties\":{\"jsonl\":{\"type\":"
	"\"string\"}}}",
	"{\"type\":\"object\",\"required\":[\"entities\",\"relations\"],"
	"\"properties\":{\"entities\":{\"type\":\"integer\"},\"relations\":{"
	"\"type\":\"integer\"},\"skipped\":{\"type\":\"integer\"}}}",
	PAKE_P_GRAPH_WRITE, 0, run_import, NULL,
};

static int
run_export(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	char *text;
	size_t len;
	int rc;

	(void)in;
	if ((rc = pake_graph_export_jsonl(c, &text, &len, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "jsonl", text);
	free(text);
	return 0;
}

const pake_op pake_op_graph_export = {
	"graph_export", "Export as a memory file",
	"The entities and relations in the MCP memory server's JSONL format, "
	"entities first, as that server writes its file.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"jsonl\"],\"properties\":{"
	"\"jsonl\":{\"type\":\"string\"}}}",
	PAKE_P_GRAPH_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_export,
	NULL,
};
