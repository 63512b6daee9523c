/*
 * pake-analyze: reading the notes -- summaries and keywords weighed
 * against the tenant's own notes (issue 12).
 *
 *   pake-analyze summarize ID [--sentences N] [--type T] [--save]
 *   pake-analyze summarize --file F|-  [--sentences N] [--type T]
 *   pake-analyze related ID [--limit N]
 *   pake-analyze refit [--dims N] [--min-drift F]
 *   pake-analyze vectors
 *
 * Each command builds the input of its registry operation (summarize_note
 * for a note, summarize for a text; related_notes, vectors_refit,
 * vectors_status), calls it, and prints: the summary, then its key points
 * and keywords; a line per related note; what a fit made (--json: the
 * operation's JSON).  See pake-analyze(1).
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
"       pake-analyze related ID [--limit N]\n"
"       pake-analyze refit [--dims N] [--min-drift F]\n"
"       pake-analyze vectors\n"
"       pake-analyze clusters [--k N]\n"
"\n"
"summarize prints an extractive summary of a note (or of the markdown in\n"
"file F, - for standard input): the sentences that carry the most weight\n"
"against the tenant's notes, without near repeats, in their order; then\n"
"its key points and keywords.  --sentences N (1 to 10, default 3),\n"
"--type general|academic|web (cue words), --save writes the summary into\n"
"the note's summary field (a new version).\n"
"\n"
"related prints the notes nearest note ID in meaning, best first, a line\n"
"each: score, pake_id, title (--limit N: 1 to 100, default 10).  refit\n"
"fits the tenant's note vectors (LSA, --dims N: 1 to 256, default 128;\n"
"--min-drift F keeps a model whose notes written since the fit are fewer\n"
"than F times the notes it had; with an embeddings provider configured,\n"
"refit embeds the notes that wait); vectors says what is fitted.  clusters groups the notes by meaning\n"
"(k-means on their vectors; --k N: 2 to 50, default sqrt(notes / 2)):\n"
"a line per cluster (size and label), its nearest notes under it.\n"
"--json prints the result.\n"
"Common flags: --db PATH --vault DIR --tenant T --config FILE\n"
"--log-level L --set KEY=VALUE.\n";

enum { O_SENT = 1, O_TYPE, O_SAVE, O_FILE, O_LIMIT, O_DIMS, O_K, O_DRIFT };

static const struct option longopts[] = {
	{"sentences", required_argument, NULL, O_SENT},
	{"type", required_argument, NULL, O_TYPE},
	{"save", no_argument, NULL, O_SAVE},
	{"file", required_argument, NULL, O_FILE},
	{"limit", required_argument, NULL, O_LIMIT},
	{"dims", required_argument, NULL, O_DIMS},
	{"min-drift", required_argument, NULL, O_DRIFT},
	{"k", required_argument, NULL, O_K},
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
		res = cJSON_GetObjectItemCaseSensitive(out, "summary_result");
		printf("%s\n", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res,
		    "extractive_summary")));
		print_list("Key points", cJSON_GetObjectItemCaseSensitive(res,
		    "key_points"));
		print_list("Keywords", cJSON_GetObjectItemCaseSensitive(res, "keywords"));
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "saved")))
			fprintf(stderr, "pake-analyze: saved as the summary of "
			    "%s (version %.0f)\n", id, cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(out, "version")));
	}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

/* Parse the options of related, refit and vectors into in: --limit for
 * related, --dims for refit; returns the first operand (NULL: none). */
static const char *
vec_args(pake_cli *cli, const char *cmd, int argc, char **argv, cJSON *in)
{
	const char *arg;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if (c == O_LIMIT && strcmp(cmd, "related") == 0)
			cJSON_AddNumberToObject(in, "limit", (double)pake_cli_long(
			    cli, "--limit", optarg, 1, 100));
		else if (c == O_K && strcmp(cmd, "clusters") == 0)
			cJSON_AddNumberToObject(in, "k", (double)pake_cli_long(
			    cli, "--k", optarg, 2, 50));
		else if (c == O_DIMS && strcmp(cmd, "refit") == 0)
			cJSON_AddNumberToObject(in, "dims", (double)pake_cli_long(
			    cli, "--dims", optarg, 1, 256));
		else if (c == O_DRIFT && strcmp(cmd, "refit") == 0) {
			char *end;
			double f = strtod(optarg, &end);

			if (end == optarg || *end || !(f >= 0 && f <= 100))
				pake_cli_usage(cli, "--min-drift: a number from "
				    "0 to 100");
			cJSON_AddNumberToObject(in, "min_drift", f);
		}
		else
			pake_cli_usage(cli, "unknown option for %s", cmd);
	arg = optind < argc ? argv[optind] : NULL;
	if (arg && optind + 1 < argc)
		pake_cli_usage(cli, "unexpected argument '%s'", argv[optind + 1]);
	return arg;
}

/* related ID: a line per related note, "0.873  <pake_id>  <title>". */
static int
cmd_related(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = cJSON_CreateObject(), *out;
	const cJSON *x, *reason;
	const char *id = vec_args(cli, "related", argc, argv, in);

	if (id == NULL)
		pake_cli_usage(cli, "related takes a note ID");
	cJSON_AddStringToObject(in, "pake_id", id);
	pake_cli_open(cli);
	out = pake_cli_call(cli, "related_notes", in);
	if (cli->json)
		pake_cli_print_json(out);
	else {
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(out, "related"))
			printf("%.3f  %s  %s\n", cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(x, "score")),
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x,
			    "pake_id")), cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(x, "title")));
		if ((reason = cJSON_GetObjectItemCaseSensitive(out, "reason")) != NULL)
			fprintf(stderr, "pake-analyze: %s\n",
			    cJSON_GetStringValue(reason));
	}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

/* refit and vectors: the operation's result, as "key: value" lines. */
static int
cmd_vectors(pake_cli *cli, const char *cmd, int argc, char **argv)
{
	cJSON *in = cJSON_CreateObject(), *out;
	const cJSON *x;
	int refit = strcmp(cmd, "refit") == 0;

	if (vec_args(cli, cmd, argc, argv, in) != NULL)
		pake_cli_usage(cli, "%s takes no operand", cmd);
	pake_cli_open(cli);
	/* A large corpus's fit reports its progress in the log (info). */
	if (refit && cli->log.level > PAKE_LOG_INFO)
		cli->log.level = PAKE_LOG_INFO;
	out = pake_cli_call(cli, refit ? "vectors_refit" : "vectors_status",
	    in);
	if (cli->json)
		pake_cli_print_json(out);
	else
		cJSON_ArrayForEach(x, out) {
			if (cJSON_IsNumber(x))
				printf("%s: %g\n", x->string, x->valuedouble);
			else if (cJSON_IsString(x))
				printf("%s: %s\n", x->string, x->valuestring);
			else if (cJSON_IsBool(x))
				printf("%s: %s\n", x->string, cJSON_IsTrue(x) ?
				    "yes" : "no");
			else
				printf("%s: -\n", x->string);
		}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

/* clusters: "size  label" per cluster, its nearest notes indented. */
static int
cmd_clusters(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = cJSON_CreateObject(), *out;
	const cJSON *cl, *x;

	if (vec_args(cli, "clusters", argc, argv, in) != NULL)
		pake_cli_usage(cli, "clusters takes no operand");
	pake_cli_open(cli);
	out = pake_cli_call(cli, "note_clusters", in);
	if (cli->json)
		pake_cli_print_json(out);
	else
		cJSON_ArrayForEach(cl, cJSON_GetObjectItemCaseSensitive(out, "clusters")) {
			printf("%.0f notes:", cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(cl, "size")));
			cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(cl, "label"))
				printf(" %s", x->valuestring);
			printf("\n");
			cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(cl, "notes"))
				printf("  %.3f  %s  %s\n", cJSON_GetNumberValue(
				    cJSON_GetObjectItemCaseSensitive(x, "score")),
				    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x,
				    "pake_id")), cJSON_GetStringValue(
				    cJSON_GetObjectItemCaseSensitive(x, "title")));
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
	if (strcmp(argv[1], "related") == 0)
		return cmd_related(&cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "clusters") == 0)
		return cmd_clusters(&cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "refit") == 0 || strcmp(argv[1], "vectors") == 0)
		return cmd_vectors(&cli, argv[1], argc - 1, argv + 1);
	pake_cli_usage(&cli, "unknown command '%s'", argv[1]);
}
