/*
 * health.c: the health checks (see health.h for the list).
 *
 * One implementation for GET /health, pake-health and pake-db check, so
 * that the three never disagree about what "healthy" means.  The cheap
 * checks ask the database one short question each and look at the file
 * systems; the thorough ones read everything and are what pake-db check
 * has always done.  A check that cannot be made is a failed check, so a
 * server answers 503 rather than an error; only pake-db check wants to
 * know that a thorough check could not run at all, and gets the error.
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "pake/admin.h"
#include "pake/graph.h"
#include "pake/health.h"
#include "pake/util.h"

/* Append a check; its detail from fmt (may be NULL). */
static void __attribute__((format(printf, 4, 5)))
add(pake_health *h, const char *name, int ok, const char *fmt, ...)
{
	pake_health_item *k;
	va_list ap;

	assert(h->n < PAKE_HEALTH_MAX);
	if (h->n >= PAKE_HEALTH_MAX)
		return;
	k = &h->check[h->n++];
	k->name = name;
	k->ok = ok;
	k->detail[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(k->detail, sizeof k->detail, fmt, ap);
		va_end(ap);
	}
	if (!ok)
		h->ok = 0;
}

/* The nearest existing folder at or above path (path itself when it
 * exists): the vault may not have been created yet. */
static int
existing_dir(const char *path, char *out, size_t n, int *exists)
{
	struct stat sb;
	char *slash;

	pake_strlcpy(out, path, n);
	*exists = 1;
	while (stat(out, &sb) != 0) {
		if (errno != ENOENT)
			return -1;
		*exists = 0;
		if ((slash = strrchr(out, '/')) == NULL)
			pake_strlcpy(out, ".", n);
		else if (slash == out)
			out[1] = '\0';
		else
			*slash = '\0';
	}
	return S_ISDIR(sb.st_mode) ? 0 : -2;
}

/* The acting tenant's vault: a writable folder, or one that can be made. */
static void
check_vault_dir(pake_ctx *c, pake_health *h)
{
	char dir[PATH_MAX];
	int exists, rc;

	rc = existing_dir(c->vault, dir, sizeof dir, &exists);
	if (rc == -2)
		add(h, "vault_dir", 0, exists ? "not a folder" :
		    "a file is in the way");
	else if (rc != 0)
		add(h, "vault_dir", 0, "cannot be looked at");
	else if (access(dir, W_OK | X_OK) != 0)
		add(h, "vault_dir", 0, exists ? "not writable" :
		    "cannot be created");
	else
		add(h, "vault_dir", 1, exists ? NULL :
		    "created with the first note");
}

/* Megabytes free to unprivileged writers on the file system of path (or
 * of its nearest existing folder); -1 when unknown. */
static long long
free_mb(const char *path)
{
	struct statvfs vs;
	char dir[PATH_MAX];
	int exists;

	if (existing_dir(path, dir, sizeof dir, &exists) == -1 ||
	    statvfs(dir, &vs) != 0)
		return -1;
	return (long long)((unsigned long long)vs.f_bavail * vs.f_frsize >> 20);
}

/* The least free space of the database's and the vault's file systems. */
static void
check_disk(pake_ctx *c, pake_health *h)
{
	char dbdir[PATH_MAX], *slash;
	long long db, vault, least;

	pake_strlcpy(dbdir, pake_db_path(c->db), sizeof dbdir);
	if ((slash = strrchr(dbdir, '/')) != NULL)
		*slash = '\0';
	else
		pake_strlcpy(dbdir, ".", sizeof dbdir);
	db = free_mb(dbdir);
	vault = free_mb(c->vault);
	if (db < 0 || vault < 0) {
		add(h, "disk", 0, "free space cannot be measured");
		return;
	}
	least = db < vault ? db : vault;
	add(h, "disk", least >= PAKE_HEALTH_MIN_FREE_MB, least >=
	    PAKE_HEALTH_MIN_FREE_MB ? "%lld MB free" :
	    "%lld MB free, below %d MB", least, PAKE_HEALTH_MIN_FREE_MB);
}

/* database, schema, wal, vault_dir, pending, disk: the control database
 * and the acting tenant's store. */
static void
cheap(pake_ctx *c, pake_health *h)
{
	char mode[32];
	pake_err e = {0};
	int64_t pending, old;
	pake_db *st;
	int v, want, sv, swant;

	/* A store not made yet is not made here: a health check writes
	 * nothing. */
	st = pake_ctx_store_if_made(c, c->tenant, &e);
	if (pake_db_ping(c->db, &e) != 0 || (st == NULL && e.code)) {
		add(h, "database", 0, "does not answer (%s)",
		    pake_code_name(e.code));
		return;		/* the rest would only repeat it */
	}
	add(h, "database", 1, NULL);
	v = pake_db_schema_version(c->db);
	want = pake_db_schema_latest(c->db);
	sv = st ? pake_db_schema_version(st) : 0;
	swant = st ? pake_db_schema_latest(st) : 0;
	if (v == want && sv == swant && st == NULL)
		add(h, "schema", 1, "version %d, no store yet", v);
	else if (v == want && sv == swant)
		add(h, "schema", 1, "version %d, store %d", v, sv);
	else
		add(h, "schema", 0, "version %d, store %d; this program writes "
		    "%d, %d", v, sv, want, swant);
	if (pake_db_journal_mode(c->db, mode, sizeof mode, &e) != 0)
		add(h, "wal", 0, "journal mode cannot be read");
	else
		add(h, "wal", strcmp(mode, "wal") == 0, strcmp(mode, "wal") ?
		    "journal mode is %.20s" : NULL, mode);
	check_vault_dir(c, h);
	pending = old = 0;
	/* A change pending for over a minute was left by a writer that died
	 * between its commit and its file: drift until the next writer or
	 * pake-db check --repair finishes it. */
	if (st && (pake_db_pending_count(st, &pending, &e) != 0 ||
	    pake_db_pending_old(st, &old, &e) != 0))
		add(h, "pending", 0, "cannot be counted");
	else if (pending >= PAKE_HEALTH_MAX_PENDING)
		add(h, "pending", 0, "%lld waiting, limit %d",
		    (long long)pending, PAKE_HEALTH_MAX_PENDING);
	else
		add(h, "pending", old == 0, old == 0 ? "%lld waiting" :
		    "%lld waiting, %lld for over a minute (a writer died; "
		    "pake-db check --repair)", (long long)pending,
		    (long long)old);
	check_disk(c, h);
}

/* Add b's counts to a. */
static void
report_add(pake_vault_report *a, const pake_vault_report *b)
{
	a->files += b->files;
	a->missing += b->missing;
	a->stale += b->stale;
	a->orphans += b->orphans;
	a->untracked += b->untracked;
	a->pending += b->pending;
	a->repaired += b->repaired;
}

/* A problem of another tenant's vault names the tenant ("acme:
 * 00-Inbox/x.md"); the default tenant's paths stay as they are. */
struct named {
	const pake_health_opts *o;
	const char *tenant;
};

static void
named_report(void *arg, const char *what, const char *path)
{
	const struct named *n = arg;
	char buf[PATH_MAX + 80];

	if (strcmp(n->tenant, "default") == 0) {
		n->o->report(n->o->arg, what, path);
		return;
	}
	snprintf(buf, sizeof buf, "%s: %s", n->tenant, path);
	n->o->report(n->o->arg, what, buf);
}

/* Check the acting tenant's vault (and repair it), adding to h. */
static int
vault_one(pake_ctx *c, const pake_health_opts *o, pake_health *h,
    pake_err *e)
{
	struct named n = {o, c->tenant};
	pake_vault_report r, after;
	int rc;

	if ((rc = pake_vault_check(c, o->repair, o->report ? named_report :
	    NULL, &n, &r, e)) != 0)
		return rc;
	after = r;
	if (o->repair && r.repaired &&
	    (rc = pake_vault_check(c, 0, NULL, NULL, &after, e)) != 0)
		return rc;
	report_add(&h->vault, &r);
	report_add(&h->after, &after);
	return 0;
}

/* integrity, fts, vault: pake-db check's checks, with its repair, over
 * the control database and every tenant's store and vault. */
static int
thorough(pake_ctx *c, const pake_health_opts *o, pake_health *h, pake_err *e)
{
	pake_tenant *ts = NULL;
	size_t nts = 0;
	char acting[PAKE_NAME_LEN], msg[256];
	const pake_vault_report *r;
	pake_err fe = {0};
	int ok, fts_ok = 1, rc = 0;
	int64_t links_bad = 0, bad, waiting, links_waiting = 0;
	pake_db *st;
	size_t i;

	ok = pake_db_integrity(c->db, h->integrity, sizeof h->integrity,
	    e) == 0;
	if (!ok && e->code != PAKE_EUNAVAIL)
		return e->code;
	if ((rc = pake_tenant_rows(c->db, &ts, &nts, e)) != 0)
		goto out;
	pake_strlcpy(acting, c->tenant, sizeof acting);
	for (i = 0; i < nts; i++) {
		if ((st = pake_ctx_store_of(c, ts[i].name, e)) == NULL) {
			rc = e->code;
			goto out;
		}
		if (pake_db_integrity(st, msg, sizeof msg, &fe) != 0) {
			if (fe.code != PAKE_EUNAVAIL) {
				*e = fe;
				rc = e->code;
				goto out;
			}
			if (ok)
				snprintf(h->integrity, sizeof h->integrity,
				    "store of %s: %s", ts[i].name, msg);
			ok = 0;
		}
		if (pake_db_fts_check(st, &fe) != 0 && !(o->repair &&
		    pake_db_fts_rebuild(st, &fe) == 0 &&
		    pake_db_fts_check(st, &fe) == 0))
			fts_ok = 0;
		/* The stored links against the notes' markdown (repair:
		 * rebuilt, then looked at again). */
		if ((rc = pake_graph_check(c, st, o->repair, &bad, &waiting,
		    e)) != 0 || (o->repair && bad &&
		    (rc = pake_graph_check(c, st, 0, &bad, &waiting, e)) != 0))
			goto out;
		links_bad += bad;
		links_waiting += waiting;
		if (strcmp(ts[i].status, "deleted") == 0)
			continue;	/* its store is checked, it has no vault */
		if ((rc = pake_ctx_set_tenant(c, ts[i].name, e)) != 0 ||
		    (rc = vault_one(c, o, h, e)) != 0)
			break;
	}
	if (pake_ctx_set_tenant(c, acting, &fe) != 0 && rc == 0) {
		*e = fe;
		rc = e->code;
	}
	if (rc != 0)
		goto out;
	add(h, "integrity", ok, ok ? NULL : "%s", h->integrity);
	add(h, "fts", fts_ok, fts_ok ? NULL : "index does not match the notes");
	if (links_bad)
		add(h, "links", 0, "the stored links of %lld notes do not "
		    "match their markdown", (long long)links_bad);
	else
		add(h, "links", 1, links_waiting ? "%lld notes stored before "
		    "the graph wait to be indexed (the next write or --repair "
		    "does it)" : NULL, (long long)links_waiting);
	r = &h->after;
	ok = r->missing == 0 && r->stale == 0 && r->orphans == 0 &&
	    r->pending == 0;
	add(h, "vault", ok, ok ? NULL : "%lld missing, %lld stale, %lld "
	    "orphans, %lld pending", (long long)r->missing,
	    (long long)r->stale, (long long)r->orphans, (long long)r->pending);
out:
	free(ts);
	return rc;
}

int
pake_health_check(pake_ctx *c, const pake_health_opts *o, pake_health *h,
    pake_err *e)
{
	pake_health deep;
	size_t i;
	int rc = 0;

	memset(h, 0, sizeof *h);
	memset(&deep, 0, sizeof deep);
	h->ok = deep.ok = 1;
	pake_strlcpy(h->integrity, "not checked", sizeof h->integrity);
	/* A repair changes what the cheap checks see (pending syncs), so it
	 * runs first; the cheap checks are still listed first. */
	if (o->thorough && (rc = thorough(c, o, &deep, e)) != 0)
		return rc;
	cheap(c, h);
	for (i = 0; i < deep.n; i++)
		add(h, deep.check[i].name, deep.check[i].ok, "%s",
		    deep.check[i].detail);
	if (o->thorough) {
		memcpy(h->integrity, deep.integrity, sizeof h->integrity);
		h->vault = deep.vault;
		h->after = deep.after;
	}
	return 0;
}

int
pake_health_run(pake_ctx *c, int thorough, pake_health *h)
{
	pake_health_opts o = {thorough, 0, NULL, NULL};
	pake_err e = {0};

	if (pake_health_check(c, &o, h, &e) != 0) {
		/* The cheap checks are all there is to say; the thorough ones
		 * could not run. */
		o.thorough = 0;
		pake_health_check(c, &o, h, &e);
		add(h, "thorough", 0, "could not run (%s)",
		    pake_code_name(e.code));
	}
	return h->ok ? 0 : 1;
}

void
pake_health_unopened(pake_health *h, const pake_err *why)
{
	memset(h, 0, sizeof *h);
	h->ok = 1;
	pake_strlcpy(h->integrity, "not checked", sizeof h->integrity);
	add(h, "database", 0, "%s", why->msg ? why->msg :
	    pake_code_message(why->code ? why->code : PAKE_EUNAVAIL));
}

cJSON *
pake_health_json(const pake_health *h)
{
	cJSON *o = cJSON_CreateObject(), *arr, *k;
	size_t i;

	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "status", h->ok ? "ok" : "fail");
	if ((arr = cJSON_AddArrayToObject(o, "checks")) == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	for (i = 0; i < h->n; i++) {
		if ((k = cJSON_CreateObject()) == NULL) {
			cJSON_Delete(o);
			return NULL;
		}
		cJSON_AddStringToObject(k, "name", h->check[i].name);
		cJSON_AddBoolToObject(k, "ok", h->check[i].ok);
		cJSON_AddStringToObject(k, "detail", h->check[i].detail);
		cJSON_AddItemToArray(arr, k);
	}
	return o;
}

const pake_health_item *
pake_health_find(const pake_health *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strcmp(h->check[i].name, name) == 0)
			return &h->check[i];
	return NULL;
}
