/*
 * feeds.h: RSS and Atom subscriptions of a tenant (issue 13; lib/feeds.c
 * has the design): subscribe, poll with conditional requests, new items
 * only, saved as SourceNotes when the feed says so.
 */
#ifndef PAKE_FEEDS_H
#define PAKE_FEEDS_H

#include <stdint.h>
#include <cjson/cJSON.h>
#include "err.h"

#define PAKE_FEEDS_MAX		1000	/* feeds of one tenant */
#define PAKE_FEED_SEEN_KEEP	5000	/* item ids remembered per feed */
#define PAKE_FEED_URL_MAX	4096

struct pake_ctx;

/* Subscribe to the feed at url (http or https): it is fetched once and
 * must parse as RSS 2.0, RSS 1.0 or Atom (else the parser's error, and
 * nothing is stored); its title is learnt and the items it lists now are
 * marked seen, so a poll brings only items published after.  save: new
 * items are saved as notes; backfill: the items listed now are saved at
 * once too.  *out {url, title, format, save, items, saved?}.
 * PAKE_ECONFLICT when already subscribed, PAKE_EQUOTA beyond
 * PAKE_FEEDS_MAX. */
int pake_feed_add(struct pake_ctx *c, const char *url, int save,
    int backfill, cJSON **out, pake_err *e);
/* Unsubscribe (the notes saved stay); PAKE_ENOTFOUND when not subscribed.
 * *out {url, removed: true}. */
int pake_feed_remove(struct pake_ctx *c, const char *url, cJSON **out,
    pake_err *e);
/* *out {feeds: [{url, title, save, items_seen, added, polled?, ok?,
 * last_error?}]}; reads only. */
int pake_feed_list(struct pake_ctx *c, cJSON **out, pake_err *e);

/* What feeds and topics (topics.c) share: a subscription's times and last
 * error as {added, polled, ok, last_error} members of o; and a listing in
 * one read snapshot, walk filling the array, as {key: [...]}. */
void pake_sub_status(cJSON *o, int64_t added_ms, int64_t polled_ms,
    int64_t ok_ms, const char *last_error);
struct pake_db;
typedef int (*pake_sub_walk)(struct pake_db *st, cJSON *list, pake_err *e);
int pake_sub_list(struct pake_ctx *c, const char *key, pake_sub_walk walk,
    cJSON **out, pake_err *e);
/* Poll one feed (url) or all (NULL): *out {feeds: [{url, title, status:
 * "new" | "unchanged" | "error", new_items, items: [{guid, title, url?,
 * published?}], saved: [{pake_id, created, file_path?}] (when the feed
 * saves: one per item, in order), error?}]}.  A
 * feed's failure is in its entry and stored with it; the others are
 * polled all the same.  PAKE_ENOTFOUND when url is not subscribed. */
int pake_feed_poll(struct pake_ctx *c, const char *url, cJSON **out,
    pake_err *e);

#endif
