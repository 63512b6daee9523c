/*
 * config.h: one configuration for every tool.
 *
 * Sources, later wins: built-in defaults, the file (/etc/pake/pake.conf or
 * $PAKE_CONFIG: "key = value" lines, "[section]" prefixes "section." to the
 * keys after it), PAKE_* environment variables (key upper-cased, '.' -> '_'),
 * then command-line flags.  Every value is checked when it is set; a bad one
 * is refused with a message naming the key and where it came from.
 */
#ifndef PAKE_CONFIG_H
#define PAKE_CONFIG_H

#include "err.h"

enum pake_cfg_key {
	PAKE_CFG_DB,		/* database path */
	PAKE_CFG_VAULT,		/* the default tenant's vault */
	PAKE_CFG_TENANTS_DIR,	/* other tenants' vaults */
	PAKE_CFG_TENANT,	/* acting tenant of local tools */
	PAKE_CFG_TOKEN,		/* act as this token's user */
	PAKE_CFG_LOG_LEVEL,	/* debug, info, warn, error */
	PAKE_CFG_LOG_FORMAT,	/* auto, json, text */
	PAKE_CFG_BUSY_TIMEOUT,	/* ms to wait for the write lock */
	PAKE_CFG_MAX_NOTE,	/* bytes of one note file */
	PAKE_CFG_VERSIONS_KEEP,	/* versions prune keeps a note; 0: all */
	PAKE_CFG_MCP_MAX_LINE,	/* [mcp] max_line: bytes of one message */
	PAKE_CFG_HTTP_MAX_HEADER,	/* [http] bytes of all request headers */
	PAKE_CFG_HTTP_MAX_URL,	/* bytes of the request target */
	PAKE_CFG_HTTP_MAX_BODY,	/* bytes of a request body */
	PAKE_CFG_HTTP_MAX_DEPTH,	/* nesting of a JSON body */
	PAKE_CFG_HTTP_IDLE,	/* seconds a connection may wait idle */
	PAKE_CFG_HTTP_READ,	/* seconds to receive a whole request */
	PAKE_CFG_HTTP_THREADS,	/* worker threads (Accept=no); 0: 4 a core */
	PAKE_CFG_HTTP_CORS,	/* allowed origins, comma-separated */
	PAKE_CFG_EMBED_URL,	/* [embeddings] url: the provider's base URL */
	PAKE_CFG_EMBED_MODEL,	/* model: its name ("" with a url: refused) */
	PAKE_CFG_EMBED_KEY,	/* api_key: sent as a bearer token */
	PAKE_CFG_EMBED_TIMEOUT,	/* timeout_s: of one request */
	PAKE_CFG_EMBED_BATCH,	/* batch: notes in one request */
	PAKE_CFG_EMBED_INPUT,	/* max_input_bytes: of one note's text sent */
	PAKE_CFG_FETCH_PRIVATE,	/* [fetch] allow_private: no | yes */
	PAKE_CFG_FETCH_TIMEOUT,	/* timeout_s: of one request */
	PAKE_CFG_FETCH_MAX,	/* max_bytes: of one answer, decoded */
	PAKE_CFG_FETCH_REDIRECTS,	/* max_redirects */
	PAKE_CFG_RS_ARXIV,	/* [research] arxiv_url */
	PAKE_CFG_RS_PUBMED,	/* pubmed_url: E-utilities' base */
	PAKE_CFG_RS_EMAIL,	/* pubmed_email: NCBI asks for one */
	PAKE_CFG_RS_NCBI_KEY,	/* pubmed_api_key */
	PAKE_CFG_RS_SEARX,	/* searx_url: a SearxNG instance, or "" */
	PAKE_CFG_SEARCH_RETENTION,	/* search_log.retention_days */
	PAKE_CFG__N
};

typedef struct pake_config {
	char *val[PAKE_CFG__N];		/* NULL: unset, default applies */
	long num[PAKE_CFG__N];		/* parsed numeric/enumerated values */
	const char *origin[PAKE_CFG__N];/* "default", "file", "environment", "flag" */
	char *def[PAKE_CFG__N];		/* derived defaults (paths) */
	char *file;			/* the file read, if any */
} pake_config;

/* Defaults, then the file, then the environment. */
int pake_config_load(pake_config *c, pake_err *e);
/* Set key (its name, e.g. "log_level") from origin; validates. */
int pake_config_set(pake_config *c, const char *key, const char *value,
    const char *origin, pake_err *e);
void pake_config_free(pake_config *c);

/* The effective value: set value, else derived default (paths resolved
 * as ARCHITECTURE.md §7 says).  Never NULL for DB, VAULT, TENANTS_DIR, TENANT,
 * LOG_LEVEL, LOG_FORMAT. */
const char *pake_config_str(const pake_config *c, int key);
long pake_config_num(const pake_config *c, int key);
const char *pake_config_name(int key);

#endif
