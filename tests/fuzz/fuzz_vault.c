/*
 * fuzz_vault.c: libFuzzer target for importing a vault file
 * (pake_vault_import_fd, as POST /obsidian/sync and the import walk use
 * it).
 *
 * The input is the content of one markdown file in the default tenant's
 * vault, 00-Inbox/fuzz.md, imported as the installation's owner.  A note
 * it creates or updates is deleted again, so every input meets the same
 * empty store and the run's findings reproduce one input at a time.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "pake/op.h"
#include "pake/vault.h"
#include "env.h"

#define REL	"00-Inbox/fuzz.md"

static pake_cli cli;
static char file[PATH_MAX], real[PATH_MAX];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[PATH_MAX];

	(void)argc;
	(void)argv;
	fuzz_env(&cli);
	snprintf(dir, sizeof dir, "%s/00-Inbox", cli.ctx.vault);
	if ((mkdir(cli.ctx.vault, 0755) != 0 && access(cli.ctx.vault, F_OK)) ||
	    (mkdir(dir, 0755) != 0 && access(dir, F_OK))) {
		perror(dir);
		exit(1);
	}
	snprintf(file, sizeof file, "%s/%s", cli.ctx.vault, REL);
	return 0;
}

/* Delete the note the input made, so that the next input starts over. */
static void
forget(const char *id)
{
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	pake_err e = {0};

	cJSON_AddStringToObject(in, "pake_id", id);
	if (pake_op_call(&cli.ctx, "delete_note", in, &out, &e) != 0) {
		fprintf(stderr, "vault: cannot delete %s: %s\n", id, e.detail);
		abort();
	}
	cJSON_Delete(in);
	cJSON_Delete(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pake_file_sync out;
	pake_err e = {0};
	int fd;

	if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    write(fd, data, size) != (ssize_t)size || close(fd) != 0) {
		perror(file);
		abort();
	}
	if (real[0] == '\0' && realpath(file, real) == NULL) {
		perror(file);
		abort();
	}
	if ((fd = open(file, O_RDONLY)) < 0) {
		perror(file);
		abort();
	}
	if (pake_vault_import_fd(&cli.ctx, fd, real, REL, &out, &e) == 0 &&
	    out.pake_id[0] && strcmp(out.action, "unchanged") != 0)
		forget(out.pake_id);
	close(fd);
	return 0;
}
