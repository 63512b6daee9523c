/*
 * admin.c: tenants, users, tokens and the activity log (see admin.h).
 *
 * Each change is one write transaction that also records its activity
 * event, so the log never claims what did not happen nor misses what did.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pake/admin.h"
#include "pake/db.h"

#define MSG_TENANT_NF	"Tenant not found"
#define MSG_USER_NF	"User not found"

/* Find the tenant an administrative call names, as the context may see
 * it: its own always, others only with tenants:manage. */
static int
target(pake_ctx *c, const char *name, pake_tenant *t, pake_err *e)
{
	if (name == NULL || *name == '\0')
		name = c->tenant;
	if (strcmp(name, c->tenant) != 0 &&
	    !(c->perms & PAKE_P_TENANTS_MANAGE))
		return pake_fail(e, PAKE_ENOTFOUND, MSG_TENANT_NF,
		    "tenant %s not visible", name);
	if (!pake_tenant_name_ok(name) ||
	    pake_db_tenant_get(c->db, name, 0, t, e) != 0 ||
	    strcmp(t->status, "deleted") == 0)
		return pake_fail(e, PAKE_ENOTFOUND, MSG_TENANT_NF, "tenant %s",
		    name);
	return 0;
}

/* Common start of a change: permission, write transaction, tenant. */
static int
begin(pake_ctx *c, uint32_t perm, const char *tenant, pake_tenant *t,
    pake_err *e)
{
	int rc;

	if ((rc = pake_ctx_allow(c, perm, e)) != 0 ||
	    (rc = pake_db_begin(c->db, e)) != 0)
		return rc;
	if ((rc = target(c, tenant, t, e)) != 0)
		pake_db_rollback(c->db);
	return rc;
}

/* Commit, or roll back when rc says the change failed. */
static int
finish(pake_ctx *c, int rc, pake_err *e)
{
	if (rc != 0) {
		pake_db_rollback(c->db);
		return rc;
	}
	return pake_db_commit(c->db, e);
}

static cJSON *
kv(const char *k, const char *v)
{
	cJSON *o = cJSON_CreateObject();

	if (o)
		cJSON_AddStringToObject(o, k, v);
	return o;
}

int
pake_tenant_create(pake_ctx *c, const char *name, const char *display,
    const char *plan, pake_tenant *out, pake_err *e)
{
	pake_tenant t;
	int rc, i;

	if ((rc = pake_ctx_allow(c, PAKE_P_TENANTS_MANAGE, e)) != 0)
		return rc;
	if (!pake_tenant_name_ok(name))
		return pake_fail(e, PAKE_EINVAL, "Invalid tenant name",
		    "name must match [a-z0-9][a-z0-9-]{0,62}");
	if (plan == NULL)
		plan = "basic";
	if (!pake_plan_valid(plan))
		return pake_fail(e, PAKE_EINVAL, "Unknown plan", "plan %s", plan);
	if (display && (strlen(display) >= sizeof t.display ||
	    !pake_utf8_valid(display, strlen(display))))
		return pake_fail(e, PAKE_EINVAL, NULL, "display name");
	memset(&t, 0, sizeof t);
	pake_strlcpy(t.name, name, sizeof t.name);
	pake_strlcpy(t.display, display ? display : name, sizeof t.display);
	pake_strlcpy(t.status, "active", sizeof t.status);
	pake_strlcpy(t.plan, plan, sizeof t.plan);
	t.created_ms = pake_now_ms();
	for (i = 0; i < PAKE_LIM__N; i++)
		t.limit[i] = -1;
	if ((rc = pake_db_begin(c->db, e)) != 0)
		return rc;
	rc = pake_db_tenant_insert(c->db, &t, &t.id, e);
	if (rc == PAKE_ECONFLICT)
		rc = pake_fail(e, PAKE_ECONFLICT, "Tenant already exists",
		    "tenant %s", name);
	if (rc == 0)
		pake_audit(c, t.id, "tenant_created", kv("plan", plan));
	if ((rc = finish(c, rc, e)) == 0 && out)
		*out = t;
	return rc;
}

/* The tenant's note count, from its store when it has one (a store is
 * made on first use; looking must not make it). */
static int
count_notes(pake_ctx *c, pake_tenant *t, pake_err *e)
{
	pake_db *st;

	t->notes = 0;
	if ((st = pake_ctx_store_if_made(c, t->name, e)) == NULL)
		return e->code;		/* 0: no store, no notes yet */
	t->notes = pake_db_note_count(st);
	return t->notes < 0 ? pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_DB,
	    "note count of %s", t->name) : 0;
}

int
pake_tenant_show(pake_ctx *c, const char *name, pake_tenant *out, pake_err *e)
{
	int rc;

	if ((rc = pake_ctx_allow(c, PAKE_P_TENANTS_MANAGE, e)) != 0)
		return rc;
	if (!pake_tenant_name_ok(name) ||
	    pake_db_tenant_get(c->db, name, 0, out, e) != 0)
		return pake_fail(e, PAKE_ENOTFOUND, MSG_TENANT_NF, "%s", name);
	return count_notes(c, out, e);
}

int
pake_tenant_set_status(pake_ctx *c, const char *name, const char *status,
    pake_err *e)
{
	static const char *const events[][2] = {
		{"active", "tenant_resumed"},
		{"suspended", "tenant_suspended"},
		{"deleted", "tenant_deleted"},
	};
	const char *event = NULL;
	pake_tenant t;
	size_t i;
	int rc;

	for (i = 0; i < sizeof events / sizeof events[0]; i++)
		if (strcmp(events[i][0], status) == 0)
			event = events[i][1];
	if (event == NULL)
		return pake_fail(e, PAKE_EINVAL, NULL, "status %s", status);
	if ((rc = pake_ctx_allow(c, PAKE_P_TENANTS_MANAGE, e)) != 0)
		return rc;
	if (strcmp(name, "default") == 0)
		return pake_fail(e, PAKE_EFORBIDDEN, "The default tenant cannot "
		    "be suspended or deleted", "default tenant");
	if ((rc = begin(c, PAKE_P_TENANTS_MANAGE, name, &t, e)) != 0)
		return rc;
	rc = pake_db_tenant_status(c->db, t.id, status, e);
	if (rc == 0)
		pake_audit(c, t.id, event, NULL);
	return finish(c, rc, e);
}

/* Collects tenant rows (a walk's statement stays open while its callback
 * runs, so whoever opens stores collects first). */
struct tlist {
	pake_tenant *t;
	size_t n, cap;
};

static int
tlist_add(void *arg, const pake_tenant *t)
{
	struct tlist *l = arg;
	pake_tenant *p;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		if ((p = realloc(l->t, l->cap * sizeof *p)) == NULL)
			return PAKE_EINTERNAL;
		l->t = p;
	}
	l->t[l->n++] = *t;
	return 0;
}

int
pake_tenant_rows(pake_db *db, pake_tenant **out, size_t *n, pake_err *e)
{
	struct tlist l = {NULL, 0, 0};
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = pake_db_tenant_each(db, tlist_add, &l, e)) != 0) {
		free(l.t);
		return rc == PAKE_EINTERNAL && e->code == 0 ? pake_fail(e,
		    PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL) : rc;
	}
	*out = l.t;
	*n = l.n;
	return 0;
}

int
pake_tenant_list(pake_ctx *c, pake_tenant_cb cb, void *arg, pake_err *e)
{
	pake_tenant *t;
	size_t i, n;
	int rc;

	if ((rc = pake_ctx_allow(c, PAKE_P_TENANTS_MANAGE, e)) != 0 ||
	    (rc = pake_tenant_rows(c->db, &t, &n, e)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++)
		if ((rc = count_notes(c, &t[i], e)) == 0)
			rc = cb(arg, &t[i]);
	free(t);
	return rc;
}

int
pake_tenant_set_limits(pake_ctx *c, const char *name,
    const int64_t limit[PAKE_LIM__N], unsigned mask, pake_tenant *out,
    pake_err *e)
{
	static const char *const names[PAKE_LIM__N] = {"users", "notes",
	    "api_calls_per_day", "requests_per_minute"};
	pake_tenant t;
	cJSON *d;
	int rc, i;

	for (i = 0; i < PAKE_LIM__N; i++) {
		if (!(mask & (1u << i)) || limit[i] == -1 ||
		    limit[i] == PAKE_UNLIMITED)
			continue;
		if (limit[i] < 0 || (i == PAKE_LIM_PER_MIN && (limit[i] < 1 ||
		    limit[i] > PAKE_RATE_MAX)))
			return pake_fail(e, PAKE_EINVAL, "Invalid limit",
			    "%s: out of range", names[i]);
	}
	if ((rc = begin(c, PAKE_P_TENANTS_MANAGE, name, &t, e)) != 0)
		return rc;
	d = cJSON_CreateObject();
	for (i = 0; i < PAKE_LIM__N; i++) {
		if (!(mask & (1u << i)))
			continue;
		t.limit[i] = limit[i];
		if (limit[i] == -1)
			cJSON_AddStringToObject(d, names[i], "plan");
		else if (limit[i] == PAKE_UNLIMITED)
			cJSON_AddStringToObject(d, names[i], "unlimited");
		else
			cJSON_AddNumberToObject(d, names[i], (double)limit[i]);
	}
	if ((rc = pake_db_tenant_limits(c->db, t.id, t.limit, e)) == 0)
		pake_audit(c, t.id, "tenant_limits", d);
	else
		cJSON_Delete(d);
	if ((rc = finish(c, rc, e)) != 0)
		return rc;
	if (out) {
		*out = t;
		return count_notes(c, out, e);
	}
	return 0;
}

/* May the context give role?  super_admin only in the default tenant and
 * only by someone who manages tenants; no one grants more than they hold. */
static int
role_ok(pake_ctx *c, const pake_tenant *t, const char *role, pake_err *e)
{
	if (!pake_role_valid(role))
		return pake_fail(e, PAKE_EINVAL, "Unknown role", "role %s",
		    role);
	if (strcmp(role, "super_admin") == 0 && strcmp(t->name, "default") != 0)
		return pake_fail(e, PAKE_EINVAL, "super_admin exists only in the "
		    "default tenant", "role %s", role);
	if ((pake_role_perms(role) & ~c->perms) != 0)
		return pake_fail(e, PAKE_EFORBIDDEN, NULL,
		    "cannot grant %s", role);
	return 0;
}

int
pake_user_add(pake_ctx *c, const char *tenant, const char *username,
    const char *email, const char *role, const char *password,
    pake_user *out, pake_err *e)
{
	pake_tenant t;
	pake_user u;
	int64_t n;
	int rc;

	if (!pake_username_ok(username))
		return pake_fail(e, PAKE_EINVAL, "Invalid username",
		    "username must be 1-64 of [A-Za-z0-9._@-]");
	if (email && (strlen(email) > PAKE_EMAIL_LEN || !strchr(email, '@')))
		return pake_fail(e, PAKE_EINVAL, "Invalid email", "email");
	memset(&u, 0, sizeof u);
	/* The hash is slow on purpose: make it before taking the lock. */
	if ((rc = pake_password_check(password, username, e)) != 0 ||
	    (rc = pake_password_hash(password, u.pw_hash, e)) != 0)
		return rc;
	if ((rc = begin(c, PAKE_P_USERS_MANAGE, tenant, &t, e)) != 0)
		return rc;
	if ((rc = role_ok(c, &t, role, e)) != 0)
		return finish(c, rc, e);
	if ((rc = pake_db_user_count(c->db, t.id, &n, e)) != 0)
		return finish(c, rc, e);
	if (n >= pake_tenant_limit(&t, PAKE_LIM_USERS)) {
		pake_audit(c, t.id, "quota_hit", kv("limit", "users"));
		pake_db_commit(c->db, e);
		return pake_fail(e, PAKE_EQUOTA, "User limit of the plan "
		    "reached", "tenant %s", t.name);
	}
	u.tenant_id = t.id;
	pake_strlcpy(u.username, username, sizeof u.username);
	pake_strlcpy(u.email, email ? email : "", sizeof u.email);
	pake_strlcpy(u.role, role, sizeof u.role);
	u.active = 1;
	u.uid = -1;
	u.created_ms = pake_now_ms();
	if ((rc = pake_db_user_insert(c->db, &u, &u.id, e)) == 0) {
		cJSON *d = kv("username", username);
		cJSON_AddStringToObject(d, "role", role);
		pake_audit(c, t.id, "user_created", d);
	}
	if ((rc = finish(c, rc, e)) == 0 && out)
		*out = u;
	return rc;
}

/* Load a user of the target tenant inside a change. */
static int
begin_user(pake_ctx *c, const char *tenant, const char *username,
    pake_tenant *t, pake_user *u, pake_err *e)
{
	int rc;

	if ((rc = begin(c, PAKE_P_USERS_MANAGE, tenant, t, e)) != 0)
		return rc;
	if (!pake_username_ok(username) ||
	    pake_db_user_get(c->db, t->id, username, 0, u, e) != 0)
		return finish(c, pake_fail(e, PAKE_ENOTFOUND, MSG_USER_NF,
		    "user %s", username), e);
	/* A tenant admin cannot touch a user who holds more than they do. */
	if ((pake_role_perms(u->role) & ~c->perms) != 0)
		return finish(c, pake_fail(e, PAKE_EFORBIDDEN, NULL,
		    "user %s outranks", username), e);
	return 0;
}

int
pake_user_passwd(pake_ctx *c, const char *tenant, const char *username,
    const char *password, pake_err *e)
{
	char hash[sizeof ((pake_user *)0)->pw_hash];
	pake_tenant t;
	pake_user u;
	int rc;

	if ((rc = pake_password_check(password, username, e)) != 0 ||
	    (rc = pake_password_hash(password, hash, e)) != 0)
		return rc;
	if ((rc = begin_user(c, tenant, username, &t, &u, e)) != 0)
		return rc;
	pake_strlcpy(u.pw_hash, hash, sizeof u.pw_hash);
	/* A new password lifts a lockout of the name. */
	if ((rc = pake_db_login_clear(c->db, t.name, username, e)) == 0 &&
	    (rc = pake_db_user_save(c->db, &u, e)) == 0)
		pake_audit(c, t.id, "user_changed", kv("password", username));
	return finish(c, rc, e);
}

int
pake_user_set_role(pake_ctx *c, const char *tenant, const char *username,
    const char *role, pake_err *e)
{
	pake_tenant t;
	pake_user u;
	int rc;

	if ((rc = begin_user(c, tenant, username, &t, &u, e)) != 0)
		return rc;
	if ((rc = role_ok(c, &t, role, e)) != 0)
		return finish(c, rc, e);
	pake_strlcpy(u.role, role, sizeof u.role);
	if ((rc = pake_db_user_save(c->db, &u, e)) == 0) {
		cJSON *d = kv("username", username);
		cJSON_AddStringToObject(d, "role", role);
		pake_audit(c, t.id, "user_changed", d);
	}
	return finish(c, rc, e);
}

int
pake_user_set_active(pake_ctx *c, const char *tenant, const char *username,
    int active, pake_err *e)
{
	pake_tenant t;
	pake_user u;
	int64_t n = 0;
	int rc;

	if ((rc = begin_user(c, tenant, username, &t, &u, e)) != 0)
		return rc;
	/* Enabling counts against the plan like adding. */
	if (active && !u.active &&
	    (rc = pake_db_user_count(c->db, t.id, &n, e)) != 0)
		return finish(c, rc, e);
	if (active && !u.active && n >= pake_tenant_limit(&t, PAKE_LIM_USERS))
		return finish(c, pake_fail(e, PAKE_EQUOTA, "User limit of the "
		    "plan reached", "tenant %s", t.name), e);
	u.active = active;
	if ((rc = pake_db_user_save(c->db, &u, e)) == 0 && !active)
		rc = pake_db_token_revoke_user(c->db, u.id, pake_now_ms(), e);
	if (rc == 0)
		pake_audit(c, t.id, active ? "user_changed" : "user_disabled",
		    kv("username", username));
	return finish(c, rc, e);
}

int
pake_user_map_uid(pake_ctx *c, const char *tenant, const char *username,
    int64_t uid, pake_err *e)
{
	pake_tenant t;
	pake_user u;
	int rc;

	if (uid < -1 || uid > 4294967294LL)
		return pake_fail(e, PAKE_EINVAL, NULL, "uid out of range");
	if ((rc = begin_user(c, tenant, username, &t, &u, e)) != 0)
		return rc;
	u.uid = uid;
	if ((rc = pake_db_user_save(c->db, &u, e)) == 0)
		pake_audit(c, t.id, "user_changed", kv("uid_mapped", username));
	return finish(c, rc, e);
}

int
pake_user_list(pake_ctx *c, const char *tenant, pake_user_cb cb, void *arg,
    pake_err *e)
{
	pake_tenant t;
	int rc;

	if ((rc = pake_ctx_allow(c, PAKE_P_USERS_MANAGE, e)) != 0 ||
	    (rc = target(c, tenant, &t, e)) != 0)
		return rc;
	return pake_db_user_each(c->db, t.id, cb, arg, e);
}

int
pake_token_create(pake_ctx *c, const char *tenant, const char *username,
    uint32_t scopes, int64_t ttl_ms, const char *label,
    char out[PAKE_TOKEN_MAX], pake_token *tok, pake_err *e)
{
	pake_tenant t;
	pake_user u;
	pake_token k;
	char hash[65];
	uint32_t owner;
	int rc;

	out[0] = '\0';
	if (ttl_ms < 0 || (label && strlen(label) >= sizeof k.label))
		return pake_fail(e, PAKE_EINVAL, NULL, "ttl or label");
	if ((rc = begin(c, PAKE_P_USERS_MANAGE, tenant, &t, e)) != 0)
		return rc;
	memset(&k, 0, sizeof k);
	if (username) {
		if (!pake_username_ok(username) ||
		    pake_db_user_get(c->db, t.id, username, 0, &u, e) != 0 ||
		    !u.active)
			return finish(c, pake_fail(e, PAKE_ENOTFOUND,
			    MSG_USER_NF, "user %s", username), e);
		owner = pake_role_perms(u.role);
		k.user_id = u.id;
	} else
		owner = pake_role_perms("admin");
	if (strcmp(t.name, "default") != 0)
		owner &= ~PAKE_P_TENANTS_MANAGE;
	if (scopes == 0)
		scopes = owner;
	/* Scopes are a subset of the owner's role, and nobody hands out
	 * rights they do not hold themselves. */
	if ((scopes & ~owner) != 0 || (scopes & ~c->perms) != 0)
		return finish(c, pake_fail(e, PAKE_EFORBIDDEN, "Scopes exceed "
		    "the owner's permissions", "scopes 0x%x", scopes), e);
	k.tenant_id = t.id;
	k.created_by = c->user_id;	/* dies with its minter's access */
	pake_strlcpy(k.kind, "api", sizeof k.kind);
	k.scopes = scopes;
	pake_strlcpy(k.label, label ? label : "", sizeof k.label);
	k.created_ms = pake_now_ms();
	k.expires_ms = ttl_ms ? k.created_ms + ttl_ms : 0;
	if ((rc = pake_token_new(out, hash, e)) == 0 &&
	    (rc = pake_db_token_insert(c->db, &k, hash, &k.id, e)) == 0) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "token_id", (double)k.id);
		if (username)
			cJSON_AddStringToObject(d, "username", username);
		pake_audit(c, t.id, "token_created", d);
	}
	if ((rc = finish(c, rc, e)) != 0)
		out[0] = '\0';
	else if (tok)
		*tok = k;
	return rc;
}

int
pake_token_list(pake_ctx *c, const char *tenant, pake_token_cb cb, void *arg,
    pake_err *e)
{
	pake_tenant t;
	int rc;

	if ((rc = pake_ctx_allow(c, PAKE_P_USERS_MANAGE, e)) != 0 ||
	    (rc = target(c, tenant, &t, e)) != 0)
		return rc;
	return pake_db_token_each(c->db, t.id, cb, arg, e);
}

int
pake_token_revoke_id(pake_ctx *c, int64_t id, pake_err *e)
{
	pake_token k;
	int rc;

	if ((rc = pake_ctx_allow(c, PAKE_P_USERS_MANAGE, e)) != 0 ||
	    (rc = pake_db_begin(c->db, e)) != 0)
		return rc;
	if (pake_db_token_get(c->db, id, &k, e) != 0 ||
	    (k.tenant_id != c->tenant_id &&
	    !(c->perms & PAKE_P_TENANTS_MANAGE)))
		return finish(c, pake_fail(e, PAKE_ENOTFOUND, "Token not found",
		    "token %lld", (long long)id), e);
	rc = k.family[0] ? pake_db_token_revoke_family(c->db, k.family,
	    pake_now_ms(), e) : pake_db_token_revoke(c->db, id, pake_now_ms(),
	    e);
	if (rc == 0) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "token_id", (double)id);
		pake_audit(c, k.tenant_id, "token_revoked", d);
	}
	return finish(c, rc, e);
}

int
pake_audit_list(pake_ctx *c, const char *tenant, int64_t since_ms, int limit,
    pake_event_cb cb, void *arg, pake_err *e)
{
	pake_tenant t;
	int rc;

	if ((rc = pake_ctx_allow(c, PAKE_P_AUDIT_READ, e)) != 0)
		return rc;
	if (limit <= 0 || limit > 10000)
		limit = 1000;
	if (tenant && strcmp(tenant, "*") == 0) {
		if (!(c->perms & PAKE_P_TENANTS_MANAGE))
			return pake_fail(e, PAKE_EFORBIDDEN, NULL, "all tenants");
		return pake_db_event_each(c->db, 0, since_ms, limit, cb, arg, e);
	}
	if ((rc = target(c, tenant, &t, e)) != 0)
		return rc;
	return pake_db_event_each(c->db, t.id, since_ms, limit, cb, arg, e);
}
