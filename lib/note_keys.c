/*
 * note_keys.c: a note's identity keys from its identifiers (note_keys.h).
 * The one write path (store.c) stores them with every change, so a key
 * always names the notes whose frontmatter holds that identifier now.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "pake/note_keys.h"

/* Add "kind:value" to keys unless there or empty; value normalised by
 * kind.  Returns the new count. */
static int
add(char keys[][PAKE_KEY_MAX], int n, int max, const char *kind,
    const char *v)
{
	char k[PAKE_KEY_MAX];
	size_t len, i, at;
	int j;

	if (v == NULL || n >= max)
		return n;
	while (isspace((unsigned char)*v))
		v++;
	if (strcmp(kind, "doi") == 0) {
		static const char *const pre[] = {"https://doi.org/",
		    "http://doi.org/", "https://dx.doi.org/",
		    "http://dx.doi.org/", "doi:"};
		for (i = 0; i < sizeof pre / sizeof *pre; i++)
			if (strncasecmp(v, pre[i], strlen(pre[i])) == 0)
				v += strlen(pre[i]);
		if (strncmp(v, "10.", 3) != 0)
			return n;
	}
	len = (size_t)snprintf(k, sizeof k, "%s:%s", kind, v);
	if (len >= sizeof k)
		return n;
	while (len > strlen(kind) + 1 && isspace((unsigned char)k[len - 1]))
		k[--len] = '\0';
	at = strlen(kind) + 1;
	if (len == at)
		return n;
	if (strcmp(kind, "doi") == 0)
		for (i = at; i < len; i++)
			k[i] = (char)tolower((unsigned char)k[i]);
	else if (strcmp(kind, "arxiv") == 0) {
		char *vv = k + at, *p = strrchr(vv, 'v');

		if (strncasecmp(vv, "arxiv:", 6) == 0)
			memmove(vv, vv + 6, strlen(vv + 6) + 1);
		if (p && p > vv && isdigit((unsigned char)p[1]) &&
		    strspn(p + 1, "0123456789") == strlen(p + 1))
			*p = '\0';
	} else if (strcmp(kind, "url") == 0) {
		char *hash = strchr(k + at, '#'), *host, *end;

		if (strncasecmp(k + at, "http://", 7) != 0 &&
		    strncasecmp(k + at, "https://", 8) != 0)
			return n;
		if (hash)
			*hash = '\0';
		host = strstr(k + at, "://") + 3;
		end = host + strcspn(host, "/?");
		for (i = at; k + i < end; i++)
			k[i] = (char)tolower((unsigned char)k[i]);
		len = strlen(k);
		if (len > 0 && k[len - 1] == '/' && k + len - 1 > end - 1)
			k[--len] = '\0';
	}
	for (j = 0; j < n; j++)
		if (strcmp(keys[j], k) == 0)
			return n;
	memcpy(keys[n], k, strlen(k) + 1);
	return n + 1;
}

/* The keys of the identifiers in object o (a record, or a note's
 * frontmatter), then of uri (a source_uri). */
static int
keys_of(const cJSON *o, const char *uri, char keys[][PAKE_KEY_MAX], int max)
{
	static const struct {
		const char *field, *kind;
	} ids[] = {
		{"doi", "doi"}, {"arxiv_id", "arxiv"}, {"pmid", "pmid"},
		{"canonical_url", "url"}, {"url", "url"},
	};
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof ids / sizeof *ids; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o,
		    ids[i].field);
		char num[32];

		if (cJSON_IsString(v))
			n = add(keys, n, max, ids[i].kind, v->valuestring);
		else if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
		    v->valuedouble < 1e15) {
			snprintf(num, sizeof num, "%.0f", v->valuedouble);
			n = add(keys, n, max, ids[i].kind, num);
		}
	}
	if (uri) {
		if (strncmp(uri, "doi:", 4) == 0)
			n = add(keys, n, max, "doi", uri + 4);
		else if (strncmp(uri, "arxiv:", 6) == 0)
			n = add(keys, n, max, "arxiv", uri + 6);
		else if (strncmp(uri, "pmid:", 5) == 0)
			n = add(keys, n, max, "pmid", uri + 5);
		else
			n = add(keys, n, max, "url", uri);
	}
	return n;
}

int
pake_note_keys(const pake_note *n, char keys[][PAKE_KEY_MAX], int max)
{
	cJSON *fm = n->extra_json ? cJSON_Parse(n->extra_json) : NULL;
	int k = keys_of(fm, n->source_uri, keys, max);

	cJSON_Delete(fm);
	return k;
}

int
pake_record_keys(const cJSON *record, char keys[][PAKE_KEY_MAX], int max)
{
	return keys_of(record, NULL, keys, max);
}
