/*
 * import.c: bringing an Obsidian vault in, and writing every note out.
 *
 * Import walks DIR without following symlinks that leave it, reads each
 * *.md, and upserts it by pake_id.  A file without a pake_id is known by its
 * real path (note_sources), so importing the same folder twice finds the
 * same notes instead of creating duplicates.  A bad file is reported with
 * its path and skipped; it never stops the rest.
 *
 * Files are committed in batches: a transaction ends after IMPORT_BATCH
 * files or IMPORT_HOLD_MS milliseconds, whichever comes first, so other
 * writers wait at most about that long during a long import, and the
 * full-text index is not merged after every few notes.  After each batch the notes' vault
 * files are written (unless DIR is the vault itself, where the files are
 * already the notes).
 *
 * One file of the vault can be imported on its own (pake_vault_import_fd,
 * for the vault sync of POST /obsidian/sync): the same code reads and
 * upserts it, and what a walk would skip is an error with the skip's
 * reason.  Without the rest of the vault to look at, two things a walk
 * learns from the other files are asked of the file system instead: a
 * file stating the pake_id of a note whose own file still exists is a
 * copy (refused, as a walk skips the second file with one id), and one
 * whose note's file is gone is that note, moved or renamed (the note
 * follows it instead of being written back to its old name).
 */
#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "pake/vec.h"
#include "pake/frontmatter.h"
#include "pake/store.h"
#include "pake/util.h"
#include "pake/vault.h"

#define IMPORT_BATCH	2048	/* files per transaction at most */
#define IMPORT_HOLD_MS	100	/* and no longer than this holding the lock */
#define IMPORT_DEPTH	64
#define IDSET_MAX	(1u << 22)	/* files in one import */

/* The ids seen in this run (open addressing), to catch copies of a note. */
typedef struct idset {
	char (*slot)[PAKE_ID_LEN + 1];
	size_t cap, n;
} idset;

static uint32_t
id_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* 1: added, 0: already there, -1: out of memory or full. */
static int
idset_add(idset *s, const char *id)
{
	size_t i, k;

	if (s->n * 2 >= s->cap) {
		idset bigger = {0};
		if (s->cap >= IDSET_MAX)
			return -1;
		bigger.cap = s->cap ? s->cap * 2 : 4096;
		if ((bigger.slot = calloc(bigger.cap, sizeof *bigger.slot)) == NULL)
			return -1;
		for (k = 0; k < s->cap; k++)
			if (s->slot[k][0])
				idset_add(&bigger, s->slot[k]);
		free(s->slot);
		*s = bigger;
	}
	for (i = id_hash(id) & (s->cap - 1); s->slot[i][0];
	    i = (i + 1) & (s->cap - 1))
		if (strcmp(s->slot[i], id) == 0)
			return 0;
	pake_strlcpy(s->slot[i], id, sizeof s->slot[i]);
	s->n++;
	return 1;
}

/*
 * The vault writer: a second thread with its own database connection
 * writes the files of one batch while the first thread reads and indexes
 * the next (indexing is CPU work, file writing mostly waiting on the
 * kernel; there are two cores).  One batch is in its hands at a time.
 */
typedef struct vwriter {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pake_ctx c;
	pake_log log;
	pake_sync_item *items;	/* the batch being written, or NULL */
	size_t n;
	int stop;
} vwriter;

typedef struct importer {
	pake_ctx *c;
	pake_db *db;		/* the acting tenant's store */
	int flags;
	char root[PATH_MAX];
	int same_vault;		/* DIR is the tenant's vault */
	int one;		/* one file of the vault, not a walk */
	int skip_code;		/* the last skip: a PAKE_E* code and why */
	char skip_why[160];
	char last_id[PAKE_ID_LEN + 1];	/* the last note imported */
	char last_path[PATH_MAX];	/* and its file in the vault */
	size_t max;
	pake_import_report report;
	void *arg;
	pake_import_stats *st;
	idset ids;
	int in_tx, batch;
	int64_t tx_start;	/* monotonic ms when the batch began */
	pake_sync_item pend[IMPORT_BATCH];
	int npend;
	vwriter *w;		/* NULL: write the files in this thread */
	int w_failed;		/* could not start one: do not try again */
} importer;

/* Write one batch's files and clear its pending rows. */
static void
write_batch(pake_ctx *c, pake_sync_item *items, size_t n)
{
	pake_err se = {0};
	size_t i;

	/* The notes are committed; a vault failure stays pending for
	 * "pake-db check --repair" and does not undo the import. */
	if (pake_vault_sync_many(c, items, n, &se) != 0)
		pake_log_msg(c->log, PAKE_LOG_WARN, "vault sync left pending: "
		    "%s", se.detail);
	for (i = 0; i < n; i++)
		free(items[i].file_path);
}

static void *
writer_main(void *arg)
{
	vwriter *w = arg;
	pake_sync_item *items;
	size_t n;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->items == NULL && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->items == NULL)
			break;
		items = w->items;
		n = w->n;
		pthread_mutex_unlock(&w->mu);
		write_batch(&w->c, items, n);
		free(items);
		pthread_mutex_lock(&w->mu);
		w->items = NULL;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Start the writer acting as c's tenant; NULL when it cannot start. */
static vwriter *
writer_start(pake_ctx *c)
{
	vwriter *w = calloc(1, sizeof *w);
	pake_err e = {0};

	if (w == NULL)
		return NULL;
	w->log = *c->log;
	if (pake_ctx_open_as(&w->c, c->cfg, &w->log, c->tenant, &e) != 0) {
		free(w);
		return NULL;
	}
	if (pthread_mutex_init(&w->mu, NULL) != 0) {
		pake_ctx_close(&w->c);
		free(w);
		return NULL;
	}
	pthread_cond_init(&w->cv, NULL);
	w->c.perms = c->perms;
	w->c.user_id = c->user_id;
	if (pthread_create(&w->th, NULL, writer_main, w) != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		pake_ctx_close(&w->c);
		free(w);
		return NULL;
	}
	return w;
}

/* Hand a batch over once the previous one is written. */
static void
writer_give(vwriter *w, pake_sync_item *items, size_t n)
{
	pthread_mutex_lock(&w->mu);
	while (w->items != NULL)
		pthread_cond_wait(&w->cv, &w->mu);
	w->items = items;
	w->n = n;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* Let the writer finish its batch, then stop it. */
static void
writer_end(vwriter *w)
{
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	pake_ctx_close(&w->c);
	free(w);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A file is not imported: count and report it; code is the error it
 * would be on its own (pake_vault_import_fd). */
static void
skip(importer *im, const char *path, const char *why, int code)
{
	im->st->skipped++;
	im->skip_code = code;
	pake_strlcpy(im->skip_why, why, sizeof im->skip_why);
	if (im->report)
		im->report(im->arg, path, why, im->st);
}

/* Commit the open batch and mirror its notes to the vault. */
static int
flush_batch(importer *im, pake_err *e)
{
	int rc = 0, i;

	if (im->in_tx) {
		im->in_tx = 0;
		if ((rc = pake_db_commit(im->db, e)) != 0)
			return rc;
	}
	if (im->npend && im->w == NULL && !im->w_failed && !im->one)
		im->w_failed = (im->w = writer_start(im->c)) == NULL;
	if (im->npend && im->w) {
		pake_sync_item *copy = malloc((size_t)im->npend * sizeof *copy);
		if (copy) {
			memcpy(copy, im->pend, (size_t)im->npend * sizeof *copy);
			writer_give(im->w, copy, (size_t)im->npend);
			im->npend = 0;
		}
	}
	if (im->npend)
		write_batch(im->c, im->pend, (size_t)im->npend);
	im->npend = 0;
	(void)i;
	im->batch = 0;
	if (im->report)
		im->report(im->arg, NULL, NULL, im->st);
	return rc;
}

/*
 * A file over a note that exists changes only what it states (issue 9):
 * the note as stored, with the file's frontmatter and body parsed over it,
 * so a copy holding only pake_id, title and a body keeps the type, tags,
 * summary and the rest.  created_at stays unless stated; modified_at moves
 * to now when anything changed (unless stated).  *n is replaced.  0, 1
 * when the file was skipped (reported), or -1 with e filled.
 */
static int
merge_stated(importer *im, const char *text, size_t len, const pake_note *old,
    pake_note *n, int had_times, const char *rel, pake_err *e)
{
	char ts[32], id[PAKE_ID_LEN + 1];
	pake_note m;
	pake_err fe = {0};
	int64_t now;

	pake_strlcpy(id, n->pake_id, sizeof id);
	if (pake_db_note_get(im->db, id, &m, e) != 0)
		return -1;
	if (pake_fm_parse(text, len, &m, &fe) != 0) {
		pake_note_free(&m);
		skip(im, rel, "broken frontmatter", PAKE_EINVAL);
		return 1;
	}
	pake_strlcpy(m.pake_id, id, sizeof m.pake_id);
	if (!(had_times & 2) && !pake_note_same(&m, old)) {
		now = pake_now_ms();
		if (now <= old->modified_ms)
			now = old->modified_ms + 1;
		pake_iso8601(now, ts);
		free(m.modified_at);
		if ((m.modified_at = strdup(ts)) == NULL) {
			pake_note_free(&m);
			pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
			return -1;
		}
		m.modified_ms = now;
	}
	if (pake_note_defaults(&m, old->modified_ms) != 0) {
		pake_note_free(&m);
		pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		return -1;
	}
	if (pake_store_validate(&m, im->max, &fe) != 0) {
		pake_note_free(&m);
		skip(im, rel, fe.code == PAKE_ESECURITY ? "title tries to leave "
		    "the vault" : "a field is invalid", fe.code ==
		    PAKE_ESECURITY ? PAKE_ESECURITY : PAKE_EINVAL);
		return 1;
	}
	pake_note_free(n);
	*n = m;
	return 0;
}

/* Write the note's new pake_id into its source file (--write-ids). */
static int
write_id(const char *path, const char *text, size_t len, const char *id,
    pake_err *e)
{
	char dir[PATH_MAX], *slash, line[64];
	pake_buf b = {0};
	size_t skipbom = 0, first;
	int rc;

	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		skipbom = 3;
	snprintf(line, sizeof line, "pake_id: %s\n", id);
	pake_buf_put(&b, text, skipbom);
	if (len - skipbom >= 4 && (memcmp(text + skipbom, "---\n", 4) == 0 ||
	    memcmp(text + skipbom, "---\r\n", 5) == 0)) {
		first = text[skipbom + 3] == '\r' ? 5 : 4;
		pake_buf_put(&b, text + skipbom, first);
		pake_buf_puts(&b, line);
		pake_buf_put(&b, text + skipbom + first, len - skipbom - first);
	} else {
		pake_buf_puts(&b, "---\n");
		pake_buf_puts(&b, line);
		pake_buf_puts(&b, "---\n");
		pake_buf_put(&b, text + skipbom, len - skipbom);
	}
	if (b.oom)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	pake_strlcpy(dir, path, sizeof dir);
	slash = strrchr(dir, '/');
	*slash = '\0';
	rc = pake_vault_write_file(dir, slash + 1, b.p, b.len, 0, e);
	pake_buf_free(&b);
	return rc;
}

/* In one-file mode, the note n's pake_id belongs to old, whose file is
 * not rel: 1 when old's file still holds the note (rel is a copy), 0 when
 * it is gone (rel is the note, moved). */
static int
old_file_stays(importer *im, const pake_note *old)
{
	char path[PATH_MAX], head[4097];
	ssize_t got;
	int fd;

	if (!pake_vault_path_ok(old->file_path) || (size_t)snprintf(path,
	    sizeof path, "%s/%s", im->c->vault, old->file_path) >= sizeof path)
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) < 0)
		return errno != ENOENT && errno != ENOTDIR;
	got = read(fd, head, sizeof head - 1);
	close(fd);
	if (got < 0)
		return 1;
	head[got] = '\0';
	return strstr(head, old->pake_id) != NULL;
}

/* Import one file (read from fd when fd >= 0, else from path); problems
 * with the file itself are skips, not errors.  Returns non-zero only for
 * failures that must stop the import. */
static int
import_file(importer *im, const char *path, int fd, const char *rel,
    const struct stat *sb, pake_err *e)
{
	char real[PATH_MAX], stem[PATH_MAX], why[600], vpath[PATH_MAX];
	pake_note n, old;
	pake_err fe = {0};
	const char *base;
	int rc, had_id, had_times, exists, added, moved, changed = 1;
	char *text;
	size_t len;
	int64_t seq = 0;

	im->st->seen++;
	if (fd >= 0)
		rc = pake_read_fd(fd, rel, im->max, &text, &len, &fe);
	else
		rc = pake_read_file(path, im->max, &text, &len, &fe);
	if (rc == PAKE_ETOOBIG) {
		snprintf(why, sizeof why, "larger than %zu bytes", im->max);
		skip(im, rel, why, PAKE_ETOOBIG);
		return 0;
	}
	if (rc != 0) {
		skip(im, rel, "cannot be read", PAKE_EUNAVAIL);
		return 0;
	}
	im->st->bytes += (int64_t)len;
	if (memchr(text, '\0', len)) {
		skip(im, rel, "contains NUL bytes", PAKE_EINVAL);
		goto done;
	}
	if (!pake_utf8_valid(text, len)) {
		skip(im, rel, "not valid UTF-8", PAKE_EINVAL);
		goto done;
	}
	pake_note_init(&n);
	if (pake_fm_parse(text, len, &n, &fe) != 0) {
		snprintf(why, sizeof why, "broken frontmatter (%s)", fe.detail);
		skip(im, rel, why, PAKE_EINVAL);
		pake_note_free(&n);
		goto done;
	}
	/* Fill what the file does not say. */
	if (n.title == NULL) {
		base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
		pake_strlcpy(stem, base, sizeof stem);
		if (strlen(stem) > 3)
			stem[strlen(stem) - 3] = '\0';	/* ".md" */
		n.title = strdup(stem);
	}
	had_times = (n.created_at != NULL) | (n.modified_at != NULL) << 1;
	if (pake_note_defaults(&n, (int64_t)sb->st_mtim.tv_sec * 1000 +
	    sb->st_mtim.tv_nsec / 1000000) != 0 || n.title == NULL) {
		pake_note_free(&n);
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto done;
	}
	if (realpath(path, real) == NULL)
		pake_strlcpy(real, path, sizeof real);
	/* The write transaction begins before a file without an id is
	 * looked up by its source, so two processes importing one new file
	 * at once find one note, not make two. */
	if (!im->in_tx) {
		if ((rc = pake_db_begin(im->db, e)) != 0) {
			pake_note_free(&n);
			goto done;
		}
		im->in_tx = 1;
		im->tx_start = mono_ms();
	}
	had_id = pake_uuid_valid(n.pake_id);
	if (had_id) {
		for (char *p = n.pake_id; *p; p++)	/* one spelling */
			if (*p >= 'A' && *p <= 'F')
				*p = (char)(*p - 'A' + 'a');
	} else if (pake_db_source_get(im->db, real,
	    n.pake_id) != 1 && (rc = pake_uuid4(n.pake_id, e)) != 0) {
		pake_note_free(&n);
		goto done;
	}
	if ((rc = pake_store_validate(&n, im->max, &fe)) != 0) {
		skip(im, rel, rc == PAKE_ESECURITY ? "title tries to leave the "
		    "vault" : "a field is invalid", rc == PAKE_ESECURITY ?
		    PAKE_ESECURITY : PAKE_EINVAL);
		pake_note_free(&n);
		rc = 0;
		goto done;
	}
	if ((added = idset_add(&im->ids, n.pake_id)) <= 0) {
		skip(im, rel, added == 0 ? "the same pake_id as another file" :
		    "too many files", added == 0 ? PAKE_ECONFLICT :
		    PAKE_ETOOBIG);
		pake_note_free(&n);
		goto done;
	}
	exists = pake_db_note_get(im->db, n.pake_id, &old,
	    &fe) == 0;
	moved = 0;
	/* Only a file that states its pake_id can be a copy or a move; one
	 * known by its source is the file it always was. */
	if (exists && im->one && had_id && strcmp(old.file_path, rel) != 0) {
		if (old_file_stays(im, &old)) {
			skip(im, rel, "the same pake_id as another file",
			    PAKE_ECONFLICT);
			pake_note_free(&old);
			pake_note_free(&n);
			goto done;
		}
		moved = pake_vault_path_ok(rel) &&
		    pake_db_path_taken(im->db, rel) == 0;
	}
	if (exists && (rc = merge_stated(im, text, len, &old, &n, had_times,
	    rel, e)) != 0) {
		pake_note_free(&old);
		pake_note_free(&n);
		rc = rc > 0 ? 0 : e->code;
		goto done;
	}
	if (exists) {
		free(n.file_path);	/* the stored one, from merge_stated */
		n.file_path = strdup(moved ? rel : old.file_path);
		if (n.file_path == NULL) {
			pake_note_free(&old);
			pake_note_free(&n);
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
			goto done;
		}
		if (pake_note_same(&n, &old) && !moved) {
			im->st->unchanged++;
			changed = 0;
		} else {
			rc = pake_store_put(im->c, im->db, &n, &old, "import",
			    e);
			im->st->updated++;
		}
		pake_note_free(&old);
	} else if (pake_store_quota(im->c, im->db, &fe) == PAKE_EQUOTA) {
		skip(im, rel, "the note limit of the plan is reached",
		    PAKE_EQUOTA);
		pake_note_free(&n);
		goto done;
	} else {
		if (im->same_vault && pake_vault_path_ok(rel) &&
		    pake_db_path_taken(im->db, rel) == 0)
			n.file_path = strdup(rel);
		else if ((rc = pake_vault_choose_path(im->c, &n, vpath,
		    sizeof vpath, e)) == 0)
			n.file_path = strdup(vpath);
		if (rc == 0 && n.file_path == NULL)
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		if (rc == 0)
			rc = pake_store_put(im->c, im->db, &n, NULL, "import",
			    e);
		im->st->created++;
	}
	if (rc == 0 && !had_id)
		rc = pake_db_source_set(im->db, real,
		    n.pake_id, e);
	/* Mirror into the vault unless the file read is the vault file. */
	if (rc == 0 && changed &&
	    !(im->same_vault && strcmp(n.file_path, rel) == 0)) {
		rc = pake_db_pending_add(im->db, n.pake_id,
		    n.file_path, &seq, e);
		if (rc == 0) {
			pake_sync_item *p = &im->pend[im->npend];
			pake_strlcpy(p->pake_id, n.pake_id, sizeof p->pake_id);
			if ((p->file_path = strdup(n.file_path)) == NULL)
				rc = pake_fail(e, PAKE_EINTERNAL,
				    PAKE_MSG_NOMEM, NULL);
			else
				im->npend++;
			p->seq = seq;
		}
	}
	if (rc == 0 && !had_id && (im->flags & PAKE_IMPORT_WRITE_IDS)) {
		if (write_id(path, text, len, n.pake_id, &fe) == 0)
			im->st->ids_written++;
		else
			skip(im, rel, "could not write its pake_id back",
			    PAKE_EUNAVAIL);
	}
	if (rc == 0 && n.file_path) {
		pake_strlcpy(im->last_id, n.pake_id, sizeof im->last_id);
		pake_strlcpy(im->last_path, n.file_path, sizeof im->last_path);
	}
	pake_note_free(&n);
	if (rc == 0 && (++im->batch >= IMPORT_BATCH ||
	    im->npend >= IMPORT_BATCH ||
	    mono_ms() - im->tx_start >= IMPORT_HOLD_MS))
		rc = flush_batch(im, e);
done:
	free(text);
	return rc;
}

/* Is real (a resolved path) inside root? */
static int
inside(const char *root, const char *real)
{
	size_t n = strlen(root);

	return strncmp(root, real, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
ends_md(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

/* Walk dir (its path relative to the root is rel), sorted by name. */
static int
walk(importer *im, const char *dir, const char *rel, int depth, pake_err *e)
{
	char path[PATH_MAX], sub[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	DIR *d;
	int rc = 0;

	if (depth > IMPORT_DEPTH) {
		skip(im, rel, "folders nested too deeply", PAKE_EINVAL);
		return 0;
	}
	if ((d = opendir(dir)) == NULL) {
		skip(im, *rel ? rel : ".", "folder cannot be read",
		    PAKE_EUNAVAIL);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')	/* .obsidian, .git, .trash */
			continue;
		if (n == cap) {
			char **bigger;
			cap = cap ? cap * 2 : 64;
			if ((bigger = realloc(names, cap * sizeof *names)) == NULL)
				break;
			names = bigger;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, name_cmp);
	for (i = 0; i < n && rc == 0; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >=
		    sizeof path || (size_t)snprintf(sub, sizeof sub, "%s%s%s",
		    rel, *rel ? "/" : "", names[i]) >= sizeof sub) {
			skip(im, names[i], "path too long", PAKE_EINVAL);
			continue;
		}
		if (lstat(path, &sb) != 0) {
			skip(im, sub, "cannot be read", PAKE_EUNAVAIL);
			continue;
		}
		if (S_ISLNK(sb.st_mode)) {
			if (realpath(path, real) == NULL || !inside(im->root, real)) {
				if (ends_md(names[i])) {
					im->st->seen++;
					skip(im, sub, "symlink leads outside "
					    "the folder", PAKE_ESECURITY);
				}
				continue;
			}
			if (stat(path, &sb) != 0 || S_ISDIR(sb.st_mode))
				continue;	/* folders inside: walked anyway */
		}
		if (S_ISDIR(sb.st_mode))
			rc = walk(im, path, sub, depth + 1, e);
		else if (S_ISREG(sb.st_mode) && ends_md(names[i]))
			rc = import_file(im, path, -1, sub, &sb, e);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* A new importer for c (NULL when out of memory). */
static importer *
importer_new(pake_ctx *c, int flags, pake_import_report report, void *arg,
    pake_import_stats *st, pake_err *e)
{
	importer *im = calloc(1, sizeof *im);

	if (im == NULL) {
		pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		return NULL;
	}
	if ((im->db = pake_ctx_store(c, e)) == NULL) {
		free(im);
		return NULL;
	}
	im->c = c;
	im->flags = flags;
	im->report = report;
	im->arg = arg;
	im->st = st;
	im->max = (size_t)pake_config_num(c->cfg, PAKE_CFG_MAX_NOTE);
	return im;
}

/* Commit what is left (when rc is 0) or roll it back; free im. */
static int
importer_end(importer *im, int rc, pake_err *e)
{
	if (rc == 0)
		rc = flush_batch(im, e);
	if (rc != 0 && im->in_tx)
		pake_db_rollback(im->db);
	if (im->w)
		writer_end(im->w);	/* every file written before we return */
	for (int i = 0; i < im->npend; i++)
		free(im->pend[i].file_path);
	free(im->ids.slot);
	free(im);
	return rc;
}

int
pake_vault_import(pake_ctx *c, const char *dir, int flags,
    pake_import_report report, void *arg, pake_import_stats *st, pake_err *e)
{
	char vreal[PATH_MAX], root[PATH_MAX];
	importer *im;
	struct stat sb;
	int64_t t0;
	int rc;

	memset(st, 0, sizeof *st);
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return pake_fail(e, PAKE_ENOTFOUND, "Folder not found",
		    "%s is not a folder", dir);
	/* First finish what a killed writer or import left: its files are
	 * pending still, and an import of unchanged files would not write
	 * them (issue 9).  A sync is idempotent, so one another writer is
	 * doing right now costs a second write of the same file at most. */
	if ((rc = pake_vault_flush(c, e)) != 0)
		return rc;
	if ((im = importer_new(c, flags, report, arg, st, e)) == NULL)
		return e->code;
	if (realpath(dir, im->root) == NULL) {
		free(im);
		return pake_fail(e, PAKE_ENOTFOUND, "Folder not found",
		    "realpath %s: %s", dir, strerror(errno));
	}
	im->same_vault = realpath(c->vault, vreal) != NULL &&
	    strcmp(vreal, im->root) == 0;
	t0 = mono_ms();
	snprintf(root, sizeof root, "%s", im->root);
	rc = walk(im, im->root, "", 0, e);
	if ((rc = importer_end(im, rc, e)) == 0) {
		pake_vault_import_mark(c, root, st, mono_ms() - t0);
		pake_vec_embed_after(c, 0);	/* every imported note */
	}
	return rc;
}

/* The error a skipped file is on its own: a fixed message per code. */
static int
skip_error(const importer *im, const char *rel, pake_err *e)
{
	const char *msg;

	switch (im->skip_code) {
	case PAKE_ETOOBIG:
		msg = "The file is too large";
		break;
	case PAKE_ESECURITY:
		msg = PAKE_MSG_SECURITY;
		break;
	case PAKE_ECONFLICT:
		msg = "Another file holds this note";
		break;
	case PAKE_EQUOTA:
		msg = "Note limit of the plan reached";
		break;
	case PAKE_EUNAVAIL:
		msg = PAKE_MSG_FS;
		break;
	default:
		msg = "The file is not a valid note";
		break;
	}
	return pake_fail(e, im->skip_code ? im->skip_code : PAKE_EINVAL, msg,
	    "%s: %s", rel, im->skip_why);
}

int
pake_vault_import_fd(pake_ctx *c, int fd, const char *real, const char *rel,
    pake_file_sync *out, pake_err *e)
{
	pake_import_stats st;
	importer *im;
	struct stat sb;
	int rc;

	memset(&st, 0, sizeof st);
	memset(out, 0, sizeof *out);
	out->action = "ignored";
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if (!pake_vault_path_ok(rel))
		return pake_fail(e, PAKE_ESECURITY, NULL, "unsafe path");
	if (fstat(fd, &sb) != 0)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "fstat %s: %s",
		    rel, strerror(errno));
	if ((im = importer_new(c, 0, NULL, NULL, &st, e)) == NULL)
		return e->code;
	im->same_vault = im->one = 1;
	rc = import_file(im, real, fd, rel, &sb, e);
	if (rc == 0 && st.skipped)
		rc = skip_error(im, rel, e);
	if (rc == 0) {
		pake_strlcpy(out->pake_id, im->last_id, sizeof out->pake_id);
		pake_strlcpy(out->file_path, im->last_path,
		    sizeof out->file_path);
		out->action = st.created ? "created" : st.updated ? "updated" :
		    "unchanged";
	}
	return importer_end(im, rc, e);
}

struct exporter {
	const char *dir;
	int64_t n;
	pake_err *e;
};

static int
export_one(void *arg, pake_note *n)
{
	struct exporter *x = arg;
	size_t len;
	char *text;
	int rc;

	if ((text = pake_fm_render(n, &len)) == NULL)
		return pake_fail(x->e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	rc = pake_vault_write_file(x->dir, n->file_path, text, len,
	    PAKE_WF_NOSYNC, x->e);
	free(text);
	if (rc == 0)
		x->n++;
	return rc;
}

int
pake_vault_export(pake_ctx *c, const char *dir, int64_t *n, pake_err *e)
{
	struct exporter x = {dir, 0, e};
	pake_db *st;
	int rc;

	*n = 0;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "mkdir %s: %s",
		    dir, strerror(errno));
	/* One read transaction: a consistent snapshot while others write. */
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	rc = pake_db_note_each(st, export_one, &x, e);
	pake_db_rollback(st);
	*n = x.n;
	return rc;
}
