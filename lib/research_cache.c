/*
 * research_cache.c: what research sources answered, kept as files beside
 * the control database (<db dir>/cache/<source>/<sha256 of the key>.json)
 * and shared by every process and every tenant: only public data (a
 * query's results from arXiv, PubMed, the web) is cached, never a note.
 *
 * Files, not a database: a search is a read, and a read writes nothing to
 * a database (DESIGN §3); a cache entry is written atomically (a temp file
 * in the same folder, then rename), so a reader sees the old entry or the
 * new one, and two processes filling the same entry at once both win
 * harmlessly.  An entry is {"key", "at" (ms), "value"}; it is fresh while
 * at + ttl > now, and its key must be the one asked (a hash collision
 * reads as a miss).  Entries older than a day go when a put happens to
 * sweep (one put in 64), so the folder stays bounded by a day's distinct
 * queries.  Every failure of the cache is a miss or a lost put, never an
 * error: the cache only saves time.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pake/research_cache.h"
#include "pake/util.h"

#define ENTRY_MAX	(32u << 20)	/* bytes of one entry read */
#define SWEEP_AGE_MS	(24 * 3600 * 1000LL)

int
pake_rcache_dir(const pake_config *cfg, char *out, size_t n)
{
	const char *db = pake_config_str(cfg, PAKE_CFG_DB);
	const char *slash = db ? strrchr(db, '/') : NULL;

	if (db == NULL || slash == NULL)
		return -1;
	return (size_t)snprintf(out, n, "%.*s/cache", (int)(slash - db), db) <
	    n ? 0 : -1;
}

/* dir/source/<hex>.json into path; -1 when the source name is not plain. */
static int
entry_path(const char *dir, const char *source, const char *key, char *path,
    size_t n)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof h + 1];
	size_t i;

	for (i = 0; source[i]; i++)
		if (!((source[i] >= 'a' && source[i] <= 'z') ||
		    (source[i] >= '0' && source[i] <= '9') || source[i] == '_'))
			return -1;
	if (i == 0 || i > 32)
		return -1;
	crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
	for (i = 0; i < sizeof h; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	return (size_t)snprintf(path, n, "%s/%s/%s.json", dir, source, hex) <
	    n ? 0 : -1;
}

int
pake_rcache_get(const char *dir, const char *source, const char *key,
    long ttl_s, cJSON **value)
{
	char path[PATH_MAX], *text = NULL;
	const cJSON *k, *at;
	pake_err e = {0};
	cJSON *doc;
	size_t len;

	*value = NULL;
	if (dir == NULL || entry_path(dir, source, key, path, sizeof path) != 0)
		return 0;
	if (pake_read_file(path, ENTRY_MAX, &text, &len, &e) != 0)
		return 0;
	doc = cJSON_ParseWithLength(text, len);
	free(text);
	k = cJSON_GetObjectItemCaseSensitive(doc, "key");
	at = cJSON_GetObjectItemCaseSensitive(doc, "at");
	if (!cJSON_IsString(k) || strcmp(k->valuestring, key) != 0 ||
	    !cJSON_IsNumber(at) || at->valuedouble + (double)ttl_s * 1000 <=
	    (double)pake_now_ms() || at->valuedouble > (double)pake_now_ms() +
	    60000) {
		cJSON_Delete(doc);
		return 0;
	}
	*value = cJSON_DetachItemFromObjectCaseSensitive(doc, "value");
	cJSON_Delete(doc);
	return *value != NULL;
}

/* Remove the entries of folder d older than a day. */
static void
sweep(const char *d)
{
	int64_t old = pake_now_ms() - SWEEP_AGE_MS;
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *dp;

	if ((dp = opendir(d)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", d,
		    de->d_name) >= sizeof path)
			continue;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (int64_t)st.st_mtime * 1000 < old)
			unlink(path);
	}
	closedir(dp);
}

void
pake_rcache_put(const char *dir, const char *source, const char *key,
    const cJSON *value)
{
	char path[PATH_MAX], sub[PATH_MAX], *text;
	pake_err e = {0};
	cJSON *doc;

	if (dir == NULL || entry_path(dir, source, key, path, sizeof path) != 0)
		return;
	if ((size_t)snprintf(sub, sizeof sub, "%s/%s", dir, source) >=
	    sizeof sub)
		return;
	if ((mkdir(dir, 0700) != 0 && errno != EEXIST) ||
	    (mkdir(sub, 0700) != 0 && errno != EEXIST))
		return;
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "key", key);
	cJSON_AddNumberToObject(doc, "at", (double)pake_now_ms());
	cJSON_AddItemToObject(doc, "value", cJSON_Duplicate(value, 1));
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (text == NULL)
		return;
	(void)pake_write_atomic(path, text, strlen(text), 0600, 0, &e);
	free(text);
	if (randombytes_uniform(64) == 0)
		sweep(sub);
}
