/*
 * vault_state.c: what the vault is doing, for people (the dashboard's
 * vault view, the vault_status operation): changes waiting to be written
 * to files, hand edits a later change replaced, whether a watcher is
 * following the vault, and what the last import did.
 *
 * The watcher and the import leave their state in small files beside the
 * tenant's store (pake_ctx_beside), not in it: a watcher's life is not a
 * transaction, and the status is read by readers, who write nothing.
 *
 *   <store>.watch   {pid, since, vault}: written by a watcher when it
 *                   starts, and held with an exclusive flock for as long
 *                   as it runs.  A status reader that can take a shared
 *                   lock knows no watcher runs (the file then tells when
 *                   the last one started); one that cannot, that it does.
 *                   The kernel drops the lock when the watcher dies, even
 *                   by kill -9, so the answer is never stale.
 *   <store>.import  {time, folder, seen, created, updated, unchanged,
 *                   skipped, ms}: the last import that finished, written
 *                   to a temporary file and renamed over the old one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "pake/vault.h"
#include "pake/util.h"

#define STATE_MAX	4096	/* bytes a state file may hold */

int
pake_vault_watch_mark(pake_ctx *c)
{
	char path[PATH_MAX], *text;
	pake_err e = {0};
	cJSON *o;
	int fd;

	if (pake_ctx_beside(c, ".watch", path, sizeof path, &e) != 0)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0644)) < 0)
		return -1;
	/* Another watcher of this tenant runs: it keeps the file. */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return -1;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "pid", (double)getpid());
	cJSON_AddNumberToObject(o, "since", (double)pake_now_ms());
	cJSON_AddStringToObject(o, "vault", c->vault);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (text == NULL || ftruncate(fd, 0) != 0 ||
	    pwrite(fd, text, strlen(text), 0) != (ssize_t)strlen(text))
		pake_log_msg(c->log, PAKE_LOG_WARN, "watcher state %s not "
		    "written: %s", path, strerror(errno));
	free(text);
	return fd;		/* closed by the watcher when it ends */
}

void
pake_vault_import_mark(pake_ctx *c, const char *folder,
    const pake_import_stats *st, int64_t ms)
{
	char path[PATH_MAX], ts[40], *text;
	pake_err e = {0};
	cJSON *o;

	if (pake_ctx_beside(c, ".import", path, sizeof path, &e) != 0)
		return;
	o = cJSON_CreateObject();
	pake_iso8601(pake_now_ms(), ts);
	cJSON_AddStringToObject(o, "time", ts);
	cJSON_AddStringToObject(o, "folder", folder);
	cJSON_AddNumberToObject(o, "seen", (double)st->seen);
	cJSON_AddNumberToObject(o, "created", (double)st->created);
	cJSON_AddNumberToObject(o, "updated", (double)st->updated);
	cJSON_AddNumberToObject(o, "unchanged", (double)st->unchanged);
	cJSON_AddNumberToObject(o, "skipped", (double)st->skipped);
	cJSON_AddNumberToObject(o, "ms", (double)ms);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (text == NULL)
		return;
	if (pake_write_atomic(path, text, strlen(text), 0644, 0, &e) != 0)
		pake_log_msg(c->log, PAKE_LOG_WARN, "import state %s not "
		    "written: %s", path, e.detail);
	free(text);
}

/* A state file's JSON, or NULL when there is none or it is not JSON. */
static cJSON *
read_state(int fd)
{
	char buf[STATE_MAX + 1];
	ssize_t n = pread(fd, buf, STATE_MAX, 0);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return cJSON_Parse(buf);
}

static cJSON *
watcher_json(pake_ctx *c)
{
	char path[PATH_MAX], ts[40];
	pake_err e = {0};
	cJSON *o = cJSON_CreateObject(), *st = NULL, *v;
	int fd, running = 0;

	if (pake_ctx_beside(c, ".watch", path, sizeof path, &e) == 0 &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) >= 0) {
		running = flock(fd, LOCK_SH | LOCK_NB) != 0 &&
		    errno == EWOULDBLOCK;
		st = read_state(fd);
		close(fd);
	}
	cJSON_AddBoolToObject(o, "running", running);
	if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(st, "pid")) &&
	    running)
		cJSON_AddNumberToObject(o, "pid", v->valuedouble);
	if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(st,
	    "since"))) {
		pake_iso8601((int64_t)v->valuedouble, ts);
		cJSON_AddStringToObject(o, running ? "since" : "last_started",
		    ts);
	}
	cJSON_Delete(st);
	return o;
}

static cJSON *
import_json(pake_ctx *c)
{
	char path[PATH_MAX];
	pake_err e = {0};
	cJSON *st = NULL;
	int fd;

	if (pake_ctx_beside(c, ".import", path, sizeof path, &e) == 0 &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) >= 0) {
		st = read_state(fd);
		close(fd);
	}
	return st ? st : cJSON_CreateNull();
}

int
pake_vault_state(pake_ctx *c, cJSON **out, pake_err *e)
{
	pake_db *st;
	int64_t pending = 0, old = 0;
	int rc;

	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_pending_count(st, &pending, e)) != 0 ||
	    (rc = pake_db_pending_old(st, &old, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "vault", c->vault);
	cJSON_AddNumberToObject(*out, "pending", (double)pending);
	cJSON_AddNumberToObject(*out, "pending_stale", (double)old);
	cJSON_AddItemToObject(*out, "watcher", watcher_json(c));
	cJSON_AddItemToObject(*out, "last_import", import_json(c));
	return 0;
}
