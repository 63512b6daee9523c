/*
 * log.c: journald fields or JSON lines on stderr (ARCHITECTURE.md §9).
 *
 * A record is written with a single write(2) so that lines from many
 * processes sharing one stderr never interleave mid-line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <systemd/sd-journal.h>
#include "pake/log.h"
#include "pake/util.h"

enum { SINK_JOURNAL, SINK_JSON, SINK_TEXT };

static const char *const level_names[] = {"debug", "info", "warn", "error"};
static const int level_prio[] = {LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};

/* $JOURNAL_STREAM is "dev:ino" of the journal's stream; it is ours only
 * when stderr is that very file. */
static int
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
pake_log_init(pake_log *l, const char *tool, const pake_config *c)
{
	long fmt = c ? pake_config_num(c, PAKE_CFG_LOG_FORMAT) : 0;

	memset(l, 0, sizeof *l);
	l->tool = tool;
	l->level = c ? (int)pake_config_num(c, PAKE_CFG_LOG_LEVEL) :
	    PAKE_LOG_INFO;
	if (fmt == 1)
		l->sink = SINK_JSON;
	else if (fmt == 2)
		l->sink = SINK_TEXT;
	else
		l->sink = stderr_is_journal() ? SINK_JOURNAL : SINK_JSON;
}

static void
emit(const pake_log *l, int level, const cJSON *fields, const char *msg)
{
	char ts[32], *line;
	const cJSON *f;
	cJSON *o;

	if (l == NULL || level < l->level)
		return;
	if (level < PAKE_LOG_DEBUG || level > PAKE_LOG_ERROR)
		level = PAKE_LOG_ERROR;
	if (l->sink == SINK_JOURNAL) {
		sd_journal_send("MESSAGE=%s", msg,
		    "PRIORITY=%d", level_prio[level],
		    "SYSLOG_IDENTIFIER=%s", l->tool,
		    "PAKE_TOOL=%s", l->tool,
		    "PAKE_REQUEST_ID=%s", l->request_id,
		    "PAKE_TENANT=%s", l->tenant, NULL);
		return;
	}
	pake_iso8601(pake_now_ms(), ts);
	if (l->sink == SINK_TEXT) {
		pake_buf b = {0};
		pake_buf_printf(&b, "%s %s %s: %s", ts, level_names[level],
		    l->tool, msg);
		if (l->request_id[0])
			pake_buf_printf(&b, " [%s]", l->request_id);
		pake_buf_putc(&b, '\n');
		if (!b.oom)
			(void)pake_write_all(STDERR_FILENO, b.p, b.len);
		pake_buf_free(&b);
		return;
	}
	o = cJSON_CreateObject();
	if (o == NULL)
		return;
	cJSON_AddStringToObject(o, "time", ts);
	cJSON_AddStringToObject(o, "level", level_names[level]);
	cJSON_AddStringToObject(o, "tool", l->tool);
	cJSON_AddStringToObject(o, "message", msg);
	/* A record's own request id and tenant win over the log's. */
	if (l->request_id[0] &&
	    !cJSON_GetObjectItemCaseSensitive(fields, "request_id"))
		cJSON_AddStringToObject(o, "request_id", l->request_id);
	if (l->tenant[0] && !cJSON_GetObjectItemCaseSensitive(fields, "tenant"))
		cJSON_AddStringToObject(o, "tenant", l->tenant);
	cJSON_ArrayForEach(f, fields)
		if (f->string && !cJSON_GetObjectItemCaseSensitive(o, f->string))
			cJSON_AddItemToObject(o, f->string, cJSON_Duplicate(f, 1));
	line = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (line) {
		size_t n = strlen(line);
		line[n] = '\n';	/* replaces the NUL; write exactly n + 1 */
		(void)pake_write_all(STDERR_FILENO, line, n + 1);
		free(line);
	}
}

void
pake_log_msg(const pake_log *l, int level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	emit(l, level, NULL, msg);
}

void
pake_log_fields(const pake_log *l, int level, const cJSON *fields,
    const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	emit(l, level, fields, msg);
}
