/*
 * log.h: one log format for every tool.
 *
 * Under systemd, when $JOURNAL_STREAM names our stderr, records go to the
 * journal as native fields (MESSAGE, PRIORITY, PAKE_TOOL, PAKE_REQUEST_ID,
 * PAKE_TENANT).  Otherwise one JSON object per line on stderr, or a short
 * text line with log_format=text.  Never stdout.
 */
#ifndef PAKE_LOG_H
#define PAKE_LOG_H

#include "config.h"

enum pake_level { PAKE_LOG_DEBUG, PAKE_LOG_INFO, PAKE_LOG_WARN, PAKE_LOG_ERROR };

typedef struct pake_log {
	const char *tool;
	int level;		/* least level written */
	int sink;		/* journal, json or text */
	char request_id[40];
	char tenant[64];
} pake_log;

void pake_log_init(pake_log *l, const char *tool, const pake_config *c);
void pake_log_msg(const pake_log *l, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A log record with extra JSON fields (object, may be NULL). */
struct cJSON;
void pake_log_fields(const pake_log *l, int level, const struct cJSON *fields,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
