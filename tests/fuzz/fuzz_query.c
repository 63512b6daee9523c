/*
 * fuzz_query.c: libFuzzer target for the search syntax (lib/query.c).
 *
 * The input is what a user types in the search box.  Beyond not crashing,
 * the parser promises that no text reaches FTS5 unquoted: every term of
 * the match and exclude expressions is a double-quoted string (with its
 * quotes doubled), joined only by AND, OR, NOT and parentheses, and a
 * prefix star only right after a closing quote.  That is checked here by
 * walking each expression; a violation aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/query.h"
#include "env.h"

/* 1 when s is only "quoted" terms, operators, parentheses, white space
 * and a '*' after a term. */
static int
fts_safe(const char *s)
{
	const char *p = s;

	while (*p) {
		if (*p == ' ' || *p == '(' || *p == ')')
			p++;
		else if (*p == '"') {
			for (p++; *p; p++)
				if (*p == '"') {
					if (p[1] != '"')
						break;
					p++;
				}
			if (*p != '"')
				return 0;	/* unterminated */
			p++;
			if (*p == '*')
				p++;
		} else if (strncmp(p, "AND", 3) == 0 || strncmp(p, "NOT", 3) == 0)
			p += 3;
		else if (strncmp(p, "OR", 2) == 0)
			p += 2;
		else
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pake_query q;
	pake_err e = {0};
	char *s;

	/* The parser takes a C string: the input up to its first NUL, as a
	 * front would hand it over. */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(&q, 0, sizeof q);
	if (pake_query_parse(s, &q, &e) == 0) {
		if ((q.match && !fts_safe(q.match)) ||
		    (q.exclude && !fts_safe(q.exclude))) {
			fprintf(stderr, "query: unsafe FTS5 text: match %s, "
			    "exclude %s\n", q.match ? q.match : "-",
			    q.exclude ? q.exclude : "-");
			abort();
		}
		pake_query_free(&q);
	}
	free(s);
	return 0;
}
