/*
 * db_text.c: the full-text index's own words, for analysis (issue 12).
 *
 * Analysis counts words the way the index does, so that a term's weight
 * in a note and its document frequency in the tenant's corpus speak of
 * the same term.  pake_db_words() runs FTS5's unicode61 tokenizer with
 * remove_diacritics 2 -- the notes_fts table's -- through the fts5_api of
 * the store's connection (looked up with "SELECT fts5(?1)", the documented
 * way).  pake_db_term_docs() reads a term's document count from
 * notes_vocab, the fts5vocab table over notes_fts (store migration 4):
 * the statistics are the index's own, per tenant, and cost no upkeep.
 */
#include <string.h>
#include "pake/db_int.h"
#include "pake/util.h"

static const char SQL_API[] = "SELECT fts5(?1)";
static const char SQL_DOCS[] = "SELECT doc FROM notes_vocab WHERE term = ?1";
static const char SQL_NOTES[] = "SELECT count(*) FROM notes";
static const char SQL_VOCAB[] = "SELECT term, doc, cnt FROM notes_vocab";
static const char SQL_SUMLOG_ADD[] = "INSERT INTO summary_log(at_ms, "
    "documents, compression, confidence, ms, content_types) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_SUMLOG_TRIM[] = "DELETE FROM summary_log WHERE id <= "
    "(SELECT id FROM summary_log ORDER BY id DESC LIMIT 1 OFFSET ?1)";
static const char SQL_SUMLOG_EACH[] = "SELECT at_ms, documents, "
    "compression, confidence, ms, content_types FROM summary_log "
    "ORDER BY id DESC LIMIT ?1";
static const char SQL_SUMLOG_COUNT[] = "SELECT count(*) FROM summary_log";
static const char SQL_SEARCH_ADD[] = "INSERT OR IGNORE INTO search_log(t_ms, "
    "query, filters, mode, sources, hits, ms, front, actor, session) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_SEARCH_LAST[] = "SELECT session FROM search_log "
    "WHERE actor = ?1 ORDER BY t_ms DESC LIMIT 1";
static const char SQL_SEARCH_PRUNE[] = "DELETE FROM search_log WHERE "
    "t_ms < ?1";
static const char SQL_SEARCH_COUNT[] = "SELECT count(*) FROM search_log";
static const char SQL_SEARCH_EACH[] = "SELECT t_ms, query, filters, mode, "
    "sources, hits, ms, front, actor, session FROM search_log "
    "ORDER BY t_ms DESC, id DESC LIMIT ?1";
static const char SQL_SEARCH_SINCE[] = "SELECT t_ms, query, filters, mode, "
    "sources, hits, ms, front, actor, session FROM search_log "
    "WHERE t_ms >= ?2 ORDER BY t_ms DESC, id DESC LIMIT ?1";

struct tok {
	pake_word_cb cb;
	void *arg;
	int stop;
};

/* One token from FTS5: copied, cut to the buffer, handed on. */
static int
one_token(void *ctx, int flags, const char *p, int n, int start, int end)
{
	struct tok *t = ctx;
	pake_word k;

	(void)flags;
	if (n <= 0)
		return SQLITE_OK;
	if ((size_t)n >= sizeof k.word)
		n = (int)sizeof k.word - 1;
	memcpy(k.word, p, (size_t)n);
	k.word[n] = '\0';
	k.off = (size_t)start;
	k.len = (size_t)(end - start);
	if ((t->stop = t->cb(t->arg, &k)) != 0)
		return SQLITE_DONE;	/* stops the tokenizer */
	return SQLITE_OK;
}

int
pake_db_words(pake_db *db, const char *text, size_t len, pake_word_cb cb,
    void *arg, pake_err *e)
{
	char a0[] = "remove_diacritics", a1[] = "2";
	const char *args[] = {a0, a1};
	fts5_api *api = NULL;
	fts5_tokenizer tk;
	Fts5Tokenizer *t = NULL;
	void *user = NULL;
	sqlite3_stmt *st;
	struct tok k = {cb, arg, 0};
	int rc;

	if (len > (size_t)INT32_MAX)
		return pake_fail(e, PAKE_ETOOBIG, NULL, "tokens: %zu bytes",
		    len);
	if ((st = db_stmt(db, SQL_API, e)) == NULL)
		return e->code;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (api == NULL || (rc != SQLITE_ROW && rc != SQLITE_DONE))
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_DB, "no fts5_api");
	if (api->xFindTokenizer(api, "unicode61", &user, &tk) != SQLITE_OK ||
	    tk.xCreate(user, (const char **)args, 2, &t) != SQLITE_OK)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_DB,
		    "no unicode61 tokenizer");
	rc = tk.xTokenize(t, &k, FTS5_TOKENIZE_DOCUMENT, text, (int)len,
	    one_token);
	tk.xDelete(t);
	if (k.stop)
		return k.stop;
	return rc == SQLITE_OK || rc == SQLITE_DONE ? 0 :
	    pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, "tokenize");
}

int
pake_db_term_docs(pake_db *db, const char *term, int64_t *docs, pake_err *e)
{
	*docs = 0;
	return db_int1(db, SQL_DOCS, docs, e, "t", term) < 0 ? e->code : 0;
}

int
pake_db_corpus_docs(pake_db *db, int64_t *docs, pake_err *e)
{
	*docs = 0;
	return db_int1(db, SQL_NOTES, docs, e, "") < 0 ? e->code : 0;
}

int
pake_db_vocab_each(pake_db *db, pake_vocab_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = db_stmt(db, SQL_VOCAB, e)) == NULL)
		return e->code;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((stop = cb(arg, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2))) != 0)
			break;
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "vocabulary");
}

int
pake_db_sumlog_add(pake_db *db, const pake_sumlog *b, int keep, pake_err *e)
{
	int rc;

	if ((rc = db_run(db, SQL_SUMLOG_ADD, e, "iidddt", b->at_ms,
	    b->documents, b->compression, b->confidence, b->ms,
	    b->content_types)) != 0)
		return rc;
	return db_run(db, SQL_SUMLOG_TRIM, e, "i", (int64_t)keep);
}

int
pake_db_sumlog_each(pake_db *db, int limit, pake_sumlog_cb cb, void *arg,
    pake_err *e)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = db_stmt(db, SQL_SUMLOG_EACH, e)) == NULL)
		return e->code;
	sqlite3_bind_int(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		pake_sumlog b;

		b.at_ms = sqlite3_column_int64(st, 0);
		b.documents = sqlite3_column_int64(st, 1);
		b.compression = sqlite3_column_double(st, 2);
		b.confidence = sqlite3_column_double(st, 3);
		b.ms = sqlite3_column_double(st, 4);
		b.content_types = (const char *)sqlite3_column_text(st, 5);
		if ((stop = cb(arg, &b)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "summary log");
}

int
pake_db_sumlog_count(pake_db *db, int64_t *n, pake_err *e)
{
	*n = 0;
	return db_int1(db, SQL_SUMLOG_COUNT, n, e, "") < 0 ? e->code : 0;
}

int
pake_db_searchlog_add(pake_db *db, const pake_search_row *r, pake_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_SEARCH_ADD, e)) == NULL)
		return e->code;
	sqlite3_bind_int64(st, 1, r->t);
	db_bind_text(st, 2, r->query);
	if (r->filters)
		db_bind_text(st, 3, r->filters);
	db_bind_text(st, 4, r->mode ? r->mode : "text");
	if (r->sources)
		db_bind_text(st, 5, r->sources);
	sqlite3_bind_int64(st, 6, r->hits);
	sqlite3_bind_double(st, 7, r->ms);
	db_bind_text(st, 8, r->front ? r->front : "pake");
	db_bind_text(st, 9, r->actor);
	sqlite3_bind_int64(st, 10, r->session);
	rc = sqlite3_step(st);
	sqlite3_clear_bindings(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "search log");
}

int
pake_db_searchlog_last_session(pake_db *db, const char *actor, int64_t *id,
    int64_t *start, pake_err *e)
{
	*id = *start = 0;
	if (db_int1(db, SQL_SEARCH_LAST, id, e, "t", actor) < 0)
		return e->code;
	*start = *id;	/* a session is named by its first search's time */
	return 0;
}

int
pake_db_searchlog_prune(pake_db *db, int64_t before_ms, pake_err *e)
{
	return db_run(db, SQL_SEARCH_PRUNE, e, "i", before_ms);
}

int
pake_db_searchlog_count(pake_db *db, int64_t *n, pake_err *e)
{
	*n = 0;
	return db_int1(db, SQL_SEARCH_COUNT, n, e, "") < 0 ? e->code : 0;
}

int
pake_db_searchlog_each(pake_db *db, int limit, pake_search_cb cb, void *arg,
    pake_err *e)
{
	return pake_db_searchlog_since(db, -1, limit, cb, arg, e);
}

int
pake_db_searchlog_since(pake_db *db, int64_t since_ms, int limit,
    pake_search_cb cb, void *arg, pake_err *e)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((st = db_stmt(db, since_ms < 0 ? SQL_SEARCH_EACH :
	    SQL_SEARCH_SINCE, e)) == NULL)
		return e->code;
	sqlite3_bind_int(st, 1, limit);
	if (since_ms >= 0)
		sqlite3_bind_int64(st, 2, since_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		pake_search_row r;

		r.t = sqlite3_column_int64(st, 0);
		r.query = (const char *)sqlite3_column_text(st, 1);
		r.filters = (const char *)sqlite3_column_text(st, 2);
		r.mode = (const char *)sqlite3_column_text(st, 3);
		r.sources = (const char *)sqlite3_column_text(st, 4);
		r.hits = sqlite3_column_int64(st, 5);
		r.ms = sqlite3_column_double(st, 6);
		r.front = (const char *)sqlite3_column_text(st, 7);
		r.actor = (const char *)sqlite3_column_text(st, 8);
		r.session = sqlite3_column_int64(st, 9);
		if ((stop = cb(arg, &r)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, e, "search log");
}
