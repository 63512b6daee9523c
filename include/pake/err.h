/*
 * err.h: the one error envelope.
 *
 * Every library function returns 0 (PAKE_OK) or a PAKE_E* code and fills a
 * pake_err.  The message is always a fixed, human sentence chosen by the code
 * that failed (a string literal, never built from input); the detail is free
 * text for the log only: it may hold a path, errno text or SQL and must never
 * reach a client.
 */
#ifndef PAKE_ERR_H
#define PAKE_ERR_H

#include <stddef.h>

enum pake_code {
	PAKE_OK = 0,
	PAKE_EINVAL,	/* invalid_params */
	PAKE_ENOTFOUND,	/* not_found */
	PAKE_EUNAUTH,	/* unauthorized */
	PAKE_EFORBIDDEN,/* forbidden */
	PAKE_ECONFLICT,	/* conflict */
	PAKE_EPRECOND,	/* precondition_failed */
	PAKE_ERATE,	/* rate_limited */
	PAKE_EQUOTA,	/* quota_exceeded */
	PAKE_ETOOBIG,	/* payload_too_large */
	PAKE_ESECURITY,	/* security_violation */
	PAKE_EUNAVAIL,	/* unavailable */
	PAKE_EINTERNAL,	/* internal */
	PAKE__NCODES
};

typedef struct pake_err {
	int code;		/* PAKE_OK or PAKE_E* */
	const char *msg;	/* fixed sentence, static storage */
	int retry_after;	/* seconds, for rate_limited/quota_exceeded */
	char detail[512];	/* for the log only */
} pake_err;

/* Record a failure and return its code.  msg may be NULL for the code's
 * default sentence; fmt (may be NULL) fills the log-only detail. */
int pake_fail(pake_err *e, int code, const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pake_err_clear(pake_err *e);

const char *pake_code_name(int code);	/* "not_found" */
const char *pake_code_message(int code);/* default sentence */
int pake_code_http(int code);		/* 404 */
int pake_code_exit(int code);		/* sysexits.h status */

/* The detail a client may see, or NULL: only a schema failure's, which
 * names a field of the client's own input ("limit: must be at least 1"),
 * and a failed precondition's ("version: the note is at version 7").
 * Every front puts it in the envelope the same way. */
const char *pake_err_public_detail(const pake_err *e);

/* The one error envelope every front answers with (DESIGN §5):
 * {"error":{"code","message"[,"detail"][,"retry_after"]}}; HTTP adds its
 * request_id beside "error". */
struct cJSON;
struct cJSON *pake_err_envelope(const pake_err *e);

/* Fixed messages shared by several modules. */
#define PAKE_MSG_INVALID	"Invalid parameters provided"
#define PAKE_MSG_NOTE_NOT_FOUND	"Note not found"
#define PAKE_MSG_SECURITY	"Security violation detected"
#define PAKE_MSG_FS		"File system operation failed"
#define PAKE_MSG_DB		"Database operation failed"
#define PAKE_MSG_NOMEM		"Out of memory"
#define PAKE_MSG_NONODE	"No such node"
#define PAKE_MSG_NODB		"There is no database; pake-db init makes one"

#endif
