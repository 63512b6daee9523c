/*
 * entities.c: named entities in a text, by rules and gazetteers (issue 12;
 * SEED-API §7 for the shape of /nlp/extract-entities).
 *
 * Each rule is a POSIX extended regular expression (regcomp, compiled once
 * per call) with an entity type and a confidence; a list of names (the
 * gazetteers below) is a rule too.  Rules run in the order of the table;
 * a match that overlaps one already taken is dropped, so the more certain
 * rules (an e-mail, a URL, a DOI) win over the vaguer ones (a capitalised
 * pair).  Then mentions are grouped by their text (case ignored): one
 * entity with every mention.  Offsets are bytes of the UTF-8 text.
 *
 * What each rule catches, and what it misses:
 *   Email        user@host.tld; misses obfuscated ones ("at", "dot").
 *   Url          http(s)://... up to white space or a bracket or quote,
 *                trailing punctuation cut; misses bare "example.org".
 *   Doi          10.NNNN/suffix; a suffix ending in punctuation is cut.
 *   ArxivId      arXiv:YYMM.NNNNN(vN) and arxiv.org/abs/ ids; misses bare
 *                ids (too like decimals) and old-style hep-th/9901001.
 *   Pmid         "PMID: 12345678" and "PMID 123"; misses bare numbers.
 *   Date         2024-03-05, "March 5, 2024", "5 March 2024", "March
 *                2024", "Mar. 5, 2024"; misses 05/03/2024 (ambiguous).
 *   Money        $1,200.50, €5 million, USD 30, 40 dollars; misses
 *                amounts spelled out ("five dollars").
 *   Percentage   12%, 3.5 percent, 7 per cent.
 *   Person       a title (Dr, Prof, Mr, Mrs, Ms) and one or two capitalised
 *                words; or a first name of the gazetteer and a capitalised
 *                word; misses names without either (most names).
 *   Organization capitalised words before Inc, Corp, Ltd, LLC, GmbH,
 *                Company; "X University", "University of X", "X
 *                Institute", "Institute of X" and the like; misses names
 *                without such a word ("Acme").
 *   Location     the countries and large cities of the gazetteer as whole
 *                words; misses everything else.
 */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pake/entities.h"
#include "pake/util.h"

#define MONTHS "(January|February|March|April|May|June|July|August|" \
	"September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|" \
	"Sep|Sept|Oct|Nov|Dec)"
#define CAP	"[A-Z][a-z]+"
#define MENTIONS_MAX	10000	/* mentions kept from one text */
#define CONTEXT		50	/* bytes of context either side */

static const char *const first_names[] = {
	"Ada", "Alan", "Albert", "Alice", "Amelia", "Andrew", "Anna", "Barack",
	"Ben", "Carl", "Charles", "Claire", "Daniel", "David", "Edward",
	"Elena", "Elizabeth", "Emily", "Emma", "Eric", "Frank", "George",
	"Grace", "Hannah", "Harry", "Helen", "Henry", "Isaac", "Jack", "James",
	"Jane", "Jennifer", "John", "Joseph", "Julia", "Karen", "Kate",
	"Laura", "Linda", "Linus", "Lisa", "Margaret", "Maria", "Marie",
	"Mark", "Mary", "Matthew", "Michael", "Nancy", "Noah", "Olivia",
	"Paul", "Peter", "Rachel", "Richard", "Robert", "Rosalind", "Sarah",
	"Sophie", "Steven", "Susan", "Thomas", "Tim", "Tom", "William", NULL,
};

static const char *const places[] = {
	"Amsterdam", "Argentina", "Athens", "Australia", "Austria", "Beijing",
	"Belgium", "Berlin", "Boston", "Brazil", "Canada", "Chicago", "Chile",
	"China", "Copenhagen", "Denmark", "Dublin", "Egypt", "England",
	"Europe", "Finland", "France", "Germany", "Greece", "Helsinki",
	"Hong Kong", "India", "Indonesia", "Ireland", "Israel", "Istanbul",
	"Italy", "Japan", "Kenya", "Lisbon", "London", "Los Angeles", "Madrid",
	"Mexico", "Moscow", "Mumbai", "Nairobi", "Netherlands", "New York",
	"New Zealand", "Nigeria", "Norway", "Oslo", "Paris", "Poland",
	"Portugal", "Prague", "Rome", "Russia", "San Francisco", "Scotland",
	"Seoul", "Singapore", "South Africa", "Spain", "Stockholm", "Sweden",
	"Switzerland", "Sydney", "Tokyo", "Toronto", "Turkey", "Ukraine",
	"United Kingdom", "United States", "Vienna", "Wales", "Washington",
	"Zurich", NULL,
};

/* A rule: a pattern, or a gazetteer (pattern NULL). */
struct rule {
	const char *type;
	double confidence;
	const char *pattern;
	const char *const *names;
	int icase;
};

static const struct rule rules[] = {
	{"Email", 0.95, "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}",
	    NULL, 0},
	{"Url", 0.95, "https?://[^][:space:]<>\"'()]+", NULL, 0},
	{"Doi", 0.95, "10\\.[0-9]{4,9}/[^][:space:]<>\"'()]+", NULL, 0},
	{"ArxivId", 0.95, "arxiv(:|\\.org/abs/)[0-9]{4}\\.[0-9]{4,5}(v[0-9]+)?",
	    NULL, 1},
	{"Pmid", 0.95, "PMID:? ?[0-9]{1,8}", NULL, 0},
	{"Date", 0.9, "[12][0-9]{3}-[01][0-9]-[0-3][0-9]", NULL, 0},
	{"Date", 0.9, MONTHS "\\.? [0-3]?[0-9](st|nd|rd|th)?,? [12][0-9]{3}",
	    NULL, 0},
	{"Date", 0.9, "[0-3]?[0-9] " MONTHS "\\.? [12][0-9]{3}", NULL, 0},
	{"Date", 0.8, MONTHS " [12][0-9]{3}", NULL, 0},
	{"Money", 0.85, "(\\$|€|£|¥|(USD|EUR|GBP) ?)[0-9][0-9,]*(\\.[0-9]+)?"
	    "( ?(million|billion|thousand|bn|m|k)\\b)?", NULL, 0},
	{"Money", 0.85, "[0-9][0-9,]*(\\.[0-9]+)? (dollars|euros|pounds)",
	    NULL, 1},
	{"Percentage", 0.9, "[0-9]+(\\.[0-9]+)? ?(%|percent|per cent)", NULL,
	    0},
	{"Person", 0.8, "(Dr|Prof|Mr|Mrs|Ms)\\.? " CAP "( " CAP ")?", NULL, 0},
	{"Organization", 0.75, "(" CAP "[ &-]){1,4}(Inc|Corp|Corporation|"
	    "Ltd|LLC|GmbH|Company)\\b\\.?", NULL, 0},
	{"Organization", 0.75, "(University|Institute|College|School|Academy)"
	    " of( the)? " CAP "( " CAP ")?", NULL, 0},
	{"Organization", 0.75, "(" CAP " ){1,3}(University|Institute|College|"
	    "Foundation|Laboratory|Laboratories|Agency|Association|Society)",
	    NULL, 0},
	{"Person", 0.7, NULL, first_names, 0},
	{"Location", 0.7, NULL, places, 0},
};
#define NRULES	(sizeof rules / sizeof rules[0])

void
pake_entities_free(pake_entities *x)
{
	free(x->m);
	memset(x, 0, sizeof *x);
}

/* 1 when [s, e) overlaps a mention taken. */
static int
overlaps(const pake_entities *x, size_t s, size_t e)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (s < x->m[i].end && x->m[i].start < e)
			return 1;
	return 0;
}

static int
add(pake_entities *x, const struct rule *r, size_t s, size_t e)
{
	if (x->n >= MENTIONS_MAX || overlaps(x, s, e))
		return 0;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 32;
		pake_mention *m = realloc(x->m, cap * sizeof *m);

		if (m == NULL)
			return -1;
		x->m = m;
		x->cap = cap;
	}
	x->m[x->n].start = s;
	x->m[x->n].end = e;
	x->m[x->n].type = r->type;
	x->m[x->n].confidence = r->confidence;
	x->n++;
	return 0;
}

static int
wordch(int c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* A URL, DOI or such does not end in sentence punctuation. */
static size_t
trim_end(const char *t, size_t s, size_t e)
{
	while (e > s && strchr(".,;:!?", t[e - 1]))
		e--;
	return e;
}

/* Every match of a pattern rule (whole words at the edges). */
static int
run_pattern(pake_entities *x, const struct rule *r, const char *t, size_t n)
{
	regex_t re;
	regmatch_t m;
	size_t at = 0;
	int rc = 0;

	if (regcomp(&re, r->pattern, REG_EXTENDED | (r->icase ? REG_ICASE : 0))
	    != 0)
		return -1;
	while (at < n) {
		size_t s, e;

		m.rm_so = (regoff_t)at;
		m.rm_eo = (regoff_t)n;
		if (regexec(&re, t, 1, &m, REG_STARTEND | (at ? REG_NOTBOL :
		    0)) != 0)
			break;
		s = (size_t)m.rm_so;
		e = (size_t)m.rm_eo;
		if (e == s) {
			at = e + 1;
			continue;
		}
		if (strcmp(r->type, "Url") == 0 || strcmp(r->type, "Doi") == 0)
			e = trim_end(t, s, e);
		if ((s == 0 || !wordch((unsigned char)t[s - 1])) && (e >= n ||
		    !wordch((unsigned char)t[e]) || !wordch((unsigned char)
		    t[e - 1])) && (rc = add(x, r, s, e)) != 0)
			break;
		at = (size_t)m.rm_eo;
	}
	regfree(&re);
	return rc;
}

/* Every whole-word occurrence of the gazetteer's names; for first names,
 * the name and the capitalised word after it. */
static int
run_names(pake_entities *x, const struct rule *r, const char *t, size_t n)
{
	const char *const *nm;
	int person = r->names == first_names;

	for (nm = r->names; *nm; nm++) {
		size_t len = strlen(*nm);
		const char *p = t;

		while ((p = memmem(p, n - (size_t)(p - t), *nm, len)) != NULL) {
			size_t s = (size_t)(p - t), e = s + len;

			p += len;
			if ((s > 0 && wordch((unsigned char)t[s - 1])) ||
			    (e < n && wordch((unsigned char)t[e])))
				continue;
			if (person) {
				size_t k = e + 1;

				if (e >= n || t[e] != ' ' || k >= n ||
				    !isupper((unsigned char)t[k]))
					continue;
				while (k < n && isalpha((unsigned char)t[k]))
					k++;
				if (k - (e + 1) < 2)
					continue;
				e = k;
			}
			if (add(x, r, s, e) != 0)
				return -1;
		}
	}
	return 0;
}

static int
cmp_start(const void *a, const void *b)
{
	const pake_mention *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

int
pake_entities_find(const char *text, size_t len, pake_entities *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < NRULES; i++)
		if ((rules[i].pattern ? run_pattern(out, &rules[i], text, len) :
		    run_names(out, &rules[i], text, len)) != 0) {
			pake_entities_free(out);
			return -1;
		}
	if (out->n > 1)
		qsort(out->m, out->n, sizeof *out->m, cmp_start);
	return 0;
}

/* The context of [s, e): CONTEXT bytes either side, on character
 * boundaries, white space trimmed. */
static char *
context(const char *t, size_t n, size_t s, size_t e)
{
	size_t a = s > CONTEXT ? s - CONTEXT : 0, b = e + CONTEXT < n ?
	    e + CONTEXT : n;

	while (a > 0 && ((unsigned char)t[a] & 0xC0) == 0x80)
		a--;
	while (b < n && ((unsigned char)t[b] & 0xC0) == 0x80)
		b++;
	while (a < s && isspace((unsigned char)t[a]))
		a++;
	while (b > e && isspace((unsigned char)t[b - 1]))
		b--;
	return pake_strndup(t + a, b - a);
}

cJSON *
pake_entities_json(const char *text, size_t len, const pake_entities *x)
{
	cJSON *arr = cJSON_CreateArray(), *ent, *ms, *m;
	size_t i, j;
	char *done = calloc(x->n ? x->n : 1, 1);

	if (arr == NULL || done == NULL) {
		cJSON_Delete(arr);
		free(done);
		return NULL;
	}
	for (i = 0; i < x->n; i++) {
		size_t l = x->m[i].end - x->m[i].start;
		char *txt, *ctx;
		double best = 0;

		if (done[i])
			continue;
		txt = pake_strndup(text + x->m[i].start, l);
		ctx = context(text, len, x->m[i].start, x->m[i].end);
		ent = cJSON_CreateObject();
		cJSON_AddStringToObject(ent, "text", txt ? txt : "");
		cJSON_AddStringToObject(ent, "entity_type", x->m[i].type);
		ms = cJSON_CreateArray();
		for (j = i; j < x->n; j++) {
			char *mt;

			if (done[j] || x->m[j].end - x->m[j].start != l ||
			    strncasecmp(text + x->m[j].start,
			    text + x->m[i].start, l) != 0)
				continue;
			done[j] = 1;
			if (x->m[j].confidence > best)
				best = x->m[j].confidence;
			mt = pake_strndup(text + x->m[j].start, l);
			m = cJSON_CreateObject();
			cJSON_AddStringToObject(m, "text", mt ? mt : "");
			cJSON_AddStringToObject(m, "label", x->m[j].type);
			cJSON_AddNumberToObject(m, "start",
			    (double)x->m[j].start);
			cJSON_AddNumberToObject(m, "end", (double)x->m[j].end);
			cJSON_AddNumberToObject(m, "confidence",
			    x->m[j].confidence);
			cJSON_AddItemToArray(ms, m);
			free(mt);
		}
		cJSON_AddNumberToObject(ent, "confidence", best);
		cJSON_AddStringToObject(ent, "context", ctx ? ctx : "");
		cJSON_AddItemToObject(ent, "mentions", ms);
		cJSON_AddItemToArray(arr, ent);
		free(txt);
		free(ctx);
	}
	free(done);
	return arr;
}
