/*
 * pake-op: call any operation of the registry from the shell.
 *
 * "pake-op NAME [JSON]" hands JSON (the argument, else standard input,
 * else {}) to the operation NAME through pake_op_call, the same door the
 * HTTP and MCP fronts use, and prints the result as JSON; failures print
 * the error envelope on standard output as well as the message on
 * standard error.  "pake-op --list" shows what there is.  It exists for
 * operations that have no tool of their own, for scripts and for tests;
 * see pake-op(1).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pake/auth.h"
#include "pake/cli.h"
#include "pake/op.h"
#include "pake/util.h"

#define OP_INPUT_SLACK	(1 << 20)	/* JSON around the largest note */

static const char usage[] =
"usage: pake-op NAME [JSON]\n"
"       pake-op --list [--json]\n"
"\n"
"Call the registry operation NAME with the JSON object given as the\n"
"argument, or read from standard input when there is no argument and\n"
"standard input is not a terminal (empty input is {}).  The result is\n"
"printed as JSON; so is a failure, as {\"error\":{\"code\",\"message\"}},\n"
"with the message on standard error and the error's exit status.\n"
"--list prints every operation with its description (--json: also the\n"
"schemas, the permission and the hints).  Common flags: --db PATH\n"
"--vault DIR --tenant T --config FILE --log-level L --set KEY=VALUE.\n";

static const char *const hint_names[] = {"read_only", "destructive",
	"idempotent", "open_world", "mcp"};

/* The registry, as text lines or as JSON. */
static int
list(pake_cli *cli)
{
	const pake_op *op;
	cJSON *arr, *o, *hints;
	pake_buf perms = {0};
	size_t i, k;

	if (!cli->json) {
		for (i = 0; (op = pake_op_at(i)) != NULL; i++)
			printf("%-20s %s\n", op->name, op->description);
		return pake_cli_done(cli);
	}
	arr = cJSON_CreateArray();
	for (i = 0; (op = pake_op_at(i)) != NULL; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", op->name);
		cJSON_AddStringToObject(o, "title", op->title);
		cJSON_AddStringToObject(o, "description", op->description);
		for (k = 0; k < 32; k++)
			if (op->perm & (1u << k))
				pake_buf_printf(&perms, "%s%s", perms.len ?
				    "," : "", pake_perm_name(1u << k));
		cJSON_AddStringToObject(o, "permission",
		    perms.len ? perms.p : "");
		pake_buf_free(&perms);
		hints = cJSON_AddArrayToObject(o, "hints");
		for (k = 0; k < sizeof hint_names / sizeof hint_names[0]; k++)
			if (op->hints & (1u << k))
				cJSON_AddItemToArray(hints,
				    cJSON_CreateString(hint_names[k]));
		cJSON_AddItemToObject(o, "input_schema",
		    cJSON_Parse(op->input_schema));
		cJSON_AddItemToObject(o, "output_schema",
		    cJSON_Parse(op->output_schema));
		cJSON_AddItemToArray(arr, o);
	}
	pake_cli_print_json(arr);
	cJSON_Delete(arr);
	return pake_cli_done(cli);
}

/* The input: the argument, standard input, or {}. */
static cJSON *
input(pake_cli *cli, const char *arg)
{
	size_t max = (size_t)pake_config_num(&cli->cfg, PAKE_CFG_MAX_NOTE) +
	    OP_INPUT_SLACK;
	pake_err e = {0};
	char *text = NULL;
	const char *p;
	size_t len;
	cJSON *in;

	if (arg == NULL) {
		if (isatty(STDIN_FILENO) || fcntl(STDIN_FILENO, F_GETFD) == -1)
			return cJSON_CreateObject();
		if (pake_read_fd(STDIN_FILENO, "standard input", max, &text,
		    &len, &e) != 0)
			pake_cli_die(cli, &e);
		p = text;
	} else {
		p = arg;
		len = strlen(arg);
		if (len > max) {
			pake_fail(&e, PAKE_ETOOBIG, NULL, "input: too large");
			pake_cli_die(cli, &e);
		}
	}
	if (len == 0 || strspn(p, " \t\r\n") == len) {
		free(text);
		return cJSON_CreateObject();
	}
	/* The text and its terminating NUL: nothing may follow the value. */
	in = memchr(p, '\0', len) ? NULL :
	    cJSON_ParseWithLengthOpts(p, len + 1, NULL, 1);
	free(text);
	if (in == NULL) {
		pake_fail(&e, PAKE_EINVAL, NULL, "input: not JSON");
		pake_cli_die(cli, &e);
	}
	return in;
}

int
main(int argc, char **argv)
{
	const char *name = NULL, *arg = NULL;
	int i, listing = 0, nargs = 0, dashdash = 0;
	pake_cli cli;
	cJSON *in, *out;

	pake_cli_init(&cli, "pake-op", usage, &argc, argv);
	for (i = 1; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0)
			dashdash = 1;
		else if (!dashdash && strcmp(argv[i], "--list") == 0)
			listing = 1;
		else if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0')
			pake_cli_usage(&cli, "unknown option '%s'", argv[i]);
		else if (nargs == 0)
			name = argv[i], nargs++;
		else if (nargs == 1)
			arg = argv[i], nargs++;
		else
			pake_cli_usage(&cli, "unexpected argument '%s'", argv[i]);
	}
	if (listing) {
		if (nargs)
			pake_cli_usage(&cli, "--list takes no operation");
		return list(&cli);
	}
	if (name == NULL)
		pake_cli_usage(&cli, "missing operation name");
	if (pake_op_find(name) == NULL)
		pake_cli_usage(&cli, "unknown operation '%.64s'; see "
		    "'pake-op --list'", name);
	cli.json = 1;		/* the output is JSON, errors included */
	in = input(&cli, arg);
	pake_cli_open(&cli);
	out = pake_cli_call(&cli, name, in);
	pake_cli_print_json(out);
	cJSON_Delete(out);
	return pake_cli_done(&cli);
}
