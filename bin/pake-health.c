/*
 * pake-health: is this pake installation well?  Runs the checks of GET
 * /health (the registry's "health" operation), prints one line each and
 * exits 0 when all pass, 1 when one fails; see pake-health(1).
 *
 * A database that cannot even be opened is a failed check too, not an
 * error: a monitor wants "unhealthy" and the reason, whatever the cause.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include "pake/auth.h"
#include "pake/cli.h"
#include "pake/health.h"
#include "pake/op.h"
#include "pake/util.h"

static const char usage[] =
"usage: pake-health [--thorough] [--json]\n"
"\n"
"Check the database (answers, schema version, WAL mode), the vault folder,\n"
"the pending vault syncs and the free disk space, and print one line per\n"
"check: \"name: ok\" or \"name: FAIL detail\".  --thorough adds what\n"
"pake-db check verifies: integrity, the full-text index, vault against\n"
"database.  --json prints {\"status\":\"ok\"|\"fail\",\"checks\":[...]}.\n"
"Exit status: 0 healthy, 1 unhealthy.  Common flags: --db PATH --vault DIR\n"
"--tenant T --config FILE.\n";

/* Print the operation's result; 0 healthy, 1 not. */
static int
report(const pake_cli *cli, const cJSON *out)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(out, "status"), *k;
	const char *name, *detail;

	if (cli->json) {
		pake_cli_print_json(out);
	} else {
		cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(out,
		    "checks")) {
			name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k,
			    "name"));
			detail = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k,
			    "detail"));
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "ok")))
				printf("%s: ok\n", name ? name : "?");
			else
				printf("%s: FAIL %s\n", name ? name : "?",
				    detail ? detail : "");
		}
	}
	return cJSON_IsString(st) && strcmp(st->valuestring, "ok") == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	pake_err e = {0};
	pake_health h;
	pake_cli cli;
	cJSON *in, *out;
	int i, thorough = 0, rc, done;

	pake_cli_init(&cli, "pake-health", usage, &argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--thorough") == 0)
			thorough = 1;
		else
			pake_cli_usage(&cli, "unknown argument '%s'", argv[i]);
	}
	if (pake_auth_open(&cli.ctx, &cli.cfg, &cli.log, &e) != 0) {
		/* Who we are is the caller's mistake, not the system's. */
		if (e.code == PAKE_ENOTFOUND || e.code == PAKE_EUNAUTH ||
		    e.code == PAKE_EFORBIDDEN)
			pake_cli_die(&cli, &e);
		pake_log_msg(&cli.log, PAKE_LOG_ERROR, "database: %s", e.detail);
		pake_health_unopened(&h, &e);
		if ((out = pake_health_json(&h)) == NULL) {
			pake_fail(&e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
			pake_cli_die(&cli, &e);
		}
		rc = report(&cli, out);
		cJSON_Delete(out);
		done = pake_cli_done(&cli);
		return done ? done : rc;
	}
	pake_strlcpy(cli.ctx.request_id, cli.log.request_id,
	    sizeof cli.ctx.request_id);
	cli.opened = 1;
	in = cJSON_CreateObject();
	cJSON_AddBoolToObject(in, "thorough", thorough);
	out = pake_cli_call(&cli, "health", in);
	rc = report(&cli, out);
	cJSON_Delete(out);
	done = pake_cli_done(&cli);
	return done ? done : rc;
}
