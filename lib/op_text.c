/*
 * op_text.c: the text-analysis operations of the registry (issue 12):
 * summarize (the Python server's POST /summarize, SEED-API §2) and
 * summarize_note (an MCP tool: a note's summary, and with save, written
 * into its summary field as a new version).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pake/db.h"
#include "pake/entities.h"
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/store.h"
#include "pake/summary.h"
#include "pake/text.h"
#include "pake/util.h"

#define SERVICE		"pake summarizer 1"
#define CONTENT_MAX	(10 * 1024 * 1024)	/* bytes summarised at once */

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
int_arg(const cJSON *in, const char *k, int dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, k);

	return cJSON_IsNumber(v) ? v->valueint : dflt;
}

/* The summary of md in the tenant's store, in one read snapshot. */
static int
summarize(pake_ctx *c, const char *md, size_t len, const cJSON *in,
    cJSON **res, pake_err *e)
{
	const cJSON *kp = cJSON_GetObjectItemCaseSensitive(in,
	    "include_key_points");
	pake_summary_opts o = {0};
	pake_db *st;
	int rc;

	o.sentences = int_arg(in, "target_sentences", 3);
	o.key_points = kp == NULL || cJSON_IsTrue(kp);
	o.content_type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    in, "content_type"));
	if (!pake_utf8_valid(md, len))
		return pake_fail(e, PAKE_EINVAL, "Content is not UTF-8", NULL);
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	rc = pake_summarize(c, st, md, len, &o, res, e);
	if (rc == 0)
		return pake_db_commit(st, e);
	pake_db_rollback(st);
	return rc;
}

static int
run_summarize(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *md = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    in, "content"));
	double t0 = mono();
	char ts[32];
	cJSON *res, *m;
	int rc;

	if ((rc = summarize(c, md, strlen(md), in, &res, e)) != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	cJSON_AddItemToObject(*out, "summary_result", res);
	m = cJSON_AddObjectToObject(*out, "metadata");
	cJSON_AddNumberToObject(m, "execution_time_seconds", mono() - t0);
	pake_iso8601(pake_now_ms(), ts);
	cJSON_AddStringToObject(m, "timestamp", ts);
	cJSON_AddStringToObject(m, "service_version", SERVICE);
	return 0;
}

#define S_SUMMARY_OPTS \
	"\"content_type\":{\"type\":\"string\",\"maxLength\":64," \
	"\"default\":\"general\",\"description\":\"academic and web weigh " \
	"their cue words\"}," \
	"\"target_sentences\":{\"type\":\"integer\",\"minimum\":1," \
	"\"maximum\":10,\"default\":3}," \
	"\"include_key_points\":{\"type\":\"boolean\",\"default\":true}"
#define S_RESULT "{\"type\":\"object\",\"required\":[" \
	"\"extractive_summary\",\"key_points\",\"abstract_summary\"," \
	"\"metadata\"],\"properties\":{\"extractive_summary\":{\"type\":" \
	"\"string\"},\"key_points\":{\"type\":\"array\"},\"abstract_summary\":" \
	"{\"type\":\"string\"},\"keywords\":{\"type\":\"array\"}," \
	"\"metadata\":{\"type\":\"object\"}}}"

const pake_op pake_op_summarize = {
	"summarize", "Summarize text",
	"An extractive summary of a text: the sentences that carry most of "
	"its weight against the tenant's notes, without near repeats, with "
	"key points, keywords and a one-line abstract.",
	"{\"type\":\"object\",\"required\":[\"content\"],"
	"\"additionalProperties\":false,\"properties\":{\"content\":{"
	"\"type\":\"string\",\"minLength\":1,\"maxLength\":10485760},"
	S_SUMMARY_OPTS "}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"summary_result\"],"
	"\"properties\":{\"success\":{\"type\":\"boolean\"},\"summary_result\":"
	S_RESULT ",\"metadata\":{\"type\":\"object\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_summarize, NULL,
};

static int
run_summarize_note(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    in, "pake_id"));
	const cJSON *save = cJSON_GetObjectItemCaseSensitive(in, "save");
	pake_note n, patch, after;
	cJSON *res;
	int rc;

	pake_note_init(&n);
	if ((rc = pake_store_get(c, id, &n, e)) != 0)
		return rc;
	rc = summarize(c, n.body, n.body_len, in, &res, e);
	pake_note_free(&n);
	if (rc != 0)
		return rc;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "pake_id", id);
	cJSON_AddItemToObject(*out, "summary_result", res);
	if (cJSON_IsTrue(save)) {
		const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res,
		    "extractive_summary"));

		pake_note_init(&patch);
		pake_note_init(&after);
		patch.summary = pake_strdup(text);
		rc = patch.summary ? pake_store_update(c, id, &patch,
		    PAKE_F_SUMMARY, 0, &after, e) : pake_fail(e,
		    PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
		if (rc == 0) {
			const cJSON *one[1] = {res};
			pake_err le = {0};

			cJSON_AddNumberToObject(*out, "version",
			    (double)after.version);
			/* The summary is saved: a failure of the log is
			 * logged, never the write's. */
			if (pake_summary_record(c, one, 1, &le) != 0)
				pake_log_msg(c->log, PAKE_LOG_WARN, "summary "
				    "log: %s", le.detail);
		}
		pake_note_free(&patch);
		pake_note_free(&after);
		if (rc != 0) {
			cJSON_Delete(*out);
			*out = NULL;
			return rc;
		}
	}
	cJSON_AddBoolToObject(*out, "saved", cJSON_IsTrue(save));
	return 0;
}

const pake_op pake_op_summarize_note = {
	"summarize_note", "Summarize a note",
	"An extractive summary of a note (sentences weighed against the "
	"tenant's other notes, without near repeats), its key points and "
	"keywords; with save, the summary becomes the note's summary field "
	"(a new version).",
	"{\"type\":\"object\",\"required\":[\"pake_id\"],"
	"\"additionalProperties\":false,\"properties\":{\"pake_id\":{"
	"\"type\":\"string\",\"maxLength\":64},\"save\":{\"type\":"
	"\"boolean\",\"default\":false}," S_SUMMARY_OPTS "}}",
	"{\"type\":\"object\",\"required\":[\"pake_id\",\"summary_result\","
	"\"saved\"],\"properties\":{\"pake_id\":{\"type\":\"string\"},"
	"\"summary_result\":" S_RESULT ",\"saved\":{\"type\":\"boolean\"},"
	"\"version\":{\"type\":\"integer\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_MCP, run_summarize_note, NULL,
};

static int
run_auto_tag(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *md = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    in, "content"));
	char ts[32];
	int rc;

	if (!pake_utf8_valid(md, strlen(md)))
		return pake_fail(e, PAKE_EINVAL, "Content is not UTF-8", NULL);
	if ((rc = pake_auto_tag(c, md, strlen(md), int_arg(in, "max_tags", 5),
	    out, e)) != 0)
		return rc;
	pake_iso8601(pake_now_ms(), ts);
	cJSON_AddStringToObject(*out, "processed_at", ts);
	return 0;
}

const pake_op pake_op_auto_tag = {
	"auto_tag", "Suggest tags",
	"Tags for a text: its keywords (weighed against the tenant's notes) "
	"as tags, those the tenant already uses first.",
	"{\"type\":\"object\",\"required\":[\"content\"],"
	"\"additionalProperties\":false,\"properties\":{\"content\":{"
	"\"type\":\"string\",\"minLength\":1,\"maxLength\":10485760},"
	"\"max_tags\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":20,"
	"\"default\":5}}}",
	"{\"type\":\"object\",\"required\":[\"tags\",\"confidence\","
	"\"method\"],\"properties\":{\"tags\":{\"type\":\"array\",\"items\":{"
	"\"type\":\"string\"}},\"existing\":{\"type\":\"array\"},\"confidence\":"
	"{\"type\":\"number\"},\"method\":{\"type\":\"string\"},"
	"\"processed_at\":{\"type\":\"string\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_auto_tag, NULL,
};

#define ENTITY_TEXT_MAX	(1024 * 1024)	/* bytes read for entities */

static int
run_extract_entities(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    in, "text"));
	size_t n = strlen(t);
	pake_entities x;
	cJSON *ents;

	(void)c;
	if (!pake_utf8_valid(t, n))
		return pake_fail(e, PAKE_EINVAL, "Text is not UTF-8", NULL);
	if (pake_entities_find(t, n, &x) != 0 ||
	    (ents = pake_entities_json(t, n, &x)) == NULL) {
		pake_entities_free(&x);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	pake_entities_free(&x);
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	cJSON_AddStringToObject(*out, "text", t);
	cJSON_AddNumberToObject(*out, "count", cJSON_GetArraySize(ents));
	cJSON_AddItemToObject(*out, "entities", ents);
	return 0;
}

const pake_op pake_op_extract_entities = {
	"extract_entities", "Extract entities",
	"People, organisations, places, dates, money, percentages, e-mails, "
	"URLs, DOIs, arXiv ids and PMIDs in a text, by documented rules and "
	"gazetteers, with byte offsets and confidences.",
	"{\"type\":\"object\",\"required\":[\"text\"],"
	"\"additionalProperties\":false,\"properties\":{\"text\":{"
	"\"type\":\"string\",\"minLength\":1,\"maxLength\":1048576}}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"entities\","
	"\"count\"],\"properties\":{\"success\":{\"type\":\"boolean\"},"
	"\"text\":{\"type\":\"string\"},\"entities\":{\"type\":\"array\"},"
	"\"count\":{\"type\":\"integer\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_extract_entities, NULL,
};

/* The positive and negative words of the sentiment measure (a small
 * lexicon written here; see extract_metadata's description). */
static const char *const positive[] = {"good", "great", "excellent",
	"positive", "success", "successful", "benefit", "improve", "improved",
	"improvement", "effective", "strong", "best", "better", "happy",
	"love", "gain", "robust", "promising", "advantage", NULL};
static const char *const negative[] = {"bad", "poor", "negative", "fail",
	"failed", "failure", "risk", "problem", "worse", "worst", "weak",
	"loss", "decline", "harm", "harmful", "difficult", "error", "threat",
	"sad", "hate", NULL};

struct counts {
	int pos, neg, words, stop;
};

static int
in_list(const char *w, const char *const *l)
{
	for (; *l; l++)
		if (strcmp(w, *l) == 0)
			return 1;
	return 0;
}

static int
count_word(void *arg, const pake_word *w)
{
	struct counts *k = arg;

	k->words++;
	k->pos += in_list(w->word, positive);
	k->neg += in_list(w->word, negative);
	k->stop += pake_text_stopword(w->word);
	return 0;
}

/* Add the mentions of one type as a list of their texts (each once). */
static void
add_kind(cJSON *o, const char *key, const char *type, const char *t,
    const pake_entities *x)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	const cJSON *v;
	size_t i;

	for (i = 0; i < x->n; i++) {
		char *s;
		int dup = 0;

		if (strcmp(x->m[i].type, type) != 0 ||
		    (s = pake_strndup(t + x->m[i].start, x->m[i].end -
		    x->m[i].start)) == NULL)
			continue;
		cJSON_ArrayForEach(v, a)
			if (strcmp(v->valuestring, s) == 0)
				dup = 1;
		if (!dup && cJSON_GetArraySize(a) < 100)
			cJSON_AddItemToArray(a, cJSON_CreateString(s));
		free(s);
	}
}

/* Characters (code points) of valid UTF-8. */
static size_t
chars(const char *t, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += ((unsigned char)t[i] & 0xC0) != 0x80;
	return k;
}

static int
run_extract_metadata(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    in, "content"));
	const cJSON *oe = cJSON_GetObjectItemCaseSensitive(in,
	    "include_entities");
	const cJSON *ot = cJSON_GetObjectItemCaseSensitive(in,
	    "include_topics");
	const cJSON *os = cJSON_GetObjectItemCaseSensitive(in,
	    "include_sentiment");
	size_t n = strlen(t), lines = 1, i;
	struct counts k = {0};
	pake_entities x = {0};
	cJSON *b, *o, *kw = NULL;
	pake_db *st;
	char ts[32];
	int rc;

	if (!pake_utf8_valid(t, n))
		return pake_fail(e, PAKE_EINVAL, "Content is not UTF-8", NULL);
	if ((st = pake_ctx_store(c, e)) == NULL)
		return e->code;
	if ((rc = pake_db_begin_read(st, e)) != 0)
		return rc;
	if ((rc = pake_db_words(st, t, n, count_word, &k, e)) == 0 &&
	    (ot == NULL || cJSON_IsTrue(ot)))
		rc = pake_keywords(st, t, n, 10, &kw, e);
	pake_db_rollback(st);
	if (rc != 0)
		return rc;
	*out = cJSON_CreateObject();
	b = cJSON_AddObjectToObject(*out, "basic_stats");
	for (i = 0; i < n; i++)
		lines += t[i] == '\n';
	cJSON_AddNumberToObject(b, "word_count", (double)pake_text_words(t,
	    n));
	cJSON_AddNumberToObject(b, "character_count", (double)chars(t, n));
	cJSON_AddNumberToObject(b, "line_count", (double)lines);
	cJSON_AddNumberToObject(b, "estimated_reading_time",
	    (double)(pake_text_words(t, n) / 200));
	/* English when one word in seven or more is an English stop word
	 * (running English prose has about two in five); else unknown. */
	cJSON_AddStringToObject(*out, "language", k.words >= 5 &&
	    k.stop * 7 >= k.words ? "en" : "unknown");
	if (oe == NULL || cJSON_IsTrue(oe)) {
		if (pake_entities_find(t, n > ENTITY_TEXT_MAX ?
		    ENTITY_TEXT_MAX : n, &x) != 0) {
			cJSON_Delete(kw);
			cJSON_Delete(*out);
			*out = NULL;
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM,
			    NULL);
		}
		o = cJSON_AddObjectToObject(*out, "entities");
		add_kind(o, "urls", "Url", t, &x);
		add_kind(o, "emails", "Email", t, &x);
		add_kind(o, "dois", "Doi", t, &x);
		add_kind(o, "arxiv_ids", "ArxivId", t, &x);
		add_kind(o, "pmids", "Pmid", t, &x);
		add_kind(o, "dates", "Date", t, &x);
		add_kind(o, "potential_names", "Person", t, &x);
		add_kind(o, "organizations", "Organization", t, &x);
		add_kind(o, "places", "Location", t, &x);
		pake_entities_free(&x);
	}
	if (kw) {
		const cJSON *w;

		o = cJSON_AddArrayToObject(*out, "topics");
		cJSON_ArrayForEach(w, kw)
			cJSON_AddItemToArray(o, cJSON_CreateString(
			    w->valuestring));
		cJSON_Delete(kw);
	}
	if (os == NULL || cJSON_IsTrue(os)) {
		double score = k.words ? (double)(k.pos - k.neg) /
		    (double)k.words : 0;

		o = cJSON_AddObjectToObject(*out, "sentiment");
		cJSON_AddNumberToObject(o, "score", floor(score * 1000 + 0.5) /
		    1000);
		cJSON_AddStringToObject(o, "label", score > 0.02 ? "positive" :
		    score < -0.02 ? "negative" : "neutral");
		cJSON_AddNumberToObject(o, "positive", k.pos);
		cJSON_AddNumberToObject(o, "negative", k.neg);
	}
	pake_iso8601(pake_now_ms(), ts);
	cJSON_AddStringToObject(*out, "extracted_at", ts);
	return 0;
}

const pake_op pake_op_extract_metadata = {
	"extract_metadata", "Extract metadata",
	"Counts (words, characters, lines, minutes to read at 200 words a "
	"minute), the language (English or unknown, by stop words), e-mails, "
	"URLs, DOIs, arXiv ids, PMIDs, dates, names, organisations and places "
	"(extract_entities' rules), topics (keywords weighed against the "
	"tenant's notes) and a sentiment measure: (positive - negative words "
	"of a 20+20-word lexicon) / words, positive above 0.02, negative "
	"below -0.02.",
	"{\"type\":\"object\",\"required\":[\"content\"],"
	"\"additionalProperties\":false,\"properties\":{\"content\":{"
	"\"type\":\"string\",\"minLength\":1,\"maxLength\":10485760},"
	"\"include_entities\":{\"type\":\"boolean\",\"default\":true},"
	"\"include_topics\":{\"type\":\"boolean\",\"default\":true},"
	"\"include_sentiment\":{\"type\":\"boolean\",\"default\":true}}}",
	"{\"type\":\"object\",\"required\":[\"basic_stats\",\"extracted_at\"],"
	"\"properties\":{\"basic_stats\":{\"type\":\"object\"},\"entities\":{"
	"\"type\":\"object\"},\"topics\":{\"type\":\"array\"},\"sentiment\":"
	"{\"type\":\"object\"},\"language\":{\"type\":\"string\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_extract_metadata, NULL,
};

/* Syllables of a folded word: groups of vowels (y counts), less a final
 * silent e, at least one -- the usual estimate of English syllables. */
static int
syllables(const char *w)
{
	int n = 0, in = 0;
	size_t i, len = strlen(w);

	for (i = 0; i < len; i++) {
		int v = strchr("aeiouy", w[i]) != NULL;

		if (v && !in)
			n++;
		in = v;
	}
	if (len > 2 && w[len - 1] == 'e' && !strchr("aeiouy", w[len - 2]))
		n--;
	return n < 1 ? 1 : n;
}

struct readable {
	int tokens, words, syll, pos, neg;
};

static int
read_token(void *arg, const pake_word *w)
{
	struct readable *r = arg;

	r->tokens++;
	r->pos += in_list(w->word, positive);
	r->neg += in_list(w->word, negative);
	if (strlen(w->word) > 2 && !pake_text_stopword(w->word)) {
		r->words++;
		r->syll += syllables(w->word);
	}
	return 0;
}

static int
run_analyze_text(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    in, "text"));
	size_t n = strlen(t), ns = 0, plen;
	struct readable r = {0};
	pake_sentence *sp = NULL;
	char *plain = NULL;
	cJSON *a, *kp, *kw = NULL, *s, *x;
	double read = 0;
	pake_db *st;
	int rc;

	if (!pake_utf8_valid(t, n))
		return pake_fail(e, PAKE_EINVAL, "Text is not UTF-8", NULL);
	if (pake_text_plain(t, n, &plain, &plen) != 0 ||
	    pake_text_sentences(plain, plen, &sp, &ns) != 0) {
		free(plain);
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	}
	free(sp);
	if ((st = pake_ctx_store(c, e)) == NULL) {
		free(plain);
		return e->code;
	}
	if ((rc = pake_db_begin_read(st, e)) == 0) {
		if ((rc = pake_db_words(st, plain, plen, read_token, &r, e)) == 0)
			rc = pake_keywords(st, t, n, 10, &kw, e);
		pake_db_rollback(st);
	}
	free(plain);
	if (rc != 0)
		return rc;
	/* Flesch reading ease over the words that carry meaning, clamped to
	 * 0..100: 206.835 - 1.015 words a sentence - 84.6 syllables a word. */
	if (ns > 0 && r.words > 0) {
		read = 206.835 - 1.015 * ((double)r.tokens / (double)ns) -
		    84.6 * ((double)r.syll / (double)r.words);
		read = read < 0 ? 0 : read > 100 ? 100 : read;
	}
	*out = cJSON_CreateObject();
	cJSON_AddBoolToObject(*out, "success", 1);
	cJSON_AddNumberToObject(*out, "text_length", (double)chars(t, n));
	a = cJSON_AddObjectToObject(*out, "analytics");
	cJSON_AddNumberToObject(a, "word_count", r.words);
	cJSON_AddNumberToObject(a, "sentence_count", (double)ns);
	cJSON_AddNumberToObject(a, "avg_sentence_length", ns ?
	    floor((double)r.words / (double)ns * 100 + 0.5) / 100 : 0);
	cJSON_AddNumberToObject(a, "readability_score",
	    floor(read * 100 + 0.5) / 100);
	kp = cJSON_AddArrayToObject(a, "key_phrases");
	{
		int i = 0, total = cJSON_GetArraySize(kw);

		/* Ranked keywords, scored by rank: 100 for the first. */
		cJSON_ArrayForEach(x, kw) {
			cJSON *p = cJSON_CreateObject();

			cJSON_AddStringToObject(p, "phrase", x->valuestring);
			cJSON_AddNumberToObject(p, "score", floor(100.0 *
			    (total - i) / total * 100 + 0.5) / 100);
			cJSON_AddItemToArray(kp, p);
			i++;
		}
	}
	cJSON_Delete(kw);
	s = cJSON_AddObjectToObject(a, "sentiment_indicators");
	cJSON_AddNumberToObject(s, "positive", r.pos);
	cJSON_AddNumberToObject(s, "negative", r.neg);
	cJSON_AddNumberToObject(s, "neutral", r.tokens - r.pos - r.neg);
	return 0;
}

const pake_op pake_op_analyze_text = {
	"analyze_text", "Analyze a text",
	"Counts (words that carry meaning, sentences, words a sentence), "
	"Flesch reading ease (0 to 100), key phrases (keywords weighed "
	"against the tenant's notes, scored by rank) and the words of "
	"extract_metadata's sentiment lexicon.",
	"{\"type\":\"object\",\"required\":[\"text\"],"
	"\"additionalProperties\":false,\"properties\":{\"text\":{"
	"\"type\":\"string\",\"minLength\":1,\"maxLength\":1048576}}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"analytics\"],"
	"\"properties\":{\"success\":{\"type\":\"boolean\"},\"text_length\":{"
	"\"type\":\"integer\"},\"analytics\":{\"type\":\"object\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_analyze_text, NULL,
};

static int
run_summarize_analytics(pake_ctx *c, const cJSON *in, cJSON **out,
    pake_err *e)
{
	(void)in;
	return pake_summary_analytics(c, out, e);
}

const pake_op pake_op_summarize_analytics = {
	"summarize_analytics", "Summaries written",
	"What the summaries pake wrote into notes were like (SEED-API's GET "
	"/summarize/analytics): documents, mean compression, confidence and "
	"time over the newest 10 batches, weighted by their documents, and "
	"the content types.  Summaries only read record nothing.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"analytics\","
	"\"timestamp\"],\"properties\":{\"success\":{\"type\":\"boolean\"},"
	"\"analytics\":{\"type\":\"object\"},\"timestamp\":{\"type\":"
	"\"string\"}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT,
	run_summarize_analytics, NULL,
};
