/*
 * pake-note: add, read, list, change and remove notes from the shell.
 *
 * Each subcommand turns its arguments into the JSON input of one registry
 * operation (create_note, get_note, list_notes, update_note, delete_note)
 * and prints the result; see pake-note(1).
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include "pake/cli.h"
#include "pake/util.h"

static const char usage[] =
"usage: pake-note add --title T [--type X] [--status S] [--tag T]...\n"
"                     [--confidence F] [--source URI] [--summary S]\n"
"                     [--human-notes S] [--file F] [--json]\n"
"       pake-note get ID [--version N] [--json]\n"
"       pake-note list [--limit N] [--cursor C] [--json]\n"
"       pake-note edit ID [--if-version V] [flags of add; --file: the body]\n"
"       pake-note rm ID [--if-version V] [--json]\n"
"       pake-note log ID [--json]\n"
"       pake-note diff ID [N [M]]\n"
"       pake-note restore ID N [--if-version V] [--json]\n"
"       pake-note deleted [--limit N] [--json]\n"
"       pake-note prune [--keep N] [--older-than-days D] [--json]\n"
"       pake-note conflicts [--limit N] [--json]\n"
"       pake-note export --bibtex [ID...] [--json]\n"
"\n"
"The body of add comes from --file F, or standard input when it is not a\n"
"terminal (--file - reads standard input explicitly).  add prints the new\n"
"pake_id; get prints the note as markdown with frontmatter.  --json prints\n"
"the note object instead.  Every change is a version: log lists them, get\n"
"--version shows one, diff compares two (default: the last change),\n"
"restore makes one current again.  --if-version V changes nothing unless\n"
"the note is still at version V (exit 75, precondition_failed).\n"
"Common flags: --db PATH --vault DIR --tenant T\n"
"--config FILE --log-level L --log-format F --set KEY=VALUE.\n";

enum { O_TITLE = 1, O_TYPE, O_STATUS, O_TAG, O_CONF, O_SOURCE, O_SUMMARY,
	O_HUMAN, O_FILE, O_LIMIT, O_CURSOR, O_NOTAGS, O_IFVER, O_VERSION,
	O_KEEP, O_DAYS, O_BIBTEX };

static const struct option longopts[] = {
	{"title", required_argument, NULL, O_TITLE},
	{"type", required_argument, NULL, O_TYPE},
	{"status", required_argument, NULL, O_STATUS},
	{"tag", required_argument, NULL, O_TAG},
	{"no-tags", no_argument, NULL, O_NOTAGS},
	{"confidence", required_argument, NULL, O_CONF},
	{"source", required_argument, NULL, O_SOURCE},
	{"summary", required_argument, NULL, O_SUMMARY},
	{"human-notes", required_argument, NULL, O_HUMAN},
	{"file", required_argument, NULL, O_FILE},
	{"limit", required_argument, NULL, O_LIMIT},
	{"cursor", required_argument, NULL, O_CURSOR},
	{"if-version", required_argument, NULL, O_IFVER},
	{"version", required_argument, NULL, O_VERSION},
	{"keep", required_argument, NULL, O_KEEP},
	{"older-than-days", required_argument, NULL, O_DAYS},
	{"bibtex", no_argument, NULL, O_BIBTEX},
	{NULL, 0, NULL, 0},
};

/* Read the body from path ("-" = standard input). */
static void
read_body(pake_cli *cli, const char *path, cJSON *in)
{
	size_t max = (size_t)pake_config_num(&cli->cfg, PAKE_CFG_MAX_NOTE);
	pake_err e = {0};
	char *text;
	size_t len;
	int rc;

	if (strcmp(path, "-") == 0) {
		/* A closed standard input (as under some CI runners) is an
		 * empty body, not an error. */
		if (fcntl(STDIN_FILENO, F_GETFD) == -1) {
			cJSON_AddStringToObject(in, "content", "");
			return;
		}
		rc = pake_read_fd(STDIN_FILENO, "standard input", max, &text,
		    &len, &e);
	} else
		rc = pake_read_file(path, max, &text, &len, &e);
	if (rc != 0) {
		if (e.code == PAKE_ENOTFOUND)
			pake_cli_usage(cli, "cannot read %s", path);
		pake_cli_die(cli, &e);
	}
	if (memchr(text, '\0', len) || !pake_utf8_valid(text, len)) {
		free(text);
		pake_fail(&e, PAKE_EINVAL, NULL, "content: not UTF-8 text");
		pake_cli_die(cli, &e);
	}
	cJSON_AddStringToObject(in, "content", text);
	free(text);
}

/* Parse the note flags of add and edit into in. */
static void
note_flags(pake_cli *cli, int argc, char **argv, cJSON *in, int adding)
{
	const char *file = NULL;
	cJSON *tags = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_TITLE:
			cJSON_AddStringToObject(in, "title", optarg);
			break;
		case O_TYPE:
			cJSON_AddStringToObject(in, "type", optarg);
			break;
		case O_STATUS:
			cJSON_AddStringToObject(in, "status", optarg);
			break;
		case O_TAG:
			if (tags == NULL)
				tags = cJSON_AddArrayToObject(in, "tags");
			cJSON_AddItemToArray(tags, cJSON_CreateString(optarg));
			break;
		case O_NOTAGS:
			if (tags == NULL)
				tags = cJSON_AddArrayToObject(in, "tags");
			break;
		case O_CONF:
			cJSON_AddNumberToObject(in, "confidence_score",
			    pake_cli_double(cli, "--confidence", optarg, 0, 1));
			break;
		case O_SOURCE:
			cJSON_AddStringToObject(in, "source_uri", optarg);
			break;
		case O_SUMMARY:
			cJSON_AddStringToObject(in, "summary", optarg);
			break;
		case O_HUMAN:
			cJSON_AddStringToObject(in, "human_notes", optarg);
			break;
		case O_IFVER:
			if (adding)
				pake_cli_usage(cli, "--if-version is for edit");
			cJSON_AddNumberToObject(in, "expected_version",
			    (double)pake_cli_long(cli, "--if-version", optarg, 1,
			    1000000000000LL));
			break;
		case O_FILE:
			file = optarg;
			break;
		default:
			pake_cli_usage(cli, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (optind != argc)
		pake_cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (file)
		read_body(cli, file, in);
	else if (adding && !isatty(STDIN_FILENO))
		read_body(cli, "-", in);
	if (adding && !cJSON_GetObjectItemCaseSensitive(in, "title"))
		pake_cli_usage(cli, "add needs --title");
}

static int
cmd_add(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = cJSON_CreateObject(), *out;

	note_flags(cli, argc, argv, in, 1);
	pake_cli_open(cli);
	out = pake_cli_call(cli, "create_note", in);
	if (cli->json)
		pake_cli_print_json(out);
	else
		puts(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "pake_id")));
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

/* An id argument, the only positional one. */
static cJSON *
id_arg(pake_cli *cli, int argc, char **argv, const char *cmd)
{
	cJSON *in;

	if (argc < 2)
		pake_cli_usage(cli, "%s needs a note id", cmd);
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "pake_id", argv[1]);
	return in;
}

/* The options after an ID: --version N and --if-version V only. */
static void
version_flags(pake_cli *cli, int argc, char **argv, cJSON *in, int get)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == O_VERSION && get)
			cJSON_AddNumberToObject(in, "version", (double)
			    pake_cli_long(cli, "--version", optarg, 1,
			    1000000000000LL));
		else if (c == O_IFVER && !get)
			cJSON_AddNumberToObject(in, "expected_version", (double)
			    pake_cli_long(cli, "--if-version", optarg, 1,
			    1000000000000LL));
		else
			pake_cli_usage(cli, "unknown option '%s'",
			    argv[optind - 1]);
	}
}

static int
cmd_get(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = id_arg(cli, argc, argv, "get"), *out;

	version_flags(cli, argc - 1, argv + 1, in, 1);
	if (optind + 1 < argc)
		pake_cli_usage(cli, "unexpected argument '%s'",
		    argv[optind + 1]);
	if (!cli->json)
		cJSON_AddStringToObject(in, "format", "markdown");
	pake_cli_open(cli);
	out = pake_cli_call(cli, "get_note", in);
	if (cli->json)
		pake_cli_print_json(out);
	else
		fputs(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "markdown")),
		    stdout);
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_list(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = cJSON_CreateObject(), *out, *it, *m;
	const char *next;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == O_LIMIT)
			cJSON_AddNumberToObject(in, "limit", (double)pake_cli_long(
			    cli, "--limit", optarg, 1, 100));
		else if (c == O_CURSOR)
			cJSON_AddStringToObject(in, "cursor", optarg);
		else
			pake_cli_usage(cli, "unknown option '%s'",
			    argv[optind - 1]);
	}
	if (optind != argc)
		pake_cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	pake_cli_open(cli);
	out = pake_cli_call(cli, "list_notes", in);
	if (cli->json) {
		pake_cli_print_json(out);
	} else {
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(out, "notes")) {
			m = cJSON_GetObjectItemCaseSensitive(it, "metadata");
			printf("%s  %-11s  %.10s  %s\n",
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "pake_id")),
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "type")),
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m,
			    "modified_at")),
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "title")));
		}
		next = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out,
		    "next_cursor"));
		if (next)
			fprintf(stderr, "more: pake-note list --cursor %s\n", next);
	}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

/* Links of other notes a rename or delete left naming nothing: said on
 * standard error (the result has them as dangling_links). */
static void
tell_dangling(const cJSON *out)
{
	const cJSON *d;

	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(out, "dangling_links"))
		fprintf(stderr, "pake-note: the link of \"%.200s\" to "
		    "\"%.200s\" names nothing now\n",
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "from")) ?
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "from")) : "?",
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "target")) ?
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "target")) :
		    "?");
}

static int
cmd_edit(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = id_arg(cli, argc, argv, "edit"), *out;

	note_flags(cli, argc - 1, argv + 1, in, 0);
	if (cJSON_GetArraySize(in) < 2)
		pake_cli_usage(cli, "edit needs at least one field to change");
	pake_cli_open(cli);
	out = pake_cli_call(cli, "update_note", in);
	if (cli->json)
		pake_cli_print_json(out);
	else {
		puts(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "pake_id")));
		tell_dangling(out);
	}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_rm(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = id_arg(cli, argc, argv, "rm"), *out;

	version_flags(cli, argc - 1, argv + 1, in, 0);
	if (optind + 1 < argc)
		pake_cli_usage(cli, "unexpected argument '%s'",
		    argv[optind + 1]);
	pake_cli_open(cli);
	out = pake_cli_call(cli, "delete_note", in);
	if (cli->json)
		pake_cli_print_json(out);
	else
		tell_dangling(out);
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_log(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = id_arg(cli, argc, argv, "log"), *out, *it;

	if (argc > 2)
		pake_cli_usage(cli, "unexpected argument '%s'", argv[2]);
	pake_cli_open(cli);
	out = pake_cli_call(cli, "note_history", in);
	if (cli->json)
		pake_cli_print_json(out);
	else
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(out, "versions"))
			printf("%-4.0f %s  %-8s %-10s %-11s %s\n",
			    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(it,
			    "version")), pake_json_str(it, "time"), pake_json_str(it, "op"),
			    pake_json_str(it, "actor"), pake_json_str(it, "front"),
			    pake_json_str(it, "title"));
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_diff(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = id_arg(cli, argc, argv, "diff"), *out;

	if (argc > 4)
		pake_cli_usage(cli, "unexpected argument '%s'", argv[4]);
	if (argc > 2)
		cJSON_AddNumberToObject(in, "from", (double)pake_cli_long(cli,
		    "N", argv[2], 1, 1000000000000LL));
	if (argc > 3)
		cJSON_AddNumberToObject(in, "to", (double)pake_cli_long(cli,
		    "M", argv[3], 1, 1000000000000LL));
	pake_cli_open(cli);
	out = pake_cli_call(cli, "note_diff", in);
	if (cli->json)
		pake_cli_print_json(out);
	else
		fputs(pake_json_str(out, "diff")[0] == '-' && pake_json_str(out, "diff")[1] ==
		    '\0' ? "" : pake_json_str(out, "diff"), stdout);
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_restore(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = id_arg(cli, argc, argv, "restore"), *out;

	if (argc < 3)
		pake_cli_usage(cli, "restore needs a version number");
	cJSON_AddNumberToObject(in, "version", (double)pake_cli_long(cli, "N",
	    argv[2], 1, 1000000000000LL));
	version_flags(cli, argc - 2, argv + 2, in, 0);
	if (optind + 2 < argc)
		pake_cli_usage(cli, "unexpected argument '%s'",
		    argv[optind + 2]);
	pake_cli_open(cli);
	out = pake_cli_call(cli, "note_restore", in);
	if (cli->json)
		pake_cli_print_json(out);
	else
		printf("%s version %.0f\n", pake_json_str(out, "pake_id"),
		    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(out, "version")));
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
list_versions(pake_cli *cli, int argc, char **argv, const char *op,
    const char *key)
{
	cJSON *in = cJSON_CreateObject(), *out, *it;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == O_LIMIT)
			cJSON_AddNumberToObject(in, "limit", (double)pake_cli_long(
			    cli, "--limit", optarg, 1, 1000));
		else
			pake_cli_usage(cli, "unknown option '%s'",
			    argv[optind - 1]);
	}
	if (optind != argc)
		pake_cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	pake_cli_open(cli);
	out = pake_cli_call(cli, op, in);
	if (cli->json)
		pake_cli_print_json(out);
	else
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(out, key))
			printf("%s  %s  %-4.0f %s\n", pake_json_str(it, "pake_id"),
			    pake_json_str(it, "time"), cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(it, "version")) -
			    (strcmp(key, "deleted") == 0),
			    pake_json_str(it, "title"));
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_conflicts(pake_cli *cli, int argc, char **argv)
{
	return list_versions(cli, argc, argv, "note_conflicts", "conflicts");
}

static int
cmd_deleted(pake_cli *cli, int argc, char **argv)
{
	return list_versions(cli, argc, argv, "deleted_notes", "deleted");
}

static int
cmd_prune(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = cJSON_CreateObject(), *out;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == O_KEEP)
			cJSON_AddNumberToObject(in, "keep", (double)pake_cli_long(
			    cli, "--keep", optarg, 1, 1000000));
		else if (c == O_DAYS)
			cJSON_AddNumberToObject(in, "older_than_days", (double)
			    pake_cli_long(cli, "--older-than-days", optarg, 0,
			    100000));
		else
			pake_cli_usage(cli, "unknown option '%s'",
			    argv[optind - 1]);
	}
	if (optind != argc)
		pake_cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	pake_cli_open(cli);
	out = pake_cli_call(cli, "prune_versions", in);
	if (cli->json)
		pake_cli_print_json(out);
	else
		printf("dropped %.0f versions, kept the newest %.0f of each "
		    "note\n", cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(out,
		    "dropped")), cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(out,
		    "keep")));
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

/* export --bibtex [ID...]: the notes' BibTeX as one .bib text (every
 * SourceNote when no ID is given). */
static int
cmd_export(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = cJSON_CreateObject(), *out, *ids = NULL;
	int c, bib = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == O_BIBTEX)
			bib = 1;
		else
			pake_cli_usage(cli, "unknown option '%s'",
			    argv[optind - 1]);
	}
	if (!bib)
		pake_cli_usage(cli, "export needs a format: --bibtex");
	for (; optind < argc; optind++) {
		if (ids == NULL)
			ids = cJSON_AddArrayToObject(in, "pake_ids");
		cJSON_AddItemToArray(ids, cJSON_CreateString(argv[optind]));
	}
	pake_cli_open(cli);
	out = pake_cli_call(cli, "export_bibtex", in);
	if (cli->json)
		pake_cli_print_json(out);
	else
		fputs(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out,
		    "bibtex")), stdout);
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(pake_cli *, int, char **);
	} cmds[] = {
		{"add", cmd_add}, {"get", cmd_get}, {"list", cmd_list},
		{"ls", cmd_list}, {"edit", cmd_edit}, {"rm", cmd_rm},
		{"log", cmd_log}, {"diff", cmd_diff}, {"restore", cmd_restore},
		{"deleted", cmd_deleted}, {"prune", cmd_prune},
		{"conflicts", cmd_conflicts}, {"export", cmd_export},
	};
	pake_cli cli;
	size_t i;

	pake_cli_init(&cli, "pake-note", usage, &argc, argv);
	opterr = 0;
	if (argc < 2)
		pake_cli_usage(&cli, "missing command");
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(&cli, argc - 1, argv + 1);
	pake_cli_usage(&cli, "unknown command '%s'", argv[1]);
}
