/*
 * pake-analyze: reading the notes -- summaries and keywords weighed
 * against the tenant's own notes (issue 12).
 *
 *   pake-analyze summarize ID [--sentences N] [--type T] [--save]
 *   pake-analyze summarize --file F|-  [--sentences N] [--type T]
 *
 * Each command builds the input of its registry operation (summarize_note
 * for a note, summarize for a text), calls it, and prints: the summary,
 * then its key points and keywords (--json: the operation's JSON).  See
 * pake-analyze(1).
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pake/cli.h"
#include "pake/util.h"

#define TEXT_MAX	(10 * 1024 * 1024)	/* bytes read by --file */

static const char usage[] =
"usage: pake-analyze summarize ID [--sentences N] [--type T] [--save]\n"
"       pake-analyze summarize --file F [--sentences N] [--type T]\n"
"\n"
"summarize prints an extractive summary of a note (or of the markdown in\n"
"file F, - for standard input): the sentences that carry the most weight\n"
"against the tenant's notes, without near repeats, in their order; then\n"
"its key points and keywords.  --sentences N (1 to 10, default 3),\n"
"--type general|academic|web (cue words), --save writes the summary into\n"
"the note's summary field (a new version).  --json prints the result.\n"
"Common flags: --db PATH --vault DIR --tenant T --config FILE\n"
"--log-level L --set KEY=VALUE.\n";

enum { O_SENT = 1, O_TYPE, O_SAVE, O_FILE };

static const struct option longopts[] = {
	{"sentences", required_argument, NULL, O_SENT},
	{"type", required_argument, NULL, O_TYPE},
	{"save", no_argument, NULL, O_SAVE},
	{"file", required_argument, NULL, O_FILE},
	{NULL, 0, NULL, 0},
};

/* The whole of a file (or standard input for "-"), at most TEXT_MAX. */
static char *
slurp(pake_cli *cli, const char *path)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	pake_buf b = {0};
	char chunk[65536];
	ssize_t n;

	if (fd < 0)
		pake_cli_usage(cli, "cannot read %s", path);
	while ((n = read(fd, chunk, sizeof chunk)) > 0) {
		if (b.len + (size_t)n > TEXT_MAX)
			pake_cli_usage(cli, "%s: over %d bytes", path, TEXT_MAX);
		pake_buf_put(&b, chunk, (size_t)n);
	}
	if (fd != 0)
		close(fd);
	if (n < 0)
		pake_cli_usage(cli, "cannot read %s", path);
	pake_buf_putc(&b, '\0');
	return pake_buf_take(&b);
}

static void
print_list(const char *head, const cJSON *a)
{
	const cJSON *x;

	if (cJSON_GetArraySize(a) == 0)
		return;
	printf("\n%s:\n", head);
	cJSON_ArrayForEach(x, a)
		printf("  %s\n", x->valuestring);
}

static int
cmd_summarize(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = cJSON_CreateObject(), *out, *res;
	const char *file = NULL, *id;
	int c, save = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		switch (c) {
		case O_SENT:
			cJSON_AddNumberToObject(in, "target_sentences",
			    (double)pake_cli_long(cli, "--sentences", optarg,
			    1, 10));
			break;
		case O_TYPE:
			cJSON_AddStringToObject(in, "content_type", optarg);
			break;
		case O_SAVE:
			save = 1;
			break;
		case O_FILE:
			file = optarg;
			break;
		default:
			pake_cli_usage(cli, "unknown option");
		}
	id = optind < argc ? argv[optind] : NULL;
	if ((id == NULL) == (file == NULL))
		pake_cli_usage(cli, "summarize takes a note ID or --file");
	if (id && optind + 1 < argc)
		pake_cli_usage(cli, "unexpected argument '%s'", argv[optind + 1]);
	if (file && save)
		pake_cli_usage(cli, "--save needs a note ID");
	if (file) {
		char *text = slurp(cli, file);

		cJSON_AddStringToObject(in, "content", text);
		free(text);
	} else {
		cJSON_AddStringToObject(in, "pake_id", id);
		cJSON_AddBoolToObject(in, "save", save);
	}
	pake_cli_open(cli);
	out = pake_cli_call(cli, file ? "summarize" : "summarize_note", in);
	if (cli->json)
		pake_cli_print_json(out);
	else {
		res = cJSON_GetObjectItem(out, "summary_result");
		printf("%s\n", cJSON_GetStringValue(cJSON_GetObjectItem(res,
		    "extractive_summary")));
		print_list("Key points", cJSON_GetObjectItem(res,
		    "key_points"));
		print_list("Keywords", cJSON_GetObjectItem(res, "keywords"));
		if (cJSON_IsTrue(cJSON_GetObjectItem(out, "saved")))
			fprintf(stderr, "pake-analyze: saved as the summary of "
			    "%s (version %.0f)\n", id, cJSON_GetNumberValue(
			    cJSON_GetObjectItem(out, "version")));
	}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

int
main(int argc, char **argv)
{
	pake_cli cli;

	pake_cli_init(&cli, "pake-analyze", usage, &argc, argv);
	if (argc < 2)
		pake_cli_usage(&cli, "a command is required");
	if (strcmp(argv[1], "summarize") == 0)
		return cmd_summarize(&cli, argc - 1, argv + 1);
	pake_cli_usage(&cli, "unknown command '%s'", argv[1]);
}
