/*
 * pake-vault: import an Obsidian vault, export every note; see
 * pake-vault(1).
 */
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include "pake/cli.h"
#include "pake/vault.h"

static const char usage[] =
"usage: pake-vault import DIR [--write-ids] [--json]\n"
"       pake-vault export DIR [--json]\n"
"       pake-vault watch [--no-catch-up] [--json]\n"
"\n"
"import reads every *.md below DIR (folders starting with '.' are\n"
"skipped) into the database and the vault.  A file without a pake_id gets\n"
"one; --write-ids also writes it into the file's frontmatter.  Files that\n"
"cannot be imported are reported and skipped; importing again creates no\n"
"duplicates.  Exit 0 when every file was imported, 65 when some were\n"
"skipped.  export writes every note to DIR/<folder>/<name>.md.  watch\n"
"follows the vault and imports every file saved, added, renamed or\n"
"deleted there as it happens, one line per change, until SIGTERM.\n"
"Common flags: --db PATH --vault DIR --tenant T --config FILE.\n";

struct report {
	int tty, progress_shown;
	cJSON *skipped;		/* with --json */
};

static void
on_report(void *arg, const char *path, const char *reason,
    const pake_import_stats *st)
{
	struct report *r = arg;

	if (path == NULL) {		/* progress */
		if (r->tty) {
			fprintf(stderr, "\rpake-vault: %lld files, %lld new, "
			    "%lld skipped", (long long)st->seen,
			    (long long)st->created, (long long)st->skipped);
			r->progress_shown = 1;
		}
		return;
	}
	if (r->progress_shown) {
		fputc('\n', stderr);
		r->progress_shown = 0;
	}
	fprintf(stderr, "pake-vault: skipped %s: %s\n", path, reason);
	if (r->skipped) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "path", path);
		cJSON_AddStringToObject(o, "reason", reason);
		cJSON_AddItemToArray(r->skipped, o);
	}
}

static int
cmd_import(pake_cli *cli, int argc, char **argv)
{
	struct report r = {isatty(STDERR_FILENO), 0, NULL};
	pake_import_stats st;
	const char *dir = NULL;
	pake_err e = {0};
	int flags = 0, i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--write-ids") == 0)
			flags |= PAKE_IMPORT_WRITE_IDS;
		else if (argv[i][0] == '-' && argv[i][1])
			pake_cli_usage(cli, "unknown option '%s'", argv[i]);
		else if (dir == NULL)
			dir = argv[i];
		else
			pake_cli_usage(cli, "unexpected argument '%s'", argv[i]);
	}
	if (dir == NULL)
		pake_cli_usage(cli, "import needs a folder");
	pake_cli_open(cli);
	if (cli->json)
		r.skipped = cJSON_CreateArray();
	rc = pake_vault_import(&cli->ctx, dir, flags, on_report, &r, &st, &e);
	if (r.progress_shown)
		fputc('\n', stderr);
	if (rc != 0) {
		cJSON_Delete(r.skipped);
		pake_cli_die(cli, &e);
	}
	if (cli->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "seen", (double)st.seen);
		cJSON_AddNumberToObject(o, "created", (double)st.created);
		cJSON_AddNumberToObject(o, "updated", (double)st.updated);
		cJSON_AddNumberToObject(o, "unchanged", (double)st.unchanged);
		cJSON_AddNumberToObject(o, "skipped", (double)st.skipped);
		cJSON_AddNumberToObject(o, "ids_written", (double)st.ids_written);
		cJSON_AddNumberToObject(o, "bytes", (double)st.bytes);
		cJSON_AddItemToObject(o, "skipped_files", r.skipped);
		pake_cli_print_json(o);
		cJSON_Delete(o);
	} else {
		printf("%lld files: %lld created, %lld updated, %lld unchanged, "
		    "%lld skipped\n", (long long)st.seen, (long long)st.created,
		    (long long)st.updated, (long long)st.unchanged,
		    (long long)st.skipped);
	}
	rc = pake_cli_done(cli);
	return rc ? rc : st.skipped ? EX_DATAERR : EX_OK;
}

static volatile int stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
on_change(void *arg, const char *event, const char *rel,
    const pake_file_sync *out, int rc, const pake_err *e)
{
	pake_cli *cli = arg;
	cJSON *o;

	if (cli->json) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "event", event);
		cJSON_AddStringToObject(o, "path", rel);
		if (rc != 0) {
			cJSON_AddStringToObject(o, "error", pake_code_name(rc));
			cJSON_AddStringToObject(o, "message", e->msg ? e->msg :
			    pake_code_message(rc));
		} else if (out) {
			cJSON_AddStringToObject(o, "action", out->action);
			if (out->pake_id[0])
				cJSON_AddStringToObject(o, "pake_id",
				    out->pake_id);
		}
		{
			char *s = cJSON_PrintUnformatted(o);
			if (s)
				puts(s);
			free(s);
		}
		cJSON_Delete(o);
	} else if (out == NULL && rc == 0)
		printf("watching %s\n", cli->ctx.vault);
	else if (rc != 0)
		printf("%s %s: %s\n", event, rel, e->msg ? e->msg :
		    pake_code_message(rc));
	else
		printf("%s %s: %s%s%s\n", event, rel, out->action,
		    out->pake_id[0] ? " " : "", out->pake_id);
	fflush(stdout);
}

static int
cmd_watch(pake_cli *cli, int argc, char **argv)
{
	struct sigaction sa;
	pake_err e = {0};
	int catch_up = 1, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-catch-up") == 0)
			catch_up = 0;
		else
			pake_cli_usage(cli, "unexpected argument '%s'", argv[i]);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	pake_cli_open(cli);
	if (pake_vault_watch(&cli->ctx, catch_up, on_change, cli, &stopping,
	    &e) != 0)
		pake_cli_die(cli, &e);
	return pake_cli_done(cli);
}

static int
cmd_export(pake_cli *cli, int argc, char **argv)
{
	pake_err e = {0};
	int64_t n;

	if (argc != 2 || (argv[1][0] == '-' && argv[1][1]))
		pake_cli_usage(cli, "export needs exactly one folder");
	pake_cli_open(cli);
	if (pake_vault_export(&cli->ctx, argv[1], &n, &e) != 0)
		pake_cli_die(cli, &e);
	if (cli->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "exported", (double)n);
		cJSON_AddStringToObject(o, "dir", argv[1]);
		pake_cli_print_json(o);
		cJSON_Delete(o);
	} else
		printf("%lld notes exported to %s\n", (long long)n, argv[1]);
	return pake_cli_done(cli);
}

int
main(int argc, char **argv)
{
	pake_cli cli;

	pake_cli_init(&cli, "pake-vault", usage, &argc, argv);
	if (argc < 2)
		pake_cli_usage(&cli, "missing command");
	if (strcmp(argv[1], "import") == 0)
		return cmd_import(&cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "watch") == 0)
		return cmd_watch(&cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return cmd_export(&cli, argc - 1, argv + 1);
	pake_cli_usage(&cli, "unknown command '%s'", argv[1]);
}
