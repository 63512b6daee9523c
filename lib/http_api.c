/*
 * http_api.c: the routes of the JSON API.  Each route turns the request
 * (path parameters, query string, JSON body) into the input of one
 * registry operation and its result into the response; nothing here
 * knows SQL or notes.  The table at the end is the whole API.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/auth.h"
#include "pake/counters.h"
#include "pake/http_int.h"
#include "pake/maint.h"
#include "pake/mcp.h"
#include "pake/op.h"


/* Query parameters any route may repeat (the others: once at most). */
#define Q_REPEATABLE " tag "

/* The request body as a JSON object (an empty body is {}); on failure the
 * answer is set and NULL returned. */
static cJSON *
body_json(http_api *a)
{
	http_req *r = a->r;
	const char *ct = http_header(r, "Content-Type");
	const char *end = NULL;
	cJSON *v;

	if (r->body.len == 0)
		return cJSON_CreateObject();
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
		http_fail(r, PAKE_EINVAL, "Content-Type must be application/json",
		    a->log);
		r->status = 415;
		return NULL;
	}
	/* A NUL, raw or escaped, is how a title hides a path from C
	 * strings (ARCHITECTURE.md §7): refused as such, never silently cut short. */
	if (memchr(r->body.p, '\0', r->body.len) ||
	    pake_json_has_nul(r->body.p, r->body.len)) {
		http_fail(r, PAKE_ESECURITY, NULL, a->log);
		return NULL;
	}
	if (!pake_utf8_valid(r->body.p, r->body.len)) {
		http_fail(r, PAKE_EINVAL, "The body is not valid UTF-8", a->log);
		return NULL;
	}
	if (pake_json_depth(r->body.p, r->body.len) >
	    pake_config_num(a->cfg, PAKE_CFG_HTTP_MAX_DEPTH)) {
		http_fail(r, PAKE_EINVAL, "JSON nested too deeply", a->log);
		return NULL;
	}
	v = cJSON_ParseWithLengthOpts(r->body.p, r->body.len, &end, 0);
	/* One object and nothing after it but white space. */
	if (v != NULL)
		for (; end < r->body.p + r->body.len; end++)
			if (!strchr(" \t\r\n", *end)) {
				cJSON_Delete(v);
				v = NULL;
				break;
			}
	if (v == NULL || !cJSON_IsObject(v)) {
		cJSON_Delete(v);
		http_fail(r, PAKE_EINVAL, "The body is not a JSON object", a->log);
		return NULL;
	}
	return v;
}

/* A note's entity-tag is its version, strong: "7" (RFC 9110 8.8.3). */
static void
etag_of(const cJSON *out, char t[32])
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(out, "version");

	t[0] = '\0';
	if (cJSON_IsNumber(v) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(out,
	    "pake_id")))
		snprintf(t, 32, "\"%.0f\"", v->valuedouble);
}

/* The version a strong entity-tag of ours names ("7"), else 0. */
static int64_t
etag_version(const char *t, size_t n)
{
	int64_t v = 0;
	size_t i;

	if (n < 3 || n > 15 || t[0] != '"' || t[n - 1] != '"' || t[1] == '0')
		return 0;
	for (i = 1; i < n - 1; i++) {
		if (t[i] < '0' || t[i] > '9')
			return 0;
		v = v * 10 + (t[i] - '0');
	}
	return v;
}

/* If-Match of a change: the version the client read becomes the
 * operation's expected_version ("*": any).  A tag that is not one of ours
 * cannot match: 412 at once.  -1 when the answer is set. */
static int
if_match(http_api *a, cJSON *in)
{
	const char *h = http_header(a->r, "If-Match");
	pake_err e = {0};
	int64_t v;

	if (h == NULL || strcmp(h, "*") == 0)
		return 0;
	if ((v = etag_version(h, strlen(h))) <= 0) {
		pake_fail(&e, PAKE_EPRECOND, NULL, "If-Match: not a version of "
		    "this note");
		http_error(a->r, &e, a->log);
		return -1;
	}
	cJSON_DeleteItemFromObject(in, "expected_version");
	cJSON_AddNumberToObject(in, "expected_version", (double)v);
	return 0;
}

/* Run op on in (consumed) and answer with its result or error; a note
 * answer carries its ETag. */
static void
call(http_api *a, const char *op, cJSON *in, int created)
{
	pake_err e = {0};
	char tag[32];
	cJSON *out;

	if (pake_op_call(a->c, op, in, &out, &e) != 0) {
		cJSON_Delete(in);
		http_error(a->r, &e, a->log);
		return;
	}
	cJSON_Delete(in);
	etag_of(out, tag);
	if (tag[0])
		http_add_header(a->r, "ETag", tag);
	http_json(a->r, created ? 201 : 200, out);
}

/* Generic: body fields plus path parameters named by the pattern. */
static void
r_op(http_api *a, const http_route *rt)
{
	cJSON *in = rt->json_body ? body_json(a) : cJSON_CreateObject();
	const char *p = rt->pattern, *name;
	int k = 0;

	if (in == NULL)
		return;
	/* Changes of a note honour If-Match; a create, Idempotency-Key. */
	if ((strcmp(a->r->method, "PATCH") == 0 || strcmp(a->r->method,
	    "DELETE") == 0 || strcmp(rt->op, "note_restore") == 0) &&
	    strstr(rt->pattern, "{pake_id}") && if_match(a, in) != 0) {
		cJSON_Delete(in);
		return;
	}
	if (strcmp(rt->op, "create_note") == 0 &&
	    (name = http_header(a->r, "Idempotency-Key")) != NULL) {
		cJSON_DeleteItemFromObject(in, "idempotency_key");
		cJSON_AddStringToObject(in, "idempotency_key", name);
	}
	while ((name = strchr(p, '{')) != NULL && k < HTTP_MAX_PARAMS) {
		char key[32];
		size_t n = strcspn(name + 1, "}");
		snprintf(key, sizeof key, "%.*s", (int)n, name + 1);
		cJSON_DeleteItemFromObject(in, key);
		if (strcmp(key, "id") == 0 && strcmp(rt->op, "token_revoke") == 0)
			cJSON_AddNumberToObject(in, key, atof(a->r->param[k]));
		else
			cJSON_AddStringToObject(in, key, a->r->param[k]);
		k++;
		p = name + n + 1;
	}
	call(a, rt->op, in, rt->created);
}

/* A query value as a JSON number when it is all one, else as text: the
 * operation's schema then says "wrong type", as it does for a body. */
static void
number_or_text(cJSON *o, const char *key, const char *v)
{
	char *end;
	double d = strtod(v, &end);

	if (*v && *end == '\0' && !isspace((unsigned char)*v))
		cJSON_AddNumberToObject(o, key, d);
	else
		cJSON_AddStringToObject(o, key, v);
}

static const char *
query(http_api *a, const char *key)
{
	return http_arg(a->r, key);
}

/* Generic for routes with a query string: path parameters as r_op adds
 * them, then each query parameter the route declares (check_query has
 * refused the others and repeats), as text where the operation's schema
 * wants a string, else as a number when it is all one (number_or_text). */
static void
r_opq(http_api *a, const http_route *rt)
{
	const pake_op *op = pake_op_find(rt->op);
	cJSON *in = rt->json_body ? body_json(a) : cJSON_CreateObject();
	cJSON *schema, *props;
	const char *p = rt->pattern, *name;
	size_t i;
	int k = 0;

	if (in == NULL)
		return;
	while ((name = strchr(p, '{')) != NULL && k < HTTP_MAX_PARAMS) {
		char key[32];
		size_t n = strcspn(name + 1, "}");

		snprintf(key, sizeof key, "%.*s", (int)n, name + 1);
		cJSON_DeleteItemFromObject(in, key);
		cJSON_AddStringToObject(in, key, a->r->param[k++]);
		p = name + n + 1;
	}
	schema = op ? cJSON_Parse(op->input_schema) : NULL;
	props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
	for (i = 0; i < a->r->narg; i++) {
		const char *key = a->r->arg[i].name, *v = a->r->arg[i].value;
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(props, key), "type");

		if (cJSON_GetObjectItemCaseSensitive(in, key) != NULL)
			continue;	/* a path parameter's name */
		if (cJSON_IsString(t) && strcmp(t->valuestring, "string") == 0)
			cJSON_AddStringToObject(in, key, v);
		else
			number_or_text(in, key, v);
	}
	cJSON_Delete(schema);
	call(a, rt->op, in, rt->created);
}

/* POST /quick: the search with the quick defaults. */
static void
r_quick(http_api *a, const http_route *rt)
{
	cJSON *in = body_json(a);

	if (in == NULL)
		return;
	if (!cJSON_GetObjectItemCaseSensitive(in, "quick"))
		cJSON_AddBoolToObject(in, "quick", 1);
	call(a, rt->op, in, 0);
}

/* GET /notes: a page of notes, or a search when q= or a filter is given. */

static void
r_notes_get(http_api *a, const http_route *rt)
{
	static const char *const filters[][2] = {
		{"type", "pake_type"}, {"status", "status"},
		{"created_after", "created_after"},
		{"created_before", "created_before"},
		{"modified_after", "modified_after"},
		{"modified_before", "modified_before"},
	};
	cJSON *in = cJSON_CreateObject(), *f = cJSON_CreateObject();
	cJSON *tags = cJSON_CreateArray();
	const char *v;
	size_t i;
	int search = 0;

	for (i = 0; i < sizeof filters / sizeof filters[0]; i++)
		if ((v = query(a, filters[i][0])) != NULL) {
			cJSON_AddStringToObject(f, filters[i][1], v);
			search = 1;
		}
	if ((v = query(a, "min_confidence")) != NULL) {
		number_or_text(f, "min_confidence", v);
		search = 1;
	}
	for (i = 0; i < a->r->narg; i++)
		if (strcmp(a->r->arg[i].name, "tag") == 0 &&
		    cJSON_GetArraySize(tags) < 64)
			cJSON_AddItemToArray(tags,
			    cJSON_CreateString(a->r->arg[i].value));
	if (cJSON_GetArraySize(tags)) {
		cJSON_AddItemToObject(f, "tags_all", tags);
		search = 1;
	} else
		cJSON_Delete(tags);
	if ((v = query(a, "q")) != NULL) {
		cJSON_AddStringToObject(in, "query", v);
		search = 1;
	}
	if ((v = query(a, "limit")) != NULL)
		number_or_text(in, "limit", v);
	if ((v = query(a, "cursor")) != NULL)
		cJSON_AddStringToObject(in, "cursor", v);
	if (search && cJSON_GetArraySize(f))
		cJSON_AddItemToObject(in, "filters", f);
	else
		cJSON_Delete(f);
	(void)rt;
	call(a, search ? "search_notes" : "list_notes", in, 0);
}

/* GET /notes/{id}: JSON, or the markdown file when Accept asks for it. */
static void
r_note_get(http_api *a, const http_route *rt)
{
	const char *acc = http_header(a->r, "Accept");
	int md = acc && strstr(acc, "text/markdown") != NULL;
	cJSON *in = cJSON_CreateObject(), *out;
	const char *inm;
	pake_err e = {0};
	char *text, tag[32];

	cJSON_AddStringToObject(in, "pake_id", a->r->param[0]);
	if (md)
		cJSON_AddStringToObject(in, "format", "markdown");
	if (pake_op_call(a->c, rt->op, in, &out, &e) != 0) {
		cJSON_Delete(in);
		http_error(a->r, &e, a->log);
		return;
	}
	cJSON_Delete(in);
	(void)rt;
	etag_of(out, tag);
	if (tag[0])
		http_add_header(a->r, "ETag", tag);
	if (tag[0] && (inm = http_header(a->r, "If-None-Match")) != NULL &&
	    http_none_match(inm, tag)) {
		cJSON_Delete(out);
		http_text(a->r, 304, "application/json", strdup(""), 0);
		return;
	}
	if (!md) {
		http_json(a->r, 200, out);
		return;
	}
	text = strdup(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out,
	    "markdown")));
	cJSON_Delete(out);
	if (text)
		http_text(a->r, 200, "text/markdown; charset=utf-8", text,
		    strlen(text));
}

/* GET /notes/{pake_id}/html: the body as HTML for a browser (get_note's
 * format html: raw HTML and unsafe links left out), {pake_id, version,
 * html}. */
static void
r_note_html(http_api *a, const http_route *rt)
{
	cJSON *in = cJSON_CreateObject(), *out, *o;
	pake_err e = {0};

	cJSON_AddStringToObject(in, "pake_id", a->r->param[0]);
	cJSON_AddStringToObject(in, "format", "html");
	if (pake_op_call(a->c, rt->op, in, &out, &e) != 0) {
		cJSON_Delete(in);
		http_error(a->r, &e, a->log);
		return;
	}
	cJSON_Delete(in);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "pake_id", cJSON_DetachItemFromObjectCaseSensitive(
	    out, "pake_id"));
	cJSON_AddItemToObject(o, "version", cJSON_DetachItemFromObjectCaseSensitive(
	    out, "version"));
	cJSON_AddItemToObject(o, "html", cJSON_DetachItemFromObjectCaseSensitive(
	    out, "html"));
	cJSON_Delete(out);
	http_json(a->r, 200, o);
}

/* GET /notes/{pake_id}/versions/{version}: that state of the note. */
static void
r_version_get(http_api *a, const http_route *rt)
{
	cJSON *in = cJSON_CreateObject();

	cJSON_AddStringToObject(in, "pake_id", a->r->param[0]);
	number_or_text(in, "version", a->r->param[1]);
	call(a, rt->op, in, 0);
}

/* GET /notes/{pake_id}/diff?from=N&to=M */
static void
r_diff(http_api *a, const http_route *rt)
{
	cJSON *in = cJSON_CreateObject();
	const char *v;

	cJSON_AddStringToObject(in, "pake_id", a->r->param[0]);
	if ((v = http_arg(a->r, "from")) != NULL)
		number_or_text(in, "from", v);
	if ((v = http_arg(a->r, "to")) != NULL)
		number_or_text(in, "to", v);
	call(a, rt->op, in, 0);
}

static void
r_root(http_api *a, const http_route *rt)
{
	cJSON *o = cJSON_CreateObject(), *l;

	cJSON_AddStringToObject(o, "name", "pake");
	cJSON_AddStringToObject(o, "version", PAKE_VERSION);
	l = cJSON_AddObjectToObject(o, "links");
	cJSON_AddStringToObject(l, "health", "/health");
	cJSON_AddStringToObject(l, "metrics", "/metrics");
	cJSON_AddStringToObject(l, "notes", "/notes");
	cJSON_AddStringToObject(l, "tags", "/tags");
	cJSON_AddStringToObject(l, "search", "/search");
	cJSON_AddStringToObject(l, "login", "/api/v1/auth/login");
	cJSON_AddStringToObject(l, "mcp", "/mcp");
	(void)rt;
	http_json(a->r, 200, o);
}

/* GET /health: the cheap checks; 503 when one fails. */
static void
r_health(http_api *a, const http_route *rt)
{
	pake_err e = {0};
	cJSON *out, *st;

	(void)rt;
	if (pake_op_find("health") == NULL) {
		/* Until the health operation exists: the database answers. */
		out = cJSON_CreateObject();
		cJSON_AddStringToObject(out, "status", "ok");
		http_json(a->r, 200, out);
		return;
	}
	if (pake_op_call(a->c, "health", NULL, &out, &e) != 0) {
		http_error(a->r, &e, a->log);
		a->r->status = 503;
		return;
	}
	st = cJSON_GetObjectItemCaseSensitive(out, "status");
	http_json(a->r, cJSON_IsString(st) && strcmp(st->valuestring, "ok") == 0 ?
	    200 : 503, out);
}

/*
 * Prometheus text from the counters file (counters.h) and the files'
 * sizes (maint.h).  Label values are escaped as the exposition format
 * requires; they come from a bounded set anyway (route templates, known
 * methods or "other", statuses), never from a tenant or a client's text.
 */
struct prom {
	pake_buf b;
};


/* A label value: backslash, double quote and newline escaped. */
static void
prom_label(pake_buf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			pake_buf_putc(b, '\\');
		if (*v == '\n')
			pake_buf_puts(b, "\\n");
		else
			pake_buf_putc(b, *v);
	}
}

static int
prom_req(void *arg, const char *route, const char *method, int status,
    uint64_t count)
{
	struct prom *p = arg;

	pake_buf_puts(&p->b, "pake_http_requests_total{route=\"");
	prom_label(&p->b, route);
	pake_buf_puts(&p->b, "\",method=\"");
	prom_label(&p->b, method);
	pake_buf_printf(&p->b, "\",status=\"%d\"} %llu\n", status,
	    (unsigned long long)count);
	return 0;
}

static int
prom_lat(void *arg, const char *route,
    const uint64_t bucket[PAKE_COUNTERS_BUCKETS], uint64_t sum_us)
{
	struct prom *p = arg;
	uint64_t cum = 0;
	int i;

	for (i = 0; i < PAKE_COUNTERS_BUCKETS; i++) {
		cum += bucket[i];
		pake_buf_puts(&p->b, "pake_http_request_duration_seconds_bucket"
		    "{route=\"");
		prom_label(&p->b, route);
		if (i < PAKE_COUNTERS_BUCKETS - 1)
			pake_buf_printf(&p->b, "\",le=\"%g\"} %llu\n",
			    pake_counters_bucket_ms[i] / 1000,
			    (unsigned long long)cum);
		else
			pake_buf_printf(&p->b, "\",le=\"+Inf\"} %llu\n",
			    (unsigned long long)cum);
	}
	pake_buf_puts(&p->b, "pake_http_request_duration_seconds_sum{route=\"");
	prom_label(&p->b, route);
	pake_buf_printf(&p->b, "\"} %.6f\n", (double)sum_us / 1e6);
	pake_buf_puts(&p->b, "pake_http_request_duration_seconds_count"
	    "{route=\"");
	prom_label(&p->b, route);
	pake_buf_printf(&p->b, "\"} %llu\n", (unsigned long long)cum);
	return 0;
}

static void
r_metrics(http_api *a, const http_route *rt)
{
	struct prom p = {{0}};
	pake_maint_stats st;
	pake_counters *k;
	pake_err e = {0};

	(void)rt;
	if ((k = pake_ctx_counters(a->c, &e)) == NULL)
		goto fail;
	pake_buf_puts(&p.b, "# HELP pake_http_requests_total HTTP requests "
	    "by route pattern, method and status.\n"
	    "# TYPE pake_http_requests_total counter\n");
	pake_counters_http_each(k, prom_req, NULL, &p);
	pake_buf_puts(&p.b, "# HELP pake_http_request_duration_seconds Time "
	    "to answer a request.\n"
	    "# TYPE pake_http_request_duration_seconds histogram\n");
	pake_counters_http_each(k, NULL, prom_lat, &p);
	if (pake_maint_stats_get(a->c, &st, &e) != 0)
		goto fail;
	pake_buf_printf(&p.b, "# HELP pake_notes Notes stored, all tenants.\n"
	    "# TYPE pake_notes gauge\npake_notes %lld\n"
	    "# HELP pake_tenants Tenants.\n# TYPE pake_tenants gauge\n"
	    "pake_tenants %lld\n"
	    "# HELP pake_database_bytes Size of the database files (control "
	    "and stores).\n"
	    "# TYPE pake_database_bytes gauge\npake_database_bytes %lld\n"
	    "# HELP pake_wal_bytes Size of the write-ahead logs.\n"
	    "# TYPE pake_wal_bytes gauge\npake_wal_bytes %lld\n"
	    "# HELP pake_vault_pending Changes not yet mirrored to a vault.\n"
	    "# TYPE pake_vault_pending gauge\npake_vault_pending %lld\n",
	    (long long)st.notes, (long long)st.tenants, (long long)st.bytes,
	    (long long)st.wal_bytes, (long long)st.pending);
	pake_maint_stats_free(&st);
	if (p.b.oom)
		goto fail;
	http_text(a->r, 200, "text/plain; version=0.0.4; charset=utf-8", p.b.p,
	    p.b.len);
	return;
fail:
	pake_buf_free(&p.b);
	http_error(a->r, &e, a->log);
}

/* 1 when the Origin o is exactly scheme://host[:port] with the host the
 * machine itself.  The host is compared whole: a prefix would let
 * http://localhost.attacker.example or http://127.0.0.1.nip.io through,
 * names an attacker's DNS can point at this machine (DNS rebinding). */
static int
origin_local(const char *o)
{
	static const char *const hosts[] = {"localhost", "127.0.0.1",
	    "[::1]"};
	const char *p;
	size_t i, n = 0;

	if (strncmp(o, "http://", 7) == 0)
		p = o + 7;
	else if (strncmp(o, "https://", 8) == 0)
		p = o + 8;
	else
		return 0;
	for (i = 0; i < sizeof hosts / sizeof *hosts; i++) {
		n = strlen(hosts[i]);
		if (strncasecmp(p, hosts[i], n) == 0 &&
		    (p[n] == '\0' || p[n] == ':'))
			break;
	}
	if (i == sizeof hosts / sizeof *hosts)
		return 0;
	p += n;
	if (*p == '\0')
		return 1;
	n = strspn(++p, "0123456789");
	return n >= 1 && n <= 5 && p[n] == '\0';
}

/* Is this Origin one we accept for /mcp?  None (not a browser), the
 * machine itself, or one of http.cors_origins, each compared whole. */
static int
origin_ok(http_api *a)
{
	const char *o = http_header(a->r, "Origin");
	const char *allowed = pake_config_str(a->cfg, PAKE_CFG_HTTP_CORS), *p;
	size_t n, len;

	if (o == NULL || origin_local(o))
		return 1;
	n = strlen(o);
	for (p = allowed ? allowed : ""; *p; p += len) {
		p += strspn(p, ", ");
		len = strcspn(p, ", ");
		if (len == n && strncmp(p, o, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * POST /mcp: MCP over Streamable HTTP, stateless, JSON responses, through
 * the same dispatcher as pake-mcp.  Without sessions every request stands
 * alone: a legacy-era request after initialize is served as if the
 * handshake had happened on this request, at the version named by the
 * MCP-Protocol-Version header (2025-11-25 when absent); modern requests
 * carry their version in _meta anyway.  The dispatcher checks the headers
 * that mirror the body and chooses the status (2026-07-28: 400 and 404
 * with a JSON-RPC error).  A notification or response gets 202 and no body.
 */
static void
r_mcp(http_api *a, const http_route *rt)
{
	const char *pv = http_header(a->r, "MCP-Protocol-Version");
	const char *ct = http_header(a->r, "Content-Type");
	pake_buf reply = {0};
	pake_mcp_opts o;
	pake_mcp m;

	(void)rt;
	if (!origin_ok(a)) {
		http_fail(a->r, PAKE_EFORBIDDEN, "Origin not allowed", a->log);
		return;
	}
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0) {
		http_fail(a->r, PAKE_EINVAL, "Content-Type must be "
		    "application/json", a->log);
		a->r->status = 415;
		return;
	}
	memset(&o, 0, sizeof o);
	o.stateless = 1;
	o.protocol = pv && strcmp(pv, PAKE_MCP_MODERN) != 0 &&
	    strlen(pv) < sizeof m.protocol ? pv : NULL;
	o.max_depth = (int)pake_config_num(a->cfg, PAKE_CFG_HTTP_MAX_DEPTH);
	o.http = 1;
	o.hdr_version = pv;
	o.hdr_method = http_header(a->r, "Mcp-Method");
	o.hdr_name = http_header(a->r, "Mcp-Name");
	pake_mcp_init(&m, a->c, &o);
	if (pake_mcp_handle(&m, a->r->body.p ? a->r->body.p : "",
	    a->r->body.len, &reply) != 0 && reply.len == 0) {
		pake_buf_free(&reply);
		http_fail(a->r, PAKE_EINTERNAL, NULL, a->log);
		return;
	}
	if (reply.len == 0) {
		pake_buf_free(&reply);
		http_text(a->r, 202, "application/json", strdup(""), 0);
		return;
	}
	http_text(a->r, pake_mcp_http_status(&m), "application/json", reply.p,
	    reply.len);
}

static void r_openapi(http_api *a, const http_route *rt);

/* GET /docs, /docs.js, /docs.css: the document in a browser
 * (http_docs.c). */
static void
r_docs(http_api *a, const http_route *rt)
{
	const char *dot = strrchr(rt->pattern, '.');

	http_docs(a->r, dot ? dot + 1 : "html");
}

/* GET /dashboard (and the Python paths /dashboard/realtime, /advanced,
 * /obsidian: the same page, whose script opens the matching view) and
 * /dashboard/assets/{file}: the web dashboard (http_dash.c). */
static void
r_dash(http_api *a, const http_route *rt)
{
	http_dash(a->r, strstr(rt->pattern, "{file}") ? a->r->param[0] : NULL);
}

/* The API.  Order matters only for patterns that overlap: first wins. */
static const http_route routes[] = {
	{"GET", "/", 0, 0, NULL, r_root, 0, NULL},
	{"GET", "/health", 0, 0, NULL, r_health, 0, NULL},
	{"GET", "/metrics", 0, 0, NULL, r_metrics, 0, NULL},
	{"GET", "/openapi.json", 0, 0, NULL, r_openapi, 0, NULL},
	{"GET", "/docs", 0, 0, NULL, r_docs, 0, NULL},
	{"GET", "/docs.js", 0, 0, NULL, r_docs, 0, NULL},
	{"GET", "/docs.css", 0, 0, NULL, r_docs, 0, NULL},
	{"GET", "/dashboard", 0, 0, NULL, r_dash, 0, NULL},
	{"GET", "/dashboard/realtime", 0, 0, NULL, r_dash, 0, NULL},
	{"GET", "/dashboard/advanced", 0, 0, NULL, r_dash, 0, NULL},
	{"GET", "/dashboard/obsidian", 0, 0, NULL, r_dash, 0, NULL},
	{"GET", "/dashboard/assets/{file}", 0, 0, NULL, r_dash, 0, NULL},
	{"POST", "/notes", 1, 1, "create_note", r_op, 1, NULL},
	{"GET", "/notes", 1, 0, NULL, r_notes_get, 0, " q type status tag "
	    "created_after created_before modified_after modified_before "
	    "min_confidence limit cursor "},
	{"GET", "/notes/deleted", 1, 0, "deleted_notes", r_op, 0, NULL},
	{"GET", "/notes/{pake_id}", 1, 0, "get_note", r_note_get, 0, NULL},
	{"GET", "/notes/{pake_id}/html", 1, 0, "get_note", r_note_html, 0,
	    NULL},
	{"GET", "/notes/{pake_id}/versions", 1, 0, "note_history", r_op, 0,
	    NULL},
	{"GET", "/notes/{pake_id}/versions/{version}", 1, 0, "get_note",
	    r_version_get, 0, NULL},
	{"GET", "/notes/{pake_id}/diff", 1, 0, "note_diff", r_diff, 0,
	    " from to "},
	{"GET", "/notes/{pake_id}/related", 1, 0, "related_notes", r_opq, 0,
	    " limit "},
	{"POST", "/notes/{pake_id}/restore", 1, 1, "note_restore", r_op, 0,
	    NULL},
	{"PATCH", "/notes/{pake_id}", 1, 1, "update_note", r_op, 0, NULL},
	{"DELETE", "/notes/{pake_id}", 1, 0, "delete_note", r_op, 0, NULL},
	{"GET", "/tags", 1, 0, "list_tags", r_op, 0, NULL},
	{"POST", "/search", 1, 1, "search", r_op, 0, NULL},
	{"POST", "/quick", 1, 1, "search", r_quick, 0, NULL},
	{"POST", "/obsidian/sync", 1, 1, "obsidian_sync", r_op, 0, NULL},
	{"GET", "/vault/status", 1, 0, "vault_status", r_op, 0, NULL},
	{"POST", "/summarize", 1, 1, "summarize", r_op, 0, NULL},
	{"GET", "/summarize/analytics", 1, 0, "summarize_analytics", r_op, 0,
	    NULL},
	{"GET", "/ml/metrics", 1, 0, "ml_metrics", r_op, 0, NULL},
	{"GET", "/ml/patterns", 1, 0, "ml_patterns", r_op, 0, NULL},
	{"GET", "/ml/insights", 1, 0, "ml_insights", r_op, 0, NULL},
	{"GET", "/ml/knowledge-graph", 1, 0, "ml_knowledge_graph", r_op, 0,
	    NULL},
	{"GET", "/ml/dashboard", 1, 0, "ml_dashboard", r_op, 0, NULL},
	{"GET", "/analytics/enhanced-dashboard", 1, 0, "analytics_dashboard",
	    r_opq, 0, " time_range metric_types "},
	{"GET", "/analytics/time-series", 1, 0, "analytics_time_series", r_opq,
	    0, " metric time_range granularity "},
	{"GET", "/analytics/correlations", 1, 0, "analytics_correlations",
	    r_opq, 0, " metrics time_range "},
	{"GET", "/analytics/real-time-activity", 1, 0, "analytics_activity",
	    r_op, 0, NULL},
	{"GET", "/analytics/comprehensive-report", 1, 0, "analytics_report",
	    r_opq, 0, " time_range include_predictions include_recommendations "},
	{"GET", "/analytics/system-health", 1, 0, "analytics_health", r_opq, 0,
	    " time_range "},
	{"GET", "/analytics/insights", 1, 0, "analytics_insights", r_opq, 0,
	    " time_range priority "},
	{"GET", "/analytics/anomalies", 1, 0, "analytics_anomalies", r_opq, 0,
	    " time_range "},
	{"GET", "/analytics/usage-patterns", 1, 0, "analytics_usage", r_opq, 0,
	    " time_range "},
	{"POST", "/ml/auto-tag", 1, 1, "auto_tag", r_op, 0, NULL},
	{"POST", "/ml/extract-metadata", 1, 1, "extract_metadata", r_op, 0,
	    NULL},
	{"POST", "/nlp/extract-entities", 1, 1, "extract_entities", r_op, 0,
	    NULL},
	{"POST", "/nlp/analyze-text", 1, 1, "analyze_text", r_op, 0, NULL},
	{"POST", "/api/v1/auth/login", 0, 1, "auth_login", r_op, 0, NULL},
	{"POST", "/api/v1/auth/refresh", 0, 1, "auth_refresh", r_op, 0, NULL},
	{"POST", "/api/v1/auth/logout", 0, 1, "auth_logout", r_op, 0, NULL},
	{"GET", "/api/v1/auth/me", 1, 0, "auth_me", r_op, 0, NULL},
	{"GET", "/api/v1/tenants", 1, 0, "tenant_list", r_op, 0, NULL},
	{"POST", "/api/v1/tenants", 1, 1, "tenant_create", r_op, 1, NULL},
	{"GET", "/api/v1/tenants/{name}", 1, 0, "tenant_show", r_op, 0, NULL},
	{"POST", "/api/v1/tenants/{name}/suspend", 1, 0, "tenant_suspend",
	    r_op, 0, NULL},
	{"POST", "/api/v1/tenants/{name}/resume", 1, 0, "tenant_resume", r_op,
	    0, NULL},
	{"DELETE", "/api/v1/tenants/{name}", 1, 0, "tenant_delete", r_op, 0, NULL},
	{"PUT", "/api/v1/tenants/{name}/limits", 1, 1, "tenant_limits", r_op,
	    0, NULL},
	{"GET", "/api/v1/users", 1, 0, "user_list", r_op, 0, NULL},
	{"POST", "/api/v1/users", 1, 1, "user_add", r_op, 1, NULL},
	{"PUT", "/api/v1/users/{username}/password", 1, 1, "user_passwd", r_op,
	    0, NULL},
	{"PUT", "/api/v1/users/{username}/role", 1, 1, "user_role", r_op, 0, NULL},
	{"POST", "/api/v1/users/{username}/disable", 1, 0, "user_disable", r_op,
	    0, NULL},
	{"POST", "/api/v1/users/{username}/enable", 1, 0, "user_enable", r_op,
	    0, NULL},
	{"GET", "/api/v1/tokens", 1, 0, "token_list", r_op, 0, NULL},
	{"POST", "/api/v1/tokens", 1, 1, "token_create", r_op, 1, NULL},
	{"DELETE", "/api/v1/tokens/{id}", 1, 0, "token_revoke", r_op, 0, NULL},
	{"GET", "/api/v1/audit", 1, 0, "audit_list", r_op, 0, NULL},
	{"POST", "/graph/entities", 1, 1, "graph_entity_create", r_op, 1, NULL},
	{"GET", "/graph/entities/{id}", 1, 0, "graph_entity_get", r_op, 0, NULL},
	{"GET", "/graph/entities/{id}/relationships", 1, 0,
	    "graph_entity_relationships", r_op, 0, NULL},
	{"POST", "/graph/process-document", 1, 1, "graph_process_document",
	    r_op, 0, NULL},
	{"POST", "/graph/relationships", 1, 1, "graph_relationship_create",
	    r_op, 1, NULL},
	{"GET", "/graph/search", 1, 0, "graph_entity_search", r_opq, 0,
	    " q entity_types limit "},
	{"GET", "/graph/visualize", 1, 0, "graph_visualize", r_opq, 0,
	    " center_entity_id max_nodes "},
	{"GET", "/graph/stats", 1, 0, "graph_distribution", r_op, 0, NULL},
	{"GET", "/graph/insights/{id}", 1, 0, "graph_insights", r_op, 0, NULL},
	{"GET", "/graph/neighbors", 1, 0, "graph_neighbors", r_opq, 0,
	    " node depth max_nodes "},
	{"GET", "/graph/links", 1, 0, "graph_links", r_opq, 0,
	    " node direction "},
	{"GET", "/graph/path", 1, 0, "graph_path", r_opq, 0,
	    " from to max_depth "},
	{"GET", "/graph/context", 1, 0, "graph_context", r_opq, 0,
	    " node max_related "},
	{"GET", "/graph/dangling", 1, 0, "graph_dangling", r_opq, 0,
	    " limit "},
	{"GET", "/graph/summary", 1, 0, "graph_stats", r_op, 0, NULL},
	{"GET", "/graph/memory", 1, 0, "graph_export", r_op, 0, NULL},
	{"POST", "/graph/memory", 1, 1, "graph_import", r_op, 0, NULL},
	{"GET", "/knowledge-graph", 1, 0, "knowledge_graph", r_op, 0, NULL},
	{"POST", "/knowledge-graph/update", 1, 1, "knowledge_graph_update",
	    r_op, 0, NULL},
	{"POST", "/semantic/add-documents", 1, 1, "semantic_add_documents",
	    r_op, 0, NULL},
	{"GET", "/semantic/search", 1, 0, "semantic_search", r_opq, 0,
	    " q top_k min_score "},
	{"GET", "/semantic/similar/{document_id}", 1, 0, "semantic_similar",
	    r_opq, 0, " top_k min_score "},
	{"GET", "/semantic/analytics", 1, 0, "semantic_analytics", r_op, 0,
	    NULL},
	{"POST", "/semantic/cluster", 1, 1, "semantic_cluster", r_opq, 0,
	    " num_clusters "},
	{"POST", "/mcp", 1, 0, NULL, r_mcp, 0, NULL},
};
#define NROUTES (sizeof routes / sizeof routes[0])

const http_route *
http_routes(size_t *n)
{
	*n = NROUTES;
	return routes;
}

/* GET /openapi.json: the API described from this table and the
 * registry (http_openapi.c). */
static void
r_openapi(http_api *a, const http_route *rt)
{
	cJSON *doc = http_openapi();

	(void)rt;
	if (doc == NULL) {
		http_fail(a->r, PAKE_EINTERNAL, NULL, a->log);
		return;
	}
	http_json(a->r, 200, doc);
}

/* Match path against pattern; fill r->param from r->segbuf. */
static int
match(const char *pattern, const char *path, http_req *r)
{
	size_t used = 0;
	int k = 0;

	while (*pattern && *path) {
		if (*pattern != '/' || *path != '/')
			return 0;
		pattern++;
		path++;
		size_t pl = strcspn(pattern, "/"), sl = strcspn(path, "/");
		if (pattern[0] == '{') {
			if (sl == 0 || k >= HTTP_MAX_PARAMS ||
			    used + sl + 1 > sizeof r->segbuf)
				return 0;
			memcpy(r->segbuf + used, path, sl);
			r->segbuf[used + sl] = '\0';
			r->param[k++] = r->segbuf + used;
			used += sl + 1;
		} else if (pl != sl || strncmp(pattern, path, pl) != 0)
			return 0;
		pattern += pl;
		path += sl;
	}
	return *pattern == '\0' && (*path == '\0' ||
	    (path[0] == '/' && path[1] == '\0' && pattern[-1] != '/'));
}

void
pake_http_cors(const pake_config *cfg, http_req *r)
{
	const char *allowed = pake_config_str(cfg, PAKE_CFG_HTTP_CORS);
	const char *origin = http_header(r, "Origin");
	const char *p;
	size_t n;

	if (origin == NULL || allowed == NULL || *allowed == '\0')
		return;
	n = strlen(origin);
	for (p = allowed; *p; ) {
		size_t len;
		p += strspn(p, ", ");
		len = strcspn(p, ", ");
		if (len == n && strncmp(p, origin, n) == 0) {
			/* Named origins only, never "*": credentials may go. */
			http_add_header(r, "Access-Control-Allow-Origin",
			    origin);
			http_add_header(r, "Vary", "Origin");
			http_add_header(r, "Access-Control-Allow-Credentials",
			    "true");
			http_add_header(r, "Access-Control-Allow-Headers",
			    "Authorization, Content-Type, X-Request-ID");
			http_add_header(r, "Access-Control-Allow-Methods",
			    "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
			http_add_header(r, "Access-Control-Expose-Headers",
			    "X-Request-ID");
			return;
		}
		p += len;
	}
}

/* Checks the query parameters against the route's list. */
struct qcheck {
	const char *allowed;		/* " a b " */
	char seen[512];			/* " a b " of those given */
	char bad[96];			/* the first problem, "" when none */
	int nul;
};

static void
qcheck_one(struct qcheck *q, const char *key)
{
	size_t key_size = strlen(key);
	char word[72];
	size_t n;

	if (q->bad[0])
		return;
	if (key_size == 0 || key_size > 64 || strchr(key, ' ')) {
		snprintf(q->bad, sizeof q->bad, "query: malformed parameter");
		return;
	}
	snprintf(word, sizeof word, " %s ", key);
	if (q->allowed == NULL || strstr(q->allowed, word) == NULL)
		snprintf(q->bad, sizeof q->bad, "%.64s: unknown parameter", key);
	else if (strstr(q->seen, word) && strstr(Q_REPEATABLE, word) == NULL)
		snprintf(q->bad, sizeof q->bad, "%.64s: given twice", key);
	else if ((n = strlen(q->seen)) + key_size + 2 < sizeof q->seen)
		snprintf(q->seen + n, sizeof q->seen - n, "%s%s ", n ? "" : " ",
		    key);
}

/* The query string of a request: only parameters the route takes, each
 * once (tags may repeat), no NUL hidden in a key or value.  On failure the
 * answer is set. */
static int
check_query(http_api *a, const http_route *rt)
{
	struct qcheck q;
	size_t i;

	memset(&q, 0, sizeof q);
	q.allowed = rt->query;
	q.nul = a->r->nul;
	for (i = 0; i < a->r->narg; i++)
		qcheck_one(&q, a->r->arg[i].name);
	if (q.nul) {
		http_fail(a->r, PAKE_ESECURITY, NULL, a->log);
		return -1;
	}
	if (q.bad[0]) {
		pake_err e = {0};
		pake_fail(&e, PAKE_EINVAL, NULL, "%s", q.bad);
		http_error(a->r, &e, a->log);
		return -1;
	}
	return 0;
}

/* Authenticate the bearer token; on failure the answer is set. */
static int
authenticate(http_api *a)
{
	const char *h = http_header(a->r, "Authorization");
	pake_err e = {0};

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0 || h[7] == '\0') {
		http_fail(a->r, PAKE_EUNAUTH, NULL, a->log);
		return -1;
	}
	if (pake_auth_token(a->c, h + 7, &e) != 0) {
		http_error(a->r, &e, a->log);
		return -1;
	}
	a->r->tenant = a->c->tenant;
	return 0;
}

/* The peer's address for the activity log. */
static void
peer(http_api *a)
{
	const struct sockaddr *sa = a->r->peer;

	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    a->c->peer, sizeof a->c->peer);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		    a->c->peer, sizeof a->c->peer);
}

void
pake_http_dispatch(http_api *a)
{
	http_req *r = a->r;
	const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	const http_route *rt = NULL;
	const char *client;
	size_t i, used = 0;
	pake_err e = {0};
	int path_known = 0;

	r->allow[0] = '\0';
	for (i = 0; i < NROUTES; i++) {
		if (!match(routes[i].pattern, r->url, r))
			continue;
		if (!path_known)
			pake_strlcpy(r->route, routes[i].pattern, sizeof r->route);
		path_known = 1;
		if (!strstr(r->allow, routes[i].method) &&
		    used + strlen(routes[i].method) + 8 < sizeof r->allow) {
			used += (size_t)snprintf(r->allow + used,
			    sizeof r->allow - used, "%s%s", used ? ", " : "",
			    routes[i].method);
			if (strcmp(routes[i].method, "GET") == 0)
				used += (size_t)snprintf(r->allow + used,
				    sizeof r->allow - used, ", HEAD");
		}
		if (rt == NULL && strcmp(routes[i].method, method) == 0)
			rt = &routes[i];
	}
	if (!path_known) {
		r->allow[0] = '\0';
		http_fail(r, PAKE_ENOTFOUND, "No such resource", a->log);
		return;
	}
	if (used + 10 < sizeof r->allow)
		snprintf(r->allow + used, sizeof r->allow - used, ", OPTIONS");
	if (strcmp(r->method, "OPTIONS") == 0) {
		http_text(r, 204, "text/plain", strdup(""), 0);
		return;
	}
	if (rt == NULL) {
		http_fail(r, PAKE_EINVAL, "Method not allowed", a->log);
		r->status = 405;
		return;
	}
	/* Allow only for 405 and OPTIONS. */
	r->allow[0] = '\0';
	if (check_query(a, rt) != 0)
		return;
	/* Match again: the loop above may have left params of a later route. */
	match(rt->pattern, r->url, r);
	/* Who acts: the token's user for a route that needs one (its tenant
	 * comes with the token), else nobody in the default tenant. */
	pake_ctx_forget(a->c);
	if (!rt->auth && pake_ctx_set_tenant(a->c, "default", &e) != 0) {
		http_error(r, &e, a->log);
		return;
	}
	pake_strlcpy(a->c->request_id, r->rid, sizeof a->c->request_id);
	pake_strlcpy(a->c->log->request_id, r->rid,
	    sizeof a->c->log->request_id);
	/* The dashboard says so, for the search log's front (a label, not
	 * a right: it grants nothing). */
	client = http_header(r, "X-Pake-Client");
	a->c->front = client && strcmp(client, "dashboard") == 0 ?
	    "dashboard" : NULL;
	peer(a);
	if (rt->auth && authenticate(a) != 0)
		return;
	rt->fn(a, rt);
}
