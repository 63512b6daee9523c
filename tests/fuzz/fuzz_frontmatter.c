/*
 * fuzz_frontmatter.c: libFuzzer target for the frontmatter parser.
 *
 * The input is a whole note file.  Whatever parses must render, and the
 * rendering must parse back to the same note (every field, the unknown
 * keys and the body) and render to the same bytes again: a note read
 * from the vault and written back must not change, nor fail to be read
 * the next time.  A difference aborts, which libFuzzer reports as a
 * crash with the input that caused it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/frontmatter.h"
#include "pake/note.h"
#include "env.h"

/* NULL and NULL, or equal strings. */
static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
fail(const char *what, const char *text, size_t len)
{
	fprintf(stderr, "frontmatter: %s\n--- rendered:\n%.*s\n---\n", what,
	    (int)len, text);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pake_note n, m;
	pake_err e = {0};
	char *text, *again;
	size_t len, len2;

	pake_note_init(&n);
	if (pake_fm_parse((const char *)data, size, &n, &e) != 0) {
		pake_note_free(&n);
		return 0;
	}
	if ((text = pake_fm_render(&n, &len)) == NULL)
		abort();
	pake_note_init(&m);
	pake_err_clear(&e);
	if (pake_fm_parse(text, len, &m, &e) != 0)
		fail(e.detail, text, len);
	/* pake_note_same leaves out the parsed times and the unknown keys'
	 * JSON form; both must survive too. */
	if (!pake_note_same(&n, &m) || !same(n.extra_json, m.extra_json) ||
	    n.created_ms != m.created_ms || n.modified_ms != m.modified_ms)
		fail("render -> parse changed the note", text, len);
	if ((again = pake_fm_render(&m, &len2)) == NULL)
		abort();
	if (len2 != len || memcmp(text, again, len) != 0)
		fail("a second rendering differs", again, len2);
	free(again);
	free(text);
	pake_note_free(&m);
	pake_note_free(&n);
	return 0;
}
