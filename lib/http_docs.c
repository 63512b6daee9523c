/*
 * http_docs.c: GET /docs, the OpenAPI document read in a browser (issue
 * 14): a page, its script and its style, all served by pake-http itself
 * (no third-party code), under a strict Content-Security-Policy: nothing
 * inline, nothing from elsewhere, only /openapi.json fetched.  The script
 * builds the page with DOM calls and textContent, never HTML from data.
 */
#include <stdlib.h>
#include <string.h>
#include "pake/http_int.h"
#include "pake/util.h"

#define DOCS_CSP	"default-src 'none'; script-src 'self'; " \
			"connect-src 'self'; style-src 'self'; " \
			"base-uri 'none'; form-action 'none'; " \
			"frame-ancestors 'none'"

static const char page[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\">\n"
"<head>\n"
"<meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
"<title>pake API</title>\n"
"<link rel=\"stylesheet\" href=\"/docs.css\">\n"
"<script src=\"/docs.js\" defer></script>\n"
"</head>\n"
"<body>\n"
"<header><h1>pake API</h1>\n"
"<p>Every route of this server, from <a href=\"/openapi.json\">"
"/openapi.json</a>. Routes marked <span class=\"lock\">token</span> "
"need <code>Authorization: Bearer</code>.</p>\n"
"<input id=\"filter\" type=\"search\" placeholder=\"Filter routes\" "
"aria-label=\"Filter routes\">\n"
"</header>\n"
"<main id=\"routes\"><p>Loading…</p></main>\n"
"</body>\n"
"</html>\n";

static const char script[] =
"'use strict';\n"
"function el(tag, text, cls) {\n"
"  const e = document.createElement(tag);\n"
"  if (text !== undefined) e.textContent = text;\n"
"  if (cls) e.className = cls;\n"
"  return e;\n"
"}\n"
"function schemaBlock(title, schema) {\n"
"  const d = el('details');\n"
"  d.appendChild(el('summary', title));\n"
"  d.appendChild(el('pre', JSON.stringify(schema, null, 2)));\n"
"  return d;\n"
"}\n"
"function render(doc) {\n"
"  const main = document.getElementById('routes');\n"
"  main.textContent = '';\n"
"  for (const [path, item] of Object.entries(doc.paths)) {\n"
"    for (const [method, op] of Object.entries(item)) {\n"
"      const s = el('section', undefined, 'route');\n"
"      s.dataset.key = (method + ' ' + path + ' ' + (op.summary || '') +\n"
"          ' ' + (op.operationId || '')).toLowerCase();\n"
"      const h = el('h2');\n"
"      h.appendChild(el('span', method.toUpperCase(), 'method'));\n"
"      h.appendChild(el('code', path));\n"
"      if (op.security) h.appendChild(el('span', 'token', 'lock'));\n"
"      s.appendChild(h);\n"
"      s.appendChild(el('p', (op.summary || '') +\n"
"          (op.operationId ? ' (' + op.operationId + ')' : '')));\n"
"      if (op.description) s.appendChild(el('p', op.description, 'desc'));\n"
"      if (op.parameters && op.parameters.length) {\n"
"        const ul = el('ul');\n"
"        for (const p of op.parameters)\n"
"          ul.appendChild(el('li', p.name + ' (' + p.in +\n"
"              (p.required ? ', required' : '') + ')'));\n"
"        s.appendChild(ul);\n"
"      }\n"
"      const body = op.requestBody && op.requestBody.content;\n"
"      if (body && body['application/json'])\n"
"        s.appendChild(schemaBlock('Request body',\n"
"            body['application/json'].schema));\n"
"      for (const [code, r] of Object.entries(op.responses || {})) {\n"
"        const c = r.content && r.content['application/json'];\n"
"        if (c) s.appendChild(schemaBlock('Answer ' + code, c.schema));\n"
"      }\n"
"      main.appendChild(s);\n"
"    }\n"
"  }\n"
"}\n"
"document.addEventListener('DOMContentLoaded', function () {\n"
"  fetch('/openapi.json').then(function (r) { return r.json(); })\n"
"    .then(render)\n"
"    .catch(function (e) {\n"
"      const m = document.getElementById('routes');\n"
"      m.textContent = 'Cannot read /openapi.json: ' + e;\n"
"    });\n"
"  document.getElementById('filter').addEventListener('input', function () {\n"
"    const q = this.value.toLowerCase();\n"
"    for (const s of document.querySelectorAll('section.route'))\n"
"      s.hidden = q !== '' && s.dataset.key.indexOf(q) < 0;\n"
"  });\n"
"});\n";

static const char style[] =
"body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; "
"max-width: 60rem; padding: 1rem; color: #1b1b1b; }\n"
"h1 { margin: 0 0 .3rem; }\n"
"#filter { width: 100%; padding: .4rem; font: inherit; }\n"
"section.route { border-top: 1px solid #ddd; padding: .5rem 0; }\n"
"section.route h2 { font-size: 1rem; margin: .2rem 0; }\n"
".method { display: inline-block; min-width: 4.5rem; font-weight: 700; }\n"
".lock { margin-left: .6rem; font-size: .75rem; padding: 0 .35rem; "
"border: 1px solid #999; border-radius: .3rem; }\n"
".desc { color: #444; }\n"
"pre { background: #f5f5f5; padding: .5rem; overflow: auto; "
"font-size: .8rem; }\n";

/* One static file under the CSP. */
static void
serve(http_req *r, const char *ctype, const char *text)
{
	char *copy = pake_strdup(text);

	if (copy == NULL) {
		http_fail(r, PAKE_EINTERNAL, NULL, NULL);
		return;
	}
	http_add_header(r, "Content-Security-Policy", DOCS_CSP);
	http_add_header(r, "Cache-Control", "no-cache");
	http_text(r, 200, ctype, copy, strlen(copy));
}

void
http_docs(http_req *r, const char *which)
{
	if (strcmp(which, "js") == 0)
		serve(r, "text/javascript; charset=utf-8", script);
	else if (strcmp(which, "css") == 0)
		serve(r, "text/css; charset=utf-8", style);
	else
		serve(r, "text/html; charset=utf-8", page);
}
