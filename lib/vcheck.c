/*
 * vcheck.c: does the vault agree with the database?
 *
 * The database is the truth.  For every note, its file must exist and parse
 * back to the same note (missing, stale).  For every *.md file in the vault
 * that no note claims: if it holds the id of a deleted note it is an orphan
 * (a delete whose unlink did not happen); otherwise it is untracked, a
 * file someone put there, reported but never touched.  A writer's temp
 * file (a dot, 8 hex digits of a uuid, ".pake-tmp") older than a minute
 * is what a writer killed mid-write left: counted with the orphans,
 * removed by repair.  Pending syncs are changes committed whose file was
 * not written yet.  Repair finishes the
 * pending syncs, rewrites missing and stale files from the database (a
 * stale file holding a hand edit becomes the note's state first: nothing
 * a person wrote is thrown away) and removes orphans.
 */
#include <dirent.h>
#include <errno.h>
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

/* A temp file older than this was left by a writer that died. */
#define TEMP_AGE_S	60

struct checker {
	pake_ctx *c;
	pake_db *db;			/* the tenant's store */
	int repair;
	pake_check_report report;
	void *arg;
	pake_vault_report *out;
	pake_err *e;
	char (*fix)[PAKE_ID_LEN + 1];	/* notes to rewrite */
	size_t nfix, capfix;
};

static void
say(struct checker *k, const char *what, const char *path)
{
	if (k->report)
		k->report(k->arg, what, path);
}

static int
want_fix(struct checker *k, const char *id)
{
	if (!k->repair)
		return 0;
	if (k->nfix == k->capfix) {
		size_t cap = k->capfix ? k->capfix * 2 : 64;
		void *p = realloc(k->fix, cap * sizeof *k->fix);
		if (p == NULL)
			return pake_fail(k->e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
			    NULL);
		k->fix = p;
		k->capfix = cap;
	}
	pake_strlcpy(k->fix[k->nfix++], id, PAKE_ID_LEN + 1);
	return 0;
}

/* One note of the database against its file. */
static int
check_note(void *arg, pake_note *n)
{
	struct checker *k = arg;
	char path[PATH_MAX];
	pake_note f;
	pake_err fe = {0};
	struct stat sb;
	size_t len;
	char *text;
	int same;

	snprintf(path, sizeof path, "%s/%s", k->c->vault, n->file_path);
	if (pake_read_file(path, (size_t)pake_config_num(k->c->cfg,
	    PAKE_CFG_MAX_NOTE) + 65536, &text, &len, &fe) != 0) {
		k->out->missing++;
		say(k, "missing", n->file_path);
		return want_fix(k, n->pake_id);
	}
	k->out->files++;
	pake_note_init(&f);
	same = pake_fm_parse(text, len, &f, &fe) == 0;
	free(text);
	/* A file may leave fields out; compare as import would read it. */
	if (same && stat(path, &sb) == 0)
		same = pake_note_defaults(&f, (int64_t)sb.st_mtim.tv_sec * 1000 +
		    sb.st_mtim.tv_nsec / 1000000) == 0;
	if (same && f.title == NULL) {
		const char *base = strrchr(n->file_path, '/');
		base = base ? base + 1 : n->file_path;
		f.title = pake_strndup(base, strlen(base) > 3 ?
		    strlen(base) - 3 : strlen(base));
	}
	/* A file imported in place without an id is known by its path. */
	if (same && f.pake_id[0] == '\0')
		pake_strlcpy(f.pake_id, n->pake_id, sizeof f.pake_id);
	if (same) {
		/* Fields the file cannot say differently. */
		f.created_ms = n->created_ms;
		f.modified_ms = n->modified_ms;
		same = pake_note_same(n, &f);
	}
	pake_note_free(&f);
	if (!same) {
		k->out->stale++;
		say(k, "stale", n->file_path);
		return want_fix(k, n->pake_id);
	}
	return 0;
}

/* The pake_id a vault file claims, from its frontmatter. */
static int
file_id(const char *path, char id[PAKE_ID_LEN + 1])
{
	pake_note f;
	pake_err fe = {0};
	char *text;
	size_t len;
	int ok;

	id[0] = '\0';
	if (pake_read_file(path, 1 << 30, &text, &len, &fe) != 0)
		return -1;
	pake_note_init(&f);
	ok = pake_fm_parse(text, len, &f, &fe) == 0 && pake_uuid_valid(f.pake_id);
	if (ok)
		pake_strlcpy(id, f.pake_id, PAKE_ID_LEN + 1);
	pake_note_free(&f);
	free(text);
	return ok ? 0 : -1;
}

/* Walk the vault for files no note claims. */
static int
scan(struct checker *k, const char *dir, const char *rel, int depth)
{
	char path[PATH_MAX], sub[PATH_MAX], id[PAKE_ID_LEN + 1];
	struct dirent *de;
	struct stat sb;
	size_t n;
	DIR *d;
	int rc = 0;

	if (depth > 64 || (d = opendir(dir)) == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (de->d_name[0] == '.' && n > 9 &&
		    strcmp(de->d_name + n - 9, ".pake-tmp") == 0) {
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "",
			    de->d_name);
			if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
			    sb.st_mtime < time(NULL) - TEMP_AGE_S) {
				k->out->orphans++;
				say(k, "temp", sub);
				if (k->repair && unlink(path) == 0)
					k->out->repaired++;
			}
			continue;
		}
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "",
		    de->d_name);
		if (lstat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			rc = scan(k, path, sub, depth + 1);
			continue;
		}
		n = strlen(de->d_name);
		if (!S_ISREG(sb.st_mode) || n < 4 ||
		    strcmp(de->d_name + n - 3, ".md") != 0)
			continue;
		if (pake_db_path_taken(k->db, sub) == 1)
			continue;
		/* A file no note claims is an orphan when it holds the id of
		 * a deleted note: repair removes it.  One holding the id of a
		 * note that lives elsewhere (a copy, or a move a crash cut
		 * short) may hold someone's edits: reported, never touched. */
		if (file_id(path, id) == 0 &&
		    pake_db_note_exists(k->db, id) == 1) {
			k->out->untracked++;
			say(k, "duplicate", sub);
		} else if (id[0] &&
		    pake_db_tombstone_has(k->db, id) == 1) {
			k->out->orphans++;
			say(k, "orphan", sub);
			if (k->repair && unlink(path) == 0)
				k->out->repaired++;
		} else {
			k->out->untracked++;
			say(k, "untracked", sub);
		}
	}
	closedir(d);
	return rc;
}

static int
count_pending(void *arg, const char *pake_id, const char *file_path,
    int64_t seq)
{
	struct checker *k = arg;

	k->out->pending++;
	say(k, "pending", file_path);
	return 0;
}

int
pake_vault_check(pake_ctx *c, int repair, pake_check_report report,
    void *arg, pake_vault_report *out, pake_err *e)
{
	struct checker k = {c, NULL, repair, report, arg, out, e, NULL, 0, 0};
	size_t i;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if ((k.db = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_pending_each(k.db, count_pending, &k, e)) != 0)
		return rc;
	if (repair && out->pending) {
		if ((rc = pake_vault_flush(c, e)) != 0)
			return rc;
		out->repaired += out->pending;
	}
	if ((rc = pake_db_note_each(k.db, check_note, &k, e)) ||
	    (rc = scan(&k, c->vault, "", 0)) != 0) {
		free(k.fix);
		return rc;
	}
	/* A stale file that holds a hand edit is not overwritten: the hand
	 * edit becomes the note's current state first (issue 9). */
	for (i = 0; i < k.nfix && rc == 0; i++) {
		int kept = 0;
		rc = pake_store_absorb(c, k.fix[i], &kept, e);
		if (rc == PAKE_ENOTFOUND) {	/* deleted meanwhile */
			pake_err_clear(e);
			rc = 0;
			continue;
		}
		if (rc == 0 && kept)
			say(&k, "kept hand edit", k.fix[i]);
		if (rc == 0)
			rc = pake_vault_sync(c, k.fix[i], NULL, 0, e);
		if (rc == 0)
			out->repaired++;
	}
	free(k.fix);
	return rc;
}
