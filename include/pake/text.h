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

/* The plain text of markdown md[0..len) (a note's body): paragraphs,
 * headings, list items and table cells as text, one block a line, a blank
 * line between blocks, no final newline; a block inside a list item
 * starts with "\u2022 " (a bullet and a space: pake_text_sentences()
 * reads it as the item mark).  Link texts kept, their URLs dropped;
 * [[Target|alias]] is alias, [[Target]] Target; bare URLs (http://,
 * https://, www.) and autolinks dropped; code blocks, code spans, HTML,
 * images and ![[embeds]] dropped; white space collapsed.  Valid UTF-8
 * whatever the input.  *out malloc'd, NUL-terminated ("" for nothing),
 * *n its length. */
int pake_text_plain(const char *md, size_t len, char **out, size_t *n);

/* Markdown md[0..len) as HTML for a browser (libcmark, CommonMark): raw
 * HTML blocks and inline HTML omitted, links and images whose URL is
 * javascript:, vbscript:, file: or data: (but images' data:image/png,
 * gif, jpeg, webp) dropped, so nothing in a note can run script through
 * it.  *out malloc'd, NUL-terminated; 0, or PAKE_ENOMEM-style -1. */
int pake_text_html(const char *md, size_t len, char **out);

/* The next keyword of *p as SEED-API §1.4 reads them (a run of ASCII
 * letters of 3 to 31, lower-cased, not a stop word) into w, *p moved past
 * it; 0 when there is none left. */
int pake_text_next_keyword(const char **p, char w[32]);

/* A sentence: a span of the plain text. */
typedef struct pake_sentence {
	size_t off, len;	/* bytes into the text; len > 0, no white
				 * space at either end */
	int block;		/* index of its block: the non-blank lines
				 * of the text counted from 0 */
	int item;		/* 1 when its block is a list item (starts
				 * with "\u2022 ", which the span leaves out) */
} pake_sentence;

/* Split plain text (as pake_text_plain() writes it: a line is a block)
 * into sentences: at . ! ? ... (and runs of them, and closing quotes or
 * brackets after them) followed by white space and a capital letter, a
 * letter of a script without case, a digit or an opening quote or
 * bracket; after the CJK 。！？ whatever follows; and at block ends.  Not
 * after abbreviations ("e.g.", "i.e.", "Dr.", "Mr.", "et al.", "Fig.",
 * "vs."; "No." and months only before a digit ... the list and what it
 * leaves out are in text.c), a single capital letter (initials "J. R.";
 * not the pronoun "I"), or inside a number ("3.14", "v1.2.3": no white
 * space follows).  Spans are in text order and do not overlap.  *s
 * malloc'd (NULL when *n is 0), *n sentences. */
int pake_text_sentences(const char *text, size_t len, pake_sentence **s,
    size_t *n);

/* Word tokens are the full-text index's own (pake_db_words() in db.h:
 * FTS5's unicode61 tokenizer with remove_diacritics 2), so that a word
 * counted here is the term the index counts. */

/* 1 when the folded (lower case) word is an English stop word (a list of
 * about 170, in text.c; contractions as the tokenizer splits them: "don",
 * "t"). */
int pake_text_stopword(const char *word);

/* Words of a text (whitespace separated, as people count them: white
 * space is ASCII's and U+00A0, U+3000; a run of CJK without spaces is one
 * word; the item bullet of pake_text_plain() alone is none). */
size_t pake_text_words(const char *text, size_t len);

#endif
