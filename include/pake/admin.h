/*
 * admin.h: managing tenants, users and tokens, and reading the activity
 * log.  Every function acts within the context: a tenant other than the
 * acting one is reachable only with tenants:manage, and otherwise does not
 * exist (not_found, never forbidden: existence does not leak).
 */
#ifndef PAKE_ADMIN_H
#define PAKE_ADMIN_H

#include "auth.h"

/* Tenants (tenants:manage). */
int pake_tenant_create(pake_ctx *c, const char *name, const char *display,
    const char *plan, pake_tenant *out, pake_err *e);
int pake_tenant_show(pake_ctx *c, const char *name, pake_tenant *out,
    pake_err *e);
/* status: "active" (resume), "suspended" or "deleted". */
int pake_tenant_set_status(pake_ctx *c, const char *name, const char *status,
    pake_err *e);
int pake_tenant_list(pake_ctx *c, pake_tenant_cb cb, void *arg, pake_err *e);
/* Every tenant row of the control database db, by name, in a malloc'd
 * array (no permission check: for maintenance code that already holds
 * tenants:manage or only counts). */
int pake_tenant_rows(pake_db *db, pake_tenant **out, size_t *n, pake_err *e);
/* Override the limits named by mask (1 << PAKE_LIM_*) with limit[]: a
 * number, -1 (the plan's again) or PAKE_UNLIMITED.  Requests a minute are
 * 1..PAKE_RATE_MAX or unlimited (the counters file keeps at most that many
 * a minute exactly). */
int pake_tenant_set_limits(pake_ctx *c, const char *name,
    const int64_t limit[PAKE_LIM__N], unsigned mask, pake_tenant *out,
    pake_err *e);

/* Users of a tenant (users:manage; tenant NULL: the acting one). */
int pake_user_add(pake_ctx *c, const char *tenant, const char *username,
    const char *email, const char *role, const char *password,
    pake_user *out, pake_err *e);
int pake_user_passwd(pake_ctx *c, const char *tenant, const char *username,
    const char *password, pake_err *e);
int pake_user_set_role(pake_ctx *c, const char *tenant, const char *username,
    const char *role, pake_err *e);
int pake_user_set_active(pake_ctx *c, const char *tenant,
    const char *username, int active, pake_err *e);
/* Map a UNIX uid to the user (uid -1 removes the mapping). */
int pake_user_map_uid(pake_ctx *c, const char *tenant, const char *username,
    int64_t uid, pake_err *e);
int pake_user_list(pake_ctx *c, const char *tenant, pake_user_cb cb,
    void *arg, pake_err *e);

/* API tokens.  username NULL: a service token of the tenant (admin
 * rights at most).  scopes 0: all of the owner's permissions.  ttl_ms 0:
 * no expiry.  The token text is written to out once; only its hash is
 * kept. */
int pake_token_create(pake_ctx *c, const char *tenant, const char *username,
    uint32_t scopes, int64_t ttl_ms, const char *label,
    char out[PAKE_TOKEN_MAX], pake_token *tok, pake_err *e);
int pake_token_list(pake_ctx *c, const char *tenant, pake_token_cb cb,
    void *arg, pake_err *e);
int pake_token_revoke_id(pake_ctx *c, int64_t id, pake_err *e);

/* The activity log (audit:read); tenant NULL: the acting one, "*" every
 * tenant (tenants:manage). */
int pake_audit_list(pake_ctx *c, const char *tenant, int64_t since_ms,
    int limit, pake_event_cb cb, void *arg, pake_err *e);

#endif
