/*
 * http.h: the HTTP/1.1 JSON API server on libmicrohttpd.
 *
 * One server object serves either one connected socket (systemd
 * Accept=yes, inetd, tcpserver: keep-alive until the client leaves or the
 * idle timeout passes) or a listening socket (Accept=no, --listen: many
 * connections on a thread pool sized to the cores).  Every route calls the
 * operation registry; see http_api.c for the routes.
 */
#ifndef PAKE_HTTP_H
#define PAKE_HTTP_H

#include "config.h"
#include "err.h"
#include "log.h"

typedef struct pake_http pake_http;

enum pake_http_mode {
	PAKE_HTTP_CONNECTION,	/* fd is one accepted connection */
	PAKE_HTTP_LISTEN,	/* fd is a listening socket */
	/* No thread and no socket of its own: the caller hands it
	 * connections (pake_http_add) and turns the wheel (pake_http_step);
	 * fd is ignored.  For the fuzz target, which must drive one request
	 * at a time through libmicrohttpd in its own thread. */
	PAKE_HTTP_DRIVEN,
};

int pake_http_start(pake_http **out, const pake_config *cfg, pake_log *log,
    int fd, enum pake_http_mode mode, pake_err *e);
/* Block until the connection is gone (CONNECTION) or a SIGTERM/SIGINT
 * arrives (LISTEN); then stop and free. */
void pake_http_run(pake_http *h);

/* PAKE_HTTP_DRIVEN: serve the connected socket fd (taken over: closed
 * when its connection ends); do whatever reading, answering and closing
 * is ready now without waiting; stop and free. */
int pake_http_add(pake_http *h, int fd, pake_err *e);
void pake_http_step(pake_http *h);
void pake_http_stop(pake_http *h);

#endif
