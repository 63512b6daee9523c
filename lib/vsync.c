/*
 * vsync.c: one file of the vault changed; bring the change into the
 * database (POST /obsidian/sync, see pake_vault_sync_file in vault.h).
 *
 * The path comes from a client, so it is hostile until shown otherwise.
 * The Python server opened whatever path it was sent; here a path is
 * checked three times before a byte is read:
 *   1. as text: relative (or absolute with the vault as its prefix), no
 *      ".." segment, drive or UNC form, NUL or control character, also
 *      after percent-decoding up to three times;
 *   2. resolved: realpath() of the file must lie inside realpath() of the
 *      vault, so a symlink in the vault that points out of it is refused;
 *   3. opened: openat2() below the vault's own descriptor with
 *      RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS on the resolved path, so a
 *      folder swapped for a symlink between 2 and 3 is refused by the
 *      kernel rather than followed.
 * Any failure of 1-3 is security_violation and nothing has been read or
 * written.  The file is then imported by import.c's own code, exactly as
 * "pake-vault import" of the vault would read it.
 *
 * A deleted file deletes the note whose file it was, found by its path;
 * the file itself is already gone, and if it is not, the event is stale
 * or wrong and is refused (conflict) rather than deleting a note whose
 * file is still there.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "pake/store.h"
#include "pake/graph.h"
#include "pake/util.h"
#include "pake/vault.h"

/* Is real (resolved) root itself or below it? */
static int
inside(const char *root, const char *real)
{
	size_t n = strlen(root);

	if (n == 1 && root[0] == '/')
		return 1;
	return strncmp(root, real, n) == 0 && (real[n] == '/' ||
	    real[n] == '\0');
}

/* Refuse: the path leaves the vault (why goes to the log only). */
static int
leave(pake_err *e, const char *why)
{
	return pake_fail(e, PAKE_ESECURITY, PAKE_MSG_SECURITY, "%s", why);
}

/* filepath (relative to the vault, or absolute and inside it as written)
 * -> a clean relative path: no empty or "." segments.  vreal is the
 * vault's resolved path, or "" when the vault does not exist. */
static int
relative(const pake_ctx *c, const char *vreal, const char *filepath,
    char *rel, size_t n, pake_err *e)
{
	const char *p = filepath, *seg, *end;
	char vault[PATH_MAX];
	size_t len, out = 0;
	int rc;

	if (filepath[0] == '/') {
		pake_strlcpy(vault, c->vault, sizeof vault);
		for (len = strlen(vault); len > 1 && vault[len - 1] == '/'; )
			vault[--len] = '\0';
		len = strlen(vreal);
		if (len && strncmp(filepath, vreal, len) == 0 &&
		    filepath[len] == '/')
			p = filepath + len + 1;
		else if (vault[0] == '/' && strncmp(filepath, vault,
		    strlen(vault)) == 0 && filepath[strlen(vault)] == '/')
			p = filepath + strlen(vault) + 1;
		else
			return leave(e, "absolute path outside the vault");
	}
	if ((rc = pake_vault_check_rel(p, e)) != 0)
		return rc == PAKE_ESECURITY ? leave(e, "path leaves the vault") :
		    rc;
	for (seg = p; ; seg = end + 1) {
		end = seg + strcspn(seg, "/");
		len = (size_t)(end - seg);
		if (len && !(len == 1 && seg[0] == '.')) {
			if (out + len + 2 > n)
				return pake_fail(e, PAKE_EINVAL, NULL,
				    "path too long");
			if (out)
				rel[out++] = '/';
			memcpy(rel + out, seg, len);
			out += len;
		}
		if (*end == '\0')
			break;
	}
	rel[out] = '\0';
	if (!pake_vault_path_ok(rel))
		return pake_fail(e, PAKE_EINVAL, NULL, "empty path");
	return 0;
}

/* Would an import look at rel?  Only *.md files outside hidden folders. */
static int
importable(const char *rel)
{
	const char *seg = rel;
	size_t n = strlen(rel);

	if (n <= 3 || strcmp(rel + n - 3, ".md") != 0)
		return 0;
	for (;;) {
		if (seg[0] == '.')
			return 0;
		if ((seg = strchr(seg, '/')) == NULL)
			return 1;
		seg++;
	}
}

/* Open the resolved file real (inside vreal) for reading, refusing any
 * symlink or way out that appeared since it was resolved. */
static int
open_beneath(const char *vreal, const char *real, int *fd, pake_err *e)
{
	struct open_how how;
	const char *below = real + strlen(vreal);
	int dfd, err;

	*fd = -1;
	while (*below == '/')
		below++;
	memset(&how, 0, sizeof how);
	how.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS;
	if ((dfd = open(vreal, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "open vault: %s",
		    strerror(errno));
	*fd = (int)syscall(SYS_openat2, dfd, below, &how, sizeof how);
	if (*fd < 0 && errno == ENOSYS)	/* before Linux 5.6 */
		*fd = open(real, (int)how.flags);
	err = errno;
	close(dfd);
	if (*fd >= 0)
		return 0;
	if (err == EXDEV || err == ELOOP)
		return leave(e, "the path changed while it was opened");
	if (err == ENOENT || err == ENOTDIR)
		return pake_fail(e, PAKE_ENOTFOUND, "File not found",
		    "%s: gone", below);
	return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "open %s: %s", below,
	    strerror(err));
}

/* created, modified: read the file again and import it. */
static int
sync_changed(pake_ctx *c, const char *vreal, const char *rel,
    pake_file_sync *out, pake_err *e)
{
	char full[PATH_MAX * 2], real[PATH_MAX];
	struct stat sb;
	int fd, rc;

	if (vreal[0] == '\0')
		return pake_fail(e, PAKE_ENOTFOUND, "File not found",
		    "the vault does not exist");
	snprintf(full, sizeof full, "%s/%s", vreal, rel);
	if (realpath(full, real) == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return pake_fail(e, PAKE_ENOTFOUND, "File not found",
			    "%s: %s", rel, strerror(errno));
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "realpath %s: %s",
		    rel, strerror(errno));
	}
	if (!inside(vreal, real))
		return leave(e, "the path resolves outside the vault");
	if (strcmp(real, vreal) == 0)	/* a link to the vault: a folder */
		return 0;
	if ((rc = open_beneath(vreal, real, &fd, e)) != 0)
		return rc;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);		/* a folder, a fifo, ...: not a note */
		return 0;
	}
	rc = pake_vault_import_fd(c, fd, real, rel, out, e);
	close(fd);
	return rc;
}

/* deleted: the note whose file rel was goes too. */
static int
sync_deleted(pake_ctx *c, const char *vreal, const char *rel,
    pake_file_sync *out, pake_err *e)
{
	char full[PATH_MAX * 2], real[PATH_MAX], *slash;
	char id[PAKE_ID_LEN + 1];
	struct stat sb;
	pake_db *st;
	int rc;

	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_DELETE, e)) != 0)
		return rc;
	snprintf(full, sizeof full, "%s/%s", vreal[0] ? vreal : c->vault, rel);
	if (lstat(full, &sb) == 0) {
		if (vreal[0] && realpath(full, real) && !inside(vreal, real))
			return leave(e, "the path resolves outside the vault");
		return pake_fail(e, PAKE_ECONFLICT, "The file still exists",
		    "%s exists", rel);
	}
	/* The folder it was in, if that is still there, must be ours. */
	slash = strrchr(full, '/');
	*slash = '\0';
	if (vreal[0] && realpath(full, real) && !inside(vreal, real))
		return leave(e, "the folder resolves outside the vault");
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	rc = pake_db_note_by_path(st, rel, id, e);
	if (rc == PAKE_ENOTFOUND) {	/* not a note's file: nothing to do */
		pake_err_clear(e);
		return 0;
	}
	if (rc == 0)
		rc = pake_store_delete(c, id, 0, e);
	if (rc == PAKE_ENOTFOUND) {	/* deleted meanwhile by another */
		pake_err_clear(e);
		return 0;
	}
	if (rc != 0)
		return rc;
	out->action = "deleted";
	pake_strlcpy(out->pake_id, id, sizeof out->pake_id);
	pake_strlcpy(out->file_path, rel, sizeof out->file_path);
	return 0;
}

int
pake_vault_sync_file(pake_ctx *c, const char *event, const char *filepath,
    pake_file_sync *out, pake_err *e)
{
	char vreal[PATH_MAX], rel[PATH_MAX];
	int deleted, rc;

	memset(out, 0, sizeof *out);
	out->action = "ignored";
	deleted = strcmp(event, "deleted") == 0;
	if (!deleted && strcmp(event, "created") != 0 &&
	    strcmp(event, "modified") != 0)
		return pake_fail(e, PAKE_EINVAL, NULL, "unknown event");
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if (realpath(c->vault, vreal) == NULL)
		vreal[0] = '\0';	/* no vault yet: no file in it either */
	if ((rc = relative(c, vreal, filepath, rel, sizeof rel, e)) != 0)
		return rc;
	if (!importable(rel))
		return 0;
	return deleted ? sync_deleted(c, vreal, rel, out, e) :
	    sync_changed(c, vreal, rel, out, e);
}

/*
 * A file renamed inside the vault: the note whose file it was follows it
 * (its file_path, and the source a file without a pake_id is known by),
 * then the file is read at its new place like any change.  Without a note
 * at from, it is a new file.
 */
int
pake_vault_sync_move(pake_ctx *c, const char *from, const char *to,
    pake_file_sync *out, pake_err *e)
{
	char vreal[PATH_MAX], rf[PATH_MAX], rt[PATH_MAX], full[PATH_MAX * 2];
	char real[PATH_MAX], id[PAKE_ID_LEN + 1];
	pake_db *st;
	int rc;

	memset(out, 0, sizeof *out);
	out->action = "ignored";
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if (realpath(c->vault, vreal) == NULL)
		return pake_fail(e, PAKE_ENOTFOUND, "File not found",
		    "the vault does not exist");
	if ((rc = relative(c, vreal, from, rf, sizeof rf, e)) != 0 ||
	    (rc = relative(c, vreal, to, rt, sizeof rt, e)) != 0)
		return rc;
	if (!importable(rt))
		return importable(rf) ? sync_deleted(c, vreal, rf, out, e) : 0;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	snprintf(full, sizeof full, "%s/%s", vreal, rt);
	if (importable(rf) && realpath(full, real) != NULL &&
	    inside(vreal, real) &&
	    pake_db_note_by_path(st, rf, id, e) == 0 &&
	    pake_db_path_taken(st, rt) == 0) {
		if ((rc = pake_db_begin(st, e)) != 0)
			return rc;
		if ((rc = pake_db_note_set_path(st, id, rt, e)) != 0 ||
		    (rc = pake_graph_note_moved(c, st, id, e)) != 0 ||
		    (rc = pake_db_source_set(st, real, id, e)) != 0 ||
		    (rc = pake_db_commit(st, e)) != 0) {
			pake_db_rollback(st);
			return rc;
		}
	}
	pake_err_clear(e);
	return sync_changed(c, vreal, rt, out, e);
}
