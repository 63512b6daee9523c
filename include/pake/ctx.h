/*
 * ctx.h: the context every operation runs in.
 *
 * It carries the control database, the acting tenant's store (opened on
 * first use), the counters file, the acting tenant and user with their
 * permissions, the request id, the configuration and the log.  Fronts build
 * one per request (or per process) with pake_ctx_open() or, to act as the
 * configured token, pake_auth_open() (auth.h); domains read it and never
 * reach for globals.
 */
#ifndef PAKE_CTX_H
#define PAKE_CTX_H

#include <limits.h>
#include <stdint.h>
#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"

/* Permissions, one bit each. */
enum pake_perm {
	PAKE_P_NOTES_READ	= 1u << 0,
	PAKE_P_NOTES_WRITE	= 1u << 1,
	PAKE_P_NOTES_DELETE	= 1u << 2,
	PAKE_P_SEARCH_READ	= 1u << 3,
	PAKE_P_GRAPH_READ	= 1u << 4,
	PAKE_P_GRAPH_WRITE	= 1u << 5,
	PAKE_P_INGEST_RUN	= 1u << 6,
	PAKE_P_USERS_MANAGE	= 1u << 7,
	PAKE_P_TENANTS_MANAGE	= 1u << 8,
	PAKE_P_AUDIT_READ	= 1u << 9,
	PAKE_P_ALL		= (1u << 10) - 1,
};

#define PAKE_CTX_SCHEMAS 128	/* at least the registry's size */
#define PAKE_CTX_STORES	4	/* tenant stores a context keeps open */

struct cJSON;
struct pake_counters;

typedef struct pake_ctx {
	pake_db *db;			/* the control database */
	pake_db *store;			/* the acting tenant's, once opened */
	struct pake_counters *counters;	/* once opened */
	/* Stores opened so far, most recently used kept: a server's pooled
	 * context serves many tenants one request at a time. */
	struct {
		char name[64];
		pake_db *db;
		unsigned long used;
	} stores[PAKE_CTX_STORES];
	unsigned long tick;
	const pake_config *cfg;
	pake_log *log;
	int64_t tenant_id;
	char tenant[64];
	int64_t user_id;		/* 0: the local owner of the database */
	int64_t token_id;		/* 0: not acting as a token */
	uint32_t perms;
	int suspended;			/* the tenant is suspended */
	char peer[64];			/* client address when known, else "" */
	char request_id[40];
	char vault[PATH_MAX];		/* the acting tenant's vault folder */
	char lock_path[PATH_MAX];	/* vault write lock file */
	int lock_fd;			/* -1 until first used */
	/* Parsed input schemas of the registry's operations, by position,
	 * parsed on first use and kept for the context's life (a server's
	 * pooled context validates every request against them). */
	struct cJSON *schema[PAKE_CTX_SCHEMAS];
	/* Links the last change left naming nothing (a note renamed or
	 * deleted), for the front to report; NULL when none (graph.h). */
	struct cJSON *dangling;
	/* A search run for another one (the research search's vault by
	 * meaning): not logged on its own (searchlog.c). */
	int search_inner;
	/* The front as the search log names it when not the program's own
	 * (pake-http serving the dashboard: "dashboard"); NULL otherwise. */
	const char *front;
} pake_ctx;

/* Open the existing control database and act as the configured tenant with
 * full rights: the local owner of the installation (ARCHITECTURE.md §6).
 * pake_ctx_open_as() acts as tenant instead. */
int pake_ctx_open(pake_ctx *c, const pake_config *cfg, pake_log *log,
    pake_err *e);
int pake_ctx_open_as(pake_ctx *c, const pake_config *cfg, pake_log *log,
    const char *tenant, pake_err *e);
void pake_ctx_close(pake_ctx *c);
/* Make the configured control database (and its folder) when there is
 * none, or bring an existing one up to date: pake-db init.  Every other
 * open refuses a missing database (PAKE_ENOTFOUND). */
int pake_ctx_create(const pake_config *cfg, pake_log *log, pake_err *e);
/* The acting tenant's store, opened (and migrated) on first use; NULL and
 * e filled when it cannot be. */
pake_db *pake_ctx_store(pake_ctx *c, pake_err *e);
/* The path of a file kept beside the acting tenant's store, the store's
 * path and suffix (".searches": the search log's spool; ".watch", ".import":
 * the vault's state): a file, not a row, where a reader may not write the
 * database or a record must outlive a process without a transaction. */
int pake_ctx_beside(pake_ctx *c, const char *suffix, char *out, size_t n,
    pake_err *e);
/* The store of another tenant (maintenance, administration), from the
 * same cache; tenant must exist in the control database. */
pake_db *pake_ctx_store_of(pake_ctx *c, const char *tenant, pake_err *e);
/* The store of tenant if its file exists, else NULL with e->code 0
 * (looking must not create one); NULL with e filled on failure. */
pake_db *pake_ctx_store_if_made(pake_ctx *c, const char *tenant,
    pake_err *e);
/* The counters file beside the control database, opened on first use. */
struct pake_counters *pake_ctx_counters(pake_ctx *c, pake_err *e);
/* Forget who is acting: no user, no token, no permissions (a server does
 * this before each request, then authenticates or sets a tenant). */
void pake_ctx_forget(pake_ctx *c);
/* Switch the acting tenant (and its vault): by name, or from a tenant row
 * the caller has just read (no second lookup). */
int pake_ctx_set_tenant(pake_ctx *c, const char *name, pake_err *e);
int pake_ctx_act_as(pake_ctx *c, const pake_tenant *t, pake_err *e);
/* PAKE_OK when the context holds every permission in need. */
int pake_ctx_allow(const pake_ctx *c, uint32_t need, pake_err *e);

#endif
