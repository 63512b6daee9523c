/*
 * op_research.c: the "search" operation, the Python server's POST /search
 * and POST /quick: one query sent to several sources, the answers merged
 * into one response.
 *
 * Sources: "vault" is the acting tenant's notes, searched with pake's own
 * query syntax (pake-search(1)), or with mode "meaning" or "hybrid" by
 * meaning as search_notes does (a result then has its score; without
 * vectors the vault is reported failed with the reason).  "arxiv",
 * "pubmed" and "web" (SearxNG, when configured) are lib/research.c's
 * sources; their records become items of the Python shape
 * (research_rank.c).  A source that fails is listed in
 * metadata.sources_failed with its error code as reason and the message;
 * it never fails the others.
 *
 * success is true when at least one requested source answered, even with
 * no results: a vault search that finds nothing succeeded.
 *
 * max_results caps what each source gives (the Python server's
 * max_results_per_source, which it ignored); the sources are asked in the
 * order requested; then duplicates go (identity keys, content hash) and
 * everything is reranked by SEED-API §1.4's heuristic unless
 * enable_ml_enhancement is false.  "quick": true (POST /quick) makes the
 * default 5 instead of 10, and the answer /quick's shape (quick_shape).
 * enable_content_summarization adds each kept item's content_summary (the
 * summariser on its title and content, two sentences).  A search reads:
 * it writes nothing to a database (answers are cached as files,
 * research_cache.c), so it records no summary batch.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pake/op.h"
#include "pake/searchlog.h"
#include "pake/ops.h"
#include "pake/research.h"
#include "pake/store.h"
#include "pake/summary.h"
#include "pake/util.h"

#define SEARCH_DEFAULT		10
#define SEARCH_QUICK_DEFAULT	5

static const char *const known_sources[] = {"vault", "web", "arxiv",
	"pubmed"};
#define NSOURCES (sizeof known_sources / sizeof known_sources[0])

/* A clock that only moves forward, for execution_time_seconds. */
static double
mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Collects vault hits as result items. */
struct hits {
	cJSON *results;
	int oom;
};

static int
vault_hit(void *arg, pake_note *n)
{
	struct hits *h = arg;
	cJSON *full, *hit;
	char url[sizeof "pake://notes/" + PAKE_ID_LEN];

	if ((full = pake_note_to_json(n)) == NULL ||
	    (hit = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(full);
		h->oom = 1;
		return PAKE_EINTERNAL;
	}
	snprintf(url, sizeof url, "pake://notes/%s", n->pake_id);
	cJSON_AddStringToObject(hit, "source", "vault");
	cJSON_AddStringToObject(hit, "pake_id", n->pake_id);
	cJSON_AddStringToObject(hit, "title", n->title);
	cJSON_AddStringToObject(hit, "file_path", n->file_path);
	if (n->summary)
		cJSON_AddStringToObject(hit, "summary", n->summary);
	else
		cJSON_AddNullToObject(hit, "summary");
	cJSON_AddStringToObject(hit, "url", url);
	cJSON_AddItemToObject(hit, "metadata",
	    cJSON_DetachItemFromObject(full, "metadata"));
	cJSON_Delete(full);
	cJSON_AddItemToArray(h->results, hit);
	return 0;
}

/* The vault by meaning or hybrid: search_notes in that mode, each note
 * it ranks as a result item with its score. */
static int
search_vault_mode(pake_ctx *c, const char *query, const char *mode,
    int limit, cJSON *results, pake_err *e)
{
	struct hits h = {results, 0};
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	const cJSON *x;
	int rc;

	cJSON_AddStringToObject(in, "query", query);
	cJSON_AddStringToObject(in, "mode", mode);
	cJSON_AddNumberToObject(in, "limit", limit);
	c->search_inner = 1;	/* logged as the research search */
	rc = pake_op_call(c, "search_notes", in, &out, e);
	c->search_inner = 0;
	cJSON_Delete(in);
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(out,
	    "results")) {
		pake_note n;

		pake_note_init(&n);
		if (pake_store_get(c, cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(x, "pake_id")), &n,
		    e) == 0 && vault_hit(&h, &n) == 0)
			cJSON_AddNumberToObject(cJSON_GetArrayItem(results,
			    cJSON_GetArraySize(results) - 1), "score",
			    cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(x, "score")));
		pake_err_clear(e);
		pake_note_free(&n);
	}
	cJSON_Delete(out);
	if (h.oom)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	return rc;
}

/* Search the tenant's notes.  0 when the source answered; a failure of
 * the source itself (the database is busy, no vectors for a mode by
 * meaning) is PAKE_EUNAVAIL or PAKE_ENOTFOUND, which the caller reports in
 * sources_failed; anything else ends the operation. */
static int
search_vault(pake_ctx *c, const char *query, const char *mode, int limit,
    cJSON *results, pake_err *e)
{
	struct hits h = {results, 0};
	pake_search s;
	char *next = NULL;
	int rc;

	if (mode && strcmp(mode, "text") != 0)
		return search_vault_mode(c, query, mode, limit, results, e);
	pake_search_init(&s);
	s.query = query;
	s.limit = limit;
	rc = pake_store_search(c, &s, vault_hit, &h, &next, e);
	free(next);
	if (h.oom)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	return rc;
}

/* Add {source, reason[, message]} to sources_failed. */
static void
failed(cJSON *list, const char *source, const char *reason,
    const char *message)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "source", source);
	cJSON_AddStringToObject(o, "reason", reason);
	if (message)
		cJSON_AddStringToObject(o, "message", message);
	cJSON_AddItemToArray(list, o);
}

/* One research source's records as items appended to results; 0, or the
 * source's own failure (reported by the caller beside the others). */
static int
search_source(pake_ctx *c, const char *src, const char *q, int limit,
    cJSON *results, pake_err *e)
{
	cJSON *records = NULL;
	const cJSON *r;
	int64_t total;
	int rc;

	if (strcmp(src, "arxiv") == 0)
		rc = pake_research_arxiv(c, q, 0, limit, NULL, &records,
		    &total, e);
	else if (strcmp(src, "pubmed") == 0)
		rc = pake_research_pubmed(c, q, 0, limit, &records, &total, e);
	else
		rc = pake_research_web(c, q, limit, &records, e);
	cJSON_ArrayForEach(r, records)
		cJSON_AddItemToArray(results, pake_research_item(r));
	cJSON_Delete(records);
	return rc;
}

/* Each item's content_summary: the summariser's result on its title and
 * content, two sentences (SEED-API §1.2 step 7). */
static void
summarise(pake_ctx *c, cJSON *results)
{
	pake_summary_opts o = {2, 0, 1, NULL};
	pake_db *st;
	cJSON *it;
	pake_err e = {0};

	if ((st = pake_ctx_store(c, &e)) == NULL)
		return;
	cJSON_ArrayForEach(it, results) {
		const char *t = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "title"));
		const char *x = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "content"));
		const char *src = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "source"));
		cJSON *sum = NULL;
		pake_buf b = {0};

		pake_buf_printf(&b, "%s\n\n%s", t ? t : "", x ? x : "");
		o.content_type = src && (strcmp(src, "arxiv") == 0 ||
		    strcmp(src, "pubmed") == 0) ? "academic" : "web";
		if (!b.oom && pake_db_begin_read(st, &e) == 0) {
			if (pake_summarize(c, st, b.p, b.len, &o, &sum,
			    &e) == 0)
				cJSON_AddItemToObject(it, "content_summary",
				    sum);
			pake_db_rollback(st);
		}
		pake_err_clear(&e);
		pake_buf_free(&b);
	}
}

/* POST /quick's answer (SEED-API §1.5): {success, query, results,
 * summary: {total_results, execution_time_seconds, sources_processed (the
 * sources that answered: the Python server's was always 0),
 * performance, the two flags, ml_analytics?, sources_failed}, timestamp}.
 * meta is consumed. */
static void
quick_shape(cJSON *out, cJSON *meta, const char *ts)
{
	cJSON *sum = cJSON_AddObjectToObject(out, "summary");
	double secs = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
	    meta, "execution_time_seconds"));
	static const char *const moved[] = {"total_results",
	    "execution_time_seconds", "ml_enhancement_enabled",
	    "content_summarization_enabled", "ml_analytics",
	    "sources_failed"};
	size_t i;

	for (i = 0; i < sizeof moved / sizeof *moved; i++) {
		cJSON *x = cJSON_DetachItemFromObjectCaseSensitive(meta,
		    moved[i]);

		if (x)
			cJSON_AddItemToObject(sum, moved[i], x);
		if (i == 1)
			cJSON_AddNumberToObject(sum, "sources_processed",
			    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
			    meta, "sources_successful")));
	}
	cJSON_AddStringToObject(sum, "performance", secs < 1 ? "excellent" :
	    secs < 3 ? "good" : "needs_optimization");
	cJSON_AddStringToObject(out, "timestamp", ts);
	cJSON_Delete(meta);
}

/* Ask each requested source, in order, for max_results each; then the
 * research items deduplicated, everything reranked (ml enhancement, on
 * unless asked off), maybe summarised. */
static int
search_run(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(in, "query");
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(in, "sources");
	const cJSON *mr = cJSON_GetObjectItemCaseSensitive(in, "max_results");
	const cJSON *mlj = cJSON_GetObjectItemCaseSensitive(in,
	    "enable_ml_enhancement");
	const cJSON *it;
	const char *want[NSOURCES];
	cJSON *results, *meta, *used, *ok, *bad;
	double t0 = mono_seconds();
	size_t nwant = 0, i, k;
	char ts[32];
	int limit, rc, any_ok = 0, ml = !cJSON_IsFalse(mlj);
	int summ = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in,
	    "enable_content_summarization"));

	/* The sources asked for, each once, in the order given. */
	if (src == NULL) {
		want[nwant++] = "web";
		want[nwant++] = "arxiv";
		want[nwant++] = "pubmed";
	}
	cJSON_ArrayForEach(it, src) {
		for (k = 0; k < nwant && strcmp(want[k], it->valuestring); k++)
			;
		for (i = 0; k == nwant && i < NSOURCES; i++)
			if (strcmp(known_sources[i], it->valuestring) == 0)
				want[nwant++] = known_sources[i];
	}
	limit = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "quick")) ?
	    SEARCH_QUICK_DEFAULT : SEARCH_DEFAULT;
	if (cJSON_IsNumber(mr))
		limit = (int)mr->valuedouble;
	if ((*out = cJSON_CreateObject()) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	results = cJSON_CreateArray();
	meta = cJSON_CreateObject();
	used = cJSON_CreateArray();
	ok = cJSON_CreateArray();
	bad = cJSON_CreateArray();
	for (i = 0; i < nwant; i++) {
		cJSON_AddItemToArray(used, cJSON_CreateString(want[i]));
		if (strcmp(want[i], "vault") != 0) {
			rc = search_source(c, want[i], q->valuestring, limit,
			    results, e);
			if (rc == 0) {
				cJSON_AddItemToArray(ok,
				    cJSON_CreateString(want[i]));
				any_ok = 1;
			} else {
				pake_log_msg(c->log, PAKE_LOG_WARN, "search: "
				    "%s failed: %s (%s)", want[i], e->msg,
				    e->detail);
				failed(bad, want[i], pake_code_name(rc),
				    e->msg);
				pake_err_clear(e);
			}
			continue;
		}
		rc = search_vault(c, q->valuestring, cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(in, "mode")), limit,
		    results, e);
		if (rc == PAKE_EUNAVAIL || rc == PAKE_ENOTFOUND) {
			pake_log_msg(c->log, PAKE_LOG_WARN, "search: vault "
			    "unavailable: %s (%s)", e->msg, e->detail);
			failed(bad, want[i], "unavailable", e->msg);
			pake_err_clear(e);
			continue;
		}
		if (rc != 0) {
			cJSON_Delete(results);
			cJSON_Delete(meta);
			cJSON_Delete(used);
			cJSON_Delete(ok);
			cJSON_Delete(bad);
			return rc;
		}
		cJSON_AddItemToArray(ok, cJSON_CreateString(want[i]));
		any_ok = 1;
	}
	pake_research_dedupe(results);
	if (ml) {
		double t1 = mono_seconds(), sum = 0;

		pake_research_rerank(results, q->valuestring);
		cJSON_ArrayForEach(it, results)
			sum += cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(it,
			    "ml_enhancements"), "semantic_score"));
		{
			cJSON *a = cJSON_AddObjectToObject(meta,
			    "ml_analytics");
			int n = cJSON_GetArraySize(results);

			cJSON_AddNumberToObject(a, "avg_semantic_score", n ?
			    round(sum / n * 1000) / 1000 : 0);
			cJSON_AddNumberToObject(a, "processing_time_ms",
			    round((mono_seconds() - t1) * 10000) / 10);
		}
	}
	if (summ)
		summarise(c, results);
	cJSON_AddBoolToObject(*out, "success", any_ok);
	cJSON_AddStringToObject(*out, "query", q->valuestring);
	cJSON_AddNumberToObject(meta, "total_results",
	    cJSON_GetArraySize(results));
	cJSON_AddItemToObject(*out, "results", results);
	cJSON_AddItemToObject(meta, "sources_used", used);
	cJSON_AddItemToObject(meta, "sources_successful", ok);
	cJSON_AddItemToObject(meta, "sources_failed", bad);
	cJSON_AddBoolToObject(meta, "ml_enhancement_enabled", ml);
	cJSON_AddBoolToObject(meta, "content_summarization_enabled", summ);
	pake_iso8601(pake_now_ms(), ts);
	cJSON_AddStringToObject(meta, "timestamp", ts);
	cJSON_AddNumberToObject(meta, "execution_time_seconds",
	    round((mono_seconds() - t0) * 1000) / 1000);
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "quick")))
		quick_shape(*out, meta, ts);
	else
		cJSON_AddItemToObject(*out, "metadata", meta);
	return 0;
}

/* The search, logged (lib/searchlog.c: a line in the tenant's spool). */
static int
run_search(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	return pake_searchlog_run(c, search_run, in, out, e);
}

#define S_SOURCE "{\"enum\":[\"vault\",\"web\",\"arxiv\",\"pubmed\"]}"

const pake_op pake_op_search = {
	"search", "Research search",
	"Search several sources at once (the Python server's /search and "
	"/quick): vault is the tenant's notes, arxiv and pubmed their "
	"services, web a SearxNG instance when one is configured; at most "
	"max_results from each, merged, deduplicated, reranked.",
	"{\"type\":\"object\",\"required\":[\"query\"],"
	"\"additionalProperties\":false,\"properties\":{"
	"\"query\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":500,"
	"\"description\":\"pake's search syntax for the vault\"},"
	"\"sources\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":16,"
	"\"items\":" S_SOURCE ",\"default\":[\"web\",\"arxiv\",\"pubmed\"]},"
	"\"max_results\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":50,"
	"\"default\":10},"
	"\"enable_ml_enhancement\":{\"type\":\"boolean\"},"
	"\"enable_content_summarization\":{\"type\":\"boolean\"},"
	"\"mode\":{\"type\":\"string\",\"enum\":[\"text\",\"meaning\","
	"\"hybrid\"],\"default\":\"text\",\"description\":\"how the vault "
	"is searched: full text, by meaning, or both fused\"},"
	"\"quick\":{\"type\":\"boolean\",\"description\":\"POST /quick: "
	"max_results defaults to 5\"}}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"query\","
	"\"results\"],\"properties\":{\"summary\":{\"type\":\"object\"},"
	"\"timestamp\":{\"type\":\"string\"},"
	"\"success\":{\"type\":\"boolean\"},\"query\":{\"type\":\"string\"},"
	"\"results\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"required\":[\"source\",\"title\",\"url\"],\"properties\":{"
	"\"source\":" S_SOURCE ",\"pake_id\":{\"type\":\"string\"},"
	"\"title\":{\"type\":\"string\"},\"file_path\":{\"type\":\"string\"},"
	"\"summary\":{\"type\":[\"string\",\"null\"]},"
	"\"url\":{\"type\":\"string\"},\"metadata\":{\"type\":\"object\"},"
	"\"score\":{\"type\":\"number\"},\"source_type\":{\"type\":"
	"\"string\"},\"content\":{\"type\":\"string\"},\"author\":{"
	"\"type\":[\"string\",\"null\"]},\"published\":{\"type\":["
	"\"string\",\"null\"]},\"tags\":{\"type\":\"array\"},"
	"\"ml_enhancements\":{\"type\":\"object\"},\"content_summary\":{"
	"\"type\":\"object\"},\"record\":{\"type\":\"object\"}}}},"
	"\"metadata\":{\"type\":\"object\",\"required\":[\"total_results\","
	"\"execution_time_seconds\",\"sources_used\",\"sources_successful\","
	"\"sources_failed\",\"timestamp\"],\"properties\":{"
	"\"total_results\":{\"type\":\"integer\"},"
	"\"execution_time_seconds\":{\"type\":\"number\"},"
	"\"sources_used\":{\"type\":\"array\",\"items\":" S_SOURCE "},"
	"\"sources_successful\":{\"type\":\"array\",\"items\":" S_SOURCE "},"
	"\"sources_failed\":{\"type\":\"array\",\"items\":{\"type\":"
	"\"object\",\"properties\":{\"source\":" S_SOURCE ","
	"\"reason\":{\"type\":\"string\"},\"message\":{\"type\":"
	"\"string\"}}}},"
	"\"ml_enhancement_enabled\":{\"type\":\"boolean\"},"
	"\"content_summarization_enabled\":{\"type\":\"boolean\"},"
	"\"ml_analytics\":{\"type\":\"object\"},"
	"\"timestamp\":{\"type\":\"string\"}}}}}",
	PAKE_P_SEARCH_READ | PAKE_P_NOTES_READ,
	PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_search, NULL,
};
