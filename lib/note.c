/*
 * note.c: the note value: defaults, tags, and its JSON form.
 *
 * The JSON form is the one every front shows (ARCHITECTURE.md §7): the
 * Python MCP server's get_note_by_id shape, with every frontmatter field,
 * known and unknown, under "metadata".
 */
#include <stdlib.h>
#include <string.h>
#include "pake/note.h"
#include "pake/util.h"

void
pake_note_init(pake_note *n)
{
	memset(n, 0, sizeof *n);
	n->confidence = 0.7;
}

void
pake_note_free(pake_note *n)
{
	size_t i;

	free(n->title);
	free(n->type);
	free(n->status);
	free(n->verification_status);
	free(n->created_at);
	free(n->modified_at);
	for (i = 0; i < n->ntags; i++)
		free(n->tags[i]);
	free(n->tags);
	free(n->source_uri);
	free(n->summary);
	free(n->human_notes);
	free(n->body);
	free(n->file_path);
	free(n->extra_json);
	free(n->extra_yaml);
	pake_note_init(n);
}

/* Add a tag unless already present.  A leading '#' (Obsidian's inline tag
 * form) is dropped; empty tags are ignored. */
int
pake_note_add_tag(pake_note *n, const char *tag, pake_err *e)
{
	size_t i, len;
	char **t;

	/* "#x" is Obsidian's spelling of x.  Every leading '#' goes, not
	 * one: "##x" kept as "#x" became x the next time the note was read,
	 * so a note did not read back as it was written. */
	while (tag[0] == '#')
		tag++;
	len = strlen(tag);
	if (len == 0)
		return 0;
	if (len > PAKE_TAG_MAX || !pake_utf8_valid(tag, len))
		return pake_fail(e, PAKE_EINVAL, NULL, "bad tag");
	for (i = 0; i < len; i++)
		if ((unsigned char)tag[i] < 0x20 || tag[i] == 0x7f)
			return pake_fail(e, PAKE_EINVAL, NULL,
			    "control character in tag");
	for (i = 0; i < n->ntags; i++)
		if (strcmp(n->tags[i], tag) == 0)
			return 0;
	if (n->ntags >= PAKE_TAGS_MAX)
		return pake_fail(e, PAKE_EINVAL, NULL, "more than %d tags",
		    PAKE_TAGS_MAX);
	t = realloc(n->tags, (n->ntags + 1) * sizeof *t);
	if (t == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	n->tags = t;
	if ((t[n->ntags] = strdup(tag)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	n->ntags++;
	return 0;
}

/* Set *dst to a copy of src unless it is set already; -1 on no memory. */
static int
dflt(char **dst, const char *src)
{
	if (*dst == NULL && (*dst = strdup(src)) == NULL)
		return -1;
	return 0;
}

int
pake_note_defaults(pake_note *n, int64_t when)
{
	char ts[32];

	pake_iso8601(when, ts);
	if (dflt(&n->type, "SourceNote") || dflt(&n->status, "Raw") ||
	    dflt(&n->verification_status, "pending") ||
	    dflt(&n->source_uri, "local://pake") || dflt(&n->created_at, ts) ||
	    dflt(&n->modified_at, ts) || dflt(&n->body, ""))
		return -1;
	if (n->created_ms == 0 && pake_parse_time(n->created_at,
	    &n->created_ms) != 0)
		n->created_ms = when;
	if (n->modified_ms == 0 && pake_parse_time(n->modified_at,
	    &n->modified_ms) != 0)
		n->modified_ms = when;
	if (n->body_len == 0)
		n->body_len = strlen(n->body);
	return 0;
}

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
pake_note_same(const pake_note *a, const pake_note *b)
{
	size_t i;

	if (strcmp(a->pake_id, b->pake_id) != 0 || !same_str(a->title, b->title) ||
	    !same_str(a->type, b->type) || !same_str(a->status, b->status) ||
	    a->confidence != b->confidence ||
	    !same_str(a->verification_status, b->verification_status) ||
	    !same_str(a->created_at, b->created_at) ||
	    !same_str(a->modified_at, b->modified_at) ||
	    !same_str(a->source_uri, b->source_uri) ||
	    !same_str(a->summary, b->summary) ||
	    !same_str(a->human_notes, b->human_notes) ||
	    !same_str(a->extra_yaml, b->extra_yaml) || a->ntags != b->ntags)
		return 0;
	for (i = 0; i < a->ntags; i++)
		if (strcmp(a->tags[i], b->tags[i]) != 0)
			return 0;
	if ((a->body ? a->body_len : 0) != (b->body ? b->body_len : 0))
		return 0;
	return a->body_len == 0 || memcmp(a->body, b->body, a->body_len) == 0;
}

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* The note as the shared JSON object; NULL only when out of memory. */
cJSON *
pake_note_to_json(const pake_note *n)
{
	cJSON *o, *m, *tags, *extra, *it;
	size_t i;

	o = cJSON_CreateObject();
	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "pake_id", n->pake_id);
	add_str(o, "title", n->title);
	cJSON_AddStringToObject(o, "content", n->body ? n->body : "");
	add_str(o, "file_path", n->file_path);
	if (n->version > 0)
		cJSON_AddNumberToObject(o, "version", (double)n->version);
	m = cJSON_AddObjectToObject(o, "metadata");
	if (m == NULL)
		goto oom;
	cJSON_AddStringToObject(m, "pake_id", n->pake_id);
	add_str(m, "title", n->title);
	add_str(m, "type", n->type);
	add_str(m, "status", n->status);
	cJSON_AddNumberToObject(m, "confidence_score", n->confidence);
	add_str(m, "verification_status", n->verification_status);
	add_str(m, "created_at", n->created_at);
	add_str(m, "modified_at", n->modified_at);
	tags = cJSON_AddArrayToObject(m, "tags");
	for (i = 0; tags && i < n->ntags; i++)
		cJSON_AddItemToArray(tags, cJSON_CreateString(n->tags[i]));
	add_str(m, "source_uri", n->source_uri);
	add_str(m, "summary", n->summary);
	add_str(m, "human_notes", n->human_notes);
	if (n->extra_json && (extra = cJSON_Parse(n->extra_json)) != NULL) {
		while ((it = extra->child) != NULL) {
			cJSON_DetachItemViaPointer(extra, it);
			if (cJSON_GetObjectItemCaseSensitive(m, it->string))
				cJSON_Delete(it);	/* known keys win */
			else
				cJSON_AddItemToObject(m, it->string, it);
		}
		cJSON_Delete(extra);
	}
	return o;
oom:
	cJSON_Delete(o);
	return NULL;
}
