/*
 * diff.c: a unified diff of two texts, line by line (pake-note diff).
 *
 * The design, in five steps:
 *
 * 1. Lines.  A line is its bytes up to and including '\n'; the last one may
 *    lack it.  "x" and "x\n" are therefore different lines, and CR or NUL
 *    are bytes like any other.  More than PAKE_DIFF_MAX_LINES a side is
 *    refused before anything else is allocated.
 *
 * 2. Classes.  Every line gets the number of its class (equal bytes, equal
 *    number) through one hash table over both texts, so that the search
 *    compares integers.  The counts of each class bound the edit distance
 *    from below: every line of a class beyond the other side's count must
 *    go, so D >= sum |countA(c) - countB(c)|.  Above PAKE_DIFF_MAX_D, the
 *    answer is PAKE_ETOOBIG in linear time; two texts with nothing in common
 *    never reach the search.  A line whose class the other side lacks can
 *    be in no common subsequence: it is marked changed and left out of the
 *    search, which leaves the longest common subsequence (and so the
 *    minimality of the result) as it was.
 *
 * 3. The search: Myers' O(ND) algorithm in its linear-space form.  On the
 *    remaining sequences A (n) and B (m), after stripping their common head
 *    and tail, a forward search from (0,0) and a backward one from (n,m)
 *    each keep, per diagonal k = x - y, the furthest x a path of d edits
 *    reaches.  Both grow d by one in turn until a forward path and a
 *    backward path overlap on a diagonal; then the edit distance is D =
 *    2d - 1 (overlap found forward, n - m odd) or 2d (found backward, even),
 *    and the last snake of the overlapping path lies on a minimal path.  Its
 *    two sides are solved the same way, each with at most ceil(D/2) edits,
 *    so the recursion is about log2(D) deep.  The diagonal arrays hold
 *    PAKE_DIFF_MAX_D/2 + 2 entries each way and are shared by every level;
 *    the top level gives up once d passes half the bound that is left.
 *    Paths may step outside the rectangle (x > n, or y < 0 backward); read
 *    as the rectangle in an unbounded grid where nothing outside matches,
 *    those paths can never end at the far corner, so an overlap, which
 *    lies on a minimal monotone path from (0,0) to (n,m), is always inside.
 *    Time O((n + m) D) at worst, O(n + m + D^2) typically; memory O(n + m).
 *
 * 4. Sliding.  Where a run of changed lines could equally be a run further
 *    down (the line after it equals its first line), it is moved down as far
 *    as it goes, merging with the runs it meets, as diff(1) mostly does: a
 *    duplicated line reads as the later copy being added.
 *
 * 5. Output.  The flags are walked into changes (delete i..i+del, insert
 *    j..j+ins), changes less than 2 * PAKE_DIFF_CONTEXT + 1 common lines
 *    apart share a hunk, and each hunk is printed as GNU diff -u prints it:
 *    "@@ -l,s +l,s @@", ",1" left out, an empty side "-0,0"; context, then
 *    each change's '-' lines before its '+' lines.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pake/diff.h"
#include "pake/util.h"

#define MSG_TOOBIG	"The texts are too large or too different to compare"

/* One side: its text, its lines and what becomes of them. */
struct side {
	const char *p;
	size_t len;
	int n;			/* lines */
	size_t *off;		/* line i is p[off[i] .. off[i+1]) */
	int *cls;		/* class of each line */
	unsigned char *ch;	/* 1 when the line is deleted / inserted */
	int *idx;		/* lines that take part in the search */
	int *seq;		/* their classes */
	int ns;			/* how many */
};

/* The search's shared state. */
struct search {
	const int *a, *b;	/* class sequences */
	unsigned char *cha, *chb;	/* their flags (by sequence position) */
	int *vf, *vb;		/* diagonal arrays, centred */
	int dlimit;		/* the most d either search may reach */
};

/* Lines in p[0..len): the '\n's, plus one for an unterminated tail. */
static size_t
count_lines(const char *p, size_t len)
{
	size_t n = 0;
	const char *q = p, *end = p + len;

	while (q < end && (q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
		n++;
		q++;
	}
	if (len > 0 && p[len - 1] != '\n')
		n++;
	return n;
}

static void
split_lines(struct side *s)
{
	size_t i = 0, at = 0;
	const char *q;

	while (at < s->len) {
		s->off[i++] = at;
		q = memchr(s->p + at, '\n', s->len - at);
		at = q ? (size_t)(q - s->p) + 1 : s->len;
	}
	assert(i == (size_t)s->n);
	s->off[i] = s->len;
}

static uint64_t
hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

/* Give every line of both sides its class; cnt[2*c] and cnt[2*c+1] count
 * class c in a and in b.  Returns the number of classes, or -1 on out of
 * memory. */
static int
classify(struct side *sa, struct side *sb, int **cntp)
{
	struct side *sides[2] = { sa, sb };
	size_t size = 1, total = (size_t)sa->n + (size_t)sb->n;
	int *table, *cnt, ncls = 0, w, i;
	const char **rp;
	size_t *rn;
	uint64_t *rh;

	while (size < 2 * total + 1)
		size <<= 1;
	table = malloc(size * sizeof *table);
	rp = malloc((total + 1) * sizeof *rp);
	rn = malloc((total + 1) * sizeof *rn);
	rh = malloc((total + 1) * sizeof *rh);
	cnt = calloc(2 * total + 2, sizeof *cnt);
	if (!table || !rp || !rn || !rh || !cnt) {
		free(table), free(rp), free(rn), free(rh), free(cnt);
		return -1;
	}
	memset(table, 0xff, size * sizeof *table);	/* -1: empty */
	for (w = 0; w < 2; w++) {
		struct side *s = sides[w];

		for (i = 0; i < s->n; i++) {
			const char *lp = s->p + s->off[i];
			size_t ln = s->off[i + 1] - s->off[i];
			uint64_t h = hash_bytes(lp, ln);
			size_t slot = (size_t)h & (size - 1);
			int c;

			while ((c = table[slot]) >= 0 && !(rh[c] == h &&
			    rn[c] == ln && memcmp(rp[c], lp, ln) == 0))
				slot = (slot + 1) & (size - 1);
			if (c < 0) {
				c = table[slot] = ncls++;
				rp[c] = lp, rn[c] = ln, rh[c] = h;
			}
			s->cls[i] = c;
			cnt[2 * c + w]++;
		}
	}
	free(table), free(rp), free(rn), free(rh);
	*cntp = cnt;
	return ncls;
}

/*
 * The middle snake of a[0..n) and b[0..m) (both non-empty, and differing
 * at both ends): on return *x0,*y0 .. *x1,*y1 is a snake of a minimal path
 * and the result is that path's number of edits, or -1 when it needs d
 * beyond s->dlimit.
 */
static int
middle_snake(struct search *s, const int *a, int n, const int *b, int m,
    int *x0, int *y0, int *x1, int *y1)
{
	int *vf = s->vf, *vb = s->vb;	/* centred: index -dlimit-1 .. +1 */
	int delta = n - m, odd = delta & 1;
	int d, k, x, y, xs, ys;

	for (d = 0; d <= s->dlimit; d++) {
		/* Forward: vf[k] = furthest x on diagonal k with d edits. */
		for (k = d; k >= -d; k -= 2) {
			if (d == 0)
				x = 0;
			else if (k == -d || (k != d && vf[k - 1] < vf[k + 1]))
				x = vf[k + 1];		/* down: insert b[y] */
			else
				x = vf[k - 1] + 1;	/* right: delete a[x] */
			y = x - k;
			xs = x, ys = y;
			while (x < n && y < m && a[x] == b[y])
				x++, y++;
			vf[k] = x;
			if (odd && k - delta >= -(d - 1) && k - delta <= d - 1 &&
			    x >= vb[k - delta]) {
				*x0 = xs, *y0 = ys, *x1 = x, *y1 = y;
				return 2 * d - 1;
			}
		}
		/* Backward: vb[k] = least x on diagonal delta + k. */
		for (k = d; k >= -d; k -= 2) {
			if (d == 0)
				x = n;
			else if (k == -d || (k != d && vb[k + 1] - 1 < vb[k - 1]))
				x = vb[k + 1] - 1;	/* left: delete a[x] */
			else
				x = vb[k - 1];		/* up: insert b[y] */
			y = x - (k + delta);
			xs = x, ys = y;
			while (x > 0 && y > 0 && a[x - 1] == b[y - 1])
				x--, y--;
			vb[k] = x;
			if (!odd && k + delta >= -d && k + delta <= d &&
			    x <= vf[k + delta]) {
				*x0 = x, *y0 = y, *x1 = xs, *y1 = ys;
				return 2 * d;
			}
		}
	}
	return -1;
}

/* Mark the lines of a[ao..ao+n) and b[bo..bo+m) that a minimal diff changes.
 * Returns the edit distance, or -1 when the search passes its limit (only
 * possible at the top: a part of a solved problem needs fewer edits). */
static int
compare(struct search *s, int ao, int n, int bo, int m)
{
	int x0, y0, x1, y1, d, r;

	while (n > 0 && m > 0 && s->a[ao] == s->b[bo])
		ao++, bo++, n--, m--;
	while (n > 0 && m > 0 && s->a[ao + n - 1] == s->b[bo + m - 1])
		n--, m--;
	if (n == 0 || m == 0) {
		memset(s->cha + ao, 1, (size_t)n);
		memset(s->chb + bo, 1, (size_t)m);
		return n + m;
	}
	d = middle_snake(s, s->a + ao, n, s->b + bo, m, &x0, &y0, &x1, &y1);
	if (d < 0)
		return -1;
	/* Differing ends: at least one edit at each, so D >= 2 and both
	 * parts are smaller problems; the snake lies in the rectangle. */
	assert(d >= 2);
	assert(0 <= x0 && x0 <= x1 && x1 <= n && 0 <= y0 && y0 <= y1 &&
	    y1 <= m && x1 - x0 == y1 - y0);
	r = compare(s, ao, x0, bo, y0);
	assert(r >= 0 && r < d);
	r += compare(s, ao + x1, n - x1, bo + y1, m - y1);
	assert(r == d);
	return d;
}

/*
 * Move each run of changed lines of one side (cls, ch, n) where diff(1)
 * would put it; the other side's flags (och, on) stay as they are.  A run
 * [s,e) may move up by one when the line before it equals its last line,
 * and down by one when the line after it equals its first: the unchanged
 * line crosses the run, keeps its partner on the other side, and the diff
 * stays as short.  Each run is moved up as far as it goes, then down as
 * far as it goes, merging with the runs it meets, until it stops growing;
 * then it is moved back up to the lowest place where it faces changed
 * lines of the other side (so that a deletion and an insertion form one
 * change), if it passed one.  Unchanged lines pair up by rank: the r-th
 * unchanged line of one side with the r-th of the other, so a run with r
 * unchanged lines before it faces the other side's gap between its
 * unchanged lines r-1 and r.
 */
static int
slide(const int *cls, unsigned char *ch, int n, const unsigned char *och,
    int on)
{
	int *ub, nu = 0, s, e, r = 0, len, corr, i;

	/* ub[r + 1]: where the other side's r-th unchanged line is. */
	if ((ub = malloc(((size_t)on + 2) * sizeof *ub)) == NULL)
		return -1;
	ub[0] = -1;
	for (i = 0; i < on; i++)
		if (!och[i])
			ub[++nu] = i;
	ub[nu + 1] = on;
#define FACES(r)	(ub[(r) + 1] - ub[(r)] > 1)
	s = 0;
	while (s < n) {
		if (!ch[s]) {
			s++, r++;
			continue;
		}
		for (e = s; e < n && ch[e]; e++)
			;
		do {
			len = e - s;
			while (s > 0 && cls[s - 1] == cls[e - 1]) {
				ch[--s] = 1, ch[--e] = 0, r--;
				while (s > 0 && ch[s - 1])
					s--;
			}
			corr = FACES(r) ? e : -1;
			while (e < n && cls[s] == cls[e]) {
				ch[s++] = 0, ch[e++] = 1, r++;
				while (e < n && ch[e])
					e++;
				if (FACES(r))
					corr = e;
			}
		} while (e - s != len);
		while (corr >= 0 && e > corr)
			ch[--s] = 1, ch[--e] = 0, r--;
		assert(r >= 0 && r <= nu);
		s = e;
	}
#undef FACES
	assert(r == nu);
	free(ub);
	return 0;
}

/* One change: delete a[i..i+del), insert b[j..j+ins) in its place. */
struct change {
	int i, j, del, ins;
};

static void
put_line(pake_buf *out, char mark, const struct side *s, int i)
{
	size_t from = s->off[i], to = s->off[i + 1];

	pake_buf_putc(out, mark);
	pake_buf_put(out, s->p + from, to - from);
	if (to == from || s->p[to - 1] != '\n')
		pake_buf_puts(out, "\n\\ No newline at end of file\n");
}

/* "l,s" as diff -u writes a range of count lines from line start (0-based). */
static void
put_range(pake_buf *out, int start, int count)
{
	if (count == 0)
		pake_buf_printf(out, "%d,0", start);
	else if (count == 1)
		pake_buf_printf(out, "%d", start + 1);
	else
		pake_buf_printf(out, "%d,%d", start + 1, count);
}

static void
put_hunks(pake_buf *out, const struct side *sa, const struct side *sb,
    const struct change *c, int nc)
{
	const int ctx = PAKE_DIFF_CONTEXT;
	int h = 0, last, i0, i1, j0, pre, post, k, i, j;

	while (h < nc) {
		/* The changes of this hunk: c[h..last]. */
		for (last = h; last + 1 < nc && c[last + 1].i -
		    (c[last].i + c[last].del) < 2 * ctx + 1; last++)
			;
		pre = c[h].i - (h > 0 ? c[h - 1].i + c[h - 1].del : 0);
		pre = pre < ctx ? pre : ctx;
		i1 = c[last].i + c[last].del;
		post = sa->n - i1 < ctx ? sa->n - i1 : ctx;
		i0 = c[h].i - pre;
		j0 = c[h].j - pre;
		pake_buf_puts(out, "@@ -");
		put_range(out, i0, i1 + post - i0);
		pake_buf_puts(out, " +");
		put_range(out, j0, c[last].j + c[last].ins + post - j0);
		pake_buf_puts(out, " @@\n");
		i = i0;
		for (k = h; k <= last; k++) {
			for (; i < c[k].i; i++)
				put_line(out, ' ', sa, i);
			for (; i < c[k].i + c[k].del; i++)
				put_line(out, '-', sa, i);
			for (j = c[k].j; j < c[k].j + c[k].ins; j++)
				put_line(out, '+', sb, j);
		}
		for (; i < i1 + post; i++)
			put_line(out, ' ', sa, i);
		h = last + 1;
	}
}

static void
side_free(struct side *s)
{
	free(s->off), free(s->cls), free(s->ch), free(s->idx), free(s->seq);
}

static int
side_alloc(struct side *s)
{
	size_t n = (size_t)s->n + 1;

	s->off = malloc(n * sizeof *s->off);
	s->cls = malloc(n * sizeof *s->cls);
	s->ch = calloc(n, 1);
	s->idx = malloc(n * sizeof *s->idx);
	s->seq = malloc(n * sizeof *s->seq);
	return s->off && s->cls && s->ch && s->idx && s->seq ? 0 : -1;
}

int
pake_diff(const char *a, size_t alen, const char *b, size_t blen,
    const char *aname, const char *bname, pake_buf *out, pake_err *e)
{
	struct side sa = { .p = a, .len = alen }, sb = { .p = b, .len = blen };
	struct side *sides[2] = { &sa, &sb };
	struct search s = { 0 };
	struct change *c = NULL;
	unsigned char *cha = NULL, *chb = NULL;
	int *cnt = NULL, *vf = NULL, *vb = NULL;
	int ncls, w, i, j, nc, lower, removed, d, rc = 0;
	size_t na, nb, vsize;

	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return 0;
	na = count_lines(a, alen);
	nb = count_lines(b, blen);
	if (na > PAKE_DIFF_MAX_LINES || nb > PAKE_DIFF_MAX_LINES)
		return pake_fail(e, PAKE_ETOOBIG, MSG_TOOBIG,
		    "diff: %zu and %zu lines (at most %d a side)", na, nb,
		    PAKE_DIFF_MAX_LINES);
	sa.n = (int)na, sb.n = (int)nb;
	if (side_alloc(&sa) != 0 || side_alloc(&sb) != 0)
		goto nomem;
	split_lines(&sa);
	split_lines(&sb);
	if ((ncls = classify(&sa, &sb, &cnt)) < 0)
		goto nomem;

	/* The lower bound, and the lines that cannot match. */
	lower = 0;
	for (i = 0; i < ncls; i++)
		lower += abs(cnt[2 * i] - cnt[2 * i + 1]);
	if (lower > PAKE_DIFF_MAX_D) {
		rc = pake_fail(e, PAKE_ETOOBIG, MSG_TOOBIG,
		    "diff: edit distance at least %d (at most %d)", lower,
		    PAKE_DIFF_MAX_D);
		goto done;
	}
	removed = 0;
	for (w = 0; w < 2; w++) {
		struct side *t = sides[w];

		for (i = 0; i < t->n; i++) {
			if (cnt[2 * t->cls[i] + !w] == 0) {
				t->ch[i] = 1;
				removed++;
				continue;
			}
			t->idx[t->ns] = i;
			t->seq[t->ns++] = t->cls[i];
		}
	}
	assert(removed <= lower);

	/* The search, within what the bound leaves. */
	s.dlimit = (PAKE_DIFF_MAX_D - removed + 1) / 2;
	vsize = 2 * (size_t)s.dlimit + 3;
	vf = malloc(vsize * sizeof *vf);
	vb = malloc(vsize * sizeof *vb);
	cha = calloc((size_t)sa.ns + 1, 1);
	chb = calloc((size_t)sb.ns + 1, 1);
	if (!vf || !vb || !cha || !chb)
		goto nomem;
	s.a = sa.seq, s.b = sb.seq, s.cha = cha, s.chb = chb;
	s.vf = vf + s.dlimit + 1, s.vb = vb + s.dlimit + 1;
	d = compare(&s, 0, sa.ns, 0, sb.ns);
	if (d < 0 || d + removed > PAKE_DIFF_MAX_D) {
		rc = pake_fail(e, PAKE_ETOOBIG, MSG_TOOBIG,
		    "diff: edit distance above %d", PAKE_DIFF_MAX_D);
		goto done;
	}
	for (i = 0; i < sa.ns; i++)
		sa.ch[sa.idx[i]] = cha[i];
	for (i = 0; i < sb.ns; i++)
		sb.ch[sb.idx[i]] = chb[i];
	if (slide(sa.cls, sa.ch, sa.n, sb.ch, sb.n) != 0 ||
	    slide(sb.cls, sb.ch, sb.n, sa.ch, sa.n) != 0)
		goto nomem;

	/* The changes, at most one per common line plus one. */
	if ((c = malloc(((size_t)sa.n + 2) * sizeof *c)) == NULL)
		goto nomem;
	nc = 0, i = 0, j = 0;
	while (i < sa.n || j < sb.n) {
		if (i < sa.n && j < sb.n && !sa.ch[i] && !sb.ch[j]) {
			assert(sa.cls[i] == sb.cls[j]);
			i++, j++;
			continue;
		}
		c[nc].i = i, c[nc].j = j;
		while (i < sa.n && sa.ch[i])
			i++;
		while (j < sb.n && sb.ch[j])
			j++;
		c[nc].del = i - c[nc].i, c[nc].ins = j - c[nc].j;
		/* Unchanged lines pair up in order, so the walk never
		 * stalls with one side used up. */
		assert(c[nc].del + c[nc].ins > 0);
		nc++;
	}
	assert(nc > 0);

	pake_buf_printf(out, "--- %s\n+++ %s\n", aname, bname);
	put_hunks(out, &sa, &sb, c, nc);
	if (out->oom)
		goto nomem;
	goto done;
nomem:
	rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, "diff: %zu and %zu "
	    "bytes", alen, blen);
done:
	side_free(&sa);
	side_free(&sb);
	free(cnt), free(vf), free(vb), free(cha), free(chb), free(c);
	return rc;
}
