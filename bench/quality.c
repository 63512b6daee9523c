/*
 * quality.c: how good pake's note vectors are on real text with known
 * categories (issue 12): precision@5 of related notes and cluster purity,
 * for LSA (pake's), plain TF-IDF cosine and a random baseline.
 *
 *   quality [common pake flags] -f DATA.tsv [-d DIMS[,DIMS...]]
 *       [-q QUERIES]
 *
 * DATA.tsv is bench/quality-data.sh's: a line a document, TAB separated:
 * category, name, title, text (Debian package descriptions with their
 * archive section).  One process, calls through the registry as the
 * fronts make them, on a fresh store:
 *
 * - create_note for each line: title the short description, content the
 *   long description.  The package name is left out of the note: names
 *   such as fonts-*, gnome-games-* or python3-astropy give the section
 *   away in a way ordinary notes' titles do not.  A title pake refuses
 *   as a path (security_violation: "/efont/ Unicode fonts for X ...")
 *   gets its slashes made spaces (counted: retitled).
 * - vectors_refit {dims} for each DIMS (default 128; the first is the
 *   main result, the others are printed with a _dN suffix).
 * - precision@5: for each query note (every note, or QUERIES of them,
 *   every k-th), the share of its 5 nearest other notes in its category;
 *   the mean over the queries.  A note that gets fewer than 5 (no vector)
 *   counts the missing ones as wrong.
 *     lsa: related_notes {limit 5}.
 *     tfidf: exact cosine of TF-IDF rows computed here over pake's own
 *       words and weights (lib/vec.c): title and pake_text_plain(body)
 *       cut by pake_db_words (the index's unicode61), stop words
 *       (pake_text_stopword), one-character words and numbers dropped;
 *       the vocabulary the terms of at least two notes (as the fit's);
 *       w(t) = (1 + ln tf) * (ln((N + 1) / (df + 1)) + 1) with df and N
 *       the store's (pake_db_term_docs, pake_db_corpus_docs), as the fit
 *       weighs; rows scaled to length 1; an inverted index scanned per
 *       query.  That is LSA's matrix A before the SVD: the difference
 *       between the two is the rank-k approximation alone.
 *     random: 5 distinct other notes drawn at random (fixed seed); its
 *       expectation sum_c (n_c / N) ((n_c - 1) / (N - 1)) beside it.
 * - clusters, k = the number of categories: purity (1/N) sum over
 *   clusters of its largest category's count, and NMI (mutual
 *   information over the mean of the two entropies).
 *     lsa: note_clusters {k, per_cluster: every note} (spherical k-means
 *       on the LSA vectors, lib/vec_cluster.c).
 *     tfidf: spherical k-means++ here on the TF-IDF rows, 10 restarts
 *       from a fixed seed, the best (the sum of cosines to the centroids)
 *       kept, as vec_cluster.c does on the LSA vectors.
 *     random: each note to one of k clusters at random (fixed seed).
 *
 * Prints key=value on stdout, one line: source, notes, categories,
 * queries, retitled, creates_per_s; for each dims lsa_dims, lsa_terms
 * (the fit's vocabulary), refit_s, lsa_p5, lsa_no_vector, related_p50_ms,
 * lsa_purity, lsa_nmi, lsa_clustered, clusters_s (the second and later
 * dims with a _dN suffix); tfidf_terms, tfidf_build_s, tfidf_p5,
 * tfidf_no_vector, tfidf_query_ms (mean), tfidf_purity, tfidf_nmi,
 * tfidf_kmeans_s; random_p5, random_p5_expected, random_purity,
 * random_nmi.  Precision@5 by category (the first dims) on stderr.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "pake/cli.h"
#include "pake/db.h"
#include "pake/op.h"
#include "pake/text.h"
#include "pake/vec.h"
#include "bench.h"

static const char usage[] =
"usage: quality -f DATA.tsv [-d DIMS[,DIMS...]] [-q QUERIES] [--db PATH]\n"
"    [--vault DIR]\n";

#define CATS_MAX	64
#define DIMS_MAX	8
#define TOPK		5
#define RESTARTS	10
#define ITERS_MAX	50

static void __attribute__((noreturn))
oom(void)
{
	fprintf(stderr, "quality: out of memory\n");
	exit(1);
}

static void *
xalloc(size_t n)
{
	void *p = calloc(n ? n : 1, 1);

	if (p == NULL)
		oom();
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p = xalloc(strlen(s) + 1);

	return strcpy(p, s);
}

/* ------------------------------------------------------------------ */
/* The documents */

struct doc {
	int cat;
	char *name, *title, *text;
	char id[PAKE_ID_LEN + 1];
	size_t row, rowlen;	/* TF-IDF row: entries [row, row + rowlen) */
};

static struct doc *docs;
static int ndocs;
static char *catname[CATS_MAX];
static int ncats, catsize[CATS_MAX];

static void
read_tsv(pake_cli *cli, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *fld[4], *p;
	size_t cap = 0;
	ssize_t len;
	int cap_docs = 0, i, c;

	if (f == NULL)
		pake_cli_usage(cli, "cannot read '%s'", path);
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = 0;
		for (p = line, i = 0; i < 4; i++) {
			fld[i] = p;
			if (i < 3 && (p = strchr(p, '\t')) == NULL)
				break;
			if (i < 3)
				*p++ = 0;
		}
		if (i < 4 || !*fld[0] || !*fld[2])
			continue;
		for (c = 0; c < ncats && strcmp(catname[c], fld[0]); c++)
			;
		if (c == ncats) {
			if (ncats == CATS_MAX)
				pake_cli_usage(cli, "more than %d categories",
				    CATS_MAX);
			catname[ncats++] = xstrdup(fld[0]);
		}
		if (ndocs == cap_docs) {
			cap_docs = cap_docs ? cap_docs * 2 : 1024;
			docs = realloc(docs, (size_t)cap_docs * sizeof *docs);
			if (docs == NULL)
				oom();
		}
		memset(&docs[ndocs], 0, sizeof docs[ndocs]);
		docs[ndocs].cat = c;
		docs[ndocs].name = xstrdup(fld[1]);
		docs[ndocs].title = xstrdup(fld[2]);
		docs[ndocs].text = xstrdup(fld[3]);
		catsize[c]++;
		ndocs++;
	}
	free(line);
	fclose(f);
}

/* pake_id -> document, by binary search over a sorted copy. */
static int *byid;

static int
cmp_byid(const void *a, const void *b)
{
	return strcmp(docs[*(const int *)a].id, docs[*(const int *)b].id);
}

static int
find_doc(const char *id)
{
	int lo = 0, hi = ndocs - 1;

	while (id && lo <= hi) {
		int mid = (lo + hi) / 2, r = strcmp(id, docs[byid[mid]].id);

		if (r == 0)
			return byid[mid];
		if (r < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Scores */

/* Purity and NMI of an assignment (cl[i] in [0, k), -1: none) against
 * the categories, over the assigned documents. */
static void
cluster_scores(const int *cl, int k, double *purity, double *nmi, int *n)
{
	int *cnt = xalloc((size_t)k * CATS_MAX * sizeof *cnt);
	int *csz = xalloc((size_t)k * sizeof *csz), gsz[CATS_MAX] = {0};
	int i, c, best, tot = 0, hit = 0;
	double mi = 0, hc = 0, hk = 0;

	for (i = 0; i < ndocs; i++)
		if (cl[i] >= 0 && cl[i] < k) {
			cnt[cl[i] * CATS_MAX + docs[i].cat]++;
			csz[cl[i]]++;
			gsz[docs[i].cat]++;
			tot++;
		}
	for (i = 0; i < k; i++) {
		for (best = 0, c = 0; c < ncats; c++) {
			int m = cnt[i * CATS_MAX + c];

			if (m > best)
				best = m;
			if (m)
				mi += (double)m / tot * log((double)m * tot /
				    ((double)csz[i] * gsz[c]));
		}
		hit += best;
		if (csz[i])
			hk -= (double)csz[i] / tot * log((double)csz[i] / tot);
	}
	for (c = 0; c < ncats; c++)
		if (gsz[c])
			hc -= (double)gsz[c] / tot * log((double)gsz[c] / tot);
	*purity = tot ? (double)hit / tot : 0;
	*nmi = hc + hk > 0 ? 2 * mi / (hc + hk) : 0;
	*n = tot;
	free(cnt);
	free(csz);
}

/* ------------------------------------------------------------------ */
/* TF-IDF, computed here over pake's words and weights */

struct term {
	char word[64];
	int df;			/* notes of the corpus whose bag holds it */
	int col;		/* -1: out of the vocabulary */
};

static struct term *terms;
static size_t nterms, tcap, *tslot, tslots;

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static size_t
term_id(const char *w)
{
	size_t h, i;

	if (nterms * 2 >= tslots) {
		size_t ns = tslots ? tslots * 2 : 65536, *nt = xalloc(ns *
		    sizeof *nt);

		for (i = 0; i < nterms; i++) {
			for (h = hash(terms[i].word) & (ns - 1); nt[h];
			    h = (h + 1) & (ns - 1))
				;
			nt[h] = i + 1;
		}
		free(tslot);
		tslot = nt;
		tslots = ns;
	}
	for (h = hash(w) & (tslots - 1); tslot[h]; h = (h + 1) & (tslots - 1))
		if (strcmp(terms[tslot[h] - 1].word, w) == 0)
			return tslot[h] - 1;
	if (nterms == tcap) {
		tcap = tcap ? tcap * 2 : 4096;
		terms = realloc(terms, tcap * sizeof *terms);
		if (terms == NULL)
			oom();
	}
	memset(&terms[nterms], 0, sizeof terms[nterms]);
	snprintf(terms[nterms].word, sizeof terms[nterms].word, "%s", w);
	terms[nterms].col = -1;
	tslot[h] = ++nterms;
	return nterms - 1;
}

/* A note's bag: (term, tf) pairs, the term ids unique. */
struct bag {
	size_t *t;
	int *tf;
	size_t n, cap;
};

/* lib/vec.c's rule: a folded word of two characters or more, not a stop
 * word, not all digits. */
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

static int
bag_word(void *arg, const pake_word *w)
{
	struct bag *b = arg;
	size_t t, i;

	if (!weighty(w->word))
		return 0;
	t = term_id(w->word);
	for (i = 0; i < b->n; i++)
		if (b->t[i] == t) {
			b->tf[i]++;
			return 0;
		}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->t = realloc(b->t, b->cap * sizeof *b->t);
		b->tf = realloc(b->tf, b->cap * sizeof *b->tf);
		if (!b->t || !b->tf)
			oom();
	}
	b->t[b->n] = t;
	b->tf[b->n++] = 1;
	return 0;
}

/* The rows: col[], w[] (entries of the documents' rows, each of length
 * 1), and the inverted index: for column j, post[pp[j] .. pp[j + 1]) the
 * documents, pw[] their weights. */
static int *rcol, *post;
static double *rw, *pw;
static size_t *pp;
static int ncols;

static void
read_bags(pake_cli *cli, struct bag *bags)
{
	pake_err e = {0};
	pake_db *st = pake_ctx_store(&cli->ctx, &e);
	int i;

	if (st == NULL)
		pake_cli_die(cli, &e);
	for (i = 0; i < ndocs; i++) {
		char *plain = NULL;
		size_t len = 0, j;

		if (pake_db_words(st, docs[i].title, strlen(docs[i].title),
		    bag_word, &bags[i], &e) != 0)
			pake_cli_die(cli, &e);
		if (pake_text_plain(docs[i].text, strlen(docs[i].text), &plain,
		    &len) != 0)
			oom();
		if (pake_db_words(st, plain, len, bag_word, &bags[i], &e) != 0)
			pake_cli_die(cli, &e);
		free(plain);
		for (j = 0; j < bags[i].n; j++)
			terms[bags[i].t[j]].df++;
	}
}

static int
by_df(const void *a, const void *b)
{
	const struct term *x = *(const struct term *const *)a;
	const struct term *y = *(const struct term *const *)b;

	if (x->df != y->df)
		return x->df > y->df ? -1 : 1;
	return strcmp(x->word, y->word);
}

static void
tfidf_build(pake_cli *cli)
{
	struct bag *bags = xalloc((size_t)ndocs * sizeof *bags);
	struct term **pick;
	double *idf;
	size_t i, j, nnz = 0, np = 0, *fill;
	int64_t n, df;
	pake_err e = {0};
	pake_db *st = pake_ctx_store(&cli->ctx, &e);

	if (st == NULL)
		pake_cli_die(cli, &e);
	read_bags(cli, bags);
	pick = xalloc((nterms + 1) * sizeof *pick);
	for (i = 0; i < nterms; i++)
		if (terms[i].df >= 2)
			pick[np++] = &terms[i];
	qsort(pick, np, sizeof *pick, by_df);
	if (np > PAKE_VEC_TERMS_MAX)
		np = PAKE_VEC_TERMS_MAX;
	ncols = (int)np;
	idf = xalloc((np + 1) * sizeof *idf);
	if (pake_db_corpus_docs(st, &n, &e) != 0)
		pake_cli_die(cli, &e);
	for (i = 0; i < np; i++) {
		pick[i]->col = (int)i;
		if (pake_db_term_docs(st, pick[i]->word, &df, &e) != 0)
			pake_cli_die(cli, &e);
		idf[i] = log((double)(n + 1) / (double)(df + 1)) + 1;
	}
	for (i = 0; i < (size_t)ndocs; i++)
		for (j = 0; j < bags[i].n; j++)
			nnz += terms[bags[i].t[j]].col >= 0;
	rcol = xalloc((nnz + 1) * sizeof *rcol);
	rw = xalloc((nnz + 1) * sizeof *rw);
	post = xalloc((nnz + 1) * sizeof *post);
	pw = xalloc((nnz + 1) * sizeof *pw);
	pp = xalloc((np + 2) * sizeof *pp);
	fill = xalloc((np + 1) * sizeof *fill);
	nnz = 0;
	for (i = 0; i < (size_t)ndocs; i++) {
		double s = 0;
		size_t start = nnz;

		for (j = 0; j < bags[i].n; j++) {
			int col = terms[bags[i].t[j]].col;

			if (col < 0)
				continue;
			rcol[nnz] = col;
			rw[nnz] = (1 + log((double)bags[i].tf[j])) * idf[col];
			s += rw[nnz] * rw[nnz];
			nnz++;
		}
		s = sqrt(s);
		for (j = start; j < nnz; j++) {
			rw[j] /= s;
			pp[rcol[j] + 1]++;
		}
		docs[i].row = start;
		docs[i].rowlen = nnz - start;
		free(bags[i].t);
		free(bags[i].tf);
	}
	for (i = 0; i < np; i++)
		pp[i + 1] += pp[i];
	for (i = 0; i < (size_t)ndocs; i++)
		for (j = docs[i].row; j < docs[i].row + docs[i].rowlen; j++) {
			size_t at = pp[rcol[j]] + fill[rcol[j]]++;

			post[at] = (int)i;
			pw[at] = rw[j];
		}
	free(fill);
	free(idf);
	free(pick);
	free(bags);
}

/* The TOPK most similar other documents of q by exact cosine (ties: the
 * lower index; documents of score 0 too, if q has so few neighbours).
 * score[] is ndocs zeros on entry and on return. */
static int
tfidf_top(int q, double *score, int *top)
{
	double best[TOPK];
	size_t j, p;
	int i, m, n = 0;

	for (j = docs[q].row; j < docs[q].row + docs[q].rowlen; j++)
		for (p = pp[rcol[j]]; p < pp[rcol[j] + 1]; p++)
			score[post[p]] += rw[j] * pw[p];
	if (docs[q].rowlen == 0) {
		memset(score, 0, (size_t)ndocs * sizeof *score);
		return 0;	/* no vector: no neighbours, as in pake */
	}
	for (i = 0; i < ndocs; i++) {
		if (i == q)
			continue;
		if (n < TOPK || score[i] > best[n - 1]) {
			m = n < TOPK ? n++ : n - 1;
			while (m > 0 && best[m - 1] < score[i]) {
				best[m] = best[m - 1];
				top[m] = top[m - 1];
				m--;
			}
			best[m] = score[i];
			top[m] = i;
		}
	}
	memset(score, 0, (size_t)ndocs * sizeof *score);
	return n;
}

/* Spherical k-means++ on the rows, RESTARTS runs, the best kept. */
static double
tfidf_kmeans(int k, int *out)
{
	double *cen = xalloc((size_t)k * (size_t)ncols * sizeof *cen);
	double *d = xalloc((size_t)ndocs * sizeof *d), bestobj = -1;
	int *cl = xalloc((size_t)ndocs * sizeof *cl), r, i, c, it;
	size_t j;

	for (r = 0; r < RESTARTS; r++) {
		double obj = 0, tot;

		/* k-means++: the first centre at random, then each with
		 * probability proportional to 1 - the best cosine so far */
		memset(cen, 0, (size_t)k * (size_t)ncols * sizeof *cen);
		for (c = 0; c < k; c++) {
			int pick = 0;

			if (c == 0)
				pick = (int)(bench_next() % (uint64_t)ndocs);
			else {
				double x;

				for (tot = 0, i = 0; i < ndocs; i++)
					tot += d[i];
				x = (double)(bench_next() >> 11) / 9007199254740992.0
				    * tot;
				for (i = 0; i < ndocs - 1 && x >= d[i]; i++)
					x -= d[i];
				pick = i;
			}
			for (j = docs[pick].row; j < docs[pick].row +
			    docs[pick].rowlen; j++)
				cen[(size_t)c * ncols + rcol[j]] = rw[j];
			for (i = 0; i < ndocs; i++) {
				double s = 0, dist;

				for (j = docs[i].row; j < docs[i].row +
				    docs[i].rowlen; j++)
					s += rw[j] * cen[(size_t)c * ncols +
					    rcol[j]];
				dist = docs[i].rowlen ? 1 - s : 0;
				if (dist < 0)
					dist = 0;
				if (c == 0 || dist < d[i])
					d[i] = dist;
			}
		}
		for (i = 0; i < ndocs; i++)
			cl[i] = -2;
		for (it = 0; it < ITERS_MAX; it++) {
			int moved = 0;

			obj = 0;
			for (i = 0; i < ndocs; i++) {
				double bs = -2;
				int bc = -1;

				if (docs[i].rowlen == 0) {
					cl[i] = -1;
					continue;
				}
				for (c = 0; c < k; c++) {
					double s = 0;

					for (j = docs[i].row; j < docs[i].row +
					    docs[i].rowlen; j++)
						s += rw[j] * cen[(size_t)c *
						    ncols + rcol[j]];
					if (s > bs) {
						bs = s;
						bc = c;
					}
				}
				moved += cl[i] != bc;
				cl[i] = bc;
				obj += bs;
			}
			if (!moved)
				break;
			memset(cen, 0, (size_t)k * (size_t)ncols *
			    sizeof *cen);
			for (i = 0; i < ndocs; i++)
				for (j = docs[i].row; cl[i] >= 0 &&
				    j < docs[i].row + docs[i].rowlen; j++)
					cen[(size_t)cl[i] * ncols + rcol[j]] +=
					    rw[j];
			for (c = 0; c < k; c++) {
				double s = 0, *v = cen + (size_t)c * ncols;
				int t;

				for (t = 0; t < ncols; t++)
					s += v[t] * v[t];
				if (s > 0)
					for (s = sqrt(s), t = 0; t < ncols; t++)
						v[t] /= s;
			}
		}
		if (obj > bestobj) {
			bestobj = obj;
			memcpy(out, cl, (size_t)ndocs * sizeof *cl);
		}
	}
	free(cen);
	free(d);
	free(cl);
	return bestobj;
}

/* ------------------------------------------------------------------ */
/* LSA, through the registry */

static double
lsa_refit(pake_cli *cli, int dims, int *terms_out)
{
	cJSON *in = cJSON_CreateObject(), *out;
	double t0 = bench_now(), s;

	cJSON_AddNumberToObject(in, "dims", dims);
	out = pake_cli_call(cli, "vectors_refit", in);
	s = bench_now() - t0;
	*terms_out = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(out,
	    "terms"));
	cJSON_Delete(out);
	return s;
}

/* precision@5 of related_notes over the queries; *nov: queries whose note
 * has no vector (the call fails), *p50: the call's median ms. */
static double
lsa_p5(pake_cli *cli, const int *qs, int nq, double *pcat, int *nov,
    double *p50)
{
	double sum = 0, *lat = xalloc((size_t)nq * sizeof *lat);
	int i, n;

	*nov = 0;
	for (i = 0; i < ncats; i++)
		pcat[i] = 0;
	for (i = 0; i < nq; i++) {
		int q = qs[i], same = 0;
		cJSON *in = cJSON_CreateObject(), *out = NULL;
		const cJSON *x, *rel;
		pake_err e = {0};
		double t0 = bench_now();

		cJSON_AddStringToObject(in, "pake_id", docs[q].id);
		cJSON_AddNumberToObject(in, "limit", TOPK);
		if (pake_op_call(&cli->ctx, "related_notes", in, &out, &e)) {
			if ((*nov)++ == 0)
				fprintf(stderr, "quality: related_notes of %s: "
				    "%s\n", docs[q].name, e.msg ? e.msg : "?");
			out = NULL;
		}
		lat[i] = (bench_now() - t0) * 1000;
		cJSON_Delete(in);
		n = 0;
		rel = out ? cJSON_GetObjectItem(out, "related") : NULL;
		cJSON_ArrayForEach(x, rel) {
			int d = find_doc(cJSON_GetStringValue(
			    cJSON_GetObjectItem(x, "pake_id")));

			if (n++ < TOPK && d >= 0 && d != q &&
			    docs[d].cat == docs[q].cat)
				same++;
		}
		cJSON_Delete(out);
		sum += (double)same / TOPK;
		pcat[docs[q].cat] += (double)same / TOPK;
	}
	for (i = 0; i < nq; i++)	/* insertion sort: nq is small */
		for (n = i; n > 0 && lat[n - 1] > lat[n]; n--) {
			double t = lat[n];

			lat[n] = lat[n - 1];
			lat[n - 1] = t;
		}
	*p50 = lat[nq / 2];
	free(lat);
	return sum / nq;
}

/* note_clusters with k and every note listed: the cluster of each
 * document (-1: not clustered). */
static void
lsa_clusters(pake_cli *cli, int k, int *cl)
{
	cJSON *in = cJSON_CreateObject(), *out;
	const cJSON *c, *x;
	int id = 0, i;

	for (i = 0; i < ndocs; i++)
		cl[i] = -1;
	cJSON_AddNumberToObject(in, "k", k);
	cJSON_AddNumberToObject(in, "per_cluster", ndocs);
	out = pake_cli_call(cli, "note_clusters", in);
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(out, "clusters")) {
		cJSON_ArrayForEach(x, cJSON_GetObjectItem(c, "notes")) {
			int d = find_doc(cJSON_GetStringValue(
			    cJSON_GetObjectItem(x, "pake_id")));

			if (d >= 0)
				cl[d] = id;
		}
		id++;
	}
	cJSON_Delete(out);
}

/* ------------------------------------------------------------------ */

int
main(int argc, char **argv)
{
	const char *data = NULL;
	int dims[DIMS_MAX] = {128}, ndims = 1, queries = 0, nq, *qs, i, j, k;
	int *cl, nov, nterms_fit, nclu, top[TOPK], step, retitled = 0;
	double t0, creates, refit, p5, purity, nmi, expect = 0, p50;
	double *score, pcat_lsa[CATS_MAX], pcat_main[CATS_MAX],
	    pcat_tf[CATS_MAX];
	pake_cli cli;

	pake_cli_init(&cli, "quality", usage, &argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
			data = argv[++i];
		else if (strcmp(argv[i], "-q") == 0 && i + 1 < argc)
			queries = (int)pake_cli_long(&cli, "-q", argv[++i], 0,
			    1000000);
		else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
			char *s = argv[++i], *end;

			for (ndims = 0; *s && ndims < DIMS_MAX; ndims++) {
				long v = strtol(s, &end, 10);

				if (end == s || v < 2 || v > 256 ||
				    (*end && *end != ','))
					pake_cli_usage(&cli, "bad -d '%s'",
					    argv[i]);
				dims[ndims] = (int)v;
				s = *end ? end + 1 : end;
			}
		} else
			pake_cli_usage(&cli, "unknown argument '%s'", argv[i]);
	}
	if (data == NULL)
		pake_cli_usage(&cli, "-f DATA.tsv is required");
	pake_cli_open(&cli);
	read_tsv(&cli, data);
	if (ndocs < 2 * TOPK || ncats < 2)
		pake_cli_usage(&cli, "'%s': too few documents or categories",
		    data);
	k = ncats;

	/* The notes. */
	t0 = bench_now();
	for (i = 0; i < ndocs; i++) {
		cJSON *in = cJSON_CreateObject(), *out;
		pake_err e = {0};
		char *p;

		cJSON_AddStringToObject(in, "title", docs[i].title);
		cJSON_AddStringToObject(in, "content", docs[i].text);
		if (pake_op_call(&cli.ctx, "create_note", in, &out, &e) != 0) {
			if (e.code != PAKE_ESECURITY)
				pake_cli_die(&cli, &e);
			/* "/efont/ Unicode fonts ...": a title that starts
			 * like a path is refused; its slashes made spaces */
			for (p = docs[i].title; *p; p++)
				if (*p == '/' || *p == '\\')
					*p = ' ';
			fprintf(stderr, "quality: title of %s refused (%s), "
			    "its slashes made spaces\n", docs[i].name,
			    e.msg ? e.msg : "?");
			retitled++;
			cJSON_Delete(in);
			in = cJSON_CreateObject();
			cJSON_AddStringToObject(in, "title", docs[i].title);
			cJSON_AddStringToObject(in, "content", docs[i].text);
			out = pake_cli_call(&cli, "create_note", in);
		} else
			cJSON_Delete(in);
		snprintf(docs[i].id, sizeof docs[i].id, "%s",
		    cJSON_GetStringValue(cJSON_GetObjectItem(out, "pake_id")));
		cJSON_Delete(out);
	}
	creates = ndocs / (bench_now() - t0);
	byid = xalloc((size_t)ndocs * sizeof *byid);
	for (i = 0; i < ndocs; i++)
		byid[i] = i;
	qsort(byid, (size_t)ndocs, sizeof *byid, cmp_byid);

	/* The queries: every note, or every step-th. */
	nq = queries > 0 && queries < ndocs ? queries : ndocs;
	step = ndocs / nq;
	qs = xalloc((size_t)nq * sizeof *qs);
	for (i = 0; i < nq; i++)
		qs[i] = i * step;
	for (i = 0; i < ncats; i++)
		expect += (double)catsize[i] / ndocs * (catsize[i] - 1) /
		    (ndocs - 1);
	printf("source=debian-bookworm-main-Translation-en notes=%d "
	    "categories=%d queries=%d retitled=%d creates_per_s=%.0f", ndocs,
	    ncats, nq, retitled, creates);
	cl = xalloc((size_t)ndocs * sizeof *cl);

	/* LSA at each dims. */
	for (j = 0; j < ndims; j++) {
		char sfx[16] = "";

		if (j > 0)
			snprintf(sfx, sizeof sfx, "_d%d", dims[j]);
		refit = lsa_refit(&cli, dims[j], &nterms_fit);
		p5 = lsa_p5(&cli, qs, nq, pcat_lsa, &nov, &p50);
		t0 = bench_now();
		lsa_clusters(&cli, k, cl);
		t0 = bench_now() - t0;
		cluster_scores(cl, k, &purity, &nmi, &nclu);
		printf(" lsa_dims%s=%d lsa_terms%s=%d refit_s%s=%.2f "
		    "lsa_p5%s=%.4f lsa_no_vector%s=%d related_p50_ms%s=%.3f "
		    "lsa_purity%s=%.4f lsa_nmi%s=%.4f lsa_clustered%s=%d "
		    "clusters_s%s=%.2f", sfx, dims[j], sfx, nterms_fit, sfx,
		    refit, sfx, p5, sfx, nov, sfx, p50, sfx, purity, sfx, nmi,
		    sfx, nclu, sfx, t0);
		if (j == 0)	/* the main dims' per category, below */
			memcpy(pcat_main, pcat_lsa, sizeof pcat_main);
	}

	/* TF-IDF. */
	t0 = bench_now();
	tfidf_build(&cli);
	printf(" tfidf_terms=%d tfidf_build_s=%.2f", ncols, bench_now() - t0);
	score = xalloc((size_t)ndocs * sizeof *score);
	for (i = 0; i < ncats; i++)
		pcat_tf[i] = 0;
	t0 = bench_now();
	for (p5 = 0, nov = 0, i = 0; i < nq; i++) {
		int q = qs[i], n = tfidf_top(q, score, top), same = 0;

		nov += n == 0;
		for (j = 0; j < n; j++)
			same += docs[top[j]].cat == docs[q].cat;
		p5 += (double)same / TOPK;
		pcat_tf[docs[q].cat] += (double)same / TOPK;
	}
	p5 /= nq;
	printf(" tfidf_p5=%.4f tfidf_no_vector=%d tfidf_query_ms=%.3f", p5,
	    nov, (bench_now() - t0) * 1000 / nq);
	t0 = bench_now();
	tfidf_kmeans(k, cl);
	t0 = bench_now() - t0;
	cluster_scores(cl, k, &purity, &nmi, &nclu);
	printf(" tfidf_purity=%.4f tfidf_nmi=%.4f tfidf_kmeans_s=%.2f", purity,
	    nmi, t0);

	/* Random. */
	for (p5 = 0, i = 0; i < nq; i++) {
		int q = qs[i], same = 0, n = 0;

		while (n < TOPK) {
			int d = (int)(bench_next() % (uint64_t)ndocs), m;

			for (m = 0; m < n && top[m] != d; m++)
				;
			if (d == q || m < n)
				continue;
			top[n++] = d;
			same += docs[d].cat == docs[q].cat;
		}
		p5 += (double)same / TOPK;
	}
	for (i = 0; i < ndocs; i++)
		cl[i] = (int)(bench_next() % (uint64_t)k);
	cluster_scores(cl, k, &purity, &nmi, &nclu);
	printf(" random_p5=%.4f random_p5_expected=%.4f random_purity=%.4f "
	    "random_nmi=%.4f\n", p5 / nq, expect, purity, nmi);

	/* Per category, on stderr. */
	{
		int qc[CATS_MAX] = {0};

		for (i = 0; i < nq; i++)
			qc[docs[qs[i]].cat]++;
		fprintf(stderr, "%-12s %5s %8s %8s\n", "category", "notes",
		    "lsa_p5", "tfidf_p5");
		for (i = 0; i < ncats; i++)
			fprintf(stderr, "%-12s %5d %8.3f %8.3f\n", catname[i],
			    catsize[i], qc[i] ? pcat_main[i] / qc[i] : 0,
			    qc[i] ? pcat_tf[i] / qc[i] : 0);
	}
	fflush(stdout);
	return pake_cli_done(&cli);
}
