/*
 * pake-mcp: the MCP server for AI assistants; see pake-mcp(1).
 *
 * The transport only: lines in, lines out.  An assistant starts pake-mcp
 * as its child and writes one JSON-RPC message per line on its standard
 * input; each reply is one line on standard output, written with a single
 * write(2).  Standard output carries nothing else; logs go to standard
 * error (or the journal).  End of input ends the process with status 0.
 *
 * Lines are bounded (mcp.max_line, 4 MiB): a longer one is read to its end
 * and dropped, and answered with an error.  A last line without a newline
 * is still a message.  Everything about the protocol is in lib/mcp.c.
 *
 * Under the socket unit (pake-mcp.socket, Accept=yes) the connection is
 * fd 3 (sd_listen_fds) or standard input and output.  The peer is who its
 * uid says: SO_PEERCRED, mapped to a pake user with pake-tenant user
 * map-uid; an unknown peer gets one error line and the connection closes.
 * A socketpair, as Node.js gives a child for its standard streams, has no
 * name and is stdio as usual.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include "pake/auth.h"
#include "pake/cli.h"
#include "pake/mcp.h"
#include "pake/util.h"

static const char usage[] =
"usage: pake-mcp [--tenant T] [--db PATH] [--vault DIR] [--config FILE]\n"
"                [--log-level L] [--log-format F] [--set KEY=VALUE]\n"
"\n"
"Serve the Model Context Protocol (JSON-RPC 2.0, one message per line) on\n"
"standard input and output, for an AI assistant that starts pake-mcp as\n"
"its child; or on the connection systemd passes (pake-mcp.socket).\n"
"Protocol revisions 2024-11-05 to 2025-11-25 (initialize) and 2026-07-28\n"
"(per-request _meta, server/discover).  Acts as the tenant --tenant or\n"
"$PAKE_TENANT, or as $PAKE_TOKEN's user; on a socket, as the user mapped\n"
"to the peer's uid (pake-tenant user map-uid).  Messages are at most\n"
"mcp.max_line bytes (--set mcp.max_line=N, $PAKE_MCP_MAX_LINE).  Logs go\n"
"to standard error.  See pake-mcp(1).\n";

#define CHUNK	65536

/* Write all of b, then a newline, as one write(2) where possible. */
static int
write_line(int fd, pake_buf *b)
{
	size_t off = 0;
	ssize_t n;

	pake_buf_putc(b, '\n');
	if (b->oom)
		return -1;
	while (off < b->len) {
		n = write(fd, b->p + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* The line being read: at most max bytes, kept in buf; a longer one is
 * dropped up to its newline (skipping). */
struct line {
	char *buf;
	size_t len, cap, max;
	int skipping;
};

/* Serve one message; -1 when the reply cannot be written. */
static int
message(pake_cli *cli, pake_mcp *m, int out, char *line, size_t len)
{
	pake_buf reply = {0};
	size_t i;
	int rc = 0;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t' ||
	    line[i] == '\r'); i++)
		;
	if (i == len)
		return 0;	/* a blank line is no message */
	pake_mcp_handle(m, line, len, &reply);
	if (reply.len > 0 && write_line(out, &reply) != 0) {
		pake_log_msg(&cli->log, PAKE_LOG_WARN, "cannot write a "
		    "reply: %s", reply.oom ? "out of memory" : strerror(errno));
		rc = -1;
	}
	pake_buf_free(&reply);
	return rc;
}

/* The line grew past the limit: drop it and tell the client. */
static int
too_long(pake_cli *cli, int out, struct line *l)
{
	pake_buf b = {0};
	char data[64];
	int rc;

	l->skipping = 1;
	l->len = 0;
	pake_log_msg(&cli->log, PAKE_LOG_WARN, "message longer than %zu "
	    "bytes dropped", l->max);
	snprintf(data, sizeof data, "{\"max_line\":%zu}", l->max);
	pake_mcp_error(&b, PAKE_RPC_INVALID_REQUEST,
	    "Invalid Request: message too long", data);
	rc = write_line(out, &b);
	pake_buf_free(&b);
	return rc;
}

/* Append p[0..n) to the line (the caller checked it fits in max). */
static int
append(struct line *l, const char *p, size_t n)
{
	size_t want;
	char *grown;

	if (l->len + n > l->cap) {
		want = l->cap ? l->cap : CHUNK;
		while (want < l->len + n)
			want *= 2;
		if (want > l->max)
			want = l->max;
		if ((grown = realloc(l->buf, want)) == NULL)
			return -1;
		l->buf = grown;
		l->cap = want;
	}
	memcpy(l->buf + l->len, p, n);
	l->len += n;
	return 0;
}

/* Split a chunk read into lines and serve each complete one.  Returns 0,
 * EX_IOERR when the client went away, EX_OSERR when out of memory. */
static int
feed(pake_cli *cli, pake_mcp *m, int out, struct line *l, const char *p,
    const char *end)
{
	const char *nl;
	size_t seg;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		seg = (size_t)((nl ? nl : end) - p);
		if (!l->skipping && l->len + seg > l->max &&
		    too_long(cli, out, l) != 0)
			return EX_IOERR;
		if (!l->skipping && seg > 0 && append(l, p, seg) != 0) {
			pake_log_msg(&cli->log, PAKE_LOG_ERROR,
			    "out of memory");
			return EX_OSERR;
		}
		if (nl == NULL)
			break;
		if (!l->skipping && message(cli, m, out, l->buf, l->len) != 0)
			return EX_IOERR;
		l->skipping = 0;
		l->len = 0;
		p = nl + 1;
	}
	return 0;
}

/* Read lines until end of input.  Returns an exit status. */
static int
serve(pake_cli *cli, pake_mcp *m, int in, int out)
{
	struct line l = {0};
	char *chunk = malloc(CHUNK);
	ssize_t n;
	int rc = 0;

	if (chunk == NULL)
		return EX_OSERR;
	l.max = (size_t)pake_config_num(&cli->cfg, PAKE_CFG_MCP_MAX_LINE);
	while (rc == 0) {
		n = read(in, chunk, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pake_log_msg(&cli->log, PAKE_LOG_ERROR, "read: %s",
			    strerror(errno));
			rc = EX_IOERR;
		} else if (n == 0)
			break;
		else
			rc = feed(cli, m, out, &l, chunk, chunk + n);
	}
	/* A last line without its newline is still a message. */
	if (rc == 0 && !l.skipping && l.len > 0 &&
	    message(cli, m, out, l.buf, l.len) != 0)
		rc = EX_IOERR;
	free(chunk);
	free(l.buf);
	return rc;
}

/* 1 when fd is a socket with a name: a connection accepted from a
 * listening socket (inetd style), not an anonymous socketpair. */
static int
named_socket(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return 0;
	memset(&ss, 0, sizeof ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return 0;
	if (ss.ss_family != AF_UNIX)
		return 1;
	return sl > offsetof(struct sockaddr_un, sun_path);
}

/* 1 when fd is a listening socket (a unit with Accept=no). */
static int
listening(int fd)
{
	socklen_t sl = sizeof(int);
	int on = 0;

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &sl) == 0 && on;
}

/* End a refused connection gently: stop writing, then read and drop what
 * the peer still sends (at most 64 KiB or a second), so that its own
 * writes do not fail with a reset before it reads our answer. */
static void
drain(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	char buf[4096];
	size_t total = 0;
	ssize_t n;

	shutdown(fd, SHUT_WR);
	while (total < 65536 && poll(&p, 1, 1000) > 0 &&
	    (n = read(fd, buf, sizeof buf)) > 0)
		total += (size_t)n;
	shutdown(fd, SHUT_RDWR);
}

/* Act as the pake user mapped to the peer's uid; on failure tell the peer
 * and exit. */
static void
peer_login(pake_cli *cli, int out)
{
	struct ucred cred = {0};
	socklen_t cl = sizeof cred;
	pake_buf b = {0};
	pake_err e = {0};
	int rc;

	if (getsockopt(out, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0)
		rc = pake_fail(&e, PAKE_EUNAUTH, "Unknown peer",
		    "no peer credentials: %s", strerror(errno));
	else
		rc = pake_auth_uid(&cli->ctx, (int64_t)cred.uid, &e);
	if (rc == 0) {
		pake_log_msg(&cli->log, PAKE_LOG_INFO, "peer uid %u pid %d",
		    (unsigned)cred.uid, (int)cred.pid);
		return;
	}
	pake_log_msg(&cli->log, PAKE_LOG_WARN, "peer refused: %s",
	    e.detail[0] ? e.detail : e.msg);
	{
		cJSON *env = pake_err_envelope(&e);
		char *data = env ? cJSON_PrintUnformatted(env) : NULL;
		pake_mcp_error(&b, PAKE_RPC_PAKE, e.msg ? e.msg :
		    pake_code_message(e.code), data);
		free(data);
		cJSON_Delete(env);
	}
	(void)write_line(out, &b);
	pake_buf_free(&b);
	drain(out);
	pake_auth_close(&cli->ctx);
	cli->opened = 0;
	pake_config_free(&cli->cfg);
	exit(EX_NOPERM);
}

int
main(int argc, char **argv)
{
	int in = STDIN_FILENO, out = STDOUT_FILENO, sock = 0, n, rc;
	pake_cli cli;
	pake_mcp m;

	/* A client that hangs up makes write(2) fail with EPIPE instead. */
	signal(SIGPIPE, SIG_IGN);
	pake_cli_init(&cli, "pake-mcp", usage, &argc, argv);
	cli.json = 0;	/* standard output carries only protocol */
	if (argc > 1)
		pake_cli_usage(&cli, "unexpected argument '%s'", argv[1]);
	n = sd_listen_fds(1);
	if (n > 1 || n < 0) {
		pake_log_msg(&cli.log, PAKE_LOG_ERROR, "expected one "
		    "connection from systemd (Accept=yes), got %d", n);
		return EX_USAGE;
	}
	if (n == 1) {
		in = out = SD_LISTEN_FDS_START;
		sock = 1;
	} else
		sock = named_socket(STDIN_FILENO);
	if (sock && listening(in)) {
		pake_log_msg(&cli.log, PAKE_LOG_ERROR, "handed a listening "
		    "socket: the socket unit needs Accept=yes");
		return EX_USAGE;
	}
	pake_cli_open(&cli);
	if (sock)
		peer_login(&cli, out);
	pake_mcp_init(&m, &cli.ctx, NULL);
	rc = serve(&cli, &m, in, out);
	pake_log_msg(&cli.log, PAKE_LOG_DEBUG, "end of input after %lu "
	    "requests", m.requests);
	n = pake_cli_done(&cli);
	return rc != EX_OK ? rc : n;
}
