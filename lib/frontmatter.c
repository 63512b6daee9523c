/*
 * frontmatter.c: markdown files with YAML frontmatter, both ways.
 *
 * Parsing finds the frontmatter lines by hand (an opening "---" line,
 * optionally after a UTF-8 BOM, up to the next "---" or "..." line), then
 * reads them with libyaml's event API.  Events rather than the document API
 * because they let us stop at the first problem: nesting deeper than
 * FM_DEPTH_MAX stops the walk before libyaml has built anything, and an
 * alias stops it at once (aliases are refused outright, which disposes of
 * alias bombs and cycles).
 *
 * The known fields go to their members.  Every other top-level key is kept
 * twice: converted to JSON (plain scalars resolved the YAML core way, quoted
 * ones always strings) and as its exact source text, cut from the start of
 * the key to the end of the line where its value ends.  libyaml's marks count
 * characters, not bytes, so a cursor maps them to byte offsets.  The cut text
 * is parsed once more and must give the same JSON; when it does not (a
 * top-level flow mapping, a "? " complex key and similar rarities) the keys
 * are written out from their JSON instead, in flow style, which always
 * reads back the same.
 *
 * Any top-level key given twice, known or not, is an error (and so is a
 * repeated key in a nested mapping): "last wins" would silently drop text
 * the user wrote.  A known key whose value is null (~, null or nothing)
 * leaves the field as it was, except summary and human_notes, which become
 * NULL.  A present tags key replaces the note's tags.  extra_json and
 * extra_yaml always describe the file just read (NULL when it has no
 * unknown keys).  Nothing in n changes unless the whole parse succeeds.
 * Values are bounded by note.h (PAKE_TITLE_MAX, PAKE_FIELD_MAX, ...): a
 * longer one is PAKE_EINVAL, as is a pake_id longer than PAKE_ID_LEN.
 *
 * Rendering is a small hand-written emitter: fixed key order, strings plain
 * only when that is unambiguous and double-quoted otherwise, tags as a
 * block list, then the unknown keys' text verbatim.  Numbers are read and
 * written in the C locale (pake never sets LC_NUMERIC).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include <cjson/cJSON.h>
#include "pake/frontmatter.h"
#include "pake/util.h"

#define FM_FILE_MAX	(16 * 1024 * 1024)	/* a whole note file */
#define FM_YAML_MAX	(1024 * 1024)		/* its frontmatter */
#define FM_DEPTH_MAX	64			/* nested collections */

enum kind {
	K_ID,		/* pake_id: string into the fixed array */
	K_STR,		/* string; null keeps the old value */
	K_TEXT,		/* string; null makes it NULL */
	K_TIME,		/* K_STR, also parsed into a ms member */
	K_CONF,		/* number 0..1 */
	K_TAGS		/* list, inline list or one string */
};

/* The known fields, in the order they are rendered. */
static const struct field {
	const char	*name;
	enum kind	 kind;
	size_t		 off;		/* of the char * member */
	size_t		 msoff;		/* of the int64_t member, K_TIME */
	size_t		 max;		/* bytes */
} fields[] = {
	{ "pake_id", K_ID, 0, 0, PAKE_ID_LEN },
	{ "title", K_STR, offsetof(pake_note, title), 0, PAKE_TITLE_MAX },
	{ "type", K_STR, offsetof(pake_note, type), 0, PAKE_FIELD_MAX },
	{ "status", K_STR, offsetof(pake_note, status), 0, PAKE_FIELD_MAX },
	{ "confidence_score", K_CONF, 0, 0, 0 },
	{ "verification_status", K_STR,
	    offsetof(pake_note, verification_status), 0, PAKE_FIELD_MAX },
	{ "created_at", K_TIME, offsetof(pake_note, created_at),
	    offsetof(pake_note, created_ms), PAKE_FIELD_MAX },
	{ "modified_at", K_TIME, offsetof(pake_note, modified_at),
	    offsetof(pake_note, modified_ms), PAKE_FIELD_MAX },
	{ "tags", K_TAGS, 0, 0, 0 },
	{ "source_uri", K_STR, offsetof(pake_note, source_uri), 0,
	    PAKE_FIELD_MAX },
	{ "summary", K_TEXT, offsetof(pake_note, summary), 0, PAKE_TEXT_MAX },
	{ "human_notes", K_TEXT, offsetof(pake_note, human_notes), 0,
	    PAKE_TEXT_MAX },
};
#define NFIELDS	(sizeof fields / sizeof fields[0])

/* One walk over one YAML text, and what it found. */
struct fm {
	const char	*src;		/* the YAML text */
	size_t		 len;
	size_t		 line0;		/* file line of src's first line */
	size_t		 base;		/* file byte offset of src */
	int		 flowtop;	/* the top mapping is {...}: no cutting */
	pake_err	*e;
	yaml_parser_t	 p;
	int		 pinit;
	size_t		 cidx, bidx;	/* char index -> byte offset cursor */
	size_t		 vend;		/* char index: end of the last content */
	int		 vkeep;		/* it was a block scalar keeping breaks */
	int		 seen[NFIELDS];
	char		*val[NFIELDS];	/* NULL when seen: an explicit null */
	double		 conf;
	int		 conf_set;
	pake_note	 tags;		/* only tags/ntags are used */
	int		 tags_set;
	cJSON		*extra;		/* unknown keys */
	pake_buf	 yaml;		/* their source text */
};

static int conv(struct fm *, yaml_event_t *, int, cJSON **);
static int delim_line(const char *, size_t, size_t, int, size_t *);
static int walk(struct fm *);

/* Set up f to walk len bytes of YAML at src. */
static void
fm_init(struct fm *f, const char *src, size_t len, size_t line0, size_t base,
    pake_err *e)
{
	memset(f, 0, sizeof *f);
	f->src = src;
	f->len = len;
	f->line0 = line0;
	f->base = base;
	f->e = e;
	pake_note_init(&f->tags);
}

/* Free whatever f still owns. */
static void
fm_free(struct fm *f)
{
	size_t i;

	if (f->pinit)
		yaml_parser_delete(&f->p);
	for (i = 0; i < NFIELDS; i++)
		free(f->val[i]);
	pake_note_free(&f->tags);
	cJSON_Delete(f->extra);
	pake_buf_free(&f->yaml);
	f->pinit = 0;
}

/* Fail with PAKE_EINTERNAL, out of memory. */
static int
nomem(struct fm *f)
{
	return pake_fail(f->e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, "frontmatter");
}

/* Fail with PAKE_EINVAL; the detail names the file line of mark m. */
static int __attribute__((format(printf, 3, 4)))
fail_at(struct fm *f, const yaml_mark_t *m, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return pake_fail(f->e, PAKE_EINVAL, NULL, "frontmatter line %zu: %s",
	    f->line0 + m->line, what);
}

/* Next event into ev; on failure ev holds nothing to delete. */
static int
next_event(struct fm *f, yaml_event_t *ev)
{
	const yaml_parser_t *p = &f->p;

	if (yaml_parser_parse(&f->p, ev))
		return 0;
	if (p->error == YAML_MEMORY_ERROR)
		return nomem(f);
	if (p->error == YAML_READER_ERROR)
		return pake_fail(f->e, PAKE_EINVAL, NULL,
		    "frontmatter byte %zu: %s", f->base + p->problem_offset,
		    p->problem ? p->problem : "unreadable");
	return fail_at(f, &p->problem_mark, "%s%s%s",
	    p->context ? p->context : "", p->context ? ", " : "",
	    p->problem ? p->problem : "YAML syntax error");
}

/* Byte offset in src of libyaml's character index ci.  Marks count a
 * UTF-8 character as one (CRLF as two), so skip continuation bytes.
 * Calls come in non-decreasing order, so the cursor keeps it linear. */
static size_t
byte_at(struct fm *f, size_t ci)
{
	if (ci < f->cidx) {
		f->cidx = 0;
		f->bidx = 0;
	}
	while (f->cidx < ci && f->bidx < f->len) {
		f->bidx++;
		while (f->bidx < f->len &&
		    ((unsigned char)f->src[f->bidx] & 0xC0) == 0x80)
			f->bidx++;
		f->cidx++;
	}
	return f->bidx;
}

/* 1 when s[0..n) equals one of the words in list. */
static int
word_in(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && memcmp(s, *list, n) == 0)
			return 1;
	return 0;
}

static const char *const null_words[] = { "~", "null", "Null", "NULL", 0 };
static const char *const true_words[] = { "true", "True", "TRUE", 0 };
static const char *const false_words[] = { "false", "False", "FALSE", 0 };

/* An ASCII digit, whatever the locale. */
static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 1 when s[0..n) is a YAML core decimal number:
 * [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int
is_decimal(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n && is_digit(s[i]); i++)
		d++;
	if (i < n && s[i] == '.') {
		for (i++; i < n && is_digit(s[i]); i++)
			d++;
	}
	if (d == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return 0;
		while (i < n && is_digit(s[i]))
			i++;
	}
	return i == n;
}

/* A YAML core 0x.. or 0o.. integer in s[0..n) (NUL-terminated) into *v. */
static int
prefixed_int(const char *s, size_t n, double *v)
{
	unsigned long long u;
	size_t i;
	char *end;
	int base;

	if (n < 3 || s[0] != '0')
		return 0;
	if (s[1] == 'x')
		base = 16;
	else if (s[1] == 'o')
		base = 8;
	else
		return 0;
	for (i = 2; i < n; i++) {
		char c = s[i];
		if (!(is_digit(c) && (base == 16 || c <= '7')) &&
		    !(base == 16 && ((c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F'))))
			return 0;
	}
	errno = 0;
	u = strtoull(s + 2, &end, base);
	if (errno != 0 || *end != '\0')
		return 0;
	*v = (double)u;
	return 1;
}

/* A plain scalar as JSON, resolved the YAML core way.  Values JSON cannot
 * hold (.inf, .nan, numbers beyond double) stay strings. */
static cJSON *
resolve_plain(const char *s, size_t n)
{
	double d;

	if (n == 0 || word_in(s, n, null_words))
		return cJSON_CreateNull();
	if (word_in(s, n, true_words))
		return cJSON_CreateTrue();
	if (word_in(s, n, false_words))
		return cJSON_CreateFalse();
	if (prefixed_int(s, n, &d))
		return cJSON_CreateNumber(d);
	if (is_decimal(s, n)) {
		d = strtod(s, NULL);
		if (isfinite(d))
			return cJSON_CreateNumber(d);
	}
	return cJSON_CreateString(s);
}

/* 1 when the scalar is to be resolved rather than taken as a string. */
static int
scalar_plain(const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;

	if (tag && (strcmp(tag, "!") == 0 ||
	    strcmp(tag, YAML_STR_TAG) == 0))
		return 0;
	return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* 1 when the scalar is a null: plain ~, null or nothing. */
static int
scalar_null(const yaml_event_t *ev)
{
	return scalar_plain(ev) && (ev->data.scalar.length == 0 ||
	    word_in((const char *)ev->data.scalar.value,
	    ev->data.scalar.length, null_words));
}

/* Refuse a scalar holding NUL (a "\0" escape) or invalid UTF-8. */
static int
check_scalar(struct fm *f, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;

	if (memchr(s, '\0', n) != NULL)
		return fail_at(f, &ev->start_mark, "NUL in a string");
	if (!pake_utf8_valid(s, n))
		return fail_at(f, &ev->start_mark, "invalid UTF-8");
	return 0;
}

/* Record where a value's content ends, for cutting its source text. */
static void
mark_end(struct fm *f, const yaml_event_t *ev)
{
	const char *s;
	size_t n;

	f->vend = ev->end_mark.index;
	f->vkeep = 0;
	if (ev->type != YAML_SCALAR_EVENT)
		return;
	s = (const char *)ev->data.scalar.value;
	n = ev->data.scalar.length;
	/* A "|+" or ">+" scalar owns its trailing empty lines. */
	if ((ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
	    ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE) && n > 0 &&
	    s[n - 1] == '\n' && (n == 1 || s[n - 2] == '\n'))
		f->vkeep = 1;
}

/* qsort order for key strings. */
static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Find a repeated key in object o (sorting, so hostile maps stay cheap).
 * Returns -1 when out of memory, else 0 with *dup the key or NULL. */
static int
find_dup(const cJSON *o, const char **dup)
{
	const cJSON *c;
	char **k;
	size_t n = 0, i;

	*dup = NULL;
	for (c = o->child; c; c = c->next)
		n++;
	if (n < 2)
		return 0;
	if ((k = malloc(n * sizeof *k)) == NULL)
		return -1;
	for (i = 0, c = o->child; c; c = c->next)
		k[i++] = c->string;
	qsort(k, n, sizeof *k, cmp_key);
	for (i = 1; i < n && *dup == NULL; i++)
		if (strcmp(k[i - 1], k[i]) == 0)
			*dup = k[i];
	free(k);
	return 0;
}

/* Check object o, built from the mapping starting at mark m, for repeats. */
static int
check_dup(struct fm *f, const cJSON *o, const yaml_mark_t *m)
{
	const char *dup;

	if (find_dup(o, &dup) != 0)
		return nomem(f);
	if (dup)
		return fail_at(f, m, "duplicate key \"%.64s\" in the mapping "
		    "starting here", dup);
	return 0;
}

/* A scalar value as JSON. */
static int
conv_scalar(struct fm *f, yaml_event_t *ev, cJSON **out)
{
	const char *s = (const char *)ev->data.scalar.value;
	int rc;

	if ((rc = check_scalar(f, ev)) != 0)
		return rc;
	mark_end(f, ev);
	if (scalar_plain(ev))
		*out = resolve_plain(s, ev->data.scalar.length);
	else
		*out = cJSON_CreateString(s);
	return *out ? 0 : nomem(f);
}

/* A sequence (its start event is ev) as a JSON array. */
static int
conv_seq(struct fm *f, yaml_event_t *ev, int depth, cJSON **out)
{
	int flow = ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
	yaml_event_t c;
	cJSON *a, *v;
	int rc;

	if ((a = cJSON_CreateArray()) == NULL)
		return nomem(f);
	for (;;) {
		if ((rc = next_event(f, &c)) != 0)
			goto fail;
		if (c.type == YAML_SEQUENCE_END_EVENT) {
			/* A block end mark lies at the next token: skip it. */
			if (flow)
				mark_end(f, &c);
			yaml_event_delete(&c);
			break;
		}
		rc = conv(f, &c, depth + 1, &v);
		yaml_event_delete(&c);
		if (rc != 0)
			goto fail;
		cJSON_AddItemToArray(a, v);
	}
	*out = a;
	return 0;
fail:
	cJSON_Delete(a);
	return rc;
}

/* A mapping (its start event is ev) as a JSON object. */
static int
conv_map(struct fm *f, yaml_event_t *ev, int depth, cJSON **out)
{
	int flow = ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
	yaml_event_t k, c;
	cJSON *o, *v;
	int rc;

	if ((o = cJSON_CreateObject()) == NULL)
		return nomem(f);
	for (;;) {
		if ((rc = next_event(f, &k)) != 0)
			goto fail;
		if (k.type == YAML_MAPPING_END_EVENT) {
			if (flow)
				mark_end(f, &k);
			yaml_event_delete(&k);
			break;
		}
		if (k.type != YAML_SCALAR_EVENT) {
			rc = fail_at(f, &k.start_mark, k.type ==
			    YAML_ALIAS_EVENT ? "aliases are not supported" :
			    "a mapping key is not a scalar");
			yaml_event_delete(&k);
			goto fail;
		}
		if ((rc = check_scalar(f, &k)) != 0 ||
		    (rc = next_event(f, &c)) != 0) {
			yaml_event_delete(&k);
			goto fail;
		}
		rc = conv(f, &c, depth + 1, &v);
		yaml_event_delete(&c);
		if (rc == 0 && !cJSON_AddItemToObject(o,
		    (const char *)k.data.scalar.value, v)) {
			cJSON_Delete(v);
			rc = nomem(f);
		}
		yaml_event_delete(&k);
		if (rc != 0)
			goto fail;
	}
	if ((rc = check_dup(f, o, &ev->start_mark)) != 0)
		goto fail;
	*out = o;
	return 0;
fail:
	cJSON_Delete(o);
	return rc;
}

/* Any value, whose first event is ev (the caller deletes ev), as JSON.
 * depth counts the collections around it. */
static int
conv(struct fm *f, yaml_event_t *ev, int depth, cJSON **out)
{
	*out = NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return conv_scalar(f, ev, out);
	case YAML_ALIAS_EVENT:
		return fail_at(f, &ev->start_mark,
		    "aliases are not supported");
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (depth > FM_DEPTH_MAX)
			return fail_at(f, &ev->start_mark,
			    "nested deeper than %d levels", FM_DEPTH_MAX);
		if (ev->type == YAML_SEQUENCE_START_EVENT)
			return conv_seq(f, ev, depth, out);
		return conv_map(f, ev, depth, out);
	default:
		return fail_at(f, &ev->start_mark, "unexpected YAML event");
	}
}

/* 1 when s[0..n) holds only spaces, tabs and CRs. */
static int
blank(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		n--;
	return n == 0;
}

/* Append src[b0..b1) to f->yaml as whole lines: a b1 inside a line
 * extends to its end, a b1 inside the next line's indentation goes back to
 * that line's start, trailing empty lines go (unless a kept block scalar
 * owns them), and the text ends with exactly one newline. */
static void
cut_lines(struct fm *f, size_t b0, size_t b1)
{
	const char *s = f->src;
	size_t ls, e;

	if (b1 > b0 && s[b1 - 1] != '\n') {
		for (ls = b1; ls > b0 && s[ls - 1] != '\n'; ls--)
			;
		if (ls > b0 && blank(s + ls, b1 - ls))
			b1 = ls;
		else {
			while (b1 < f->len && s[b1] != '\n')
				b1++;
			if (b1 < f->len)
				b1++;
		}
	}
	while (!f->vkeep && b1 > b0) {
		e = s[b1 - 1] == '\n' ? b1 - 1 : b1;
		for (ls = e; ls > b0 && s[ls - 1] != '\n'; ls--)
			;
		if (ls == b0 || !blank(s + ls, e - ls))
			break;
		b1 = ls;
	}
	pake_buf_put(&f->yaml, s + b0, b1 - b0);
	if (b1 == b0 || s[b1 - 1] != '\n')
		pake_buf_putc(&f->yaml, '\n');
}

/* An unknown top-level key (its event is key) and its value. */
static int
unknown_entry(struct fm *f, yaml_event_t *key)
{
	yaml_event_t ev;
	cJSON *v;
	size_t b0, b1;
	int rc;

	f->vend = key->end_mark.index;
	f->vkeep = 0;
	if ((rc = next_event(f, &ev)) != 0)
		return rc;
	rc = conv(f, &ev, 1, &v);
	yaml_event_delete(&ev);
	if (rc != 0)
		return rc;
	if (f->extra == NULL && (f->extra = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(v);
		return nomem(f);
	}
	if (!cJSON_AddItemToObject(f->extra,
	    (const char *)key->data.scalar.value, v)) {
		cJSON_Delete(v);
		return nomem(f);
	}
	/* Keys of a {...} on one line cannot be cut into lines, and trying
	 * would cost a scan to the end of the line per key. */
	if (f->flowtop)
		return 0;
	b0 = byte_at(f, key->start_mark.index);
	b1 = byte_at(f, f->vend);
	cut_lines(f, b0, b1 > b0 ? b1 : b0);
	return f->yaml.oom ? nomem(f) : 0;
}

/* A string field's value. */
static int
known_string(struct fm *f, size_t i, yaml_event_t *ev)
{
	const struct field *fd = &fields[i];
	int rc;

	if (ev->type != YAML_SCALAR_EVENT)
		return fail_at(f, &ev->start_mark, "%s is not a string",
		    fd->name);
	if ((rc = check_scalar(f, ev)) != 0)
		return rc;
	if (scalar_null(ev))
		return 0;
	if (ev->data.scalar.length > fd->max)
		return fail_at(f, &ev->start_mark, "%s longer than %zu bytes",
		    fd->name, fd->max);
	f->val[i] = pake_strndup((const char *)ev->data.scalar.value,
	    ev->data.scalar.length);
	return f->val[i] ? 0 : nomem(f);
}

/* confidence_score: a number 0..1, plain or quoted. */
static int
known_conf(struct fm *f, yaml_event_t *ev)
{
	const char *s;
	double d;

	if (ev->type != YAML_SCALAR_EVENT)
		return fail_at(f, &ev->start_mark,
		    "confidence_score is not a number");
	if (scalar_null(ev))
		return 0;
	s = (const char *)ev->data.scalar.value;
	if (!is_decimal(s, ev->data.scalar.length))
		return fail_at(f, &ev->start_mark,
		    "confidence_score is not a number");
	d = strtod(s, NULL);
	if (!(d >= 0.0 && d <= 1.0))
		return fail_at(f, &ev->start_mark,
		    "confidence_score outside 0..1");
	f->conf = d;
	f->conf_set = 1;
	return 0;
}

/* Add the tags in one string, split at commas and white space the way
 * Obsidian reads "tags: a, b". */
static int
split_tags(struct fm *f, const char *s)
{
	char tag[PAKE_TAG_MAX + 2];
	size_t n;
	int rc;

	while (*s) {
		n = strcspn(s, ", \t\r\n");
		if (n > PAKE_TAG_MAX)
			return pake_fail(f->e, PAKE_EINVAL, NULL,
			    "frontmatter: a tag is longer than %d bytes",
			    PAKE_TAG_MAX);
		memcpy(tag, s, n);
		tag[n] = '\0';
		if ((rc = pake_note_add_tag(&f->tags, tag, f->e)) != 0)
			return rc;
		s += n;
		s += strspn(s, ", \t\r\n");
	}
	return 0;
}

/* tags: a list of strings, or one string. */
static int
known_tags(struct fm *f, yaml_event_t *ev)
{
	yaml_event_t c;
	int rc = 0;

	if (ev->type == YAML_SCALAR_EVENT) {
		if ((rc = check_scalar(f, ev)) != 0)
			return rc;
		if (scalar_null(ev))
			return 0;
		f->tags_set = 1;
		return split_tags(f, (const char *)ev->data.scalar.value);
	}
	if (ev->type != YAML_SEQUENCE_START_EVENT)
		return fail_at(f, &ev->start_mark,
		    "tags is not a list of strings");
	f->tags_set = 1;
	for (;;) {
		if ((rc = next_event(f, &c)) != 0)
			return rc;
		if (c.type == YAML_SEQUENCE_END_EVENT)
			break;
		if (c.type != YAML_SCALAR_EVENT)
			rc = fail_at(f, &c.start_mark,
			    "tags is not a list of strings");
		else if ((rc = check_scalar(f, &c)) == 0 && !scalar_null(&c))
			rc = pake_note_add_tag(&f->tags,
			    (const char *)c.data.scalar.value, f->e);
		yaml_event_delete(&c);
		if (rc != 0)
			return rc;
	}
	yaml_event_delete(&c);
	return 0;
}

/* A known top-level key (fields[i], its event is key) and its value. */
static int
known_entry(struct fm *f, size_t i, yaml_event_t *key)
{
	yaml_event_t ev;
	int rc;

	if (f->seen[i])
		return fail_at(f, &key->start_mark, "duplicate key \"%s\"",
		    fields[i].name);
	f->seen[i] = 1;
	if ((rc = next_event(f, &ev)) != 0)
		return rc;
	switch (fields[i].kind) {
	case K_CONF:
		rc = known_conf(f, &ev);
		break;
	case K_TAGS:
		rc = known_tags(f, &ev);
		break;
	default:
		rc = known_string(f, i, &ev);
		break;
	}
	yaml_event_delete(&ev);
	return rc;
}

/* The index of the known field named s[0..n), or -1. */
static int
field_index(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (strlen(fields[i].name) == n &&
		    memcmp(fields[i].name, s, n) == 0)
			return (int)i;
	return -1;
}

/* The top-level mapping's entries, up to its end event. */
static int
walk_map(struct fm *f, const yaml_mark_t *start)
{
	yaml_event_t k;
	int rc, i;

	for (;;) {
		if ((rc = next_event(f, &k)) != 0)
			return rc;
		if (k.type == YAML_MAPPING_END_EVENT)
			break;
		if (k.type != YAML_SCALAR_EVENT)
			rc = fail_at(f, &k.start_mark, k.type ==
			    YAML_ALIAS_EVENT ? "aliases are not supported" :
			    "a mapping key is not a scalar");
		else if ((rc = check_scalar(f, &k)) == 0) {
			i = field_index((const char *)k.data.scalar.value,
			    k.data.scalar.length);
			rc = i >= 0 ? known_entry(f, (size_t)i, &k) :
			    unknown_entry(f, &k);
		}
		yaml_event_delete(&k);
		if (rc != 0)
			return rc;
	}
	yaml_event_delete(&k);
	return f->extra ? check_dup(f, f->extra, start) : 0;
}

/* Walk the YAML text in f: nothing, a null, or one mapping. */
static int
walk(struct fm *f)
{
	yaml_event_t ev;
	int rc;

	/* A BOM here would shift libyaml's marks against our bytes. */
	if (f->len >= 3 && memcmp(f->src, "\xEF\xBB\xBF", 3) == 0) {
		f->src += 3;
		f->len -= 3;
		f->base += 3;
	}
	if (!yaml_parser_initialize(&f->p))
		return nomem(f);
	f->pinit = 1;
	yaml_parser_set_input_string(&f->p, (const unsigned char *)f->src,
	    f->len);
	yaml_parser_set_encoding(&f->p, YAML_UTF8_ENCODING);
	if ((rc = next_event(f, &ev)) != 0)		/* stream start */
		return rc;
	yaml_event_delete(&ev);
	if ((rc = next_event(f, &ev)) != 0)
		return rc;
	if (ev.type == YAML_STREAM_END_EVENT) {		/* only comments */
		yaml_event_delete(&ev);
		return 0;
	}
	yaml_event_delete(&ev);				/* document start */
	if ((rc = next_event(f, &ev)) != 0)
		return rc;
	if (ev.type == YAML_MAPPING_START_EVENT) {
		f->flowtop = ev.data.mapping_start.style ==
		    YAML_FLOW_MAPPING_STYLE;
		rc = walk_map(f, &ev.start_mark);
	}
	else if (ev.type == YAML_SCALAR_EVENT && scalar_null(&ev))
		rc = 0;
	else
		rc = fail_at(f, &ev.start_mark, "frontmatter is not a mapping");
	yaml_event_delete(&ev);
	if (rc != 0)
		return rc;
	if ((rc = next_event(f, &ev)) != 0)		/* document end */
		return rc;
	yaml_event_delete(&ev);
	if ((rc = next_event(f, &ev)) != 0)
		return rc;
	if (ev.type != YAML_STREAM_END_EVENT)
		rc = fail_at(f, &ev.start_mark, "more than one YAML document");
	yaml_event_delete(&ev);
	return rc;
}

/* Append s as a YAML double-quoted scalar.  Everything libyaml would not
 * read back as itself is escaped: quotes, backslashes, control
 * characters, DEL, C1 controls, the line separators NEL, U+2028, U+2029, and
 * BOM and the non-characters U+FFFE, U+FFFF.  Bytes that are not UTF-8
 * cannot be written in YAML; they become the code point of the same value. */
static void
put_dq(pake_buf *b, const char *s)
{
	size_t n = strlen(s), i = 0, k;
	unsigned char c;
	uint32_t cp;

	pake_buf_putc(b, '"');
	while (i < n) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			pake_buf_putc(b, '\\');
			pake_buf_putc(b, (char)c);
			i++;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			pake_buf_puts(b, c == '\n' ? "\\n" : c == '\t' ?
			    "\\t" : "\\r");
			i++;
		} else if (c < 0x20 || c == 0x7F) {
			pake_buf_printf(b, "\\u%04X", (unsigned)c);
			i++;
		} else if (c < 0x80) {
			pake_buf_putc(b, (char)c);
			i++;
		} else if ((k = pake_utf8_decode(s + i, n - i, &cp)) == 0) {
			pake_buf_printf(b, "\\u%04X", (unsigned)c);
			i++;
		} else {
			if (cp <= 0x9F || cp == 0x2028 || cp == 0x2029 ||
			    cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
				pake_buf_printf(b, "\\u%04X", (unsigned)cp);
			else
				pake_buf_put(b, s + i, k);
			i += k;
		}
	}
	pake_buf_putc(b, '"');
}

/* 1 when s[0..n) is, ignoring ASCII case, one of the words in list. */
static int
word_in_nocase(const char *s, size_t n, const char *const *list)
{
	size_t i;

	for (; *list; list++) {
		if (strlen(*list) != n)
			continue;
		for (i = 0; i < n; i++) {
			char c = s[i];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != (*list)[i])
				break;
		}
		if (i == n)
			return 1;
	}
	return 0;
}

/* Words some YAML reader (1.1 or core) takes for something else. */
static const char *const risky_words[] = {
	"~", "null", "true", "false", "yes", "no", "on", "off", "y", "n",
	".inf", "+.inf", "-.inf", ".nan", "=", "<<", 0
};

/* 1 when s may be written as a plain scalar and read back as the same
 * string by any YAML reader, in block context. */
static int
plain_ok(const char *s)
{
	size_t n = strlen(s), i, k;
	uint32_t cp;
	int numeric = 1;

	if (n == 0 || strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]) != NULL ||
	    s[n - 1] == ' ' || s[n - 1] == ':')
		return 0;
	/* "..." at the start of a line ends the YAML document ("---" is
	 * caught above): a key written from JSON starts a line. */
	if (strncmp(s, "...", 3) == 0)
		return 0;
	if (strstr(s, ": ") || strstr(s, " #"))
		return 0;
	for (i = 0; i < n; i += k) {
		unsigned char c = (unsigned char)s[i];
		k = 1;
		if (c < 0x20 || c == 0x7F)
			return 0;
		if (c >= 0x80) {
			if ((k = pake_utf8_decode(s + i, n - i, &cp)) == 0 ||
			    cp <= 0x9F || cp == 0x2028 || cp == 0x2029 ||
			    cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
				return 0;
		}
		if (strchr("0123456789_:.+-eE", c) == NULL)
			numeric = 0;
	}
	/* Numbers, dates, 1.1 sexagesimals and the like: quote them all. */
	if (numeric && (is_digit(s[0]) || s[0] == '.' || s[0] == '+'))
		return 0;
	/* 1.1 hex, octal and binary integers: 0x1F, 0o17, 0b1_0.  Only the
	 * whole scalar matters: "0b3f...-..." (a pake_id) is not a number. */
	if (s[0] == '0' && s[1] != '\0' && strchr("xXoObB", s[1]) != NULL &&
	    strspn(s + 2, "0123456789abcdefABCDEF_") == n - 2)
		return 0;
	return !word_in_nocase(s, n, risky_words);
}

/* Append s as a scalar: plain when safe, double-quoted otherwise. */
static void
put_str(pake_buf *b, const char *s)
{
	if (plain_ok(s))
		pake_buf_puts(b, s);
	else
		put_dq(b, s);
}

/* The shortest text that reads back as d (YAML spellings for inf, nan). */
static void
fmt_num(double d, char out[40])
{
	int prec;

	if (isnan(d)) {
		snprintf(out, 40, ".nan");
		return;
	}
	if (isinf(d)) {
		snprintf(out, 40, "%s", d < 0 ? "-.inf" : ".inf");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(out, 40, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			return;
	}
}

/*
 * A key written from JSON.  An implicit key is at most 1024 characters
 * (YAML 1.2 7.4.2; libyaml then fails to find its ':'), so a long one is
 * written as an explicit key, "? key"; well before the limit, because
 * quoting can make it longer.
 */
#define KEY_IMPLICIT_MAX	256

static void
put_key(pake_buf *b, const char *s, int flow)
{
	int explicit = strlen(s) > KEY_IMPLICIT_MAX;

	if (explicit)
		pake_buf_puts(b, "? ");
	if (flow)
		put_dq(b, s);
	else
		put_str(b, s);
	pake_buf_puts(b, explicit && !flow ? "\n: " : ": ");
}

/* Append a JSON value as YAML flow style, which reads back as the same
 * JSON: strings always double-quoted, numbers in shortest form. */
static void
put_flow(pake_buf *b, const cJSON *v)
{
	const cJSON *c;
	char num[40];

	if (cJSON_IsNull(v))
		pake_buf_puts(b, "null");
	else if (cJSON_IsTrue(v))
		pake_buf_puts(b, "true");
	else if (cJSON_IsFalse(v))
		pake_buf_puts(b, "false");
	else if (cJSON_IsNumber(v)) {
		fmt_num(v->valuedouble, num);
		pake_buf_puts(b, num);
	} else if (cJSON_IsString(v))
		put_dq(b, v->valuestring);
	else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		pake_buf_putc(b, cJSON_IsArray(v) ? '[' : '{');
		for (c = v->child; c; c = c->next) {
			if (cJSON_IsObject(v))
				put_key(b, c->string, 1);
			put_flow(b, c);
			if (c->next)
				pake_buf_puts(b, ", ");
		}
		pake_buf_putc(b, cJSON_IsArray(v) ? ']' : '}');
	} else
		pake_buf_puts(b, "null");
}

/*
 * 1 when the cut text's lines are the lines YAML sees, and none would end
 * the frontmatter when written back.  Lines are cut at '\n', but libyaml
 * also breaks at a lone CR, NEL, LS and PS: with those, one '\n' line can
 * hold two keys, each cut with the whole line, and a "..." that was a
 * complex key can start a line of the text.  Read alone the text may still
 * give the same JSON (libyaml stops at "..." as a document end), while a
 * file rendered with it ends its frontmatter there.
 */
static int
lines_plain(const char *s, size_t n)
{
	size_t i, next;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'))
			return 0;
		if ((unsigned char)s[i] == 0xC2 && i + 1 < n &&
		    (unsigned char)s[i + 1] == 0x85)
			return 0;
		if ((unsigned char)s[i] == 0xE2 && i + 2 < n &&
		    (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xA8 ||
		    (unsigned char)s[i + 2] == 0xA9))
			return 0;
	}
	for (i = 0; i < n; i = next) {
		if (delim_line(s, n, i, 1, &next))
			return 0;
		next = i;
		while (next < n && s[next] != '\n')
			next++;
		next++;
	}
	return 1;
}

/* Make sure f->yaml reads back as f->extra; if not, write the keys from
 * their JSON.  Then hand the JSON text back in *json. */
static int
settle_extra(struct fm *f, char **json)
{
	struct fm g;
	char *j1, *j2 = NULL;
	const cJSON *c;
	size_t i;
	int same = 0;

	*json = NULL;
	if (f->extra == NULL || f->extra->child == NULL)
		return 0;
	if ((j1 = cJSON_PrintUnformatted(f->extra)) == NULL)
		return nomem(f);
	fm_init(&g, f->yaml.p, f->yaml.len, 1, 0, NULL);
	if (f->yaml.len > 0 && lines_plain(f->yaml.p, f->yaml.len) &&
	    walk(&g) == 0 && g.extra &&
	    (j2 = cJSON_PrintUnformatted(g.extra)) != NULL &&
	    strcmp(j1, j2) == 0) {
		same = 1;
		for (i = 0; i < NFIELDS; i++)
			if (g.seen[i])
				same = 0;
	}
	cJSON_free(j2);
	fm_free(&g);
	if (!same) {
		pake_buf_free(&f->yaml);
		for (c = f->extra->child; c; c = c->next) {
			put_key(&f->yaml, c->string, 0);
			put_flow(&f->yaml, c);
			pake_buf_putc(&f->yaml, '\n');
		}
	}
	*json = pake_strdup(j1);
	cJSON_free(j1);
	if (*json == NULL || f->yaml.oom) {
		free(*json);
		*json = NULL;
		return nomem(f);
	}
	return 0;
}

/* Replace the string member at offset off of n with v. */
static void
set_member(pake_note *n, size_t off, char *v)
{
	char **p = (char **)(void *)((char *)n + off);

	free(*p);
	*p = v;
}

/* Move what f found into n (which then owns it). */
static void
commit(struct fm *f, pake_note *n)
{
	const struct field *fd;
	int64_t ms;
	size_t i;

	for (i = 0; i < NFIELDS; i++) {
		fd = &fields[i];
		if (!f->seen[i])
			continue;
		switch (fd->kind) {
		case K_ID:
			if (f->val[i])
				pake_strlcpy(n->pake_id, f->val[i],
				    sizeof n->pake_id);
			break;
		case K_TIME:
			if (f->val[i] && pake_parse_time(f->val[i], &ms) == 0)
				*(int64_t *)(void *)((char *)n + fd->msoff) =
				    ms;
			/* FALLTHROUGH */
		case K_STR:
			if (f->val[i]) {
				set_member(n, fd->off, f->val[i]);
				f->val[i] = NULL;
			}
			break;
		case K_TEXT:
			set_member(n, fd->off, f->val[i]);
			f->val[i] = NULL;
			break;
		case K_CONF:
			if (f->conf_set)
				n->confidence = f->conf;
			break;
		case K_TAGS:
			if (!f->tags_set)
				break;
			while (n->ntags > 0)
				free(n->tags[--n->ntags]);
			free(n->tags);
			n->tags = f->tags.tags;
			n->ntags = f->tags.ntags;
			f->tags.tags = NULL;
			f->tags.ntags = 0;
			break;
		}
	}
}

/* If the line at text[i..len) is exactly "---" or "..." (CR allowed),
 * return 1 and the start of the next line in *next. */
static int
delim_line(const char *text, size_t len, size_t i, int dots, size_t *next)
{
	const char *nl = memchr(text + i, '\n', len - i);
	size_t end = nl ? (size_t)(nl - text) : len;
	size_t n = end - i;

	if (n > 0 && text[end - 1] == '\r')
		n--;
	if (n != 3 || !(memcmp(text + i, "---", 3) == 0 ||
	    (dots && memcmp(text + i, "...", 3) == 0)))
		return 0;
	*next = nl ? end + 1 : len;
	return 1;
}

/* Split text into frontmatter and body, walk the frontmatter, and only
 * when all of it is good move the results into n. */
int
pake_fm_parse(const char *text, size_t len, pake_note *n, pake_err *e)
{
	struct fm f;
	size_t i = 0, ys, ye = 0, bs = 0;
	const char *nl = NULL;
	char *body, *json = NULL;
	int rc, closed = 0;

	if (len > FM_FILE_MAX)
		return pake_fail(e, PAKE_ETOOBIG, NULL,
		    "note of %zu bytes, more than %d", len, FM_FILE_MAX);
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	if (!delim_line(text, len, i, 0, &ys)) {
		/* No frontmatter: it is all body. */
		if ((body = pake_strndup(text, len)) == NULL)
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
			    "frontmatter");
		free(n->body);
		n->body = body;
		n->body_len = len;
		free(n->extra_json);
		free(n->extra_yaml);
		n->extra_json = n->extra_yaml = NULL;
		return 0;
	}
	for (i = ys; i < len; i = (size_t)(nl - text) + 1) {
		if (delim_line(text, len, i, 1, &bs)) {
			ye = i;
			closed = 1;
			break;
		}
		if ((nl = memchr(text + i, '\n', len - i)) == NULL)
			break;
	}
	if (!closed)
		return pake_fail(e, PAKE_EINVAL, NULL,
		    "frontmatter opened on line 1 is never closed");
	if (ye - ys > FM_YAML_MAX)
		return pake_fail(e, PAKE_ETOOBIG, NULL,
		    "frontmatter of %zu bytes, more than %d", ye - ys,
		    FM_YAML_MAX);
	fm_init(&f, text + ys, ye - ys, 2, ys, e);
	if ((rc = walk(&f)) != 0 || (rc = settle_extra(&f, &json)) != 0) {
		fm_free(&f);
		return rc;
	}
	if ((body = pake_strndup(text + bs, len - bs)) == NULL) {
		free(json);
		rc = nomem(&f);
		fm_free(&f);
		return rc;
	}
	commit(&f, n);
	free(n->body);
	n->body = body;
	n->body_len = len - bs;
	free(n->extra_json);
	free(n->extra_yaml);
	n->extra_json = json;
	n->extra_yaml = json ? pake_buf_take(&f.yaml) : NULL;
	if (json && n->extra_yaml == NULL) {
		free(n->extra_json);
		n->extra_json = NULL;
		fm_free(&f);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
		    "frontmatter");
	}
	fm_free(&f);
	return 0;
}

/* "key: value\n" with value a string scalar. */
static void
put_field(pake_buf *b, const char *key, const char *v)
{
	pake_buf_puts(b, key);
	pake_buf_puts(b, ": ");
	put_str(b, v);
	pake_buf_putc(b, '\n');
}

/* n as a markdown file: known keys in the fields[] order, the unknown
 * keys' text, the body. */
char *
pake_fm_render(const pake_note *n, size_t *len)
{
	const struct field *fd;
	pake_buf b = {0};
	const char *s;
	char num[40], *out;
	size_t i, k, blen;

	pake_buf_puts(&b, "---\n");
	for (i = 0; i < NFIELDS; i++) {
		fd = &fields[i];
		switch (fd->kind) {
		case K_ID:
			if (n->pake_id[0] != '\0')
				put_field(&b, fd->name, n->pake_id);
			break;
		case K_CONF:
			fmt_num(n->confidence, num);
			pake_buf_printf(&b, "%s: %s\n", fd->name, num);
			break;
		case K_TAGS:
			if (n->ntags == 0) {
				pake_buf_printf(&b, "%s: []\n", fd->name);
				break;
			}
			pake_buf_printf(&b, "%s:\n", fd->name);
			for (k = 0; k < n->ntags; k++) {
				pake_buf_puts(&b, "  - ");
				put_str(&b, n->tags[k]);
				pake_buf_putc(&b, '\n');
			}
			break;
		default:
			s = *(char *const *)(const void *)((const char *)n +
			    fd->off);
			if (s)
				put_field(&b, fd->name, s);
			break;
		}
	}
	if (n->extra_yaml && n->extra_yaml[0] != '\0') {
		pake_buf_puts(&b, n->extra_yaml);
		if (b.len > 0 && b.p[b.len - 1] != '\n')
			pake_buf_putc(&b, '\n');
	}
	pake_buf_puts(&b, "---\n");
	if (n->body && n->body_len > 0)
		pake_buf_put(&b, n->body, n->body_len);
	blen = b.len;
	if ((out = pake_buf_take(&b)) == NULL)
		return NULL;
	*len = blen;
	return out;
}

int
pake_fm_set_extra(pake_note *n, const cJSON *extra, pake_err *e)
{
	const cJSON *c;
	pake_buf y = {0};
	pake_note tmp;
	cJSON *got = NULL;
	size_t i;
	int rc = 0;

	if (!cJSON_IsObject(extra))
		return pake_fail(e, PAKE_EINVAL, NULL, "frontmatter: not an "
		    "object");
	for (c = extra->child; c; c = c->next)
		for (i = 0; i < NFIELDS; i++)
			if (strcmp(c->string, fields[i].name) == 0)
				return pake_fail(e, PAKE_EINVAL, NULL,
				    "frontmatter: %s is a note field", c->string);
	pake_note_init(&tmp);
	pake_buf_puts(&y, "---\n");
	for (c = extra->child; c; c = c->next) {
		put_key(&y, c->string, 0);
		put_flow(&y, c);
		pake_buf_putc(&y, '\n');
	}
	pake_buf_puts(&y, "---\n");
	if (y.oom)
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	else if (extra->child == NULL) {
		free(n->extra_json);
		free(n->extra_yaml);
		n->extra_json = n->extra_yaml = NULL;
	} else if ((rc = pake_fm_parse(y.p, y.len, &tmp, e)) == 0 &&
	    (tmp.extra_json == NULL || (got = cJSON_Parse(tmp.extra_json)) ==
	    NULL || !cJSON_Compare(got, extra, 1)))
		rc = pake_fail(e, PAKE_EINVAL, NULL, "frontmatter: a value "
		    "does not read back as itself");
	if (rc == 0 && extra->child) {
		free(n->extra_json);
		free(n->extra_yaml);
		n->extra_json = tmp.extra_json;
		n->extra_yaml = tmp.extra_yaml;
		tmp.extra_json = tmp.extra_yaml = NULL;
	}
	cJSON_Delete(got);
	pake_note_free(&tmp);
	pake_buf_free(&y);
	return rc;
}
