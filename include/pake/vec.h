/*
 * vec.h: a vector for each note of a tenant (latent semantic analysis),
 * kept in the tenant's store, and the notes related to a note (issue 12).
 * The design is at the top of lib/vec.c.
 */
#ifndef PAKE_VEC_H
#define PAKE_VEC_H

#include <cjson/cJSON.h>
#include "ctx.h"
#include "db.h"
#include "note.h"

#define PAKE_VEC_DIMS_DEFAULT	128
#define PAKE_VEC_DIMS_MAX	256	/* of an LSA fit */
#define PAKE_VEC_BATCH_MAX	2048	/* notes in one embeddings request */
#define PAKE_VEC_TERMS_MAX	50000	/* vocabulary, by document count */
#define PAKE_VEC_RELATED_DEFAULT 10
#define PAKE_VEC_RELATED_MAX	100

/* Fit the model on every note of the acting tenant and replace the
 * stored one, in one write transaction: term vectors, each note's vector,
 * vec_info.  dims: 0 for the default, else 1..PAKE_VEC_DIMS_MAX (fewer
 * when the notes have a lower rank).  *out: {model, dims, terms, docs,
 * notes, notes_without_vectors, fitted_at, seconds}.  Progress of a large
 * corpus goes to the context's log (info). */
int pake_vec_fit(pake_ctx *c, int dims, cJSON **out, pake_err *e);

/* Fold note n (stored, n->rowid set) into the fitted model and store its
 * vector, or remove it when none of its words has a term vector; nothing
 * when there is no fit.  Inside the caller's write transaction (the one
 * write path, store.c). */
int pake_vec_note_put(pake_ctx *c, pake_db *st, const pake_note *n,
    pake_err *e);
/* The note is going: its vector goes with it (same transaction). */
int pake_vec_note_remove(pake_ctx *c, pake_db *st, const pake_note *old,
    pake_err *e);

/* The k (0: default, at most PAKE_VEC_RELATED_MAX) notes whose vectors
 * are nearest the note's by cosine, best first: {pake_id, related:
 * [{pake_id, title, score}], model, dims[, reason]}.  No fit yet:
 * PAKE_ENOTFOUND ("No vectors yet: ..."). */
int pake_vec_related(pake_ctx *c, const char *pake_id, int k, cJSON **out,
    pake_err *e);

/* What is fitted: {fitted, model, dims, terms, docs, fitted_at,
 * notes_with_vectors, notes}. */
int pake_vec_status(pake_ctx *c, cJSON **out, pake_err *e);

/* The k (1..PAKE_VEC_RELATED_MAX) notes nearest a query in meaning: the
 * query folded in as a note of its words, cosine with every note's
 * vector: {results: [{pake_id, title, score}], model}; results empty when
 * no word of the query is in the fitted vocabulary.  No fit yet:
 * PAKE_ENOTFOUND. */
int pake_vec_search(pake_ctx *c, const char *query, int k, cJSON **out,
    pake_err *e);

/* Clusters of the tenant's notes by meaning: spherical k-means++ on the
 * vectors (k 0: sqrt(notes / 2), 2..50), each labelled by the keywords of
 * its nearest notes: {model, notes, k, iterations, clusters: [{id, size,
 * label[], notes: [{pake_id, title, score}] (the shown nearest; 0: 10)}]}.
 * No fit yet: PAKE_ENOTFOUND (lib/vec_cluster.c). */
int pake_vec_clusters(pake_ctx *c, int k, int shown, cJSON **out,
    pake_err *e);
/* The k pake_vec_clusters picks for notes vectors by default:
 * sqrt(notes / 2) rounded, 2..50, at most notes. */
int pake_vec_default_k(size_t notes);

/* Embeddings from a provider (lib/vec_embed.c; its design at the top).
 * The model the configuration wants into out: "lsa", or "embed:MODEL"
 * (then 1). */
int pake_vec_model_wanted(const pake_ctx *c, char *out, size_t n);
int pake_vec_model_is_embed(const char *model);
/* pake_vec_fit for a provider's model want: switch the store to it when
 * it is another, then embed every waiting note. */
int pake_vec_embed_fit(pake_ctx *c, pake_db *st, const char *want,
    cJSON **out, pake_err *e);
/* After a write committed: embed waiting notes when the store's model is
 * the configured provider's, batches at most (0: until none waits).
 * Failures are logged (the notes keep waiting), never returned. */
void pake_vec_embed_after(pake_ctx *c, int batches);
/* The vector (dims values, length 1) of a query's text. */
int pake_vec_embed_query(pake_ctx *c, const char *text, int dims, float *v,
    pake_err *e);

#endif
