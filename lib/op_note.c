/*
 * op_note.c: the note operations of the registry: JSON in, store call,
 * JSON out.  Field names and shapes follow ARCHITECTURE.md §7 and the
 * Python MCP server (search_notes, get_note_by_id), so every front
 * speaks them.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pake/frontmatter.h"
#include "pake/op.h"
#include "pake/searchlog.h"
#include "pake/ops.h"
#include "pake/store.h"
#include "pake/text.h"
#include "pake/util.h"
#include "pake/vec.h"
#include "pake/version.h"

/* Schema fragments shared by several operations. */
#define S_ID	"{\"type\":\"string\",\"maxLength\":64," \
		"\"description\":\"The note's pake_id (uuid)\"}"
#define S_TAGS	"{\"anyOf\":[{\"type\":\"string\",\"maxLength\":6500}," \
		"{\"type\":\"array\",\"maxItems\":64,\"items\":{\"type\":" \
		"\"string\",\"maxLength\":100}}]}"
#define S_FIELDS \
	"\"title\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1000}," \
	"\"content\":{\"type\":\"string\",\"description\":\"Markdown body\"}," \
	"\"type\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64," \
	"\"description\":\"SourceNote, InsightNote, ProjectNote, DailyNote " \
	"or another word\"}," \
	"\"status\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64}," \
	"\"verification_status\":{\"type\":\"string\",\"minLength\":1," \
	"\"maxLength\":64}," \
	"\"confidence_score\":{\"type\":\"number\",\"minimum\":0," \
	"\"maximum\":1}," \
	"\"tags\":" S_TAGS "," \
	"\"source_uri\":{\"type\":\"string\",\"minLength\":1," \
	"\"maxLength\":4096}," \
	"\"summary\":{\"type\":[\"string\",\"null\"],\"maxLength\":65536}," \
	"\"human_notes\":{\"type\":[\"string\",\"null\"],\"maxLength\":65536}"
#define S_NOTE "{\"type\":\"object\",\"required\":[\"pake_id\",\"title\"," \
	"\"content\",\"file_path\",\"metadata\"],\"properties\":{" \
	"\"pake_id\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"}," \
	"\"content\":{\"type\":\"string\"},\"file_path\":{\"type\":\"string\"}," \
	"\"metadata\":{\"type\":\"object\"}}}"
#define S_HIT "{\"type\":\"object\",\"properties\":{" \
	"\"pake_id\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"}," \
	"\"file_path\":{\"type\":\"string\"}," \
	"\"summary\":{\"type\":[\"string\",\"null\"]}," \
	"\"metadata\":{\"type\":\"object\"}}}"
#define S_LIMIT "{\"type\":\"integer\",\"minimum\":1,\"maximum\":100," \
	"\"default\":10}"
#define S_CURSOR "{\"type\":\"string\",\"maxLength\":256," \
	"\"description\":\"next_cursor of the previous page\"}"

/* Split a tags string ("a, b c") into tags, as Obsidian reads them. */
static int
tags_from_string(pake_note *n, const char *s, pake_err *e)
{
	char buf[PAKE_TAG_MAX + 1];
	size_t len;
	int rc;

	while (*s) {
		s += strspn(s, ", \t\r\n");
		len = strcspn(s, ", \t\r\n");
		if (len == 0)
			break;
		if (len > PAKE_TAG_MAX)
			return pake_fail(e, PAKE_EINVAL, NULL, "tag too long");
		memcpy(buf, s, len);
		buf[len] = '\0';
		if ((rc = pake_note_add_tag(n, buf, e)) != 0)
			return rc;
		s += len;
	}
	return 0;
}

static int
tags_from_json(pake_note *n, const cJSON *t, pake_err *e)
{
	const cJSON *it;
	int rc;

	if (cJSON_IsString(t))
		return tags_from_string(n, t->valuestring, e);
	cJSON_ArrayForEach(it, t)
		if ((rc = pake_note_add_tag(n, it->valuestring, e)) != 0)
			return rc;
	return 0;
}

/* Copy the flat note fields present in in (schema-checked) into n; *mask
 * gets a bit for each field given. */
static int
note_from_json(const cJSON *in, pake_note *n, unsigned *mask, pake_err *e)
{
	static const struct {
		const char *key;
		size_t off;
		unsigned bit;
	} strs[] = {
		{"title", offsetof(pake_note, title), PAKE_F_TITLE},
		{"type", offsetof(pake_note, type), PAKE_F_TYPE},
		{"status", offsetof(pake_note, status), PAKE_F_STATUS},
		{"verification_status", offsetof(pake_note, verification_status),
		    PAKE_F_VSTATUS},
		{"source_uri", offsetof(pake_note, source_uri), PAKE_F_SOURCE},
		{"summary", offsetof(pake_note, summary), PAKE_F_SUMMARY},
		{"human_notes", offsetof(pake_note, human_notes), PAKE_F_HUMAN},
	};
	const cJSON *v;
	size_t i;
	char **dst;

	*mask = 0;
	for (i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		if ((v = cJSON_GetObjectItemCaseSensitive(in, strs[i].key)) == NULL)
			continue;
		dst = (char **)((char *)n + strs[i].off);
		free(*dst);
		*dst = NULL;
		if (cJSON_IsString(v) && (*dst = strdup(v->valuestring)) == NULL)
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		*mask |= strs[i].bit;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(in, "content")) != NULL) {
		free(n->body);
		if ((n->body = strdup(v->valuestring)) == NULL)
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		n->body_len = strlen(n->body);
		*mask |= PAKE_F_CONTENT;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(in, "confidence_score"))) {
		n->confidence = v->valuedouble;
		*mask |= PAKE_F_CONF;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(in, "tags")) != NULL) {
		*mask |= PAKE_F_TAGS;
		return tags_from_json(n, v, e);
	}
	return 0;
}

static int
int_arg(const cJSON *in, const char *key, int def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, key);

	return cJSON_IsNumber(v) ? (int)v->valuedouble : def;
}

/* The note as JSON, or a failure when out of memory. */
static int
note_out(const pake_note *n, cJSON **out, pake_err *e)
{
	if ((*out = pake_note_to_json(n)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	return 0;
}

static int
run_create(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	pake_note n;
	unsigned mask;
	int rc;

	int replayed = 0;

	pake_note_init(&n);
	if ((rc = note_from_json(in, &n, &mask, e)) == 0 &&
	    (rc = pake_store_create(c, &n, pake_json_str(in, "idempotency_key"),
	    &replayed, e)) == 0 && (rc = note_out(&n, out, e)) == 0 &&
	    replayed)
		cJSON_AddBoolToObject(*out, "replayed", 1);
	pake_note_free(&n);
	return rc;
}

const pake_op pake_op_create_note = {
	"create_note", "Create a note",
	"Create a markdown note with frontmatter; it is indexed for search "
	"and written to the vault.",
	"{\"type\":\"object\",\"required\":[\"title\"],"
	"\"additionalProperties\":false,\"properties\":{" S_FIELDS ","
	"\"idempotency_key\":{\"type\":\"string\",\"minLength\":1,"
	"\"maxLength\":200,\"description\":\"A retry with the same key "
	"within a day returns the note the first call made ('replayed') "
	"instead of a second one\"}}}",
	S_NOTE, PAKE_P_NOTES_WRITE, 0, run_create, NULL,
};

#define S_VERSION "{\"type\":\"integer\",\"minimum\":1," \
	"\"maximum\":1000000000000}"
#define S_EXPECT "\"expected_version\":{\"type\":\"integer\"," \
	"\"minimum\":1,\"maximum\":1000000000000,\"description\":" \
	"\"The version last read; if the note has changed since, nothing " \
	"is done and the error is precondition_failed\"}"

static int64_t
i64_arg(const cJSON *in, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, key);

	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

/* A version row as JSON. */
static cJSON *
version_json(const pake_version *v)
{
	cJSON *o = cJSON_CreateObject();
	char ts[32];

	pake_iso8601(v->time_ms, ts);
	cJSON_AddNumberToObject(o, "version", (double)v->version);
	cJSON_AddStringToObject(o, "op", v->op);
	cJSON_AddStringToObject(o, "actor", v->actor);
	cJSON_AddStringToObject(o, "front", v->front);
	cJSON_AddStringToObject(o, "time", ts);
	if (v->title)
		cJSON_AddStringToObject(o, "title", v->title);
	cJSON_AddNumberToObject(o, "bytes", (double)v->len);
	return o;
}

static int
run_get(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *fmt = pake_json_str(in, "format");
	int64_t version = i64_arg(in, "version");
	pake_version v;
	pake_note n;
	size_t len;
	char *md;
	int rc;

	if (version > 0) {
		if ((rc = pake_version_note(c, pake_json_str(in, "pake_id"), version,
		    &n, &v, e)) != 0)
			return rc;
		if ((rc = note_out(&n, out, e)) == 0)
			cJSON_AddItemToObject(*out, "of_version",
			    version_json(&v));
		pake_version_free(&v);
	} else {
		if ((rc = pake_store_get(c, pake_json_str(in, "pake_id"), &n,
		    e)) != 0)
			return rc;
		rc = note_out(&n, out, e);
	}
	/* The note as its vault file reads, unknown keys verbatim. */
	if (rc == 0 && fmt && strcmp(fmt, "markdown") == 0) {
		if ((md = pake_fm_render(&n, &len)) == NULL) {
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		} else {
			cJSON_AddStringToObject(*out, "markdown", md);
			free(md);
		}
	}
	/* The body as HTML for a browser, raw HTML and unsafe URLs left out
	 * (pake_text_html). */
	if (rc == 0 && fmt && strcmp(fmt, "html") == 0) {
		if (pake_text_html(n.body ? n.body : "", n.body ? n.body_len :
		    0, &md) != 0) {
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		} else {
			cJSON_AddStringToObject(*out, "html", md);
			free(md);
		}
	}
	pake_note_free(&n);
	return rc;
}

const pake_op pake_op_get_note = {
	"get_note", "Get a note",
	"Read one note by its pake_id: title, content, file path and every "
	"frontmatter field.",
	"{\"type\":\"object\",\"required\":[\"pake_id\"],"
	"\"additionalProperties\":false,\"properties\":{\"pake_id\":" S_ID ","
	"\"format\":{\"enum\":[\"json\",\"markdown\",\"html\"],"
	"\"description\":\"markdown adds the whole file text as "
	"'markdown'; html the body as HTML without raw HTML or unsafe links "
	"as 'html'\"},"
	"\"version\":" S_VERSION "}}",
	S_NOTE, PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_get, NULL,
};

/* The Python MCP server's name for get_note. */
const pake_op pake_op_get_note_by_id = {
	"get_note_by_id", "Get a note by id",
	"Read one note by its pake_id: title, content (the markdown body), "
	"file path and every frontmatter field.",
	"{\"type\":\"object\",\"required\":[\"pake_id\"],"
	"\"additionalProperties\":false,\"properties\":{\"pake_id\":" S_ID "}}",
	S_NOTE, PAKE_P_NOTES_READ,
	PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT | PAKE_OP_MCP, run_get, NULL,
};

/* The Python MCP server's create: its result says "created". */
static int
run_from_schema(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	cJSON *full;
	int rc;

	if ((rc = run_create(c, in, &full, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, "pake_id",
	    cJSON_DetachItemFromObject(full, "pake_id"));
	cJSON_AddItemToObject(*out, "title",
	    cJSON_DetachItemFromObject(full, "title"));
	cJSON_AddItemToObject(*out, "file_path",
	    cJSON_DetachItemFromObject(full, "file_path"));
	cJSON_AddStringToObject(*out, "status", "created");
	cJSON_AddItemToObject(*out, "metadata",
	    cJSON_DetachItemFromObject(full, "metadata"));
	cJSON_Delete(full);
	return 0;
}

const pake_op pake_op_notes_from_schema = {
	"notes_from_schema", "Create a note",
	"Create a markdown note (title, content, type, source_uri, tags, "
	"summary); it is indexed for search and written to the vault.",
	"{\"type\":\"object\",\"required\":[\"title\"],"
	"\"additionalProperties\":false,\"properties\":{" S_FIELDS "}}",
	"{\"type\":\"object\",\"required\":[\"pake_id\",\"title\","
	"\"file_path\",\"status\",\"metadata\"],\"properties\":{"
	"\"pake_id\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},"
	"\"file_path\":{\"type\":\"string\"},\"status\":{\"const\":"
	"\"created\"},\"metadata\":{\"type\":\"object\"}}}",
	PAKE_P_NOTES_WRITE, PAKE_OP_MCP, run_from_schema, NULL,
};

/* Links of other notes the change left naming nothing (a renamed or
 * deleted title): said in the result, never silently (graph_links.c). */
static void
dangling_out(pake_ctx *c, cJSON *out)
{
	if (c->dangling && out) {
		cJSON_AddItemToObject(out, "dangling_links", c->dangling);
		c->dangling = NULL;
	}
}

static int
run_update(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	pake_note patch, n;
	unsigned mask;
	int rc;

	pake_note_init(&patch);
	if ((rc = note_from_json(in, &patch, &mask, e)) == 0 &&
	    (rc = pake_store_update(c, pake_json_str(in, "pake_id"), &patch, mask,
	    i64_arg(in, "expected_version"), &n, e)) == 0) {
		rc = note_out(&n, out, e);
		pake_note_free(&n);
	}
	pake_note_free(&patch);
	if (rc == 0)
		dangling_out(c, *out);
	return rc;
}

const pake_op pake_op_update_note = {
	"update_note", "Update a note",
	"Change fields of a note; fields not given keep their values, "
	"content replaces the body.  Give expected_version (the version you "
	"read) so that a change made meanwhile is not overwritten.",
	"{\"type\":\"object\",\"required\":[\"pake_id\"],"
	"\"additionalProperties\":false,\"properties\":{\"pake_id\":" S_ID ","
	S_EXPECT "," S_FIELDS "}}",
	S_NOTE, PAKE_P_NOTES_WRITE, PAKE_OP_IDEMPOTENT | PAKE_OP_MCP,
	run_update, NULL,
};

static int
run_delete(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *id = pake_json_str(in, "pake_id");
	int rc;

	if ((rc = pake_store_delete(c, id, i64_arg(in, "expected_version"),
	    e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "pake_id", id);
	cJSON_AddBoolToObject(*out, "deleted", 1);
	dangling_out(c, *out);
	return 0;
}

const pake_op pake_op_delete_note = {
	"delete_note", "Delete a note",
	"Delete a note and its vault file (its versions stay: it can be "
	"restored).",
	"{\"type\":\"object\",\"required\":[\"pake_id\"],"
	"\"additionalProperties\":false,\"properties\":{\"pake_id\":" S_ID ","
	S_EXPECT "}}",
	"{\"type\":\"object\",\"properties\":{\"pake_id\":{\"type\":\"string\"},"
	"\"deleted\":{\"type\":\"boolean\"}}}",
	PAKE_P_NOTES_DELETE, PAKE_OP_DESTRUCTIVE | PAKE_OP_IDEMPOTENT |
	PAKE_OP_MCP, run_delete, NULL,
};

/* A search or list hit: the Python server's result item. */
static int
add_hit(void *arg, pake_note *n)
{
	cJSON *arr = arg, *full, *hit;

	if ((full = pake_note_to_json(n)) == NULL ||
	    (hit = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(full);
		return PAKE_EINTERNAL;
	}
	cJSON_AddStringToObject(hit, "pake_id", n->pake_id);
	cJSON_AddStringToObject(hit, "title", n->title);
	cJSON_AddStringToObject(hit, "file_path", n->file_path);
	if (n->summary)
		cJSON_AddStringToObject(hit, "summary", n->summary);
	else
		cJSON_AddNullToObject(hit, "summary");
	cJSON_AddItemToObject(hit, "metadata",
	    cJSON_DetachItemFromObject(full, "metadata"));
	cJSON_Delete(full);
	cJSON_AddItemToArray(arr, hit);
	return 0;
}

/* Wrap results: {key:[...], count, next_cursor}. */
static int
page_out(cJSON *arr, const char *key, char *next, cJSON **out, pake_err *e)
{
	if ((*out = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(arr);
		free(next);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	cJSON_AddItemToObject(*out, key, arr);
	cJSON_AddNumberToObject(*out, "count", cJSON_GetArraySize(arr));
	if (next)
		cJSON_AddStringToObject(*out, "next_cursor", next);
	else
		cJSON_AddNullToObject(*out, "next_cursor");
	free(next);
	return 0;
}

static int
run_list(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	cJSON *arr = cJSON_CreateArray();
	char *next = NULL;
	int rc;

	if (arr == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	rc = pake_store_list(c, int_arg(in, "limit", 0), pake_json_str(in, "cursor"),
	    add_hit, arr, &next, e);
	if (rc != 0) {
		cJSON_Delete(arr);
		return rc == PAKE_EINTERNAL && !e->code ? pake_fail(e, rc,
		    PAKE_MSG_NOMEM, NULL) : rc;
	}
	return page_out(arr, "notes", next, out, e);
}

const pake_op pake_op_list_notes = {
	"list_notes", "List notes",
	"List notes, most recently modified first, a page at a time.",
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"limit\":" S_LIMIT ",\"cursor\":" S_CURSOR "}}",
	"{\"type\":\"object\",\"properties\":{\"notes\":{\"type\":\"array\","
	"\"items\":" S_HIT "},\"count\":{\"type\":\"integer\"},"
	"\"next_cursor\":{\"type\":[\"string\",\"null\"]}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT | PAKE_OP_MCP,
	run_list, NULL,
};

/* Collect a string-or-list filter into a NULL-free array of pointers
 * into the JSON (valid while in lives). */
static size_t
str_list(const cJSON *v, const char **out, size_t max)
{
	const cJSON *it;
	size_t n = 0;

	if (cJSON_IsString(v)) {
		out[n++] = v->valuestring;
		return n;
	}
	cJSON_ArrayForEach(it, v)
		if (cJSON_IsString(it) && n < max)
			out[n++] = it->valuestring;
	return n;
}

/* A time filter: ISO 8601 text to ms; PAKE_EINVAL when malformed. */
static int
time_arg(const cJSON *f, const char *key, int64_t *ms, pake_err *e)
{
	const char *s = pake_json_str(f, key);

	if (s == NULL)
		return 0;
	if (pake_parse_time(s, ms) != 0 || *ms == 0)
		return pake_fail(e, PAKE_EINVAL, NULL, "filters.%s: not an ISO "
		    "8601 time", key);
	return 0;
}

/* Reciprocal rank fusion's constant: a result at rank r counts 1/(K+r). */
#define RRF_K	60

struct fused {
	char id[PAKE_ID_LEN + 1];
	double score;
};

static int
cmp_fused(const void *a, const void *b)
{
	const struct fused *x = a, *y = b;

	if (x->score != y->score)
		return (y->score > x->score) - (y->score < x->score);
	return strcmp(x->id, y->id);
}

/* Add 1/(RRF_K + rank) to the entry of id (made when new). */
static void
fuse(struct fused *f, size_t *n, const char *id, int rank)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(f[i].id, id) == 0)
			break;
	if (i == *n) {
		pake_strlcpy(f[i].id, id, sizeof f[i].id);
		f[i].score = 0;
		(*n)++;
	}
	f[i].score += 1.0 / (RRF_K + rank);
}

static int
collect_id(void *arg, pake_note *n)
{
	cJSON_AddItemToArray(arg, cJSON_CreateString(n->pake_id));
	return 0;
}

/* search_notes by meaning (the query folded into the tenant's LSA space)
 * or hybrid (full-text and meaning fused by reciprocal rank): the best
 * limit notes, each with its score.  Filters and cursors are the text
 * mode's only. */
static int
search_meaning(pake_ctx *c, const cJSON *in, int hybrid, cJSON **out,
    pake_err *e)
{
	const char *q = pake_json_str(in, "query");
	int limit = int_arg(in, "limit", 10), deep = limit * 3 > 100 ? 100 :
	    limit * 3, rank;
	struct fused f[200];
	size_t nf = 0, i;
	cJSON *vec = NULL, *arr, *ids = NULL;
	const cJSON *x;
	int rc;

	if (cJSON_GetObjectItemCaseSensitive(in, "filters") ||
	    cJSON_GetObjectItemCaseSensitive(in, "cursor"))
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID, "filters "
		    "and cursor: mode text only");
	if (q == NULL || *q == '\0')
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID, "query: "
		    "required by modes meaning and hybrid");
	if ((rc = pake_vec_search(c, q, deep, &vec, e)) != 0)
		return rc;
	rank = 0;
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(vec, "results"))
		fuse(f, &nf, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x,
		    "pake_id")), ++rank);
	if (!hybrid) {
		/* Meaning alone: its own cosine is the score. */
		rank = 0;
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(vec, "results"))
			f[rank++].score = cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(x, "score"));
	} else {
		pake_search s;
		char *next = NULL;

		pake_search_init(&s);
		s.query = q;
		s.limit = deep;
		ids = cJSON_CreateArray();
		if ((rc = pake_store_search(c, &s, collect_id, ids, &next,
		    e)) != 0) {
			cJSON_Delete(ids);
			cJSON_Delete(vec);
			return rc;
		}
		free(next);
		rank = 0;
		cJSON_ArrayForEach(x, ids)
			fuse(f, &nf, x->valuestring, ++rank);
		cJSON_Delete(ids);
	}
	cJSON_Delete(vec);
	qsort(f, nf, sizeof *f, cmp_fused);
	arr = cJSON_CreateArray();
	for (i = 0; i < nf && cJSON_GetArraySize(arr) < limit; i++) {
		pake_note n;

		pake_note_init(&n);
		if (pake_store_get(c, f[i].id, &n, e) == 0 &&
		    add_hit(arr, &n) == 0)
			cJSON_AddNumberToObject(cJSON_GetArrayItem(arr,
			    cJSON_GetArraySize(arr) - 1), "score",
			    floor(f[i].score * 1e6 + 0.5) / 1e6);
		pake_err_clear(e);
		pake_note_free(&n);
	}
	if ((rc = page_out(arr, "results", NULL, out, e)) != 0)
		return rc;
	cJSON_AddStringToObject(*out, "query", q);
	cJSON_AddStringToObject(*out, "mode", hybrid ? "hybrid" : "meaning");
	if (cJSON_GetArraySize(arr) == 0)
		cJSON_AddStringToObject(*out, "message",
		    "No notes match the search");
	return 0;
}

static int
search_run(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(in, "filters"), *v;
	const char *mode = pake_json_str(in, "mode");
	const char *any[PAKE_TAGS_MAX], *all[PAKE_TAGS_MAX];
	cJSON *arr, *applied;
	pake_search s;
	char *next = NULL;
	int rc;

	if (mode && strcmp(mode, "text") != 0)
		return search_meaning(c, in, strcmp(mode, "hybrid") == 0, out,
		    e);
	pake_search_init(&s);
	s.query = pake_json_str(in, "query");
	s.limit = int_arg(in, "limit", 0);
	s.cursor = pake_json_str(in, "cursor");
	s.type = pake_json_str(f, "pake_type");
	if (s.type == NULL)
		s.type = pake_json_str(f, "type");
	s.status = pake_json_str(f, "status");
	s.ntags_any = str_list(cJSON_GetObjectItemCaseSensitive(f, "tags"), any,
	    PAKE_TAGS_MAX);
	s.tags_any = any;
	s.ntags_all = str_list(cJSON_GetObjectItemCaseSensitive(f, "tags_all"),
	    all, PAKE_TAGS_MAX);
	s.tags_all = all;
	if ((v = cJSON_GetObjectItemCaseSensitive(f, "min_confidence")))
		s.min_conf = v->valuedouble;
	if ((rc = time_arg(f, "created_after", &s.created_from, e)) ||
	    (rc = time_arg(f, "created_before", &s.created_to, e)) ||
	    (rc = time_arg(f, "modified_after", &s.modified_from, e)) ||
	    (rc = time_arg(f, "modified_before", &s.modified_to, e)))
		return rc;
	if ((arr = cJSON_CreateArray()) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if ((rc = pake_store_search(c, &s, add_hit, arr, &next, e)) != 0) {
		cJSON_Delete(arr);
		return rc;
	}
	if ((rc = page_out(arr, "results", next, out, e)) != 0)
		return rc;
	applied = f ? cJSON_Duplicate(f, 1) : cJSON_CreateObject();
	cJSON_AddItemToObject(*out, "filters_applied", applied);
	if (s.query)
		cJSON_AddStringToObject(*out, "query", s.query);
	if (cJSON_GetArraySize(arr) == 0)
		cJSON_AddStringToObject(*out, "message",
		    "No notes match the search");
	return 0;
}

/* The search, logged (lib/searchlog.c: a line in the tenant's spool). */
static int
run_search(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_searchlog_run(c, search_run, in, out, e);
}

const pake_op pake_op_search_notes = {
	"search_notes", "Search notes",
	"Full-text search (words, \"phrases\", -exclusions, OR, tag:x, "
	"type:X) with filters on type, status, tags, confidence and dates.",
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"query\":{\"type\":\"string\",\"maxLength\":65536},"
	"\"filters\":{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{"
	"\"pake_type\":{\"type\":\"string\",\"maxLength\":64},"
	"\"type\":{\"type\":\"string\",\"maxLength\":64},"
	"\"status\":{\"type\":\"string\",\"maxLength\":64},"
	"\"tags\":" S_TAGS ",\"tags_all\":" S_TAGS ","
	"\"min_confidence\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1},"
	"\"created_after\":{\"type\":\"string\",\"maxLength\":40},"
	"\"created_before\":{\"type\":\"string\",\"maxLength\":40},"
	"\"modified_after\":{\"type\":\"string\",\"maxLength\":40},"
	"\"modified_before\":{\"type\":\"string\",\"maxLength\":40}}},"
	"\"limit\":" S_LIMIT ",\"cursor\":" S_CURSOR ","
	"\"mode\":{\"type\":\"string\",\"enum\":[\"text\",\"meaning\","
	"\"hybrid\"],\"default\":\"text\",\"description\":\"text: full-text "
	"search; meaning: nearest in meaning (pake-analyze refit makes the "
	"vectors); hybrid: both fused by reciprocal rank\"}}}",
	"{\"type\":\"object\",\"required\":[\"results\",\"count\"],"
	"\"properties\":{\"results\":{\"type\":\"array\",\"items\":" S_HIT "},"
	"\"count\":{\"type\":\"integer\"},\"filters_applied\":{\"type\":"
	"\"object\"},\"next_cursor\":{\"type\":[\"string\",\"null\"]},"
	"\"message\":{\"type\":\"string\"}}}",
	PAKE_P_SEARCH_READ | PAKE_P_NOTES_READ,
	PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT | PAKE_OP_MCP, run_search, NULL,
};

struct tags_acc {
	cJSON *arr;
};

static int
add_tag(void *arg, const char *tag, int64_t count)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		return PAKE_EINTERNAL;
	cJSON_AddStringToObject(o, "tag", tag);
	cJSON_AddNumberToObject(o, "count", (double)count);
	cJSON_AddItemToArray(((struct tags_acc *)arg)->arr, o);
	return 0;
}

static int
run_tags(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	struct tags_acc a = {cJSON_CreateArray()};
	int rc;

	if (a.arr == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if ((rc = pake_store_tags(c, int_arg(in, "limit", 1000), add_tag, &a,
	    e)) != 0) {
		cJSON_Delete(a.arr);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, "tags", a.arr);
	cJSON_AddNumberToObject(*out, "count", cJSON_GetArraySize(a.arr));
	return 0;
}

const pake_op pake_op_list_tags = {
	"list_tags", "List tags",
	"Every tag in use with the number of notes carrying it, most used "
	"first.",
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10000}}}",
	"{\"type\":\"object\",\"properties\":{\"tags\":{\"type\":\"array\","
	"\"items\":{\"type\":\"object\",\"properties\":{\"tag\":{\"type\":"
	"\"string\"},\"count\":{\"type\":\"integer\"}}}},"
	"\"count\":{\"type\":\"integer\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT | PAKE_OP_MCP,
	run_tags, NULL,
};

/* The history of a note. */
struct vlist {
	cJSON *arr;
};

static int
add_version(void *arg, const char *pake_id, const pake_version *v)
{
	struct vlist *l = arg;
	cJSON *o = version_json(v);

	(void)pake_id;
	cJSON_AddItemToArray(l->arr, o);
	return 0;
}

static int
run_history(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *id = pake_json_str(in, "pake_id");
	struct vlist l = {cJSON_CreateArray()};
	int rc;

	if ((rc = pake_version_list(c, id, add_version, &l, e)) != 0) {
		cJSON_Delete(l.arr);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "pake_id", id);
	cJSON_AddItemToObject(*out, "versions", l.arr);
	return 0;
}

const pake_op pake_op_note_history = {
	"note_history", "History of a note",
	"Every version of a note, oldest first: its number, what made it "
	"(create, update, import, restore, delete, or baseline for the state "
	"it had when history began), who, through which tool, and when. "
	"Deleted notes keep their history.",
	"{\"type\":\"object\",\"required\":[\"pake_id\"],"
	"\"additionalProperties\":false,\"properties\":{\"pake_id\":" S_ID "}}",
	"{\"type\":\"object\",\"required\":[\"pake_id\",\"versions\"],"
	"\"properties\":{\"pake_id\":{\"type\":\"string\"},"
	"\"versions\":{\"type\":\"array\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT | PAKE_OP_MCP,
	run_history, NULL,
};

static int
run_diff(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *id = pake_json_str(in, "pake_id");
	pake_buf b = {0};
	int rc;

	if ((rc = pake_version_diff(c, id, i64_arg(in, "from"),
	    i64_arg(in, "to"), &b, e)) != 0) {
		pake_buf_free(&b);
		return rc;
	}
	if (b.oom) {
		pake_buf_free(&b);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "pake_id", id);
	cJSON_AddStringToObject(*out, "diff", b.len ? b.p : "");
	pake_buf_free(&b);
	return 0;
}

const pake_op pake_op_note_diff = {
	"note_diff", "Compare versions of a note",
	"A unified diff of the markdown of two versions of a note (from, to; "
	"by default the latest state and the one before it).",
	"{\"type\":\"object\",\"required\":[\"pake_id\"],"
	"\"additionalProperties\":false,\"properties\":{\"pake_id\":" S_ID ","
	"\"from\":" S_VERSION ",\"to\":" S_VERSION "}}",
	"{\"type\":\"object\",\"required\":[\"pake_id\",\"diff\"],"
	"\"properties\":{\"pake_id\":{\"type\":\"string\"},"
	"\"diff\":{\"type\":\"string\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT | PAKE_OP_MCP,
	run_diff, NULL,
};

static int
run_restore(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	pake_note n;
	int rc;

	if ((rc = pake_store_restore(c, pake_json_str(in, "pake_id"),
	    i64_arg(in, "version"), i64_arg(in, "expected_version"), &n,
	    e)) != 0)
		return rc;
	rc = note_out(&n, out, e);
	pake_note_free(&n);
	return rc;
}

const pake_op pake_op_note_restore = {
	"note_restore", "Restore a version of a note",
	"Make an earlier version of a note its current state again (itself a "
	"new version); a deleted note comes back under its pake_id.",
	"{\"type\":\"object\",\"required\":[\"pake_id\",\"version\"],"
	"\"additionalProperties\":false,\"properties\":{\"pake_id\":" S_ID ","
	"\"version\":" S_VERSION "," S_EXPECT "}}",
	S_NOTE, PAKE_P_NOTES_WRITE, PAKE_OP_MCP, run_restore, NULL,
};

static int
add_deleted(void *arg, const char *pake_id, const pake_version *v)
{
	struct vlist *l = arg;
	cJSON *o = version_json(v);

	cJSON_AddStringToObject(o, "pake_id", pake_id);
	cJSON_AddItemToArray(l->arr, o);
	return 0;
}

/* Deleted notes or conflicts, as {key: [...]}. */
static int
listing(pake_ctx *c, const cJSON *in, cJSON **out, int conflicts,
    const char *key, pake_err *e)
{
	struct vlist l = {cJSON_CreateArray()};
	int rc;

	if ((rc = pake_version_listing(c, conflicts, int_arg(in, "limit", 100),
	    add_deleted, &l, e)) != 0) {
		cJSON_Delete(l.arr);
		return rc;
	}
	*out = cJSON_CreateObject();
	cJSON_AddItemToObject(*out, key, l.arr);
	return 0;
}

static int
run_deleted(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return listing(c, in, out, 0, "deleted", e);
}

const pake_op pake_op_deleted_notes = {
	"deleted_notes", "Deleted notes",
	"Notes that were deleted and not restored, newest first: pake_id, "
	"title, when, by whom; note_restore brings one back.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{\"limit\":{\"type\":\"integer\",\"minimum\":1,"
	"\"maximum\":1000}}}",
	"{\"type\":\"object\",\"required\":[\"deleted\"],"
	"\"properties\":{\"deleted\":{\"type\":\"array\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT | PAKE_OP_MCP,
	run_deleted, NULL,
};

static int
run_prune(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	int64_t keep = i64_arg(in, "keep"), days = i64_arg(in, "older_than_days");
	int64_t dropped;
	int rc;

	if (keep <= 0)
		keep = pake_config_num(c->cfg, PAKE_CFG_VERSIONS_KEEP);
	if (keep <= 0)
		return pake_fail(e, PAKE_EINVAL, NULL, "keep: give a number of "
		    "versions to keep (versions_keep is 0: keep everything)");
	if ((rc = pake_version_prune(c, keep, pake_now_ms() - days *
	    86400000LL, &dropped, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddNumberToObject(*out, "keep", (double)keep);
	cJSON_AddNumberToObject(*out, "dropped", (double)dropped);
	return 0;
}

const pake_op pake_op_prune_versions = {
	"prune_versions", "Drop old versions",
	"Keep the newest versions of each note (keep, default the "
	"versions_keep setting) and drop the older ones, those at least "
	"older_than_days old (default 0).  A deleted note keeps its last "
	"state.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{\"keep\":{\"type\":\"integer\",\"minimum\":1,"
	"\"maximum\":1000000},\"older_than_days\":{\"type\":\"integer\","
	"\"minimum\":0,\"maximum\":100000}}}",
	"{\"type\":\"object\",\"required\":[\"keep\",\"dropped\"],"
	"\"properties\":{\"keep\":{\"type\":\"integer\"},"
	"\"dropped\":{\"type\":\"integer\"}}}",
	PAKE_P_NOTES_DELETE, PAKE_OP_DESTRUCTIVE, run_prune, NULL,
};

static int
run_conflicts(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return listing(c, in, out, 1, "conflicts", e);
}

const pake_op pake_op_note_conflicts = {
	"note_conflicts", "Hand edits that were overwritten",
	"Versions that were hand edits of a vault file which a later change "
	"replaced, newest first: pake_id, version, title, when.  Each is kept: "
	"get_note with that version shows it, note_restore brings it back.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{\"limit\":{\"type\":\"integer\",\"minimum\":1,"
	"\"maximum\":1000}}}",
	"{\"type\":\"object\",\"required\":[\"conflicts\"],"
	"\"properties\":{\"conflicts\":{\"type\":\"array\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_conflicts, NULL,
};
