/*
 * searchlog.c: every search of a tenant, from every front, logged (issue
 * 14, item 1).
 *
 * A search is a read, and a read writes nothing to a database (DESIGN
 * §3).  So a search appends one line to its tenant's spool, a file beside
 * the store (<store>.searches): a JSON object {t (ms), query, filters,
 * mode, sources, hits, ms, front, actor} of at most SPOOL_LINE bytes,
 * written with one write(2) on an O_APPEND descriptor, so lines of
 * processes writing at once never mix.  The line is in the kernel when
 * the search returns: a crash of the process loses nothing, a crash of
 * the machine at most what the kernel had not written back (seconds).
 *
 * Writers fold the spool into the store (pake_searchlog_flush: the
 * registry after every operation that may write, and the search log's
 * own readers' callers through `pake-db maint`): the spool is renamed to
 * a claimed name (one process wins the rename), read, and its lines
 * inserted in one write transaction, each given its session (SEED-API
 * §3.1: a search joins its actor's session when it comes within 30
 * minutes of that session's start, else starts one), then the claimed
 * file is removed.  A claimed file left by a crash is folded by the next
 * flush; a line folded twice (a crash between the commit and the unlink)
 * is ignored by the table's unique key.  Rows older than
 * search_log.retention_days go at each flush.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "pake/searchlog.h"
#include "pake/util.h"

#define SPOOL_LINE	4000	/* bytes of one line, at most */
#define SPOOL_READ_MAX	(64u << 20)	/* bytes of a spool folded at once */
#define SESSION_MS	(30 * 60 * 1000LL)

static int
spool_path(pake_ctx *c, char *out, size_t n, pake_err *e)
{
	return pake_ctx_beside(c, ".searches", out, n, e);
}

void
pake_searchlog_add(pake_ctx *c, const pake_search_event *ev)
{
	const char *front = c->front ? c->front : c->log && c->log->tool ?
	    c->log->tool : "pake";
	char path[PATH_MAX], actor[48], *line;
	cJSON *o;
	pake_err e = {0};
	size_t len;
	int fd;

	if (c->search_inner || spool_path(c, path, sizeof path, &e) != 0)
		return;
	if (c->token_id)
		snprintf(actor, sizeof actor, "token:%lld",
		    (long long)c->token_id);
	else if (c->user_id)
		snprintf(actor, sizeof actor, "user:%lld", (long long)c->user_id);
	else
		pake_strlcpy(actor, "owner", sizeof actor);
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "t", (double)pake_now_ms());
	cJSON_AddStringToObject(o, "query", ev->query ? ev->query : "");
	if (ev->filters && cJSON_GetArraySize(ev->filters) > 0)
		cJSON_AddItemToObject(o, "filters",
		    cJSON_Duplicate(ev->filters, 1));
	cJSON_AddStringToObject(o, "mode", ev->mode ? ev->mode : "text");
	if (ev->sources)
		cJSON_AddItemToObject(o, "sources",
		    cJSON_Duplicate(ev->sources, 1));
	cJSON_AddNumberToObject(o, "hits", ev->hits);
	cJSON_AddNumberToObject(o, "ms", ev->ms);
	cJSON_AddStringToObject(o, "front", front);
	cJSON_AddStringToObject(o, "actor", actor);
	/* A line longer than SPOOL_LINE loses its filters and sources, then
	 * its query: one write(2) of a bounded line stays whole. */
	line = cJSON_PrintUnformatted(o);
	if (line && strlen(line) + 1 > SPOOL_LINE) {
		free(line);
		cJSON_DeleteItemFromObjectCaseSensitive(o, "filters");
		cJSON_DeleteItemFromObjectCaseSensitive(o, "sources");
		line = cJSON_PrintUnformatted(o);
	}
	if (line && strlen(line) + 1 > SPOOL_LINE) {
		free(line);
		cJSON_ReplaceItemInObjectCaseSensitive(o, "query",
		    cJSON_CreateString(""));
		line = cJSON_PrintUnformatted(o);
	}
	cJSON_Delete(o);
	if (line == NULL)
		return;
	len = strlen(line);
	line[len++] = '\n';	/* over the NUL: written by length */
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) >= 0) {
		if (write(fd, line, len) != (ssize_t)len && c->log)
			pake_log_msg(c->log, PAKE_LOG_WARN, "search log: a "
			    "line not written: %s", strerror(errno));
		close(fd);
	}
	free(line);
}

/* The session of actor for a search at t: the open one when its start is
 * within 30 minutes, else a new one starting at t. */
static int
session_of(pake_db *st, const char *actor, int64_t t, int64_t *session,
    pake_err *e)
{
	int64_t start = 0, id = 0;
	int rc;

	if ((rc = pake_db_searchlog_last_session(st, actor, &id, &start,
	    e)) != 0)
		return rc;
	if (id > 0 && t >= start && t - start <= SESSION_MS) {
		*session = id;
		return 0;
	}
	*session = t;	/* a session is named by its first search's time */
	return 0;
}

/* One spool line as a row (its strings point into the returned object,
 * and *fj, *sj: filters and sources as JSON text, to free), or NULL when
 * it is not a line of ours. */
static cJSON *
line_row(const char *p, size_t n, pake_search_row *row, char **fj, char **sj)
{
	cJSON *o = cJSON_ParseWithLength(p, n), *v;

	if (o == NULL)
		return NULL;
	row->t = (int64_t)cJSON_GetNumberValue(
	    cJSON_GetObjectItemCaseSensitive(o, "t"));
	row->query = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(o, "query"));
	row->mode = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(o, "mode"));
	row->front = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(o, "front"));
	row->actor = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(o, "actor"));
	row->hits = (int64_t)cJSON_GetNumberValue(
	    cJSON_GetObjectItemCaseSensitive(o, "hits"));
	row->ms = cJSON_GetNumberValue(
	    cJSON_GetObjectItemCaseSensitive(o, "ms"));
	if ((v = cJSON_GetObjectItemCaseSensitive(o, "filters")) != NULL)
		row->filters = *fj = cJSON_PrintUnformatted(v);
	if ((v = cJSON_GetObjectItemCaseSensitive(o, "sources")) != NULL)
		row->sources = *sj = cJSON_PrintUnformatted(v);
	return o;
}

/* Fold one claimed file into the store (one transaction). */
static int
fold(pake_ctx *c, pake_db *st, const char *path, int64_t keep_ms,
    pake_err *e)
{
	char *text = NULL, *p, *nl;
	size_t len = 0;
	int rc;

	if ((rc = pake_read_file(path, SPOOL_READ_MAX, &text, &len, e)) != 0) {
		if (rc == PAKE_ENOTFOUND) {
			pake_err_clear(e);
			return 0;
		}
		return rc;
	}
	if ((rc = pake_db_begin(st, e)) != 0) {
		free(text);
		return rc;
	}
	for (p = text; rc == 0 && p < text + len; p = nl + 1) {
		pake_search_row row = {0};
		cJSON *o;
		char *fj = NULL, *sj = NULL;

		if ((nl = memchr(p, '\n', (size_t)(text + len - p))) == NULL)
			break;	/* a torn last line: dropped */
		if ((o = line_row(p, (size_t)(nl - p), &row, &fj, &sj)) == NULL)
			continue;
		if (row.query && row.actor && row.t > 0 &&
		    (rc = session_of(st, row.actor, row.t, &row.session,
		    e)) == 0)
			rc = pake_db_searchlog_add(st, &row, e);
		free(fj);
		free(sj);
		cJSON_Delete(o);
	}
	if (rc == 0 && keep_ms > 0)
		rc = pake_db_searchlog_prune(st, pake_now_ms() - keep_ms, e);
	if (rc == 0)
		rc = pake_db_commit(st, e);
	else
		pake_db_rollback(st);
	free(text);
	if (rc == 0)
		unlink(path);
	(void)c;
	return rc;
}

/* Call fn with each claimed spool file (path "." anything): a flush's
 * own, and those a crashed one left.  The first non-zero return stops. */
static int
claimed_each(const char *path, int (*fn)(void *, const char *), void *arg)
{
	char dir[PATH_MAX], f[PATH_MAX + 256], *slash;
	const char *base;
	struct dirent *de;
	size_t bl;
	DIR *d;
	int rc = 0;

	pake_strlcpy(dir, path, sizeof dir);
	if ((slash = strrchr(dir, '/')) == NULL)
		return 0;
	*slash = '\0';
	base = slash + 1;
	bl = strlen(base);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, bl) != 0 ||
		    de->d_name[bl] != '.')
			continue;
		snprintf(f, sizeof f, "%s/%s", dir, de->d_name);
		rc = fn(arg, f);
	}
	closedir(d);
	return rc;
}

struct fold_arg {
	pake_ctx *c;
	pake_db *st;
	int64_t keep_ms;
	pake_err *e;
};

static int
fold_one(void *arg, const char *path)
{
	struct fold_arg *a = arg;

	return fold(a->c, a->st, path, a->keep_ms, a->e);
}

int
pake_searchlog_flush(pake_ctx *c, pake_err *e)
{
	char path[PATH_MAX], claim[PATH_MAX + 64];
	int64_t keep_ms = pake_config_num(c->cfg, PAKE_CFG_SEARCH_RETENTION) *
	    86400000LL;
	pake_db *st;
	int rc = 0;

	if ((rc = spool_path(c, path, sizeof path, e)) != 0)
		return rc;
	st = pake_ctx_store(c, e);
	/* Claim what is spooled now (one process wins the rename). */
	snprintf(claim, sizeof claim, "%s.%ld.%lld", path, (long)getpid(),
	    (long long)pake_now_ms());
	if (rename(path, claim) != 0 && errno != ENOENT)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "rename %s: %s",
		    path, strerror(errno));
	/* Fold every claimed file: this one, and those a crash left. */
	struct fold_arg fa = {c, st, keep_ms, e};
	return claimed_each(path, fold_one, &fa);
}

/* The event of a search operation: its input (query, filters, mode,
 * sources) and answer (results), ms taken. */
static void
search_event(pake_ctx *c, const cJSON *in, const cJSON *out, double ms)
{
	pake_search_event ev = {0};

	ev.query = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in,
	    "query"));
	ev.filters = cJSON_GetObjectItemCaseSensitive(in, "filters");
	ev.mode = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in,
	    "mode"));
	ev.sources = cJSON_GetObjectItemCaseSensitive(in, "sources");
	ev.hits = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out,
	    "results"));
	ev.ms = ms;
	pake_searchlog_add(c, &ev);
}

int
pake_searchlog_run(pake_ctx *c, int (*run)(pake_ctx *, const cJSON *,
    cJSON **, pake_err *), const cJSON *in, cJSON **out, pake_err *e)
{
	struct timespec a, b;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((rc = run(c, in, out, e)) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		search_event(c, in, *out, (double)(b.tv_sec - a.tv_sec) *
		    1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6);
	}
	return rc;
}

static int
row_json(void *arg, const pake_search_row *r)
{
	cJSON *o = cJSON_CreateObject();
	char ts[32];

	pake_iso8601(r->t, ts);
	cJSON_AddStringToObject(o, "time", ts);
	cJSON_AddStringToObject(o, "query", r->query ? r->query : "");
	if (r->filters)
		cJSON_AddItemToObject(o, "filters", cJSON_Parse(r->filters));
	cJSON_AddStringToObject(o, "mode", r->mode ? r->mode : "text");
	if (r->sources)
		cJSON_AddItemToObject(o, "sources", cJSON_Parse(r->sources));
	cJSON_AddNumberToObject(o, "hits", (double)r->hits);
	cJSON_AddNumberToObject(o, "ms", r->ms);
	cJSON_AddStringToObject(o, "front", r->front ? r->front : "");
	cJSON_AddStringToObject(o, "actor", r->actor ? r->actor : "");
	pake_iso8601(r->session, ts);
	cJSON_AddStringToObject(o, "session", ts);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

int
pake_searchlog_list(pake_ctx *c, int limit, cJSON **out, pake_err *e)
{
	pake_db *st;
	int64_t n = 0;
	cJSON *a;
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_SEARCH_READ, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(*out, "searches");
	if ((rc = pake_db_searchlog_count(st, &n, e)) == 0)
		rc = pake_db_searchlog_each(st, limit > 0 ? limit : 100,
		    row_json, a, e);
	pake_db_rollback(st);
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
		return rc;
	}
	cJSON_AddNumberToObject(*out, "total", (double)n);
	return 0;
}

/* The events: folded rows and spooled lines, read without writing. */

struct evs {
	pake_search_ev *v;
	size_t n, cap, max;
	int64_t since;
	int truncated;
	int oom;
};

static char *
dup_or_null(const char *s)
{
	return s ? pake_strdup(s) : NULL;
}

static void
ev_add(struct evs *a, const pake_search_row *r)
{
	pake_search_ev *x;

	if (a->n == a->max) {
		a->truncated = 1;
		return;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 256;
		pake_search_ev *v = realloc(a->v, cap * sizeof *v);

		if (v == NULL) {
			a->oom = 1;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	x = &a->v[a->n];
	memset(x, 0, sizeof *x);
	x->t = r->t;
	x->hits = r->hits;
	x->session = r->session;
	x->ms = r->ms;
	x->query = dup_or_null(r->query ? r->query : "");
	x->mode = dup_or_null(r->mode ? r->mode : "text");
	x->front = dup_or_null(r->front ? r->front : "");
	x->actor = dup_or_null(r->actor ? r->actor : "");
	x->sources = dup_or_null(r->sources);
	if (x->query == NULL || x->mode == NULL || x->front == NULL ||
	    x->actor == NULL) {
		a->oom = 1;
		free(x->query);
		free(x->mode);
		free(x->front);
		free(x->actor);
		free(x->sources);
		return;
	}
	a->n++;
}

static int
row_ev(void *arg, const pake_search_row *r)
{
	ev_add(arg, r);
	return ((struct evs *)arg)->oom;
}

/* Each line of a spool file at or after since (session left 0). */
static int
spool_ev(void *arg, const char *path)
{
	struct evs *a = arg;
	char *text = NULL, *p, *nl;
	size_t len = 0;
	pake_err e = {0};

	if (pake_read_file(path, SPOOL_READ_MAX, &text, &len, &e) != 0)
		return 0;	/* folded meanwhile */
	for (p = text; p < text + len && !a->oom; p = nl + 1) {
		pake_search_row row = {0};
		char *fj = NULL, *sj = NULL;
		cJSON *o;

		if ((nl = memchr(p, '\n', (size_t)(text + len - p))) == NULL)
			break;
		if ((o = line_row(p, (size_t)(nl - p), &row, &fj, &sj)) ==
		    NULL)
			continue;
		if (row.query && row.actor && row.t >= a->since && row.t > 0) {
			row.session = 0;
			ev_add(a, &row);
		}
		free(fj);
		free(sj);
		cJSON_Delete(o);
	}
	free(text);
	return a->oom;
}

static int
ev_time(const void *x, const void *y)
{
	const pake_search_ev *a = x, *b = y;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	/* Folded (session set) before spooled, so duplicates are adjacent
	 * with the folded one first. */
	return (a->session == 0) - (b->session == 0);
}

static int
same_ev(const pake_search_ev *a, const pake_search_ev *b)
{
	return a->t == b->t && strcmp(a->actor, b->actor) == 0 &&
	    strcmp(a->front, b->front) == 0 && strcmp(a->query, b->query) == 0;
}

void
pake_searchlog_events_free(pake_search_ev *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].query);
		free(v[i].mode);
		free(v[i].front);
		free(v[i].actor);
		free(v[i].sources);
	}
	free(v);
}

int
pake_searchlog_events(pake_ctx *c, int64_t since_ms, size_t max,
    pake_search_ev **out, size_t *n, int *truncated, pake_err *e)
{
	char path[PATH_MAX];
	struct evs a;
	pake_db *st;
	size_t i, j;
	int rc;

	*out = NULL;
	*n = 0;
	*truncated = 0;
	memset(&a, 0, sizeof a);
	a.since = since_ms;
	a.max = max;
	if ((rc = pake_ctx_allow(c, PAKE_P_SEARCH_READ, e)) != 0 ||
	    (rc = spool_path(c, path, sizeof path, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	rc = pake_db_searchlog_since(st, since_ms, (int)max, row_ev, &a, e);
	/* What is spooled and not folded yet: the live spool, and files a
	 * writer claimed and is folding now (or a crash left). */
	if (rc == 0 && !a.oom) {
		spool_ev(&a, path);
		claimed_each(path, spool_ev, &a);
	}
	if (rc == 0 && a.oom)
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if (rc != 0) {
		pake_db_rollback(st);
		pake_searchlog_events_free(a.v, a.n);
		return rc;
	}
	qsort(a.v, a.n, sizeof *a.v, ev_time);
	/* Drop a spooled line already folded (a crash between a fold's
	 * commit and its unlink), and give the others their sessions as the
	 * fold will: the actor's open session, else a new one. */
	for (i = j = 0; i < a.n && rc == 0; i++) {
		pake_search_ev *x = &a.v[i];
		size_t k;

		if (x->session == 0) {
			int dup = 0;

			for (k = j; k-- > 0 && a.v[k].t == x->t;)
				if (a.v[k].session && same_ev(&a.v[k], x))
					dup = 1;
			if (dup) {
				free(x->query);
				free(x->mode);
				free(x->front);
				free(x->actor);
				free(x->sources);
				continue;
			}
			/* The actor's newest session so far (in time order). */
			for (k = j; k-- > 0;)
				if (strcmp(a.v[k].actor, x->actor) == 0)
					break;
			if (k != (size_t)-1 && a.v[k].session > 0 &&
			    x->t - a.v[k].session <= SESSION_MS)
				x->session = a.v[k].session;
			else if (k == (size_t)-1) {
				int64_t id = 0, start = 0;

				rc = pake_db_searchlog_last_session(st,
				    x->actor, &id, &start, e);
				x->session = id > 0 && x->t >= start &&
				    x->t - start <= SESSION_MS ? id : x->t;
			} else {
				x->session = x->t;
			}
		}
		if (j != i)
			a.v[j] = *x;
		j++;
	}
	pake_db_rollback(st);
	if (rc != 0) {
		pake_searchlog_events_free(a.v, j);
		return rc;
	}
	*out = a.v;
	*n = j;
	*truncated = a.truncated;
	return 0;
}
