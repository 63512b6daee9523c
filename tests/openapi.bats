#!/usr/bin/env bats
# openapi.bats: GET /openapi.json describes the API the server answers
# (issue 14, item 3): generated from the route table and the registry, it
# names every route of lib/http_api.c's table (read here from the source,
# independently of the generator), its schemas are valid JSON Schema
# 2020-12, and real answers of pake-http validate against the documented
# response schemas (python3-jsonschema).

bats_require_minimum_version 1.5.0
load helpers

PW='Str0ng-Passw0rd!'
load http_helpers

setup() {
	pake_setup
	require_tool pake-http pake-tenant pake-note
	python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema is missing"
	http_setup
	mkuser default admin ada
	TOK=$(mktoken default ada)
	serve no
}

teardown() {
	stop_servers
}

@test "GET /openapi.json: OpenAPI 3.1 of every route the server answers, without a token" {
	hreq "$URL/openapi.json"
	expect 200
	printf '%s' "$BODY" >"$T/doc.json"
	json_check '.openapi == "3.1.0" and .info.title == "pake" and
	    .components.schemas.Error.properties.error.required == ["code", "message"] and
	    .components.securitySchemes.bearerAuth.scheme == "bearer" and
	    (.paths["/notes/{pake_id}"].get.parameters[0] | .name == "pake_id" and
	        .in == "path" and .required == true and .schema.type == "string") and
	    .paths["/notes"].post.operationId == "create_note" and
	    (.paths["/notes"].post.responses | has("201")) and
	    .paths["/notes"].post.security == [{"bearerAuth": []}] and
	    (.paths["/health"].get | has("security") | not) and
	    (.paths["/graph/search"].get.parameters | map(.name) == ["q", "entity_types", "limit"]) and
	    (.paths["/notes/{pake_id}"].patch.requestBody.content["application/json"].schema.properties | has("pake_id") | not) and
	    (."x-pake-operations" | any(. == "search_notes")) and
	    ([.paths[][].operationId] | length == (unique | length))' <"$T/doc.json"
	# every route of the table, read from the source
	grep -oE '^\s*\{"(GET|POST|PUT|PATCH|DELETE)", "[^"]+"' "$REPO_DIR/lib/http_api.c" |
	    sed -E 's/^\s*\{"([A-Z]+)", "([^"]+)"/\1 \2/' >"$T/routes"
	[ "$(wc -l <"$T/routes")" -gt 60 ]
	while read -r m p; do
		jq -e --arg m "$(printf '%s' "$m" | tr 'A-Z' 'a-z')" --arg p "$p" \
		    '.paths[$p][$m].responses.default' "$T/doc.json" >/dev/null ||
		    fail "$m $p is not in the document"
	done <"$T/routes"
	# and nothing more than the table
	[ "$(jq '[.paths[] | keys[]] | length' "$T/doc.json")" -eq "$(wc -l <"$T/routes")" ]
	# every schema is valid JSON Schema 2020-12
	python3 - "$T/doc.json" <<'PY'
import json, sys
from jsonschema import Draft202012Validator as V
doc = json.load(open(sys.argv[1]))
n = 0
for path, item in doc["paths"].items():
    for method, op in item.items():
        for p in op.get("parameters", []):
            V.check_schema(p["schema"]); n += 1
        for c in op.get("requestBody", {}).get("content", {}).values():
            V.check_schema(c["schema"]); n += 1
        for r in op["responses"].values():
            for c in r.get("content", {}).values():
                if "$ref" not in c["schema"]:
                    V.check_schema(c["schema"]); n += 1
V.check_schema(doc["components"]["schemas"]["Error"])
assert n > 100, n
PY
}

@test "real answers validate against the document's response schemas" {
	hreq "$URL/openapi.json"
	printf '%s' "$BODY" >"$T/doc.json"
	: >"$T/answers"
	# record METHOD PATTERN STATUS: the last answer, for validation below
	record() { jq -cn --arg m "$1" --arg p "$2" --arg s "$3" --argjson b "$BODY" \
	    '{method: $m, pattern: $p, status: $s, body: $b}' >>"$T/answers"; }
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' \
	    --data-binary '{"title":"Hello","content":"Routing tables [[Other]].","tags":["demo"]}' "$URL/notes"
	expect 201; record post /notes 201
	id=$(printf '%s' "$BODY" | jq -r .pake_id)
	hreq "$(auth "$TOK")" "$URL/notes/$id"; expect 200; record get "/notes/{pake_id}" 200
	hreq "$(auth "$TOK")" "$URL/notes?q=routing"; expect 200
	hreq "$(auth "$TOK")" "$URL/tags"; expect 200; record get /tags 200
	hreq "$(auth "$TOK")" -X PATCH -H 'Content-Type: application/json' \
	    --data-binary '{"summary":"S"}' "$URL/notes/$id"; expect 200; record patch "/notes/{pake_id}" 200
	hreq "$(auth "$TOK")" "$URL/notes/$id/versions"; expect 200; record get "/notes/{pake_id}/versions" 200
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' \
	    --data-binary '{"query":"routing","sources":["vault"]}' "$URL/search"; expect 200; record post /search 200
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' \
	    --data-binary '{"query":"routing","sources":["vault"]}' "$URL/quick"; expect 200; record post /quick 200
	hreq "$(auth "$TOK")" "$URL/graph/summary"; expect 200; record get /graph/summary 200
	hreq "$(auth "$TOK")" "$URL/graph/links?node=$id"; expect 200; record get /graph/links 200
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' \
	    --data-binary '{"content":"A study found that reefs recover. The method was simple and the results were clear."}' \
	    "$URL/summarize"; expect 200; record post /summarize 200
	hreq "$(auth "$TOK")" "$URL/summarize/analytics"; expect 200; record get /summarize/analytics 200
	hreq "$(auth "$TOK")" "$URL/api/v1/tokens"; expect 200; record get /api/v1/tokens 200
	# errors: the envelope
	hreq "$(auth "$TOK")" "$URL/notes/00000000-0000-4000-8000-000000000000"; expect 404
	record get "/notes/{pake_id}" default
	hreq "$URL/notes"; expect 401; record get /notes default
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' --data-binary '{"title":5}' "$URL/notes"
	expect 400; record post /notes default
	python3 - "$T/doc.json" "$T/answers" <<'PY'
import json, sys
from jsonschema import Draft202012Validator
doc = json.load(open(sys.argv[1]))
err = doc["components"]["schemas"]["Error"]
n = 0
for line in open(sys.argv[2]):
    a = json.loads(line)
    resp = doc["paths"][a["pattern"]][a["method"]]["responses"][a["status"]]
    schema = resp["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = err
    errors = list(Draft202012Validator(schema).iter_errors(a["body"]))
    assert not errors, (a["method"], a["pattern"], a["status"], [e.message for e in errors][:3])
    n += 1
assert n == 15, n
PY
}

@test "GET /docs: the document in a browser, its own script and style under a strict CSP, nothing inline" {
	local csp="default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	hreq "$URL/docs"
	expect 200
	[[ "$(hdr content-type)" == "text/html; charset=utf-8" ]]
	[ "$(hdr content-security-policy)" = "$csp" ]
	[[ "$BODY" == *'<script src="/docs.js" defer></script>'* ]]
	[[ "$BODY" == *'<link rel="stylesheet" href="/docs.css">'* ]]
	# no inline script, style or event handler
	! printf '%s' "$BODY" | grep -Eq '<script>|<script [^s]|<style|style=|on[a-z]+='
	hreq "$URL/docs.js"
	expect 200
	[[ "$(hdr content-type)" == "text/javascript; charset=utf-8" ]]
	[ "$(hdr content-security-policy)" = "$csp" ]
	[[ "$BODY" == *"fetch('/openapi.json')"* && "$BODY" == *textContent* ]]
	[[ "$BODY" != *innerHTML* && "$BODY" != *eval* && "$BODY" != *document.write* ]]
	hreq "$URL/docs.css"
	expect 200
	[[ "$(hdr content-type)" == "text/css; charset=utf-8" ]]
	# the script is valid JavaScript
	if command -v node >/dev/null; then
		printf '%s' "$BODY" >/dev/null
		curl -s "$URL/docs.js" >"$T/docs.js"
		node --check "$T/docs.js"
	fi
}
