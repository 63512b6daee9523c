/*
 * graph_links.c: what a note's markdown says about the graph, and keeping
 * the note's node in step with it (ARCHITECTURE.md §14).
 *
 * Reading.  The body is parsed with libcmark, so a link inside a code
 * block, a code span or raw HTML is not a link.  Three kinds of statement:
 *   [[Target]], [[Target|alias]], [[Target#heading]], and markdown links
 *     to other notes ([text](Other%20Note.md)): relations "links_to";
 *   a list item "- relation_type [[Target]] (context)" (a multi-word type
 *     in double quotes): a typed relation instead of a links_to;
 *   a list item "- [category] text #tag (context)": an observation of the
 *     note (basic-memory's syntax; a task box such as [ ] or [x] or a
 *     timecode is not a category; an item with a #tag and no category is
 *     an observation of category "note").
 * Items inside block quotes (callouts) state neither relations nor
 * observations.  Wikilinks are found in runs of adjacent text nodes,
 * which is where cmark leaves literal brackets.
 *
 * The link resolver.  A target resolves as Obsidian resolves it: a note
 * whose file stem is the target's last path part (a target with folders
 * must match the end of the note's path), else a note whose title is the
 * target, both ignoring ASCII case, the oldest first; else an entity whose
 * name is the target (ignoring ASCII case).  A target that resolves to
 * nothing is kept with dst NULL and resolves when a note or entity of that
 * name appears: every change that adds, renames or removes a name
 * (pake_graph_reresolve) looks up the relations whose target key
 * (graph_rels.dst_key, the lowered last path part) is that name's and
 * resolves each again, so the stored dst is always what resolving the
 * stored target would give now.  pake_graph_check rebuilds that from the
 * notes and compares.
 *
 * A rename or delete that leaves links of other notes naming nothing does
 * not do so silently: they are reported in ctx->dangling (the front shows
 * them) and logged, and pake-graph dangling lists every such link.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <cmark.h>
#include <cjson/cJSON.h>
#include "pake/db.h"
#include "pake/graph.h"
#include "pake/log.h"
#include "pake/util.h"

#define LINKS_MAX	10000	/* links read from one note */
#define OBS_MAX		10000	/* observations read from one note */
#define KEY_MAX		(PAKE_GRAPH_NAME_MAX + 1)

void
pake_gparse_free(pake_gparse *p)
{
	size_t i;

	for (i = 0; i < p->nlink; i++) {
		free(p->link[i].type);
		free(p->link[i].target);
		free(p->link[i].alias);
		free(p->link[i].heading);
		free(p->link[i].context);
	}
	for (i = 0; i < p->nobs; i++) {
		free(p->obs[i].category);
		free(p->obs[i].content);
		free(p->obs[i].tags);
		free(p->obs[i].context);
	}
	free(p->link);
	free(p->obs);
	memset(p, 0, sizeof *p);
}

void
pake_graph_key(const char *target, char *key, size_t n)
{
	const char *s = strrchr(target, '/');
	size_t i;

	s = s ? s + 1 : target;
	for (i = 0; s[i] && i + 1 < n; i++)
		key[i] = (char)tolower((unsigned char)s[i]);
	key[i] = '\0';
}

/* A copy of s[0..n) with white space trimmed at both ends. */
static char *
trimdup(const char *s, size_t n)
{
	char *d;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if ((d = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

struct reader {
	pake_gparse *p;
	size_t capl, capo;
	int oom;
};

/* Add a link unless one of that type and target (ASCII case ignored) is
 * there; takes the strings (NULL ones allowed, except type and target). */
static void
add_link(struct reader *r, char *type, char *target, char *alias,
    char *heading, char *context)
{
	pake_gparse *p = r->p;
	size_t i;

	if (type == NULL || target == NULL || target[0] == '\0' ||
	    strlen(target) > PAKE_GRAPH_NAME_MAX ||
	    strlen(type) > PAKE_GRAPH_TYPE_MAX || p->nlink >= LINKS_MAX)
		goto drop;
	for (i = 0; i < p->nlink; i++)
		if (strcmp(p->link[i].type, type) == 0 &&
		    strcasecmp(p->link[i].target, target) == 0)
			goto drop;
	if (p->nlink == r->capl) {
		size_t cap = r->capl ? r->capl * 2 : 8;
		pake_glink *l = realloc(p->link, cap * sizeof *l);

		if (l == NULL) {
			r->oom = 1;
			goto drop;
		}
		p->link = l;
		r->capl = cap;
	}
	p->link[p->nlink++] = (pake_glink){type, target, alias, heading,
		context};
	return;
drop:
	if (type == NULL || target == NULL)
		r->oom = 1;
	free(type);
	free(target);
	free(alias);
	free(heading);
	free(context);
}

static void
add_obs(struct reader *r, char *category, char *content, char *tags,
    char *context)
{
	pake_gparse *p = r->p;

	if (category == NULL || content == NULL) {
		r->oom = 1;
		goto drop;
	}
	if (p->nobs >= OBS_MAX || strlen(content) > PAKE_GRAPH_OBS_MAX)
		goto drop;
	if (p->nobs == r->capo) {
		size_t cap = r->capo ? r->capo * 2 : 8;
		pake_gobs_item *o = realloc(p->obs, cap * sizeof *o);

		if (o == NULL) {
			r->oom = 1;
			goto drop;
		}
		p->obs = o;
		r->capo = cap;
	}
	p->obs[p->nobs++] = (pake_gobs_item){category, content, tags, context};
	return;
drop:
	free(category);
	free(content);
	free(tags);
	free(context);
}

/* The inside of [[...]]: target, then |alias, #heading. */
static void
wikilink(struct reader *r, const char *s, size_t n, const char *type,
    const char *context)
{
	const char *bar = memchr(s, '|', n), *hash;
	size_t tn = bar ? (size_t)(bar - s) : n;
	char *alias = NULL, *heading = NULL;

	if (bar && (alias = trimdup(bar + 1, n - tn - 1)) == NULL)
		r->oom = 1;
	if ((hash = memchr(s, '#', tn)) != NULL) {
		if ((heading = trimdup(hash + 1, tn - (size_t)(hash - s) - 1))
		    == NULL)
			r->oom = 1;
		tn = (size_t)(hash - s);
	}
	add_link(r, strdup(type), trimdup(s, tn), alias, heading,
	    context ? strdup(context) : NULL);
}

/* Does the target of ![[...]] name a note (no extension, or .md)? */
static int
notelike(const char *s, size_t n)
{
	const char *dot = NULL;
	size_t i;

	for (i = 0; i < n && s[i] != '|' && s[i] != '#'; i++)
		if (s[i] == '.')
			dot = s + i;
		else if (s[i] == '/')
			dot = NULL;
	if (dot == NULL)
		return 1;
	return (size_t)(s + i - dot) == 3 && strncasecmp(dot, ".md", 3) == 0;
}

/* Every [[...]] in a run of text. */
static void
scan_wikilinks(struct reader *r, const char *s, size_t n)
{
	size_t i = 0, j;

	while (i + 1 < n) {
		if (s[i] != '[' || s[i + 1] != '[') {
			i++;
			continue;
		}
		for (j = i + 2; j + 1 < n; j++)
			if (s[j] == '[' || s[j] == ']' || s[j] == '\n')
				break;
		if (j + 1 < n && s[j] == ']' && s[j + 1] == ']' && j > i + 2) {
			int embed = i > 0 && s[i - 1] == '!';

			if (!embed || notelike(s + i + 2, j - i - 2))
				wikilink(r, s + i + 2, j - i - 2, "links_to",
				    NULL);
			i = j + 2;
		} else
			i = j > i + 2 ? j : i + 2;
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A markdown link's URL that names a note: relative, no scheme, a .md
 * file or no extension; percent-decoded, without ./ and ../, #fragment,
 * ?query and .md. */
static void
url_link(struct reader *r, const char *url)
{
	char buf[PAKE_GRAPH_NAME_MAX + 1];
	size_t n = 0, i;
	const char *p, *dot = NULL;

	if (url == NULL || url[0] == '\0' || url[0] == '#' || url[0] == '/')
		return;
	for (p = url; *p && *p != '/' && *p != '?' && *p != '#'; p++)
		if (*p == ':')
			return;		/* a scheme: http:, mailto: ... */
	while (strncmp(url, "./", 2) == 0 || strncmp(url, "../", 3) == 0)
		url += url[1] == '/' ? 2 : 3;
	for (i = 0; url[i] && url[i] != '#' && url[i] != '?'; i++) {
		int c = (unsigned char)url[i];

		if (c == '%' && hexval(url[i + 1]) >= 0 &&
		    hexval(url[i + 2]) >= 0) {
			c = hexval(url[i + 1]) * 16 + hexval(url[i + 2]);
			i += 2;
		}
		if (c == 0 || n + 1 >= sizeof buf)
			return;
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	for (i = 0; i < n; i++)
		if (buf[i] == '.')
			dot = buf + i;
		else if (buf[i] == '/')
			dot = NULL;
	if (dot) {
		if (strcasecmp(dot, ".md") != 0)
			return;		/* an attachment, not a note */
		n = (size_t)(dot - buf);
		buf[n] = '\0';
	}
	if (n > 0 && pake_utf8_valid(buf, n))
		add_link(r, strdup("links_to"), strdup(buf), NULL, NULL, NULL);
}

/* A trailing "(context)" of s[0..*n): its inside (trimmed), and *n cut
 * before it.  NULL when there is none. */
static char *
tail_context(struct reader *r, const char *s, size_t *n)
{
	size_t end = *n, open;
	char *c;

	while (end > 0 && isspace((unsigned char)s[end - 1]))
		end--;
	if (end == 0 || s[end - 1] != ')')
		return NULL;
	for (open = end - 1; open > 0 && s[open - 1] != '('; open--)
		if (s[open - 1] == ')')
			return NULL;
	if (open == 0)
		return NULL;
	if ((c = trimdup(s + open, end - 1 - open)) == NULL)
		r->oom = 1;
	*n = open - 1;
	return c;
}

/* "- type [[Target]] (context)": 1 when the item is a typed relation. */
static int
typed_relation(struct reader *r, const char *s, size_t n)
{
	size_t i = 0, tstart, tlen, lstart, lend;
	char *type, *ctx;
	int quoted = 0;

	if (n == 0 || s[0] == '[' || s[0] == '#')
		return 0;
	if (s[0] == '"') {
		quoted = 1;
		for (i = 1; i < n && s[i] != '"'; i++)
			;
		if (i >= n || i == 1)
			return 0;
		tstart = 1;
		tlen = i - 1;
		i++;
	} else {
		while (i < n && !isspace((unsigned char)s[i]))
			i++;
		tstart = 0;
		tlen = i;
	}
	if (i >= n || !isspace((unsigned char)s[i]))
		return 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i + 4 > n || s[i] != '[' || s[i + 1] != '[')
		return 0;
	lstart = i + 2;
	for (lend = lstart; lend + 1 < n; lend++)
		if (s[lend] == '[' || s[lend] == ']')
			break;
	if (lend + 1 >= n || s[lend] != ']' || s[lend + 1] != ']' ||
	    lend == lstart)
		return 0;
	i = lend + 2;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i < n && s[i] != '(')
		return 0;		/* another tail: not explicit */
	{
		size_t m = n;

		ctx = tail_context(r, s, &m);
		if (i < n && (ctx == NULL || m != i)) {
			free(ctx);
			return 0;
		}
	}
	(void)quoted;
	if ((type = trimdup(s + tstart, tlen)) == NULL) {
		r->oom = 1;
		free(ctx);
		return 0;
	}
	wikilink(r, s + lstart, lend - lstart, type, ctx);
	free(type);
	free(ctx);
	return 1;
}

/* A category of basic-memory's observations: bracket text without []()
 * that is no task box ([ ], [x], [-], one non-alphanumeric character) and
 * no timecode ([00:01:02]). */
static int
category_ok(const char *s, size_t n)
{
	size_t i;
	int digits = 1;

	if (n == 0)
		return 0;
	if (n == 1 && (s[0] == 'x' || s[0] == 'X' ||
	    !isalnum((unsigned char)s[0])))
		return 0;
	for (i = 0; i < n; i++) {
		if (strchr("[]()", s[i]))
			return 0;
		if (!isdigit((unsigned char)s[i]) && s[i] != ':')
			digits = 0;
	}
	if (digits && memchr(s, ':', n))
		return 0;
	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 1;
	return 0;
}

/* The #tags of s[0..n), space separated without '#' ("#a#b": a b). */
static char *
tags_of(const char *s, size_t n)
{
	pake_buf b = {0};
	size_t i = 0;

	while (i < n) {
		if (s[i] == '#' && (i == 0 || isspace((unsigned char)s[i - 1]))) {
			while (i < n && !isspace((unsigned char)s[i])) {
				if (s[i] == '#') {
					i++;
					continue;
				}
				if (b.len && b.p[b.len - 1] != ' ' &&
				    s[i - 1] == '#')
					pake_buf_putc(&b, ' ');
				pake_buf_putc(&b, s[i]);
				i++;
			}
			if (b.len && b.p[b.len - 1] != ' ')
				pake_buf_putc(&b, ' ');
		} else
			i++;
	}
	while (b.len && b.p[b.len - 1] == ' ')
		b.len--;
	if (b.len == 0) {
		pake_buf_free(&b);
		return NULL;
	}
	pake_buf_putc(&b, '\0');
	return pake_buf_take(&b);
}

/* "- [category] content #tag (context)", or a line with a #tag. */
static void
observation(struct reader *r, const char *s, size_t n)
{
	char *cat = NULL, *ctx, *tags;
	size_t i;

	if (n > 0 && s[0] == '[') {
		for (i = 1; i < n && s[i] != ']'; i++)
			;
		if (i < n && category_ok(s + 1, i - 1) && i + 1 < n &&
		    isspace((unsigned char)s[i + 1])) {
			if ((cat = trimdup(s + 1, i - 1)) == NULL) {
				r->oom = 1;
				return;
			}
			s += i + 1;
			n -= i + 1;
		}
	}
	tags = tags_of(s, n);
	if (cat == NULL && tags == NULL)
		return;
	ctx = tail_context(r, s, &n);
	add_obs(r, cat ? cat : strdup("note"), trimdup(s, n), tags, ctx);
}

/* The first line of a list item's paragraph, from the source. */
static void
item_line(const char *md, size_t len, const size_t *lines, size_t nlines,
    cmark_node *para, const char **s, size_t *n)
{
	int line = cmark_node_get_start_line(para);
	int col = cmark_node_get_start_column(para);
	size_t at, end;

	*s = NULL;
	*n = 0;
	if (line < 1 || (size_t)line > nlines || col < 1)
		return;
	at = lines[line - 1] + (size_t)col - 1;
	if (at >= len)
		return;
	for (end = at; end < len && md[end] != '\n' && md[end] != '\r'; end++)
		;
	*s = md + at;
	*n = end - at;
}

static int
in_quote(cmark_node *n)
{
	for (n = cmark_node_parent(n); n; n = cmark_node_parent(n))
		if (cmark_node_get_type(n) == CMARK_NODE_BLOCK_QUOTE)
			return 1;
	return 0;
}

int
pake_graph_parse(const char *md, size_t len, pake_gparse *out)
{
	struct reader r = {out, 0, 0, 0};
	cmark_node *doc, *node, *skip = NULL, *run_parent = NULL;
	cmark_iter *it;
	cmark_event_type ev;
	pake_buf run = {0};
	size_t *lines = NULL, nlines = 0, cap = 0, i;

	memset(out, 0, sizeof *out);
	/* Where each line starts, for list items' source text. */
	for (i = 0; i <= len; i++)
		if (i == 0 || md[i - 1] == '\n') {
			if (nlines == cap) {
				size_t *l;

				cap = cap ? cap * 2 : 64;
				if ((l = realloc(lines, cap * sizeof *l)) ==
				    NULL) {
					free(lines);
					return -1;
				}
				lines = l;
			}
			lines[nlines++] = i;
		}
	if ((doc = cmark_parse_document(md, len, CMARK_OPT_DEFAULT)) == NULL) {
		free(lines);
		return -1;
	}
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node_type t;

		node = cmark_iter_get_node(it);
		t = cmark_node_get_type(node);
		if (t == CMARK_NODE_TEXT && ev == CMARK_EVENT_ENTER) {
			const char *lit = cmark_node_get_literal(node);

			if (cmark_node_parent(node) != run_parent) {
				scan_wikilinks(&r, run.p, run.len);
				run.len = 0;
				run_parent = cmark_node_parent(node);
			}
			if (!skip && lit)
				pake_buf_puts(&run, lit);
			continue;
		}
		/* Anything else ends a run of text. */
		scan_wikilinks(&r, run.p, run.len);
		run.len = 0;
		run_parent = NULL;
		if (ev == CMARK_EVENT_EXIT) {
			if (node == skip)
				skip = NULL;
			continue;
		}
		if (t == CMARK_NODE_LINK && !skip)
			url_link(&r, cmark_node_get_url(node));
		else if (t == CMARK_NODE_ITEM && !in_quote(node)) {
			cmark_node *para = cmark_node_first_child(node);
			const char *s;
			size_t n;

			if (para == NULL ||
			    cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
				continue;
			item_line(md, len, lines, nlines, para, &s, &n);
			while (n > 0 && isspace((unsigned char)s[n - 1]))
				n--;
			if (s == NULL || n == 0)
				continue;
			if (typed_relation(&r, s, n))
				skip = para;
			else
				observation(&r, s, n);
		}
	}
	scan_wikilinks(&r, run.p, run.len);
	cmark_iter_free(it);
	cmark_node_free(doc);
	pake_buf_free(&run);
	free(lines);
	if (r.oom || run.oom) {
		pake_gparse_free(out);
		return -1;
	}
	return 0;
}

/* --- resolving and indexing ---------------------------------------------- */

#define PICKED	(-1)	/* a walk's callback found what it looked for */

struct stem_pick {
	const char *want;	/* lowered target path without .md, or NULL */
	int64_t id;
};

/* The first note whose path ends with the wanted path (on a folder
 * boundary), or the first note when no path is wanted. */
static int
pick_stem(void *arg, const pake_gnode *n)
{
	struct stem_pick *p = arg;
	size_t pl, wl;

	if (p->want == NULL) {
		p->id = n->id;
		return PICKED;
	}
	pl = n->path ? strlen(n->path) : 0;
	wl = strlen(p->want);
	if (pl >= wl && strcmp(n->path + pl - wl, p->want) == 0 &&
	    (pl == wl || n->path[pl - wl - 1] == '/')) {
		p->id = n->id;
		return PICKED;
	}
	return 0;
}

/* The node target names now, or 0 (see the top of the file). */
int
pake_graph_resolve(pake_db *st, const char *target, int64_t *id, pake_err *e)
{
	char key[KEY_MAX], whole[KEY_MAX];
	struct stem_pick p = {NULL, 0};
	int rc;

	*id = 0;
	pake_graph_key(target, key, sizeof key);
	if (strchr(target, '/')) {
		size_t i;

		for (i = 0; target[i] && i + 1 < sizeof whole; i++)
			whole[i] = (char)tolower((unsigned char)target[i]);
		whole[i] = '\0';
		p.want = whole;
	}
	rc = pake_db_gnode_by_stem(st, key, pick_stem, &p, e);
	if (rc != 0 && rc != PICKED)
		return rc;
	if (p.id) {
		*id = p.id;
		return 0;
	}
	if (p.want == NULL) {
		if ((rc = pake_db_gnode_by_key(st, PAKE_GNODE_NOTE, key, id, e)))
			return rc;
		if (*id)
			return 0;
	} else {
		/* A title may hold a slash: the whole target against it. */
		if ((rc = pake_db_gnode_by_key(st, PAKE_GNODE_NOTE, p.want, id,
		    e)))
			return rc;
		if (*id)
			return 0;
		pake_strlcpy(key, p.want, sizeof key);
	}
	return pake_db_gnode_by_key(st, PAKE_GNODE_ENTITY, p.want ? p.want :
	    key, id, e);
}

struct reres {
	int64_t *id;
	char **target;
	int64_t *dst;
	size_t n, cap;
	int oom;
};

static int
collect_rel(void *arg, const pake_grel *r)
{
	struct reres *x = arg;

	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		int64_t *id = realloc(x->id, cap * sizeof *id);
		int64_t *dst = id ? realloc(x->dst, cap * sizeof *dst) : NULL;
		char **t = dst ? realloc(x->target, cap * sizeof *t) : NULL;

		if (id)
			x->id = id;
		if (dst)
			x->dst = dst;
		if (t)
			x->target = t;
		if (t == NULL) {
			x->oom = 1;
			return 1;
		}
		x->cap = cap;
	}
	if ((x->target[x->n] = strdup(r->dst_name)) == NULL) {
		x->oom = 1;
		return 1;
	}
	x->id[x->n] = r->id;
	x->dst[x->n] = r->dst;
	x->n++;
	return 0;
}

static void
reres_free(struct reres *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		free(x->target[i]);
	free(x->target);
	free(x->id);
	free(x->dst);
}

int
pake_graph_reresolve(pake_db *st, const char *name, pake_err *e)
{
	char key[KEY_MAX];
	struct reres x = {0};
	size_t i;
	int rc;

	pake_graph_key(name, key, sizeof key);
	if ((rc = pake_db_grel_by_key(st, key, collect_rel, &x, e)) != 0 ||
	    x.oom) {
		reres_free(&x);
		return rc && !x.oom ? rc :
		    pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	for (i = 0; i < x.n && rc == 0; i++) {
		int64_t dst;

		if ((rc = pake_graph_resolve(st, x.target[i], &dst, e)) == 0 &&
		    dst != x.dst[i])
			rc = pake_db_grel_set_dst(st, x.id[i], dst, e);
	}
	reres_free(&x);
	return rc;
}

/* The lowered file stem and path (without .md) of a vault path. */
static void
file_keys(const char *file_path, char *stem, char *path, size_t n)
{
	size_t i, len = strlen(file_path);

	if (len >= 3 && strcasecmp(file_path + len - 3, ".md") == 0)
		len -= 3;
	for (i = 0; i < len && i + 1 < n; i++)
		path[i] = (char)tolower((unsigned char)file_path[i]);
	path[i] = '\0';
	pake_graph_key(path, stem, n);
}

struct node_copy {
	int64_t id;
	char name[KEY_MAX], stem[KEY_MAX];
	int found;
};

static int
copy_node(void *arg, const pake_gnode *n)
{
	struct node_copy *k = arg;

	k->id = n->id;
	k->found = 1;
	pake_strlcpy(k->name, n->name, sizeof k->name);
	pake_strlcpy(k->stem, n->stem ? n->stem : "", sizeof k->stem);
	return 0;
}

/* The note node of rowid, if any, into *k. */
static int
note_node(pake_db *st, int64_t rowid, struct node_copy *k, pake_err *e)
{
	int rc;

	memset(k, 0, sizeof *k);
	rc = pake_db_gnode_of_note(st, rowid, copy_node, k, e);
	if (rc == PAKE_ENOTFOUND) {
		memset(e, 0, sizeof *e);
		return 0;
	}
	return rc;
}

/* Links of other notes that named node before a change and name nothing
 * after it: reported in ctx->dangling. */
struct before {
	int64_t *id;
	size_t n, cap;
	int oom;
};

static int
collect_id(void *arg, const pake_grel *r)
{
	struct before *b = arg;

	if (r->origin == 0 || r->origin == r->dst)
		return 0;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		int64_t *id = realloc(b->id, cap * sizeof *id);

		if (id == NULL) {
			b->oom = 1;
			return 1;
		}
		b->id = id;
		b->cap = cap;
	}
	b->id[b->n++] = r->id;
	return 0;
}

struct report {
	pake_ctx *c;
	pake_db *st;
	const char *was;
};

static int
note_of_origin(void *arg, const pake_gnode *n)
{
	cJSON *o = arg;

	cJSON_AddStringToObject(o, "from", n->name);
	if (n->pake_id)
		cJSON_AddStringToObject(o, "from_pake_id", n->pake_id);
	return 0;
}

static int
report_rel(void *arg, const pake_grel *r)
{
	struct report *rp = arg;
	pake_err e2 = {0};
	cJSON *o;

	if (r->dst != 0)
		return 0;
	if (rp->c->dangling == NULL &&
	    (rp->c->dangling = cJSON_CreateArray()) == NULL)
		return 0;
	if (cJSON_GetArraySize(rp->c->dangling) >= 100 ||
	    (o = cJSON_CreateObject()) == NULL)
		return 0;
	pake_db_gnode_get(rp->st, r->origin, note_of_origin, o, &e2);
	cJSON_AddStringToObject(o, "target", r->dst_name);
	cJSON_AddStringToObject(o, "type", r->type);
	cJSON_AddStringToObject(o, "was", rp->was);
	cJSON_AddItemToArray(rp->c->dangling, o);
	pake_log_msg(rp->c->log, PAKE_LOG_WARN, "graph: a link of "
	    "\"%.200s\" to \"%.200s\" names nothing now (\"%.200s\" was "
	    "renamed or deleted)", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
	    "from")) ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "from")) :
	    "?", r->dst_name, rp->was);
	return 0;
}

static int
report_dangling(pake_ctx *c, pake_db *st, const struct before *b,
    const char *was, pake_err *e)
{
	struct report rp = {c, st, was};
	size_t i;
	int rc;

	for (i = 0; i < b->n; i++)
		if ((rc = pake_db_grel_get(st, b->id[i], report_rel, &rp, e))
		    != 0 && rc != PAKE_ENOTFOUND)
			return rc;
	return 0;
}

/* Names a change took away or brought: relations naming them resolve
 * again.  At most four distinct names. */
static int
reresolve_names(pake_db *st, const char *const *names, size_t n, pake_err *e)
{
	size_t i, j;
	int rc;

	for (i = 0; i < n; i++) {
		char ki[KEY_MAX], kj[KEY_MAX];
		int seen = 0;

		if (names[i] == NULL || names[i][0] == '\0')
			continue;
		pake_graph_key(names[i], ki, sizeof ki);
		for (j = 0; j < i && !seen; j++) {
			if (names[j] == NULL)
				continue;
			pake_graph_key(names[j], kj, sizeof kj);
			seen = strcmp(ki, kj) == 0;
		}
		if (!seen && (rc = pake_graph_reresolve(st, names[i], e)) != 0)
			return rc;
	}
	return 0;
}

/* Write what the note's markdown says, from its node. */
static int
index_body(pake_db *st, int64_t node, const pake_note *n, pake_err *e)
{
	pake_gparse p;
	size_t i;
	int rc = 0;
	int64_t now = pake_now_ms();

	if (pake_graph_parse(n->body, n->body_len, &p) != 0)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	for (i = 0; i < p.nlink && rc == 0; i++) {
		pake_glink *l = &p.link[i];
		char key[KEY_MAX], *props = NULL;
		pake_grel r = {0};

		if (l->alias || l->heading) {
			cJSON *o = cJSON_CreateObject();

			if (l->alias)
				cJSON_AddStringToObject(o, "alias", l->alias);
			if (l->heading)
				cJSON_AddStringToObject(o, "heading",
				    l->heading);
			props = cJSON_PrintUnformatted(o);
			cJSON_Delete(o);
		}
		pake_graph_key(l->target, key, sizeof key);
		r.src = node;
		r.src_name = n->title;
		r.dst_name = l->target;
		r.dst_key = key;
		r.type = l->type;
		r.origin = node;
		r.props = props;
		r.context = l->context;
		r.created_ms = now;
		if ((rc = pake_graph_resolve(st, l->target, &r.dst, e)) == 0)
			rc = pake_db_grel_insert(st, &r, NULL, e);
		free(props);
	}
	for (i = 0; i < p.nobs && rc == 0; i++) {
		pake_gobs o = {0};

		o.node = node;
		o.content = p.obs[i].content;
		o.category = p.obs[i].category;
		o.context = p.obs[i].context;
		o.tags = p.obs[i].tags;
		o.from_note = 1;
		rc = pake_db_gobs_add(st, &o, e);
	}
	pake_gparse_free(&p);
	return rc;
}

/* The graph of one note, whatever was there before (c NULL: no report). */
static int
index_note(pake_ctx *c, pake_db *st, const pake_note *n, pake_err *e)
{
	char stem[KEY_MAX], path[KEY_MAX], key[KEY_MAX];
	struct node_copy old;
	struct before b = {0};
	pake_gnode g = {0};
	int renamed, rc;

	if ((rc = note_node(st, n->rowid, &old, e)) != 0)
		return rc;
	file_keys(n->file_path ? n->file_path : "", stem, path, sizeof stem);
	pake_graph_key(n->title, key, sizeof key);
	/* (the title's key is the whole title lowered) */
	{
		size_t i;

		for (i = 0; n->title[i] && i + 1 < sizeof key; i++)
			key[i] = (char)tolower((unsigned char)n->title[i]);
		key[i] = '\0';
	}
	g.kind = PAKE_GNODE_NOTE;
	g.name = n->title;
	g.type = n->type ? n->type : "";
	g.key = key;
	g.stem = stem;
	g.path = path;
	g.note_id = n->rowid;
	g.created_ms = pake_now_ms();
	renamed = !old.found || strcmp(old.name, n->title) != 0 ||
	    strcmp(old.stem, stem) != 0;
	if (old.found) {
		g.id = old.id;
		if (renamed && c && (rc = pake_db_grel_of(st, old.id, 2, 0,
		    collect_id, &b, e)) != 0)
			goto out;
		if (b.oom) {
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
			goto out;
		}
		if ((rc = pake_db_gnode_update(st, &g, e)) != 0 ||
		    (rc = pake_db_grel_clear_origin(st, g.id, e)) != 0 ||
		    (rc = pake_db_gobs_clear_note(st, g.id, e)) != 0)
			goto out;
	} else if ((rc = pake_db_gnode_insert(st, &g, &g.id, e)) != 0)
		goto out;
	if ((rc = index_body(st, g.id, n, e)) != 0)
		goto out;
	if (renamed) {
		const char *names[4] = {old.found ? old.name : NULL,
			old.found ? old.stem : NULL, n->title, stem};

		if ((rc = reresolve_names(st, names, 4, e)) != 0)
			goto out;
		if (c && b.n && (rc = report_dangling(c, st, &b, old.name,
		    e)) != 0)
			goto out;
	}
out:
	free(b.id);
	return rc;
}

/* Notes stored before the graph existed, indexed by the first writer. */
int
pake_graph_catchup(pake_ctx *c, pake_db *st, pake_err *e)
{
	char id[PAKE_ID_LEN + 1];
	pake_note n;
	int rc;

	for (;;) {
		if ((rc = pake_db_graph_unindexed(st, id, e)) != 0 || id[0] == '\0')
			return rc;
		pake_note_init(&n);
		rc = pake_db_note_get(st, id, &n, e);
		if (rc == 0)
			rc = index_note(NULL, st, &n, e);
		else if (rc == PAKE_ENOTFOUND) {
			memset(e, 0, sizeof *e);
			rc = 0;
		}
		pake_note_free(&n);
		if (rc == 0)
			rc = pake_db_graph_indexed(st, id, e);
		if (rc != 0)
			return rc;
	}
	(void)c;
}

int
pake_graph_note_put(pake_ctx *c, pake_db *st, const pake_note *n,
    const pake_note *old, pake_err *e)
{
	int rc;

	(void)old;
	if (n->rowid == 0)
		return pake_fail(e, PAKE_EINTERNAL, NULL, "graph: note %s has "
		    "no row", n->pake_id);
	if ((rc = pake_graph_catchup(c, st, e)) != 0)
		return rc;
	return index_note(c, st, n, e);
}

int
pake_graph_note_remove(pake_ctx *c, pake_db *st, const pake_note *old,
    pake_err *e)
{
	struct node_copy k;
	struct before b = {0};
	int rc;

	if ((rc = note_node(st, old->rowid, &k, e)) != 0 || !k.found)
		return rc;
	if ((rc = pake_db_grel_of(st, k.id, 2, 0, collect_id, &b, e)) != 0 ||
	    b.oom) {
		free(b.id);
		return rc ? rc : pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
		    NULL);
	}
	if ((rc = pake_db_gnode_delete(st, k.id, e)) == 0) {
		const char *names[2] = {k.name, k.stem};

		rc = reresolve_names(st, names, 2, e);
	}
	if (rc == 0 && b.n)
		rc = report_dangling(c, st, &b, k.name, e);
	free(b.id);
	return rc;
}

int
pake_graph_note_moved(pake_ctx *c, pake_db *st, const char *pake_id,
    pake_err *e)
{
	pake_note n;
	int rc;

	pake_note_init(&n);
	if ((rc = pake_db_note_get(st, pake_id, &n, e)) == 0)
		rc = index_note(c, st, &n, e);
	pake_note_free(&n);
	return rc;
}

/* --- checking ---------------------------------------------------------------- */

struct stored {
	pake_db *st;
	pake_gparse *want;
	int ok;
	size_t n;
	pake_err *e;
};

/* A stored relation of the note: one the markdown states, resolved as it
 * would be now. */
static int
check_rel(void *arg, const pake_grel *r)
{
	struct stored *s = arg;
	size_t i;
	int64_t dst;
	int found = 0;

	if (r->origin == 0)
		return 0;
	s->n++;
	for (i = 0; i < s->want->nlink && !found; i++)
		found = strcmp(s->want->link[i].type, r->type) == 0 &&
		    strcmp(s->want->link[i].target, r->dst_name) == 0;
	if (!found || pake_graph_resolve(s->st, r->dst_name, &dst, s->e) != 0 ||
	    dst != r->dst)
		s->ok = 0;
	return 0;
}

static int
count_obs(void *arg, const pake_gobs *o)
{
	*(size_t *)arg += o->from_note != 0;
	return 0;
}

/* 1 when the graph of note n is what its markdown says, 0 when not, -1
 * when the note has no node yet. */
static int
note_ok(pake_db *st, const pake_note *n, pake_err *e)
{
	char stem[KEY_MAX], path[KEY_MAX];
	struct node_copy k;
	struct stored s = {0};
	pake_gparse p;
	size_t nobs = 0;

	if (note_node(st, n->rowid, &k, e) != 0)
		return 0;
	if (!k.found)
		return -1;
	if (strcmp(k.name, n->title) != 0)
		return 0;
	file_keys(n->file_path, stem, path, sizeof stem);
	if (strcmp(k.stem, stem) != 0)
		return 0;
	if (pake_graph_parse(n->body, n->body_len, &p) != 0)
		return 0;
	s.st = st;
	s.want = &p;
	s.ok = 1;
	s.e = e;
	if (pake_db_grel_of(st, k.id, 1, 0, check_rel, &s, e) != 0 ||
	    s.n != p.nlink ||
	    pake_db_gobs_each(st, k.id, count_obs, &nobs, e) != 0 ||
	    nobs != p.nobs)
		s.ok = 0;
	pake_gparse_free(&p);
	return s.ok;
}

struct checker {
	pake_db *st;
	int64_t waiting;	/* notes stored before the graph, not indexed */
	char (*bad)[PAKE_ID_LEN + 1];
	size_t n, cap;
	int oom;
	pake_err *e;
};

static int
check_note(void *arg, pake_note *n)
{
	struct checker *k = arg;
	int ok = note_ok(k->st, n, k->e);

	if (ok == 1 || (ok == -1 && k->waiting > 0))
		return 0;
	pake_err_clear(k->e);
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 16;
		void *p = realloc(k->bad, cap * sizeof *k->bad);

		if (p == NULL) {
			k->oom = 1;
			return 1;
		}
		k->bad = p;
		k->cap = cap;
	}
	pake_strlcpy(k->bad[k->n++], n->pake_id, PAKE_ID_LEN + 1);
	return 0;
}

int
pake_graph_check(pake_ctx *c, pake_db *st, int repair, int64_t *bad,
    int64_t *waiting, pake_err *e)
{
	struct checker k = {0};
	size_t i;
	int rc;

	*bad = 0;
	k.st = st;
	k.e = e;
	if ((rc = repair ? pake_db_begin(st, e) : pake_db_begin_read(st, e)))
		return rc;
	if (repair && (rc = pake_graph_catchup(c, st, e)) != 0)
		goto out;
	if ((rc = pake_db_graph_unindexed_count(st, &k.waiting, e)) != 0)
		goto out;
	*waiting = k.waiting;
	if ((rc = pake_db_note_each(st, check_note, &k, e)) != 0 || k.oom) {
		rc = rc ? rc : pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
		    NULL);
		goto out;
	}
	*bad = (int64_t)k.n;
	for (i = 0; repair && i < k.n && rc == 0; i++)
		rc = pake_graph_note_moved(c, st, k.bad[i], e);
out:
	free(k.bad);
	if (rc == 0)
		return pake_db_commit(st, e);
	pake_db_rollback(st);
	return rc;
}
