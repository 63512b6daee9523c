/*
 * semantic.c: the Python server's /semantic routes (SEED-API §6) over
 * the tenant's own notes (ARCHITECTURE.md §15).
 *
 * The Python system kept a separate in-memory corpus (TF-IDF, LSA and
 * k-means refitted on every add, lost on restart).  Here a "document" is
 * a note and its vector is the note's stored LSA vector (lib/vec.c):
 *
 * - add: each non-empty document becomes a note through the one write
 *   path, all of a call in one transaction (pake_store_create_many); the
 *   write path folds each note into the fitted model, and when the
 *   tenant has no fit yet one is made after the add (pake_vec_fit), so
 *   search works at once, as the Python route's refit did.  A document
 *   is "text" (or "content") and optional title, tags, type, source_uri
 *   and summary (the note's own fields); every other key is kept in the
 *   note's frontmatter when it is a scalar (string of at most
 *   PAKE_FIELD_MAX bytes, finite number, true, false, null) under a plain
 *   name (a letter or '_', then letters, digits, '_' or '-'; at most
 *   PAKE_SEM_KEY_MAX bytes, PAKE_SEM_EXTRA_MAX keys).  A nested value, a
 *   hostile name or pake's bookkeeping fields (pake_id, status, times,
 *   ...) refuse the whole call, naming the document's index: nothing
 *   is silently dropped.  The frontmatter text is written here and parsed
 *   back by pake_fm_parse, which must give the same values.
 * - search: pake_vec_search, then each hit's note; the top_k first, then
 *   scores below min_score dropped (0 means 0: the Python route took a
 *   falsy 0 for its default 0.1).
 * - similar: pake_vec_related (Python searched for the id's text).
 * - analytics: top_keywords are the terms of highest mean tf-idf over the
 *   notes, tf the raw count and idf ln((N+1)/(df+1))+1 (summary.c's), from
 *   the index's own statistics (notes_vocab: a term's notes and
 *   occurrences), so mean = count * idf / N without reading a note; stop
 *   words, numbers and one-letter words excluded as in vec.c.
 *   semantic_clusters is the k note_clusters picks by default;
 *   average_similarity the mean cosine of every pair of the first
 *   PAKE_SEM_SAMPLE notes (by id) with a vector: deterministic.  A figure
 *   that needs a fit is null without one, and "unavailable" says why.
 * - cluster: pake_vec_clusters (spherical k-means++, fixed seeds) listing
 *   every note, so "assignments" (one per note of the tenant in id order,
 *   -1 for a note without a vector) is complete; each cluster shows its
 *   PAKE_SEM_CLUSTER_DOCS notes nearest its centroid, text cut to
 *   PAKE_SEM_CLUSTER_TEXT bytes, and its keywords are the tf-idf weights
 *   (l2-normalised) of those notes' text.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pake/frontmatter.h"
#include "pake/semantic.h"
#include "pake/store.h"
#include "pake/text.h"
#include "pake/util.h"
#include "pake/vec.h"

#define TITLE_WORDS	8	/* of a title made from the text */
#define TITLE_BYTES	80
#define LABEL_BYTES	4000	/* of each note's text weighed for keywords */
#define TOP_KEYWORDS	10
#define CLUSTER_KEYWORDS 5
#define PER_ALL		1000000	/* pake_vec_clusters: every note listed */
#define NO_FIT_WHY	"No vectors yet: POST /semantic/add-documents or " \
			"pake-analyze refit makes them"

#define BAD(e, ...)	pake_fail((e), PAKE_EINVAL, PAKE_MSG_INVALID, \
			    __VA_ARGS__)

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double
ms_since(double t0)
{
	return round((mono_ms() - t0) * 1000) / 1000;
}

/* ------------------------------------------------------------------ */
/* Documents into notes */

/* Keys that are the note's own fields, taken as such. */
static const char *const own[] = {"text", "content", "title", "tags",
	"type", "source_uri", "summary", NULL};
/* pake's bookkeeping: never set by a document. */
static const char *const reserved[] = {"pake_id", "status",
	"confidence_score", "verification_status", "created_at",
	"modified_at", "human_notes", NULL};

static int
in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

/* A plain frontmatter key: a letter or '_', then letters, digits, '_'
 * or '-'. */
static int
key_ok(const char *k)
{
	size_t i;

	if (!isalpha((unsigned char)k[0]) && k[0] != '_')
		return 0;
	for (i = 1; k[i]; i++)
		if (!isalnum((unsigned char)k[i]) && k[i] != '_' && k[i] != '-')
			return 0;
	return i <= PAKE_SEM_KEY_MAX;
}

/* The document's other keys as n's frontmatter (pake_fm_set_extra:
 * written as YAML and read back as a vault file would be). */
static int
doc_extras(const cJSON *doc, size_t i, pake_note *n, pake_err *e)
{
	const cJSON *it;
	cJSON *want = cJSON_CreateObject();
	int count = 0, rc = 0;

	if (want == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	cJSON_ArrayForEach(it, doc) {
		const char *k = it->string;

		if (in_list(own, k))
			continue;
		if (in_list(reserved, k)) {
			rc = BAD(e, "documents[%zu].%s: reserved for pake's "
			    "own field", i, k);
			goto out;
		}
		if (!key_ok(k)) {
			rc = BAD(e, "documents[%zu]: a key must be a letter or "
			    "_ then letters, digits, _ or -, at most %d bytes",
			    i, PAKE_SEM_KEY_MAX);
			goto out;
		}
		if (cJSON_GetObjectItemCaseSensitive(want, k) != NULL) {
			rc = BAD(e, "documents[%zu].%s: given twice", i, k);
			goto out;
		}
		if (++count > PAKE_SEM_EXTRA_MAX) {
			rc = BAD(e, "documents[%zu]: more than %d keys besides "
			    "text and title", i, PAKE_SEM_EXTRA_MAX);
			goto out;
		}
		if (cJSON_IsString(it) && strlen(it->valuestring) >
		    PAKE_FIELD_MAX) {
			rc = BAD(e, "documents[%zu].%s: longer than %d bytes",
			    i, k, PAKE_FIELD_MAX);
			goto out;
		}
		if (!cJSON_IsString(it) && !(cJSON_IsNumber(it) &&
		    isfinite(it->valuedouble)) && !cJSON_IsBool(it) &&
		    !cJSON_IsNull(it)) {
			rc = BAD(e, "documents[%zu].%s: not a scalar (a "
			    "string, number, true, false or null)", i, k);
			goto out;
		}
		cJSON_AddItemToObject(want, k, cJSON_Duplicate(it, 0));
	}
	if (count > 0 && pake_fm_set_extra(n, want, e) != 0) {
		pake_err_clear(e);
		rc = BAD(e, "documents[%zu]: a value cannot be kept as "
		    "frontmatter", i);
	}
out:
	cJSON_Delete(want);
	return rc;
}

/* Only white space? */
static int
blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* A title from the first words of the text: letters, digits, other
 * scripts and harmless punctuation only (never a path), TITLE_WORDS
 * words and TITLE_BYTES bytes at most; "Document <i>" when nothing is
 * left. */
static char *
title_of(const char *text, size_t i)
{
	char t[TITLE_BYTES + 1], buf[32];
	const unsigned char *p = (const unsigned char *)text;
	size_t n = 0, lead;
	uint32_t cp;
	int words = 0, space = 1;

	for (; *p; p++) {
		int keep = isalnum(*p) || *p >= 0x80 ||
		    (!space && strchr("-_',!?()&.", *p) != NULL);

		if (!keep) {
			space = 1;
			continue;
		}
		if (space && n > 0) {
			if (++words >= TITLE_WORDS || n + 1 >= TITLE_BYTES)
				break;
			t[n++] = ' ';
		}
		space = 0;
		if (n >= TITLE_BYTES)
			break;
		t[n++] = (char)*p;
	}
	/* A character cut by the bound goes whole. */
	for (lead = n; lead > 0 && ((unsigned char)t[lead - 1] & 0xc0) ==
	    0x80; lead--)
		;
	if (lead > 0 && (unsigned char)t[lead - 1] >= 0xc0 &&
	    pake_utf8_decode(t + lead - 1, n - (lead - 1), &cp) !=
	    n - (lead - 1))
		n = lead - 1;
	while (n > 0 && t[n - 1] == ' ')
		n--;
	t[n] = '\0';
	if (n == 0 || !pake_utf8_valid(t, n)) {
		snprintf(buf, sizeof buf, "Document %zu", i);
		return pake_strdup(buf);
	}
	return pake_strdup(t);
}

/* Tags from a string ("a, b c") or an array of strings. */
static int
doc_tags(const cJSON *v, size_t i, pake_note *n, pake_err *e)
{
	char buf[PAKE_TAG_MAX + 1];
	const cJSON *it;
	const char *s;
	size_t len;

	if (cJSON_IsArray(v)) {
		if (cJSON_GetArraySize(v) > PAKE_TAGS_MAX)
			return BAD(e, "documents[%zu].tags: more than %d", i,
			    PAKE_TAGS_MAX);
		cJSON_ArrayForEach(it, v) {
			if (!cJSON_IsString(it) || it->valuestring[0] == '\0' ||
			    strlen(it->valuestring) > PAKE_TAG_MAX)
				return BAD(e, "documents[%zu].tags: each a "
				    "string of 1 to %d bytes", i, PAKE_TAG_MAX);
			if (pake_note_add_tag(n, it->valuestring, e) != 0)
				return BAD(e, "documents[%zu].tags: refused",
				    i);
		}
		return 0;
	}
	if (!cJSON_IsString(v))
		return BAD(e, "documents[%zu].tags: a string or an array of "
		    "strings", i);
	for (s = v->valuestring; *s;) {
		s += strspn(s, ", \t\r\n");
		if ((len = strcspn(s, ", \t\r\n")) == 0)
			break;
		if (len > PAKE_TAG_MAX)
			return BAD(e, "documents[%zu].tags: a tag longer than "
			    "%d bytes", i, PAKE_TAG_MAX);
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (pake_note_add_tag(n, buf, e) != 0)
			return BAD(e, "documents[%zu].tags: refused", i);
		s += len;
	}
	return 0;
}

/* A string field of the note from key k of doc, when given. */
static int
doc_str(const cJSON *doc, const char *k, size_t i, char **dst, pake_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, k);

	if (v == NULL)
		return 0;
	if (!cJSON_IsString(v))
		return BAD(e, "documents[%zu].%s: not a string", i, k);
	if (v->valuestring[0] == '\0')
		return 0;
	free(*dst);
	if ((*dst = strdup(v->valuestring)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	return 0;
}

/* Document i as note n; *skip when its text is empty. */
static int
doc_note(const cJSON *doc, size_t i, pake_note *n, int *skip, pake_err *e)
{
	const char *text = "", *tk = "text";
	const cJSON *t, *v;
	int rc;

	*skip = 0;
	if (cJSON_IsString(doc))
		text = doc->valuestring;
	else if (cJSON_IsObject(doc)) {
		t = cJSON_GetObjectItemCaseSensitive(doc, "text");
		v = cJSON_GetObjectItemCaseSensitive(doc, "content");
		if (t && v)
			return BAD(e, "documents[%zu]: text and content both "
			    "given", i);
		if (t == NULL) {
			t = v;
			tk = "content";
		}
		if (t && !cJSON_IsString(t))
			return BAD(e, "documents[%zu].%s: not a string", i, tk);
		if (t)
			text = t->valuestring;
		if ((rc = doc_str(doc, "title", i, &n->title, e)) != 0 ||
		    (rc = doc_str(doc, "type", i, &n->type, e)) != 0 ||
		    (rc = doc_str(doc, "source_uri", i, &n->source_uri,
		    e)) != 0 ||
		    (rc = doc_str(doc, "summary", i, &n->summary, e)) != 0)
			return rc;
		if ((v = cJSON_GetObjectItemCaseSensitive(doc, "tags")) &&
		    !cJSON_IsNull(v) && (rc = doc_tags(v, i, n, e)) != 0)
			return rc;
		if ((rc = doc_extras(doc, i, n, e)) != 0)
			return rc;
	} else
		return BAD(e, "documents[%zu]: a document is a string or an "
		    "object", i);
	if (blank(text)) {
		*skip = 1;
		return 0;
	}
	if ((n->body = strdup(text)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	n->body_len = strlen(text);
	if (n->title == NULL && (n->title = title_of(text, i)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	return 0;
}

/* After an add: fit when the tenant has no model yet. */
static cJSON *
after_add(pake_ctx *c, int added)
{
	cJSON *v = cJSON_CreateObject(), *st = NULL, *fit = NULL;
	const cJSON *f;
	pake_err e = {0};

	if (pake_vec_status(c, &st, &e) != 0) {
		cJSON_AddStringToObject(v, "action", "none");
		cJSON_AddFalseToObject(v, "fitted");
		cJSON_AddStringToObject(v, "reason", e.msg ? e.msg :
		    pake_code_message(e.code));
		return v;
	}
	f = cJSON_GetObjectItemCaseSensitive(st, "fitted");
	if (cJSON_IsTrue(f)) {
		cJSON_AddStringToObject(v, "action", added ? "folded_in" :
		    "none");
	} else if (pake_vec_fit(c, 0, &fit, &e) == 0) {
		cJSON_AddStringToObject(v, "action", "fitted");
		cJSON_Delete(st);
		st = NULL;
		pake_err_clear(&e);
		if (pake_vec_status(c, &st, &e) != 0)
			st = NULL;
	} else {
		if (c->log)
			pake_log_msg(c->log, PAKE_LOG_INFO, "semantic: no fit "
			    "after the add: %s", e.detail);
		cJSON_AddStringToObject(v, "action", "none");
		cJSON_AddStringToObject(v, "reason", e.msg ? e.msg :
		    pake_code_message(e.code));
	}
	f = cJSON_GetObjectItemCaseSensitive(st, "fitted");
	cJSON_AddBoolToObject(v, "fitted", cJSON_IsTrue(f));
	if (st) {
		cJSON_AddItemToObject(v, "notes_with_vectors",
		    cJSON_DetachItemFromObject(st, "notes_with_vectors"));
		cJSON_AddItemToObject(v, "notes", cJSON_DetachItemFromObject(st,
		    "notes"));
	}
	cJSON_Delete(st);
	cJSON_Delete(fit);
	return v;
}

int
pake_semantic_add(pake_ctx *c, const cJSON *docs, cJSON **out, pake_err *e)
{
	double t0 = mono_ms();
	size_t count, i, nn = 0, skipped = 0, bad = 0, *orig = NULL;
	pake_note *ns = NULL;
	cJSON *ids, *vec;
	const cJSON *d;
	int64_t total = 0;
	pake_db *st;
	int rc = 0, skip;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if (!cJSON_IsArray(docs))
		return BAD(e, "documents: an array");
	if ((count = (size_t)cJSON_GetArraySize(docs)) > PAKE_SEM_DOCS_MAX)
		return BAD(e, "documents: at most %d", PAKE_SEM_DOCS_MAX);
	ns = calloc(count + 1, sizeof *ns);
	orig = calloc(count + 1, sizeof *orig);
	if (ns == NULL || orig == NULL) {
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(d, docs) {
		pake_note_init(&ns[nn]);
		if ((rc = doc_note(d, i, &ns[nn], &skip, e)) != 0) {
			nn++;
			goto out;
		}
		if (skip) {
			pake_note_free(&ns[nn]);
			skipped++;
		} else
			orig[nn++] = i;
		i++;
	}
	if ((rc = pake_store_create_many(c, ns, nn, &bad, e)) != 0) {
		/* Name the document, as the request counts them. */
		if (bad < nn && (rc == PAKE_EINVAL || rc == PAKE_ETOOBIG ||
		    rc == PAKE_ESECURITY))
			pake_fail(e, rc, e->msg, "documents[%zu]: %s",
			    orig[bad], e->detail);
		goto out;
	}
	vec = after_add(c, nn > 0);
	if ((st = pake_ctx_store(c, e)) == NULL ||
	    (rc = pake_db_corpus_docs(st, &total, e)) != 0) {
		rc = st ? rc : e->code;
		cJSON_Delete(vec);
		goto out;
	}
	*out = cJSON_CreateObject();
	cJSON_AddTrueToObject(*out, "success");
	cJSON_AddNumberToObject(*out, "documents_added", (double)nn);
	cJSON_AddNumberToObject(*out, "skipped", (double)skipped);
	cJSON_AddNumberToObject(*out, "total_documents", (double)total);
	ids = cJSON_AddArrayToObject(*out, "pake_ids");
	for (i = 0; i < nn; i++)
		cJSON_AddItemToArray(ids, cJSON_CreateString(ns[i].pake_id));
	cJSON_AddItemToObject(*out, "vectors", vec);
	cJSON_AddNumberToObject(*out, "processing_time_ms", ms_since(t0));
out:
	for (i = 0; ns && i < nn; i++)
		pake_note_free(&ns[i]);
	free(ns);
	free(orig);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Notes as the Python route's items */

/* The length of s[0..n) cut to at most max bytes at a character. */
static size_t
cut_utf8(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* {text, score, metadata, id} of note n (score when >= -1, index when
 * >= 0); text at most cap bytes ("text_truncated" when cut). */
static cJSON *
doc_item(const pake_note *n, size_t cap, double score, long index)
{
	cJSON *o = cJSON_CreateObject(), *full, *m;
	const char *body = n->body ? n->body : "";
	size_t len = cut_utf8(body, n->body_len, cap);
	char *text = pake_strndup(body, len);

	full = pake_note_to_json(n);
	if (o == NULL || full == NULL || text == NULL) {
		cJSON_Delete(o);
		cJSON_Delete(full);
		free(text);
		return NULL;
	}
	cJSON_AddStringToObject(o, "text", text);
	free(text);
	if (len < n->body_len)
		cJSON_AddTrueToObject(o, "text_truncated");
	if (score >= -1)
		cJSON_AddNumberToObject(o, "score", score);
	m = cJSON_DetachItemFromObject(full, "metadata");
	if (m && !cJSON_GetObjectItemCaseSensitive(m, "id"))
		cJSON_AddStringToObject(m, "id", n->pake_id);
	cJSON_AddItemToObject(o, "metadata", m ? m : cJSON_CreateObject());
	if (index >= 0)
		cJSON_AddNumberToObject(o, "index", (double)index);
	else
		cJSON_AddStringToObject(o, "id", n->pake_id);
	cJSON_Delete(full);
	return o;
}

/* hits [{pake_id, title, score}] as items into arr, those of at least
 * min_score whose note is still there. */
static int
hits_items(pake_ctx *c, const cJSON *hits, double min_score, cJSON *arr,
    pake_err *e)
{
	const cJSON *h;

	cJSON_ArrayForEach(h, hits) {
		const char *id = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(h, "pake_id"));
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(h, "score");
		pake_err ge = {0};
		pake_note n;
		cJSON *it;

		if (id == NULL || !cJSON_IsNumber(s) ||
		    s->valuedouble < min_score)
			continue;
		pake_note_init(&n);
		if (pake_store_get(c, id, &n, &ge) != 0) {
			pake_note_free(&n);
			if (ge.code == PAKE_ENOTFOUND)
				continue;	/* deleted meanwhile */
			*e = ge;
			return e->code;
		}
		it = doc_item(&n, PAKE_SEM_TEXT_SHOWN, s->valuedouble, -1);
		pake_note_free(&n);
		if (it == NULL)
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		cJSON_AddItemToArray(arr, it);
	}
	return 0;
}

int
pake_semantic_search(pake_ctx *c, const char *q, int top_k, double min_score,
    cJSON **out, pake_err *e)
{
	cJSON *r = NULL, *arr;
	int rc;

	*out = NULL;
	if (q == NULL || blank(q))
		return BAD(e, "q: empty");
	if (top_k < 1 || top_k > PAKE_VEC_RELATED_MAX)
		return BAD(e, "top_k: 1 to %d", PAKE_VEC_RELATED_MAX);
	if ((rc = pake_vec_search(c, q, top_k, &r, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddTrueToObject(*out, "success");
	cJSON_AddStringToObject(*out, "query", q);
	arr = cJSON_AddArrayToObject(*out, "results");
	rc = hits_items(c, cJSON_GetObjectItemCaseSensitive(r, "results"),
	    min_score, arr, e);
	cJSON_AddNumberToObject(*out, "count", cJSON_GetArraySize(arr));
	cJSON_Delete(r);
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

int
pake_semantic_similar(pake_ctx *c, const char *pake_id, int top_k,
    double min_score, cJSON **out, pake_err *e)
{
	cJSON *r = NULL, *arr, *why;
	int rc;

	*out = NULL;
	if (top_k < 1 || top_k > PAKE_VEC_RELATED_MAX)
		return BAD(e, "top_k: 1 to %d", PAKE_VEC_RELATED_MAX);
	if ((rc = pake_vec_related(c, pake_id, top_k, &r, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddTrueToObject(*out, "success");
	cJSON_AddStringToObject(*out, "document_id", pake_id);
	arr = cJSON_AddArrayToObject(*out, "similar_documents");
	rc = hits_items(c, cJSON_GetObjectItemCaseSensitive(r, "related"),
	    min_score, arr, e);
	cJSON_AddNumberToObject(*out, "count", cJSON_GetArraySize(arr));
	if ((why = cJSON_DetachItemFromObject(r, "reason")) != NULL)
		cJSON_AddItemToObject(*out, "reason", why);
	cJSON_Delete(r);
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Analytics */

/* Does a folded word carry weight?  (vec.c's and summary.c's rule.) */
static int
weighty(const char *w)
{
	size_t i, n = strlen(w);

	if (n < 2 || pake_text_stopword(w))
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)w[i]))
			return 1;
	return 0;
}

struct kw {
	char term[64];
	double w;
};

/* The best max terms by weight, best first (ties: byte order). */
struct best {
	struct kw k[TOP_KEYWORDS];
	int n, max;
	int64_t ndocs;
};

static void
best_add(struct best *b, const char *term, double w)
{
	int at;

	if (b->n == b->max && !(w > b->k[b->n - 1].w))
		return;
	if (b->n == b->max)
		b->n--;
	for (at = b->n; at > 0 && (b->k[at - 1].w < w ||
	    (b->k[at - 1].w == w && strcmp(b->k[at - 1].term, term) > 0));
	    at--)
		b->k[at] = b->k[at - 1];
	pake_strlcpy(b->k[at].term, term, sizeof b->k[at].term);
	b->k[at].w = w;
	b->n++;
}

static int
vocab_term(void *arg, const char *term, int64_t docs, int64_t count)
{
	struct best *b = arg;
	double idf;

	if (term == NULL || !weighty(term) || b->ndocs < 1)
		return 0;
	idf = log((double)(b->ndocs + 1) / (double)(docs + 1)) + 1;
	best_add(b, term, (double)count * idf / (double)b->ndocs);
	return 0;
}

/* The first PAKE_SEM_SAMPLE vectors, by note id. */
struct sample {
	float *v;
	int dims, n;
};

static int
sample_note(void *arg, int64_t note_id, const char *pake_id,
    const char *title, const float *v)
{
	struct sample *s = arg;

	(void)note_id;
	(void)pake_id;
	(void)title;
	if (s->n >= PAKE_SEM_SAMPLE)
		return 1;
	memcpy(s->v + (size_t)s->n * (size_t)s->dims, v,
	    (size_t)s->dims * sizeof *v);
	s->n++;
	return 0;
}

/* The figures, in st's read snapshot. */
static int
analytics(pake_db *st, cJSON *a, pake_err *e)
{
	struct best b;
	struct sample s = {0};
	pake_vec_info info;
	int64_t total = 0, with = 0;
	cJSON *kw, *kww, *why;
	int rc, i, j;

	memset(&b, 0, sizeof b);
	b.max = TOP_KEYWORDS;
	if ((rc = pake_db_corpus_docs(st, &total, e)) != 0 ||
	    (rc = pake_db_vec_info(st, &info, e)) != 0 ||
	    (rc = pake_db_vec_note_count(st, &with, e)) != 0)
		return rc;
	b.ndocs = total;
	if ((rc = pake_db_vocab_each(st, vocab_term, &b, e)) != 0)
		return rc;
	cJSON_AddNumberToObject(a, "total_documents", (double)total);
	kw = cJSON_AddArrayToObject(a, "top_keywords");
	kww = cJSON_AddArrayToObject(a, "top_keyword_weights");
	for (i = 0; i < b.n; i++) {
		cJSON *p = cJSON_CreateArray();

		cJSON_AddItemToArray(kw, cJSON_CreateString(b.k[i].term));
		cJSON_AddItemToArray(p, cJSON_CreateString(b.k[i].term));
		cJSON_AddItemToArray(p, cJSON_CreateNumber(round(b.k[i].w *
		    1e4) / 1e4));
		cJSON_AddItemToArray(kww, p);
	}
	cJSON_AddBoolToObject(a, "fitted", info.dims > 0);
	if (info.dims < 1 || info.dims > PAKE_VEC_DIMS_CAP) {
		cJSON_AddNullToObject(a, "model");
		cJSON_AddNullToObject(a, "dims");
		cJSON_AddNullToObject(a, "semantic_clusters");
		cJSON_AddNullToObject(a, "average_similarity");
		cJSON_AddNumberToObject(a, "notes_with_vectors", 0);
		why = cJSON_AddObjectToObject(a, "unavailable");
		cJSON_AddStringToObject(why, "semantic_clusters", NO_FIT_WHY);
		cJSON_AddStringToObject(why, "average_similarity", NO_FIT_WHY);
		return 0;
	}
	cJSON_AddStringToObject(a, "model", info.model);
	cJSON_AddNumberToObject(a, "dims", info.dims);
	cJSON_AddNumberToObject(a, "notes_with_vectors", (double)with);
	cJSON_AddNumberToObject(a, "semantic_clusters", with > 0 ?
	    pake_vec_default_k((size_t)with) : 0);
	s.dims = info.dims;
	if ((s.v = malloc((size_t)PAKE_SEM_SAMPLE * (size_t)info.dims *
	    sizeof *s.v)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	rc = pake_db_vec_note_each(st, info.dims, sample_note, &s, e);
	if (rc == 1)
		rc = 0;
	if (rc == 0 && s.n >= 2) {
		double sum = 0;
		long pairs = 0;
		int d;

		for (i = 0; i < s.n; i++)
			for (j = i + 1; j < s.n; j++, pairs++) {
				const float *x = s.v + (size_t)i * s.dims;
				const float *y = s.v + (size_t)j * s.dims;
				double dot = 0;

				for (d = 0; d < s.dims; d++)
					dot += (double)x[d] * y[d];
				sum += dot;
			}
		cJSON_AddNumberToObject(a, "average_similarity",
		    round(sum / (double)pairs * 1e6) / 1e6);
		cJSON_AddNumberToObject(a, "similarity_sample", s.n);
	} else if (rc == 0) {
		cJSON_AddNullToObject(a, "average_similarity");
		why = cJSON_AddObjectToObject(a, "unavailable");
		cJSON_AddStringToObject(why, "average_similarity", "Fewer "
		    "than two notes have a vector");
	}
	free(s.v);
	return rc;
}

int
pake_semantic_analytics(pake_ctx *c, cJSON **out, pake_err *e)
{
	double t0 = mono_ms();
	cJSON *a;
	pake_db *st;
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddTrueToObject(*out, "success");
	a = cJSON_AddObjectToObject(*out, "analytics");
	if ((rc = analytics(st, a, e)) != 0 ||
	    (rc = pake_db_commit(st, e)) != 0) {
		pake_db_rollback(st);
		cJSON_Delete(*out);
		*out = NULL;
		return rc;
	}
	cJSON_AddNumberToObject(a, "processing_time_ms", ms_since(t0));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Clusters */

/* A term of a text and its count. */
struct tcount {
	char (*w)[64];
	size_t n, cap;
	int oom;
};

static int
text_word(void *arg, const pake_word *w)
{
	struct tcount *t = arg;

	if (!weighty(w->word))
		return 0;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		char (*nw)[64] = realloc(t->w, cap * sizeof *nw);

		if (nw == NULL) {
			t->oom = 1;
			return 1;
		}
		t->w = nw;
		t->cap = cap;
	}
	pake_strlcpy(t->w[t->n++], w->word, 64);
	return 0;
}

static int
cmp_word(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The max heaviest terms of text as [[term, weight]]: tf-idf ((1 + ln
 * tf) * idf, vec.c's weights), the vector l2-normalised. */
static int
text_keywords(pake_db *st, const char *text, size_t len, int max, cJSON *arr,
    pake_err *e)
{
	struct tcount t = {0};
	struct best b;
	double norm = 0, w;
	int64_t ndocs = 0, df;
	size_t i, j;
	int rc, k;

	memset(&b, 0, sizeof b);
	b.max = max;
	if ((rc = pake_db_words(st, text, len, text_word, &t, e)) != 0 &&
	    !t.oom)
		goto out;
	if (t.oom) {
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto out;
	}
	if ((rc = pake_db_corpus_docs(st, &ndocs, e)) != 0)
		goto out;
	qsort(t.w, t.n, sizeof *t.w, cmp_word);
	/* Two passes: the norm, then the best. */
	for (k = 0; k < 2; k++)
		for (i = 0; i < t.n; i = j) {
			for (j = i + 1; j < t.n && strcmp(t.w[i], t.w[j]) == 0;
			    j++)
				;
			if ((rc = pake_db_term_docs(st, t.w[i], &df, e)) != 0)
				goto out;
			w = (1 + log((double)(j - i))) *
			    (log((double)(ndocs + 1) / (double)(df + 1)) + 1);
			if (k == 0)
				norm += w * w;
			else
				best_add(&b, t.w[i], w / sqrt(norm));
		}
	for (k = 0; k < b.n; k++) {
		cJSON *p = cJSON_CreateArray();

		cJSON_AddItemToArray(p, cJSON_CreateString(b.k[k].term));
		cJSON_AddItemToArray(p, cJSON_CreateNumber(round(b.k[k].w *
		    1e4) / 1e4));
		cJSON_AddItemToArray(arr, p);
	}
out:
	free(t.w);
	return rc;
}

/* A pake_id and a number: its position in id order, or its cluster. */
struct idnum {
	char id[PAKE_ID_LEN + 1];
	long num;
};

struct idlist {
	struct idnum *a;
	size_t n, cap;
	int oom;
};

static int
take_id(void *arg, const char *pake_id)
{
	struct idlist *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct idnum *na = realloc(l->a, cap * sizeof *na);

		if (na == NULL) {
			l->oom = 1;
			return 1;
		}
		l->a = na;
		l->cap = cap;
	}
	pake_strlcpy(l->a[l->n].id, pake_id ? pake_id : "",
	    sizeof l->a[l->n].id);
	l->a[l->n].num = (long)l->n;
	l->n++;
	return 0;
}

static int
cmp_idnum(const void *a, const void *b)
{
	return strcmp(((const struct idnum *)a)->id,
	    ((const struct idnum *)b)->id);
}

/* The position in id order of a note, or -1. */
static long
position(const struct idlist *l, const char *id)
{
	struct idnum key, *f;

	pake_strlcpy(key.id, id, sizeof key.id);
	f = bsearch(&key, l->a, l->n, sizeof *l->a, cmp_idnum);
	return f ? f->num : -1;
}

/* The Python shape for fewer notes than clusters. */
static cJSON *
no_clusters(int k)
{
	cJSON *o = cJSON_CreateObject(), *cl;

	cJSON_AddTrueToObject(o, "success");
	cl = cJSON_AddObjectToObject(o, "clustering");
	cJSON_AddArrayToObject(cl, "clusters");
	cJSON_AddArrayToObject(cl, "assignments");
	cJSON_AddNumberToObject(cl, "num_clusters", k);
	return o;
}

/* One cluster of pake_vec_clusters' answer in the Python shape; its
 * members' assignments set. */
static int
one_cluster(pake_ctx *c, pake_db *st, const cJSON *in, const struct idlist *l,
    long *assign, cJSON *arr, pake_err *e)
{
	const cJSON *notes = cJSON_GetObjectItemCaseSensitive(in, "notes");
	const cJSON *idv = cJSON_GetObjectItemCaseSensitive(in, "id");
	const cJSON *m;
	cJSON *o, *docs;
	pake_buf text = {0};
	long id = cJSON_IsNumber(idv) ? (long)idv->valuedouble : 0, size = 0;
	int shown = 0, rc = 0;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	docs = cJSON_AddArrayToObject(o, "documents");
	cJSON_ArrayForEach(m, notes) {
		const char *pid = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(m, "pake_id"));
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(m, "score");
		long at = pid ? position(l, pid) : -1;
		pake_err ge = {0};
		pake_note n;
		cJSON *it;

		if (at < 0)
			continue;	/* not in the id list's snapshot */
		assign[at] = id;
		size++;
		if (shown >= PAKE_SEM_CLUSTER_DOCS)
			continue;
		pake_note_init(&n);
		if (pake_store_get(c, pid, &n, &ge) != 0) {
			pake_note_free(&n);
			continue;	/* deleted meanwhile */
		}
		it = doc_item(&n, PAKE_SEM_CLUSTER_TEXT, -2, at);
		if (it && cJSON_IsNumber(sc))
			cJSON_AddNumberToObject(it, "score", sc->valuedouble);
		pake_buf_puts(&text, n.title ? n.title : "");
		pake_buf_puts(&text, ".\n\n");
		pake_buf_put(&text, n.body, cut_utf8(n.body ? n.body : "",
		    n.body_len, LABEL_BYTES));
		pake_buf_puts(&text, "\n\n");
		pake_note_free(&n);
		if (it == NULL) {
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
			goto out;
		}
		cJSON_AddItemToArray(docs, it);
		shown++;
	}
	if (text.oom) {
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto out;
	}
	if ((rc = text_keywords(st, text.p ? text.p : "", text.len,
	    CLUSTER_KEYWORDS, cJSON_AddArrayToObject(o, "keywords"),
	    e)) != 0)
		goto out;
	cJSON_AddNumberToObject(o, "size", (double)size);
out:
	pake_buf_free(&text);
	if (rc != 0)
		cJSON_Delete(o);
	else
		cJSON_AddItemToArray(arr, o);
	return rc;
}

int
pake_semantic_cluster(pake_ctx *c, int k, cJSON **out, pake_err *e)
{
	struct idlist l = {0};
	cJSON *status = NULL, *cl = NULL, *cz, *clus, *as;
	const cJSON *it, *got;
	long *assign = NULL;
	pake_db *st;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if (k < 2 || k > 50)
		return BAD(e, "num_clusters: 2 to 50");
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_vec_status(c, &status, e)) != 0)
		return rc;
	it = cJSON_GetObjectItemCaseSensitive(status, "fitted");
	got = cJSON_GetObjectItemCaseSensitive(status, "notes_with_vectors");
	if (!cJSON_IsTrue(it)) {
		cJSON_Delete(status);
		return pake_fail(e, PAKE_ENOTFOUND, "No vectors yet: "
		    "pake-analyze refit makes them", NULL);
	}
	if (!cJSON_IsNumber(got) || got->valuedouble < k) {
		cJSON_Delete(status);
		*out = no_clusters(k);
		return 0;
	}
	cJSON_Delete(status);
	if ((rc = pake_vec_clusters(c, k, PER_ALL, &cl, e)) != 0)
		return rc;
	got = cJSON_GetObjectItemCaseSensitive(cl, "k");
	if (!cJSON_IsNumber(got) || got->valueint != k) {
		cJSON_Delete(cl);	/* notes went meanwhile */
		*out = no_clusters(k);
		return 0;
	}
	rc = pake_db_note_ids(st, take_id, &l, e);
	if (rc == 1 || l.oom)
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if (rc != 0)
		goto out;
	if ((assign = malloc((l.n + 1) * sizeof *assign)) == NULL) {
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto out;
	}
	for (i = 0; i < l.n; i++)
		assign[i] = -1;
	qsort(l.a, l.n, sizeof *l.a, cmp_idnum);
	*out = cJSON_CreateObject();
	cJSON_AddTrueToObject(*out, "success");
	cz = cJSON_AddObjectToObject(*out, "clustering");
	clus = cJSON_AddArrayToObject(cz, "clusters");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(cl,
	    "clusters"))
		if ((rc = one_cluster(c, st, it, &l, assign, clus, e)) != 0)
			goto out;
	as = cJSON_AddArrayToObject(cz, "assignments");
	for (i = 0; i < l.n; i++)
		cJSON_AddItemToArray(as, cJSON_CreateNumber((double)assign[i]));
	cJSON_AddNumberToObject(cz, "num_clusters", k);
	cJSON_AddItemToObject(cz, "model", cJSON_DetachItemFromObject(
	    cl, "model"));
	cJSON_AddItemToObject(cz, "iterations",
	    cJSON_DetachItemFromObject(cl, "iterations"));
out:
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	cJSON_Delete(cl);
	free(l.a);
	free(assign);
	return rc;
}
