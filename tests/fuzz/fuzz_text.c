/*
 * fuzz_text.c: libFuzzer target for the text module (lib/text.c): a
 * note's markdown to plain text, and plain text to sentences.
 *
 * The input is a note's markdown body, as anyone typing in the vault
 * writes it.  Beyond not crashing, text.h promises what the analysis
 * relies on, checked here: the plain text is NUL-terminated at its
 * length, valid UTF-8, without a newline at either end or three in a
 * row; every sentence is a non-empty span inside the text, after the one
 * before it (no overlap), in a block no earlier than the one before it,
 * with no white space at either end and no newline inside.  The input
 * itself is split into sentences too (text that never went through the
 * markdown reader: any bytes), and its words counted.  A violation
 * aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/text.h"
#include "pake/util.h"
#include "env.h"

/* The length of the white space (as text.h has it) starting at s[0..n). */
static size_t
ws_start(const unsigned char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
		return 1;
	if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	return 0;
}

/* 1 when s[0..n) ends in white space. */
static int
ws_end(const unsigned char *s, size_t n)
{
	return (n >= 1 && (s[n - 1] == ' ' || (s[n - 1] >= '\t' &&
	    s[n - 1] <= '\r'))) ||
	    (n >= 2 && s[n - 2] == 0xC2 && s[n - 1] == 0xA0) ||
	    (n >= 3 && s[n - 3] == 0xE3 && s[n - 2] == 0x80 &&
	    s[n - 1] == 0x80);
}

/* Split text[0..len) into sentences and check each; abort on a broken
 * promise. */
static void
check_sentences(const char *what, const char *text, size_t len)
{
	pake_sentence *s;
	size_t n, i, end = 0;
	int block = -1;

	if (pake_text_sentences(text, len, &s, &n) != 0)
		return;		/* out of memory */
	if (n == 0 && s != NULL) {
		fprintf(stderr, "text: %s: no sentences, an array\n", what);
		abort();
	}
	for (i = 0; i < n; i++) {
		const pake_sentence *x = &s[i];
		const unsigned char *p = (const unsigned char *)text + x->off;

		if (x->len == 0 || x->off < end || x->off > len ||
		    x->len > len - x->off) {
			fprintf(stderr, "text: %s: sentence %zu at %zu+%zu "
			    "outside or before %zu (text %zu)\n", what, i,
			    x->off, x->len, end, len);
			abort();
		}
		if (ws_start(p, x->len) || ws_end(p, x->len) ||
		    memchr(p, '\n', x->len) != NULL) {
			fprintf(stderr, "text: %s: sentence %zu not trimmed "
			    "or across lines\n", what, i);
			abort();
		}
		if (x->block < block || (x->item != 0 && x->item != 1)) {
			fprintf(stderr, "text: %s: sentence %zu block %d "
			    "after %d, item %d\n", what, i, x->block, block,
			    x->item);
			abort();
		}
		end = x->off + x->len;
		block = x->block;
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *md = (const char *)data;
	char *out;
	size_t n;

	if (pake_text_plain(md, size, &out, &n) != 0)
		return 0;	/* out of memory */
	if (out[n] != '\0' || strlen(out) != n || !pake_utf8_valid(out, n) ||
	    (n > 0 && (out[0] == '\n' || out[n - 1] == '\n')) ||
	    strstr(out, "\n\n\n") != NULL) {
		fprintf(stderr, "text: bad plain text (%zu bytes): [%s]\n", n,
		    out);
		abort();
	}
	check_sentences("plain", out, n);
	if (pake_text_words(out, n) > n)
		abort();
	free(out);
	check_sentences("input", md, size);
	if (pake_text_words(md, size) > size)
		abort();
	return 0;
}
