/*
 * research_cache.h: research answers kept as files, shared by processes
 * and tenants (public data only; lib/research_cache.c has the design).
 */
#ifndef PAKE_RESEARCH_CACHE_H
#define PAKE_RESEARCH_CACHE_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "config.h"

/* The cache folder: <folder of the control database>/cache.  -1 when the
 * configuration names no database path. */
int pake_rcache_dir(const pake_config *cfg, char *out, size_t n);
/* 1 and *value (the caller's) when source ([a-z0-9_]{1,32}) has a fresh
 * entry (younger than ttl_s) for key; 0 otherwise. */
int pake_rcache_get(const char *dir, const char *source, const char *key,
    long ttl_s, cJSON **value);
/* Keep value for key; failures are silent (the cache only saves time). */
void pake_rcache_put(const char *dir, const char *source, const char *key,
    const cJSON *value);

#endif
