/*
 * test_frontmatter.c: unit tests for lib/frontmatter.c.
 *
 * Each case parses or renders a note and checks fields, the unknown keys
 * (as JSON and as verbatim YAML), body bytes and errors; the round-trip
 * cases check that parse(render(n)) gives n back.  A last case mutates a
 * sample file many times (fixed seed) and checks that nothing crashes and
 * that whatever parses also round-trips.  Prints "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/frontmatter.h"
#include "pake/note.h"
#include "pake/util.h"

struct tally {
	int pass, fail;
};

#define CHECK(t, c) check((t), (c), #c, __LINE__)

/* Count one check; report a failing one on stderr. */
static void
check(struct tally *t, int ok, const char *what, int line)
{
	if (ok)
		t->pass++;
	else {
		t->fail++;
		fprintf(stderr, "test_frontmatter.c:%d: FAIL %s\n", line, what);
	}
}

/* 1 when a and b are both NULL or equal strings. */
static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Parse a NUL-terminated text into a fresh note. */
static int
parse(const char *s, pake_note *n, pake_err *e)
{
	pake_note_init(n);
	pake_err_clear(e);
	return pake_fm_parse(s, strlen(s), n, e);
}

/* 1 when the note's tags are exactly the NULL-terminated list. */
static int
tags_are(const pake_note *n, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++)
		if (i >= n->ntags || strcmp(n->tags[i], want[i]) != 0)
			return 0;
	return i == n->ntags;
}

/* 1 when two notes have the same fields, tags, extras and body. */
static int
notes_equal(const pake_note *a, const pake_note *b)
{
	size_t i;

	if (strcmp(a->pake_id, b->pake_id) != 0 || !same(a->title, b->title) ||
	    !same(a->type, b->type) || !same(a->status, b->status) ||
	    a->confidence != b->confidence ||
	    !same(a->verification_status, b->verification_status) ||
	    !same(a->created_at, b->created_at) ||
	    !same(a->modified_at, b->modified_at) ||
	    a->created_ms != b->created_ms ||
	    a->modified_ms != b->modified_ms ||
	    !same(a->source_uri, b->source_uri) ||
	    !same(a->summary, b->summary) ||
	    !same(a->human_notes, b->human_notes) ||
	    !same(a->extra_json, b->extra_json) || a->ntags != b->ntags ||
	    a->body_len != b->body_len)
		return 0;
	for (i = 0; i < a->ntags; i++)
		if (strcmp(a->tags[i], b->tags[i]) != 0)
			return 0;
	if (a->body_len && memcmp(a->body, b->body, a->body_len) != 0)
		return 0;
	return 1;
}

/* Parse s into n as it is (no init): what reading a file over a note does. */
static int
parse_over(const char *s, pake_note *n, pake_err *e)
{
	return pake_fm_parse(s, strlen(s), n, e);
}

/* Render n, parse it back into out; 0 on success. */
static int
reparse(const pake_note *n, pake_note *out)
{
	pake_err e;
	size_t len;
	char *text;
	int rc;

	if ((text = pake_fm_render(n, &len)) == NULL)
		return -1;
	pake_note_init(out);
	pake_err_clear(&e);
	rc = pake_fm_parse(text, len, out, &e);
	if (rc != 0)
		fprintf(stderr, "reparse: %s\n--\n%s--\n", e.detail, text);
	free(text);
	return rc;
}

/* 1 when n survives render -> parse unchanged. */
static int
round_trips(const pake_note *n)
{
	pake_note m;
	int ok;

	if (reparse(n, &m) != 0) {
		pake_note_free(&m);
		return 0;
	}
	ok = notes_equal(n, &m);
	pake_note_free(&m);
	return ok;
}

/* Every known field, its type rules, and the time parsing. */
static void
test_known_fields(struct tally *t)
{
	pake_note n;
	pake_err e;

	CHECK(t, parse("---\n"
	    "pake_id: 5f0c7a9e-1b2d-4c3e-8f4a-0123456789ab\n"
	    "title: Hello world\n"
	    "type: SourceNote\n"
	    "status: Verified\n"
	    "confidence_score: 0.25\n"
	    "verification_status: done\n"
	    "created_at: 2024-01-02T03:04:05Z\n"
	    "modified_at: '2024-01-02T04:04:05+01:00'\n"
	    "source_uri: https://example.org/a?b=c#d\n"
	    "summary: short\n"
	    "human_notes: mine\n"
	    "---\n"
	    "# Body\n", &n, &e) == 0);
	CHECK(t, strcmp(n.pake_id, "5f0c7a9e-1b2d-4c3e-8f4a-0123456789ab") ==
	    0);
	CHECK(t, same(n.title, "Hello world"));
	CHECK(t, same(n.type, "SourceNote"));
	CHECK(t, same(n.status, "Verified"));
	CHECK(t, n.confidence == 0.25);
	CHECK(t, same(n.verification_status, "done"));
	CHECK(t, same(n.created_at, "2024-01-02T03:04:05Z"));
	CHECK(t, n.created_ms == 1704164645000LL);
	CHECK(t, same(n.modified_at, "2024-01-02T04:04:05+01:00"));
	CHECK(t, n.modified_ms == 1704164645000LL);
	CHECK(t, same(n.source_uri, "https://example.org/a?b=c#d"));
	CHECK(t, same(n.summary, "short"));
	CHECK(t, same(n.human_notes, "mine"));
	CHECK(t, n.body_len == 7 && strcmp(n.body, "# Body\n") == 0);
	CHECK(t, n.extra_json == NULL && n.extra_yaml == NULL);
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	/* Unparsable time: text kept, ms unchanged. */
	CHECK(t, parse("---\ncreated_at: last tuesday\n---\n", &n, &e) == 0);
	CHECK(t, same(n.created_at, "last tuesday") && n.created_ms == 0);
	pake_note_free(&n);

	/* Numbers and booleans in string fields are their text. */
	CHECK(t, parse("---\ntitle: 123\ntype: true\nstatus: 0x10\n---\n",
	    &n, &e) == 0);
	CHECK(t, same(n.title, "123") && same(n.type, "true") &&
	    same(n.status, "0x10"));
	pake_note_free(&n);

	/* Quoted confidence is accepted; integers too. */
	CHECK(t, parse("---\nconfidence_score: '0.5'\n---\n", &n, &e) == 0 &&
	    n.confidence == 0.5);
	pake_note_free(&n);
	CHECK(t, parse("---\nconfidence_score: 1\n---\n", &n, &e) == 0 &&
	    n.confidence == 1.0);
	pake_note_free(&n);
}

/* Null values and absent keys. */
static void
test_nulls(struct tally *t)
{
	pake_note n;
	pake_err e;

	pake_note_init(&n);
	n.title = strdup("old");
	n.summary = strdup("old summary");
	n.human_notes = strdup("old notes");
	n.confidence = 0.3;
	pake_note_add_tag(&n, "keep", &e);
	CHECK(t, parse_over("---\ntitle: ~\nsummary:\nhuman_notes: null\n"
	    "confidence_score:\ntags:\n---\n", &n, &e) == 0);
	CHECK(t, same(n.title, "old"));
	CHECK(t, n.summary == NULL && n.human_notes == NULL);
	CHECK(t, n.confidence == 0.3);
	CHECK(t, n.ntags == 1);
	pake_note_free(&n);

	/* Fields absent from the file keep their values. */
	pake_note_init(&n);
	n.type = strdup("InsightNote");
	CHECK(t, parse_over("---\ntitle: x\n---\n", &n, &e) == 0);
	CHECK(t, same(n.type, "InsightNote") && same(n.title, "x"));
	pake_note_free(&n);

	/* A quoted "null" is a string. */
	CHECK(t, parse("---\nsummary: 'null'\ntitle: \"~\"\n---\n", &n, &e) ==
	    0);
	CHECK(t, same(n.summary, "null") && same(n.title, "~"));
	pake_note_free(&n);
}

/* Block, inline and string tags. */
static void
test_tags(struct tally *t)
{
	static const char *const ab[] = { "a", "b", 0 };
	static const char *const abc[] = { "a", "b", "c", 0 };
	pake_note n;
	pake_err e;

	CHECK(t, parse("---\ntags:\n  - a\n  - b\n---\n", &n, &e) == 0);
	CHECK(t, tags_are(&n, ab));
	pake_note_free(&n);

	CHECK(t, parse("---\ntags:\n- a\n- '#b'\n- a\n---\n", &n, &e) == 0);
	CHECK(t, tags_are(&n, ab));
	pake_note_free(&n);

	CHECK(t, parse("---\ntags: [a, \"b\"]\n---\n", &n, &e) == 0);
	CHECK(t, tags_are(&n, ab));
	pake_note_free(&n);

	CHECK(t, parse("---\ntags: a, b\n---\n", &n, &e) == 0);
	CHECK(t, tags_are(&n, ab));
	pake_note_free(&n);

	CHECK(t, parse("---\ntags: \"#a b,c\"\n---\n", &n, &e) == 0);
	CHECK(t, tags_are(&n, abc));
	pake_note_free(&n);

	CHECK(t, parse("---\ntags: single\n---\n", &n, &e) == 0);
	CHECK(t, n.ntags == 1 && strcmp(n.tags[0], "single") == 0);
	pake_note_free(&n);

	CHECK(t, parse("---\ntags: []\n---\n", &n, &e) == 0 && n.ntags == 0);
	pake_note_free(&n);

	CHECK(t, parse("---\ntags: [2024, true]\n---\n", &n, &e) == 0);
	CHECK(t, n.ntags == 2 && strcmp(n.tags[0], "2024") == 0 &&
	    strcmp(n.tags[1], "true") == 0);
	pake_note_free(&n);

	CHECK(t, parse("---\ntags: [[a]]\n---\n", &n, &e) == PAKE_EINVAL);
	pake_note_free(&n);
	CHECK(t, parse("---\ntags: {a: 1}\n---\n", &n, &e) == PAKE_EINVAL);
	pake_note_free(&n);

	/* Tags in the file replace the note's tags. */
	pake_note_init(&n);
	pake_note_add_tag(&n, "old", &e);
	CHECK(t, parse_over("---\ntags: [a, b]\n---\n", &n, &e) == 0);
	CHECK(t, tags_are(&n, ab));
	pake_note_free(&n);
}

/* Quoted, literal and folded strings. */
static void
test_scalars(struct tally *t)
{
	pake_note n;
	pake_err e;

	CHECK(t, parse("---\n"
	    "title: 'it''s: here'\n"
	    "type: \"tab\\there \\u00e9\"\n"
	    "summary: |\n"
	    "  line one\n"
	    "  line two\n"
	    "human_notes: >\n"
	    "  folded\n"
	    "  text\n"
	    "\n"
	    "  para\n"
	    "status: plain\n"
	    "  continued\n"
	    "---\n", &n, &e) == 0);
	CHECK(t, same(n.title, "it's: here"));
	CHECK(t, same(n.type, "tab\there \xC3\xA9"));
	CHECK(t, same(n.summary, "line one\nline two\n"));
	CHECK(t, same(n.human_notes, "folded text\npara\n"));
	CHECK(t, same(n.status, "plain continued"));
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	CHECK(t, parse("---\nsummary: |-\n  no newline\n---\n", &n, &e) == 0);
	CHECK(t, same(n.summary, "no newline"));
	pake_note_free(&n);
}

/* Unknown keys, kept as JSON and as their verbatim YAML. */
static void
test_unknown(struct tally *t)
{
	pake_note n, m;
	pake_err e;
	char *out;
	size_t len;

	CHECK(t, parse("---\n"
	    "title: T\n"
	    "aliases: [x, 'y']\n"
	    "# a comment\n"
	    "count: 3\n"
	    "ratio: 2.5\n"
	    "flag: yes\n"
	    "on: true\n"
	    "nothing:\n"
	    "quoted: '42'\n"
	    "list:\n"
	    "  - one\n"
	    "  - 2\n"
	    "  - null\n"
	    "\n"
	    "nested:\n"
	    "  a:\n"
	    "    b: [1, {c: d}]\n"
	    "  e: \"f\"   # trailing comment\n"
	    "status: Raw\n"
	    "block: |\n"
	    "  keep me\n"
	    "\n"
	    "tags: [z]\n"
	    "---\n"
	    "body\n", &n, &e) == 0);
	CHECK(t, same(n.title, "T") && same(n.status, "Raw") &&
	    n.ntags == 1);
	CHECK(t, same(n.extra_json, "{\"aliases\":[\"x\",\"y\"],\"count\":3,"
	    "\"ratio\":2.5,\"flag\":\"yes\",\"on\":true,\"nothing\":null,"
	    "\"quoted\":\"42\",\"list\":[\"one\",2,null],"
	    "\"nested\":{\"a\":{\"b\":[1,{\"c\":\"d\"}]},\"e\":\"f\"},"
	    "\"block\":\"keep me\\n\"}"));
	CHECK(t, same(n.extra_yaml,
	    "aliases: [x, 'y']\n"
	    "count: 3\n"
	    "ratio: 2.5\n"
	    "flag: yes\n"
	    "on: true\n"
	    "nothing:\n"
	    "quoted: '42'\n"
	    "list:\n"
	    "  - one\n"
	    "  - 2\n"
	    "  - null\n"
	    "nested:\n"
	    "  a:\n"
	    "    b: [1, {c: d}]\n"
	    "  e: \"f\"   # trailing comment\n"
	    "block: |\n"
	    "  keep me\n"));
	CHECK(t, round_trips(&n));

	/* Rendered text: known keys, then the unknown ones verbatim. */
	out = pake_fm_render(&n, &len);
	CHECK(t, out != NULL && strlen(out) == len);
	CHECK(t, out && strncmp(out, "---\ntitle: T\nstatus: Raw\n"
	    "confidence_score: 0.7\ntags:\n  - z\naliases: [x, 'y']\n",
	    77) == 0);
	CHECK(t, out && strstr(out, "\naliases: [x, 'y']\ncount: 3\n") !=
	    NULL);
	CHECK(t, out && len > 9 && memcmp(out + len - 9, "---\nbody\n", 9) ==
	    0);
	free(out);

	/* Parsing again replaces the extras. */
	CHECK(t, parse_over("---\ntitle: U\n---\n", &n, &e) == 0);
	CHECK(t, n.extra_json == NULL && n.extra_yaml == NULL);
	pake_note_free(&n);

	/* Block scalars keeping their trailing lines, last key, no newline
	 * before the closing line is impossible, but the end of text is. */
	CHECK(t, parse("---\nk: |+\n  a\n\n\nz: 1\n---\n", &n, &e) == 0);
	CHECK(t, same(n.extra_json, "{\"k\":\"a\\n\\n\\n\",\"z\":1}"));
	CHECK(t, same(n.extra_yaml, "k: |+\n  a\n\n\nz: 1\n"));
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	/* Unicode before the key: libyaml counts characters, not bytes. */
	CHECK(t, parse("---\ntitle: \xC3\xA9\xF0\x9F\x98\x80 caf\xC3\xA9\n"
	    "k\xC3\xA9y: v\xC3\xA9\n---\n", &n, &e) == 0);
	CHECK(t, same(n.extra_yaml, "k\xC3\xA9y: v\xC3\xA9\n"));
	CHECK(t, same(n.extra_json, "{\"k\xC3\xA9y\":\"v\xC3\xA9\"}"));
	pake_note_free(&n);

	/* CRLF frontmatter: the lines keep their CRs. */
	CHECK(t, parse("---\r\ntitle: a\r\nx: [1,\r\n  2]\r\ny: z\r\n---\r\n"
	    "b\r\n", &n, &e) == 0);
	CHECK(t, same(n.title, "a"));
	CHECK(t, same(n.extra_yaml, "x: [1,\r\n  2]\r\ny: z\r\n"));
	CHECK(t, same(n.extra_json, "{\"x\":[1,2],\"y\":\"z\"}"));
	CHECK(t, n.body_len == 3 && memcmp(n.body, "b\r\n", 3) == 0);
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	/* A top-level flow mapping cannot be cut into lines: the unknown
	 * keys are written from their JSON and still read back the same. */
	CHECK(t, parse("---\n{title: x, foo: [1, 2], bar: {a: 'b'}}\n---\n",
	    &n, &e) == 0);
	CHECK(t, same(n.title, "x"));
	CHECK(t, same(n.extra_json, "{\"foo\":[1,2],\"bar\":{\"a\":\"b\"}}"));
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	/* A complex key. */
	CHECK(t, parse("---\n? foo\n: bar\ntitle: t\n---\n", &n, &e) == 0);
	CHECK(t, same(n.extra_json, "{\"foo\":\"bar\"}"));
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	/* A complex key beginning "...", written from its JSON: quoted, or
	 * at the start of its line it would end the document (found by
	 * fuzz_frontmatter; a lone CR is a YAML line break). */
	CHECK(t, parse("---\n5ids:\r? ...\n -2T\n---\nb\n", &n, &e) == 0);
	CHECK(t, same(n.extra_json, "{\"5ids\":null,\"... -2T\":null}"));
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	/* The same key's text cut at '\n' would hold both keys and put
	 * "..." at the start of a line of its own, ending the frontmatter
	 * written back: with a lone CR the keys are written from JSON. */
	CHECK(t, parse("---\n5ids:\r? ...\n...\n\npake_idt: true\n---\n",
	    &n, &e) == 0);
	CHECK(t, n.extra_yaml && strstr(n.extra_yaml, "\r") == NULL);
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	/* Every leading '#' of a tag goes: "##" kept as "#" was dropped
	 * the next time (found by fuzz_frontmatter). */
	CHECK(t, parse("---\ntags: \"a,## ##b\"\n---\n", &n, &e) == 0);
	CHECK(t, n.ntags == 2 && same(n.tags[0], "a") && same(n.tags[1], "b"));
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	/* A key longer than YAML's 1024 characters for an implicit key,
	 * written from JSON (a lone CR), top level and nested: explicit
	 * "? key" (found by fuzz_frontmatter). */
	{
		char k1[1500], k2[1500], text[4096];
		memset(k1, 'k', sizeof k1 - 1);
		k1[sizeof k1 - 1] = '\0';
		memset(k2, 'j', sizeof k2 - 1);
		k2[sizeof k2 - 1] = '\0';
		snprintf(text, sizeof text, "---\nx: 1\r? %s\n: {? %s : 1}\n---\n",
		    k1, k2);
		CHECK(t, parse(text, &n, &e) == 0);
		CHECK(t, round_trips(&n));
		pake_note_free(&n);
	}

	/* Indented top-level mapping. */
	CHECK(t, parse("---\n  title: x\n  foo: |\n    a\n  bar: 1\n---\n", &n,
	    &e) == 0);
	CHECK(t, same(n.extra_yaml, "foo: |\n    a\nbar: 1\n"));
	CHECK(t, same(n.extra_json, "{\"foo\":\"a\\n\",\"bar\":1}"));
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	/* Anchors without aliases are fine; tags resolve. */
	CHECK(t, parse("---\na: &x 1\nb: !!str 2\nc: ! 3\nd: 0o17\ne: 1e3\n"
	    "f: .inf\ng: -0.5\n---\n", &n, &e) == 0);
	CHECK(t, same(n.extra_json, "{\"a\":1,\"b\":\"2\",\"c\":\"3\","
	    "\"d\":15,\"e\":1000,\"f\":\".inf\",\"g\":-0.5}"));
	pake_note_free(&n);

	/* Extras set by a caller without a final newline still render. */
	pake_note_init(&m);
	m.extra_yaml = strdup("x: 1");
	m.extra_json = strdup("{\"x\":1}");
	CHECK(t, round_trips(&m));
	pake_note_free(&m);
}

/* Plain where a reader cannot mistake it, quoted where one could: a
 * pake_id beginning "0b" or "0x" is text (the CI run that found this drew
 * one), "0b101" and "0x1F" are numbers to a YAML 1.1 reader. */
static void
test_plain_or_quoted(struct tally *t)
{
	static const struct {
		const char *s;
		int plain;
	} c[] = {
		{ "0b3f5e1a-1234-4234-8234-123456789012", 1 },
		{ "0x3f5e1a-1234-4234-8234-123456789012", 1 },
		/* Digits, 'e' and '-' only: kept quoted, as cautious as any
		 * float or date spelling (one id in ~150,000). */
		{ "0e123456-1234-4234-8234-123456789012", 0 },
		{ "12345678-1234-4234-8234-123456789012", 0 },
		{ "0b101", 0 }, { "0x1F", 0 }, { "0o17", 0 }, { "0b1_0", 0 },
		{ "plain words", 1 }, { "yes", 0 }, { "... x", 0 },
	};
	char want[128], *out;
	pake_note n;
	size_t i, len;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		pake_note_init(&n);
		n.title = strdup(c[i].s);
		out = pake_fm_render(&n, &len);
		snprintf(want, sizeof want, "\ntitle: %s\n", c[i].s);
		CHECK(t, out != NULL);
		if (out && (strstr(out, want) != NULL) != c[i].plain) {
			fprintf(stderr, "[%s] should be %s:\n%s", c[i].s,
			    c[i].plain ? "plain" : "quoted", out);
			CHECK(t, 0);
		}
		CHECK(t, round_trips(&n));
		free(out);
		pake_note_free(&n);
	}
}

/* Strings a careless emitter would get wrong survive render -> parse. */
static void
test_round_trip_strings(struct tally *t)
{
	static const char *const s[] = {
		"a: b", "- leading dash", "-", "true", "True", "yes", "no",
		"on", "off", "y", "123", "-1.5", "1e5", "0x1F", "0o7", "0b1",
		"1_000", "1:20", "2024-01-01", ".5", ".inf", ".nan", "null",
		"~", "Null", "", " ", "  lead", "trail  ", "say \"hi\"",
		"it's", "back\\slash", "C:\\path\\", "line\nbreak",
		"trailing newline\n", "\n", "tab\there", "cr\rlf\r\n",
		"caf\xC3\xA9", "\xF0\x9F\x98\x80 emoji", "\xE4\xB8\xAD\xE6\x96\x87",
		"nel\xC2\x85x", "ls\xE2\x80\xA8ps\xE2\x80\xA9", "bom\xEF\xBB\xBF",
		"c1\xC2\x9F", "del\x7F", "bell\x07", "esc\x1B[0m", "# hash",
		"a #b", "a#b", "key:", "[x]", "{y}", "*star", "&amp", "!bang",
		"|pipe", ">gt", "'q'", "\"q\"", "%pct", "@at", "`tick",
		"?q", ",c", "---", "...", "--- x", "=", "<<",
		"https://x.org/a:b?c=d#e", "2024-01-02T03:04:05Z",
		"12345678-1234-4234-8234-123456789012", "a: b: c", "x\t#y",
		0
	};
	pake_note n;
	pake_err e;
	size_t i;
	int ok;

	for (i = 0; s[i]; i++) {
		pake_note_init(&n);
		n.title = strdup(s[i]);
		n.type = strdup(s[i]);
		n.summary = strdup(s[i]);
		n.human_notes = strdup(s[i]);
		n.source_uri = strdup(s[i]);
		if (strchr(s[i], ',') == NULL && strchr(s[i], ' ') == NULL &&
		    s[i][0] != '\0')
			pake_note_add_tag(&n, s[i], &e);
		ok = round_trips(&n);
		if (!ok)
			fprintf(stderr, "round trip failed for [%s]\n", s[i]);
		CHECK(t, ok);
		pake_note_free(&n);
	}

	/* Tags with characters a plain list item would mangle. */
	pake_note_init(&n);
	pake_note_add_tag(&n, "a b", &e);
	pake_note_add_tag(&n, "c,d", &e);
	pake_note_add_tag(&n, "-x", &e);
	pake_note_add_tag(&n, "true", &e);
	pake_note_add_tag(&n, "#y", &e);
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	/* Confidence values. */
	{
		static const double c[] = { 0.7, 0, 1, 0.1, 1e-9, 0.333333333,
		    1.0 / 3, 0.123456789012345678 };
		char *text;
		size_t len;

		for (i = 0; i < sizeof c / sizeof c[0]; i++) {
			pake_note_init(&n);
			n.confidence = c[i];
			CHECK(t, round_trips(&n));
			pake_note_free(&n);
		}
		pake_note_init(&n);
		text = pake_fm_render(&n, &len);
		CHECK(t, text && strstr(text, "confidence_score: 0.7\n"));
		free(text);
		pake_note_free(&n);
	}
}

/* The rendered text, byte for byte. */
static void
test_render_exact(struct tally *t)
{
	pake_note n;
	pake_err e;
	char *text;
	size_t len;

	pake_note_init(&n);
	pake_strlcpy(n.pake_id, "5f0c7a9e-1b2d-4c3e-8f4a-0123456789ab",
	    sizeof n.pake_id);
	n.title = strdup("Q: why?");
	n.status = strdup("Raw");
	n.created_at = strdup("2024-01-02T03:04:05Z");
	n.summary = strdup("two\nlines");
	pake_note_add_tag(&n, "a", &e);
	pake_note_add_tag(&n, "b c", &e);
	n.extra_yaml = strdup("custom: 1\n");
	n.body = strdup("text\n");
	n.body_len = 5;
	text = pake_fm_render(&n, &len);
	CHECK(t, same(text, "---\n"
	    "pake_id: 5f0c7a9e-1b2d-4c3e-8f4a-0123456789ab\n"
	    "title: \"Q: why?\"\n"
	    "status: Raw\n"
	    "confidence_score: 0.7\n"
	    "created_at: 2024-01-02T03:04:05Z\n"
	    "tags:\n"
	    "  - a\n"
	    "  - b c\n"
	    "summary: \"two\\nlines\"\n"
	    "custom: 1\n"
	    "---\n"
	    "text\n"));
	CHECK(t, text && len == strlen(text));
	free(text);
	pake_note_free(&n);

	pake_note_init(&n);
	text = pake_fm_render(&n, &len);
	CHECK(t, same(text, "---\nconfidence_score: 0.7\ntags: []\n---\n"));
	free(text);
	pake_note_free(&n);
}

/* Where the body starts, its bytes, and files without frontmatter. */
static void
test_body(struct tally *t)
{
	static const char crlf[] = "---\r\ntitle: x\r\n---\r\n\r\nline\r\n";
	static const char nul[] = "---\ntitle: x\n---\na\0b";
	pake_note n, m;
	pake_err e;

	pake_note_init(&n);
	CHECK(t, pake_fm_parse(crlf, sizeof crlf - 1, &n, &e) == 0);
	CHECK(t, same(n.title, "x"));
	CHECK(t, n.body_len == 8 && memcmp(n.body, "\r\nline\r\n", 8) == 0);
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	CHECK(t, parse("---\ntitle: x\n---\n\n\nhello", &n, &e) == 0);
	CHECK(t, same(n.body, "\n\nhello") && n.body_len == 7);
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	CHECK(t, parse("---\ntitle: x\n---\n---\nmore: 1\n---\n", &n, &e) ==
	    0);
	CHECK(t, same(n.body, "---\nmore: 1\n---\n"));
	CHECK(t, n.extra_json == NULL);
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	CHECK(t, parse("---\ntitle: x\n...\nafter dots\n", &n, &e) == 0);
	CHECK(t, same(n.title, "x") && same(n.body, "after dots\n"));
	pake_note_free(&n);

	CHECK(t, parse("---\ntitle: x\n---", &n, &e) == 0);
	CHECK(t, same(n.title, "x") && n.body_len == 0 && same(n.body, ""));
	pake_note_free(&n);

	pake_note_init(&n);
	CHECK(t, pake_fm_parse(nul, sizeof nul - 1, &n, &e) == 0);
	CHECK(t, n.body_len == 3 && memcmp(n.body, "a\0b", 4) == 0);
	CHECK(t, round_trips(&n));
	pake_note_free(&n);

	/* No frontmatter: all body, BOM included. */
	CHECK(t, parse("# Just markdown\n---\n", &n, &e) == 0);
	CHECK(t, same(n.body, "# Just markdown\n---\n") && n.title == NULL);
	pake_note_free(&n);
	CHECK(t, parse("\xEF\xBB\xBFno fm", &n, &e) == 0);
	CHECK(t, same(n.body, "\xEF\xBB\xBFno fm"));
	pake_note_free(&n);
	CHECK(t, parse("--- \ntitle: x\n---\n", &n, &e) == 0);
	CHECK(t, n.title == NULL && n.body_len == 18);
	pake_note_free(&n);
	CHECK(t, parse("----\n", &n, &e) == 0 && same(n.body, "----\n"));
	pake_note_free(&n);

	/* Empty file, empty frontmatter. */
	CHECK(t, parse("", &n, &e) == 0 && n.body_len == 0 &&
	    same(n.body, ""));
	CHECK(t, round_trips(&n));
	pake_note_free(&n);
	CHECK(t, parse("---\n---\n", &n, &e) == 0 && n.body_len == 0);
	CHECK(t, n.confidence == 0.7 && n.title == NULL);
	pake_note_free(&n);
	CHECK(t, parse("---\n# only a comment\n---\nb", &n, &e) == 0 &&
	    same(n.body, "b"));
	pake_note_free(&n);
	CHECK(t, parse("---\n~\n---\nb", &n, &e) == 0 && same(n.body, "b"));
	pake_note_free(&n);

	/* BOM before the frontmatter. */
	CHECK(t, parse("\xEF\xBB\xBF---\ntitle: bom\nx: 1\n---\nb", &n, &e) ==
	    0);
	CHECK(t, same(n.title, "bom") && same(n.body, "b"));
	CHECK(t, same(n.extra_yaml, "x: 1\n"));
	pake_note_free(&n);

	/* Body NULL renders as empty. */
	pake_note_init(&m);
	CHECK(t, reparse(&m, &n) == 0 && n.body_len == 0 && same(n.body, ""));
	pake_note_free(&n);
	pake_note_free(&m);
}

/* Parse s and expect code; print the detail when asked to debug. */
static int
fails(const char *s, int code)
{
	pake_note n;
	pake_err e;
	int rc;

	pake_note_init(&n);
	n.title = strdup("unchanged");
	pake_err_clear(&e);
	rc = pake_fm_parse(s, strlen(s), &n, &e);
	if (getenv("FM_DEBUG"))
		fprintf(stderr, "[%d] %s\n", rc, e.detail);
	if (rc != 0 && (!same(n.title, "unchanged") || n.body != NULL ||
	    e.code != rc || e.msg == NULL || e.detail[0] == '\0'))
		rc = -1;
	pake_note_free(&n);
	return rc == code;
}

/* Errors, hostile input and the size and depth caps. */
static void
test_errors(struct tally *t)
{
	pake_buf b = {0};
	char *s;
	int i;

	CHECK(t, fails("---\ntitle: x\n", PAKE_EINVAL));
	CHECK(t, fails("---\n", PAKE_EINVAL));
	CHECK(t, fails("---", PAKE_EINVAL));
	CHECK(t, fails("---\ntitle: x\n--- \n", PAKE_EINVAL));
	CHECK(t, fails("---\n- a\n- b\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\njust text\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\n'quoted'\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\ntitle: [unclosed\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\ntitle: x\n  bad: indent\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\n\ttitle: tab\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\nconfidence_score: 1.5\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\nconfidence_score: -0.1\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\nconfidence_score: high\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\nconfidence_score: .nan\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\nconfidence_score: [1]\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\ntitle: [a]\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\nsummary: {a: b}\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\ntitle: a\ntitle: b\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\nx: 1\ny: 2\nx: 3\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\nx: {a: 1, a: 2}\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\na: &x [1]\nb: *x\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\na: &x [1]\n*x : 2\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\n[a]: 1\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\nx: \"nul\\0\"\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\ntitle: \"nul\\0\"\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\ntitle: \xFF\xFE\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\ntitle: a\x01\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\npake_id: "
	    "0123456789012345678901234567890123456789\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\na: 1\n--- b\n---\n", PAKE_EINVAL));
	CHECK(t, fails("---\n%YAML 1.1\n---\n", PAKE_EINVAL));

	/* A billion laughs is refused at its first alias. */
	CHECK(t, fails("---\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n---\n",
	    PAKE_EINVAL));

	/* Nesting: 64 levels are fine, 65 are not, 100000 do not crash. */
	pake_buf_puts(&b, "---\nx: ");
	for (i = 0; i < 64; i++)
		pake_buf_putc(&b, '[');
	for (i = 0; i < 64; i++)
		pake_buf_putc(&b, ']');
	pake_buf_puts(&b, "\n---\n");
	s = pake_buf_take(&b);
	CHECK(t, fails(s, 0));
	free(s);
	pake_buf_puts(&b, "---\nx: ");
	for (i = 0; i < 65; i++)
		pake_buf_putc(&b, '[');
	for (i = 0; i < 65; i++)
		pake_buf_putc(&b, ']');
	pake_buf_puts(&b, "\n---\n");
	s = pake_buf_take(&b);
	CHECK(t, fails(s, PAKE_EINVAL));
	free(s);
	pake_buf_puts(&b, "---\nx: ");
	for (i = 0; i < 100000; i++)
		pake_buf_puts(&b, "{a: ");
	pake_buf_puts(&b, "\n---\n");
	s = pake_buf_take(&b);
	CHECK(t, fails(s, PAKE_EINVAL));
	free(s);
	pake_buf_puts(&b, "---\nx:\n");
	for (i = 1; i <= 100; i++)
		pake_buf_printf(&b, "%*sk:\n", i, "");
	pake_buf_puts(&b, "---\n");
	s = pake_buf_take(&b);
	CHECK(t, fails(s, PAKE_EINVAL));
	free(s);

	/* Size caps. */
	pake_buf_puts(&b, "---\nx: \"");
	for (i = 0; i < 1024 * 1024; i++)
		pake_buf_putc(&b, 'a');
	pake_buf_puts(&b, "\"\n---\n");
	s = pake_buf_take(&b);
	CHECK(t, fails(s, PAKE_ETOOBIG));
	free(s);
	pake_buf_puts(&b, "---\ntitle: \"");
	for (i = 0; i < PAKE_TITLE_MAX + 1; i++)
		pake_buf_putc(&b, 'a');
	pake_buf_puts(&b, "\"\n---\n");
	s = pake_buf_take(&b);
	CHECK(t, fails(s, PAKE_EINVAL));
	free(s);
	pake_buf_puts(&b, "---\ntags: [");
	for (i = 0; i < PAKE_TAGS_MAX + 1; i++)
		pake_buf_printf(&b, "t%d, ", i);
	pake_buf_puts(&b, "]\n---\n");
	s = pake_buf_take(&b);
	CHECK(t, fails(s, PAKE_EINVAL));
	free(s);

	pake_buf_puts(&b, "---\nx: ");
	for (i = 0; i < 1000000; i++)
		pake_buf_putc(&b, '[');
	pake_buf_puts(&b, "\n---\n");
	s = pake_buf_take(&b);
	CHECK(t, fails(s, PAKE_EINVAL));
	free(s);

	/* A long one-line {...} stays fast too, and round-trips. */
	pake_buf_puts(&b, "---\n{title: wide");
	for (i = 0; i < 40000; i++)
		pake_buf_printf(&b, ", k%d: [%d]", i, i);
	pake_buf_puts(&b, "}\n---\nbody");
	s = pake_buf_take(&b);
	{
		pake_note n;
		pake_err e;

		CHECK(t, parse(s, &n, &e) == 0 && same(n.title, "wide"));
		CHECK(t, n.extra_yaml && strncmp(n.extra_yaml,
		    "k0: [0]\nk1: [1]\n", 16) == 0);
		CHECK(t, round_trips(&n));
		pake_note_free(&n);
	}
	free(s);

	/* A wide unknown mapping stays fast (duplicates found by sorting). */
	pake_buf_puts(&b, "---\nx:\n");
	for (i = 0; i < 50000; i++)
		pake_buf_printf(&b, "  k%d: %d\n", i, i);
	pake_buf_puts(&b, "  k7: dup\n---\n");
	s = pake_buf_take(&b);
	CHECK(t, fails(s, PAKE_EINVAL));
	free(s);
}

/* A small fixed-seed generator, so runs repeat. */
static unsigned
rnd(unsigned long long *st)
{
	*st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(*st >> 33);
}

/* Mutated files never crash, and whatever parses round-trips. */
static void
test_mutations(struct tally *t)
{
	static const char sample[] =
	    "---\n"
	    "pake_id: 5f0c7a9e-1b2d-4c3e-8f4a-0123456789ab\n"
	    "title: \"A \\\"quoted\\\" title: yes\"\n"
	    "tags:\n  - a\n  - 'b c'\n"
	    "confidence_score: 0.5\n"
	    "summary: |\n  multi\n  line\n"
	    "extra: {a: [1, 2.5, null, true], 'b': \"x\"}\n"
	    "list:\n  - k: v\n    j: [w]\n  - ~\n"
	    "folded: >-\n  one\n  two\n"
	    "---\nbody \xC3\xA9\n";
	static const char alphabet[] = "-:[]{}#&*!|>'\"%@`,? \n\r\t\\ax0.~"
	    "\xC3\xA9\x80\xFF";
	unsigned long long st = 42;
	char buf[sizeof sample + 8];
	pake_note n, m;
	pake_err e;
	size_t len, k, pos;
	int i, parsed = 0, bad = 0;

	for (i = 0; i < 20000; i++) {
		memcpy(buf, sample, sizeof sample);
		len = sizeof sample - 1;
		for (k = rnd(&st) % 4 + 1; k > 0; k--) {
			pos = rnd(&st) % len;
			switch (rnd(&st) % 3) {
			case 0:
				buf[pos] = alphabet[rnd(&st) %
				    (sizeof alphabet - 1)];
				break;
			case 1:
				memmove(buf + pos, buf + pos + 1,
				    len - pos - 1);
				len--;
				break;
			default:
				if (len + 1 < sizeof buf) {
					memmove(buf + pos + 1, buf + pos,
					    len - pos);
					buf[pos] = alphabet[rnd(&st) %
					    (sizeof alphabet - 1)];
					len++;
				}
				break;
			}
		}
		pake_note_init(&n);
		if (pake_fm_parse(buf, len, &n, &e) == 0) {
			parsed++;
			if (reparse(&n, &m) != 0 || !notes_equal(&n, &m)) {
				if (bad++ < 3)
					fprintf(stderr, "mutation %d: no "
					    "round trip\n--\n%.*s--\n", i,
					    (int)len, buf);
			}
			pake_note_free(&m);
		}
		pake_note_free(&n);
	}
	CHECK(t, parsed > 1000);
	CHECK(t, bad == 0);
}

/* Run every case; exit 0 only when none failed. */
int
main(void)
{
	struct tally t = { 0, 0 };

	test_known_fields(&t);
	test_nulls(&t);
	test_tags(&t);
	test_scalars(&t);
	test_unknown(&t);
	test_plain_or_quoted(&t);
	test_round_trip_strings(&t);
	test_render_exact(&t);
	test_body(&t);
	test_errors(&t);
	test_mutations(&t);
	printf("%d passed, %d failed\n", t.pass, t.fail);
	return t.fail == 0 ? 0 : 1;
}
