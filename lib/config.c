/*
 * config.c: defaults, file, environment and flags, in that order.
 *
 * Each key is one row of a table: its name, how to check a value, and its
 * default.  The same table serves the file parser, the environment and the
 * tools' flags, so a key cannot be accepted by one and refused by another.
 * A value is checked when it is set: a bad one stops the tool at start with
 * a message naming the key, never later in the middle of work.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/config.h"
#include "pake/util.h"

enum kind { K_PATH, K_NAME, K_SECRET, K_ENUM, K_INT, K_TEXT, K_ORIGINS,
	K_URL };

static const struct key {
	const char *name;
	enum kind kind;
	const char *def;	/* NULL: derived */
	long min, max;		/* K_INT bounds */
	const char *const *choices;	/* K_ENUM */
} keys[PAKE_CFG__N] = {
	[PAKE_CFG_DB]		= {"db", K_PATH, NULL, 0, 0, NULL},
	[PAKE_CFG_VAULT]	= {"vault", K_PATH, NULL, 0, 0, NULL},
	[PAKE_CFG_TENANTS_DIR]	= {"tenants_dir", K_PATH, NULL, 0, 0, NULL},
	[PAKE_CFG_TENANT]	= {"tenant", K_NAME, "default", 0, 0, NULL},
	[PAKE_CFG_TOKEN]	= {"token", K_SECRET, NULL, 0, 0, NULL},
	[PAKE_CFG_LOG_LEVEL]	= {"log_level", K_ENUM, "info", 0, 0,
	    (const char *const[]){"debug", "info", "warn", "error", NULL}},
	[PAKE_CFG_LOG_FORMAT]	= {"log_format", K_ENUM, "auto", 0, 0,
	    (const char *const[]){"auto", "json", "text", NULL}},
	[PAKE_CFG_BUSY_TIMEOUT]	= {"busy_timeout_ms", K_INT, "30000", 0, 600000,
	    NULL},
	[PAKE_CFG_MAX_NOTE]	= {"max_note_bytes", K_INT, "33554432", 1024,
	    1L << 30, NULL},
	[PAKE_CFG_VERSIONS_KEEP] = {"versions_keep", K_INT, "0", 0, 1000000,
	    NULL},
	[PAKE_CFG_MCP_MAX_LINE]	= {"mcp.max_line", K_INT, "4194304", 1024,
	    1L << 30, NULL},
	[PAKE_CFG_HTTP_MAX_HEADER] = {"http.max_header_bytes", K_INT, "16384",
	    1024, 1L << 20, NULL},
	[PAKE_CFG_HTTP_MAX_URL]	= {"http.max_url_bytes", K_INT, "4096", 256,
	    65536, NULL},
	[PAKE_CFG_HTTP_MAX_BODY] = {"http.max_body_bytes", K_INT, "33554432",
	    1024, 1L << 30, NULL},
	[PAKE_CFG_HTTP_MAX_DEPTH] = {"http.max_json_depth", K_INT, "32", 2, 512,
	    NULL},
	[PAKE_CFG_HTTP_IDLE]	= {"http.idle_timeout_s", K_INT, "15", 1, 3600,
	    NULL},
	[PAKE_CFG_HTTP_READ]	= {"http.read_timeout_s", K_INT, "30", 1, 3600,
	    NULL},
	[PAKE_CFG_HTTP_THREADS]	= {"http.threads", K_INT, "0", 0, 256, NULL},
	[PAKE_CFG_HTTP_CORS]	= {"http.cors_origins", K_ORIGINS, "", 0, 0,
	    NULL},
	[PAKE_CFG_EMBED_URL]	= {"embeddings.url", K_URL, "", 0, 0, NULL},
	[PAKE_CFG_EMBED_MODEL]	= {"embeddings.model", K_TEXT, "", 0, 0, NULL},
	[PAKE_CFG_EMBED_KEY]	= {"embeddings.api_key", K_SECRET, NULL, 0, 0,
	    NULL},
	[PAKE_CFG_EMBED_TIMEOUT] = {"embeddings.timeout_s", K_INT, "30", 1, 600,
	    NULL},
	[PAKE_CFG_EMBED_BATCH]	= {"embeddings.batch", K_INT, "32", 1, 2048,
	    NULL},
	[PAKE_CFG_EMBED_INPUT]	= {"embeddings.max_input_bytes", K_INT, "8000",
	    100, 1L << 20, NULL},
	[PAKE_CFG_FETCH_PRIVATE] = {"fetch.allow_private", K_ENUM, "no", 0, 0,
	    (const char *const[]){"no", "yes", NULL}},
	[PAKE_CFG_FETCH_TIMEOUT] = {"fetch.timeout_s", K_INT, "30", 1, 600,
	    NULL},
	[PAKE_CFG_FETCH_MAX]	= {"fetch.max_bytes", K_INT, "33554432", 1024,
	    1L << 30, NULL},
	[PAKE_CFG_FETCH_REDIRECTS] = {"fetch.max_redirects", K_INT, "5", 0, 20,
	    NULL},
	[PAKE_CFG_RS_ARXIV]	= {"research.arxiv_url", K_URL,
	    "http://export.arxiv.org/api/query", 0, 0, NULL},
	[PAKE_CFG_RS_PUBMED]	= {"research.pubmed_url", K_URL,
	    "https://eutils.ncbi.nlm.nih.gov/entrez/eutils", 0, 0, NULL},
	[PAKE_CFG_RS_EMAIL]	= {"research.pubmed_email", K_TEXT, "", 0, 0,
	    NULL},
	[PAKE_CFG_RS_NCBI_KEY]	= {"research.pubmed_api_key", K_SECRET, NULL, 0,
	    0, NULL},
	[PAKE_CFG_RS_SEARX]	= {"research.searx_url", K_URL, "", 0, 0, NULL},
	[PAKE_CFG_SEARCH_RETENTION] = {"search_log.retention_days", K_INT, "90",
	    1, 36500, NULL},
};

#define CONFIG_LINE_MAX	4096
#define CONFIG_FILE_MAX	(1024 * 1024)

static int resolve(pake_config *c);

static int
find_key(const char *name)
{
	int i;

	for (i = 0; i < PAKE_CFG__N; i++)
		if (strcmp(keys[i].name, name) == 0)
			return i;
	return -1;
}

const char *
pake_config_name(int key)
{
	return key >= 0 && key < PAKE_CFG__N ? keys[key].name : "?";
}

/* Check value for key k; on success store its numeric form in *num. */
static int
check(int k, const char *v, long *num)
{
	const struct key *kd = &keys[k];
	size_t len = strlen(v);
	char *end;
	long x;
	int i;

	*num = 0;
	if (!pake_utf8_valid(v, len))
		return -1;
	switch (kd->kind) {
	case K_PATH:
		return len == 0 || len >= PATH_MAX ? -1 : 0;
	case K_SECRET:
		return len == 0 || len > 512 ? -1 : 0;
	case K_TEXT:
		for (i = 0; v[i]; i++)
			if ((unsigned char)v[i] < 0x20)
				return -1;
		return len > 4096 ? -1 : 0;
	case K_ORIGINS:
		/* Named origins only: "*" with credentials is what the Python
		 * server did wrong. */
		for (i = 0; v[i]; ) {
			size_t n;
			i += (int)strspn(v + i, ", ");
			n = strcspn(v + i, ", ");
			if (n == 0)
				break;
			if (!((n > 7 && strncmp(v + i, "http://", 7) == 0) ||
			    (n > 8 && strncmp(v + i, "https://", 8) == 0)))
				return -1;
			i += (int)n;
		}
		return len > 4096 ? -1 : 0;
	case K_URL:
		for (i = 0; v[i]; i++)
			if ((unsigned char)v[i] <= 0x20 || v[i] == 0x7f)
				return -1;
		return len == 0 || ((strncmp(v, "http://", 7) == 0 &&
		    len > 7) || (strncmp(v, "https://", 8) == 0 && len > 8)) ?
		    (len > 2048 ? -1 : 0) : -1;
	case K_NAME:
		if (len == 0 || len > 63 || !(islower((unsigned char)v[0]) ||
		    isdigit((unsigned char)v[0])))
			return -1;
		for (i = 0; v[i]; i++)
			if (!islower((unsigned char)v[i]) &&
			    !isdigit((unsigned char)v[i]) && v[i] != '-')
				return -1;
		return 0;
	case K_ENUM:
		for (i = 0; kd->choices[i]; i++)
			if (strcmp(kd->choices[i], v) == 0) {
				*num = i;
				return 0;
			}
		return -1;
	case K_INT:
		errno = 0;
		x = strtol(v, &end, 10);
		if (errno || end == v || *end || x < kd->min || x > kd->max)
			return -1;
		*num = x;
		return 0;
	}
	return -1;
}

/* What a good value for key k looks like, for the error message. */
static void
describe(int k, char *out, size_t n)
{
	const struct key *kd = &keys[k];
	size_t used;
	int i;

	switch (kd->kind) {
	case K_PATH:
		snprintf(out, n, "a non-empty path");
		break;
	case K_SECRET:
		snprintf(out, n, "a non-empty token");
		break;
	case K_TEXT:
		snprintf(out, n, "text without control characters");
		break;
	case K_ORIGINS:
		snprintf(out, n, "origins such as https://app.example, comma "
		    "separated (never *)");
		break;
	case K_URL:
		snprintf(out, n, "an http:// or https:// URL, or nothing");
		break;
	case K_NAME:
		snprintf(out, n, "a name of [a-z0-9-], at most 63 characters");
		break;
	case K_INT:
		snprintf(out, n, "a whole number from %ld to %ld", kd->min,
		    kd->max);
		break;
	case K_ENUM:
		used = (size_t)snprintf(out, n, "one of");
		for (i = 0; kd->choices[i] && used < n; i++)
			used += (size_t)snprintf(out + used, n - used, "%s %s",
			    i ? "," : "", kd->choices[i]);
		break;
	}
}

int
pake_config_set(pake_config *c, const char *key, const char *value,
    const char *origin, pake_err *e)
{
	char want[256];
	long num;
	char *dup;
	int k;

	k = find_key(key);
	if (k < 0)
		return pake_fail(e, PAKE_EINVAL, "Unknown configuration key",
		    "unknown configuration key '%s' (from %s)", key, origin);
	if (check(k, value, &num) != 0) {
		describe(k, want, sizeof want);
		return pake_fail(e, PAKE_EINVAL, "Bad configuration value",
		    "bad value for '%s' (from %s): must be %s", key, origin,
		    want);
	}
	/* A relative path is made absolute once, here: every process and
	 * thread then means the same folder, whatever its working folder
	 * becomes. */
	if (keys[k].kind == K_PATH && value[0] != '/') {
		char cwd[PATH_MAX], abs[PATH_MAX];
		if (getcwd(cwd, sizeof cwd) == NULL ||
		    (size_t)snprintf(abs, sizeof abs, "%s/%s", cwd, value) >=
		    sizeof abs)
			return pake_fail(e, PAKE_EINVAL, "Bad configuration value",
			    "bad value for '%s' (from %s): the path made "
			    "absolute is too long", key, origin);
		dup = strdup(abs);
	} else
		dup = strdup(value);
	if (dup == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	free(c->val[k]);
	c->val[k] = dup;
	c->num[k] = num;
	c->origin[k] = origin;
	if (resolve(c) != 0)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	return 0;
}

/* Trim ASCII white space at both ends, in place. */
static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Parse the configuration file text; errors name the line. */
static int
parse_file(pake_config *c, const char *path, char *text, pake_err *e)
{
	char section[64] = "", key[128], *line, *next, *eq, *k, *v;
	size_t vlen;
	int lineno = 0, rc;

	for (line = text; line && *line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strlen(line) > CONFIG_LINE_MAX)
			return pake_fail(e, PAKE_EINVAL, "Bad configuration file",
			    "%s:%d: line too long", path, lineno);
		line = trim(line);
		if (*line == '\0' || *line == '#' || *line == ';')
			continue;
		if (*line == '[') {
			size_t n = strlen(line);
			if (n < 3 || line[n - 1] != ']' || n - 2 >= sizeof section)
				return pake_fail(e, PAKE_EINVAL,
				    "Bad configuration file",
				    "%s:%d: bad section header", path, lineno);
			line[n - 1] = '\0';
			pake_strlcpy(section, trim(line + 1), sizeof section);
			continue;
		}
		if ((eq = strchr(line, '=')) == NULL)
			return pake_fail(e, PAKE_EINVAL, "Bad configuration file",
			    "%s:%d: expected key = value", path, lineno);
		*eq = '\0';
		k = trim(line);
		v = trim(eq + 1);
		vlen = strlen(v);
		if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
			v[vlen - 1] = '\0';
			v++;
		}
		if ((size_t)snprintf(key, sizeof key, "%s%s%s", section,
		    *section ? "." : "", k) >= sizeof key)
			return pake_fail(e, PAKE_EINVAL, "Bad configuration file",
			    "%s:%d: key too long", path, lineno);
		if ((rc = pake_config_set(c, key, v, "file", e)) != 0) {
			char d[sizeof e->detail];
			pake_strlcpy(d, e->detail, sizeof d);
			snprintf(e->detail, sizeof e->detail, "%s:%d: %s", path,
			    lineno, d);
			return rc;
		}
	}
	return 0;
}

/* The environment name of key k: PAKE_ + upper case, '.' -> '_'. */
static void
env_name(int k, char *out, size_t n)
{
	size_t i, j;

	j = (size_t)snprintf(out, n, "PAKE_");
	for (i = 0; keys[k].name[i] && j + 1 < n; i++, j++)
		out[j] = keys[k].name[i] == '.' ? '_' :
		    (char)toupper((unsigned char)keys[k].name[i]);
	out[j] = '\0';
}

int
pake_config_load(pake_config *c, pake_err *e)
{
	const char *path, *v;
	char name[96];
	size_t len;
	char *text;
	int k, rc, explicit;

	memset(c, 0, sizeof *c);
	if (resolve(c) != 0)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	for (k = 0; k < PAKE_CFG__N; k++) {
		c->origin[k] = "default";
		if (keys[k].def)
			check(k, keys[k].def, &c->num[k]);
	}
	path = getenv("PAKE_CONFIG");
	explicit = path && *path;
	if (!explicit)
		path = "/etc/pake/pake.conf";
	rc = pake_read_file(path, CONFIG_FILE_MAX, &text, &len, e);
	if (rc == PAKE_ENOTFOUND && !explicit) {
		pake_err_clear(e);
	} else if (rc != 0) {
		return pake_fail(e, PAKE_EINVAL, "Cannot read configuration file",
		    "cannot read configuration file %s", path);
	} else {
		c->file = strdup(path);
		if (memchr(text, '\0', len))
			rc = pake_fail(e, PAKE_EINVAL, "Bad configuration file",
			    "%s: contains a NUL byte", path);
		else
			rc = parse_file(c, path, text, e);
		free(text);
		if (rc)
			return rc;
	}
	for (k = 0; k < PAKE_CFG__N; k++) {
		env_name(k, name, sizeof name);
		if ((v = getenv(name)) == NULL)
			continue;
		if ((rc = pake_config_set(c, keys[k].name, v, "environment",
		    e)) != 0) {
			char d[sizeof e->detail];
			pake_strlcpy(d, e->detail, sizeof d);
			snprintf(e->detail, sizeof e->detail, "%s (%s)", d, name);
			return rc;
		}
	}
	return 0;
}

void
pake_config_free(pake_config *c)
{
	int k;

	for (k = 0; k < PAKE_CFG__N; k++) {
		free(c->val[k]);
		free(c->def[k]);
	}
	free(c->file);
	memset(c, 0, sizeof *c);
}

/* Recompute the derived defaults (ARCHITECTURE.md §7) after any change: the
 * tenants folder follows the database, wherever that came from. */
static int
resolve(pake_config *c)
{
	char buf[PATH_MAX + 32], *slash;
	const char *s, *home;
	int k;

	for (k = 0; k < PAKE_CFG__N; k++) {
		free(c->def[k]);
		c->def[k] = NULL;
	}
	home = getenv("HOME");
	if (home == NULL || *home == '\0')
		home = "/";
	if ((s = getenv("STATE_DIRECTORY")) && *s)	/* may list several */
		snprintf(buf, sizeof buf, "%.*s/pake.db", (int)strcspn(s, ":"), s);
	else if ((s = getenv("XDG_DATA_HOME")) && *s == '/')
		snprintf(buf, sizeof buf, "%s/pake/pake.db", s);
	else
		snprintf(buf, sizeof buf, "%s/.local/share/pake/pake.db", home);
	c->def[PAKE_CFG_DB] = strdup(buf);
	/* Under a systemd unit (StateDirectory=) the vault lives beside the
	 * database: a DynamicUser's home is "/", read-only in the sandbox. */
	if ((s = getenv("STATE_DIRECTORY")) && *s)
		snprintf(buf, sizeof buf, "%.*s/vault", (int)strcspn(s, ":"), s);
	else
		snprintf(buf, sizeof buf, "%s/Knowledge-Vault", home);
	c->def[PAKE_CFG_VAULT] = strdup(buf);
	s = c->val[PAKE_CFG_DB] ? c->val[PAKE_CFG_DB] : c->def[PAKE_CFG_DB];
	pake_strlcpy(buf, s ? s : "", sizeof buf);
	if ((slash = strrchr(buf, '/')) != NULL)
		strcpy(slash + 1, "tenants");
	else
		pake_strlcpy(buf, "tenants", sizeof buf);
	c->def[PAKE_CFG_TENANTS_DIR] = strdup(buf);
	for (k = 0; k < PAKE_CFG__N; k++)
		if (keys[k].def == NULL && keys[k].kind != K_SECRET &&
		    c->def[k] == NULL)
			return -1;
	return 0;
}

const char *
pake_config_str(const pake_config *c, int key)
{
	if (key < 0 || key >= PAKE_CFG__N)
		return NULL;
	if (c->val[key])
		return c->val[key];
	if (keys[key].def)
		return keys[key].def;
	return c->def[key];
}

long
pake_config_num(const pake_config *c, int key)
{
	return key >= 0 && key < PAKE_CFG__N ? c->num[key] : 0;
}
