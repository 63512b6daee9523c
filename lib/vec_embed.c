/*
 * vec_embed.c: note vectors from an embeddings provider (issue 12): any
 * server speaking OpenAI's POST /v1/embeddings (Ollama, llama.cpp's
 * server, vLLM, OpenAI), set in the configuration ([embeddings] url,
 * model, api_key, timeout_s, batch, max_input_bytes).
 *
 * The model.  vec_info.model names what every stored vector is: "lsa"
 * (lib/vec.c) or "embed:MODEL".  The configuration names the model
 * wanted; `pake-analyze refit` (pake_vec_fit) makes the store's model the
 * wanted one: for a provider, it forgets every vector, records the model
 * and its dimensions (learnt from the first answer), lists every note as
 * waiting (vec_pending) and embeds them in batches, each a request
 * outside any transaction and then one short write transaction.  A refit
 * killed half-way leaves the new model with part of the notes waiting;
 * the next refit goes on from there.  With the same model, a refit embeds
 * what waits.
 *
 * Writes.  Under a provider's model, the write path (pake_vec_note_put,
 * inside the change's transaction) only lists the note as waiting: no
 * network inside a transaction.  After the commit, the writer embeds one
 * batch of waiting notes (pake_vec_embed_after: the registry after every
 * operation that may write, the vault watcher after each change), so a
 * note has its vector when the write returns unless the provider failed.
 * A changed note keeps its previous vector until the new one is stored.
 * A vector is stored only when its note is still at the version that was
 * sent, so a note changed meanwhile stays waiting for its new text.  When
 * the provider fails, writes go on (the failure is logged) and the store
 * records a pause (vec_info.retry_ms, 60 s) during which writers do not
 * ask it again; a refit always asks.
 *
 * What is sent: the note's title, a blank line and the plain text of its
 * body (pake_text_plain), cut at max_input_bytes on a character boundary.
 * What is checked in the answer: HTTP 200, JSON, data[] with one
 * embedding per input (by index when given), every embedding of the same
 * length 1..PAKE_VEC_DIMS_CAP of finite numbers, that length the model's
 * (a model whose dimensions change needs a refit).  Vectors are stored
 * scaled to length 1, so related notes and search use the cosine.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pake/fetch.h"
#include "pake/log.h"
#include "pake/text.h"
#include "pake/util.h"
#include "pake/vec.h"

#define RETRY_PAUSE_MS	60000	/* writers leave a failing provider alone */
#define PROGRESS_EVERY	1000	/* notes between a refit's progress lines */

/* ------------------------------------------------------------------ */
/* Which model */

int
pake_vec_model_wanted(const pake_ctx *c, char *out, size_t n)
{
	const char *url = pake_config_str(c->cfg, PAKE_CFG_EMBED_URL);
	const char *m = pake_config_str(c->cfg, PAKE_CFG_EMBED_MODEL);

	if (url == NULL || *url == '\0') {
		pake_strlcpy(out, "lsa", n);
		return 0;
	}
	snprintf(out, n, "embed:%s", m ? m : "");
	return 1;
}

int
pake_vec_model_is_embed(const char *model)
{
	return strncmp(model, "embed:", 6) == 0;
}

/* The configuration names a provider and a usable model. */
static int
provider_ready(const pake_ctx *c, pake_err *e)
{
	const char *m = pake_config_str(c->cfg, PAKE_CFG_EMBED_MODEL);

	if (m == NULL || *m == '\0' || strlen(m) > PAKE_VEC_MODEL_MAX - 6)
		return pake_fail(e, PAKE_EINVAL, "embeddings.model must name "
		    "the provider's model (at most 122 bytes) when "
		    "embeddings.url is set", NULL);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The provider */

/* Cut s (len bytes) to at most max bytes on a character boundary. */
static size_t
cut_utf8(char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
	return max;
}

/* The text of note n sent for its embedding (malloc'd), or NULL when it
 * has no text. */
static char *
note_text(const pake_ctx *c, const pake_note *n)
{
	size_t max = (size_t)pake_config_num(c->cfg, PAKE_CFG_EMBED_INPUT);
	char *plain = NULL;
	size_t len = 0;
	pake_buf b = {0};

	if (pake_text_plain(n->body ? n->body : "", n->body_len, &plain,
	    &len) != 0)
		return NULL;
	if (n->title && *n->title) {
		pake_buf_puts(&b, n->title);
		if (len)
			pake_buf_puts(&b, "\n\n");
	}
	pake_buf_put(&b, plain ? plain : "", len);
	free(plain);
	if (b.oom || b.len == 0) {
		pake_buf_free(&b);
		return NULL;
	}
	b.len = cut_utf8(b.p, b.len, max);
	return pake_buf_take(&b);
}

/* Ask the provider for the embeddings of texts[0..n): vectors (n rows of
 * *dims floats, each of length 1; malloc'd).  want_dims 0: any length. */
static int
provider_embed(const pake_ctx *c, char *const *texts, int n, int want_dims,
    float **out, int *dims, pake_err *e)
{
	const char *base = pake_config_str(c->cfg, PAKE_CFG_EMBED_URL);
	const char *model = pake_config_str(c->cfg, PAKE_CFG_EMBED_MODEL);
	pake_fetch_req q = {0};
	pake_fetch_res r;
	cJSON *req, *in, *ans = NULL, *data, *item;
	char url[2200], *body;
	float *v = NULL;
	char *seen = NULL;
	int rc, i, d = 0;
	size_t bl;

	*out = NULL;
	*dims = 0;
	bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	snprintf(url, sizeof url, "%.*s/embeddings", (int)bl, base);
	req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "model", model);
	in = cJSON_AddArrayToObject(req, "input");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(in, cJSON_CreateString(texts[i]));
	body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	if (body == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	q.url = url;
	q.body = body;
	q.body_len = strlen(body);
	q.content_type = "application/json";
	q.bearer = pake_config_str(c->cfg, PAKE_CFG_EMBED_KEY);
	q.allow_private = 1;	/* the administrator's own server, often local */
	q.timeout_ms = pake_config_num(c->cfg, PAKE_CFG_EMBED_TIMEOUT) * 1000;
	/* about 24 bytes a number, at the largest vectors allowed */
	q.max_bytes = (size_t)n * PAKE_VEC_DIMS_CAP * 24 + (1u << 16);
	rc = pake_fetch(&q, &r, e);
	free(body);
	if (rc != 0) {
		char why[sizeof e->detail];

		pake_strlcpy(why, e->detail, sizeof why);
		return pake_fail(e, rc, "The embeddings provider did not "
		    "answer", "%s", why);
	}
	if (r.status != 200) {
		const char *msg = NULL;

		ans = cJSON_ParseWithLength(r.body.p ? r.body.p : "",
		    r.body.len);
		msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(ans, "error"),
		    "message"));
		if (msg == NULL)
			msg = cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(ans, "error"));
		rc = pake_fail(e, PAKE_EUNAVAIL, "The embeddings provider "
		    "refused", "HTTP %ld from %s%s%.200s", r.status, url,
		    msg ? ": " : "", msg ? msg : "");
		goto out;
	}
	ans = cJSON_ParseWithLength(r.body.p ? r.body.p : "", r.body.len);
	data = cJSON_GetObjectItemCaseSensitive(ans, "data");
	if (!cJSON_IsArray(data) || cJSON_GetArraySize(data) != n) {
		rc = pake_fail(e, PAKE_EUNAVAIL, "The embeddings provider's "
		    "answer is not understood", "%s", ans == NULL ? "not JSON"
		    : "want data[] with one embedding per input");
		goto out;
	}
	seen = calloc((size_t)n, 1);
	i = 0;
	cJSON_ArrayForEach(item, data) {
		const cJSON *emb = cJSON_GetObjectItemCaseSensitive(item,
		    "embedding"), *x;
		const cJSON *ix = cJSON_GetObjectItemCaseSensitive(item,
		    "index");
		int at = cJSON_IsNumber(ix) ? (int)ix->valuedouble : i, k = 0;
		double len = 0;

		if (seen == NULL || !cJSON_IsArray(emb) || at < 0 || at >= n ||
		    (cJSON_IsNumber(ix) && ix->valuedouble != at) || seen[at]) {
			rc = pake_fail(e, seen ? PAKE_EUNAVAIL : PAKE_EINTERNAL,
			    seen ? "The embeddings provider's answer is not "
			    "understood" : PAKE_MSG_NOMEM, seen ? "item %d: "
			    "want an embedding with a distinct index" : NULL,
			    i);
			goto out;
		}
		seen[at] = 1;
		if (v == NULL) {
			d = cJSON_GetArraySize(emb);
			if (d < 1 || d > PAKE_VEC_DIMS_CAP || (want_dims &&
			    d != want_dims)) {
				rc = pake_fail(e, PAKE_EUNAVAIL, "The "
				    "embeddings provider's vectors changed "
				    "length or are out of bounds", "%d values"
				    "%s%d (pake-analyze refit starts over)",
				    d, want_dims ? ", the model's are " :
				    ", at most ", want_dims ? want_dims :
				    PAKE_VEC_DIMS_CAP);
				goto out;
			}
			if ((v = calloc((size_t)n * (size_t)d, sizeof *v)) ==
			    NULL) {
				rc = pake_fail(e, PAKE_EINTERNAL,
				    PAKE_MSG_NOMEM, NULL);
				goto out;
			}
		}
		if (cJSON_GetArraySize(emb) != d) {
			rc = pake_fail(e, PAKE_EUNAVAIL, "The embeddings "
			    "provider's answer is not understood", "item %d "
			    "has %d values, item 0 %d", i,
			    cJSON_GetArraySize(emb), d);
			goto out;
		}
		cJSON_ArrayForEach(x, emb) {
			if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble) ||
			    fabs(x->valuedouble) > 1e30) {
				rc = pake_fail(e, PAKE_EUNAVAIL, "The "
				    "embeddings provider's answer is not "
				    "understood", "item %d: a value is not a "
				    "finite number", i);
				goto out;
			}
			v[(size_t)at * (size_t)d + (size_t)k++] =
			    (float)x->valuedouble;
			len += x->valuedouble * x->valuedouble;
		}
		len = sqrt(len);
		for (k = 0; k < d; k++)	/* a zero vector stays zero */
			v[(size_t)at * (size_t)d + (size_t)k] = len > 0 ?
			    (float)(v[(size_t)at * (size_t)d + (size_t)k] /
			    len) : 0;
		i++;
	}
	*out = v;
	*dims = d;
	v = NULL;
	rc = 0;
out:
	free(seen);
	free(v);
	cJSON_Delete(ans);
	pake_fetch_res_free(&r);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Waiting notes */

struct batch {
	int64_t id[PAKE_VEC_BATCH_MAX];
	int64_t version[PAKE_VEC_BATCH_MAX];
	char *text[PAKE_VEC_BATCH_MAX];
	int n;			/* notes listed */
	int64_t gone[PAKE_VEC_BATCH_MAX];	/* deleted or without text */
	int ngone;
};

static void
batch_free(struct batch *b)
{
	int i;

	for (i = 0; i < b->n; i++)
		free(b->text[i]);
	memset(b, 0, sizeof *b);
}

/* Read up to max waiting notes in a read snapshot of st. */
static int
batch_read(const pake_ctx *c, pake_db *st, int max, struct batch *b,
    pake_err *e)
{
	int64_t ids[PAKE_VEC_BATCH_MAX];
	int n, i, rc;

	memset(b, 0, sizeof *b);
	if ((rc = pake_db_vec_pending_list(st, ids, max, &n, e)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		pake_note note;
		char *t;

		pake_note_init(&note);
		rc = pake_db_note_get_rowid(st, ids[i], &note, e);
		if (rc == PAKE_ENOTFOUND) {
			pake_err_clear(e);
			b->gone[b->ngone++] = ids[i];
			continue;
		}
		if (rc != 0)
			return rc;
		t = note_text(c, &note);
		if (t == NULL)
			b->gone[b->ngone++] = ids[i];
		else {
			b->id[b->n] = ids[i];
			b->version[b->n] = note.version;
			b->text[b->n++] = t;
		}
		pake_note_free(&note);
	}
	return 0;
}

/* Store the vectors of b whose notes are still at the version sent, in
 * one write transaction, if the store's model is still model of dims;
 * *stored counts them. */
static int
batch_store(pake_db *st, const struct batch *b, const char *model, int dims,
    const float *v, int *stored, pake_err *e)
{
	pake_vec_info info;
	int i, rc;

	*stored = 0;
	if ((rc = pake_db_begin(st, e)) != 0)
		return rc;
	if ((rc = pake_db_vec_info(st, &info, e)) != 0)
		goto fail;
	if (strcmp(info.model, model) != 0 || info.dims != dims)
		return pake_db_commit(st, e);	/* a refit came between */
	for (i = 0; i < b->ngone; i++)
		if ((rc = pake_db_vec_pending_del(st, b->gone[i], e)) != 0 ||
		    (rc = pake_db_vec_note_delete(st, b->gone[i], e)) != 0)
			goto fail;
	for (i = 0; i < b->n; i++) {
		pake_note now;

		pake_note_init(&now);
		rc = pake_db_note_get_rowid(st, b->id[i], &now, e);
		if (rc == PAKE_ENOTFOUND) {
			pake_err_clear(e);
			if ((rc = pake_db_vec_pending_del(st, b->id[i], e)) !=
			    0)
				goto fail;
			continue;
		}
		if (rc != 0)
			goto fail;
		if (now.version == b->version[i]) {
			if ((rc = pake_db_vec_note_put(st, b->id[i], v +
			    (size_t)i * (size_t)dims, dims, e)) != 0 ||
			    (rc = pake_db_vec_pending_del(st, b->id[i],
			    e)) != 0) {
				pake_note_free(&now);
				goto fail;
			}
			(*stored)++;
		}
		pake_note_free(&now);
	}
	return pake_db_commit(st, e);
fail:
	pake_db_rollback(st);
	return rc;
}

/* Embed one batch of at most max waiting notes under the store's model
 * (model, dims): read, ask, store.  *done: notes whose state was settled
 * (stored, gone); 0 when nothing waits. */
static int
embed_batch(pake_ctx *c, pake_db *st, const char *model, int dims, int max,
    int *done, pake_err *e)
{
	struct batch *b;
	float *v = NULL;
	int rc, got = 0, stored = 0;

	*done = 0;
	if ((b = calloc(1, sizeof *b)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if ((rc = pake_db_begin_read(st, e)) != 0)
		goto out;
	rc = batch_read(c, st, max, b, e);
	pake_db_rollback(st);
	if (rc != 0)
		goto out;
	if (b->n > 0 && (rc = provider_embed(c, b->text, b->n, dims, &v, &got,
	    e)) != 0)
		goto out;
	if (b->n + b->ngone > 0 && (rc = batch_store(st, b, model, dims, v,
	    &stored, e)) == 0)
		*done = stored + b->ngone;
out:
	free(v);
	batch_free(b);
	free(b);
	return rc;
}

/* The provider failed: writers leave it alone for a while. */
static void
pause_provider(pake_db *st)
{
	pake_vec_info info;
	pake_err e = {0};

	if (pake_db_begin(st, &e) != 0)
		return;
	if (pake_db_vec_info(st, &info, &e) == 0 && info.dims > 0) {
		info.retry_ms = pake_now_ms() + RETRY_PAUSE_MS;
		if (pake_db_vec_info_put(st, &info, &e) == 0 &&
		    pake_db_commit(st, &e) == 0)
			return;
	}
	pake_db_rollback(st);
}

void
pake_vec_embed_after(pake_ctx *c, int batches)
{
	char want[PAKE_VEC_MODEL_MAX + 8];
	pake_vec_info info;
	int64_t waiting = 0;
	pake_err e = {0};
	pake_db *st;
	int done = 0, batch = (int)pake_config_num(c->cfg,
	    PAKE_CFG_EMBED_BATCH);

	if (!pake_vec_model_wanted(c, want, sizeof want) || c->store == NULL)
		return;
	if (batch > PAKE_VEC_BATCH_MAX)
		batch = PAKE_VEC_BATCH_MAX;
	st = c->store;
	if (pake_db_begin_read(st, &e) != 0)
		return;
	if (pake_db_vec_info(st, &info, &e) != 0 ||
	    pake_db_vec_pending_count(st, &waiting, &e) != 0)
		waiting = 0;
	pake_db_rollback(st);
	if (waiting == 0 || strcmp(info.model, want) != 0 ||
	    info.retry_ms > pake_now_ms() || provider_ready(c, &e) != 0)
		return;
	do {
		if (embed_batch(c, st, info.model, info.dims, batch, &done,
		    &e) != 0) {
			pake_log_msg(c->log, PAKE_LOG_WARN, "embeddings: notes "
			    "wait for their vectors: %s (%s)", e.msg ? e.msg :
			    "failed", e.detail);
			pause_provider(st);
			return;
		}
	} while (done > 0 && --batches != 0);
}

/* ------------------------------------------------------------------ */
/* Refit */

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Make the store's model the provider's: learn its dimensions from a
 * probe, then forget the old vectors and list every note as waiting, in
 * one write transaction. */
static int
switch_model(pake_ctx *c, pake_db *st, const char *want, int *dims,
    pake_err *e)
{
	char probe[] = "pake", *t[1] = {probe};
	pake_vec_info info = {0};
	float *v = NULL;
	int rc;

	if ((rc = provider_embed(c, t, 1, 0, &v, dims, e)) != 0)
		return rc;
	free(v);
	if ((rc = pake_db_begin(st, e)) != 0)
		return rc;
	info.dims = *dims;
	info.fitted_ms = pake_now_ms();
	pake_strlcpy(info.model, want, sizeof info.model);
	if ((rc = pake_db_vec_clear(st, e)) != 0 ||
	    (rc = pake_db_vec_info_put(st, &info, e)) != 0 ||
	    (rc = pake_db_vec_pending_all(st, e)) != 0 ||
	    (rc = pake_db_commit(st, e)) != 0)
		pake_db_rollback(st);
	return rc;
}

int
pake_vec_embed_fit(pake_ctx *c, pake_db *st, const char *want, cJSON **out,
    pake_err *e)
{
	pake_vec_info info;
	int64_t with = 0, notes = 0, waiting = 0, done_all = 0, next = 0;
	int rc, dims, done, batch;
	double t0 = mono();
	char ts[32];

	*out = NULL;
	if ((rc = provider_ready(c, e)) != 0)
		return rc;
	batch = (int)pake_config_num(c->cfg, PAKE_CFG_EMBED_BATCH);
	if (batch > PAKE_VEC_BATCH_MAX)
		batch = PAKE_VEC_BATCH_MAX;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	rc = pake_db_vec_info(st, &info, e);
	if (rc == 0)
		rc = pake_db_vec_pending_count(st, &waiting, e);
	pake_db_rollback(st);
	if (rc != 0)
		return rc;
	if (strcmp(info.model, want) != 0 || info.dims < 1) {
		if ((rc = switch_model(c, st, want, &dims, e)) != 0)
			return rc;
		pake_log_msg(c->log, PAKE_LOG_INFO, "embeddings: the model is "
		    "now %s (%d dimensions); every note will be embedded",
		    want, dims);
	} else
		dims = info.dims;
	do {
		if ((rc = embed_batch(c, st, want, dims, batch, &done, e)) != 0)
			break;
		done_all += done;
		if (done_all >= next) {
			pake_log_msg(c->log, PAKE_LOG_INFO, "embeddings: %lld "
			    "notes embedded", (long long)done_all);
			next = done_all + PROGRESS_EVERY;
		}
	} while (done > 0);
	if (rc != 0) {
		pake_log_msg(c->log, PAKE_LOG_WARN, "embeddings: stopped after "
		    "%lld notes; pake-analyze refit goes on from there",
		    (long long)done_all);
		return rc;
	}
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	if ((rc = pake_db_vec_note_count(st, &with, e)) == 0 &&
	    (rc = pake_db_corpus_docs(st, &notes, e)) == 0)
		rc = pake_db_vec_pending_count(st, &waiting, e);
	pake_db_rollback(st);
	if (rc != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "model", want);
	cJSON_AddNumberToObject(*out, "dims", dims);
	cJSON_AddNumberToObject(*out, "terms", 0);
	cJSON_AddNumberToObject(*out, "docs", (double)with);
	cJSON_AddNumberToObject(*out, "notes", (double)notes);
	cJSON_AddNumberToObject(*out, "notes_without_vectors",
	    (double)(notes - with));
	cJSON_AddNumberToObject(*out, "embedded", (double)done_all);
	cJSON_AddNumberToObject(*out, "waiting", (double)waiting);
	pake_iso8601(pake_now_ms(), ts);
	cJSON_AddStringToObject(*out, "fitted_at", ts);
	cJSON_AddNumberToObject(*out, "seconds",
	    round((mono() - t0) * 1000) / 1000);
	return 0;
}

/* ------------------------------------------------------------------ */
/* A query */

int
pake_vec_embed_query(pake_ctx *c, const char *text, int dims, float *v,
    pake_err *e)
{
	char *t[1];
	float *got = NULL;
	int rc, d;
	size_t max = (size_t)pake_config_num(c->cfg, PAKE_CFG_EMBED_INPUT);

	if ((rc = provider_ready(c, e)) != 0)
		return rc;
	if ((t[0] = strdup(text)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	cut_utf8(t[0], strlen(t[0]), max);
	rc = provider_embed(c, t, 1, dims, &got, &d, e);
	free(t[0]);
	if (rc == 0)
		memcpy(v, got, (size_t)dims * sizeof *v);
	free(got);
	return rc;
}
