/*
 * pake-ingest: research from outside, into notes (issue 13).
 *
 *   pake-ingest arxiv QUERY... [--max N] [--start K] [--sort S] [--save]
 *   pake-ingest pubmed QUERY... [--max N] [--start K] [--save]
 *   pake-ingest web QUERY... [--max N] [--save]
 *   pake-ingest url URL [--save]
 *   pake-ingest feed add URL [--save] [--backfill]
 *   pake-ingest feed remove URL
 *   pake-ingest feed list
 *   pake-ingest feed poll [URL]
 *   pake-ingest topic add arxiv|pubmed|web QUERY... [--max N]
 *   pake-ingest topic remove arxiv|pubmed|web QUERY...
 *   pake-ingest topic list
 *   pake-ingest topic poll
 *   pake-ingest poll
 *
 * Each is the registry's ingest operation (lib/op_ingest.c); the words of
 * QUERY are joined by spaces.  Prints a line per record: its identifier,
 * date and title, and with --save what became of it.  feed is the
 * operations feed_add, feed_remove, feed_list and feed_poll
 * (lib/op_feed.c, lib/feeds.c); topic the operations topic_add,
 * topic_remove, topic_list and topic_poll (lib/op_topic.c, lib/topics.c);
 * poll is ingest_poll, every feed and every topic (the poll timer's).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/cli.h"
#include "pake/util.h"

static const char usage[] =
"usage: pake-ingest arxiv QUERY... [--max N] [--start K] [--sort S] [--save]\n"
"       pake-ingest pubmed QUERY... [--max N] [--start K] [--save]\n"
"       pake-ingest web QUERY... [--max N] [--save]\n"
"       pake-ingest url URL [--save]\n"
"       pake-ingest feed add URL [--save] [--backfill]\n"
"       pake-ingest feed remove URL\n"
"       pake-ingest feed list\n"
"       pake-ingest feed poll [URL]\n"
"       pake-ingest topic add arxiv|pubmed|web QUERY... [--max N]\n"
"       pake-ingest topic remove arxiv|pubmed|web QUERY...\n"
"       pake-ingest topic list\n"
"       pake-ingest topic poll\n"
"       pake-ingest poll\n"
"\n"
"Ask arXiv (its query syntax: all:, ti:, au:, abs:, cat:, AND, OR), PubMed\n"
"(its own), a SearxNG instance (research.searx_url) or one web page, and\n"
"print a line per record: identifier, date, title.  --max N records (1 to\n"
"100, default 10), --start K the first (paging), --sort relevance,\n"
"submitted or updated (arXiv).  --save lands each as a SourceNote with its\n"
"BibTeX and its authors in the graph, never twice (the same DOI, arXiv id,\n"
"PMID or URL is the note already saved).  --json prints the result.\n"
"\n"
"feed add subscribes to an RSS or Atom feed (fetched once: it must be one;\n"
"the items it lists now count as seen); --save saves the new items of each\n"
"poll as notes, --backfill saves those listed now too.  feed poll asks every\n"
"feed (or URL) with a conditional request and prints the new items; a\n"
"feed's failure is printed and kept (feed list shows it).\n"
"\n"
"topic add saves a search (--max N results, 1 to 100, default 20); each\n"
"topic poll runs it and saves the results not yet notes, so only new papers\n"
"become notes.  poll polls every feed and every topic.\n"
"Common flags: --db PATH --vault DIR --tenant T --config FILE\n"
"--log-level L --set KEY=VALUE.\n";

enum { O_MAX = 1, O_START, O_SORT, O_SAVE, O_BACKFILL };

static const struct option longopts[] = {
	{"max", required_argument, NULL, O_MAX},
	{"start", required_argument, NULL, O_START},
	{"sort", required_argument, NULL, O_SORT},
	{"save", no_argument, NULL, O_SAVE},
	{NULL, 0, NULL, 0},
};

static const struct option feedopts[] = {
	{"save", no_argument, NULL, O_SAVE},
	{"backfill", no_argument, NULL, O_BACKFILL},
	{NULL, 0, NULL, 0},
};

static const struct option topicopts[] = {
	{"max", required_argument, NULL, O_MAX},
	{NULL, 0, NULL, 0},
};

/* A record's identifier as people cite it. */
static void
ident(const cJSON *r, char *out, size_t n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "arxiv_version");

	if (pake_json_str(r, "arxiv_id") && cJSON_IsNumber(v))
		snprintf(out, n, "arXiv:%sv%d", pake_json_str(r, "arxiv_id"),
		    v->valueint);
	else if (pake_json_str(r, "arxiv_id"))
		snprintf(out, n, "arXiv:%s", pake_json_str(r, "arxiv_id"));
	else if (pake_json_str(r, "pmid"))
		snprintf(out, n, "PMID:%s", pake_json_str(r, "pmid"));
	else if (pake_json_str(r, "doi"))
		snprintf(out, n, "doi:%s", pake_json_str(r, "doi"));
	else
		snprintf(out, n, "%s", pake_json_str(r, "canonical_url") ?
		    pake_json_str(r, "canonical_url") : pake_json_str(r, "url") ? pake_json_str(r, "url") :
		    "-");
}

/* A saved record's fate, after its line. */
static void
fate(const cJSON *s)
{
	if (s)
		printf("  -> %s (%s)", pake_json_str(s, "pake_id"),
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s,
		    "created")) ? "saved" : "already saved");
}

/* pake-ingest feed add|remove|list|poll ...: argv[0] is "feed". */
static int
feed_main(pake_cli *cli, int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL, *op;
	const cJSON *f, *x;
	cJSON *in = cJSON_CreateObject(), *out;
	int c, save = 0, backfill = 0, nargs;

	if (cmd == NULL)
		pake_cli_usage(cli, "feed: add, remove, list or poll");
	if (strcmp(cmd, "add") == 0)
		op = "feed_add";
	else if (strcmp(cmd, "remove") == 0)
		op = "feed_remove";
	else if (strcmp(cmd, "list") == 0)
		op = "feed_list";
	else if (strcmp(cmd, "poll") == 0)
		op = "feed_poll";
	else
		pake_cli_usage(cli, "feed: unknown command '%s'", cmd);
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", feedopts, NULL)) != -1)
		switch (c) {
		case O_SAVE:
			save = 1;
			break;
		case O_BACKFILL:
			backfill = 1;
			break;
		default:
			pake_cli_usage(cli, "unknown option '%s'",
			    argv[optind - 1]);
		}
	if ((save || backfill) && strcmp(cmd, "add") != 0)
		pake_cli_usage(cli, "--save and --backfill: feed add only");
	nargs = argc - optind;
	if (strcmp(cmd, "list") == 0 ? nargs > 0 : strcmp(cmd, "poll") == 0 ?
	    nargs > 1 : nargs != 1)
		pake_cli_usage(cli, "feed %s takes %s", cmd,
		    strcmp(cmd, "list") == 0 ? "no argument" :
		    strcmp(cmd, "poll") == 0 ? "at most a URL" : "a URL");
	if (nargs == 1)
		cJSON_AddStringToObject(in, "url", argv[optind]);
	if (save)
		cJSON_AddBoolToObject(in, "save", 1);
	if (backfill)
		cJSON_AddBoolToObject(in, "backfill", 1);
	pake_cli_open(cli);
	out = pake_cli_call(cli, op, in);
	if (cli->json) {
		pake_cli_print_json(out);
		cJSON_Delete(out);
		return pake_cli_done(cli);
	}
	if (strcmp(cmd, "add") == 0) {
		printf("%s  %s  (%d items now, seen)\n", pake_json_str(out, "url"),
		    pake_json_str(out, "title"), cJSON_GetObjectItemCaseSensitive(out,
		    "items")->valueint);
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(out,
		    "saved")) {
			printf("  saved");
			fate(x);
			putchar('\n');
		}
	} else if (strcmp(cmd, "list") == 0)
		cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(out,
		    "feeds")) {
			printf("%s  %s  %s  seen %d  polled %s", pake_json_str(f, "url"),
			    pake_json_str(f, "title"), cJSON_IsTrue(
			    cJSON_GetObjectItemCaseSensitive(f, "save")) ?
			    "save" : "-", cJSON_GetObjectItemCaseSensitive(f,
			    "items_seen")->valueint, pake_json_str(f, "polled") ?
			    pake_json_str(f, "polled") : "never");
			if (pake_json_str(f, "last_error"))
				printf("  error: %s", pake_json_str(f, "last_error"));
			putchar('\n');
		}
	else if (strcmp(cmd, "poll") == 0)
		cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(out,
		    "feeds")) {
			const cJSON *saved = cJSON_GetObjectItemCaseSensitive(
			    f, "saved");
			int k = 0;

			printf("%s  %s  %d new", pake_json_str(f, "url"),
			    pake_json_str(f, "status"), cJSON_GetObjectItemCaseSensitive(
			    f, "new_items")->valueint);
			if (pake_json_str(f, "error"))
				printf("  error: %s", pake_json_str(f, "error"));
			putchar('\n');
			cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(
			    f, "items")) {
				printf("  %s  %s", pake_json_str(x, "published") ?
				    pake_json_str(x, "published") : "-",
				    pake_json_str(x, "title"));
				fate(cJSON_GetArrayItem(saved, k++));
				putchar('\n');
			}
		}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
num(const cJSON *o, const char *k)
{
	return (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o,
	    k));
}

/* The topics of a poll's answer, a line each and a line per note made. */
static void
topics_polled(const cJSON *topics)
{
	const cJSON *t, *x;

	cJSON_ArrayForEach(t, topics) {
		printf("%s  %s  %s  %d saved", pake_json_str(t, "source"),
		    pake_json_str(t, "query"), pake_json_str(t, "status"), num(t, "saved"));
		if (pake_json_str(t, "error"))
			printf("  error: %s", pake_json_str(t, "error"));
		putchar('\n');
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(t,
		    "notes"))
			printf("  %s  %s\n", pake_json_str(x, "pake_id"), pake_json_str(x, "title"));
	}
}

/* pake-ingest topic add|remove|list|poll ...: argv[0] is "topic". */
static int
topic_main(pake_cli *cli, int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL, *op;
	const cJSON *t;
	cJSON *in = cJSON_CreateObject(), *out;
	pake_buf q = {0};
	int c, max = 0, nargs;

	if (cmd == NULL)
		pake_cli_usage(cli, "topic: add, remove, list or poll");
	if (strcmp(cmd, "add") == 0)
		op = "topic_add";
	else if (strcmp(cmd, "remove") == 0)
		op = "topic_remove";
	else if (strcmp(cmd, "list") == 0)
		op = "topic_list";
	else if (strcmp(cmd, "poll") == 0)
		op = "topic_poll";
	else
		pake_cli_usage(cli, "topic: unknown command '%s'", cmd);
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", topicopts, NULL)) != -1)
		switch (c) {
		case O_MAX:
			if (strcmp(cmd, "add") != 0)
				pake_cli_usage(cli, "--max: topic add only");
			max = (int)pake_cli_long(cli, "--max", optarg, 1, 100);
			break;
		default:
			pake_cli_usage(cli, "unknown option '%s'",
			    argv[optind - 1]);
		}
	nargs = argc - optind;
	if (strcmp(cmd, "list") == 0 || strcmp(cmd, "poll") == 0) {
		if (nargs > 0)
			pake_cli_usage(cli, "topic %s takes no argument", cmd);
	} else {
		if (nargs < 2)
			pake_cli_usage(cli, "topic %s takes a source and a "
			    "query", cmd);
		cJSON_AddStringToObject(in, "source", argv[optind++]);
		for (; optind < argc; optind++)
			pake_buf_printf(&q, "%s%s", q.len ? " " : "",
			    argv[optind]);
		cJSON_AddStringToObject(in, "query", q.p ? q.p : "");
		pake_buf_free(&q);
		if (max)
			cJSON_AddNumberToObject(in, "max_results", max);
	}
	pake_cli_open(cli);
	out = pake_cli_call(cli, op, in);
	if (cli->json) {
		pake_cli_print_json(out);
		cJSON_Delete(out);
		return pake_cli_done(cli);
	}
	if (strcmp(cmd, "add") == 0)
		printf("%d  %s  %s  (max %d)\n", num(out, "id"),
		    pake_json_str(out, "source"), pake_json_str(out, "query"),
		    num(out, "max_results"));
	else if (strcmp(cmd, "list") == 0)
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(out,
		    "topics")) {
			printf("%d  %s  %s  max %d  saved %d  polled %s",
			    num(t, "id"), pake_json_str(t, "source"), pake_json_str(t, "query"),
			    num(t, "max_results"), num(t, "saved"),
			    pake_json_str(t, "polled") ? pake_json_str(t, "polled") : "never");
			if (pake_json_str(t, "last_error"))
				printf("  error: %s", pake_json_str(t, "last_error"));
			putchar('\n');
		}
	else if (strcmp(cmd, "poll") == 0)
		topics_polled(cJSON_GetObjectItemCaseSensitive(out, "topics"));
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

/* pake-ingest poll: every feed and every topic. */
static int
poll_main(pake_cli *cli, int argc, char **argv)
{
	const cJSON *f;
	cJSON *out;

	(void)argv;
	if (argc > 1)
		pake_cli_usage(cli, "poll takes no argument");
	pake_cli_open(cli);
	out = pake_cli_call(cli, "ingest_poll", cJSON_CreateObject());
	if (cli->json) {
		pake_cli_print_json(out);
		cJSON_Delete(out);
		return pake_cli_done(cli);
	}
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(out, "feeds")) {
		printf("%s  %s  %d new", pake_json_str(f, "url"), pake_json_str(f, "status"),
		    num(f, "new_items"));
		if (pake_json_str(f, "error"))
			printf("  error: %s", pake_json_str(f, "error"));
		putchar('\n');
	}
	topics_polled(cJSON_GetObjectItemCaseSensitive(out, "topics"));
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

int
main(int argc, char **argv)
{
	static const char *const srcs[] = {"arxiv", "pubmed", "web", "url"};
	cJSON *in, *out;
	const cJSON *r, *saved;
	const char *src = NULL;
	pake_buf q = {0};
	pake_cli cli;
	size_t i;
	int c, k = 0;

	pake_cli_init(&cli, "pake-ingest", usage, &argc, argv);
	opterr = 0;
	if (argc < 2)
		pake_cli_usage(&cli, "missing source");
	if (strcmp(argv[1], "feed") == 0)
		return feed_main(&cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "topic") == 0)
		return topic_main(&cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "poll") == 0)
		return poll_main(&cli, argc - 1, argv + 1);
	for (i = 0; i < sizeof srcs / sizeof *srcs; i++)
		if (strcmp(argv[1], srcs[i]) == 0)
			src = srcs[i];
	if (src == NULL)
		pake_cli_usage(&cli, "unknown source '%s'", argv[1]);
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "source", src);
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		switch (c) {
		case O_MAX:
			cJSON_AddNumberToObject(in, "max_results", (double)
			    pake_cli_long(&cli, "--max", optarg, 1, 100));
			break;
		case O_START:
			if (strcmp(src, "arxiv") && strcmp(src, "pubmed"))
				pake_cli_usage(&cli, "--start: arxiv and "
				    "pubmed only");
			cJSON_AddNumberToObject(in, "start", (double)
			    pake_cli_long(&cli, "--start", optarg, 0, 10000));
			break;
		case O_SORT:
			if (strcmp(src, "arxiv") != 0)
				pake_cli_usage(&cli, "--sort: arxiv only");
			if (strcmp(optarg, "relevance") == 0)
				cJSON_AddStringToObject(in, "sort", "relevance");
			else if (strcmp(optarg, "submitted") == 0)
				cJSON_AddStringToObject(in, "sort",
				    "submittedDate");
			else if (strcmp(optarg, "updated") == 0)
				cJSON_AddStringToObject(in, "sort",
				    "lastUpdatedDate");
			else
				pake_cli_usage(&cli, "--sort: relevance, "
				    "submitted or updated");
			break;
		case O_SAVE:
			cJSON_AddBoolToObject(in, "save", 1);
			break;
		default:
			pake_cli_usage(&cli, "unknown option '%s'",
			    argv[optind - 1]);
		}
	if (optind >= argc)
		pake_cli_usage(&cli, strcmp(src, "url") == 0 ? "url takes a URL"
		    : "%s takes a query", src);
	if (strcmp(src, "url") == 0) {
		if (optind + 1 < argc)
			pake_cli_usage(&cli, "unexpected argument '%s'",
			    argv[optind + 1]);
		cJSON_AddStringToObject(in, "url", argv[optind]);
	} else {
		for (; optind < argc; optind++)
			pake_buf_printf(&q, "%s%s", q.len ? " " : "",
			    argv[optind]);
		cJSON_AddStringToObject(in, "query", q.p);
		pake_buf_free(&q);
	}
	pake_cli_open(&cli);
	out = pake_cli_call(&cli, "ingest", in);
	if (cli.json) {
		pake_cli_print_json(out);
		cJSON_Delete(out);
		return pake_cli_done(&cli);
	}
	saved = cJSON_GetObjectItemCaseSensitive(out, "saved");
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(out,
	    "results")) {
		const cJSON *s = cJSON_GetArrayItem(saved, k++);
		char id[512];

		ident(r, id, sizeof id);
		printf("%s  %s  %s", id, pake_json_str(r, "published") ?
		    pake_json_str(r, "published") : "-", pake_json_str(r, "title"));
		fate(s);
		putchar('\n');
	}
	{
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(out, "total");

		if (cJSON_IsNumber(t))
			fprintf(stderr, "pake-ingest: %d of %.0f found\n", k,
			    t->valuedouble);
	}
	cJSON_Delete(out);
	return pake_cli_done(&cli);
}
