/*
 * fetch.c: one HTTP(S) request through libcurl, bounded (include/pake/
 * fetch.h).
 *
 * libcurl is loaded at the first request (dlopen, once per process), not
 * linked: every pake program links the write path, which may ask an
 * embeddings provider, and linking libcurl cost 3.5 ms at each start of
 * every program (it pulls in TLS, HTTP/2, LDAP, ...), most of which never
 * fetch anything.  Bounds: http and https only (also after curl parses the
 * URL), no redirect followed, a connect and a total timeout, the answer's
 * body cut at max_bytes (the transfer is aborted, the caller gets
 * unavailable), no signals (curl's resolver timeouts use none with
 * CURLOPT_NOSIGNAL, so threads of pake-http are safe).
 */
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
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

struct sink {
	pake_fetch_res *r;
	size_t max;
	int over;
};

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;

	if (s->r->body.len + len > s->max) {
		s->over = 1;
		return 0;		/* aborts the transfer */
	}
	pake_buf_put(&s->r->body, p, len);
	return len;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	pake_fetch_res *r = arg;
	size_t len = size * n, k = sizeof "retry-after:" - 1, i;

	if (len > k && strncasecmp(p, "retry-after:", k) == 0) {
		for (p += k, len -= k; len && (*p == ' ' || *p == '\t');
		    p++, len--)
			;
		for (i = 0; i < len && i + 1 < sizeof r->retry_after &&
		    p[i] != '\r' && p[i] != '\n'; i++)
			r->retry_after[i] = p[i];
		r->retry_after[i] = '\0';
	}
	return size * n;
}

/* The URL's scheme is http or https. */
static int
web_url(const char *u)
{
	return strncasecmp(u, "http://", 7) == 0 ||
	    strncasecmp(u, "https://", 8) == 0;
}

int
pake_fetch(const pake_fetch_req *q, pake_fetch_res *r, pake_err *e)
{
	struct curl_slist *hdr = NULL;
	struct sink s;
	char line[600];
	CURLcode cc;
	CURL *h;
	int rc = 0;

	memset(r, 0, sizeof *r);
	if (q->url == NULL || !web_url(q->url) || strlen(q->url) > 4096)
		return pake_fail(e, PAKE_EINVAL, "Only http and https URLs "
		    "can be fetched", "%.200s", q->url ? q->url : "(none)");
	pthread_once(&cl_once, cl_load);
	if (cl.h == NULL)
		return pake_fail(e, PAKE_EUNAVAIL, "Fetching needs libcurl "
		    "(libcurl4)", "%s", cl.why);
	if ((h = cl.init()) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	s.r = r;
	s.max = q->max_bytes ? q->max_bytes : PAKE_FETCH_MAX_DEFAULT;
	s.over = 0;
	cl.setopt(h, CURLOPT_URL, q->url);
	cl.setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	cl.setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	cl.setopt(h, CURLOPT_NOSIGNAL, 1L);
	cl.setopt(h, CURLOPT_TIMEOUT_MS, q->timeout_ms > 0 ? q->timeout_ms :
	    30000L);
	cl.setopt(h, CURLOPT_CONNECTTIMEOUT_MS, q->connect_ms > 0 ?
	    q->connect_ms : 5000L);
	cl.setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	cl.setopt(h, CURLOPT_WRITEDATA, &s);
	cl.setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	cl.setopt(h, CURLOPT_HEADERDATA, r);
	cl.setopt(h, CURLOPT_USERAGENT, "pake");
	cl.setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	hdr = cl.slist_append(hdr, "Accept: application/json");
	if (q->bearer) {
		snprintf(line, sizeof line, "Authorization: Bearer %.500s",
		    q->bearer);
		hdr = cl.slist_append(hdr, line);
	}
	if (q->body) {
		snprintf(line, sizeof line, "Content-Type: %.200s",
		    q->content_type ? q->content_type : "application/json");
		hdr = cl.slist_append(hdr, line);
		cl.setopt(h, CURLOPT_POSTFIELDS, q->body);
		cl.setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)q->body_len);
	}
	cl.setopt(h, CURLOPT_HTTPHEADER, hdr);
	cc = cl.perform(h);
	if (s.over)
		rc = pake_fail(e, PAKE_EUNAVAIL, "The service's answer is too "
		    "large", "more than %zu bytes from %.200s", s.max, q->url);
	else if (cc != CURLE_OK)
		rc = pake_fail(e, PAKE_EUNAVAIL, "The service did not answer",
		    "%.200s: %s", q->url, cl.strerror(cc));
	else
		cl.getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	cl.cleanup(h);
	cl.slist_free_all(hdr);
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
