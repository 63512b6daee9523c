/*
 * fuzz_xml.c: libFuzzer target for the research parsers that read XML
 * (lib/src_arxiv.c, lib/src_pubmed.c, over lib/src_xml.c): every input
 * goes through the arXiv parser, PubMed's ESearch parser and PubMed's
 * EFetch parser.
 *
 * The input is what a service (or whoever sits in its place) answers.
 * Beyond not crashing or leaking, research.h promises, checked here: a
 * failure returns nothing and has a fixed message; a success gives an
 * array of at most PAKE_RS_RECORDS_MAX records, each an object with
 * source and a non-empty title, every string valid UTF-8 without a NUL,
 * within its bound, without white space at either end and, but for the
 * abstract, without a newline; lists within theirs; ids that are digits.
 * A violation aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/research.h"
#include "pake/util.h"
#include "env.h"

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "xml: %s: %s\n", what, why);
	abort();
}

static void
check_string(const char *what, const char *key, const char *s)
{
	size_t n = strlen(s), max = PAKE_RS_FIELD_MAX;

	if (strcmp(key, "abstract") == 0)
		max = PAKE_RS_ABSTRACT_MAX;
	if (n > max)
		die(what, "a string over its bound");
	if (!pake_utf8_valid(s, n))
		die(what, "a string not valid UTF-8");
	if (n > 0 && (s[0] == ' ' || s[0] == '\n' || s[n - 1] == ' ' ||
	    s[n - 1] == '\n'))
		die(what, "a string not trimmed");
	if (strcmp(key, "abstract") != 0 && strchr(s, '\n'))
		die(what, "a newline in a one-line field");
	if (strstr(s, "  "))
		die(what, "white space not collapsed");
}

static void
check_records(const char *what, const cJSON *arr)
{
	const cJSON *r, *m, *x;

	if (!cJSON_IsArray(arr))
		die(what, "records not an array");
	if (cJSON_GetArraySize(arr) > PAKE_RS_RECORDS_MAX)
		die(what, "too many records");
	cJSON_ArrayForEach(r, arr) {
		if (!cJSON_IsObject(r))
			die(what, "a record not an object");
		m = cJSON_GetObjectItemCaseSensitive(r, "source");
		if (!cJSON_IsString(m))
			die(what, "no source");
		m = cJSON_GetObjectItemCaseSensitive(r, "title");
		if (!cJSON_IsString(m) || m->valuestring[0] == '\0')
			die(what, "no title");
		cJSON_ArrayForEach(m, r) {
			if (cJSON_IsString(m)) {
				if (m->valuestring[0] == '\0')
					die(what, "an empty member");
				check_string(what, m->string, m->valuestring);
			} else if (cJSON_IsArray(m)) {
				size_t max = strcmp(m->string, "authors") == 0 ?
				    PAKE_RS_AUTHORS_MAX : PAKE_RS_LIST_MAX;

				if ((size_t)cJSON_GetArraySize(m) > max ||
				    cJSON_GetArraySize(m) == 0)
					die(what, "a list out of bounds");
				cJSON_ArrayForEach(x, m) {
					if (!cJSON_IsString(x) ||
					    x->valuestring[0] == '\0')
						die(what, "a list item");
					check_string(what, m->string,
					    x->valuestring);
				}
			} else if (!cJSON_IsNumber(m) ||
			    strcmp(m->string, "arxiv_version") != 0)
				die(what, "a member of an unknown kind");
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *xml = (const char *)data;
	cJSON *r = NULL;
	char **ids = NULL;
	int64_t total;
	size_t n = 0, i;
	pake_err e;

	memset(&e, 0, sizeof e);
	if (pake_arxiv_parse(xml, size, &r, &total, &e) == 0)
		check_records("arxiv", r);
	else if (r != NULL || total != -1 || e.msg == NULL)
		die("arxiv", "a failure that returned something");
	cJSON_Delete(r);
	r = NULL;

	memset(&e, 0, sizeof e);
	if (pake_pubmed_parse_search(xml, size, &ids, &n, &total, &e) == 0) {
		if (n > PAKE_RS_RECORDS_MAX || (n > 0) != (ids != NULL))
			die("esearch", "ids out of bounds");
		for (i = 0; i < n; i++)
			if (ids[i] == NULL || ids[i][0] == '\0' ||
			    strspn(ids[i], "0123456789") != strlen(ids[i]))
				die("esearch", "an id not a number");
	} else if (ids != NULL || n != 0 || total != -1 || e.msg == NULL)
		die("esearch", "a failure that returned something");
	pake_pubmed_ids_free(ids, n);

	memset(&e, 0, sizeof e);
	if (pake_pubmed_parse_fetch(xml, size, &r, &e) == 0)
		check_records("efetch", r);
	else if (r != NULL || e.msg == NULL)
		die("efetch", "a failure that returned something");
	cJSON_Delete(r);
	return 0;
}
