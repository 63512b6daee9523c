/*
 * feeds.c: RSS and Atom subscriptions (issue 13): subscribe, poll with
 * conditional requests, new items only.
 *
 * A tenant's feeds live in its store (migration 8, lib/db_feed.c): the
 * URL, the title learnt at subscription, the ETag and Last-Modified of
 * the last good answer, when it was polled and last answered well, its
 * last error, how many items were seen, and whether new items become
 * notes.  feed_seen remembers the ids of the items seen, the newest
 * PAKE_FEED_SEEN_KEEP per feed (a feed lists at most PAKE_RS_RECORDS_MAX
 * items, so an item forgotten is long gone from the feed).
 *
 * An item's id is its guid (RSS <guid>, rdf:about, Atom <id>), else its
 * link, else its title: what pake_feed_parse gives (src_feed.c).
 *
 * Subscribing fetches the feed once: a URL that does not parse as a feed
 * is refused with the parser's error and nothing is stored.  The items
 * listed then are marked seen, so the first poll brings only what was
 * published after; backfill saves them at once instead.
 *
 * Polling asks each feed with If-None-Match / If-Modified-Since from its
 * stored validators (pake_fetch with research's bounds: [fetch] timeout,
 * size, redirects, private addresses; politeness key "feed", a request in
 * FEED_INTERVAL_MS shared by every process; two retries on 429 and 503).
 * 304: nothing new.  200: parsed, and the items not seen are new; with
 * save each lands through pake_research_save (never twice: the same URL
 * or DOI is the note already saved).  Then one short write transaction
 * per feed marks the new items seen and stores the validators, polled_ms
 * and ok_ms -- never a transaction around the network.  A save that
 * fails leaves its item and the ones after it unseen and keeps the old
 * validators, so the next poll asks again and they come back as new.
 * Any failure is the feed's (last_error, and in its entry of the answer):
 * the other feeds are polled all the same.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pake/ctx.h"
#include "pake/feeds.h"
#include "pake/fetch.h"
#include "pake/research.h"
#include "pake/util.h"

#define FEED_INTERVAL_MS	100
#define FEED_ACCEPT	"application/rss+xml, application/atom+xml, " \
			"application/rdf+xml;q=0.9, application/xml;q=0.9, " \
			"text/xml;q=0.9, */*;q=0.5"
#define ERROR_MAX	256

/* An item's id: guid, else url, else title (NULL: none). */
static const char *
item_key(const cJSON *item)
{
	const char *k = pake_json_str(item, "guid");

	if (k == NULL || *k == '\0')
		k = pake_json_str(item, "url");
	if (k == NULL || *k == '\0')
		k = pake_json_str(item, "title");
	return k && *k ? k : NULL;
}

static int
url_check(const char *url, pake_err *e)
{
	size_t i, n = strlen(url);

	if (n > PAKE_FEED_URL_MAX || (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0) || n <= 8)
		return pake_fail(e, PAKE_EINVAL, "A feed is an http or https "
		    "URL of at most 4096 bytes", "%.200s", url);
	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f)
			return pake_fail(e, PAKE_EINVAL, "A feed is an http "
			    "or https URL of at most 4096 bytes",
			    "control or space at %zu", i);
	return 0;
}

/* GET the feed, conditional when etag or lm: 0 with r->status 200 or 304,
 * else the error, its text (with the HTTP status when there was one) in
 * why. */
static int
fetch_feed(pake_ctx *c, const char *url, const char *etag, const char *lm,
    pake_fetch_res *r, char *why, size_t wn, pake_err *e)
{
	char rate_dir[PATH_MAX];
	pake_fetch_req q;
	int rc;

	pake_research_req(c, &q, rate_dir, sizeof rate_dir);
	q.url = url;
	q.accept = FEED_ACCEPT;
	q.rate_key = "feed";
	q.rate_interval_ms = FEED_INTERVAL_MS;
	q.if_none_match = etag && *etag ? etag : NULL;
	q.if_modified_since = lm && *lm ? lm : NULL;
	if ((rc = pake_fetch(&q, r, e)) != 0) {
		snprintf(why, wn, "%s", e->msg ? e->msg :
		    pake_code_message(rc));
		pake_fetch_res_free(r);
		return rc;
	}
	if (r->status == 200 || r->status == 304)
		return 0;
	if (r->status == 429 || r->status == 503) {
		rc = pake_fail(e, PAKE_ERATE, "The service asks to slow down",
		    "feed %.200s answered HTTP %ld", url, r->status);
		e->retry_after = atoi(r->retry_after) > 0 ?
		    atoi(r->retry_after) : 60;
	} else
		rc = pake_fail(e, PAKE_EUNAVAIL, "The service refused",
		    "feed %.200s answered HTTP %ld", url, r->status);
	snprintf(why, wn, "%s (HTTP %ld)", e->msg, r->status);
	pake_fetch_res_free(r);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Subscribe, unsubscribe, list */

static int
found_one(void *arg, const pake_db_feed *f)
{
	(void)f;
	*(int *)arg = 1;
	return 0;
}

int
pake_feed_add(pake_ctx *c, const char *url, int save, int backfill,
    cJSON **out, pake_err *e)
{
	char why[ERROR_MAX];
	cJSON *feed = NULL, *saved = NULL;
	const cJSON *items, *it;
	pake_fetch_res r;
	pake_db_feed f = {0};
	int64_t n = 0, id = 0, seen = 0;
	pake_db *st;
	int rc, have = 0, added;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0 ||
	    (rc = url_check(url, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	/* Cheap refusals before the network. */
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	rc = pake_db_feed_count(st, &n, e);
	if (rc == 0 && (rc = pake_db_feed_get(st, url, found_one, &have,
	    e)) == PAKE_ENOTFOUND) {
		pake_err_clear(e);
		rc = 0;
	}
	pake_db_rollback(st);
	if (rc != 0)
		return rc;
	if (have)
		return pake_fail(e, PAKE_ECONFLICT, "Already subscribed to this "
		    "feed", "%.200s", url);
	if (n >= PAKE_FEEDS_MAX)
		return pake_fail(e, PAKE_EQUOTA, "A tenant follows at most "
		    "1000 feeds", NULL);
	if ((rc = fetch_feed(c, url, NULL, NULL, &r, why, sizeof why, e)) != 0)
		return rc;
	if (r.status != 200) {
		rc = pake_fail(e, PAKE_EUNAVAIL, "The service refused",
		    "feed %.200s answered HTTP %ld", url, r.status);
		pake_fetch_res_free(&r);
		return rc;
	}
	rc = pake_feed_parse(r.body.p ? r.body.p : "", r.body.len,
	    r.url[0] ? r.url : url, &feed, e);
	if (rc != 0) {
		pake_fetch_res_free(&r);
		return rc;
	}
	items = cJSON_GetObjectItemCaseSensitive(feed, "items");
	if (backfill) {
		saved = cJSON_CreateArray();
		cJSON_ArrayForEach(it, items) {
			cJSON *s = NULL;

			if ((rc = pake_research_save(c, it, &s, e)) != 0)
				goto out;	/* the notes saved so far stay */
			cJSON_AddItemToArray(saved, s);
		}
	}
	f.url = url;
	f.title = pake_json_str(feed, "title") && *pake_json_str(feed, "title") ?
	    pake_json_str(feed, "title") : url;
	f.etag = r.etag[0] ? r.etag : NULL;
	f.last_modified = r.last_modified[0] ? r.last_modified : NULL;
	f.added_ms = f.polled_ms = f.ok_ms = pake_now_ms();
	f.save = save;
	if ((rc = pake_db_begin(st, e)) != 0)
		goto out;
	if ((rc = pake_db_feed_count(st, &n, e)) == 0 &&
	    n >= PAKE_FEEDS_MAX)
		rc = pake_fail(e, PAKE_EQUOTA, "A tenant follows at most 1000 "
		    "feeds", NULL);
	if (rc == 0 && (rc = pake_db_feed_insert(st, &f, &id, e)) ==
	    PAKE_ECONFLICT)
		rc = pake_fail(e, PAKE_ECONFLICT, "Already subscribed to this "
		    "feed", "%.200s", url);
	cJSON_ArrayForEach(it, items) {
		const char *k = item_key(it);

		if (rc != 0 || k == NULL)
			continue;
		if ((rc = pake_db_feed_seen_add(st, id, k, &added, e)) == 0)
			seen += added;
	}
	if (rc == 0)
		rc = pake_db_feed_seen_trim(st, id, PAKE_FEED_SEEN_KEEP, e);
	if (rc == 0)
		rc = pake_db_feed_polled(st, id, 1, f.etag, f.last_modified,
		    NULL, f.added_ms, seen, e);
	if (rc == 0)
		rc = pake_db_commit(st, e);
	else
		pake_db_rollback(st);
	if (rc != 0)
		goto out;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "url", url);
	cJSON_AddStringToObject(*out, "title", f.title);
	cJSON_AddStringToObject(*out, "format", pake_json_str(feed, "format") ?
	    pake_json_str(feed, "format") : "");
	cJSON_AddBoolToObject(*out, "save", save);
	cJSON_AddNumberToObject(*out, "items", (double)seen);
	if (saved) {
		cJSON_AddItemToObject(*out, "saved", saved);
		saved = NULL;
	}
out:
	pake_fetch_res_free(&r);
	cJSON_Delete(saved);
	cJSON_Delete(feed);
	return rc;
}

int
pake_feed_remove(pake_ctx *c, const char *url, cJSON **out, pake_err *e)
{
	pake_db *st;
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin(st, e)) != 0)
		return rc;
	if ((rc = pake_db_feed_delete(st, url, e)) != 0) {
		pake_db_rollback(st);
		return rc;
	}
	if ((rc = pake_db_commit(st, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "url", url);
	cJSON_AddBoolToObject(*out, "removed", 1);
	return 0;
}

static void
add_time(cJSON *o, const char *k, int64_t ms)
{
	char t[32];

	if (ms <= 0)
		return;
	pake_iso8601(ms, t);
	cJSON_AddStringToObject(o, k, t);
}

void
pake_sub_status(cJSON *o, int64_t added_ms, int64_t polled_ms, int64_t ok_ms,
    const char *last_error)
{
	add_time(o, "added", added_ms);
	add_time(o, "polled", polled_ms);
	add_time(o, "ok", ok_ms);
	if (last_error)
		cJSON_AddStringToObject(o, "last_error", last_error);
}

int
pake_sub_list(pake_ctx *c, const char *key, pake_sub_walk walk, cJSON **out,
    pake_err *e)
{
	cJSON *list;
	pake_db *st;
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	list = cJSON_CreateArray();
	rc = walk(st, list, e);
	pake_db_rollback(st);
	if (rc != 0) {
		cJSON_Delete(list);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, key, list);
	return 0;
}

static int
list_one(void *arg, const pake_db_feed *f)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "url", f->url ? f->url : "");
	cJSON_AddStringToObject(o, "title", f->title ? f->title : "");
	cJSON_AddBoolToObject(o, "save", f->save);
	cJSON_AddNumberToObject(o, "items_seen", (double)f->items_seen);
	pake_sub_status(o, f->added_ms, f->polled_ms, f->ok_ms, f->last_error);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

static int
list_all(pake_db *st, cJSON *list, pake_err *e)
{
	return pake_db_feed_each(st, list_one, list, e);
}

int
pake_feed_list(pake_ctx *c, cJSON **out, pake_err *e)
{
	return pake_sub_list(c, "feeds", list_all, out, e);
}

/* ------------------------------------------------------------------ */
/* Poll */

struct sub {
	int64_t id;
	char *url, *title, *etag, *lm;
	int save;
};

struct subs {
	struct sub *v;
	size_t n, cap;
	int oom;
};

static int
sub_copy(void *arg, const pake_db_feed *f)
{
	struct subs *s = arg;
	struct sub *x;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;

		if ((x = realloc(s->v, cap * sizeof *x)) == NULL) {
			s->oom = 1;
			return PAKE_EINTERNAL;
		}
		s->v = x;
		s->cap = cap;
	}
	x = &s->v[s->n++];
	x->id = f->id;
	x->url = pake_strdup(f->url);
	x->title = pake_strdup(f->title);
	x->etag = pake_strdup(f->etag);
	x->lm = pake_strdup(f->last_modified);
	x->save = f->save;
	if (x->url == NULL || x->title == NULL ||
	    (f->etag && x->etag == NULL) || (f->last_modified && x->lm ==
	    NULL)) {
		s->oom = 1;
		return PAKE_EINTERNAL;
	}
	return 0;
}

static void
subs_free(struct subs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].url);
		free(s->v[i].title);
		free(s->v[i].etag);
		free(s->v[i].lm);
	}
	free(s->v);
}

/* The brief of a new item in the answer. */
static cJSON *
brief(const cJSON *it, const char *key)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "guid", key);
	cJSON_AddStringToObject(o, "title", pake_json_str(it, "title") ?
	    pake_json_str(it, "title") : "");
	if (pake_json_str(it, "url"))
		cJSON_AddStringToObject(o, "url", pake_json_str(it, "url"));
	if (pake_json_str(it, "published"))
		cJSON_AddStringToObject(o, "published", pake_json_str(it, "published"));
	return o;
}

/* Poll one feed into its entry o; the feed's failure is o's "error" and
 * stored with the feed (the return is 0 then); a failure to store even
 * that is returned. */
static int
poll_one(pake_ctx *c, pake_db *st, const struct sub *s, cJSON *o)
{
	char why[ERROR_MAX] = "";
	cJSON *feed = NULL, *fresh = cJSON_CreateArray();
	cJSON *listed = cJSON_CreateArray();
	cJSON *saved = cJSON_CreateArray();
	const cJSON *it;
	pake_fetch_res r;
	pake_err e = {0};
	int64_t seen = 0;
	int rc, ok = 1, n = 0, k, added, unchanged = 0;
	const char *etag = s->etag, *lm = s->lm;

	memset(&r, 0, sizeof r);
	rc = fetch_feed(c, s->url, s->etag, s->lm, &r, why, sizeof why, &e);
	if (rc == 0 && r.status == 304) {
		unchanged = 1;
		if (r.etag[0])
			etag = r.etag;
		if (r.last_modified[0])
			lm = r.last_modified;
	} else if (rc == 0) {
		etag = r.etag[0] ? r.etag : NULL;
		lm = r.last_modified[0] ? r.last_modified : NULL;
		if ((rc = pake_feed_parse(r.body.p ? r.body.p : "", r.body.len,
		    r.url[0] ? r.url : s->url, &feed, &e)) != 0)
			snprintf(why, sizeof why, "%s", e.msg ? e.msg :
			    pake_code_message(rc));
	}
	if (rc != 0) {
		ok = 0;
		pake_log_msg(c->log, PAKE_LOG_WARN, "feed %s: %s (%s)", s->url,
		    why, e.detail);
	}
	/* The items not seen, each once. */
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(feed,
	    "items")) {
		const char *key = item_key(it);
		const cJSON *x;
		int dup = 0;

		if (key == NULL)
			continue;
		cJSON_ArrayForEach(x, fresh)
			dup |= strcmp(item_key(x), key) == 0;
		if (dup || (k = pake_db_feed_seen_has(st, s->id, key, &e)) ==
		    1)
			continue;
		if (k < 0) {
			ok = 0;
			snprintf(why, sizeof why, "%s", e.msg);
			break;
		}
		cJSON_AddItemReferenceToArray(fresh, (cJSON *)it);
	}
	/* Saved first, marked seen after: an item whose save failed comes
	 * back at the next poll. */
	cJSON_ArrayForEach(it, fresh) {
		cJSON *sv = NULL;

		if (!ok)
			break;
		if (s->save) {
			if (pake_research_save(c, it, &sv, &e) != 0) {
				ok = 0;
				snprintf(why, sizeof why, "%s", e.msg);
				pake_log_msg(c->log, PAKE_LOG_WARN, "feed %s: "
				    "save: %s (%s)", s->url, e.msg, e.detail);
				break;
			}
			cJSON_AddItemToArray(saved, sv);
		}
		cJSON_AddItemToArray(listed, brief(it, item_key(it)));
		n++;
	}
	/* One short write: the items handled seen, the feed's state. */
	if ((rc = pake_db_begin(st, &e)) == 0) {
		k = 0;
		cJSON_ArrayForEach(it, fresh) {
			if (rc != 0 || k++ >= n)
				break;
			if ((rc = pake_db_feed_seen_add(st, s->id, item_key(it),
			    &added, &e)) == 0)
				seen += added;
		}
		if (rc == 0 && seen > 0)
			rc = pake_db_feed_seen_trim(st, s->id,
			    PAKE_FEED_SEEN_KEEP, &e);
		if (rc == 0)
			rc = pake_db_feed_polled(st, s->id, ok, etag, lm, why,
			    pake_now_ms(), seen, &e);
		if (rc == 0)
			rc = pake_db_commit(st, &e);
		else
			pake_db_rollback(st);
	}
	if (rc != 0) {
		ok = 0;
		snprintf(why, sizeof why, "%s", e.msg);
		pake_log_msg(c->log, PAKE_LOG_WARN, "feed %s: store: %s (%s)",
		    s->url, e.msg, e.detail);
	}
	cJSON_AddStringToObject(o, "url", s->url);
	cJSON_AddStringToObject(o, "title", s->title);
	if (rc != 0) {		/* nothing was marked seen */
		cJSON_Delete(listed);
		listed = cJSON_CreateArray();
		n = 0;
	}
	cJSON_AddStringToObject(o, "status", !ok ? "error" : n > 0 ? "new" :
	    "unchanged");
	cJSON_AddNumberToObject(o, "new_items", (double)n);
	cJSON_AddItemToObject(o, "items", listed);
	cJSON_AddItemToObject(o, "saved", saved);
	if (!ok)
		cJSON_AddStringToObject(o, "error", why);
	if (unchanged)
		cJSON_AddBoolToObject(o, "not_modified", 1);
	cJSON_Delete(fresh);
	cJSON_Delete(feed);
	pake_fetch_res_free(&r);
	return 0;
}

int
pake_feed_poll(pake_ctx *c, const char *url, cJSON **out, pake_err *e)
{
	struct subs s = {0};
	cJSON *feeds;
	pake_db *st;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	rc = url ? pake_db_feed_get(st, url, sub_copy, &s, e) :
	    pake_db_feed_each(st, sub_copy, &s, e);
	pake_db_rollback(st);
	if (rc == 0 && s.oom)
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if (rc != 0) {
		subs_free(&s);
		return rc;
	}
	feeds = cJSON_CreateArray();
	for (i = 0; i < s.n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddItemToArray(feeds, o);
		poll_one(c, st, &s.v[i], o);
	}
	subs_free(&s);
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, "feeds", feeds);
	return 0;
}
