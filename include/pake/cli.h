/*
 * cli.h: what the shell tools share: common flags, configuration, the
 * context, and printing results and errors the same way in every tool.
 *
 * Common flags, accepted by every tool before or after its own:
 *   --config FILE  --db PATH  --vault DIR  --tenant NAME
 *   --log-level L  --log-format F  --set KEY=VALUE  --json
 * Exit statuses are sysexits.h: EX_USAGE for bad arguments, EX_CONFIG for
 * a bad configuration value, otherwise the error code's own status.
 */
#ifndef PAKE_CLI_H
#define PAKE_CLI_H

#include <cjson/cJSON.h>
#include "config.h"
#include "ctx.h"
#include "log.h"

typedef struct pake_cli {
	const char *tool;
	const char *usage;	/* full --help text */
	pake_config cfg;
	pake_log log;
	pake_ctx ctx;
	int json;		/* --json given */
	char target[64];	/* pake-tenant: the tenant a command manages */
	int opened;
} pake_cli;

/* Parse and remove the common flags from argv, load the configuration,
 * start logging.  Prints usage and exits on --help or a bad value. */
void pake_cli_init(pake_cli *cli, const char *tool, const char *usage,
    int *argc, char **argv);
/* Open the database and the acting tenant; exits on failure. */
void pake_cli_open(pake_cli *cli);
/* Report e (stderr message, or the envelope on stdout with --json), log
 * the detail, close, and exit with the code's status. */
void pake_cli_die(pake_cli *cli, const pake_err *e) __attribute__((noreturn));
/* Usage error: message, a hint, EX_USAGE. */
void pake_cli_usage(pake_cli *cli, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* Call an operation; on failure die.  Returns the output (caller frees). */
cJSON *pake_cli_call(pake_cli *cli, const char *op, cJSON *in);
/* Print v as pretty JSON on stdout. */
void pake_cli_print_json(const cJSON *v);
/* Close and return status 0. */
int pake_cli_done(pake_cli *cli);

/* Parse helpers: exit with EX_USAGE on bad input. */
double pake_cli_double(pake_cli *cli, const char *flag, const char *s,
    double min, double max);
long pake_cli_long(pake_cli *cli, const char *flag, const char *s, long min,
    long max);

#endif
