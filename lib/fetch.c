/*
 * fetch.c: one HTTP(S) request through libcurl, bounded (include/pake/
 * fetch.h).
 *
 * libcurl is loaded at the first request (dlopen, once per process), not
 * linked: every pake program links the write path, which may ask an
 * embeddings provider, and linking libcurl cost 3.5 ms at each start of
 * every program (it pulls in TLS, HTTP/2, LDAP, ...), most of which never
 * fetch anything.
 *
 * The services asked are hostile until shown otherwise (issue 13: research
 * sources, any web page).  Bounds:
 *   - http and https only, for the URL given and for every redirect, which
 *     curl never follows itself: we read the Location curl resolved
 *     (CURLINFO_REDIRECT_URL), check it and ask again, at most
 *     max_redirects times (a loop is just too many).  301, 302 turn a POST
 *     into a GET, 303 always; 307, 308 keep it.  The bearer token is not
 *     sent to another origin (scheme, host and port).
 *   - the address: without allow_private, curl's socket callback refuses
 *     loopback, private, link-local, CGNAT, multicast... addresses
 *     (pake_fetch_addr_public) on the address about to be connected, after
 *     resolution, so DNS rebinding gains nothing; every hop goes through
 *     it.  Proxies from the environment are not used (the check would see
 *     the proxy).
 *   - time: a connect timeout, a total timeout for one try including its
 *     redirects, and for a GET a low-speed cut (under 64 bytes/s for 10 s,
 *     or half the timeout when that is shorter): a POST may make the
 *     service think before it answers (embeddings), a GET should not.
 *   - size: max_bytes of the decoded body (curl decodes gzip, deflate and
 *     br; the write callback counts what it hands us, so a compression
 *     bomb is cut there), and a Content-Length above it is refused before
 *     reading.
 *   - retries on 429 and 503, waiting Retry-After (seconds or an HTTP
 *     date, at most 60 s) or 1, 2, 4... s, within timeout_ms * (retries +
 *     1) overall; the last answer is the caller's to judge.
 *   - politeness: with rate_key, every request (each hop and each retry)
 *     takes a slot shared by all processes (lib/fetch_rate.c).
 * No signals (curl's resolver timeouts use none with CURLOPT_NOSIGNAL, so
 * threads of pake-http are safe).
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "pake/fetch.h"

static struct {
	void *h;
	CURLcode (*global_init)(long);
	CURL *(*init)(void);
	CURLcode (*setopt)(CURL *, CURLoption, ...);
	CURLcode (*perform)(CURL *);
	CURLcode (*getinfo)(CURL *, CURLINFO, ...);
	void (*cleanup)(CURL *);
	const char *(*strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	char why[200];
} cl;
static pthread_once_t cl_once = PTHREAD_ONCE_INIT;

static void
cl_load(void)
{
	static const char *const names[] = {"libcurl.so.4", "libcurl.so",
	    "libcurl-gnutls.so.4"};
	size_t i;

	for (i = 0; cl.h == NULL && i < sizeof names / sizeof *names; i++)
		cl.h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (cl.h == NULL) {
		snprintf(cl.why, sizeof cl.why, "%s", dlerror());
		return;
	}
	*(void **)&cl.global_init = dlsym(cl.h, "curl_global_init");
	*(void **)&cl.init = dlsym(cl.h, "curl_easy_init");
	*(void **)&cl.setopt = dlsym(cl.h, "curl_easy_setopt");
	*(void **)&cl.perform = dlsym(cl.h, "curl_easy_perform");
	*(void **)&cl.getinfo = dlsym(cl.h, "curl_easy_getinfo");
	*(void **)&cl.cleanup = dlsym(cl.h, "curl_easy_cleanup");
	*(void **)&cl.strerror = dlsym(cl.h, "curl_easy_strerror");
	*(void **)&cl.slist_append = dlsym(cl.h, "curl_slist_append");
	*(void **)&cl.slist_free_all = dlsym(cl.h, "curl_slist_free_all");
	if (!cl.global_init || !cl.init || !cl.setopt || !cl.perform ||
	    !cl.getinfo || !cl.cleanup || !cl.strerror || !cl.slist_append ||
	    !cl.slist_free_all) {
		snprintf(cl.why, sizeof cl.why, "a libcurl function is missing");
		dlclose(cl.h);
		cl.h = NULL;
		return;
	}
	if (cl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(cl.why, sizeof cl.why, "curl_global_init failed");
		dlclose(cl.h);
		cl.h = NULL;
	}
}


/* ------------------------------------------------------------------ */
/* Addresses */

/* a: an IPv4 address in host order. */
static int
v4_public(uint32_t a)
{
	unsigned b0 = a >> 24, b1 = (a >> 16) & 0xff, b2 = (a >> 8) & 0xff;

	if (b0 == 0 || b0 == 10 || b0 == 127)	/* this network, private,
						 * loopback */
		return 0;
	if (b0 == 100 && (b1 & 0xc0) == 64)	/* CGNAT 100.64/10 */
		return 0;
	if (b0 == 169 && b1 == 254)		/* link-local */
		return 0;
	if (b0 == 172 && (b1 & 0xf0) == 16)	/* 172.16/12 */
		return 0;
	if (b0 == 192 && b1 == 168)		/* 192.168/16 */
		return 0;
	if (b0 == 192 && b1 == 0 && b2 == 0)	/* IETF protocol assignments */
		return 0;
	if (b0 == 198 && (b1 & 0xfe) == 18)	/* benchmarking 198.18/15 */
		return 0;
	if (b0 >= 224)		/* multicast, reserved, broadcast */
		return 0;
	return 1;
}

static uint32_t
v4_at(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

int
pake_fetch_addr_public(const struct sockaddr *sa)
{
	static const uint8_t zero[12];
	const struct sockaddr_in *in4;
	const struct sockaddr_in6 *in6;
	const uint8_t *b;

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		in4 = (const struct sockaddr_in *)(const void *)sa;
		return v4_public(ntohl(in4->sin_addr.s_addr));
	}
	if (sa->sa_family != AF_INET6)
		return 0;
	in6 = (const struct sockaddr_in6 *)(const void *)sa;
	b = in6->sin6_addr.s6_addr;
	if (memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff)
		return v4_public(v4_at(b + 12));	/* ::ffff:a.b.c.d */
	if (memcmp(b, zero, 12) == 0)	/* ::, ::1, ::a.b.c.d */
		return v4_at(b + 12) > 1 && v4_public(v4_at(b + 12));
	if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
		if (memcmp(b + 4, zero, 8) == 0)	/* NAT64 64:ff9b::/96 */
			return v4_public(v4_at(b + 12));
		return 0;		/* 64:ff9b:1::/48, local NAT64 */
	}
	if (b[0] == 0x20 && b[1] == 0x02)	/* 6to4 2002::/16 */
		return v4_public(v4_at(b + 2));
	if ((b[0] & 0xfe) == 0xfc)		/* unique local fc00::/7 */
		return 0;
	if (b[0] == 0xfe && (b[1] & 0x80) == 0x80)	/* fe80::/10 link-local,
							 * fec0::/10 site-local */
		return 0;
	if (b[0] == 0xff)			/* multicast */
		return 0;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
		return 0;			/* documentation */
	return 1;
}

/* ------------------------------------------------------------------ */
/* One request */

struct hop {
	pake_fetch_res *r;
	size_t max;
	int over;
	int allow_private;
	int refused;		/* an address was not allowed */
	char addr[INET6_ADDRSTRLEN + 8];
	char location;		/* a Location header came */
};

static curl_socket_t
on_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct hop *t = arg;
	struct sockaddr_storage ss;
	const void *ip = NULL;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	memset(&ss, 0, sizeof ss);
	memcpy(&ss, &a->addr, a->addrlen < sizeof ss ? a->addrlen :
	    sizeof ss);
	if (!t->allow_private && !pake_fetch_addr_public(
	    (const struct sockaddr *)&ss)) {
		t->refused = 1;
		if (ss.ss_family == AF_INET)
			ip = &((struct sockaddr_in *)&ss)->sin_addr;
		else if (ss.ss_family == AF_INET6)
			ip = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		if (ip == NULL || inet_ntop(ss.ss_family, ip, t->addr,
		    sizeof t->addr) == NULL)
			snprintf(t->addr, sizeof t->addr, "family %d",
			    ss.ss_family);
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct hop *t = arg;
	size_t len = size * n;

	if (t->r->body.len + len > t->max) {
		t->over = 1;
		return 0;		/* aborts the transfer */
	}
	pake_buf_put(&t->r->body, p, len);
	return len;
}

/* Copy header "name: value" into dst when the line is that header.  A
 * value that does not fit, or holds a control character, is dropped (an
 * ETag cut short would be sent back wrong). */
static int
hdr_copy(const char *p, size_t len, const char *name, char *dst, size_t cap)
{
	size_t k = strlen(name), i;

	if (len <= k || strncasecmp(p, name, k) != 0)
		return 0;
	for (p += k, len -= k; len && (*p == ' ' || *p == '\t'); p++, len--)
		;
	while (len && (p[len - 1] == '\r' || p[len - 1] == '\n' ||
	    p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	dst[0] = '\0';
	if (len >= cap)
		return 1;
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return 1;
	memcpy(dst, p, len);
	dst[len] = '\0';
	return 1;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct hop *t = arg;
	pake_fetch_res *r = t->r;
	size_t len = size * n;
	char loc[8];

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {	/* a new answer */
		r->retry_after[0] = r->content_type[0] = r->etag[0] =
		    r->last_modified[0] = '\0';
		t->location = 0;
	} else if (hdr_copy(p, len, "retry-after:", r->retry_after,
	    sizeof r->retry_after) || hdr_copy(p, len, "content-type:",
	    r->content_type, sizeof r->content_type) || hdr_copy(p, len,
	    "etag:", r->etag, sizeof r->etag) || hdr_copy(p, len,
	    "last-modified:", r->last_modified, sizeof r->last_modified))
		;
	else if (hdr_copy(p, len, "location:", loc, sizeof loc))
		t->location = 1;
	return len;
}

/* The URL's scheme is http or https. */
static int
web_url(const char *u)
{
	return strncasecmp(u, "http://", 7) == 0 ||
	    strncasecmp(u, "https://", 8) == 0;
}

/* Length of "scheme://authority" at the start of u. */
static size_t
origin_len(const char *u)
{
	const char *p = strstr(u, "://");

	if (p == NULL)
		return 0;
	p += 3;
	return (size_t)(p - u) + strcspn(p, "/?#");
}

static int
same_origin(const char *a, const char *b)
{
	size_t n = origin_len(a);

	return n > 0 && n == origin_len(b) && strncasecmp(a, b, n) == 0;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int64_t ms)
{
	int64_t end = mono_ms() + ms, now;
	struct timespec ts;

	while ((now = mono_ms()) < end) {
		ts.tv_sec = (end - now) / 1000;
		ts.tv_nsec = (long)((end - now) % 1000) * 1000000L;
		nanosleep(&ts, NULL);
	}
}

static int
is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 ||
	    status == 307 || status == 308;
}

/* Forget the previous answer (a redirect's, a retried 429's). */
static void
res_reset(pake_fetch_res *r)
{
	pake_buf_free(&r->body);
	memset(&r->body, 0, sizeof r->body);
	r->status = 0;
	r->retry_after[0] = r->content_type[0] = r->etag[0] =
	    r->last_modified[0] = '\0';
}

/* One HTTP exchange with url: r->status, headers, body; *next the
 * redirect's absolute URL (malloc'd) when the answer is one. */
static int
one_hop(const pake_fetch_req *q, const char *url, int post, int bearer,
    long left_ms, pake_fetch_res *r, char **next, pake_err *e)
{
	struct curl_slist *hdr = NULL;
	char line[600], why[CURL_ERROR_SIZE];
	long timeout = q->timeout_ms > 0 ? q->timeout_ms : 30000L;
	const char *to = NULL, *eff = NULL;
	struct hop t;
	CURLcode cc;
	CURL *h;
	int rc = 0;

	*next = NULL;
	if ((h = cl.init()) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	memset(&t, 0, sizeof t);
	t.r = r;
	t.max = q->max_bytes ? q->max_bytes : PAKE_FETCH_MAX_DEFAULT;
	t.allow_private = q->allow_private;
	why[0] = '\0';
	cl.setopt(h, CURLOPT_URL, url);
	cl.setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	cl.setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	cl.setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	cl.setopt(h, CURLOPT_PROXY, "");
	cl.setopt(h, CURLOPT_NOSIGNAL, 1L);
	cl.setopt(h, CURLOPT_ERRORBUFFER, why);
	cl.setopt(h, CURLOPT_TIMEOUT_MS, left_ms);
	cl.setopt(h, CURLOPT_CONNECTTIMEOUT_MS, q->connect_ms > 0 ?
	    q->connect_ms : 5000L);
	if (!post) {
		long slow = timeout / 2000;

		cl.setopt(h, CURLOPT_LOW_SPEED_LIMIT, 64L);
		cl.setopt(h, CURLOPT_LOW_SPEED_TIME, slow < 1 ? 1L : slow > 10 ?
		    10L : slow);
	}
	cl.setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t.max);
	cl.setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_socket);
	cl.setopt(h, CURLOPT_OPENSOCKETDATA, &t);
	cl.setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	cl.setopt(h, CURLOPT_WRITEDATA, &t);
	cl.setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	cl.setopt(h, CURLOPT_HEADERDATA, &t);
	cl.setopt(h, CURLOPT_USERAGENT, q->user_agent ? q->user_agent :
	    "pake");
	cl.setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	snprintf(line, sizeof line, "Accept: %.500s", q->accept ? q->accept :
	    "application/json");
	hdr = cl.slist_append(hdr, line);
	if (q->if_none_match) {
		snprintf(line, sizeof line, "If-None-Match: %.500s",
		    q->if_none_match);
		hdr = cl.slist_append(hdr, line);
	}
	if (q->if_modified_since) {
		snprintf(line, sizeof line, "If-Modified-Since: %.200s",
		    q->if_modified_since);
		hdr = cl.slist_append(hdr, line);
	}
	if (q->bearer && bearer) {
		snprintf(line, sizeof line, "Authorization: Bearer %.500s",
		    q->bearer);
		hdr = cl.slist_append(hdr, line);
	}
	if (post && q->body) {
		snprintf(line, sizeof line, "Content-Type: %.200s",
		    q->content_type ? q->content_type : "application/json");
		hdr = cl.slist_append(hdr, line);
		cl.setopt(h, CURLOPT_POSTFIELDS, q->body);
		cl.setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)q->body_len);
	}
	cl.setopt(h, CURLOPT_HTTPHEADER, hdr);
	cc = cl.perform(h);
	if (cc != CURLE_OK && why[0] == '\0')
		pake_strlcpy(why, cl.strerror(cc), sizeof why);
	if (t.refused)
		rc = pake_fail(e, PAKE_ESECURITY, "The address is not allowed",
		    "%s for %.200s (fetch.allow_private)", t.addr, url);
	else if (t.over || cc == CURLE_FILESIZE_EXCEEDED)
		rc = pake_fail(e, PAKE_EUNAVAIL, "The service's answer is too "
		    "large", "more than %zu bytes from %.200s: %s", t.max, url,
		    why);
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		rc = pake_fail(e, PAKE_EUNAVAIL, "The service did not answer "
		    "in time", "%.200s: %s (%s)", url, cl.strerror(cc), why);
	else if (cc != CURLE_OK)
		rc = pake_fail(e, PAKE_EUNAVAIL, "The service did not answer",
		    "%.200s: %s", url, why);
	else {
		cl.getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
		if (cl.getinfo(h, CURLINFO_EFFECTIVE_URL, &eff) != CURLE_OK ||
		    eff == NULL)
			eff = url;
		pake_strlcpy(r->url, eff, sizeof r->url);
		if (is_redirect(r->status)) {
			if (cl.getinfo(h, CURLINFO_REDIRECT_URL, &to) !=
			    CURLE_OK)
				to = NULL;
			if (to != NULL && (*next = strdup(to)) == NULL)
				rc = pake_fail(e, PAKE_EINTERNAL,
				    PAKE_MSG_NOMEM, NULL);
			else if (to == NULL && t.location)
				rc = pake_fail(e, PAKE_ESECURITY, "A redirect "
				    "may only lead to http or https", "%.200s "
				    "redirects where curl would not go", url);
		}
	}
	cl.cleanup(h);
	cl.slist_free_all(hdr);
	return rc;
}

/* One try: the request and its redirects, checked hop by hop. */
static int
one_try(const pake_fetch_req *q, long timeout, pake_fetch_res *r,
    pake_err *e)
{
	int post = q->body != NULL, bearer = 1, hops, rc = 0;
	int max = q->max_redirects > 0 ? q->max_redirects : 0;
	char *url, *next = NULL;
	int64_t end = 0, left;

	if ((url = strdup(q->url)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	for (hops = 0;; hops++) {
		if (q->rate_key && (rc = pake_fetch_rate_wait(q->rate_dir,
		    q->rate_key, q->rate_interval_ms, e)))
			break;
		if (hops == 0)		/* the politeness wait is not the
					 * service's time */
			end = mono_ms() + timeout;
		if ((left = end - mono_ms()) <= 0) {
			rc = pake_fail(e, PAKE_EUNAVAIL, "The service did not "
			    "answer in time", "%.200s: %d redirects took "
			    "%ld ms", url, hops, timeout);
			break;
		}
		res_reset(r);
		r->redirects = hops;
		if ((rc = one_hop(q, url, post, bearer, (long)left, r, &next,
		    e)) || next == NULL)
			break;
		if (!web_url(next)) {
			rc = pake_fail(e, PAKE_ESECURITY, "A redirect may only "
			    "lead to http or https", "%.200s redirects to "
			    "%.200s", url, next);
			break;
		}
		if (hops >= max) {
			rc = pake_fail(e, PAKE_EUNAVAIL, "Too many redirects",
			    "more than %d from %.200s (at %.200s)", max,
			    q->url, url);
			break;
		}
		if (strlen(next) >= sizeof r->url) {
			rc = pake_fail(e, PAKE_EUNAVAIL, "Too many redirects",
			    "a redirect's URL is longer than %zu bytes",
			    sizeof r->url - 1);
			break;
		}
		if (!same_origin(url, next))
			bearer = 0;
		if (r->status == 303 || (post && (r->status == 301 ||
		    r->status == 302)))
			post = 0;
		free(url);
		url = next;
		next = NULL;
	}
	free(next);
	free(url);
	return rc;
}

/* Month of "Jan".."Dec", 0..11, or -1. */
static int
month_of(const char *m)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (strncmp(names + 3 * i, m, 3) == 0)
			return i;
	return -1;
}

/* The wait before try number tr+1 (0-based), in ms: Retry-After in
 * seconds or an HTTP date, else 1, 2, 4... s; at most 60 s. */
static int64_t
retry_wait(const char *ra, int tr)
{
	int64_t ms = -1;
	char *end, mon[4];
	struct tm tm;
	long v;
	int d, y, hh, mm, ss, n = 0;

	if (ra[0] >= '0' && ra[0] <= '9') {
		v = strtol(ra, &end, 10);
		if (*end == '\0' && v >= 0)
			ms = v > 60 ? 60000 : v * 1000;
	} else if (ra[0] && sscanf(ra, "%*3s, %d %3s %d %d:%d:%d GMT%n", &d,
	    mon, &y, &hh, &mm, &ss, &n) == 6 && n > 0 && month_of(mon) >= 0) {
		memset(&tm, 0, sizeof tm);
		tm.tm_mday = d;
		tm.tm_mon = month_of(mon);
		tm.tm_year = y - 1900;
		tm.tm_hour = hh;
		tm.tm_min = mm;
		tm.tm_sec = ss;
		ms = (int64_t)timegm(&tm) * 1000 - pake_now_ms();
		ms = ms < 0 ? 0 : ms > 60000 ? 60000 : ms;
	}
	if (ms < 0)
		ms = tr >= 6 ? 60000 : 1000LL << tr;
	return ms;
}

/* A header value must not end the line it is on. */
static int
hdr_ok(const char *v)
{
	return v == NULL || strpbrk(v, "\r\n") == NULL;
}

int
pake_fetch(const pake_fetch_req *q, pake_fetch_res *r, pake_err *e)
{
	long timeout = q->timeout_ms > 0 ? q->timeout_ms : 30000L;
	int retries = q->retries < 0 ? 0 : q->retries > 10 ? 10 : q->retries;
	int64_t deadline, wait;
	int tr, rc = 0;

	memset(r, 0, sizeof *r);
	if (q->url == NULL || !web_url(q->url) || strlen(q->url) >=
	    sizeof r->url)
		return pake_fail(e, PAKE_EINVAL, "Only http and https URLs "
		    "can be fetched", "%.200s", q->url ? q->url : "(none)");
	if (strpbrk(q->url, " \r\n\t") || !hdr_ok(q->accept) ||
	    !hdr_ok(q->bearer) || !hdr_ok(q->user_agent) ||
	    !hdr_ok(q->content_type) || !hdr_ok(q->if_none_match) ||
	    !hdr_ok(q->if_modified_since))
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID, "a line "
		    "break in the URL or a header value");
	if (q->rate_key && (q->rate_dir == NULL || *q->rate_dir == '\0' ||
	    q->rate_interval_ms < 0 || !pake_fetch_rate_key_ok(q->rate_key)))
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID, "rate key "
		    "%.40s: want [a-z0-9_-]{1,32}, a directory and an "
		    "interval", q->rate_key);
	pthread_once(&cl_once, cl_load);
	if (cl.h == NULL)
		return pake_fail(e, PAKE_EUNAVAIL, "Fetching needs libcurl "
		    "(libcurl4)", "%s", cl.why);
	deadline = mono_ms() + (int64_t)timeout * (retries + 1);
	for (tr = 0;; tr++) {
		if ((rc = one_try(q, timeout, r, e)))
			break;
		if ((r->status != 429 && r->status != 503) || tr >= retries)
			break;
		wait = retry_wait(r->retry_after, tr);
		if (mono_ms() + wait >= deadline)
			break;		/* the caller gets the 429 now */
		sleep_ms(wait);
	}
	if (rc == 0 && r->body.len > 0)
		pake_buf_putc(&r->body, '\0'), r->body.len--;
	if (rc != 0)
		pake_fetch_res_free(r);
	return rc;
}

void
pake_fetch_res_free(pake_fetch_res *r)
{
	pake_buf_free(&r->body);
	memset(r, 0, sizeof *r);
}
