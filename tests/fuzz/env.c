/*
 * env.c: a throwaway installation for the fuzz targets that need a
 * database (mcp, http, vault).
 *
 * Made once per process, before the first input: a folder under /dev/shm
 * when there is one (a note written to the vault is fsynced, and on a
 * disk that alone would cap a target at a few hundred inputs a second),
 * else under $TMPDIR; PAKE_DB, PAKE_VAULT and PAKE_CONFIG point into it.
 * The database is created the way "pake-db init" creates it: the
 * command-line front opening it as the installation's owner.
 *
 * What the inputs may do to it stays bounded: the default tenant may keep
 * at most FUZZ_NOTES notes, and it has no rate limit or daily quota (a
 * refusal after the first minute's 60 calls would hide every route behind
 * 429).  The folder is removed when the process exits normally.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "pake/auth.h"
#include "pake/op.h"
#include "env.h"

#define FUZZ_NOTES	200

static char root[256];

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
rm_root(void)
{
	if (root[0])
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Call op as the cli's context; die when it fails (setup must work). */
static cJSON *
call(pake_cli *cli, const char *op, const char *json)
{
	cJSON *in = cJSON_Parse(json), *out = NULL;
	pake_err e = {0};

	if (in == NULL || pake_op_call(&cli->ctx, op, in, &out, &e) != 0) {
		fprintf(stderr, "fuzz setup: %s: %s: %s\n", op,
		    e.msg ? e.msg : "bad input", e.detail);
		exit(1);
	}
	cJSON_Delete(in);
	return out;
}

void
fuzz_env(pake_cli *cli)
{
	const char *tmp = getenv("TMPDIR");
	char path[320];
	char *argv[] = {"fuzz", NULL};
	pake_err e = {0};
	int argc = 1;
	FILE *f;

	if (access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	snprintf(root, sizeof root, "%s/pake-fuzz.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(root) == NULL) {
		perror("fuzz setup: mkdtemp");
		exit(1);
	}
	atexit(rm_root);
	snprintf(path, sizeof path, "%s/pake.conf", root);
	if ((f = fopen(path, "w")) == NULL || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	setenv("PAKE_CONFIG", path, 1);
	snprintf(path, sizeof path, "%s/db/pake.db", root);
	setenv("PAKE_DB", path, 1);
	snprintf(path, sizeof path, "%s/vault", root);
	setenv("PAKE_VAULT", path, 1);
	/* Errors only: a log line an input provokes is no finding, and
	 * writing it would cost more than serving the input. */
	setenv("PAKE_LOG_LEVEL", "error", 1);
	setenv("PAKE_LOG_FORMAT", "text", 1);
	unsetenv("PAKE_TENANT");
	unsetenv("PAKE_TOKEN");
	unsetenv("PAKE_TENANTS_DIR");
	pake_cli_init(cli, "fuzz", "", &argc, argv);
	/* As pake-db init makes it, then opened as every tool opens it. */
	if (pake_ctx_create(&cli->cfg, &cli->log, &e) != 0)
		pake_cli_die(cli, &e);
	pake_cli_open(cli);
	snprintf(path, sizeof path, "{\"name\":\"default\",\"notes\":%d,"
	    "\"api_calls_per_day\":\"unlimited\","
	    "\"requests_per_minute\":\"unlimited\"}", FUZZ_NOTES);
	cJSON_Delete(call(cli, "tenant_limits", path));
}

void
fuzz_token(pake_cli *cli, char *out, size_t size)
{
	cJSON *o;
	const char *t;

	/* Everything on the tenant's own notes, nothing on its users or
	 * tokens or other tenants: an input must not revoke the token the
	 * later ones use, nor create users (an argon2id hash each). */
	o = call(cli, "token_create", "{\"tenant\":\"default\",\"scopes\":"
	    "\"notes:read,notes:write,notes:delete,search:read,graph:read,"
	    "graph:write,ingest:run,audit:read\",\"label\":\"fuzz\"}");
	if ((t = cJSON_GetStringValue(cJSON_GetObjectItem(o, "token"))) ==
	    NULL || strlen(t) >= size) {
		fprintf(stderr, "fuzz setup: no token\n");
		exit(1);
	}
	memcpy(out, t, strlen(t) + 1);
	cJSON_Delete(o);
}

const char *
fuzz_root(void)
{
	return root;
}
