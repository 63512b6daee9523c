/*
 * query.c: the user's search text, turned into FTS5 expressions that can
 * never be an FTS5 syntax error (ARCHITECTURE.md §3).
 *
 * The idea: user text never reaches FTS5 as syntax.  The input is cut into
 * terms (plain words, "phrases", -excluded terms, OR, tag:x, type:X) and
 * every term that reaches FTS5 is an FTS5 string literal, "..." with any
 * inner quote doubled.  Inside a string literal FTS5 only tokenizes, so
 * *, ^, :, (, ), {, }, +, NEAR, AND, NOT and column names are plain text:
 * "title:x" is the phrase title x, never a column filter.
 *
 * The one thing a string literal can be is empty of tokens.  FTS5 does not
 * fail on that, but such a phrase matches nothing on its own and is silently
 * skipped inside an AND, so a term holding no letter or digit ("*", "(",
 * "--", "—", an emoji) is dropped here instead.  Whether a character is a
 * token character is decided by the unicode61 tokenizer, whose tables we do
 * not have; ASCII is exact, and beyond ASCII a character counts as a token
 * character unless it lies in a short list of blocks that unicode61 treats
 * as separators as a whole.  Erring that way only ever keeps a term that
 * FTS5 then ignores; it never drops one the user meant.
 *
 * The output, for the caller to run as
 *	rowid IN (... MATCH match) AND rowid NOT IN (... MATCH exclude):
 *	match	the AND of groups, each group a single "term" or
 *		( "a" OR "b" ); FTS5's implicit AND (a space) joins two single
 *		terms, but it is a syntax error next to a parenthesis, so an
 *		OR group is joined with an explicit AND:
 *		"a" AND ( "b" OR "c" ) AND "d" "e"*.  The last term of the
 *		query, when it is a plain word ending in a token character,
 *		carries a prefix star: "wor"*
 *	exclude	"x" OR "y phrase"
 *
 * Every input is bounded: PAKE_QUERY_MAX_BYTES of input, PAKE_QUERY_MAX_TERMS
 * terms kept (the rest ignored), PAKE_QUERY_MAX_TERM bytes of each term.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pake/query.h"
#include "pake/util.h"

/* What one lexed token is. */
enum {
	TOK_END,	/* no more input */
	TOK_DROP,	/* nothing usable: "-", "*", "tag:", "(" */
	TOK_OR,		/* the word OR */
	TOK_POS,	/* a word or phrase every hit must match */
	TOK_NEG,	/* -word or -"phrase" */
	TOK_TAG,	/* tag:x */
	TOK_TYPE	/* type:X */
};

/* A slice of the input. */
struct slice {
	const char *s;
	size_t n;
};

struct token {
	int kind;	/* TOK_* */
	struct slice v;	/* the term's text, already truncated */
	int plain;	/* an unquoted word (may take the prefix star) */
};

/* A positive term and how it joins the one before it. */
struct pos {
	struct slice v;
	int joined;	/* OR-ed with the previous positive term */
};

/* Everything kept from one query, still pointing into the input. */
struct parsed {
	struct pos pos[PAKE_QUERY_MAX_TERMS];
	struct slice neg[PAKE_QUERY_MAX_TERMS];
	struct slice tag[PAKE_QUERY_MAX_TERMS];
	struct slice type[PAKE_QUERY_MAX_TERMS];
	size_t npos, nneg, ntag, ntype;
	int star;	/* the last positive term takes a prefix star */
};

/*
 * Code points above ASCII that unicode61 (SQLite 3.40's tables, Unicode 6.1)
 * never puts in a token: every point of every range here is a separator.
 * Sorted.  tests/unit/test_query.c checks each against the real tokenizer.
 */
static const struct {
	uint32_t lo, hi;
} nontoken[] = {
	{ 0x0080, 0x00A9 },	/* C1 controls, no-break space, ¡ ¢ £ § © */
	{ 0x00AB, 0x00B1 },	/* « ¬ ® ¯ ° ± */
	{ 0x00B4, 0x00B4 },	/* ´ */
	{ 0x00B6, 0x00B8 },	/* ¶ · ¸ */
	{ 0x00BB, 0x00BB },	/* » */
	{ 0x00BF, 0x00BF },	/* ¿ */
	{ 0x00D7, 0x00D7 },	/* × */
	{ 0x00F7, 0x00F7 },	/* ÷ */
	{ 0x0300, 0x036F },	/* combining diacritical marks */
	{ 0x2000, 0x2064 },	/* general punctuation: — … “ ” • ‰ ZWJ */
	{ 0x206A, 0x206F },
	{ 0x20A0, 0x20B9 },	/* currency: € ₹ */
	{ 0x20D0, 0x20F0 },	/* combining marks for symbols */
	{ 0x2190, 0x23F3 },	/* arrows, mathematical operators, technical */
	{ 0x2500, 0x26FF },	/* box drawing, shapes, miscellaneous symbols */
	{ 0x2701, 0x2775 },	/* dingbats */
	{ 0x2794, 0x2B4C },	/* dingbats, arrows, braille, symbols */
	{ 0x3000, 0x3004 },	/* CJK space and punctuation: 、 。 */
	{ 0x3008, 0x3020 },	/* CJK brackets: 「 」 【 】 */
	{ 0xFE00, 0xFE0F },	/* variation selectors */
	{ 0x1F1E6, 0x1F1FF },	/* regional indicators (flags) */
	{ 0x1F300, 0x1F320 },	/* emoji */
	{ 0x1F337, 0x1F37C },
	{ 0x1F380, 0x1F393 },
	{ 0x1F3A0, 0x1F3C4 },
	{ 0x1F3E0, 0x1F3F0 },
	{ 0x1F400, 0x1F43E },
	{ 0x1F442, 0x1F4F7 },
	{ 0x1F500, 0x1F53D },
	{ 0x1F5FB, 0x1F640 },
	{ 0x1F680, 0x1F6C5 },
	{ 0xE0020, 0xE007F },	/* tag characters */
	{ 0xE0100, 0xE01EF },	/* variation selectors supplement */
};

/* 1 when unicode61 may put code point c in a token. */
static int
token_cp(uint32_t c)
{
	size_t i;

	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z');
	for (i = 0; i < sizeof nontoken / sizeof nontoken[0]; i++) {
		if (c < nontoken[i].lo)
			break;
		if (c <= nontoken[i].hi)
			return 0;
	}
	return 1;
}

/* Decode the (already validated) character at p; returns its length. */
static size_t
decode(const char *p, const char *end, uint32_t *c)
{
	size_t k;

	k = pake_utf8_decode(p, (size_t)(end - p), c);
	assert(k > 0);
	return k ? k : 1;
}

/* The length of the character at p. */
static size_t
char_len(const char *p, const char *end)
{
	uint32_t c;

	if ((unsigned char)*p < 0x80)
		return 1;
	return decode(p, end, &c);
}

/* The length of the whitespace character at p, or 0 when p is not one.
 * Unicode spaces separate terms too, so "a<ideographic space>b" is two. */
static size_t
space_len(const char *p, const char *end)
{
	uint32_t c;
	size_t k;

	if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		return 1;
	if ((unsigned char)*p < 0x80)
		return 0;
	k = decode(p, end, &c);
	if (c == 0x85 || c == 0xA0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
	    c == 0x202F || c == 0x205F || c == 0x3000)
		return k;
	return 0;
}

/* 1 when v holds at least one token character. */
static int
has_token(struct slice v)
{
	const char *p = v.s, *end = v.s + v.n;
	uint32_t c;

	while (p < end) {
		p += decode(p, end, &c);
		if (token_cp(c))
			return 1;
	}
	return 0;
}

/* 1 when v ends in a token character (so a prefix star means something). */
static int
ends_in_token(struct slice v)
{
	const char *p = v.s + v.n;
	uint32_t c;

	if (v.n == 0)
		return 0;
	do
		p--;
	while (p > v.s && ((unsigned char)*p & 0xC0) == 0x80);
	decode(p, v.s + v.n, &c);
	return token_cp(c);
}

/* Cut v to at most PAKE_QUERY_MAX_TERM bytes, on a character boundary. */
static struct slice
truncate_term(struct slice v)
{
	size_t n = PAKE_QUERY_MAX_TERM;

	if (v.n <= n)
		return v;
	while (n > 0 && ((unsigned char)v.s[n] & 0xC0) == 0x80)
		n--;
	v.n = n;
	return v;
}

/* 1 when the n bytes at s start with the ASCII word pre, in any case. */
static int
prefix_ci(const char *s, size_t n, const char *pre)
{
	size_t i, len = strlen(pre);

	if (n < len)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != pre[i])
			return 0;
	}
	return 1;
}

/* Classify an unquoted word w (positive unless neg). */
static void
classify_word(struct slice w, int neg, struct token *t)
{
	t->plain = 1;
	t->v = w;
	if (!neg && w.n == 2 && w.s[0] == 'O' && w.s[1] == 'R') {
		t->kind = TOK_OR;
		return;
	}
	if (!neg && prefix_ci(w.s, w.n, "tag:")) {
		t->v.s += 4;
		t->v.n -= 4;
		if (t->v.n > 0 && t->v.s[0] == '#') {
			t->v.s++;
			t->v.n--;
		}
		t->kind = t->v.n ? TOK_TAG : TOK_DROP;
		return;
	}
	if (!neg && prefix_ci(w.s, w.n, "type:")) {
		t->v.s += 5;
		t->v.n -= 5;
		t->kind = t->v.n ? TOK_TYPE : TOK_DROP;
		return;
	}
	t->kind = neg ? TOK_NEG : TOK_POS;
}

/* Read the token at p into t; returns where the next one starts. */
static const char *
lex(const char *p, const char *end, struct token *t)
{
	const char *start;
	size_t k;
	int neg = 0;

	memset(t, 0, sizeof *t);
	while (p < end && (k = space_len(p, end)) > 0)
		p += k;
	if (p == end) {
		t->kind = TOK_END;
		return p;
	}
	if (*p == '-') {
		neg = 1;
		p++;
		if (p == end || space_len(p, end) > 0) {
			t->kind = TOK_DROP;	/* a lone "-" */
			return p;
		}
	}
	if (*p == '"') {
		/* A phrase runs to the next quote, or to the end. */
		start = ++p;
		while (p < end && *p != '"')
			p++;
		t->v.s = start;
		t->v.n = (size_t)(p - start);
		t->kind = neg ? TOK_NEG : TOK_POS;
		if (p < end)
			p++;
	} else {
		start = p;
		while (p < end && space_len(p, end) == 0)
			p += char_len(p, end);
		classify_word((struct slice){ start, (size_t)(p - start) },
		    neg, t);
	}
	t->v = truncate_term(t->v);
	if ((t->kind == TOK_POS || t->kind == TOK_NEG) && !has_token(t->v))
		t->kind = TOK_DROP;
	return p;
}

/*
 * Cut q[0..n) into terms.  OR joins two positive terms that stand next to
 * each other (dropped tokens do not count); an OR anywhere else is ignored.
 * Terms past PAKE_QUERY_MAX_TERMS are ignored, but still end any OR chain
 * and take the prefix star away from the last kept term.
 */
static void
split(const char *q, size_t n, struct parsed *pq)
{
	const char *p = q, *end = q + n;
	struct token t;
	size_t kept = 0;
	int prev_pos = 0, pending_or = 0, last_pos_plain = 0;

	memset(pq, 0, sizeof *pq);
	for (;;) {
		p = lex(p, end, &t);
		if (t.kind == TOK_END)
			break;
		if (t.kind == TOK_DROP)
			continue;
		if (t.kind == TOK_OR) {
			if (prev_pos)
				pending_or = 1;
			continue;
		}
		last_pos_plain = 0;
		if (kept == PAKE_QUERY_MAX_TERMS) {
			prev_pos = pending_or = 0;
			continue;
		}
		kept++;
		switch (t.kind) {
		case TOK_POS:
			pq->pos[pq->npos].v = t.v;
			pq->pos[pq->npos].joined = prev_pos && pending_or;
			pq->npos++;
			prev_pos = 1;
			pending_or = 0;
			last_pos_plain = t.plain && ends_in_token(t.v);
			continue;
		case TOK_NEG:
			pq->neg[pq->nneg++] = t.v;
			break;
		case TOK_TAG:
			pq->tag[pq->ntag++] = t.v;
			break;
		case TOK_TYPE:
			pq->type[pq->ntype++] = t.v;
			break;
		}
		prev_pos = pending_or = 0;
	}
	pq->star = last_pos_plain;
}

/* Append v as an FTS5 string literal: "...", inner quotes doubled. */
static void
put_literal(pake_buf *b, struct slice v)
{
	const char *p = v.s, *end = v.s + v.n, *q;

	pake_buf_putc(b, '"');
	while ((q = memchr(p, '"', (size_t)(end - p))) != NULL) {
		pake_buf_put(b, p, (size_t)(q - p));
		pake_buf_puts(b, "\"\"");
		p = q + 1;
	}
	pake_buf_put(b, p, (size_t)(end - p));
	pake_buf_putc(b, '"');
}

/* The match expression, or NULL (with *oom set on allocation failure). */
static char *
build_match(const struct parsed *pq, int *oom)
{
	pake_buf b = {0};
	size_t i;
	int open = 0, group;
	char *s;

	if (pq->npos == 0)
		return NULL;
	for (i = 0; i < pq->npos; i++) {
		if (pq->pos[i].joined) {
			pake_buf_puts(&b, " OR ");
		} else {
			group = i + 1 < pq->npos && pq->pos[i + 1].joined;
			if (open)
				pake_buf_puts(&b, " )");
			/* FTS5 allows the implicit AND only between phrases. */
			if (i > 0)
				pake_buf_puts(&b, open || group ? " AND " : " ");
			if (group)
				pake_buf_puts(&b, "( ");
			open = group;
		}
		put_literal(&b, pq->pos[i].v);
		if (i + 1 == pq->npos && pq->star)
			pake_buf_putc(&b, '*');
	}
	if (open)
		pake_buf_puts(&b, " )");
	if ((s = pake_buf_take(&b)) == NULL)
		*oom = 1;
	return s;
}

/* The exclude expression, or NULL (with *oom set on allocation failure). */
static char *
build_exclude(const struct parsed *pq, int *oom)
{
	pake_buf b = {0};
	size_t i;
	char *s;

	if (pq->nneg == 0)
		return NULL;
	for (i = 0; i < pq->nneg; i++) {
		if (i > 0)
			pake_buf_puts(&b, " OR ");
		put_literal(&b, pq->neg[i]);
	}
	if ((s = pake_buf_take(&b)) == NULL)
		*oom = 1;
	return s;
}

/* Copy n slices into a new array of strings; returns -1 when out of memory. */
static int
copy_list(const struct slice *v, size_t n, char ***out, size_t *nout)
{
	size_t i;

	if (n == 0)
		return 0;
	if ((*out = calloc(n, sizeof **out)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (((*out)[i] = pake_strndup(v[i].s, v[i].n)) == NULL)
			return -1;
		*nout = i + 1;
	}
	return 0;
}

/* Parse q into out; see query.h. */
int
pake_query_parse(const char *q, pake_query *out, pake_err *e)
{
	struct parsed pq;
	size_t n;
	int oom = 0;

	assert(out != NULL);
	memset(out, 0, sizeof *out);
	if (q == NULL)
		return 0;
	n = strnlen(q, PAKE_QUERY_MAX_BYTES + 1);
	if (n > PAKE_QUERY_MAX_BYTES)
		return pake_fail(e, PAKE_EINVAL, NULL,
		    "query longer than %d bytes", PAKE_QUERY_MAX_BYTES);
	if (!pake_utf8_valid(q, n))
		return pake_fail(e, PAKE_EINVAL, NULL,
		    "query is not valid UTF-8");
	split(q, n, &pq);
	out->match = build_match(&pq, &oom);
	out->exclude = build_exclude(&pq, &oom);
	if (oom || copy_list(pq.tag, pq.ntag, &out->tags, &out->ntags) ||
	    copy_list(pq.type, pq.ntype, &out->types, &out->ntypes)) {
		pake_query_free(out);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
		    "parsing a query");
	}
	return 0;
}

/* Free everything parse allocated and zero q. */
void
pake_query_free(pake_query *q)
{
	size_t i;

	if (q == NULL)
		return;
	free(q->match);
	free(q->exclude);
	for (i = 0; i < q->ntags; i++)
		free(q->tags[i]);
	free(q->tags);
	for (i = 0; i < q->ntypes; i++)
		free(q->types[i]);
	free(q->types);
	memset(q, 0, sizeof *q);
}
