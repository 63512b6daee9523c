/*
 * diff.h: a unified diff of two texts, line by line (pake-note diff).
 */
#ifndef PAKE_DIFF_H
#define PAKE_DIFF_H

#include <stddef.h>
#include "err.h"
#include "util.h"

#define PAKE_DIFF_MAX_LINES	100000	/* lines a side */
#define PAKE_DIFF_MAX_D		20000	/* lines deleted + lines inserted */
#define PAKE_DIFF_CONTEXT	3	/* lines of context, as diff -u */

/* Append to out a unified diff (like `diff -u`, 3 lines of context) turning
 * a[0..alen) into b[0..blen), with headers "--- <aname>" and "+++ <bname>".
 * Lines end at '\n' (a line is its bytes up to and including the '\n', so
 * CR and NUL are ordinary bytes); a last line without one is followed by
 * "\n\\ No newline at end of file\n" as diff(1) does.  Equal texts append
 * nothing.  The diff is a minimal one (fewest lines deleted + inserted).
 * Returns 0, or PAKE_ETOOBIG (e filled, nothing appended) when the work
 * would pass a bound: more than PAKE_DIFF_MAX_LINES lines a side, or an edit
 * distance above PAKE_DIFF_MAX_D; PAKE_EINTERNAL on out of memory. */
int pake_diff(const char *a, size_t alen, const char *b, size_t blen,
    const char *aname, const char *bname, pake_buf *out, pake_err *e);

#endif
