/*
 * frontmatter.h: markdown files with YAML frontmatter, both ways.
 *
 * A file that starts with a line "---" has frontmatter up to the next line
 * that is exactly "---" or "..."; the body is every byte after that line.
 * A file without frontmatter is all body.  Parsing uses libyaml; rendering
 * writes YAML that libyaml parses back to the same note.
 */
#ifndef PAKE_FRONTMATTER_H
#define PAKE_FRONTMATTER_H

#include <stddef.h>
#include "err.h"
#include "note.h"

/* Parse text (len bytes, need not be NUL-terminated) into n, which must have
 * been pake_note_init()ed.  Fields absent from the file keep n's values.
 * Returns PAKE_EINVAL (detail says why) for YAML that does not parse, a
 * frontmatter that is not a mapping, or a known field of the wrong shape. */
int pake_fm_parse(const char *text, size_t len, pake_note *n, pake_err *e);

/* Render n as a whole markdown file.  Returns malloc'd text, length in
 * *len; NULL when out of memory. */
char *pake_fm_render(const pake_note *n, size_t *len);

/* Make extra (a JSON object: any JSON values, no known field's name) n's
 * unknown frontmatter keys, replacing those it had: extra_json and the
 * YAML that reads back as it.  PAKE_EINVAL when it would not. */
struct cJSON;
int pake_fm_set_extra(pake_note *n, const struct cJSON *extra, pake_err *e);

#endif
