/*
 * analytics.c: the tenant's searches read back (issue 14, item 2): the
 * log with its sessions and topics, and SEED-API §3.2's /ml/... answers.
 *
 * The log is the search log (lib/searchlog.c): every search of the
 * tenant from every front, folded rows and spooled lines alike, read
 * without writing.  A search's topics are its query's keywords by
 * SEED-API §1.4's rule (runs of ASCII letters of 3 or more, lower-cased,
 * not stop words).  The Python system took its topics and "semantic
 * scores" from the research results it reranked; pake's log keeps what
 * every search has: the query, its hits and its time.  So where Python
 * used the mean semantic score, pake uses what it stands for and what it
 * has: the share of searches that found something ("found rate"), and a
 * knowledge gap is a search that found nothing.  SEED-API's bugs are
 * fixed: the knowledge graph's recency favours the newest queries, and
 * the summaries' figures are read where they are (nested in
 * summarization_statistics).  ARCHITECTURE.md §18 lists each formula.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "analytics_int.h"
#include "pake/op.h"
#include "pake/summary.h"
#include "pake/text.h"
#include "pake/util.h"

/* Words counted */

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

an_word *
an_words_get(an_words *m, const char *w)
{
	size_t i;
	uint32_t h = hash_str(w);

	if (m->oom)
		return NULL;
	if (m->n * 2 >= m->nslot) {	/* grow: slots hold index + 1 */
		size_t ns = m->nslot ? m->nslot * 2 : 64, k;
		uint32_t *slot = calloc(ns, sizeof *slot);

		if (slot == NULL) {
			m->oom = 1;
			return NULL;
		}
		for (k = 0; k < m->n; k++) {
			i = hash_str(m->v[k].w) & (ns - 1);
			while (slot[i])
				i = (i + 1) & (ns - 1);
			slot[i] = (uint32_t)k + 1;
		}
		free(m->slot);
		m->slot = slot;
		m->nslot = ns;
	}
	for (i = h & (m->nslot - 1); m->slot[i]; i = (i + 1) & (m->nslot - 1))
		if (strcmp(m->v[m->slot[i] - 1].w, w) == 0)
			return &m->v[m->slot[i] - 1];
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		an_word *v = realloc(m->v, cap * sizeof *v);

		if (v == NULL) {
			m->oom = 1;
			return NULL;
		}
		m->v = v;
		m->cap = cap;
	}
	memset(&m->v[m->n], 0, sizeof m->v[m->n]);
	pake_strlcpy(m->v[m->n].w, w, sizeof m->v[m->n].w);
	m->v[m->n].first = m->n;
	m->slot[i] = (uint32_t)++m->n;
	return &m->v[m->n - 1];
}

static int
by_count(const void *x, const void *y)
{
	const an_word *a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

void
an_words_sort(an_words *m)
{
	if (m->n > 1)
		qsort(m->v, m->n, sizeof *m->v, by_count);
	free(m->slot);
	m->slot = NULL;
	m->nslot = 0;
}

void
an_words_free(an_words *m)
{
	free(m->v);
	free(m->slot);
	memset(m, 0, sizeof *m);
}

/* Small helpers */

int
an_topics(const char *q, char w[AN_TOPICS][32])
{
	char k[32];
	int n = 0, i;

	while (n < AN_TOPICS && pake_text_next_keyword(&q, k)) {
		for (i = 0; i < n && strcmp(w[i], k); i++)
			;
		if (i == n)
			memcpy(w[n++], k, sizeof k);
	}
	return n;
}

int
an_range(const char *s, const char *def, int64_t *ms, pake_err *e)
{
	char *end;
	long v;

	if (s == NULL)
		s = def;
	v = strtol(s, &end, 10);
	if (end != s && v >= 1 && strcmp(end, "h") == 0 && v <= 8760) {
		*ms = v * 3600000LL;
		return 0;
	}
	if (end != s && v >= 1 && strcmp(end, "d") == 0 && v <= 365) {
		*ms = v * 86400000LL;
		return 0;
	}
	return pake_fail(e, PAKE_EINVAL, NULL, "time_range: give <N>h (1 to "
	    "8760) or <N>d (1 to 365), such as 24h or 7d, not '%.40s'", s);
}

double
an_round(double v, int places)
{
	double f = pow(10, places);

	return isfinite(v) ? round(v * f) / f : 0;
}

void
an_time(cJSON *o, const char *key, int64_t ms)
{
	char ts[32];

	pake_iso8601(ms, ts);
	cJSON_AddStringToObject(o, key, ts);
}

void
an_absent(cJSON *o, const char *key, const char *why)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "absent");

	cJSON_AddNullToObject(o, key);
	if (a == NULL)
		a = cJSON_AddObjectToObject(o, "absent");
	cJSON_AddStringToObject(a, key, why);
}

/* The log and its sessions */

static int
by_start(const void *x, const void *y)
{
	const an_session *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return strcmp(a->actor, b->actor);
}

/* The sessions of the events: an actor's searches sharing a start. */
static int
sessions(an_log *l, pake_err *e)
{
	an_words keys = {0}, tops = {0};
	char key[32], w[AN_TOPICS][32];
	size_t i, k, *next_ev, *first, *last;
	int j, nt;

	if (l->n == 0)
		return 0;
	l->sess = calloc(l->n, sizeof *l->sess);
	l->s = calloc(l->n, sizeof *l->s);
	next_ev = malloc(l->n * sizeof *next_ev);
	first = malloc(l->n * sizeof *first);
	last = malloc(l->n * sizeof *last);
	if (l->sess == NULL || l->s == NULL || next_ev == NULL ||
	    first == NULL || last == NULL) {
		free(next_ev);
		free(first);
		free(last);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	for (i = 0; i < l->n; i++) {
		pake_search_ev *x = &l->ev[i];
		an_word *kw;
		an_session *s;

		/* The key: start and a hash of the actor (collisions between
		 * two actors starting in the same ms merge them: harmless). */
		snprintf(key, sizeof key, "%lld.%08x", (long long)x->session,
		    hash_str(x->actor));
		if ((kw = an_words_get(&keys, key)) == NULL)
			break;
		if (kw->n == 0) {
			kw->found = (int64_t)l->ns;	/* its index */
			s = &l->s[l->ns];
			s->idx = l->ns;
			s->actor = x->actor;
			s->start = x->session;
			first[l->ns++] = i;
		} else {
			next_ev[last[kw->found]] = i;
		}
		kw->n++;
		k = (size_t)kw->found;
		last[k] = i;
		next_ev[i] = (size_t)-1;
		s = &l->s[k];
		l->sess[i] = k;
		s->queries++;
		s->found += x->hits > 0;
		s->hits += x->hits;
		if (x->t > s->end)
			s->end = x->t;
	}
	/* Each session's most searched topics, one map reused. */
	for (k = 0; k < l->ns && !keys.oom; k++) {
		for (i = first[k]; i != (size_t)-1; i = next_ev[i]) {
			nt = an_topics(l->ev[i].query, w);
			for (j = 0; j < nt; j++) {
				an_word *t = an_words_get(&tops, w[j]);

				if (t)
					t->n++;
			}
		}
		an_words_sort(&tops);
		for (j = 0; j < 5 && (size_t)j < tops.n; j++)
			memcpy(l->s[k].dominant[j], tops.v[j].w, 32);
		l->s[k].ndom = j;
		tops.n = 0;
	}
	free(next_ev);
	free(first);
	free(last);
	if (keys.oom || tops.oom) {
		an_words_free(&keys);
		an_words_free(&tops);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	an_words_free(&keys);
	an_words_free(&tops);
	/* Sessions by start; events keep their indexes through a map. */
	{
		size_t *pos = malloc(l->ns * sizeof *pos);
		an_session *sorted = malloc(l->ns * sizeof *sorted);

		if (pos == NULL || sorted == NULL) {
			free(pos);
			free(sorted);
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
			    NULL);
		}
		memcpy(sorted, l->s, l->ns * sizeof *sorted);
		qsort(sorted, l->ns, sizeof *sorted, by_start);
		for (k = 0; k < l->ns; k++)
			pos[sorted[k].idx] = k;
		for (i = 0; i < l->n; i++)
			l->sess[i] = pos[l->sess[i]];
		memcpy(l->s, sorted, l->ns * sizeof *sorted);
		free(pos);
		free(sorted);
	}
	return 0;
}

int
an_load(pake_ctx *c, int64_t since, an_log *l, pake_err *e)
{
	int rc;

	memset(l, 0, sizeof *l);
	l->c = c;
	l->now = pake_now_ms();
	if ((rc = pake_searchlog_events(c, since, AN_MAX_EVENTS, &l->ev, &l->n,
	    &l->truncated, e)) != 0)
		return rc;
	if ((rc = sessions(l, e)) != 0)
		an_free(l);
	return rc;
}

void
an_view(const an_log *l, int64_t since, an_log *v)
{
	size_t i = 0, k = 0;

	while (i < l->n && l->ev[i].t < since)
		i++;
	while (k < l->ns && l->s[k].start < since)
		k++;
	*v = *l;
	v->ev = l->ev + i;
	v->n = l->n - i;
	v->s = l->s + k;
	v->ns = l->ns - k;
	v->sess = NULL;
}

void
an_free(an_log *l)
{
	pake_searchlog_events_free(l->ev, l->n);
	free(l->s);
	free(l->sess);
	memset(l, 0, sizeof *l);
}

/* /ml/metrics */

/* The first event of today (UTC). */
static size_t
today_from(const an_log *l)
{
	int64_t midnight = l->now - l->now % 86400000LL;
	size_t i = l->n;

	while (i > 0 && l->ev[i - 1].t >= midnight)
		i--;
	return i;
}

/* Topics of events [from, to) counted. */
static void
count_topics(const an_log *l, size_t from, size_t to, an_words *m)
{
	char w[AN_TOPICS][32];
	size_t i;
	int j, nt;

	for (i = from; i < to; i++) {
		nt = an_topics(l->ev[i].query, w);
		for (j = 0; j < nt; j++) {
			an_word *x = an_words_get(m, w[j]);

			if (x) {
				x->n++;
				x->found += l->ev[i].hits > 0;
				x->last = l->ev[i].t;
			}
		}
	}
}

/* Knowledge gaps in events [from, to): the words of more than 3 letters
 * of the searches that found nothing, the most frequent first. */
static cJSON *
gaps(const an_log *l, size_t from, size_t to, int max)
{
	an_words m = {0};
	cJSON *a = cJSON_CreateArray();
	const char *q;
	char w[32];
	size_t i;

	for (i = from; i < to; i++) {
		if (l->ev[i].hits > 0)
			continue;
		for (q = l->ev[i].query; pake_text_next_keyword(&q, w);) {
			an_word *x;

			if (strlen(w) > 3 && (x = an_words_get(&m, w)) != NULL)
				x->n++;
		}
	}
	an_words_sort(&m);
	for (i = 0; i < m.n && (int)i < max; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(m.v[i].w));
	an_words_free(&m);
	return a;
}

/* Words of a query, split on white space. */
static int
query_words(const char *q)
{
	int n = 0, in = 0;

	for (; *q; q++) {
		int sp = *q == ' ' || *q == '\t' || *q == '\n' || *q == '\r';

		n += !sp && !in;
		in = !sp;
	}
	return n;
}

/* The summaries' figures, read where they are (Python read them at the
 * top level, where they are not, and always saw 0). */
static void
summaries(an_log *l, cJSON *m)
{
	pake_err e = {0};
	cJSON *o = NULL, *st;

	if (pake_summary_analytics(l->c, &o, &e) != 0)
		o = NULL;
	st = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(o, "analytics"),
	    "summarization_statistics");
	if (!cJSON_IsObject(st)) {
		cJSON_AddNumberToObject(m, "total_content_analyzed", 0);
		an_absent(m, "avg_compression_ratio", "no summary written yet "
		    "(summarize_note with save records them)");
		an_absent(m, "avg_confidence_score", "no summary written yet");
	} else {
		cJSON_AddNumberToObject(m, "total_content_analyzed",
		    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(st,
		    "total_documents_processed")));
		cJSON_AddNumberToObject(m, "avg_compression_ratio",
		    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(st,
		    "avg_compression_ratio")));
		cJSON_AddNumberToObject(m, "avg_confidence_score",
		    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(st,
		    "avg_confidence_score")));
	}
	cJSON_Delete(o);
}

cJSON *
an_ml_metrics(an_log *l, pake_err *e)
{
	size_t from = today_from(l), n = l->n - from, i, last20;
	an_words topics = {0};
	cJSON *m = cJSON_CreateObject(), *a;
	double ms = 0, words = 0, found = 0, f[4];
	int64_t active = 0, sessions_today = 0;
	int64_t focus_min;

	(void)e;
	an_time(m, "timestamp", l->now);
	cJSON_AddNumberToObject(m, "total_searches_today", (double)n);
	for (i = from; i < l->n; i++) {
		ms += l->ev[i].ms;
		words += query_words(l->ev[i].query);
		found += l->ev[i].hits > 0;
	}
	if (n) {
		cJSON_AddNumberToObject(m, "avg_response_time_ms",
		    an_round(ms / (double)n, 1));
		cJSON_AddNumberToObject(m, "success_rate",
		    an_round(100 * found / (double)n, 1));
	} else {
		an_absent(m, "avg_response_time_ms", "no search today");
		an_absent(m, "success_rate", "no search today");
	}
	summaries(l, m);
	for (i = 0; i < l->ns; i++) {
		if (l->now - l->s[i].start <= AN_SESSION_MS &&
		    l->s[i].start <= l->now)
			active++;
		if (l->s[i].end >= l->now - l->now % 86400000LL)
			sessions_today++;
	}
	cJSON_AddNumberToObject(m, "active_research_sessions", (double)active);
	/* Trending: the topics of today's last 20 searches. */
	last20 = n > 20 ? l->n - 20 : from;
	count_topics(l, last20, l->n, &topics);
	an_words_sort(&topics);
	a = cJSON_AddArrayToObject(m, "trending_topics");
	for (i = 0; i < topics.n && i < 10; i++) {
		cJSON *p = cJSON_CreateArray();

		cJSON_AddItemToArray(p, cJSON_CreateString(topics.v[i].w));
		cJSON_AddItemToArray(p, cJSON_CreateNumber((double)
		    topics.v[i].n));
		cJSON_AddItemToArray(a, p);
	}
	an_words_free(&topics);
	cJSON_AddItemToObject(m, "knowledge_gaps", gaps(l, last20, l->n, 5));
	/* Productivity: volume, query length, found rate, depth. */
	f[0] = fmin((double)n / 10, 1);
	f[1] = n ? fmin(words / (double)n / 5, 1) : 0;
	f[2] = n ? found / (double)n : 0;
	f[3] = sessions_today ? fmin((double)n / (double)sessions_today / 5,
	    1) : 0;
	cJSON_AddNumberToObject(m, "research_productivity_score",
	    an_round((f[0] + f[1] + f[2] + f[3]) / 4, 3));
	/* Diversity and focus over today's searches. */
	count_topics(l, from, l->n, &topics);
	an_words_sort(&topics);
	cJSON_AddNumberToObject(m, "exploration_diversity", n ?
	    an_round(fmin((double)topics.n / (2.0 * (double)n), 1), 3) : 0);
	focus_min = (int64_t)fmax(1, 0.2 * (double)n);
	a = cJSON_AddArrayToObject(m, "focus_areas");
	for (i = 0; i < topics.n && cJSON_GetArraySize(a) < 8; i++)
		if (topics.v[i].n >= focus_min)
			cJSON_AddItemToArray(a, cJSON_CreateString(
			    topics.v[i].w));
	an_words_free(&topics);
	return m;
}

/* /ml/patterns */

static void
pattern(cJSON *list, const char *type, const char *name, int64_t freq,
    double conf, int64_t last, cJSON *queries, cJSON *insights)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "pattern_type", type);
	cJSON_AddStringToObject(p, "pattern_name", name);
	cJSON_AddNumberToObject(p, "frequency", (double)freq);
	cJSON_AddNumberToObject(p, "confidence", an_round(conf, 3));
	if (last > 0)
		an_time(p, "last_seen", last);
	else
		cJSON_AddNullToObject(p, "last_seen");
	cJSON_AddItemToObject(p, "related_queries", queries ? queries :
	    cJSON_CreateArray());
	cJSON_AddItemToObject(p, "insights", insights ? insights :
	    cJSON_CreateArray());
	cJSON_AddItemToArray(list, p);
}

/* Up to 5 of the newest distinct queries holding topic t. */
static cJSON *
queries_with(const an_log *l, const char *t)
{
	cJSON *a = cJSON_CreateArray(), *q;
	char w[AN_TOPICS][32];
	size_t i;
	int j, nt, dup;

	for (i = l->n; i-- > 0 && cJSON_GetArraySize(a) < 5;) {
		nt = an_topics(l->ev[i].query, w);
		for (j = 0; j < nt && strcmp(w[j], t); j++)
			;
		if (j == nt)
			continue;
		dup = 0;
		cJSON_ArrayForEach(q, a)
			dup |= strcmp(q->valuestring, l->ev[i].query) == 0;
		if (!dup)
			cJSON_AddItemToArray(a, cJSON_CreateString(
			    l->ev[i].query));
	}
	return a;
}


/* A topic's clusters: topics dominant in the same sessions at least 3
 * times, the most shared first, up to 3.  The pairs of each session's
 * dominant topics are counted in one pass. */
struct rel {
	int topic;
	int64_t n;
	size_t first;
};

static int
by_rel(const void *x, const void *y)
{
	const struct rel *a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

static void
topic_clusters(const an_log *l, cJSON *list)
{
	an_words dom = {0}, ix = {0}, pairs = {0};
	struct rel *rel = NULL, *mine;
	size_t i, k, made = 0, nrel_all = 0;
	int j, m, id[5];
	char name[96], text[200], key[32];

	for (i = 0; i < l->ns; i++)
		for (j = 0; j < l->s[i].ndom; j++) {
			an_word *x = an_words_get(&dom, l->s[i].dominant[j]);

			if (x) {
				x->n++;
				if (l->s[i].end > x->last)
					x->last = l->s[i].end;
			}
		}
	an_words_sort(&dom);
	for (k = 0; k < dom.n; k++) {
		an_word *x = an_words_get(&ix, dom.v[k].w);

		if (x)
			x->found = (int64_t)k;
	}
	for (i = 0; i < l->ns; i++) {
		for (j = 0; j < l->s[i].ndom; j++) {
			an_word *x = an_words_get(&ix, l->s[i].dominant[j]);

			id[j] = x ? (int)x->found : -1;
		}
		for (j = 0; j < l->s[i].ndom; j++)
			for (m = 0; m < l->s[i].ndom; m++) {
				an_word *x;

				if (m == j || id[j] < 0 || id[m] < 0)
					continue;
				snprintf(key, sizeof key, "%d.%d", id[j], id[m]);
				if ((x = an_words_get(&pairs, key)) != NULL)
					x->n++;
			}
	}
	/* The pairs seen 3 times or more, by their first topic. */
	rel = calloc(pairs.n + 1, sizeof *rel);
	for (k = 0; rel && k < pairs.n; k++) {
		int a, b;

		if (pairs.v[k].n < 3 || sscanf(pairs.v[k].w, "%d.%d", &a, &b) !=
		    2)
			continue;
		rel[nrel_all].topic = b;
		rel[nrel_all].n = pairs.v[k].n;
		rel[nrel_all].first = (size_t)a;	/* grouped below */
		nrel_all++;
	}
	mine = calloc(nrel_all + 1, sizeof *mine);
	for (k = 0; rel && mine && k < dom.n && made < 10; k++) {
		size_t nm = 0, r;
		cJSON *ins, *q;
		char line[320];

		if (dom.v[k].n < 3)
			break;
		for (r = 0; r < nrel_all; r++)
			if (rel[r].first == k) {
				mine[nm] = rel[r];
				mine[nm].first = (size_t)rel[r].topic;
				nm++;
			}
		if (nm == 0)
			continue;
		qsort(mine, nm, sizeof *mine, by_rel);
		text[0] = '\0';
		for (r = 0; r < nm && r < 3; r++)
			snprintf(text + strlen(text), sizeof text - strlen(text),
			    "%s%s", r ? ", " : "", dom.v[mine[r].topic].w);
		snprintf(name, sizeof name, "%s research cluster", dom.v[k].w);
		snprintf(line, sizeof line, "%s is searched in the same sessions "
		    "as %s", dom.v[k].w, text);
		ins = cJSON_CreateArray();
		cJSON_AddItemToArray(ins, cJSON_CreateString(line));
		q = queries_with(l, dom.v[k].w);
		pattern(list, "topic_cluster", name, dom.v[k].n,
		    fmin(1, (double)(nm < 3 ? nm : 3) / 3), dom.v[k].last, q,
		    ins);
		made++;
	}
	free(rel);
	free(mine);
	an_words_free(&pairs);
	an_words_free(&ix);
	an_words_free(&dom);
}

/* The sources of a search: a research search's list, else the vault. */
static void
each_source(const pake_search_ev *x, an_words *m)
{
	cJSON *s = x->sources ? cJSON_Parse(x->sources) : NULL, *it;
	an_word *w;

	if (cJSON_IsArray(s) && cJSON_GetArraySize(s) > 0) {
		cJSON_ArrayForEach(it, s)
			if (cJSON_IsString(it) && (w = an_words_get(m,
			    it->valuestring)) != NULL) {
				w->n++;
				w->found += x->hits > 0;
				w->last = x->t;
			}
	} else if ((w = an_words_get(m, "vault")) != NULL) {
		w->n++;
		w->found += x->hits > 0;
		w->last = x->t;
	}
	cJSON_Delete(s);
}

cJSON *
an_ml_patterns(an_log *l)
{
	cJSON *list = cJSON_CreateArray(), *hours, *ins;
	int64_t by_hour[24] = {0}, peak = 0, last = 0;
	an_words src = {0};
	int distinct = 0, h;
	size_t i;
	char line[200];

	topic_clusters(l, list);
	for (i = 0; i < l->n; i++)
		by_hour[(l->ev[i].t / 3600000) % 24]++;
	for (h = 0; h < 24; h++)
		distinct += by_hour[h] > 0;
	if (distinct >= 3) {
		hours = cJSON_CreateArray();
		line[0] = '\0';
		for (h = 0; h < 24; h++)
			if ((double)by_hour[h] > 1.5 * (double)l->n / 24) {
				cJSON_AddItemToArray(hours,
				    cJSON_CreateNumber(h));
				peak += by_hour[h];
				snprintf(line + strlen(line), sizeof line -
				    strlen(line), "%s%02d:00", line[0] ? ", " :
				    "", h);
			}
		if (cJSON_GetArraySize(hours) > 0) {
			char text[260];

			ins = cJSON_CreateArray();
			snprintf(text, sizeof text, "Most searches come at %s "
			    "UTC", line);
			cJSON_AddItemToArray(ins, cJSON_CreateString(text));
			last = l->ev[l->n - 1].t;
			pattern(list, "time_pattern", "Peak research hours",
			    peak, 0.8, last, NULL, ins);
			cJSON_AddItemToObject(cJSON_GetArrayItem(list,
			    cJSON_GetArraySize(list) - 1), "peak_hours",
			    hours);
		} else {
			cJSON_Delete(hours);
		}
	}
	for (i = 0; i < l->n; i++)
		each_source(&l->ev[i], &src);
	an_words_sort(&src);
	if (src.n > 0 && src.v[0].n >= 3) {
		char name[80], text[200];

		snprintf(name, sizeof name, "Prefers %s", src.v[0].w);
		snprintf(text, sizeof text, "%lld of %zu searches used %s",
		    (long long)src.v[0].n, l->n, src.v[0].w);
		ins = cJSON_CreateArray();
		cJSON_AddItemToArray(ins, cJSON_CreateString(text));
		pattern(list, "source_preference", name, src.v[0].n,
		    (double)src.v[0].found / (double)src.v[0].n, src.v[0].last,
		    NULL, ins);
	}
	an_words_free(&src);
	return list;
}

/* /ml/insights */

static void
insight(cJSON *list, const char *type, const char *title, const char *desc,
    double conf, const char *const actions[3], const char *topic,
    const char *priority)
{
	cJSON *o = cJSON_CreateObject(), *a;
	int i;

	cJSON_AddStringToObject(o, "insight_type", type);
	cJSON_AddStringToObject(o, "title", title);
	cJSON_AddStringToObject(o, "description", desc);
	cJSON_AddNumberToObject(o, "confidence", an_round(conf, 3));
	a = cJSON_AddArrayToObject(o, "actionable_suggestions");
	for (i = 0; i < 3; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(actions[i]));
	a = cJSON_AddArrayToObject(o, "related_topics");
	if (topic)
		cJSON_AddItemToArray(a, cJSON_CreateString(topic));
	cJSON_AddStringToObject(o, "priority", priority);
	cJSON_AddItemToArray(list, o);
}

cJSON *
an_ml_insights(an_log *l, const cJSON *patterns)
{
	const cJSON *src;
	cJSON *list = cJSON_CreateArray(), *g, *it, *pats;
	size_t from = today_from(l), n = l->n - from, last20, i;
	an_words top = {0};
	char title[200], desc[400], act[3][200];
	const char *acts[3] = {act[0], act[1], act[2]};
	int made;

	last20 = n > 20 ? l->n - 20 : from;
	/* Gaps: what today's last searches did not find. */
	g = gaps(l, last20, l->n, 3);
	cJSON_ArrayForEach(it, g) {
		snprintf(title, sizeof title, "Nothing found on %s",
		    it->valuestring);
		snprintf(desc, sizeof desc, "Recent searches about %s found no "
		    "note.", it->valuestring);
		snprintf(act[0], sizeof act[0], "Write a note about %s",
		    it->valuestring);
		snprintf(act[1], sizeof act[1], "Search arXiv or PubMed for %s "
		    "and save what helps", it->valuestring);
		snprintf(act[2], sizeof act[2], "Try other words for %s, or "
		    "search by meaning", it->valuestring);
		insight(list, "research_gap", title, desc, 0.7, acts,
		    it->valuestring, "medium");
	}
	cJSON_Delete(g);
	/* Trends: today's last 20 searches' topics seen 3 times or more. */
	count_topics(l, last20, l->n, &top);
	an_words_sort(&top);
	for (i = 0; i < top.n && i < 2 && top.v[i].n >= 3; i++) {
		snprintf(title, sizeof title, "%s is trending in your research",
		    top.v[i].w);
		snprintf(desc, sizeof desc, "%lld of your latest searches were "
		    "about %s.", (long long)top.v[i].n, top.v[i].w);
		snprintf(act[0], sizeof act[0], "Gather your notes on %s into "
		    "an overview note", top.v[i].w);
		snprintf(act[1], sizeof act[1], "Follow %s with a topic "
		    "(pake-ingest topic add)", top.v[i].w);
		snprintf(act[2], sizeof act[2], "Link the notes about %s in "
		    "the graph", top.v[i].w);
		insight(list, "trending_topic", title, desc, 0.8, acts,
		    top.v[i].w, "high");
	}
	an_words_free(&top);
	/* Deep dives: topics of the last 20 searches (any day) seen 3 times
	 * or more, most of them finding something. */
	count_topics(l, l->n > 20 ? l->n - 20 : 0, l->n, &top);
	an_words_sort(&top);
	for (i = 0, made = 0; i < top.n && made < 2; i++) {
		if (top.v[i].n < 3 || (double)top.v[i].found /
		    (double)top.v[i].n <= 0.6)
			continue;
		snprintf(title, sizeof title, "Deep dive into %s", top.v[i].w);
		snprintf(desc, sizeof desc, "You keep searching %s and find "
		    "notes: a good subject to go deeper.", top.v[i].w);
		snprintf(act[0], sizeof act[0], "Summarize your notes on %s",
		    top.v[i].w);
		snprintf(act[1], sizeof act[1], "Look at the notes related to "
		    "those on %s", top.v[i].w);
		snprintf(act[2], sizeof act[2], "Write down open questions "
		    "about %s", top.v[i].w);
		insight(list, "deep_dive", title, desc, 0.9, acts, top.v[i].w,
		    "high");
		made++;
	}
	an_words_free(&top);
	/* A related area: the first topic cluster. */
	pats = patterns ? NULL : an_ml_patterns(l);
	src = patterns ? patterns : pats;
	cJSON_ArrayForEach(it, src) {
		const char *type = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "pattern_type"));
		const char *name = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "pattern_name"));
		cJSON *ins = cJSON_GetArrayItem(
		    cJSON_GetObjectItemCaseSensitive(it, "insights"), 0);

		if (type == NULL || strcmp(type, "topic_cluster") != 0)
			continue;
		snprintf(title, sizeof title, "Related area: %s", name);
		snprintf(desc, sizeof desc, "%s.", cJSON_GetStringValue(ins) ?
		    cJSON_GetStringValue(ins) : name);
		snprintf(act[0], sizeof act[0], "Link the notes of these topics");
		snprintf(act[1], sizeof act[1], "Look for what connects them");
		snprintf(act[2], sizeof act[2], "Search them together");
		insight(list, "related_area", title, desc,
		    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(it,
		    "confidence")), acts, NULL, "low");
		break;
	}
	cJSON_Delete(pats);
	return list;
}

/* /ml/knowledge-graph (SEED-API §3.3) */

#define KG_MAX_NODES	30

typedef struct kg_node {
	char id[64];
	char label[96];
	const char *type, *color;
	double weight;
	int size;
	cJSON *meta;
	int keep, degree;
} kg_node;

typedef struct kg {
	kg_node v[256];
	int n;
	cJSON *edges;
} kg;

static kg_node *
kg_add(kg *g, const char *id, const char *label, const char *type,
    const char *color, double weight)
{
	kg_node *x;

	if (g->n == (int)(sizeof g->v / sizeof g->v[0]))
		return NULL;
	x = &g->v[g->n++];
	memset(x, 0, sizeof *x);
	pake_strlcpy(x->id, id, sizeof x->id);
	pake_strlcpy(x->label, label, sizeof x->label);
	x->type = type;
	x->color = color;
	x->weight = weight;
	x->size = 15;
	x->meta = cJSON_CreateObject();
	return x;
}

static kg_node *
kg_find(kg *g, const char *id)
{
	int i;

	for (i = 0; i < g->n; i++)
		if (strcmp(g->v[i].id, id) == 0)
			return &g->v[i];
	return NULL;
}

static void
kg_edge(kg *g, const char *a, const char *b, double w, const char *type)
{
	cJSON *e;

	if (w < 0.1 || kg_find(g, a) == NULL || kg_find(g, b) == NULL)
		return;
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "source", a);
	cJSON_AddStringToObject(e, "target", b);
	cJSON_AddNumberToObject(e, "weight", an_round(w, 3));
	cJSON_AddStringToObject(e, "type", type);
	cJSON_AddObjectToObject(e, "metadata");
	cJSON_AddItemToArray(g->edges, e);
}

static void
short_hash(const char *s, char out[9])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	snprintf(out, 9, "%02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
}

/* A label of at most 30 bytes and "...", cut at a character boundary. */
static void
cut_label(const char *s, char out[96])
{
	size_t n = strlen(s);

	if (n <= 30) {
		pake_strlcpy(out, s, 96);
		return;
	}
	n = 30;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	snprintf(out, 96, "%.*s...", (int)n, s);
}

static int
by_weight(const void *x, const void *y)
{
	const kg_node *a = x, *b = y;

	return a->weight > b->weight ? -1 : a->weight < b->weight;
}

static cJSON *
kg_json(an_log *l, cJSON *insights)
{
	kg *g = calloc(1, sizeof *g);
	an_words top = {0};
	cJSON *out, *gd, *nodes, *it, *md, *types, *etypes, *stats;
	char id[64], w[AN_TOPICS][32], h[9];
	size_t i, k, nq;
	int j, m, nt;
	double maxf = 1, sumw = 0, sume = 0, maxw = 0, maxe = 0;

	if (g == NULL)
		return NULL;
	g->edges = cJSON_CreateArray();
	count_topics(l, 0, l->n, &top);
	an_words_sort(&top);
	if (top.n > 0)
		maxf = (double)top.v[0].n;
	for (i = 0; i < top.n; i++) {
		kg_node *x;
		double fr;

		if (top.v[i].n < 2)
			break;
		fr = (double)top.v[i].found / (double)top.v[i].n;
		snprintf(id, sizeof id, "topic_%s", top.v[i].w);
		if ((x = kg_add(g, id, top.v[i].w, "topic", "#3498db",
		    (double)top.v[i].n * (1 + fr))) == NULL)
			break;
		x->size = (int)fmin(30, fmax(10, 10 + 2 * (double)top.v[i].n));
		cJSON_AddNumberToObject(x->meta, "frequency",
		    (double)top.v[i].n);
		cJSON_AddNumberToObject(x->meta, "found_rate", an_round(fr, 3));
	}
	/* Topic co-occurrence within one search. */
	{
		int64_t *co;
		int nt0 = g->n;

		co = calloc((size_t)nt0 * (size_t)(nt0 ? nt0 : 1),
		    sizeof *co);
		an_words tix = {0};

		/* Topic node by word. */
		for (m = 0; m < nt0; m++) {
			an_word *x = an_words_get(&tix, g->v[m].label);

			if (x)
				x->found = m + 1;
		}
		for (i = 0; co && i < l->n; i++) {
			int idx[AN_TOPICS], ni = 0;

			nt = an_topics(l->ev[i].query, w);
			for (j = 0; j < nt; j++) {
				an_word *x = an_words_get(&tix, w[j]);

				if (x && x->found > 0)
					idx[ni++] = (int)x->found - 1;
			}
			for (j = 0; j < ni; j++)
				for (m = j + 1; m < ni; m++)
					co[idx[j] * nt0 + idx[m]]++,
					co[idx[m] * nt0 + idx[j]]++;
		}
		for (j = 0; co && j < nt0; j++)
			for (m = j + 1; m < nt0; m++) {
				double fa = cJSON_GetNumberValue(
				    cJSON_GetObjectItemCaseSensitive(
				    g->v[j].meta, "frequency"));
				double fb = cJSON_GetNumberValue(
				    cJSON_GetObjectItemCaseSensitive(
				    g->v[m].meta, "frequency"));

				if (co[j * nt0 + m] > 0)
					kg_edge(g, g->v[j].id, g->v[m].id,
					    (double)co[j * nt0 + m] /
					    fmin(fa, fb), "co_occurs");
			}
		free(co);
		an_words_free(&tix);
	}
	/* The last 10 distinct queries of more than 3 bytes, the newest
	 * first, weighted by recency (SEED-API's inverted recency fixed). */
	for (i = l->n, nq = 0; i-- > 0 && nq < 10;) {
		const pake_search_ev *x = &l->ev[i];
		kg_node *q;
		char label[96];

		if (strlen(x->query) <= 3)
			continue;
		short_hash(x->query, h);
		snprintf(id, sizeof id, "query_%s", h);
		if (kg_find(g, id))
			continue;
		cut_label(x->query, label);
		if ((q = kg_add(g, id, label, "query", "#e74c3c",
		    (10.0 - (double)nq) / 10 * (1 + 0.1 * (double)x->hits))) ==
		    NULL)
			break;
		cJSON_AddStringToObject(q->meta, "query", x->query);
		cJSON_AddNumberToObject(q->meta, "results", (double)x->hits);
		an_time(q->meta, "time", x->t);
		nq++;
		nt = an_topics(x->query, w);
		for (j = 0, m = 0; j < nt && m < 3; j++) {
			char tid[64];
			kg_node *t;

			snprintf(tid, sizeof tid, "topic_%s", w[j]);
			if ((t = kg_find(g, tid)) == NULL)
				continue;
			kg_edge(g, id, tid, (x->hits > 0 ? 1 : 0.5) *
			    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
			    t->meta, "frequency")) / maxf, "contains_topic");
			m++;
		}
	}
	/* The last 10 sessions. */
	for (k = l->ns, nq = 0; k-- > 0 && nq < 10; nq++) {
		const an_session *s = &l->s[k];
		double fr = (double)s->found / (double)s->queries;
		kg_node *x;
		char label[96];

		snprintf(id, sizeof id, "session_%lld_%s", (long long)s->start,
		    s->actor);
		pake_iso8601(s->start, label);
		if ((x = kg_add(g, id, label, "session", "#f39c12",
		    (double)s->queries * (1 + fr) * 0.1 * (double)s->hits)) ==
		    NULL)
			break;
		cJSON_AddNumberToObject(x->meta, "queries", s->queries);
		cJSON_AddNumberToObject(x->meta, "results", (double)s->hits);
		for (j = 0; j < s->ndom && j < 3; j++) {
			char tid[64];

			snprintf(tid, sizeof tid, "topic_%s", s->dominant[j]);
			kg_edge(g, id, tid, 0.8 * fr, "focuses_on");
		}
	}
	/* The insights. */
	cJSON_ArrayForEach(it, insights) {
		const char *title = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "title"));
		const char *type = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "insight_type"));
		const char *pri = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "priority"));
		double conf = cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(it, "confidence"));
		const char *color = strcmp(type, "research_gap") == 0 ?
		    "#e67e22" : strcmp(type, "trending_topic") == 0 ?
		    "#2ecc71" : strcmp(type, "deep_dive") == 0 ? "#9b59b6" :
		    "#1abc9c";
		char label[96];
		kg_node *x;

		short_hash(title, h);
		snprintf(id, sizeof id, "insight_%s", h);
		cut_label(title, label);
		if (kg_find(g, id) == NULL && (x = kg_add(g, id, label,
		    "insight", color, conf * (strcmp(pri, "high") == 0 ? 3 :
		    strcmp(pri, "medium") == 0 ? 2 : 1))) != NULL)
			cJSON_AddStringToObject(x->meta, "insight_type", type);
	}
	an_words_free(&top);
	/* More than 30 nodes: keep the heaviest, and the edges between them. */
	if (g->n > KG_MAX_NODES) {
		qsort(g->v, (size_t)g->n, sizeof g->v[0], by_weight);
		for (j = KG_MAX_NODES; j < g->n; j++) {
			cJSON_Delete(g->v[j].meta);
			g->v[j].meta = NULL;
		}
		g->n = KG_MAX_NODES;
		for (m = cJSON_GetArraySize(g->edges); m-- > 0;) {
			cJSON *e = cJSON_GetArrayItem(g->edges, m);

			if (kg_find(g, cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(e, "source"))) ==
			    NULL || kg_find(g, cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(e, "target"))) ==
			    NULL)
				cJSON_DeleteItemFromArray(g->edges, m);
		}
	}
	out = cJSON_CreateObject();
	gd = cJSON_AddObjectToObject(out, "graph_data");
	nodes = cJSON_AddArrayToObject(gd, "nodes");
	types = cJSON_CreateObject();
	etypes = cJSON_CreateObject();
	for (j = 0; j < g->n; j++) {
		cJSON *o = cJSON_CreateObject(), *c;

		cJSON_AddStringToObject(o, "id", g->v[j].id);
		cJSON_AddStringToObject(o, "label", g->v[j].label);
		cJSON_AddStringToObject(o, "type", g->v[j].type);
		cJSON_AddNumberToObject(o, "weight", an_round(g->v[j].weight,
		    3));
		cJSON_AddItemToObject(o, "metadata", g->v[j].meta);
		cJSON_AddStringToObject(o, "color", g->v[j].color);
		cJSON_AddNumberToObject(o, "size", g->v[j].size);
		cJSON_AddItemToArray(nodes, o);
		sumw += g->v[j].weight;
		maxw = fmax(maxw, g->v[j].weight);
		if ((c = cJSON_GetObjectItemCaseSensitive(types,
		    g->v[j].type)) != NULL)
			cJSON_SetNumberValue(c, c->valuedouble + 1);
		else
			cJSON_AddNumberToObject(types, g->v[j].type, 1);
	}
	cJSON_ArrayForEach(it, g->edges) {
		const char *type = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "type"));
		double ew = cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(it, "weight"));
		cJSON *c;
		kg_node *a = kg_find(g, cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "source")));
		kg_node *b = kg_find(g, cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "target")));

		a->degree++;
		b->degree++;
		sume += ew;
		maxe = fmax(maxe, ew);
		if ((c = cJSON_GetObjectItemCaseSensitive(etypes, type)) !=
		    NULL)
			cJSON_SetNumberValue(c, c->valuedouble + 1);
		else
			cJSON_AddNumberToObject(etypes, type, 1);
	}
	cJSON_AddItemToObject(gd, "edges", g->edges);
	md = cJSON_AddObjectToObject(gd, "metadata");
	m = cJSON_GetArraySize(g->edges);
	cJSON_AddNumberToObject(md, "total_nodes", g->n);
	cJSON_AddNumberToObject(md, "total_edges", m);
	cJSON_AddItemToObject(md, "node_types", types);
	cJSON_AddItemToObject(md, "edge_types", etypes);
	cJSON_AddNumberToObject(md, "avg_node_weight", g->n ?
	    an_round(sumw / g->n, 3) : 0);
	cJSON_AddNumberToObject(md, "avg_edge_weight", m ?
	    an_round(sume / m, 3) : 0);
	an_time(gd, "generated_at", l->now);
	stats = cJSON_AddObjectToObject(out, "graph_statistics");
	if (g->n == 0) {
		cJSON_AddStringToObject(stats, "message", "Empty graph");
	} else {
		cJSON *bs = cJSON_AddObjectToObject(stats, "basic_stats"), *mc;
		int order[KG_MAX_NODES], a, b2;

		cJSON_AddNumberToObject(bs, "total_nodes", g->n);
		cJSON_AddNumberToObject(bs, "total_edges", m);
		cJSON_AddNumberToObject(bs, "edge_density", g->n > 1 ?
		    an_round(2.0 * m / ((double)g->n * (g->n - 1)), 3) : 0);
		cJSON_AddNumberToObject(bs, "avg_degree",
		    an_round(2.0 * m / g->n, 3));
		cJSON_AddItemToObject(stats, "node_distribution",
		    cJSON_Duplicate(types, 1));
		for (a = 0; a < g->n; a++)
			order[a] = a;
		for (a = 1; a < g->n; a++)	/* by degree, stable */
			for (b2 = a; b2 > 0 && g->v[order[b2]].degree >
			    g->v[order[b2 - 1]].degree; b2--) {
				int t = order[b2];
				order[b2] = order[b2 - 1];
				order[b2 - 1] = t;
			}
		mc = cJSON_AddArrayToObject(stats, "most_connected_nodes");
		for (a = 0; a < g->n && a < 5; a++) {
			cJSON *o = cJSON_CreateObject();
			kg_node *x = &g->v[order[a]];

			cJSON_AddStringToObject(o, "node_id", x->id);
			cJSON_AddNumberToObject(o, "connections", x->degree);
			cJSON_AddNumberToObject(o, "degree_centrality", g->n > 1 ?
			    an_round((double)x->degree / (g->n - 1), 3) : 0);
			cJSON_AddItemToArray(mc, o);
		}
		bs = cJSON_AddObjectToObject(stats, "weight_distribution");
		cJSON_AddNumberToObject(bs, "avg_node_weight",
		    an_round(sumw / g->n, 3));
		cJSON_AddNumberToObject(bs, "avg_edge_weight", m ?
		    an_round(sume / m, 3) : 0);
		cJSON_AddNumberToObject(bs, "max_node_weight", an_round(maxw,
		    3));
		cJSON_AddNumberToObject(bs, "max_edge_weight", an_round(maxe,
		    3));
	}
	free(g);
	return out;
}

/* A session as /ml/dashboard lists it. */
static cJSON *
session_json(const an_log *l, size_t k)
{
	const an_session *s = &l->s[k];
	cJSON *o = cJSON_CreateObject(), *q, *d;
	char id[64];
	size_t i, lo, hi, nq;
	int j;

	snprintf(id, sizeof id, "%lld", (long long)s->start);
	cJSON_AddStringToObject(o, "session_id", id);
	cJSON_AddStringToObject(o, "actor", s->actor);
	an_time(o, "start_time", s->start);
	if (l->now - s->start > AN_SESSION_MS)
		an_time(o, "end_time", s->end);
	else
		cJSON_AddNullToObject(o, "end_time");
	q = cJSON_AddArrayToObject(o, "queries");
	/* Its searches lie between its start and end (events by time). */
	lo = 0;
	hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->ev[mid].t < s->start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo, nq = 0; i < l->n && l->ev[i].t <= s->end && nq < 100;
	    i++)
		if (l->sess[i] == k) {
			cJSON_AddItemToArray(q, cJSON_CreateString(
			    l->ev[i].query));
			nq++;
		}
	cJSON_AddNumberToObject(o, "total_results", (double)s->hits);
	cJSON_AddNumberToObject(o, "found_rate",
	    an_round((double)s->found / s->queries, 3));
	d = cJSON_AddArrayToObject(o, "dominant_topics");
	for (j = 0; j < s->ndom; j++)
		cJSON_AddItemToArray(d, cJSON_CreateString(s->dominant[j]));
	cJSON_AddNumberToObject(o, "session_duration_minutes",
	    an_round((double)(s->end - s->start) / 60000, 1));
	return o;
}

int
pake_ml(pake_ctx *c, int which, cJSON **out, pake_err *e)
{
	int64_t keep = pake_config_num(c->cfg, PAKE_CFG_SEARCH_RETENTION) *
	    86400000LL;
	cJSON *o, *d, *m, *p, *in, *g, *st, *rs;
	an_log l;
	size_t k;
	int rc;

	int64_t now = pake_now_ms(), since = now - keep;
	/* The metrics are today's (and the sessions open now): only those
	 * searches are read. */
	if (which == PAKE_ML_METRICS)
		since = now - now % 86400000LL < now - AN_SESSION_MS ?
		    now - now % 86400000LL : now - AN_SESSION_MS;
	if ((rc = an_load(c, since, &l, e)) != 0)
		return rc;
	o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "success", 1);
	switch (which) {
	case PAKE_ML_METRICS:
		cJSON_AddItemToObject(o, "metrics", an_ml_metrics(&l, e));
		break;
	case PAKE_ML_PATTERNS:
		p = an_ml_patterns(&l);
		cJSON_AddItemToObject(o, "patterns", p);
		cJSON_AddNumberToObject(o, "patterns_count",
		    cJSON_GetArraySize(p));
		break;
	case PAKE_ML_INSIGHTS:
		in = an_ml_insights(&l, NULL);
		cJSON_AddItemToObject(o, "insights", in);
		cJSON_AddNumberToObject(o, "insights_count",
		    cJSON_GetArraySize(in));
		break;
	case PAKE_ML_GRAPH:
		in = an_ml_insights(&l, NULL);
		cJSON_AddItemToObject(o, "knowledge_graph", kg_json(&l, in));
		cJSON_Delete(in);
		break;
	default:
		d = cJSON_AddObjectToObject(o, "dashboard_data");
		m = an_ml_metrics(&l, e);
		p = an_ml_patterns(&l);
		in = an_ml_insights(&l, p);
		g = kg_json(&l, in);
		cJSON_AddItemToObject(d, "dashboard_metrics", m);
		cJSON_AddItemToObject(d, "research_patterns", p);
		cJSON_AddItemToObject(d, "knowledge_insights", in);
		rs = cJSON_AddArrayToObject(d, "recent_sessions");
		for (k = 0; k < l.ns; k++)
			if (l.s[k].start >= l.now - 86400000LL)
				cJSON_AddItemToArray(rs, session_json(&l, k));
		cJSON_AddItemToObject(d, "knowledge_graph", g);
		st = cJSON_AddObjectToObject(d, "system_status");
		cJSON_AddNumberToObject(st, "total_searches_logged",
		    (double)l.n);
		cJSON_AddNumberToObject(st, "active_sessions",
		    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(m,
		    "active_research_sessions")));
		cJSON_AddNumberToObject(st, "patterns_identified",
		    cJSON_GetArraySize(p));
		cJSON_AddNumberToObject(st, "insights_generated",
		    cJSON_GetArraySize(in));
		cJSON_AddStringToObject(st, "cache_status", "none: computed "
		    "from the search log at each request");
		an_time(st, "last_updated", l.now);
		break;
	}
	if (l.truncated)
		cJSON_AddStringToObject(o, "note", "only the newest 200000 "
		    "searches were read");
	an_time(o, "timestamp", l.now);
	an_free(&l);
	*out = o;
	return 0;
}
