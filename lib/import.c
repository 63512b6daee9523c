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
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
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

typedef struct importer {
	pake_ctx *c;
	int flags;
	char root[PATH_MAX];
	int same_vault;		/* DIR is the tenant's vault */
	size_t max;
	pake_import_report report;
	void *arg;
	pake_import_stats *st;
	idset ids;
	int in_tx, batch;
	int64_t tx_start;	/* monotonic ms when the batch began */
	pake_sync_item pend[IMPORT_BATCH];
	int npend;
} importer;

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
skip(importer *im, const char *path, const char *why)
{
	im->st->skipped++;
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
		if ((rc = pake_db_commit(im->c->db, e)) != 0)
			return rc;
	}
	if (im->npend) {
		pake_err se = {0};
		/* The notes are committed; a vault failure stays pending for
		 * "pake-db check --repair" and does not undo the import. */
		if (pake_vault_sync_many(im->c, im->pend, (size_t)im->npend,
		    &se) != 0)
			pake_log_msg(im->c->log, PAKE_LOG_WARN, "vault sync left "
			    "pending: %s", se.detail);
	}
	for (i = 0; i < im->npend; i++)
		free(im->pend[i].file_path);
	im->npend = 0;
	im->batch = 0;
	if (im->report)
		im->report(im->arg, NULL, NULL, im->st);
	return rc;
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

/* Import one file; problems with the file itself are skips, not errors.
 * Returns non-zero only for failures that must stop the import. */
static int
import_file(importer *im, const char *path, const char *rel,
    const struct stat *sb, pake_err *e)
{
	char real[PATH_MAX], stem[PATH_MAX], why[600], vpath[PATH_MAX];
	pake_note n, old;
	pake_err fe = {0};
	const char *base;
	int rc, had_id, had_times, exists, added, changed = 1;
	char *text;
	size_t len;
	int64_t seq = 0;

	im->st->seen++;
	rc = pake_read_file(path, im->max, &text, &len, &fe);
	if (rc == PAKE_ETOOBIG) {
		snprintf(why, sizeof why, "larger than %zu bytes", im->max);
		skip(im, rel, why);
		return 0;
	}
	if (rc != 0) {
		skip(im, rel, "cannot be read");
		return 0;
	}
	im->st->bytes += (int64_t)len;
	if (memchr(text, '\0', len)) {
		skip(im, rel, "contains NUL bytes");
		goto done;
	}
	if (!pake_utf8_valid(text, len)) {
		skip(im, rel, "not valid UTF-8");
		goto done;
	}
	pake_note_init(&n);
	if (pake_fm_parse(text, len, &n, &fe) != 0) {
		snprintf(why, sizeof why, "broken frontmatter (%s)", fe.detail);
		skip(im, rel, why);
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
	had_id = pake_uuid_valid(n.pake_id);
	if (had_id) {
		for (char *p = n.pake_id; *p; p++)	/* one spelling */
			if (*p >= 'A' && *p <= 'F')
				*p = (char)(*p - 'A' + 'a');
	} else if (pake_db_source_get(im->c->db, im->c->tenant_id, real,
	    n.pake_id) != 1 && (rc = pake_uuid4(n.pake_id, e)) != 0) {
		pake_note_free(&n);
		goto done;
	}
	if ((rc = pake_store_validate(&n, im->max, &fe)) != 0) {
		skip(im, rel, rc == PAKE_ESECURITY ? "title tries to leave the "
		    "vault" : "a field is invalid");
		pake_note_free(&n);
		rc = 0;
		goto done;
	}
	if ((added = idset_add(&im->ids, n.pake_id)) <= 0) {
		skip(im, rel, added == 0 ? "the same pake_id as another file" :
		    "too many files");
		pake_note_free(&n);
		goto done;
	}
	if (!im->in_tx) {
		if ((rc = pake_db_begin(im->c->db, e)) != 0) {
			pake_note_free(&n);
			goto done;
		}
		im->in_tx = 1;
		im->tx_start = mono_ms();
	}
	exists = pake_db_note_get(im->c->db, im->c->tenant_id, n.pake_id, &old,
	    &fe) == 0;
	if (exists) {
		n.file_path = strdup(old.file_path);
		/* Times the file does not state stay as first imported, not
		 * the file's mtime, which --write-ids itself changes. */
		if (!(had_times & 1)) {
			free(n.created_at);
			n.created_at = strdup(old.created_at);
			n.created_ms = old.created_ms;
		}
		if (!(had_times & 2)) {
			free(n.modified_at);
			n.modified_at = strdup(old.modified_at);
			n.modified_ms = old.modified_ms;
		}
		if (pake_note_same(&n, &old)) {
			im->st->unchanged++;
			changed = 0;
		} else {
			rc = pake_db_note_update(im->c->db, im->c->tenant_id, &n, e);
			im->st->updated++;
		}
		pake_note_free(&old);
	} else if (pake_store_quota(im->c, &fe) == PAKE_EQUOTA) {
		skip(im, rel, "the note limit of the plan is reached");
		pake_note_free(&n);
		goto done;
	} else {
		if (im->same_vault && pake_vault_path_ok(rel) &&
		    pake_db_path_taken(im->c->db, im->c->tenant_id, rel) == 0)
			n.file_path = strdup(rel);
		else if ((rc = pake_vault_choose_path(im->c, &n, vpath,
		    sizeof vpath, e)) == 0)
			n.file_path = strdup(vpath);
		if (rc == 0)
			rc = pake_db_note_insert(im->c->db, im->c->tenant_id, &n, e);
		im->st->created++;
	}
	if (rc == 0 && !had_id)
		rc = pake_db_source_set(im->c->db, im->c->tenant_id, real,
		    n.pake_id, e);
	/* Mirror into the vault unless the file read is the vault file. */
	if (rc == 0 && changed &&
	    !(im->same_vault && strcmp(n.file_path, rel) == 0)) {
		rc = pake_db_pending_add(im->c->db, im->c->tenant_id, n.pake_id,
		    n.file_path, &seq, e);
		if (rc == 0) {
			pake_sync_item *p = &im->pend[im->npend++];
			pake_strlcpy(p->pake_id, n.pake_id, sizeof p->pake_id);
			p->file_path = strdup(n.file_path);
			p->seq = seq;
		}
	}
	if (rc == 0 && !had_id && (im->flags & PAKE_IMPORT_WRITE_IDS)) {
		if (write_id(path, text, len, n.pake_id, &fe) == 0)
			im->st->ids_written++;
		else
			skip(im, rel, "could not write its pake_id back");
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
		skip(im, rel, "folders nested too deeply");
		return 0;
	}
	if ((d = opendir(dir)) == NULL) {
		skip(im, *rel ? rel : ".", "folder cannot be read");
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
			skip(im, names[i], "path too long");
			continue;
		}
		if (lstat(path, &sb) != 0) {
			skip(im, sub, "cannot be read");
			continue;
		}
		if (S_ISLNK(sb.st_mode)) {
			if (realpath(path, real) == NULL || !inside(im->root, real)) {
				if (ends_md(names[i])) {
					im->st->seen++;
					skip(im, sub, "symlink leads outside "
					    "the folder");
				}
				continue;
			}
			if (stat(path, &sb) != 0 || S_ISDIR(sb.st_mode))
				continue;	/* folders inside: walked anyway */
		}
		if (S_ISDIR(sb.st_mode))
			rc = walk(im, path, sub, depth + 1, e);
		else if (S_ISREG(sb.st_mode) && ends_md(names[i]))
			rc = import_file(im, path, sub, &sb, e);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
pake_vault_import(pake_ctx *c, const char *dir, int flags,
    pake_import_report report, void *arg, pake_import_stats *st, pake_err *e)
{
	char vreal[PATH_MAX];
	importer *im;
	struct stat sb;
	int rc;

	memset(st, 0, sizeof *st);
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return pake_fail(e, PAKE_ENOTFOUND, "Folder not found",
		    "%s is not a folder", dir);
	if ((im = calloc(1, sizeof *im)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	im->c = c;
	im->flags = flags;
	im->report = report;
	im->arg = arg;
	im->st = st;
	im->max = (size_t)pake_config_num(c->cfg, PAKE_CFG_MAX_NOTE);
	if (realpath(dir, im->root) == NULL) {
		free(im);
		return pake_fail(e, PAKE_ENOTFOUND, "Folder not found",
		    "realpath %s: %s", dir, strerror(errno));
	}
	im->same_vault = realpath(c->vault, vreal) != NULL &&
	    strcmp(vreal, im->root) == 0;
	rc = walk(im, im->root, "", 0, e);
	if (rc == 0)
		rc = flush_batch(im, e);
	if (rc != 0 && im->in_tx)
		pake_db_rollback(c->db);
	for (int i = 0; i < im->npend; i++)
		free(im->pend[i].file_path);
	free(im->ids.slot);
	free(im);
	return rc;
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
	int rc;

	*n = 0;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "mkdir %s: %s",
		    dir, strerror(errno));
	/* One read transaction: a consistent snapshot while others write. */
	if ((rc = pake_db_begin_read(c->db, e)) != 0)
		return rc;
	rc = pake_db_note_each(c->db, c->tenant_id, export_one, &x, e);
	pake_db_rollback(c->db);
	*n = x.n;
	return rc;
}
