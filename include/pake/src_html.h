/*
 * src_html.h: what the web page and feed parsers share (lib/src_html.c):
 * libxml2 set up once and silent, an iterative walk over a libxml2 tree
 * (no recursion: a page of 100,000 nested elements must not exhaust the
 * stack), the readable text of a subtree, white space collapsed and UTF-8
 * made valid, dates made YYYY-MM-DD, and URLs made absolute.
 */
#ifndef PAKE_SRC_HTML_H
#define PAKE_SRC_HTML_H

#include <stddef.h>
#include <libxml/tree.h>
#include "util.h"


/* Walk the subtree of root in document order without recursion.  enter
 * is called for every node and returns 0 to descend into an element's
 * children, 1 to skip them, -1 to stop the walk; leave (may be NULL) is
 * called for every node entered, after its children.  Only elements are
 * descended into (never entity references, whose children are not the
 * tree's).  Returns -1 when enter stopped the walk, else 0. */
int pake_html_walk(xmlNode *root, int (*enter)(xmlNode *, void *),
    void (*leave)(xmlNode *, void *), void *arg);

/* 1 when element n's tag name is name (ASCII case-insensitive). */
int pake_html_is(const xmlNode *n, const char *name);
/* Element n's attribute name (case-insensitive, no namespace) or NULL;
 * the value is libxml2's (valid until the tree is freed). */
const char *pake_html_attr(const xmlNode *n, const char *name);

/* The readable text of root's subtree into out, at most max bytes (cut on
 * a UTF-8 boundary): blocks (p, headings, div, ...) separated by "\n\n",
 * list items, table rows and <br> by "\n", white space collapsed, script,
 * style and the other non-text elements left out.  With boilerplate set,
 * the elements of pake_html_boilerplate are left out too (root itself
 * never).  out may hold invalid UTF-8 afterwards when the tree did:
 * pass the result through pake_html_clean. */
void pake_html_text(xmlNode *root, pake_buf *out, size_t max,
    int boilerplate);

/* 1 when element n is page furniture rather than content: a tag of nav,
 * header, footer, aside, form, button, iframe (and the non-text ones:
 * script, style, noscript, template, svg, ...), a role of navigation,
 * banner, contentinfo, complementary, search or dialog, aria-hidden=true
 * or hidden, or a class or id holding one of the words nav, navbar,
 * navigation, menu, footer, sidebar, cookie, consent, banner, share,
 * social, comment, advert, advertisement, ad, ads, promo (or the word
 * with an "s"), words being split at anything not a letter or digit
 * ("site-nav" and "nav_main" match, "canvas" and "navigate" do not). */
int pake_html_boilerplate(const xmlNode *n);

/* s[0..n) cleaned: invalid UTF-8 dropped, control characters dropped,
 * and (collapse set) every run of white space made one space and both
 * ends trimmed; otherwise only spaces and tabs are collapsed inside each
 * line, lines trimmed and runs of blank lines made one ("\n\n" stays the
 * paragraph break).  Cut at max bytes on a UTF-8 boundary.  A malloc'd
 * string (maybe empty), NULL when out of memory. */
char *pake_html_clean(const char *s, size_t n, size_t max, int collapse);

/* The text of an HTML fragment (a feed's description): tags stripped,
 * entities decoded, on one line, at most max bytes.  NULL when out of
 * memory; an empty string when there is no text. */
char *pake_html_fragment_text(const char *html, size_t n, size_t max);

/* A date as pages and feeds write them (ISO 8601 / W3C-DTF "2024-03-05",
 * "2024-03-05T10:00:00+01:00", "2024/03/05", "2024-03", "2024"; RFC 822
 * "Tue, 05 Mar 2024 10:00:00 GMT"; "5 March 2024", "March 5, 2024") to
 * "YYYY-MM-DD" (or "YYYY-MM", "YYYY" when that is all it says), the date
 * as written (no time zone conversion).  Returns 0, or -1 when s is not
 * such a date. */
int pake_html_date(const char *s, char out[11]);

/* ref made absolute against base (RFC 3986 §5.2, dot segments removed),
 * a malloc'd string when the result is an http or https URL without
 * control characters, at most PAKE_RS_FIELD_MAX bytes (spaces inside
 * become %20, the fragment is kept); NULL otherwise. */
char *pake_html_url(const char *base, const char *ref);

#endif
