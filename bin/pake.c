/*
 * pake: the front door.  "pake CMD ARGS..." runs "pake-CMD ARGS...", found
 * next to this program first, then on PATH, as git does; "pake help" lists
 * the commands.  See pake(1).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

static const struct {
	const char *name;
	const char *what;
} commands[] = {
	{"note", "add, read, list, edit and remove notes"},
	{"search", "full-text search with filters"},
	{"vault", "import an Obsidian vault, export every note"},
	{"graph", "links, backlinks, neighbours, paths; memory files"},
	{"analyze", "summaries and keywords of notes"},
	{"analytics", "what the searches say: metrics, trends, anomalies"},
	{"db", "create, check, repair, back up and compact the database"},
	{"tenant", "tenants, users, tokens, logins and the activity log"},
	{"health", "is the installation well: the checks of GET /health"},
	{"op", "call any operation of the registry with JSON"},
};

static void
help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: pake COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\n'pake COMMAND --help' describes one command; "
	    "man pake-COMMAND has the details.\n");
}

/* A command name is a short word: no path tricks through "pake ../x". */
static int
valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int
main(int argc, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 64], prog[64], *slash;
	ssize_t n;

	if (argc < 2) {
		help(stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		help(stdout);
		return EX_OK;
	}
	if (!valid_name(argv[1])) {
		fprintf(stderr, "pake: '%s' is not a command; see 'pake help'\n",
		    argv[1]);
		return EX_USAGE;
	}
	snprintf(prog, sizeof prog, "pake-%s", argv[1]);
	argv[1] = prog;
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, sizeof path, "%s/%s", self, prog);
			if (access(path, X_OK) == 0) {
				execv(path, argv + 1);
				fprintf(stderr, "pake: %s: %s\n", path,
				    strerror(errno));
				return EX_OSERR;
			}
		}
	}
	execvp(prog, argv + 1);
	if (errno == ENOENT) {
		fprintf(stderr, "pake: '%s' is not a command; see 'pake help'\n",
		    argv[1] + 5);
		return EX_USAGE;
	}
	fprintf(stderr, "pake: %s: %s\n", prog, strerror(errno));
	return EX_OSERR;
}
