/*
 * cli.c: the common part of every shell tool (see cli.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include "pake/auth.h"
#include "pake/cli.h"
#include "pake/op.h"
#include "pake/util.h"

/* Common flags that take a value, and the configuration key each sets. */
static const struct {
	const char *flag;
	const char *key;
} value_flags[] = {
	{"--db", "db"},
	{"--vault", "vault"},
	{"--tenant", "tenant"},
	{"--log-level", "log_level"},
	{"--log-format", "log_format"},
	{"--tenants-dir", "tenants_dir"},
};

static void __attribute__((noreturn))
config_die(const char *tool, const pake_err *e)
{
	fprintf(stderr, "%s: %s\n", tool, e->detail[0] ? e->detail : e->msg);
	exit(EX_CONFIG);
}

/* Remove argv[i] .. argv[i+n-1]. */
static void
drop(int *argc, char **argv, int i, int n)
{
	memmove(argv + i, argv + i + n, (size_t)(*argc - i - n + 1) *
	    sizeof *argv);
	*argc -= n;
}

void
pake_cli_init(pake_cli *cli, const char *tool, const char *usage, int *argc,
    char **argv)
{
	struct { const char *key; const char *val; } sets[32];
	pake_err e = {0};
	size_t nsets = 0, k;
	const char *eq;
	const char *val;
	char flag[32];
	int i, matched, used;

	memset(cli, 0, sizeof *cli);
	cli->tool = tool;
	cli->usage = usage;
	/* First pass: --config must be known before the file is read; the
	 * rest are applied after the file and the environment. */
	for (i = 1; i < *argc; ) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			exit(EX_OK);
		}
		if (strcmp(a, "--json") == 0) {
			cli->json = 1;
			drop(argc, argv, i, 1);
			continue;
		}
		/* "--db=PATH" is "--db PATH". */
		if (strncmp(a, "--", 2) == 0 && (eq = strchr(a, '=')) != NULL &&
		    (size_t)(eq - a) < sizeof flag) {
			memcpy(flag, a, (size_t)(eq - a));
			flag[eq - a] = '\0';
		} else
			pake_strlcpy(flag, a, sizeof flag), eq = NULL;
		matched = 0;
		if (strcmp(flag, "--config") == 0 || strcmp(flag, "--set") == 0)
			matched = 1;
		for (k = 0; k < sizeof value_flags / sizeof value_flags[0]; k++)
			if (strcmp(flag, value_flags[k].flag) == 0)
				matched = 1;
		if (!matched) {
			i++;
			continue;
		}
		if (eq) {
			val = eq + 1;
			used = 1;
		} else {
			if (i + 1 >= *argc)
				pake_cli_usage(cli, "%s needs a value", a);
			val = argv[i + 1];
			used = 2;
		}
		if (strcmp(flag, "--config") == 0) {
			setenv("PAKE_CONFIG", val, 1);
		} else if (nsets < sizeof sets / sizeof sets[0]) {
			if (strcmp(flag, "--set") == 0) {
				if ((eq = strchr(val, '=')) == NULL)
					pake_cli_usage(cli, "--set takes KEY=VALUE");
				*(char *)eq = '\0';
				sets[nsets].key = val;
				sets[nsets++].val = eq + 1;
			} else {
				for (k = 0; strcmp(flag, value_flags[k].flag); k++)
					;
				sets[nsets].key = value_flags[k].key;
				sets[nsets++].val = val;
			}
		} else
			pake_cli_usage(cli, "too many settings");
		drop(argc, argv, i, used);
	}
	if (pake_config_load(&cli->cfg, &e) != 0)
		config_die(tool, &e);
	for (k = 0; k < nsets; k++)
		if (pake_config_set(&cli->cfg, sets[k].key, sets[k].val, "flag",
		    &e) != 0)
			config_die(tool, &e);
	pake_log_init(&cli->log, tool, &cli->cfg);
	if (pake_uuid4(cli->log.request_id, &e) == 0)
		cli->log.request_id[8] = '\0';	/* short id is enough here */
}

void
pake_cli_open(pake_cli *cli)
{
	pake_err e = {0};

	if (pake_auth_open(&cli->ctx, &cli->cfg, &cli->log, &e) != 0)
		pake_cli_die(cli, &e);
	pake_strlcpy(cli->ctx.request_id, cli->log.request_id,
	    sizeof cli->ctx.request_id);
	cli->opened = 1;
}

static void
cleanup(pake_cli *cli)
{
	if (cli->opened)
		pake_auth_close(&cli->ctx);
	cli->opened = 0;
	pake_config_free(&cli->cfg);
}

void
pake_cli_die(pake_cli *cli, const pake_err *e)
{
	int code = e->code ? e->code : PAKE_EINTERNAL;
	const char *msg = e->msg ? e->msg : pake_code_message(code);
	static char nodb[PATH_MAX + 64];

	/* The path is the user's own: name it. */
	if (e->msg != NULL && strcmp(e->msg, PAKE_MSG_NODB) == 0) {
		snprintf(nodb, sizeof nodb, "No database at %s; pake-db init "
		    "makes one", pake_config_str(&cli->cfg, PAKE_CFG_DB));
		msg = nodb;
	}

	pake_log_msg(&cli->log, code == PAKE_EINTERNAL ||
	    code == PAKE_EUNAVAIL ? PAKE_LOG_ERROR : PAKE_LOG_DEBUG,
	    "%s: %s", pake_code_name(code), e->detail[0] ? e->detail : msg);
	if (cli->json) {
		pake_err shown = *e;
		cJSON *o;
		shown.code = code;
		shown.msg = msg;
		o = pake_err_envelope(&shown);
		pake_cli_print_json(o);
		cJSON_Delete(o);
	}
	/* Schema failures name the field; that is the user's own input. */
	if (pake_err_public_detail(e))
		fprintf(stderr, "%s: %s (%s)\n", cli->tool, msg, e->detail);
	else if (e->retry_after > 0)
		fprintf(stderr, "%s: %s (retry in %d s)\n", cli->tool, msg,
		    e->retry_after);
	else
		fprintf(stderr, "%s: %s\n", cli->tool, msg);
	cleanup(cli);
	exit(pake_code_exit(code));
}

void
pake_cli_usage(pake_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->tool);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", cli->tool);
	exit(EX_USAGE);
}

cJSON *
pake_cli_call(pake_cli *cli, const char *op, cJSON *in)
{
	pake_err e = {0};
	cJSON *out;

	if (pake_op_call(&cli->ctx, op, in, &out, &e) != 0) {
		cJSON_Delete(in);
		pake_cli_die(cli, &e);
	}
	cJSON_Delete(in);
	return out;
}

void
pake_cli_print_json(const cJSON *v)
{
	char *s = cJSON_Print(v);

	if (s) {
		puts(s);
		free(s);
	}
}

int
pake_cli_done(pake_cli *cli)
{
	cleanup(cli);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write output: %s\n", cli->tool,
		    strerror(errno));
		return EX_IOERR;
	}
	return EX_OK;
}

double
pake_cli_double(pake_cli *cli, const char *flag, const char *s, double min,
    double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= min && v <= max))
		pake_cli_usage(cli, "%s takes a number from %g to %g", flag, min,
		    max);
	return v;
}

long
pake_cli_long(pake_cli *cli, const char *flag, const char *s, long min,
    long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		pake_cli_usage(cli, "%s takes a whole number from %ld to %ld",
		    flag, min, max);
	return v;
}
