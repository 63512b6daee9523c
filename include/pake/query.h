/*
 * query.h: the user's search syntax, turned into a safe FTS5 expression.
 *
 * Syntax: plain words must all match (the last plain word also as a
 * prefix), "quoted phrase", -word or -"phrase" excludes, OR between two
 * terms, tag:x and type:X shorthands.  Every term reaches FTS5 as a quoted
 * string, so no user text can produce an FTS5 syntax error; terms holding no
 * letter or digit (such as "*" or "(") are dropped.
 */
#ifndef PAKE_QUERY_H
#define PAKE_QUERY_H

#include <stddef.h>
#include "err.h"

#define PAKE_QUERY_MAX_BYTES	(64 * 1024)	/* longer input: invalid_params */
#define PAKE_QUERY_MAX_TERMS	32		/* further terms are ignored */
#define PAKE_QUERY_MAX_TERM	256		/* bytes kept of one term */

typedef struct pake_query {
	char *match;	/* FTS5 expression every hit must match, or NULL */
	char *exclude;	/* FTS5 expression no hit may match, or NULL */
	char **tags;	/* from tag:x, all must be present */
	size_t ntags;
	char **types;	/* from type:X, any may match */
	size_t ntypes;
} pake_query;

/* Parse q (NUL-terminated UTF-8).  Empty or all-dropped input gives a query
 * with match == exclude == NULL.  Returns PAKE_EINVAL only for input longer
 * than PAKE_QUERY_MAX_BYTES or invalid UTF-8. */
int pake_query_parse(const char *q, pake_query *out, pake_err *e);
void pake_query_free(pake_query *q);

#endif
