/*
 * err.c: the table behind the one error envelope (ARCHITECTURE.md §8).
 *
 * One row per code: its wire name, the default sentence, the HTTP status and
 * the sysexits.h status the shell tools exit with.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <cjson/cJSON.h>
#include "pake/err.h"

static const struct {
	const char *name;
	const char *message;
	int http;
	int exit;
} codes[PAKE__NCODES] = {
	[PAKE_OK]	  = {"ok", "OK", 200, EX_OK},
	[PAKE_EINVAL]	  = {"invalid_params", PAKE_MSG_INVALID, 400, EX_DATAERR},
	[PAKE_ENOTFOUND]  = {"not_found", "Not found", 404, EX_NOINPUT},
	[PAKE_EUNAUTH]	  = {"unauthorized", "Authentication required", 401, EX_NOPERM},
	[PAKE_EFORBIDDEN] = {"forbidden", "Permission denied", 403, EX_NOPERM},
	[PAKE_ECONFLICT]  = {"conflict", "Conflicting change", 409, EX_TEMPFAIL},
	[PAKE_EPRECOND]	  = {"precondition_failed", "The note has changed", 412,
	    EX_TEMPFAIL},
	[PAKE_ERATE]	  = {"rate_limited", "Rate limit exceeded", 429, EX_TEMPFAIL},
	[PAKE_EQUOTA]	  = {"quota_exceeded", "Quota exceeded", 429, EX_UNAVAILABLE},
	[PAKE_ETOOBIG]	  = {"payload_too_large", "Payload too large", 413, EX_DATAERR},
	[PAKE_ESECURITY]  = {"security_violation", PAKE_MSG_SECURITY, 400, EX_DATAERR},
	[PAKE_EUNAVAIL]	  = {"unavailable", "Service unavailable", 503, EX_UNAVAILABLE},
	[PAKE_EINTERNAL]  = {"internal", "Internal error", 500, EX_SOFTWARE},
};

static int
valid(int code)
{
	return code >= 0 && code < PAKE__NCODES;
}

/* Record a failure; returns code so callers can "return pake_fail(...)". */
int
pake_fail(pake_err *e, int code, const char *msg, const char *fmt, ...)
{
	va_list ap;

	if (!valid(code) || code == PAKE_OK)
		code = PAKE_EINTERNAL;
	if (e == NULL)
		return code;
	e->code = code;
	e->msg = msg ? msg : codes[code].message;
	e->retry_after = 0;
	/* Format first: an argument may be the old detail itself. */
	if (fmt) {
		char buf[sizeof e->detail];
		va_start(ap, fmt);
		vsnprintf(buf, sizeof buf, fmt, ap);
		va_end(ap);
		memcpy(e->detail, buf, sizeof buf);
	} else
		e->detail[0] = '\0';
	return code;
}

const char *
pake_err_public_detail(const pake_err *e)
{
	if ((e->code == PAKE_EINVAL || e->code == PAKE_EPRECOND) &&
	    e->detail[0] && strchr(e->detail, ':') && !strchr(e->detail, '/'))
		return e->detail;
	return NULL;
}

void
pake_err_clear(pake_err *e)
{
	memset(e, 0, sizeof *e);
}

const char *
pake_code_name(int code)
{
	return codes[valid(code) ? code : PAKE_EINTERNAL].name;
}

const char *
pake_code_message(int code)
{
	return codes[valid(code) ? code : PAKE_EINTERNAL].message;
}

int
pake_code_http(int code)
{
	return codes[valid(code) ? code : PAKE_EINTERNAL].http;
}

int
pake_code_exit(int code)
{
	return codes[valid(code) ? code : PAKE_EINTERNAL].exit;
}

cJSON *
pake_err_envelope(const pake_err *e)
{
	int code = e->code ? e->code : PAKE_EINTERNAL;
	cJSON *o = cJSON_CreateObject(), *err;

	err = cJSON_AddObjectToObject(o, "error");
	cJSON_AddStringToObject(err, "code", pake_code_name(code));
	cJSON_AddStringToObject(err, "message", e->msg ? e->msg :
	    pake_code_message(code));
	if (pake_err_public_detail(e))
		cJSON_AddStringToObject(err, "detail", e->detail);
	if (e->retry_after > 0)
		cJSON_AddNumberToObject(err, "retry_after", e->retry_after);
	return o;
}
