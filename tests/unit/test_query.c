/*
 * test_query.c: unit test for query.c, the search syntax.
 *
 * Three parts: the exact FTS5 expressions a table of inputs produces; the
 * limits (length, UTF-8, term count, term length); and an in-memory FTS5
 * table of the real shape, against which every expression produced from a
 * long list of hostile and random inputs must run without an SQLite error,
 * and a few searches must find what they should.  Prints "N passed, N
 * failed"; exits 0 only when nothing failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "pake/query.h"
#include "pake/util.h"
#include "unit.h"


/* NULL-safe string equality. */
static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static const char *
show(const char *s)
{
	return s ? s : "(null)";
}

/* Parse q and compare match and exclude with the expected strings. */
static void
expect(struct tally *t, const char *q, const char *match, const char *exclude)
{
	pake_query pq;
	pake_err e = {0};
	int rc;

	rc = pake_query_parse(q, &pq, &e);
	CHECK(t, rc == 0, "[%s]: rc %d", q, rc);
	CHECK(t, same(pq.match, match), "[%s]: match %s, want %s", q,
	    show(pq.match), show(match));
	CHECK(t, same(pq.exclude, exclude), "[%s]: exclude %s, want %s", q,
	    show(pq.exclude), show(exclude));
	pake_query_free(&pq);
}

/* Inputs and the exact expressions they give. */
static const struct {
	const char *q, *match, *exclude;
} exprs[] = {
	{ "hello world", "\"hello\" \"world\"*", NULL },
	{ "hello", "\"hello\"*", NULL },
	{ "C++", "\"C++\"", NULL },
	{ "c++ templates", "\"c++\" \"templates\"*", NULL },
	{ "don't", "\"don't\"*", NULL },
	{ "\"exact phrase\"", "\"exact phrase\"", NULL },
	{ "a \"exact phrase\"", "\"a\" \"exact phrase\"", NULL },
	{ "foo-bar", "\"foo-bar\"*", NULL },
	{ "a/b", "\"a/b\"*", NULL },
	{ "*", NULL, NULL },
	{ "(", NULL, NULL },
	{ ")", NULL, NULL },
	{ "-", NULL, NULL },
	{ "\"", NULL, NULL },
	{ "\"\"", NULL, NULL },
	{ "\"*\"", NULL, NULL },
	{ "-\"\"", NULL, NULL },
	{ "+++", NULL, NULL },
	{ "* ( ) - \" +++ ^ :", NULL, NULL },
	{ "NEAR", "\"NEAR\"*", NULL },
	{ "AND", "\"AND\"*", NULL },
	{ "NOT", "\"NOT\"*", NULL },
	{ "a AND b", "\"a\" \"AND\" \"b\"*", NULL },
	{ "a NOT b", "\"a\" \"NOT\" \"b\"*", NULL },
	{ "NEAR(a b)", "\"NEAR(a\" \"b)\"", NULL },
	{ "ünïcödé", "\"ünïcödé\"*", NULL },
	{ "", NULL, NULL },
	{ "   \t\r\n ", NULL, NULL },
	{ "a OR b", "( \"a\" OR \"b\"* )", NULL },
	{ "a b OR c d", "\"a\" AND ( \"b\" OR \"c\" ) AND \"d\"*",
	    NULL },
	{ "a b c OR d e f", "\"a\" \"b\" AND ( \"c\" OR \"d\" ) AND "
	    "\"e\" \"f\"*", NULL },
	{ "a OR b OR c", "( \"a\" OR \"b\" OR \"c\"* )", NULL },
	{ "a OR b c OR d",
	    "( \"a\" OR \"b\" ) AND ( \"c\" OR \"d\"* )",
	    NULL },
	{ "\"x y\" OR z", "( \"x y\" OR \"z\"* )", NULL },
	{ "a or b", "\"a\" \"or\" \"b\"*", NULL },
	{ "a Or b", "\"a\" \"Or\" \"b\"*", NULL },
	{ "OR a", "\"a\"*", NULL },
	{ "a OR", "\"a\"*", NULL },
	{ "OR a OR", "\"a\"*", NULL },
	{ "OR", NULL, NULL },
	{ "OR OR OR", NULL, NULL },
	{ "a OR OR b", "( \"a\" OR \"b\"* )", NULL },
	{ "a OR * b", "( \"a\" OR \"b\"* )", NULL },
	{ "a OR -x b", "\"a\" \"b\"*", "\"x\"" },
	{ "a -x OR b", "\"a\" \"b\"*", "\"x\"" },
	{ "a OR tag:t b", "\"a\" \"b\"*", NULL },
	{ "\"OR\"", "\"OR\"", NULL },
	{ "-x y", "\"y\"*", "\"x\"" },
	{ "y -x", "\"y\"", "\"x\"" },
	{ "-x", NULL, "\"x\"" },
	{ "-foo -\"bar phrase\"", NULL, "\"foo\" OR \"bar phrase\"" },
	{ "-\"bar phrase", NULL, "\"bar phrase\"" },
	{ "--x", NULL, "\"-x\"" },
	{ "-OR", NULL, "\"OR\"" },
	{ "-*", NULL, NULL },
	{ "a -", "\"a\"*", NULL },
	{ "a - b", "\"a\" \"b\"*", NULL },
	{ "-x*", NULL, "\"x*\"" },
	{ "tag:foo type:InsightNote bar", "\"bar\"*", NULL },
	{ "bar tag:foo", "\"bar\"", NULL },
	{ "TAG:x Type:Y", NULL, NULL },
	{ "\"unterminated phrase", "\"unterminated phrase\"", NULL },
	{ "a \"b c", "\"a\" \"b c\"", NULL },
	{ "\"a b\"c", "\"a b\" \"c\"*", NULL },
	{ "foo\"bar", "\"foo\"\"bar\"*", NULL },
	{ "say\"", "\"say\"\"\"", NULL },
	{ "title:x", "\"title:x\"*", NULL },
	{ "{a b}:x", "\"{a\" \"b}:x\"*", NULL },
	{ "x*", "\"x*\"", NULL },
	{ "^x", "\"^x\"*", NULL },
	{ "a:b:c", "\"a:b:c\"*", NULL },
	{ "—", NULL, NULL },
	{ "…", NULL, NULL },
	{ "😀", NULL, NULL },
	{ "«»", NULL, NULL },
	{ "a — b", "\"a\" \"b\"*", NULL },
	{ "foo—", "\"foo—\"", NULL },
	{ "東京\xe3\x80\x80大阪", "\"東京\" \"大阪\"*", NULL },
	{ "a\xc2\xa0" "b", "\"a\" \"b\"*", NULL },
	{ "café", "\"café\"*", NULL },
	{ "日本語", "\"日本語\"*", NULL },
};

/* The exact expressions of a table of inputs. */
static void
test_expressions(struct tally *t)
{
	size_t i;

	for (i = 0; i < sizeof exprs / sizeof exprs[0]; i++)
		expect(t, exprs[i].q, exprs[i].match, exprs[i].exclude);
}

/* tag: and type: land in their lists, not in the expression. */
static void
test_filters(struct tally *t)
{
	pake_query q;
	pake_err e = {0};
	pake_buf b = {0};
	char *s;
	int i, rc;

	rc = pake_query_parse("tag:foo type:InsightNote bar", &q, &e);
	CHECK(t, rc == 0, "filters: rc %d", rc);
	CHECK(t, q.ntags == 1 && same(q.tags[0], "foo"), "tag foo");
	CHECK(t, q.ntypes == 1 && same(q.types[0], "InsightNote"),
	    "type InsightNote");
	pake_query_free(&q);
	CHECK(t, q.match == NULL && q.tags == NULL && q.ntags == 0,
	    "free zeroes");

	rc = pake_query_parse("TAG:#foo Tag:bar-baz TYPE:X type:y tag: tag:# "
	    "type:", &q, &e);
	CHECK(t, rc == 0, "filters 2: rc %d", rc);
	CHECK(t, q.ntags == 2 && same(q.tags[0], "foo") &&
	    same(q.tags[1], "bar-baz"), "tags #foo bar-baz (%zu)", q.ntags);
	CHECK(t, q.ntypes == 2 && same(q.types[0], "X") &&
	    same(q.types[1], "y"), "types X y (%zu)", q.ntypes);
	CHECK(t, q.match == NULL && q.exclude == NULL, "no expression");
	pake_query_free(&q);

	/* More tags than terms allowed: the first MAX_TERMS stay. */
	for (i = 0; i < PAKE_QUERY_MAX_TERMS + 8; i++)
		pake_buf_printf(&b, "tag:t%d ", i);
	s = pake_buf_take(&b);
	rc = pake_query_parse(s, &q, &e);
	CHECK(t, rc == 0 && q.ntags == PAKE_QUERY_MAX_TERMS &&
	    same(q.tags[PAKE_QUERY_MAX_TERMS - 1], "t31"), "tag limit");
	pake_query_free(&q);
	free(s);

	pake_query_free(NULL);
	t->pass++;
}

/* Parse q, which must fail with PAKE_EINVAL and leave out zeroed. */
static void
expect_einval(struct tally *t, const char *what, const char *q)
{
	pake_query pq;
	pake_err e = {0};
	int rc;

	memset(&pq, 0xA5, sizeof pq);
	rc = pake_query_parse(q, &pq, &e);
	CHECK(t, rc == PAKE_EINVAL && e.code == PAKE_EINVAL && e.msg != NULL,
	    "%s: rc %d", what, rc);
	CHECK(t, pq.match == NULL && pq.exclude == NULL && pq.tags == NULL &&
	    pq.ntags == 0 && pq.types == NULL && pq.ntypes == 0,
	    "%s: out not zeroed", what);
}

/* A string of n copies of the NUL-terminated unit u. */
static char *
repeat(const char *u, size_t n)
{
	pake_buf b = {0};

	while (n-- > 0)
		pake_buf_puts(&b, u);
	return pake_buf_take(&b);
}

/* Parse q, which must succeed; returns the match (caller frees). */
static char *
match_of(struct tally *t, const char *what, const char *q)
{
	pake_query pq;
	pake_err e = {0};
	char *m;
	int rc;

	rc = pake_query_parse(q, &pq, &e);
	CHECK(t, rc == 0, "%s: rc %d", what, rc);
	m = pq.match;
	pq.match = NULL;
	pake_query_free(&pq);
	return m;
}

/* Length and UTF-8 limits, term count, term length. */
static void
test_limits(struct tally *t)
{
	pake_buf b = {0};
	char *s, *m, *want, *a;
	int i;

	/* One 10,000-character word: kept, cut to MAX_TERM bytes. */
	s = repeat("a", 10000);
	m = match_of(t, "10k word", s);
	a = repeat("a", PAKE_QUERY_MAX_TERM);
	pake_buf_printf(&b, "\"%s\"*", a);
	want = pake_buf_take(&b);
	CHECK(t, same(m, want), "10k word: %.40s...", show(m));
	free(s), free(m), free(a), free(want);

	/* Cut on a character boundary: 3-byte characters keep 85 (255). */
	s = repeat("日", 10000);
	m = match_of(t, "10k CJK", s);
	a = repeat("日", PAKE_QUERY_MAX_TERM / 3);
	pake_buf_printf(&b, "\"%s\"*", a);
	want = pake_buf_take(&b);
	CHECK(t, same(m, want), "10k CJK cut at boundary");
	CHECK(t, m && pake_utf8_valid(m, strlen(m)), "10k CJK valid UTF-8");
	free(s), free(m), free(a), free(want);

	s = repeat("é", 10000);
	m = match_of(t, "10k é", s);
	a = repeat("é", PAKE_QUERY_MAX_TERM / 2);
	pake_buf_printf(&b, "\"%s\"*", a);
	want = pake_buf_take(&b);
	CHECK(t, same(m, want), "10k é cut at boundary");
	free(s), free(m), free(a), free(want);

	/* A 10,000-character quoted phrase of many words. */
	s = repeat("ab ", 3333);
	s[0] = '"';
	m = match_of(t, "10k phrase", s);
	CHECK(t, m && strlen(m) == PAKE_QUERY_MAX_TERM + 2,
	    "10k phrase length %zu", m ? strlen(m) : 0);
	free(s), free(m);

	/* 10,000 characters of words: the first MAX_TERMS kept, and the
	 * last kept one is not the last typed, so no prefix star. */
	s = repeat("ab ", 3333);
	m = match_of(t, "10k of words", s);
	for (i = 0; i < PAKE_QUERY_MAX_TERMS; i++)
		pake_buf_puts(&b, i ? " \"ab\"" : "\"ab\"");
	want = pake_buf_take(&b);
	CHECK(t, same(m, want), "10k of words: %.60s...", show(m));
	free(s), free(m), free(want);

	/* Exactly MAX_TERMS words: the last keeps its star. */
	for (i = 0; i < PAKE_QUERY_MAX_TERMS; i++)
		pake_buf_printf(&b, "w%d ", i);
	s = pake_buf_take(&b);
	m = match_of(t, "max terms", s);
	CHECK(t, m && strstr(m, "\"w31\"*") != NULL && strstr(m, "w30\"*") ==
	    NULL, "max terms: last has star");
	free(s), free(m);

	/* MAX_TERMS + 1: the extra is ignored and the star goes. */
	for (i = 0; i <= PAKE_QUERY_MAX_TERMS; i++)
		pake_buf_printf(&b, "w%d ", i);
	s = pake_buf_take(&b);
	m = match_of(t, "max terms + 1", s);
	CHECK(t, m && strstr(m, "w32") == NULL && strstr(m, "*") == NULL &&
	    strstr(m, "\"w31\"") != NULL, "max terms + 1: %s", show(m));
	free(s), free(m);

	/* Terms of all kinds count towards the one limit. */
	for (i = 0; i < PAKE_QUERY_MAX_TERMS - 1; i++)
		pake_buf_printf(&b, "-n%d ", i);
	pake_buf_puts(&b, "p1 p2 tag:z");
	s = pake_buf_take(&b);
	m = match_of(t, "mixed limit", s);
	CHECK(t, same(m, "\"p1\""), "mixed limit: %s", show(m));
	free(s), free(m);

	/* Exactly MAX_BYTES is fine; one more is not. */
	s = repeat(" ", PAKE_QUERY_MAX_BYTES);
	s[PAKE_QUERY_MAX_BYTES - 1] = 'x';
	m = match_of(t, "max bytes", s);
	CHECK(t, same(m, "\"x\"*"), "max bytes: %s", show(m));
	free(s), free(m);
	s = repeat("a", PAKE_QUERY_MAX_BYTES + 1);
	expect_einval(t, "too long", s);
	free(s);
	s = repeat("a b ", PAKE_QUERY_MAX_BYTES);
	expect_einval(t, "far too long", s);
	free(s);

	expect_einval(t, "0xff", "a \xff b");
	expect_einval(t, "overlong", "a\xc0\xaf");
	expect_einval(t, "surrogate", "\xed\xa0\x80");
	expect_einval(t, "truncated", "x \xe2\x82");
	expect_einval(t, "beyond U+10FFFF", "\xf4\x90\x80\x80");
	expect_einval(t, "lone continuation", "\x80");

	m = match_of(t, "NULL input", NULL);
	CHECK(t, m == NULL, "NULL input gives nothing");
}

/* The FTS5 table as pake creates it, with a few notes. */
static sqlite3 *
open_db(struct tally *t)
{
	static const char *const sql =
	    "CREATE VIRTUAL TABLE notes_fts USING fts5(title, body, summary,"
	    " tags, tokenize='unicode61 remove_diacritics 2', prefix='2 3');"
	    "INSERT INTO notes_fts(rowid, title, body, summary, tags) VALUES"
	    "(1, 'Hello world', 'The quick brown fox jumps over the lazy dog."
	    " C++ templates; don''t panic.', 'greeting', 'alpha beta'),"
	    "(2, 'Café society', 'Ünïcödé text and a naïve résumé.', '',"
	    " 'gamma'),"
	    "(3, 'Exact phrase here', 'foo-bar baz and a/b paths', 'paths',"
	    " ''),"
	    "(4, 'Other', 'quick silver NEAR the end', '', 'alpha'),"
	    "(5, 'Column names', 'a title: hello in the body', '', ''),"
	    "(6, '東京', '日本語のテキスト', '', '');";
	sqlite3 *db = NULL;
	char *err = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		CHECK(t, 0, "open db: %s", err ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		sqlite3_close(db);
		return NULL;
	}
	t->pass++;
	return db;
}

/* Run one expression through MATCH alone; returns 0 or the SQLite error
 * code (message in errbuf). */
static int
run_match(sqlite3 *db, const char *expr, char *errbuf, size_t len)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db,
	    "SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?1", -1, &st,
	    NULL);
	if (rc != SQLITE_OK) {
		pake_strlcpy(errbuf, sqlite3_errmsg(db), len);
		return rc;
	}
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		pake_strlcpy(errbuf, sqlite3_errmsg(db), len);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : rc;
}

/* Search as the caller does; returns a bit mask of the rowids found, or
 * -1 on an SQLite error.  No match expression means every row. */
static long
hits(sqlite3 *db, const pake_query *q)
{
	sqlite3_stmt *st;
	long mask = 0;
	int rc;

	rc = sqlite3_prepare_v2(db,
	    "SELECT rowid FROM notes_fts WHERE"
	    " (?1 IS NULL OR rowid IN"
	    "  (SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?1))"
	    " AND (?2 IS NULL OR rowid NOT IN"
	    "  (SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?2))",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, q->match, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q->exclude, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		mask |= 1L << sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? mask : -1;
}

/* Parse q and run it; its expressions must never make SQLite fail. */
static void
survive(struct tally *t, sqlite3 *db, const char *q)
{
	pake_query pq;
	pake_err e = {0};
	char err[256] = "";
	int rc;

	rc = pake_query_parse(q, &pq, &e);
	if (rc != 0) {
		CHECK(t, 0, "[%s]: parse rc %d", q, rc);
		return;
	}
	if (pq.match)
		CHECK(t, run_match(db, pq.match, err, sizeof err) == 0,
		    "[%s] -> match [%s]: %s", q, pq.match, err);
	if (pq.exclude)
		CHECK(t, run_match(db, pq.exclude, err, sizeof err) == 0,
		    "[%s] -> exclude [%s]: %s", q, pq.exclude, err);
	CHECK(t, hits(db, &pq) >= 0, "[%s]: combined query failed", q);
	pake_query_free(&pq);
}

/* Every expression from hostile input runs without an SQLite error. */
static void
test_hostile(struct tally *t, sqlite3 *db)
{
	static const char *const inputs[] = {
		"hello world", "C++", "don't", "\"exact phrase\"", "foo-bar",
		"a/b", "*", "(", ")", "()", "(a)", "NEAR", "AND", "OR", "NOT",
		"NEAR(a b)", "NEAR(a b, 2)", "NEAR/2", "a NEAR b", "a AND b",
		"a NOT b", "NOT a", "a OR", "OR a", "a OR OR b", "title:x",
		"title:hello", "body:quick", "{a b}:x", "{title}:hello",
		"-{title}:hello", "^hello", "hello^", "^", "a*", "*a", "**",
		"\"a\"*", "\"\"", "\"", "\"\"\"", "\"a\"\"b\"", "'", "''",
		"'a'", "a'b", "+", "+a", "a+b", "a + b", "-", "--", "---",
		"-a", "- a", "-\"", "-\"a", "a -", ":", "::", "a:", ":a",
		"tag:", "type:", "tag:#", "-tag:x", "a.b", "a,b", "a;b",
		"a\\b", "\\", "\\\"", "ünïcödé", "café", "CAFÉ", "naïve",
		"日本語", "東京", "—", "a—b", "…", "😀", "👍🏽", "🇩🇪", "a😀b",
		"\xe2\x80\x8b", "\xef\xbb\xbf", "\xc2\xa0", "\xe3\x80\x80",
		"\xcc\x81", "a\xcc\x81", "\x01", "\x7f", "a\x01b",
		"\"unterminated", "-\"unterminated", "\"a b\" OR \"c d\"",
		"(a OR b) AND c", "a OR (b", "a) OR b", "{", "}", "[", "]",
		"a AND", "AND a", "NOT", "a NOT", "NEAR(", "NEAR()",
		"NEAR(a", "col : x", "- -", "OR OR", "\" OR \"", "*\"*\"*",
		"\"*\"", "\"(\"", "\"NEAR(\"", "a \" b \" c", "0", "00", "1.5",
		"-1", "1e10", "#tag", "@user", "$x", "%", "&", "|", "~", "`",
		"<a>", "a=b", "?", "!", "a!", "x!y", "quick -fox", "quick -",
	};
	static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
	char s[16];
	size_t i, j;
	int c;

	for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
		survive(t, db, inputs[i]);
	for (i = 0; i < sizeof exprs / sizeof exprs[0]; i++)
		survive(t, db, exprs[i].q);
	survive(t, db, punct);
	for (c = 1; c < 128; c++) {
		snprintf(s, sizeof s, "%c", c);
		survive(t, db, s);
	}
	for (i = 0; punct[i]; i++) {
		snprintf(s, sizeof s, "a%c", punct[i]);
		survive(t, db, s);
		snprintf(s, sizeof s, "%ca", punct[i]);
		survive(t, db, s);
		snprintf(s, sizeof s, "a%cb", punct[i]);
		survive(t, db, s);
		snprintf(s, sizeof s, "-%ca", punct[i]);
		survive(t, db, s);
		snprintf(s, sizeof s, "a %c b", punct[i]);
		survive(t, db, s);
		snprintf(s, sizeof s, "\"%c\"", punct[i]);
		survive(t, db, s);
		for (j = 0; punct[j]; j++) {
			snprintf(s, sizeof s, "%c%c", punct[i], punct[j]);
			survive(t, db, s);
			snprintf(s, sizeof s, "x%c%cy", punct[i], punct[j]);
			survive(t, db, s);
		}
	}
}

/* A small xorshift generator; the state lives with the caller. */
static uint32_t
rnd(uint32_t *st)
{
	uint32_t x = *st;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *st = x;
}

/* Random strings built from the pieces that break naive FTS5 quoting. */
static void
test_fuzz(struct tally *t, sqlite3 *db)
{
	static const char *const piece[] = {
		"a", "b", "hello", "qu", "OR", "or", "AND", "NOT", "NEAR",
		"NEAR(", "(", ")", "\"", "-", "*", "^", ":", "title:",
		"{a b}:", "+", ",", "'", "é", "日本", "—", "😀", " ", " ",
		"\t", "tag:", "type:", "#", "\\", "\x01", "\xe3\x80\x80",
		"\xcc\x81", "0", "x*", "-\"", "{", "}", "/", ".", "\"\"",
	};
	const size_t np = sizeof piece / sizeof piece[0];
	uint32_t st = 0x2545F491;
	pake_buf b = {0};
	int i, k, n, before;
	char *s;

	before = t->fail;
	for (i = 0; i < 20000; i++) {
		n = (int)(rnd(&st) % 12);
		for (k = 0; k < n; k++)
			pake_buf_puts(&b, piece[rnd(&st) % np]);
		s = pake_buf_take(&b);
		survive(t, db, s);
		free(s);
		if (t->fail - before > 20)
			break;		/* enough to go on */
	}
}

/* Searches find what they should. */
static void
test_hits(struct tally *t, sqlite3 *db)
{
	static const struct {
		const char *q;
		long want;	/* bit mask of rowids */
	} cases[] = {
		{ "hel", 1L << 1 | 1L << 5 },	/* prefix */
		{ "qui", 1L << 1 | 1L << 4 },
		{ "quick", 1L << 1 | 1L << 4 },
		{ "quick -fox", 1L << 4 },	/* exclusion */
		{ "quick -\"brown fox\"", 1L << 4 },
		{ "quick -\"fox brown\"", 1L << 1 | 1L << 4 },
		{ "\"brown fox\"", 1L << 1 },	/* phrase */
		{ "\"fox brown\"", 0 },
		{ "\"brow\"", 0 },		/* no star on a phrase */
		{ "brow fox", 0 },		/* star only on the last */
		{ "fox brow", 1L << 1 },
		{ "C++", 1L << 1 },
		{ "don't", 1L << 1 },
		{ "cafe", 1L << 2 },		/* diacritics removed */
		{ "CAFÉ", 1L << 2 },
		{ "unicode", 1L << 2 },
		{ "ünïcödé", 1L << 2 },
		{ "foo-bar", 1L << 3 },
		{ "a/b", 1L << 3 },
		{ "quick OR society", 1L << 1 | 1L << 2 | 1L << 4 },
		{ "alpha quick OR society", 1L << 1 | 1L << 4 },
		{ "quick OR society alpha", 1L << 1 | 1L << 4 },
		{ "alpha quick OR society -fox", 1L << 4 },
		{ "quick OR cafe OR paths", 0x1E },
		{ "title:hello", 1L << 5 },	/* not a column filter */
		{ "NEAR", 1L << 4 },
		{ "hello -", 1L << 1 | 1L << 5 },
		{ "日本語のテキスト", 1L << 6 },
		{ "東京", 1L << 6 },
		{ "-quick", 1L << 2 | 1L << 3 | 1L << 5 | 1L << 6 },
		{ "* ( )", 0x7E },		/* all dropped: every row */
		{ "paths", 1L << 3 },
		{ "greeting", 1L << 1 },	/* summary is searched */
	};
	pake_query q;
	pake_err e = {0};
	size_t i;
	long got;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (pake_query_parse(cases[i].q, &q, &e) != 0) {
			CHECK(t, 0, "[%s]: parse failed", cases[i].q);
			continue;
		}
		got = hits(db, &q);
		CHECK(t, got == cases[i].want, "[%s] (%s / %s): hits %#lx, "
		    "want %#lx", cases[i].q, show(q.match), show(q.exclude),
		    got, cases[i].want);
		pake_query_free(&q);
	}
}

/* fts5 tokenizer callback: count tokens. */
static int
count_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
	(*(int *)ctx)++;
	return SQLITE_OK;
}

/* The unicode61 tokenizer with pake's options, or -1. */
static int
tokenizer(sqlite3 *db, fts5_tokenizer *tk, Fts5Tokenizer **tok)
{
	static const char *args[] = { "remove_diacritics", "2" };
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	void *ud;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL || api->xFindTokenizer(api, "unicode61", &ud, tk) !=
	    SQLITE_OK || tk->xCreate(ud, args, 2, tok) != SQLITE_OK)
		return -1;
	return 0;
}

/* Encode code point c as UTF-8 into out (5 bytes with the NUL). */
static void
encode(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		out[1] = '\0';
	} else if (c < 0x800) {
		out[0] = (char)(0xC0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3F));
		out[2] = '\0';
	} else if (c < 0x10000) {
		out[0] = (char)(0xE0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		out[3] = '\0';
	} else {
		out[0] = (char)(0xF0 | c >> 18);
		out[1] = (char)(0x80 | (c >> 12 & 0x3F));
		out[2] = (char)(0x80 | (c >> 6 & 0x3F));
		out[3] = (char)(0x80 | (c & 0x3F));
		out[4] = '\0';
	}
}

/*
 * A term is dropped only when the real tokenizer finds no token in it:
 * for every code point, alone as a query.  For ASCII the two agree
 * exactly; above it a character may be kept that FTS5 then ignores, which
 * is harmless, but never dropped when it would have matched.
 */
static void
test_token_chars(struct tally *t, sqlite3 *db)
{
	fts5_tokenizer tk;
	Fts5Tokenizer *tok = NULL;
	pake_query q;
	pake_err e = {0};
	char s[8];
	uint32_t c;
	int ntok, bad = 0, ascii_bad = 0, kept_empty = 0;

	if (tokenizer(db, &tk, &tok) != 0) {
		CHECK(t, 0, "no unicode61 tokenizer");
		return;
	}
	for (c = 1; c <= 0x10FFFF; c++) {
		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		encode(c, s);
		ntok = 0;
		tk.xTokenize(tok, &ntok, FTS5_TOKENIZE_QUERY, s,
		    (int)strlen(s), count_token);
		if (pake_query_parse(s, &q, &e) != 0) {
			if (bad++ < 5)
				CHECK(t, 0, "U+%04X: parse failed", c);
			continue;
		}
		if (q.match == NULL && ntok > 0 && c != '-' && c != '"') {
			if (bad++ < 5)
				CHECK(t, 0, "U+%04X dropped, but a token", c);
		} else if (q.match != NULL && ntok == 0) {
			if (c < 0x80 && ascii_bad++ < 5)
				CHECK(t, 0, "U+%04X kept, but no token", c);
			kept_empty++;
		}
		pake_query_free(&q);
	}
	tk.xDelete(tok);
	CHECK(t, bad == 0 && ascii_bad == 0, "token characters");
	printf("# %d code points kept that unicode61 ignores\n", kept_empty);
}

int
main(void)
{
	struct tally t = { 0, 0 };
	sqlite3 *db;

	test_expressions(&t);
	test_filters(&t);
	test_limits(&t);
	if ((db = open_db(&t)) != NULL) {
		test_hostile(&t, db);
		test_fuzz(&t, db);
		test_hits(&t, db);
		test_token_chars(&t, db);
		sqlite3_close(db);
	}
	printf("%d passed, %d failed\n", t.pass, t.fail);
	return t.fail == 0 ? 0 : 1;
}
