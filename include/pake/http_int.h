/*
 * http_int.h: what http.c (the server mechanics) and http_api.c (the
 * routes) share; nothing else includes it.
 */
#ifndef PAKE_HTTP_INT_H
#define PAKE_HTTP_INT_H

#include <stdint.h>
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include "ctx.h"
#include "util.h"

#define HTTP_MAX_PARAMS 4

/* One request being received and answered. */
typedef struct http_req {
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
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
	char *out;		/* malloc'd body */
	size_t out_len;
	const char *ctype;
	char allow[64];		/* for 405 */
	int retry_after;
	int www_auth;		/* add WWW-Authenticate: Bearer */
	int close;		/* answer with Connection: close */
	const char *tenant;	/* for the access log */
} http_req;

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
void pake_http_cors(const pake_config *cfg, http_req *r,
    struct MHD_Response *resp);

/* Answer helpers for the routes. */
void http_json(http_req *r, int status, cJSON *body);	/* consumes body */
void http_error(http_req *r, const pake_err *e, pake_log *log);
void http_fail(http_req *r, int code, const char *msg, pake_log *log);
void http_text(http_req *r, int status, const char *ctype, char *text,
    size_t len);	/* takes text */

#endif
