/*
 * op_admin.c: the identity operations of the registry: tenants, users,
 * tokens, the activity log, and sessions (login, refresh, logout).
 * Secrets (passwords, tokens) come in through the input and go out once
 * in the result; they are never logged.
 */
#include <stdlib.h>
#include <string.h>
#include "pake/admin.h"
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/util.h"
#include <sodium.h>

#define S_TENANT "{\"type\":\"string\",\"minLength\":1,\"maxLength\":63}"
#define S_USER	"{\"type\":\"string\",\"minLength\":1,\"maxLength\":64}"
#define S_ROLE	"{\"enum\":[\"viewer\",\"user\",\"manager\",\"admin\"," \
		"\"super_admin\"]}"
#define S_PW	"{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024}"
#define S_TOKEN	"{\"type\":\"string\",\"minLength\":1,\"maxLength\":128}"
#define S_OBJ	"{\"type\":\"object\"}"
#define OBJ(props, req) "{\"type\":\"object\",\"additionalProperties\":false," \
	"\"required\":[" req "],\"properties\":{" props "}}"

static void
add_time(cJSON *o, const char *key, int64_t ms)
{
	char ts[32];

	if (ms <= 0) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	pake_iso8601(ms, ts);
	cJSON_AddStringToObject(o, key, ts);
}

static void
add_perms(cJSON *o, const char *key, uint32_t perms)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	uint32_t bit;

	for (bit = 1; bit && bit <= PAKE_P_ALL; bit <<= 1)
		if (perms & bit)
			cJSON_AddItemToArray(a, cJSON_CreateString(
			    pake_perm_name(bit)));
}

static cJSON *
tenant_json(const pake_tenant *t)
{
	static const char *const names[PAKE_LIM__N] = {"users", "notes",
	    "api_calls_per_day", "requests_per_minute"};
	cJSON *o = cJSON_CreateObject(), *l;
	int i;

	cJSON_AddStringToObject(o, "name", t->name);
	cJSON_AddStringToObject(o, "display_name", t->display);
	cJSON_AddStringToObject(o, "status", t->status);
	cJSON_AddStringToObject(o, "plan", t->plan);
	add_time(o, "created_at", t->created_ms);
	cJSON_AddNumberToObject(o, "notes", (double)t->notes);
	l = cJSON_AddObjectToObject(o, "limits");
	for (i = 0; i < PAKE_LIM__N; i++)
		if (pake_tenant_limit(t, i) == PAKE_UNLIMITED)
			cJSON_AddNullToObject(l, names[i]);	/* none */
		else
			cJSON_AddNumberToObject(l, names[i],
			    (double)pake_tenant_limit(t, i));
	return o;
}

static cJSON *
user_json(const pake_user *u)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)u->id);
	cJSON_AddStringToObject(o, "username", u->username);
	if (u->email[0])
		cJSON_AddStringToObject(o, "email", u->email);
	else
		cJSON_AddNullToObject(o, "email");
	cJSON_AddStringToObject(o, "role", u->role);
	cJSON_AddBoolToObject(o, "active", u->active);
	add_time(o, "created_at", u->created_ms);
	add_time(o, "last_login", u->last_login_ms);
	add_time(o, "locked_until", u->locked_until_ms > pake_now_ms() ?
	    u->locked_until_ms : 0);
	cJSON_AddNumberToObject(o, "failed_logins", u->failed_logins);
	if (u->uid >= 0)
		cJSON_AddNumberToObject(o, "uid", (double)u->uid);
	else
		cJSON_AddNullToObject(o, "uid");
	return o;
}

/* key: the id, or null for 0 (none). */
static void
add_id(cJSON *o, const char *key, int64_t id)
{
	if (id)
		cJSON_AddNumberToObject(o, key, (double)id);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *
token_json(const pake_token *t)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)t->id);
	cJSON_AddStringToObject(o, "kind", t->kind);
	add_id(o, "user_id", t->user_id);
	if (t->username[0])
		cJSON_AddStringToObject(o, "username", t->username);
	else
		cJSON_AddNullToObject(o, "username");	/* a service token */
	add_id(o, "created_by", t->created_by);
	add_perms(o, "scopes", t->scopes);
	cJSON_AddStringToObject(o, "label", t->label);
	add_time(o, "created_at", t->created_ms);
	add_time(o, "expires_at", t->expires_ms);
	add_time(o, "revoked_at", t->revoked_ms);
	add_time(o, "last_used_at", t->last_used_ms);
	return o;
}

/* Collect rows of any kind into an array via a JSON maker. */
struct collect {
	cJSON *arr;
	cJSON *(*make)(const void *);
};

static cJSON *
tenant_any(const void *p)
{
	return tenant_json(p);
}

static cJSON *
user_any(const void *p)
{
	return user_json(p);
}

static cJSON *
token_any(const void *p)
{
	return token_json(p);
}

static int
collect_tenant(void *arg, const pake_tenant *t)
{
	struct collect *k = arg;

	cJSON_AddItemToArray(k->arr, k->make(t));
	return 0;
}

static int
collect_user(void *arg, const pake_user *u)
{
	struct collect *k = arg;

	cJSON_AddItemToArray(k->arr, k->make(u));
	return 0;
}

static int
collect_token(void *arg, const pake_token *t)
{
	struct collect *k = arg;

	cJSON_AddItemToArray(k->arr, k->make(t));
	return 0;
}

static int
collect_event(void *arg, const pake_event *ev)
{
	struct collect *k = arg;
	cJSON *o = cJSON_CreateObject(), *d;

	cJSON_AddNumberToObject(o, "id", (double)ev->id);
	add_time(o, "time", ev->time_ms);
	cJSON_AddNumberToObject(o, "tenant_id", (double)ev->tenant_id);
	add_id(o, "user_id", ev->user_id);
	add_id(o, "token_id", ev->token_id);
	cJSON_AddStringToObject(o, "event", ev->event);
	d = ev->details ? cJSON_Parse(ev->details) : NULL;
	cJSON_AddItemToObject(o, "details", d ? d : cJSON_CreateObject());
	if (ev->peer)
		cJSON_AddStringToObject(o, "peer", ev->peer);
	else
		cJSON_AddNullToObject(o, "peer");
	cJSON_AddItemToArray(k->arr, o);
	return 0;
}

/* {key: arr, count}. */
static int
list_out(cJSON *arr, const char *key, cJSON **out)
{
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, key, arr);
	cJSON_AddNumberToObject(*out, "count", cJSON_GetArraySize(arr));
	return 0;
}

static int
ok_out(cJSON **out)
{
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "ok", 1);
	return 0;
}

static int
run_tenant_create(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	pake_tenant t;
	int rc;

	if ((rc = pake_tenant_create(c, pake_json_str(in, "name"),
	    pake_json_str(in, "display_name"), pake_json_str(in, "plan"), &t, e)) != 0)
		return rc;
	*out = tenant_json(&t);
	return 0;
}

static int
run_tenant_show(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	pake_tenant t;
	int rc;

	if ((rc = pake_tenant_show(c, pake_json_str(in, "name"), &t, e)) != 0)
		return rc;
	*out = tenant_json(&t);
	return 0;
}

static int
run_tenant_list(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	struct collect k = {cJSON_CreateArray(), tenant_any};
	int rc;

	if ((rc = pake_tenant_list(c, collect_tenant, &k, e)) != 0) {
		cJSON_Delete(k.arr);
		return rc;
	}
	return list_out(k.arr, "tenants", out);
}

/* One handler for suspend, resume and delete: the op's name says which. */
static int
tenant_status(pake_ctx *c, const cJSON *in, cJSON **out, const char *status,
    pake_err *e)
{
	int rc;

	if ((rc = pake_tenant_set_status(c, pake_json_str(in, "name"), status, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "name", pake_json_str(in, "name"));
	cJSON_AddStringToObject(*out, "status", status);
	return 0;
}

static int
run_tenant_suspend(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return tenant_status(c, in, out, "suspended", e);
}

static int
run_tenant_resume(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return tenant_status(c, in, out, "active", e);
}

static int
run_tenant_delete(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return tenant_status(c, in, out, "deleted", e);
}

/* Each limit of tenant_limits: a number, "plan" or "unlimited". */
static int
run_tenant_limits(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	static const char *const names[PAKE_LIM__N] = {"users", "notes",
	    "api_calls_per_day", "requests_per_minute"};
	int64_t limit[PAKE_LIM__N];
	const cJSON *v;
	unsigned mask = 0;
	pake_tenant t;
	int rc, i;

	for (i = 0; i < PAKE_LIM__N; i++) {
		limit[i] = -1;
		if ((v = cJSON_GetObjectItemCaseSensitive(in, names[i])) == NULL)
			continue;
		mask |= 1u << i;
		if (cJSON_IsNumber(v))
			limit[i] = (int64_t)v->valuedouble;
		else if (strcmp(v->valuestring, "unlimited") == 0)
			limit[i] = PAKE_UNLIMITED;
	}
	if (mask == 0)
		return pake_fail(e, PAKE_EINVAL, NULL, "input: no limit given");
	if ((rc = pake_tenant_set_limits(c, pake_json_str(in, "name"), limit, mask, &t,
	    e)) != 0)
		return rc;
	*out = tenant_json(&t);
	return 0;
}

#define TENANT_OUT "{\"type\":\"object\",\"properties\":{\"name\":" \
	"{\"type\":\"string\"},\"status\":{\"type\":\"string\"}}}"

const pake_op pake_op_tenant_create = {
	"tenant_create", "Create a tenant",
	"Create a tenant with its own notes, users, tokens and vault.",
	OBJ("\"name\":" S_TENANT ",\"display_name\":{\"type\":\"string\","
	"\"maxLength\":127},\"plan\":{\"enum\":[\"basic\",\"professional\","
	"\"enterprise\"]}", "\"name\""),
	TENANT_OUT, PAKE_P_TENANTS_MANAGE, 0, run_tenant_create, NULL,
};
const pake_op pake_op_tenant_show = {
	"tenant_show", "Show a tenant", "A tenant's plan, status and limits.",
	OBJ("\"name\":" S_TENANT, "\"name\""), TENANT_OUT,
	PAKE_P_TENANTS_MANAGE, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_tenant_show, NULL,
};
const pake_op pake_op_tenant_list = {
	"tenant_list", "List tenants", "Every tenant with its status and plan.",
	OBJ("", ""), S_OBJ, PAKE_P_TENANTS_MANAGE,
	PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_tenant_list, NULL,
};
const pake_op pake_op_tenant_suspend = {
	"tenant_suspend", "Suspend a tenant",
	"Refuse everything the tenant's users try until it is resumed.",
	OBJ("\"name\":" S_TENANT, "\"name\""), TENANT_OUT,
	PAKE_P_TENANTS_MANAGE, PAKE_OP_IDEMPOTENT, run_tenant_suspend, NULL,
};
const pake_op pake_op_tenant_resume = {
	"tenant_resume", "Resume a tenant", "Lift a suspension.",
	OBJ("\"name\":" S_TENANT, "\"name\""), TENANT_OUT,
	PAKE_P_TENANTS_MANAGE, PAKE_OP_IDEMPOTENT, run_tenant_resume, NULL,
};
#define S_LIMIT "{\"anyOf\":[{\"type\":\"integer\",\"minimum\":0," \
	"\"maximum\":1000000000000},{\"enum\":[\"plan\",\"unlimited\"]}]}"
const pake_op pake_op_tenant_limits = {
	"tenant_limits", "Set a tenant's limits",
	"Override a tenant's limits (users, notes, API calls a day, requests a "
	"minute per token): a number, \"unlimited\", or \"plan\" for the "
	"plan's figure again.",
	OBJ("\"name\":" S_TENANT ",\"users\":" S_LIMIT ",\"notes\":" S_LIMIT
	",\"api_calls_per_day\":" S_LIMIT ",\"requests_per_minute\":" S_LIMIT,
	"\"name\""), TENANT_OUT, PAKE_P_TENANTS_MANAGE, PAKE_OP_IDEMPOTENT,
	run_tenant_limits, NULL,
};
const pake_op pake_op_tenant_delete = {
	"tenant_delete", "Delete a tenant",
	"Mark a tenant deleted: its tokens stop working and it is no longer "
	"found; its data stays on disk.",
	OBJ("\"name\":" S_TENANT, "\"name\""), TENANT_OUT,
	PAKE_P_TENANTS_MANAGE, PAKE_OP_DESTRUCTIVE | PAKE_OP_IDEMPOTENT,
	run_tenant_delete, NULL,
};

static int
run_user_add(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	pake_user u;
	int rc;

	if ((rc = pake_user_add(c, pake_json_str(in, "tenant"), pake_json_str(in, "username"),
	    pake_json_str(in, "email"), pake_json_str(in, "role") ? pake_json_str(in, "role") : "user",
	    pake_json_str(in, "password"), &u, e)) != 0)
		return rc;
	*out = user_json(&u);
	return 0;
}

static int
run_user_list(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	struct collect k = {cJSON_CreateArray(), user_any};
	int rc;

	if ((rc = pake_user_list(c, pake_json_str(in, "tenant"), collect_user, &k,
	    e)) != 0) {
		cJSON_Delete(k.arr);
		return rc;
	}
	return list_out(k.arr, "users", out);
}

static int
run_user_passwd(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	int rc = pake_user_passwd(c, pake_json_str(in, "tenant"), pake_json_str(in, "username"),
	    pake_json_str(in, "password"), e);

	return rc ? rc : ok_out(out);
}

static int
run_user_role(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	int rc = pake_user_set_role(c, pake_json_str(in, "tenant"), pake_json_str(in, "username"),
	    pake_json_str(in, "role"), e);

	return rc ? rc : ok_out(out);
}

static int
run_user_disable(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	int rc = pake_user_set_active(c, pake_json_str(in, "tenant"), pake_json_str(in, "username"),
	    0, e);

	return rc ? rc : ok_out(out);
}

static int
run_user_enable(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	int rc = pake_user_set_active(c, pake_json_str(in, "tenant"), pake_json_str(in, "username"),
	    1, e);

	return rc ? rc : ok_out(out);
}

static int
run_user_map_uid(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *uid = cJSON_GetObjectItemCaseSensitive(in, "uid");
	int rc = pake_user_map_uid(c, pake_json_str(in, "tenant"), pake_json_str(in, "username"),
	    (int64_t)uid->valuedouble, e);

	return rc ? rc : ok_out(out);
}

#define U_T "\"tenant\":" S_TENANT ",\"username\":" S_USER
#define OK_OUT "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":" \
	"\"boolean\"}}}"

const pake_op pake_op_user_add = {
	"user_add", "Add a user",
	"Add a user to a tenant with a role and a password.",
	OBJ(U_T ",\"email\":{\"type\":\"string\",\"maxLength\":254},"
	"\"role\":" S_ROLE ",\"password\":" S_PW,
	"\"username\",\"password\""), S_OBJ, PAKE_P_USERS_MANAGE, 0,
	run_user_add, NULL,
};
const pake_op pake_op_user_list = {
	"user_list", "List users", "The users of a tenant.",
	OBJ("\"tenant\":" S_TENANT, ""), S_OBJ, PAKE_P_USERS_MANAGE,
	PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_user_list, NULL,
};
const pake_op pake_op_user_passwd = {
	"user_passwd", "Set a password", "Set a user's password; unlocks.",
	OBJ(U_T ",\"password\":" S_PW, "\"username\",\"password\""), OK_OUT,
	PAKE_P_USERS_MANAGE, PAKE_OP_IDEMPOTENT, run_user_passwd, NULL,
};
const pake_op pake_op_user_role = {
	"user_role", "Change a role", "Give a user another role.",
	OBJ(U_T ",\"role\":" S_ROLE, "\"username\",\"role\""), OK_OUT,
	PAKE_P_USERS_MANAGE, PAKE_OP_IDEMPOTENT, run_user_role, NULL,
};
const pake_op pake_op_user_disable = {
	"user_disable", "Disable a user",
	"Stop a user from logging in and revoke the user's tokens.",
	OBJ(U_T, "\"username\""), OK_OUT, PAKE_P_USERS_MANAGE,
	PAKE_OP_DESTRUCTIVE | PAKE_OP_IDEMPOTENT, run_user_disable, NULL,
};
const pake_op pake_op_user_enable = {
	"user_enable", "Enable a user", "Let a disabled user log in again.",
	OBJ(U_T, "\"username\""), OK_OUT, PAKE_P_USERS_MANAGE,
	PAKE_OP_IDEMPOTENT, run_user_enable, NULL,
};
const pake_op pake_op_user_map_uid = {
	"user_map_uid", "Map a UNIX uid",
	"Let the local UNIX user with this uid act as this pake user over "
	"the MCP socket (-1 removes the mapping).",
	OBJ(U_T ",\"uid\":{\"type\":\"integer\",\"minimum\":-1,"
	"\"maximum\":4294967294}", "\"username\",\"uid\""), OK_OUT,
	PAKE_P_USERS_MANAGE, PAKE_OP_IDEMPOTENT, run_user_map_uid, NULL,
};

static int
run_token_create(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(in, "scopes"), *it;
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(in, "expires_in");
	char text[PAKE_TOKEN_MAX];
	uint32_t scopes = 0, one;
	pake_token t;
	int rc;

	if (cJSON_IsString(sc) &&
	    (rc = pake_perms_parse(sc->valuestring, &scopes, e)) != 0)
		return rc;
	/* Scopes given but naming nothing: not "everything". */
	if (sc && scopes == 0 && !(cJSON_IsArray(sc) &&
	    cJSON_GetArraySize(sc) > 0))
		return pake_fail(e, PAKE_EINVAL, "No scopes given",
		    "scopes: empty");
	if (cJSON_IsArray(sc)) {
		cJSON_ArrayForEach(it, sc) {
			if ((rc = pake_perms_parse(it->valuestring, &one,
			    e)) != 0)
				return rc;
			scopes |= one;
		}
	}
	if ((rc = pake_token_create(c, pake_json_str(in, "tenant"), pake_json_str(in, "username"),
	    scopes, ex ? (int64_t)ex->valuedouble * 1000 : 0, pake_json_str(in, "label"),
	    text, &t, e)) != 0)
		return rc;
	*out = token_json(&t);
	cJSON_AddStringToObject(*out, "token", text);
	sodium_memzero(text, sizeof text);
	return 0;
}

static int
run_token_list(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	struct collect k = {cJSON_CreateArray(), token_any};
	int rc;

	if ((rc = pake_token_list(c, pake_json_str(in, "tenant"), collect_token, &k,
	    e)) != 0) {
		cJSON_Delete(k.arr);
		return rc;
	}
	return list_out(k.arr, "tokens", out);
}

static int
run_token_revoke(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(in, "id");
	int rc = pake_token_revoke_id(c, (int64_t)id->valuedouble, e);

	return rc ? rc : ok_out(out);
}

const pake_op pake_op_token_create = {
	"token_create", "Create an API token",
	"Create a token for a user (or the tenant itself) with some or all of "
	"its permissions; the token is shown once and stored only as a hash.",
	OBJ("\"tenant\":" S_TENANT ",\"username\":" S_USER ","
	"\"scopes\":{\"anyOf\":[{\"type\":\"string\",\"maxLength\":512},"
	"{\"type\":\"array\",\"maxItems\":16,\"items\":{\"type\":\"string\","
	"\"maxLength\":32}}]},\"expires_in\":{\"type\":\"integer\","
	"\"minimum\":1,\"maximum\":315360000,\"description\":\"seconds\"},"
	"\"label\":{\"type\":\"string\",\"maxLength\":63}", ""), S_OBJ,
	PAKE_P_USERS_MANAGE, 0, run_token_create, NULL,
};
const pake_op pake_op_token_list = {
	"token_list", "List tokens",
	"A tenant's tokens: kind, owner, scopes, expiry, last use (never the "
	"token itself).",
	OBJ("\"tenant\":" S_TENANT, ""), S_OBJ, PAKE_P_USERS_MANAGE,
	PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_token_list, NULL,
};
const pake_op pake_op_token_revoke = {
	"token_revoke", "Revoke a token",
	"Revoke a token (and the rest of its login session).",
	OBJ("\"id\":{\"type\":\"integer\",\"minimum\":1}", "\"id\""), OK_OUT,
	PAKE_P_USERS_MANAGE, PAKE_OP_DESTRUCTIVE | PAKE_OP_IDEMPOTENT,
	run_token_revoke, NULL,
};

static int
run_audit(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *lim = cJSON_GetObjectItemCaseSensitive(in, "limit");
	struct collect k = {cJSON_CreateArray(), NULL};
	const char *since = pake_json_str(in, "since");
	int64_t since_ms = 0;
	int rc;

	if (since && pake_parse_time(since, &since_ms) != 0) {
		cJSON_Delete(k.arr);
		return pake_fail(e, PAKE_EINVAL, NULL, "since: not an ISO 8601 "
		    "time");
	}
	if ((rc = pake_audit_list(c, pake_json_str(in, "tenant"), since_ms,
	    lim ? (int)lim->valuedouble : 1000, collect_event, &k, e)) != 0) {
		cJSON_Delete(k.arr);
		return rc;
	}
	return list_out(k.arr, "events", out);
}

const pake_op pake_op_audit_list = {
	"audit_list", "Read the activity log",
	"Logins, token and user changes, tenant changes and quota hits, "
	"oldest first.",
	OBJ("\"tenant\":{\"type\":\"string\",\"maxLength\":63},"
	"\"since\":{\"type\":\"string\",\"maxLength\":40},"
	"\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10000}", ""),
	S_OBJ, PAKE_P_AUDIT_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_audit, NULL,
};

static int
session_out(pake_session *s, cJSON **out)
{
	char ts[32];

	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "access_token", s->access);
	cJSON_AddStringToObject(*out, "refresh_token", s->refresh);
	cJSON_AddStringToObject(*out, "token_type", "Bearer");
	cJSON_AddNumberToObject(*out, "expires_in",
	    (double)(PAKE_ACCESS_TTL_MS / 1000));
	pake_iso8601(s->refresh_expires_ms, ts);
	cJSON_AddStringToObject(*out, "refresh_expires_at", ts);
	cJSON_AddStringToObject(*out, "role", s->role);
	sodium_memzero(s, sizeof *s);
	return 0;
}

static int
run_login(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	pake_session s;
	int rc;

	if ((rc = pake_auth_login(c, pake_json_str(in, "tenant") ? pake_json_str(in, "tenant") :
	    "default", pake_json_str(in, "username"), pake_json_str(in, "password"), &s, e)) != 0)
		return rc;
	return session_out(&s, out);
}

static int
run_refresh(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	pake_session s;
	int rc;

	if ((rc = pake_auth_refresh(c, pake_json_str(in, "refresh_token"), &s, e)) != 0)
		return rc;
	return session_out(&s, out);
}

static int
run_logout(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	int rc = pake_auth_logout(c, pake_json_str(in, "token"), e);

	return rc ? rc : ok_out(out);
}

/* Who the caller is: the tenant, the user (or the local owner, or a
 * tenant's service token), the role and the permissions it acts with, so
 * a front can show only what the caller may do. */
static int
run_me(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	pake_user u;
	pake_buf b = {0};
	cJSON *perms;
	const char *p, *q;
	char name[32];

	(void)in;
	memset(&u, 0, sizeof u);
	if (c->user_id > 0 && pake_db_user_get(c->db, c->tenant_id, NULL,
	    c->user_id, &u, e) != 0)
		return e->code;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "tenant", c->tenant);
	if (c->user_id > 0) {
		cJSON_AddStringToObject(*out, "username", u.username);
		cJSON_AddStringToObject(*out, "role", u.role);
	} else {
		cJSON_AddNullToObject(*out, "username");
		cJSON_AddStringToObject(*out, "role", c->token_id ? "service" :
		    "owner");
	}
	perms = cJSON_AddArrayToObject(*out, "permissions");
	pake_perms_format(c->perms, &b);
	for (p = b.p; p && *p; p = *q ? q + 1 : q) {
		q = strchr(p, ',');
		if (q == NULL)
			q = p + strlen(p);
		snprintf(name, sizeof name, "%.*s", (int)(q - p), p);
		cJSON_AddItemToArray(perms, cJSON_CreateString(name));
	}
	pake_buf_free(&b);
	return 0;
}

#define SESSION_OUT "{\"type\":\"object\",\"properties\":{" \
	"\"access_token\":{\"type\":\"string\"},\"refresh_token\":{\"type\":" \
	"\"string\"},\"token_type\":{\"type\":\"string\"},\"expires_in\":" \
	"{\"type\":\"integer\"}}}"

const pake_op pake_op_auth_login = {
	"auth_login", "Log in",
	"Exchange a tenant, username and password for an access token (30 "
	"minutes) and a refresh token (30 days).",
	OBJ("\"tenant\":" S_TENANT ",\"username\":" S_USER ",\"password\":"
	S_PW, "\"username\",\"password\""), SESSION_OUT, 0, 0, run_login, NULL,
};
const pake_op pake_op_auth_refresh = {
	"auth_refresh", "Refresh a session",
	"Exchange a refresh token for a new pair; the old one stops working, "
	"and using it again revokes the whole session.",
	OBJ("\"refresh_token\":" S_TOKEN, "\"refresh_token\""), SESSION_OUT,
	0, 0, run_refresh, NULL,
};
const pake_op pake_op_auth_logout = {
	"auth_logout", "Log out", "Revoke a token and the rest of its session.",
	OBJ("\"token\":" S_TOKEN, "\"token\""), OK_OUT, 0, PAKE_OP_IDEMPOTENT,
	run_logout, NULL,
};
const pake_op pake_op_auth_me = {
	"auth_me", "Who am I",
	"The tenant, user, role and permissions the caller acts with.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"tenant\",\"role\","
	"\"permissions\"],\"properties\":{\"tenant\":{\"type\":"
	"\"string\"},\"username\":{\"type\":[\"string\",\"null\"]},"
	"\"role\":{\"type\":\"string\"},\"permissions\":{\"type\":"
	"\"array\",\"items\":{\"type\":\"string\"}}}}",
	0, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_me, NULL,
};
