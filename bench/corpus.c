/*
 * corpus.c: a deterministic generator of pake notes for the benchmarks.
 *
 *   corpus [--seed N] [--count N] [--format md|tsv] OUTDIR|-
 *   corpus --queries N [--seed N]
 *
 * With --format md (the default) it writes OUTDIR/000000.md, 000001.md, ...:
 * one note each, YAML frontmatter (ARCHITECTURE.md §7) and a markdown body.  OUTDIR is
 * created if it does not exist (one level).  With --format tsv and OUTDIR "-"
 * it writes one line per note to stdout instead: pake_id, title, type and the
 * tags joined by commas, separated by tabs, for scripts that need to know what
 * is in a corpus without parsing it.  With --queries N it prints N lines
 * "word1 word2<TAB>Type" for the search benchmark: two distinct words from the
 * same distribution as the bodies, restricted to ranks 20..2000 so that they
 * are neither stopwords nor absent, and a type drawn like the notes' types.
 * The defaults are --seed 1 --count 1000.  At the end it reports
 * "corpus: N notes, M bytes, T ms" on stderr.  Exit status: 0, 64 on a usage
 * error, 74 on an I/O error (a full disk included), 71 when memory runs out.
 *
 * The idea: every byte of output is a function of the seed alone, the same on
 * every machine.  So the program uses its own PRNG (splitmix64), never rand(),
 * and no libm function whose rounding could differ between C libraries: the
 * Zipf weights are r^-1.0625 = 1 / (r * r^(1/16)), four square roots, and
 * IEEE 754 rounds sqrt and division correctly everywhere.  (1.0625 is the
 * "s ~ 1.07" that word frequencies in English text follow.)  Dates are
 * integer arithmetic, not gmtime().
 *
 * The vocabulary is fixed, independent of --seed: 50 common English words at
 * the top ranks, then pseudo-words of 2-4 syllables up to 5,000 words, built
 * from a constant seed and with duplicates rejected.  Tags are 200 words of
 * that vocabulary (ranks 51-250), again chosen by Zipf rank.
 *
 * Each note has its own PRNG stream, seeded from (seed, index), so note i is
 * the same whatever --count and --format are: a 1,000-note corpus is a prefix
 * of the 100,000-note one, and the tsv lines describe the md files exactly.
 * The frontmatter fields are drawn before the body for the same reason.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

#define NWORDS		5000	/* vocabulary size */
#define NREAL		50	/* real English words at the top ranks */
#define MAXWORD		24	/* longest word plus NUL: 4 syllables of <= 4 */
#define NTAGS		200	/* tag pool */
#define TAGBASE		50	/* tags are vocabulary indices TAGBASE.. */
#define MAXTAGS		5
#define QLO		19	/* queries: vocabulary indices QLO..QHI, */
#define QHI		1999	/* that is ranks 20..2000 */
#define MAXCOUNT	1000000	/* file names keep six digits */
#define MAXQUERIES	100000000
#define HASHSIZE	8192	/* power of two, > NWORDS */
#define VOCAB_SEED	0x70616b65636f7270ULL	/* "pakecorp" */
#define QUERY_SALT	0x7175657269657321ULL	/* "queries!" */
#define T0		1704067200	/* 2024-01-01T00:00:00Z */
#define T1		1782863999	/* 2026-06-30T23:59:59Z */

static const char usage_text[] =
    "usage: corpus [--seed N] [--count N] [--format md|tsv] OUTDIR|-\n"
    "       corpus --queries N [--seed N]\n";

static const char *const real_words[NREAL] = {
	"the", "of", "and", "to", "a", "in", "is", "it", "that", "for",
	"was", "on", "are", "as", "with", "be", "at", "this", "have", "from",
	"or", "one", "had", "by", "word", "but", "not", "what", "all", "were",
	"we", "when", "your", "can", "said", "there", "use", "an", "each",
	"which", "she", "do", "how", "their", "if", "will", "up", "other",
	"about", "out",
};

static const char *const syllables[] = {
	"ka", "lo", "mi", "ren", "tor", "vel", "sha", "dra", "qui", "zen",
	"mar", "tis", "po", "lun", "fen", "gar", "hal", "jo", "ki", "bre",
	"cor", "dal", "el", "fi", "gri", "ho", "is", "ju", "kel", "lor",
	"men", "nor", "o", "pra", "que", "ros", "sil", "tha", "u", "vor",
	"wen", "xa", "yl", "zo", "an", "ber", "cha", "dun", "est", "fal",
	"gon", "hir", "ith", "jan", "kra", "lin", "mor", "nes", "ord", "pel",
};
#define NSYL	(sizeof(syllables) / sizeof(syllables[0]))

/* Cumulative weights out of 100, in the order of the names. */
static const char *const types[] = {
	"SourceNote", "InsightNote", "ProjectNote", "DailyNote",
};
static const unsigned type_cdf[] = { 40, 70, 90, 100 };
static const char *const statuses[] = { "Raw", "Processing", "Verified" };

struct rng {
	uint64_t s;
};

struct vocab {
	char word[NWORDS][MAXWORD];
	unsigned char len[NWORDS];
	double cdf[NWORDS];	/* cumulative Zipf weight, unnormalised */
	double tagcdf[NTAGS];
};

struct buf {
	char *p;
	size_t len, cap;
};

struct note {
	char id[37];
	char title[12 * MAXWORD];
	const char *type;
	const char *status;
	unsigned conf;		/* confidence_score in hundredths */
	int64_t created, modified;
	int ntags;
	int tag[MAXTAGS];	/* vocabulary indices */
};

/* Print a message and exit with a sysexits.h status. */
static _Noreturn void
fatal(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("corpus: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* Complain about the command line and exit 64. */
static _Noreturn void
usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "corpus: %s\n", why);
	fputs(usage_text, stderr);
	exit(EX_USAGE);
}

/* The splitmix64 finaliser: a bijective scramble of 64 bits. */
static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Next 64 random bits (splitmix64). */
static uint64_t
rng_next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

/* Uniform in [0, n), n < 2^32, by multiply-shift on the top 32 bits. */
static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

/* Uniform in [lo, hi], both inclusive. */
static uint32_t
rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

/* Uniform double in [0, 1), exact: 53 random bits times 2^-53. */
static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1p-53;
}

/* A Zipf-distributed index in [lo, hi] of the cumulative weights cdf. */
static int
zipf(const double *cdf, int lo, int hi, struct rng *r)
{
	double base = lo > 0 ? cdf[lo - 1] : 0.0;
	double u = base + rng_unit(r) * (cdf[hi] - base);
	int mid;

	/* The first index whose cumulative weight exceeds u. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Fill cdf[0..n) with cumulative weights 1 / r^1.0625 for ranks r = 1..n. */
static void
zipf_table(double *cdf, int n)
{
	double sum = 0.0, r, q;
	int i;

	for (i = 0; i < n; i++) {
		r = (double)(i + 1);
		q = sqrt(sqrt(sqrt(sqrt(r))));	/* r^(1/16) */
		sum += 1.0 / (r * q);
		cdf[i] = sum;
	}
}

/* FNV-1a, for the duplicate check while building the vocabulary. */
static uint32_t
hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Add s as word n unless present; returns 1 if added.  slot[] holds n + 1. */
static int
vocab_add(struct vocab *v, int *slot, int n, const char *s)
{
	uint32_t h = hash(s) & (HASHSIZE - 1);
	size_t len = strlen(s);

	if (len >= MAXWORD)
		return 0;
	while (slot[h] != 0) {
		if (strcmp(v->word[slot[h] - 1], s) == 0)
			return 0;
		h = (h + 1) & (HASHSIZE - 1);
	}
	slot[h] = n + 1;
	memcpy(v->word[n], s, len + 1);
	v->len[n] = (unsigned char)len;
	return 1;
}

/* Build the fixed vocabulary and the Zipf tables. */
static void
vocab_build(struct vocab *v)
{
	struct rng r = { VOCAB_SEED };
	int slot[HASHSIZE];
	char w[MAXWORD];
	int n, k, nsyl;
	uint32_t x;

	memset(slot, 0, sizeof(slot));
	for (n = 0; n < NREAL; n++)
		if (!vocab_add(v, slot, n, real_words[n]))
			fatal(EX_SOFTWARE, "duplicate word %s", real_words[n]);
	while (n < NWORDS) {
		/* Two syllables 40%, three 40%, four 20%. */
		x = rng_below(&r, 10);
		nsyl = x < 4 ? 2 : x < 8 ? 3 : 4;
		w[0] = '\0';
		for (k = 0; k < nsyl; k++)
			strcat(w, syllables[rng_below(&r, NSYL)]);
		n += vocab_add(v, slot, n, w);
	}
	zipf_table(v->cdf, NWORDS);
	zipf_table(v->tagcdf, NTAGS);
}

/* Make room for need more bytes; exits when memory runs out. */
static void
buf_reserve(struct buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->cap - b->len >= need)
		return;
	cap = b->cap ? b->cap : 65536;
	while (cap - b->len < need)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL)
		fatal(EX_OSERR, "out of memory");
	b->p = p;
	b->cap = cap;
}

/* Append n bytes. */
static void
buf_put(struct buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* Append a string. */
static void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/* Append a formatted string (short ones: dates, numbers). */
static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		fatal(EX_SOFTWARE, "buf_printf overflow");
	buf_put(b, tmp, (size_t)n);
}

/* Append word i, capitalised if cap. */
static void
buf_word(struct buf *b, const struct vocab *v, int i, int cap)
{
	size_t start = b->len;

	buf_put(b, v->word[i], v->len[i]);
	if (cap && b->p[start] >= 'a' && b->p[start] <= 'z')
		b->p[start] = (char)(b->p[start] - 'a' + 'A');
}

/* Append n Zipf words separated by spaces, the first capitalised. */
static void
buf_phrase(struct buf *b, const struct vocab *v, struct rng *r, int n)
{
	int k;

	for (k = 0; k < n; k++) {
		if (k > 0)
			buf_put(b, " ", 1);
		buf_word(b, v, zipf(v->cdf, 0, NWORDS - 1, r), k == 0);
	}
}

/*
 * Append a paragraph of n words: sentences of 6-18 words, each capitalised
 * and ending in a full stop, with a comma now and then.
 */
static void
buf_paragraph(struct buf *b, const struct vocab *v, struct rng *r, int n)
{
	int k, left = 0, start;

	for (k = 0; k < n; k++) {
		if ((start = left == 0))
			left = (int)rng_range(r, 6, 18);
		buf_word(b, v, zipf(v->cdf, 0, NWORDS - 1, r), start);
		if (--left == 0 || k == n - 1) {
			buf_put(b, k == n - 1 ? ".\n" : ". ", 2);
			left = 0;
		} else if (rng_below(r, 12) == 0)
			buf_put(b, ", ", 2);
		else
			buf_put(b, " ", 1);
	}
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static void
civil(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

/* Append t (seconds since the epoch) as 2025-03-04T05:06:07Z. */
static void
buf_time(struct buf *b, int64_t t)
{
	int64_t days = t / 86400, secs = t % 86400;
	unsigned m, d;
	int y;

	civil(days, &y, &m, &d);
	buf_printf(b, "%04d-%02u-%02uT%02u:%02u:%02uZ", y, m, d,
	    (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
	    (unsigned)(secs % 60));
}

/* Draw the frontmatter fields of one note. */
static void
note_head(const struct vocab *v, struct rng *r, struct note *n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char u[16];
	uint64_t a, c;
	uint32_t x, span;
	int i, k, j, len, nw;

	/* uuid v4: 122 random bits, version 4, variant 10. */
	a = rng_next(r);
	c = rng_next(r);
	for (i = 0; i < 8; i++) {
		u[i] = (unsigned char)(a >> (56 - 8 * i));
		u[8 + i] = (unsigned char)(c >> (56 - 8 * i));
	}
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	for (i = 0, k = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			n->id[k++] = '-';
		n->id[k++] = hex[u[i] >> 4];
		n->id[k++] = hex[u[i] & 15];
	}
	n->id[k] = '\0';

	/* Title: 3-12 words, first letter capitalised, letters and spaces. */
	nw = (int)rng_range(r, 3, 12);
	for (k = 0, len = 0; k < nw; k++) {
		i = zipf(v->cdf, 0, NWORDS - 1, r);
		if (k > 0)
			n->title[len++] = ' ';
		memcpy(n->title + len, v->word[i], v->len[i]);
		if (k == 0)
			n->title[len] = (char)(n->title[len] - 'a' + 'A');
		len += v->len[i];
	}
	n->title[len] = '\0';

	x = rng_below(r, 100);
	for (i = 0; x >= type_cdf[i]; i++)
		;
	n->type = types[i];
	n->status = statuses[rng_below(r, 3)];
	n->conf = rng_range(r, 50, 99);

	/* Modified: the same as created 30% of the time, else within 180 days. */
	n->created = T0 + rng_below(r, T1 - T0 + 1);
	span = (uint32_t)(T1 - n->created);
	if (span > 180 * 86400)
		span = 180 * 86400;
	n->modified = n->created;
	if (rng_below(r, 10) >= 3)
		n->modified += rng_range(r, 0, span);

	/* 0-5 distinct tags. */
	n->ntags = (int)rng_range(r, 0, MAXTAGS);
	for (k = 0; k < n->ntags; k++) {
	again:
		i = TAGBASE + zipf(v->tagcdf, 0, NTAGS - 1, r);
		for (j = 0; j < k; j++)
			if (n->tag[j] == i)
				goto again;
		n->tag[k] = i;
	}
}

/* Append the markdown file of note n, drawing its body. */
static void
note_md(const struct vocab *v, struct rng *r, const struct note *n,
    struct buf *b)
{
	int k, left, p, first;

	buf_puts(b, "---\npake_id: ");
	buf_puts(b, n->id);
	buf_puts(b, "\ntitle: ");
	buf_puts(b, n->title);
	buf_puts(b, "\ntype: ");
	buf_puts(b, n->type);
	buf_puts(b, "\nstatus: ");
	buf_puts(b, n->status);
	buf_printf(b, "\nconfidence_score: 0.%02u\ncreated_at: ", n->conf);
	buf_time(b, n->created);
	buf_puts(b, "\nmodified_at: ");
	buf_time(b, n->modified);
	if (n->ntags == 0)
		buf_puts(b, "\ntags: []\n");
	else {
		buf_puts(b, "\ntags:\n");
		for (k = 0; k < n->ntags; k++) {
			buf_puts(b, "  - ");
			buf_word(b, v, n->tag[k], 0);
			buf_put(b, "\n", 1);
		}
	}
	buf_puts(b, "source_uri: local://bench\n---\n");

	/*
	 * Body: 100-2,000 words in paragraphs of 40-120; the last paragraph
	 * takes the rest, and a draw that would leave fewer than 40 words
	 * for it is shortened, so every paragraph stays in range.
	 */
	left = (int)rng_range(r, 100, 2000);
	buf_puts(b, "# ");
	buf_phrase(b, v, r, (int)rng_range(r, 2, 6));
	buf_put(b, "\n", 1);
	for (first = 1; left > 0; first = 0) {
		if (left <= 120)
			p = left;
		else {
			p = (int)rng_range(r, 40, 120);
			if (left - p < 40)
				p = left - 40;
		}
		if (!first && rng_below(r, 4) == 0) {
			buf_puts(b, "\n## ");
			buf_phrase(b, v, r, (int)rng_range(r, 2, 5));
			buf_put(b, "\n", 1);
		}
		buf_put(b, "\n", 1);
		buf_paragraph(b, v, r, p);
		left -= p;
	}
}

/* Append the tsv line of note n: id, title, type, tags. */
static void
note_tsv(const struct vocab *v, const struct note *n, struct buf *b)
{
	int k;

	buf_puts(b, n->id);
	buf_put(b, "\t", 1);
	buf_puts(b, n->title);
	buf_put(b, "\t", 1);
	buf_puts(b, n->type);
	buf_put(b, "\t", 1);
	for (k = 0; k < n->ntags; k++) {
		if (k > 0)
			buf_put(b, ",", 1);
		buf_word(b, v, n->tag[k], 0);
	}
	buf_put(b, "\n", 1);
}

/* Write b to path, replacing it; 0 or -1 with errno set. */
static int
write_file(const char *path, const struct buf *b)
{
	FILE *f;
	int e;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	if (fwrite(b->p, 1, b->len, f) != b->len) {
		e = errno;
		fclose(f);
		errno = e;
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* Write b to stdout; exits 74 on error. */
static void
write_stdout(const struct buf *b)
{
	if (fwrite(b->p, 1, b->len, stdout) != b->len)
		fatal(EX_IOERR, "stdout: %s", strerror(errno));
}

/* Parse a decimal number in [0, max]; 0 or -1. */
static int
parse_num(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long x;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return -1;
	*out = x;
	return 0;
}

/* Milliseconds on the monotonic clock. */
static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Print nq search queries: two distinct words of rank 20..2000 and a type. */
static uint64_t
queries(const struct vocab *v, uint64_t seed, uint64_t nq, struct buf *b)
{
	struct rng r = { mix64(mix64(seed) ^ QUERY_SALT) };
	uint64_t q, bytes = 0;
	uint32_t x;
	int w1, w2, i;

	for (q = 0; q < nq; q++) {
		w1 = zipf(v->cdf, QLO, QHI, &r);
		do
			w2 = zipf(v->cdf, QLO, QHI, &r);
		while (w2 == w1);
		x = rng_below(&r, 100);
		for (i = 0; x >= type_cdf[i]; i++)
			;
		buf_word(b, v, w1, 0);
		buf_put(b, " ", 1);
		buf_word(b, v, w2, 0);
		buf_put(b, "\t", 1);
		buf_puts(b, types[i]);
		buf_put(b, "\n", 1);
		if (b->len >= 60000) {
			write_stdout(b);
			bytes += b->len;
			b->len = 0;
		}
	}
	write_stdout(b);
	bytes += b->len;
	b->len = 0;
	return bytes;
}

int
main(int argc, char *argv[])
{
	struct vocab *v;
	struct buf b = { NULL, 0, 0 };
	struct note n;
	struct rng r;
	char path[PATH_MAX];
	const char *outdir = NULL, *format = "md";
	uint64_t seed = 1, count = 1000, nq = 0, i, bytes = 0, t0;
	int tsv, haveq = 0, havecount = 0, haveformat = 0, k;

	t0 = now_ms();
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		} else if (strcmp(argv[k], "--seed") == 0) {
			if (parse_num(argv[++k], UINT64_MAX, &seed) != 0)
				usage("--seed wants a number");
		} else if (strcmp(argv[k], "--count") == 0) {
			if (parse_num(argv[++k], MAXCOUNT, &count) != 0)
				usage("--count wants a number up to 1000000");
			havecount = 1;
		} else if (strcmp(argv[k], "--queries") == 0) {
			if (parse_num(argv[++k], MAXQUERIES, &nq) != 0)
				usage("--queries wants a number up to 100000000");
			haveq = 1;
		} else if (strcmp(argv[k], "--format") == 0) {
			format = argv[++k];
			if (format == NULL || (strcmp(format, "md") != 0 &&
			    strcmp(format, "tsv") != 0))
				usage("--format is md or tsv");
			haveformat = 1;
		} else if (argv[k][0] == '-' && argv[k][1] != '\0')
			usage("unknown option");
		else if (outdir != NULL)
			usage("one OUTDIR only");
		else
			outdir = argv[k];
	}
	if (haveq && (outdir != NULL || havecount || haveformat))
		usage("--queries takes only --seed");
	tsv = strcmp(format, "tsv") == 0;
	if (!haveq) {
		if (outdir == NULL)
			usage("no OUTDIR");
		if (tsv != (strcmp(outdir, "-") == 0))
			usage("--format tsv writes to -, md to a directory");
		if (strlen(outdir) > sizeof(path) - 16)
			usage("OUTDIR too long");
	}

	if ((v = malloc(sizeof(*v))) == NULL)
		fatal(EX_OSERR, "out of memory");
	vocab_build(v);

	if (haveq) {
		bytes = queries(v, seed, nq, &b);
		if (fflush(stdout) != 0 || ferror(stdout))
			fatal(EX_IOERR, "stdout: %s", strerror(errno));
		fprintf(stderr, "corpus: %llu queries, %llu bytes, %llu ms\n",
		    (unsigned long long)nq, (unsigned long long)bytes,
		    (unsigned long long)(now_ms() - t0));
		free(b.p);
		free(v);
		return 0;
	}

	if (!tsv && mkdir(outdir, 0777) != 0 && errno != EEXIST)
		fatal(EX_IOERR, "%s: %s", outdir, strerror(errno));
	for (i = 0; i < count; i++) {
		/* Hashing (seed, i) gives each note an unrelated stream. */
		r.s = mix64(mix64(seed) + i);
		note_head(v, &r, &n);
		if (tsv) {
			note_tsv(v, &n, &b);
			if (b.len >= 60000) {
				write_stdout(&b);
				bytes += b.len;
				b.len = 0;
			}
			continue;
		}
		note_md(v, &r, &n, &b);
		snprintf(path, sizeof(path), "%s/%06llu.md", outdir,
		    (unsigned long long)i);
		if (write_file(path, &b) != 0)
			fatal(EX_IOERR, "%s: %s", path, strerror(errno));
		bytes += b.len;
		b.len = 0;
	}
	if (tsv) {
		write_stdout(&b);
		bytes += b.len;
		if (fflush(stdout) != 0 || ferror(stdout))
			fatal(EX_IOERR, "stdout: %s", strerror(errno));
	}
	fprintf(stderr, "corpus: %llu notes, %llu bytes, %llu ms\n",
	    (unsigned long long)count, (unsigned long long)bytes,
	    (unsigned long long)(now_ms() - t0));
	free(b.p);
	free(v);
	return 0;
}
