/*
 * pake-tenant: tenants, users, tokens and the activity log from the shell;
 * see pake-tenant(1).  Passwords are read from standard input, never from
 * the command line (where ps(1) and shell history would keep them); a new
 * token is printed once and never again.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>
#include "pake/auth.h"
#include "pake/cli.h"
#include "pake/util.h"

static const char usage[] =
"usage: pake-tenant tenant create NAME [--plan P] [--display-name D]\n"
"       pake-tenant tenant list | show NAME | suspend NAME | resume NAME |\n"
"                          delete NAME\n"
"       pake-tenant tenant limits NAME [--users N] [--notes N]\n"
"                          [--calls-per-day N] [--per-minute N]\n"
"       pake-tenant user add [--tenant T] [--role R] [--email E] USERNAME\n"
"       pake-tenant user list [--tenant T]\n"
"       pake-tenant user passwd [--tenant T] USERNAME\n"
"       pake-tenant user role [--tenant T] USERNAME ROLE\n"
"       pake-tenant user disable | enable [--tenant T] USERNAME\n"
"       pake-tenant user map-uid [--tenant T] UID USERNAME\n"
"       pake-tenant token create [--tenant T] [--user U] [--scopes S,...]\n"
"                          [--expires 30d] [--label L]\n"
"       pake-tenant token list [--tenant T]\n"
"       pake-tenant token revoke ID\n"
"       pake-tenant audit [--tenant T | --all] [--since TIME] [--limit N]\n"
"       pake-tenant login [--tenant T] USERNAME\n"
"       pake-tenant refresh | logout\n"
"\n"
"Passwords (user add, user passwd, login) and tokens (refresh, logout)\n"
"are read from standard input.  Plans: basic, professional, enterprise.\n"
"Roles: viewer, user, manager, admin, super_admin.  A limit N is a\n"
"number, unlimited, or plan (the plan's again).  --json prints JSON.\n"
"Common flags: --db PATH --config FILE --log-level L --set KEY=VALUE.\n";

enum { O_PLAN = 1, O_DISPLAY, O_ROLE, O_EMAIL, O_USER, O_SCOPES, O_EXPIRES,
	O_LABEL, O_SINCE, O_LIMIT, O_ALL, O_L_USERS, O_L_NOTES, O_L_CALLS,
	O_L_MINUTE };

static const struct option longopts[] = {
	{"plan", required_argument, NULL, O_PLAN},
	{"display-name", required_argument, NULL, O_DISPLAY},
	{"role", required_argument, NULL, O_ROLE},
	{"email", required_argument, NULL, O_EMAIL},
	{"user", required_argument, NULL, O_USER},
	{"scopes", required_argument, NULL, O_SCOPES},
	{"expires", required_argument, NULL, O_EXPIRES},
	{"label", required_argument, NULL, O_LABEL},
	{"since", required_argument, NULL, O_SINCE},
	{"limit", required_argument, NULL, O_LIMIT},
	{"all", no_argument, NULL, O_ALL},
	{"users", required_argument, NULL, O_L_USERS},
	{"notes", required_argument, NULL, O_L_NOTES},
	{"calls-per-day", required_argument, NULL, O_L_CALLS},
	{"per-minute", required_argument, NULL, O_L_MINUTE},
	{NULL, 0, NULL, 0},
};

/* "30d", "12h", "15m", "90s" or plain seconds. */
static double
duration(pake_cli *cli, const char *s)
{
	char *end;
	double v = strtod(s, &end), mult = 1;

	if (end == s || v <= 0)
		pake_cli_usage(cli, "--expires takes a duration such as 30d");
	if (*end == 'd')
		mult = 86400;
	else if (*end == 'h')
		mult = 3600;
	else if (*end == 'm')
		mult = 60;
	else if (*end != 's' && *end != '\0')
		pake_cli_usage(cli, "--expires takes a duration such as 30d");
	if (*end && end[1])
		pake_cli_usage(cli, "--expires takes a duration such as 30d");
	if (v * mult > 315360000)
		pake_cli_usage(cli, "--expires is at most ten years");
	return (double)(long long)(v * mult);
}

/* --users N, --notes N, --calls-per-day N, --per-minute N: a number,
 * "unlimited" or "plan". */
static void
limit_arg(pake_cli *cli, cJSON *in, int opt, const char *v)
{
	static const char *const key[] = {"users", "notes",
	    "api_calls_per_day", "requests_per_minute"};
	const char *k = key[opt - O_L_USERS];

	if (strcmp(v, "unlimited") == 0 || strcmp(v, "plan") == 0)
		cJSON_AddStringToObject(in, k, v);
	else
		cJSON_AddNumberToObject(in, k, (double)pake_cli_long(cli, k, v, 0,
		    1000000000000LL));
}

/* One line of standard input without its newline: a password or token.
 * Bounded: a line longer than any password or token is refused, not read
 * into memory without end. */
static char *
read_secret(pake_cli *cli, const char *what)
{
	size_t cap = PAKE_PASSWORD_MAX + 3, n;	/* + CR LF NUL */
	char *line = calloc(1, cap);
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	int got;

	if (line == NULL)
		pake_cli_usage(cli, "out of memory");
	if (tty) {
		fprintf(stderr, "%s: ", what);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;	/* do not show it */
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	got = fgets(line, (int)cap, stdin) != NULL;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	n = got ? strlen(line) : 0;
	if (n == 0) {
		free(line);
		pake_cli_usage(cli, "expected the %s on standard input", what);
	}
	if (line[n - 1] != '\n' && !feof(stdin)) {
		explicit_bzero(line, cap);
		free(line);
		pake_cli_usage(cli, "the %s is longer than %d bytes", what,
		    PAKE_PASSWORD_MAX);
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/* Forget a secret before freeing it. */
static void
burn(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* Name the target tenant (--tenant or PAKE_TENANT; see main) in the op's
 * input. */
static void
add_target(pake_cli *cli, cJSON *in)
{
	if (cli->target[0])
		cJSON_AddStringToObject(in, "tenant", cli->target);
}

/* Parse options into in; returns the operands. */
static char **
options(pake_cli *cli, int *argc, char **argv, cJSON *in)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(*argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_PLAN:
			cJSON_AddStringToObject(in, "plan", optarg);
			break;
		case O_DISPLAY:
			cJSON_AddStringToObject(in, "display_name", optarg);
			break;
		case O_ROLE:
			cJSON_AddStringToObject(in, "role", optarg);
			break;
		case O_EMAIL:
			cJSON_AddStringToObject(in, "email", optarg);
			break;
		case O_USER:
			cJSON_AddStringToObject(in, "username", optarg);
			break;
		case O_SCOPES:
			cJSON_AddStringToObject(in, "scopes", optarg);
			break;
		case O_EXPIRES:
			cJSON_AddNumberToObject(in, "expires_in",
			    duration(cli, optarg));
			break;
		case O_LABEL:
			cJSON_AddStringToObject(in, "label", optarg);
			break;
		case O_SINCE:
			cJSON_AddStringToObject(in, "since", optarg);
			break;
		case O_LIMIT:
			cJSON_AddNumberToObject(in, "limit", (double)pake_cli_long(
			    cli, "--limit", optarg, 1, 10000));
			break;
		case O_ALL:
			cJSON_AddStringToObject(in, "tenant", "*");
			break;
		case O_L_USERS:
		case O_L_NOTES:
		case O_L_CALLS:
		case O_L_MINUTE:
			limit_arg(cli, in, c, optarg);
			break;
		default:
			pake_cli_usage(cli, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	*argc -= optind;
	return argv + optind;
}

static void
need(pake_cli *cli, int have, int want, const char *what)
{
	if (have != want)
		pake_cli_usage(cli, "%s", what);
}

/* Print a list result as lines, one object per line, with the fields. */
static void
print_rows(const cJSON *arr, const char *const *fields)
{
	const cJSON *it, *v;
	int i;

	cJSON_ArrayForEach(it, arr) {
		for (i = 0; fields[i]; i++) {
			v = cJSON_GetObjectItemCaseSensitive(it, fields[i]);
			if (i)
				fputs("  ", stdout);
			if (cJSON_IsString(v))
				fputs(v->valuestring, stdout);
			else if (cJSON_IsNumber(v))
				printf("%.0f", v->valuedouble);
			else if (cJSON_IsBool(v))
				fputs(cJSON_IsTrue(v) ? "active" : "disabled",
				    stdout);
			else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
				char *s = cJSON_PrintUnformatted(v);
				fputs(s ? s : "", stdout);
				free(s);
			} else
				fputs("-", stdout);
		}
		putchar('\n');
	}
}

/* Call op, print per --json or the given fields, finish. */
static int
run(pake_cli *cli, const char *op, cJSON *in, const char *list,
    const char *const *fields)
{
	cJSON *out;

	pake_cli_open(cli);
	out = pake_cli_call(cli, op, in);
	if (cli->json)
		pake_cli_print_json(out);
	else if (list)
		print_rows(cJSON_GetObjectItemCaseSensitive(out, list), fields);
	else if (fields) {
		cJSON *one = cJSON_CreateArray();
		cJSON_AddItemReferenceToArray(one, out);
		print_rows(one, fields);
		cJSON_Delete(one);
	}
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

static const char *const tenant_fields[] = {"name", "status", "plan",
	"notes", "display_name", NULL};
static const char *const user_fields[] = {"username", "role", "active",
	"email", "last_login", NULL};
static const char *const token_fields[] = {"id", "kind", "username",
	"expires_at", "revoked_at", "last_used_at", "label", NULL};
static const char *const event_fields[] = {"time", "event", "user_id",
	"details", NULL};

static int
cmd_tenant(pake_cli *cli, int argc, char **argv)
{
	static const char *const ops[][2] = {
		{"show", "tenant_show"}, {"suspend", "tenant_suspend"},
		{"resume", "tenant_resume"}, {"delete", "tenant_delete"},
	};
	cJSON *in = cJSON_CreateObject();
	const char *sub = argc > 1 ? argv[1] : "";
	char **av;
	size_t i;

	av = options(cli, &argc, argv, in);
	if (strcmp(sub, "list") == 0) {
		need(cli, argc, 1, "tenant list takes no arguments");
		return run(cli, "tenant_list", in, "tenants", tenant_fields);
	}
	if (strcmp(sub, "limits") == 0) {
		need(cli, argc, 2, "tenant limits needs a NAME");
		cJSON_AddStringToObject(in, "name", av[1]);
		return run(cli, "tenant_limits", in, NULL, tenant_fields);
	}
	if (strcmp(sub, "create") == 0) {
		need(cli, argc, 2, "tenant create needs a NAME");
		cJSON_AddStringToObject(in, "name", av[1]);
		return run(cli, "tenant_create", in, NULL, tenant_fields);
	}
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		if (strcmp(sub, ops[i][0]) != 0)
			continue;
		need(cli, argc, 2, "this tenant command needs a NAME");
		cJSON_AddStringToObject(in, "name", av[1]);
		return run(cli, ops[i][1], in, NULL, i == 0 ? tenant_fields :
		    (const char *const[]){"name", "status", NULL});
	}
	pake_cli_usage(cli, "unknown tenant command '%s'", sub);
}

static int
cmd_user(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = cJSON_CreateObject();
	const char *sub = argc > 1 ? argv[1] : "";
	char **av, *pw;
	int rc;

	av = options(cli, &argc, argv, in);
	add_target(cli, in);
	if (strcmp(sub, "list") == 0) {
		need(cli, argc, 1, "user list takes no arguments");
		return run(cli, "user_list", in, "users", user_fields);
	}
	if (strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) {
		need(cli, argc, 2, "needs a USERNAME (password on stdin)");
		cJSON_AddStringToObject(in, "username", av[1]);
		pw = read_secret(cli, "password");
		cJSON_AddStringToObject(in, "password", pw);
		burn(pw);
		rc = run(cli, sub[0] == 'a' ? "user_add" : "user_passwd", in,
		    NULL, sub[0] == 'a' ? user_fields : NULL);
		return rc;
	}
	if (strcmp(sub, "role") == 0) {
		need(cli, argc, 3, "user role needs USERNAME ROLE");
		cJSON_AddStringToObject(in, "username", av[1]);
		cJSON_AddStringToObject(in, "role", av[2]);
		return run(cli, "user_role", in, NULL, NULL);
	}
	if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
		need(cli, argc, 2, "needs a USERNAME");
		cJSON_AddStringToObject(in, "username", av[1]);
		return run(cli, sub[0] == 'd' ? "user_disable" : "user_enable",
		    in, NULL, NULL);
	}
	if (strcmp(sub, "map-uid") == 0) {
		need(cli, argc, 3, "user map-uid needs UID USERNAME");
		cJSON_AddNumberToObject(in, "uid", (double)pake_cli_long(cli,
		    "UID", av[1], -1, 4294967294LL));
		cJSON_AddStringToObject(in, "username", av[2]);
		return run(cli, "user_map_uid", in, NULL, NULL);
	}
	pake_cli_usage(cli, "unknown user command '%s'", sub);
}

static int
cmd_token(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = cJSON_CreateObject(), *out;
	const char *sub = argc > 1 ? argv[1] : "";
	char **av;

	av = options(cli, &argc, argv, in);
	if (strcmp(sub, "revoke") == 0) {
		need(cli, argc, 2, "token revoke needs an ID");
		cJSON_AddNumberToObject(in, "id", (double)pake_cli_long(cli,
		    "ID", av[1], 1, 1L << 53));
		return run(cli, "token_revoke", in, NULL, NULL);
	}
	add_target(cli, in);
	if (strcmp(sub, "list") == 0) {
		need(cli, argc, 1, "token list takes no arguments");
		return run(cli, "token_list", in, "tokens", token_fields);
	}
	if (strcmp(sub, "create") == 0) {
		need(cli, argc, 1, "token create takes options only");
		pake_cli_open(cli);
		out = pake_cli_call(cli, "token_create", in);
		if (cli->json)
			pake_cli_print_json(out);
		else {
			puts(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out,
			    "token")));
			fprintf(stderr, "pake-tenant: token %.0f created; it is "
			    "shown only this once\n", cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(out, "id")));
		}
		cJSON_Delete(out);
		return pake_cli_done(cli);
	}
	pake_cli_usage(cli, "unknown token command '%s'", sub);
}

static int
cmd_audit(pake_cli *cli, int argc, char **argv)
{
	cJSON *in = cJSON_CreateObject();

	options(cli, &argc, argv, in);
	need(cli, argc, 0, "audit takes options only");
	if (!cJSON_GetObjectItemCaseSensitive(in, "tenant"))
		add_target(cli, in);
	return run(cli, "audit_list", in, "events", event_fields);
}

/* login, refresh, logout: a session's tokens as JSON on stdout. */
static int
cmd_session(pake_cli *cli, const char *what, int argc, char **argv)
{
	cJSON *in = cJSON_CreateObject(), *out;
	char **av, *secret;

	av = options(cli, &argc, argv, in);
	if (strcmp(what, "login") == 0) {
		need(cli, argc, 1, "login needs a USERNAME (password on stdin)");
		add_target(cli, in);
		cJSON_AddStringToObject(in, "username", av[0]);
		secret = read_secret(cli, "password");
		cJSON_AddStringToObject(in, "password", secret);
	} else {
		need(cli, argc, 0, "the token comes on standard input");
		secret = read_secret(cli, "token");
		cJSON_AddStringToObject(in, what[0] == 'r' ? "refresh_token" :
		    "token", secret);
	}
	burn(secret);
	pake_cli_open(cli);
	out = pake_cli_call(cli, what[0] == 'l' && what[3] == 'i' ?
	    "auth_login" : what[0] == 'r' ? "auth_refresh" : "auth_logout", in);
	pake_cli_print_json(out);
	cJSON_Delete(out);
	return pake_cli_done(cli);
}

int
main(int argc, char **argv)
{
	pake_cli cli;

	pake_cli_init(&cli, "pake-tenant", usage, &argc, argv);
	/* --tenant names the tenant to manage; the database's owner acts from
	 * the default tenant (a token acts as itself), so a suspended or
	 * unknown target gives that tenant's answer, not a refusal to start. */
	if (strcmp(cli.cfg.origin[PAKE_CFG_TENANT], "default") != 0) {
		pake_strlcpy(cli.target, pake_config_str(&cli.cfg,
		    PAKE_CFG_TENANT), sizeof cli.target);
		pake_config_set(&cli.cfg, "tenant", "default", "default", NULL);
	}
	if (argc < 2)
		pake_cli_usage(&cli, "missing command");
	if (strcmp(argv[1], "tenant") == 0)
		return cmd_tenant(&cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "user") == 0)
		return cmd_user(&cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "token") == 0)
		return cmd_token(&cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "audit") == 0)
		return cmd_audit(&cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "login") == 0 || strcmp(argv[1], "refresh") == 0 ||
	    strcmp(argv[1], "logout") == 0)
		return cmd_session(&cli, argv[1], argc - 1, argv + 1);
	pake_cli_usage(&cli, "unknown command '%s'", argv[1]);
}
