/*
 * summary.c: extractive summaries and keywords of a text, weighed against
 * the tenant's own notes (issue 12; SEED-API §2 for the shapes).
 *
 * The text is markdown; it is read as plain text (text.c: no code, URLs or
 * markup), cut into sentences (text.c) and into the full-text index's own
 * words (pake_db_words), so a word's weight here and its document count in
 * the corpus (notes_vocab) speak of one term.  Stop words, words of one
 * character and words of more digits than letters (numbers, ids) carry no
 * weight.
 *
 * Weights.  A term t of the text weighs w(t) = (1 + ln tf) * idf, where tf
 * counts t in the text and idf = ln((N + 1) / (df + 1)) + 1 over the N
 * notes of the tenant, df of them holding t: a word every note uses
 * weighs little, one this text is about weighs much.  With an empty
 * corpus every idf is 1 and weights are the text's own frequencies.
 *
 * Sentences.  A sentence scores the sum of the weights of its distinct
 * terms over the square root of its length in words (long sentences do
 * not win by length alone), times 1.25 for the text's first sentence and
 * 1.1 for a block's first, times 0.5 under 5 words or over 40, times 1.1
 * for the cue words of the content type (academic: method, result,
 * conclusion, finding; web: key, important, main, primary).  The summary
 * takes sentences by maximal marginal relevance among the CANDIDATES best
 * (lambda 0.7): each next sentence is the best by its score less 0.3 times
 * its score times its highest cosine similarity (term weights) to a
 * sentence taken, so a near repeat of a chosen sentence is not chosen;
 * they are given back in document order.
 *
 * Key points: list items of more than 10 characters, best first, then the
 * best sentences not in the summary; each once (case ignored); at most 5.
 * Keywords: the heaviest terms, and phrases of two or three adjacent
 * terms (no stop word between) that occur at least twice, scored by their
 * count times their terms' mean weight.  The confidence is the share of
 * the text's term weight that the summary's sentences cover.
 *
 * Costs are linear in the text but for the candidates' similarities
 * (CANDIDATES squared) and one index lookup per distinct term.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "pake/db.h"
#include "pake/store.h"
#include "pake/summary.h"
#include "pake/text.h"
#include "pake/util.h"

#define MMR_LAMBDA	0.7
#define CANDIDATES	200	/* best sentences MMR chooses among */
#define KEY_POINTS	5
#define KEYWORDS	10
#define PHRASES_MAX	65536	/* distinct phrases counted */
#define SHORT_TEXT	50	/* bytes of plain text below which: nothing */
#define LONG_SENTENCE	60	/* words of a sentence quoted in a summary */
#define GENERATED_BY	"pake summarizer 1"

/* A term of the text. */
struct term {
	char word[64];
	int tf;
	double w;
	long last;		/* 1 + the last sentence it was seen in */
	int covered;		/* in a sentence of the summary */
};

/* The text's terms: a dense array (indexes stay put: sentences hold them)
 * and an open-addressing table from word to index + 1. */
struct terms {
	struct term *t;
	size_t n, tcap;
	long *slot;
	size_t cap;
};

static uint32_t
hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *s++) * 16777619u;
	return h;
}

static int
slots_grow(struct terms *ts)
{
	size_t cap = ts->cap ? ts->cap * 2 : 256, i;
	long *slot = calloc(cap, sizeof *slot);

	if (slot == NULL)
		return -1;
	for (i = 0; i < ts->n; i++) {
		size_t h = hash(ts->t[i].word, strlen(ts->t[i].word)) &
		    (cap - 1);

		while (slot[h])
			h = (h + 1) & (cap - 1);
		slot[h] = (long)i + 1;
	}
	free(ts->slot);
	ts->slot = slot;
	ts->cap = cap;
	return 0;
}

/* The index of word, added when missing; -1 when out of memory. */
static long
term_of(struct terms *ts, const char *word)
{
	size_t h;

	if ((ts->n + 1) * 2 > ts->cap && slots_grow(ts) != 0)
		return -1;
	h = hash(word, strlen(word)) & (ts->cap - 1);
	while (ts->slot[h] && strcmp(ts->t[ts->slot[h] - 1].word, word) != 0)
		h = (h + 1) & (ts->cap - 1);
	if (ts->slot[h])
		return ts->slot[h] - 1;
	if (ts->n == ts->tcap) {
		size_t c = ts->tcap ? ts->tcap * 2 : 128;
		struct term *t = realloc(ts->t, c * sizeof *t);

		if (t == NULL)
			return -1;
		ts->t = t;
		ts->tcap = c;
	}
	memset(&ts->t[ts->n], 0, sizeof ts->t[ts->n]);
	pake_strlcpy(ts->t[ts->n].word, word, sizeof ts->t[ts->n].word);
	ts->slot[h] = (long)++ts->n;
	return (long)ts->n - 1;
}

/* Does a folded word carry weight? */
static int
weighty(const char *w)
{
	size_t i, n = strlen(w), digits = 0;

	if (n < 2 || pake_text_stopword(w))
		return 0;
	for (i = 0; i < n; i++)
		digits += isdigit((unsigned char)w[i]) != 0;
	return digits * 2 <= n;		/* numbers and ids are not words */
}

/* A sentence: its terms (each once), its weighty tokens in order (-1 for
 * a word without weight: phrases do not span it), its words. */
struct sent {
	long *term;
	size_t nterm, cap;
	long *seq;
	size_t nseq, seqcap;
	int words;
	double score;
	int taken;		/* 1: in the summary; 2: a key point */
};

struct reader {
	struct terms *ts;
	struct sent *s;
	long index;		/* of the sentence */
	int oom;
};

static int
push(long **a, size_t *n, size_t *cap, long v)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		long *p = realloc(*a, c * sizeof *p);

		if (p == NULL)
			return -1;
		*a = p;
		*cap = c;
	}
	(*a)[(*n)++] = v;
	return 0;
}

static int
read_word(void *arg, const pake_word *w)
{
	struct reader *r = arg;
	struct sent *s = r->s;
	long k;

	s->words++;
	if (!weighty(w->word))
		return push(&s->seq, &s->nseq, &s->seqcap, -1) == 0 ? 0 :
		    (r->oom = 1);
	if ((k = term_of(r->ts, w->word)) < 0 ||
	    push(&s->seq, &s->nseq, &s->seqcap, k) != 0)
		return (r->oom = 1);
	r->ts->t[k].tf++;
	if (r->ts->t[k].last == r->index + 1)
		return 0;		/* this sentence has it already */
	r->ts->t[k].last = r->index + 1;
	return push(&s->term, &s->nterm, &s->cap, k) == 0 ? 0 : (r->oom = 1);
}

/* Cosine similarity of two sentences by their terms' weights. */
static double
cosine(const struct terms *ts, const struct sent *a, const struct sent *b)
{
	double dot = 0, na = 0, nb = 0;
	size_t i, j;

	for (i = 0; i < a->nterm; i++) {
		double w = ts->t[a->term[i]].w;

		na += w * w;
		for (j = 0; j < b->nterm; j++)
			if (a->term[i] == b->term[j])
				dot += w * w;
	}
	for (j = 0; j < b->nterm; j++)
		nb += ts->t[b->term[j]].w * ts->t[b->term[j]].w;
	return na > 0 && nb > 0 ? dot / sqrt(na * nb) : 0;
}

/* Does s[0..n) hold one of the cue words (ASCII case ignored)? */
static int
has_cue(const char *s, size_t n, const char *const *cues)
{
	char buf[1024];
	size_t i;

	if (n >= sizeof buf)
		n = sizeof buf - 1;
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[n] = '\0';
	for (; *cues; cues++)
		if (strstr(buf, *cues))
			return 1;
	return 0;
}

static void
sents_free(struct sent *s, size_t n)
{
	size_t i;

	for (i = 0; s && i < n; i++) {
		free(s[i].term);
		free(s[i].seq);
	}
	free(s);
}

static double
round3(double v)
{
	return floor(v * 1000 + 0.5) / 1000;
}

/* The empty result of SEED-API §2 (a text too short to summarise). */
static cJSON *
empty_result(const char *type, size_t words)
{
	cJSON *r = cJSON_CreateObject(), *m;

	cJSON_AddStringToObject(r, "extractive_summary", "Content too short or "
	    "empty for summarization.");
	cJSON_AddArrayToObject(r, "key_points");
	cJSON_AddStringToObject(r, "abstract_summary", "No meaningful content "
	    "found for analysis.");
	cJSON_AddArrayToObject(r, "keywords");
	m = cJSON_AddObjectToObject(r, "metadata");
	cJSON_AddStringToObject(m, "content_type", type);
	cJSON_AddNumberToObject(m, "word_count_original", (double)words);
	cJSON_AddNumberToObject(m, "word_count_summary", 0);
	cJSON_AddNumberToObject(m, "compression_ratio", 0);
	cJSON_AddNumberToObject(m, "confidence_score", 0);
	cJSON_AddNumberToObject(m, "processing_time_ms", 0);
	cJSON_AddStringToObject(m, "generated_by", GENERATED_BY);
	return r;
}

/* A phrase: two or three adjacent weighty terms, counted. */
struct phrase {
	long t[3];
	int n, count;
	double score;
};

static int
cmp_phrase(const void *a, const void *b)
{
	const struct phrase *x = a, *y = b;

	if (y->score != x->score)
		return (y->score > x->score) - (y->score < x->score);
	return (x->t[0] > y->t[0]) - (x->t[0] < y->t[0]);
}

/* Count the phrases of the sentences in an open-addressing table of
 * PHRASES_MAX * 2 slots; *out the distinct ones (malloc'd). */
static int
count_phrases(const struct sent *s, size_t ns, struct phrase **out,
    size_t *nout)
{
	size_t cap = PHRASES_MAX * 2, n = 0, i, j, k;
	struct phrase *tab = calloc(cap, sizeof *tab), *list;
	int m;

	if (tab == NULL)
		return -1;
	for (i = 0; i < ns; i++)
		for (j = 0; j < s[i].nseq; j++)
			for (m = 2; m <= 3 && j + (size_t)m <= s[i].nseq; m++) {
				struct phrase p = {{-1, -1, -1}, m, 1, 0};
				size_t h;
				int ok = 1;

				for (k = 0; k < (size_t)m; k++)
					if ((p.t[k] = s[i].seq[j + k]) < 0)
						ok = 0;
				if (!ok)
					break;	/* longer ones span it too */
				h = hash(p.t, sizeof p.t) & (cap - 1);
				while (tab[h].n && memcmp(tab[h].t, p.t,
				    sizeof p.t) != 0)
					h = (h + 1) & (cap - 1);
				if (tab[h].n)
					tab[h].count++;
				else if (n < PHRASES_MAX) {
					tab[h] = p;
					n++;
				}
			}
	if ((list = malloc((n ? n : 1) * sizeof *list)) == NULL) {
		free(tab);
		return -1;
	}
	for (i = 0, j = 0; i < cap; i++)
		if (tab[i].n)
			list[j++] = tab[i];
	free(tab);
	*out = list;
	*nout = n;
	return 0;
}

static int
cmp_weight(const void *a, const void *b, void *arg)
{
	const struct terms *ts = arg;
	const struct term *x = &ts->t[*(const long *)a];
	const struct term *y = &ts->t[*(const long *)b];

	if (x->w != y->w)
		return (y->w > x->w) - (y->w < x->w);
	return strcmp(x->word, y->word);
}

/* Keywords: recurring phrases (at most half), then the heaviest terms not
 * inside one already listed. */
static cJSON *
keywords(struct terms *ts, struct sent *s, size_t ns, int max)
{
	struct phrase *ph = NULL;
	size_t nph = 0, i, j;
	long *order;
	cJSON *out = cJSON_CreateArray();
	int m;

	if (count_phrases(s, ns, &ph, &nph) != 0 ||
	    (order = calloc(ts->n ? ts->n : 1, sizeof *order)) == NULL) {
		free(ph);
		cJSON_Delete(out);
		return NULL;
	}
	for (i = 0; i < nph; i++) {
		double sum = 0;

		for (m = 0; m < ph[i].n; m++)
			sum += ts->t[ph[i].t[m]].w;
		ph[i].score = ph[i].count >= 2 ? ph[i].count * sum / ph[i].n :
		    0;
	}
	if (nph > 1)
		qsort(ph, nph, sizeof *ph, cmp_phrase);
	for (i = 0; i < nph && ph[i].score > 0 &&
	    cJSON_GetArraySize(out) < max / 2; i++) {
		char buf[200];
		size_t n = 0;

		for (m = 0; m < ph[i].n; m++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s",
			    m ? " " : "", ts->t[ph[i].t[m]].word);
		cJSON_AddItemToArray(out, cJSON_CreateString(buf));
	}
	for (i = 0, j = 0; i < ts->n; i++)
		if (strlen(ts->t[i].word) >= 3)
			order[j++] = (long)i;
	qsort_r(order, j, sizeof *order, cmp_weight, ts);
	for (i = 0; i < j && cJSON_GetArraySize(out) < max; i++) {
		const char *w = ts->t[order[i]].word;
		const cJSON *x;
		int dup = 0;

		cJSON_ArrayForEach(x, out) {
			const char *p = strstr(x->valuestring, w);
			size_t n = strlen(w);

			if (p && (p == x->valuestring || p[-1] == ' ') &&
			    (p[n] == '\0' || p[n] == ' '))
				dup = 1;
		}
		if (!dup)
			cJSON_AddItemToArray(out, cJSON_CreateString(w));
	}
	free(order);
	free(ph);
	return out;
}

static int
cmp_score(const void *a, const void *b, void *arg)
{
	const struct sent *s = arg;
	double x = s[*(const size_t *)a].score, y = s[*(const size_t *)b].score;

	if (x != y)
		return (y > x) - (y < x);
	return (*(const size_t *)a > *(const size_t *)b) -
	    (*(const size_t *)a < *(const size_t *)b);
}

/* Choose want sentences by maximal marginal relevance (taken = 1). */
static int
choose(struct terms *ts, struct sent *s, size_t ns, size_t want)
{
	size_t *cand, nc = 0, i, j, k;

	if ((cand = malloc((ns ? ns : 1) * sizeof *cand)) == NULL)
		return -1;
	for (i = 0; i < ns; i++)
		if (s[i].nterm > 0)
			cand[nc++] = i;
	qsort_r(cand, nc, sizeof *cand, cmp_score, s);
	if (nc > CANDIDATES)
		nc = CANDIDATES;
	for (j = 0; j < want; j++) {
		double best = -1e300;
		size_t pick = ns;

		for (i = 0; i < nc; i++) {
			struct sent *c = &s[cand[i]];
			double sim = 0, v;

			if (c->taken)
				continue;
			for (k = 0; k < nc; k++)
				if (s[cand[k]].taken) {
					double x = cosine(ts, c, &s[cand[k]]);

					if (x > sim)
						sim = x;
				}
			v = c->score * (MMR_LAMBDA - (1 - MMR_LAMBDA) * sim);
			if (v > best) {
				best = v;
				pick = cand[i];
			}
		}
		if (pick == ns)
			break;
		s[pick].taken = 1;
	}
	free(cand);
	return 0;
}

/* Key points: list items, then sentences left out; best first; each once
 * (case ignored); at most KEY_POINTS. */
static void
key_points(cJSON *kp, const char *plain, const pake_sentence *sp,
    struct sent *s, size_t ns)
{
	int pass;
	size_t i;

	for (pass = 0; pass < 2; pass++)
		for (;;) {
			double best = -1;
			size_t pick = ns;
			const cJSON *x;
			char *txt;
			int dup = 0;

			if (cJSON_GetArraySize(kp) >= KEY_POINTS)
				return;
			for (i = 0; i < ns; i++)
				if (sp[i].item == !pass && !s[i].taken &&
				    sp[i].len > 10 && s[i].score > best) {
					best = s[i].score;
					pick = i;
				}
			if (pick == ns)
				break;
			s[pick].taken = 2;
			if ((txt = pake_strndup(plain + sp[pick].off,
			    sp[pick].len)) == NULL)
				return;
			cJSON_ArrayForEach(x, kp)
				if (strcasecmp(x->valuestring, txt) == 0)
					dup = 1;
			if (!dup)
				cJSON_AddItemToArray(kp, cJSON_CreateString(txt));
			free(txt);
		}
}

/* "This content focuses on k1, k2, k3. Key finding: <first key point>." */
static char *
abstract(const cJSON *kw, const cJSON *kp)
{
	pake_buf ab = {0};
	const cJSON *x;
	int k = 0;

	pake_buf_puts(&ab, "This content focuses on ");
	cJSON_ArrayForEach(x, kw)
		if (k < 3)
			pake_buf_printf(&ab, "%s%s", k++ ? ", " : "",
			    x->valuestring);
	if (cJSON_GetArraySize(kp) > 0) {
		const char *f = cJSON_GetArrayItem(kp, 0)->valuestring;
		size_t n = strlen(f), all = n;

		if (n > 100) {
			n = 100;
			while (n > 0 && ((unsigned char)f[n] & 0xC0) == 0x80)
				n--;
		}
		pake_buf_puts(&ab, ". Key finding: ");
		pake_buf_put(&ab, f, n);
		if (n < all)
			pake_buf_puts(&ab, "...");
	}
	if (ab.len && ab.p[ab.len - 1] != '.')
		pake_buf_putc(&ab, '.');
	pake_buf_putc(&ab, '\0');
	return pake_buf_take(&ab);
}

/* Append a sentence to the summary; one of more than LONG_SENTENCE words
 * (a text without sentence ends is one sentence) is cut after as many,
 * with an ellipsis.  Returns the words appended. */
static int
quote(pake_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	int words = 0, in = 0;

	for (i = 0; i < n; i++) {
		int sp = isspace((unsigned char)s[i]);

		if (!sp && !in && ++words > LONG_SENTENCE) {
			while (i > 0 && isspace((unsigned char)s[i - 1]))
				i--;
			pake_buf_put(b, s, i);
			pake_buf_puts(b, "\u2026");
			return LONG_SENTENCE;
		}
		in = !sp;
	}
	pake_buf_put(b, s, n);
	return words;
}

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A text read for analysis: its plain text, sentences, terms and their
 * weights against the tenant's corpus. */
struct analysis {
	char *plain;
	size_t plen;
	pake_sentence *sp;
	size_t ns;
	struct sent *s;
	struct terms ts;
	size_t words;
	double total;		/* the weight of every term */
	int empty;		/* too short to analyse */
};

static void
analysis_free(struct analysis *a)
{
	sents_free(a->s, a->ns);
	free(a->sp);
	free(a->plain);
	free(a->ts.t);
	free(a->ts.slot);
	memset(a, 0, sizeof *a);
}

/* Read md into a (see the top of the file for the weights). */
static int
analyse(pake_db *st, const char *md, size_t len, struct analysis *a,
    pake_err *e)
{
	size_t i;
	int64_t ndocs;
	int rc = 0;

	memset(a, 0, sizeof *a);
	if (pake_text_plain(md, len, &a->plain, &a->plen) != 0 ||
	    pake_text_sentences(a->plain, a->plen, &a->sp, &a->ns) != 0)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	a->words = pake_text_words(a->plain, a->plen);
	for (i = 0; i < a->plen && isspace((unsigned char)a->plain[i]); i++)
		;
	if (a->plen - i < SHORT_TEXT || a->ns == 0) {
		a->empty = 1;
		return 0;
	}
	if ((a->s = calloc(a->ns, sizeof *a->s)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	for (i = 0; i < a->ns && rc == 0; i++) {
		struct reader rd = {&a->ts, &a->s[i], (long)i, 0};

		rc = pake_db_words(st, a->plain + a->sp[i].off, a->sp[i].len,
		    read_word, &rd, e);
		if (rd.oom)
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	if (rc != 0 || (rc = pake_db_corpus_docs(st, &ndocs, e)) != 0)
		return rc;
	for (i = 0; i < a->ts.n && rc == 0; i++) {
		struct term *t = &a->ts.t[i];
		int64_t df = 0;

		rc = pake_db_term_docs(st, t->word, &df, e);
		t->w = (1 + log(t->tf)) *
		    (log((double)(ndocs + 1) / (double)(df + 1)) + 1);
		a->total += t->w;
	}
	return rc;
}

int
pake_summarize(pake_ctx *c, pake_db *st, const char *md, size_t len,
    const pake_summary_opts *o, cJSON **out, pake_err *e)
{
	static const char *const academic[] = {"method", "result",
		"conclusion", "finding", NULL};
	static const char *const web[] = {"key", "important", "main",
		"primary", NULL};
	const char *type = o->content_type ? o->content_type : "general";
	const char *const *cues = strcmp(type, "academic") == 0 ? academic :
	    strcmp(type, "web") == 0 ? web : NULL;
	struct analysis a;
	struct sent *s;
	pake_sentence *sp;
	size_t i, j, want;
	char *ab;
	double covered = 0, t0 = mono_ms();
	cJSON *r, *m, *kp, *kw;
	pake_buf sum = {0};
	int rc, sum_words = 0;

	(void)c;
	*out = NULL;
	if ((rc = analyse(st, md, len, &a, e)) != 0)
		goto out;
	if (a.empty) {
		*out = empty_result(type, a.words);
		goto out;
	}
	s = a.s;
	sp = a.sp;
	for (i = 0; i < a.ns; i++) {
		double sc = 0;

		for (j = 0; j < s[i].nterm; j++)
			sc += a.ts.t[s[i].term[j]].w;
		sc /= sqrt(s[i].words > 0 ? s[i].words : 1);
		if (i == 0)
			sc *= 1.25;
		else if (sp[i].block != sp[i - 1].block)
			sc *= 1.1;
		if (s[i].words < 5 || s[i].words > 40)
			sc *= 0.5;
		if (cues && has_cue(a.plain + sp[i].off, sp[i].len, cues))
			sc *= 1.1;
		s[i].score = sc;
	}
	want = o->sentences > 0 ? (size_t)o->sentences : 3;
	if (o->ratio > 0)
		want = (size_t)ceil(o->ratio * (double)a.ns);
	if (want < 1)
		want = 1;
	if (choose(&a.ts, s, a.ns, want) != 0) {
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto out;
	}
	for (i = 0; i < a.ns; i++)
		if (s[i].taken) {
			if (sum.len)
				pake_buf_putc(&sum, ' ');
			sum_words += quote(&sum, a.plain + sp[i].off,
			    sp[i].len);
			for (j = 0; j < s[i].nterm; j++)
				a.ts.t[s[i].term[j]].covered = 1;
		}
	for (i = 0; i < a.ts.n; i++)
		if (a.ts.t[i].covered)
			covered += a.ts.t[i].w;
	pake_buf_putc(&sum, '\0');
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "extractive_summary", sum.p ? sum.p : "");
	kp = cJSON_AddArrayToObject(r, "key_points");
	if (o->key_points)
		key_points(kp, a.plain, sp, s, a.ns);
	if ((kw = keywords(&a.ts, s, a.ns, KEYWORDS)) == NULL ||
	    (ab = abstract(kw, kp)) == NULL || sum.oom) {
		cJSON_Delete(kw);
		cJSON_Delete(r);
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto out;
	}
	cJSON_AddStringToObject(r, "abstract_summary", ab);
	free(ab);
	cJSON_AddItemToObject(r, "keywords", kw);
	m = cJSON_AddObjectToObject(r, "metadata");
	cJSON_AddStringToObject(m, "content_type", type);
	cJSON_AddNumberToObject(m, "word_count_original", (double)a.words);
	cJSON_AddNumberToObject(m, "word_count_summary", sum_words);
	cJSON_AddNumberToObject(m, "compression_ratio", a.words ?
	    round3((double)sum_words / (double)a.words) : 0);
	cJSON_AddNumberToObject(m, "confidence_score", a.total > 0 ?
	    round3(covered / a.total) : 0);
	cJSON_AddNumberToObject(m, "processing_time_ms",
	    floor((mono_ms() - t0) * 10 + 0.5) / 10);
	cJSON_AddStringToObject(m, "generated_by", GENERATED_BY);
	*out = r;
out:
	pake_buf_free(&sum);
	analysis_free(&a);
	return rc;
}

int
pake_keywords(pake_db *st, const char *md, size_t len, int max, cJSON **out,
    pake_err *e)
{
	struct analysis a;
	int rc;

	*out = NULL;
	if ((rc = analyse(st, md, len, &a, e)) == 0) {
		if (a.empty || a.ns == 0)
			*out = cJSON_CreateArray();
		else if ((*out = keywords(&a.ts, a.s, a.ns, max)) == NULL)
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	analysis_free(&a);
	return rc;
}

/* --- tags -------------------------------------------------------------------- */

struct tagset {
	cJSON *tags;		/* the tenant's tags, folded as written */
};

static int
tag_seen(void *arg, const char *tag, int64_t count)
{
	struct tagset *t = arg;

	(void)count;
	cJSON_AddItemToArray(t->tags, cJSON_CreateString(tag));
	return 0;
}

/* A keyword as a tag: lower case (ASCII), spaces as '-'. */
static void
as_tag(const char *kw, char *out, size_t n)
{
	size_t i;

	for (i = 0; kw[i] && i + 1 < n; i++)
		out[i] = kw[i] == ' ' ? '-' : (char)tolower((unsigned char)kw[i]);
	out[i] = '\0';
}

int
pake_auto_tag(pake_ctx *c, const char *md, size_t len, int max, cJSON **out,
    pake_err *e)
{
	struct tagset ts;
	cJSON *kw = NULL, *tags, *known;
	const cJSON *k, *t;
	pake_db *st;
	int rc, pass, n = 0, total;

	*out = NULL;
	if ((ts.tags = cJSON_CreateArray()) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if ((rc = pake_store_tags(c, 10000, tag_seen, &ts, e)) != 0 ||
	    (st = pake_ctx_store(c, e)) == NULL ||
	    (rc = pake_db_begin_read(st, e)) != 0) {
		cJSON_Delete(ts.tags);
		return rc ? rc : e->code;
	}
	rc = pake_keywords(st, md, len, max * 4 > 40 ? 40 : max * 4, &kw, e);
	pake_db_rollback(st);
	if (rc != 0) {
		cJSON_Delete(ts.tags);
		return rc;
	}
	*out = cJSON_CreateObject();
	tags = cJSON_AddArrayToObject(*out, "tags");
	known = cJSON_AddArrayToObject(*out, "existing");
	total = cJSON_GetArraySize(kw);
	/* First the keywords that are tags the tenant uses, then the others,
	 * each in keyword order. */
	for (pass = 0; pass < 2; pass++)
		cJSON_ArrayForEach(k, kw) {
			char tag[PAKE_TAG_MAX + 1];
			int have = 0, dup = 0;

			if (n >= max)
				break;
			as_tag(k->valuestring, tag, sizeof tag);
			cJSON_ArrayForEach(t, ts.tags)
				if (strcasecmp(t->valuestring, tag) == 0)
					have = 1;
			cJSON_ArrayForEach(t, tags)
				if (strcmp(t->valuestring, tag) == 0)
					dup = 1;
			if (dup || have != !pass)
				continue;
			cJSON_AddItemToArray(tags, cJSON_CreateString(tag));
			if (have)
				cJSON_AddItemToArray(known,
				    cJSON_CreateString(tag));
			n++;
		}
	/* How much of the text's keyword list the tags are, and how many
	 * of them the tenant already uses: 0.5 + 0.5 * (existing / tags). */
	cJSON_AddNumberToObject(*out, "confidence", n ? round3(0.5 + 0.5 *
	    cJSON_GetArraySize(known) / (double)n) : 0);
	cJSON_AddStringToObject(*out, "method", total ? "tfidf_keywords" :
	    "none: text too short");
	cJSON_Delete(kw);
	cJSON_Delete(ts.tags);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The summary log */

int
pake_summary_record(pake_ctx *c, const cJSON *const *results, int n,
    pake_err *e)
{
	pake_sumlog b = {0};
	cJSON *types = cJSON_CreateObject();
	char *tj = NULL;
	pake_db *st;
	int i, rc;

	if (types == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	for (i = 0; i < n; i++) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(results[i],
		    "metadata");
		const char *t = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(m, "content_type"));
		cJSON *have;

		b.compression += cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(m, "compression_ratio"));
		b.confidence += cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(m, "confidence_score"));
		b.ms += cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(m, "processing_time_ms"));
		t = t ? t : "general";
		if ((have = cJSON_GetObjectItemCaseSensitive(types, t)) != NULL)
			cJSON_SetNumberValue(have, have->valuedouble + 1);
		else
			cJSON_AddNumberToObject(types, t, 1);
	}
	if (n > 0) {
		b.compression /= n;
		b.confidence /= n;
		b.ms /= n;
	}
	b.documents = n;
	b.at_ms = pake_now_ms();
	b.content_types = tj = cJSON_PrintUnformatted(types);
	cJSON_Delete(types);
	if (tj == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if ((st = pake_ctx_store(c, e)) == NULL) {
		free(tj);
		return e->code;
	}
	if ((rc = pake_db_begin(st, e)) == 0) {
		if ((rc = pake_db_sumlog_add(st, &b, PAKE_SUMLOG_KEEP, e)) ==
		    0)
			rc = pake_db_commit(st, e);
		else
			pake_db_rollback(st);
	}
	free(tj);
	return rc;
}

struct window {
	double docs, compression, confidence, ms;
	cJSON *types;
};

/* One batch of the window: its documents weigh its means. */
static int
window_add(void *arg, const pake_sumlog *b)
{
	struct window *w = arg;
	cJSON *t = cJSON_Parse(b->content_types ? b->content_types : "{}");
	const cJSON *x;

	w->docs += (double)b->documents;
	w->compression += b->compression * (double)b->documents;
	w->confidence += b->confidence * (double)b->documents;
	w->ms += b->ms * (double)b->documents;
	cJSON_ArrayForEach(x, t) {
		cJSON *have = cJSON_GetObjectItemCaseSensitive(w->types,
		    x->string);

		if (!cJSON_IsNumber(x))
			continue;
		if (have)
			cJSON_SetNumberValue(have, have->valuedouble +
			    x->valuedouble);
		else
			cJSON_AddNumberToObject(w->types, x->string,
			    x->valuedouble);
	}
	cJSON_Delete(t);
	return 0;
}

int
pake_summary_analytics(pake_ctx *c, cJSON **out, pake_err *e)
{
	struct window w = {0};
	int64_t batches = 0;
	cJSON *a, *s;
	pake_db *st;
	char ts[32];
	int rc;

	*out = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((w.types = cJSON_CreateObject()) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if ((rc = pake_db_begin_read(st, e)) != 0)
		goto out;
	if ((rc = pake_db_sumlog_count(st, &batches, e)) == 0)
		rc = pake_db_sumlog_each(st, PAKE_SUMLOG_WINDOW, window_add, &w,
		    e);
	pake_db_rollback(st);
	if (rc != 0)
		goto out;
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	a = cJSON_AddObjectToObject(*out, "analytics");
	if (batches == 0)
		cJSON_AddStringToObject(a, "message",
		    "No summarization history available");
	else {
		double d = w.docs > 0 ? w.docs : 1;

		s = cJSON_AddObjectToObject(a, "summarization_statistics");
		cJSON_AddNumberToObject(s, "total_documents_processed", w.docs);
		cJSON_AddNumberToObject(s, "avg_compression_ratio",
		    round3(w.compression / d));
		cJSON_AddNumberToObject(s, "avg_confidence_score",
		    round3(w.confidence / d));
		cJSON_AddNumberToObject(s, "avg_processing_time_ms",
		    floor(w.ms / d * 10 + 0.5) / 10);
		cJSON_AddItemToObject(a, "content_types_distribution",
		    w.types);
		w.types = NULL;
		cJSON_AddNumberToObject(a, "processing_history_batches",
		    (double)batches);
	}
	pake_iso8601(pake_now_ms(), ts);
	cJSON_AddStringToObject(*out, "timestamp", ts);
out:
	cJSON_Delete(w.types);
	return rc;
}
