/*
 * fuzz_web.c: libFuzzer target for the web page and feed parsers
 * (lib/src_web.c, lib/src_feed.c, lib/src_html.c).
 *
 * The input is what a server sent: it goes through pake_web_extract and
 * pake_feed_parse both.  Beyond not crashing, research.h promises what
 * the rest relies on, checked here: on success a record (an object) of
 * the right source with a non-empty title; every string valid UTF-8,
 * within its bound, without control characters (but the text's and the
 * description's line breaks where allowed); dates YYYY[-MM[-DD]]; URLs
 * http(s); at most PAKE_RS_RECORDS_MAX items, PAKE_RS_AUTHORS_MAX
 * authors; on failure no record and PAKE_EUNAVAIL (or out of memory).
 * A violation aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/research.h"
#include "pake/util.h"
#include "env.h"

static void
bad(const char *what, const cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	fprintf(stderr, "web: %s: %s\n", what, s ? s : "(unprintable)");
	free(s);
	abort();
}

static void
check_string(const char *key, const char *s, const cJSON *rec)
{
	size_t n = strlen(s), i, max = PAKE_RS_FIELD_MAX;
	int lines = strcmp(key, "text") == 0;

	if (lines)
		max = PAKE_RS_TEXT_MAX;
	else if (strcmp(key, "description") == 0)
		max = PAKE_RS_ABSTRACT_MAX;
	if (n == 0 || n > max || !pake_utf8_valid(s, n))
		bad(key, rec);
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && !(lines && s[i] == '\n')) ||
		    s[i] == 0x7F)
			bad(key, rec);
	if (s[0] == ' ' || s[0] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\n')
		bad(key, rec);
	if ((strcmp(key, "published") == 0 || strcmp(key, "updated") == 0) &&
	    !(n == 4 || (n == 7 && s[4] == '-') ||
	    (n == 10 && s[4] == '-' && s[7] == '-')))
		bad(key, rec);
	if ((strcmp(key, "canonical_url") == 0 ||
	    strcmp(key, "pdf_url") == 0 || strcmp(key, "link") == 0 ||
	    (strcmp(key, "url") == 0 && strcmp(cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(rec, "source")) ?: "", "feed") ==
	    0)) && strncmp(s, "http://", 7) != 0 &&
	    strncmp(s, "https://", 8) != 0)
		bad(key, rec);
}

static void
check_record(const cJSON *rec, const char *source)
{
	const cJSON *x, *y;

	if (!cJSON_IsObject(rec) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rec, "title")) ||
	    strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec,
	    "source")) ?: "", source) != 0)
		bad("record", rec);
	cJSON_ArrayForEach(x, rec) {
		if (cJSON_IsString(x))
			check_string(x->string, x->valuestring, rec);
		else if (cJSON_IsArray(x)) {
			if (cJSON_GetArraySize(x) == 0 ||
			    cJSON_GetArraySize(x) > PAKE_RS_AUTHORS_MAX)
				bad(x->string, rec);
			cJSON_ArrayForEach(y, x) {
				if (!cJSON_IsString(y))
					bad(x->string, rec);
				check_string(x->string, y->valuestring, rec);
			}
		} else
			bad(x->string, rec);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *url = "https://fuzz.example/a/b/page.html?q=1";
	cJSON *r = NULL, *items, *x;
	pake_err e = { 0 };
	int rc;

	rc = pake_web_extract(in, size, url, &r, &e);
	if (rc == 0)
		check_record(r, "web");
	else if (r != NULL || (rc != PAKE_EUNAVAIL && rc != PAKE_EINTERNAL))
		abort();
	cJSON_Delete(r);
	r = NULL;

	rc = pake_feed_parse(in, size, url, &r, &e);
	if (rc == 0) {
		items = cJSON_GetObjectItemCaseSensitive(r, "items");
		if (!cJSON_IsArray(items) ||
		    cJSON_GetArraySize(items) > PAKE_RS_RECORDS_MAX)
			bad("items", r);
		cJSON_ArrayForEach(x, items)
			check_record(x, "feed");
		if ((x = cJSON_GetObjectItemCaseSensitive(r, "title")) != NULL)
			check_string("title", x->valuestring, r);
		if ((x = cJSON_GetObjectItemCaseSensitive(r, "link")) != NULL)
			check_string("link", x->valuestring, r);
	} else if (r != NULL || (rc != PAKE_EUNAVAIL && rc != PAKE_EINTERNAL))
		abort();
	cJSON_Delete(r);
	return 0;
}
