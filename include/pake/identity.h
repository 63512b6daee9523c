/*
 * identity.h: tenants, users, tokens and the activity log, as rows.
 *
 * These are the plain records the db layer reads and writes; the rules
 * (roles, passwords, sessions, limits) live in auth.h.
 */
#ifndef PAKE_IDENTITY_H
#define PAKE_IDENTITY_H

#include <stdint.h>

#define PAKE_NAME_LEN	64	/* tenant names: [a-z0-9][a-z0-9-]{0,62} */
#define PAKE_USER_LEN	64	/* usernames */
#define PAKE_EMAIL_LEN	254

/* Limits a tenant may override; -1 means "the plan's figure",
 * PAKE_UNLIMITED no limit at all. */
#define PAKE_UNLIMITED	INT64_MAX
enum { PAKE_LIM_USERS, PAKE_LIM_NOTES, PAKE_LIM_CALLS_DAY, PAKE_LIM_PER_MIN,
	PAKE_LIM__N };

typedef struct pake_tenant {
	int64_t id;
	char name[PAKE_NAME_LEN];
	char display[128];
	char status[16];	/* active, suspended, deleted */
	char plan[16];		/* basic, professional, enterprise */
	int64_t created_ms;
	int64_t limit[PAKE_LIM__N];
	int64_t notes;		/* notes in its store (admin.c fills it) */
} pake_tenant;

typedef struct pake_user {
	int64_t id, tenant_id;
	char username[PAKE_USER_LEN + 1];
	char email[PAKE_EMAIL_LEN + 1];
	char role[16];
	char pw_hash[160];	/* argon2id string, "" when none */
	int active;
	int64_t last_login_ms, locked_until_ms, created_ms;
	int failed_logins;
	int64_t uid;		/* mapped UNIX uid, -1 when none */
} pake_user;

typedef struct pake_token {
	int64_t id, tenant_id;
	int64_t user_id;	/* 0: the tenant's own service token */
	char kind[8];		/* access, refresh, api */
	uint32_t scopes;
	char family[40];
	char label[64];
	int64_t created_ms, expires_ms, revoked_ms, used_ms, last_used_ms;
	int64_t created_by;	/* the user who minted it; 0: the owner */
	char username[PAKE_USER_LEN + 1];	/* its user's, "" for none */
} pake_token;

typedef struct pake_event {
	int64_t id, tenant_id, user_id, time_ms;
	int64_t token_id;	/* the token that acted; 0: none */
	const char *event, *details, *peer;
} pake_event;

#endif
