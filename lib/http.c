/*
 * http.c: the server mechanics: libmicrohttpd setup for both activation
 * modes, a pool of contexts (one database connection each, one request at
 * a time), limits, the slow-client watchdog, the access log and the
 * metrics.  The routes live in http_api.c.
 *
 * Limits.  Headers larger than http.max_header_bytes are refused by
 * libmicrohttpd itself (431) because its per-connection memory pool is
 * sized from that figure; the URL (414) and the body (413) are checked
 * here; JSON nesting (400) in http_api.c.
 *
 * Slow clients.  libmicrohttpd's connection timeout restarts at every byte,
 * so a client that sends one byte a second would hold a connection (and,
 * under Accept=yes, a whole process) forever.  Each connection therefore
 * has a deadline: idle_timeout from its start or from the end of its last
 * response until the next request's headers are complete, then
 * read_timeout for the body.  A watchdog thread shuts down the socket of
 * any connection past its deadline; libmicrohttpd then closes it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "pake/auth.h"
#include "pake/counters.h"
#include "pake/http.h"
#include "pake/http_int.h"

#define POOL_MAX	64

/* A live connection, for the watchdog. */
typedef struct conn {
	struct conn *next, *prev;
	int fd;
	int64_t deadline_us;	/* 0: none (a handler is running) */
	int nul;		/* the request's target decoded to a NUL */
} conn;

struct pake_http {
	struct MHD_Daemon *d;
	const pake_config *cfg;
	pake_log *log;
	enum pake_http_mode mode;
	int64_t idle_us, read_us;
	size_t max_url, max_body, max_header;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* a connection ended */
	pthread_cond_t wake;		/* the watchdog must stop */
	pake_ctx *pool[POOL_MAX];
	int npool;
	conn *conns;
	int nconns, served_conns;
	int stop;
	int has_watchdog;		/* not in PAKE_HTTP_DRIVEN */
	pthread_t watchdog;
};

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

/* Set a connection's deadline (0 clears it).  An atomic store, no lock:
 * only the connection's own thread writes it and frees it (under the
 * lock, in on_connection), and the watchdog reads it under the lock. */
static void
deadline(pake_http *h, conn *k, int64_t in_us)
{
	(void)h;
	if (k != NULL)
		__atomic_store_n(&k->deadline_us, in_us ? now_us() + in_us : 0,
		    __ATOMIC_RELAXED);
}

/* The absolute CLOCK_REALTIME time ms from now, for a timed wait. */
static struct timespec
in_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Every 200 ms, shut the sockets of connections past their deadline; a
 * stop wakes it at once (the process must not linger after its last
 * connection: under Accept=yes there is one process per connection). */
static void *
watchdog(void *arg)
{
	pake_http *h = arg;
	struct timespec until;
	int64_t t;
	conn *k;

	for (;;) {
		pthread_mutex_lock(&h->lock);
		until = in_ms(200);
		while (!h->stop && pthread_cond_timedwait(&h->wake, &h->lock,
		    &until) == 0)
			;
		if (h->stop) {
			pthread_mutex_unlock(&h->lock);
			return NULL;
		}
		t = now_us();
		for (k = h->conns; k; k = k->next) {
			int64_t d = __atomic_load_n(&k->deadline_us,
			    __ATOMIC_RELAXED);
			if (d && t > d) {
				shutdown(k->fd, SHUT_RDWR);
				__atomic_store_n(&k->deadline_us, 0,
				    __ATOMIC_RELAXED);
			}
		}
		pthread_mutex_unlock(&h->lock);
	}
}

/* libmicrohttpd tells us of every connection's start and end. */
static void
on_connection(void *cls, struct MHD_Connection *connection,
    void **socket_context, enum MHD_ConnectionNotificationCode toe)
{
	const union MHD_ConnectionInfo *ci;
	pake_http *h = cls;
	conn *k;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		if ((k = calloc(1, sizeof *k)) == NULL)
			return;
		ci = MHD_get_connection_info(connection,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		k->fd = ci ? ci->connect_fd : -1;
		k->deadline_us = now_us() + h->idle_us;
		pthread_mutex_lock(&h->lock);
		k->next = h->conns;
		if (h->conns)
			h->conns->prev = k;
		h->conns = k;
		h->nconns++;
		pthread_mutex_unlock(&h->lock);
		*socket_context = k;
		return;
	}
	k = *socket_context;
	pthread_mutex_lock(&h->lock);
	if (k) {
		if (k->prev)
			k->prev->next = k->next;
		else
			h->conns = k->next;
		if (k->next)
			k->next->prev = k->prev;
		h->nconns--;
	}
	h->served_conns++;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	free(k);
	*socket_context = NULL;
}

static conn *
conn_of(struct MHD_Connection *connection)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(connection,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

void
http_text(http_req *r, int status, const char *ctype, char *text, size_t len)
{
	free(r->out);
	r->status = status;
	r->ctype = ctype;
	r->out = text;
	r->out_len = len;
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
	cJSON *o = cJSON_CreateObject(), *err;

	err = cJSON_AddObjectToObject(o, "error");
	cJSON_AddStringToObject(err, "code", pake_code_name(code));
	cJSON_AddStringToObject(err, "message", e->msg ? e->msg :
	    pake_code_message(code));
	/* A schema failure names the field of the client's own input. */
	if (code == PAKE_EINVAL && e->detail[0] && strchr(e->detail, ':') &&
	    !strchr(e->detail, '/'))
		cJSON_AddStringToObject(err, "detail", e->detail);
	if (e->retry_after > 0) {
		cJSON_AddNumberToObject(err, "retry_after", e->retry_after);
		r->retry_after = e->retry_after;
	}
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
	const char *v = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    "X-Request-ID");
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

/* The latency buckets of the histogram, in milliseconds. */
static const double buckets_ms[] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500,
	1000, 2500, 5000};
#define NBUCKETS ((int)(sizeof buckets_ms / sizeof buckets_ms[0]))

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

/* Log the request, count it, and queue the answer. */
static enum MHD_Result
respond(pake_http *h, http_req *r, pake_ctx *c)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	double ms = (double)(now_us() - r->t0_us) / 1000.0;
	pake_counters *k;
	pake_err e = {0};
	char num[32];
	int b;

	if (r->out == NULL)
		http_fail(r, PAKE_EINTERNAL, NULL, h->log);
	resp = MHD_create_response_from_buffer(r->out_len, r->out,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL)
		return MHD_NO;
	r->out = NULL;
	MHD_add_response_header(resp, "Content-Type", r->ctype ? r->ctype :
	    "application/json");
	MHD_add_response_header(resp, "X-Request-ID", r->rid);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (r->allow[0])
		MHD_add_response_header(resp, "Allow", r->allow);
	if (r->www_auth)
		MHD_add_response_header(resp, "WWW-Authenticate",
		    "Bearer realm=\"pake\"");
	if (r->close)
		MHD_add_response_header(resp, "Connection", "close");
	if (r->retry_after > 0) {
		snprintf(num, sizeof num, "%d", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", num);
	}
	pake_http_cors(h->cfg, r, resp);
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
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
	for (b = 0; b < NBUCKETS && ms > buckets_ms[b]; b++)
		;
	/* Counted in the shared counters file, never in a database: a read
	 * writes nothing (ARCHITECTURE.md §4). */
	if (c && (k = pake_ctx_counters(c, &e)) != NULL)
		pake_counters_http(k, r->route[0] ? r->route : "unmatched",
		    method_label(r->method), r->status, b, (uint64_t)(ms * 1000));
	else if (c)
		pake_log_msg(h->log, PAKE_LOG_WARN, "metrics not counted: %s",
		    e.detail);
	return ret;
}

/*
 * Framing that two parsers could read two ways is refused before anything
 * is served (RFC 9112 5.1, 6.1, 6.3): a header name with white space in it
 * ("Content-Length : 5"), a NUL in a name or value, Content-Length given
 * twice, Content-Length together with Transfer-Encoding, and HTTP/1.1
 * without Host.  libmicrohttpd 0.9.75 is lenient about all of these (its
 * strict mode only adds the Host check), so the parsed header fields are
 * looked at here; the answer closes the connection, so no byte after it
 * is read as a request.  (An obs-fold line is joined by libmicrohttpd
 * before we see it and cannot be told apart here.)
 */
struct framing {
	int content_length, transfer_encoding, host, bad;
	size_t bytes;			/* "name: value\r\n" of each */
};

static enum MHD_Result
framing_one(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct framing *f = cls;
	size_t i;

	(void)kind;
	f->bytes += key_size + value_size + 4;
	if (key_size == 0 || strlen(key) != key_size ||
	    (value && strlen(value) != value_size))
		f->bad = 1;
	for (i = 0; i < key_size; i++)
		if (key[i] == ' ' || key[i] == '\t' || key[i] == ':')
			f->bad = 1;
	if (strcasecmp(key, "Content-Length") == 0)
		f->content_length++;
	else if (strcasecmp(key, "Transfer-Encoding") == 0)
		f->transfer_encoding++;
	else if (strcasecmp(key, "Host") == 0)
		f->host++;
	return MHD_YES;
}

/* One pass over the request's header fields: their size (for the 431
 * limit) and whether the framing is ambiguous (see above). */
static void
headers_scan(struct MHD_Connection *connection, const char *version,
    size_t *bytes, int *ambiguous)
{
	struct framing f = {0, 0, 0, 0, 0};

	MHD_get_connection_values_n(connection, MHD_HEADER_KIND, framing_one,
	    &f);
	*bytes = f.bytes;
	*ambiguous = f.bad || f.content_length > 1 ||
	    (f.content_length && f.transfer_encoding) ||
	    f.transfer_encoding > 1 ||
	    (strcmp(version, "HTTP/1.1") == 0 && f.host != 1);
}

/* Add up the bytes of the query string's arguments (libmicrohttpd hands
 * the path without them). */
static enum MHD_Result
count_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	size_t *n = cls;

	*n += strlen(key) + (value ? strlen(value) + 1 : 0) + 1;
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *connection, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	pake_http *h = cls;
	http_req *r = *req_cls;
	http_api a;
	pake_err e = {0};
	enum MHD_Result ret;
	const char *cl;
	int unclear;
	conn *k;

	if (r == NULL) {		/* headers complete: a new request */
		if ((r = calloc(1, sizeof *r)) == NULL)
			return MHD_NO;
		r->conn = connection;
		r->method = method;
		r->url = url;
		r->t0_us = now_us();
		headers_scan(connection, version, &r->header_bytes, &unclear);
		r->url_bytes = strlen(url);
		MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND,
		    count_arg, &r->url_bytes);
		request_id(r);
		/* A body announced too large is refused before it is read. */
		cl = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
		    "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > h->max_body)
			r->too_big = 1;
		*req_cls = r;
		deadline(h, conn_of(connection), h->read_us);
		if (unclear) {
			r->close = 1;
			http_fail(r, PAKE_EINVAL, "Ambiguous request framing",
			    h->log);
			return respond(h, r, NULL);
		}
		if ((k = conn_of(connection)) != NULL && k->nul) {
			k->nul = 0;
			http_fail(r, PAKE_ESECURITY, NULL, h->log);
			return respond(h, r, NULL);
		}
		if (r->too_big) {
			http_fail(r, PAKE_ETOOBIG, NULL, h->log);
			return respond(h, r, NULL);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {	/* a piece of the body */
		if (r->body.len + *upload_data_size > h->max_body)
			r->too_big = 1;
		else
			pake_buf_put(&r->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	deadline(h, conn_of(connection), 0);	/* handling, not reading */
	memset(&a, 0, sizeof a);
	a.r = r;
	a.cfg = h->cfg;
	a.log = h->log;
	if (r->header_bytes > h->max_header) {
		http_fail(r, PAKE_EINVAL, "Request header fields too large",
		    h->log);
		r->status = 431;
		return respond(h, r, NULL);
	}
	if (r->url_bytes > h->max_url) {
		r->status = 414;
		http_fail(r, PAKE_EINVAL, "URI too long", h->log);
		r->status = 414;
		return respond(h, r, NULL);
	}
	if (r->too_big || r->body.oom) {
		http_fail(r, PAKE_ETOOBIG, NULL, h->log);
		return respond(h, r, NULL);
	}
	if ((a.c = ctx_get(h, &e)) == NULL) {
		pake_fail(&e, PAKE_EUNAVAIL, NULL, "%s", e.detail);
		http_error(r, &e, h->log);
		return respond(h, r, NULL);
	}
	a.log = a.c->log;	/* this request's own log record */
	pake_http_dispatch(&a);
	ret = respond(h, r, a.c);
	ctx_put(h, a.c);
	return ret;
}

/* The request is over (answered or broken off): free it, and give the
 * connection its idle deadline for the next one. */
static void
on_completed(void *cls, struct MHD_Connection *connection, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	pake_http *h = cls;
	http_req *r = *req_cls;

	if (r) {
		pake_buf_free(&r->body);
		free(r->out);
		free(r);
		*req_cls = NULL;
	}
	deadline(h, conn_of(connection), h->idle_us);
}

/* Percent-decoding of the path and the query string, as libmicrohttpd
 * does it, noting a %00: a NUL would cut the C string short, and a path
 * that hides one is refused (security_violation), never truncated. */
static size_t
unescape(void *cls, struct MHD_Connection *connection, char *s)
{
	size_t n = MHD_http_unescape(s);
	conn *k;

	(void)cls;
	if (memchr(s, '\0', n) != NULL && (k = conn_of(connection)) != NULL)
		k->nul = 1;
	return n;
}

/* Errors of libmicrohttpd itself go to our log, not to stderr raw. */
static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	pake_http *h = cls;
	char msg[512];

	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	pake_log_msg(h->log, PAKE_LOG_DEBUG, "microhttpd: %s", msg);
}

int
pake_http_start(pake_http **out, const pake_config *cfg, pake_log *log, int fd,
    enum pake_http_mode mode, pake_err *e)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
	    MHD_USE_ITC;
	long threads = pake_config_num(cfg, PAKE_CFG_HTTP_THREADS);
	size_t pool;
	pake_http *h;

	*out = NULL;
	if ((h = calloc(1, sizeof *h)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	h->cfg = cfg;
	h->log = log;
	h->mode = mode;
	h->idle_us = pake_config_num(cfg, PAKE_CFG_HTTP_IDLE) * 1000000LL;
	h->read_us = pake_config_num(cfg, PAKE_CFG_HTTP_READ) * 1000000LL;
	h->max_url = (size_t)pake_config_num(cfg, PAKE_CFG_HTTP_MAX_URL);
	h->max_header = (size_t)pake_config_num(cfg, PAKE_CFG_HTTP_MAX_HEADER);
	h->max_body = (size_t)pake_config_num(cfg, PAKE_CFG_HTTP_MAX_BODY);
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	pthread_cond_init(&h->wake, NULL);
	/* The connection's memory pool holds the headers and the read buffer:
	 * twice the header limit lets a request just under the limit in, so we
	 * can answer 431 ourselves; far larger ones libmicrohttpd refuses. */
	pool = h->max_header * 2 + 16384;
	/* Four workers a core: a worker waits in SQLite's file locks and
	 * reads now and then, and with one a core the others stood idle
	 * meanwhile (32,000 against 47,000 requests a second on two cores). */
	if (threads <= 0)
		threads = 4 * (sysconf(_SC_NPROCESSORS_ONLN) > 0 ?
		    sysconf(_SC_NPROCESSORS_ONLN) : 2);
	if (threads > POOL_MAX)
		threads = POOL_MAX;
	/* Driven: libmicrohttpd runs only inside pake_http_step(). */
	if (mode == PAKE_HTTP_DRIVEN)
		flags = MHD_USE_ERROR_LOG;
	if (mode != PAKE_HTTP_LISTEN) {
		flags |= MHD_USE_NO_LISTEN_SOCKET;
		h->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
		    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
		    MHD_OPTION_UNESCAPE_CALLBACK, unescape, h,
		    MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(h->idle_us / 1000000),
		    MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
		    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
		    MHD_OPTION_END);
	} else {
		flags |= MHD_USE_EPOLL;
		h->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
		    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
		    MHD_OPTION_UNESCAPE_CALLBACK, unescape, h,
		    MHD_OPTION_LISTEN_SOCKET, fd,
		    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
		    MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(h->idle_us / 1000000),
		    MHD_OPTION_CONNECTION_LIMIT, 4096u,
		    MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
		    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
		    MHD_OPTION_END);
	}
	if (h->d == NULL) {
		free(h);
		return pake_fail(e, PAKE_EUNAVAIL, NULL, "cannot start the HTTP "
		    "server");
	}
	/* Nobody else's thread runs a driven server, so no deadline could
	 * be enforced meanwhile: it has no watchdog. */
	if (mode != PAKE_HTTP_DRIVEN) {
		if (pthread_create(&h->watchdog, NULL, watchdog, h) != 0) {
			MHD_stop_daemon(h->d);
			free(h);
			return pake_fail(e, PAKE_EINTERNAL, NULL,
			    "watchdog thread");
		}
		h->has_watchdog = 1;
	}
	if (mode == PAKE_HTTP_CONNECTION && pake_http_add(h, fd, e) != 0) {
		pake_http_stop(h);
		return e->code;
	}
	*out = h;
	return 0;
}

int
pake_http_add(pake_http *h, int fd, pake_err *e)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;

	memset(&ss, 0, sizeof ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
		sl = 0;
	if (MHD_add_connection(h->d, fd, (struct sockaddr *)&ss, sl) != MHD_YES)
		return pake_fail(e, PAKE_EUNAVAIL, NULL, "cannot serve the "
		    "connection");
	return 0;
}

void
pake_http_step(pake_http *h)
{
	MHD_run(h->d);
}

void
pake_http_stop(pake_http *h)
{
	int i;

	MHD_stop_daemon(h->d);
	if (h->has_watchdog) {
		pthread_mutex_lock(&h->lock);
		h->stop = 1;
		pthread_cond_broadcast(&h->wake);
		pthread_mutex_unlock(&h->lock);
		pthread_join(h->watchdog, NULL);
	}
	for (i = 0; i < h->npool; i++) {
		pake_auth_close(h->pool[i]);
		free(h->pool[i]);
	}
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->cond);
	pthread_cond_destroy(&h->wake);
	free(h);
}

void
pake_http_run(pake_http *h)
{
	sigset_t set;
	int sig, done;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (h->mode == PAKE_HTTP_CONNECTION) {
		/* Until the connection ends (on_connection signals h->cond, so
		 * the process leaves at once), or a signal says to stop (looked
		 * at every 50 ms: SIGTERM and SIGINT stay blocked). */
		struct timespec zero = {0, 0}, until;
		for (;;) {
			pthread_mutex_lock(&h->lock);
			until = in_ms(50);
			while (h->served_conns == 0 &&
			    pthread_cond_timedwait(&h->cond, &h->lock,
			    &until) == 0)
				;
			done = h->served_conns > 0;
			pthread_mutex_unlock(&h->lock);
			if (done || sigtimedwait(&set, NULL, &zero) > 0)
				break;
		}
	} else {
		sigwait(&set, &sig);
		pake_log_msg(h->log, PAKE_LOG_INFO, "stopping on signal %d", sig);
	}
	pake_http_stop(h);
}
