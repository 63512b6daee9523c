/*
 * semantic.h: the Python server's /semantic routes (SEED-API §6) over
 * the tenant's own notes and their LSA vectors (lib/semantic.c; the
 * model is lib/vec.c's).  Each function answers in the Python route's
 * shape, "success" included.
 */
#ifndef PAKE_SEMANTIC_H
#define PAKE_SEMANTIC_H

#include <cjson/cJSON.h>
#include "ctx.h"

#define PAKE_SEM_DOCS_MAX	1000	/* documents in one add */
#define PAKE_SEM_EXTRA_MAX	32	/* frontmatter keys of a document */
#define PAKE_SEM_KEY_MAX	64	/* bytes of such a key */
#define PAKE_SEM_TEXT_SHOWN	65536	/* bytes of a note's text in search
					 * and similar results */
#define PAKE_SEM_CLUSTER_TEXT	500	/* ... in a cluster's documents */
#define PAKE_SEM_CLUSTER_DOCS	100	/* documents listed per cluster */
#define PAKE_SEM_SAMPLE		100	/* notes of average_similarity */

/* Every non-empty document of docs (a JSON array, at most
 * PAKE_SEM_DOCS_MAX) becomes a note, all in one write transaction; a bad
 * one refuses the call and writes nothing.  Then a fit when the tenant
 * has none: {success, documents_added, skipped, total_documents,
 * processing_time_ms, pake_ids[], vectors{action, fitted, ...}}. */
int pake_semantic_add(pake_ctx *c, const cJSON *docs, cJSON **out,
    pake_err *e);

/* The top_k (1..100) notes nearest q in meaning whose score is at least
 * min_score: {success, query, results[{text, score, metadata, id}],
 * count}.  No fit: PAKE_ENOTFOUND. */
int pake_semantic_search(pake_ctx *c, const char *q, int top_k,
    double min_score, cJSON **out, pake_err *e);

/* The top_k notes nearest note pake_id, at least min_score:
 * {success, document_id, similar_documents[...], count[, reason]}. */
int pake_semantic_similar(pake_ctx *c, const char *pake_id, int top_k,
    double min_score, cJSON **out, pake_err *e);

/* {success, analytics{total_documents, processing_time_ms, top_keywords,
 * top_keyword_weights, semantic_clusters, average_similarity, model,
 * fitted, dims, notes_with_vectors[, unavailable{figure: why}]}}. */
int pake_semantic_analytics(pake_ctx *c, cJSON **out, pake_err *e);

/* k-means into k (2..50) clusters: {success, clustering{clusters[{id,
 * documents[{text, metadata, index, score}], keywords[[term, weight]],
 * size}], assignments[], num_clusters}}. */
int pake_semantic_cluster(pake_ctx *c, int k, cJSON **out, pake_err *e);

#endif
