/*
 * vec_cluster.c: clusters of a tenant's notes by meaning (issue 12).
 *
 * Spherical k-means on the notes' LSA vectors (vec.c; each of length 1,
 * so cosine is a dot product): k-means++ seeding from a fixed seed (the
 * same notes give the same clusters), then Lloyd's iterations -- each
 * note to its nearest centroid, each centroid the normalised mean of its
 * notes -- until no note moves or ITERS_MAX; RESTARTS times from
 * different seeds (fewer for large corpora), the run whose notes are
 * nearest their centroids (the sum of cosines) kept.  k defaults to
 * sqrt(n / 2),
 * between 2 and 50.  A cluster is labelled by the keywords (summary.c,
 * weighed against the tenant's notes) of the text of its LABEL_NOTES
 * notes nearest its centroid.  Everything runs in one read snapshot and
 * writes nothing.  Memory: n * dims floats (100,000 notes of 128
 * dimensions: 51 MB).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pake/summary.h"
#include "pake/util.h"
#include "pake/vec.h"

#define ITERS_MAX	50
#define RESTARTS	10	/* k-means runs, 3 above 10,000 notes */
#define K_MAX		50
#define NOTES_MAX	200000	/* notes clustered */
#define LABEL_NOTES	20	/* nearest notes whose text labels a cluster */
#define LABEL_BYTES	4000	/* of each of them */
#define SHOWN		10	/* notes listed per cluster, by default */

struct pts {
	float *v;		/* n x dims */
	char (*id)[PAKE_ID_LEN + 1];
	char **title;
	size_t n, cap;
	int dims;
	int oom;
};

static int
take_note(void *arg, int64_t note_id, const char *pake_id, const char *title,
    const float *v)
{
	struct pts *p = arg;

	(void)note_id;
	if (p->n >= NOTES_MAX)
		return 1;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		float *nv = realloc(p->v, cap * (size_t)p->dims * sizeof *nv);
		void *ni = nv ? realloc(p->id, cap * sizeof *p->id) : NULL;
		char **nt = ni ? realloc(p->title, cap * sizeof *nt) : NULL;

		if (nv)
			p->v = nv;
		if (ni)
			p->id = ni;
		if (nt)
			p->title = nt;
		if (nt == NULL) {
			p->oom = 1;
			return 1;
		}
		p->cap = cap;
	}
	memcpy(p->v + p->n * (size_t)p->dims, v, (size_t)p->dims * sizeof *v);
	pake_strlcpy(p->id[p->n], pake_id, sizeof p->id[p->n]);
	if ((p->title[p->n] = pake_strdup(title ? title : "")) == NULL) {
		p->oom = 1;
		return 1;
	}
	p->n++;
	return 0;
}

static double
dot(const float *a, const float *b, int d)
{
	double s = 0;
	int i;

	for (i = 0; i < d; i++)
		s += (double)a[i] * b[i];
	return s;
}

static uint64_t
next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* k-means++: the first centroid a note at random, each next one a note
 * drawn with probability proportional to its distance (1 - cosine) to
 * the nearest centroid so far. */
static void
seed_centroids(const struct pts *p, int k, float *cent, double *dist,
    uint64_t s)
{
	size_t i, pick = next(&s) % p->n;
	int j, d = p->dims;

	memcpy(cent, p->v + pick * d, d * sizeof *cent);
	for (i = 0; i < p->n; i++)
		dist[i] = 1 - dot(p->v + i * d, cent, d);
	for (j = 1; j < k; j++) {
		double sum = 0, r;

		for (i = 0; i < p->n; i++)
			sum += dist[i] > 0 ? dist[i] : 0;
		r = sum > 0 ? (double)(next(&s) >> 11) * 0x1p-53 * sum : 0;
		for (pick = 0, i = 0; i < p->n; i++) {
			r -= dist[i] > 0 ? dist[i] : 0;
			pick = i;
			if (r <= 0 && dist[i] > 0)
				break;
		}
		memcpy(cent + (size_t)j * d, p->v + pick * d, d * sizeof *cent);
		for (i = 0; i < p->n; i++) {
			double x = 1 - dot(p->v + i * d, cent + (size_t)j * d,
			    d);

			if (x < dist[i])
				dist[i] = x;
		}
	}
}

/* Lloyd's iterations; *iters those run. */
static void
lloyd(const struct pts *p, int k, float *cent, int *of, int *iters)
{
	int d = p->dims, it, j, moved = 1;
	double *sum = calloc((size_t)k * d, sizeof *sum);
	size_t i;

	for (i = 0; i < p->n; i++)
		of[i] = -1;
	for (it = 0; it < ITERS_MAX && moved && sum; it++) {
		moved = 0;
		for (i = 0; i < p->n; i++) {
			double best = -2;
			int bj = 0;

			for (j = 0; j < k; j++) {
				double x = dot(p->v + i * d, cent + (size_t)j *
				    d, d);

				if (x > best) {
					best = x;
					bj = j;
				}
			}
			if (of[i] != bj) {
				of[i] = bj;
				moved = 1;
			}
		}
		memset(sum, 0, (size_t)k * d * sizeof *sum);
		for (i = 0; i < p->n; i++)
			for (j = 0; j < d; j++)
				sum[(size_t)of[i] * d + j] += p->v[i * d + j];
		for (j = 0; j < k; j++) {
			double len = 0;
			int q;

			for (q = 0; q < d; q++)
				len += sum[(size_t)j * d + q] *
				    sum[(size_t)j * d + q];
			if (len <= 0)
				continue;	/* empty: keep its centroid */
			len = sqrt(len);
			for (q = 0; q < d; q++)
				cent[(size_t)j * d + q] = (float)(sum[(size_t)j *
				    d + q] / len);
		}
	}
	*iters = it;
	free(sum);
}

struct member {
	size_t i;
	double score;
};

static int
cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->score != y->score)
		return (y->score > x->score) - (y->score < x->score);
	return (x->i > y->i) - (x->i < y->i);
}

/* The keywords of the text of a cluster's nearest notes. */
static cJSON *
label(pake_db *st, const struct pts *p, const struct member *m, size_t n,
    pake_err *e)
{
	pake_buf b = {0};
	cJSON *kw = NULL;
	size_t i;

	for (i = 0; i < n && i < LABEL_NOTES; i++) {
		pake_note note;

		pake_note_init(&note);
		pake_buf_puts(&b, p->title[m[i].i]);
		pake_buf_puts(&b, ".\n\n");
		if (pake_db_note_get(st, p->id[m[i].i], &note, e) == 0)
			pake_buf_put(&b, note.body, note.body_len > LABEL_BYTES ?
			    LABEL_BYTES : note.body_len);
		pake_err_clear(e);
		pake_note_free(&note);
		pake_buf_puts(&b, "\n\n");
	}
	pake_buf_putc(&b, '\0');
	if (!b.oom && pake_keywords(st, b.p, b.len - 1, 3, &kw, e) != 0)
		kw = NULL;
	pake_buf_free(&b);
	return kw;
}

int
pake_vec_default_k(size_t notes)
{
	int k = (int)floor(sqrt((double)notes / 2) + 0.5);

	if (k < 2)
		k = 2;
	if (k > K_MAX)
		k = K_MAX;
	return (size_t)k > notes ? (int)notes : k;
}

static void
pts_free(struct pts *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->title[i]);
	free(p->title);
	free(p->id);
	free(p->v);
}

int
pake_vec_clusters(pake_ctx *c, int k, int shown, cJSON **out, pake_err *e)
{
	pake_vec_info info;
	struct pts p = {0};
	struct member *m = NULL;
	float *cent = NULL;
	double *dist = NULL;
	int *of = NULL, iters = 0, j;
	cJSON *arr;
	pake_db *st;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if (k < 0 || k > K_MAX)
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID, "k: 2 to %d",
		    K_MAX);
	if (shown < 0)
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID,
		    "notes per cluster: 1 or more");
	if (shown == 0)
		shown = SHOWN;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	if ((rc = pake_db_vec_info(st, &info, e)) != 0)
		goto out;
	if (info.dims == 0) {
		rc = pake_fail(e, PAKE_ENOTFOUND, "No vectors yet: "
		    "pake-analyze refit makes them", NULL);
		goto out;
	}
	p.dims = info.dims;
	rc = pake_db_vec_note_each(st, info.dims, take_note, &p, e);
	if (rc == 1)
		rc = 0;
	if (rc == 0 && p.oom)
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if (rc != 0)
		goto out;
	if (k == 0)
		k = pake_vec_default_k(p.n);
	if (k < 2)
		k = 2;
	if ((size_t)k > p.n)
		k = (int)p.n;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "model", info.model);
	cJSON_AddNumberToObject(*out, "notes", (double)p.n);
	arr = cJSON_AddArrayToObject(*out, "clusters");
	if (p.n == 0) {
		cJSON_AddNumberToObject(*out, "k", 0);
		goto out;
	}
	cent = malloc((size_t)k * p.dims * sizeof *cent);
	dist = malloc(p.n * sizeof *dist);
	of = malloc(p.n * sizeof *of);
	m = malloc(p.n * sizeof *m);
	if (!cent || !dist || !of || !m) {
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto out;
	}
	{
		float *bc = malloc((size_t)k * p.dims * sizeof *bc);
		int *bo = malloc(p.n * sizeof *bo), r, runs = p.n > 10000 ? 3 :
		    RESTARTS, it;
		double best = -1e300;

		if (bc == NULL || bo == NULL) {
			free(bc);
			free(bo);
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
			goto out;
		}
		for (r = 0; r < runs; r++) {
			double fit = 0;

			seed_centroids(&p, k, cent, dist,
			    0x9E3779B97F4A7C15ull * (uint64_t)(r + 1));
			lloyd(&p, k, cent, of, &it);
			for (i = 0; i < p.n; i++)
				fit += dot(p.v + i * p.dims, cent +
				    (size_t)of[i] * p.dims, p.dims);
			if (fit > best) {
				best = fit;
				iters = it;
				memcpy(bc, cent, (size_t)k * p.dims *
				    sizeof *bc);
				memcpy(bo, of, p.n * sizeof *bo);
			}
		}
		memcpy(cent, bc, (size_t)k * p.dims * sizeof *cent);
		memcpy(of, bo, p.n * sizeof *of);
		free(bc);
		free(bo);
	}
	cJSON_AddNumberToObject(*out, "k", k);
	cJSON_AddNumberToObject(*out, "iterations", iters);
	for (j = 0; j < k && rc == 0; j++) {
		size_t n = 0;
		cJSON *cl, *notes, *kw;

		for (i = 0; i < p.n; i++)
			if (of[i] == j) {
				m[n].i = i;
				m[n].score = dot(p.v + i * p.dims, cent +
				    (size_t)j * p.dims, p.dims);
				n++;
			}
		if (n == 0)
			continue;
		qsort(m, n, sizeof *m, cmp_member);
		cl = cJSON_CreateObject();
		cJSON_AddNumberToObject(cl, "id", cJSON_GetArraySize(arr));
		cJSON_AddNumberToObject(cl, "size", (double)n);
		kw = label(st, &p, m, n, e);
		cJSON_AddItemToObject(cl, "label", kw ? kw : cJSON_CreateArray());
		notes = cJSON_AddArrayToObject(cl, "notes");
		for (i = 0; i < n && i < (size_t)shown; i++) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "pake_id", p.id[m[i].i]);
			cJSON_AddStringToObject(o, "title", p.title[m[i].i]);
			cJSON_AddNumberToObject(o, "score", floor(m[i].score *
			    1e4 + 0.5) / 1e4);
			cJSON_AddItemToArray(notes, o);
		}
		cJSON_AddItemToArray(arr, cl);
	}
out:
	free(cent);
	free(dist);
	free(of);
	free(m);
	pts_free(&p);
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
		pake_db_rollback(st);
		return rc;
	}
	return pake_db_commit(st, e);
}
