/*
 * auth.c: roles, plans, passwords, tokens, sessions, and acting as a token.
 *
 * Tokens are 256 random bits, shown once as "pake_" + base64url, and
 * stored only as a BLAKE2b-256 hash: a stolen database file holds no usable
 * token.  They are found by that hash, so no comparison of secrets happens
 * in our code; passwords are argon2id strings checked by libsodium in
 * constant time.
 *
 * Refresh tokens rotate: each refresh marks the old one used and issues a
 * new pair in the same family; presenting a used refresh token again means
 * it was stolen or replayed, and the whole family is revoked.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "pake/auth.h"
#include "pake/counters.h"
#include "pake/db.h"

_Static_assert(PAKE_RATE_MAX == PAKE_COUNTERS_RATE_MAX, "one rate ceiling");

static const struct {
	const char *name;
	uint32_t perms;
} roles[] = {
	{"viewer", PAKE_P_NOTES_READ | PAKE_P_SEARCH_READ | PAKE_P_GRAPH_READ},
	{"user", PAKE_P_NOTES_READ | PAKE_P_SEARCH_READ | PAKE_P_GRAPH_READ |
	    PAKE_P_NOTES_WRITE | PAKE_P_GRAPH_WRITE | PAKE_P_INGEST_RUN},
	{"manager", PAKE_P_NOTES_READ | PAKE_P_SEARCH_READ | PAKE_P_GRAPH_READ |
	    PAKE_P_NOTES_WRITE | PAKE_P_GRAPH_WRITE | PAKE_P_INGEST_RUN |
	    PAKE_P_NOTES_DELETE},
	{"admin", PAKE_P_ALL & ~PAKE_P_TENANTS_MANAGE},
	{"super_admin", PAKE_P_ALL},
};

static const char *const perm_names[] = {
	"notes:read", "notes:write", "notes:delete", "search:read",
	"graph:read", "graph:write", "ingest:run", "users:manage",
	"tenants:manage", "audit:read",
};

/* Users, notes, API calls a day, requests a minute (the Python figures). */
static const struct {
	const char *name;
	int64_t limit[PAKE_LIM__N];
} plans[] = {
	{"basic", {5, 10000, 1000, 60}},
	{"professional", {25, 100000, 10000, 300}},
	{"enterprise", {100, 1000000, 100000, 1200}},
};

int
pake_role_valid(const char *role)
{
	size_t i;

	for (i = 0; role && i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(roles[i].name, role) == 0)
			return 1;
	return 0;
}

uint32_t
pake_role_perms(const char *role)
{
	size_t i;

	for (i = 0; role && i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(roles[i].name, role) == 0)
			return roles[i].perms;
	return 0;
}

const char *
pake_perm_name(uint32_t bit)
{
	size_t i;

	for (i = 0; i < sizeof perm_names / sizeof perm_names[0]; i++)
		if (bit == 1u << i)
			return perm_names[i];
	return "?";
}

int
pake_perms_parse(const char *csv, uint32_t *out, pake_err *e)
{
	const char *p = csv;
	size_t len, i;

	*out = 0;
	while (*p) {
		p += strspn(p, ", ");
		len = strcspn(p, ", ");
		if (len == 0)
			break;
		for (i = 0; i < sizeof perm_names / sizeof perm_names[0]; i++)
			if (strlen(perm_names[i]) == len &&
			    strncmp(perm_names[i], p, len) == 0)
				break;
		if (i == sizeof perm_names / sizeof perm_names[0])
			return pake_fail(e, PAKE_EINVAL, "Unknown permission",
			    "scopes: unknown permission '%.*s'", (int)len, p);
		*out |= 1u << i;
		p += len;
	}
	return 0;
}

void
pake_perms_format(uint32_t perms, pake_buf *b)
{
	size_t i;
	int first = 1;

	for (i = 0; i < sizeof perm_names / sizeof perm_names[0]; i++) {
		if (!(perms & (1u << i)))
			continue;
		if (!first)
			pake_buf_putc(b, ',');
		pake_buf_puts(b, perm_names[i]);
		first = 0;
	}
	if (first)
		pake_buf_puts(b, "");
}

int
pake_plan_valid(const char *plan)
{
	size_t i;

	for (i = 0; plan && i < sizeof plans / sizeof plans[0]; i++)
		if (strcmp(plans[i].name, plan) == 0)
			return 1;
	return 0;
}

int64_t
pake_tenant_limit(const pake_tenant *t, int which)
{
	size_t i;

	if (which < 0 || which >= PAKE_LIM__N)
		return 0;
	if (t->limit[which] >= 0)
		return t->limit[which];
	for (i = 0; i < sizeof plans / sizeof plans[0]; i++)
		if (strcmp(plans[i].name, t->plan) == 0)
			return plans[i].limit[which];
	return plans[0].limit[which];
}

int
pake_tenant_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 63 || !(islower((unsigned char)s[0]) ||
	    isdigit((unsigned char)s[0])))
		return 0;
	for (i = 1; i < n; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

int
pake_username_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > PAKE_USER_LEN || s[0] == '-' || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._@-", s[i]))
			return 0;
	return 1;
}

/* Case-insensitive substring test. */
static int
contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; n && *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

int
pake_password_check(const char *pw, const char *username, pake_err *e)
{
	size_t n = strlen(pw);

	if (n < PAKE_PASSWORD_MIN)
		return pake_fail(e, PAKE_EINVAL, "Password too short",
		    "password shorter than %d", PAKE_PASSWORD_MIN);
	if (n > PAKE_PASSWORD_MAX || !pake_utf8_valid(pw, n))
		return pake_fail(e, PAKE_EINVAL, "Password not acceptable",
		    "password too long or not UTF-8");
	if (username && *username && contains_ci(pw, username))
		return pake_fail(e, PAKE_EINVAL, "Password contains the "
		    "username", "password contains the username");
	if (pake_password_common(pw))
		return pake_fail(e, PAKE_EINVAL, "Password too common",
		    "password on the common list");
	return 0;
}

/*
 * Argon2id's cost, and the dummy hash a login without a user is verified
 * against (same cost, so the time taken does not tell).  A fuzz build
 * (make fuzz defines FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION) takes the
 * least the algorithm allows: an input reaching a login must cost
 * microseconds, not 60 ms, or the fuzzer crawls.  Such a build must never
 * hold a real password.
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define PW_OPS		crypto_pwhash_OPSLIMIT_MIN
#define PW_MEM		crypto_pwhash_MEMLIMIT_MIN
#define PW_DUMMY	"$argon2id$v=19$m=8,t=1,p=1$" \
	"BbC/mxETwXpIs9YFei//DQ$bF7eX1atj38W1mGOtbQSDv4hHOPYUVQfPb3nYpQvUJo"
#else
#define PW_OPS		crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEM		crypto_pwhash_MEMLIMIT_INTERACTIVE
#define PW_DUMMY	"$argon2id$v=19$m=65536,t=2,p=1$" \
	"c29tZXNhbHRzb21lc2FsdA$3Y0kfsbhRnJKc8bZVLyHyrWM1ObgrGvYWbjCgKWZz7c"
#endif

int
pake_password_hash(const char *pw, char out[160], pake_err *e)
{
	if (sodium_init() < 0)
		return pake_fail(e, PAKE_EINTERNAL, NULL, "sodium_init");
	if (crypto_pwhash_str(out, pw, strlen(pw), PW_OPS, PW_MEM) != 0)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, "pwhash");
	return 0;
}

int
pake_password_verify(const char *hash, const char *pw)
{
	if (sodium_init() < 0 || hash == NULL || *hash == '\0')
		return 0;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void
pake_token_hash(const char *token, char hash[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, (const unsigned char *)token,
	    strlen(token), NULL, 0);
	sodium_bin2hex(hash, 65, h, sizeof h);
	sodium_memzero(h, sizeof h);
}

int
pake_token_new(char out[PAKE_TOKEN_MAX], char hash[65], pake_err *e)
{
	unsigned char r[32];

	if (sodium_init() < 0)
		return pake_fail(e, PAKE_EINTERNAL, NULL, "sodium_init");
	randombytes_buf(r, sizeof r);
	memcpy(out, "pake_", 5);
	sodium_bin2base64(out + 5, PAKE_TOKEN_MAX - 5, r, sizeof r,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(r, sizeof r);
	pake_token_hash(out, hash);
	return 0;
}

void
pake_audit(pake_ctx *c, int64_t tenant, const char *event, cJSON *details)
{
	pake_event ev;
	pake_err e = {0};
	char *text = details ? cJSON_PrintUnformatted(details) : NULL;

	memset(&ev, 0, sizeof ev);
	ev.tenant_id = tenant ? tenant : c->tenant_id;
	ev.user_id = c->user_id;
	ev.token_id = c->token_id;
	ev.event = event;
	ev.details = text;
	ev.peer = c->peer[0] ? c->peer : NULL;
	ev.time_ms = pake_now_ms();
	if (pake_db_event_add(c->db, &ev, &e) != 0)
		pake_log_msg(c->log, PAKE_LOG_WARN, "activity %s not recorded: "
		    "%s", event, e.detail);
	free(text);
	cJSON_Delete(details);
}

/* A small JSON object {k: v} for audit details. */
static cJSON *
detail(const char *k, const char *v)
{
	cJSON *o = cJSON_CreateObject();

	if (o)
		cJSON_AddStringToObject(o, k, v);
	return o;
}

/* Issue an access and a refresh token of family for user u (inside the
 * caller's transaction). */
static int
issue_pair(pake_ctx *c, const pake_user *u, const char *family, int64_t now,
    pake_session *s, pake_err *e)
{
	pake_token t;
	char hash[65];
	int64_t id;
	int rc;

	memset(&t, 0, sizeof t);
	t.tenant_id = u->tenant_id;
	t.user_id = u->id;
	t.created_by = u->id;	/* a login mints its own pair */
	t.scopes = pake_role_perms(u->role);
	pake_strlcpy(t.family, family, sizeof t.family);
	t.created_ms = now;
	pake_strlcpy(t.kind, "access", sizeof t.kind);
	t.expires_ms = now + PAKE_ACCESS_TTL_MS;
	if ((rc = pake_token_new(s->access, hash, e)) != 0 ||
	    (rc = pake_db_token_insert(c->db, &t, hash, &id, e)) != 0)
		return rc;
	pake_strlcpy(t.kind, "refresh", sizeof t.kind);
	t.expires_ms = now + PAKE_REFRESH_TTL_MS;
	if ((rc = pake_token_new(s->refresh, hash, e)) != 0 ||
	    (rc = pake_db_token_insert(c->db, &t, hash, &id, e)) != 0)
		return rc;
	s->access_expires_ms = now + PAKE_ACCESS_TTL_MS;
	s->refresh_expires_ms = now + PAKE_REFRESH_TTL_MS;
	s->user_id = u->id;
	pake_strlcpy(s->role, u->role, sizeof s->role);
	return 0;
}

#define MSG_BADLOGIN	"Invalid credentials"
#define MSG_BADTOKEN	"Invalid or expired token"

/*
 * Logging in tells nothing about who exists.  Failures are counted by the
 * (tenant, username) tried, whether or not such a tenant or user exists,
 * and five lock that name for 15 minutes: an unknown name locks exactly as
 * a known one does.  Every attempt runs one argon2id verification (against
 * a fixed dummy hash when there is no user, or the user is disabled), so
 * the time taken does not tell either.  The counting happens under the
 * write lock, so concurrent guesses are counted exactly.
 */
int
pake_auth_login(pake_ctx *c, const char *tenant, const char *username,
    const char *password, pake_session *s, pake_err *e)
{
	static const char dummy[crypto_pwhash_STRBYTES] = PW_DUMMY;
	char family[37];
	pake_tenant t;
	pake_user u;
	int64_t now = pake_now_ms(), fails, locked;
	int rc, ok, have_tenant, have_user;

	memset(s, 0, sizeof *s);
	if (!pake_tenant_name_ok(tenant) || !pake_username_ok(username) ||
	    strlen(password) > PAKE_PASSWORD_MAX) {
		pake_password_verify(dummy, password);	/* same time */
		return pake_fail(e, PAKE_EUNAUTH, MSG_BADLOGIN, "bad shape");
	}
	if ((rc = pake_db_begin(c->db, e)) != 0)
		return rc;
	if ((rc = pake_db_login_get(c->db, tenant, username, &fails, &locked,
	    e)) != 0) {
		pake_db_rollback(c->db);
		return rc;
	}
	have_tenant = pake_db_tenant_get(c->db, tenant, 0, &t, e) == 0 &&
	    strcmp(t.status, "deleted") != 0;
	have_user = have_tenant &&
	    pake_db_user_get(c->db, t.id, username, 0, &u, e) == 0;
	pake_err_clear(e);
	if (locked > now) {
		pake_db_rollback(c->db);
		pake_password_verify(dummy, password);
		rc = pake_fail(e, PAKE_EUNAUTH, "Account locked, try again "
		    "later", "%s/%s locked", tenant, username);
		e->retry_after = (int)((locked - now + 999) / 1000);
		return rc;
	}
	if (have_tenant && strcmp(t.status, "suspended") == 0) {
		pake_db_rollback(c->db);
		pake_password_verify(dummy, password);
		return pake_fail(e, PAKE_EFORBIDDEN, "The tenant is suspended",
		    "tenant %s", tenant);
	}
	ok = pake_password_verify(have_user && u.active ? u.pw_hash : dummy,
	    password) && have_user && u.active;
	if (!ok) {
		if (++fails >= PAKE_LOCK_FAILS) {
			locked = now + PAKE_LOCK_MS;
			fails = 0;
		}
		rc = pake_db_login_put(c->db, tenant, username, fails, locked,
		    now, e);
		if (rc == 0 && have_tenant) {
			c->user_id = have_user ? u.id : 0;
			pake_audit(c, t.id, "login_failed", detail("username",
			    username));
			c->user_id = 0;
		}
		if (rc == 0)
			rc = pake_db_commit(c->db, e);
		else
			pake_db_rollback(c->db);
		return rc ? rc : pake_fail(e, PAKE_EUNAUTH, MSG_BADLOGIN,
		    "login failed for %s/%s", tenant, username);
	}
	c->user_id = u.id;
	u.last_login_ms = now;
	if ((rc = pake_uuid4(family, e)) != 0 ||
	    (rc = pake_db_login_clear(c->db, tenant, username, e)) != 0 ||
	    (rc = pake_db_user_save(c->db, &u, e)) != 0 ||
	    (rc = issue_pair(c, &u, family, now, s, e)) != 0) {
		pake_db_rollback(c->db);
		memset(s, 0, sizeof *s);
		return rc;
	}
	pake_audit(c, t.id, "login_ok", detail("username", username));
	if ((rc = pake_db_commit(c->db, e)) != 0)
		memset(s, 0, sizeof *s);
	return rc;
}

int
pake_auth_refresh(pake_ctx *c, const char *refresh, pake_session *s,
    pake_err *e)
{
	char hash[65];
	pake_token t;
	pake_tenant tn;
	pake_user u;
	int64_t now = pake_now_ms();
	int rc;

	memset(s, 0, sizeof *s);
	if (strlen(refresh) >= PAKE_TOKEN_MAX)
		return pake_fail(e, PAKE_EUNAUTH, MSG_BADTOKEN, "too long");
	pake_token_hash(refresh, hash);
	if ((rc = pake_db_begin(c->db, e)) != 0)
		return rc;
	if (pake_db_token_by_hash(c->db, hash, &t, e) != 0 ||
	    strcmp(t.kind, "refresh") != 0) {
		pake_db_rollback(c->db);
		return pake_fail(e, PAKE_EUNAUTH, MSG_BADTOKEN, "unknown");
	}
	c->user_id = t.user_id;
	if (t.used_ms) {
		/* A rotated refresh token came back: replay or theft. */
		if (pake_db_token_revoke_family(c->db, t.family, now, e) == 0) {
			pake_audit(c, t.tenant_id, "token_reuse",
			    detail("family", t.family));
			pake_db_commit(c->db, e);
		} else
			pake_db_rollback(c->db);
		return pake_fail(e, PAKE_EUNAUTH, MSG_BADTOKEN,
		    "refresh token reused; family revoked");
	}
	if (t.revoked_ms || (t.expires_ms && now >= t.expires_ms) ||
	    pake_db_tenant_get(c->db, NULL, t.tenant_id, &tn, e) != 0 ||
	    strcmp(tn.status, "active") != 0 ||
	    pake_db_user_get(c->db, 0, NULL, t.user_id, &u, e) != 0 ||
	    !u.active) {
		pake_db_rollback(c->db);
		return pake_fail(e, PAKE_EUNAUTH, MSG_BADTOKEN,
		    "refresh refused");
	}
	if ((rc = pake_db_token_used(c->db, t.id, now, e)) != 0 ||
	    (rc = pake_db_token_revoke(c->db, t.id, now, e)) != 0 ||
	    (rc = issue_pair(c, &u, t.family, now, s, e)) != 0) {
		pake_db_rollback(c->db);
		memset(s, 0, sizeof *s);
		return rc;
	}
	pake_audit(c, t.tenant_id, "token_refreshed", detail("family",
	    t.family));
	if ((rc = pake_db_commit(c->db, e)) != 0)
		memset(s, 0, sizeof *s);
	return rc;
}

int
pake_auth_logout(pake_ctx *c, const char *token, pake_err *e)
{
	char hash[65];
	pake_token t;
	int64_t now = pake_now_ms();
	int rc;

	if (strlen(token) >= PAKE_TOKEN_MAX)
		return pake_fail(e, PAKE_EUNAUTH, MSG_BADTOKEN, "too long");
	pake_token_hash(token, hash);
	if ((rc = pake_db_begin(c->db, e)) != 0)
		return rc;
	if (pake_db_token_by_hash(c->db, hash, &t, e) != 0 || t.revoked_ms) {
		pake_db_rollback(c->db);
		return pake_fail(e, PAKE_EUNAUTH, MSG_BADTOKEN, "unknown");
	}
	c->user_id = t.user_id;
	rc = t.family[0] ? pake_db_token_revoke_family(c->db, t.family, now, e) :
	    pake_db_token_revoke(c->db, t.id, now, e);
	if (rc != 0) {
		pake_db_rollback(c->db);
		return rc;
	}
	pake_audit(c, t.tenant_id, "logout", NULL);
	return pake_db_commit(c->db, e);
}

static int count_as(pake_ctx *c, const pake_tenant *t, pake_err *e);

/* Read the token (by its hash, or by id when hash is NULL), its tenant and
 * its user in one read transaction -- one consistent view, one WAL read
 * lock -- and check that all three still allow it to act. */
static int
token_rows(pake_ctx *c, const char *hash, int64_t id, pake_token *t,
    pake_tenant *tn, pake_user *u, pake_err *e)
{
	int64_t now = pake_now_ms();
	int rc;

	if ((rc = pake_db_begin_read(c->db, e)) != 0)
		return rc;
	rc = hash ? pake_db_token_by_hash(c->db, hash, t, e) :
	    pake_db_token_get(c->db, id, t, e);
	if (rc != 0 || strcmp(t->kind, "refresh") == 0 || t->revoked_ms ||
	    (t->expires_ms && now >= t->expires_ms) ||
	    pake_db_tenant_get(c->db, NULL, t->tenant_id, tn, e) != 0 ||
	    strcmp(tn->status, "deleted") == 0)
		rc = pake_fail(e, PAKE_EUNAUTH, MSG_BADTOKEN, "token refused");
	else if (t->user_id && (pake_db_user_get(c->db, 0, NULL, t->user_id,
	    u, e) != 0 || !u->active))
		rc = pake_fail(e, PAKE_EUNAUTH, MSG_BADTOKEN, "user inactive");
	pake_db_rollback(c->db);	/* it only read */
	return rc;
}

/* Act as token t of tenant tn (and user u): exactly its permissions now. */
static int
act_token(pake_ctx *c, const pake_token *t, const pake_tenant *tn,
    const pake_user *u, pake_err *e)
{
	uint32_t perms;
	int rc;

	/* A service token acts with admin rights at most. */
	perms = pake_role_perms(t->user_id ? u->role : "admin");
	/* super_admin exists only in the default tenant. */
	if (strcmp(tn->name, "default") != 0)
		perms &= ~PAKE_P_TENANTS_MANAGE;
	if ((rc = pake_ctx_act_as(c, tn, e)) != 0)
		return rc;
	c->user_id = t->user_id;
	c->token_id = t->id;
	c->perms = perms & t->scopes;
	if (c->suspended)
		return pake_fail(e, PAKE_EFORBIDDEN, "The tenant is suspended",
		    "tenant %s", tn->name);
	return 0;
}

int
pake_auth_token(pake_ctx *c, const char *token, pake_err *e)
{
	char hash[65];
	pake_tenant tn;
	pake_token t;
	pake_user u;
	int rc;

	c->perms = 0;
	if (strlen(token) >= PAKE_TOKEN_MAX)
		return pake_fail(e, PAKE_EUNAUTH, MSG_BADTOKEN, "too long");
	pake_token_hash(token, hash);
	if ((rc = token_rows(c, hash, 0, &t, &tn, &u, e)) != 0 ||
	    (rc = act_token(c, &t, &tn, &u, e)) != 0)
		return rc;
	return count_as(c, &tn, e);
}

int
pake_auth_recheck(pake_ctx *c, int count, pake_err *e)
{
	pake_tenant tn;
	pake_token t;
	pake_user u;
	int rc;

	if (c->token_id) {
		rc = token_rows(c, NULL, c->token_id, &t, &tn, &u, e);
		if (rc != 0 || (rc = act_token(c, &t, &tn, &u, e)) != 0) {
			c->perms = 0;	/* nothing more in this session */
			return rc;
		}
		return count ? count_as(c, &tn, e) : 0;
	}
	if (c->user_id == 0)
		return 0;	/* the installation's owner */
	/* A user mapped to a uid: still active, its tenant still there. */
	if (pake_db_user_get(c->db, 0, NULL, c->user_id, &u, e) != 0 ||
	    !u.active || pake_db_tenant_get(c->db, NULL, u.tenant_id, &tn,
	    e) != 0 || strcmp(tn.status, "deleted") == 0) {
		c->perms = 0;
		return pake_fail(e, PAKE_EUNAUTH, "Unknown peer",
		    "user %lld no longer active", (long long)c->user_id);
	}
	if ((rc = pake_ctx_act_as(c, &tn, e)) != 0)
		return rc;
	c->perms = pake_role_perms(u.role);
	if (strcmp(tn.name, "default") != 0)
		c->perms &= ~PAKE_P_TENANTS_MANAGE;
	if (c->suspended)
		return pake_fail(e, PAKE_EFORBIDDEN, "The tenant is suspended",
		    "tenant %s", tn.name);
	return 0;
}

/* What the database already holds for a tenant's day (the counters file
 * may be newer than the last flush, or new). */
static int64_t
usage_base(void *arg, int64_t tenant, int64_t day)
{
	pake_ctx *c = arg;
	int64_t calls = 0;
	pake_err e = {0};

	if (pake_db_usage_get(c->db, tenant, day, &calls, &e) != 0)
		pake_log_msg(c->log, PAKE_LOG_WARN, "usage of day %lld not read: "
		    "%s", (long long)day, e.detail);
	return calls;
}

void
pake_auth_flush(pake_ctx *c)
{
	pake_counters_rec recs[PAKE_FLUSH_MAX];
	pake_counters *k;
	pake_err e = {0};
	size_t n, i;
	int rc;

	if ((k = pake_ctx_counters(c, &e)) == NULL ||
	    !pake_counters_flush_begin(k, pake_now_ms(), PAKE_FLUSH_MS))
		return;
	if ((n = pake_counters_dirty(k, recs, PAKE_FLUSH_MAX)) == 0)
		return;
	if ((rc = pake_db_begin(c->db, &e)) != 0)
		goto fail;
	for (i = 0; i < n && rc == 0; i++)
		rc = recs[i].kind == PAKE_COUNTERS_USAGE ?
		    pake_db_usage_put(c->db, recs[i].id, recs[i].day,
		    recs[i].value, &e) :
		    pake_db_token_touch(c->db, recs[i].id, recs[i].value, &e);
	if (rc != 0) {
		pake_db_rollback(c->db);
		goto fail;
	}
	if (pake_db_commit(c->db, &e) != 0)
		goto fail;
	pake_counters_mark(k, recs, n);
	return;
fail:
	/* Unmarked: the next flush, a minute on, writes them again. */
	pake_log_msg(c->log, PAKE_LOG_WARN, "usage not flushed: %s", e.detail);
}

/* Count one request of the context's token against the limits of its
 * tenant tn (a row just read). */
static int
count_as(pake_ctx *c, const pake_tenant *t, pake_err *e)
{
	const pake_tenant tn = *t;
	pake_counters *k;
	int64_t retry = 0, now = pake_now_ms(), calls, per_min, calls_day;
	int rc;

	if ((k = pake_ctx_counters(c, e)) == NULL)
		return e->code;
	per_min = pake_tenant_limit(&tn, PAKE_LIM_PER_MIN);
	calls_day = pake_tenant_limit(&tn, PAKE_LIM_CALLS_DAY);
	if (calls_day > PAKE_COUNTERS_CALLS_MAX)	/* unlimited */
		calls_day = PAKE_COUNTERS_CALLS_MAX;
	rc = per_min == PAKE_UNLIMITED ? 0 : pake_counters_rate(k,
	    c->token_id, per_min, now, &retry, e);
	if (rc == PAKE_ERATE) {
		pake_fail(e, PAKE_ERATE, NULL, "%lld requests a minute",
		    (long long)pake_tenant_limit(&tn, PAKE_LIM_PER_MIN));
		e->retry_after = (int)((retry + 999) / 1000);
		return PAKE_ERATE;
	}
	if (rc != 0)
		return rc;
	rc = pake_counters_calls(k, tn.id, now / 86400000, calls_day,
	    usage_base, c, &calls, e);
	if (rc == PAKE_EQUOTA) {
		pake_err ae = {0};
		pake_fail(e, PAKE_EQUOTA, NULL, "%lld calls a day",
		    (long long)pake_tenant_limit(&tn, PAKE_LIM_CALLS_DAY));
		e->retry_after = (int)(((now / 86400000 + 1) * 86400000 - now +
		    999) / 1000);
		ae = *e;
		/* Once a day in the log, not once a refused request: a client
		 * that keeps knocking must not turn each knock into a write. */
		if (pake_db_event_since(c->db, tn.id, "quota_hit",
		    now / 86400000 * 86400000) == 0)
			pake_audit(c, tn.id, "quota_hit", detail("limit",
			    "api_calls_per_day"));
		*e = ae;
		return PAKE_EQUOTA;
	}
	if (rc != 0)
		return rc;
	pake_auth_flush(c);
	return 0;
}


int
pake_auth_open(pake_ctx *c, const pake_config *cfg, pake_log *log,
    pake_err *e)
{
	const char *token = pake_config_str(cfg, PAKE_CFG_TOKEN);
	int rc;

	/* With a token, the token says who we are; without, the configured
	 * tenant with the rights of the installation's owner. */
	if (token == NULL)
		return pake_ctx_open(c, cfg, log, e);
	if ((rc = pake_ctx_open_as(c, cfg, log, "default", e)) != 0)
		return rc;
	if ((rc = pake_auth_token(c, token, e)) != 0) {
		pake_ctx_close(c);
		return rc;
	}
	/* A tenant named as well must be the token's: acting silently for
	 * another one than asked is how data lands in the wrong place. */
	if (strcmp(cfg->origin[PAKE_CFG_TENANT], "default") != 0 &&
	    strcmp(pake_config_str(cfg, PAKE_CFG_TENANT), c->tenant) != 0) {
		rc = pake_fail(e, PAKE_EFORBIDDEN, "The token belongs to "
		    "another tenant than the one named", "token of tenant %s, "
		    "tenant %s named by %s", c->tenant,
		    pake_config_str(cfg, PAKE_CFG_TENANT),
		    cfg->origin[PAKE_CFG_TENANT]);
		pake_ctx_close(c);
	}
	return rc;
}

void
pake_auth_close(pake_ctx *c)
{
	if (c->db && c->counters)
		pake_auth_flush(c);
	pake_ctx_close(c);
}

int
pake_auth_uid(pake_ctx *c, int64_t uid, pake_err *e)
{
	pake_tenant tn;
	pake_user u;
	uint32_t perms;
	int rc;

	c->perms = 0;
	if (pake_db_user_by_uid(c->db, uid, &u, e) != 0 || !u.active ||
	    pake_db_tenant_get(c->db, NULL, u.tenant_id, &tn, e) != 0 ||
	    strcmp(tn.status, "deleted") == 0)
		return pake_fail(e, PAKE_EUNAUTH, "Unknown peer",
		    "uid %lld is not mapped to an active user", (long long)uid);
	if ((rc = pake_ctx_set_tenant(c, tn.name, e)) != 0)
		return rc;
	perms = pake_role_perms(u.role);
	if (strcmp(tn.name, "default") != 0)
		perms &= ~PAKE_P_TENANTS_MANAGE;
	c->user_id = u.id;
	c->token_id = 0;
	c->perms = perms;
	if (c->suspended)
		return pake_fail(e, PAKE_EFORBIDDEN, "The tenant is suspended",
		    "tenant %s", tn.name);
	return 0;
}
