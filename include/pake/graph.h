/*
 * graph.h: the knowledge graph of a tenant (ARCHITECTURE.md §14).
 *
 * Entities (a name unique in the tenant, a type, observations, properties),
 * directed typed relations, and every note as a node whose links come from
 * its markdown.  graph_links.c reads a note's markdown into links and
 * observations and keeps the note's node, relations and observations in
 * step with every change of the note; graph.c is the model the fronts use:
 * the memory server's nine tools, the Python server's /graph routes,
 * traversal, search, statistics, JSONL import and export, DOT.
 *
 * Shapes crossing this interface are JSON (cJSON), the memory server's
 * where it has one: an entity {name, entityType, observations[]}, a
 * relation {from, to, relationType}.
 */
#ifndef PAKE_GRAPH_H
#define PAKE_GRAPH_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "ctx.h"
#include "note.h"

/* Bounds of the model (every front checks them through the schemas). */
#define PAKE_GRAPH_NAME_MAX	1000	/* bytes of a name or target */
#define PAKE_GRAPH_TYPE_MAX	200	/* bytes of a type */
#define PAKE_GRAPH_OBS_MAX	(64 * 1024)	/* bytes of an observation */
#define PAKE_GRAPH_BATCH_MAX	1000	/* items in one call */
#define PAKE_GRAPH_PAGE		100	/* entities in a page by default */
#define PAKE_GRAPH_PAGE_MAX	1000
#define PAKE_GRAPH_DEPTH_MAX	5	/* hops of a traversal */
#define PAKE_GRAPH_NODES_MAX	5000	/* nodes a traversal visits */

/* --- what a note's markdown says (graph_links.c) ------------------------ */

typedef struct pake_glink {
	char *type;		/* "links_to", or the list item's type */
	char *target;		/* what the link names: file, path or title */
	char *alias;		/* [[T|alias]], or NULL */
	char *heading;		/* [[T#heading]], or NULL */
	char *context;		/* "(context)" of a typed relation, or NULL */
} pake_glink;

typedef struct pake_gobs_item {
	char *category;
	char *content;
	char *tags;		/* space separated, without '#', or NULL */
	char *context;		/* or NULL */
} pake_gobs_item;

typedef struct pake_gparse {
	pake_glink *link;
	size_t nlink;
	pake_gobs_item *obs;
	size_t nobs;
} pake_gparse;

/* Read the links and observations of markdown (a note's body): [[T]],
 * [[T|alias]], [[T#heading]] and relative markdown links are "links_to";
 * a list item "- type [[T]] (context)" is a typed relation; a list item
 * "- [category] text #tag (context)" an observation.  Code (blocks and
 * spans), HTML and block quotes say nothing.  Each (type, target) once.
 * -1 when out of memory. */
int pake_graph_parse(const char *md, size_t len, pake_gparse *out);
void pake_gparse_free(pake_gparse *p);

/* Keep the graph in step with a note (store.c, inside the change's write
 * transaction): n as it now is (n->rowid set), old as it was or NULL. */
int pake_graph_note_put(pake_ctx *c, pake_db *st, const pake_note *n,
    const pake_note *old, pake_err *e);
int pake_graph_note_remove(pake_ctx *c, pake_db *st, const pake_note *old,
    pake_err *e);
/* A note's file moved (its stem and path resolve links). */
int pake_graph_note_moved(pake_ctx *c, pake_db *st, const char *pake_id,
    pake_err *e);
/* Index notes stored before the graph existed (in a write transaction). */
int pake_graph_catchup(pake_ctx *c, pake_db *st, pake_err *e);
/* The node a link target names now (0: none), as the top of
 * graph_links.c says: file stem (and folders), title, entity name. */
int pake_graph_resolve(pake_db *st, const char *target, int64_t *id,
    pake_err *e);
/* A name appeared or went: relations naming it resolve again. */
int pake_graph_reresolve(pake_db *st, const char *name, pake_err *e);
/* ASCII-lower the last path part of a link target into key (n bytes). */
void pake_graph_key(const char *target, char *key, size_t n);

/* A graph operation's transaction on the acting tenant's store: checks
 * graph:write (and indexes notes stored before the graph) or graph:read
 * (a read snapshot); end commits when rc is 0, else rolls back and
 * returns rc. */
int pake_graph_begin(pake_ctx *c, int write, pake_db **st, pake_err *e);
int pake_graph_end(pake_db *st, int rc, pake_err *e);

/* --- the memory server's tools (graph.c) -------------------------------- */

int pake_graph_create_entities(pake_ctx *c, const cJSON *entities,
    cJSON **out, pake_err *e);
int pake_graph_create_relations(pake_ctx *c, const cJSON *relations,
    cJSON **out, pake_err *e);
int pake_graph_add_observations(pake_ctx *c, const cJSON *items,
    cJSON **out, pake_err *e);
int pake_graph_delete_entities(pake_ctx *c, const cJSON *names,
    pake_err *e);
int pake_graph_delete_observations(pake_ctx *c, const cJSON *items,
    pake_err *e);
int pake_graph_delete_relations(pake_ctx *c, const cJSON *relations,
    pake_err *e);
/* {entities, relations[, nextCursor]}: a page of limit entities after
 * cursor.  read: every entity; search: those matching query; open: those
 * named.  Relations: read, those from the page's entities (the last page
 * adds those from no entity); search and open, those touching them. */
int pake_graph_read(pake_ctx *c, int limit, const char *cursor, cJSON **out,
    pake_err *e);
int pake_graph_search(pake_ctx *c, const char *query, int limit,
    const char *cursor, cJSON **out, pake_err *e);
int pake_graph_open(pake_ctx *c, const cJSON *names, cJSON **out,
    pake_err *e);
/* The memory server's JSONL file: import (create semantics; counts in
 * *out) and export (entities then relations, one JSON object a line,
 * joined by "\n" without a final one, as the server writes it). */
int pake_graph_import_jsonl(pake_ctx *c, const char *text, size_t len,
    cJSON **out, pake_err *e);
int pake_graph_export_jsonl(pake_ctx *c, char **text, size_t *len,
    pake_err *e);

/* --- traversal ---------------------------------------------------------- */

/* A node named by what a user types: "note:<pake_id>", "entity:<name>",
 * "#<id>", a pake_id, an entity's exact name, a note's title or file
 * stem.  0 and *id, or PAKE_ENOTFOUND. */
int pake_graph_find(pake_ctx *c, const char *ref, int64_t *id, pake_err *e);
/* {center, nodes[{id,kind,name,type,depth,...}], edges[], truncated}:
 * nodes within depth hops (both directions), at most max_nodes. */
int pake_graph_neighbors(pake_ctx *c, const char *ref, int depth,
    int max_nodes, cJSON **out, pake_err *e);
/* A note's links (out) and backlinks (in), with the notes they name. */
int pake_graph_links(pake_ctx *c, const char *ref, int dir, cJSON **out,
    pake_err *e);
/* The shortest path, ignoring direction: {found, length, nodes, edges}. */
int pake_graph_path(pake_ctx *c, const char *from, const char *to,
    int max_depth, cJSON **out, pake_err *e);
/* A note or entity with its links, backlinks and their observations. */
int pake_graph_context(pake_ctx *c, const char *ref, int max_related,
    cJSON **out, pake_err *e);
/* {entities, notes, relations, dangling, observations, by type, by
 * relation type}. */
int pake_graph_stats(pake_ctx *c, cJSON **out, pake_err *e);
/* Links of notes that name nothing. */
int pake_graph_dangling(pake_ctx *c, int limit, cJSON **out, pake_err *e);
/* Graphviz DOT of a neighbourhood (ref) or the whole tenant (ref NULL). */
int pake_graph_dot(pake_ctx *c, const char *ref, int depth, int max_nodes,
    char **text, pake_err *e);
/* pake-db check: do the stored links of every note match its markdown?
 * *bad counts notes whose graph differs (repair: rebuilt); *waiting the
 * notes stored before the graph existed and not indexed yet (the next
 * write, or a repair, indexes them). */
int pake_graph_check(pake_ctx *c, pake_db *st, int repair, int64_t *bad,
    int64_t *waiting, pake_err *e);

/* --- the Python server's /graph routes (graph_py.c) ----------------------- */

/* Its shapes (SEED-API §5, §8): {success, ...}, node ids as decimal text;
 * an id that is not one names nothing (PAKE_ENOTFOUND, "Entity not
 * found").  Reads need PAKE_P_GRAPH_READ, the rest PAKE_P_GRAPH_WRITE. */
/* An entity of an EntityType (type NULL: Concept) named by props.name
 * (title for ResearchPaper and Document), checked against its type's
 * schema; a name taken is PAKE_ECONFLICT. */
int pake_graph_py_entity_create(pake_ctx *c, const char *type,
    const cJSON *props, cJSON **out, pake_err *e);
/* A tool's relation between two nodes; an existing (from, to, type)
 * answers its id. */
int pake_graph_py_relationship_create(pake_ctx *c, const char *from,
    const char *to, const char *type, const cJSON *props, cJSON **out,
    pake_err *e);
int pake_graph_py_entity_get(pake_ctx *c, const char *id, cJSON **out,
    pake_err *e);
/* Both directions, relations to no node left out, at most 1000. */
int pake_graph_py_relationships(pake_ctx *c, const char *id, cJSON **out,
    pake_err *e);
/* Case-sensitive substring of any property's string form; types: comma
 * separated labels (one unknown drops the filter); limit 1..1000. */
int pake_graph_py_search(pake_ctx *c, const char *q, const char *types,
    int limit, cJSON **out, pake_err *e);
/* Two hops around center (NULL: the first max_nodes nodes) and the edges
 * among them; max_nodes 1..1000 (0: 50). */
int pake_graph_py_visualize(pake_ctx *c, const char *center, int max_nodes,
    cJSON **out, pake_err *e);
int pake_graph_py_stats(pake_ctx *c, cJSON **out, pake_err *e);
int pake_graph_py_insights(pake_ctx *c, const char *id, cJSON **out,
    pake_err *e);
/* /knowledge-graph: the first max_nodes nodes (0: 500) with the edges
 * among them, and the tenant's totals. */
int pake_graph_py_sample(pake_ctx *c, int max_nodes, cJSON **out,
    pake_err *e);
/* /knowledge-graph/update: node {id, title, type, ...} stored as the
 * entity named title. */
int pake_graph_py_node_put(pake_ctx *c, const cJSON *node, cJSON **out,
    pake_err *e);

/* POST /graph/process-document: the document (an entity of type
 * Document, found by its title or made), the people, organisations and
 * places entities.c finds in its title and content (found by name or
 * made), Document -MENTIONS-> each, and each author -AUTHOR_OF->
 * Document; one write transaction.  SEED-API §5's answer. */
int pake_graph_py_process_document(pake_ctx *c, const cJSON *in,
    cJSON **out, pake_err *e);

#endif
