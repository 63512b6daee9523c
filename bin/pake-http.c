/*
 * pake-http: the JSON API on port 8000; see pake-http(1).
 *
 * How it was started decides what it serves, no flag needed:
 *   systemd Accept=yes (one connected socket as fd 3), or inetd/tcpserver
 *   (the connection on fd 0): serve that connection with keep-alive until
 *   the client leaves or the idle timeout passes, then exit;
 *   systemd Accept=no (a listening socket as fd 3): serve many connections
 *   on a thread pool until SIGTERM;
 *   --listen ADDR:PORT (development): bind and serve the same way.
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>
#include "pake/cli.h"
#include "pake/http.h"
#include "pake/util.h"

static const char usage[] =
"usage: pake-http [--listen ADDR:PORT] [common flags]\n"
"\n"
"Serves the pake JSON API.  Under systemd with Accept=yes, or from inetd,\n"
"it serves the one connection it was given and exits; with Accept=no it\n"
"serves the listening socket it was given until SIGTERM.  --listen binds\n"
"ADDR:PORT itself (for development; use 127.0.0.1:8000 or [::1]:8000).\n"
"Limits and timeouts come from the [http] section of the configuration.\n"
"Common flags: --db PATH --vault DIR --config FILE --log-level L\n"
"--log-format F --set KEY=VALUE.\n";

/* Is fd a socket, and is it listening? -1: not a socket. */
static int
listening(int fd)
{
	struct stat st;
	int v = 0;
	socklen_t l = sizeof v;

	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &l) != 0)
		return -1;
	return v != 0;
}

/* Bind and listen on "host:port" or "[v6]:port". */
static int
bind_listen(pake_cli *cli, const char *spec)
{
	struct addrinfo hints, *res, *ai;
	char host[256], *port;
	int fd = -1, one = 1, rc;

	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (end == NULL || end[1] != ':')
			pake_cli_usage(cli, "--listen takes ADDR:PORT");
		snprintf(host, sizeof host, "%.*s", (int)(end - spec - 1),
		    spec + 1);
		port = (char *)end + 2;
	} else {
		pake_strlcpy(host, spec, sizeof host);
		if ((port = strrchr(host, ':')) == NULL)
			pake_cli_usage(cli, "--listen takes ADDR:PORT");
		*port++ = '\0';
		port = (char *)spec + (port - host);
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(*host ? host : NULL, port, &hints, &res)) != 0) {
		fprintf(stderr, "pake-http: %s: %s\n", spec, gai_strerror(rc));
		exit(EX_USAGE);
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 512) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		fprintf(stderr, "pake-http: cannot listen on %s: %s\n", spec,
		    strerror(errno));
		exit(EX_UNAVAILABLE);
	}
	return fd;
}

int
main(int argc, char **argv)
{
	enum pake_http_mode mode;
	const char *listen_on = NULL;
	pake_err e = {0};
	pake_http *h;
	sigset_t set;
	pake_cli cli;
	int fd, n, i, l;

	pake_cli_init(&cli, "pake-http", usage, &argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen_on = argv[++i];
		else if (strncmp(argv[i], "--listen=", 9) == 0)
			listen_on = argv[i] + 9;
		else
			pake_cli_usage(&cli, "unknown argument '%s'", argv[i]);
	}
	/* A server acts for each request's own token, never the caller's. */
	free(cli.cfg.val[PAKE_CFG_TOKEN]);
	cli.cfg.val[PAKE_CFG_TOKEN] = NULL;
	signal(SIGPIPE, SIG_IGN);
	/* Threads inherit this mask; the main thread waits for the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	n = sd_listen_fds(1);
	if (listen_on) {
		fd = bind_listen(&cli, listen_on);
		mode = PAKE_HTTP_LISTEN;
	} else if (n >= 1) {
		fd = SD_LISTEN_FDS_START;
		l = listening(fd);
		mode = l == 1 ? PAKE_HTTP_LISTEN : PAKE_HTTP_CONNECTION;
	} else if ((l = listening(STDIN_FILENO)) >= 0) {
		fd = STDIN_FILENO;
		mode = l == 1 ? PAKE_HTTP_LISTEN : PAKE_HTTP_CONNECTION;
	} else
		pake_cli_usage(&cli, "no socket: run it from a systemd socket "
		    "unit or inetd, or give --listen ADDR:PORT");
	if (pake_http_start(&h, &cli.cfg, &cli.log, fd, mode, &e) != 0)
		pake_cli_die(&cli, &e);
	if (mode == PAKE_HTTP_LISTEN)
		pake_log_msg(&cli.log, PAKE_LOG_INFO, "serving %s",
		    listen_on ? listen_on : "the socket from systemd");
	pake_http_run(h);
	return pake_cli_done(&cli);
}
