/*
 * auth.h: who may do what.  Roles and permissions, plans and limits,
 * passwords, tokens, sessions (login, refresh, logout), acting as a
 * token, and the activity log.  Tenant, user and token administration is
 * in admin.h.
 */
#ifndef PAKE_AUTH_H
#define PAKE_AUTH_H

#include <cjson/cJSON.h>
#include "ctx.h"
#include "identity.h"
#include "util.h"

#define PAKE_TOKEN_MAX		64	/* bytes of a token's text */
#define PAKE_ACCESS_TTL_MS	(30LL * 60 * 1000)
#define PAKE_REFRESH_TTL_MS	(30LL * 24 * 3600 * 1000)
#define PAKE_LOCK_FAILS		5
#define PAKE_LOCK_MS		(15LL * 60 * 1000)
#define PAKE_PASSWORD_MIN	10
#define PAKE_PASSWORD_MAX	1024
#define PAKE_RATE_MAX		2000	/* = PAKE_COUNTERS_RATE_MAX */

/* Roles: viewer, user, manager, admin, super_admin. */
int pake_role_valid(const char *role);
uint32_t pake_role_perms(const char *role);
/* "notes:read,search:read" <-> bits; unknown names are invalid_params. */
int pake_perms_parse(const char *csv, uint32_t *out, pake_err *e);
void pake_perms_format(uint32_t perms, pake_buf *b);
const char *pake_perm_name(uint32_t bit);

/* Plans: basic, professional, enterprise. */
int pake_plan_valid(const char *plan);
/* The tenant's limit (PAKE_LIM_*): its override, else its plan's. */
int64_t pake_tenant_limit(const pake_tenant *t, int which);
/* [a-z0-9][a-z0-9-]{0,62} */
int pake_tenant_name_ok(const char *name);
/* Usernames: 1-64 of [A-Za-z0-9._@-], not starting with '-' or '.'. */
int pake_username_ok(const char *name);

/* 1 when pw is on the built-in list of common passwords. */
int pake_password_common(const char *pw);
int pake_password_check(const char *pw, const char *username, pake_err *e);
int pake_password_hash(const char *pw, char out[160], pake_err *e);
int pake_password_verify(const char *hash, const char *pw);

/* A new random token (256 bits) and its stored hash. */
int pake_token_new(char out[PAKE_TOKEN_MAX], char hash[65], pake_err *e);
void pake_token_hash(const char *token, char hash[65]);

typedef struct pake_session {
	char access[PAKE_TOKEN_MAX];
	char refresh[PAKE_TOKEN_MAX];
	int64_t access_expires_ms, refresh_expires_ms;
	int64_t user_id;
	char role[16];
} pake_session;

int pake_auth_login(pake_ctx *c, const char *tenant, const char *username,
    const char *password, pake_session *s, pake_err *e);
int pake_auth_refresh(pake_ctx *c, const char *refresh, pake_session *s,
    pake_err *e);
int pake_auth_logout(pake_ctx *c, const char *token, pake_err *e);

/* Open a context (ctx.h) acting as the configured token (PAKE_TOKEN)
 * when there is one, else as the installation's owner; pake_auth_close()
 * flushes what is due (below) and closes it. */
int pake_auth_open(pake_ctx *c, const pake_config *cfg, pake_log *log,
    pake_err *e);
void pake_auth_close(pake_ctx *c);

/* Act as the token's user: its tenant, exactly its permissions; counts the
 * request against the rate limit and the daily quota.  Nothing is written
 * to a database: the counts live in the counters file (counters.h). */
int pake_auth_token(pake_ctx *c, const char *token, pake_err *e);


/* Write the slow facts of the counters file -- each tenant's daily calls,
 * each token's last use -- to the control database when a flush is due:
 * at most once every PAKE_FLUSH_MS for the whole machine, whichever
 * process comes first.  A crash loses at most that much of them. */
#define PAKE_FLUSH_MS	60000
#define PAKE_FLUSH_MAX	512	/* records one flush writes */
void pake_auth_flush(pake_ctx *c);
/* Before each request of a long session (pake-mcp over stdio or its
 * socket): read the token -- or the uid-mapped user -- with its user and
 * tenant again, so that a revoked token, a disabled user or a suspended or
 * deleted tenant stops the very next request; permissions follow a changed
 * role.  A read only.  count: also count the request against the token's
 * limits.  On failure the context keeps no permission. */
int pake_auth_recheck(pake_ctx *c, int count, pake_err *e);

/* Act as the user mapped to a UNIX uid (pake-tenant user map-uid): the
 * socket-activated MCP server's peer.  An unknown uid is unauthorized. */
int pake_auth_uid(pake_ctx *c, int64_t uid, pake_err *e);

/* Record an event of the acting tenant (details: JSON object, consumed,
 * may be NULL).  Failure to record is logged, never fatal. */
void pake_audit(pake_ctx *c, int64_t tenant, const char *event,
    cJSON *details);

#endif
