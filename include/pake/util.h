/*
 * util.h: small shared helpers: growable buffers, strings, UTF-8, time, ids.
 */
#ifndef PAKE_UTIL_H
#define PAKE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"

/* A growable byte buffer, always NUL-terminated when len > 0 or after any
 * append.  oom is sticky: after a failed allocation every append is a no-op
 * and the caller checks once at the end. */
typedef struct pake_buf {
	char *p;
	size_t len, cap;
	int oom;
} pake_buf;

void pake_buf_put(pake_buf *b, const void *data, size_t n);
void pake_buf_puts(pake_buf *b, const char *s);
void pake_buf_putc(pake_buf *b, char c);
void pake_buf_printf(pake_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *pake_buf_take(pake_buf *b);	/* hand over p (never NULL unless oom) */
void pake_buf_free(pake_buf *b);

char *pake_strdup(const char *s);	/* NULL in, NULL out */
char *pake_strndup(const char *s, size_t n);
size_t pake_strlcpy(char *dst, const char *src, size_t size);

/* 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates), else 0. */
int pake_utf8_valid(const char *s, size_t n);
/* Decode one code point at s (n bytes left); returns its length, or 0 when
 * invalid. */
size_t pake_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Wall clock in milliseconds since the epoch.  Tests move it with
 * libfaketime (tests/helpers.bash, at), never through a path of ours. */
int64_t pake_now_ms(void);
/* ms -> "2026-11-23T21:39:31.123Z" (needs 32 bytes). */
void pake_iso8601(int64_t ms, char out[32]);
/* ISO 8601 date or date-time (zone Z, +hh:mm, or none = UTC) -> ms.
 * Returns 0 on success, -1 when s is not such a time. */
int pake_parse_time(const char *s, int64_t *ms);

/* 1 when a string of the JSON text s[0..n) holds the escape \u0000:
 * cJSON would cut the string there without a word, so such input is
 * refused rather than silently shortened. */
int pake_json_has_nul(const char *s, size_t n);

/* The nesting depth of JSON text: brackets counted outside strings (the
 * text need not be valid). */
int pake_json_depth(const char *s, size_t n);

/* A random uuid v4 in text form (needs 37 bytes). */
int pake_uuid4(char out[37], pake_err *e);
int pake_uuid_valid(const char *s);

/* Read a whole file of at most max bytes.  Returns PAKE_ENOTFOUND,
 * PAKE_ETOOBIG or PAKE_EINTERNAL. */
int pake_read_file(const char *path, size_t max, char **out, size_t *len,
    pake_err *e);
/* The same from an open descriptor (not closed); name is for messages. */
int pake_read_fd(int fd, const char *name, size_t max, char **out,
    size_t *len, pake_err *e);

/* Write all of p[0..n) to fd (EINTR retried); 0, or -1 with errno. */
int pake_write_all(int fd, const void *p, size_t n);

/* Replace path with data at once: a temporary file beside it (mkostemp),
 * written, then renamed over it, so a reader sees the old file or the
 * new one, never a part.  mode is a new file's; PAKE_WA_KEEP_MODE keeps an
 * existing file's; PAKE_WA_SYNC syncs the file and its folder before
 * returning (the rename then survives a crash).  0, or PAKE_EUNAVAIL with
 * the reason (errno set to it); the temporary file never stays. */
enum { PAKE_WA_KEEP_MODE = 1, PAKE_WA_SYNC = 2 };
int pake_write_atomic(const char *path, const void *data, size_t len,
    unsigned mode, int flags, pake_err *e);
/* fsync the folder holding path, so a rename in it lasts. */
void pake_sync_parent(const char *path);

/* The string member k of JSON object o, or NULL (missing, not a string,
 * o not an object).  Keys are case-sensitive, as everywhere in pake. */
struct cJSON;
const char *pake_json_str(const struct cJSON *o, const char *k);

#endif
