/*
 * health.h: is this pake installation well?  The one set of checks behind
 * GET /health, pake-health and pake-db check (ARCHITECTURE.md §9).
 *
 * Cheap checks, fit for every GET /health:
 *   database   the database answers a read
 *   schema     its schema version is the one this program writes
 *   wal        it is in WAL mode (many processes write at once)
 *   vault_dir  the acting tenant's vault folder is writable (or, before
 *              the first note, can be created)
 *   pending    fewer than PAKE_HEALTH_MAX_PENDING vault syncs wait
 *   disk       the database's and the vault's file systems have at least
 *              PAKE_HEALTH_MIN_FREE_MB megabytes free
 * Thorough checks, what pake-db check has always done:
 *   integrity  PRAGMA integrity_check
 *   fts        the full-text index matches the notes
 *   vault      the acting tenant's vault agrees with the database
 *
 * A detail is shown to whoever asks GET /health, without logging in: it
 * holds counts and versions, never a path, a name or an error's text.
 */
#ifndef PAKE_HEALTH_H
#define PAKE_HEALTH_H

#include <cjson/cJSON.h>
#include "ctx.h"
#include "vault.h"

#define PAKE_HEALTH_MAX		12	/* checks in one run */
#define PAKE_HEALTH_MAX_PENDING	1000	/* this many pending syncs fail */
#define PAKE_HEALTH_MIN_FREE_MB	64	/* less free space fails */

typedef struct pake_health_item {
	const char *name;	/* "database", ... (static) */
	int ok;
	char detail[128];	/* "" or a short reason; no paths */
} pake_health_item;

typedef struct pake_health {
	pake_health_item check[PAKE_HEALTH_MAX];
	size_t n;
	int ok;			/* every check passed */
	/* Thorough runs: what pake-db check prints. */
	char integrity[256];	/* "ok" or SQLite's first finding */
	pake_vault_report vault;	/* as found, before any repair */
	pake_vault_report after;	/* after the repair (= vault without) */
} pake_health;

typedef struct pake_health_opts {
	int thorough;		/* add integrity, fts and vault */
	int repair;		/* thorough: rebuild index, repair vault */
	pake_check_report report;	/* each vault problem; may be NULL */
	void *arg;
} pake_health_opts;

/* Run the checks.  A check that cannot run fails with its reason; the
 * return is 0, or an error only when a thorough check could not be made
 * at all (pake-db check reports that as an error, not as a finding). */
int pake_health_check(pake_ctx *c, const pake_health_opts *o, pake_health *h,
    pake_err *e);
/* The simple form: 0 healthy, 1 not (every failure is a failed check). */
int pake_health_run(pake_ctx *c, int thorough, pake_health *h);
/* The result when the database could not even be opened. */
void pake_health_unopened(pake_health *h, const pake_err *why);
/* {"status":"ok"|"fail","checks":[{"name","ok","detail"}]}; NULL when out
 * of memory. */
cJSON *pake_health_json(const pake_health *h);
/* The check named name, or NULL. */
const pake_health_item *pake_health_find(const pake_health *h,
    const char *name);

#endif
