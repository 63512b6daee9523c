#!/usr/bin/env bats
# ingest.bats: research from outside, end to end (issue 13 must-shows 1 and
# 2): arXiv, PubMed, a page and SearxNG served for real on 127.0.0.1 by
# tests/fixtures/doc_server.py from documents in their real formats
# (tests/fixtures/research/), and hostile upstreams (doc_server's bad
# documents, tests/fixtures/hostile_server.py's sizes, times and
# redirects): query, parse, save, search the saved note, BibTeX, the same
# paper from two sources saved once; every failure a clean per-source
# error with nothing saved and no hang.

bats_require_minimum_version 1.5.0
load helpers

FIX="$BATS_TEST_DIRNAME/fixtures/research"

setup() {
	pake_setup
	require_tool pake-op pake-search pake-note
	PIDS=()
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
}

# serve NAME SCRIPT [ARGS]: start a fixture server; NAME_URL its base.
serve() {
	local name=$1 script=$2
	shift 2
	python3 "$BATS_TEST_DIRNAME/fixtures/$script" "$T/$name.port" \
	    "$T/$name.log" "$@" 3>&- &
	PIDS+=($!)
	for _ in $(seq 100); do
		[ -s "$T/$name.port" ] && break
		sleep 0.05
	done
	[ -s "$T/$name.port" ] || fail "$script did not start"
	: >>"$T/$name.log"
	printf -v "${name}_URL" 'http://127.0.0.1:%s' "$(cat "$T/$name.port")"
}

# routes JSON: what doc_server serves from now on.
routes() { printf '%s\n' "$1" >"$T/routes.json"; }

# config [LINES...]: pake.conf pointing the sources at doc_server.
config() {
	{
		printf '[fetch]\nallow_private = yes\ntimeout_s = 5\n'
		printf '[research]\narxiv_url = %s/api/query\n' "$docs_URL"
		printf 'pubmed_url = %s/eutils\npubmed_email = tests@pake.example\n' "$docs_URL"
		printf 'searx_url = %s/searx\n' "$docs_URL"
		printf '%s\n' "$@"
	} >"$PAKE_CONFIG"
}

requests() { wc -l <"$T/docs.log" | tr -d ' '; }

ARXIV_ROUTE="{\"path\":\"/api/query\",\"file\":\"$FIX/arxiv-2.xml\",\"type\":\"application/atom+xml\"}"

@test "arXiv: query, parse, save, search the note, BibTeX; answers cached; saved once" {
	serve docs doc_server.py "$T/routes.json"
	routes "[$ARXIV_ROUTE]"
	config
	pake-op ingest '{"source":"arxiv","query":"sparse attention","max_results":5}' >"$T/a.json"
	json_check '.total == 1234 and (.results | length) == 2 and
	    .results[0].arxiv_id == "2301.00001" and .results[0].arxiv_version == 2 and
	    .results[0].authors == ["Ada Lovelace", "Alan M. Turing", "Grace Hopper"] and
	    .results[1].arxiv_id == "hep-th/9901001" and (has("saved") | not)' <"$T/a.json"
	# the request arXiv's API documents
	jq -e -s 'length == 1 and .[0].path == "/api/query" and
	    (.[0].query | test("search_query=all%3A%22sparse%22%20AND%20all%3A%22attention%22")) and
	    (.[0].query | test("max_results=5")) and (.[0].query | test("start=0"))' "$T/docs.log" >/dev/null ||
	    fail "$(cat "$T/docs.log")"
	# the same query again is the cache's (shared by processes)
	pake-op ingest '{"source":"arxiv","query":"sparse attention","max_results":5}' | json_check '(.results | length) == 2'
	[ "$(requests)" -eq 1 ]
	# arXiv's own syntax goes as it is
	pake-op ingest '{"source":"arxiv","query":"au:lovelace AND cat:cs.CL"}' >/dev/null
	tail -n 1 "$T/docs.log" | json_check '.query | test("search_query=au%3Alovelace%20AND%20cat%3Acs.CL")'
	# saved: two SourceNotes, searchable, with BibTeX
	pake-op ingest '{"source":"arxiv","query":"sparse attention","max_results":5,"save":true}' >"$T/s.json"
	json_check '[.saved[].created] == [true, true]' <"$T/s.json"
	id=$(jq -r '.saved[0].pake_id' "$T/s.json")
	[ "$(note_field "$id" .metadata.source_uri)" = "arxiv:2301.00001" ]
	pake-search --ids "dualities" | grep -qx "$(jq -r '.saved[1].pake_id' "$T/s.json")"
	pake-note export --bibtex "$id" | head -n 1 | grep -qx '@article{lovelace2023sparse,'
	pake-note export --bibtex "$id" | grep -qx '  eprint = {2301.00001},'
	# again: nothing new
	pake-op ingest '{"source":"arxiv","query":"sparse attention","max_results":5,"save":true}' |
	    json_check '[.saved[].created] == [false, false]'
	[ "$(note_count)" -eq 2 ]
}

@test "PubMed: ESearch then EFetch, saved; the same paper from arXiv and PubMed (one DOI) is one note" {
	serve docs doc_server.py "$T/routes.json"
	# this PubMed article is arXiv's 2301.00001 (its DOI)
	sed 's#10.1016/j.jbi.2019.103112#10.1234/JML.2023.0042#' "$FIX/pubmed-efetch.xml" >"$T/efetch.xml"
	routes "[$ARXIV_ROUTE,
	    {\"path\":\"/eutils/esearch.fcgi\",\"file\":\"$FIX/pubmed-esearch.xml\"},
	    {\"path\":\"/eutils/efetch.fcgi\",\"file\":\"$T/efetch.xml\"}]"
	config
	a=$(pake-op ingest '{"source":"arxiv","query":"sparse","save":true}' | jq -r '.saved[0].pake_id')
	pake-op ingest '{"source":"pubmed","query":"sepsis machine learning","max_results":3,"save":true}' >"$T/p.json"
	json_check '.total == 2417 and (.results | length) == 2 and
	    ([.results[].pmid] | sort) == ["31452104", "36912345"]' <"$T/p.json"
	jq -e --arg a "$a" '[.saved[] | select(.created == false) | .pake_id] == [$a] and
	    ([.saved[] | select(.created)] | length) == 1' "$T/p.json" >/dev/null || fail "$(cat "$T/p.json")"
	[ "$(note_count)" -eq 3 ]
	# E-utilities as NCBI asks: db, term, retmax, tool and email; then the PMIDs
	jq -e -s '[.[] | select(.path == "/eutils/esearch.fcgi")][0].query |
	    test("db=pubmed") and test("term=sepsis%20machine%20learning") and
	    test("retmax=3") and test("tool=pake") and test("email=tests%40pake.example")' "$T/docs.log" >/dev/null ||
	    fail "$(cat "$T/docs.log")"
	jq -e -s '[.[] | select(.path == "/eutils/efetch.fcgi")][0].query |
	    test("id=36912345,31452104,29876543") and test("retmode=xml")' "$T/docs.log" >/dev/null ||
	    fail "$(cat "$T/docs.log")"
	id=$(jq -r '.saved[] | select(.created) | .pake_id' "$T/p.json")
	note_json "$id" | json_check '.metadata.pmid == "36912345" and .metadata.source_uri == "pmid:36912345" and
	    .metadata.journal == "Nature" and (.metadata.bibtex | startswith("@article{"))'
}

@test "POST /search: arXiv and PubMed for real, the same paper once, reranked, summarised on request" {
	serve docs doc_server.py "$T/routes.json"
	sed 's#10.1016/j.jbi.2019.103112#10.1234/jml.2023.0042#' "$FIX/pubmed-efetch.xml" >"$T/efetch.xml"
	routes "[$ARXIV_ROUTE,
	    {\"path\":\"/eutils/esearch.fcgi\",\"file\":\"$FIX/pubmed-esearch.xml\"},
	    {\"path\":\"/eutils/efetch.fcgi\",\"file\":\"$T/efetch.xml\"}]"
	config
	pake-op search '{"query":"sparse attention memory","sources":["arxiv","pubmed"],"max_results":10,"enable_content_summarization":true}' >"$T/r.json"
	json_check '.success and .metadata.sources_successful == ["arxiv", "pubmed"] and
	    .metadata.sources_failed == [] and (.results | length) == 3 and
	    ([.results[] | select(.metadata.doi != null) | .metadata.doi | ascii_downcase] | group_by(.) | all(length == 1)) and
	    all(.results[]; .ml_enhancements.relevance_score >= 0 and
	        (.content_summary.extractive_summary | type) == "string") and
	    ([.results[].ml_enhancements.relevance_score] | . == (sort | reverse)) and
	    .results[0].source_type == "arxiv_enhanced" and
	    (.results[0].content | startswith("Sparse Attention for Long Documents")) and
	    .metadata.ml_enhancement_enabled and .metadata.content_summarization_enabled' <"$T/r.json"
	# max_results is per source; ml enhancement can be turned off
	pake-op search '{"query":"sparse","sources":["arxiv","pubmed"],"max_results":1,"enable_ml_enhancement":false}' |
	    json_check '(.results | length) == 2 and ([.results[].source] == ["arxiv", "pubmed"]) and
	    all(.results[]; has("ml_enhancements") | not)'
	tail -n 1 "$T/docs.log" | json_check '.query | test("id=36912345&")'
	# must-show 4: arxiv and vault, max_results 3: at most three real items each, the documented shape
	for i in 1 2 3 4; do printf 'Sparse attention notes %s.\n' "$i" | pake-note add --title "Sparse $i" >/dev/null; done
	pake-op search '{"query":"sparse","sources":["arxiv","vault"],"max_results":3}' >"$T/m.json"
	json_check '([.results[] | select(.source == "vault")] | length) == 3 and
	    ([.results[] | select(.source == "arxiv")] | length) == 2 and
	    all(.results[] | select(.source == "arxiv"); .source_type == "arxiv_enhanced" and
	        (.title | type) == "string" and (.content | type) == "string" and
	        (.url | startswith("https://arxiv.org/abs/")) and (.author | type) == "string" and
	        (.published | test("^[0-9]{4}-")) and (.tags | type) == "array" and
	        (.metadata.arxiv_id | type) == "string" and (.ml_enhancements.relevance_score | type) == "number") and
	    all(.results[] | select(.source == "vault"); (.pake_id | type) == "string" and
	        (.url | startswith("pake://notes/")))' <"$T/m.json"
}

@test "a page and a SearxNG search: read, saved once by its canonical URL" {
	serve docs doc_server.py "$T/routes.json"
	# the page's canonical link is relative: it is the server's
	cat >"$T/searx.json" <<EOF
{"query":"tidal power","results":[
 {"url":"$docs_URL/science/2024/03/tidal-power","title":"Tidal power comes of age","content":"The Severn barrage revisited.","engine":"duckduckgo","publishedDate":"2024-03-05T08:00:00"},
 {"url":"javascript:alert(1)","title":"bad","content":"x"},
 {"url":"https://example.org/other","title":"Other","content":"More."}]}
EOF
	routes "[{\"path\":\"/article\",\"file\":\"$FIX/web/article.html\",\"type\":\"text/html; charset=utf-8\"},
	    {\"path\":\"/searx/search\",\"file\":\"$T/searx.json\",\"type\":\"application/json\"}]"
	config
	pake-op ingest "{\"source\":\"url\",\"url\":\"$docs_URL/article\",\"save\":true}" >"$T/u.json"
	json_check --arg c "$docs_URL/science/2024/03/tidal-power" '.results[0].title == "Tidal power comes of age on the Severn" and
	    .results[0].canonical_url == $c and .saved[0].created' <"$T/u.json"
	id=$(jq -r '.saved[0].pake_id' "$T/u.json")
	[ "$(note_field "$id" .metadata.source_uri)" = "$docs_URL/science/2024/03/tidal-power" ]
	pake-note get "$id" --json | jq -r .content | grep -q "Severn"
	# SearxNG: its results, the javascript: one dropped
	pake-op ingest '{"source":"web","query":"tidal power"}' | json_check '(.results | length) == 2 and
	    .results[0].published == "2024-03-05" and .results[0].description == "The Severn barrage revisited."'
	tail -n 1 "$T/docs.log" | json_check '.path == "/searx/search" and (.query | test("q=tidal%20power&format=json"))'
	# the search result for the same page is the note already saved
	pake-op ingest '{"source":"web","query":"tidal power","max_results":1,"save":true}' |
	    json_check --arg id "$id" '.saved[0].created == false and .saved[0].pake_id == $id'
	pake-op search '{"query":"tidal power","sources":["web","vault"]}' |
	    json_check '.metadata.sources_successful == ["web", "vault"]'
}

@test "hostile upstreams: bad documents, sizes, time, redirects, private addresses: a clean error each, nothing saved, no hang" {
	serve docs doc_server.py "$T/routes.json"
	serve bad hostile_server.py
	config "max_bytes = 1048576" "max_redirects = 3"
	# the [fetch] lines above follow [research]: write them where they belong
	sed -i 's/^max_bytes/[fetch]\nmax_bytes/' "$PAKE_CONFIG"
	local f want t0
	for f in malformed.xml truncated.xml billion-laughs.xml external-entity.xml invalid-utf8.xml html-error-page.html arxiv-error.xml rate-exceeded.txt; do
		routes "[{\"path\":\"/api/query\",\"file\":\"$FIX/$f\"}]"
		rm -rf "$(dirname "$PAKE_DB")/cache"
		run --separate-stderr pake-op ingest '{"source":"arxiv","query":"anything","save":true}'
		case $f in
		rate-exceeded.txt) want=rate_limited ;;
		*) want=unavailable ;;
		esac
		[ "$status" -ne 0 ] || fail "$f: accepted"
		printf '%s' "$output" | jq -e --arg w "$want" '.error.code == $w' >/dev/null ||
		    fail "$f: $output"
		[[ "$stderr" != *root:x:0* && "$output" != *root:x:0* ]] || fail "$f: /etc/passwd read"
		# /search says it beside the vault's answer
		pake-op search '{"query":"anything","sources":["arxiv","vault"]}' |
		    json_check --arg w "$want" '.success and .metadata.sources_successful == ["vault"] and
		    .metadata.sources_failed[0].source == "arxiv" and .metadata.sources_failed[0].reason == $w'
	done
	[ "$(note_count)" -eq 0 ]
	# sizes, slowness and redirects, from hostile_server
	for path in /big /big-chunked /gzipbomb /slow /loop "/redir?to=file:///etc/passwd" /errorpage; do
		sed -i "s#^arxiv_url = .*#arxiv_url = $bad_URL$path#" "$PAKE_CONFIG"
		rm -rf "$(dirname "$PAKE_DB")/cache"
		t0=$SECONDS
		run --separate-stderr timeout 30 pake-op ingest '{"source":"arxiv","query":"anything","save":true}'
		[ "$status" -ne 0 ] && [ "$status" -ne 124 ] || fail "$path: status $status $output"
		printf '%s' "$output" | jq -e '.error.code == "unavailable" or .error.code == "security_violation"' >/dev/null ||
		    fail "$path: $output"
		[ $((SECONDS - t0)) -le 12 ] || fail "$path took $((SECONDS - t0)) s"
	done
	[ "$(note_count)" -eq 0 ]
	# a private address is refused unless the configuration allows it
	sed -i 's/^allow_private = yes/allow_private = no/' "$PAKE_CONFIG"
	sed -i "s#^arxiv_url = .*#arxiv_url = $docs_URL/api/query#" "$PAKE_CONFIG"
	routes "[$ARXIV_ROUTE]"
	rm -rf "$(dirname "$PAKE_DB")/cache"
	local before
	before=$(requests)
	run --separate-stderr pake-op ingest '{"source":"arxiv","query":"anything"}'
	printf '%s' "$output" | json_check '.error.code == "security_violation"'
	[ "$(requests)" -eq "$before" ]
}

@test "politeness: arXiv asked at most once every 3 s by all processes together; a 429 with Retry-After: 2 is waited out once" {
	serve docs doc_server.py "$T/routes.json"
	routes "[{\"path\":\"/api/query\",\"query\":\"retry\",\"file\":\"$FIX/arxiv-empty.xml\",\"fail_first\":1,\"fail_status\":429,\"retry_after\":\"2\"},
	    $ARXIV_ROUTE]"
	config
	local i w=()
	for i in 1 2 3; do
		pake-op ingest "{\"source\":\"arxiv\",\"query\":\"distinct$i words\"}" >"$T/o$i.json" &
		w+=($!)
	done
	wait "${w[@]}"
	for i in 1 2 3; do json_check '(.results | length) == 2' <"$T/o$i.json"; done
	jq -e -s '[.[].time] | sort | [.[1] - .[0], .[2] - .[1]] | all(. >= 2.9)' "$T/docs.log" >/dev/null ||
	    fail "$(jq -s '[.[].time] | sort' "$T/docs.log")"
	# a 429 with Retry-After: 2 is waited out once, then answered
	pake-op ingest '{"source":"arxiv","query":"retry please"}' | json_check '.total == 0 and .results == []'
	jq -e -s '[.[] | select(.query | test("retry")) | .time] | length == 2 and .[1] - .[0] >= 2' "$T/docs.log" >/dev/null ||
	    fail "$(cat "$T/docs.log")"
}

@test "pake-ingest: a line per record, --save says what became of each; usage errors" {
	serve docs doc_server.py "$T/routes.json"
	routes "[$ARXIV_ROUTE]"
	config
	run --separate-stderr pake-ingest arxiv sparse attention --max 5 --save
	[ "$status" -eq 0 ] || fail "$stderr"
	[[ "${lines[0]}" == "arXiv:2301.00001v2  2023-01-01  Sparse Attention for Long Documents: A Study of Scaling & Memory  -> "*" (saved)" ]] ||
	    fail "$output"
	[[ "${lines[1]}" == "arXiv:hep-th/9901001v1  1999-01-03  Branes, Strings and Dualities  -> "*" (saved)" ]]
	[ "$stderr" = "pake-ingest: 2 of 1234 found" ]
	run --separate-stderr pake-ingest arxiv sparse attention --max 5 --save
	[[ "${lines[0]}" == *"(already saved)" && "${lines[1]}" == *"(already saved)" ]]
	pake-ingest arxiv sparse --json | json_check '.source == "arxiv" and (.results | length) == 2'
	run pake-ingest gopher x
	[ "$status" -eq 64 ]
	run pake-ingest arxiv
	[ "$status" -eq 64 ]
	run pake-ingest pubmed x --sort submitted
	[ "$status" -eq 64 ]
	run pake-ingest url a b
	[ "$status" -eq 64 ]
	run pake-ingest arxiv x --max 0
	[ "$status" -eq 64 ]
	run --separate-stderr pake-ingest web anything
	[ "$status" -eq 69 ]
	run --separate-stderr pake-ingest arxiv to be
	[ "$status" -eq 65 ]
}
