/*
 * pake-db: create, check, repair, measure, back up and compact the
 * database; see pake-db(1).
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include "pake/cli.h"
#include "pake/health.h"
#include "pake/maint.h"
#include "pake/util.h"
#include "pake/vault.h"

static const char usage[] =
"usage: pake-db init\n"
"       pake-db check [--repair] [--json]\n"
"       pake-db stats [--json]\n"
"       pake-db backup FILE\n"
"       pake-db restore FILE\n"
"       pake-db vacuum\n"
"\n"
"check verifies the database's integrity, that the full-text index\n"
"matches the notes, and that the vault and the database agree, besides\n"
"the quick checks of pake-health (printed only when they fail); it exits\n"
"0 only when all is clean, 1 otherwise.  --repair rewrites what drifted\n"
"(the database is the truth) and removes files of deleted notes.\n"
"backup copies the control database to FILE and every tenant store to\n"
"FILE-stores/ while others keep writing; restore makes the installation\n"
"what such a backup holds (stop the services first).  check, stats and\n"
"vacuum cover the control database and every tenant store.\n"
"Common flags: --db PATH --vault DIR --tenant T --config FILE.\n";

/* Collects the vault problems: printed after the integrity and fts
 * lines (text), or listed under "problems" (--json). */
struct problems {
	cJSON *list;
	pake_buf text;
};

/* Open the database for whole-database work: every tenant's rows are
 * touched, so it takes tenants:manage (the database's owner or a
 * super_admin), never an ordinary tenant's token. */
static void
open_owner(pake_cli *cli)
{
	pake_err e = {0};

	pake_cli_open(cli);
	if (pake_ctx_allow(&cli->ctx, PAKE_P_TENANTS_MANAGE, &e) != 0)
		pake_cli_die(cli, &e);
}

static void
on_problem(void *arg, const char *what, const char *path)
{
	struct problems *p = arg;
	cJSON *o;

	if (p->list) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "problem", what);
		cJSON_AddStringToObject(o, "path", path);
		cJSON_AddItemToArray(p->list, o);
	} else
		pake_buf_printf(&p->text, "  %s: %s\n", what, path);
}

/* The checks of pake-health(1), thorough: the cheap ones are printed only
 * when they fail, so that a healthy check reads as it always has. */
static int
cmd_check(pake_cli *cli, int argc, char **argv)
{
	struct problems p = {NULL, {0}};
	pake_health_opts opts = {1, 0, on_problem, &p};
	const pake_health_item *k;
	const pake_vault_report *vr;
	pake_health h;
	pake_err e = {0};
	cJSON *o, *checks;
	int i, fts_ok, clean;
	size_t j;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--repair") == 0)
			opts.repair = 1;
		else
			pake_cli_usage(cli, "unknown argument '%s'", argv[i]);
	}
	open_owner(cli);
	if (cli->json)
		p.list = cJSON_CreateArray();
	if (pake_health_check(&cli->ctx, &opts, &h, &e) != 0) {
		cJSON_Delete(p.list);
		pake_buf_free(&p.text);
		pake_cli_die(cli, &e);
	}
	vr = &h.vault;
	k = pake_health_find(&h, "fts");
	fts_ok = k && k->ok;
	clean = h.ok;
	if (cli->json) {
		o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "clean", clean);
		k = pake_health_find(&h, "integrity");
		cJSON_AddBoolToObject(o, "integrity", k && k->ok);
		cJSON_AddBoolToObject(o, "fts", fts_ok);
		k = pake_health_find(&h, "links");
		cJSON_AddBoolToObject(o, "links", k == NULL || k->ok);
		cJSON_AddNumberToObject(o, "files", (double)vr->files);
		cJSON_AddNumberToObject(o, "missing", (double)vr->missing);
		cJSON_AddNumberToObject(o, "stale", (double)vr->stale);
		cJSON_AddNumberToObject(o, "orphans", (double)vr->orphans);
		cJSON_AddNumberToObject(o, "untracked", (double)vr->untracked);
		cJSON_AddNumberToObject(o, "pending", (double)vr->pending);
		cJSON_AddNumberToObject(o, "repaired", (double)vr->repaired);
		cJSON_AddItemToObject(o, "problems", p.list);
		if ((checks = pake_health_json(&h)) != NULL)
			cJSON_AddItemToObject(o, "checks",
			    cJSON_DetachItemFromObject(checks, "checks"));
		cJSON_Delete(checks);
		pake_cli_print_json(o);
		cJSON_Delete(o);
	} else {
		for (j = 0; j < h.n; j++)
			if (!h.check[j].ok && strcmp(h.check[j].name,
			    "integrity") && strcmp(h.check[j].name, "fts") &&
			    strcmp(h.check[j].name, "links") &&
			    strcmp(h.check[j].name, "vault"))
				printf("%s: FAIL %s\n", h.check[j].name,
				    h.check[j].detail);
		printf("integrity: %s\n", h.integrity);
		printf("fts: %s\n", fts_ok ? "ok" : "index does not match the "
		    "notes");
		k = pake_health_find(&h, "links");
		if (k && k->ok && k->detail[0])
			printf("links: ok; %s\n", k->detail);
		else
			printf("links: %s\n", k == NULL || k->ok ? "ok" :
			    k->detail);
		if (p.text.len)
			fputs(p.text.p, stdout);
		if (vr->missing || vr->stale || vr->orphans || vr->pending)
			printf("vault: %lld missing, %lld stale, %lld orphans, "
			    "%lld pending%s\n", (long long)vr->missing,
			    (long long)vr->stale, (long long)vr->orphans,
			    (long long)vr->pending, opts.repair ? (clean ?
			    " (repaired)" : " (repair incomplete)") : "");
		else
			printf("vault: ok\n");
		if (vr->untracked)
			printf("vault: %lld untracked files (not notes; "
			    "pake-vault import brings them in)\n",
			    (long long)vr->untracked);
	}
	pake_buf_free(&p.text);
	i = pake_cli_done(cli);
	return i ? i : clean ? 0 : 1;
}

/* One file of stats as JSON. */
static cJSON *
file_json(const pake_maint_file *f)
{
	cJSON *o = cJSON_CreateObject();

	if (f->tenant[0])
		cJSON_AddStringToObject(o, "tenant", f->tenant);
	cJSON_AddStringToObject(o, "path", f->path);
	cJSON_AddBoolToObject(o, "exists", f->exists);
	cJSON_AddNumberToObject(o, "schema", f->file.schema);
	if (f->tenant[0]) {
		cJSON_AddNumberToObject(o, "notes", (double)f->content.notes);
		cJSON_AddNumberToObject(o, "tags", (double)f->content.tags);
		cJSON_AddNumberToObject(o, "pending",
		    (double)f->content.pending);
	}
	cJSON_AddNumberToObject(o, "db_bytes",
	    (double)(f->file.page_count * f->file.page_size));
	cJSON_AddNumberToObject(o, "free_bytes",
	    (double)(f->file.freelist * f->file.page_size));
	cJSON_AddNumberToObject(o, "wal_bytes", (double)f->file.wal_bytes);
	return o;
}

static int
cmd_stats(pake_cli *cli)
{
	pake_maint_stats s;
	pake_err e = {0};
	const pake_maint_file *f;
	cJSON *o, *files;
	int64_t tags = 0;
	size_t i;

	open_owner(cli);
	if (pake_maint_stats_get(&cli->ctx, &s, &e) != 0)
		pake_cli_die(cli, &e);
	for (i = 0; i < s.nstores; i++)
		tags += s.store[i].content.tags;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "db", s.control.path);
	cJSON_AddNumberToObject(o, "schema", s.control.file.schema);
	cJSON_AddNumberToObject(o, "notes", (double)s.notes);
	cJSON_AddNumberToObject(o, "tags", (double)tags);
	cJSON_AddNumberToObject(o, "tenants", (double)s.tenants);
	cJSON_AddNumberToObject(o, "pending", (double)s.pending);
	cJSON_AddNumberToObject(o, "db_bytes", (double)s.bytes);
	cJSON_AddNumberToObject(o, "free_bytes", (double)s.free_bytes);
	cJSON_AddNumberToObject(o, "wal_bytes", (double)s.wal_bytes);
	if (cli->json) {
		files = cJSON_AddArrayToObject(o, "files");
		cJSON_AddItemToArray(files, file_json(&s.control));
		for (i = 0; i < s.nstores; i++)
			cJSON_AddItemToArray(files, file_json(&s.store[i]));
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
		printf("\n%-20s %8s %12s %12s  %s\n", "tenant", "notes",
		    "db_bytes", "wal_bytes", "file");
		for (i = 0; i < s.nstores + 1; i++) {
			f = i ? &s.store[i - 1] : &s.control;
			printf("%-20s %8lld %12lld %12lld  %s%s\n",
			    i ? f->tenant : "(control)",
			    (long long)f->content.notes,
			    (long long)(f->file.page_count * f->file.page_size),
			    (long long)f->file.wal_bytes, f->path,
			    f->exists ? "" : " (not created yet)");
		}
	}
	cJSON_Delete(o);
	pake_maint_stats_free(&s);
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
	if (argc > 2 && strcmp(argv[1], "backup") != 0 &&
	    strcmp(argv[1], "restore") != 0)
		pake_cli_usage(&cli, "unexpected argument '%s'", argv[2]);
	if (strcmp(argv[1], "init") == 0) {
		if (pake_ctx_create(&cli.cfg, &cli.log, &e) != 0)
			pake_cli_die(&cli, &e);
		open_owner(&cli);
		puts(pake_db_path(cli.ctx.db));
		return pake_cli_done(&cli);
	}
	if (strcmp(argv[1], "stats") == 0)
		return cmd_stats(&cli);
	if (strcmp(argv[1], "backup") == 0) {
		if (argc != 3)
			pake_cli_usage(&cli, "backup needs exactly one file");
		open_owner(&cli);
		if (pake_maint_backup(&cli.ctx, argv[2], &e) != 0)
			pake_cli_die(&cli, &e);
		return pake_cli_done(&cli);
	}
	if (strcmp(argv[1], "restore") == 0) {
		int64_t n;
		if (argc != 3)
			pake_cli_usage(&cli, "restore needs exactly one file");
		open_owner(&cli);
		if (pake_maint_restore(&cli.ctx, argv[2], &n, &e) != 0)
			pake_cli_die(&cli, &e);
		if (!cli.json)
			fprintf(stderr, "pake-db: restored the control database "
			    "and %lld stores; run pake-db check --repair to "
			    "bring the vaults in line\n", (long long)n);
		return pake_cli_done(&cli);
	}
	if (strcmp(argv[1], "vacuum") == 0) {
		open_owner(&cli);
		if (pake_maint_vacuum(&cli.ctx, &e) != 0)
			pake_cli_die(&cli, &e);
		return pake_cli_done(&cli);
	}
	pake_cli_usage(&cli, "unknown command '%s'", argv[1]);
}
