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
"       pake-note get ID [--json]\n"
"       pake-note list [--limit N] [--cursor C] [--json]\n"
"       pake-note edit ID [same flags as add; --file replaces the body]\n"
"       pake-note rm ID [--json]\n"
"\n"
"The body of add comes from --file F, or standard input when it is not a\n"
"terminal (--file - reads standard input explicitly).  add prints the new\n"
"pake_id; get prints the note as markdown with frontmatter.  --json prints\n"
"the note object instead.  Common flags: --db PATH --vault DIR --tenant T\n"
"--config FILE --log-level L --log-format F --set KEY=VALUE.\n";

enum { O_TITLE = 1, O_TYPE, O_STATUS, O_TAG, O_CONF, O_SOURCE, O_SUMMARY,
	O_HUMAN, O_FILE, O_LIMIT, O_CURSOR, O_NOTAGS };

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
	if (adding && !cJSON_GetObjectItem(in, "title"))
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
		puts(cJSON_GetStringValue(cJSON_GetObjectItem(out, "pake_id")));
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

static int
cmd_get(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = id_arg(cli, argc, argv, "get"), *out;

	if (argc > 2)
		pake_cli_usage(cli, "unexpected argument '%s'", argv[2]);
	if (!cli->json)
		cJSON_AddStringToObject(in, "format", "markdown");
	pake_cli_open(cli);
	out = pake_cli_call(cli, "get_note", in);
	if (cli->json)
		pake_cli_print_json(out);
	else
		fputs(cJSON_GetStringValue(cJSON_GetObjectItem(out, "markdown")),
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
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(out, "notes")) {
			m = cJSON_GetObjectItem(it, "metadata");
			printf("%s  %-11s  %.10s  %s\n",
			    cJSON_GetStringValue(cJSON_GetObjectItem(it, "pake_id")),
			    cJSON_GetStringValue(cJSON_GetObjectItem(m, "type")),
			    cJSON_GetStringValue(cJSON_GetObjectItem(m,
			    "modified_at")),
			    cJSON_GetStringValue(cJSON_GetObjectItem(it, "title")));
		}
		next = cJSON_GetStringValue(cJSON_GetObjectItem(out,
		    "next_cursor"));
		if (next)
			fprintf(stderr, "more: pake-note list --cursor %s\n", next);
	}
	cJSON_Delete(out);
	return pake_cli_done(cli);
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
	else
		puts(cJSON_GetStringValue(cJSON_GetObjectItem(out, "pake_id")));
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static int
cmd_rm(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = id_arg(cli, argc, argv, "rm"), *out;

	if (argc > 2)
		pake_cli_usage(cli, "unexpected argument '%s'", argv[2]);
	pake_cli_open(cli);
	out = pake_cli_call(cli, "delete_note", in);
	if (cli->json)
		pake_cli_print_json(out);
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
