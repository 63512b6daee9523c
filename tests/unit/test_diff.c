/*
 * test_diff.c: unit test for diff.c, the unified diff of two texts.
 *
 * Every case is checked against GNU diff itself: the pair is written to a
 * temporary folder and `diff -a -u --label A --label B` run on it.  Where
 * the texts have one minimal diff the output must be the same bytes.  Where
 * several minimal diffs exist (repeated lines) GNU may choose another
 * equally short one; there pake_diff's output must turn a into b under
 * `patch -F 0` and change exactly as many lines as GNU's, which must be the
 * least number possible (an LCS computed here by dynamic programming).
 * Then 200 random pairs over small alphabets of lines (fixed seed), larger
 * random pairs, and the bounds: too many lines, too many edits (found fast
 * by the lower bound, and by the search itself).  DIFF_VERBOSE=1 shows
 * the pairs where GNU chose another minimal diff.  Prints "N passed, N
 * failed"; exits 0 only when nothing failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pake/diff.h"
#include "pake/util.h"
#include "unit.h"

static char dir[] = "/tmp/pake-test-diff-XXXXXX";
static int nexact, nsame_size;

static int
write_file(const char *name, const char *p, size_t n)
{
	char path[256];
	FILE *f;
	int ok;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* The whole of dir/name into b (empty when missing). */
static void
read_into(const char *name, pake_buf *b)
{
	char path[256], chunk[8192];
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		pake_buf_put(b, chunk, n);
	fclose(f);
}

/* Run a shell command in dir; its exit status, or -1. */
static int
run(const char *fmt, const char *arg)
{
	char cmd[512];
	int st;

	snprintf(cmd, sizeof cmd, "cd '%s' && ", dir);
	snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), fmt, arg);
	st = system(cmd);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* Lines deleted + inserted in a unified diff: its '-' and '+' lines after
 * the two header lines. */
static int
changed_lines(const char *p, size_t n)
{
	size_t at = 0;
	int line = 0, count = 0;

	while (at < n) {
		const char *q = memchr(p + at, '\n', n - at);
		size_t end = q ? (size_t)(q - p) + 1 : n;

		if (line++ >= 2 && (p[at] == '-' || p[at] == '+'))
			count++;
		at = end;
	}
	return count;
}

/* The least number of lines deleted + inserted, by dynamic programming. */
static int
min_edits(const char *a, size_t alen, const char *b, size_t blen)
{
	static size_t ao[4096], bo[4096];
	int na = 0, nb = 0, i, j, *prev, *cur, lcs;
	size_t at;

	for (at = 0; at < alen && na < 4095; na++) {
		const char *q = memchr(a + at, '\n', alen - at);
		ao[na] = at;
		at = q ? (size_t)(q - a) + 1 : alen;
	}
	ao[na] = alen;
	for (at = 0; at < blen && nb < 4095; nb++) {
		const char *q = memchr(b + at, '\n', blen - at);
		bo[nb] = at;
		at = q ? (size_t)(q - b) + 1 : blen;
	}
	bo[nb] = blen;
	if (ao[na] != alen || bo[nb] != blen)
		return -1;	/* too long for this check */
	prev = calloc((size_t)nb + 1, sizeof *prev);
	cur = calloc((size_t)nb + 1, sizeof *cur);
	for (i = 1; i <= na; i++) {
		for (j = 1; j <= nb; j++) {
			size_t la = ao[i] - ao[i - 1], lb = bo[j] - bo[j - 1];

			if (la == lb && memcmp(a + ao[i - 1], b + bo[j - 1],
			    la) == 0)
				cur[j] = prev[j - 1] + 1;
			else
				cur[j] = prev[j] > cur[j - 1] ? prev[j] :
				    cur[j - 1];
		}
		memcpy(prev, cur, ((size_t)nb + 1) * sizeof *cur);
	}
	lcs = prev[nb];
	free(prev);
	free(cur);
	return na + nb - 2 * lcs;
}

/*
 * Check one pair against GNU diff.  exact: the output must be GNU's bytes;
 * otherwise GNU's bytes, or a patch that applies and is as short.
 */
static void
check(struct tally *t, const char *name, const char *a, size_t alen,
    const char *b, size_t blen, int exact)
{
	pake_buf mine = { 0 }, gnu = { 0 }, patched = { 0 };
	pake_err e = { 0 };
	int rc, least;

	rc = pake_diff(a, alen, b, blen, "A", "B", &mine, &e);
	CHECK(t, rc == 0, "%s: rc %d", name, rc);
	if (write_file("a", a, alen) != 0 || write_file("b", b, blen) != 0) {
		CHECK(t, 0, "%s: cannot write files", name);
		goto out;
	}
	rc = run("diff -a -u --label A --label B a b > gnu%s", "");
	CHECK(t, rc == 0 || rc == 1, "%s: diff exits %d", name, rc);
	read_into("gnu", &gnu);
	if (gnu.len == mine.len && (gnu.len == 0 ||
	    memcmp(gnu.p, mine.p, gnu.len) == 0)) {
		nexact++;
		CHECK(t, 1, "%s", name);
		goto out;
	}
	if (exact) {
		CHECK(t, 0, "%s: differs from GNU diff:\n--- ours\n%.*s"
		    "--- GNU\n%.*s", name, (int)mine.len,
		    mine.p ? mine.p : "", (int)gnu.len, gnu.p ? gnu.p : "");
		goto out;
	}
	/* Another minimal diff: it must apply and be as short. */
	nsame_size++;
	if (getenv("DIFF_VERBOSE"))	/* to see them */
		fprintf(stderr, "# %s: another minimal diff\n--- ours\n"
		    "%.*s--- GNU\n%.*s", name, (int)mine.len,
		    mine.p ? mine.p : "", (int)gnu.len, gnu.p ? gnu.p : "");
	CHECK(t, mine.len > 0, "%s: no diff for different texts", name);
	if (write_file("mine", mine.p ? mine.p : "", mine.len) != 0) {
		CHECK(t, 0, "%s: cannot write the diff", name);
		goto out;
	}
	rc = run("rm -f out; patch -s -f -F 0 -o out a < mine%s", "");
	CHECK(t, rc == 0, "%s: patch exits %d on\n%.*s", name, rc,
	    (int)mine.len, mine.p ? mine.p : "");
	read_into("out", &patched);
	CHECK(t, patched.len == blen && (blen == 0 ||
	    memcmp(patched.p, b, blen) == 0), "%s: the patch does not make b",
	    name);
	CHECK(t, changed_lines(mine.p, mine.len) == changed_lines(gnu.p,
	    gnu.len), "%s: %d lines changed, GNU %d", name,
	    changed_lines(mine.p, mine.len), changed_lines(gnu.p, gnu.len));
	least = min_edits(a, alen, b, blen);
	CHECK(t, least < 0 || changed_lines(mine.p, mine.len) == least,
	    "%s: %d lines changed, least %d", name,
	    changed_lines(mine.p, mine.len), least);
out:
	pake_buf_free(&mine);
	pake_buf_free(&gnu);
	pake_buf_free(&patched);
}

#define S(x) x, sizeof x - 1

static const struct {
	const char *name, *a;
	size_t alen;
	const char *b;
	size_t blen;
	int exact;
} cases[] = {
	{ "empty vs empty", S(""), S(""), 1 },
	{ "empty vs text", S(""), S("a\nb\n"), 1 },
	{ "text vs empty", S("a\nb\n"), S(""), 1 },
	{ "empty vs one line", S(""), S("a\n"), 1 },
	{ "one line vs empty", S("a\n"), S(""), 1 },
	{ "identical", S("a\nb\nc\n"), S("a\nb\nc\n"), 1 },
	{ "one line changed", S("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n"),
	    S("1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n"), 1 },
	{ "single line changed", S("a\n"), S("b\n"), 1 },
	{ "insert at start", S("1\n2\n3\n4\n5\n6\n"),
	    S("0\n1\n2\n3\n4\n5\n6\n"), 1 },
	{ "insert in the middle", S("1\n2\n3\n4\n5\n6\n7\n8\n"),
	    S("1\n2\n3\n4\n4.5\n5\n6\n7\n8\n"), 1 },
	{ "insert at end", S("1\n2\n3\n4\n5\n6\n"),
	    S("1\n2\n3\n4\n5\n6\n7\n8\n"), 1 },
	{ "delete first", S("1\n2\n3\n4\n5\n6\n"), S("2\n3\n4\n5\n6\n"), 1 },
	{ "delete in the middle", S("1\n2\n3\n4\n5\n6\n7\n8\n9\n"),
	    S("1\n2\n3\n4\n7\n8\n9\n"), 1 },
	{ "delete last", S("1\n2\n3\n4\n5\n6\n"), S("1\n2\n3\n4\n5\n"), 1 },
	{ "delete all but one", S("1\n2\n3\n4\n5\n"), S("3\n"), 1 },
	{ "replace all", S("1\n2\n3\n"), S("a\nb\n"), 1 },
	{ "no final newline, a", S("a\nb"), S("a\nb\n"), 1 },
	{ "no final newline, b", S("a\nb\n"), S("a\nb"), 1 },
	{ "no final newline, both, changed", S("a\nb"), S("a\nc"), 1 },
	{ "no final newline, both, context", S("a\nb"), S("c\nb"), 1 },
	{ "no final newline, both, far", S("x\na\nb\nc\nd\ne\nf"),
	    S("y\na\nb\nc\nd\ne\nf"), 1 },
	{ "no final newline, only line", S("a"), S("b"), 1 },
	{ "no newline vs empty", S("a"), S(""), 1 },
	{ "empty vs no newline", S(""), S("a"), 1 },
	{ "no final newline, appended", S("1\n2\n3"), S("1\n2\n3\n4\n5"), 1 },
	{ "CRLF line changed", S("a\r\nb\r\nc\r\n"), S("a\r\nB\r\nc\r\n"), 1 },
	{ "CRLF to LF", S("a\r\nb\r\n"), S("a\nb\n"), 1 },
	{ "CRLF, no final newline", S("a\r\nb\r"), S("a\r\nb\r\n"), 1 },
	{ "lone CR", S("a\rb\nc\n"), S("a\rB\nc\n"), 1 },
	{ "NUL bytes", S("a\0b\nc\nd\0\n"), S("a\0c\nc\nd\0\n"), 1 },
	{ "NUL only difference", S("\0\n"), S("\0\0\n"), 1 },
	{ "two hunks",
	    S("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n"
	    "18\n19\n20\n"),
	    S("1\n2x\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n"
	    "18x\n19\n20\n"), 1 },
	{ "gap of 6 joins",
	    S("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"),
	    S("1\n2\n3x\n4\n5\n6\n7\n8\n9\n10x\n11\n12\n"), 1 },
	{ "gap of 7 splits",
	    S("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n"),
	    S("1\n2\n3x\n4\n5\n6\n7\n8\n9\n10\n11x\n12\n13\n"), 1 },
	{ "gap of 7, insertions",
	    S("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n"),
	    S("1\n2\n3\nA\n4\n5\n6\n7\n8\n9\n10\nB\n11\n12\n13\n"), 1 },
	{ "many changes",
	    S("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\n"),
	    S("a\nB\nc\nd\nE\nf\nnew\ng\nh\nj\nk\nl\nm\nN\no\np\nq\n"), 1 },
	{ "empty lines", S("\n\n"), S("\n"), 0 },
	{ "repeated, delete one", S("x\nx\nx\n"), S("x\nx\n"), 0 },
	{ "repeated, insert one", S("x\nx\nx\n"), S("x\nx\nx\nx\n"), 0 },
	{ "repeated, insert in the middle",
	    S("x\nx\nx\nx\nx\nx\nx\nx\nx\nx\n"),
	    S("x\nx\nx\nx\nx\ny\nx\nx\nx\nx\nx\n"), 0 },
	{ "repeated, change in the middle",
	    S("x\nx\nx\nx\nx\nx\nx\nx\nx\nx\n"),
	    S("x\nx\nx\nx\ny\nx\nx\nx\nx\nx\n"), 0 },
	{ "repeated pairs", S("a\nb\na\nb\na\nb\n"), S("b\na\nb\na\n"), 0 },
	{ "swap", S("a\nb\n"), S("b\na\n"), 0 },
	{ "braces", S("{\n}\n{\nx\n}\n"), S("{\nx\n}\n{\n}\n"), 0 },
	{ "blank lines around", S("p\n\n\nq\n\n\nr\n"), S("p\n\nq\n\n\n\nr\n"),
	    0 },
};

static void
test_cases(struct tally *t)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check(t, cases[i].name, cases[i].a, cases[i].alen, cases[i].b,
		    cases[i].blen, cases[i].exact);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11) % n;
}

/* A random text of up to max lines over an alphabet of k lines; sometimes
 * without its final newline. */
static void
random_text(pake_buf *b, int max, int k)
{
	static const char *const words[] = { "a", "b", "c", "d", "", "e\r",
	    "f", "g" };
	int i, n = (int)rnd((uint32_t)max + 1);

	for (i = 0; i < n; i++) {
		pake_buf_puts(b, words[rnd((uint32_t)k)]);
		pake_buf_putc(b, '\n');
	}
	if (n > 0 && rnd(8) == 0)
		b->p[--b->len] = '\0';
}

/* A copy of a with random lines deleted, inserted and changed. */
static void
mutate(pake_buf *b, const char *a, size_t alen, int k)
{
	size_t at = 0;

	while (at < alen) {
		const char *q = memchr(a + at, '\n', alen - at);
		size_t end = q ? (size_t)(q - a) + 1 : alen;

		switch (rnd(6)) {
		case 0:			/* delete */
			break;
		case 1:			/* insert before */
			random_text(b, 2, k);
			if (b->len && b->p[b->len - 1] != '\n')
				pake_buf_putc(b, '\n');
			/* fall through */
		default:
			pake_buf_put(b, a + at, end - at);
		}
		at = end;
	}
	if (rnd(4) == 0)
		random_text(b, 3, k);
}

static void
test_random(struct tally *t)
{
	char name[64];
	int i;

	for (i = 0; i < 200; i++) {
		pake_buf a = { 0 }, b = { 0 };
		int k = 1 + (int)rnd(i < 100 ? 3 : 8);

		random_text(&a, 1 + (int)rnd(30), k);
		if (rnd(3) == 0)
			random_text(&b, 1 + (int)rnd(30), k);
		else
			mutate(&b, a.p ? a.p : "", a.len, k);
		snprintf(name, sizeof name, "random %d", i);
		check(t, name, a.p ? a.p : "", a.len, b.p ? b.p : "", b.len,
		    0);
		pake_buf_free(&a);
		pake_buf_free(&b);
	}
	/* Larger ones: a few hundred lines of a bigger alphabet. */
	for (i = 0; i < 10; i++) {
		pake_buf a = { 0 }, b = { 0 };
		int j, n = 200 + (int)rnd(300);

		for (j = 0; j < n; j++)
			pake_buf_printf(&a, "line %u\n", rnd(i < 5 ? 40 : 400));
		mutate(&b, a.p, a.len, 8);
		snprintf(name, sizeof name, "large random %d", i);
		check(t, name, a.p, a.len, b.p ? b.p : "", b.len, 0);
		pake_buf_free(&a);
		pake_buf_free(&b);
	}
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* n lines "<prefix><i>\n" into b. */
static void
numbered(pake_buf *b, const char *prefix, int n)
{
	int i;

	for (i = 0; i < n; i++)
		pake_buf_printf(b, "%s%d\n", prefix, i);
}

/* pake_diff of a and b: its code, in at most secs seconds; on success the
 * number of lines changed in *changed. */
static int
timed(struct tally *t, const char *name, const pake_buf *a,
    const pake_buf *b, double secs, int *changed)
{
	pake_buf out = { 0 };
	pake_err e = { 0 };
	double t0 = now(), dt;
	int rc;

	pake_buf_puts(&out, "keep");
	rc = pake_diff(a->p ? a->p : "", a->len, b->p ? b->p : "", b->len,
	    "A", "B", &out, &e);
	dt = now() - t0;
	CHECK(t, dt < secs, "%s: %.3f s", name, dt);
	printf("# %s: %.3f s\n", name, dt);
	if (rc != 0) {
		CHECK(t, e.code == rc && e.msg != NULL, "%s: e not filled",
		    name);
		CHECK(t, out.len == 4, "%s: output on failure", name);
	} else if (changed)
		*changed = changed_lines(out.p + 4, out.len - 4);
	pake_buf_free(&out);
	return rc;
}

static void
test_bounds(struct tally *t)
{
	pake_buf a = { 0 }, b = { 0 };
	int rc, n;

	/* Lines a side. */
	numbered(&a, "", PAKE_DIFF_MAX_LINES + 1);
	rc = timed(t, "100,001 lines vs none", &a, &b, 1.0, NULL);
	CHECK(t, rc == PAKE_ETOOBIG, "100,001 lines: rc %d", rc);
	rc = timed(t, "none vs 100,001 lines", &b, &a, 1.0, NULL);
	CHECK(t, rc == PAKE_ETOOBIG, "100,001 lines: rc %d", rc);
	pake_buf_free(&a);
	numbered(&a, "", PAKE_DIFF_MAX_LINES - 1);
	pake_buf_puts(&b, "x\n");
	pake_buf_put(&b, a.p, a.len);
	rc = timed(t, "99,999 lines vs 100,000", &a, &b, 1.0, &n);
	CHECK(t, rc == 0 && n == 1, "100,000 lines: rc %d, %d changed", rc,
	    n);
	pake_buf_free(&a);
	pake_buf_free(&b);

	/* Nothing in common: the lower bound decides at once. */
	numbered(&a, "a", 30000);
	numbered(&b, "b", 30000);
	rc = timed(t, "30,000 vs 30,000 different lines", &a, &b, 1.0, NULL);
	CHECK(t, rc == PAKE_ETOOBIG, "30,000 different: rc %d", rc);
	pake_buf_free(&a);
	pake_buf_free(&b);
	numbered(&a, "a", PAKE_DIFF_MAX_D / 2);
	numbered(&b, "b", PAKE_DIFF_MAX_D / 2);
	rc = timed(t, "D = MAX_D, nothing in common", &a, &b, 1.0, &n);
	CHECK(t, rc == 0 && n == PAKE_DIFF_MAX_D, "D = MAX_D: rc %d, %d", rc,
	    n);
	pake_buf_puts(&b, "one more\n");
	rc = timed(t, "D = MAX_D + 1, nothing in common", &a, &b, 1.0, NULL);
	CHECK(t, rc == PAKE_ETOOBIG, "D = MAX_D + 1: rc %d", rc);
	pake_buf_free(&a);
	pake_buf_free(&b);

	/* Same lines, other order: only the search can tell. */
	for (n = 0; n < 15000; n++)
		pake_buf_puts(&a, "x\n");
	for (n = 0; n < 15000; n++)
		pake_buf_puts(&a, "y\n");
	pake_buf_put(&b, a.p + a.len / 2, a.len / 2);
	pake_buf_put(&b, a.p, a.len / 2);
	rc = timed(t, "x^15000 y^15000 vs y^15000 x^15000", &a, &b, 5.0,
	    NULL);
	CHECK(t, rc == PAKE_ETOOBIG, "swapped halves: rc %d", rc);
	pake_buf_free(&a);
	pake_buf_free(&b);
	for (n = 0; n < 9000; n++)
		pake_buf_puts(&a, "x\n");
	for (n = 0; n < 9000; n++)
		pake_buf_puts(&a, "y\n");
	pake_buf_put(&b, a.p + a.len / 2, a.len / 2);
	pake_buf_put(&b, a.p, a.len / 2);
	rc = timed(t, "x^9000 y^9000 vs y^9000 x^9000", &a, &b, 5.0, &n);
	CHECK(t, rc == 0 && n == 18000, "x^9000 y^9000: rc %d, %d changed",
	    rc, n);
	pake_buf_free(&a);
	pake_buf_free(&b);
}

int
main(void)
{
	struct tally t = { 0, 0 };

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (system("diff --version >/dev/null && patch --version >/dev/null")
	    != 0) {
		CHECK(&t, 0, "GNU diff and patch are needed");
	} else {
		test_cases(&t);
		test_random(&t);
	}
	test_bounds(&t);
	printf("# %d the same bytes as GNU diff, %d another minimal diff\n",
	    nexact, nsame_size);
	run("rm -f a b gnu mine out%s", "");
	rmdir(dir);
	printf("%d passed, %d failed\n", t.pass, t.fail);
	return t.fail == 0 ? 0 : 1;
}
