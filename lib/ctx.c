/*
 * ctx.c: building the context an operation runs in.
 *
 * A context opens the control database at once and everything else on
 * first use: the acting tenant's store (most operations of a server's
 * request touch one store, administration none) and the counters file.
 * Switching tenants costs nothing until the new tenant's store is needed;
 * a few stores stay open, so a pooled server context that serves many
 * tenants in turn does not reopen them on every request.  Who is acting is
 * decided elsewhere (auth.c); a context opened here acts as the local
 * owner of the installation.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "pake/counters.h"
#include "pake/ctx.h"
#include "pake/util.h"

/* The vault of a tenant: the configured vault for "default", otherwise
 * <tenants_dir>/<name> (ARCHITECTURE.md §7). */
static int
tenant_vault(pake_ctx *c, const char *name, pake_err *e)
{
	size_t n;

	if (strcmp(name, "default") == 0)
		n = pake_strlcpy(c->vault, pake_config_str(c->cfg, PAKE_CFG_VAULT),
		    sizeof c->vault);
	else
		n = (size_t)snprintf(c->vault, sizeof c->vault, "%s/%s",
		    pake_config_str(c->cfg, PAKE_CFG_TENANTS_DIR), name);
	if (n >= sizeof c->vault)
		return pake_fail(e, PAKE_EINVAL, NULL, "vault path too long");
	return 0;
}

int
pake_ctx_act_as(pake_ctx *c, const pake_tenant *t, pake_err *e)
{
	int rc;

	if (strcmp(t->status, "deleted") == 0)
		return pake_fail(e, PAKE_ENOTFOUND, "Tenant not found",
		    "tenant %s is deleted", t->name);
	if ((rc = tenant_vault(c, t->name, e)) != 0)
		return rc;
	c->tenant_id = t->id;
	c->suspended = strcmp(t->status, "suspended") == 0;
	if (strcmp(c->tenant, t->name) != 0)
		c->store = NULL;	/* found again on first use */
	pake_strlcpy(c->tenant, t->name, sizeof c->tenant);
	if (c->log)
		pake_strlcpy(c->log->tenant, t->name, sizeof c->log->tenant);
	return 0;
}

int
pake_ctx_set_tenant(pake_ctx *c, const char *name, pake_err *e)
{
	pake_tenant t;
	int rc;

	if ((rc = pake_db_tenant_get(c->db, name, 0, &t, e)) != 0)
		return rc;
	return pake_ctx_act_as(c, &t, e);
}

pake_db *
pake_ctx_store_of(pake_ctx *c, const char *tenant, pake_err *e)
{
	char path[PATH_MAX];
	int i, victim = 0;

	c->tick++;
	for (i = 0; i < PAKE_CTX_STORES; i++) {
		if (c->stores[i].db && strcmp(c->stores[i].name, tenant) == 0) {
			c->stores[i].used = c->tick;
			return c->stores[i].db;
		}
		if (c->stores[i].used < c->stores[victim].used)
			victim = i;
	}
	if (pake_db_store_path(pake_db_path(c->db), tenant, path, sizeof path,
	    e) != 0)
		return NULL;
	if (c->stores[victim].db == c->store)
		c->store = NULL;
	pake_db_close(c->stores[victim].db);
	c->stores[victim].db = NULL;
	if (pake_db_open_store(&c->stores[victim].db, path,
	    (int)pake_config_num(c->cfg, PAKE_CFG_BUSY_TIMEOUT), e) != 0)
		return NULL;
	pake_strlcpy(c->stores[victim].name, tenant, sizeof c->stores[victim].name);
	c->stores[victim].used = c->tick;
	return c->stores[victim].db;
}

pake_db *
pake_ctx_store_if_made(pake_ctx *c, const char *tenant, pake_err *e)
{
	char path[PATH_MAX];
	struct stat sb;

	if (pake_db_store_path(pake_db_path(c->db), tenant, path, sizeof path,
	    e) != 0)
		return NULL;
	if (stat(path, &sb) != 0) {
		pake_err_clear(e);	/* none yet: not an error */
		return NULL;
	}
	return pake_ctx_store_of(c, tenant, e);
}

pake_db *
pake_ctx_store(pake_ctx *c, pake_err *e)
{
	if (c->store == NULL)
		c->store = pake_ctx_store_of(c, c->tenant, e);
	return c->store;
}

struct pake_counters *
pake_ctx_counters(pake_ctx *c, pake_err *e)
{
	char path[PATH_MAX];

	if (c->counters)
		return c->counters;
	if ((size_t)snprintf(path, sizeof path, "%s-counters",
	    pake_db_path(c->db)) >= sizeof path) {
		pake_fail(e, PAKE_EINVAL, NULL, "database path too long");
		return NULL;
	}
	if (pake_counters_open(&c->counters, path, e) != 0)
		return NULL;
	return c->counters;
}

static int
ctx_open(pake_ctx *c, const pake_config *cfg, pake_log *log,
    const char *tenant, int create, pake_err *e)
{
	const char *db = pake_config_str(cfg, PAKE_CFG_DB);
	int rc;

	memset(c, 0, sizeof *c);
	c->cfg = cfg;
	c->log = log;
	c->lock_fd = -1;
	c->perms = PAKE_P_ALL;
	if ((size_t)snprintf(c->lock_path, sizeof c->lock_path, "%s-vault.lock",
	    db) >= sizeof c->lock_path)
		return pake_fail(e, PAKE_EINVAL, NULL, "database path too long");
	rc = pake_db_open_control(&c->db, db,
	    (int)pake_config_num(cfg, PAKE_CFG_BUSY_TIMEOUT), create, e);
	if (rc == 0)
		rc = pake_ctx_set_tenant(c, tenant, e);
	if (rc != 0) {
		pake_ctx_close(c);
		return rc;
	}
	return 0;
}

int
pake_ctx_open_as(pake_ctx *c, const pake_config *cfg, pake_log *log,
    const char *tenant, pake_err *e)
{
	return ctx_open(c, cfg, log, tenant, 0, e);
}

int
pake_ctx_open(pake_ctx *c, const pake_config *cfg, pake_log *log, pake_err *e)
{
	return ctx_open(c, cfg, log, pake_config_str(cfg, PAKE_CFG_TENANT), 0,
	    e);
}

int
pake_ctx_create(const pake_config *cfg, pake_log *log, pake_err *e)
{
	pake_ctx c;
	int rc;

	if ((rc = ctx_open(&c, cfg, log, "default", 1, e)) == 0)
		pake_ctx_close(&c);
	return rc;
}

void
pake_ctx_forget(pake_ctx *c)
{
	c->user_id = 0;
	c->token_id = 0;
	c->perms = 0;
	c->suspended = 0;
	c->peer[0] = '\0';
	c->request_id[0] = '\0';
	if (c->log)
		c->log->tenant[0] = '\0';	/* until someone acts */
}

void
pake_ctx_close(pake_ctx *c)
{
	int i;

	for (i = 0; i < PAKE_CTX_STORES; i++) {
		pake_db_close(c->stores[i].db);
		c->stores[i].db = NULL;
	}
	c->store = NULL;
	pake_counters_close(c->counters);
	c->counters = NULL;
	pake_db_close(c->db);
	c->db = NULL;
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	c->lock_fd = -1;
	for (i = 0; i < PAKE_CTX_SCHEMAS; i++) {
		cJSON_Delete(c->schema[i]);
		c->schema[i] = NULL;
	}
	cJSON_Delete(c->dangling);
	c->dangling = NULL;
}

int
pake_ctx_allow(const pake_ctx *c, uint32_t need, pake_err *e)
{
	/* A suspended tenant's own users may do nothing; whoever manages
	 * tenants (super_admin, the database's owner) still may. */
	if (c->suspended && !(c->perms & PAKE_P_TENANTS_MANAGE))
		return pake_fail(e, PAKE_EFORBIDDEN, "The tenant is suspended",
		    "tenant %s suspended", c->tenant);
	if ((c->perms & need) == need)
		return 0;
	return pake_fail(e, PAKE_EFORBIDDEN, NULL, "missing permission 0x%x",
	    (unsigned)(need & ~c->perms));
}

int
pake_ctx_beside(pake_ctx *c, const char *suffix, char *out, size_t n,
    pake_err *e)
{
	pake_db *st = pake_ctx_store(c, e);

	if (st == NULL)
		return e->code;
	if ((size_t)snprintf(out, n, "%s%s", pake_db_path(st), suffix) >= n)
		return pake_fail(e, PAKE_EINTERNAL, NULL, "path too long");
	return 0;
}
