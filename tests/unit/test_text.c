/*
 * test_text.c: unit tests for lib/text.c (include/pake/text.h).
 *
 * Exact outputs: the plain text of notes with headings, lists, code,
 * links, wikilinks, HTML, images, URLs, quotes, callouts and a table; the
 * sentences (text, block, item) of tricky prose: abbreviations, initials,
 * numbers, ellipses, quotes, Greek, Cyrillic and CJK; stop words; word
 * counts; empty input and text without sentence ends.  Then hostile
 * input: invalid UTF-8, NUL bytes, and many random mutations of a note
 * (fixed seed), each checked against the promises of text.h (spans inside
 * the text, in order, trimmed, non-empty; plain text valid UTF-8); and
 * 10 MB of markdown, which must simply finish (its time is printed).
 * Prints "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pake/text.h"
#include "pake/util.h"
#include "unit.h"

/* pake_text_plain(md) is exactly want. */
static void
plain_is(struct tally *t, const char *md, const char *want, int line)
{
	char *out = NULL;
	size_t n = 0;

	if (pake_text_plain(md, strlen(md), &out, &n) != 0) {
		CHECK(t, 0, "line %d: pake_text_plain failed", line);
		return;
	}
	CHECK(t, out != NULL && strcmp(out, want) == 0 && n == strlen(want),
	    "line %d: plain text\n  got  [%s]\n  want [%s]", line,
	    out ? out : "(null)", want);
	free(out);
}
#define PLAIN(t, md, want) plain_is((t), (md), (want), __LINE__)

/* One expected sentence: its text, block and item flag. */
struct want {
	const char *s;
	int block, item;
};

/* The sentences of text are exactly want[0..] (ended by a NULL s). */
static void
sentences_are(struct tally *t, const char *text, const struct want *want,
    int line)
{
	pake_sentence *s = NULL;
	size_t n = 0, i, nwant = 0;

	while (want[nwant].s)
		nwant++;
	if (pake_text_sentences(text, strlen(text), &s, &n) != 0) {
		CHECK(t, 0, "line %d: pake_text_sentences failed", line);
		return;
	}
	CHECK(t, n == nwant, "line %d: %zu sentences, want %zu", line, n,
	    nwant);
	for (i = 0; i < n && i < nwant; i++) {
		int ok = s[i].len == strlen(want[i].s) &&
		    memcmp(text + s[i].off, want[i].s, s[i].len) == 0;

		CHECK(t, ok, "line %d: sentence %zu is [%.*s], want [%s]",
		    line, i, (int)s[i].len, text + s[i].off, want[i].s);
		CHECK(t, s[i].block == want[i].block && s[i].item ==
		    want[i].item, "line %d: sentence %zu [%s] block %d item %d,"
		    " want %d %d", line, i, want[i].s, s[i].block, s[i].item,
		    want[i].block, want[i].item);
	}
	for (; i < n; i++)
		fprintf(stderr, "  extra sentence [%.*s]\n", (int)s[i].len,
		    text + s[i].off);
	free(s);
}
#define SENTENCES(t, text, ...) do {					\
	static const struct want w_[] = {__VA_ARGS__, {NULL, 0, 0}};	\
	sentences_are((t), (text), w_, __LINE__);			\
} while (0)

/* 1 when the byte at p is white space as text.h counts it. */
static int
ws_at(const char *p, size_t left)
{
	unsigned char c = (unsigned char)p[0];

	return c == ' ' || (c >= '\t' && c <= '\r') ||
	    (left >= 2 && c == 0xC2 && (unsigned char)p[1] == 0xA0) ||
	    (left >= 3 && c == 0xE3 && (unsigned char)p[1] == 0x80 &&
	    (unsigned char)p[2] == 0x80);
}

/* 1 when s[0..n) ends in white space. */
static int
ws_end(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	return (n >= 1 && (u[n - 1] == ' ' || (u[n - 1] >= '\t' &&
	    u[n - 1] <= '\r'))) ||
	    (n >= 2 && u[n - 2] == 0xC2 && u[n - 1] == 0xA0) ||
	    (n >= 3 && u[n - 3] == 0xE3 && u[n - 2] == 0x80 &&
	    u[n - 1] == 0x80);
}

/* The promises of text.h for the sentences of text[0..len): 1 when kept. */
static int
sentences_sound(const char *text, size_t len, const pake_sentence *s,
    size_t n)
{
	size_t i, end = 0;
	int block = -1;

	for (i = 0; i < n; i++) {
		if (s[i].len == 0 || s[i].off < end || s[i].off > len ||
		    s[i].len > len - s[i].off || s[i].block < block ||
		    (s[i].item != 0 && s[i].item != 1) ||
		    ws_at(text + s[i].off, s[i].len) ||
		    ws_end(text + s[i].off, s[i].len) ||
		    memchr(text + s[i].off, '\n', s[i].len) != NULL)
			return 0;
		end = s[i].off + s[i].len;
		block = s[i].block;
	}
	return 1;
}

/* Plain text, then its sentences, of md[0..len): 1 when every promise
 * holds. */
static int
sound(const char *md, size_t len)
{
	char *out;
	size_t n, ns;
	pake_sentence *s;
	int ok;

	if (pake_text_plain(md, len, &out, &n) != 0)
		return 0;
	ok = strlen(out) == n && pake_utf8_valid(out, n) &&
	    (n == 0 || (out[0] != '\n' && out[n - 1] != '\n')) &&
	    strstr(out, "\n\n\n") == NULL;
	if (ok && pake_text_sentences(out, n, &s, &ns) == 0) {
		ok = sentences_sound(out, n, s, ns);
		free(s);
	} else
		ok = 0;
	free(out);
	/* The same bytes as text, not markdown. */
	if (ok && pake_text_sentences(md, len, &s, &ns) == 0) {
		ok = sentences_sound(md, len, s, ns);
		free(s);
	}
	pake_text_words(md, len);
	return ok;
}

static const char note[] =
    "# My *Note* title\n"
    "\n"
    "Some text with a [link](http://example.com) and [[Target|an alias]]"
    " and [[Other Note]].\n"
    "A soft break, `inline code`, <span>html</span> and ![img](x.png)"
    " here.\n"
    "Visit https://example.com/path?q=1. Or (www.example.org) now. See"
    " <https://auto.link> too.\n"
    "\n"
    "- first item\n"
    "- second item with [[Note#Heading]]\n"
    "  - nested item\n"
    "\n"
    "1. ordered one\n"
    "2. ordered two\n"
    "\n"
    "```c\n"
    "int code_block;\n"
    "```\n"
    "\n"
    "    indented code\n"
    "\n"
    "<div>\n"
    "html block\n"
    "</div>\n"
    "\n"
    "> [!note] Callout title\n"
    "> quoted text\n"
    "\n"
    "| a | b |\n"
    "|---|:-:|\n"
    "| 1 | [[X\\|y]] |\n"
    "\n"
    "***\n"
    "\n"
    "Run `make`. Then go.\n";

static void
test_plain(struct tally *t)
{
	PLAIN(t, note,
	    "My Note title\n\n"
	    "Some text with a link and an alias and Other Note. A soft break,"
	    " html and here. Visit. Or now. See too.\n\n"
	    "\xE2\x80\xA2 first item\n\n"
	    "\xE2\x80\xA2 second item with Note\n\n"
	    "\xE2\x80\xA2 nested item\n\n"
	    "\xE2\x80\xA2 ordered one\n\n"
	    "\xE2\x80\xA2 ordered two\n\n"
	    "Callout title\n\n"
	    "quoted text\n\n"
	    "a\n\nb\n\n1\n\ny\n\n"
	    "Run. Then go.");
	/* Empty and nothing but dropped things. */
	PLAIN(t, "", "");
	PLAIN(t, "   \n\n\t\n", "");
	PLAIN(t, "```\ncode\n```\n\n<!-- c -->\n\n---\n", "");
	PLAIN(t, "![only](an-image.png)", "");
	PLAIN(t, "![not an image](a b.png)", "![not an image](a b.png)");
	PLAIN(t, "https://only.a/url", "");
	PLAIN(t, "- ![x](y)\n- `code`\n", "");
	/* Inline markup, breaks, entities, escapes. */
	PLAIN(t, "*a* **b** _c_ `d` e", "a b c e");
	PLAIN(t, "line one  \nline two\\\nthree\nfour",
	    "line one line two three four");
	PLAIN(t, "Tom &amp; Jerry &copy; \\*not emphasis\\*",
	    "Tom & Jerry \xC2\xA9 *not emphasis*");
	PLAIN(t, "Title\n=====\n\nSub\n---\n\n## Closed ##", "Title\n\nSub\n\n"
	    "Closed");
	PLAIN(t, "Multiple   spaces\tand\ttabs", "Multiple spaces and tabs");
	/* Links. */
	PLAIN(t, "[ref text][r] and [inline *em*](u \"title\")\n\n[r]: "
	    "http://x.org\n", "ref text and inline em");
	PLAIN(t, "[see https://x.org here](https://x.org)", "see here");
	PLAIN(t, "mail <a@b.org> or <https://x.org>.", "mail or.");
	PLAIN(t, "[![badge](b.svg)](https://ci) passing", "passing");
	/* Bare URLs. */
	PLAIN(t, "Visit https://x.org/a_(b)_c. Done", "Visit. Done");
	PLAIN(t, "Visit (https://x.org/path) now", "Visit now");
	PLAIN(t, "go HTTP://X.ORG and www.y.com, then", "go and, then");
	PLAIN(t, "awww.x and xhttp://y stay", "awww.x and xhttp://y stay");
	PLAIN(t, "at \"https://q.org\" or [www.q.org] or 'http://q' said",
	    "at or or said");
	PLAIN(t, "a (https://x.org, b) c", "a (, b) c");
	/* Wikilinks. */
	PLAIN(t, "[[A]] [[B|c d]] [[E#F]] [[#G]] [[ H | i ]] [[folder/J]]",
	    "A c d E G i folder/J");
	PLAIN(t, "see ![[pic.png]] and ![[Note]] here", "see and here");
	PLAIN(t, "[[]] and [[not closed] and [[x\n]] [y]", "[[]] and [[not "
	    "closed] and [[x ]] [y]");
	PLAIN(t, "`[[Code]]` and [[Real]]", "and Real");
	/* Lists: every block of an item is an item's block. */
	PLAIN(t, "- one\n\n  two\n- three\n  > quoted in item\n",
	    "\xE2\x80\xA2 one\n\n\xE2\x80\xA2 two\n\n\xE2\x80\xA2 three\n\n"
	    "\xE2\x80\xA2 quoted in item");
	PLAIN(t, "- # Heading item\n* [ ] task\n+ [x] done",
	    "\xE2\x80\xA2 Heading item\n\n\xE2\x80\xA2 [ ] task\n\n"
	    "\xE2\x80\xA2 [x] done");
	/* Quotes and callouts. */
	PLAIN(t, "> a\n> > b\n\nc", "a\n\nb\n\nc");
	PLAIN(t, "> [!tip]- Folded title\n> body\n\n> [!info]\n> only body",
	    "Folded title\n\nbody\n\nonly body");
	PLAIN(t, "not a callout [!tip] here", "not a callout [!tip] here");
	/* Tables, and paragraphs that only look a bit like them. */
	PLAIN(t, "| h1 | h2 |\n| --- | --- |\n| *x* | `y` |\n|  | z |",
	    "h1\n\nh2\n\nx\n\nz");
	PLAIN(t, "a | b\nno delimiter row", "a | b no delimiter row");
	/* Scripts pass through. */
	PLAIN(t, "Καλημέρα κόσμε. Привет, мир! 你好，世界。",
	    "Καλημέρα κόσμε. Привет, мир! 你好，世界。");
	/* Invalid UTF-8 and NUL become U+FFFD. */
	{
		static const char bad[] = "a\xff" "b \xC3 c\xE2\x82";
		char *out;
		size_t n;

		CHECK(t, pake_text_plain(bad, sizeof bad - 1, &out, &n) == 0 &&
		    pake_utf8_valid(out, n) &&
		    strcmp(out, "a\xEF\xBF\xBD" "b \xEF\xBF\xBD c"
		    "\xEF\xBF\xBD") == 0, "invalid UTF-8: [%s]", out);
		free(out);
		CHECK(t, pake_text_plain("x\0y", 3, &out, &n) == 0 && n == 5 &&
		    memcmp(out, "x\xEF\xBF\xBDy", 5) == 0, "NUL: [%s]", out);
		free(out);
	}
}

static void
test_sentences(struct tally *t)
{
	SENTENCES(t, "Dr. Smith went to Washington. He arrived at 3.30 p.m. on "
	    "Jan. 5. J. R. R. Tolkien wrote it. Version 1.2.3 is out! Is it? "
	    "Yes... And then \"Quoted.\" Next (e.g. This) and Mr. Brown vs. "
	    "Green.",
	    {"Dr. Smith went to Washington.", 0, 0},
	    {"He arrived at 3.30 p.m. on Jan. 5.", 0, 0},
	    {"J. R. R. Tolkien wrote it.", 0, 0},
	    {"Version 1.2.3 is out!", 0, 0},
	    {"Is it?", 0, 0},
	    {"Yes...", 0, 0},
	    {"And then \"Quoted.\"", 0, 0},
	    {"Next (e.g. This) and Mr. Brown vs. Green.", 0, 0});
	/* Abbreviations that count only before a digit, and the left-outs. */
	SENTENCES(t, "Is it? No. It is not. See No. 5 and Fig. 3 of Vol. 2. "
	    "I met Jan. She left on Jan. 5 at 5 p.m. He stayed. So did I. We "
	    "went to Acme Inc. Then home, etc. Done.",
	    {"Is it?", 0, 0},
	    {"No.", 0, 0},
	    {"It is not.", 0, 0},
	    {"See No. 5 and Fig. 3 of Vol. 2.", 0, 0},
	    {"I met Jan.", 0, 0},
	    {"She left on Jan. 5 at 5 p.m.", 0, 0},
	    {"He stayed.", 0, 0},
	    {"So did I.", 0, 0},
	    {"We went to Acme Inc.", 0, 0},
	    {"Then home, etc.", 0, 0},
	    {"Done.", 0, 0});
	/* Case variants, et al., initials inside words, U.S. */
	SENTENCES(t, "E.g. This stays. DR. WHO came. Smith et al. Showed it. "
	    "Jean-P. Sartre wrote. The U.S. Army won. Plan B. Then.",
	    {"E.g. This stays.", 0, 0},
	    {"DR. WHO came.", 0, 0},
	    {"Smith et al. Showed it.", 0, 0},
	    {"Jean-P. Sartre wrote.", 0, 0},
	    {"The U.S. Army won.", 0, 0},
	    {"Plan B. Then.", 0, 0});
	/* Numbers, ellipses, quotes and brackets. */
	SENTENCES(t, "Pi is 3.14 and v1.2.3 is 10.5% faster. Wait... then go. "
	    "Wait... Then stop. He said \"Stop!\" and left. She said \"Go.\" "
	    "Then went. (It ended.) Next?! Yes. \xE2\x80\x9CQuoted.\xE2\x80\x9D"
	    " \xC2\xBFQu\xC3\xA9? \xC2\xA1" "Bien! 42 is it. 'Single.' Done",
	    {"Pi is 3.14 and v1.2.3 is 10.5% faster.", 0, 0},
	    {"Wait... then go.", 0, 0},
	    {"Wait...", 0, 0},
	    {"Then stop.", 0, 0},
	    {"He said \"Stop!\" and left.", 0, 0},
	    {"She said \"Go.\"", 0, 0},
	    {"Then went.", 0, 0},
	    {"(It ended.)", 0, 0},
	    {"Next?!", 0, 0},
	    {"Yes.", 0, 0},
	    {"\xE2\x80\x9CQuoted.\xE2\x80\x9D", 0, 0},
	    {"\xC2\xBFQu\xC3\xA9?", 0, 0},
	    {"\xC2\xA1" "Bien!", 0, 0},
	    {"42 is it.", 0, 0},
	    {"'Single.'", 0, 0},
	    {"Done", 0, 0});
	/* Blocks, items, blank lines, no ends at all. */
	SENTENCES(t, "no end here\n\n\xE2\x80\xA2 item one. Item two\n\n  \n"
	    "\n\xE2\x80\xA2 \n\nlast block. Next one",
	    {"no end here", 0, 0},
	    {"item one.", 1, 1},
	    {"Item two", 1, 1},
	    {"last block.", 3, 0},
	    {"Next one", 3, 0});
	SENTENCES(t, "one block\ntwo block\r\n   three  ",
	    {"one block", 0, 0},
	    {"two block", 1, 0},
	    {"three", 2, 0});
	SENTENCES(t, "\xE2\x80\xA2no space after the bullet. Not an item",
	    {"\xE2\x80\xA2no space after the bullet.", 0, 0},
	    {"Not an item", 0, 0});
	/* Greek, Cyrillic (with initials), Armenian-free Latin diacritics. */
	SENTENCES(t, "Γεια σου. Τι κάνεις; Καλά. Привет. Как дела? "
	    "А. С. Пушкин писал. Это всё... да. Élan vital. Über alles. "
	    "Łódź jest. Ąę.",
	    {"Γεια σου.", 0, 0},
	    {"Τι κάνεις; Καλά.", 0, 0},
	    {"Привет.", 0, 0},
	    {"Как дела?", 0, 0},
	    {"А. С. Пушкин писал.", 0, 0},
	    {"Это всё... да.", 0, 0},
	    {"Élan vital.", 0, 0},
	    {"Über alles.", 0, 0},
	    {"Łódź jest.", 0, 0},
	    {"Ąę.", 0, 0});
	/* CJK: enders without spaces, closing brackets after them, and a
	 * caseless script after a Latin ender. */
	SENTENCES(t, "你好。我很好！你呢？好的\n\n他说：「好。」然后走了。"
	    "まだ？！ええ。\n\nIt is. 这是中文. 한국어 문장. Done",
	    {"你好。", 0, 0},
	    {"我很好！", 0, 0},
	    {"你呢？", 0, 0},
	    {"好的", 0, 0},
	    {"他说：「好。」", 1, 0},
	    {"然后走了。", 1, 0},
	    {"まだ？！", 1, 0},
	    {"ええ。", 1, 0},
	    {"It is.", 2, 0},
	    {"这是中文.", 2, 0},
	    {"한국어 문장.", 2, 0},
	    {"Done", 2, 0});
	/* White space: NBSP and the ideographic space trim and separate. */
	SENTENCES(t, "\xC2\xA0 One.\xC2\xA0Two.\xE3\x80\x80Three.\xE3\x80\x80",
	    {"One.", 0, 0},
	    {"Two.", 0, 0},
	    {"Three.", 0, 0});
	/* Empty and blank. */
	{
		pake_sentence *s = (pake_sentence *)&s;
		size_t n = 99;

		CHECK(t, pake_text_sentences("", 0, &s, &n) == 0 && n == 0 &&
		    s == NULL, "empty text");
		CHECK(t, pake_text_sentences(NULL, 0, &s, &n) == 0 && n == 0 &&
		    s == NULL, "NULL text");
		CHECK(t, pake_text_sentences(" \n\n\t \xC2\xA0\n", 7, &s, &n)
		    == 0 && n == 0 && s == NULL, "blank text");
		CHECK(t, pake_text_sentences("...", 3, &s, &n) == 0 &&
		    n == 1 && s[0].off == 0 && s[0].len == 3, "only dots");
		free(s);
	}
	/* Invalid UTF-8 in the text: nothing read beyond it. */
	{
		static const char bad[] = "\xff. \xC3. A\xE2\x80. B \xF0\x9F";
		pake_sentence *s;
		size_t n;

		CHECK(t, pake_text_sentences(bad, sizeof bad - 1, &s, &n) == 0 &&
		    sentences_sound(bad, sizeof bad - 1, s, n),
		    "invalid UTF-8 sentences");
		free(s);
	}
}

static void
test_plain_then_sentences(struct tally *t)
{
	char *out;
	size_t n, ns, i;
	pake_sentence *s;
	static const char *const want[] = {
		"My Note title", "Some text with a link and an alias and Other "
		"Note.", "A soft break, html and here.", "Visit.", "Or now.",
		"See too.", "first item", "second item with Note",
		"nested item", "ordered one", "ordered two", "Callout title",
		"quoted text", "a", "b", "1", "y", "Run.", "Then go.",
	};
	static const int block[] = {0, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8,
	    9, 10, 11, 12, 13, 13};

	CHECK(t, pake_text_plain(note, strlen(note), &out, &n) == 0 &&
	    pake_text_sentences(out, n, &s, &ns) == 0, "note");
	CHECK(t, ns == sizeof want / sizeof want[0], "note: %zu sentences",
	    ns);
	for (i = 0; i < ns && i < sizeof want / sizeof want[0]; i++)
		CHECK(t, s[i].len == strlen(want[i]) &&
		    memcmp(out + s[i].off, want[i], s[i].len) == 0 &&
		    s[i].block == block[i] &&
		    s[i].item == (block[i] >= 2 && block[i] <= 6),
		    "note sentence %zu: [%.*s] block %d item %d", i,
		    (int)s[i].len, out + s[i].off, s[i].block, s[i].item);
	free(s);
	free(out);
}

static void
test_stopwords(struct tally *t)
{
	static const char *const yes[] = {
		"a", "about", "above", "after", "again", "against", "ain",
		"all", "am", "an", "and", "any", "are", "aren", "as", "at",
		"be", "because", "been", "before", "being", "below",
		"between", "both", "but", "by", "can", "cannot", "could",
		"couldn", "d", "did", "didn", "do", "does", "doesn", "doing",
		"don", "down", "during", "each", "few", "for", "from",
		"further", "had", "hadn", "has", "hasn", "have", "haven",
		"having", "he", "her", "here", "hers", "herself", "him",
		"himself", "his", "how", "i", "if", "in", "into", "is", "isn",
		"it", "its", "itself", "just", "ll", "m", "me", "mightn",
		"more", "most", "mustn", "my", "myself", "needn", "no", "nor",
		"not", "now", "o", "of", "off", "on", "once", "only", "or",
		"other", "ought", "our", "ours", "ourselves", "out", "over",
		"own", "re", "s", "same", "shan", "she", "should", "shouldn",
		"so", "some", "such", "t", "than", "that", "the", "their",
		"theirs", "them", "themselves", "then", "there", "these",
		"they", "this", "those", "through", "to", "too", "under",
		"until", "up", "ve", "very", "was", "wasn", "we", "were",
		"weren", "what", "when", "where", "which", "while", "who",
		"whom", "why", "will", "with", "would", "wouldn", "y", "you",
		"your", "yours", "yourself", "yourselves", "also", "although",
		"among", "another", "either", "every", "may", "might", "must",
		"neither", "shall", "since", "though", "upon", "us",
		"whether", "whose", "within", "without", "yet",
	};
	static const char *const no[] = {
		"", "note", "pake", "knowledge", "The", "AND", "won", "ma",
		"aa", "zzz", "yourselvesx", "abou", "the ", " the", "é",
		"don't", "machine", "learning",
	};
	size_t i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		CHECK(t, pake_text_stopword(yes[i]), "stop word [%s]", yes[i]);
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		CHECK(t, !pake_text_stopword(no[i]), "not a stop word [%s]",
		    no[i]);
	CHECK(t, !pake_text_stopword(NULL), "NULL");
}

static void
test_words(struct tally *t)
{
	static const struct {
		const char *s;
		size_t n;
	} c[] = {
		{"", 0},
		{"   \t\n\r ", 0},
		{"one", 1},
		{"  one two\tthree\nfour\r\nfive  ", 5},
		{"don't stop-words, 3.14 \xE2\x80\x94 ok", 5},
		{"a\xC2\xA0" "b\xE3\x80\x80" "c", 3},
		{"\xC2\xA0\xC2\xA0", 0},
		{"\xE2\x80\xA2 item here\n\n\xE2\x80\xA2 two", 3},
		{"\xE2\x80\xA2\xE2\x80\xA2 bullets", 2},
		{"你好世界 Καλημέρα κόσμε Привет", 4},
		{"\xff\xfe \xC2", 2},
		{"\xE3\x80", 1},
	};
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++)
		CHECK(t, pake_text_words(c[i].s, strlen(c[i].s)) == c[i].n,
		    "words of [%s]: %zu, want %zu", c[i].s,
		    pake_text_words(c[i].s, strlen(c[i].s)), c[i].n);
	CHECK(t, pake_text_words(NULL, 0) == 0, "words of NULL");
	CHECK(t, pake_text_words("one two", 4) == 1, "words bounded by len");
}

/* A fixed-seed random generator (xorshift), so runs are the same. */
static uint32_t
rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void
test_mutations(struct tally *t)
{
	static const char alphabet[] = ".!?\"'()[]|#*_`<>-\n \t\\:/w1A\xE3\x80"
	    "\x82\xC2\xA0\xE2\x80\xA2\xff";
	size_t base = strlen(note), i, k;
	uint32_t x = 2463534242u;
	char *buf = malloc(base * 2);
	int bad = 0;

	if (buf == NULL)
		return;
	for (i = 0; i < 3000 && !bad; i++) {
		size_t n = base;

		memcpy(buf, note, base);
		for (k = rnd(&x) % 12 + 1; k > 0; k--) {
			size_t at = rnd(&x) % n;

			switch (rnd(&x) % 3) {
			case 0:		/* replace a byte */
				buf[at] = alphabet[rnd(&x) %
				    (sizeof alphabet - 1)];
				break;
			case 1:		/* cut a piece */
				n = at + (n - at) / 2;
				break;
			default:	/* insert a byte */
				if (n + 1 < base * 2) {
					memmove(buf + at + 1, buf + at, n - at);
					buf[at] = alphabet[rnd(&x) %
					    (sizeof alphabet - 1)];
					n++;
				}
			}
		}
		if (!sound(buf, n))
			bad = 1;
	}
	CHECK(t, !bad, "mutation %zu broke a promise", i);
	/* Random bytes, short. */
	for (i = 0; i < 3000 && !bad; i++) {
		size_t n = rnd(&x) % 64;

		for (k = 0; k < n; k++)
			buf[k] = (char)(rnd(&x) & 0xFF);
		if (!sound(buf, n))
			bad = 1;
	}
	CHECK(t, !bad, "random bytes %zu broke a promise", i);
	free(buf);
}

static void
test_big(struct tally *t)
{
	size_t want = 10 * 1024 * 1024, base = strlen(note), n = 0, pn, ns;
	char *md = malloc(want + base), *out;
	pake_sentence *s;
	struct timespec a, b;
	double secs;
	int ok;

	if (md == NULL)
		return;
	while (n < want) {
		memcpy(md + n, note, base);
		n += base;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	ok = pake_text_plain(md, n, &out, &pn) == 0;
	if (ok) {
		ok = pake_text_sentences(out, pn, &s, &ns) == 0 &&
		    ns == 19 * (n / base) && pake_text_words(out, pn) > 0;
		if (ok)
			free(s);
		free(out);
	}
	/* And 10 MB of one line of prose as text. */
	for (n = 0; n + 8 < want; n += 8)
		memcpy(md + n, "Dr. J. ", 7), md[n + 7] = n % 64 ? ' ' : '\n';
	ok = ok && pake_text_sentences(md, n, &s, &ns) == 0 &&
	    sentences_sound(md, n, s, ns);
	if (ok)
		free(s);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("10 MB of markdown and 10 MB of text: %.2f s\n", secs);
	CHECK(t, ok, "10 MB");
	free(md);
}

int
main(void)
{
	struct tally t = {0, 0};

	test_plain(&t);
	test_sentences(&t);
	test_plain_then_sentences(&t);
	test_stopwords(&t);
	test_words(&t);
	test_mutations(&t);
	test_big(&t);
	printf("%d passed, %d failed\n", t.pass, t.fail);
	return t.fail ? 1 : 0;
}
