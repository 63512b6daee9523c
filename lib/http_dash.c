/*
 * http_dash.c: the web dashboard (issue 14, items 4 and 5), served by
 * pake-http from files embedded at build time (ARCHITECTURE.md §18).
 *
 * dashboard/build.sh copies our page, script and style and the npm
 * libraries pinned by dashboard/package-lock.json (cytoscape, chart.js)
 * into $(BUILD)/gen/dash/, each with a gzip -9 copy (a library npm could
 * not give is an empty file, answered 404), and embeds them with
 * .incbin as pake_dash_<name> .. pake_dash_<name>_end (a NUL follows each
 * end, never served).  This file is the only one that refers to them, so
 * only pake-http links them.
 *
 * Every answer carries a strict Content-Security-Policy: scripts, styles,
 * images and connections from this server only, nothing inline, no
 * framing, no forms, no base; and no Referer leaves the page.  The files
 * are a fixed list: a name that is not in it is 404, so no path reaches
 * the file system.  A body is the embedded bytes themselves
 * (http_static: never copied).  Each file has a strong entity-tag, a hash
 * of its bytes computed once (the gzip copy has its own tag), answered
 * with 304 to a matching If-None-Match; Cache-Control: no-cache makes a
 * browser ask again, so a new build is seen at once.  A client that
 * accepts gzip gets the compressed copy (Content-Encoding, Vary).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "pake/http_int.h"

#define DASH_CSP	"default-src 'none'; script-src 'self'; " \
			"connect-src 'self'; style-src 'self'; " \
			"img-src 'self' data:; base-uri 'none'; " \
			"form-action 'none'; frame-ancestors 'none'"

#define EMBED(sym) extern const unsigned char sym[], sym##_end[]
EMBED(pake_dash_index_html);
EMBED(pake_dash_index_html_gz);
EMBED(pake_dash_app_js);
EMBED(pake_dash_app_js_gz);
EMBED(pake_dash_app_css);
EMBED(pake_dash_app_css_gz);
EMBED(pake_dash_cytoscape_min_js);
EMBED(pake_dash_cytoscape_min_js_gz);
EMBED(pake_dash_chart_umd_min_js);
EMBED(pake_dash_chart_umd_min_js_gz);

struct asset {
	const char *name;		/* under /dashboard/assets/ */
	const char *ctype;
	const unsigned char *p, *end, *gz, *gz_end;
	char tag[24], gz_tag[28];	/* "16 hex" and "16 hex-gz" */
};

#define ASSET(name, ctype, sym) \
	{name, ctype, sym, sym##_end, sym##_gz, sym##_gz_end, "", ""}
static struct asset assets[] = {
	ASSET("index.html", "text/html; charset=utf-8", pake_dash_index_html),
	ASSET("app.js", "text/javascript; charset=utf-8", pake_dash_app_js),
	ASSET("app.css", "text/css; charset=utf-8", pake_dash_app_css),
	ASSET("cytoscape.min.js", "text/javascript; charset=utf-8",
	    pake_dash_cytoscape_min_js),
	ASSET("chart.umd.min.js", "text/javascript; charset=utf-8",
	    pake_dash_chart_umd_min_js),
};
#define NASSETS (sizeof assets / sizeof assets[0])

static pthread_once_t tags_once = PTHREAD_ONCE_INIT;

/* FNV-1a, 64 bits: an entity-tag tells versions apart, it guards
 * nothing. */
static uint64_t
fnv1a(const unsigned char *p, const unsigned char *end)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; p < end; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
tags_init(void)
{
	size_t i;

	for (i = 0; i < NASSETS; i++) {
		struct asset *a = &assets[i];
		uint64_t h = fnv1a(a->p, a->end);

		snprintf(a->tag, sizeof a->tag, "\"%016llx\"",
		    (unsigned long long)h);
		snprintf(a->gz_tag, sizeof a->gz_tag, "\"%016llx-gz\"",
		    (unsigned long long)h);
	}
}

/* Does the Accept-Encoding list h take gzip (by name or "*", with a
 * quality above 0)? */
static int
takes_gzip(const char *h)
{
	while (h && *h) {
		size_t n;
		const char *q, *end;

		h += strspn(h, " \t,");
		n = strcspn(h, " \t;,");
		end = h + strcspn(h, ",");
		if ((n == 4 && strncasecmp(h, "gzip", 4) == 0) ||
		    (n == 1 && h[0] == '*')) {
			q = h + n;
			q += strspn(q, " \t");
			if (*q != ';')
				return 1;
			q++;
			q += strspn(q, " \t");
			if (strncasecmp(q, "q=", 2) != 0)
				return 1;
			q += 2;
			/* q=0, 0.0, 0.00, 0.000: refused */
			if (*q != '0')
				return 1;
			for (q++; q < end && (*q == '.' || *q == '0'); q++)
				;
			return !(q == end || strchr(" \t", *q));
		}
		h = end;
	}
	return 0;
}

void
http_dash(http_req *r, const char *file)
{
	const struct asset *a = NULL;
	const char *inm;
	size_t i;
	int gz;

	pthread_once(&tags_once, tags_init);
	for (i = 0; i < NASSETS; i++)
		if (strcmp(assets[i].name, file ? file : "index.html") == 0)
			a = &assets[i];
	if (a == NULL) {
		http_fail(r, PAKE_ENOTFOUND, "No such resource", NULL);
		return;
	}
	/* A library npm could not give at build time is not built in. */
	if (a->end == a->p) {
		http_fail(r, PAKE_ENOTFOUND, "Not built in: npm was not "
		    "available when this pake-http was built", NULL);
		return;
	}
	gz = takes_gzip(http_header(r, "Accept-Encoding"));
	http_add_header(r, "Content-Security-Policy", DASH_CSP);
	http_add_header(r, "Referrer-Policy", "no-referrer");
	http_add_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	http_add_header(r, "Vary", "Accept-Encoding");
	http_add_header(r, "ETag", gz ? a->gz_tag : a->tag);
	r->cache = "no-cache";
	if ((inm = http_header(r, "If-None-Match")) != NULL &&
	    http_none_match(inm, gz ? a->gz_tag :
	    a->tag)) {
		http_static(r, 304, a->ctype, "", 0);
		return;
	}
	if (gz) {
		http_add_header(r, "Content-Encoding", "gzip");
		http_static(r, 200, a->ctype, a->gz, (size_t)(a->gz_end - a->gz));
	} else
		http_static(r, 200, a->ctype, a->p, (size_t)(a->end - a->p));
}
