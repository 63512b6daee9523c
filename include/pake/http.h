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
};

int pake_http_start(pake_http **out, const pake_config *cfg, pake_log *log,
    int fd, enum pake_http_mode mode, pake_err *e);
/* Block until the connection is gone (CONNECTION) or a SIGTERM/SIGINT
 * arrives (LISTEN); then stop and free. */
void pake_http_run(pake_http *h);

#endif
