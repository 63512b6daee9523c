/*
 * pake-search: full-text search over the acting tenant's notes.
 *
 * Builds the input of the search_notes operation from flags and the query
 * words, and prints the hits as a table (terminal), tab-separated lines
 * (pipe), ids (--ids) or JSON (--json); see pake-search(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pake/cli.h"
#include "pake/util.h"

static const char usage[] =
"usage: pake-search [--type X] [--status S] [--tag T]... [--any-tag T]...\n"
"                   [--min-confidence F] [--created-after T]\n"
"                   [--created-before T] [--modified-after T]\n"
"                   [--modified-before T] [--limit N] [--cursor C]\n"
"                   [--mode text|meaning|hybrid]\n"
"                   [--json | --ids] QUERY...\n"
"\n"
"QUERY: words that must all appear (the last also as a prefix),\n"
"\"quoted phrases\", -word to exclude, OR between words, tag:x, type:X.\n"
"--tag requires every tag given, --any-tag at least one.  Times are\n"
"ISO 8601 (2026-01-31 or 2026-01-31T12:00:00Z).  --mode meaning finds\n"
"the notes nearest the query in meaning (pake-analyze refit makes the\n"
"vectors), hybrid fuses both rankings; neither takes filters or --cursor.\n"
"Common flags: --db PATH\n"
"--vault DIR --tenant T --config FILE --log-level L --set KEY=VALUE.\n";

enum { O_TYPE = 1, O_STATUS, O_TAG, O_ANY, O_MINCONF, O_CA, O_CB, O_MA, O_MB,
	O_LIMIT, O_CURSOR, O_IDS, O_MODE };

static const struct option longopts[] = {
	{"type", required_argument, NULL, O_TYPE},
	{"status", required_argument, NULL, O_STATUS},
	{"tag", required_argument, NULL, O_TAG},
	{"any-tag", required_argument, NULL, O_ANY},
	{"min-confidence", required_argument, NULL, O_MINCONF},
	{"created-after", required_argument, NULL, O_CA},
	{"created-before", required_argument, NULL, O_CB},
	{"modified-after", required_argument, NULL, O_MA},
	{"modified-before", required_argument, NULL, O_MB},
	{"limit", required_argument, NULL, O_LIMIT},
	{"cursor", required_argument, NULL, O_CURSOR},
	{"ids", no_argument, NULL, O_IDS},
	{"mode", required_argument, NULL, O_MODE},
	{NULL, 0, NULL, 0},
};

/* Append v to the array key of obj, creating it. */
static void
push(cJSON *obj, const char *key, const char *v)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (a == NULL)
		a = cJSON_AddArrayToObject(obj, key);
	cJSON_AddItemToArray(a, cJSON_CreateString(v));
}

/* Print the hits as an aligned table: id, type, title (cut to fit). */
static void
print_table(const cJSON *results)
{
	const cJSON *it, *m;
	const char *title, *type;

	printf("%-36s  %-12s  %s\n", "PAKE_ID", "TYPE", "TITLE");
	cJSON_ArrayForEach(it, results) {
		m = cJSON_GetObjectItemCaseSensitive(it, "metadata");
		type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "type"));
		title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "title"));
		printf("%-36s  %-12.12s  %.80s\n",
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "pake_id")),
		    type ? type : "", title ? title : "");
	}
}

int
main(int argc, char **argv)
{
	cJSON *in, *filters, *out, *results, *it, *m;
	pake_buf q = {0};
	const char *next;
	int c, ids = 0, i;
	pake_cli cli;

	pake_cli_init(&cli, "pake-search", usage, &argc, argv);
	/* "-word" excludes a word: mark such arguments so getopt treats
	 * them as operands (pake-search has no short options); getopt keeps
	 * the operands' order, so "a OR -b c" stays as typed. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (argv[i][0] == '-' && argv[i][1] != '-' && argv[i][1] != '\0')
			argv[i][0] = '\x01';
	}
	opterr = 0;
	in = cJSON_CreateObject();
	filters = cJSON_CreateObject();
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_TYPE:
			cJSON_AddStringToObject(filters, "pake_type", optarg);
			break;
		case O_STATUS:
			cJSON_AddStringToObject(filters, "status", optarg);
			break;
		case O_TAG:
			push(filters, "tags_all", optarg);
			break;
		case O_ANY:
			push(filters, "tags", optarg);
			break;
		case O_MINCONF:
			cJSON_AddNumberToObject(filters, "min_confidence",
			    pake_cli_double(&cli, "--min-confidence", optarg, 0,
			    1));
			break;
		case O_CA:
			cJSON_AddStringToObject(filters, "created_after", optarg);
			break;
		case O_CB:
			cJSON_AddStringToObject(filters, "created_before", optarg);
			break;
		case O_MA:
			cJSON_AddStringToObject(filters, "modified_after", optarg);
			break;
		case O_MB:
			cJSON_AddStringToObject(filters, "modified_before",
			    optarg);
			break;
		case O_LIMIT:
			cJSON_AddNumberToObject(in, "limit", (double)pake_cli_long(
			    &cli, "--limit", optarg, 1, 100));
			break;
		case O_MODE:
			if (strcmp(optarg, "text") && strcmp(optarg, "meaning") &&
			    strcmp(optarg, "hybrid"))
				pake_cli_usage(&cli, "--mode is text, meaning "
				    "or hybrid");
			cJSON_AddStringToObject(in, "mode", optarg);
			break;
		case O_CURSOR:
			cJSON_AddStringToObject(in, "cursor", optarg);
			break;
		case O_IDS:
			ids = 1;
			break;
		default:
			pake_cli_usage(&cli, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (ids && cli.json)
		pake_cli_usage(&cli, "--ids and --json exclude each other");
	for (i = optind; i < argc; i++) {
		if (q.len)
			pake_buf_putc(&q, ' ');
		if (argv[i][0] == '\x01')
			argv[i][0] = '-';
		pake_buf_puts(&q, argv[i]);
	}
	if (q.len)
		cJSON_AddStringToObject(in, "query", q.p);
	pake_buf_free(&q);
	if (cJSON_GetArraySize(filters))
		cJSON_AddItemToObject(in, "filters", filters);
	else
		cJSON_Delete(filters);
	pake_cli_open(&cli);
	out = pake_cli_call(&cli, "search_notes", in);
	results = cJSON_GetObjectItemCaseSensitive(out, "results");
	if (cli.json) {
		pake_cli_print_json(out);
	} else if (cJSON_GetArraySize(results) == 0) {
		fprintf(stderr, "pake-search: no notes match\n");
	} else if (ids) {
		cJSON_ArrayForEach(it, results)
			puts(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it,
			    "pake_id")));
	} else if (isatty(STDOUT_FILENO)) {
		print_table(results);
	} else {
		cJSON_ArrayForEach(it, results) {
			m = cJSON_GetObjectItemCaseSensitive(it, "metadata");
			printf("%s\t%s\t%s\n",
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "pake_id")),
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "type")),
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "title")));
		}
	}
	next = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "next_cursor"));
	if (next && !cli.json)
		fprintf(stderr, "more: pake-search --cursor %s (same query)\n",
		    next);
	cJSON_Delete(out);
	return pake_cli_done(&cli);
}
