/*
 * store.c: the note store (see store.h).
 *
 * A change is one short BEGIN IMMEDIATE transaction on the acting tenant's
 * store that writes the row, its tags and the full-text index; after
 * COMMIT the vault file is written from the committed state.
 * Nothing slow (file I/O, fsync) happens while the write lock is held.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/auth.h"
#include "pake/frontmatter.h"
#include "pake/query.h"
#include "pake/note_keys.h"
#include "pake/store.h"
#include "pake/graph.h"
#include "pake/util.h"
#include "pake/vault.h"
#include "pake/vec.h"

/* A short field: non-empty, at most max bytes, UTF-8, no control chars. */
static int
check_field(const char *s, size_t max, int allow_empty)
{
	size_t i, n;

	if (s == NULL)
		return allow_empty ? 0 : -1;
	n = strlen(s);
	if ((!allow_empty && n == 0) || n > max || !pake_utf8_valid(s, n))
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return -1;
	return 0;
}

/* A long text: UTF-8, no NUL (implied by strlen), bounded. */
static int
check_text(const char *s, size_t max)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	return n <= max && pake_utf8_valid(s, n) ? 0 : -1;
}

int
pake_store_validate(const pake_note *n, size_t max_body, pake_err *e)
{
	int64_t t;
	size_t i;
	int rc;

	if (n->title == NULL || check_field(n->title, PAKE_TITLE_MAX, 0) != 0)
		return pake_fail(e, PAKE_EINVAL, NULL, "bad title");
	if ((rc = pake_vault_check_title(n->title, e)) != 0)
		return rc;
	if (check_field(n->type, 64, 0) != 0)
		return pake_fail(e, PAKE_EINVAL, NULL, "bad type");
	for (i = 0; n->type[i]; i++)
		if (!isalnum((unsigned char)n->type[i]) && n->type[i] != '_' &&
		    n->type[i] != '-')
			return pake_fail(e, PAKE_EINVAL, NULL,
			    "type must be one word");
	if (check_field(n->status, 64, 0) != 0 ||
	    check_field(n->verification_status, 64, 0) != 0)
		return pake_fail(e, PAKE_EINVAL, NULL, "bad status");
	if (!(n->confidence >= 0.0 && n->confidence <= 1.0))
		return pake_fail(e, PAKE_EINVAL, NULL, "confidence not in 0..1");
	/* Times are ISO 8601 or nothing: "yesterday" would be kept as text
	 * and sorted as text. */
	if ((n->created_at && pake_parse_time(n->created_at, &t) != 0) ||
	    (n->modified_at && pake_parse_time(n->modified_at, &t) != 0))
		return pake_fail(e, PAKE_EINVAL, NULL,
		    "created_at/modified_at: not ISO 8601");
	if (check_field(n->source_uri, PAKE_FIELD_MAX, 0) != 0)
		return pake_fail(e, PAKE_EINVAL, NULL, "bad source_uri");
	if (check_text(n->summary, PAKE_TEXT_MAX) != 0 ||
	    check_text(n->human_notes, PAKE_TEXT_MAX) != 0)
		return pake_fail(e, PAKE_EINVAL, NULL, "bad summary/human_notes");
	if (n->body && (n->body_len > max_body ||
	    memchr(n->body, '\0', n->body_len) != NULL))
		return pake_fail(e, n->body_len > max_body ? PAKE_ETOOBIG :
		    PAKE_EINVAL, NULL, "body too large or holds NUL");
	if (n->body && !pake_utf8_valid(n->body, n->body_len))
		return pake_fail(e, PAKE_EINVAL, NULL, "body is not UTF-8");
	for (i = 0; i < n->ntags; i++)
		if (check_field(n->tags[i], PAKE_TAG_MAX, 0) != 0)
			return pake_fail(e, PAKE_EINVAL, NULL, "bad tag");
	return 0;
}

/* Set *dst to a copy of src (NULL allowed); 0 or -1 when out of memory. */
static int
set_str(char **dst, const char *src)
{
	char *p = NULL;

	if (src && (p = strdup(src)) == NULL)
		return -1;
	free(*dst);
	*dst = p;
	return 0;
}

/*
 * Crash safety (issue 9).  Every change records a pending row in its own
 * transaction (pending()), so a writer killed between its commit and its
 * file leaves a trace; after commit the file is written and the row goes
 * (mirror()).  The change is durable in the database already: a vault
 * failure is logged, not reported as a failed change (which a client would
 * retry).  Whoever writes next to the tenant finishes what a dead writer
 * left (rows pending for over STALE_MS), and pake-health reports rows
 * pending for over a minute until then.
 */
#define STALE_MS	2000

static int
pending(pake_db *st, const char *pake_id, const char *path, int64_t *seq,
    pake_err *e)
{
	return pake_db_pending_add(st, pake_id, path, seq, e);
}

static void
mirror(pake_ctx *c, const char *pake_id, const char *path, int64_t seq)
{
	pake_err e = {0};

	if (pake_vault_sync(c, pake_id, path, seq, &e) != 0)
		pake_log_msg(c->log, PAKE_LOG_WARN, "vault file of %s not "
		    "written: %s", pake_id, e.detail);
	pake_err_clear(&e);
	if (pake_vault_flush_before(c, pake_now_ms() - STALE_MS, &e) != 0)
		pake_log_msg(c->log, PAKE_LOG_WARN, "a dead writer's vault "
		    "files not written: %s", e.detail);
}

/* Who makes a change and through which tool, for its version row. */
static void
who(const pake_ctx *c, pake_version *v)
{
	if (c->token_id)
		snprintf(v->actor, sizeof v->actor, "token:%lld",
		    (long long)c->token_id);
	else if (c->user_id)
		snprintf(v->actor, sizeof v->actor, "user:%lld",
		    (long long)c->user_id);
	else
		pake_strlcpy(v->actor, "owner", sizeof v->actor);
	pake_strlcpy(v->front, c->log && c->log->tool ? c->log->tool : "pake",
	    sizeof v->front);
}

/* Add the version row of state n (deleted: a delete row). */
static int
record(pake_ctx *c, pake_db *st, const pake_note *n, int64_t version,
    const char *op, int deleted, int64_t when, pake_err *e)
{
	pake_version v;
	char *md = NULL;
	size_t len = 0;
	int rc;

	memset(&v, 0, sizeof v);
	if (!deleted && (md = pake_fm_render(n, &len)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	v.version = version;
	pake_strlcpy(v.op, op, sizeof v.op);
	if (strcmp(op, "baseline") == 0) {	/* made before history */
		pake_strlcpy(v.front, "-", sizeof v.front);
		pake_strlcpy(v.actor, "-", sizeof v.actor);
	} else {
		who(c, &v);
		if (strcmp(op, "hand-edit") == 0)	/* found by this tool */
			pake_strlcpy(v.actor, "vault", sizeof v.actor);
	}
	v.time_ms = when;
	v.title = n->title;
	v.markdown = md;
	v.len = len;
	rc = pake_db_version_add(st, n->pake_id, &v, e);
	free(md);
	return rc;
}

/* A note written before versions were kept gets its state as it stands
 * recorded first ("baseline"), so that no change loses what came before. */
static int
baseline(pake_ctx *c, pake_db *st, const pake_note *old, pake_err *e)
{
	if (pake_db_version_has(st, old->pake_id, old->version))
		return 0;
	return record(c, st, old, old->version, "baseline", 0,
	    old->modified_ms, e);
}

/* What n is the copy of (note_keys.c), kept with it. */
static int
store_keys(pake_db *st, const pake_note *n, pake_err *e)
{
	char keys[PAKE_KEYS_MAX][PAKE_KEY_MAX];

	return pake_db_note_keys_set(st, n->pake_id, keys,
	    pake_note_keys(n, keys, PAKE_KEYS_MAX), e);
}

/*
 * The one way a note's row changes (ARCHITECTURE.md §3): create, update,
 * import and restore all come here, inside the caller's write transaction.
 * old is the note as stored, or NULL when there is none (a new note, or one
 * deleted earlier: its version numbers go on).  n->version becomes the new
 * version, recorded with n's markdown, who made it and through what.
 */
int
pake_store_put(pake_ctx *c, pake_db *st, pake_note *n, const pake_note *old,
    const char *op, pake_err *e)
{
	int64_t last = 0;
	int rc;

	if (old) {
		if ((rc = baseline(c, st, old, e)) != 0)
			return rc;
		last = old->version;
	} else if ((rc = pake_db_version_last(st, n->pake_id, &last, e)) != 0)
		return rc;
	n->version = last + 1;
	if ((rc = record(c, st, n, n->version, op, 0, pake_now_ms(), e)) != 0)
		return rc;
	if ((rc = old ? pake_db_note_update(st, n, e) :
	    pake_db_note_insert(st, n, e)) != 0)
		return rc;
	/* Its identity keys, links and vector, in the same transaction. */
	n->rowid = pake_db_note_rowid(st, n->pake_id);
	if ((rc = store_keys(st, n, e)) != 0 ||
	    (rc = pake_graph_note_put(c, st, n, old, e)) != 0)
		return rc;
	/* Its vector, folded into the fitted model (vec.c). */
	return pake_vec_note_put(c, st, n, e);
}

/* The one way a note goes: its delete is a version too. */
static int
store_remove(pake_ctx *c, pake_db *st, const pake_note *old, pake_err *e)
{
	int rc;

	if ((rc = baseline(c, st, old, e)) != 0 ||
	    (rc = record(c, st, old, old->version + 1, "delete", 1,
	    pake_now_ms(), e)) != 0 ||
	    (rc = pake_graph_note_remove(c, st, old, e)) != 0 ||
	    (rc = pake_vec_note_remove(c, st, old, e)) != 0 ||
	    (rc = pake_db_note_keys_set(st, old->pake_id, NULL, 0, e)) != 0 ||
	    (rc = pake_db_note_delete(st, old->pake_id, e)) != 0)
		return rc;
	return pake_db_tombstone_add(st, old->pake_id, old->file_path, e);
}

/*
 * The vault is a second editor (issue 9).  A note's file holds a hand
 * edit when it says something else than pake wrote there: neither the
 * markdown of the note's current state nor of the three before it (a sync
 * still under way leaves an older one for a moment).  pake never writes
 * over one: before a change, the hand edit becomes the current state
 * (a version, op "hand-edit") and the change applies on top of it.  When
 * the change replaces what the hand edit said, the hand edit stays in the
 * history marked as a conflict (pake-note conflicts).
 */
#define HAND_BACK	3

/* 1 and *hand (the stored note with the file parsed over it) when the
 * file of n holds a hand edit; 0 when not; PAKE_E* on failure. */
static int
hand_edit(pake_ctx *c, pake_db *st, const pake_note *n, pake_note *hand,
    pake_err *e)
{
	char path[PATH_MAX], ts[32], *text = NULL, *md;
	size_t len, mlen;
	pake_version v;
	pake_err fe = {0};
	int64_t k, now;
	int same;

	if (!pake_vault_path_ok(n->file_path) ||
	    (size_t)snprintf(path, sizeof path, "%s/%s", c->vault,
	    n->file_path) >= sizeof path)
		return 0;
	if (pake_read_file(path, (size_t)pake_config_num(c->cfg,
	    PAKE_CFG_MAX_NOTE) + 65536, &text, &len, &fe) != 0)
		return 0;		/* no file (yet): nothing to keep */
	if ((md = pake_fm_render(n, &mlen)) == NULL) {
		free(text);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	same = mlen == len && memcmp(md, text, len) == 0;
	free(md);
	for (k = n->version - 1; !same && k >= 1 && k >= n->version - HAND_BACK;
	    k--) {
		if (pake_db_version_get(st, n->pake_id, k, &v, &fe) != 0)
			continue;
		same = v.markdown && v.len == len &&
		    memcmp(v.markdown, text, len) == 0;
		pake_version_free(&v);
	}
	if (same) {
		free(text);
		return 0;
	}
	/* Someone else's words.  Only a file that is still this note's
	 * (same pake_id) and parses is taken as its new state. */
	if (pake_db_note_get(st, n->pake_id, hand, e) != 0) {
		free(text);
		return e->code;
	}
	if (pake_fm_parse(text, len, hand, &fe) != 0 ||
	    strcmp(hand->pake_id, n->pake_id) != 0) {
		free(text);
		pake_note_free(hand);
		return 0;
	}
	free(text);
	now = pake_now_ms();
	if (now <= n->modified_ms)
		now = n->modified_ms + 1;
	if (hand->modified_ms == n->modified_ms) {	/* not stated anew */
		pake_iso8601(now, ts);
		if (set_str(&hand->modified_at, ts) != 0) {
			pake_note_free(hand);
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
			    NULL);
		}
		hand->modified_ms = now;
	}
	if (pake_note_defaults(hand, now) != 0 ||
	    pake_store_validate(hand, (size_t)pake_config_num(c->cfg,
	    PAKE_CFG_MAX_NOTE), &fe) != 0 || pake_note_same(hand, n)) {
		pake_note_free(hand);
		return 0;
	}
	if (set_str(&hand->file_path, n->file_path) != 0) {
		pake_note_free(hand);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	return 1;
}

/* Does the change (fields in mask of patch; ~0u: a delete; 0: none)
 * replace something the hand edit changed from base? */
static int
overwrites(const pake_note *base, const pake_note *hand, unsigned mask)
{
	if (mask == ~0u)
		return 1;
	if ((mask & PAKE_F_CONTENT) && (hand->body_len != base->body_len ||
	    memcmp(hand->body, base->body, hand->body_len) != 0))
		return 1;
	if ((mask & PAKE_F_TITLE) && strcmp(hand->title, base->title) != 0)
		return 1;
	if ((mask & PAKE_F_TYPE) && strcmp(hand->type, base->type) != 0)
		return 1;
	if ((mask & PAKE_F_STATUS) && strcmp(hand->status, base->status) != 0)
		return 1;
	if ((mask & PAKE_F_TAGS) && hand->ntags != base->ntags)
		return 1;
	return 0;
}

/* Keep a hand edit of n's file before a change: it becomes the current
 * state and *n is replaced by it.  0 (also when there was none). */
static int
absorb(pake_ctx *c, pake_db *st, pake_note *n, unsigned mask, pake_err *e)
{
	pake_note hand;
	int rc;

	if ((rc = hand_edit(c, st, n, &hand, e)) <= 0)
		return rc;
	if ((rc = pake_store_put(c, st, &hand, n, "hand-edit", e)) != 0 ||
	    (overwrites(n, &hand, mask) &&
	    (rc = pake_db_version_conflict(st, hand.pake_id, hand.version,
	    e)) != 0)) {
		pake_note_free(&hand);
		return rc;
	}
	pake_log_msg(c->log, PAKE_LOG_DEBUG, "kept the hand edit of %s as "
	    "version %lld", hand.file_path, (long long)hand.version);
	pake_note_free(n);
	*n = hand;
	return 0;
}

/* PAKE_EPRECOND unless the stored note is at version want (0: any). */
static int
expect(const pake_note *n, int64_t want, pake_err *e)
{
	if (want <= 0 || n->version == want)
		return 0;
	return pake_fail(e, PAKE_EPRECOND, NULL, "version: the note is at "
	    "version %lld, not %lld", (long long)n->version, (long long)want);
}

int
pake_store_quota(pake_ctx *c, pake_db *st, pake_err *e)
{
	pake_tenant t;
	int64_t n;
	int rc;

	if ((rc = pake_db_tenant_get(c->db, NULL, c->tenant_id, &t, e)) != 0)
		return rc;
	if ((n = pake_db_note_count(st)) < 0)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_DB, "note count");
	if (n < pake_tenant_limit(&t, PAKE_LIM_NOTES))
		return 0;
	return pake_fail(e, PAKE_EQUOTA, "Note limit of the plan reached",
	    "tenant %s has %lld notes", t.name, (long long)n);
}

/* How long a create's Idempotency-Key is remembered. */
#define IDEM_MS	(24 * 3600 * 1000LL)

/* A new note's id, defaults and checks, before any transaction. */
static int
create_check(pake_ctx *c, pake_note *n, pake_err *e)
{
	int rc;

	if (n->pake_id[0] == '\0' && (rc = pake_uuid4(n->pake_id, e)) != 0)
		return rc;
	if (!pake_uuid_valid(n->pake_id))
		return pake_fail(e, PAKE_EINVAL, NULL, "bad pake_id");
	if (pake_note_defaults(n, pake_now_ms()) != 0)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	return pake_store_validate(n, (size_t)pake_config_num(c->cfg,
	    PAKE_CFG_MAX_NOTE), e);
}

/* A create failed and was rolled back: a quota reached is audited. */
static int
create_failed(pake_ctx *c, int rc, pake_err *e)
{
	if (rc == PAKE_EQUOTA) {
		pake_err ae = *e;
		cJSON *d = cJSON_CreateObject();

		cJSON_AddStringToObject(d, "limit", "notes");
		pake_audit(c, 0, "quota_hit", d);
		*e = ae;
	}
	return rc;
}

/* A new note inside st's write transaction: the quota, its file's path,
 * the one write path, its file pending (*seq). */
static int
create_put(pake_ctx *c, pake_db *st, pake_note *n, int64_t *seq,
    pake_err *e)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = pake_store_quota(c, st, e)) != 0)
		return rc;
	if (n->file_path == NULL) {
		if ((rc = pake_vault_choose_path(c, n, path, sizeof path, e)) ||
		    set_str(&n->file_path, path))
			return rc ? rc : pake_fail(e, PAKE_EINTERNAL,
			    PAKE_MSG_NOMEM, NULL);
	}
	if ((rc = pake_store_put(c, st, n, NULL, "create", e)) != 0)
		return rc;
	return pending(st, n->pake_id, n->file_path, seq, e);
}

int
pake_store_create(pake_ctx *c, pake_note *n, const char *key, int *replayed,
    pake_err *e)
{
	char first[PAKE_ID_LEN + 1];
	int64_t now = pake_now_ms(), seq = 0;
	pake_db *st;
	int rc;

	if (replayed)
		*replayed = 0;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = create_check(c, n, e)) != 0)
		return rc;
	if ((rc = pake_db_begin(st, e)) != 0)
		return rc;
	/* A retry of a create that was done: the note it made, not a second
	 * one (its state now, which may have changed since). */
	if (key && ((rc = pake_db_idem_get(st, key, now - IDEM_MS, first,
	    e)) != 0 || first[0])) {
		if (rc == 0) {
			pake_db_rollback(st);
			pake_note_free(n);
			if ((rc = pake_db_note_get(st, first, n, e)) == 0 &&
			    replayed)
				*replayed = 1;
			return rc;
		}
		goto fail;
	}
	if ((rc = create_put(c, st, n, &seq, e)) != 0 ||
	    (key && (rc = pake_db_idem_put(st, key, n->pake_id, now,
	    now - IDEM_MS, e)) != 0))
		goto fail;
	if ((rc = pake_db_commit(st, e)) != 0)
		return rc;
	mirror(c, n->pake_id, n->file_path, seq);
	return 0;
fail:
	pake_db_rollback(st);
	if (rc == PAKE_ECONFLICT)
		rc = pake_fail(e, PAKE_ECONFLICT, "A note with this id exists",
		    "%s", e->detail);
	return create_failed(c, rc, e);
}

int
pake_store_create_unique(pake_ctx *c, pake_note *n, char *dup, size_t dupsz,
    pake_err *e)
{
	char keys[PAKE_KEYS_MAX][PAKE_KEY_MAX];
	int64_t seq = 0;
	pake_db *st;
	int rc, k, nk, found = 0;

	dup[0] = '\0';
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = create_check(c, n, e)) != 0)
		return rc;
	nk = pake_note_keys(n, keys, PAKE_KEYS_MAX);
	if ((rc = pake_db_begin(st, e)) != 0)
		return rc;
	/* Looked up in the write transaction: two writers saving the same
	 * paper at once make one note. */
	for (k = 0; k < nk && !found; k++)
		if ((found = pake_db_note_key_find(st, keys[k], dup, dupsz,
		    e)) < 0) {
			rc = e->code;
			goto fail;
		}
	if (found) {
		pake_db_rollback(st);
		return 0;
	}
	if ((rc = create_put(c, st, n, &seq, e)) != 0)
		goto fail;
	if ((rc = pake_db_commit(st, e)) != 0)
		return rc;
	mirror(c, n->pake_id, n->file_path, seq);
	return 0;
fail:
	pake_db_rollback(st);
	return create_failed(c, rc, e);
}

/*
 * Many new notes in one write transaction (POST /semantic/add-documents):
 * each checked first, then each made as pake_store_create makes one; a
 * failure rolls every one back.  The files are written after the commit
 * in one batch (one syncfs).
 */
int
pake_store_create_many(pake_ctx *c, pake_note *ns, size_t count, size_t *bad,
    pake_err *e)
{
	pake_sync_item *items;
	pake_err we = {0};
	pake_db *st;
	size_t i;
	int rc;

	*bad = count;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	for (i = 0; i < count; i++) {
		*bad = i;
		if ((rc = create_check(c, &ns[i], e)) != 0)
			return rc;
	}
	*bad = count;
	if (count == 0)
		return 0;
	if ((items = calloc(count, sizeof *items)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if ((rc = pake_db_begin(st, e)) != 0)
		goto out;
	for (i = 0; i < count; i++) {
		*bad = i;
		if ((rc = create_put(c, st, &ns[i], &items[i].seq, e)) != 0) {
			pake_db_rollback(st);
			create_failed(c, rc, e);
			goto out;
		}
		pake_strlcpy(items[i].pake_id, ns[i].pake_id,
		    sizeof items[i].pake_id);
		items[i].file_path = ns[i].file_path;
	}
	*bad = count;
	if ((rc = pake_db_commit(st, e)) != 0)
		goto out;
	/* Durable already: a vault failure is logged (see mirror()). */
	if (pake_vault_sync_many(c, items, count, &we) != 0)
		pake_log_msg(c->log, PAKE_LOG_WARN, "vault files of a batch "
		    "not all written: %s", we.detail);
	pake_err_clear(&we);
	if (pake_vault_flush_before(c, pake_now_ms() - STALE_MS, &we) != 0)
		pake_log_msg(c->log, PAKE_LOG_WARN, "a dead writer's vault "
		    "files not written: %s", we.detail);
out:
	free(items);
	return rc;
}

int
pake_store_get(pake_ctx *c, const char *pake_id, pake_note *out, pake_err *e)
{
	pake_db *st;
	int rc;

	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if (!pake_uuid_valid(pake_id))
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NOTE_NOT_FOUND,
		    "malformed id");
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	return pake_db_note_get(st, pake_id, out, e);
}

/* Copy the fields of patch named by mask into n. */
static int
apply_patch(pake_note *n, const pake_note *p, unsigned mask, pake_err *e)
{
	size_t i;

	if (((mask & PAKE_F_TITLE) && set_str(&n->title, p->title)) ||
	    ((mask & PAKE_F_TYPE) && set_str(&n->type, p->type)) ||
	    ((mask & PAKE_F_STATUS) && set_str(&n->status, p->status)) ||
	    ((mask & PAKE_F_VSTATUS) && set_str(&n->verification_status,
	    p->verification_status)) ||
	    ((mask & PAKE_F_SOURCE) && set_str(&n->source_uri, p->source_uri)) ||
	    ((mask & PAKE_F_SUMMARY) && set_str(&n->summary, p->summary)) ||
	    ((mask & PAKE_F_HUMAN) && set_str(&n->human_notes, p->human_notes)))
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	if (mask & PAKE_F_CONF)
		n->confidence = p->confidence;
	if (mask & PAKE_F_CONTENT) {
		free(n->body);
		n->body = pake_strndup(p->body ? p->body : "", p->body_len);
		n->body_len = p->body ? p->body_len : 0;
		if (n->body == NULL)
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	if (mask & PAKE_F_TAGS) {
		for (i = 0; i < n->ntags; i++)
			free(n->tags[i]);
		n->ntags = 0;
		for (i = 0; i < p->ntags; i++)
			if (pake_note_add_tag(n, p->tags[i], e) != 0)
				return e->code;
	}
	return 0;
}

/* Start changing an existing note: check the permission, open the write
 * transaction and read the note as it stands.  On failure nothing is open. */
static int
begin_change(pake_ctx *c, uint32_t perm, const char *pake_id, pake_db **st,
    pake_note *n, pake_err *e)
{
	int rc;

	if ((rc = pake_ctx_allow(c, perm, e)) != 0)
		return rc;
	if (!pake_uuid_valid(pake_id))
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NOTE_NOT_FOUND,
		    "malformed id");
	if ((*st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin(*st, e)) != 0)
		return rc;
	if ((rc = pake_db_note_get(*st, pake_id, n, e)) != 0)
		pake_db_rollback(*st);
	return rc;
}

int
pake_store_update(pake_ctx *c, const char *pake_id, const pake_note *patch,
    unsigned mask, int64_t want, pake_note *out, pake_err *e)
{
	int64_t seq = 0;
	pake_note old;
	char ts[32], path[PATH_MAX], *old_path = NULL;
	pake_db *st;
	pake_note n;
	int64_t now, tms;
	int rc;

	if ((rc = begin_change(c, PAKE_P_NOTES_WRITE, pake_id, &st, &n, e)) != 0)
		return rc;
	pake_note_init(&old);
	if ((rc = expect(&n, want, e)) != 0 ||
	    (rc = absorb(c, st, &n, mask, e)) != 0)
		goto fail;
	/* The state as stored, for its version row when it has none. */
	if ((rc = pake_db_note_get(st, pake_id, &old, e)) != 0)
		goto fail;
	now = pake_now_ms();
	if (now <= n.modified_ms)	/* keep modified_ms strictly rising */
		now = n.modified_ms + 1;
	pake_iso8601(now, ts);
	if ((rc = apply_patch(&n, patch, mask, e)) != 0 ||
	    (rc = set_str(&n.modified_at, ts) ? pake_fail(e, PAKE_EINTERNAL,
	    PAKE_MSG_NOMEM, NULL) : 0) != 0)
		goto fail;
	n.modified_ms = now;
	/* A note stored before times were checked may hold a creation time
	 * that is not ISO 8601: write the one it was indexed under. */
	if (pake_parse_time(n.created_at, &tms) != 0) {
		pake_iso8601(n.created_ms, ts);
		if (set_str(&n.created_at, ts) != 0) {
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
			goto fail;
		}
	}
	if ((rc = pake_store_validate(&n, (size_t)pake_config_num(c->cfg,
	    PAKE_CFG_MAX_NOTE), e)) != 0)
		goto fail;
	/* A new type may mean a new folder (ARCHITECTURE.md §7): the note moves, its
	 * old file goes when the new one is written.  The name stays. */
	if ((old_path = strdup(n.file_path)) == NULL) {
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto fail;
	}
	if (strncmp(n.file_path, pake_vault_folder(n.type),
	    strlen(pake_vault_folder(n.type))) != 0 &&
	    (mask & PAKE_F_TYPE)) {
		if ((rc = pake_vault_choose_path(c, &n, path, sizeof path,
		    e)) != 0 || (rc = set_str(&n.file_path, path) ?
		    pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL) : 0) != 0)
			goto fail;
	}
	if ((rc = pake_store_put(c, st, &n, &old, "update", e)) != 0 ||
	    (rc = pending(st, n.pake_id, old_path, &seq, e)) != 0)
		goto fail;
	pake_note_free(&old);
	if ((rc = pake_db_commit(st, e)) != 0) {
		pake_note_free(&n);
		free(old_path);
		return rc;
	}
	mirror(c, n.pake_id, old_path, seq);
	free(old_path);
	if (out)
		*out = n;
	else
		pake_note_free(&n);
	return 0;
fail:
	pake_db_rollback(st);
	pake_note_free(&n);
	pake_note_free(&old);
	free(old_path);
	return rc;
}

int
pake_store_delete(pake_ctx *c, const char *pake_id, int64_t want, pake_err *e)
{
	int64_t seq = 0;
	pake_db *st;
	pake_note n;
	int rc;

	if ((rc = begin_change(c, PAKE_P_NOTES_DELETE, pake_id, &st, &n, e)) != 0)
		return rc;
	if ((rc = expect(&n, want, e)) != 0 ||
	    (rc = absorb(c, st, &n, ~0u, e)) != 0 ||
	    (rc = store_remove(c, st, &n, e)) != 0 ||
	    (rc = pending(st, pake_id, n.file_path, &seq, e)) != 0 ||
	    (rc = pake_db_commit(st, e)) != 0) {
		pake_db_rollback(st);
		pake_note_free(&n);
		return rc;
	}
	mirror(c, pake_id, n.file_path, seq);
	pake_note_free(&n);
	return 0;
}

int
pake_store_absorb(pake_ctx *c, const char *pake_id, int *kept, pake_err *e)
{
	pake_db *st;
	pake_note n;
	int64_t v;
	int rc;

	*kept = 0;
	if ((rc = begin_change(c, PAKE_P_NOTES_WRITE, pake_id, &st, &n, e)) != 0)
		return rc;
	v = n.version;
	if ((rc = absorb(c, st, &n, 0, e)) != 0 ||
	    (rc = pake_db_commit(st, e)) != 0) {
		pake_db_rollback(st);
		pake_note_free(&n);
		return rc;
	}
	*kept = n.version != v;
	pake_note_free(&n);
	return 0;
}

/*
 * Make state version of a note its current state again: a change like any
 * other (a new version, op "restore"), also for a deleted note, which comes
 * back under its pake_id.  Times: created_at as it was, modified_at now.
 */
int
pake_store_restore(pake_ctx *c, const char *pake_id, int64_t version,
    int64_t want, pake_note *out, pake_err *e)
{
	char path[PATH_MAX], ts[32], *old_path = NULL;
	pake_version v;
	pake_note r, old;
	int exists, rc;
	int64_t now, seq = 0;
	pake_db *st;

	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_WRITE, e)) != 0)
		return rc;
	if (!pake_uuid_valid(pake_id))
		return pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NOTE_NOT_FOUND,
		    "malformed id");
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	pake_note_init(&r);
	pake_note_init(&old);
	if ((rc = pake_db_begin(st, e)) != 0)
		return rc;
	if ((rc = pake_db_version_get(st, pake_id, version, &v, e)) != 0)
		goto fail;
	if (v.markdown == NULL) {
		pake_version_free(&v);
		rc = pake_fail(e, PAKE_EINVAL, "That version is a delete",
		    "version: %lld is a delete", (long long)version);
		goto fail;
	}
	rc = pake_fm_parse(v.markdown, v.len, &r, e);
	pake_version_free(&v);
	if (rc != 0)
		goto fail;
	pake_strlcpy(r.pake_id, pake_id, sizeof r.pake_id);
	exists = pake_db_note_get(st, pake_id, &old, e) == 0;
	pake_err_clear(e);
	if (exists && (rc = expect(&old, want, e)) != 0)
		goto fail;
	if (!exists && (rc = pake_store_quota(c, st, e)) != 0)
		goto fail;
	now = pake_now_ms();
	if (exists && now <= old.modified_ms)
		now = old.modified_ms + 1;
	pake_iso8601(now, ts);
	if (set_str(&r.modified_at, ts) != 0 ||
	    pake_note_defaults(&r, now) != 0) {
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto fail;
	}
	r.modified_ms = now;
	if ((rc = pake_store_validate(&r, (size_t)pake_config_num(c->cfg,
	    PAKE_CFG_MAX_NOTE), e)) != 0)
		goto fail;
	/* Its file: where it is, or a free name in its type's folder. */
	if (exists && strncmp(old.file_path, pake_vault_folder(r.type),
	    strlen(pake_vault_folder(r.type))) == 0)
		rc = set_str(&r.file_path, old.file_path);
	else if ((rc = pake_vault_choose_path(c, &r, path, sizeof path,
	    e)) == 0)
		rc = set_str(&r.file_path, path);
	if (rc != 0) {
		rc = e->code ? e->code : pake_fail(e, PAKE_EINTERNAL,
		    PAKE_MSG_NOMEM, NULL);
		goto fail;
	}
	if ((old_path = strdup(exists ? old.file_path : r.file_path)) ==
	    NULL) {
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		goto fail;
	}
	if ((rc = pake_store_put(c, st, &r, exists ? &old : NULL, "restore",
	    e)) != 0 || (rc = pending(st, pake_id, old_path, &seq, e)) != 0 ||
	    (rc = pake_db_commit(st, e)) != 0)
		goto fail;
	pake_note_free(&old);
	mirror(c, pake_id, old_path, seq);
	free(old_path);
	if (out)
		*out = r;
	else
		pake_note_free(&r);
	return 0;
fail:
	pake_db_rollback(st);
	pake_note_free(&r);
	pake_note_free(&old);
	free(old_path);
	return rc;
}

/*
 * Cursors are opaque to clients: hex of "l:<modified_ms>:<rowid>" for
 * lists, "s:<offset>:<hash of the search>" for searches (a cursor of
 * another search is refused rather than silently misapplied).
 */
static char *
cursor_make(const char *plain)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = strlen(plain);
	char *out = malloc(n * 2 + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[(unsigned char)plain[i] >> 4];
		out[2 * i + 1] = hex[(unsigned char)plain[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

static int
cursor_read(const char *cur, char *plain, size_t n)
{
	size_t i, len = strlen(cur);
	unsigned v;

	if (len % 2 || len / 2 >= n)
		return -1;
	for (i = 0; i < len / 2; i++) {
		if (sscanf(cur + 2 * i, "%2x", &v) != 1 ||
		    !isxdigit((unsigned char)cur[2 * i]) ||
		    !isxdigit((unsigned char)cur[2 * i + 1]))
			return -1;
		plain[i] = (char)v;
	}
	plain[len / 2] = '\0';
	return 0;
}

/* Counts rows and remembers the last for the next cursor. */
struct page {
	pake_note_cb cb;
	void *arg;
	int limit, seen;
	int64_t last_ms, last_id;
};

static int
page_row(void *arg, pake_note *n)
{
	struct page *p = arg;

	if (++p->seen > p->limit)	/* the extra row: there is more */
		return 0;
	p->last_ms = n->modified_ms;
	p->last_id = n->rowid;
	return p->cb(p->arg, n);
}

static int
clamp_limit(int limit, pake_err *e)
{
	if (limit == 0)
		return PAKE_LIMIT_DEFAULT;
	if (limit < 0 || limit > PAKE_LIMIT_MAX) {
		pake_fail(e, PAKE_EINVAL, NULL, "limit must be 1..%d",
		    PAKE_LIMIT_MAX);
		return -1;
	}
	return limit;
}

int
pake_store_list(pake_ctx *c, int limit, const char *cursor, pake_note_cb cb,
    void *arg, char **next, pake_err *e)
{
	struct page p = {cb, arg, 0, 0, 0, 0};
	long long ms = 0, id = 0;
	pake_db *st;
	char plain[128], tail;
	int rc;

	*next = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if ((p.limit = clamp_limit(limit, e)) < 0)
		return e->code;
	if (cursor && *cursor && (cursor_read(cursor, plain, sizeof plain) ||
	    sscanf(plain, "l:%lld:%lld%c", &ms, &id, &tail) != 2 || id <= 0))
		return pake_fail(e, PAKE_EINVAL, "Invalid cursor", "list cursor");
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	rc = pake_db_note_list(st, p.limit + 1, ms, id, page_row, &p, e);
	if (rc == 0 && p.seen > p.limit) {
		snprintf(plain, sizeof plain, "l:%lld:%lld",
		    (long long)p.last_ms, (long long)p.last_id);
		if ((*next = cursor_make(plain)) == NULL)
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	return rc;
}

void
pake_search_init(pake_search *s)
{
	memset(s, 0, sizeof *s);
	s->min_conf = -1;
}

/* A short fingerprint of what a search asks, bound into its cursor. */
static uint32_t
search_hash(const pake_search *s)
{
	uint32_t h = 2166136261u;
	const char *parts[4] = {s->query, s->type, s->status, NULL};
	const char *p;
	size_t i;

	for (i = 0; i < 3; i++)
		for (p = parts[i] ? parts[i] : ""; ; p++) {
			h = (h ^ (unsigned char)*p) * 16777619u;
			if (*p == '\0')
				break;
		}
	for (i = 0; i < s->ntags_any; i++)
		for (p = s->tags_any[i]; *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
	for (i = 0; i < s->ntags_all; i++)
		for (p = s->tags_all[i]; *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

int
pake_store_search(pake_ctx *c, const pake_search *s, pake_note_cb cb,
    void *arg, char **next, pake_err *e)
{
	const char *types[1 + PAKE_QUERY_MAX_TERMS];
	const char *tags_all[PAKE_TAGS_MAX + PAKE_QUERY_MAX_TERMS];
	const char *tags_any[PAKE_TAGS_MAX];
	struct page p = {cb, arg, 0, 0, 0, 0};
	pake_db_search q;
	pake_db *st;
	pake_query pq;
	char plain[128], tail;
	long long off = 0;
	unsigned h;
	size_t i;
	int rc;

	*next = NULL;
	if ((rc = pake_ctx_allow(c, PAKE_P_SEARCH_READ | PAKE_P_NOTES_READ,
	    e)) != 0)
		return rc;
	if ((p.limit = clamp_limit(s->limit, e)) < 0)
		return e->code;
	if (s->ntags_all > PAKE_TAGS_MAX || s->ntags_any > PAKE_TAGS_MAX)
		return pake_fail(e, PAKE_EINVAL, NULL, "too many tags");
	if (s->cursor && *s->cursor) {
		if (cursor_read(s->cursor, plain, sizeof plain) ||
		    sscanf(plain, "s:%lld:%x%c", &off, &h, &tail) != 2 ||
		    off < 0 || off > 100000 || h != search_hash(s))
			return pake_fail(e, PAKE_EINVAL, "Invalid cursor",
			    "search cursor");
	}
	if ((rc = pake_query_parse(s->query ? s->query : "", &pq, e)) != 0)
		return rc;
	memset(&q, 0, sizeof q);
	q.match = pq.match;
	q.exclude = pq.exclude;
	q.ntypes = 0;
	if (s->type)
		types[q.ntypes++] = s->type;
	for (i = 0; i < pq.ntypes && !s->type; i++)
		types[q.ntypes++] = pq.types[i];
	q.types = types;
	q.status = s->status;
	/* "#tag" is Obsidian's spelling of "tag", as when notes are stored. */
	for (i = 0; i < s->ntags_all; i++)
		tags_all[q.ntags_all++] = s->tags_all[i] + (s->tags_all[i][0] == '#');
	for (i = 0; i < s->ntags_any; i++)
		tags_any[i] = s->tags_any[i] + (s->tags_any[i][0] == '#');
	for (i = 0; i < pq.ntags; i++)
		tags_all[q.ntags_all++] = pq.tags[i];
	q.tags_all = tags_all;
	q.tags_any = tags_any;
	q.ntags_any = s->ntags_any;
	q.min_conf = s->min_conf;
	q.created_from = s->created_from;
	q.created_to = s->created_to;
	q.modified_from = s->modified_from;
	q.modified_to = s->modified_to;
	q.limit = p.limit + 1;
	q.offset = (int)off;
	if ((st = pake_ctx_store(c, e)) == NULL) {
		pake_query_free(&pq);
		return e->code;
	}
	rc = pake_db_search_notes(st, &q, page_row, &p, e);
	pake_query_free(&pq);
	if (rc == 0 && p.seen > p.limit) {
		snprintf(plain, sizeof plain, "s:%lld:%x", off + p.limit,
		    search_hash(s));
		if ((*next = cursor_make(plain)) == NULL)
			rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	return rc;
}

int
pake_store_tags(pake_ctx *c, int limit, pake_tag_cb cb, void *arg,
    pake_err *e)
{
	pake_db *st;
	int rc;

	if ((rc = pake_ctx_allow(c, PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if (limit <= 0 || limit > 10000)
		limit = 10000;
	return pake_db_tags(st, limit, cb, arg, e);
}
