/*
 * fetch.h: one HTTP(S) request to a remote service (lib/fetch.c), bounded
 * in time and size: the embeddings provider now, research sources later.
 */
#ifndef PAKE_FETCH_H
#define PAKE_FETCH_H

#include <stddef.h>
#include <stdint.h>
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
	int max_redirects;	/* followed, each hop checked again; one more
				 * (any, with 0) is "Too many redirects" */
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

/* Make the request.  0 with r filled for any HTTP status the caller
 * judges (a 304 has an empty body; a 429 or 503 still there after the
 * retries is such a status too); PAKE_EINVAL for a URL that is not
 * http(s), a header value with a line break, a bad rate key;
 * PAKE_ESECURITY for a redirect to another scheme or a connection to an
 * address that is not allowed (every hop checked); PAKE_EUNAVAIL when the
 * service cannot be reached, is too slow ("The service did not answer in
 * time"), answers more than max_bytes once decoded ("The service's answer
 * is too large"), redirects more than max_redirects times ("Too many
 * redirects"), or when libcurl is missing.  libcurl is loaded at the
 * first request (dlopen), not at start. */
int pake_fetch(const pake_fetch_req *q, pake_fetch_res *r, pake_err *e);
void pake_fetch_res_free(pake_fetch_res *r);

/* 1 when a connection to this address may be made without allow_private:
 * not loopback, private, link-local, CGNAT, unspecified, multicast,
 * broadcast or reserved, nor an IPv6 form embedding such an IPv4 address
 * (v4-mapped, v4-compatible, NAT64 64:ff9b::/96, 6to4).  0 otherwise, and
 * for a family that is neither AF_INET nor AF_INET6. */
struct sockaddr;
int pake_fetch_addr_public(const struct sockaddr *sa);

/* Politeness (lib/fetch_rate.c): reserve the next slot for key in the
 * file dir/key shared by every process (flock), at least interval_ms
 * after the one reserved before: *slot_ms, ms since the epoch
 * (CLOCK_REALTIME).  dir is made (0700) when missing; key must be
 * [a-z0-9_-]{1,32} (else PAKE_EINVAL).  _wait reserves and sleeps until
 * the slot (the lock is not held while sleeping). */
int pake_fetch_rate_reserve(const char *dir, const char *key,
    long interval_ms, int64_t *slot_ms, pake_err *e);
int pake_fetch_rate_key_ok(const char *key);	/* [a-z0-9_-]{1,32} */
int pake_fetch_rate_wait(const char *dir, const char *key, long interval_ms,
    pake_err *e);

#endif
