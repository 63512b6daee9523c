/*
 * src_feed.c: an RSS 2.0, RSS 1.0 (RDF) or Atom 1.0 feed to records
 * (research.h, pake_feed_parse), with libxml2's XML parser.
 *
 * Hostile feeds: at most FEED_MAX bytes; parsed without network access
 * (XML_PARSE_NONET), never with XML_PARSE_NOENT, DTDLOAD or HUGE (so no
 * entity is substituted, no DTD fetched, the depth stays at libxml2's 256
 * and text nodes at its 10 MB); silently.  A feed whose DOCTYPE declares
 * entities is refused before parsing (the "billion laughs": entities that
 * expand to entities) and, should the scan of the prolog be fooled,
 * again after parsing when the document holds any entity declaration.
 * A feed that is not well-formed (truncated, mismatched tags, an
 * undeclared entity) is refused whole: no partial answer (research.h).
 *
 * Items, at most PAKE_RS_RECORDS_MAX, become records of source "feed":
 *   guid         RSS <guid>, RSS 1.0 rdf:about, Atom <id>; else the link
 *                (made absolute when it can be)
 *   title        <title> (Atom: text, html or xhtml); without one the
 *                start of the description, else the url; an item with
 *                none of these is skipped
 *   url          RSS <link>; Atom <link rel=alternate>, else the first
 *                <link> (without rel too); absolute against the feed's
 *                url (xml:base is not read), http(s) only
 *   published    RSS <pubDate> (RFC 822), <dc:date>; Atom <published>,
 *                else <updated>; as YYYY-MM-DD
 *   updated      Atom <updated>
 *   authors      RSS <author> ("mail (Name)" gives Name), <dc:creator>;
 *                Atom <author><name>
 *   description  RSS <description> (HTML, usually escaped: made plain
 *                text), else <content:encoded>; Atom <summary>, else
 *                <content>; one line, at most PAKE_RS_ABSTRACT_MAX bytes
 *   categories   RSS <category>, <dc:subject>; Atom <category term>
 * The feed: {format: "rss2" | "rss1" | "atom", title, link, items}.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cjson/cJSON.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/hash.h>
#include "pake/research.h"
#include "pake/src.h"
#include "pake/src_html.h"
#include "pake/util.h"

#define FEED_MAX	(16u * 1024 * 1024)
#define RAW_MAX		(4 * (size_t)PAKE_RS_ABSTRACT_MAX)

#define NS_ATOM		"http://www.w3.org/2005/Atom"
#define NS_RSS1		"http://purl.org/rss/1.0/"
#define NS_RSS090	"http://my.netscape.com/rdf/simple/0.9/"
#define NS_RDF		"http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC		"http://purl.org/dc/elements/1.1/"
#define NS_CONTENT	"http://purl.org/rss/1.0/modules/content/"

#define MSG_NOTXML	"The feed is not valid XML"
#define MSG_ENTITIES	"The feed declares entities"
#define MSG_NOTFEED	"The document is not an RSS or Atom feed"

enum { T_TEXT, T_HTML, T_XHTML };

struct ctx {
	const char *url;
	int oom;
};

/* 1 when n is the element name in namespace ns (NULL: no namespace). */
static int
el(const xmlNode *n, const char *ns, const char *name)
{
	if (n == NULL || n->type != XML_ELEMENT_NODE ||
	    strcmp((const char *)n->name, name) != 0)
		return 0;
	if (ns == NULL)
		return n->ns == NULL;
	return n->ns != NULL && n->ns->href != NULL &&
	    strcmp((const char *)n->ns->href, ns) == 0;
}

/* The text directly inside n (text and CDATA children), at most RAW_MAX
 * bytes; a malloc'd string, NULL when out of memory. */
static char *
raw_text(const xmlNode *n, size_t *len)
{
	pake_buf b = { 0 };
	const xmlNode *c;

	pake_buf_put(&b, "", 0);
	for (c = n->children; c != NULL && b.len < RAW_MAX; c = c->next)
		if ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL)
			pake_buf_put(&b, c->content,
			    strnlen((const char *)c->content, RAW_MAX - b.len));
	if (b.oom) {
		pake_buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return pake_buf_take(&b);
}

/* The text of n as kind says, on one line, at most max bytes. */
static char *
text_of(struct ctx *c, xmlNode *n, int kind, size_t max)
{
	pake_buf b = { 0 };
	char *raw, *s;
	size_t len = 0;

	if (kind == T_XHTML) {
		pake_html_text(n, &b, max, 0);
		s = b.oom ? NULL : pake_html_clean(b.p ? b.p : "", b.len, max,
		    1);
		pake_buf_free(&b);
	} else {
		if ((raw = raw_text(n, &len)) == NULL)
			s = NULL;
		else if (kind == T_HTML)
			s = pake_html_fragment_text(raw, len, max);
		else
			s = pake_html_clean(raw, len, max, 1);
		free(raw);
	}
	if (s == NULL)
		c->oom = 1;
	return s;
}

/* An Atom text construct's kind (its type attribute). */
static int
atom_kind(xmlNode *n)
{
	xmlChar *t = (xmlChar *)pake_xml_attr(n, "type", PAKE_RS_FIELD_MAX);
	int k = T_TEXT;

	if (t != NULL) {
		if (strcasecmp((const char *)t, "html") == 0 ||
		    strcasecmp((const char *)t, "text/html") == 0)
			k = T_HTML;
		else if (strcasecmp((const char *)t, "xhtml") == 0 ||
		    strcasecmp((const char *)t, "application/xhtml+xml") == 0)
			k = T_XHTML;
		free(t);
	}
	return k;
}

/* rec[key] = s when s is not empty and key not set yet; s is freed. */
static void
put(struct ctx *c, cJSON *rec, const char *key, char *s)
{
	if (s != NULL && s[0] != '\0' &&
	    !cJSON_HasObjectItem(rec, key) &&
	    cJSON_AddStringToObject(rec, key, s) == NULL)
		c->oom = 1;
	free(s);
}

static void
put_text(struct ctx *c, cJSON *rec, const char *key, xmlNode *n, int kind,
    size_t max)
{
	if (!cJSON_HasObjectItem(rec, key))
		put(c, rec, key, text_of(c, n, kind, max));
}

static void
put_date(struct ctx *c, cJSON *rec, const char *key, xmlNode *n)
{
	char *s, d[11];

	if (cJSON_HasObjectItem(rec, key) ||
	    (s = text_of(c, n, T_TEXT, 256)) == NULL)
		return;
	if (pake_html_date(s, d) == 0 &&
	    cJSON_AddStringToObject(rec, key, d) == NULL)
		c->oom = 1;
	free(s);
}

static void
put_url(struct ctx *c, cJSON *rec, const char *key, const char *ref)
{
	char *u;

	if (ref == NULL || cJSON_HasObjectItem(rec, key))
		return;
	if ((u = pake_html_url(c->url, ref)) != NULL &&
	    cJSON_AddStringToObject(rec, key, u) == NULL)
		c->oom = 1;
	free(u);
}

/* Add s (freed) to the array rec[key] (made when missing), unless there
 * already (case-insensitively), empty, or the array is at max. */
static void
add_to(struct ctx *c, cJSON *rec, const char *key, char *s, int max)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(rec, key), *x;

	if (s == NULL || s[0] == '\0')
		goto out;
	if (a == NULL && (a = cJSON_AddArrayToObject(rec, key)) == NULL) {
		c->oom = 1;
		goto out;
	}
	if (cJSON_GetArraySize(a) >= max)
		goto out;
	cJSON_ArrayForEach(x, a)
		if (strcasecmp(x->valuestring, s) == 0)
			goto out;
	if (!cJSON_AddItemToArray(a, cJSON_CreateString(s)))
		c->oom = 1;
out:
	free(s);
}

/* RSS 2.0 <author>: "jane@example.com (Jane Doe)" is Jane Doe. */
static char *
rss_author(char *s)
{
	char *open, *close;

	if (s == NULL || strchr(s, '@') == NULL ||
	    (open = strchr(s, '(')) == NULL ||
	    (close = strrchr(s, ')')) == NULL || close < open + 2)
		return s;
	memmove(s, open + 1, (size_t)(close - open - 1));
	s[close - open - 1] = '\0';
	return s;
}

/* A title from the description (its start, at most 120 bytes, cut at a
 * space), else the url. */
static void
title_fallback(struct ctx *c, cJSON *rec)
{
	const char *d = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(rec, "description"));
	const char *u = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(rec, "url"));
	size_t n, k;

	if (cJSON_HasObjectItem(rec, "title"))
		return;
	if (d != NULL) {
		n = strlen(d);
		if (n > 120) {
			for (k = 120; k > 40 && d[k] != ' '; k--)
				;
			n = d[k] == ' ' ? k : 120;
		}
		put(c, rec, "title", pake_html_clean(d, n, n, 1));
	} else if (u != NULL)
		put(c, rec, "title", pake_strdup(u));
}

/* The members of a record in research.h's order (cJSON keeps the order
 * of insertion); the keys set are moved to a new object. */
static cJSON *
ordered(cJSON *rec)
{
	static const char *const keys[] = {
		"source", "guid", "title", "url", "published", "updated",
		"authors", "description", "categories", NULL
	};
	cJSON *out = cJSON_CreateObject(), *x;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; keys[i] != NULL; i++)
		if ((x = cJSON_DetachItemFromObjectCaseSensitive(rec,
		    keys[i])) != NULL)
			cJSON_AddItemToObject(out, keys[i], x);
	cJSON_Delete(rec);
	return out;
}

/* One RSS item (ns: NULL for RSS 2.0, the RSS 1.0 or 0.90 namespace). */
static cJSON *
rss_item(struct ctx *c, xmlNode *item, const char *ns)
{
	cJSON *rec = cJSON_CreateObject();
	xmlNode *n, *content = NULL;
	xmlChar *about;
	char *link = NULL;
	size_t len;

	if (rec == NULL || cJSON_AddStringToObject(rec, "source", "feed") ==
	    NULL) {
		c->oom = 1;
		return rec;
	}
	for (n = item->children; n != NULL && !c->oom; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (el(n, ns, "title"))
			put_text(c, rec, "title", n, T_TEXT, PAKE_RS_FIELD_MAX);
		else if (el(n, ns, "link")) {
			if (link == NULL && (link = raw_text(n, &len)) == NULL)
				c->oom = 1;
		} else if (ns == NULL && el(n, NULL, "guid"))
			put_text(c, rec, "guid", n, T_TEXT, PAKE_RS_FIELD_MAX);
		else if (ns == NULL && el(n, NULL, "pubDate"))
			put_date(c, rec, "published", n);
		else if (el(n, NS_DC, "date"))
			put_date(c, rec, "published", n);
		else if (el(n, ns, "description"))
			put_text(c, rec, "description", n, T_HTML,
			    PAKE_RS_ABSTRACT_MAX);
		else if (el(n, NS_CONTENT, "encoded")) {
			if (content == NULL)
				content = n;
		} else if (ns == NULL && el(n, NULL, "author"))
			add_to(c, rec, "authors", rss_author(text_of(c, n,
			    T_TEXT, PAKE_RS_FIELD_MAX)), PAKE_RS_AUTHORS_MAX);
		else if (el(n, NS_DC, "creator"))
			add_to(c, rec, "authors", text_of(c, n, T_TEXT,
			    PAKE_RS_FIELD_MAX), PAKE_RS_AUTHORS_MAX);
		else if ((ns == NULL && el(n, NULL, "category")) ||
		    el(n, NS_DC, "subject"))
			add_to(c, rec, "categories", text_of(c, n, T_TEXT,
			    PAKE_RS_FIELD_MAX), PAKE_RS_LIST_MAX);
	}
	if (content != NULL && !c->oom)
		put_text(c, rec, "description", content, T_HTML,
		    PAKE_RS_ABSTRACT_MAX);
	if (ns != NULL && (about = (xmlChar *)pake_xml_attr_ns(item,
	    "about", NS_RDF, PAKE_RS_FIELD_MAX)) != NULL) {
		put(c, rec, "guid", pake_html_clean((const char *)about,
		    strlen((const char *)about), PAKE_RS_FIELD_MAX, 1));
		free(about);
	}
	if (link != NULL) {
		char *l = pake_html_clean(link, strlen(link),
		    PAKE_RS_FIELD_MAX, 1);

		if (l == NULL)
			c->oom = 1;
		else {
			const char *u;

			put_url(c, rec, "url", l);
			u = cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(rec, "url"));
			if (u != NULL) {
				free(l);
				l = pake_strdup(u);
			}
			put(c, rec, "guid", l);
		}
		free(link);
	}
	return rec;
}

/* The href of an Atom element's link rel=alternate (or without rel),
 * else of its first link; libxml2's string, to xmlFree. */
static xmlChar *
atom_link(xmlNode *parent)
{
	xmlNode *n;
	xmlChar *rel, *href, *first = NULL;

	for (n = parent->children; n != NULL; n = n->next) {
		if (!el(n, NS_ATOM, "link"))
			continue;
		if ((href = (xmlChar *)pake_xml_attr(n, "href", PAKE_RS_FIELD_MAX)) ==
		    NULL)
			continue;
		rel = (xmlChar *)pake_xml_attr(n, "rel", PAKE_RS_FIELD_MAX);
		if (rel == NULL || strcmp((const char *)rel, "alternate") ==
		    0) {
			free(rel);
			free(first);
			return href;
		}
		free(rel);
		if (first == NULL)
			first = href;
		else
			free(href);
	}
	return first;
}

static cJSON *
atom_entry(struct ctx *c, xmlNode *entry)
{
	cJSON *rec = cJSON_CreateObject();
	xmlNode *n, *a, *content = NULL, *updated = NULL;
	xmlChar *href, *term;

	if (rec == NULL || cJSON_AddStringToObject(rec, "source", "feed") ==
	    NULL) {
		c->oom = 1;
		return rec;
	}
	for (n = entry->children; n != NULL && !c->oom; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (el(n, NS_ATOM, "id"))
			put_text(c, rec, "guid", n, T_TEXT, PAKE_RS_FIELD_MAX);
		else if (el(n, NS_ATOM, "title"))
			put_text(c, rec, "title", n, atom_kind(n),
			    PAKE_RS_FIELD_MAX);
		else if (el(n, NS_ATOM, "published"))
			put_date(c, rec, "published", n);
		else if (el(n, NS_ATOM, "updated")) {
			put_date(c, rec, "updated", n);
			updated = n;
		} else if (el(n, NS_ATOM, "summary"))
			put_text(c, rec, "description", n, atom_kind(n),
			    PAKE_RS_ABSTRACT_MAX);
		else if (el(n, NS_ATOM, "content")) {
			if (content == NULL)
				content = n;
		} else if (el(n, NS_ATOM, "author")) {
			for (a = n->children; a != NULL; a = a->next)
				if (el(a, NS_ATOM, "name"))
					add_to(c, rec, "authors", text_of(c, a,
					    T_TEXT, PAKE_RS_FIELD_MAX),
					    PAKE_RS_AUTHORS_MAX);
		} else if (el(n, NS_DC, "creator"))
			add_to(c, rec, "authors", text_of(c, n, T_TEXT,
			    PAKE_RS_FIELD_MAX), PAKE_RS_AUTHORS_MAX);
		else if (el(n, NS_ATOM, "category")) {
			if ((term = (xmlChar *)pake_xml_attr(n, "term", PAKE_RS_FIELD_MAX)) != NULL) {
				add_to(c, rec, "categories", pake_html_clean(
				    (const char *)term,
				    strlen((const char *)term),
				    PAKE_RS_FIELD_MAX, 1), PAKE_RS_LIST_MAX);
				free(term);
			}
		}
	}
	if (content != NULL && !c->oom)
		put_text(c, rec, "description", content, atom_kind(content),
		    PAKE_RS_ABSTRACT_MAX);
	if (updated != NULL && !c->oom)
		put_date(c, rec, "published", updated);
	if ((href = atom_link(entry)) != NULL) {
		put_url(c, rec, "url", (const char *)href);
		put(c, rec, "guid", pake_html_clean((const char *)href,
		    strlen((const char *)href), PAKE_RS_FIELD_MAX, 1));
		free(href);
	}
	return rec;
}

/* 1 when the prolog of the document s[0..n) has a DOCTYPE whose internal
 * subset declares an entity (general or parameter).  Quoted strings and
 * comments inside the DOCTYPE are skipped. */
static int
declares_entities(const char *s, size_t n)
{
	size_t i = 0;
	const char *e;
	char quote = 0;
	int subset = 0;

	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (;;) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r'))
			i++;
		if (n - i >= 2 && memcmp(s + i, "<?", 2) == 0) {
			if ((e = memmem(s + i, n - i, "?>", 2)) == NULL)
				return 0;
			i = (size_t)(e - s) + 2;
		} else if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			if ((e = memmem(s + i, n - i, "-->", 3)) == NULL)
				return 0;
			i = (size_t)(e - s) + 3;
		} else if (n - i >= 9 && memcmp(s + i, "<!DOCTYPE", 9) == 0)
			break;
		else
			return 0;
	}
	for (i += 9; i < n; i++) {
		if (quote) {
			if (s[i] == quote)
				quote = 0;
			continue;
		}
		if (subset && n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			if ((e = memmem(s + i, n - i, "-->", 3)) == NULL)
				return 0;
			i = (size_t)(e - s) + 2;
		} else if (subset && n - i >= 8 &&
		    memcmp(s + i, "<!ENTITY", 8) == 0)
			return 1;
		else if (s[i] == '"' || s[i] == '\'')
			quote = s[i];
		else if (s[i] == '[')
			subset = 1;
		else if (s[i] == ']')
			subset = 0;
		else if (s[i] == '>' && !subset)
			return 0;
	}
	return 0;
}

/* 1 when the parsed document holds an entity declaration. */
static int
has_entities(xmlDoc *doc)
{
	xmlDtd *d[2];
	int i;

	d[0] = doc->intSubset;
	d[1] = doc->extSubset;
	for (i = 0; i < 2; i++)
		if (d[i] != NULL &&
		    (d[i]->entities != NULL || d[i]->pentities != NULL))
			return 1;
	return 0;
}

/* The feed's title and link into feed. */
static void
feed_head(struct ctx *c, cJSON *feed, xmlNode *head, const char *ns,
    int atom)
{
	xmlNode *n;
	xmlChar *href;
	char *l;
	size_t len;

	if (head == NULL)
		return;
	for (n = head->children; n != NULL && !c->oom; n = n->next) {
		if (el(n, ns, "title"))
			put_text(c, feed, "title", n, atom ? atom_kind(n) :
			    T_TEXT, PAKE_RS_FIELD_MAX);
		else if (!atom && el(n, ns, "link") &&
		    !cJSON_HasObjectItem(feed, "link")) {
			if ((l = raw_text(n, &len)) == NULL)
				c->oom = 1;
			else
				put_url(c, feed, "link", l);
			free(l);
		}
	}
	if (atom && (href = atom_link(head)) != NULL) {
		put_url(c, feed, "link", (const char *)href);
		free(href);
	}
}

int
pake_feed_parse(const char *xml, size_t len, const char *url, cJSON **feed,
    pake_err *e)
{
	struct ctx c = { url, 0 };
	xmlDoc *doc;
	xmlNode *root, *head = NULL, *list, *n;
	cJSON *f = NULL, *items = NULL, *rec;
	const char *ns = NULL, *format;
	int rc = 0, atom = 0;

	*feed = NULL;
	if (len > FEED_MAX)
		return pake_fail(e, PAKE_EUNAVAIL, "The feed is too large",
		    "%zu bytes, at most %u", len, FEED_MAX);
	if (xml == NULL || len == 0)
		return pake_fail(e, PAKE_EUNAVAIL, MSG_NOTXML, "empty");
	if (declares_entities(xml, len))
		return pake_fail(e, PAKE_EUNAVAIL, MSG_ENTITIES,
		    "a DOCTYPE with <!ENTITY");
	if ((rc = pake_xml_read(xml, len, url, &doc, e)) != 0) {
		/* The shared reader's words, said of a feed. */
		if (rc == PAKE_EUNAVAIL && e->msg && strcmp(e->msg,
		    PAKE_MSG_XML_ENT) == 0)
			e->msg = MSG_ENTITIES;
		else if (rc == PAKE_EUNAVAIL && e->msg && strcmp(e->msg,
		    PAKE_MSG_XML_BAD) == 0)
			e->msg = MSG_NOTXML;
		return rc;
	}
	if (has_entities(doc)) {
		pake_xml_free(doc);
		return pake_fail(e, PAKE_EUNAVAIL, MSG_ENTITIES,
		    "an entity declaration in the parsed DTD");
	}
	root = pake_xml_root(doc);
	list = NULL;
	if (el(root, NULL, "rss")) {
		format = "rss2";
		for (n = root->children; n != NULL; n = n->next)
			if (el(n, NULL, "channel")) {
				head = list = n;
				break;
			}
	} else if (el(root, NS_RDF, "RDF")) {
		format = "rss1";
		ns = NS_RSS1;
		for (n = root->children; n != NULL; n = n->next)
			if (el(n, NS_RSS1, "channel") ||
			    el(n, NS_RSS090, "channel")) {
				head = n;
				ns = (const char *)n->ns->href;
				break;
			}
		list = root;
	} else if (el(root, NS_ATOM, "feed")) {
		format = "atom";
		ns = NS_ATOM;
		head = list = root;
		atom = 1;
	} else {
		rc = pake_fail(e, PAKE_EUNAVAIL, MSG_NOTFEED, "root <%.64s>",
		    root != NULL ? (const char *)root->name : "");
		pake_xml_free(doc);
		return rc;
	}
	if ((f = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(f, "format", format) == NULL)
		c.oom = 1;
	if (!c.oom)
		feed_head(&c, f, head, ns, atom);
	if (!c.oom && (items = cJSON_AddArrayToObject(f, "items")) == NULL)
		c.oom = 1;
	for (n = list != NULL ? list->children : NULL; n != NULL && !c.oom;
	    n = n->next) {
		if (atom ? !el(n, NS_ATOM, "entry") : !el(n, ns, "item"))
			continue;
		if (cJSON_GetArraySize(items) >= PAKE_RS_RECORDS_MAX)
			break;
		rec = atom ? atom_entry(&c, n) : rss_item(&c, n, ns);
		if (rec == NULL)
			break;
		if (!c.oom)
			title_fallback(&c, rec);
		if (c.oom || !cJSON_HasObjectItem(rec, "title")) {
			cJSON_Delete(rec);
			continue;
		}
		if ((rec = ordered(rec)) == NULL ||
		    !cJSON_AddItemToArray(items, rec)) {
			cJSON_Delete(rec);
			c.oom = 1;
		}
	}
	if (c.oom)
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
		    "feed parsing");
	pake_xml_free(doc);
	if (rc != 0) {
		cJSON_Delete(f);
		return rc;
	}
	*feed = f;
	return 0;
}
