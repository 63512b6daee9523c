/*
 * fetch.h: one HTTP(S) request to a remote service (lib/fetch.c), bounded
 * in time and size: the embeddings provider now, research sources later.
 */
#ifndef PAKE_FETCH_H
#define PAKE_FETCH_H

#include <stddef.h>
#include "err.h"
#include "util.h"

#define PAKE_FETCH_MAX_DEFAULT	(16u << 20)	/* bytes of an answer */

typedef struct pake_fetch_req {
	const char *url;	/* http:// or https:// only */
	const char *body;	/* POST this when set, else GET */
	size_t body_len;
	const char *content_type;	/* of body */
	const char *accept;	/* Accept; NULL: application/json */
	const char *bearer;	/* Authorization: Bearer, or NULL */
	const char *user_agent;	/* NULL: "pake" */
	long timeout_ms;	/* the whole exchange; 0: 30 s */
	long connect_ms;	/* the connection; 0: 5 s */
	size_t max_bytes;	/* of the answer's body; 0: the default */
	/* Issue 13 (research): */
	int max_redirects;	/* followed, each hop checked again; 0: none */
	int allow_private;	/* loopback, private, link-local addresses */
	const char *if_none_match;	/* conditional GET (feeds) */
	const char *if_modified_since;
	const char *rate_dir;	/* politeness state, shared by processes */
	const char *rate_key;	/* e.g. "arxiv"; NULL: no politeness */
	long rate_interval_ms;	/* at least this between two requests */
	int retries;		/* more tries on 429, 503 (Retry-After) */
} pake_fetch_req;

typedef struct pake_fetch_res {
	long status;		/* the HTTP status */
	pake_buf body;		/* NUL-terminated when len > 0 */
	char retry_after[32];	/* the header, when sent */
	char content_type[128];	/* the header, when sent */
	char etag[256];		/* the header, when sent */
	char last_modified[64];	/* the header, when sent */
	char url[4096];		/* the final URL (after redirects) */
	int redirects;		/* followed */
} pake_fetch_res;

/* Make the request.  0 with r filled for any HTTP status (the caller
 * judges it); PAKE_EINVAL for a URL that is not http(s); PAKE_EUNAVAIL
 * when the service cannot be reached, is too slow, or answers more than
 * max_bytes, or when libcurl is missing.  No redirect is followed.
 * libcurl is loaded at the first request (dlopen), not at start. */
int pake_fetch(const pake_fetch_req *q, pake_fetch_res *r, pake_err *e);
void pake_fetch_res_free(pake_fetch_res *r);

#endif
