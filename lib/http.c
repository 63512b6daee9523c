/*
 * http.c: the HTTP/1.1 server of pake-http: connections for both
 * activation modes, a strict request parser, a pool of contexts (one
 * database connection each, one request at a time), limits, deadlines
 * for slow clients, the access log and the metrics.  The routes live in
 * http_api.c.  See ARCHITECTURE.md §7.
 *
 * Why our own.  libmicrohttpd (0.9.75 in Debian 12) answers the errors it
 * finds itself (a negative or 20-digit Content-Length, with its status
 * line and headers sent twice; a huge chunk size; HTTP/0.9; the HTTP/2
 * preface; too many header fields) with compiled-in HTML, outside our
 * access log and metrics, and reads ambiguous framing leniently.  Here
 * every byte a client sends is judged by one parser, and every answer,
 * errors included, is the JSON envelope with a request id, logged and
 * counted.
 *
 * The request (RFC 9112), strictly: a request line "METHOD SP target SP
 * HTTP/1.x" ending in CRLF (empty lines before it are skipped); the
 * target in origin form ("*" for OPTIONS); header fields "name:" OWS
 * value OWS CRLF with a token name, nothing between the name and the
 * colon, no obs-fold line, no NUL or other control byte but HTAB; at
 * most HTTP_MAX_HEADERS fields and http.max_header_bytes of them (431);
 * a target of at most http.max_url_bytes (414).  Framing: Content-Length
 * digits only, given once; Transfer-Encoding only "chunked", never with
 * Content-Length, never in HTTP/1.0; HTTP/1.1 with exactly one Host.
 * Anything else is 400 (505 for another HTTP version) and the
 * connection closes after the answer, so no byte after it is read as a
 * request.  Bodies: Content-Length or chunked (sizes in hex, at most 16
 * digits, extensions and trailer fields bounded), at most
 * http.max_body_bytes (413); "Expect: 100-continue" is answered.
 *
 * Connections.  Accept=no (a listening socket): a worker thread per
 * 4 x cores, each with its own epoll set taking new connections in turn
 * (EPOLLEXCLUSIVE) and serving its connections' requests one at a time,
 * keep-alive and pipelining included.  Accept=yes: the one connection in
 * the calling thread; the process ends with it.  Deadlines: idle_timeout
 * from a connection's start or its last answer until a request's head is
 * complete, then read_timeout for the body; each worker closes those past
 * theirs every 200 ms (a client sending a byte a second gets no longer).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "pake/auth.h"
#include "pake/counters.h"
#include "pake/db.h"
#include "pake/http.h"
#include "pake/http_int.h"

#define POOL_MAX	64
#define CONN_MAX	4096	/* connections at once, all workers */
#define READ_CHUNK	16384
#define LINE_MAX_BYTES	1024	/* a chunk-size line or a trailer field */

enum state {
	S_HEAD,			/* reading a request's head */
	S_BODY,			/* Content-Length bytes to go */
	S_CHUNK_SIZE,		/* a chunk-size line */
	S_CHUNK_DATA,		/* chunk bytes to go */
	S_CHUNK_END,		/* the CRLF after a chunk */
	S_TRAILER,		/* trailer fields up to the empty line */
	S_DONE,			/* answered; close when written */
};

struct worker;

typedef struct hconn {
	struct hconn *next, *prev;
	struct worker *w;
	int fd;
	enum state state;
	char *in;		/* read, not yet consumed */
	size_t in_len, in_cap;
	char *out;		/* to write */
	size_t out_len, out_off;
	int64_t deadline_us;
	int closing;		/* close once out is written */
	int eof;		/* the client closed its side */
	int want_out;		/* EPOLLOUT registered */
	http_req *r;		/* the request whose body is being read */
	uint64_t left;		/* body or chunk bytes to go */
	size_t trailer_bytes;
	struct sockaddr_storage peer;
	socklen_t peer_len;
} hconn;

typedef struct worker {
	struct pake_http *h;
	int ep;
	pthread_t t;
	int started;
	hconn *conns;
	int64_t next_scan_us;
	time_t date_t;		/* the Date header, made once a second */
	char date[40];
} worker;

struct pake_http {
	const pake_config *cfg;
	pake_log *log;
	enum pake_http_mode mode;
	int64_t idle_us, read_us;
	size_t max_url, max_body, max_header;
	int lfd;		/* the listening socket, or -1 */
	int stopfd;		/* eventfd: the workers must stop */
	int sigfd;		/* Accept=yes: SIGTERM and SIGINT */
	pthread_mutex_t lock;
	pake_ctx *pool[POOL_MAX];
	int npool;
	worker *w;
	int nw;
	int nconns;		/* atomic */
	pake_counters *k;	/* metrics, or NULL */
};

/* epoll tags of the descriptors that are not connections. */
static char tag_listen, tag_stop, tag_signal;

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A pooled context with its own log record (the log carries the acting
 * tenant and request id, so it cannot be shared between threads). */
typedef struct pooled {
	pake_ctx c;
	pake_log log;
} pooled;

/* Check out a context (opening one when the pool is empty). */
static pake_ctx *
ctx_get(pake_http *h, pake_err *e)
{
	pake_ctx *c = NULL;
	pooled *p;

	pthread_mutex_lock(&h->lock);
	if (h->npool > 0)
		c = h->pool[--h->npool];
	pthread_mutex_unlock(&h->lock);
	if (c)
		return c;
	if ((p = calloc(1, sizeof *p)) == NULL) {
		pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		return NULL;
	}
	p->log = *h->log;
	if (pake_ctx_open_as(&p->c, h->cfg, &p->log, "default", e) != 0) {
		free(p);
		return NULL;
	}
	return &p->c;	/* first member: the pooled record's address */
}

static void
ctx_put(pake_http *h, pake_ctx *c)
{
	pthread_mutex_lock(&h->lock);
	if (h->npool < POOL_MAX) {
		h->pool[h->npool++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&h->lock);
	if (c) {
		pake_auth_close(c);
		free(c);
	}
}

void
http_text(http_req *r, int status, const char *ctype, char *text, size_t len)
{
	if (!r->out_static)
		free(r->out);
	r->out_static = 0;
	r->status = status;
	r->ctype = ctype;
	r->out = text;
	r->out_len = len;
}

int
http_none_match(const char *h, const char *t)
{
	size_t n = strlen(t), len;

	while (*h) {
		h += strspn(h, " \t,");
		if (*h == '*')
			return 1;
		if (strncmp(h, "W/", 2) == 0)
			h += 2;
		len = strcspn(h, ", \t");
		if (len == n && strncmp(h, t, n) == 0)
			return 1;
		h += len;
	}
	return 0;
}

void
http_static(http_req *r, int status, const char *ctype, const void *body,
    size_t len)
{
	http_text(r, status, ctype, NULL, 0);
	r->out = (char *)(uintptr_t)body;	/* only ever read */
	r->out_len = len;
	r->out_static = 1;
}

void
http_json(http_req *r, int status, cJSON *body)
{
	char *s = body ? cJSON_PrintUnformatted(body) : NULL;

	cJSON_Delete(body);
	if (s == NULL) {
		http_text(r, 500, "application/json", strdup("{\"error\":{"
		    "\"code\":\"internal\",\"message\":\"Out of memory\"}}"), 0);
		if (r->out)
			r->out_len = strlen(r->out);
		return;
	}
	http_text(r, status, "application/json", s, strlen(s));
}

void
http_error(http_req *r, const pake_err *e, pake_log *log)
{
	int code = e->code ? e->code : PAKE_EINTERNAL;
	cJSON *o = pake_err_envelope(e);

	if (e->retry_after > 0)
		r->retry_after = e->retry_after;
	cJSON_AddStringToObject(o, "request_id", r->rid);
	if (code == PAKE_EUNAUTH)
		r->www_auth = 1;
	if (e->detail[0]) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "request_id", r->rid);
		pake_log_fields(log, code == PAKE_EINTERNAL ||
		    code == PAKE_EUNAVAIL ? PAKE_LOG_ERROR : PAKE_LOG_DEBUG, f,
		    "%s %s: %s: %s", r->method, r->route[0] ? r->route : "-",
		    pake_code_name(code), e->detail);
		cJSON_Delete(f);
	}
	http_json(r, pake_code_http(code), o);
}

void
http_fail(http_req *r, int code, const char *msg, pake_log *log)
{
	pake_err e = {0};

	pake_fail(&e, code, msg, NULL);
	http_error(r, &e, log);
}

/* A usable request id: the client's X-Request-ID when it is short and
 * plain, else a fresh one. */
static void
request_id(http_req *r)
{
	const char *v = http_header(r, "X-Request-ID");
	size_t i, n;
	pake_err e;

	if (v && (n = strlen(v)) > 0 && n < sizeof r->rid) {
		for (i = 0; i < n; i++)
			if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' &&
			    v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9') ||
			    v[i] == '-' || v[i] == '_' || v[i] == '.'))
				break;
		if (i == n) {
			memcpy(r->rid, v, n + 1);
			return;
		}
	}
	if (pake_uuid4(r->rid, &e) != 0)
		snprintf(r->rid, sizeof r->rid, "%llx", (unsigned long long)now_us());
}

#define NBUCKETS (PAKE_COUNTERS_BUCKETS - 1)

/* The method as a metric label: a known one, else "other" (a client's
 * made-up method never becomes a series of its own). */
static const char *
method_label(const char *m)
{
	static const char *const known[] = {"GET", "HEAD", "POST", "PUT",
	    "PATCH", "DELETE", "OPTIONS"};
	size_t i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(m, known[i]) == 0)
			return known[i];
	return "other";
}

const char *
http_header(const http_req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nhdr; i++)
		if (strcasecmp(r->hdr[i].name, name) == 0)
			return r->hdr[i].value;
	return NULL;
}

const char *
http_arg(const http_req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->narg; i++)
		if (strcmp(r->arg[i].name, name) == 0)
			return r->arg[i].value;
	return NULL;
}

void
http_add_header(http_req *r, const char *name, const char *value)
{
	pake_buf_printf(&r->rh, "%s: %s\r\n", name, value);
}

/* RFC 9110 token characters. */
static int
tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != 0 && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s in place ("+" is a space when plus); a %00 sets *nul.
 * A '%' not followed by two hex digits stays as it is. */
static void
unescape(char *s, int plus, int *nul)
{
	char *o = s;
	int a, b;

	for (; *s; s++) {
		if (*s == '%' && (a = hexval(s[1])) >= 0 &&
		    (b = hexval(s[2])) >= 0) {
			if ((*o++ = (char)(a * 16 + b)) == '\0') {
				*nul = 1;
				o[-1] = '?';	/* never cut the string */
			}
			s += 2;
		} else if (plus && *s == '+')
			*o++ = ' ';
		else
			*o++ = *s;
	}
	*o = '\0';
}

/* The target: the path decoded, the query split into decoded parameters.
 * 0, or an HTTP status with *why. */
static int
parse_target(http_req *r, const char *t, size_t n, const char **why)
{
	char *p, *q, *eq;

	if ((r->target = malloc(n + 1)) == NULL) {
		*why = "Out of memory";
		return 500;
	}
	memcpy(r->target, t, n);
	r->target[n] = '\0';
	if ((q = strchr(r->target, '?')) != NULL)
		*q++ = '\0';
	unescape(r->target, 0, &r->nul);
	r->url = r->target;
	for (p = q; p && *p; p = q) {
		if ((q = strchr(p, '&')) != NULL)
			*q++ = '\0';
		if (*p == '\0')
			continue;
		if (r->narg == HTTP_MAX_ARGS) {
			*why = "Too many query parameters";
			return 400;
		}
		if ((eq = strchr(p, '=')) != NULL)
			*eq++ = '\0';
		unescape(p, 1, &r->nul);
		if (eq)
			unescape(eq, 1, &r->nul);
		r->arg[r->narg].name = p;
		r->arg[r->narg].value = eq ? eq : "";
		r->narg++;
	}
	return 0;
}

/* What the framing headers say. */
struct framing {
	int64_t length;		/* Content-Length, -1 when none */
	int chunked;
	int keep_alive;
	int expect;		/* 100-continue */
};

/* Does the comma-separated list v hold the token w (without case)? */
static int
has_token(const char *v, const char *w)
{
	size_t n = strlen(w), len;

	while (*v) {
		v += strspn(v, " \t,");
		len = strcspn(v, ",");
		while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
			len--;
		if (len == n && strncasecmp(v, w, n) == 0)
			return 1;
		v += strcspn(v, ",");
	}
	return 0;
}

/*
 * Parse the head r->head (len bytes up to and including the empty line)
 * in place.  0, or the HTTP status to refuse it with and *why.
 */
static int
parse_head(pake_http *h, http_req *r, size_t len, struct framing *f,
    const char **why)
{
	char *p = r->head, *end = r->head + len, *eol, *sp, *name, *v, *ve;
	size_t n, fields = 0;
	int ncl = 0, nte = 0, nhost = 0, st;
	const char *c;

	f->length = -1;
	f->chunked = f->expect = 0;
	if (memchr(r->head, '\0', len) != NULL) {
		*why = "NUL in the request head";
		return 400;
	}
	/* The request line. */
	eol = memchr(p, '\n', (size_t)(end - p));
	if (eol == NULL || eol == p || eol[-1] != '\r') {
		*why = "Malformed request line";
		return 400;
	}
	eol[-1] = '\0';
	for (n = 0; tchar((unsigned char)p[n]); n++)
		;
	if (n == 0 || n > 32 || p[n] != ' ') {
		*why = "Malformed request line";
		return 400;
	}
	p[n] = '\0';
	r->method = p;
	p += n + 1;
	for (n = 0; (unsigned char)p[n] > 0x20 && (unsigned char)p[n] < 0x7f;
	    n++)
		;
	if (n == 0 || p[n] != ' ') {
		*why = "Malformed request line";
		return 400;
	}
	if (n > h->max_url) {
		*why = "URI too long";
		return 414;
	}
	sp = p + n;
	*sp = '\0';
	v = sp + 1;
	if (strcmp(v, "HTTP/1.1") == 0)
		r->minor = 1;
	else if (strcmp(v, "HTTP/1.0") == 0)
		r->minor = 0;
	else if (strncmp(v, "HTTP/", 5) == 0 && v[5] >= '0' && v[5] <= '9' &&
	    ((v[6] == '.' && v[7] >= '0' && v[7] <= '9' && v[8] == '\0') ||
	    v[6] == '\0')) {
		*why = "HTTP version not supported";
		return 505;
	} else {
		*why = "Malformed request line";
		return 400;
	}
	if (!(p[0] == '/' || (n == 1 && p[0] == '*' &&
	    strcmp(r->method, "OPTIONS") == 0))) {
		*why = "The target must be a path";
		return 400;
	}
	if ((st = parse_target(r, p, n, why)) != 0)
		return st;
	/* The header fields. */
	for (p = eol + 1; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL || eol[-1] != '\r' || eol - 1 < p) {
			*why = "Malformed header field";
			return 400;
		}
		if (eol - 1 == p)		/* the empty line */
			break;
		if (*p == ' ' || *p == '\t') {
			*why = "Folded header field";
			return 400;
		}
		name = p;
		while (tchar((unsigned char)*p))
			p++;
		if (p == name || *p != ':') {
			*why = "Malformed header field";
			return 400;
		}
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		v = p;
		for (ve = eol - 1; p < ve; p++)
			if (((unsigned char)*p < 0x20 && *p != '\t') ||
			    *p == 0x7f) {
				*why = "Control character in a header field";
				return 400;
			}
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		*ve = '\0';
		fields += (size_t)(eol + 1 - name);
		if (r->nhdr == HTTP_MAX_HEADERS || fields > h->max_header) {
			*why = "Request header fields too large";
			return 431;
		}
		r->hdr[r->nhdr].name = name;
		r->hdr[r->nhdr].value = v;
		r->nhdr++;
		if (strcasecmp(name, "Content-Length") == 0) {
			ncl++;
			n = strlen(v);
			if (n == 0 || strspn(v, "0123456789") != n) {
				*why = "Bad Content-Length";
				return 400;
			}
			/* 19 digits fit; more is surely too large. */
			f->length = n > 18 ? INT64_MAX : strtoll(v, NULL, 10);
		} else if (strcasecmp(name, "Transfer-Encoding") == 0) {
			nte++;
			if (strcasecmp(v, "chunked") != 0) {
				*why = "Only the chunked transfer coding is "
				    "understood";
				return has_token(v, "chunked") ? 400 : 501;
			}
			f->chunked = 1;
		} else if (strcasecmp(name, "Host") == 0)
			nhost++;
	}
	/* Framing two parsers could read two ways (RFC 9112 6.1, 6.3). */
	if (ncl > 1 || nte > 1 || (ncl && nte) || (nte && r->minor == 0) ||
	    (r->minor == 1 && nhost != 1)) {
		*why = "Ambiguous request framing";
		return 400;
	}
	c = http_header(r, "Connection");
	f->keep_alive = r->minor == 1 ? !(c && has_token(c, "close")) :
	    (c && has_token(c, "keep-alive"));
	if ((c = http_header(r, "Expect")) != NULL) {
		if (strcasecmp(c, "100-continue") != 0) {
			*why = "Unknown expectation";
			return 417;
		}
		f->expect = r->minor == 1;
	}
	r->head_only = strcmp(r->method, "HEAD") == 0;
	return 0;
}

static const char *
reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 417: return "Expectation Failed";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

/* The Date header's value, made at most once a second. */
static const char *
date_of(worker *w)
{
	time_t t = time(NULL);
	struct tm tm;

	if (t != w->date_t && gmtime_r(&t, &tm) != NULL) {
		strftime(w->date, sizeof w->date, "%a, %d %b %Y %H:%M:%S GMT",
		    &tm);
		w->date_t = t;
	}
	return w->date;
}

static void
queue_out(hconn *k, const char *p, size_t n)
{
	char *bigger;

	if (k->out_off == k->out_len)
		k->out_off = k->out_len = 0;
	if (k->out_len + n > (size_t)-1 / 2)
		return;
	if ((bigger = realloc(k->out, k->out_len + n)) == NULL) {
		k->closing = 1;		/* out of memory: give up on it */
		return;
	}
	k->out = bigger;
	memcpy(k->out + k->out_len, p, n);
	k->out_len += n;
}

/* Log the request, count it, and queue the answer. */
static void
respond(hconn *k, http_req *r)
{
	pake_http *h = k->w->h;
	double ms = (double)(now_us() - r->t0_us) / 1000.0;
	int body = r->status != 204 && r->status != 304;
	pake_buf b = {0};
	int i;

	if (r->out == NULL)
		http_fail(r, PAKE_EINTERNAL, NULL, h->log);
	pake_buf_printf(&b, "HTTP/1.1 %d %s\r\nDate: %s\r\n", r->status,
	    reason(r->status), date_of(k->w));
	if (body)
		pake_buf_printf(&b, "Content-Type: %s\r\nContent-Length: %zu\r\n",
		    r->ctype ? r->ctype : "application/json", r->out_len);
	pake_buf_printf(&b, "X-Request-ID: %s\r\nCache-Control: %s\r\n"
	    "X-Content-Type-Options: nosniff\r\n", r->rid,
	    r->cache ? r->cache : "no-store");
	if (r->allow[0])
		pake_buf_printf(&b, "Allow: %s\r\n", r->allow);
	if (r->www_auth)
		pake_buf_puts(&b, "WWW-Authenticate: Bearer realm=\"pake\"\r\n");
	if (r->retry_after > 0)
		pake_buf_printf(&b, "Retry-After: %d\r\n", r->retry_after);
	if (r->nhdr)
		pake_http_cors(h->cfg, r);
	if (r->rh.len)
		pake_buf_put(&b, r->rh.p, r->rh.len);
	if (r->close)
		pake_buf_puts(&b, "Connection: close\r\n");
	else if (r->minor == 0)
		pake_buf_puts(&b, "Connection: keep-alive\r\n");
	pake_buf_puts(&b, "\r\n");
	if (body && !r->head_only && r->out_len)
		pake_buf_put(&b, r->out, r->out_len);
	if (b.oom)
		k->closing = 1;
	else
		queue_out(k, b.p, b.len);
	pake_buf_free(&b);
	if (h->log->level <= PAKE_LOG_INFO) {	/* the access log */
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "method", r->method);
		cJSON_AddStringToObject(f, "path", r->route[0] ? r->route : "-");
		cJSON_AddNumberToObject(f, "status", r->status);
		cJSON_AddNumberToObject(f, "bytes", (double)r->out_len);
		cJSON_AddNumberToObject(f, "ms", ms);
		cJSON_AddStringToObject(f, "request_id", r->rid);
		if (r->tenant)
			cJSON_AddStringToObject(f, "tenant", r->tenant);
		pake_log_fields(h->log, PAKE_LOG_INFO, f, "%s %s %d", r->method,
		    r->route[0] ? r->route : "-", r->status);
		cJSON_Delete(f);
	}
	for (i = 0; i < NBUCKETS && ms > pake_counters_bucket_ms[i]; i++)
		;
	/* Counted in the shared counters file, never in a database: a read
	 * writes nothing (ARCHITECTURE.md §4). */
	if (h->k) {
		pake_counters_http(h->k, r->route[0] ? r->route : "unmatched",
		    method_label(r->method), r->status, i,
		    (uint64_t)(ms * 1000));
		pake_counters_minute(h->k, pake_now_ms(), r->status,
		    (uint64_t)(ms * 1000));
	}
}

static void
req_free(http_req *r)
{
	if (r == NULL)
		return;
	pake_buf_free(&r->body);
	pake_buf_free(&r->rh);
	if (!r->out_static)
		free(r->out);
	free(r->head);
	free(r->target);
	free(r);
}

static http_req *
req_new(hconn *k)
{
	http_req *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	r->t0_us = now_us();
	r->method = "-";
	r->minor = 1;
	if (k->peer_len > 0)
		r->peer = (const struct sockaddr *)&k->peer;
	return r;
}

/* Answer a request that cannot be served with the envelope, and close
 * the connection after it: nothing after a bad head is read as a
 * request.  r may be NULL (nothing parsed) and is freed. */
static void
refuse(hconn *k, http_req *r, int status, const char *why)
{
	pake_http *h = k->w->h;
	int code = status == 413 ? PAKE_ETOOBIG : status >= 500 &&
	    status != 505 && status != 501 ? PAKE_EINTERNAL : PAKE_EINVAL;

	if (r == NULL && (r = req_new(k)) == NULL) {
		k->closing = 1;
		return;
	}
	if (r->rid[0] == '\0')
		request_id(r);
	http_fail(r, code, code == PAKE_ETOOBIG ? NULL : why, h->log);
	r->status = status;
	r->close = 1;
	respond(k, r);
	if (k->r == r)
		k->r = NULL;
	req_free(r);
	k->state = S_DONE;
	k->closing = 1;
}

/* A request is complete: serve it. */
static void
serve(hconn *k, http_req *r)
{
	pake_http *h = k->w->h;
	pake_err e = {0};
	http_api a;

	k->r = NULL;
	k->deadline_us = 0;		/* handling, not reading */
	if (r->nul) {
		http_fail(r, PAKE_ESECURITY, NULL, h->log);
		respond(k, r);
	} else if (r->body.oom) {
		http_fail(r, PAKE_ETOOBIG, NULL, h->log);
		r->close = 1;
		respond(k, r);
	} else {
		memset(&a, 0, sizeof a);
		a.r = r;
		a.cfg = h->cfg;
		if ((a.c = ctx_get(h, &e)) == NULL) {
			pake_fail(&e, PAKE_EUNAVAIL, NULL, "%s", e.detail);
			http_error(r, &e, h->log);
			respond(k, r);
		} else {
			a.log = a.c->log;	/* this request's own record */
			pake_http_dispatch(&a);
			respond(k, r);
			ctx_put(h, a.c);
		}
	}
	if (r->close) {
		k->state = S_DONE;
		k->closing = 1;
	} else {
		k->state = S_HEAD;
		k->deadline_us = now_us() + h->idle_us;
	}
	req_free(r);
}

static void
consume(hconn *k, size_t n)
{
	memmove(k->in, k->in + n, k->in_len - n);
	k->in_len -= n;
}

/* Body bytes from the input: Content-Length or chunk data. */
static void
take_body(hconn *k)
{
	size_t n = k->in_len < k->left ? k->in_len : (size_t)k->left;

	pake_buf_put(&k->r->body, k->in, n);
	consume(k, n);
	k->left -= n;
}

/* The line at the start of the input ("\r\n" ended): its length without
 * the CRLF, or -1 when it is not all here yet (-2: too long or bare LF). */
static long
line_len(hconn *k)
{
	char *nl = memchr(k->in, '\n', k->in_len);

	if (nl == NULL)
		return k->in_len > LINE_MAX_BYTES ? -2 : -1;
	if (nl == k->in || nl[-1] != '\r' || nl - k->in > LINE_MAX_BYTES)
		return -2;
	return (long)(nl - 1 - k->in);
}

/* A new request's head is in: parse it and start its body. */
static void
start_request(hconn *k, size_t head_len)
{
	pake_http *h = k->w->h;
	struct framing f;
	const char *why = NULL;
	http_req *r;
	int st;

	if ((r = req_new(k)) == NULL || (r->head = malloc(head_len + 1)) ==
	    NULL) {
		req_free(r);
		refuse(k, NULL, 500, "Out of memory");
		return;
	}
	memcpy(r->head, k->in, head_len);
	r->head[head_len] = '\0';
	consume(k, head_len);
	if ((st = parse_head(h, r, head_len, &f, &why)) != 0) {
		refuse(k, r, st, why);
		return;
	}
	request_id(r);
	r->close = !f.keep_alive;
	if (f.length > 0 && (uint64_t)f.length > h->max_body) {
		refuse(k, r, 413, NULL);	/* not read at all */
		return;
	}
	k->r = r;
	if (f.chunked)
		k->state = S_CHUNK_SIZE;
	else if (f.length > 0) {
		k->state = S_BODY;
		k->left = (uint64_t)f.length;
	} else {
		serve(k, r);
		return;
	}
	k->trailer_bytes = 0;
	k->deadline_us = now_us() + h->read_us;
	if (f.expect && k->in_len == 0)
		queue_out(k, "HTTP/1.1 100 Continue\r\n\r\n", 25);
}

static int flush_out(hconn *k);

/* Work through the input: heads, bodies, chunks, answers, written as
 * they come (pipelined requests are answered in order; while an answer
 * waits for the socket, no further request is read).  -1: the
 * connection is gone. */
static int
conn_process(hconn *k)
{
	pake_http *h = k->w->h;
	char *end, *p;
	uint64_t size;
	long n;
	int digits;

	for (;;) {
		if (k->out_off < k->out_len && flush_out(k) != 0)
			return -1;
		if (k->out_off < k->out_len || k->closing)
			return 0;
		switch (k->state) {
		case S_HEAD:
			/* Empty lines before a request are skipped. */
			while (k->in_len >= 2 && k->in[0] == '\r' &&
			    k->in[1] == '\n')
				consume(k, 2);
			if (k->in_len == 0)
				return 0;
			if ((end = memmem(k->in, k->in_len, "\r\n\r\n", 4)) ==
			    NULL) {
				/* A bare LF would never end the head. */
				for (p = k->in; (p = memchr(p, '\n', k->in_len -
				    (size_t)(p - k->in))) != NULL; p++)
					if (p == k->in || p[-1] != '\r')
						break;
				if (p != NULL) {
					refuse(k, NULL, 400, "Malformed "
					    "request head");
					break;
				}
				if (k->in_len > h->max_url + h->max_header +
				    1024) {
					if (memchr(k->in, '\n', k->in_len))
						refuse(k, NULL, 431, "Request "
						    "header fields too large");
					else
						refuse(k, NULL, 414,
						    "URI too long");
				}
				return 0;
			}
			start_request(k, (size_t)(end + 4 - k->in));
			break;
		case S_BODY:
			take_body(k);
			if (k->left > 0)
				return 0;
			serve(k, k->r);
			break;
		case S_CHUNK_SIZE:
			if ((n = line_len(k)) == -1)
				return 0;
			p = k->in;
			for (size = 0, digits = 0; n > 0 && hexval(*p) >= 0 &&
			    p < k->in + n; p++, digits++)
				size = size * 16 + (uint64_t)hexval(*p);
			if (n < 0 || digits == 0 || digits > 16 ||
			    (p < k->in + n && *p != ';' && *p != ' ' &&
			    *p != '\t')) {
				refuse(k, k->r, 400, "Malformed chunk size");
				break;
			}
			if (size > h->max_body - k->r->body.len) {
				refuse(k, k->r, 413, NULL);
				break;
			}
			consume(k, (size_t)n + 2);
			k->left = size;
			k->state = size ? S_CHUNK_DATA : S_TRAILER;
			break;
		case S_CHUNK_DATA:
			take_body(k);
			if (k->left > 0)
				return 0;
			k->state = S_CHUNK_END;
			break;
		case S_CHUNK_END:
			if (k->in_len < 2)
				return 0;
			if (k->in[0] != '\r' || k->in[1] != '\n') {
				refuse(k, k->r, 400, "Malformed chunk");
				break;
			}
			consume(k, 2);
			k->state = S_CHUNK_SIZE;
			break;
		case S_TRAILER:
			if ((n = line_len(k)) == -1)
				return 0;
			if (n == 0) {
				consume(k, 2);
				serve(k, k->r);
				break;
			}
			k->trailer_bytes += (size_t)n + 2;
			if (n < 0 || memchr(k->in, '\0', (size_t)n) ||
			    k->trailer_bytes > h->max_header) {
				refuse(k, k->r, n < 0 ? 400 : 431,
				    "Malformed trailer");
				break;
			}
			consume(k, (size_t)n + 2);	/* trailers are dropped */
			break;
		case S_DONE:
			return 0;
		}
	}
}

static void
watch(hconn *k, int out)
{
	struct epoll_event ev;

	if (out == k->want_out)
		return;
	memset(&ev, 0, sizeof ev);
	/* While an answer waits for the socket nothing more is read, so
	 * only EPOLLOUT: a level-triggered EPOLLIN would spin meanwhile. */
	ev.events = out ? EPOLLOUT : EPOLLIN;
	ev.data.ptr = k;
	epoll_ctl(k->w->ep, EPOLL_CTL_MOD, k->fd, &ev);
	k->want_out = out;
}

static void
conn_close(hconn *k)
{
	worker *w = k->w;

	if (k->prev)
		k->prev->next = k->next;
	else
		w->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	close(k->fd);			/* leaves the epoll set too */
	req_free(k->r);
	free(k->in);
	free(k->out);
	free(k);
	__atomic_sub_fetch(&w->h->nconns, 1, __ATOMIC_RELAXED);
}

/* Write what is queued.  -1: the connection is gone. */
static int
flush_out(hconn *k)
{
	ssize_t n;

	while (k->out_off < k->out_len) {
		n = send(k->fd, k->out + k->out_off, k->out_len - k->out_off,
		    MSG_NOSIGNAL);
		if (n < 0 && errno == ENOTSOCK)
			n = write(k->fd, k->out + k->out_off,
			    k->out_len - k->out_off);
		if (n > 0) {
			k->out_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			watch(k, 1);
			return 0;
		}
		return -1;
	}
	k->out_off = k->out_len = 0;
	watch(k, 0);
	return 0;
}

/* After a last answer: no more writing, and what the client still
 * sends is read and dropped for a moment, so that closing does not
 * reset the connection before the client has read the answer. */
static void
linger(hconn *k)
{
	shutdown(k->fd, SHUT_WR);
	k->state = S_DONE;
	k->closing = 2;
	k->deadline_us = now_us() + 1000000;
}

static void
conn_event(hconn *k, uint32_t events)
{
	pake_http *h = k->w->h;
	char drop[4096];
	size_t want;
	ssize_t n;
	char *bigger;
	int rounds;

	if (events & EPOLLOUT && flush_out(k) != 0) {
		conn_close(k);
		return;
	}
	if (k->closing == 2) {		/* lingering: drain until EOF */
		while ((n = read(k->fd, drop, sizeof drop)) > 0)
			;
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			conn_close(k);
		return;
	}
	for (rounds = 0; rounds < 16 && !k->eof && !k->closing &&
	    (events & (EPOLLIN | EPOLLHUP | EPOLLERR)); rounds++) {
		if (k->in_cap - k->in_len < READ_CHUNK / 2) {
			want = k->in_len + READ_CHUNK;
			if ((bigger = realloc(k->in, want)) == NULL) {
				conn_close(k);
				return;
			}
			k->in = bigger;
			k->in_cap = want;
		}
		n = read(k->fd, k->in + k->in_len, k->in_cap - k->in_len);
		if (n == 0)
			k->eof = 1;
		else if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			conn_close(k);
			return;
		} else
			k->in_len += (size_t)n;
		if (conn_process(k) != 0) {
			conn_close(k);
			return;
		}
		/* Pipelined requests waiting on a full socket: later. */
		if (k->out_off < k->out_len)
			break;
	}
	if (events & EPOLLOUT && conn_process(k) != 0) {
		conn_close(k);
		return;
	}
	if (k->out_off < k->out_len && flush_out(k) != 0) {
		conn_close(k);
		return;
	}
	if (k->out_off < k->out_len)
		return;			/* EPOLLOUT will bring us back */
	if (k->closing)
		linger(k);
	else if (k->eof)
		conn_close(k);
	(void)h;
}

static hconn *
conn_add(worker *w, int fd, const struct sockaddr_storage *ss, socklen_t sl)
{
	struct epoll_event ev;
	int one = 1;
	hconn *k;

	if ((k = calloc(1, sizeof *k)) == NULL) {
		close(fd);
		return NULL;
	}
	k->w = w;
	k->fd = fd;
	k->state = S_HEAD;
	k->deadline_us = now_us() + w->h->idle_us;
	if (ss && sl > 0 && sl <= sizeof k->peer) {
		memcpy(&k->peer, ss, sl);
		k->peer_len = sl;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.ptr = k;
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		close(fd);
		free(k);
		return NULL;
	}
	k->next = w->conns;
	if (w->conns)
		w->conns->prev = k;
	w->conns = k;
	__atomic_add_fetch(&w->h->nconns, 1, __ATOMIC_RELAXED);
	return k;
}

/* New connections from the listening socket, a few at a time so that
 * the other workers get theirs. */
static void
accept_some(worker *w)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int i, fd;

	for (i = 0; i < 16; i++) {
		sl = sizeof ss;
		fd = accept4(w->h->lfd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (__atomic_load_n(&w->h->nconns, __ATOMIC_RELAXED) >=
		    CONN_MAX) {
			close(fd);
			continue;
		}
		conn_add(w, fd, &ss, sl);
	}
}

/* Close the connections past their deadline: slow clients, idle ones,
 * and lingering ones whose moment is over. */
static void
scan(worker *w)
{
	int64_t t = now_us();
	hconn *k, *next;

	if (t < w->next_scan_us)
		return;
	w->next_scan_us = t + 200000;
	for (k = w->conns; k; k = next) {
		next = k->next;
		if (k->deadline_us && t > k->deadline_us)
			conn_close(k);
	}
}

/* The event loop of a worker; once: one round without waiting. */
static void
worker_loop(worker *w, int once)
{
	struct epoll_event ev[64];
	int i, n;

	for (;;) {
		n = epoll_wait(w->ep, ev, 64, once ? 0 : 200);
		for (i = 0; i < n; i++) {
			void *tag = ev[i].data.ptr;
			if (tag == &tag_listen)
				accept_some(w);
			else if (tag == &tag_stop || tag == &tag_signal)
				return;
			else
				conn_event(tag, ev[i].events);
		}
		scan(w);
		if (once)
			return;
		if (w->h->mode == PAKE_HTTP_CONNECTION && w->conns == NULL)
			return;
	}
}

static void *
worker_main(void *arg)
{
	worker_loop(arg, 0);
	return NULL;
}

static int
watch_fd(worker *w, int fd, void *tag, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof ev);
	ev.events = events;
	ev.data.ptr = tag;
	return epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev);
}

static void
http_free(pake_http *h)
{
	int i;

	for (i = 0; i < h->nw; i++) {
		while (h->w[i].conns)
			conn_close(h->w[i].conns);
		if (h->w[i].ep >= 0)
			close(h->w[i].ep);
	}
	free(h->w);
	if (h->stopfd >= 0)
		close(h->stopfd);
	if (h->sigfd >= 0)
		close(h->sigfd);
	for (i = 0; i < h->npool; i++) {
		pake_auth_close(h->pool[i]);
		free(h->pool[i]);
	}
	pake_counters_close(h->k);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

int
pake_http_start(pake_http **out, const pake_config *cfg, pake_log *log, int fd,
    enum pake_http_mode mode, pake_err *e)
{
	const char *db = pake_config_str(cfg, PAKE_CFG_DB);
	long threads = pake_config_num(cfg, PAKE_CFG_HTTP_THREADS);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	pake_err ke = {0};
	char path[4096];
	sigset_t set;
	pake_http *h;
	int i;

	*out = NULL;
	/* Serve an installation, never make one (pake-init.service does). */
	if (pake_db_present(db, e) != 0)
		return e->code;
	if ((h = calloc(1, sizeof *h)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	h->cfg = cfg;
	h->log = log;
	h->mode = mode;
	h->lfd = h->stopfd = h->sigfd = -1;
	h->idle_us = pake_config_num(cfg, PAKE_CFG_HTTP_IDLE) * 1000000LL;
	h->read_us = pake_config_num(cfg, PAKE_CFG_HTTP_READ) * 1000000LL;
	h->max_url = (size_t)pake_config_num(cfg, PAKE_CFG_HTTP_MAX_URL);
	h->max_header = (size_t)pake_config_num(cfg, PAKE_CFG_HTTP_MAX_HEADER);
	h->max_body = (size_t)pake_config_num(cfg, PAKE_CFG_HTTP_MAX_BODY);
	pthread_mutex_init(&h->lock, NULL);
	/* The metrics go to the counters file beside the database. */
	if ((size_t)snprintf(path, sizeof path, "%s-counters", db) <
	    sizeof path && pake_counters_open(&h->k, path, &ke) != 0)
		pake_log_msg(log, PAKE_LOG_WARN, "metrics not counted: %s",
		    ke.detail);
	/* Four workers a core: a worker waits in SQLite's file locks and
	 * reads now and then, and with one a core the others stood idle
	 * meanwhile (32,000 against 47,000 requests a second on two cores). */
	if (threads <= 0)
		threads = 4 * (sysconf(_SC_NPROCESSORS_ONLN) > 0 ?
		    sysconf(_SC_NPROCESSORS_ONLN) : 2);
	if (threads > POOL_MAX)
		threads = POOL_MAX;
	h->nw = mode == PAKE_HTTP_LISTEN ? (int)threads : 1;
	if ((h->w = calloc((size_t)h->nw, sizeof *h->w)) == NULL ||
	    (h->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
		goto fail;
	for (i = 0; i < h->nw; i++) {
		h->w[i].h = h;
		if ((h->w[i].ep = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
		    watch_fd(&h->w[i], h->stopfd, &tag_stop, EPOLLIN) != 0)
			goto fail;
	}
	if (mode == PAKE_HTTP_LISTEN) {
		h->lfd = fd;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		for (i = 0; i < h->nw; i++)
			if (watch_fd(&h->w[i], fd, &tag_listen,
			    EPOLLIN | EPOLLEXCLUSIVE) != 0)
				goto fail;
		for (i = 0; i < h->nw; i++) {
			if (pthread_create(&h->w[i].t, NULL, worker_main,
			    &h->w[i]) != 0)
				goto fail;
			h->w[i].started = 1;
		}
	} else if (mode == PAKE_HTTP_CONNECTION) {
		/* SIGTERM and SIGINT are blocked (pake-http.c): read them. */
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		if ((h->sigfd = signalfd(-1, &set, SFD_CLOEXEC |
		    SFD_NONBLOCK)) < 0 ||
		    watch_fd(&h->w[0], h->sigfd, &tag_signal, EPOLLIN) != 0)
			goto fail;
		memset(&ss, 0, sizeof ss);
		if (getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
			sl = 0;
		if (conn_add(&h->w[0], fd, &ss, sl) == NULL)
			goto fail;
	}
	*out = h;
	return 0;
fail:
	pake_fail(e, PAKE_EUNAVAIL, NULL, "cannot start the HTTP server: %s",
	    strerror(errno));
	if (h->w && h->stopfd >= 0) {
		uint64_t one = 1;
		if (write(h->stopfd, &one, sizeof one) < 0)
			(void)0;
		for (i = 0; i < h->nw; i++)
			if (h->w[i].started)
				pthread_join(h->w[i].t, NULL);
	}
	if (h->w == NULL)
		h->nw = 0;
	http_free(h);
	return e->code;
}

void
pake_http_run(pake_http *h)
{
	uint64_t one = 1;
	sigset_t set;
	int sig, i;

	if (h->mode == PAKE_HTTP_CONNECTION)
		worker_loop(&h->w[0], 0);	/* until it closes, or a signal */
	else if (h->mode == PAKE_HTTP_LISTEN) {
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		sigwait(&set, &sig);
		pake_log_msg(h->log, PAKE_LOG_INFO, "stopping on signal %d", sig);
		if (write(h->stopfd, &one, sizeof one) < 0)
			pake_log_msg(h->log, PAKE_LOG_WARN, "stop: %s",
			    strerror(errno));
		for (i = 0; i < h->nw; i++)
			if (h->w[i].started)
				pthread_join(h->w[i].t, NULL);
	}
	http_free(h);
}

int
pake_http_add(pake_http *h, int fd, pake_err *e)
{
	if (h->mode != PAKE_HTTP_DRIVEN)
		return pake_fail(e, PAKE_EINTERNAL, NULL, "not driven");
	if (conn_add(&h->w[0], fd, NULL, 0) == NULL)
		return pake_fail(e, PAKE_EUNAVAIL, NULL, "cannot serve fd %d",
		    fd);
	return 0;
}

void
pake_http_step(pake_http *h)
{
	worker_loop(&h->w[0], 1);
}

void
pake_http_stop(pake_http *h)
{
	http_free(h);
}
