/*
 * src.h: what the research sources (lib/src_*.c) share: libxml2, loaded at
 * the first parse, with hostile-input-safe reading and bounded text
 * extraction (lib/src_xml.c); and the URL builders of the arXiv and PubMed
 * sources (lib/src_arxiv.c, lib/src_pubmed.c).  The parsers themselves are
 * declared in research.h.
 *
 * libxml2 is dlopen'd (libxml2.so.2), not linked: on Debian 12 it brings
 * ICU and libstdc++, which cost every pake program more than a millisecond
 * at each start.  Its headers are used for the types (xmlDoc, xmlNode:
 * stable public structs); its functions only through src_xml.c.
 */
#ifndef PAKE_SRC_H
#define PAKE_SRC_H

#include <stddef.h>
#include <libxml/tree.h>
#include "err.h"

#define PAKE_XML_MAX	(32u * 1024 * 1024)	/* bytes parsed at most */

/* Fixed messages of the parsers. */
#define PAKE_MSG_XML_BAD	"The service's answer is not valid XML"
#define PAKE_MSG_XML_BIG	"The service's answer is too large"
#define PAKE_MSG_XML_ENT	"The service's answer declares entities"
#define PAKE_MSG_XML_LIB	"Reading the service's answer needs libxml2 " \
				"(libxml2)"

/* Load libxml2 once per process (pthread_once) and initialise it.  0, or
 * PAKE_EUNAVAIL when the library cannot be loaded. */
int pake_xml_load(pake_err *e);
/* Another libxml2 function by name (for the HTML reader of the web
 * source, ...), after pake_xml_load; NULL when it has none. */
void *pake_xml_sym(const char *name);

/* Parse buf[0..len) as XML: no network, no DTD loaded, entities never
 * substituted, a document whose DTD declares any entity refused (the
 * parse stops at the declaration: an entity bomb is never expanded, an
 * external entity never read), errors never printed.  Bytes that are not
 * valid in the document's encoding (invalid UTF-8, ...) make it invalid.
 * url names the document in the detail only.  *doc is freed with
 * pake_xml_free.  PAKE_EUNAVAIL with PAKE_MSG_XML_* otherwise. */
int pake_xml_read(const char *buf, size_t len, const char *url,
    xmlDoc **doc, pake_err *e);
void pake_xml_free(xmlDoc *doc);
/* Parse buf[0..len) as HTML with libxml2's HTML parser (no network, no
 * messages); encoding NULL: as the document says.  *doc may be NULL (no
 * document could be made); PAKE_EUNAVAIL only when libxml2 is missing. */
int pake_html_read(const char *buf, size_t len, const char *encoding,
    xmlDoc **doc, pake_err *e);
/* The document's root element, or NULL. */
xmlNode *pake_xml_root(const xmlDoc *doc);

/* Namespace URIs. */
#define PAKE_NS_ATOM		"http://www.w3.org/2005/Atom"
#define PAKE_NS_OPENSEARCH	"http://a9.com/-/spec/opensearch/1.1/"
#define PAKE_NS_ARXIV		"http://arxiv.org/schemas/atom"

/* 1 when n is an element named name in namespace ns (ns NULL: in no
 * namespace). */
int pake_xml_is(const xmlNode *n, const char *ns, const char *name);
/* The first child element of n (name NULL: any) / the next sibling
 * element after n with that name; NULL when none. */
xmlNode *pake_xml_child(const xmlNode *n, const char *ns, const char *name);
xmlNode *pake_xml_next(const xmlNode *n, const char *ns, const char *name);
/* The first descendant along a path of child names in no namespace,
 * "MedlineCitation/Article/Journal"; NULL when any step is missing. */
xmlNode *pake_xml_path(const xmlNode *n, const char *path);

/* Text extraction modes. */
#define PAKE_XML_LINE	0	/* white space runs become one space */
#define PAKE_XML_PARA	1	/* ... but a run holding a blank line
				 * becomes "\n\n" (a paragraph break) */

/* The text of n and its descendants (text and CDATA; never the content of
 * an entity reference), white space collapsed by mode and trimmed, valid
 * UTF-8 (an invalid sequence becomes U+FFFD; C0 controls are dropped),
 * cut at a character boundary to at most max bytes.  malloc'd; NULL when
 * out of memory.  An empty string when n has no text. */
char *pake_xml_text(const xmlNode *n, int mode, size_t max);
/* The value of n's attribute name (no namespace), the same way; NULL when
 * n has no such attribute or out of memory. */
char *pake_xml_attr(const xmlNode *n, const char *name, size_t max);
/* The same for an attribute in namespace ns (NULL: none). */
char *pake_xml_attr_ns(const xmlNode *n, const char *name, const char *ns,
    size_t max);
/* Collapse s[0..len) the same way into a malloc'd string. */
char *pake_xml_collapse(const char *s, size_t len, int mode, size_t max);

/* Record members (research.h): put s under key when it is not empty;
 * put the text of n (pake_xml_text) when it is not empty; put an owned
 * string (freed here; NULL means out of memory) when it is not empty.
 * 0, or -1 when out of memory. */
struct cJSON;
int pake_rs_put(struct cJSON *o, const char *key, const char *s);
int pake_rs_put_text(struct cJSON *o, const char *key, const xmlNode *n,
    int mode, size_t max);
int pake_rs_put_own(struct cJSON *o, const char *key, char *s);
/* Append s to the array unless it is empty, already there, or the array
 * holds max items.  0, or -1 when out of memory. */
int pake_rs_list_add(struct cJSON *a, const char *s, size_t max);
/* Append s to b URL-encoded (RFC 3986: all but A-Z a-z 0-9 - . _ ~ as
 * %XX). */
struct pake_buf;
void pake_url_encode(struct pake_buf *b, const char *s);

/* arXiv.  The query URL: base (NULL: http://export.arxiv.org/api/query)
 * with search_query, start, max_results and sortBy (NULL: relevance;
 * "relevance", "lastUpdatedDate" or "submittedDate", anything else
 * submittedDate) and sortOrder=descending, URL-encoded.  0, or PAKE_EINVAL
 * when it does not fit in out[n] or start/max are out of range (start
 * 0..30000, max 1..2000). */
int pake_arxiv_url(const char *base, const char *search_query, int start,
    int max, const char *sort_by, char *out, size_t n);
/* arXiv's search_query from query terms: all:"t1" AND all:"t2" (double
 * quotes inside a term dropped, white space collapsed, empty terms
 * skipped).  A term that already uses arXiv's syntax (starts with ti:,
 * au:, abs:, co:, jr:, cat:, rn:, id: or all:, or is AND, OR, ANDNOT or
 * a parenthesis) is passed through as it is, and such terms are joined by
 * a space instead of AND (the user wrote the operators).  No terms:
 * all:*.  Cut to fit out[n] at a term boundary. */
void pake_arxiv_query(const char *const *terms, size_t nterms, char *out,
    size_t n);

/* PubMed E-utilities (base NULL: https://eutils.ncbi.nlm.nih.gov/entrez/
 * eutils/).  ESearch: db=pubmed, term, retstart, retmax, tool, email and
 * api_key (each only when set and not empty).  EFetch: db=pubmed, the ids
 * joined by commas, retmode=xml, and the same three.  Every value
 * URL-encoded.  0, or PAKE_EINVAL when out[n] is too small, retstart/
 * retmax out of range (retstart >= 0, retmax 1..10000), there are no ids
 * or more than PAKE_RS_RECORDS_MAX, or an id is not a number. */
int pake_pubmed_esearch_url(const char *base, const char *term,
    int retstart, int retmax, const char *tool, const char *email,
    const char *api_key, char *out, size_t n);
int pake_pubmed_efetch_url(const char *base, const char *const *ids,
    size_t nids, const char *tool, const char *email, const char *api_key,
    char *out, size_t n);

#endif
