/*
 * bibtex.c: a BibTeX entry for a research record or a SourceNote's
 * frontmatter (issue 13).
 *
 * Type: @article when a journal is named, else @misc (an arXiv preprint:
 * eprint, archivePrefix, primaryClass, as arXiv's own export gives them; a
 * web page: howpublished = {\url{...}}).  Key: the first author's family
 * name (ASCII letters only), the year, and the first title word of four or
 * more letters, lower case ("vaswani2017attention"); "anon" and "nd" stand
 * in.  Values are braced; the characters TeX reads specially (\ { } $ & %
 * # _ ^ ~) are escaped, so every value's braces balance whatever the
 * record holds.  Authors are "Family, Given" joined by " and "; a name of
 * one word stays as it is.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "pake/bibtex.h"
#include "pake/util.h"

/* Append s braced and escaped. */
static void
put_val(pake_buf *b, const char *s)
{
	pake_buf_putc(b, '{');
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			pake_buf_puts(b, "\\textbackslash{}");
			break;
		case '{': case '}': case '$': case '&': case '%': case '#':
		case '_':
			pake_buf_putc(b, '\\');
			pake_buf_putc(b, *s);
			break;
		case '^':
			pake_buf_puts(b, "\\^{}");
			break;
		case '~':
			pake_buf_puts(b, "\\~{}");
			break;
		case '\n': case '\r': case '\t':
			pake_buf_putc(b, ' ');
			break;
		default:
			pake_buf_putc(b, *s);
		}
	}
	pake_buf_putc(b, '}');
}

static void
field(pake_buf *b, const char *name, const char *v)
{
	if (v == NULL || *v == '\0')
		return;
	pake_buf_printf(b, ",\n  %s = ", name);
	put_val(b, v);
}

/* "Given Family" -> "Family, Given" into out. */
static void
family_first(const char *name, char *out, size_t n)
{
	const char *sp = strrchr(name, ' ');

	if (sp == NULL || strchr(name, ',') != NULL)
		snprintf(out, n, "%s", name);
	else
		snprintf(out, n, "%s, %.*s", sp + 1, (int)(sp - name), name);
}

/* Lower-case ASCII letters of s (at most max) into out. */
static void
letters(const char *s, char *out, size_t max)
{
	size_t k = 0;

	for (; *s && k + 1 < max; s++)
		if (isalpha((unsigned char)*s) && !((unsigned char)*s & 0x80))
			out[k++] = (char)tolower((unsigned char)*s);
	out[k] = '\0';
}

char *
pake_bibtex(const cJSON *r)
{
	const cJSON *authors = cJSON_GetObjectItemCaseSensitive(r, "authors");
	const cJSON *a;
	const char *title = pake_json_str(r, "title"), *journal = pake_json_str(r, "journal");
	const char *published = pake_json_str(r, "published"), *arxiv = pake_json_str(r,
	    "arxiv_id"), *first = NULL, *w;
	char key[96], fam[40], word[40], year[5] = "nd", name[600];
	pake_buf b = {0}, au = {0};
	size_t i;

	if (cJSON_IsArray(authors) && cJSON_GetArraySize(authors) > 0)
		first = cJSON_GetStringValue(cJSON_GetArrayItem(authors, 0));
	if (first) {
		const char *sp = strrchr(first, ' ');

		letters(sp ? sp + 1 : first, fam, sizeof fam);
	} else
		fam[0] = '\0';
	if (fam[0] == '\0')
		snprintf(fam, sizeof fam, "anon");
	if (published && strlen(published) >= 4 && isdigit((unsigned char)
	    published[0]) && isdigit((unsigned char)published[3])) {
		memcpy(year, published, 4);
		year[4] = '\0';
	}
	word[0] = '\0';
	for (w = title ? title : ""; *w && word[0] == '\0'; ) {
		size_t len = strcspn(w, " -:,.;");

		if (len >= 4) {
			char tmp[64];

			snprintf(tmp, sizeof tmp, "%.*s", (int)(len < 63 ?
			    len : 63), w);
			letters(tmp, word, sizeof word);
			if (strlen(word) < 4)
				word[0] = '\0';
		}
		w += len;
		w += strspn(w, " -:,.;");
	}
	snprintf(key, sizeof key, "%s%s%s", fam, year, word);
	i = 0;
	cJSON_ArrayForEach(a, authors) {
		if (!cJSON_IsString(a))
			continue;
		family_first(a->valuestring, name, sizeof name);
		pake_buf_printf(&au, "%s%s", i++ ? " and " : "", name);
	}
	pake_buf_printf(&b, "@%s{%s", journal ? "article" : "misc", key);
	field(&b, "title", title);
	field(&b, "author", au.p);
	if (strcmp(year, "nd") != 0)
		field(&b, "year", year);
	field(&b, "journal", journal);
	field(&b, "volume", pake_json_str(r, "volume"));
	field(&b, "number", pake_json_str(r, "issue"));
	field(&b, "pages", pake_json_str(r, "pages"));
	field(&b, "doi", pake_json_str(r, "doi"));
	if (arxiv) {
		field(&b, "eprint", arxiv);
		field(&b, "archivePrefix", "arXiv");
		field(&b, "primaryClass", pake_json_str(r, "primary_category"));
	}
	if (pake_json_str(r, "pmid")) {
		char note[64];

		snprintf(note, sizeof note, "PMID: %s", pake_json_str(r, "pmid"));
		field(&b, "note", note);
	}
	field(&b, "url", pake_json_str(r, "canonical_url") ? pake_json_str(r, "canonical_url") :
	    pake_json_str(r, "url"));
	pake_buf_puts(&b, "\n}\n");
	pake_buf_free(&au);
	if (b.oom) {
		pake_buf_free(&b);
		return NULL;
	}
	return pake_buf_take(&b);
}
