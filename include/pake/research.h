/*
 * research.h: research from outside (issue 13): arXiv, PubMed, web pages,
 * feeds.  The parsers turn what a service sent into records; the sources
 * (lib/src_*.c) fetch and parse; lib/research.c runs them for /search and
 * pake-ingest, caches, dedupes and lands records as notes.
 *
 * A record is a cJSON object with these members (absent when unknown;
 * strings are UTF-8, trimmed, inner white space collapsed to one space
 * but for "text" and "abstract", which keep paragraph breaks as "\n\n"):
 *
 *   source          "arxiv" | "pubmed" | "web" | "feed"     (always)
 *   title           string                                   (always)
 *   authors         ["Given Family", ...] in the paper's order
 *   abstract        string (PubMed: the sections, "LABEL: text" each,
 *                   joined by "\n\n")
 *   published       "YYYY-MM-DD" (or "YYYY-MM", "YYYY" when that is all)
 *   updated         "YYYY-MM-DD"
 *   doi             "10.NNNN/..." as given (compared case-insensitively)
 *   arxiv_id        "2301.00001" or "hep-th/9901001", without version
 *   arxiv_version   integer (the vN of the id), when given
 *   pmid            "12345678"
 *   categories      arXiv: [primary, others...]; feed: its categories
 *   primary_category
 *   journal, volume, issue, pages, issn     strings
 *   mesh_terms      [string]   publication_types [string]
 *   url             the item's page: https://arxiv.org/abs/ID,
 *                   https://pubmed.ncbi.nlm.nih.gov/PMID/, the page URL
 *   pdf_url         string
 *   canonical_url   the page's own (link rel=canonical, og:url), absolute
 *   description     string (meta description, og:description)
 *   site_name       string
 *   language        string ("en", from <html lang>)
 *   text            the readable text of a web page
 *   guid            a feed item's id
 *
 * Every parser takes the bytes as received (len bytes, not necessarily
 * NUL-terminated, maybe hostile), parses XML/HTML without network access
 * and without expanding entities, bounds what it keeps (PAKE_RS_*), and
 * fails with PAKE_EUNAVAIL and a fixed message ("The service's answer is
 * not valid XML", ...) plus a detail, never with a partial result.
 */
#ifndef PAKE_RESEARCH_H
#define PAKE_RESEARCH_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "err.h"

#define PAKE_RS_RECORDS_MAX	200	/* records kept from one answer */
#define PAKE_RS_AUTHORS_MAX	100	/* authors kept of one record */
#define PAKE_RS_FIELD_MAX	4096	/* bytes of a title, name, ... */
#define PAKE_RS_ABSTRACT_MAX	(64 * 1024)
#define PAKE_RS_TEXT_MAX	(512 * 1024)	/* a page's readable text */
#define PAKE_RS_LIST_MAX	100	/* categories, MeSH terms, ... */

/* arXiv's Atom API answer (http://export.arxiv.org/api/query): *records
 * an array of records, *total the opensearch:totalResults (-1 when
 * absent).  arXiv's "Rate exceeded." (a 200 with a text body) is
 * PAKE_ERATE. */
int pake_arxiv_parse(const char *xml, size_t len, cJSON **records,
    int64_t *total, pake_err *e);

/* PubMed E-utilities.  ESearch's XML: the PMIDs (*ids, malloc'd array of
 * malloc'd strings, *n of them, at most PAKE_RS_RECORDS_MAX) and *count
 * (the total found).  An <ERROR> answer is PAKE_EUNAVAIL with its text. */
int pake_pubmed_parse_search(const char *xml, size_t len, char ***ids,
    size_t *n, int64_t *count, pake_err *e);
void pake_pubmed_ids_free(char **ids, size_t n);
/* EFetch's PubmedArticleSet XML: *records an array of records. */
int pake_pubmed_parse_fetch(const char *xml, size_t len, cJSON **records,
    pake_err *e);

/* A web page (HTML, any encoding libxml2 detects; url its final URL, for
 * making links absolute): *record with title (og:title, <title>, the first
 * <h1>), description, author (meta author, JSON-LD author, article:author
 * when a name), published (article:published_time, JSON-LD datePublished,
 * <time datetime> in the article), canonical_url, site_name, language,
 * doi (citation_doi, a doi.org link in meta), and text: the readable text
 * of the main content, without navigation, headers, footers, asides,
 * scripts, styles, forms and other boilerplate. */
int pake_web_extract(const char *html, size_t len, const char *url,
    cJSON **record, pake_err *e);

/* An RSS 2.0, RSS 1.0 (RDF) or Atom feed: *feed {title, link, items:
 * [records of source "feed": guid (guid, id, or link), title, url,
 * published, updated, authors, description, categories]}. */
int pake_feed_parse(const char *xml, size_t len, const char *url,
    cJSON **feed, pake_err *e);

/* Research records as /search result items (lib/research_rank.c): the
 * item of a record (SEED-API §1.5's shape, the record under "record");
 * duplicates removed in place (identity keys, then the hash of title and
 * content); items reranked in place by SEED-API §1.4's heuristic, each
 * given its ml_enhancements. */
cJSON *pake_research_item(const cJSON *record);
void pake_research_dedupe(cJSON *items);
void pake_research_rerank(cJSON *items, const char *query);

struct pake_ctx;
struct pake_fetch_req;

/* The request every source starts from (lib/research.c): the bounds of
 * [fetch] (timeout_s, max_bytes, max_redirects, allow_private), pake's
 * User-Agent, two retries on 429 and 503, and the politeness folder
 * beside the database (rate_dir, a buffer of n bytes the request points
 * into; none when there is no database path).  The caller sets url,
 * accept, rate_key and rate_interval_ms. */
void pake_research_req(const struct pake_ctx *c, struct pake_fetch_req *q,
    char *rate_dir, size_t n);

/* The sources (lib/research.c has each one's request, politeness, cache
 * lifetime and errors).  arXiv and PubMed: records (an array) and *total
 * found; start from 0, max 1..PAKE_RS_RECORDS_MAX; sort (arXiv)
 * "relevance", "submittedDate" or "lastUpdatedDate".  url: one page's
 * record.  web: a SearxNG search's records (PAKE_EUNAVAIL when none is
 * configured). */
int pake_research_arxiv(struct pake_ctx *c, const char *query, int start,
    int max, const char *sort, cJSON **records, int64_t *total, pake_err *e);
int pake_research_pubmed(struct pake_ctx *c, const char *query, int start,
    int max, cJSON **records, int64_t *total, pake_err *e);
int pake_research_url(struct pake_ctx *c, const char *url, cJSON **record,
    pake_err *e);
int pake_research_web(struct pake_ctx *c, const char *query, int max,
    cJSON **records, pake_err *e);

/* One source asked, its records maybe saved: the ingest operation and a
 * topic's poll (lib/topics.c) go through here, one path.  source "arxiv",
 * "pubmed", "web" (query) or "url" (url); start and sort as above; max
 * 1..100; save: each record through pake_research_save (notes:write
 * asked); fresh: the answer cache is not asked.  *out {source, query |
 * url, total (null when unknown), results, saved?: [{pake_id, created,
 * file_path?}] one per record}.  A save that fails returns its error with
 * *out holding what was saved before it (the caller frees *out). */
typedef struct pake_research_ask {
	const char *source, *query, *url, *sort;
	int start, max, save, fresh;
} pake_research_ask;
int pake_research_ingest(struct pake_ctx *c, const pake_research_ask *a,
    cJSON **out, pake_err *e);

/* Save a record as a SourceNote unless a note already is its copy (same
 * DOI, arXiv id, PMID or URL): *out {pake_id, created, file_path?}.
 * lib/research_save.c. */
int pake_research_save(struct pake_ctx *c, const cJSON *record, cJSON **out,
    pake_err *e);

#endif
