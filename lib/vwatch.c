/*
 * vwatch.c: follow a vault with inotify and bring every change a person
 * makes into the store as it happens (pake-vault watch).
 *
 * A file closed after writing, or moved into the vault, is imported
 * (pake_vault_sync_file "modified": a new file becomes a note, a changed
 * one a version; one whose content is what the store already says, such
 * as pake's own writes, changes nothing).  A file deleted or moved out is
 * "deleted": its note goes (into the history, restorable).  A rename
 * within the vault (a move-from and a move-to with the same cookie) is an
 * import at the new path, which moves the note.  New folders are watched
 * as they appear, and the .md files already in them imported.  Hidden
 * names are not looked at: Obsidian's .obsidian/ and .trash/, and pake's
 * own temporary files.  Bounded: at most WATCH_DIRS folders, 64 deep.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pake/vault.h"
#include "pake/vec.h"

#define WATCH_DIRS	65536
#define WATCH_DEPTH	64
#define MASK	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | \
		 IN_CREATE | IN_DELETE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK)

struct wdir {
	int wd;
	char *rel;		/* "" for the vault itself */
};

typedef struct watcher {
	pake_ctx *c;
	int fd;
	struct wdir *v;
	size_t n, cap;
	pake_watch_report report;
	void *arg;
} watcher;

static int
note_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 3 && strcmp(name + n - 3, ".md") == 0;
}

/* One change: bring it in and say what it did. */
static void
change(watcher *w, const char *event, const char *rel)
{
	pake_file_sync out;
	pake_err e = {0};
	int rc;

	rc = pake_vault_sync_file(w->c, event, rel, &out, &e);
	if (w->report)
		w->report(w->arg, event, rel, &out, rc, &e);
}

static const char *
dir_of(const watcher *w, int wd)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->v[i].wd == wd)
			return w->v[i].rel;
	return NULL;
}

static void
forget(watcher *w, int wd)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->v[i].wd == wd) {
			free(w->v[i].rel);
			w->v[i] = w->v[--w->n];
			return;
		}
}

/* Watch the folder rel and those below it; with catch_up, import the
 * notes already there (a folder that appeared while we looked away). */
static int
add_tree(watcher *w, const char *rel, int depth, int catch_up, pake_err *e)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct dirent *de;
	struct wdir *bigger;
	struct stat sb;
	DIR *d;
	int wd;

	if (depth > WATCH_DEPTH)
		return 0;
	if ((size_t)snprintf(path, sizeof path, "%s%s%s", w->c->vault,
	    *rel ? "/" : "", rel) >= sizeof path)
		return 0;
	if (w->n == WATCH_DIRS)
		return pake_fail(e, PAKE_ETOOBIG, "Too many folders to watch",
		    "more than %d folders", WATCH_DIRS);
	if ((wd = inotify_add_watch(w->fd, path, MASK)) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 :
		    pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "inotify %s: %s",
		    path, strerror(errno));
	if (dir_of(w, wd) == NULL) {
		if (w->n == w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 64;
			if ((bigger = realloc(w->v, cap * sizeof *w->v)) ==
			    NULL)
				return pake_fail(e, PAKE_EINTERNAL,
				    PAKE_MSG_NOMEM, NULL);
			w->v = bigger;
			w->cap = cap;
		}
		if ((w->v[w->n].rel = strdup(rel)) == NULL)
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
			    NULL);
		w->v[w->n++].wd = wd;
	}
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof sub, "%s%s%s", rel,
		    *rel ? "/" : "", de->d_name) >= sizeof sub)
			continue;
		snprintf(path, sizeof path, "%s/%s", w->c->vault, sub);
		if (lstat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			if (add_tree(w, sub, depth + 1, catch_up, e) != 0) {
				closedir(d);
				return e->code;
			}
		} else if (catch_up && S_ISREG(sb.st_mode) &&
		    note_name(de->d_name))
			change(w, "modified", sub);
	}
	closedir(d);
	return 0;
}

/* The path a move-to at offset off came from: the move-from with its
 * cookie earlier in the same read, or NULL. */
static const char *
moved_from(const watcher *w, const char *buf, size_t off, uint32_t cookie,
    char *out, size_t n)
{
	const struct inotify_event *ev;
	const char *dir;
	size_t k;

	for (k = 0; k + sizeof *ev <= off; k += sizeof *ev + ev->len) {
		ev = (const void *)(buf + k);
		if ((ev->mask & IN_MOVED_FROM) && ev->cookie == cookie &&
		    ev->len && (dir = dir_of(w, ev->wd)) != NULL &&
		    (size_t)snprintf(out, n, "%s%s%s", dir, *dir ? "/" : "",
		    ev->name) < n)
			return out;
	}
	return NULL;
}

static void
moved(watcher *w, const char *from, const char *to)
{
	pake_file_sync out;
	pake_err e = {0};
	int rc;

	rc = pake_vault_sync_move(w->c, from, to, &out, &e);
	if (w->report)
		w->report(w->arg, "renamed", to, &out, rc, &e);
}

/* Handle one read's worth of events. */
static int
events(watcher *w, const char *buf, size_t len, pake_err *e)
{
	const struct inotify_event *ev, *to;
	char rel[PATH_MAX], fromrel[PATH_MAX];
	const char *dir, *from;
	size_t off, k;
	int rc;

	for (off = 0; off + sizeof *ev <= len;
	    off += sizeof *ev + ev->len) {
		ev = (const void *)(buf + off);
		if (ev->mask & IN_Q_OVERFLOW) {
			/* Events were lost: look at everything again. */
			if ((rc = add_tree(w, "", 0, 1, e)) != 0)
				return rc;
			continue;
		}
		if (ev->mask & (IN_DELETE_SELF | IN_IGNORED)) {
			forget(w, ev->wd);
			continue;
		}
		if (ev->len == 0 || (dir = dir_of(w, ev->wd)) == NULL ||
		    (size_t)snprintf(rel, sizeof rel, "%s%s%s", dir,
		    *dir ? "/" : "", ev->name) >= sizeof rel)
			continue;
		if (ev->mask & IN_ISDIR) {
			if (ev->name[0] != '.' &&
			    (ev->mask & (IN_CREATE | IN_MOVED_TO)) &&
			    (rc = add_tree(w, rel, 1, 1, e)) != 0)
				return rc;
			continue;
		}
		if (!note_name(ev->name))
			continue;
		if (ev->mask & IN_MOVED_TO && (from = moved_from(w, buf, off,
		    ev->cookie, fromrel, sizeof fromrel)) != NULL)
			moved(w, from, rel);
		else if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO))
			change(w, "modified", rel);
		else if (ev->mask & IN_DELETE)
			change(w, "deleted", rel);
		else if (ev->mask & IN_MOVED_FROM) {
			/* A rename inside the vault comes with a move-to of
			 * the same cookie: the import there moves the note. */
			for (k = off + sizeof *ev + ev->len; k + sizeof *to <= len;
			    k += sizeof *to + to->len) {
				to = (const void *)(buf + k);
				if ((to->mask & IN_MOVED_TO) &&
				    to->cookie == ev->cookie)
					break;
			}
			if (k + sizeof *to > len)
				change(w, "deleted", rel);
		}
	}
	return 0;
}

int
pake_vault_watch(pake_ctx *c, int catch_up, pake_watch_report report,
    void *arg, volatile int *stop, pake_err *e)
{
	char buf[64 * 1024] __attribute__((aligned(8)));
	struct pollfd pfd;
	watcher w;
	ssize_t n;
	size_t i;
	int rc = 0, mark = -1;

	memset(&w, 0, sizeof w);
	w.c = c;
	w.report = report;
	w.arg = arg;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	/* A fresh installation has no vault folder until its first note:
	 * make it (not its parents, as export does). */
	if (mkdir(c->vault, 0755) != 0 && errno != EEXIST)
		return pake_fail(e, errno == ENOENT ? PAKE_ENOTFOUND :
		    PAKE_EUNAVAIL, "The vault does not exist", "%s: %s",
		    c->vault, strerror(errno));
	if ((w.fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) < 0)
		return pake_fail(e, PAKE_EUNAVAIL, "Cannot watch the vault",
		    "inotify_init1: %s", strerror(errno));
	/* Watch first, then catch up: a change made meanwhile is seen by
	 * one or the other (an import of an unchanged file does nothing). */
	if ((rc = add_tree(&w, "", 0, 0, e)) == 0 && w.n == 0)
		rc = pake_fail(e, PAKE_ENOTFOUND, "The vault does not exist",
		    "%s", c->vault);
	if (rc == 0 && catch_up) {
		pake_import_stats st;
		rc = pake_vault_import(c, c->vault, 0, NULL, NULL, &st, e);
	}
	if (rc == 0)
		mark = pake_vault_watch_mark(c);
	if (report && rc == 0)
		report(arg, "watching", "", NULL, 0, NULL);
	pfd.fd = w.fd;
	pfd.events = POLLIN;
	while (rc == 0 && !(stop && *stop)) {
		if (poll(&pfd, 1, 250) <= 0)
			continue;
		n = read(w.fd, buf, sizeof buf);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			rc = pake_fail(e, PAKE_EUNAVAIL, "Cannot watch the vault",
			    "read inotify: %s", strerror(errno));
			break;
		}
		rc = events(&w, buf, (size_t)n, e);
		pake_vec_embed_after(c, 1);	/* vectors of what changed */
		if (w.n == 0)		/* the vault itself went away */
			rc = pake_fail(e, PAKE_ENOTFOUND, "The vault is gone",
			    "%s", c->vault);
	}
	for (i = 0; i < w.n; i++)
		free(w.v[i].rel);
	free(w.v);
	close(w.fd);
	if (mark >= 0)
		close(mark);
	return rc;
}
