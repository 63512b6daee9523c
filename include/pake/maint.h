/*
 * maint.h: whole-installation maintenance: the sizes of the control
 * database and every tenant store, a consistent backup of all of them, a
 * restore from such a backup, and compaction.  pake-db(1) and GET /metrics
 * reach the files through these, never through the db layer.
 *
 * Backup, restore and vacuum need tenants:manage (the installation's owner
 * or a super_admin): each touches every tenant.  The sizes need nothing:
 * GET /metrics shows their totals to anyone; the caller decides whether
 * names and paths are shown (pake-db stats checks tenants:manage).
 */
#ifndef PAKE_MAINT_H
#define PAKE_MAINT_H

#include <limits.h>
#include "ctx.h"

typedef struct pake_maint_file {
	char tenant[PAKE_NAME_LEN];	/* "" for the control database */
	char path[PATH_MAX];
	int exists;			/* stores: created on first use */
	pake_db_file file;
	pake_db_content content;	/* stores only */
} pake_maint_file;

typedef struct pake_maint_stats {
	pake_maint_file control;
	pake_maint_file *store;		/* one per tenant, by name */
	size_t nstores;
	/* Totals over every file. */
	int64_t tenants, notes, pending, bytes, free_bytes, wal_bytes;
} pake_maint_stats;

int pake_maint_stats_get(pake_ctx *c, pake_maint_stats *s, pake_err *e);
void pake_maint_stats_free(pake_maint_stats *s);

/* Copy the control database to dest and each tenant's store to
 * dest-stores/<tenant>.db while others keep working; each file is a
 * consistent snapshot, the control database taken first.  dest must not
 * exist. */
int pake_maint_backup(pake_ctx *c, const char *dest, pake_err *e);
/* Make the installation what the backup at src holds: the control
 * database and every store it lists are copied in; a store of a tenant the
 * backup lacks is moved aside as <tenant>.db.pre-restore-<ms>, never
 * deleted.  Meant for a stopped service (pake-db(1), RESTORE). */
int pake_maint_restore(pake_ctx *c, const char *src, int64_t *stores,
    pake_err *e);
/* VACUUM every file (and optimize each full-text index first). */
int pake_maint_vacuum(pake_ctx *c, pake_err *e);

#endif
