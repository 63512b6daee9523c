/*
 * pake-db: create, check, repair, measure, back up and compact the
 * database; see pake-db(1).
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include "pake/cli.h"
#include "pake/vault.h"

static const char usage[] =
"usage: pake-db init\n"
"       pake-db check [--repair] [--json]\n"
"       pake-db stats [--json]\n"
"       pake-db backup FILE\n"
"       pake-db vacuum\n"
"\n"
"check verifies the database's integrity, that the full-text index\n"
"matches the notes, and that the vault and the database agree; it exits\n"
"0 only when all is clean, 1 otherwise.  --repair rewrites what drifted\n"
"(the database is the truth) and removes files of deleted notes.\n"
"backup makes a consistent copy while others keep writing.\n"
"Common flags: --db PATH --vault DIR --tenant T --config FILE.\n";

static void
on_problem(void *arg, const char *what, const char *path)
{
	cJSON *list = arg;

	if (list) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "problem", what);
		cJSON_AddStringToObject(o, "path", path);
		cJSON_AddItemToArray(list, o);
	} else
		printf("  %s: %s\n", what, path);
}

static int
cmd_check(pake_cli *cli, int argc, char **argv)
{
	pake_vault_report vr, after;
	cJSON *o = NULL, *problems = NULL;
	char integ[256];
	pake_err e = {0};
	int repair = 0, i, fts_ok, int_ok, clean;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--repair") == 0)
			repair = 1;
		else
			pake_cli_usage(cli, "unknown argument '%s'", argv[i]);
	}
	pake_cli_open(cli);
	if (cli->json) {
		o = cJSON_CreateObject();
		problems = cJSON_CreateArray();
	}
	int_ok = pake_db_integrity(cli->ctx.db, integ, sizeof integ, &e) == 0;
	if (!int_ok && e.code != PAKE_EUNAVAIL)
		pake_cli_die(cli, &e);
	fts_ok = pake_db_fts_check(cli->ctx.db, &e) == 0;
	if (!fts_ok && repair && pake_db_fts_rebuild(cli->ctx.db, &e) == 0)
		fts_ok = pake_db_fts_check(cli->ctx.db, &e) == 0;
	if (!cli->json) {
		printf("integrity: %s\n", int_ok ? "ok" : integ);
		printf("fts: %s\n", fts_ok ? "ok" : "index does not match the "
		    "notes");
	}
	if (pake_vault_check(&cli->ctx, repair, on_problem, problems, &vr,
	    &e) != 0)
		pake_cli_die(cli, &e);
	after = vr;
	if (repair && vr.repaired &&
	    pake_vault_check(&cli->ctx, 0, NULL, NULL, &after, &e) != 0)
		pake_cli_die(cli, &e);
	clean = int_ok && fts_ok && after.missing == 0 && after.stale == 0 &&
	    after.orphans == 0 && after.pending == 0;
	if (cli->json) {
		cJSON_AddBoolToObject(o, "clean", clean);
		cJSON_AddBoolToObject(o, "integrity", int_ok);
		cJSON_AddBoolToObject(o, "fts", fts_ok);
		cJSON_AddNumberToObject(o, "files", (double)vr.files);
		cJSON_AddNumberToObject(o, "missing", (double)vr.missing);
		cJSON_AddNumberToObject(o, "stale", (double)vr.stale);
		cJSON_AddNumberToObject(o, "orphans", (double)vr.orphans);
		cJSON_AddNumberToObject(o, "untracked", (double)vr.untracked);
		cJSON_AddNumberToObject(o, "pending", (double)vr.pending);
		cJSON_AddNumberToObject(o, "repaired", (double)vr.repaired);
		cJSON_AddItemToObject(o, "problems", problems);
		pake_cli_print_json(o);
		cJSON_Delete(o);
	} else {
		if (vr.missing || vr.stale || vr.orphans || vr.pending)
			printf("vault: %lld missing, %lld stale, %lld orphans, "
			    "%lld pending%s\n", (long long)vr.missing,
			    (long long)vr.stale, (long long)vr.orphans,
			    (long long)vr.pending, repair ? (clean ?
			    " (repaired)" : " (repair incomplete)") : "");
		else
			printf("vault: ok\n");
		if (vr.untracked)
			printf("vault: %lld untracked files (not notes; "
			    "pake-vault import brings them in)\n",
			    (long long)vr.untracked);
	}
	i = pake_cli_done(cli);
	return i ? i : clean ? 0 : 1;
}

static int
cmd_stats(pake_cli *cli)
{
	pake_db_stats s;
	pake_err e = {0};
	cJSON *o;

	pake_cli_open(cli);
	if (pake_db_stats_get(cli->ctx.db, &s, &e) != 0)
		pake_cli_die(cli, &e);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "db", pake_db_path(cli->ctx.db));
	cJSON_AddNumberToObject(o, "schema", s.schema);
	cJSON_AddNumberToObject(o, "notes", (double)s.notes);
	cJSON_AddNumberToObject(o, "tags", (double)s.tags);
	cJSON_AddNumberToObject(o, "tenants", (double)s.tenants);
	cJSON_AddNumberToObject(o, "pending", (double)s.pending);
	cJSON_AddNumberToObject(o, "db_bytes",
	    (double)(s.page_count * s.page_size));
	cJSON_AddNumberToObject(o, "free_bytes",
	    (double)(s.freelist * s.page_size));
	cJSON_AddNumberToObject(o, "wal_bytes", (double)s.wal_bytes);
	if (cli->json) {
		pake_cli_print_json(o);
	} else {
		const cJSON *it;
		cJSON_ArrayForEach(it, o) {
			if (cJSON_IsString(it))
				printf("%-10s %s\n", it->string, it->valuestring);
			else
				printf("%-10s %.0f\n", it->string,
				    it->valuedouble);
		}
	}
	cJSON_Delete(o);
	return pake_cli_done(cli);
}

int
main(int argc, char **argv)
{
	pake_err e = {0};
	pake_cli cli;

	pake_cli_init(&cli, "pake-db", usage, &argc, argv);
	if (argc < 2)
		pake_cli_usage(&cli, "missing command");
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(&cli, argc - 1, argv + 1);
	if (argc > 2 && strcmp(argv[1], "backup") != 0)
		pake_cli_usage(&cli, "unexpected argument '%s'", argv[2]);
	if (strcmp(argv[1], "init") == 0) {
		pake_cli_open(&cli);
		puts(pake_db_path(cli.ctx.db));
		return pake_cli_done(&cli);
	}
	if (strcmp(argv[1], "stats") == 0)
		return cmd_stats(&cli);
	if (strcmp(argv[1], "backup") == 0) {
		if (argc != 3)
			pake_cli_usage(&cli, "backup needs exactly one file");
		pake_cli_open(&cli);
		if (pake_db_backup(cli.ctx.db, argv[2], &e) != 0)
			pake_cli_die(&cli, &e);
		return pake_cli_done(&cli);
	}
	if (strcmp(argv[1], "vacuum") == 0) {
		pake_cli_open(&cli);
		if (pake_db_vacuum(cli.ctx.db, &e) != 0)
			pake_cli_die(&cli, &e);
		return pake_cli_done(&cli);
	}
	pake_cli_usage(&cli, "unknown command '%s'", argv[1]);
}
