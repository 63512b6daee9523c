/*
 * vec.c: a vector for each note of a tenant, by latent semantic analysis,
 * kept in the tenant's store and shared by every process (issue 12).
 *
 * Words.  A note is its title and the plain text of its body
 * (pake_text_plain), cut into the full-text index's own words
 * (pake_db_words), so a term here is a term of notes_vocab.  Stop words,
 * one-character words and numbers carry no weight (as in summary.c).  A
 * term t of a note weighs w(t) = (1 + ln tf) * (ln((N + 1) / (df + 1)) +
 * 1): tf counts t in the note, N is the tenant's notes and df those whose
 * index holds t (notes_vocab) -- summary.c's weights.
 *
 * The fit (pake_vec_fit, one write transaction, every row replaced).  The
 * vocabulary is the terms of at least two notes, the PAKE_VEC_TERMS_MAX
 * most common (ties: byte order).  A is the sparse notes x terms matrix of
 * weights, each row scaled to length 1 (a note without a vocabulary term
 * has no row and no vector).  Its truncated SVD is Halko, Martinsson and
 * Tropp's randomized one: Omega, terms x l Gaussian (l = k + 10, a fixed
 * seed, so a fit of the same notes gives the same model); Y = A Omega;
 * two power iterations Y = A (A^T Y), each product re-orthonormalised
 * (LAPACKE dgeqrf + dorgqr: QR, Q kept); then B^T = A^T Q (terms x l)
 * and its SVD (LAPACKE dgesdd): B^T = U' S W^T, so A ~ Q W S U'^T and
 * the first k columns of U' are V_k, A's top right singular vectors.
 * k = min(dims, the rank: singular values above 1e-10 of the first).
 * A term's vector is its row of V_k (k float32 values, vec_terms, with
 * the term's idf at the fit).
 *
 * Fold-in.  A note's vector is sum over its terms with a term vector of
 * w(t) * V_k[t], scaled to length 1 (note_vectors; none when no term has
 * a vector), w(t) taking the idf stored at the fit: the weights the
 * model was fitted with, and one indexed read per distinct word.  For a note of the fit that is its row of A V_k = U_k S_k,
 * the rank-k approximation of A whose cosines are LSA's similarities;
 * new and changed notes are folded in the same way by the one write path
 * (store.c calls pake_vec_note_put in the change's transaction), so hand
 * edits imported from the vault get their vector at once.  Term vectors
 * are V_k, not V_k S_k^-1: with S^-1 a note's vector is its row of U_k,
 * and when k reaches the rank (a small corpus) the rows of U are
 * orthonormal, so every cosine between notes of the fit would be 0.
 *
 * Related notes: the cosine (a dot product: vectors have length 1) of
 * the note's vector with every other note's, in one read snapshot, the k
 * best kept (a scan: linear in the notes, fine up to 100k).
 *
 * Costs.  The fit reads every note once and holds its (term, tf) pairs;
 * the products cost nnz(A) * l each (six of them), the QRs notes * l^2
 * and terms * l^2, the SVD terms * l^2; memory is about 3 * terms * l +
 * 2 * notes * l doubles (50,000 terms, 100,000 notes, l = 138: 390 MB at
 * most).  A crash during a fit rolls it back: the old model stays.
 * Invariants: every stored vector has the fit's dims values; a note
 * vector has length 1.
 *
 * LAPACKE is loaded when a fit runs (dlopen), not linked: every pake
 * program links this file through the write path, and loading LAPACKE
 * with its BLAS at each start cost 2.5 ms of a 3 ms `pake-note get`.  A
 * missing library makes the fit fail (unavailable), nothing else.
 */
#include <assert.h>
#include <ctype.h>
#include <dlfcn.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pake/text.h"
#include "pake/util.h"
#include "pake/vec.h"

#define OVERSAMPLE	10	/* Halko's p */
#define POWER_ITERS	2
#define SEED		0x9e3779b97f4a7c15ULL
#define RANK_EPS	1e-10
#define PROGRESS_NOTES	5000	/* log a fit's progress from this many */
#define NO_FIT_MSG	"No vectors yet: pake-analyze refit makes them"

/* A term and a count (of a note: tf; of the corpus: df), with its column
 * in A (-1: not in the vocabulary). */
struct bterm {
	char word[64];
	int64_t n;
	long col;
};

/* Terms in an open-addressing table from word to index + 1. */
struct bag {
	struct bterm *t;
	size_t n, cap;
	size_t *slot;
	size_t scap;
	int oom;
};

/* FNV-1a of a word. */
static uint32_t
hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void
bag_free(struct bag *b)
{
	free(b->t);
	free(b->slot);
	memset(b, 0, sizeof *b);
}

/* Double the slots and place every term again. */
static int
bag_grow(struct bag *b)
{
	size_t cap = b->scap ? b->scap * 2 : 256, i, h;
	size_t *slot = calloc(cap, sizeof *slot);

	if (slot == NULL)
		return -1;
	for (i = 0; i < b->n; i++) {
		h = hash(b->t[i].word) & (cap - 1);
		while (slot[h])
			h = (h + 1) & (cap - 1);
		slot[h] = i + 1;
	}
	free(b->slot);
	b->slot = slot;
	b->scap = cap;
	return 0;
}

/* The index of word in b, added with count 0 when missing; -1: no
 * memory. */
static long
bag_add(struct bag *b, const char *word)
{
	size_t h;

	if ((b->n + 1) * 2 > b->scap && bag_grow(b) != 0)
		return -1;
	h = hash(word) & (b->scap - 1);
	while (b->slot[h] && strcmp(b->t[b->slot[h] - 1].word, word) != 0)
		h = (h + 1) & (b->scap - 1);
	if (b->slot[h])
		return (long)b->slot[h] - 1;
	if (b->n == b->cap) {
		size_t c = b->cap ? b->cap * 2 : 64;
		struct bterm *t = realloc(b->t, c * sizeof *t);

		if (t == NULL)
			return -1;
		b->t = t;
		b->cap = c;
	}
	memset(&b->t[b->n], 0, sizeof b->t[b->n]);
	pake_strlcpy(b->t[b->n].word, word, sizeof b->t[b->n].word);
	b->t[b->n].col = -1;
	b->slot[h] = ++b->n;
	return (long)b->n - 1;
}

/* Does a folded word carry weight?  (summary.c's rule.) */
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

/* One word of a note: counted when it carries weight. */
static int
bag_word(void *arg, const pake_word *w)
{
	struct bag *b = arg;
	long i;

	if (!weighty(w->word))
		return 0;
	if ((i = bag_add(b, w->word)) < 0) {
		b->oom = 1;
		return 1;
	}
	b->t[i].n++;
	return 0;
}

/* The weighty terms of a note (title and body) with their counts. */
static int
bag_read(pake_db *st, const pake_note *n, struct bag *b, pake_err *e)
{
	char *plain = NULL;
	size_t len = 0;
	int rc;

	memset(b, 0, sizeof *b);
	if (n->title && (rc = pake_db_words(st, n->title, strlen(n->title),
	    bag_word, b, e)) != 0 && !b->oom)
		return rc;
	if (!b->oom && pake_text_plain(n->body ? n->body : "", n->body_len,
	    &plain, &len) != 0)
		b->oom = 1;
	if (!b->oom && (rc = pake_db_words(st, plain, len, bag_word, b,
	    e)) != 0 && !b->oom) {
		free(plain);
		return rc;
	}
	free(plain);
	if (b->oom) {
		bag_free(b);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	return 0;
}

/* Scale v[0..n) to length 1; 0 when it is the zero vector. */
static int
unit(double *v, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += v[i] * v[i];
	if (!(s > 0))
		return 0;
	s = sqrt(s);
	for (i = 0; i < n; i++)
		v[i] /= s;
	return 1;
}

/* Log a fit's progress (info) when the corpus is large. */
static void
progress(pake_ctx *c, size_t notes, const char *what, size_t a, size_t b)
{
	if (notes >= PROGRESS_NOTES && c->log)
		pake_log_msg(c->log, PAKE_LOG_INFO, "vectors: %s %zu of %zu",
		    what, a, b);
}

/* ------------------------------------------------------------------ */
/* The fit */

/* A in compressed rows: the notes with a vocabulary term. */
struct csr {
	size_t m, n;		/* rows (notes), columns (terms) */
	size_t *rp;		/* m + 1 row starts */
	int32_t *ci;
	double *v;
	double *idf;		/* n: each term's idf */
};

/* What reading the notes collects. */
struct corpus {
	pake_ctx *c;
	pake_db *st;
	pake_err *e;
	size_t total;		/* notes in the store, for progress */
	struct bag vocab;	/* n: notes holding the term */
	int32_t *term, *tf;	/* (term, tf) of every note, note after note */
	size_t nent, ecap;
	size_t *off;		/* ndoc + 1 starts into term/tf */
	int64_t *id;		/* notes.id of each note read */
	size_t ndoc, dcap;
};

static void
corpus_free(struct corpus *k)
{
	bag_free(&k->vocab);
	free(k->term);
	free(k->tf);
	free(k->off);
	free(k->id);
}

static void
csr_free(struct csr *a)
{
	free(a->rp);
	free(a->ci);
	free(a->v);
	free(a->idf);
}

/* One note of the corpus: its terms into the vocabulary and the pairs. */
static int
corpus_note(void *arg, pake_note *n)
{
	struct corpus *k = arg;
	struct bag b;
	size_t i;
	long t;
	int rc;

	if ((rc = bag_read(k->st, n, &b, k->e)) != 0)
		return rc;
	if (k->ndoc + 2 > k->dcap) {
		size_t c = k->dcap ? k->dcap * 2 : 1024;
		size_t *off = realloc(k->off, c * sizeof *off);
		int64_t *id = off ? realloc(k->id, c * sizeof *id) : NULL;

		if (off)
			k->off = off;
		if (id == NULL)
			goto oom;
		k->id = id;
		k->dcap = c;
	}
	if (k->nent + b.n > k->ecap) {
		size_t c = k->ecap ? k->ecap : 65536;
		int32_t *tm, *tf;

		while (c < k->nent + b.n)
			c *= 2;
		tm = realloc(k->term, c * sizeof *tm);
		if (tm)
			k->term = tm;
		tf = tm ? realloc(k->tf, c * sizeof *tf) : NULL;
		if (tf == NULL)
			goto oom;
		k->tf = tf;
		k->ecap = c;
	}
	k->off[k->ndoc] = k->nent;
	for (i = 0; i < b.n; i++) {
		if ((t = bag_add(&k->vocab, b.t[i].word)) < 0 || t > INT32_MAX)
			goto oom;
		k->vocab.t[t].n++;
		k->term[k->nent] = (int32_t)t;
		k->tf[k->nent++] = (int32_t)(b.t[i].n > INT32_MAX ? INT32_MAX :
		    b.t[i].n);
	}
	k->id[k->ndoc++] = n->rowid;
	k->off[k->ndoc] = k->nent;
	bag_free(&b);
	if (k->ndoc % 10000 == 0)
		progress(k->c, k->total, "read notes", k->ndoc, k->total);
	return 0;
oom:
	bag_free(&b);
	return pake_fail(k->e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
}

/* Order of the vocabulary: more notes first, then byte order. */
static int
by_df(const void *a, const void *b)
{
	const struct bterm *x = *(const struct bterm *const *)a;
	const struct bterm *y = *(const struct bterm *const *)b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->word, y->word);
}

/* Choose the vocabulary (sets col), and A's rows with the index's
 * document counts; *idf receives each column's idf, *row each row's
 * note index in the corpus. */
static int
build_a(struct corpus *k, struct csr *a, size_t **row, pake_err *e)
{
	struct bterm **pick = NULL;
	double *idf;
	size_t i, p, np = 0, nnz = 0;
	int64_t ndocs, df;
	int rc = 0;

	memset(a, 0, sizeof *a);
	*row = NULL;
	if ((pick = malloc((k->vocab.n + 1) * sizeof *pick)) == NULL)
		goto oom;
	for (i = 0; i < k->vocab.n; i++)
		if (k->vocab.t[i].n >= 2)
			pick[np++] = &k->vocab.t[i];
	qsort(pick, np, sizeof *pick, by_df);
	if (np > PAKE_VEC_TERMS_MAX)
		np = PAKE_VEC_TERMS_MAX;
	if ((idf = a->idf = malloc((np + 1) * sizeof *idf)) == NULL)
		goto oom;
	if ((rc = pake_db_corpus_docs(k->st, &ndocs, e)) != 0)
		goto out;
	for (i = 0; i < np; i++) {
		pick[i]->col = (long)i;
		if ((rc = pake_db_term_docs(k->st, pick[i]->word, &df, e)) != 0)
			goto out;
		idf[i] = log((double)(ndocs + 1) / (double)(df + 1)) + 1;
	}
	for (p = 0; p < k->nent; p++)
		nnz += k->vocab.t[k->term[p]].col >= 0;
	a->n = np;
	a->rp = malloc((k->ndoc + 1) * sizeof *a->rp);
	a->ci = malloc((nnz + 1) * sizeof *a->ci);
	a->v = malloc((nnz + 1) * sizeof *a->v);
	*row = malloc((k->ndoc + 1) * sizeof **row);
	if (!a->rp || !a->ci || !a->v || !*row)
		goto oom;
	nnz = 0;
	a->rp[0] = 0;
	for (i = 0; i < k->ndoc; i++) {
		size_t start = nnz;

		for (p = k->off[i]; p < k->off[i + 1]; p++) {
			long col = k->vocab.t[k->term[p]].col;

			if (col < 0)
				continue;
			a->ci[nnz] = (int32_t)col;
			a->v[nnz++] = (1 + log((double)k->tf[p])) * idf[col];
		}
		if (nnz == start || !unit(a->v + start, nnz - start)) {
			nnz = start;
			continue;
		}
		(*row)[a->m++] = i;
		a->rp[a->m] = nnz;
	}
	goto out;
oom:
	rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
out:
	free(pick);
	return rc;
}

/* Y (m x l, row-major) = A X (X: n x l, row-major). */
static void
csr_mul(const struct csr *a, const double *x, size_t l, double *y)
{
	size_t r, p, i;

	memset(y, 0, a->m * l * sizeof *y);
	for (r = 0; r < a->m; r++)
		for (p = a->rp[r]; p < a->rp[r + 1]; p++) {
			const double *xs = x + (size_t)a->ci[p] * l;
			double *ys = y + r * l, v = a->v[p];

			for (i = 0; i < l; i++)
				ys[i] += v * xs[i];
		}
}

/* Z (n x l, row-major) = A^T Q (Q: m x l, row-major). */
static void
csr_tmul(const struct csr *a, const double *q, size_t l, double *z)
{
	size_t r, p, i;

	memset(z, 0, a->n * l * sizeof *z);
	for (r = 0; r < a->m; r++)
		for (p = a->rp[r]; p < a->rp[r + 1]; p++) {
			double *zs = z + (size_t)a->ci[p] * l, v = a->v[p];
			const double *qs = q + r * l;

			for (i = 0; i < l; i++)
				zs[i] += v * qs[i];
		}
}

/* The three LAPACKE routines a fit calls, from the library loaded for
 * it (see the top of the file). */
struct lapack {
	void *h;
	lapack_int (*geqrf)(int, lapack_int, lapack_int, double *, lapack_int,
	    double *);
	lapack_int (*orgqr)(int, lapack_int, lapack_int, lapack_int, double *,
	    lapack_int, const double *);
	lapack_int (*gesdd)(int, char, lapack_int, lapack_int, double *,
	    lapack_int, double *, double *, lapack_int, double *, lapack_int);
};

static int
lapack_open(struct lapack *lp, pake_err *e)
{
	static const char *const names[] = {"liblapacke.so.3",
		"liblapacke.so"};
	size_t i;

	memset(lp, 0, sizeof *lp);
	for (i = 0; lp->h == NULL && i < sizeof names / sizeof *names; i++)
		lp->h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (lp->h == NULL)
		return pake_fail(e, PAKE_EUNAVAIL, "Vector fit needs LAPACKE "
		    "(liblapacke)", "%s", dlerror());
	*(void **)&lp->geqrf = dlsym(lp->h, "LAPACKE_dgeqrf");
	*(void **)&lp->orgqr = dlsym(lp->h, "LAPACKE_dorgqr");
	*(void **)&lp->gesdd = dlsym(lp->h, "LAPACKE_dgesdd");
	if (!lp->geqrf || !lp->orgqr || !lp->gesdd) {
		dlclose(lp->h);
		lp->h = NULL;
		return pake_fail(e, PAKE_EUNAVAIL, "Vector fit needs LAPACKE "
		    "(liblapacke)", "a routine is missing");
	}
	return 0;
}

/* Replace the columns of M (rows x l, row-major, rows >= l) by an
 * orthonormal basis of their span (Householder QR, Q formed). */
static int
orth(const struct lapack *lp, double *m, size_t rows, size_t l, double *tau,
    pake_err *e)
{
	assert(rows >= l);
	if (lp->geqrf(LAPACK_ROW_MAJOR, (lapack_int)rows, (lapack_int)l,
	    m, (lapack_int)l, tau) != 0 ||
	    lp->orgqr(LAPACK_ROW_MAJOR, (lapack_int)rows, (lapack_int)l,
	    (lapack_int)l, m, (lapack_int)l, tau) != 0)
		return pake_fail(e, PAKE_EINTERNAL, "Vector fit failed",
		    "QR");
	return 0;
}

/* A standard normal number from a splitmix64 state (Box-Muller). */
static double
gauss(uint64_t *s)
{
	uint64_t z[2];
	double u1, u2;
	int i;

	for (i = 0; i < 2; i++) {
		z[i] = (*s += 0x9e3779b97f4a7c15ULL);
		z[i] = (z[i] ^ (z[i] >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z[i] = (z[i] ^ (z[i] >> 27)) * 0x94d049bb133111ebULL;
		z[i] ^= z[i] >> 31;
	}
	u1 = ((double)(z[0] >> 11) + 0.5) * 0x1p-53;
	u2 = (double)(z[1] >> 11) * 0x1p-53;
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* V_k of A: *vk (n x l, row-major; the first *k columns count), by the
 * randomized SVD (see the top of the file). */
static int
rsvd(pake_ctx *c, const struct csr *a, int dims, double **vk, int *k,
    pake_err *e)
{
	size_t l = (size_t)dims + OVERSAMPLE, i, it;
	double *om = NULL, *y = NULL, *u = NULL, *s = NULL, *w = NULL,
	    *tau = NULL;
	uint64_t seed = SEED;
	struct lapack lp;
	int rc = 0;

	*vk = NULL;
	*k = 0;
	if ((rc = lapack_open(&lp, e)) != 0)
		return rc;
	if (l > a->m)
		l = a->m;
	if (l > a->n)
		l = a->n;
	assert(l >= 1);
	om = malloc(a->n * l * sizeof *om);	/* Omega, then Z, then B^T */
	y = malloc(a->m * l * sizeof *y);
	u = malloc(a->n * l * sizeof *u);
	s = malloc(l * sizeof *s);
	w = malloc(l * l * sizeof *w);
	tau = malloc(l * sizeof *tau);
	if (!om || !y || !u || !s || !w || !tau) {
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto out;
	}
	for (i = 0; i < a->n * l; i++)
		om[i] = gauss(&seed);
	csr_mul(a, om, l, y);
	if ((rc = orth(&lp, y, a->m, l, tau, e)) != 0)
		goto out;
	for (it = 0; it < POWER_ITERS; it++) {
		progress(c, a->m, "power iteration", it + 1, POWER_ITERS);
		csr_tmul(a, y, l, om);
		if ((rc = orth(&lp, om, a->n, l, tau, e)) != 0)
			goto out;
		csr_mul(a, om, l, y);
		if ((rc = orth(&lp, y, a->m, l, tau, e)) != 0)
			goto out;
	}
	csr_tmul(a, y, l, om);		/* B^T = A^T Q */
	progress(c, a->m, "SVD of terms", a->n, a->n);
	if (lp.gesdd(LAPACK_ROW_MAJOR, 'S', (lapack_int)a->n,
	    (lapack_int)l, om, (lapack_int)l, s, u, (lapack_int)l, w,
	    (lapack_int)l) != 0) {
		rc = pake_fail(e, PAKE_EINTERNAL, "Vector fit failed", "SVD");
		goto out;
	}
	for (i = 0; i < l && i < (size_t)dims; i++)
		if (!(s[i] > s[0] * RANK_EPS))
			break;
	*k = (int)i;
	*vk = u;
	u = NULL;
out:
	free(om);
	free(y);
	free(u);
	free(s);
	free(w);
	free(tau);
	dlclose(lp.h);
	return rc;
}

/* Store the model: term vectors, each row's note vector, vec_info. */
static int
fit_store(pake_db *st, const struct corpus *k, const struct csr *a,
    const size_t *row, const double *vk, size_t l, int dims, pake_err *e)
{
	float f[PAKE_VEC_DIMS_CAP];
	double acc[PAKE_VEC_DIMS_CAP];
	pake_vec_info info = {0};
	size_t i, r, p;
	int d, rc;

	assert(dims > 0 && dims <= PAKE_VEC_DIMS_CAP && (size_t)dims <= l);
	if ((rc = pake_db_vec_clear(st, e)) != 0)
		return rc;
	for (i = 0; i < k->vocab.n; i++) {
		long col = k->vocab.t[i].col;

		if (col < 0)
			continue;
		for (d = 0; d < dims; d++)
			f[d] = (float)vk[(size_t)col * l + (size_t)d];
		if ((rc = pake_db_vec_term_put(st, k->vocab.t[i].word,
		    a->idf[col], f, dims, e)) != 0)
			return rc;
	}
	for (r = 0; r < a->m; r++) {
		memset(acc, 0, sizeof acc);
		for (p = a->rp[r]; p < a->rp[r + 1]; p++)
			for (d = 0; d < dims; d++)
				acc[d] += a->v[p] *
				    vk[(size_t)a->ci[p] * l + (size_t)d];
		if (!unit(acc, (size_t)dims))
			continue;
		for (d = 0; d < dims; d++)
			f[d] = (float)acc[d];
		if ((rc = pake_db_vec_note_put(st, k->id[row[r]], f, dims,
		    e)) != 0)
			return rc;
	}
	info.dims = dims;
	info.terms = (int64_t)a->n;
	info.docs = (int64_t)a->m;
	info.fitted_ms = pake_now_ms();
	pake_strlcpy(info.model, "lsa", sizeof info.model);
	return pake_db_vec_info_put(st, &info, e);
}

/* Seconds on the monotonic clock. */
static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The fit inside st's write transaction. */
static int
fit(pake_ctx *c, pake_db *st, int dims, cJSON **out, pake_err *e)
{
	struct corpus k;
	struct csr a;
	size_t *row = NULL, l;
	double *vk = NULL, t0 = mono();
	int64_t with = 0;
	char ts[32];
	int rc, kd = 0;

	memset(&k, 0, sizeof k);
	memset(&a, 0, sizeof a);
	k.c = c;
	k.st = st;
	k.e = e;
	k.total = (size_t)pake_db_note_count(st);
	if ((rc = pake_db_note_each(st, corpus_note, &k, e)) != 0 ||
	    (rc = build_a(&k, &a, &row, e)) != 0)
		goto out;
	progress(c, k.ndoc, "notes with vocabulary terms", a.m, k.ndoc);
	if (a.m < 2 || a.n < 1) {
		rc = pake_fail(e, PAKE_EINVAL, "Too few notes to fit vectors: "
		    "at least two notes must share a word", "%zu notes, %zu "
		    "terms", a.m, a.n);
		goto out;
	}
	l = (size_t)dims + OVERSAMPLE;
	l = l > a.m ? a.m : l;
	l = l > a.n ? a.n : l;
	if ((rc = rsvd(c, &a, dims, &vk, &kd, e)) != 0)
		goto out;
	if (kd < 1) {
		rc = pake_fail(e, PAKE_EINVAL, "Too few notes to fit vectors: "
		    "their terms have no rank", NULL);
		goto out;
	}
	progress(c, k.ndoc, "writing vectors of notes", a.m, a.m);
	if ((rc = fit_store(st, &k, &a, row, vk, l, kd, e)) != 0 ||
	    (rc = pake_db_vec_note_count(st, &with, e)) != 0)
		goto out;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "model", "lsa");
	cJSON_AddNumberToObject(*out, "dims", kd);
	cJSON_AddNumberToObject(*out, "terms", (double)a.n);
	cJSON_AddNumberToObject(*out, "docs", (double)with);
	cJSON_AddNumberToObject(*out, "notes", (double)k.ndoc);
	cJSON_AddNumberToObject(*out, "notes_without_vectors",
	    (double)(k.ndoc - (size_t)with));
	pake_iso8601(pake_now_ms(), ts);
	cJSON_AddStringToObject(*out, "fitted_at", ts);
	cJSON_AddNumberToObject(*out, "seconds",
	    round((mono() - t0) * 1000) / 1000);
out:
	corpus_free(&k);
	csr_free(&a);
	free(row);
	free(vk);
	return rc;
}

int
pake_vec_fit(pake_ctx *c, int dims, cJSON **out, pake_err *e)
{
	char want[PAKE_VEC_MODEL_MAX + 8];
	pake_db *st;
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if (dims == 0)
		dims = PAKE_VEC_DIMS_DEFAULT;
	if (dims < 1 || dims > PAKE_VEC_DIMS_MAX)
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID,
		    "dims: 1 to %d", PAKE_VEC_DIMS_MAX);
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if (pake_vec_model_wanted(c, want, sizeof want))
		return pake_vec_embed_fit(c, st, want, out, e);
	if ((rc = pake_db_begin(st, e)) != 0)
		return rc;
	if ((rc = fit(c, st, dims, out, e)) == 0 &&
	    (rc = pake_db_commit(st, e)) == 0)
		return 0;
	pake_db_rollback(st);
	cJSON_Delete(*out);
	*out = NULL;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Fold-in */

/* n's vector in the model of dims values: *has 1 and v filled (length
 * 1), or *has 0 when none of its terms has a vector.  A term weighs
 * (1 + ln tf) times its idf at the fit, as the fitted notes' terms did. */
static int
fold(pake_db *st, const pake_note *n, int dims, float *v, int *has,
    pake_err *e)
{
	double acc[PAKE_VEC_DIMS_MAX] = {0}, idf;
	float tv[PAKE_VEC_DIMS_MAX];
	struct bag b;
	size_t i;
	int d, rc, got;

	assert(dims > 0 && dims <= PAKE_VEC_DIMS_MAX);
	*has = 0;
	if ((rc = bag_read(st, n, &b, e)) != 0)
		return rc;
	for (i = 0; i < b.n; i++) {
		double w;

		if ((got = pake_db_vec_term_get(st, b.t[i].word, &idf, tv,
		    dims, e)) < 0) {
			rc = e->code;
			goto out;
		}
		if (got == 0)
			continue;
		w = (1 + log((double)b.t[i].n)) * idf;
		for (d = 0; d < dims; d++)
			acc[d] += w * tv[d];
	}
	if (unit(acc, (size_t)dims)) {
		for (d = 0; d < dims; d++)
			v[d] = (float)acc[d];
		*has = 1;
	}
out:
	bag_free(&b);
	return rc;
}

int
pake_vec_note_put(pake_ctx *c, pake_db *st, const pake_note *n, pake_err *e)
{
	float v[PAKE_VEC_DIMS_MAX];
	pake_vec_info info;
	int rc, has;

	(void)c;
	assert(n->rowid > 0);
	if ((rc = pake_db_vec_info(st, &info, e)) != 0)
		return rc;
	if (info.dims < 1)
		return 0;		/* no fit yet */
	if (pake_vec_model_is_embed(info.model))	/* after the commit */
		return pake_db_vec_pending_add(st, n->rowid, e);
	if (info.dims > PAKE_VEC_DIMS_MAX)
		return 0;
	if ((rc = fold(st, n, info.dims, v, &has, e)) != 0)
		return rc;
	if (has)
		return pake_db_vec_note_put(st, n->rowid, v, info.dims, e);
	return pake_db_vec_note_delete(st, n->rowid, e);
}

int
pake_vec_note_remove(pake_ctx *c, pake_db *st, const pake_note *old,
    pake_err *e)
{
	int64_t id = old->rowid > 0 ? old->rowid :
	    pake_db_note_rowid(st, old->pake_id);
	int rc;

	(void)c;
	if (id <= 0)
		return 0;
	if ((rc = pake_db_vec_note_delete(st, id, e)) != 0)
		return rc;
	return pake_db_vec_pending_del(st, id, e);
}

/* ------------------------------------------------------------------ */
/* Related notes */

struct hit {
	double score;
	int64_t note_id;
};

/* The best k of the notes scanned, best first (ties: the older note). */
struct top {
	const float *q;
	int dims;
	int64_t self;
	struct hit *h;
	int n, k;
};

/* One note of the scan: kept when among the best so far.  v is the row's
 * blob, of dims floats, maybe unaligned. */
static int
top_add(void *arg, int64_t note_id, const void *blob)
{
	struct top *t = arg;
	float v[PAKE_VEC_DIMS_CAP];
	double s = 0;
	int d, at;

	if (note_id == t->self)
		return 0;
	memcpy(v, blob, (size_t)t->dims * sizeof *v);
	for (d = 0; d < t->dims; d++)
		s += (double)t->q[d] * (double)v[d];
	if (t->n == t->k && !(s > t->h[t->n - 1].score ||
	    (s == t->h[t->n - 1].score && note_id < t->h[t->n - 1].note_id)))
		return 0;
	if (t->n == t->k)
		t->n--;
	for (at = t->n; at > 0 && (t->h[at - 1].score < s ||
	    (t->h[at - 1].score == s && t->h[at - 1].note_id > note_id)); at--)
		;
	memmove(&t->h[at + 1], &t->h[at], (size_t)(t->n - at) *
	    sizeof *t->h);
	t->h[at].score = s;
	t->h[at].note_id = note_id;
	t->n++;
	return 0;
}

/* The k notes whose vectors are nearest q (but self), best first, into
 * arr as {pake_id, title, score}: a scan of the vectors alone, then the
 * k notes' ids and titles. */
static int
scan_top(pake_db *st, const float *q, int dims, int64_t self, int k,
    cJSON *arr, pake_err *e)
{
	char id[PAKE_ID_LEN + 1];
	struct top t;
	char *title;
	cJSON *o;
	int rc, i;

	memset(&t, 0, sizeof t);
	t.q = q;
	t.dims = dims;
	t.self = self;
	t.k = k;
	if ((t.h = calloc((size_t)k + 1, sizeof *t.h)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	rc = pake_db_vec_scan(st, dims, top_add, &t, e);
	for (i = 0; i < t.n && rc == 0; i++) {
		rc = pake_db_note_brief(st, t.h[i].note_id, id, sizeof id,
		    &title, e);
		if (rc == PAKE_ENOTFOUND) {	/* cannot be: same snapshot */
			pake_err_clear(e);
			rc = 0;
			continue;
		}
		if (rc != 0)
			break;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "pake_id", id);
		cJSON_AddStringToObject(o, "title", title);
		cJSON_AddNumberToObject(o, "score",
		    round(t.h[i].score * 1e6) / 1e6);
		cJSON_AddItemToArray(arr, o);
		free(title);
	}
	free(t.h);
	return rc;
}

/* The related notes in the read snapshot of st. */
static int
related(pake_db *st, const char *pake_id, int k, cJSON **out, pake_err *e)
{
	float q[PAKE_VEC_DIMS_CAP];
	pake_vec_info info;
	cJSON *arr;
	int64_t id;
	int rc;

	if ((rc = pake_db_vec_info(st, &info, e)) != 0)
		return rc;
	if (info.dims < 1 || info.dims > PAKE_VEC_DIMS_CAP)
		return pake_fail(e, PAKE_ENOTFOUND, NO_FIT_MSG, NULL);
	if ((id = pake_db_note_rowid(st, pake_id)) <= 0)
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NOTE_NOT_FOUND,
		    "%s", pake_id);
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "pake_id", pake_id);
	arr = cJSON_AddArrayToObject(*out, "related");
	cJSON_AddStringToObject(*out, "model", info.model);
	cJSON_AddNumberToObject(*out, "dims", info.dims);
	if ((rc = pake_db_vec_note_get(st, id, q, info.dims, e)) < 0)
		goto fail;
	if (rc == 0) {
		cJSON_AddStringToObject(*out, "reason", "The note has no "
		    "vector: none of its words is in the fitted vocabulary "
		    "(pake-analyze refit takes in new words)");
		return 0;
	}
	if ((rc = scan_top(st, q, info.dims, id, k, arr, e)) == 0)
		return 0;
fail:
	cJSON_Delete(*out);
	*out = NULL;
	return rc;
}

int
pake_vec_related(pake_ctx *c, const char *pake_id, int k, cJSON **out,
    pake_err *e)
{
	pake_db *st;
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if (k == 0)
		k = PAKE_VEC_RELATED_DEFAULT;
	if (k < 1 || k > PAKE_VEC_RELATED_MAX)
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID,
		    "limit: 1 to %d", PAKE_VEC_RELATED_MAX);
	if (pake_id == NULL || strlen(pake_id) > PAKE_ID_LEN)
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NOTE_NOT_FOUND,
		    NULL);
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	if ((rc = related(st, pake_id, k, out, e)) == 0)
		return pake_db_commit(st, e);
	pake_db_rollback(st);
	return rc;
}

int
pake_vec_status(pake_ctx *c, cJSON **out, pake_err *e)
{
	char want[PAKE_VEC_MODEL_MAX + 8];
	pake_vec_info info;
	int64_t with = 0, notes = 0, waiting = 0, changed = 0;
	pake_db *st;
	char ts[32];
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	if ((rc = pake_db_vec_info(st, &info, e)) != 0 ||
	    (rc = pake_db_vec_note_count(st, &with, e)) != 0 ||
	    (rc = pake_db_vec_pending_count(st, &waiting, e)) != 0 ||
	    (rc = pake_db_corpus_docs(st, &notes, e)) != 0 ||
	    (info.dims > 0 && (rc = pake_db_notes_changed_since(st,
	    info.fitted_ms, &changed, e)) != 0) ||
	    (rc = pake_db_commit(st, e)) != 0) {
		pake_db_rollback(st);
		return rc;
	}
	pake_vec_model_wanted(c, want, sizeof want);
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "fitted", info.dims > 0);
	cJSON_AddStringToObject(*out, "model", info.dims > 0 ? info.model :
	    want);
	cJSON_AddStringToObject(*out, "model_configured", want);
	cJSON_AddBoolToObject(*out, "refit_needed", info.dims > 0 &&
	    strcmp(info.model, want) != 0);
	cJSON_AddNumberToObject(*out, "dims", info.dims);
	cJSON_AddNumberToObject(*out, "terms", (double)info.terms);
	cJSON_AddNumberToObject(*out, "docs", (double)info.docs);
	if (info.dims > 0) {
		pake_iso8601(info.fitted_ms, ts);
		cJSON_AddStringToObject(*out, "fitted_at", ts);
	} else
		cJSON_AddNullToObject(*out, "fitted_at");
	cJSON_AddNumberToObject(*out, "notes_with_vectors", (double)with);
	cJSON_AddNumberToObject(*out, "notes_waiting", (double)waiting);
	cJSON_AddNumberToObject(*out, "notes", (double)notes);
	/* Drift: notes written since the fit, against the notes it had. */
	cJSON_AddNumberToObject(*out, "changed_since_fit", (double)changed);
	if (info.dims > 0)
		cJSON_AddNumberToObject(*out, "drift", round((double)changed /
		    (double)(info.docs > 0 ? info.docs : 1) * 1000) / 1000);
	else
		cJSON_AddNullToObject(*out, "drift");
	return 0;
}

/* The query's vector under the store's model: folded in (LSA), or from
 * the provider outside the read snapshot, which is then taken again (the
 * model checked unchanged).  *has 0: no word of the query is known. */
static int
query_vec(pake_ctx *c, pake_db *st, const char *query, pake_vec_info *info,
    float *q, int *has, pake_err *e)
{
	char want[PAKE_VEC_MODEL_MAX + 8];
	pake_vec_info again;
	pake_note n;
	int rc;

	*has = 0;
	if (!pake_vec_model_is_embed(info->model)) {
		pake_note_init(&n);
		n.body = (char *)query;
		n.body_len = strlen(query);
		return fold(st, &n, info->dims, q, has, e);
	}
	pake_vec_model_wanted(c, want, sizeof want);
	if (strcmp(want, info->model) != 0)
		return pake_fail(e, PAKE_EUNAVAIL, "The vectors are of another "
		    "model than the configuration's: pake-analyze refit",
		    "stored %s, configured %s", info->model, want);
	pake_db_rollback(st);
	if ((rc = pake_vec_embed_query(c, query, info->dims, q, e)) != 0)
		return rc;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	if ((rc = pake_db_vec_info(st, &again, e)) != 0)
		return rc;
	if (strcmp(again.model, info->model) != 0 || again.dims != info->dims)
		return pake_fail(e, PAKE_EUNAVAIL, "The vectors were refitted "
		    "meanwhile: ask again", NULL);
	*has = 1;
	return 0;
}

int
pake_vec_search(pake_ctx *c, const char *query, int k, cJSON **out,
    pake_err *e)
{
	float q[PAKE_VEC_DIMS_CAP];
	pake_vec_info info;
	pake_db *st;
	cJSON *arr;
	int rc, has = 0;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_SEARCH_READ, e)) != 0)
		return rc;
	if (k < 1 || k > PAKE_VEC_RELATED_MAX)
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID,
		    "limit: 1 to %d", PAKE_VEC_RELATED_MAX);
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	if ((rc = pake_db_vec_info(st, &info, e)) != 0)
		goto out;
	if (info.dims < 1 || info.dims > PAKE_VEC_DIMS_CAP) {
		rc = pake_fail(e, PAKE_ENOTFOUND, NO_FIT_MSG, NULL);
		goto out;
	}
	if ((rc = query_vec(c, st, query, &info, q, &has, e)) != 0)
		goto out;
	*out = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(*out, "results");
	cJSON_AddStringToObject(*out, "model", info.model);
	if (has && (rc = scan_top(st, q, info.dims, 0, k, arr, e)) != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
out:
	if (rc == 0)
		return pake_db_commit(st, e);
	pake_db_rollback(st);
	return rc;
}
