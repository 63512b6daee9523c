/*
 * text.c: reading a note as text, for analysis (issue 12): markdown to
 * plain text, plain text to sentences, English stop words, word counts.
 * Pure functions over bytes; no database, no locale, no global state.
 *
 * Plain text.  The markdown is parsed with libcmark (invalid UTF-8
 * replaced by U+FFFD, so the plain text is valid UTF-8) and walked once.
 * Each leaf block that holds prose (a paragraph or a heading) becomes one
 * line; blocks are separated by a blank line, so the plain text is
 *
 *	block "\n\n" block "\n\n" ... block		(no final newline)
 *
 * and a line is a block.  A block inside a list item starts with "• "
 * (U+2022 and a space): that is how pake_text_sentences() knows an item
 * without a second channel.  Inside a block the inline nodes are gathered
 * into a raw buffer (text as it is; soft and hard breaks as '\n'; link
 * texts kept and their URLs dropped; code spans, inline HTML, images and
 * autolinks replaced by a DROP mark), and the raw buffer is cleaned in one
 * pass: [[Target|alias]] becomes alias, [[Target#heading]] Target, ![[x]]
 * (an embed) nothing; bare URLs (http://, https://, www.) are dropped with
 * the brackets or quotes around them; runs of white space become one space; a
 * DROP mark between a space and closing punctuation takes the space with
 * it ("Run `make`." gives "Run.").  Code blocks, HTML blocks and thematic
 * breaks give no line.  cmark core has no tables: a paragraph whose second
 * line is a delimiter row (|---|:--|) is read as a GFM table and each
 * non-empty cell becomes a block.  An Obsidian callout's "[!type]" marker
 * is dropped from the first line of its block quote.  Everything here is
 * linear in the input: the walk visits each node once, the cleaning pass
 * reads each byte a bounded number of times.
 *
 * Sentences.  Each line of the text is a block (blank lines are no
 * blocks).  A sentence ends at the end of its block, after 。！？｡ (CJK has
 * no spaces), and after a run of enders (. ! ? … ؟ ۔ । ॥) and closing quotes
 * or brackets when white space and then a sentence start follow: an
 * upper-case letter (Latin, Greek, Cyrillic, Armenian), a letter of a
 * script without case (CJK, Arabic, Hebrew, Indic ...), a digit or an
 * opening quote or bracket.  So "3.14", "v1.2.3" and "10.5%" never split
 * (no space), nor "wait... then" (lower case).  A run that is one '.'
 * does not end a sentence after an abbreviation of the table below, or
 * after a single upper-case letter (initials: "J. R. R. Tolkien", "U.S.",
 * "А. С. Пушкин"), except the pronoun "I".  Spans are trimmed of white
 * space; empty ones are dropped.  Greek's question mark is ';', which is
 * also the semicolon: it ends no sentence.  The work is linear: each byte is read a
 * bounded number of times, and the look back for an abbreviation is at
 * most ABBR_MAX bytes.
 *
 * White space, for sentences and words alike: ASCII space, tab, newline,
 * vertical tab, form feed, carriage return, U+00A0 and U+3000.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmark.h>
#include <ctype.h>
#include "pake/text.h"
#include "pake/util.h"

#define DROP	'\x01'		/* in a raw block: something dropped here */
#define BULLET	"\xE2\x80\xA2 "	/* U+2022 and a space: a list item's line */
#define BULLET_LEN 4
#define ABBR_MAX 12		/* the longest word looked up as abbreviation */

/* --- characters ---------------------------------------------------------- */

/* 1 when c is one of the bytes of set (never for NUL). */
static int
in_set(const char *set, char c)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* The code point at s[i..e): its length in bytes (at least 1 when i < e;
 * an invalid byte reads as U+FFFD of length 1). */
static size_t
cp_at(const char *s, size_t i, size_t e, uint32_t *cp)
{
	size_t k;

	if (i >= e) {
		*cp = 0;
		return 0;
	}
	if ((k = pake_utf8_decode(s + i, e - i, cp)) == 0) {
		*cp = 0xFFFD;
		k = 1;
	}
	return k;
}

/* The length of the white space at s[i..e), 0 when there is none. */
static size_t
ws_at(const char *s, size_t i, size_t e)
{
	const unsigned char *u = (const unsigned char *)s;

	if (i >= e)
		return 0;
	if (u[i] == ' ' || (u[i] >= '\t' && u[i] <= '\r'))
		return 1;
	if (u[i] == 0xC2 && i + 1 < e && u[i + 1] == 0xA0)
		return 2;
	if (u[i] == 0xE3 && i + 2 < e && u[i + 1] == 0x80 && u[i + 2] == 0x80)
		return 3;
	return 0;
}

/* The length of the white space that ends s[b..e), 0 when none does. */
static size_t
ws_before(const char *s, size_t b, size_t e)
{
	const unsigned char *u = (const unsigned char *)s;

	if (e <= b)
		return 0;
	if (u[e - 1] == ' ' || (u[e - 1] >= '\t' && u[e - 1] <= '\r'))
		return 1;
	if (e - b >= 2 && u[e - 2] == 0xC2 && u[e - 1] == 0xA0)
		return 2;
	if (e - b >= 3 && u[e - 3] == 0xE3 && u[e - 2] == 0x80 &&
	    u[e - 1] == 0x80)
		return 3;
	return 0;
}

/* 1 when c is an upper-case letter of Latin, Greek, Cyrillic or Armenian
 * (the blocks people write notes in; other cased letters read as not). */
static int
is_upper(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z';
	if (c >= 0xC0 && c <= 0xDE)
		return c != 0xD7;
	if (c >= 0x100 && c <= 0x137)
		return c % 2 == 0;
	if (c >= 0x139 && c <= 0x148)
		return c % 2 == 1;
	if (c >= 0x14A && c <= 0x177)
		return c % 2 == 0;
	if (c == 0x178 || c == 0x179 || c == 0x17B || c == 0x17D)
		return 1;
	if (c == 0x386 || (c >= 0x388 && c <= 0x38A) || c == 0x38C ||
	    c == 0x38E || c == 0x38F || (c >= 0x391 && c <= 0x3AB))
		return c != 0x3A2;
	if (c >= 0x400 && c <= 0x42F)
		return 1;
	if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF))
		return c % 2 == 0;
	if (c >= 0x531 && c <= 0x556)
		return 1;
	if (c >= 0x1E00 && c <= 0x1EFF)
		return c % 2 == 0;
	return c >= 0xFF21 && c <= 0xFF3A;	/* full-width A-Z */
}

/* 1 when c is a letter of a script without case (Hebrew, Arabic, the
 * Indic scripts, Thai, Georgian, Hangul, kana, CJK ideographs). */
static int
is_caseless(uint32_t c)
{
	return (c >= 0x5D0 && c <= 0x5EA) || (c >= 0x620 && c <= 0x64A) ||
	    (c >= 0x66E && c <= 0x6D3) || (c >= 0x900 && c <= 0xD7F) ||
	    (c >= 0xE01 && c <= 0xE30) || (c >= 0x10D0 && c <= 0x10FA) ||
	    (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3041 && c <= 0x30FF) ||
	    (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0x20000 && c <= 0x3FFFF);
}

/* 1 when c opens a quotation or bracket. */
static int
is_opening(uint32_t c)
{
	switch (c) {
	case '"': case '\'': case '(': case '[': case '{':
	case 0xA1: case 0xAB: case 0xBF:	/* ¡ « ¿ */
	case 0x2018: case 0x201C: case 0x201E: case 0x2039: /* ‘ “ „ ‹ */
	case 0x300C: case 0x300E: case 0xFF08:	/* 「 『 （ */
		return 1;
	}
	return 0;
}

/* 1 when c closes a quotation or bracket (after an ender). */
static int
is_closing(uint32_t c)
{
	switch (c) {
	case '"': case '\'': case ')': case ']': case '}':
	case 0xBB: case 0x2019: case 0x201D: case 0x203A: /* » ’ ” › */
	case 0x300D: case 0x300F: case 0xFF09:	/* 」 』 ） */
		return 1;
	}
	return 0;
}

/* 1 when c may start a sentence. */
static int
is_start(uint32_t c)
{
	return is_upper(c) || is_caseless(c) || is_opening(c) ||
	    (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

/* 1 when c ends a sentence where white space follows. */
static int
is_ender(uint32_t c)
{
	return c == '.' || c == '!' || c == '?' || c == 0x2026 ||
	    c == 0x61F || c == 0x6D4 || c == 0x964 || c == 0x965;
}

/* 1 when c ends a sentence whatever follows (CJK: 。！？｡). */
static int
is_cjk_ender(uint32_t c)
{
	return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF61;
}

/* --- plain text ---------------------------------------------------------- */

/* The cleaned text of one block, built a character at a time: white space
 * and DROP marks are held back until the next character shows whether a
 * space belongs there. */
struct line {
	pake_buf *b;
	size_t start;		/* where this block starts in b */
	int space, drop;	/* held back before the next character */
};

/* Hold back white space. */
static void
line_space(struct line *l)
{
	l->space = 1;
}

/* Hold back a DROP mark. */
static void
line_drop(struct line *l)
{
	l->drop = 1;
}

/* Add bytes of one character; a held-back space goes first, unless the
 * block has nothing yet or a drop is followed by closing punctuation. */
static void
line_put(struct line *l, const char *s, size_t n)
{
	pake_buf *b = l->b;

	/* "a `x`, b" is "a, b", "see `x`, `y`." "see." */
	if (l->drop && b->len > l->start && in_set(".,;:", s[0]) &&
	    b->p[b->len - 1] == s[0]) {
		l->space = l->drop = 0;
		return;
	}
	if (l->space && b->len > l->start &&
	    !(l->drop && in_set(".,;:!?)]}", s[0])))
		pake_buf_putc(b, ' ');
	l->space = l->drop = 0;
	pake_buf_put(b, s, n);
}

/* Add s[0..n) through the white space rules. */
static void
line_text(struct line *l, const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if ((k = ws_at(s, i, n)) > 0) {
			line_space(l);
			i += k;
		} else if (s[i] == DROP) {
			line_drop(l);
			i++;
		} else {
			uint32_t cp;

			k = cp_at(s, i, n, &cp);
			line_put(l, s + i, k);
			i += k;
		}
	}
}

/* The length of the [[...]] at s[i..n) (from "[[" to "]]" with no
 * bracket or newline inside and something between), 0 when none. */
static size_t
wikilink_len(const char *s, size_t i, size_t n)
{
	size_t j;

	if (i + 1 >= n || s[i] != '[' || s[i + 1] != '[')
		return 0;
	for (j = i + 2; j < n; j++)
		if (s[j] == '[' || s[j] == ']' || s[j] == '\n')
			break;
	if (j + 1 < n && s[j] == ']' && s[j + 1] == ']' && j > i + 2)
		return j + 2 - i;
	return 0;
}

/* What a reader sees of the wikilink inside s[0..n): the alias after '|',
 * else the target without its #heading (the heading when that is all). */
static void
wikilink_text(struct line *l, const char *s, size_t n)
{
	const char *bar = memchr(s, '|', n), *hash;
	size_t tn;

	if (bar) {
		line_text(l, bar + 1, n - (size_t)(bar - s) - 1);
		return;
	}
	tn = n;
	if ((hash = memchr(s, '#', n)) != NULL && hash > s)
		tn = (size_t)(hash - s);
	else if (hash) {
		s++;
		tn--;
	}
	line_text(l, s, tn);
}

/* 1 when a bare URL starts at s[i..n): http://, https:// or www. at the
 * start of a word. */
static int
url_start(const char *s, size_t i, size_t n)
{
	if (i > 0 && ws_before(s, 0, i) == 0 && s[i - 1] != DROP &&
	    !in_set("(<[\"'", s[i - 1]))
		return 0;
	return (n - i >= 7 && strncasecmp(s + i, "http://", 7) == 0) ||
	    (n - i >= 8 && strncasecmp(s + i, "https://", 8) == 0) ||
	    (n - i >= 4 && strncasecmp(s + i, "www.", 4) == 0);
}

/* The end of the bare URL that starts at s[i..n): up to white space, less
 * trailing punctuation and an unbalanced ')' or ']' (as GFM's autolinks
 * do for ')'). */
static size_t
url_end(const char *s, size_t i, size_t n)
{
	size_t j = i, open = 0, close = 0, sopen = 0, sclose = 0;

	while (j < n && ws_at(s, j, n) == 0 && s[j] != DROP) {
		open += s[j] == '(';
		close += s[j] == ')';
		sopen += s[j] == '[';
		sclose += s[j] == ']';
		j++;
	}
	for (;;) {
		if (j > i && in_set(".,:;!?\"'*_~", s[j - 1]))
			j--;
		else if (j > i && s[j - 1] == ')' && close > open) {
			close--;
			j--;
		} else if (j > i && s[j - 1] == ']' && sclose > sopen) {
			sclose--;
			j--;
		} else
			break;
	}
	return j;
}

/* 1 when open and close are a pair of brackets or quotes. */
static int
pairs(char open, char close)
{
	return (open == '(' && close == ')') || (open == '[' && close == ']') ||
	    (open == '"' && close == '"') || (open == '\'' && close == '\'');
}

/* Clean raw[0..n) of one block (or table cell) into l. */
static void
clean(struct line *l, const char *raw, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if (raw[i] == '!' && (k = wikilink_len(raw, i + 1, n)) > 0) {
			line_drop(l);			/* ![[embed]] */
			i += 1 + k;
		} else if ((k = wikilink_len(raw, i, n)) > 0) {
			wikilink_text(l, raw + i + 2, k - 4);
			i += k;
		} else if (url_start(raw, i, n)) {
			size_t e = url_end(raw, i, n);

			/* "(https://...)": the brackets or quotes go too. */
			if (e < n && i > 0 && pairs(raw[i - 1], raw[e]) &&
			    l->b->len > l->start &&
			    l->b->p[l->b->len - 1] == raw[i - 1]) {
				l->b->len--;
				if (l->b->len > l->start &&
				    l->b->p[l->b->len - 1] == ' ') {
					l->b->len--;
					l->space = 1;
				}
				l->b->p[l->b->len] = '\0';
				e++;
			}
			line_drop(l);
			i = e > i ? e : i + 1;
		} else if ((k = ws_at(raw, i, n)) > 0) {
			line_space(l);
			i += k;
		} else if (raw[i] == DROP) {
			line_drop(l);
			i++;
		} else {
			uint32_t cp;

			k = cp_at(raw, i, n, &cp);
			line_put(l, raw + i, k);
			i += k;
		}
	}
}

/* Start a block in out: the separator and, in a list item, the bullet. */
static size_t
block_begin(pake_buf *out, int item)
{
	size_t mark = out->len;

	if (out->len > 0)
		pake_buf_put(out, "\n\n", 2);
	if (item)
		pake_buf_put(out, BULLET, BULLET_LEN);
	return mark;
}

/* Emit raw[0..n) as a block, or take back its start when it cleans to
 * nothing. */
static void
emit_block(pake_buf *out, const char *raw, size_t n, int item)
{
	size_t mark = block_begin(out, item);
	struct line l = {out, out->len, 0, 0};

	clean(&l, raw, n);
	if (!out->oom && out->len == l.start) {
		out->len = mark;
		if (out->p)
			out->p[mark] = '\0';
	}
}

/* 1 when s[0..n) is a GFM table's delimiter row: only | : - and white
 * space, with at least one '|' and one '-'. */
static int
delimiter_row(const char *s, size_t n)
{
	size_t i;
	int bar = 0, dash = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '|')
			bar = 1;
		else if (s[i] == '-')
			dash = 1;
		else if (s[i] != ':' && ws_at(s, i, n) == 0)
			return 0;
	}
	return bar && dash;
}

/* When raw[0..n) is a table (a row with '|', then a delimiter row), emit
 * each non-empty cell as a block and return 1; else 0.  A '|' inside
 * [[...]] separates no cells (Obsidian's [[Note\|alias]] in tables). */
static int
table(pake_buf *out, const char *raw, size_t n, int item)
{
	const char *nl1 = memchr(raw, '\n', n), *nl2;
	size_t at, row = 0;

	if (nl1 == NULL || memchr(raw, '|', (size_t)(nl1 - raw)) == NULL)
		return 0;
	at = (size_t)(nl1 - raw) + 1;
	nl2 = memchr(raw + at, '\n', n - at);
	if (!delimiter_row(raw + at, nl2 ? (size_t)(nl2 - raw) - at : n - at))
		return 0;
	for (at = 0; at < n; row++) {
		const char *nl = memchr(raw + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - raw) : n, cell = at, i, k;

		for (i = at; row != 1 && i <= end; i++) {
			if (i < end && (k = wikilink_len(raw, i, end)) > 0) {
				i += k - 1;
				continue;
			}
			if (i == end || raw[i] == '|') {
				emit_block(out, raw + cell, i - cell, item);
				cell = i + 1;
			}
		}
		at = end + 1;
	}
	return 1;
}

/* The length of an Obsidian callout marker "[!type]" (with an optional
 * + or -) at the start of raw[0..n), 0 when there is none. */
static size_t
callout_len(const char *raw, size_t n)
{
	size_t i;

	if (n < 3 || raw[0] != '[' || raw[1] != '!')
		return 0;
	for (i = 2; i < n && raw[i] != ']' && raw[i] != '\n'; i++)
		;
	if (i >= n || raw[i] != ']')
		return 0;
	i++;
	if (i < n && (raw[i] == '+' || raw[i] == '-'))
		i++;
	return i;
}

/* 1 when a link node is an autolink (<http://x>, <a@b.c>): its one text
 * child is its URL, or its URL without "mailto:". */
static int
autolink(cmark_node *link)
{
	cmark_node *c = cmark_node_first_child(link);
	const char *url = cmark_node_get_url(link), *lit;

	if (c == NULL || cmark_node_next(c) != NULL ||
	    cmark_node_get_type(c) != CMARK_NODE_TEXT || url == NULL ||
	    (lit = cmark_node_get_literal(c)) == NULL)
		return 0;
	if (strncasecmp(url, "mailto:", 7) == 0 && strcmp(url + 7, lit) == 0)
		return 1;
	return strcmp(url, lit) == 0;
}

/* Emit the raw text of a paragraph or heading: a heading as one block; a
 * callout's title line (after its "[!type]" marker) as a block of its own;
 * a table cell by cell; anything else as one block. */
static void
leaf_block(pake_buf *out, cmark_node *node, const char *raw, size_t n,
    int item)
{
	cmark_node *up = cmark_node_parent(node);
	size_t at;

	if (cmark_node_get_type(node) == CMARK_NODE_HEADING) {
		emit_block(out, raw, n, item);
		return;
	}
	if (cmark_node_previous(node) == NULL && up != NULL &&
	    cmark_node_get_type(up) == CMARK_NODE_BLOCK_QUOTE &&
	    (at = callout_len(raw, n)) > 0) {
		const char *nl = memchr(raw + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - raw) : n;

		emit_block(out, raw + at, end - at, item);
		if (end >= n)
			return;
		raw += end + 1;
		n -= end + 1;
	}
	if (!table(out, raw, n, item))
		emit_block(out, raw, n, item);
}

/* Markdown to plain text (text.h); the design is at the top of the file. */
int
pake_text_plain(const char *md, size_t len, char **out, size_t *n)
{
	pake_buf b = {0}, raw = {0};
	cmark_node *doc, *node, *skip = NULL;
	cmark_iter *it;
	cmark_event_type ev;
	int items = 0, inblock = 0;

	*out = NULL;
	*n = 0;
	doc = cmark_parse_document(md ? md : "", md ? len : 0,
	    CMARK_OPT_VALIDATE_UTF8);
	if (doc == NULL)
		return -1;
	if ((it = cmark_iter_new(doc)) == NULL) {
		cmark_node_free(doc);
		return -1;
	}
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node_type t;
		const char *lit;

		node = cmark_iter_get_node(it);
		t = cmark_node_get_type(node);
		if (skip) {			/* inside an image or autolink */
			if (node == skip && ev == CMARK_EVENT_EXIT)
				skip = NULL;
			continue;
		}
		if (t == CMARK_NODE_ITEM) {
			items += ev == CMARK_EVENT_ENTER ? 1 : -1;
			continue;
		}
		if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING) {
			if (ev == CMARK_EVENT_ENTER) {
				raw.len = 0;
				inblock = 1;
				continue;
			}
			inblock = 0;
			if (raw.oom)
				break;
			if (raw.len == 0)
				continue;
			leaf_block(&b, node, raw.p, raw.len, items > 0);
			continue;
		}
		if (!inblock || ev != CMARK_EVENT_ENTER)
			continue;
		switch (t) {
		case CMARK_NODE_TEXT:
			if ((lit = cmark_node_get_literal(node)) != NULL)
				pake_buf_puts(&raw, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			pake_buf_putc(&raw, '\n');
			break;
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			pake_buf_putc(&raw, DROP);
			break;
		case CMARK_NODE_IMAGE:
			pake_buf_putc(&raw, DROP);
			skip = node;
			break;
		case CMARK_NODE_LINK:
			if (autolink(node)) {
				pake_buf_putc(&raw, DROP);
				skip = node;
			}
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	if (raw.oom) {
		pake_buf_free(&raw);
		pake_buf_free(&b);
		return -1;
	}
	pake_buf_free(&raw);
	*n = b.len;
	if ((*out = pake_buf_take(&b)) == NULL) {
		*n = 0;
		return -1;
	}
	return 0;
}

/* --- sentences ----------------------------------------------------------- */

/*
 * Abbreviations: a word of this table (without its '.') followed by one
 * '.' ends no sentence.  A word matches as written here, with its first
 * letter in upper case ("E.g."), or all in upper case ("DR.").  Those
 * marked NUM are abbreviations only before a digit ("No. 5", "Jan. 5"):
 * "Is it? No. It is not." and "I met Jan. She ..." still split.
 *
 * Left out because they end sentences more often than they stand before a
 * capital inside one: etc. ("apples, pears, etc. Then ..."), Inc., Ltd.,
 * Co., Corp. ("works at Acme Inc. She ..."), Jr. and Sr. (after a name:
 * "Martin Luther King Jr. He ..."), a.m. and p.m. ("at 5 p.m. He left"),
 * and "I" as an initial ("so did I. We ...").
 */
#define NUM	1
static const struct abbr {
	const char *w;
	int num;
} abbrs[] = {
	{"Apr", NUM}, {"Aug", NUM}, {"Capt", 0}, {"Col", 0}, {"Dec", NUM},
	{"Dr", 0}, {"Eq", 0}, {"Eqs", 0}, {"Feb", NUM}, {"Fig", 0},
	{"Figs", 0}, {"Gen", 0}, {"Gov", 0}, {"Jan", NUM}, {"Jul", NUM},
	{"Jun", NUM}, {"Lt", 0}, {"Mar", NUM}, {"Mr", 0}, {"Mrs", 0},
	{"Ms", 0}, {"Mt", 0}, {"No", NUM}, {"Nos", NUM}, {"Nov", NUM},
	{"Oct", NUM}, {"Prof", 0}, {"Rev", 0}, {"Sen", 0}, {"Sep", NUM},
	{"Sept", NUM}, {"Sgt", 0}, {"St", 0}, {"Vol", 0}, {"Vols", 0},
	{"al", 0}, {"approx", 0}, {"cf", 0}, {"e.g", 0}, {"i.e", 0},
	{"pp", 0}, {"vs", 0},
};

/* 1 when s[0..n) is w as written, with its first letter upper case, or
 * all upper case (ASCII). */
static int
abbr_match(const char *w, const char *s, size_t n)
{
	size_t i;
	int first = 1, upper = 1;

	if (n == 0 || (w[0] | 0x20) != (s[0] | 0x20) || strlen(w) != n)
		return 0;
	if (memcmp(w, s, n) == 0)
		return 1;
	for (i = 0; i < n; i++) {
		char c = w[i];
		char u = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;

		if (s[i] != (i == 0 ? u : c))
			first = 0;
		if (s[i] != u)
			upper = 0;
	}
	return first || upper;
}

/* 1 when the '.' at text[dot] (a run of one, in the block from b) is not a
 * sentence end because of the word before it; next is where the next
 * sentence would start. */
static int
no_end_after(const char *text, size_t b, size_t dot, size_t next)
{
	size_t t = dot, i;
	uint32_t cp, prev = ' ';
	int digit = text[next] >= '0' && text[next] <= '9';

	/* The word before the dot: back to white space or an opening
	 * quote or bracket, at most ABBR_MAX + 1 bytes. */
	while (t > b && dot - t <= ABBR_MAX && ws_before(text, b, t) == 0 &&
	    !in_set("([{\"'", text[t - 1]))
		t--;
	if (dot - t <= ABBR_MAX && (t == b || ws_before(text, b, t) ||
	    in_set("([{\"'", text[t - 1])))
		for (i = 0; i < sizeof abbrs / sizeof abbrs[0]; i++)
			if (abbr_match(abbrs[i].w, text + t, dot - t))
				return !abbrs[i].num || digit;
	/* A single upper-case letter before the dot: the code point that
	 * ends there, and what comes before it. */
	for (i = 1; i <= 4 && i <= dot - b; i++)
		if (((unsigned char)text[dot - i] & 0xC0) != 0x80)
			break;
	if (i > 4 || i > dot - b || cp_at(text, dot - i, dot, &cp) != i ||
	    !is_upper(cp))
		return 0;
	if (dot - i > b) {
		if (ws_before(text, b, dot - i) == 0 &&
		    !in_set(".-([{\"'", text[dot - i - 1]))
			return 0;	/* the end of a longer word */
		prev = (unsigned char)text[dot - i - 1];
	}
	/* "I" alone is the pronoun, not an initial. */
	return !(cp == 'I' && prev != '.');
}

/* The sentences found so far (oom: sticky, as pake_buf's). */
struct splitter {
	pake_sentence *s;
	size_t n, cap;
	int oom;
};

/* Add the span text[b..e) trimmed of white space, when anything is left. */
static void
add_sentence(struct splitter *sp, const char *text, size_t b, size_t e,
    int block, int item)
{
	size_t k;

	while ((k = ws_at(text, b, e)) > 0)
		b += k;
	while ((k = ws_before(text, b, e)) > 0)
		e -= k;
	if (e <= b || sp->oom)
		return;
	if (sp->n == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 16;
		pake_sentence *p;

		if (cap > SIZE_MAX / sizeof *p ||
		    (p = realloc(sp->s, cap * sizeof *p)) == NULL) {
			sp->oom = 1;
			return;
		}
		sp->s = p;
		sp->cap = cap;
	}
	sp->s[sp->n++] = (pake_sentence){b, e - b, block, item};
}

/* The sentences of one block, text[b..e) (not blank). */
static void
split_block(struct splitter *sp, const char *text, size_t b, size_t e,
    int block)
{
	size_t i, start, j, k;
	uint32_t cp;
	int item = 0, single;

	if (e - b >= BULLET_LEN - 1 && memcmp(text + b, BULLET, 3) == 0 &&
	    (e - b == 3 || ws_at(text, b + 3, e) > 0)) {
		item = 1;
		b += 3;
	}
	start = i = b;
	while (i < e) {
		k = cp_at(text, i, e, &cp);
		if (is_cjk_ender(cp)) {
			for (j = i + k; j < e; j += k) {
				k = cp_at(text, j, e, &cp);
				if (!is_cjk_ender(cp) && !is_ender(cp) &&
				    !is_closing(cp))
					break;
			}
			add_sentence(sp, text, start, j, block, item);
			start = i = j;
			continue;
		}
		if (!is_ender(cp)) {
			i += k;
			continue;
		}
		/* A run of enders, then closing quotes or brackets. */
		for (j = i + k; j < e; j += k) {
			k = cp_at(text, j, e, &cp);
			if (!is_ender(cp))
				break;
		}
		single = j == i + 1 && text[i] == '.';
		for (; j < e; j += k) {
			k = cp_at(text, j, e, &cp);
			if (!is_closing(cp))
				break;
		}
		if (j >= e || ws_at(text, j, e) == 0) {
			i = j;
			continue;
		}
		for (k = j; k < e && ws_at(text, k, e) > 0; )
			k += ws_at(text, k, e);
		if (k >= e)
			break;
		cp_at(text, k, e, &cp);
		if (is_start(cp) && !(single && no_end_after(text, b, i, k))) {
			add_sentence(sp, text, start, j, block, item);
			start = k;
		}
		i = k;
	}
	add_sentence(sp, text, start, e, block, item);
}

/* Plain text to sentences (text.h): each non-blank line a block. */
int
pake_text_sentences(const char *text, size_t len, pake_sentence **s,
    size_t *n)
{
	struct splitter sp = {NULL, 0, 0, 0};
	size_t at = 0;
	int block = 0;

	*s = NULL;
	*n = 0;
	while (text && at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len, i = at, k;

		while ((k = ws_at(text, i, end)) > 0)
			i += k;
		if (i < end) {
			split_block(&sp, text, at, end, block);
			if (block < INT_MAX)
				block++;
		}
		at = end + 1;
	}
	if (sp.oom) {
		free(sp.s);
		return -1;
	}
	*s = sp.s;
	*n = sp.n;
	return 0;
}

/* --- words --------------------------------------------------------------- */

/*
 * English stop words, written here after the common English lists (NLTK's
 * and Snowball's), sorted for bsearch.  Words are the full-text tokens,
 * which split at apostrophes, so the contractions are here as their parts
 * ("don't" is "don" and "t"); "won" (of "won't") and "ma" (of "ma'am")
 * are left out as they are words too.  A few function words that both
 * lists lack are added (among, upon, whose, within, without, ...).
 */
static const char *const stopwords[] = {
	"a", "about", "above", "after", "again", "against", "ain", "all",
	"also", "although", "am", "among", "an", "and", "another", "any",
	"are", "aren", "as", "at", "be", "because", "been", "before",
	"being", "below", "between", "both", "but", "by", "can", "cannot",
	"could", "couldn", "d", "did", "didn", "do", "does", "doesn",
	"doing", "don", "down", "during", "each", "either", "every", "few",
	"for", "from", "further", "had", "hadn", "has", "hasn", "have",
	"haven", "having", "he", "her", "here", "hers", "herself", "him",
	"himself", "his", "how", "i", "if", "in", "into", "is", "isn", "it",
	"its", "itself", "just", "ll", "m", "may", "me", "might", "mightn",
	"more", "most", "must", "mustn", "my", "myself", "needn", "neither",
	"no", "nor", "not", "now", "o", "of", "off", "on", "once", "only",
	"or", "other", "ought", "our", "ours", "ourselves", "out", "over",
	"own", "re", "s", "same", "shall", "shan", "she", "should",
	"shouldn", "since", "so", "some", "such", "t", "than", "that",
	"the", "their", "theirs", "them", "themselves", "then", "there",
	"these", "they", "this", "those", "though", "through", "to", "too",
	"under", "until", "up", "upon", "us", "ve", "very", "was", "wasn",
	"we", "were", "weren", "what", "when", "where", "whether", "which",
	"while", "who", "whom", "whose", "why", "will", "with", "within",
	"without", "would", "wouldn", "y", "yet", "you", "your", "yours",
	"yourself", "yourselves",
};

/* bsearch's comparison of a word with an entry of stopwords[]. */
static int
cmp_word(const void *key, const void *entry)
{
	return strcmp(key, *(const char *const *)entry);
}

/* 1 when the folded word is in stopwords[]. */
int
pake_text_stopword(const char *word)
{
	if (word == NULL || word[0] == '\0')
		return 0;
	return bsearch(word, stopwords, sizeof stopwords / sizeof stopwords[0],
	    sizeof stopwords[0], cmp_word) != NULL;
}

/* Whitespace-separated words of text[0..len) (text.h). */
size_t
pake_text_words(const char *text, size_t len)
{
	size_t i = 0, k, words = 0, start;

	while (text && i < len) {
		if ((k = ws_at(text, i, len)) > 0) {
			i += k;
			continue;
		}
		start = i;
		while (i < len && ws_at(text, i, len) == 0)
			i++;
		/* pake_text_plain's item bullet alone is no word. */
		if (!(i - start == 3 && memcmp(text + start, BULLET, 3) == 0))
			words++;
	}
	return words;
}

int
pake_text_html(const char *md, size_t len, char **out)
{
	/* CMARK_OPT_DEFAULT is safe since cmark 0.29: raw HTML becomes a
	 * comment saying it was omitted, unsafe URLs become "". */
	*out = cmark_markdown_to_html(md, len, CMARK_OPT_DEFAULT |
	    CMARK_OPT_VALIDATE_UTF8);
	return *out ? 0 : -1;
}

int
pake_text_next_keyword(const char **p, char w[32])
{
	const char *t = *p;
	size_t len, i;

	while (t && *t) {
		while (*t && !isalpha((unsigned char)*t))
			t++;
		for (len = 0; isalpha((unsigned char)t[len]); len++)
			;
		if (len >= 3 && len < 32) {
			for (i = 0; i < len; i++)
				w[i] = (char)tolower((unsigned char)t[i]);
			w[len] = '\0';
			if (!pake_text_stopword(w)) {
				*p = t + len;
				return 1;
			}
		}
		t += len;
	}
	*p = t;
	return 0;
}
