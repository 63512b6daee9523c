/*
 * mcp.h: the Model Context Protocol server, independent of any transport.
 *
 * pake_mcp_handle() takes one JSON-RPC 2.0 message (a line of the stdio
 * transport, a datagram, an HTTP body) and fills the one reply to send, or
 * leaves it empty for a notification.  It does no I/O: pake-mcp feeds it
 * lines, pake-http's POST /mcp can feed it bodies.
 *
 * Both protocol eras are served by the same object ("dual-era", 2026-07-28
 * basic/versioning):
 *   legacy  2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25: initialize
 *           negotiates a version that the object keeps (the session);
 *   modern  2026-07-28: each request names its version and the client's
 *           capabilities in params._meta and is served with no state.
 * A request is modern when its _meta carries an io.modelcontextprotocol/
 * key (or it is server/discover); otherwise it belongs to the session.
 */
#ifndef PAKE_MCP_H
#define PAKE_MCP_H

#include <stddef.h>
#include "ctx.h"
#include "util.h"

#define PAKE_MCP_MODERN		"2026-07-28"
#define PAKE_MCP_LEGACY_LATEST	"2025-11-25"
#define PAKE_MCP_VERSION	"0.1.0"		/* serverInfo.version */
/* Deepest nesting of a message served (brackets of the whole message);
 * deeper is an Invalid Request, never a parse error. */
#define PAKE_MCP_MAX_DEPTH	512

/* JSON-RPC error codes the server sends. */
enum pake_mcp_rpc {
	PAKE_RPC_PARSE			= -32700,
	PAKE_RPC_INVALID_REQUEST	= -32600,
	PAKE_RPC_NO_METHOD		= -32601,
	PAKE_RPC_INVALID_PARAMS		= -32602,
	PAKE_RPC_INTERNAL		= -32603,
	PAKE_RPC_NO_RESOURCE		= -32002,	/* legacy era only */
	PAKE_RPC_HEADER_MISMATCH	= -32020,	/* HTTP headers vs body */
	PAKE_RPC_UNSUPPORTED_VERSION	= -32022,
	/* A pake failure that is not about the parameters (forbidden,
	 * unauthorized, rate_limited, ...): outside the range JSON-RPC and
	 * MCP reserve; data is the error envelope {"error":{code,message}}. */
	PAKE_RPC_PAKE			= -31000,
};

typedef struct pake_mcp_opts {
	const char *name;		/* serverInfo.name; NULL: "pake" */
	const char *version;		/* NULL: PAKE_MCP_VERSION */
	/* A transport without sessions (HTTP): every legacy-era request is
	 * served as if initialize had been answered at this version (NULL:
	 * PAKE_MCP_LEGACY_LATEST). */
	int stateless;
	const char *protocol;
	/* Deepest nesting served (0 or more than PAKE_MCP_MAX_DEPTH: that). */
	int max_depth;
	/* Streamable HTTP: the request's MCP-Protocol-Version, Mcp-Method
	 * and Mcp-Name headers (NULL when absent), checked against the body
	 * (2026-07-28 basic/transports/streamable-http, Server Validation);
	 * pake_mcp_http_status() then gives the reply's HTTP status. */
	int http;
	const char *hdr_version;
	const char *hdr_method;
	const char *hdr_name;
} pake_mcp_opts;

typedef struct pake_mcp {
	pake_ctx *ctx;			/* who acts, with what rights */
	const char *name;
	const char *version;
	int stateless;			/* no sessions: see pake_mcp_opts */
	int initialized;		/* legacy: initialize was answered */
	int ready;			/* legacy: client said initialized */
	char protocol[16];		/* legacy: the negotiated version */
	char log_level[16];		/* legacy: logging/setLevel */
	unsigned long requests;		/* requests answered */
	int max_depth;
	int http;			/* see pake_mcp_opts */
	const char *hdr_version, *hdr_method, *hdr_name;
	/* The last reply: its JSON-RPC error code (0 for a result or no
	 * reply) and whether its request was of the 2026-07-28 era. */
	int last_code;
	int last_modern;
} pake_mcp;

/* Serve as c's tenant and user; o may be NULL. */
void pake_mcp_init(pake_mcp *m, pake_ctx *c, const pake_mcp_opts *o);

/* Handle the message msg[0..len) (it need not be NUL-terminated) and
 * append the reply, one line of JSON without the newline, to reply; append
 * nothing for notifications and responses.  Returns 0, or PAKE_EINTERNAL
 * when out of memory (reply then holds a fixed internal error, when even
 * that fits). */
int pake_mcp_handle(pake_mcp *m, const char *msg, size_t len,
    pake_buf *reply);

/* The HTTP status of the last reply of pake_mcp_handle() (opts.http):
 * 2026-07-28 requests get 400 for a malformed request or parameters, a
 * header mismatch or an unsupported version, 404 for a method not
 * served; a bad MCP-Protocol-Version header is 400 in every era; the
 * rest is 200. */
int pake_mcp_http_status(const pake_mcp *m);

/* Append an error response with a null id: for what a transport refuses
 * before the dispatcher sees it (an over-long line, an unknown peer).
 * data_json: JSON text for "data", or NULL. */
void pake_mcp_error(pake_buf *reply, int code, const char *message,
    const char *data_json);

#endif
