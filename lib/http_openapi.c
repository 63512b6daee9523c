/*
 * http_openapi.c: GET /openapi.json, the API described from the route
 * table (lib/http_api.c) and the operation registry (issue 14): nothing
 * here is written by hand per route, so the document cannot drift from
 * what the server answers.
 *
 * For each route: its path (the table's patterns are OpenAPI's already),
 * method, operationId (the operation's name; for the few routes served by
 * their own code, the method and path), summary and description (the
 * operation's title and description), bearer security when the route
 * needs a token, the path parameters, the query parameters the table
 * lists (typed by the operation's input schema when it names them), the
 * request body (the operation's input schema without what the path
 * gives), the success response (200, or 201 for a create: the
 * operation's output schema) and every error as pake's one envelope
 * (components/schemas/Error).  Operations not on any route (CLI and MCP
 * only) are listed under x-pake-operations.
 */
#include <stdio.h>
#include <string.h>
#include "pake/http_int.h"
#include "pake/op.h"

static cJSON *
error_schema(void)
{
	return cJSON_Parse("{\"type\":\"object\",\"required\":[\"error\"],"
	    "\"properties\":{\"error\":{\"type\":\"object\",\"required\":["
	    "\"code\",\"message\"],\"properties\":{\"code\":{\"enum\":["
	    "\"invalid_params\",\"not_found\",\"unauthorized\",\"forbidden\","
	    "\"conflict\",\"precondition_failed\",\"rate_limited\","
	    "\"quota_exceeded\",\"payload_too_large\",\"security_violation\","
	    "\"unavailable\",\"internal\"]},\"message\":{\"type\":\"string\"},"
	    "\"detail\":{\"type\":\"string\"},\"retry_after\":{\"type\":"
	    "\"integer\"}}},\"request_id\":{\"type\":\"string\"}}}");
}

/* The names of pattern's {parameters}, each once, into a JSON array. */
static cJSON *
path_params(const char *pattern)
{
	cJSON *a = cJSON_CreateArray();
	const char *p = pattern, *e;
	char name[64];

	while ((p = strchr(p, '{')) != NULL && (e = strchr(p, '}')) != NULL) {
		snprintf(name, sizeof name, "%.*s", (int)(e - p - 1), p + 1);
		cJSON_AddItemToArray(a, cJSON_CreateString(name));
		p = e + 1;
	}
	return a;
}

/* A parameter object. */
static cJSON *
param(const char *name, const char *in, int required, const cJSON *schema)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "in", in);
	cJSON_AddBoolToObject(o, "required", required);
	cJSON_AddItemToObject(o, "schema", schema ? cJSON_Duplicate(schema, 1) :
	    cJSON_Parse("{\"type\":\"string\"}"));
	return o;
}

/* The operation's input schema without the names the path gives. */
static cJSON *
body_schema(const cJSON *in, const cJSON *pnames)
{
	cJSON *s = cJSON_Duplicate(in, 1), *req, *x, *next;
	const cJSON *pn;

	cJSON_ArrayForEach(pn, pnames) {
		cJSON_DeleteItemFromObjectCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(s, "properties"),
		    pn->valuestring);
		req = cJSON_GetObjectItemCaseSensitive(s, "required");
		for (x = req ? req->child : NULL; x; x = next) {
			next = x->next;
			if (cJSON_IsString(x) && strcmp(x->valuestring,
			    pn->valuestring) == 0)
				cJSON_Delete(cJSON_DetachItemViaPointer(req, x));
		}
	}
	return s;
}

static cJSON *
json_content(cJSON *schema)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddItemToObject(cJSON_AddObjectToObject(c, "application/json"),
	    "schema", schema);
	return c;
}

/* The operation object of route rt. */
static cJSON *
operation(const http_route *rt, const pake_op *op, cJSON *used)
{
	cJSON *o = cJSON_CreateObject(), *params, *resp, *r, *pn, *in = NULL;
	const cJSON *x;
	char id[200], q[64];
	const char *p;
	size_t i;

	if (op) {
		/* operationIds are unique: a second route of an operation
		 * (/quick, a version of a note) is named by its path too. */
		if (cJSON_HasObjectItem(used, op->name)) {
			snprintf(id, sizeof id, "%s%s", op->name, rt->pattern);
			for (i = 0; id[i]; i++)
				if (!((id[i] >= 'a' && id[i] <= 'z') ||
				    (id[i] >= 'A' && id[i] <= 'Z') ||
				    (id[i] >= '0' && id[i] <= '9')))
					id[i] = '_';
			cJSON_AddStringToObject(o, "operationId", id);
		} else
			cJSON_AddStringToObject(o, "operationId", op->name);
		cJSON_AddStringToObject(o, "summary", op->title);
		cJSON_AddStringToObject(o, "description", op->description);
		in = cJSON_Parse(op->input_schema);
		if (!cJSON_HasObjectItem(used, op->name))
			cJSON_AddTrueToObject(used, op->name);
	} else {
		snprintf(id, sizeof id, "%s%s", rt->method, rt->pattern);
		for (i = 0; id[i]; i++)
			if (!((id[i] >= 'a' && id[i] <= 'z') ||
			    (id[i] >= 'A' && id[i] <= 'Z') ||
			    (id[i] >= '0' && id[i] <= '9')))
				id[i] = '_';
		cJSON_AddStringToObject(o, "operationId", id);
		cJSON_AddStringToObject(o, "summary", rt->pattern);
	}
	if (rt->auth)
		cJSON_AddItemToObject(o, "security", cJSON_Parse(
		    "[{\"bearerAuth\":[]}]"));
	params = cJSON_AddArrayToObject(o, "parameters");
	pn = path_params(rt->pattern);
	cJSON_ArrayForEach(x, pn)
		cJSON_AddItemToArray(params, param(x->valuestring, "path", 1,
		    cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(in, "properties"),
		    x->valuestring)));
	for (p = rt->query; p && *p; ) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n == 0 || n >= sizeof q)
			break;
		memcpy(q, p, n);
		q[n] = '\0';
		cJSON_AddItemToArray(params, param(q, "query", 0, NULL));
		p += n;
	}
	if (rt->json_body && in)
		cJSON_AddItemToObject(cJSON_AddObjectToObject(o, "requestBody"),
		    "content", json_content(body_schema(in, pn)));
	resp = cJSON_AddObjectToObject(o, "responses");
	r = cJSON_AddObjectToObject(resp, rt->created ? "201" : "200");
	cJSON_AddStringToObject(r, "description", rt->created ? "Created" :
	    "OK");
	if (op)
		cJSON_AddItemToObject(r, "content", json_content(cJSON_Parse(
		    op->output_schema)));
	r = cJSON_AddObjectToObject(resp, "default");
	cJSON_AddStringToObject(r, "description", "pake's error envelope");
	cJSON_AddItemToObject(r, "content", json_content(cJSON_Parse(
	    "{\"$ref\":\"#/components/schemas/Error\"}")));
	cJSON_Delete(pn);
	cJSON_Delete(in);
	return o;
}

cJSON *
http_openapi(void)
{
	cJSON *doc = cJSON_CreateObject(), *info, *paths, *comp, *used, *rest;
	const http_route *rt;
	size_t n, i;
	char low[16];

	info = cJSON_AddObjectToObject(doc, "info");
	cJSON_AddStringToObject(doc, "openapi", "3.1.0");
	cJSON_AddStringToObject(info, "title", "pake");
	cJSON_AddStringToObject(info, "version", PAKE_VERSION);
	cJSON_AddStringToObject(info, "description", "The JSON API of "
	    "pake-http: every operation of the registry a route serves, and "
	    "pake's one error envelope.  See pake-http(1).");
	paths = cJSON_AddObjectToObject(doc, "paths");
	used = cJSON_CreateObject();
	rt = http_routes(&n);
	for (i = 0; i < n; i++) {
		cJSON *item = cJSON_GetObjectItemCaseSensitive(paths,
		    rt[i].pattern);
		size_t k;

		if (item == NULL)
			item = cJSON_AddObjectToObject(paths, rt[i].pattern);
		for (k = 0; rt[i].method[k] && k + 1 < sizeof low; k++)
			low[k] = (char)(rt[i].method[k] | 0x20);
		low[k] = '\0';
		if (!cJSON_HasObjectItem(item, low))
			cJSON_AddItemToObject(item, low, operation(&rt[i],
			    rt[i].op ? pake_op_find(rt[i].op) : NULL, used));
	}
	comp = cJSON_AddObjectToObject(doc, "components");
	cJSON_AddItemToObject(cJSON_AddObjectToObject(comp, "schemas"),
	    "Error", error_schema());
	cJSON_AddItemToObject(comp, "securitySchemes", cJSON_Parse(
	    "{\"bearerAuth\":{\"type\":\"http\",\"scheme\":\"bearer\"}}"));
	rest = cJSON_AddArrayToObject(doc, "x-pake-operations");
	for (i = 0; i < pake_op_count(); i++)
		if (!cJSON_HasObjectItem(used, pake_op_at(i)->name))
			cJSON_AddItemToArray(rest, cJSON_CreateString(
			    pake_op_at(i)->name));
	cJSON_Delete(used);
	return doc;
}
