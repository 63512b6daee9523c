/*
 * mcp.c: the Model Context Protocol server, without I/O (see mcp.h).
 *
 * One call, one message.  pake_mcp_handle() checks the JSON-RPC 2.0 frame,
 * decides the era of the request, runs the method and prints the reply.
 *
 * Eras.  A legacy client (2024-11-05 .. 2025-11-25) opens with initialize;
 * the negotiated version lives in struct pake_mcp, and until initialize only
 * ping is served.  A modern client (2026-07-28) names its version and
 * capabilities in every request's _meta and is served from the request
 * alone; its results carry resultType, the server's identity in _meta, and,
 * on list and read results, the caching hints ttlMs and cacheScope.  Both
 * may talk to the same process.  JSON-RPC batches exist only in 2025-03-26
 * (later revisions removed them), so an array is served only in a session
 * that negotiated 2025-03-26 and is an Invalid Request otherwise.
 *
 * What is served.  Tools are the operations of the registry marked
 * PAKE_OP_MCP: their schemas and hints become inputSchema, outputSchema and
 * annotations, and a call goes through pake_op_call() like the CLI's.  A
 * failing tool is a result with isError and the error envelope, whose
 * message is the fixed sentence; the detail goes to the log.  Notes are
 * resources pake://notes/{pake_id} (their markdown file).  Two prompts
 * embed notes: research_brief (a search) and review_note (one note).
 *
 * Ids.  A request id is echoed byte for byte: its text is copied out of the
 * message rather than printed again from cJSON's double, so that
 * 12345678901234567890 or 1e3 come back as they were sent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <sodium.h>
#include "pake/auth.h"
#include "pake/frontmatter.h"
#include "pake/graph.h"
#include "pake/log.h"
#include "pake/mcp.h"
#include "pake/op.h"
#include "pake/store.h"

#define K_VERSION	"io.modelcontextprotocol/protocolVersion"
#define K_CAPS		"io.modelcontextprotocol/clientCapabilities"
#define K_CLIENT	"io.modelcontextprotocol/clientInfo"
#define K_SERVER	"io.modelcontextprotocol/serverInfo"

#define NOTE_URI	"pake://notes/"
#define GRAPH_URI	"memory://knowledge-graph"
#define NOTE_TEMPLATE	"pake://notes/{pake_id}"
#define TTL_STATIC	3600000		/* tools, prompts, templates: 1 h */
#define EMBED_MAX	(100 * 1024)	/* bytes of one note in a prompt */
#define BRIEF_DEFAULT	5		/* notes in a research brief */
#define BRIEF_MAX	20
#define COMPLETE_MAX	100		/* values, as the schema allows */
#define COMPLETE_SCAN	1000		/* notes looked at for id completion */

static const char *const legacy_versions[] = {
	"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05",
};
#define NLEGACY	(sizeof legacy_versions / sizeof *legacy_versions)

static const char instructions[] =
    "pake is the user's knowledge base of markdown notes with frontmatter "
    "(type, status, tags, confidence_score, source_uri, summary). Find "
    "notes with search_notes (full-text query plus filters), read one "
    "with get_note_by_id, save new knowledge with notes_from_schema, "
    "change or remove notes with update_note and delete_note, browse "
    "with list_notes and list_tags. Each note is also the resource "
    "pake://notes/{pake_id}.";

/* One request being served. */
struct req {
	pake_mcp *m;
	const char *method;
	const cJSON *params;		/* an object, or NULL */
	int modern;
	/* failure: a JSON-RPC error */
	int code;
	const char *msg;
	cJSON *data;
};

/* --- JSON text scanning ------------------------------------------------
 * Only over text cJSON has accepted already: enough to find where a value
 * starts and ends, never to judge whether it is valid. */

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at the opening quote; returns the byte after the closing one. */
static const char *
skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return end;
}

static const char *
skip_value(const char *p, const char *end)
{
	int depth = 0;

	if (p < end && *p == '"')
		return skip_string(p, end);
	if (p < end && *p != '{' && *p != '[') {
		while (p < end && *p != ',' && *p != '}' && *p != ']' &&
		    *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		return p;
	}
	while (p < end) {
		if (*p == '"') {
			p = skip_string(p, end);
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p + 1;
		p++;
	}
	return end;
}

/* 1 when the quoted key text k[0..n) names name (escapes decoded). */
static int
key_is(const char *k, size_t n, const char *name)
{
	size_t len = strlen(name);
	cJSON *s;
	int same;

	if (memchr(k, '\\', n) == NULL)
		return n == len + 2 && memcmp(k + 1, name, len) == 0;
	s = cJSON_ParseWithLength(k, n);
	same = cJSON_IsString(s) && strcmp(s->valuestring, name) == 0;
	cJSON_Delete(s);
	return same;
}

/* The text of the first member called name of the object at p, as cJSON
 * also takes the first; NULL when there is none. */
static char *
member_text(const char *p, const char *end, const char *name)
{
	const char *k, *v;
	size_t klen;

	p = skip_ws(p, end);
	if (p >= end || *p != '{')
		return NULL;
	for (p++;;) {
		p = skip_ws(p, end);
		if (p >= end || *p != '"')
			return NULL;
		k = p;
		p = skip_string(p, end);
		klen = (size_t)(p - k);
		p = skip_ws(p, end);
		if (p >= end || *p != ':')
			return NULL;
		v = p = skip_ws(p + 1, end);
		p = skip_value(p, end);
		if (key_is(k, klen, name))
			return pake_strndup(v, (size_t)(p - v));
		p = skip_ws(p, end);
		if (p >= end || *p != ',')
			return NULL;
		p++;
	}
}

/* --- replies ------------------------------------------------------------ */

/* {"jsonrpc":"2.0","id":ID} with the id's own text, or null. */
static cJSON *
frame(const char *id)
{
	cJSON *r = cJSON_CreateObject();

	if (r == NULL)
		return NULL;
	cJSON_AddStringToObject(r, "jsonrpc", "2.0");
	cJSON_AddItemToObject(r, "id", id ? cJSON_CreateRaw(id) :
	    cJSON_CreateNull());
	return r;
}

/* An error response; data (may be NULL) is consumed. */
static cJSON *
rpc_error(const char *id, int code, const char *msg, cJSON *data)
{
	cJSON *r = frame(id), *err;

	if (r == NULL) {
		cJSON_Delete(data);
		return NULL;
	}
	err = cJSON_AddObjectToObject(r, "error");
	cJSON_AddNumberToObject(err, "code", code);
	cJSON_AddStringToObject(err, "message", msg);
	if (data)
		cJSON_AddItemToObject(err, "data", data);
	return r;
}

static cJSON *
rpc_result(const char *id, cJSON *result)
{
	cJSON *r = frame(id);

	if (r == NULL) {
		cJSON_Delete(result);
		return NULL;
	}
	cJSON_AddItemToObject(r, "result", result);
	return r;
}

/* A request fails with a JSON-RPC error; returns NULL for the handler. */
static cJSON *
fail(struct req *r, int code, const char *msg)
{
	r->code = code;
	r->msg = msg;
	return NULL;
}

/* The error envelope (ARCHITECTURE.md §8): the fixed message, and the
 * detail HTTP would show (which argument, what is wrong) so that a model
 * can correct its call; any other detail goes to the log only. */
static cJSON *
envelope(const pake_err *e)
{
	return pake_err_envelope(e);
}

/* Log a failure: its detail is for the log only. */
static void
log_failure(struct req *r, const char *what, const pake_err *e)
{
	int code = e->code ? e->code : PAKE_EINTERNAL;
	int level = PAKE_LOG_DEBUG;

	if (code == PAKE_EINTERNAL || code == PAKE_EUNAVAIL)
		level = PAKE_LOG_ERROR;
	else if (code == PAKE_ESECURITY || code == PAKE_EUNAUTH ||
	    code == PAKE_EFORBIDDEN)
		level = PAKE_LOG_WARN;
	pake_log_msg(r->m->ctx->log, level, "%s %s: %s: %s", r->method, what,
	    pake_code_name(code), e->detail[0] ? e->detail :
	    e->msg ? e->msg : pake_code_message(code));
}

/* A pake failure of a method that is not a tool: a JSON-RPC error whose
 * data is the envelope. */
static cJSON *
fail_pake(struct req *r, const pake_err *e)
{
	int code = e->code ? e->code : PAKE_EINTERNAL;

	log_failure(r, "failed", e);
	r->data = envelope(e);
	if (code == PAKE_EINVAL || code == PAKE_ESECURITY ||
	    code == PAKE_ETOOBIG || code == PAKE_ENOTFOUND)
		return fail(r, PAKE_RPC_INVALID_PARAMS, e->msg ? e->msg :
		    pake_code_message(code));
	if (code == PAKE_EINTERNAL)
		return fail(r, PAKE_RPC_INTERNAL, "Internal error");
	return fail(r, PAKE_RPC_PAKE, e->msg ? e->msg :
	    pake_code_message(code));
}

static cJSON *
server_info(const pake_mcp *m)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", m->name);
	cJSON_AddStringToObject(o, "title", "pake knowledge engine");
	cJSON_AddStringToObject(o, "version", m->version);
	return o;
}

static cJSON *
capabilities(int modern)
{
	cJSON *c = cJSON_CreateObject(), *o;

	o = cJSON_AddObjectToObject(c, "tools");
	cJSON_AddBoolToObject(o, "listChanged", 0);
	o = cJSON_AddObjectToObject(c, "resources");
	cJSON_AddBoolToObject(o, "subscribe", 0);
	cJSON_AddBoolToObject(o, "listChanged", 0);
	o = cJSON_AddObjectToObject(c, "prompts");
	cJSON_AddBoolToObject(o, "listChanged", 0);
	cJSON_AddObjectToObject(c, "completions");
	/* Logging is deprecated in 2026-07-28; legacy clients may set a
	 * level (pake logs to stderr or the journal, not to the client). */
	if (!modern)
		cJSON_AddObjectToObject(c, "logging");
	return c;
}

/* Parameter helpers: NULL when absent or of another type. */
static const char *
str_param(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A list request's cursor: pake's lists of tools, prompts and templates
 * fit one page, so any cursor given to them is not one we issued. */
static int
no_cursor(struct req *r)
{
	if (cJSON_GetObjectItemCaseSensitive(r->params, "cursor") == NULL)
		return 0;
	fail(r, PAKE_RPC_INVALID_PARAMS, "Invalid cursor");
	return -1;
}

/* --- lifecycle ---------------------------------------------------------- */

static cJSON *
h_initialize(struct req *r)
{
	const char *want = str_param(r->params, "protocolVersion");
	const char *v = PAKE_MCP_LEGACY_LATEST;
	const cJSON *ci;
	cJSON *res;
	size_t i;

	if (want == NULL)
		return fail(r, PAKE_RPC_INVALID_PARAMS,
		    "Invalid params: protocolVersion is required");
	if (r->m->initialized)
		return fail(r, PAKE_RPC_INVALID_REQUEST, "Already initialized");
	/* The same version when we know it, else the newest we speak
	 * (2025-11-25 lifecycle, version negotiation). */
	for (i = 0; i < NLEGACY; i++)
		if (strcmp(want, legacy_versions[i]) == 0)
			v = legacy_versions[i];
	r->m->initialized = 1;
	pake_strlcpy(r->m->protocol, v, sizeof r->m->protocol);
	ci = cJSON_GetObjectItemCaseSensitive(r->params, "clientInfo");
	/* A version we do not speak is worth a line at the default level. */
	pake_log_msg(r->m->ctx->log, strcmp(want, v) ? PAKE_LOG_INFO :
	    PAKE_LOG_DEBUG,
	    "initialize: client %.64s %.32s asked for %.32s, serving %s",
	    str_param(ci, "name") ? str_param(ci, "name") : "?",
	    str_param(ci, "version") ? str_param(ci, "version") : "?", want, v);
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "protocolVersion", v);
	cJSON_AddItemToObject(res, "capabilities", capabilities(0));
	cJSON_AddItemToObject(res, "serverInfo", server_info(r->m));
	cJSON_AddStringToObject(res, "instructions", instructions);
	return res;
}

static cJSON *
h_ping(struct req *r)
{
	(void)r;
	return cJSON_CreateObject();
}

static cJSON *
h_discover(struct req *r)
{
	cJSON *res = cJSON_CreateObject(), *v;
	size_t i;

	v = cJSON_AddArrayToObject(res, "supportedVersions");
	cJSON_AddItemToArray(v, cJSON_CreateString(PAKE_MCP_MODERN));
	for (i = 0; i < NLEGACY; i++)
		cJSON_AddItemToArray(v, cJSON_CreateString(legacy_versions[i]));
	cJSON_AddItemToObject(res, "capabilities", capabilities(1));
	cJSON_AddStringToObject(res, "instructions", instructions);
	return res;
}

static cJSON *
h_set_level(struct req *r)
{
	static const char *const levels[] = {"debug", "info", "notice",
	    "warning", "error", "critical", "alert", "emergency"};
	const char *l = str_param(r->params, "level");
	size_t i;

	for (i = 0; l && i < sizeof levels / sizeof *levels; i++)
		if (strcmp(l, levels[i]) == 0) {
			pake_strlcpy(r->m->log_level, l,
			    sizeof r->m->log_level);
			return cJSON_CreateObject();
		}
	return fail(r, PAKE_RPC_INVALID_PARAMS,
	    "Invalid params: unknown level");
}

/* --- tools -------------------------------------------------------------- */

static cJSON *
tool_json(const pake_op *op)
{
	cJSON *t = cJSON_CreateObject(), *in, *out = NULL, *a;

	in = cJSON_Parse(op->input_schema);
	if (op->output_schema)
		out = cJSON_Parse(op->output_schema);
	if (t == NULL || in == NULL || (op->output_schema && out == NULL)) {
		cJSON_Delete(t);
		cJSON_Delete(in);
		cJSON_Delete(out);
		return NULL;
	}
	cJSON_AddStringToObject(t, "name", op->name);
	cJSON_AddStringToObject(t, "title", op->title);
	cJSON_AddStringToObject(t, "description", op->description);
	cJSON_AddItemToObject(t, "inputSchema", in);
	if (out)
		cJSON_AddItemToObject(t, "outputSchema", out);
	a = cJSON_AddObjectToObject(t, "annotations");
	cJSON_AddStringToObject(a, "title", op->title);
	cJSON_AddBoolToObject(a, "readOnlyHint", op->hints & PAKE_OP_READONLY);
	cJSON_AddBoolToObject(a, "destructiveHint",
	    op->hints & PAKE_OP_DESTRUCTIVE);
	cJSON_AddBoolToObject(a, "idempotentHint",
	    op->hints & PAKE_OP_IDEMPOTENT);
	cJSON_AddBoolToObject(a, "openWorldHint",
	    op->hints & PAKE_OP_OPENWORLD);
	return t;
}

static cJSON *
h_tools_list(struct req *r)
{
	cJSON *res, *arr, *t;
	const pake_op *op;
	size_t i;

	if (no_cursor(r))
		return NULL;
	res = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(res, "tools");
	for (i = 0; (op = pake_op_at(i)) != NULL; i++) {
		/* Offer only what this caller may use (a read-only token sees
		 * the read-only tools); tools/call checks again regardless. */
		if (!(op->hints & PAKE_OP_MCP) ||
		    (op->perm & ~r->m->ctx->perms) != 0)
			continue;
		if ((t = tool_json(op)) == NULL) {
			pake_log_msg(r->m->ctx->log, PAKE_LOG_ERROR,
			    "tools/list: schema of %s does not parse",
			    op->name);
			cJSON_Delete(res);
			return fail(r, PAKE_RPC_INTERNAL, "Internal error");
		}
		cJSON_AddItemToArray(arr, t);
	}
	return res;
}

/* A tool's result: v (consumed) as text for older clients and, when it is
 * not an error, as structuredContent.  An error carries no structured
 * content: it would not match the tool's outputSchema. */
static cJSON *
tool_result(const pake_op *op, cJSON *v, int is_error)
{
	cJSON *res = cJSON_CreateObject(), *content, *t;
	char *text = !is_error && op && op->text ? op->text(v) :
	    cJSON_PrintUnformatted(v);

	content = cJSON_AddArrayToObject(res, "content");
	t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "type", "text");
	cJSON_AddStringToObject(t, "text", text ? text : "");
	cJSON_AddItemToArray(content, t);
	free(text);
	if (is_error)
		cJSON_Delete(v);
	else
		cJSON_AddItemToObject(res, "structuredContent", v);
	cJSON_AddBoolToObject(res, "isError", is_error);
	if (text == NULL) {
		cJSON_Delete(res);
		return NULL;
	}
	return res;
}

static cJSON *
h_tools_call(struct req *r)
{
	const char *name = str_param(r->params, "name");
	const cJSON *args;
	const pake_op *op;
	pake_err e = {0};
	cJSON *out = NULL, *res;

	if (name == NULL)
		return fail(r, PAKE_RPC_INVALID_PARAMS,
		    "Invalid params: name is required");
	if ((op = pake_op_find(name)) == NULL || !(op->hints & PAKE_OP_MCP))
		return fail(r, PAKE_RPC_INVALID_PARAMS, "Unknown tool");
	args = cJSON_GetObjectItemCaseSensitive(r->params, "arguments");
	if (cJSON_IsNull(args))
		args = NULL;
	if (args && !cJSON_IsObject(args))
		return fail(r, PAKE_RPC_INVALID_PARAMS,
		    "Invalid params: arguments must be an object");
	if (pake_op_call(r->m->ctx, name, args, &out, &e) != 0) {
		log_failure(r, name, &e);
		res = tool_result(op, envelope(&e), 1);
	} else
		res = tool_result(op, out, 0);
	return res ? res : fail(r, PAKE_RPC_INTERNAL, "Internal error");
}

/* --- resources ---------------------------------------------------------- */

static void
add_uri(cJSON *o, const char *id)
{
	char uri[sizeof NOTE_URI + PAKE_ID_LEN];

	snprintf(uri, sizeof uri, NOTE_URI "%s", id);
	cJSON_AddStringToObject(o, "uri", uri);
}

static int
add_resource(void *arg, pake_note *n)
{
	cJSON *o = cJSON_CreateObject(), *a;

	if (o == NULL)
		return PAKE_EINTERNAL;
	add_uri(o, n->pake_id);
	cJSON_AddStringToObject(o, "name", n->title ? n->title : n->pake_id);
	if (n->title)
		cJSON_AddStringToObject(o, "title", n->title);
	if (n->summary && *n->summary)
		cJSON_AddStringToObject(o, "description", n->summary);
	cJSON_AddStringToObject(o, "mimeType", "text/markdown");
	if (n->modified_at) {
		a = cJSON_AddObjectToObject(o, "annotations");
		cJSON_AddStringToObject(a, "lastModified", n->modified_at);
	}
	cJSON_AddItemToArray(arg, o);
	return 0;
}

/* The memory server's resource: the knowledge graph as JSON. */
static cJSON *
graph_resource(void)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "uri", GRAPH_URI);
	cJSON_AddStringToObject(o, "name", "knowledge-graph");
	cJSON_AddStringToObject(o, "title", "Knowledge Graph");
	cJSON_AddStringToObject(o, "description", "The knowledge graph: "
	    "entities and the relations between them (the first 1,000 "
	    "entities; read_graph pages through the rest)");
	cJSON_AddStringToObject(o, "mimeType", "application/json");
	return o;
}

/* resources/read of memory://knowledge-graph: read_graph's first page of
 * the largest size, in read_graph's own text (one path for both). */
static cJSON *
read_graph_resource(struct req *r, const char *uri)
{
	const pake_op *op = pake_op_find("read_graph");
	cJSON *in = cJSON_CreateObject(), *out = NULL, *res, *arr, *c;
	pake_err e = {0};
	char *text;

	cJSON_AddNumberToObject(in, "limit", PAKE_GRAPH_PAGE_MAX);
	if (pake_op_call(r->m->ctx, "read_graph", in, &out, &e) != 0) {
		cJSON_Delete(in);
		return fail_pake(r, &e);
	}
	cJSON_Delete(in);
	text = op->text(out);
	cJSON_Delete(out);
	if (text == NULL)
		return fail(r, PAKE_RPC_INTERNAL, "Internal error");
	res = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(res, "contents");
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "uri", uri);
	cJSON_AddStringToObject(c, "mimeType", "application/json");
	cJSON_AddStringToObject(c, "text", text);
	cJSON_AddItemToArray(arr, c);
	free(text);
	return res;
}

static cJSON *
h_resources_list(struct req *r)
{
	const cJSON *cv = cJSON_GetObjectItemCaseSensitive(r->params, "cursor");
	cJSON *res, *arr;
	pake_err e = {0};
	char *next = NULL;

	if (cv && !cJSON_IsString(cv))
		return fail(r, PAKE_RPC_INVALID_PARAMS, "Invalid cursor");
	res = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(res, "resources");
	if (cv == NULL && pake_ctx_allow(r->m->ctx, PAKE_P_GRAPH_READ,
	    &e) == 0)
		cJSON_AddItemToArray(arr, graph_resource());
	pake_err_clear(&e);
	if (pake_store_list(r->m->ctx, PAKE_LIMIT_MAX, cv ? cv->valuestring :
	    NULL, add_resource, arr, &next, &e) != 0) {
		cJSON_Delete(res);
		if (e.code == 0)
			pake_fail(&e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		return fail_pake(r, &e);
	}
	if (next)
		cJSON_AddStringToObject(res, "nextCursor", next);
	free(next);
	return res;
}

static cJSON *
h_templates_list(struct req *r)
{
	cJSON *res, *arr, *t;

	if (no_cursor(r))
		return NULL;
	res = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(res, "resourceTemplates");
	t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "uriTemplate", NOTE_TEMPLATE);
	cJSON_AddStringToObject(t, "name", "note");
	cJSON_AddStringToObject(t, "title", "Note by id");
	cJSON_AddStringToObject(t, "description", "A pake note as its "
	    "markdown file: YAML frontmatter (title, type, status, tags, "
	    "confidence_score, source_uri, summary, ...) and the body.");
	cJSON_AddStringToObject(t, "mimeType", "text/markdown");
	cJSON_AddItemToArray(arr, t);
	return res;
}

/* The note's markdown, cut to at most max bytes on a character boundary
 * (max 0: whole).  NULL when out of memory. */
static char *
note_markdown(const pake_note *n, size_t max)
{
	pake_buf b = {0};
	size_t len;
	char *md;

	if ((md = pake_fm_render(n, &len)) == NULL)
		return NULL;
	if (max == 0 || len <= max)
		return md;
	while (max > 0 && ((unsigned char)md[max] & 0xC0) == 0x80)
		max--;
	pake_buf_put(&b, md, max);
	pake_buf_printf(&b, "\n\n[... cut at %zu of %zu bytes; read "
	    NOTE_URI "%s for the whole note]\n", max, len, n->pake_id);
	free(md);
	return pake_buf_take(&b);
}

/* resources/read of a note that does not exist: -32002 in the legacy era,
 * -32602 from 2026-07-28 on. */
static cJSON *
no_resource(struct req *r, const char *uri)
{
	r->data = cJSON_CreateObject();
	cJSON_AddStringToObject(r->data, "uri", uri);
	return fail(r, r->modern ? PAKE_RPC_INVALID_PARAMS :
	    PAKE_RPC_NO_RESOURCE, "Resource not found");
}

static cJSON *
h_resources_read(struct req *r)
{
	const char *uri = str_param(r->params, "uri");
	cJSON *res, *arr, *c;
	pake_err e = {0};
	pake_note n;
	char *md;

	if (uri == NULL)
		return fail(r, PAKE_RPC_INVALID_PARAMS,
		    "Invalid params: uri is required");
	if (strcmp(uri, GRAPH_URI) == 0)
		return read_graph_resource(r, uri);
	if (strncmp(uri, NOTE_URI, strlen(NOTE_URI)) != 0 ||
	    !pake_uuid_valid(uri + strlen(NOTE_URI)))
		return no_resource(r, uri);
	if (pake_store_get(r->m->ctx, uri + strlen(NOTE_URI), &n, &e) != 0) {
		if (e.code == PAKE_ENOTFOUND)
			return no_resource(r, uri);
		return fail_pake(r, &e);
	}
	md = note_markdown(&n, 0);
	pake_note_free(&n);
	if (md == NULL)
		return fail(r, PAKE_RPC_INTERNAL, "Internal error");
	res = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(res, "contents");
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "uri", uri);
	cJSON_AddStringToObject(c, "mimeType", "text/markdown");
	cJSON_AddStringToObject(c, "text", md);
	cJSON_AddItemToArray(arr, c);
	free(md);
	return res;
}

/* --- prompts ------------------------------------------------------------ */

static void
add_argument(cJSON *args, const char *name, const char *desc, int required)
{
	cJSON *a = cJSON_CreateObject();

	cJSON_AddStringToObject(a, "name", name);
	cJSON_AddStringToObject(a, "description", desc);
	cJSON_AddBoolToObject(a, "required", required);
	cJSON_AddItemToArray(args, a);
}

static cJSON *
h_prompts_list(struct req *r)
{
	cJSON *res, *arr, *p, *args;

	if (no_cursor(r))
		return NULL;
	res = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(res, "prompts");

	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "name", "research_brief");
	cJSON_AddStringToObject(p, "title", "Research brief");
	cJSON_AddStringToObject(p, "description", "A research brief on a "
	    "topic, written from the notes of the knowledge base that match "
	    "it best (embedded in the prompt), citing each note.");
	args = cJSON_AddArrayToObject(p, "arguments");
	add_argument(args, "topic", "What the brief is about: words, "
	    "\"phrases\", tag:x, type:X (search syntax)", 1);
	add_argument(args, "max_notes", "How many notes to embed, 1 to 20 "
	    "(default 5)", 0);
	cJSON_AddItemToArray(arr, p);

	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "name", "review_note");
	cJSON_AddStringToObject(p, "title", "Review a note");
	cJSON_AddStringToObject(p, "description", "Review one note: propose "
	    "a summary, tags, type, status and confidence as update_note "
	    "arguments, and list claims that need a source.");
	args = cJSON_AddArrayToObject(p, "arguments");
	add_argument(args, "pake_id", "The note's pake_id", 1);
	cJSON_AddItemToArray(arr, p);
	return res;
}

static cJSON *
message(const char *role, cJSON *content)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "role", role);
	cJSON_AddItemToObject(m, "content", content);
	return m;
}

static cJSON *
text_content(const char *text)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(c, "type", "text");
	cJSON_AddStringToObject(c, "text", text);
	return c;
}

/* The note as an embedded resource (its markdown, cut to EMBED_MAX). */
static cJSON *
note_content(const pake_note *n)
{
	cJSON *c, *res;
	char *md;

	if ((md = note_markdown(n, EMBED_MAX)) == NULL)
		return NULL;
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "type", "resource");
	res = cJSON_AddObjectToObject(c, "resource");
	add_uri(res, n->pake_id);
	cJSON_AddStringToObject(res, "mimeType", "text/markdown");
	cJSON_AddStringToObject(res, "text", md);
	free(md);
	return c;
}

struct brief {
	cJSON *messages;
	int count;
	int oom;
};

static int
add_brief_note(void *arg, pake_note *n)
{
	struct brief *b = arg;
	cJSON *c = note_content(n);

	if (c == NULL) {
		b->oom = 1;
		return PAKE_EINTERNAL;
	}
	cJSON_AddItemToArray(b->messages, message("user", c));
	b->count++;
	return 0;
}

/* Prompt arguments are strings (2025-11-25 prompts/get). */
static const char *
prompt_arg(struct req *r, const char *name)
{
	return str_param(cJSON_GetObjectItemCaseSensitive(r->params,
	    "arguments"), name);
}

static cJSON *
research_brief(struct req *r)
{
	const char *topic = prompt_arg(r, "topic");
	const char *maxs = prompt_arg(r, "max_notes");
	struct brief b = {0};
	pake_buf t = {0};
	pake_search s;
	pake_err e = {0};
	char *next = NULL, *end;
	cJSON *res;
	long max = BRIEF_DEFAULT;

	if (topic == NULL || *topic == '\0')
		return fail(r, PAKE_RPC_INVALID_PARAMS,
		    "Invalid params: topic is required");
	if (maxs) {
		max = strtol(maxs, &end, 10);
		if (end == maxs || *end || max < 1 || max > BRIEF_MAX)
			return fail(r, PAKE_RPC_INVALID_PARAMS,
			    "Invalid params: max_notes must be 1 to 20");
	}
	pake_search_init(&s);
	s.query = topic;
	s.limit = (int)max;
	res = cJSON_CreateObject();
	b.messages = cJSON_CreateArray();
	if (pake_store_search(r->m->ctx, &s, add_brief_note, &b, &next,
	    &e) != 0) {
		cJSON_Delete(res);
		cJSON_Delete(b.messages);
		if (b.oom || e.code == 0)
			pake_fail(&e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		return fail_pake(r, &e);
	}
	free(next);
	if (b.count > 0)
		pake_buf_printf(&t, "Write a research brief on \"%s\" from the "
		    "%d note%s of my knowledge base that follow%s. Structure "
		    "it as: a summary; the key findings, each citing the note "
		    "it comes from by title and pake:// URI; where notes "
		    "disagree or are weak (low confidence_score, "
		    "verification_status not verified, no source_uri); open "
		    "questions the notes do not answer; and next steps. Use "
		    "only what the notes say and mark anything else as your "
		    "own inference.", topic, b.count, b.count == 1 ? "" : "s",
		    b.count == 1 ? "s" : "");
	else
		pake_buf_printf(&t, "No note of my knowledge base matches "
		    "\"%s\". Say so plainly, outline what a research brief "
		    "on it would need to cover, and suggest sources to look "
		    "at; notes_from_schema can save what I find.", topic);
	if (t.oom) {
		pake_buf_free(&t);
		cJSON_Delete(res);
		cJSON_Delete(b.messages);
		return fail(r, PAKE_RPC_INTERNAL, "Internal error");
	}
	cJSON_InsertItemInArray(b.messages, 0, message("user",
	    text_content(t.p)));
	pake_buf_free(&t);
	t = (pake_buf){0};
	pake_buf_printf(&t, "Research brief on \"%.200s\" from %d note%s",
	    topic, b.count, b.count == 1 ? "" : "s");
	cJSON_AddStringToObject(res, "description", t.p ? t.p : "");
	pake_buf_free(&t);
	cJSON_AddItemToObject(res, "messages", b.messages);
	return res;
}

static cJSON *
review_note(struct req *r)
{
	const char *id = prompt_arg(r, "pake_id");
	cJSON *res, *msgs, *c;
	pake_err e = {0};
	pake_note n;

	if (id == NULL)
		return fail(r, PAKE_RPC_INVALID_PARAMS,
		    "Invalid params: pake_id is required");
	if (pake_store_get(r->m->ctx, id, &n, &e) != 0)
		return fail_pake(r, &e);
	c = note_content(&n);
	pake_note_free(&n);
	if (c == NULL)
		return fail(r, PAKE_RPC_INTERNAL, "Internal error");
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "description", "Review of one note");
	msgs = cJSON_AddArrayToObject(res, "messages");
	cJSON_AddItemToArray(msgs, message("user", text_content("Review the "
	    "note from my knowledge base that follows. Propose: a summary of "
	    "one paragraph; 3 to 7 tags; its type (SourceNote, InsightNote, "
	    "ProjectNote, DailyNote or another word) and status; a "
	    "confidence_score from 0 to 1 with your reasons. List the claims "
	    "that need a source. End with the arguments of an update_note "
	    "call (pake_id, summary, tags, type, status, confidence_score) "
	    "that would apply your proposal; do not call it unless I say "
	    "so.")));
	cJSON_AddItemToArray(msgs, message("user", c));
	return res;
}

static cJSON *
h_prompts_get(struct req *r)
{
	const char *name = str_param(r->params, "name");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(r->params,
	    "arguments");

	if (name == NULL)
		return fail(r, PAKE_RPC_INVALID_PARAMS,
		    "Invalid params: name is required");
	if (args && !cJSON_IsObject(args) && !cJSON_IsNull(args))
		return fail(r, PAKE_RPC_INVALID_PARAMS,
		    "Invalid params: arguments must be an object");
	if (strcmp(name, "research_brief") == 0)
		return research_brief(r);
	if (strcmp(name, "review_note") == 0)
		return review_note(r);
	return fail(r, PAKE_RPC_INVALID_PARAMS, "Unknown prompt");
}

/* --- completion --------------------------------------------------------- */

struct completion {
	const char *prefix;
	size_t plen;
	cJSON *values;
	int total;
	int scanned;
};

/* Case-insensitive (ASCII) prefix match. */
static int
has_prefix(const char *s, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s[i], b = (unsigned char)p[i];
		if (a == '\0')
			return 0;
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return 1;
}

static void
offer(struct completion *c, const char *v)
{
	if (!has_prefix(v, c->prefix, c->plen))
		return;
	if (c->total++ < COMPLETE_MAX)
		cJSON_AddItemToArray(c->values, cJSON_CreateString(v));
}

static int
offer_tag(void *arg, const char *tag, int64_t count)
{
	(void)count;
	offer(arg, tag);
	return 0;
}

static int
offer_id(void *arg, pake_note *n)
{
	struct completion *c = arg;

	c->scanned++;
	offer(c, n->pake_id);
	return 0;
}

/* Ids of the most recent notes that start with the value. */
static int
complete_ids(struct req *r, struct completion *c, pake_err *e)
{
	char *cursor = NULL, *next = NULL;
	int rc = 0;

	do {
		rc = pake_store_list(r->m->ctx, PAKE_LIMIT_MAX, cursor,
		    offer_id, c, &next, e);
		free(cursor);
		cursor = next;
		next = NULL;
	} while (rc == 0 && cursor && c->scanned < COMPLETE_SCAN);
	free(cursor);
	return rc;
}

static cJSON *
h_complete(struct req *r)
{
	const cJSON *ref = cJSON_GetObjectItemCaseSensitive(r->params, "ref");
	const cJSON *arg = cJSON_GetObjectItemCaseSensitive(r->params,
	    "argument");
	const char *type = str_param(ref, "type"), *aname = str_param(arg,
	    "name"), *value = str_param(arg, "value"), *target;
	struct completion c = {0};
	pake_err e = {0};
	cJSON *res, *o;
	int rc = 0, ids = 0, tags = 0;

	if (type == NULL || aname == NULL || value == NULL)
		return fail(r, PAKE_RPC_INVALID_PARAMS,
		    "Invalid params: ref and argument are required");
	if (strcmp(type, "ref/prompt") == 0 &&
	    (target = str_param(ref, "name")) != NULL) {
		if (strcmp(target, "research_brief") == 0)
			tags = strcmp(aname, "topic") == 0;
		else if (strcmp(target, "review_note") == 0)
			ids = strcmp(aname, "pake_id") == 0;
		else
			return fail(r, PAKE_RPC_INVALID_PARAMS,
			    "Unknown prompt");
	} else if (strcmp(type, "ref/resource") == 0 &&
	    (target = str_param(ref, "uri")) != NULL) {
		if (strcmp(target, NOTE_TEMPLATE) != 0)
			return fail(r, PAKE_RPC_INVALID_PARAMS,
			    "Unknown resource template");
		ids = strcmp(aname, "pake_id") == 0;
	} else
		return fail(r, PAKE_RPC_INVALID_PARAMS, "Invalid params: ref");
	c.prefix = value;
	c.plen = strlen(value);
	c.values = cJSON_CreateArray();
	if (tags)
		rc = pake_store_tags(r->m->ctx, 10000, offer_tag, &c, &e);
	else if (ids)
		rc = complete_ids(r, &c, &e);
	if (rc != 0) {
		cJSON_Delete(c.values);
		if (e.code == 0)
			pake_fail(&e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		return fail_pake(r, &e);
	}
	res = cJSON_CreateObject();
	o = cJSON_AddObjectToObject(res, "completion");
	cJSON_AddItemToObject(o, "values", c.values);
	cJSON_AddNumberToObject(o, "total", c.total);
	cJSON_AddBoolToObject(o, "hasMore", c.total > COMPLETE_MAX);
	return res;
}

/* --- dispatch ----------------------------------------------------------- */

enum {
	M_LEGACY	= 1u << 0,	/* served in a legacy session */
	M_MODERN	= 1u << 1,	/* served to 2026-07-28 requests */
	M_PREINIT	= 1u << 2,	/* legacy: also before initialize */
	M_COUNT		= 1u << 3,	/* counts against a token's limits */
	M_PUBLIC	= 1u << 4,	/* cacheable, same for every user */
	M_PRIVATE	= 1u << 5,	/* cacheable, the user's own data */
};

static const struct method {
	const char *name;
	unsigned flags;
	long ttl_ms;
	cJSON *(*fn)(struct req *);
} methods[] = {
	{"initialize", M_LEGACY | M_PREINIT, 0, h_initialize},
	{"ping", M_LEGACY | M_PREINIT, 0, h_ping},
	{"server/discover", M_MODERN | M_PUBLIC, TTL_STATIC, h_discover},
	{"logging/setLevel", M_LEGACY, 0, h_set_level},
	{"tools/list", M_LEGACY | M_MODERN | M_PUBLIC, TTL_STATIC,
	    h_tools_list},
	{"tools/call", M_LEGACY | M_MODERN | M_COUNT, 0, h_tools_call},
	{"resources/list", M_LEGACY | M_MODERN | M_COUNT | M_PRIVATE, 0,
	    h_resources_list},
	{"resources/templates/list", M_LEGACY | M_MODERN | M_PUBLIC,
	    TTL_STATIC, h_templates_list},
	{"resources/read", M_LEGACY | M_MODERN | M_COUNT | M_PRIVATE, 0,
	    h_resources_read},
	{"prompts/list", M_LEGACY | M_MODERN | M_PUBLIC, TTL_STATIC,
	    h_prompts_list},
	{"prompts/get", M_LEGACY | M_MODERN | M_COUNT, 0, h_prompts_get},
	{"completion/complete", M_LEGACY | M_MODERN | M_COUNT, 0, h_complete},
};

static const struct method *
find_method(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof methods / sizeof *methods; i++)
		if (strcmp(methods[i].name, name) == 0)
			return &methods[i];
	return NULL;
}

/* The request speaks 2026-07-28: its _meta has the reserved keys, or
 * the HTTP header names that version (a legacy request never does). */
static int
is_modern(const pake_mcp *m, const char *method, const cJSON *params)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(params, "_meta");

	if (cJSON_IsObject(meta) &&
	    (cJSON_GetObjectItemCaseSensitive(meta, K_VERSION) ||
	    cJSON_GetObjectItemCaseSensitive(meta, K_CAPS)))
		return 1;
	if (m->http && m->hdr_version &&
	    strcmp(m->hdr_version, PAKE_MCP_MODERN) == 0)
		return 1;
	return strcmp(method, "server/discover") == 0;
}

/* -32022 with the versions we speak and the one asked for. */
static void
unsupported_version(struct req *r, const char *requested)
{
	cJSON *sup;
	size_t i;

	r->data = cJSON_CreateObject();
	sup = cJSON_AddArrayToObject(r->data, "supported");
	cJSON_AddItemToArray(sup, cJSON_CreateString(PAKE_MCP_MODERN));
	for (i = 0; i < NLEGACY; i++)
		cJSON_AddItemToArray(sup, cJSON_CreateString(legacy_versions[i]));
	cJSON_AddStringToObject(r->data, "requested", requested);
	fail(r, PAKE_RPC_UNSUPPORTED_VERSION, "Unsupported protocol version");
}

static int
known_version(const char *v)
{
	size_t i;

	if (strcmp(v, PAKE_MCP_MODERN) == 0)
		return 1;
	for (i = 0; i < NLEGACY; i++)
		if (strcmp(v, legacy_versions[i]) == 0)
			return 1;
	return 0;
}

/* A header value without the white space around it (RFC 9110 5.5);
 * NULL when absent. */
static char *
header_value(const char *h)
{
	size_t n;

	if (h == NULL)
		return NULL;
	h += strspn(h, " \t");
	for (n = strlen(h); n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t');
	    n--)
		;
	return pake_strndup(h, n);
}

/* An Mcp-Name value, decoded when it is =?base64?...?= (2026-07-28
 * streamable-http, Value Encoding); NULL when the encoding is broken. */
static char *
header_name(const char *h)
{
	char *v = header_value(h), *out;
	size_t n = v ? strlen(v) : 0, len;

	if (v == NULL || n < 11 || strncmp(v, "=?base64?", 9) != 0 ||
	    strcmp(v + n - 2, "?=") != 0)
		return v;
	out = malloc(n);
	if (out == NULL || sodium_base642bin((unsigned char *)out, n, v + 9,
	    n - 11, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    memchr(out, '\0', len)) {
		free(out);
		free(v);
		return NULL;
	}
	out[len] = '\0';
	free(v);
	return out;
}

/* Over HTTP, the headers that mirror the body must match it: the request
 * fails with -32020 (HeaderMismatch) when one differs, or when a header a
 * 2026-07-28 request needs is missing; an MCP-Protocol-Version we do not
 * speak is -32022 (2026-07-28 basic/transports/streamable-http). */
static int
check_headers(struct req *r)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r->params,
	    "_meta");
	const cJSON *mv = cJSON_GetObjectItemCaseSensitive(meta, K_VERSION);
	const char *src = NULL, *what = NULL;
	char *v = NULL, *hm = NULL, *hn = NULL;
	int rc = -1;

	v = header_value(r->m->hdr_version);
	hm = header_value(r->m->hdr_method);
	if (v && cJSON_IsString(mv) && strcmp(v, mv->valuestring) != 0) {
		fail(r, PAKE_RPC_HEADER_MISMATCH, "Header mismatch: "
		    "MCP-Protocol-Version differs from the request's "
		    "protocolVersion");
		goto out;
	}
	if (v && !known_version(v)) {
		unsupported_version(r, v);
		goto out;
	}
	if (r->modern && v == NULL) {
		fail(r, PAKE_RPC_HEADER_MISMATCH, "Header mismatch: "
		    "MCP-Protocol-Version is required");
		goto out;
	}
	if ((r->modern && hm == NULL) || (hm && strcmp(hm, r->method) != 0)) {
		fail(r, PAKE_RPC_HEADER_MISMATCH, hm ? "Header mismatch: "
		    "Mcp-Method differs from the request's method" :
		    "Header mismatch: Mcp-Method is required");
		goto out;
	}
	if (strcmp(r->method, "tools/call") == 0 ||
	    strcmp(r->method, "prompts/get") == 0)
		what = "name";
	else if (strcmp(r->method, "resources/read") == 0)
		what = "uri";
	if (what)
		src = str_param(r->params, what);
	if (what && r->m->hdr_name) {
		if ((hn = header_name(r->m->hdr_name)) == NULL) {
			fail(r, PAKE_RPC_HEADER_MISMATCH, "Header mismatch: "
			    "Mcp-Name is not valid base64");
			goto out;
		}
		if (src == NULL || strcmp(hn, src) != 0) {
			fail(r, PAKE_RPC_HEADER_MISMATCH, "Header mismatch: "
			    "Mcp-Name differs from the request's name or uri");
			goto out;
		}
	} else if (what && r->modern && src) {
		fail(r, PAKE_RPC_HEADER_MISMATCH, "Header mismatch: "
		    "Mcp-Name is required");
		goto out;
	}
	rc = 0;
out:
	free(v);
	free(hm);
	free(hn);
	return rc;
}

/* Check a modern request's _meta (2026-07-28 basic/index: both keys are
 * required, -32602 when missing; an unknown version is -32022). */
static int
check_meta(struct req *r)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r->params,
	    "_meta");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, K_VERSION);

	if (!cJSON_IsObject(meta) || !cJSON_IsString(v)) {
		fail(r, PAKE_RPC_INVALID_PARAMS, "Invalid params: _meta needs "
		    K_VERSION);
		return -1;
	}
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(meta, K_CAPS))) {
		fail(r, PAKE_RPC_INVALID_PARAMS, "Invalid params: _meta needs "
		    K_CAPS);
		return -1;
	}
	if (strcmp(v->valuestring, PAKE_MCP_MODERN) != 0) {
		unsupported_version(r, v->valuestring);
		return -1;
	}
	return 0;
}

/* Mark a result of the modern era: resultType, who answered, caching. */
static void
modern_result(const pake_mcp *m, const struct method *mt, cJSON *res)
{
	cJSON *meta;

	cJSON_AddStringToObject(res, "resultType", "complete");
	if (mt->flags & (M_PUBLIC | M_PRIVATE)) {
		cJSON_AddNumberToObject(res, "ttlMs", (double)mt->ttl_ms);
		cJSON_AddStringToObject(res, "cacheScope",
		    mt->flags & M_PUBLIC ? "public" : "private");
	}
	if ((meta = cJSON_GetObjectItemCaseSensitive(res, "_meta")) == NULL)
		meta = cJSON_AddObjectToObject(res, "_meta");
	cJSON_AddItemToObject(meta, K_SERVER, server_info(m));
}

/* A fresh short request id for the log lines of one request. */
static void
new_request_id(pake_mcp *m)
{
	char id[37];

	if (pake_uuid4(id, NULL) != 0)
		return;
	id[8] = '\0';
	pake_strlcpy(m->ctx->request_id, id, sizeof m->ctx->request_id);
	if (m->ctx->log)
		pake_strlcpy(m->ctx->log->request_id, id,
		    sizeof m->ctx->log->request_id);
}

/* Serve a request (it has a valid id). */
static cJSON *
serve(pake_mcp *m, const char *id, const char *method, const cJSON *params)
{
	struct req r = {m, method, params, 0, 0, NULL, NULL};
	const struct method *mt = find_method(method);
	const cJSON *client;
	pake_err e = {0};
	cJSON *res;

	new_request_id(m);
	r.modern = m->last_modern = is_modern(m, method, params);
	if (m->http && check_headers(&r) != 0)
		return rpc_error(id, r.code, r.msg, r.data);
	if (r.modern && check_meta(&r) != 0)
		return rpc_error(id, r.code, r.msg, r.data);
	if (mt == NULL || !(mt->flags & (r.modern ? M_MODERN : M_LEGACY)))
		return rpc_error(id, PAKE_RPC_NO_METHOD, "Method not found",
		    NULL);
	if (!r.modern && !m->initialized && !m->stateless &&
	    !(mt->flags & M_PREINIT))
		return rpc_error(id, PAKE_RPC_INVALID_REQUEST,
		    "Server not initialized", NULL);
	client = r.modern ? cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(params, "_meta"), K_CLIENT) : NULL;
	pake_log_msg(m->ctx->log, PAKE_LOG_DEBUG, "%s (%s%s%.64s)", method,
	    r.modern ? PAKE_MCP_MODERN : m->protocol[0] ? m->protocol : "-",
	    str_param(client, "name") ? ", " : "", str_param(client, "name") ?
	    str_param(client, "name") : "");
	/* Whoever acts is checked again on every request of a session -- a
	 * revoked token or a disabled user stops at once -- and a token's
	 * rate limit and quota count every request that reads or writes the
	 * tenant's data.  Over HTTP each request was authenticated and
	 * counted by pake-http already. */
	if (!m->stateless && pake_auth_recheck(m->ctx,
	    (mt->flags & M_COUNT) != 0, &e) != 0) {
		if (strcmp(method, "tools/call") == 0) {
			log_failure(&r, "refused", &e);
			res = tool_result(NULL, envelope(&e), 1);
		} else
			res = fail_pake(&r, &e);
	} else
		res = mt->fn(&r);
	if (res == NULL)
		return rpc_error(id, r.code ? r.code : PAKE_RPC_INTERNAL,
		    r.msg ? r.msg : "Internal error", r.data);
	if (r.modern)
		modern_result(m, mt, res);
	m->requests++;
	return rpc_result(id, res);
}

/* Notifications change nothing but the legacy session's readiness:
 * requests are served one at a time, so notifications/cancelled always
 * arrives after its request was answered and there is nothing to stop. */
static void
notify(pake_mcp *m, const char *method)
{
	if (strcmp(method, "notifications/initialized") == 0 && m->initialized)
		m->ready = 1;
	pake_log_msg(m->ctx->log, PAKE_LOG_DEBUG, "notification %.64s", method);
}

/* One message object, raw[0..len) its text.  NULL: no reply. */
static cJSON *
handle_object(pake_mcp *m, const cJSON *o, const char *raw, size_t len,
    int in_batch)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	const cJSON *jv = cJSON_GetObjectItemCaseSensitive(o, "jsonrpc");
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(o, "method");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(o, "params");
	char *idtext = NULL;
	cJSON *reply;

	if (!cJSON_IsObject(o))
		return rpc_error(NULL, PAKE_RPC_INVALID_REQUEST,
		    "Invalid Request", NULL);
	/* MCP ids are strings or numbers, never null (2025-11-25 basic). */
	if (cJSON_IsString(id) || cJSON_IsNumber(id))
		idtext = member_text(raw, raw + len, "id");
	if (!cJSON_IsString(jv) || strcmp(jv->valuestring, "2.0") != 0) {
		reply = rpc_error(idtext, PAKE_RPC_INVALID_REQUEST,
		    "Invalid Request: jsonrpc must be \"2.0\"", NULL);
	} else if (method == NULL && id && (cJSON_GetObjectItemCaseSensitive(o,
	    "result") || cJSON_GetObjectItemCaseSensitive(o, "error"))) {
		reply = NULL;	/* a response: pake-mcp sends no requests */
	} else if (!cJSON_IsString(method)) {
		reply = rpc_error(idtext, PAKE_RPC_INVALID_REQUEST,
		    "Invalid Request: method must be a string", NULL);
	} else if (id && idtext == NULL) {
		reply = rpc_error(NULL, PAKE_RPC_INVALID_REQUEST,
		    "Invalid Request: id must be a string or a number", NULL);
	} else if (id == NULL) {
		notify(m, method->valuestring);
		reply = NULL;
	} else if (pake_json_has_nul(raw, len)) {
		reply = rpc_error(idtext, PAKE_RPC_INVALID_PARAMS,
		    "Invalid params: a string holds \\u0000", NULL);
	} else if (params && !cJSON_IsObject(params)) {
		reply = rpc_error(idtext, PAKE_RPC_INVALID_PARAMS,
		    "Invalid params: params must be an object", NULL);
	} else if (in_batch && strcmp(method->valuestring, "initialize") == 0) {
		reply = rpc_error(idtext, PAKE_RPC_INVALID_REQUEST,
		    "Invalid Request: initialize cannot be part of a batch",
		    NULL);
	} else
		reply = serve(m, idtext, method->valuestring, params);
	free(idtext);
	return reply;
}

/* A JSON-RPC batch: served only in a 2025-03-26 session, the one revision
 * that has them (2025-06-18 removed batching). */
static cJSON *
handle_batch(pake_mcp *m, const cJSON *arr, const char *raw, size_t len)
{
	const char *p = raw, *end = raw + len, *s;
	const cJSON *it;
	cJSON *out, *r;

	if (!m->initialized || strcmp(m->protocol, "2025-03-26") != 0)
		return rpc_error(NULL, PAKE_RPC_INVALID_REQUEST,
		    "Invalid Request: batches are not supported", NULL);
	if (cJSON_GetArraySize(arr) == 0)
		return rpc_error(NULL, PAKE_RPC_INVALID_REQUEST,
		    "Invalid Request: empty batch", NULL);
	out = cJSON_CreateArray();
	p = skip_ws(p, end) + 1;	/* past '[' */
	cJSON_ArrayForEach(it, arr) {
		s = skip_ws(p, end);
		p = skip_value(s, end);
		if ((r = handle_object(m, it, s, (size_t)(p - s), 1)) != NULL)
			cJSON_AddItemToArray(out, r);
		p = skip_ws(p, end);
		if (p < end && *p == ',')
			p++;
	}
	if (cJSON_GetArraySize(out) == 0) {
		cJSON_Delete(out);
		return NULL;	/* only notifications */
	}
	return out;
}

void
pake_mcp_init(pake_mcp *m, pake_ctx *c, const pake_mcp_opts *o)
{
	memset(m, 0, sizeof *m);
	m->ctx = c;
	m->name = o && o->name ? o->name : "pake";
	m->version = o && o->version ? o->version : PAKE_MCP_VERSION;
	if (o && o->stateless) {
		m->stateless = 1;
		pake_strlcpy(m->protocol, o->protocol ? o->protocol :
		    PAKE_MCP_LEGACY_LATEST, sizeof m->protocol);
	}
	m->max_depth = o && o->max_depth > 0 &&
	    o->max_depth < PAKE_MCP_MAX_DEPTH ? o->max_depth :
	    PAKE_MCP_MAX_DEPTH;
	if (o && o->http) {
		m->http = 1;
		m->hdr_version = o->hdr_version;
		m->hdr_method = o->hdr_method;
		m->hdr_name = o->hdr_name;
	}
}

int
pake_mcp_http_status(const pake_mcp *m)
{
	switch (m->last_code) {
	case 0:
		return 200;
	case PAKE_RPC_HEADER_MISMATCH:
	case PAKE_RPC_UNSUPPORTED_VERSION:
		return 400;
	case PAKE_RPC_NO_METHOD:
		return m->last_modern ? 404 : 200;
	case PAKE_RPC_PARSE:
	case PAKE_RPC_INVALID_REQUEST:
	case PAKE_RPC_INVALID_PARAMS:
		return m->last_modern ? 400 : 200;
	default:
		return 200;
	}
}

/* The id of a message too deep to parse, when its text shows one that is
 * a string or a number; NULL otherwise. */
static char *
deep_id(const char *msg, size_t len)
{
	char *id = member_text(msg, msg + len, "id");
	cJSON *v;

	if (id == NULL)
		return NULL;
	v = cJSON_Parse(id);
	if (!cJSON_IsString(v) && !cJSON_IsNumber(v)) {
		free(id);
		id = NULL;
	}
	cJSON_Delete(v);
	return id;
}

void
pake_mcp_error(pake_buf *reply, int code, const char *message,
    const char *data_json)
{
	cJSON *data = data_json ? cJSON_Parse(data_json) : NULL;
	cJSON *r = rpc_error(NULL, code, message, data);
	char *s = cJSON_PrintUnformatted(r);

	if (s)
		pake_buf_puts(reply, s);
	else
		pake_buf_puts(reply, "{\"jsonrpc\":\"2.0\",\"id\":null,"
		    "\"error\":{\"code\":-32603,"
		    "\"message\":\"Internal error\"}}");
	free(s);
	cJSON_Delete(r);
}

int
pake_mcp_handle(pake_mcp *m, const char *msg, size_t len, pake_buf *reply)
{
	const char *end = NULL, *rest;
	const cJSON *code;
	cJSON *root, *r, *data;
	char *s;

	m->last_code = 0;
	m->last_modern = m->http && m->hdr_version &&
	    strcmp(m->hdr_version, PAKE_MCP_MODERN) == 0;
	if (memchr(msg, '\0', len) || !pake_utf8_valid(msg, len)) {
		m->last_code = PAKE_RPC_PARSE;
		pake_mcp_error(reply, PAKE_RPC_PARSE,
		    "Parse error: not UTF-8 text", NULL);
		return 0;
	}
	/* Deep nesting that is valid JSON is refused as what it is, with
	 * the request's id, before the parser (whose own bound would call
	 * it a parse error) or any recursion of ours meets it. */
	if (pake_json_depth(msg, len) > m->max_depth) {
		s = deep_id(msg, len);
		data = cJSON_CreateObject();
		cJSON_AddNumberToObject(data, "max_depth", m->max_depth);
		r = rpc_error(s, PAKE_RPC_INVALID_REQUEST,
		    "Invalid Request: nested too deeply", data);
		free(s);
	} else {
		root = cJSON_ParseWithLengthOpts(msg, len, &end, 0);
		rest = end ? skip_ws(end, msg + len) : NULL;
		if (root == NULL || rest != msg + len) {
			cJSON_Delete(root);
			m->last_code = PAKE_RPC_PARSE;
			pake_mcp_error(reply, PAKE_RPC_PARSE, "Parse error",
			    NULL);
			return 0;
		}
		if (cJSON_IsArray(root))
			r = handle_batch(m, root, msg, len);
		else
			r = handle_object(m, root, msg, len, 0);
		cJSON_Delete(root);
	}
	if (r == NULL)
		return 0;
	code = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(r, "error"), "code");
	if (cJSON_IsNumber(code))
		m->last_code = code->valueint;
	s = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	if (s == NULL) {
		pake_mcp_error(reply, PAKE_RPC_INTERNAL, "Internal error",
		    NULL);
		return PAKE_EINTERNAL;
	}
	pake_buf_puts(reply, s);
	free(s);
	return reply->oom ? PAKE_EINTERNAL : 0;
}
