/*
 * vault.c: file names, path safety, atomic writes and the database-to-file
 * mirror (see vault.h for the idea).
 *
 * Writes: the note's text goes to a hidden temp file in the target folder,
 * is fsync'ed, and renamed over the old file (or linked into place when the
 * name must not exist yet, so an existing file is never overwritten); then
 * the folder is fsync'ed.  A reader sees the old file or the new one, never
 * half of either.
 *
 * Order between processes: the file is always written from the latest
 * committed row while holding an OFD byte-range lock on the note's slot of
 * one lock file.  Whoever writes last therefore writes the newest state, even
 * when two updates of one note commit and mirror in crossed order.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pake/frontmatter.h"
#include "pake/graph.h"
#include "pake/util.h"
#include "pake/vault.h"

#define LOCK_SLOTS 65536

/* Decode %XX escapes once; returns 1 when anything was decoded. */
static int
pct_decode(const char *in, char *out, size_t n)
{
	size_t i = 0, j = 0;
	int any = 0;

	while (in[i] && j + 1 < n) {
		if (in[i] == '%' && isxdigit((unsigned char)in[i + 1]) &&
		    isxdigit((unsigned char)in[i + 2])) {
			char hex[3] = {in[i + 1], in[i + 2], 0};
			unsigned long v = strtoul(hex, NULL, 16);
			if (v == 0) {		/* an encoded NUL: keep visible */
				out[j++] = '\x01';
			} else
				out[j++] = (char)v;
			i += 3;
			any = 1;
		} else
			out[j++] = in[i++];
	}
	out[j] = '\0';
	return any;
}

/* Does s try to leave a folder?  Any ".." segment, an absolute or UNC
 * path, a drive letter, or a NUL (decoded to \x01 by pct_decode). */
static int
escapes(const char *s)
{
	const char *seg, *end;

	if (s[0] == '/' || s[0] == '\\')
		return 1;
	if (isalpha((unsigned char)s[0]) && s[1] == ':' &&
	    (s[2] == '\\' || s[2] == '/' || s[2] == '\0'))
		return 1;
	if (strchr(s, '\x01'))
		return 1;
	for (seg = s; ; seg = end + 1) {
		end = seg + strcspn(seg, "/\\");
		if (end - seg == 2 && seg[0] == '.' && seg[1] == '.')
			return 1;
		if (*end == '\0')
			break;
	}
	return 0;
}

/* Does s leave a folder, as written or after up to three rounds of
 * percent-decoding (a double-encoded "%252e%252e%252f" is caught on the
 * second)?  s is at most max bytes.  A title (anywhere) also may not
 * contain "../" or "..\\" at all (DESIGN §4): "....//....//etc//passwd"
 * has no ".." segment, but a careless consumer of the name that strips
 * "../" once makes it one.  A vault path is judged by its segments only. */
static int
leaves(const char *s, int anywhere)
{
	char a[PATH_MAX * 2], b[sizeof a];
	int round;

	pake_strlcpy(a, s, sizeof a);
	for (round = 0; round < 4; round++) {
		if (escapes(a))
			return 1;
		if (anywhere && (strstr(a, "../") || strstr(a, "..\\")))
			return 1;
		if (!pct_decode(a, b, sizeof b))
			break;
		memcpy(a, b, sizeof a);
	}
	return 0;
}

int
pake_vault_check_title(const char *title, pake_err *e)
{
	if (strlen(title) > PAKE_TITLE_MAX)
		return pake_fail(e, PAKE_EINVAL, NULL, "title too long");
	if (leaves(title, 1))
		return pake_fail(e, PAKE_ESECURITY, NULL,
		    "title tries to leave the vault");
	return 0;
}

int
pake_vault_check_rel(const char *rel, pake_err *e)
{
	size_t i, n = strlen(rel);

	if (n == 0 || n >= PATH_MAX || !pake_utf8_valid(rel, n))
		return pake_fail(e, PAKE_EINVAL, NULL,
		    "path empty, too long or not UTF-8");
	for (i = 0; i < n; i++)
		if ((unsigned char)rel[i] < 0x20 || rel[i] == 0x7f)
			return pake_fail(e, PAKE_EINVAL, NULL,
			    "control character in path");
	if (leaves(rel, 0))
		return pake_fail(e, PAKE_ESECURITY, NULL,
		    "path tries to leave the vault");
	return 0;
}

/* May code point cp appear in a file name?  Letters and digits of any
 * script: ASCII alnum, and non-ASCII outside the punctuation, symbol,
 * emoji, control and private-use blocks. */
static int
name_char(uint32_t cp)
{
	if (cp < 0x80)
		return isalnum((int)cp);
	if (cp < 0xC0)
		return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
	if (cp == 0xD7 || cp == 0xF7)
		return 0;
	if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
	    (cp >= 0xD800 && cp <= 0xF8FF) || (cp >= 0xFE00 && cp <= 0xFE6F) ||
	    (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
	    (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) ||
	    (cp >= 0xFFF0 && cp <= 0xFFFF) || (cp >= 0x1F000 && cp <= 0x1FAFF) ||
	    cp >= 0xE0000)
		return 0;
	return 1;
}

void
pake_vault_stem(const char *title, const char *pake_id, char *out, size_t n)
{
	size_t i = 0, j = 0, len = strlen(title), k;
	int chars = 0, space = 0;
	uint32_t cp;

	if (n < PAKE_NAME_MAX * 4 + 1) {
		out[0] = '\0';
		return;
	}
	while (i < len && chars < PAKE_NAME_MAX) {
		k = pake_utf8_decode(title + i, len - i, &cp);
		if (k == 0) {		/* not UTF-8: skip the byte */
			i++;
			continue;
		}
		if (cp == ' ' || cp == '\t') {
			space = j > 0;
		} else if (name_char(cp) || cp == '-' || cp == '_') {
			if (space && chars < PAKE_NAME_MAX - 1) {
				out[j++] = '-';
				chars++;
			}
			space = 0;
			memcpy(out + j, title + i, k);
			j += k;
			chars++;
		}
		i += k;
	}
	out[j] = '\0';
	if (j == 0)
		snprintf(out, n, "note_%.8s", pake_id);
}

const char *
pake_vault_folder(const char *type)
{
	if (type == NULL)
		return "00-Inbox";
	if (strcmp(type, "DailyNote") == 0)
		return "01-Daily";
	if (strcmp(type, "ProjectNote") == 0)
		return "01-Projects";
	if (strcmp(type, "InsightNote") == 0)
		return "02-Areas";
	return "00-Inbox";
}

int
pake_vault_path_ok(const char *rel)
{
	return rel && *rel && !escapes(rel) && strlen(rel) < PATH_MAX / 2 &&
	    pake_utf8_valid(rel, strlen(rel));
}

int
pake_vault_choose_path(pake_ctx *c, const pake_note *n, char *out,
    size_t len, pake_err *e)
{
	char stem[PAKE_NAME_MAX * 4 + 1], full[PATH_MAX];
	const char *folder = pake_vault_folder(n->type);
	struct stat st;
	pake_db *sd;
	int k, taken;

	if ((sd = pake_ctx_store(c, e)) == NULL)
		return e->code;
	pake_vault_stem(n->title ? n->title : "", n->pake_id, stem, sizeof stem);
	for (k = 1; k < 10000; k++) {
		if (k == 1)
			snprintf(out, len, "%s/%s.md", folder, stem);
		else
			snprintf(out, len, "%s/%s-%d.md", folder, stem, k);
		taken = pake_db_path_taken(sd, out);
		if (taken < 0)
			return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_DB,
			    "path lookup failed");
		if (taken)
			continue;
		snprintf(full, sizeof full, "%s/%s", c->vault, out);
		if (lstat(full, &st) == 0 || errno != ENOENT)
			continue;
		return 0;
	}
	return pake_fail(e, PAKE_ECONFLICT, NULL, "no free file name for %s",
	    stem);
}

/* mkdir -p dir/<folders of rel>. */
static int
make_dirs(const char *dir, const char *rel, pake_err *e)
{
	char path[PATH_MAX], *p;
	size_t base;

	base = (size_t)snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (base >= sizeof path)
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_FS, "path too long");
	/* Every folder from the root down: the vault itself may be new. */
	for (p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			int err = errno;
			return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS,
			    "mkdir %s: %s", path, strerror(err));
		}
		*p = '/';
	}
	return 0;
}

int
pake_vault_write_file(const char *dir, const char *rel, const char *data,
    size_t len, int flags, pake_err *e)
{
	char path[PATH_MAX], tmp[PATH_MAX], id[37];
	const char *base;
	int fd, rc, err;

	if (!pake_vault_path_ok(rel))
		return pake_fail(e, PAKE_ESECURITY, NULL, "unsafe path %s", rel);
	if ((rc = make_dirs(dir, rel, e)) != 0)
		return rc;
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if ((rc = pake_uuid4(id, e)) != 0)
		return rc;
	base = strrchr(path, '/') + 1;
	if ((size_t)snprintf(tmp, sizeof tmp, "%.*s.%.8s.pake-tmp",
	    (int)(base - path), path, id) >= sizeof tmp)
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_FS, "path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "create %s: %s",
		    tmp, strerror(errno));
	if (pake_write_all(fd, data, len) != 0 ||
	    (!(flags & PAKE_WF_NOSYNC) && fsync(fd) != 0)) {
		err = errno;
		close(fd);
		unlink(tmp);
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "write %s: %s",
		    tmp, strerror(err));
	}
	close(fd);
	if (flags & PAKE_WF_NOCLOBBER) {
		rc = link(tmp, path);
		err = errno;
		unlink(tmp);
		if (rc != 0)
			return pake_fail(e, err == EEXIST ? PAKE_ECONFLICT :
			    PAKE_EUNAVAIL, PAKE_MSG_FS, "link %s: %s", path,
			    strerror(err));
	} else if (rename(tmp, path) != 0) {
		err = errno;
		unlink(tmp);
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "rename %s: %s",
		    path, strerror(err));
	}
	if (!(flags & PAKE_WF_NOSYNC))
		pake_sync_parent(path);
	return 0;
}

/* Take (type F_WRLCK) or drop (F_UNLCK) the note's slot of the lock file. */
static int
slot_lock(pake_ctx *c, const char *pake_id, short type, pake_err *e)
{
	struct flock fl;
	uint32_t h = 2166136261u;
	const char *p;

	if (c->lock_fd < 0) {
		c->lock_fd = open(c->lock_path, O_RDWR | O_CREAT | O_CLOEXEC,
		    0600);
		if (c->lock_fd < 0)
			return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS,
			    "open %s: %s", c->lock_path, strerror(errno));
	}
	for (p = pake_id; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	memset(&fl, 0, sizeof fl);
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = h % LOCK_SLOTS;
	fl.l_len = 1;
	while (fcntl(c->lock_fd, F_OFD_SETLKW, &fl) != 0) {
		if (errno != EINTR)
			return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS,
			    "lock: %s", strerror(errno));
	}
	return 0;
}

/* Does the file at path belong to note pake_id (or is it absent)?
 * 1: ours, 0: absent, -1: someone else's file. */
static int
file_owner(const char *path, const char *pake_id)
{
	char head[4097];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	n = read(fd, head, sizeof head - 1);
	close(fd);
	if (n < 0)
		return -1;
	head[n] = '\0';
	return strstr(head, pake_id) ? 1 : -1;
}

/* How many times a sync looks for a free name again when other writers
 * keep taking the one it chose; then it fails and the pending row stays
 * for the next flush or pake-db check --repair. */
#define SYNC_TRIES 8

/* Mirror the latest committed state of one note to its file; runs with the
 * note's slot locked.  tries: earlier attempts that lost a race. */
static int
sync_try(pake_ctx *c, const char *pake_id, const char *old_path, int wf,
    int tries, pake_err *e)
{
	char path[PATH_MAX], newrel[PATH_MAX];
	pake_note n;
	size_t len;
	char *text;
	int rc, owner;
	pake_db *sd;

	if ((sd = pake_ctx_store(c, e)) == NULL)
		return e->code;
	rc = pake_db_note_get(sd, pake_id, &n, e);
	if (rc == PAKE_ENOTFOUND) {		/* deleted: remove our file */
		pake_err_clear(e);
		if (!pake_vault_path_ok(old_path))
			return 0;
		snprintf(path, sizeof path, "%s/%s", c->vault, old_path);
		if (file_owner(path, pake_id) == 1 && unlink(path) != 0 &&
		    errno != ENOENT)
			return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS,
			    "unlink %s: %s", path, strerror(errno));
		if (!(wf & PAKE_WF_NOSYNC))
			pake_sync_parent(path);
		return 0;
	}
	if (rc != 0)
		return rc;
	for (;;) {
		snprintf(path, sizeof path, "%s/%s", c->vault, n.file_path);
		owner = file_owner(path, pake_id);
		if (owner >= 0)
			break;
		if (++tries > SYNC_TRIES) {
			rc = pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "%s: "
			    "other files keep taking its names", pake_id);
			goto out;
		}
		/* Someone else's file holds the name: never overwrite it,
		 * move the note to a free name. */
		if ((rc = pake_db_begin(sd, e)) != 0)
			goto out;
		if ((rc = pake_vault_choose_path(c, &n, newrel, sizeof newrel,
		    e)) != 0 || (rc = pake_db_note_set_path(sd, pake_id,
		    newrel, e)) != 0 ||
		    (rc = pake_graph_note_moved(c, sd, pake_id, e)) != 0) {
			pake_db_rollback(sd);
			goto out;
		}
		if ((rc = pake_db_commit(sd, e)) != 0)
			goto out;
		free(n.file_path);
		if ((n.file_path = strdup(newrel)) == NULL) {
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
			goto out;
		}
	}
	if ((text = pake_fm_render(&n, &len)) == NULL) {
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto out;
	}
	rc = pake_vault_write_file(c->vault, n.file_path, text, len,
	    wf | (owner == 0 ? PAKE_WF_NOCLOBBER : 0), e);
	free(text);
	if (rc == PAKE_ECONFLICT && tries < SYNC_TRIES) {
		/* a file appeared meanwhile: again, a bounded number of times */
		pake_err_clear(e);
		pake_note_free(&n);
		return sync_try(c, pake_id, old_path, wf, tries + 1, e);
	}
	/* The note moved (an update changed its folder): drop the old file. */
	if (rc == 0 && old_path && strcmp(old_path, n.file_path) != 0 &&
	    pake_vault_path_ok(old_path)) {
		snprintf(path, sizeof path, "%s/%s", c->vault, old_path);
		if (file_owner(path, pake_id) == 1)
			unlink(path);
	}
out:
	pake_note_free(&n);
	return rc;
}

static int
sync_locked(pake_ctx *c, const char *pake_id, const char *old_path, int wf,
    pake_err *e)
{
	return sync_try(c, pake_id, old_path, wf, 0, e);
}

int
pake_vault_sync(pake_ctx *c, const char *pake_id, const char *file_path,
    int64_t seq, pake_err *e)
{
	int rc;

	pake_db *sd;

	if ((sd = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = slot_lock(c, pake_id, F_WRLCK, e)) != 0)
		return rc;
	rc = sync_locked(c, pake_id, file_path, 0, e);
	slot_lock(c, pake_id, F_UNLCK, NULL);
	if (rc == 0 && seq > 0)
		rc = pake_db_pending_done(sd, seq, e);
	return rc;
}

int
pake_vault_sync_many(pake_ctx *c, const pake_sync_item *items, size_t n,
    pake_err *e)
{
	size_t i;
	int rc = 0, fd;
	pake_db *sd;

	if ((sd = pake_ctx_store(c, e)) == NULL)
		return e->code;
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = slot_lock(c, items[i].pake_id, F_WRLCK, e)) != 0)
			break;
		rc = sync_locked(c, items[i].pake_id, items[i].file_path,
		    PAKE_WF_NOSYNC, e);
		slot_lock(c, items[i].pake_id, F_UNLCK, NULL);
	}
	if (rc != 0 || n == 0)
		return rc;
	/* One syncfs for the batch instead of two fsyncs per file. */
	if ((fd = open(c->vault, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "open %s: %s",
		    c->vault, strerror(errno));
	rc = syncfs(fd);
	close(fd);
	if (rc != 0)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "syncfs: %s",
		    strerror(errno));
	if ((rc = pake_db_begin(sd, e)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++)
		if (items[i].seq > 0)
			rc = pake_db_pending_done(sd, items[i].seq, e);
	if (rc != 0) {
		pake_db_rollback(sd);
		return rc;
	}
	return pake_db_commit(sd, e);
}

struct flush {
	pake_ctx *c;
	pake_err *e;
	int64_t done;
};

static int
flush_one(void *arg, const char *pake_id, const char *file_path, int64_t seq)
{
	struct flush *f = arg;

	f->done++;
	return pake_vault_sync(f->c, pake_id, file_path, seq, f->e);
}

int
pake_vault_flush(pake_ctx *c, pake_err *e)
{
	struct flush f = {c, e, 0};
	pake_db *sd;

	if ((sd = pake_ctx_store(c, e)) == NULL)
		return e->code;
	return pake_db_pending_each(sd, flush_one, &f, e);
}

int
pake_vault_flush_before(pake_ctx *c, int64_t before_ms, pake_err *e)
{
	struct flush f = {c, e, 0};
	pake_db *sd;

	if ((sd = pake_ctx_store(c, e)) == NULL)
		return e->code;
	return pake_db_pending_before(sd, before_ms, flush_one, &f, e);
}
