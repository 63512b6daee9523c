/*
 * src_html.c: what the web page and feed parsers share (src_html.h).
 *
 * Everything here walks libxml2 trees iteratively through the parent,
 * children and next pointers, so the depth of a hostile document costs
 * no stack.
 */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>
#include "pake/research.h"
#include "pake/src.h"
#include "pake/src_html.h"
#include "pake/util.h"

int
pake_html_walk(xmlNode *root, int (*enter)(xmlNode *, void *),
    void (*leave)(xmlNode *, void *), void *arg)
{
	xmlNode *n = root;
	int r;

	if (root == NULL)
		return 0;
	for (;;) {
		r = enter(n, arg);
		if (r < 0)
			return -1;
		if (r == 0 && n->type == XML_ELEMENT_NODE &&
		    n->children != NULL) {
			n = n->children;
			continue;
		}
		/* n is done: leave it and its finished ancestors. */
		for (;;) {
			if (leave != NULL)
				leave(n, arg);
			if (n == root)
				return 0;
			if (n->next != NULL) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (n == NULL)
				return 0;
		}
	}
}

int
pake_html_is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->name != NULL &&
	    strcasecmp((const char *)n->name, name) == 0;
}

const char *
pake_html_attr(const xmlNode *n, const char *name)
{
	const xmlAttr *a;

	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return NULL;
	for (a = n->properties; a != NULL; a = a->next) {
		if (a->name == NULL || a->ns != NULL ||
		    strcasecmp((const char *)a->name, name) != 0)
			continue;
		if (a->children != NULL && a->children->type == XML_TEXT_NODE &&
		    a->children->next == NULL)
			return (const char *)a->children->content;
		return "";
	}
	return NULL;
}

/* Elements that never hold readable text, left out always. */
static const char *const never_text[] = {
	"script", "style", "noscript", "template", "svg", "math", "head",
	"title", "object", "embed", "canvas", "audio", "video", "select",
	"textarea", "input", "img", "picture", "map", "dialog", NULL
};

/* Page furniture by tag. */
static const char *const furniture_tags[] = {
	"nav", "header", "footer", "aside", "form", "button", "iframe",
	"menu", NULL
};

/* Page furniture by role. */
static const char *const furniture_roles[] = {
	"navigation", "banner", "contentinfo", "complementary", "search",
	"dialog", "alertdialog", "menu", "menubar", NULL
};

/* Page furniture by a word of its class or id. */
static const char *const furniture_words[] = {
	"nav", "navbar", "navigation", "menu", "footer", "sidebar", "cookie",
	"consent", "banner", "share", "social", "comment", "advert",
	"advertisement", "ad", "ads", "promo", NULL
};

static int
in_list(const char *s, size_t n, const char *const *list)
{
	size_t i, k;

	for (i = 0; list[i] != NULL; i++) {
		k = strlen(list[i]);
		if ((n == k || (n == k + 1 && (s[k] == 's' || s[k] == 'S'))) &&
		    strncasecmp(s, list[i], k) == 0)
			return 1;
	}
	return 0;
}

/* 1 when the class or id value v holds a furniture word. */
static int
furniture_value(const char *v)
{
	size_t i = 0, start, len = strlen(v);

	if (len > 1024)
		len = 1024;	/* a hostile class list: its start is enough */
	while (i < len) {
		while (i < len && !isalnum((unsigned char)v[i]))
			i++;
		start = i;
		while (i < len && isalnum((unsigned char)v[i]))
			i++;
		if (i > start && in_list(v + start, i - start,
		    furniture_words))
			return 1;
	}
	return 0;
}

static int
tag_in(const xmlNode *n, const char *const *list)
{
	size_t i;

	if (n->name == NULL)
		return 0;
	for (i = 0; list[i] != NULL; i++)
		if (strcasecmp((const char *)n->name, list[i]) == 0)
			return 1;
	return 0;
}

static int
never_text_tag(const xmlNode *n)
{
	return tag_in(n, never_text);
}

int
pake_html_boilerplate(const xmlNode *n)
{
	const char *v;
	size_t i;

	if (n == NULL || n->type != XML_ELEMENT_NODE || n->name == NULL)
		return 0;
	if (never_text_tag(n))
		return 1;
	if (tag_in(n, furniture_tags))
		return 1;
	if ((v = pake_html_attr(n, "role")) != NULL)
		for (i = 0; furniture_roles[i] != NULL; i++)
			if (strcasecmp(v, furniture_roles[i]) == 0)
				return 1;
	if (pake_html_attr(n, "hidden") != NULL)
		return 1;
	if ((v = pake_html_attr(n, "aria-hidden")) != NULL &&
	    strcasecmp(v, "true") == 0)
		return 1;
	if ((v = pake_html_attr(n, "class")) != NULL && furniture_value(v))
		return 1;
	if ((v = pake_html_attr(n, "id")) != NULL && furniture_value(v))
		return 1;
	return 0;
}

/* Tags that end a paragraph ("\n\n") where they start and end. */
static const char *const block_tags[] = {
	"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4",
	"h5", "h6", "blockquote", "pre", "ul", "ol", "dl", "table", "figure",
	"figcaption", "address", "hr", "center", "details", "summary",
	"body", "html", "fieldset", "caption", NULL
};

/* Tags that end a line ("\n"). */
static const char *const line_tags[] = {
	"li", "dt", "dd", "tr", "br", NULL
};

struct render {
	pake_buf *b;
	size_t max;
	xmlNode *root;
	int boilerplate;
	int pending;	/* 0, 1 ("\n") or 2 ("\n\n") before the next text */
	int space;	/* a space before the next text */
};

static void
render_break(struct render *r, int kind)
{
	if (r->pending < kind)
		r->pending = kind;
	r->space = 0;
}

static int
render_text(struct render *r, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f' || *p == '\v') {
			r->space = 1;
			continue;
		}
		if (r->b->len > 0) {
			if (r->pending)
				pake_buf_puts(r->b, r->pending == 2 ? "\n\n" :
				    "\n");
			else if (r->space)
				pake_buf_putc(r->b, ' ');
		}
		r->pending = 0;
		r->space = 0;
		pake_buf_putc(r->b, (char)*p);
		if (r->b->oom || r->b->len >= r->max + 4)
			return -1;	/* full: the caller cuts at max */
	}
	return 0;
}

static int
render_enter(xmlNode *n, void *arg)
{
	struct render *r = arg;

	switch (n->type) {
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (n->content != NULL)
			return render_text(r, (const char *)n->content);
		return 0;
	case XML_ELEMENT_NODE:
		break;
	default:
		return 1;
	}
	if (n != r->root && (never_text_tag(n) ||
	    (r->boilerplate && pake_html_boilerplate(n))))
		return 1;
	if (tag_in(n, block_tags))
		render_break(r, 2);
	else if (tag_in(n, line_tags))
		render_break(r, 1);
	else if (pake_html_is(n, "td") || pake_html_is(n, "th"))
		r->space = 1;
	return 0;
}

static void
render_leave(xmlNode *n, void *arg)
{
	struct render *r = arg;

	if (n->type != XML_ELEMENT_NODE)
		return;
	if (tag_in(n, block_tags))
		render_break(r, 2);
	else if (tag_in(n, line_tags) && !pake_html_is(n, "br"))
		render_break(r, 1);
	else if (pake_html_is(n, "td") || pake_html_is(n, "th"))
		r->space = 1;
}

void
pake_html_text(xmlNode *root, pake_buf *out, size_t max, int boilerplate)
{
	struct render r;

	memset(&r, 0, sizeof(r));
	r.b = out;
	r.max = max;
	r.root = root;
	r.boilerplate = boilerplate;
	pake_html_walk(root, render_enter, render_leave, &r);
}

char *
pake_html_clean(const char *s, size_t n, size_t max, int collapse)
{
	pake_buf b = { 0 };
	size_t i = 0, k;
	uint32_t cp;
	int space = 0, nl = 0;

	pake_buf_put(&b, "", 0);
	while (i < n && b.len < max) {
		k = pake_utf8_decode(s + i, n - i, &cp);
		if (k == 0) {
			i++;	/* an invalid byte: dropped */
			continue;
		}
		if (cp == '\n' && !collapse) {
			nl++;
			space = 0;
		} else if (cp == ' ' || cp == '\t' || cp == '\n' ||
		    cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0) {
			space = 1;
		} else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 &&
		    cp < 0xA0) || cp == 0xFEFF) {
			/* control characters and byte order marks: dropped */
		} else {
			if (b.len > 0) {
				if (nl)
					pake_buf_puts(&b, nl > 1 ? "\n\n" :
					    "\n");
				else if (space)
					pake_buf_putc(&b, ' ');
			}
			nl = 0;
			space = 0;
			if (b.len + k > max)
				break;
			pake_buf_put(&b, s + i, k);
		}
		i += k;
	}
	if (b.oom) {
		pake_buf_free(&b);
		return NULL;
	}
	/* A break or space put just before reaching max: trimmed. */
	while (b.len > 0 && (b.p[b.len - 1] == ' ' || b.p[b.len - 1] == '\n'))
		b.p[--b.len] = '\0';
	return pake_buf_take(&b);
}

char *
pake_html_fragment_text(const char *html, size_t n, size_t max)
{
	xmlDoc *doc = NULL;
	xmlNode *root;
	pake_buf b = { 0 };
	pake_err e = { 0 };
	char *out;

	if (n > 4 * (size_t)PAKE_RS_ABSTRACT_MAX)
		n = 4 * (size_t)PAKE_RS_ABSTRACT_MAX;
	/* Without markup or entities there is nothing to parse. */
	if (memchr(html, '<', n) == NULL && memchr(html, '&', n) == NULL)
		return pake_html_clean(html, n, max, 1);
	if (pake_html_read(html, n, "UTF-8", &doc, &e) != 0 || doc == NULL)
		return pake_html_clean("", 0, max, 1);
	root = pake_xml_root(doc);
	if (root != NULL)
		pake_html_text(root, &b, max, 0);
	pake_xml_free(doc);
	if (b.oom) {
		pake_buf_free(&b);
		return NULL;
	}
	out = pake_html_clean(b.p ? b.p : "", b.len, max, 1);
	pake_buf_free(&b);
	return out;
}

/* Dates. */

static const char *const months[] = {
	"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
	"nov", "dec"
};

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static int
put_date(int y, int m, int d, char out[11])
{
	if (y < 1000 || y > 9999 || m < 0 || m > 12 || d < 0 ||
	    (m == 0 && d != 0) || (m > 0 && d > days_in(y, m)))
		return -1;
	if (m == 0)
		snprintf(out, 11, "%04d", y);
	else if (d == 0)
		snprintf(out, 11, "%04d-%02d", y, m);
	else
		snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 0;
}

/* n digits at s as a number, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
pake_html_date(const char *s, char out[11])
{
	int y, m = 0, d = 0, v, i, words = 0;
	size_t k, len;
	const char *p;

	if (s == NULL)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	/* ISO 8601 / W3C-DTF, and 2024/03/05. */
	if ((y = digits(s, 4)) >= 0 && !isdigit((unsigned char)s[4])) {
		p = s + 4;
		if ((*p == '-' || *p == '/' || *p == '.') &&
		    (m = digits(p + 1, 2)) >= 0 &&
		    !isdigit((unsigned char)p[3])) {
			char sep = *p;

			p += 3;
			if (*p == sep && (d = digits(p + 1, 2)) >= 0 &&
			    !isdigit((unsigned char)p[3]))
				p += 3;
			else
				d = 0;
			if (m == 0)
				return -1;
		} else
			m = 0;
		if (*p == '\0' || *p == 'T' || *p == 't' || *p == ' ')
			return put_date(y, m, d, out);
		return -1;
	}
	/* Words: RFC 822 "Tue, 05 Mar 2024 ...", "5 March 2024",
	 * "March 5, 2024".  A month name, a day and a four-digit year, in
	 * the first few words (a time "10:00:00" ends the search). */
	y = -1;
	m = 0;
	d = 0;
	len = strlen(s);
	for (k = 0; k < len && words < 6; ) {
		while (k < len && !isalnum((unsigned char)s[k]))
			k++;
		if (k >= len)
			break;
		p = s + k;
		while (k < len && isalnum((unsigned char)s[k]))
			k++;
		words++;
		if (k < len && s[k] == ':')
			break;		/* the time of day */
		if (isdigit((unsigned char)*p)) {
			v = 0;
			for (i = 0; p + i < s + k && i < 5; i++) {
				if (!isdigit((unsigned char)p[i]))
					break;
				v = v * 10 + (p[i] - '0');
			}
			if (p + i != s + k)
				continue;	/* "5th", "12a" */
			if (i == 4 && y < 0)
				y = v;
			else if (i <= 2 && d == 0 && v >= 1 && v <= 31)
				d = v;
			else
				return -1;
		} else if (m == 0 && s + k - p >= 3) {
			for (i = 0; i < 12; i++)
				if (strncasecmp(p, months[i], 3) == 0)
					break;
			if (i < 12)
				m = i + 1;
		}
	}
	if (y < 0 || m == 0)
		return -1;
	return put_date(y, m, d, out);
}

/* URLs. */

/* The length of ref's scheme ("https" of "https://...") or 0. */
static size_t
scheme_len(const char *s)
{
	size_t i = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
	    s[i] == '.')
		i++;
	return s[i] == ':' ? i : 0;
}

/* Drop the last segment of out and its "/" (RFC 3986 §5.2.4 C). */
static void
drop_segment(pake_buf *out)
{
	while (out->len > 0 && out->p[out->len - 1] != '/')
		out->len--;
	if (out->len > 0)
		out->len--;
	if (out->p != NULL)
		out->p[out->len] = '\0';
}

/* Append path[0..n) to dst with its dot segments removed (RFC 3986
 * §5.2.4). */
static void
remove_dots(char *path, size_t n, pake_buf *dst)
{
	pake_buf ob = { 0 }, *out = &ob;
	size_t i = 0, seg;

	while (i < n) {
		size_t left = n - i;
		char *p = path + i;

		if (left >= 3 && strncmp(p, "../", 3) == 0)
			i += 3;
		else if (left >= 2 && strncmp(p, "./", 2) == 0)
			i += 2;
		else if (left >= 3 && strncmp(p, "/./", 3) == 0)
			i += 2;
		else if (left == 2 && strncmp(p, "/.", 2) == 0)
			n = i + 1;		/* "/" is left */
		else if (left >= 4 && strncmp(p, "/../", 4) == 0) {
			i += 3;
			drop_segment(out);
		} else if (left == 3 && strncmp(p, "/..", 3) == 0) {
			n = i + 1;
			drop_segment(out);
		} else if ((left == 1 && p[0] == '.') ||
		    (left == 2 && strncmp(p, "..", 2) == 0))
			i = n;
		else {
			seg = i + (p[0] == '/');
			while (seg < n && path[seg] != '/')
				seg++;
			pake_buf_put(out, p, seg - i);
			i = seg;
		}
	}
	if (ob.oom)
		dst->oom = 1;
	else if (ob.len > 0)
		pake_buf_put(dst, ob.p, ob.len);
	pake_buf_free(&ob);
}

char *
pake_html_url(const char *base, const char *ref)
{
	pake_buf r = { 0 }, res = { 0 };
	const char *b, *auth_end, *path_end, *q;
	size_t i, n, sl, bsl;
	char *out = NULL;

	if (ref == NULL)
		return NULL;
	/* Trim, refuse control characters, escape inner spaces. */
	while (*ref == ' ' || *ref == '\t' || *ref == '\n' || *ref == '\r' ||
	    *ref == '\f')
		ref++;
	n = strlen(ref);
	while (n > 0 && (ref[n - 1] == ' ' || ref[n - 1] == '\t' ||
	    ref[n - 1] == '\n' || ref[n - 1] == '\r' || ref[n - 1] == '\f'))
		n--;
	if (n == 0 || n > PAKE_RS_FIELD_MAX)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)ref[i];

		if (c < 0x20 || c == 0x7F)
			goto out;
		if (c == ' ')
			pake_buf_puts(&r, "%20");
		else if (c == '\\')
			pake_buf_putc(&r, '/');	/* as browsers read it */
		else
			pake_buf_putc(&r, (char)c);
	}
	if (r.oom)
		goto out;
	sl = scheme_len(r.p);
	if (sl > 0) {
		pake_buf_put(&res, r.p, r.len);
	} else {
		if (base == NULL || (bsl = scheme_len(base)) == 0)
			goto out;
		b = base;
		/* base = scheme ":" ["//" authority] path ["?" q] ["#" f] */
		auth_end = b + bsl + 1;
		if (strncmp(auth_end, "//", 2) == 0) {
			auth_end += 2;
			while (*auth_end != '\0' && *auth_end != '/' &&
			    *auth_end != '?' && *auth_end != '#')
				auth_end++;
		}
		path_end = auth_end + strcspn(auth_end, "?#");
		if (strncmp(r.p, "//", 2) == 0) {
			pake_buf_put(&res, b, bsl + 1);
			pake_buf_puts(&res, r.p);
		} else if (r.p[0] == '/') {
			size_t rp = strcspn(r.p, "?#");
			char keep = r.p[rp];

			pake_buf_put(&res, b, (size_t)(auth_end - b));
			r.p[rp] = '\0';
			remove_dots(r.p, rp, &res);
			r.p[rp] = keep;
			pake_buf_puts(&res, r.p + rp);
		} else if (r.p[0] == '?') {
			pake_buf_put(&res, b, (size_t)(path_end - b));
			pake_buf_puts(&res, r.p);
		} else if (r.p[0] == '#') {
			pake_buf_put(&res, b, strcspn(b, "#"));
			pake_buf_puts(&res, r.p);
		} else {
			pake_buf m = { 0 };
			size_t rp = strcspn(r.p, "?#");

			/* merge: the base path up to its last "/" */
			if (path_end == auth_end)
				pake_buf_putc(&m, '/');
			else {
				q = path_end;
				while (q > auth_end && q[-1] != '/')
					q--;
				pake_buf_put(&m, auth_end,
				    (size_t)(q - auth_end));
			}
			pake_buf_put(&m, r.p, rp);
			pake_buf_put(&res, b, (size_t)(auth_end - b));
			if (!m.oom)
				remove_dots(m.p, m.len, &res);
			pake_buf_puts(&res, r.p + rp);
			if (m.oom)
				res.oom = 1;
			pake_buf_free(&m);
		}
	}
	if (res.oom || res.len > PAKE_RS_FIELD_MAX)
		goto out;
	sl = scheme_len(res.p);
	if (!((sl == 4 && strncasecmp(res.p, "http", 4) == 0) ||
	    (sl == 5 && strncasecmp(res.p, "https", 5) == 0)) ||
	    strncmp(res.p + sl, "://", 3) != 0 || res.p[sl + 3] == '\0' ||
	    res.p[sl + 3] == '/' || !pake_utf8_valid(res.p, res.len))
		goto out;
	for (i = 0; i < sl; i++)
		res.p[i] = (char)tolower((unsigned char)res.p[i]);
	out = pake_buf_take(&res);
out:
	pake_buf_free(&r);
	pake_buf_free(&res);
	return out;
}
