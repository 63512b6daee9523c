/*
 * maint.c: whole-installation maintenance (see maint.h).
 *
 * The list of tenants comes from the control database; a tenant's store
 * is visited only when its file exists (a store is created on first use,
 * and looking at the sizes must not create files).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pake/admin.h"
#include "pake/maint.h"
#include "pake/util.h"

/* The tenants' names, collected before their stores are opened. */
struct names {
	pake_tenant *v;
	size_t n;
};

static int
names_of(pake_db *db, struct names *ns, pake_err *e)
{
	return pake_tenant_rows(db, &ns->v, &ns->n, e);
}

static int
file_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* The store of tenant when its file exists: 1 opened, 0 absent, -1 e. */
static int
store_if_any(pake_ctx *c, const char *tenant, char *path, size_t n,
    pake_db **st, pake_err *e)
{
	if (pake_db_store_path(pake_db_path(c->db), tenant, path, n, e) != 0)
		return -1;
	*st = pake_ctx_store_if_made(c, tenant, e);
	return *st ? 1 : e->code ? -1 : 0;
}

int
pake_maint_stats_get(pake_ctx *c, pake_maint_stats *s, pake_err *e)
{
	struct names ns;
	pake_maint_file *f;
	pake_db *st;
	size_t i;
	int rc;

	memset(s, 0, sizeof *s);
	pake_strlcpy(s->control.path, pake_db_path(c->db),
	    sizeof s->control.path);
	s->control.exists = 1;
	if ((rc = pake_db_file_stats(c->db, &s->control.file, e)) != 0 ||
	    (rc = names_of(c->db, &ns, e)) != 0)
		return rc;
	if (ns.n && (s->store = calloc(ns.n, sizeof *s->store)) == NULL) {
		free(ns.v);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	s->tenants = (int64_t)ns.n;
	for (i = 0; i < ns.n && rc == 0; i++) {
		f = &s->store[s->nstores++];
		pake_strlcpy(f->tenant, ns.v[i].name, sizeof f->tenant);
		rc = store_if_any(c, ns.v[i].name, f->path, sizeof f->path,
		    &st, e);
		if (rc <= 0)
			continue;
		f->exists = 1;
		if ((rc = pake_db_file_stats(st, &f->file, e)) == 0)
			rc = pake_db_content_stats(st, &f->content, e);
	}
	free(ns.v);
	if (rc < 0)
		rc = e->code;
	if (rc != 0) {
		pake_maint_stats_free(s);
		return rc;
	}
	for (i = 0; i < s->nstores + 1; i++) {
		f = i ? &s->store[i - 1] : &s->control;
		s->notes += f->content.notes;
		s->pending += f->content.pending;
		s->bytes += f->file.page_count * f->file.page_size;
		s->free_bytes += f->file.freelist * f->file.page_size;
		s->wal_bytes += f->file.wal_bytes;
	}
	return 0;
}

void
pake_maint_stats_free(pake_maint_stats *s)
{
	free(s->store);
	s->store = NULL;
	s->nstores = 0;
}

/* mkdir that accepts an existing folder. */
static int
make_dir(const char *path, pake_err *e)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "mkdir %s: %s",
		    path, strerror(errno));
	return 0;
}

int
pake_maint_backup(pake_ctx *c, const char *dest, pake_err *e)
{
	char dir[PATH_MAX], from[PATH_MAX], to[PATH_MAX];
	struct names ns;
	pake_db *bk = NULL, *st;
	size_t i;
	int rc;

	if ((rc = pake_ctx_allow(c, PAKE_P_TENANTS_MANAGE, e)) != 0)
		return rc;
	if (file_exists(dest))
		return pake_fail(e, PAKE_ECONFLICT, "The backup file exists",
		    "%s exists", dest);
	if ((size_t)snprintf(dir, sizeof dir, "%s-stores", dest) >= sizeof dir)
		return pake_fail(e, PAKE_EINVAL, NULL, "backup path too long");
	if ((rc = pake_db_backup(c->db, dest, e)) != 0)
		return rc;
	/* The stores of the tenants the copy knows, taken after it: a note
	 * is never older than its tenant. */
	if ((rc = pake_db_open_control(&bk, dest, (int)pake_config_num(c->cfg,
	    PAKE_CFG_BUSY_TIMEOUT), 0, e)) != 0)
		return rc;
	rc = names_of(bk, &ns, e);
	pake_db_close(bk);
	if (rc != 0)
		return rc;
	if ((rc = make_dir(dir, e)) != 0)
		goto out;
	for (i = 0; i < ns.n && rc == 0; i++) {
		rc = store_if_any(c, ns.v[i].name, from, sizeof from, &st, e);
		if (rc <= 0) {
			rc = rc < 0 ? e->code : 0;
			continue;
		}
		snprintf(to, sizeof to, "%s/%s.db", dir, ns.v[i].name);
		rc = pake_db_backup(st, to, e);
	}
out:
	free(ns.v);
	return rc;
}

/* Move a store file and its WAL aside; the data stays on disk. */
static int
move_aside(const char *path, pake_err *e)
{
	char to[PATH_MAX + 64], side[PATH_MAX + 8];

	snprintf(to, sizeof to, "%s.pre-restore-%lld", path,
	    (long long)pake_now_ms());
	if (rename(path, to) != 0)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "rename %s: %s",
		    path, strerror(errno));
	snprintf(side, sizeof side, "%s-wal", path);
	snprintf(to + strlen(to), sizeof to - strlen(to), "-wal");
	if (rename(side, to) != 0 && errno != ENOENT)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "rename %s: %s",
		    side, strerror(errno));
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	return 0;
}

/* Close every store the context holds (their files are about to change
 * or move). */
static void
drop_stores(pake_ctx *c)
{
	int i;

	for (i = 0; i < PAKE_CTX_STORES; i++) {
		pake_db_close(c->stores[i].db);
		c->stores[i].db = NULL;
		c->stores[i].used = 0;
	}
	c->store = NULL;
}

int
pake_maint_restore(pake_ctx *c, const char *src, int64_t *stores,
    pake_err *e)
{
	char from[PATH_MAX], path[PATH_MAX];
	struct names before, after;
	pake_db *st;
	size_t i, j;
	int rc;

	*stores = 0;
	if ((rc = pake_ctx_allow(c, PAKE_P_TENANTS_MANAGE, e)) != 0)
		return rc;
	if (!file_exists(src))
		return pake_fail(e, PAKE_ENOTFOUND, "Backup not found",
		    "%s does not exist", src);
	if ((rc = names_of(c->db, &before, e)) != 0)
		return rc;
	drop_stores(c);
	if ((rc = pake_db_restore(c->db, src, e)) != 0 ||
	    (rc = names_of(c->db, &after, e)) != 0) {
		free(before.v);
		return rc;
	}
	/* Stores of tenants the backup does not know: aside. */
	for (i = 0; i < before.n && rc == 0; i++) {
		for (j = 0; j < after.n; j++)
			if (strcmp(before.v[i].name, after.v[j].name) == 0)
				break;
		if (j < after.n || pake_db_store_path(pake_db_path(c->db),
		    before.v[i].name, path, sizeof path, e) != 0)
			continue;
		if (file_exists(path))
			rc = move_aside(path, e);
	}
	for (i = 0; i < after.n && rc == 0; i++) {
		if ((rc = pake_db_store_path(pake_db_path(c->db), after.v[i].name,
		    path, sizeof path, e)) != 0)
			break;
		snprintf(from, sizeof from, "%s-stores/%s.db", src, after.v[i].name);
		if (!file_exists(from)) {
			/* None in the backup: the tenant had no notes. */
			if (file_exists(path))
				rc = move_aside(path, e);
			continue;
		}
		if ((st = pake_ctx_store_of(c, after.v[i].name, e)) == NULL)
			rc = e->code;
		else if ((rc = pake_db_restore(st, from, e)) == 0)
			(*stores)++;
	}
	drop_stores(c);
	free(before.v);
	free(after.v);
	return rc;
}

int
pake_maint_vacuum(pake_ctx *c, pake_err *e)
{
	char path[PATH_MAX];
	struct names ns;
	pake_db *st;
	size_t i;
	int rc;

	if ((rc = pake_ctx_allow(c, PAKE_P_TENANTS_MANAGE, e)) != 0)
		return rc;
	if ((rc = pake_db_vacuum(c->db, e)) != 0 ||
	    (rc = names_of(c->db, &ns, e)) != 0)
		return rc;
	for (i = 0; i < ns.n && rc == 0; i++) {
		rc = store_if_any(c, ns.v[i].name, path, sizeof path, &st, e);
		if (rc > 0)
			rc = pake_db_vacuum(st, e);
		else if (rc < 0)
			rc = e->code;
	}
	free(ns.v);
	return rc;
}
