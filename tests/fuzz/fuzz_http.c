/*
 * fuzz_http.c: libFuzzer target for the HTTP request path: raw bytes
 * through pake-http's parser and checks (lib/http.c) and the
 * routes (lib/http_api.c), down to the operations.
 *
 * The input is what a client writes on a connection: one or more
 * requests, method, target, headers and body, as hostile as it likes.
 * The server runs in this thread (PAKE_HTTP_DRIVEN): each input gets a
 * fresh socketpair, whose one end the server is handed and whose other
 * end takes the input; the server is stepped until it closes the
 * connection or has nothing more to say, and whatever it answers is read
 * and dropped (or, with FUZZ_ECHO set, copied to standard error: to
 * check that a seed gets where it should).
 *
 * Most routes want a bearer token.  The token is made at start and so
 * cannot be in the corpus; every "@TOKEN@" in the input is replaced by
 * it (a token of the default tenant with every right on its notes, see
 * env.c), so the seeds reach the operations behind authentication.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "pake/auth.h"
#include "pake/http.h"
#include "env.h"

#define PLACEHOLDER	"@TOKEN@"
#define MAX_STEPS	256	/* a request needs a handful */
#define IDLE_STEPS	3	/* steps without output: it waits for us */

static pake_cli cli;
static pake_http *h;
static char token[PAKE_TOKEN_MAX];
static int echo;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	pake_err e = {0};

	(void)argc;
	(void)argv;
	echo = getenv("FUZZ_ECHO") != NULL;
	fuzz_env(&cli);
	fuzz_token(&cli, token, sizeof token);
	if (pake_http_start(&h, &cli.cfg, &cli.log, -1, PAKE_HTTP_DRIVEN,
	    &e) != 0)
		pake_cli_die(&cli, &e);
	return 0;
}

/* The input with the token in place of each placeholder. */
static char *
with_token(const uint8_t *data, size_t size, size_t *len)
{
	size_t pl = strlen(PLACEHOLDER), tl = strlen(token), i, n = 0;
	char *out;

	/* At most size / pl replacements, each growing by tl - pl. */
	if ((out = malloc(size + (size / pl + 1) * tl + 1)) == NULL)
		return NULL;
	for (i = 0; i < size; ) {
		if (size - i >= pl && memcmp(data + i, PLACEHOLDER, pl) == 0) {
			memcpy(out + n, token, tl);
			n += tl;
			i += pl;
		} else
			out[n++] = (char)data[i++];
	}
	*len = n;
	return out;
}

/* Read what the server sent: bytes read, or -1 when it closed. */
static ssize_t
drain(int fd)
{
	char sink[16384];
	ssize_t n, got = 0;

	while ((n = read(fd, sink, sizeof sink)) > 0) {
		if (echo)
			fwrite(sink, 1, (size_t)n, stderr);
		got += n;
	}
	if (n == 0)
		return -1;
	return got;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pake_err e = {0};
	size_t len, off = 0;
	ssize_t n;
	char *req;
	int sv[2], i, idle = 0;

	if ((req = with_token(data, size, &len)) == NULL)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
	    fcntl(sv[1], F_SETFL, O_NONBLOCK) != 0) {
		perror("socketpair");
		abort();
	}
	if (pake_http_add(h, sv[0], &e) != 0) {
		fprintf(stderr, "http: %s\n", e.detail);
		abort();
	}
	for (i = 0; i < MAX_STEPS && idle < IDLE_STEPS; i++) {
		/* MSG_NOSIGNAL: the server may close before it has read
		 * everything, and that is no reason to die of SIGPIPE. */
		if (off < len && (n = send(sv[1], req + off, len - off,
		    MSG_NOSIGNAL | MSG_DONTWAIT)) > 0)
			off += (size_t)n;
		else if (off < len && errno != EAGAIN)
			break;
		pake_http_step(h);
		if ((n = drain(sv[1])) < 0)
			break;
		idle = off == len && n == 0 ? idle + 1 : 0;
	}
	/* Hang up; the next step sees it and closes the connection. */
	close(sv[1]);
	pake_http_step(h);
	free(req);
	return 0;
}
