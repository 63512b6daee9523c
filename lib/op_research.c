/*
 * op_research.c: the "search" operation, the Python server's POST /search
 * and POST /quick: one query sent to several sources, the answers merged
 * into one response.
 *
 * Sources: "vault" is the acting tenant's notes, searched with pake's own
 * query syntax (pake-search(1)), or with mode "meaning" or "hybrid" by
 * meaning as search_notes does (a result then has its score; without
 * vectors the vault is reported failed with the reason).  "web", "arxiv" and "pubmed" are fetched by
 * research ingest, which a later issue brings; until then each is reported
 * in metadata.sources_failed with reason "unavailable", and never stands
 * in with made-up results.
 *
 * success is true when at least one requested source answered, even with
 * no results: a vault search that finds nothing succeeded.  With the
 * default sources (web, arxiv, pubmed) it is therefore false for now, and
 * results is empty.
 *
 * max_results caps the whole response; each source is asked for at most
 * that many, in the order the sources were requested.  "quick": true (for
 * POST /quick) makes the default 5 instead of 10.  enable_ml_enhancement
 * and enable_content_summarization are accepted for the Python clients'
 * sake; neither is done yet, and metadata.features_unavailable says so
 * when they were asked for.  A result carries no score: the store ranks
 * but does not expose a number, and an invented one would be worse (modes
 * meaning and hybrid have one: the cosine, or the fused rank's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/store.h"
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
	rc = pake_op_call(c, "search_notes", in, &out, e);
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

/* Ask each requested source once, in order, until max_results. */
static int
run_search(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(in, "query");
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(in, "sources");
	const cJSON *mr = cJSON_GetObjectItemCaseSensitive(in, "max_results");
	const cJSON *it;
	const char *want[NSOURCES];
	cJSON *results, *meta, *used, *ok, *bad, *feat;
	double t0 = mono_seconds();
	size_t nwant = 0, i, k;
	char ts[32];
	int limit, left, rc, any_ok = 0;

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
		left = limit - cJSON_GetArraySize(results);
		if (strcmp(want[i], "vault") != 0) {
			failed(bad, want[i], "unavailable", NULL);
			continue;
		}
		rc = left > 0 ? search_vault(c, q->valuestring,
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in,
		    "mode")), left, results, e) : 0;
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
	cJSON_AddBoolToObject(*out, "success", any_ok);
	cJSON_AddStringToObject(*out, "query", q->valuestring);
	cJSON_AddNumberToObject(meta, "total_results",
	    cJSON_GetArraySize(results));
	cJSON_AddItemToObject(*out, "results", results);
	cJSON_AddItemToObject(meta, "sources_used", used);
	cJSON_AddItemToObject(meta, "sources_successful", ok);
	cJSON_AddItemToObject(meta, "sources_failed", bad);
	feat = cJSON_CreateArray();
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in,
	    "enable_ml_enhancement")))
		cJSON_AddItemToArray(feat, cJSON_CreateString("ml_enhancement"));
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in,
	    "enable_content_summarization")))
		cJSON_AddItemToArray(feat,
		    cJSON_CreateString("content_summarization"));
	if (cJSON_GetArraySize(feat))
		cJSON_AddItemToObject(meta, "features_unavailable", feat);
	else
		cJSON_Delete(feat);
	pake_iso8601(pake_now_ms(), ts);
	cJSON_AddStringToObject(meta, "timestamp", ts);
	cJSON_AddNumberToObject(meta, "execution_time_seconds",
	    mono_seconds() - t0);
	cJSON_AddItemToObject(*out, "metadata", meta);
	return 0;
}

#define S_SOURCE "{\"enum\":[\"vault\",\"web\",\"arxiv\",\"pubmed\"]}"

const pake_op pake_op_search = {
	"search", "Research search",
	"Search several sources at once (the Python server's /search and "
	"/quick): vault is the tenant's notes; web, arxiv and pubmed are "
	"reported unavailable until research ingest exists.",
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
	"{\"type\":\"object\",\"required\":[\"success\",\"query\",\"results\","
	"\"metadata\"],\"properties\":{"
	"\"success\":{\"type\":\"boolean\"},\"query\":{\"type\":\"string\"},"
	"\"results\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"required\":[\"source\",\"title\",\"url\"],\"properties\":{"
	"\"source\":" S_SOURCE ",\"pake_id\":{\"type\":\"string\"},"
	"\"title\":{\"type\":\"string\"},\"file_path\":{\"type\":\"string\"},"
	"\"summary\":{\"type\":[\"string\",\"null\"]},"
	"\"url\":{\"type\":\"string\"},\"metadata\":{\"type\":\"object\"},"
	"\"score\":{\"type\":\"number\"}}}},"
	"\"metadata\":{\"type\":\"object\",\"required\":[\"total_results\","
	"\"execution_time_seconds\",\"sources_used\",\"sources_successful\","
	"\"sources_failed\",\"timestamp\"],\"properties\":{"
	"\"total_results\":{\"type\":\"integer\"},"
	"\"execution_time_seconds\":{\"type\":\"number\"},"
	"\"sources_used\":{\"type\":\"array\",\"items\":" S_SOURCE "},"
	"\"sources_successful\":{\"type\":\"array\",\"items\":" S_SOURCE "},"
	"\"sources_failed\":{\"type\":\"array\",\"items\":{\"type\":"
	"\"object\",\"properties\":{\"source\":" S_SOURCE ","
	"\"reason\":{\"enum\":[\"unavailable\"]},\"message\":{\"type\":"
	"\"string\"}}}},"
	"\"features_unavailable\":{\"type\":\"array\",\"items\":{\"enum\":["
	"\"ml_enhancement\",\"content_summarization\"]}},"
	"\"timestamp\":{\"type\":\"string\"}}}}}",
	PAKE_P_SEARCH_READ | PAKE_P_NOTES_READ,
	PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_search, NULL,
};
