/*
 * text.h: reading a note as text, for analysis (issue 12).
 *
 * Pure functions, no database: markdown to plain text (libcmark: no code
 * blocks, code spans, URLs, HTML or markup), sentences and English stop
 * words.  Everything is bounded by the input
 * (callers bound the input); every function returns -1 when out of
 * memory and leaves nothing allocated then.
 */
#ifndef PAKE_TEXT_H
#define PAKE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* The plain text of markdown md[0..len): paragraphs, headings, list items
 * and table cells as text, one block a line (blank line between blocks);
 * link texts kept, their URLs dropped; bare URLs dropped; code blocks,
 * code spans, HTML and images dropped.  *out malloc'd, NUL-terminated,
 * *n its length. */
int pake_text_plain(const char *md, size_t len, char **out, size_t *n);

/* A sentence: a span of the plain text. */
typedef struct pake_sentence {
	size_t off, len;	/* bytes into the text */
	int block;		/* index of its block (paragraph, item ...) */
	int item;		/* 1 when its block is a list item */
} pake_sentence;

/* Split plain text into sentences: at . ! ? (and runs of them, and closing
 * quotes or brackets after them) followed by white space and a capital
 * letter, digit, quote or the end; and at block ends.  Not after
 * abbreviations ("e.g.", "i.e.", "Dr.", "Mr.", "et al.", "Fig.", "vs."
 * ... the list is in text.c), a single capital letter (initials "J. R."),
 * or inside a number ("3.14", "v1.2.3").  *s malloc'd, *n sentences. */
int pake_text_sentences(const char *text, size_t len, pake_sentence **s,
    size_t *n);

/* Word tokens are the full-text index's own (pake_db_tokens() in db.h:
 * FTS5's unicode61 tokenizer with remove_diacritics 2), so that a word
 * counted here is the term the index counts. */

/* 1 when the folded word is an English stop word. */
int pake_text_stopword(const char *word);

/* Words of a text (whitespace separated, as people count them). */
size_t pake_text_words(const char *text, size_t len);

#endif
