/*
 * pake-graph: the knowledge graph from the shell: a node's links and
 * backlinks, its neighbourhood, the path between two nodes, an
 * assistant's context of a node, entity search, statistics, links that
 * name nothing, the MCP memory server's JSONL file in and out, and
 * Graphviz DOT.
 *
 * Each subcommand but dot turns its arguments into the JSON input of one
 * registry operation (graph_links, graph_neighbors, graph_path,
 * graph_context, search_nodes, graph_stats, graph_dangling, graph_import,
 * graph_export) and prints the result as short lines, or the operation's
 * JSON with --json.  dot calls pake_graph_dot(), a domain function that
 * has no operation and checks the permission itself.  See pake-graph(1).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pake/cli.h"
#include "pake/graph.h"
#include "pake/op.h"
#include "pake/util.h"

/* The largest memory file read, as graph_import accepts (graph.c). */
#define IMPORT_MAX	(256u * 1024 * 1024)
/* For a node that is not there (PAKE_MSG_NONODE) the front names the
 * node the user typed (their own input, as cli.c names the path of a
 * missing database). */
#define MSG_NONODE	PAKE_MSG_NONODE
#define REF_SHOWN	200	/* bytes of the reference in its detail */

#define COMMON \
"Common flags: --json --db PATH --vault DIR --tenant T --config FILE\n" \
"--log-level L --log-format F --set KEY=VALUE.\n"
#define NODES \
"NODE: a note's pake_id, title or file name (without .md), an\n" \
"entity's name, note:PAKE_ID, entity:NAME or #ID (a node id of the\n" \
"--json output).\n"

static const char usage[] =
"usage: pake-graph links NODE          a node's links\n"
"       pake-graph backlinks NODE      the links to it\n"
"       pake-graph neighbors NODE [--depth N] [--max N]\n"
"       pake-graph path FROM TO [--max-depth N]\n"
"       pake-graph context NODE [--max N]\n"
"       pake-graph search QUERY [--limit N] [--cursor C]\n"
"       pake-graph stats\n"
"       pake-graph dangling [--limit N]\n"
"       pake-graph import FILE         a memory server's JSONL (- : stdin)\n"
"       pake-graph export [FILE]       the graph as that JSONL\n"
"       pake-graph dot [NODE] [--depth N] [--max N]\n"
"\n"
"Notes are nodes whose links come from their markdown ([[Target]],\n"
"typed list items); entities, relations and observations come from the\n"
"MCP memory tools.  Output is short lines; --json prints the\n"
"operation's JSON.  'pake-graph COMMAND --help' describes one command.\n"
NODES COMMON;

static const char help_links[] =
"usage: pake-graph links [--json] NODE\n"
"\n"
"The links of NODE, one a line: 'TYPE -> TARGET [KIND] (context)', or\n"
"'TYPE -> NAME (names nothing)' while no note or entity has that name.\n"
NODES COMMON;

static const char help_backlinks[] =
"usage: pake-graph backlinks [--json] NODE\n"
"\n"
"The notes and entities that link to NODE, one a line:\n"
"'TYPE <- SOURCE [KIND] (context)'.\n"
NODES COMMON;

static const char help_neighbors[] =
"usage: pake-graph neighbors [--depth N] [--max N] [--json] NODE\n"
"\n"
"The nodes within --depth hops of NODE (1 to 5, default 1), following\n"
"links both ways, at most --max nodes (1 to 5000, default 100): one a\n"
"line, 'HOPS NAME [KIND]', then a blank line and the links among them,\n"
"'FROM -TYPE-> TO'.\n"
NODES COMMON;

static const char help_path[] =
"usage: pake-graph path [--max-depth N] [--json] FROM TO\n"
"\n"
"The shortest chain of links between two nodes, either way, of at most\n"
"--max-depth hops (1 to 10, default 6): one node a line, 'HOP NAME\n"
"[KIND]', or 'no path found'.\n"
NODES COMMON;

static const char help_context[] =
"usage: pake-graph context [--max N] [--json] NODE\n"
"\n"
"NODE with its observations, then the nodes it links to and those\n"
"linking to it, each with their observations, at most --max of each\n"
"(1 to 100, default 10).  --json adds the note itself.\n"
NODES COMMON;

static const char help_search[] =
"usage: pake-graph search [--limit N] [--cursor C] [--json] QUERY\n"
"\n"
"Entities whose name, type or an observation contains QUERY (ignoring\n"
"case), --limit a page (1 to 1000, default 100), and the relations\n"
"touching them.  When there are more, the command for the next page is\n"
"printed on standard error.\n"
COMMON;

static const char help_stats[] =
"usage: pake-graph stats [--json]\n"
"\n"
"Entities, notes, relations, links that name nothing, observations, and\n"
"the nodes by type and relations by type, as 'key: value' lines.\n"
COMMON;

static const char help_dangling[] =
"usage: pake-graph dangling [--limit N] [--json]\n"
"\n"
"Links in notes whose target is no note and no entity, at most --limit\n"
"(1 to 10000, default 100): 'SOURCE [KIND]: TYPE -> TARGET'.\n"
COMMON;

static const char help_import[] =
"usage: pake-graph import [--json] FILE\n"
"\n"
"Add the entities and relations of an MCP memory server's JSONL file\n"
"(FILE, or - for standard input; at most 256 MiB).  Names and relations\n"
"already in the graph are skipped.  Prints the counts.\n"
COMMON;

static const char help_export[] =
"usage: pake-graph export [--json] [FILE]\n"
"\n"
"Write the entities and relations as the MCP memory server's JSONL file,\n"
"byte for byte as that server writes it (no final newline), to FILE\n"
"(replaced at once: written beside it, then renamed) or standard output.\n"
COMMON;

static const char help_dot[] =
"usage: pake-graph dot [--depth N] [--max N] [--json] [NODE]\n"
"\n"
"Graphviz DOT of the neighbourhood of NODE (--depth 1 to 5, default 1;\n"
"--max nodes 1 to 5000, default 100), or of the whole graph without NODE\n"
"(--max 1 to 100000, default 5000).  Try: pake-graph dot X | dot -Tsvg\n"
NODES COMMON;

enum { O_DEPTH = 1, O_MAX, O_MAXDEPTH, O_LIMIT, O_CURSOR };

static const struct option longopts[] = {
	{"depth", required_argument, NULL, O_DEPTH},
	{"max", required_argument, NULL, O_MAX},
	{"max-depth", required_argument, NULL, O_MAXDEPTH},
	{"limit", required_argument, NULL, O_LIMIT},
	{"cursor", required_argument, NULL, O_CURSOR},
	{NULL, 0, NULL, 0},
};

/* A subcommand's arguments: its positional words and option values. */
struct args {
	const char *pos[2];
	int npos;
	const char *opt[O_CURSOR + 1];	/* by O_*; NULL when not given */
};

/* Parse argv (argv[0] the subcommand): options of the mask allowed (bit
 * 1 << O_*), then between min and max words. */
static void
parse(pake_cli *cli, int argc, char **argv, unsigned allowed, int min,
    int max, const char *what, struct args *a)
{
	int c;

	memset(a, 0, sizeof *a);
	optind = 1;
	/* ":" first: a missing value is ':', an unknown option '?'. */
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c == ':')
			pake_cli_usage(cli, "%s needs a value",
			    argv[optind - 1]);
		if (c > 0 && c <= O_CURSOR && !(allowed & (1u << c)))
			pake_cli_usage(cli, "%s takes no --%s", argv[0],
			    longopts[c - 1].name);
		if (c <= 0 || c > O_CURSOR)
			pake_cli_usage(cli, "unknown option '%s'",
			    argv[optind - 1]);
		a->opt[c] = optarg;
	}
	for (; optind < argc; optind++) {
		if (a->npos == max)
			pake_cli_usage(cli, "unexpected argument '%s'",
			    argv[optind]);
		a->pos[a->npos++] = argv[optind];
	}
	if (a->npos < min)
		pake_cli_usage(cli, "%s needs %s", argv[0], what);
}

/* An option's number within [min, max] into in as key, when given. */
static void
num_opt(pake_cli *cli, const struct args *a, int o, long min, long max,
    cJSON *in, const char *key)
{
	char flag[16];

	if (a->opt[o] == NULL)
		return;
	snprintf(flag, sizeof flag, "--%s", longopts[o - 1].name);
	cJSON_AddNumberToObject(in, key, (double)pake_cli_long(cli, flag,
	    a->opt[o], min, max));
}

/* s with its control characters (C0, DEL, C1) written as \n, \t, \r
 * or \xHH, or NULL when it has none (or out of memory). */
static char *
tame_str(const char *s)
{
	const unsigned char *p;
	pake_buf b = {0};
	int need = 0;

	for (p = (const unsigned char *)s; *p && !need; p++)
		need = *p < 0x20 || *p == 0x7f || (p[0] == 0xc2 &&
		    p[1] >= 0x80 && p[1] <= 0x9f);
	if (!need)
		return NULL;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p == '\n')
			pake_buf_puts(&b, "\\n");
		else if (*p == '\t')
			pake_buf_puts(&b, "\\t");
		else if (*p == '\r')
			pake_buf_puts(&b, "\\r");
		else if (*p < 0x20 || *p == 0x7f)
			pake_buf_printf(&b, "\\x%02x", *p);
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			pake_buf_printf(&b, "\\xc2\\x%02x", *++p);
		else
			pake_buf_putc(&b, (char)*p);
	return pake_buf_take(&b);
}

/* Human output shows text others wrote (an assistant's entity names, a
 * memory file, a vault's notes): every string and key of v is tamed, so
 * that none can move the cursor, recolour the terminal or fake a line
 * of output.  --json prints the text exactly. */
static void
tame(cJSON *v)
{
	cJSON *c;
	char *t, *k;

	for (c = v->child; c; c = c->next) {
		if (c->string && !(c->type & cJSON_StringIsConst) &&
		    (t = tame_str(c->string)) != NULL) {
			if ((k = cJSON_malloc(strlen(t) + 1)) != NULL) {
				memcpy(k, t, strlen(t) + 1);
				cJSON_free(c->string);
				c->string = k;
			}
			free(t);
		}
		if (cJSON_IsString(c) && (t = tame_str(c->valuestring))) {
			cJSON_SetValuestring(c, t);
			free(t);
		}
		tame(c);
	}
}

/* Die with e; a node that is not there is named as the user typed it. */
static void __attribute__((noreturn))
die(pake_cli *cli, const pake_err *e, const char *const *refs, int nrefs)
{
	static char msg[PAKE_GRAPH_NAME_MAX + 200];
	pake_err shown = *e;
	size_t n = strlen(e->detail);
	int i;

	if (e->code == PAKE_ENOTFOUND && e->msg &&
	    strcmp(e->msg, MSG_NONODE) == 0)
		for (i = 0; i < nrefs; i++)
			if (refs[i] && n > 0 && (strcmp(refs[i], e->detail) ==
			    0 || (n >= REF_SHOWN && strncmp(refs[i], e->detail,
			    n) == 0))) {
				snprintf(msg, sizeof msg, "%s: %s", MSG_NONODE,
				    refs[i]);
				shown.msg = msg;
				break;
			}
	pake_cli_die(cli, &shown);
}

/* Run op on in (freed) as the acting user; die on failure. */
static cJSON *
call_raw(pake_cli *cli, const char *op, cJSON *in, const char *const *refs,
    int nrefs)
{
	pake_err e = {0};
	cJSON *out = NULL;
	int rc;

	pake_cli_open(cli);
	rc = pake_op_call(&cli->ctx, op, in, &out, &e);
	cJSON_Delete(in);
	if (rc != 0)
		die(cli, &e, refs, nrefs);
	return out;
}

/* The same, tamed for lines unless --json. */
static cJSON *
call(pake_cli *cli, const char *op, cJSON *in, const char *const *refs,
    int nrefs)
{
	cJSON *out = call_raw(cli, op, in, refs, nrefs);

	if (!cli->json)
		tame(out);
	return out;
}

static double
jnum(const cJSON *o, const char *k)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* "[note]" or "[entity TYPE]": what kind of node n is. */
static void
put_kind(const cJSON *n)
{
	const char *type = pake_json_str(n, "type");

	if (strcmp(pake_json_str(n, "kind"), "note") == 0)
		printf("[note]");
	else
		printf("[entity%s%s]", type[0] ? " " : "", type);
}

/* "NAME [KIND]". */
static void
put_node(const cJSON *n)
{
	printf("%s ", pake_json_str(n, "name"));
	put_kind(n);
}

/* "- [category] content (context)" lines of a node's observations. */
static void
put_obs(const cJSON *n, const char *indent)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(n, "observations")) {
		printf("%s- ", indent);
		if (cJSON_GetObjectItemCaseSensitive(o, "category"))
			printf("[%s] ", pake_json_str(o, "category"));
		printf("%s", pake_json_str(o, "content"));
		if (cJSON_GetObjectItemCaseSensitive(o, "context"))
			printf(" (%s)", pake_json_str(o, "context"));
		putchar('\n');
	}
}

/* One link of graph_links or graph_context: out (dir 1) or in (2). */
static void
put_link(const cJSON *x, int dir)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(x, "node");
	const char *heading = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(x, "properties"), "heading"));

	printf("%s %s ", pake_json_str(x, "type"), dir == 1 ? "->" : "<-");
	if (!cJSON_IsObject(n))
		printf("%s (%s)", pake_json_str(x, dir == 1 ? "to" : "from"),
		    dir == 1 ? "names nothing" : "no node");
	else {
		printf("%s%s%s ", pake_json_str(n, "name"), dir == 1 && heading ? "#" :
		    "", dir == 1 && heading ? heading : "");
		put_kind(n);
	}
	if (cJSON_GetObjectItemCaseSensitive(x, "context"))
		printf(" (%s)", pake_json_str(x, "context"));
	putchar('\n');
}

static int
links_dir(pake_cli *cli, int argc, char **argv, const char *dir)
{
	struct args a;
	cJSON *in, *out, *x;

	parse(cli, argc, argv, 0, 1, 1, "a NODE", &a);
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "node", a.pos[0]);
	cJSON_AddStringToObject(in, "direction", dir);
	out = call(cli, "graph_links", in, a.pos, a.npos);
	if (cli->json)
		pake_cli_print_json(out);
	else if (strcmp(dir, "out") == 0)
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(out, "links"))
			put_link(x, 1);
	else
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(out, "backlinks"))
			put_link(x, 2);
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_links(pake_cli *cli, int argc, char **argv)
{
	return links_dir(cli, argc, argv, "out");
}

static int
cmd_backlinks(pake_cli *cli, int argc, char **argv)
{
	return links_dir(cli, argc, argv, "in");
}

/* The name of node id among nodes, or NULL. */
static const char *
name_by_id(const cJSON *nodes, const cJSON *id)
{
	const cJSON *n;

	if (!cJSON_IsNumber(id))
		return NULL;
	cJSON_ArrayForEach(n, nodes)
		if (jnum(n, "id") == id->valuedouble)
			return pake_json_str(n, "name");
	return NULL;
}

static int
cmd_neighbors(pake_cli *cli, int argc, char **argv)
{
	struct args a;
	cJSON *in, *out, *nodes, *x;
	const char *from, *to;

	parse(cli, argc, argv, 1u << O_DEPTH | 1u << O_MAX, 1, 1, "a NODE",
	    &a);
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "node", a.pos[0]);
	num_opt(cli, &a, O_DEPTH, 1, PAKE_GRAPH_DEPTH_MAX, in, "depth");
	num_opt(cli, &a, O_MAX, 1, PAKE_GRAPH_NODES_MAX, in, "max_nodes");
	out = call(cli, "graph_neighbors", in, a.pos, a.npos);
	if (cli->json) {
		pake_cli_print_json(out);
		cJSON_Delete(out);
		return pake_cli_done(cli);
	}
	nodes = cJSON_GetObjectItemCaseSensitive(out, "nodes");
	cJSON_ArrayForEach(x, nodes) {
		printf("%.0f ", jnum(x, "depth"));
		put_node(x);
		putchar('\n');
	}
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "edges")) > 0)
		putchar('\n');
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(out, "edges")) {
		from = name_by_id(nodes, cJSON_GetObjectItemCaseSensitive(x, "source"));
		to = name_by_id(nodes, cJSON_GetObjectItemCaseSensitive(x, "target"));
		printf("%s -%s-> %s%s\n", from ? from : pake_json_str(x, "from"),
		    pake_json_str(x, "type"), to ? to : pake_json_str(x, "to"),
		    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(x, "target")) ?
		    " (names nothing)" : "");
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "truncated")))
		fprintf(stderr, "%s: cut at %d nodes; --max raises the limit\n",
		    cli->tool, cJSON_GetArraySize(nodes));
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_path(pake_cli *cli, int argc, char **argv)
{
	struct args a;
	cJSON *in, *out, *x;
	int hop = 0;

	parse(cli, argc, argv, 1u << O_MAXDEPTH, 2, 2, "FROM and TO", &a);
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "from", a.pos[0]);
	cJSON_AddStringToObject(in, "to", a.pos[1]);
	num_opt(cli, &a, O_MAXDEPTH, 1, 2 * PAKE_GRAPH_DEPTH_MAX, in,
	    "max_depth");
	out = call(cli, "graph_path", in, a.pos, a.npos);
	if (cli->json)
		pake_cli_print_json(out);
	else if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "found")))
		printf("no path found%s\n", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
		    out, "truncated")) ? " (the search was cut short)" : "");
	else
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(out, "nodes")) {
			printf("%d ", hop++);
			put_node(x);
			putchar('\n');
		}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_context(pake_cli *cli, int argc, char **argv)
{
	struct args a;
	cJSON *in, *out, *x, *n;

	parse(cli, argc, argv, 1u << O_MAX, 1, 1, "a NODE", &a);
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "node", a.pos[0]);
	num_opt(cli, &a, O_MAX, 1, 100, in, "max_related");
	out = call(cli, "graph_context", in, a.pos, a.npos);
	if (cli->json) {
		pake_cli_print_json(out);
		cJSON_Delete(out);
		return pake_cli_done(cli);
	}
	n = cJSON_GetObjectItemCaseSensitive(out, "node");
	put_node(n);
	if (cJSON_GetObjectItemCaseSensitive(n, "pake_id"))
		printf(" %s", pake_json_str(n, "pake_id"));
	putchar('\n');
	put_obs(n, "  ");
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "links")) > 0)
		printf("links:\n");
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(out, "links")) {
		printf("  ");
		put_link(x, 1);
		put_obs(cJSON_GetObjectItemCaseSensitive(x, "node"), "    ");
	}
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "backlinks")) > 0)
		printf("backlinks:\n");
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(out, "backlinks")) {
		printf("  ");
		put_link(x, 2);
		put_obs(cJSON_GetObjectItemCaseSensitive(x, "node"), "    ");
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "truncated")))
		fprintf(stderr, "%s: more related nodes; --max raises the "
		    "limit\n", cli->tool);
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

/* s as one word of a shell command line. */
static void
put_shell_word(FILE *f, const char *s)
{
	if (s[0] && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST"
	    "UVWXYZ0123456789_-.,:/@%+=") == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

static int
cmd_search(pake_cli *cli, int argc, char **argv)
{
	struct args a;
	cJSON *in, *out, *x;
	const char *next;

	parse(cli, argc, argv, 1u << O_LIMIT | 1u << O_CURSOR, 1, 1,
	    "a QUERY", &a);
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "query", a.pos[0]);
	num_opt(cli, &a, O_LIMIT, 1, PAKE_GRAPH_PAGE_MAX, in, "limit");
	if (a.opt[O_CURSOR])
		cJSON_AddStringToObject(in, "cursor", a.opt[O_CURSOR]);
	out = call(cli, "search_nodes", in, NULL, 0);
	if (cli->json) {
		pake_cli_print_json(out);
		cJSON_Delete(out);
		return pake_cli_done(cli);
	}
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(out, "entities")) {
		const cJSON *o;

		printf("%s [entity%s%s]\n", pake_json_str(x, "name"),
		    pake_json_str(x, "entityType")[0] ? " " : "", pake_json_str(x, "entityType"));
		cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(x, "observations"))
			printf("  - %s\n", cJSON_GetStringValue(o) ?
			    cJSON_GetStringValue(o) : "");
	}
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "relations")) > 0)
		putchar('\n');
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(out, "relations"))
		printf("%s -%s-> %s\n", pake_json_str(x, "from"),
		    pake_json_str(x, "relationType"), pake_json_str(x, "to"));
	next = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "nextCursor"));
	if (next) {
		fputs("more: pake-graph search ", stderr);
		if (a.opt[O_LIMIT])
			fprintf(stderr, "--limit %s ", a.opt[O_LIMIT]);
		fprintf(stderr, "--cursor %s -- ", next);
		put_shell_word(stderr, a.pos[0]);
		fputc('\n', stderr);
	}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

/* "key: value" for each number of o, with indent. */
static void
put_counts(const cJSON *o, const char *indent)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, o)
		if (cJSON_IsNumber(x))
			printf("%s%s: %.0f\n", indent, x->string,
			    x->valuedouble);
}

static int
cmd_stats(pake_cli *cli, int argc, char **argv)
{
	struct args a;
	cJSON *out, *x;

	parse(cli, argc, argv, 0, 0, 0, "", &a);
	out = call(cli, "graph_stats", cJSON_CreateObject(), NULL, 0);
	if (cli->json) {
		pake_cli_print_json(out);
		cJSON_Delete(out);
		return pake_cli_done(cli);
	}
	put_counts(out, "");
	cJSON_ArrayForEach(x, out)
		if (cJSON_IsObject(x)) {
			printf("%s:\n", x->string);
			put_counts(x, "  ");
		}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_dangling(pake_cli *cli, int argc, char **argv)
{
	struct args a;
	cJSON *in, *out, *x;

	parse(cli, argc, argv, 1u << O_LIMIT, 0, 0, "", &a);
	in = cJSON_CreateObject();
	num_opt(cli, &a, O_LIMIT, 1, 10000, in, "limit");
	out = call(cli, "graph_dangling", in, NULL, 0);
	if (cli->json)
		pake_cli_print_json(out);
	else
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(out, "links")) {
			put_node(cJSON_GetObjectItemCaseSensitive(x, "node"));
			printf(": %s -> %s\n", pake_json_str(x, "type"), pake_json_str(x, "to"));
		}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_import(pake_cli *cli, int argc, char **argv)
{
	struct args a;
	pake_err e = {0};
	cJSON *in, *out;
	char *text;
	size_t len;
	int rc;

	parse(cli, argc, argv, 0, 1, 1, "a FILE (- for standard input)", &a);
	if (strcmp(a.pos[0], "-") == 0)
		rc = pake_read_fd(STDIN_FILENO, "standard input", IMPORT_MAX,
		    &text, &len, &e);
	else
		rc = pake_read_file(a.pos[0], IMPORT_MAX, &text, &len, &e);
	if (rc != 0) {
		if (e.code == PAKE_ENOTFOUND)
			pake_cli_usage(cli, "cannot read %s", a.pos[0]);
		pake_cli_die(cli, &e);
	}
	/* A C string would end at a NUL and import less without a word;
	 * graph_import refuses one the same way.  (The input's schema
	 * refuses text that is not UTF-8.) */
	if (memchr(text, '\0', len)) {
		free(text);
		pake_fail(&e, PAKE_EINVAL, "Invalid memory file",
		    "import: a NUL byte");
		pake_cli_die(cli, &e);
	}
	/* The text is not copied: up to 256 MiB once is enough. */
	in = cJSON_CreateObject();
	cJSON_AddItemToObject(in, "jsonl", cJSON_CreateStringReference(text));
	out = call(cli, "graph_import", in, NULL, 0);
	free(text);
	if (cli->json)
		pake_cli_print_json(out);
	else
		put_counts(out, "");
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

/* Replace path with data at once (pake_write_atomic, synced): a reader
 * sees the old file or the new one.  An existing file keeps its mode. */
static void
write_file(pake_cli *cli, const char *path, const char *data, size_t len)
{
	static char msg[PATH_MAX + 128];
	pake_err e = {0};
	mode_t um = umask(0);

	umask(um);
	if (pake_write_atomic(path, data, len, 0666 & ~um, PAKE_WA_KEEP_MODE |
	    PAKE_WA_SYNC, &e) != 0) {
		snprintf(msg, sizeof msg, "Cannot write %s: %s", path,
		    strerror(errno));
		e.msg = msg;
		pake_cli_die(cli, &e);
	}
}

static int
cmd_export(pake_cli *cli, int argc, char **argv)
{
	struct args a;
	cJSON *out, *r;
	const char *text;
	size_t len;

	parse(cli, argc, argv, 0, 0, 1, "", &a);
	/* The file's bytes exactly: not tamed. */
	out = call_raw(cli, "graph_export", cJSON_CreateObject(), NULL, 0);
	text = pake_json_str(out, "jsonl");
	len = strlen(text);
	if (a.npos == 0 || strcmp(a.pos[0], "-") == 0) {
		if (cli->json)
			pake_cli_print_json(out);
		else
			fwrite(text, 1, len, stdout);
	} else {
		write_file(cli, a.pos[0], text, len);
		if (cli->json) {
			r = cJSON_CreateObject();
			cJSON_AddStringToObject(r, "file", a.pos[0]);
			cJSON_AddNumberToObject(r, "bytes", (double)len);
			pake_cli_print_json(r);
			cJSON_Delete(r);
		}
	}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_dot(pake_cli *cli, int argc, char **argv)
{
	struct args a;
	pake_err e = {0};
	char *text;
	long depth = 0, max = 0;
	cJSON *o;

	parse(cli, argc, argv, 1u << O_DEPTH | 1u << O_MAX, 0, 1, "", &a);
	if (a.opt[O_DEPTH] && a.npos == 0)
		pake_cli_usage(cli, "--depth needs a NODE");
	if (a.opt[O_DEPTH])
		depth = pake_cli_long(cli, "--depth", a.opt[O_DEPTH], 1,
		    PAKE_GRAPH_DEPTH_MAX);
	if (a.opt[O_MAX])
		max = pake_cli_long(cli, "--max", a.opt[O_MAX], 1, a.npos ?
		    PAKE_GRAPH_NODES_MAX : PAKE_GRAPH_NODES_MAX * 20);
	pake_cli_open(cli);
	if (pake_graph_dot(&cli->ctx, a.npos ? a.pos[0] : NULL, (int)depth,
	    (int)max, &text, &e) != 0)
		die(cli, &e, a.pos, a.npos);
	if (cli->json) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "dot", text);
		pake_cli_print_json(o);
		cJSON_Delete(o);
	} else
		fputs(text, stdout);
	free(text);
	return pake_cli_done(cli);
}

static const struct cmd {
	const char *name;
	const char *help;
	int (*fn)(pake_cli *, int, char **);
} cmds[] = {
	{"links", help_links, cmd_links},
	{"backlinks", help_backlinks, cmd_backlinks},
	{"neighbors", help_neighbors, cmd_neighbors},
	{"path", help_path, cmd_path},
	{"context", help_context, cmd_context},
	{"search", help_search, cmd_search},
	{"stats", help_stats, cmd_stats},
	{"dangling", help_dangling, cmd_dangling},
	{"import", help_import, cmd_import},
	{"export", help_export, cmd_export},
	{"dot", help_dot, cmd_dot},
};

static const struct cmd *
find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(name, cmds[i].name) == 0)
			return &cmds[i];
	return NULL;
}

/* The subcommand before cli.c has removed the common flags, so that
 * "--help" after it prints its own help: the first word that is not a
 * flag or the value of a common flag that takes one. */
static const struct cmd *
peek_cmd(int argc, char **argv)
{
	static const char *const valued[] = {"--config", "--db", "--vault",
		"--tenant", "--tenants-dir", "--log-level", "--log-format",
		"--set"};
	size_t k;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return NULL;
		if (argv[i][0] != '-')
			return find_cmd(argv[i]);
		for (k = 0; k < sizeof valued / sizeof valued[0]; k++)
			if (strcmp(argv[i], valued[k]) == 0)
				i++;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct cmd *c = peek_cmd(argc, argv);
	pake_cli cli;

	pake_cli_init(&cli, "pake-graph", c ? c->help : usage, &argc, argv);
	opterr = 0;
	if (argc < 2)
		pake_cli_usage(&cli, "missing command");
	if ((c = find_cmd(argv[1])) == NULL)
		pake_cli_usage(&cli, "unknown command '%s'", argv[1]);
	return c->fn(&cli, argc - 1, argv + 1);
}
