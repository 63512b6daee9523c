/*
 * summary.h: extractive summaries and keywords weighed against the
 * tenant's notes (lib/summary.c; issue 12).
 */
#ifndef PAKE_SUMMARY_H
#define PAKE_SUMMARY_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "ctx.h"

typedef struct pake_summary_opts {
	int sentences;		/* 1..10; 0: 3 */
	double ratio;		/* of the sentences, instead; 0: unused */
	int key_points;		/* include key points */
	const char *content_type;	/* general, academic, web, ... */
} pake_summary_opts;

/* SEED-API §2's summary_result of markdown md[0..len) (UTF-8, checked by
 * the caller), with keywords added: {extractive_summary, key_points[],
 * abstract_summary, keywords[], metadata{content_type,
 * word_count_original, word_count_summary, compression_ratio,
 * confidence_score, processing_time_ms, generated_by}}.  st is the
 * tenant's store (its words and statistics); it reads only. */
int pake_summarize(pake_ctx *c, pake_db *st, const char *md, size_t len,
    const pake_summary_opts *o, cJSON **out, pake_err *e);

/* The keywords of md (at most max): recurring phrases, then the heaviest
 * terms, as the summary's; [] for a text too short to weigh. */
int pake_keywords(pake_db *st, const char *md, size_t len, int max,
    cJSON **out, pake_err *e);

/* Tags for a text (SEED-API §3.4's /ml/auto-tag, real): its keywords as
 * tags (lower case, spaces as '-'), those the tenant already uses first,
 * at most max: {tags[], existing[], confidence, method}. */
int pake_auto_tag(pake_ctx *c, const char *md, size_t len, int max,
    cJSON **out, pake_err *e);

/* Record a batch of summaries pake wrote (summary_result objects of
 * pake_summarize, n of them) in the tenant's summary log, in its own short
 * write transaction; the newest PAKE_SUMLOG_KEEP batches are kept. */
#define PAKE_SUMLOG_KEEP	50
#define PAKE_SUMLOG_WINDOW	10	/* batches the analytics average */
int pake_summary_record(pake_ctx *c, const cJSON *const *results, int n,
    pake_err *e);

/* SEED-API §2's GET /summarize/analytics from the log: {success,
 * analytics, timestamp}; analytics is {message} while the log is empty,
 * else {summarization_statistics{total_documents_processed,
 * avg_compression_ratio, avg_confidence_score, avg_processing_time_ms},
 * content_types_distribution{}, processing_history_batches}, over the
 * newest PAKE_SUMLOG_WINDOW batches, weighted by their documents. */
int pake_summary_analytics(pake_ctx *c, cJSON **out, pake_err *e);

#endif
