/*
 * fuzz_mcp.c: libFuzzer target for the MCP dispatcher (lib/mcp.c).
 *
 * The input is one JSON-RPC message, as a line of pake-mcp's standard
 * input or the body of POST /mcp.  It is served statelessly (as over
 * HTTP: each legacy-era request as if initialize had been answered), so
 * that tools/call is reached without a handshake in the same input, by
 * a context acting as a token of the default tenant with every right on
 * its notes (env.c: no user or tenant administration, whose password
 * hashing would make an input cost 60 ms).  The reply is built and
 * dropped (or, with FUZZ_ECHO set, printed: to check that a seed gets
 * where it should); only a crash or a sanitizer report is a finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include "pake/auth.h"
#include "pake/mcp.h"
#include "env.h"

static pake_cli cli;
static int echo;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char token[PAKE_TOKEN_MAX];
	pake_err e = {0};

	(void)argc;
	(void)argv;
	echo = getenv("FUZZ_ECHO") != NULL;
	fuzz_env(&cli);
	fuzz_token(&cli, token, sizeof token);
	if (pake_auth_token(&cli.ctx, token, &e) != 0)
		pake_cli_die(&cli, &e);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pake_mcp_opts o = {0};
	pake_buf reply = {0};
	pake_mcp m;

	o.stateless = 1;
	pake_mcp_init(&m, &cli.ctx, &o);
	pake_mcp_handle(&m, (const char *)data, size, &reply);
	if (echo)
		fprintf(stderr, "%.*s\n", (int)reply.len, reply.p ? reply.p : "");
	pake_buf_free(&reply);
	return 0;
}
