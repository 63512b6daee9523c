/*
 * version.c: reading a note's history (see version.h).  The rows are
 * written by store.c (pake_store_put), in the transaction of the change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pake/diff.h"
#include "pake/frontmatter.h"
#include "pake/version.h"

static pake_db *
store_for(pake_ctx *c, uint32_t perm, const char *pake_id, pake_err *e)
{
	if (pake_ctx_allow(c, perm, e) != 0)
		return NULL;
	if (pake_id && !pake_uuid_valid(pake_id)) {
		pake_fail(e, PAKE_ENOTFOUND, PAKE_MSG_NOTE_NOT_FOUND,
		    "malformed id");
		return NULL;
	}
	return pake_ctx_store(c, e);
}

int
pake_version_list(pake_ctx *c, const char *pake_id, pake_version_cb cb,
    void *arg, pake_err *e)
{
	pake_version v;
	pake_note n;
	pake_db *st;
	int64_t last;
	int rc;

	if ((st = store_for(c, PAKE_P_NOTES_READ, pake_id, e)) == NULL)
		return e->code;
	if ((rc = pake_db_version_last(st, pake_id, &last, e)) != 0)
		return rc;
	if (last > 0)
		return pake_db_version_each(st, pake_id, cb, arg, e);
	/* No history yet: the note as it stands, if there is one. */
	if ((rc = pake_db_note_get(st, pake_id, &n, e)) != 0)
		return rc;
	memset(&v, 0, sizeof v);
	v.version = n.version;
	pake_strlcpy(v.op, "baseline", sizeof v.op);
	pake_strlcpy(v.actor, "-", sizeof v.actor);
	pake_strlcpy(v.front, "-", sizeof v.front);
	v.time_ms = n.modified_ms;
	v.title = n.title;
	v.len = n.body_len;
	cb(arg, pake_id, &v);
	pake_note_free(&n);
	return 0;
}

/* The markdown of state version (the current note when it has no row). */
static int
state_text(pake_db *st, const char *pake_id, int64_t version,
    pake_version *v, pake_err *e)
{
	pake_note n;
	int rc;

	rc = pake_db_version_get(st, pake_id, version, v, e);
	if (rc == PAKE_ENOTFOUND) {
		pake_err ne = {0};
		if (pake_db_note_get(st, pake_id, &n, &ne) != 0)
			return rc;
		if (n.version != version) {
			pake_note_free(&n);
			return rc;
		}
		pake_err_clear(e);
		memset(v, 0, sizeof *v);
		v->version = n.version;
		pake_strlcpy(v->op, "baseline", sizeof v->op);
		v->time_ms = n.modified_ms;
		v->title = n.title;
		n.title = NULL;
		v->markdown = pake_fm_render(&n, &v->len);
		pake_note_free(&n);
		if (v->markdown == NULL) {
			pake_version_free(v);
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
			    NULL);
		}
		return 0;
	}
	if (rc == 0 && v->markdown == NULL) {
		pake_version_free(v);
		return pake_fail(e, PAKE_ENOTFOUND, "That version is a delete",
		    "%s version %lld is a delete", pake_id,
		    (long long)version);
	}
	return rc;
}

int
pake_version_note(pake_ctx *c, const char *pake_id, int64_t version,
    pake_note *n, pake_version *out, pake_err *e)
{
	pake_version v;
	pake_db *st;
	int rc;

	if ((st = store_for(c, PAKE_P_NOTES_READ, pake_id, e)) == NULL)
		return e->code;
	if ((rc = state_text(st, pake_id, version, &v, e)) != 0)
		return rc;
	pake_note_init(n);
	if ((rc = pake_fm_parse(v.markdown, v.len, n, e)) == 0) {
		pake_strlcpy(n->pake_id, pake_id, sizeof n->pake_id);
		n->version = v.version;
	}
	if (rc == 0 && out) {
		*out = v;
		free(out->markdown);
		out->markdown = NULL;
	} else
		pake_version_free(&v);
	return rc;
}

int
pake_version_diff(pake_ctx *c, const char *pake_id, int64_t from, int64_t to,
    pake_buf *out, pake_err *e)
{
	char an[64], bn[64];
	pake_version a, b;
	pake_note n;
	pake_db *st;
	int64_t last;
	int rc;

	if ((st = store_for(c, PAKE_P_NOTES_READ, pake_id, e)) == NULL)
		return e->code;
	if (to <= 0) {
		/* The latest state: the note's, or a deleted note's last. */
		if (pake_db_note_get(st, pake_id, &n, e) == 0) {
			to = n.version;
			pake_note_free(&n);
		} else {
			pake_err_clear(e);
			if ((rc = pake_db_version_last(st, pake_id, &last,
			    e)) != 0)
				return rc;
			if (last == 0)
				return pake_fail(e, PAKE_ENOTFOUND,
				    PAKE_MSG_NOTE_NOT_FOUND, "%s", pake_id);
			to = pake_db_version_has(st, pake_id, last) &&
			    last > 1 ? last - 1 : last;
		}
	}
	if (from <= 0)
		from = to > 1 ? to - 1 : to;
	if ((rc = state_text(st, pake_id, from, &a, e)) != 0)
		return rc;
	if ((rc = state_text(st, pake_id, to, &b, e)) != 0) {
		pake_version_free(&a);
		return rc;
	}
	snprintf(an, sizeof an, "version %lld", (long long)from);
	snprintf(bn, sizeof bn, "version %lld", (long long)to);
	rc = pake_diff(a.markdown, a.len, b.markdown, b.len, an, bn, out, e);
	pake_version_free(&a);
	pake_version_free(&b);
	return rc;
}

int
pake_version_listing(pake_ctx *c, int conflicts, int limit,
    pake_version_cb cb, void *arg, pake_err *e)
{
	pake_db *st;

	if ((st = store_for(c, PAKE_P_NOTES_READ, NULL, e)) == NULL)
		return e->code;
	if (limit <= 0 || limit > 1000)
		limit = 100;
	return conflicts ? pake_db_conflicts_each(st, limit, cb, arg, e) :
	    pake_db_deleted_each(st, limit, cb, arg, e);
}

int
pake_version_prune(pake_ctx *c, int64_t keep, int64_t before_ms,
    int64_t *dropped, pake_err *e)
{
	pake_db *st;
	int rc;

	*dropped = 0;
	if (keep < 1)
		return pake_fail(e, PAKE_EINVAL, NULL, "keep: at least 1");
	if ((st = store_for(c, PAKE_P_NOTES_DELETE, NULL, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin(st, e)) != 0)
		return rc;
	if ((rc = pake_db_version_prune(st, keep, before_ms, dropped,
	    e)) != 0) {
		pake_db_rollback(st);
		return rc;
	}
	return pake_db_commit(st, e);
}
