/*
 * src_xml.c: libxml2 for the research sources (include/pake/src.h):
 * loaded at the first parse, documents read with hostile input in mind,
 * text taken out bounded.
 *
 * Loading.  libxml2.so.2 is dlopen'd once per process (pthread_once), not
 * linked: on Debian 12 it pulls in ICU (a 30 MB data library) and
 * libstdc++, and linking it made `pake-note get` (which never parses XML)
 * start 1 to 2 ms slower; the programs that never do research pay nothing
 * now.  xmlInitParser runs once, in the same pthread_once.  libxml2's
 * error handlers are per thread: each read sets no-op ones in its own
 * thread (pake-http reads on its worker threads), so nothing is ever
 * printed.
 *
 * Reading.  xmlCtxtReadMemory with XML_PARSE_NONET | NOERROR | NOWARNING
 * | COMPACT, never NOENT (substitute entities), DTDLOAD (read the external
 * DTD) or HUGE (lift the size and depth limits), never RECOVER (a
 * truncated answer is an error, not a shorter one).  Entities: the
 * parser's entityDecl handler is ours, and stops the parse at the first
 * entity declaration of the DTD, so the document is refused before any
 * content is read: an entity bomb is never expanded (it costs the bytes
 * up to its first declaration), an external entity (SYSTEM
 * "file:///etc/passwd") never resolved.  No real answer of arXiv or
 * PubMed declares entities; PubMed's names an external DTD, which is not
 * read.  As a second guard the text extraction never walks into an
 * entity reference's content.
 *
 * Encoding.  libxml2 refuses bytes invalid in the document's encoding
 * (invalid UTF-8 in a UTF-8 document is a fatal error), so such an answer
 * is the whole answer refused, "not valid XML".  The text extraction
 * checks UTF-8 again anyway (it also serves pake_xml_collapse on bytes
 * that did not come through libxml2): an invalid sequence becomes U+FFFD.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <cjson/cJSON.h>
#include "pake/src.h"
#include "pake/util.h"

static struct {
	void *h;
	void (*init)(void);
	xmlParserCtxtPtr (*new_ctxt)(void);
	xmlDocPtr (*read)(xmlParserCtxtPtr, const char *, int, const char *,
	    const char *, int);
	void (*free_ctxt)(xmlParserCtxtPtr);
	void (*free_doc)(xmlDocPtr);
	void (*stop)(xmlParserCtxtPtr);
	void (*set_generic)(void *, xmlGenericErrorFunc);
	void (*set_structured)(void *, xmlStructuredErrorFunc);
	char why[200];
} xl;
static pthread_once_t xl_once = PTHREAD_ONCE_INIT;

static void
xl_load(void)
{
	static const char *const names[] = {"libxml2.so.2", "libxml2.so"};
	size_t i;

	for (i = 0; xl.h == NULL && i < sizeof names / sizeof *names; i++)
		xl.h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (xl.h == NULL) {
		snprintf(xl.why, sizeof xl.why, "%s", dlerror());
		return;
	}
	*(void **)&xl.init = dlsym(xl.h, "xmlInitParser");
	*(void **)&xl.new_ctxt = dlsym(xl.h, "xmlNewParserCtxt");
	*(void **)&xl.read = dlsym(xl.h, "xmlCtxtReadMemory");
	*(void **)&xl.free_ctxt = dlsym(xl.h, "xmlFreeParserCtxt");
	*(void **)&xl.free_doc = dlsym(xl.h, "xmlFreeDoc");
	*(void **)&xl.stop = dlsym(xl.h, "xmlStopParser");
	*(void **)&xl.set_generic = dlsym(xl.h, "xmlSetGenericErrorFunc");
	*(void **)&xl.set_structured = dlsym(xl.h,
	    "xmlSetStructuredErrorFunc");
	if (!xl.init || !xl.new_ctxt || !xl.read || !xl.free_ctxt ||
	    !xl.free_doc || !xl.stop || !xl.set_generic ||
	    !xl.set_structured) {
		snprintf(xl.why, sizeof xl.why, "a libxml2 function is "
		    "missing");
		dlclose(xl.h);
		xl.h = NULL;
		return;
	}
	xl.init();
}

int
pake_xml_load(pake_err *e)
{
	pthread_once(&xl_once, xl_load);
	if (xl.h == NULL)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_XML_LIB, "%s",
		    xl.why);
	return 0;
}

void *
pake_xml_sym(const char *name)
{
	return xl.h ? dlsym(xl.h, name) : NULL;
}

static void
quiet_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void
quiet_structured(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

/* The parser's entityDecl: remember and stop (see the top). */
static void
on_entity(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
    const xmlChar *sys, xmlChar *content)
{
	xmlParserCtxtPtr c = ctx;

	(void)name;
	(void)type;
	(void)pub;
	(void)sys;
	(void)content;
	if (c->_private != NULL)
		*(int *)c->_private = 1;
	xl.stop(c);
}

int
pake_xml_read(const char *buf, size_t len, const char *url, xmlDoc **doc,
    pake_err *e)
{
	xmlParserCtxtPtr c;
	xmlDocPtr d;
	char why[200] = "";
	int seen = 0, wf, rc;

	*doc = NULL;
	if (len > PAKE_XML_MAX)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_XML_BIG,
		    "%zu bytes from %.200s", len, url ? url : "(answer)");
	if (buf == NULL || len == 0)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_XML_BAD,
		    "an empty answer from %.200s", url ? url : "(answer)");
	if ((rc = pake_xml_load(e)) != 0)
		return rc;
	xl.set_generic(NULL, quiet_generic);
	xl.set_structured(NULL, quiet_structured);
	if ((c = xl.new_ctxt()) == NULL || c->sax == NULL) {
		if (c)
			xl.free_ctxt(c);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	c->_private = &seen;
	c->sax->entityDecl = on_entity;
	/* Whatever libxml2's process-wide defaults say (xmlLoadExtDtd-
	 * DefaultValue, ...): no external subset or entity is ever read. */
	c->sax->externalSubset = NULL;
	c->sax->resolveEntity = NULL;
	d = xl.read(c, buf, (int)len, url, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
	wf = c->wellFormed;
	if (c->lastError.message != NULL) {
		size_t k;

		snprintf(why, sizeof why, "line %d: %s", c->lastError.line,
		    c->lastError.message);
		for (k = 0; why[k]; k++)
			if ((unsigned char)why[k] < 0x20)
				why[k] = ' ';
		while (k > 0 && why[k - 1] == ' ')
			why[--k] = '\0';
	}
	xl.free_ctxt(c);
	/* The second guard: a DTD that kept an entity anyway. */
	if (!seen && d != NULL && d->intSubset != NULL &&
	    (d->intSubset->entities != NULL ||
	    d->intSubset->pentities != NULL))
		seen = 1;
	if (seen) {
		if (d)
			xl.free_doc(d);
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_XML_ENT,
		    "%.200s", url ? url : "(answer)");
	}
	if (d == NULL || !wf) {
		if (d)
			xl.free_doc(d);
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_XML_BAD,
		    "%.200s: %s", url ? url : "(answer)",
		    why[0] ? why : "not well-formed");
	}
	*doc = d;
	return 0;
}

void
pake_xml_free(xmlDoc *doc)
{
	if (doc != NULL && xl.free_doc != NULL)
		xl.free_doc(doc);
}

xmlNode *
pake_xml_root(const xmlDoc *doc)
{
	xmlNode *n;

	for (n = doc ? doc->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

int
pake_html_read(const char *buf, size_t len, const char *encoding,
    xmlDoc **doc, pake_err *e)
{
	static xmlDocPtr (*read)(const char *, int, const char *,
	    const char *, int);
	int rc;

	*doc = NULL;
	if ((rc = pake_xml_load(e)) != 0)
		return rc;
	if (read == NULL)
		*(void **)&read = pake_xml_sym("htmlReadMemory");
	if (read == NULL)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_XML_LIB,
		    "htmlReadMemory is missing");
	xl.set_generic(NULL, quiet_generic);
	xl.set_structured(NULL, quiet_structured);
	/* HTML_PARSE_NONET | NOERROR | NOWARNING | COMPACT: no network, no
	 * messages; the HTML parser substitutes no entities of its own. */
	*doc = read(buf, (int)len, NULL, encoding, HTML_PARSE_NONET |
	    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT);
	return 0;
}

int
pake_xml_is(const xmlNode *n, const char *ns, const char *name)
{
	if (n == NULL || n->type != XML_ELEMENT_NODE || n->name == NULL ||
	    strcmp((const char *)n->name, name) != 0)
		return 0;
	if (ns == NULL)
		return n->ns == NULL;
	return n->ns != NULL && n->ns->href != NULL &&
	    strcmp((const char *)n->ns->href, ns) == 0;
}

xmlNode *
pake_xml_next(const xmlNode *n, const char *ns, const char *name)
{
	for (n = n ? n->next : NULL; n != NULL; n = n->next)
		if (name ? pake_xml_is(n, ns, name) :
		    n->type == XML_ELEMENT_NODE)
			return (xmlNode *)n;
	return NULL;
}

xmlNode *
pake_xml_child(const xmlNode *n, const char *ns, const char *name)
{
	const xmlNode *c;

	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return NULL;
	for (c = n->children; c != NULL; c = c->next)
		if (name ? pake_xml_is(c, ns, name) :
		    c->type == XML_ELEMENT_NODE)
			return (xmlNode *)c;
	return NULL;
}

xmlNode *
pake_xml_path(const xmlNode *n, const char *path)
{
	char step[64];
	const char *p = path, *q;
	size_t k;

	while (n != NULL && *p) {
		q = strchr(p, '/');
		k = q ? (size_t)(q - p) : strlen(p);
		if (k == 0 || k >= sizeof step)
			return NULL;
		memcpy(step, p, k);
		step[k] = '\0';
		n = pake_xml_child(n, NULL, step);
		p += k + (q != NULL);
	}
	return (xmlNode *)n;
}

/* White space collapsing, fed piece by piece. */
struct col {
	pake_buf b;
	size_t max;
	int mode;
	int ws;		/* white space seen since the last character */
	int nl;		/* newlines in it */
	int cr;		/* the last byte was a CR */
	int full;
};

static void
col_char(struct col *c, const char *p, size_t k)
{
	const char *sep = "";
	size_t sl = 0;

	if (c->full)
		return;
	if (c->b.len > 0 && c->ws) {
		if (c->mode == PAKE_XML_PARA && c->nl >= 2)
			sep = "\n\n", sl = 2;
		else
			sep = " ", sl = 1;
	}
	if (c->b.len + sl + k > c->max) {
		c->full = 1;
		return;
	}
	if (sl)
		pake_buf_put(&c->b, sep, sl);
	pake_buf_put(&c->b, p, k);
	c->ws = c->nl = 0;
}

static void
col_feed(struct col *c, const char *s, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n && !c->full) {
		unsigned char u = (unsigned char)s[i];

		if (u == ' ' || u == '\t' || u == '\n' || u == '\r' ||
		    u == '\f' || u == '\v') {
			c->ws = 1;
			if (u == '\n' && !c->cr)
				c->nl++;
			else if (u == '\r')
				c->nl++;
			c->cr = u == '\r';
			i++;
			continue;
		}
		c->cr = 0;
		if (u < 0x80) {
			size_t j = i;

			/* A run of printable ASCII (with single spaces
			 * inside) at once; one byte at a time near the
			 * limit, so the text is cut exactly. */
			while (j < n && (((unsigned char)s[j] > 0x20 &&
			    (unsigned char)s[j] < 0x7f) || (s[j] == ' ' &&
			    j + 1 < n && (unsigned char)s[j + 1] > 0x20 &&
			    (unsigned char)s[j + 1] < 0x7f)))
				j++;	/* single spaces stay as they are */
			if (j > i && c->b.len + 1 + (j - i) <= c->max) {
				col_char(c, s + i, j - i);
				i = j;
				continue;
			}
			if (u >= 0x20 && u != 0x7f)
				col_char(c, s + i, 1);
			i++;
			continue;
		}
		k = pake_utf8_decode(s + i, n - i, &cp);
		if (k == 0) {
			col_char(c, "\xEF\xBF\xBD", 3);
			i++;
		} else if (cp == 0xA0) {
			c->ws = 1;
			i += k;
		} else {
			if (cp >= 0xA0)	/* C1 controls dropped */
				col_char(c, s + i, k);
			i += k;
		}
	}
}

static char *
col_take(struct col *c)
{
	char *s;

	if (c->b.len == 0)
		pake_buf_putc(&c->b, '\0');
	if (c->b.oom) {
		pake_buf_free(&c->b);
		return NULL;
	}
	s = pake_buf_take(&c->b);
	return s;
}

char *
pake_xml_collapse(const char *s, size_t len, int mode, size_t max)
{
	struct col c;

	memset(&c, 0, sizeof c);
	c.max = max;
	c.mode = mode;
	col_feed(&c, s, len);
	return col_take(&c);
}

/* Feed the text below n (not n's siblings): text and CDATA, into
 * elements, never into entity references. */
static void
col_tree(struct col *c, const xmlNode *top)
{
	const xmlNode *n = top;

	while (n != NULL && !c->full) {
		if ((n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) && n->content != NULL)
			col_feed(c, (const char *)n->content,
			    strlen((const char *)n->content));
		if ((n->type == XML_ELEMENT_NODE ||
		    n->type == XML_ATTRIBUTE_NODE) && n->children != NULL) {
			n = n->children;
			continue;
		}
		/* Up until there is a next sibling, not past top. */
		while (n != top && n->next == NULL)
			n = n->parent;
		if (n == top)
			break;
		n = n->next;
	}
}

char *
pake_xml_text(const xmlNode *n, int mode, size_t max)
{
	struct col c;

	memset(&c, 0, sizeof c);
	c.max = max;
	c.mode = mode;
	if (n != NULL)
		col_tree(&c, n);
	return col_take(&c);
}

char *
pake_xml_attr(const xmlNode *n, const char *name, size_t max)
{
	return pake_xml_attr_ns(n, name, NULL, max);
}

char *
pake_xml_attr_ns(const xmlNode *n, const char *name, const char *ns,
    size_t max)
{
	const xmlAttr *a;
	struct col c;

	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return NULL;
	for (a = n->properties; a != NULL; a = a->next)
		if (a->name != NULL && strcmp((const char *)a->name,
		    name) == 0 && (ns == NULL ? a->ns == NULL : (a->ns &&
		    a->ns->href && strcmp((const char *)a->ns->href,
		    ns) == 0)))
			break;
	if (a == NULL)
		return NULL;
	memset(&c, 0, sizeof c);
	c.max = max;
	c.mode = PAKE_XML_LINE;
	col_tree(&c, (const xmlNode *)a);
	return col_take(&c);
}

int
pake_rs_put(cJSON *o, const char *key, const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	return cJSON_AddStringToObject(o, key, s) ? 0 : -1;
}

int
pake_rs_put_own(cJSON *o, const char *key, char *s)
{
	int rc;

	if (s == NULL)
		return -1;
	rc = pake_rs_put(o, key, s);
	free(s);
	return rc;
}

int
pake_rs_put_text(cJSON *o, const char *key, const xmlNode *n, int mode,
    size_t max)
{
	if (n == NULL)
		return 0;
	return pake_rs_put_own(o, key, pake_xml_text(n, mode, max));
}

int
pake_rs_list_add(cJSON *a, const char *s, size_t max)
{
	const cJSON *it;
	cJSON *v;
	size_t k = 0;

	if (s == NULL || *s == '\0')
		return 0;
	cJSON_ArrayForEach(it, a) {
		if (cJSON_IsString(it) && strcmp(it->valuestring, s) == 0)
			return 0;
		k++;
	}
	if (k >= max)
		return 0;
	if ((v = cJSON_CreateString(s)) == NULL)
		return -1;
	cJSON_AddItemToArray(a, v);
	return 0;
}

void
pake_url_encode(pake_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~')
			pake_buf_putc(b, (char)*p);
		else {
			pake_buf_putc(b, '%');
			pake_buf_putc(b, hex[*p >> 4]);
			pake_buf_putc(b, hex[*p & 15]);
		}
	}
}
