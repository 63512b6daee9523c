/*
 * op_graph_py.c: the operations behind the Python server's entity graph
 * routes (/graph/entities, /graph/relationships, /graph/search,
 * /graph/visualize, /graph/stats, /graph/insights, /knowledge-graph),
 * in its shapes (SEED-API §5, §8); the work is lib/graph_py.c's.
 *
 * They are pake-http's and pake-op's, not MCP tools: an assistant has the
 * memory server's tools and pake's graph_* for the same graph.  Bodies
 * take extra fields as the Python server's models did; the query-string
 * operations refuse unknown ones (the HTTP route refuses them first).
 */
#include <math.h>
#include <stdio.h>
#include "pake/graph.h"
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/util.h"

#define S_ID "{\"type\":\"string\",\"maxLength\":1000,\"description\":" \
	"\"A node id (decimal)\"}"
#define S_IDIN "{\"type\":[\"string\",\"number\"],\"maxLength\":1000," \
	"\"description\":\"A node id (decimal)\"}"
#define S_PROPS "{\"type\":\"object\",\"description\":\"Properties (at " \
	"most 64 KiB as JSON, nested at most 8 deep)\"}"
#define S_OK	"\"success\":{\"type\":\"boolean\"}"
#define S_OBJ	"{\"type\":\"object\"}"
#define S_ARR	"{\"type\":\"array\"}"
#define S_STR	"{\"type\":\"string\"}"
#define S_NUM	"{\"type\":\"number\"}"
#define READ_HINTS	(PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT)

static int
int_arg(const cJSON *in, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, k);

	return cJSON_IsNumber(v) ? v->valueint : 0;
}

/* An id given as a string or as a JSON integer, as text into buf ("" for
 * a number that is no id, which then names nothing). */
static const char *
id_arg(const cJSON *in, const char *k, char buf[32])
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, k);

	buf[0] = '\0';
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v) && v->valuedouble > 0 &&
	    v->valuedouble < 1e18 && floor(v->valuedouble) == v->valuedouble)
		snprintf(buf, 32, "%.0f", v->valuedouble);
	return buf;
}

static int
run_entity_create(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_graph_py_entity_create(c, pake_json_str(in, "entity_type"),
	    cJSON_GetObjectItemCaseSensitive(in, "properties"), out, e);
}

const pake_op pake_op_graph_entity_create = {
	"graph_entity_create", "Create an entity",
	"Create a typed entity (Person, Organization, ResearchPaper, "
	"Technology, Concept or Document; another word is Concept) named by "
	"properties.name, or properties.title for a ResearchPaper or a "
	"Document, with its properties checked against its type's schema.",
	"{\"type\":\"object\",\"properties\":{\"entity_type\":{\"type\":"
	"\"string\",\"maxLength\":64,\"default\":\"CONCEPT\"},"
	"\"properties\":" S_PROPS "}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"entity_id\","
	"\"entity_type\",\"properties\"],\"properties\":{" S_OK ","
	"\"entity_id\":" S_STR ",\"entity_type\":" S_STR ",\"properties\":"
	S_OBJ "}}",
	PAKE_P_GRAPH_WRITE, 0, run_entity_create, NULL,
};

static int
run_relationship_create(pake_ctx *c, const cJSON *in, cJSON **out,
    pake_err *e)
{
	char a[32], b[32];

	return pake_graph_py_relationship_create(c, id_arg(in,
	    "from_entity_id", a), id_arg(in, "to_entity_id", b), pake_json_str(in,
	    "relationship_type"), cJSON_GetObjectItemCaseSensitive(in,
	    "properties"), out, e);
}

const pake_op pake_op_graph_relationship_create = {
	"graph_relationship_create", "Create a relationship",
	"Relate two nodes by id with a RelationshipType (another word is "
	"RELATED_TO); a relationship of that type between them exists once.",
	"{\"type\":\"object\",\"required\":[\"from_entity_id\","
	"\"to_entity_id\"],\"properties\":{\"from_entity_id\":" S_IDIN ","
	"\"to_entity_id\":" S_IDIN ",\"relationship_type\":{\"type\":"
	"\"string\",\"maxLength\":64,\"default\":\"RELATED_TO\"},"
	"\"properties\":" S_PROPS "}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"relationship_id\"],"
	"\"properties\":{" S_OK ",\"relationship_id\":" S_STR ","
	"\"from_entity_id\":" S_STR ",\"to_entity_id\":" S_STR ","
	"\"relationship_type\":" S_STR "}}",
	PAKE_P_GRAPH_WRITE, PAKE_OP_IDEMPOTENT, run_relationship_create, NULL,
};

static int
run_entity_get(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_graph_py_entity_get(c, pake_json_str(in, "id"), out, e);
}

const pake_op pake_op_graph_entity_get = {
	"graph_entity_get", "An entity by id",
	"A node (an entity, or a note's node) with its properties, labels "
	"and id.",
	"{\"type\":\"object\",\"required\":[\"id\"],"
	"\"additionalProperties\":false,\"properties\":{\"id\":" S_ID "}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"entity\"],"
	"\"properties\":{" S_OK ",\"entity\":" S_OBJ "}}",
	PAKE_P_GRAPH_READ, READ_HINTS, run_entity_get, NULL,
};

static int
run_entity_relationships(pake_ctx *c, const cJSON *in, cJSON **out,
    pake_err *e)
{
	return pake_graph_py_relationships(c, pake_json_str(in, "id"), out, e);
}

const pake_op pake_op_graph_entity_relationships = {
	"graph_entity_relationships", "Relationships of an entity",
	"The relationships of a node in both directions, each with its "
	"properties and the node at its other end (at most 1000).",
	"{\"type\":\"object\",\"required\":[\"id\"],"
	"\"additionalProperties\":false,\"properties\":{\"id\":" S_ID "}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"entity_id\","
	"\"relationships\",\"count\"],\"properties\":{" S_OK ",\"entity_id\":"
	S_STR ",\"relationships\":" S_ARR ",\"count\":" S_NUM "}}",
	PAKE_P_GRAPH_READ, READ_HINTS, run_entity_relationships, NULL,
};

static int
run_entity_search(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_graph_py_search(c, pake_json_str(in, "q"), pake_json_str(in,
	    "entity_types"), int_arg(in, "limit"), out, e);
}

const pake_op pake_op_graph_entity_search = {
	"graph_entity_search", "Search entities",
	"Nodes any of whose properties contains q (case counts), optionally "
	"only those labelled with one of entity_types (comma separated).",
	"{\"type\":\"object\",\"required\":[\"q\"],"
	"\"additionalProperties\":false,\"properties\":{\"q\":{\"type\":"
	"\"string\",\"maxLength\":1000},\"entity_types\":{\"type\":\"string\","
	"\"maxLength\":1000},\"limit\":{\"type\":\"integer\",\"minimum\":1,"
	"\"maximum\":1000,\"default\":50}}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"query\","
	"\"entities\",\"count\"],\"properties\":{" S_OK ",\"query\":" S_STR ","
	"\"entities\":" S_ARR ",\"count\":" S_NUM "}}",
	PAKE_P_GRAPH_READ, READ_HINTS, run_entity_search, NULL,
};

static int
run_visualize(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_graph_py_visualize(c, pake_json_str(in, "center_entity_id"),
	    int_arg(in, "max_nodes"), out, e);
}

const pake_op pake_op_graph_visualize = {
	"graph_visualize", "Graph for drawing",
	"Nodes and edges ready to draw: the two hops around a centre, or "
	"without one the first max_nodes nodes; edges only between nodes "
	"drawn.",
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"center_entity_id\":" S_ID ",\"max_nodes\":{\"type\":\"integer\","
	"\"minimum\":1,\"maximum\":1000,\"default\":50}}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"graph_data\","
	"\"metadata\"],\"properties\":{" S_OK ",\"graph_data\":" S_OBJ ","
	"\"metadata\":" S_OBJ "}}",
	PAKE_P_GRAPH_READ, READ_HINTS, run_visualize, NULL,
};

static int
run_distribution(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	(void)in;
	return pake_graph_py_stats(c, out, e);
}

const pake_op pake_op_graph_distribution = {
	"graph_distribution", "Nodes and relationships by label",
	"Totals of nodes and relationships, and their counts by label and by "
	"relationship type.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"basic_stats\","
	"\"entity_distribution\",\"relationship_distribution\"],"
	"\"properties\":{" S_OK ",\"basic_stats\":" S_OBJ ","
	"\"entity_distribution\":" S_OBJ ",\"relationship_distribution\":"
	S_OBJ ",\"generated_at\":" S_STR "}}",
	PAKE_P_GRAPH_READ, READ_HINTS, run_distribution, NULL,
};

static int
run_insights(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_graph_py_insights(c, pake_json_str(in, "id"), out, e);
}

const pake_op pake_op_graph_insights = {
	"graph_insights", "Insights of an entity",
	"A node's relationships counted by type, its most common type, and "
	"its degree (distinct neighbours).",
	"{\"type\":\"object\",\"required\":[\"id\"],"
	"\"additionalProperties\":false,\"properties\":{\"id\":" S_ID "}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"entity\","
	"\"relationship_analysis\",\"network_metrics\"],\"properties\":{"
	S_OK ",\"entity\":" S_OBJ ",\"relationship_count\":" S_NUM ","
	"\"relationship_analysis\":" S_OBJ ",\"network_metrics\":" S_OBJ "}}",
	PAKE_P_GRAPH_READ, READ_HINTS, run_insights, NULL,
};

static int
run_knowledge_graph(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	(void)in;
	return pake_graph_py_sample(c, 0, out, e);
}

const pake_op pake_op_knowledge_graph = {
	"knowledge_graph", "The knowledge graph, sampled",
	"The first 500 nodes and the edges among them, with the tenant's "
	"totals.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"nodes\",\"edges\",\"metadata\"],"
	"\"properties\":{\"nodes\":" S_ARR ",\"edges\":" S_ARR ",\"metadata\":"
	S_OBJ "}}",
	PAKE_P_GRAPH_READ, READ_HINTS, run_knowledge_graph, NULL,
};

static int
run_knowledge_graph_update(pake_ctx *c, const cJSON *in, cJSON **out,
    pake_err *e)
{
	return pake_graph_py_node_put(c, in, out, e);
}

const pake_op pake_op_knowledge_graph_update = {
	"knowledge_graph_update", "Store a node",
	"Store a dashboard's node {id, title, type, ...}: the entity named "
	"title, made or changed to that type, with the node for its "
	"properties.",
	"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":[\"string\","
	"\"number\"],\"maxLength\":1000},\"title\":{\"type\":\"string\","
	"\"maxLength\":1000},\"type\":{\"type\":\"string\",\"maxLength\":200}}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"entity_id\"],"
	"\"properties\":{" S_OK ",\"entity_id\":" S_STR ",\"message\":" S_STR
	",\"timestamp\":" S_STR "}}",
	PAKE_P_GRAPH_WRITE, PAKE_OP_IDEMPOTENT, run_knowledge_graph_update,
	NULL,
};

static int
run_process_document(pake_ctx *c, const cJSON *in, cJSON **out,
    pake_err *e)
{
	return pake_graph_py_process_document(c, in, out, e);
}

const pake_op pake_op_graph_process_document = {
	"graph_process_document", "Process a document",
	"A document into the knowledge graph: the document (found by title "
	"or made), the people, organisations and places its title and "
	"content name (extract_entities' rules; found by name or made), "
	"MENTIONS from the document to each and AUTHOR_OF from each author.",
	"{\"type\":\"object\",\"required\":[\"title\"],"
	"\"additionalProperties\":false,\"properties\":{"
	"\"title\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1000},"
	"\"source\":{\"type\":\"string\",\"maxLength\":1000},"
	"\"url\":{\"type\":\"string\",\"maxLength\":2048},"
	"\"content\":{\"type\":\"string\",\"maxLength\":1048576},"
	"\"publication_date\":{\"type\":\"string\",\"maxLength\":64},"
	"\"content_type\":{\"type\":\"string\",\"maxLength\":64},"
	"\"authors\":{\"type\":\"array\",\"maxItems\":100,\"items\":{"
	"\"type\":\"string\",\"maxLength\":1000}}}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"document_id\","
	"\"entities_created\",\"relationships_created\"],\"properties\":{"
	S_OK ",\"document_id\":" S_STR ",\"entities_created\":" S_ARR ","
	"\"relationships_created\":" S_ARR "}}",
	PAKE_P_GRAPH_WRITE, 0, run_process_document, NULL,
};
