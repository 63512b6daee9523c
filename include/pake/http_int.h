/*
 * http_int.h: what http.c (the server mechanics) and http_api.c (the
 * routes) share; nothing else includes it.
 */
#ifndef PAKE_HTTP_INT_H
#define PAKE_HTTP_INT_H

#include <stdint.h>
#include <sys/socket.h>
#include <cjson/cJSON.h>
#include "ctx.h"
#include "util.h"

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 100	/* header fields a request may have */
#define HTTP_MAX_ARGS	64	/* query parameters a request may have */

typedef struct http_kv {
	const char *name, *value;
} http_kv;

/* One request being received and answered. */
typedef struct http_req {
	const char *method;
	const char *url;		/* the path, percent-decoded */
	char *head;			/* the request's head, split in place */
	char *target;			/* decoded path and query, split */
	http_kv hdr[HTTP_MAX_HEADERS];	/* header fields, as sent */
	size_t nhdr;
	http_kv arg[HTTP_MAX_ARGS];	/* query parameters, decoded */
	size_t narg;
	int nul;			/* a %00 hid in the path or query */
	int minor;			/* HTTP/1.minor */
	int head_only;			/* HEAD: the answer has no body */
	const struct sockaddr *peer;	/* the client, or NULL */
	pake_buf body;
	int too_big;
	size_t header_bytes;
	size_t url_bytes;	/* path and query string */
	int64_t t0_us;
	char rid[40];
	char route[64];		/* the matched pattern, for logs and metrics */
	const char *param[HTTP_MAX_PARAMS];	/* {name} parts of the path */
	char segbuf[1024];	/* storage for the decoded path segments */
	/* the answer */
	int status;
	char *out;		/* malloc'd body (static: see out_static) */
	int out_static;		/* out is static data, never freed */
	const char *cache;	/* Cache-Control (static text), or no-store */
	size_t out_len;
	const char *ctype;
	char allow[64];		/* for 405 */
	int retry_after;
	int www_auth;		/* add WWW-Authenticate: Bearer */
	int close;		/* answer with Connection: close */
	const char *tenant;	/* for the access log */
	pake_buf rh;		/* more answer header lines, "Name: v\r\n" */
} http_req;

/* The first header field or query parameter called name (header names
 * compare without case), or NULL. */
const char *http_header(const http_req *r, const char *name);
const char *http_arg(const http_req *r, const char *name);
/* Add a header line to the answer. */
void http_add_header(http_req *r, const char *name, const char *value);

typedef struct http_api {
	http_req *r;
	pake_ctx *c;
	const pake_config *cfg;
	pake_log *log;
} http_api;

/* The routes: match r->method and r->url, fill the answer in r.  The
 * context c is checked out for this request only. */
void pake_http_dispatch(http_api *a);

/* Add the CORS headers the configuration allows for this request. */
void pake_http_cors(const pake_config *cfg, http_req *r);

/* Answer helpers for the routes. */
void http_json(http_req *r, int status, cJSON *body);	/* consumes body */
void http_error(http_req *r, const pake_err *e, pake_log *log);
void http_fail(http_req *r, int code, const char *msg, pake_log *log);
void http_text(http_req *r, int status, const char *ctype, char *text,
    size_t len);	/* takes text */
/* Does the If-None-Match list h hold the entity-tag t (weak comparison,
 * "*" matches)? */
int http_none_match(const char *h, const char *t);
/* A body that outlives every request (static data, e.g. an embedded
 * file): sent as it is, never copied nor freed. */
void http_static(http_req *r, int status, const char *ctype,
    const void *body, size_t len);

/* A route of the JSON API (the table at the end of lib/http_api.c). */
struct http_api;
typedef struct http_route {
	const char *method;
	const char *pattern;		/* "/notes/{id}" */
	int auth;			/* needs a bearer token */
	int json_body;			/* takes a JSON object body */
	const char *op;			/* the operation, for generic routes */
	void (*fn)(struct http_api *a, const struct http_route *rt);
	int created;			/* 201 on success */
	const char *query;		/* " a b " query parameters it takes */
} http_route;
/* The table, and its length in *n. */
const http_route *http_routes(size_t *n);
/* The OpenAPI 3.1 document of the table and the registry's operations
 * (lib/http_openapi.c); NULL when out of memory. */
struct cJSON *http_openapi(void);
/* GET /docs ("html"), /docs.js ("js"), /docs.css ("css"): the document
 * in a browser, under a strict CSP (lib/http_docs.c). */
void http_docs(http_req *r, const char *which);
/* GET /dashboard (and /dashboard/realtime, /advanced, /obsidian): the
 * page, when file is NULL; GET /dashboard/assets/{file}: one of its
 * embedded files, or 404.  Under a strict CSP (lib/http_dash.c). */
void http_dash(http_req *r, const char *file);

#endif
