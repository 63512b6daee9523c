#!/usr/bin/env bats
# semantic.bats: the Python server's /semantic/* routes over the tenant's
# own notes (SEED-API §6; lib/semantic.c, lib/op_semantic.c): POST
# /semantic/add-documents, GET /semantic/search, /semantic/similar/{id},
# /semantic/analytics and POST /semantic/cluster.  A corpus written for
# the tests (tests/fixtures/text/semantic/docs.json): six short texts on
# each of cooking, astronomy and sailing, each with an id and a source
# naming its category.  Real curl against pake-http; every error is
# pake's envelope with its intended status; a refused add writes
# nothing; another tenant sees none of it.

bats_require_minimum_version 1.5.0
load helpers

PW='Str0ng-Passw0rd!'
load http_helpers

DOCS="$BATS_TEST_DIRNAME/fixtures/text/semantic/docs.json"

setup() {
	pake_setup
	require_tool pake-http pake-tenant pake-note
	http_setup
	mkuser default user uma
	TOK=$(mktoken default uma)
	[ -n "$TOK" ] || fail "no token"
	serve no
}

teardown() {
	stop_servers
}

# spost PATH JSON [TOKEN]: POST JSON to PATH (sets STATUS and BODY).
spost() {
	hreq "$(auth "${3:-$TOK}")" -H 'Content-Type: application/json' \
	    --data-binary "$2" "$URL$1"
}

# sget PATH [TOKEN]: GET PATH.
sget() { hreq "$(auth "${2:-$TOK}")" "$URL$1"; }

body() { printf '%s' "$BODY" | json_check "$@"; }
refused() { expect "$1" && envelope "$2"; }

# add_corpus [TOKEN]: add the 18 documents (200); "$T/ids" gets the
# pake_ids in the corpus's order.
add_corpus() {
	spost /semantic/add-documents "$(jq -c '{documents: .}' "$DOCS")" "${1:-$TOK}" &&
	    expect 200 || return 1
	printf '%s' "$BODY" | jq -r '.pake_ids[]' >"$T/ids"
	[ "$(wc -l <"$T/ids")" -eq 18 ] || fail "pake_ids: $BODY"
}

# id_of N: the pake_id of the corpus's N-th document (0-based).
id_of() { sed -n "$(($1 + 1))p" "$T/ids"; }

# notes_now: the default tenant's notes.
notes_now() { pake-note list --json --limit 100 | jq '.notes | length'; }

@test "add-documents: each non-empty document becomes a note with its keys as frontmatter; a fit is made at once, later notes are folded in" {
	spost /semantic/add-documents "$(jq -c '{documents: (. + ["", {"text": "  \n"}])}' "$DOCS")"
	expect 200
	body --arg re "$UUID_RE" '.success == true and .documents_added == 18 and
	    .skipped == 2 and .total_documents == 18 and
	    (.processing_time_ms | type == "number" and . >= 0) and
	    (.pake_ids | length == 18 and all(test($re))) and
	    .vectors.action == "fitted" and .vectors.fitted == true and
	    .vectors.notes_with_vectors == 18'
	local id
	id=$(printf '%s' "$BODY" | jq -r '.pake_ids[0]')
	run pake-note get --json "$id"
	[ "$status" -eq 0 ]
	printf '%s' "$output" | json_check '.title == "Simmer the tomato sauce with garlic, onion and"
	    and (.content | startswith("Simmer the tomato sauce")) and
	    .metadata.id == "cook1" and .metadata.source == "kitchen"'
	# The frontmatter of the vault file holds them.
	grep -qx 'id: "cook1"' "$PAKE_VAULT/$(note_field "$id" .file_path)"
	grep -qx 'source: "kitchen"' "$PAKE_VAULT/$(note_field "$id" .file_path)"
	# A string document, a title, tags and scalar keys of every kind.
	spost /semantic/add-documents '{"documents":["Boil the pasta in salted water and drain it.",
	    {"content":"Mix pepper and salt.","title":"Seasoning","tags":["kitchen","basics"],
	     "url":"https://example.org/s","rank":3,"score":0.25,"draft":false,"note":null,"_x-y":"é\u2028z"}]}'
	expect 200
	body '.documents_added == 2 and .skipped == 0 and .total_documents == 20 and
	    .vectors.action == "folded_in" and .vectors.fitted == true'
	id=$(printf '%s' "$BODY" | jq -r '.pake_ids[1]')
	note_json "$id" | json_check '.title == "Seasoning" and .content == "Mix pepper and salt." and
	    .metadata.tags == ["kitchen","basics"] and .metadata.url == "https://example.org/s" and
	    .metadata.rank == 3 and .metadata.score == 0.25 and .metadata.draft == false and
	    (.metadata | has("note")) and .metadata.note == null and .metadata["_x-y"] == "é\u2028z"'
	# The folded-in note is found by meaning at once.
	sget '/semantic/search?q=pasta%20water%20drain&top_k=1&min_score=0'
	expect 200
	body --arg id "$(printf '%s' "$BODY" | jq -r .pake_ids[0])" '.count == 1'
}

@test "search: the query's category first, in the Python shape, sorted; top_k, then min_score (0 means 0); bad arguments refused" {
	sget '/semantic/search?q=telescope'
	refused 404 not_found
	body '.error.message | test("No vectors yet")'
	add_corpus
	sget '/semantic/search?q=telescope%20planet%20orbit&top_k=3'
	expect 200
	body '.success == true and .query == "telescope planet orbit" and .count == 3 and
	    (.results | length == 3) and
	    all(.results[]; (keys == ["id","metadata","score","text"]) and
	        .metadata.source == "observatory" and .metadata.id == (.metadata.id | tostring) and
	        .metadata.pake_id == .id and (.metadata.title | type == "string") and
	        (.text | length > 0) and .score >= 0.1) and
	    ([.results[].score] == ([.results[].score] | sort | reverse))'
	sget '/semantic/search?q=sailboat%20wind%20mainsail&top_k=3'
	body 'all(.results[]; .metadata.source == "harbour")'
	sget '/semantic/search?q=garlic%20onion%20season&top_k=3'
	body 'all(.results[]; .metadata.source == "kitchen")'
	# min_score: 0 keeps every hit of the top_k (Python took 0 as 0.1).
	sget '/semantic/search?q=planet&top_k=18&min_score=0'
	body '.count == 18 and (.results | map(.score) | min) < 0.1'
	sget '/semantic/search?q=planet&top_k=18'
	body '.count < 18 and all(.results[]; .score >= 0.1)'
	sget '/semantic/search?q=planet&min_score=1'
	body '.count == 0 and .results == []'
	# Words the model does not know: nothing, not an error.
	sget '/semantic/search?q=zzyzx'
	expect 200
	body '.count == 0'
	for bad in 'q=' 'q=%20%20' 'top_k=3' 'q=a&top_k=0' 'q=a&top_k=101' \
	    'q=a&top_k=x' 'q=a&min_score=2' 'q=a&other=1' 'q=a&q=b'; do
		sget "/semantic/search?$bad"
		refused 400 invalid_params || fail "search?$bad: $STATUS $BODY"
	done
}

@test "similar/{id}: the notes nearest that note, the first of its category, not itself; an unknown id is 404" {
	add_corpus
	local i id
	for i in 0 7 14; do
		id=$(id_of "$i")
		sget "/semantic/similar/$id?top_k=5&min_score=-1"
		expect 200
		body --arg id "$id" --arg src "$(jq -r ".[$i].source" "$DOCS")" '
		    .success == true and .document_id == $id and .count == 5 and
		    (.similar_documents | length == 5) and
		    all(.similar_documents[]; .id != $id and
		        (keys == ["id","metadata","score","text"])) and
		    all(.similar_documents[:3][]; .metadata.source == $src) and
		    ([.similar_documents[].score] == ([.similar_documents[].score] | sort | reverse))'
	done
	# By default the scores below 0.2 go, as the Python route's did.
	sget "/semantic/similar/$(id_of 0)"
	body '.count < 5 and all(.similar_documents[]; .score >= 0.2 and .metadata.source == "kitchen")'
	sget "/semantic/similar/$MISSING_ID"
	refused 404 not_found
	sget "/semantic/similar/cook1"
	refused 404 not_found
	sget "/semantic/similar/$(id_of 0)?top_k=0"
	refused 400 invalid_params
}

@test "analytics: exact counts, the corpus's keywords, the default k and a mean cosine; before a fit the missing figures are null and say why" {
	sget /semantic/analytics
	expect 200
	body '.success == true and .analytics.total_documents == 0 and .analytics.fitted == false and
	    .analytics.top_keywords == [] and .analytics.semantic_clusters == null and
	    .analytics.average_similarity == null and
	    (.analytics.unavailable.average_similarity | test("No vectors yet")) and
	    (.analytics.unavailable.semantic_clusters | test("No vectors yet"))'
	# Notes written without a fit: counted and weighed, not clustered.
	add_body "Telescope notes" "The telescope and the planet." >/dev/null
	add_body "More telescope notes" "A telescope sees a planet." >/dev/null
	sget /semantic/analytics
	body '.analytics.total_documents == 2 and .analytics.fitted == false and
	    (.analytics.top_keywords | index("telescope")) != null and
	    .analytics.average_similarity == null'
	add_corpus
	sget /semantic/analytics
	expect 200
	body '.analytics.total_documents == 20 and .analytics.fitted == true and
	    .analytics.model == "lsa" and .analytics.notes_with_vectors == 20 and
	    .analytics.semantic_clusters == 3 and
	    (.analytics.average_similarity | type == "number" and . >= -1 and . <= 1) and
	    .analytics.similarity_sample == 20 and
	    (.analytics.top_keywords | length == 10) and
	    (.analytics.top_keywords | index("planet")) != null and
	    (.analytics.top_keywords | index("sailor") // index("wind") // index("mainsail")) != null and
	    (.analytics.top_keywords | index("garlic") // index("salt") // index("oven")) != null and
	    (.analytics.top_keywords | all(. != "the" and . != "and")) and
	    ([.analytics.top_keyword_weights[][1]] == ([.analytics.top_keyword_weights[][1]] | sort | reverse)) and
	    (.analytics | has("unavailable") | not) and
	    (.analytics.processing_time_ms | type == "number")'
}

@test "cluster: three categories in three clusters, assignments in note order agree with the documents; more clusters than notes gives the empty shape" {
	spost '/semantic/cluster?num_clusters=3' ''
	refused 404 not_found
	add_corpus
	spost '/semantic/cluster?num_clusters=3' ''
	expect 200
	printf '%s' "$BODY" >"$T/c.json"
	body '.success == true and .clustering.num_clusters == 3 and
	    (.clustering.clusters | length == 3) and
	    (.clustering.assignments | length == 18 and all(type == "number" and . == floor and . >= 0 and . <= 2)) and
	    ([.clustering.clusters[].size] | add == 18) and
	    all(.clustering.clusters[]; (.id | . == floor) and (.documents | length) == .size and
	        ([.documents[].metadata.source] | unique | length == 1) and
	        (.keywords | length >= 1 and length <= 5 and
	            all(length == 2 and (.[0] | type == "string") and (.[1] | type == "number"))) and
	        all(.documents[]; (keys - ["score"]) == ["index","metadata","text"] and (.index | . == floor))) and
	    ([.clustering.clusters[].documents[0].metadata.source] | unique | length == 3)'
	# Each document's index is its note's place in id order, and its
	# assignment is its cluster.
	printf '%s' "$BODY" | json_check '. as $r | all($r.clustering.clusters[]; .id as $c |
	    all(.documents[]; $r.clustering.assignments[.index] == $c))'
	local i
	for i in 0 6 12; do
		printf '%s' "$BODY" | json_check --argjson i "$i" --arg id "$(id_of "$i")" '
		    [.clustering.clusters[].documents[] | select(.index == $i) | .metadata.pake_id] == [$id]'
	done
	# The same notes give the same clusters.
	spost /semantic/cluster '{"num_clusters":3}'
	expect 200
	[ "$(printf '%s' "$BODY" | jq -c .clustering.assignments)" = "$(jq -c .clustering.assignments "$T/c.json")" ]
	spost '/semantic/cluster?num_clusters=30' ''
	expect 200
	body '. == {"success":true,"clustering":{"clusters":[],"assignments":[],"num_clusters":30}}'
	for bad in num_clusters=1 num_clusters=51 num_clusters=x k=3; do
		spost "/semantic/cluster?$bad" ''
		refused 400 invalid_params || fail "cluster?$bad: $STATUS $BODY"
	done
}

@test "add-documents bounds: 1001 documents, a non-string text, nested or reserved keys, a bad key, a hostile title refuse the call and write nothing" {
	local big
	big=$(jq -cn '{documents: [range(1001) | "note \(.) about sailing"]}')
	spost /semantic/add-documents "$big"
	refused 400 invalid_params
	[ "$(notes_now)" -eq 0 ]
	# One bad document among good ones: refused, its index named.
	spost /semantic/add-documents '{"documents":["good one","good two",{"text":42}]}'
	refused 400 invalid_params
	body '.error.detail | test("documents\\[2\\]")'
	spost /semantic/add-documents '{"documents":["good",{"text":"x","meta":{"a":1}}]}'
	refused 400 invalid_params
	body '.error.detail | test("documents\\[1\\]\\.meta: not a scalar")'
	spost /semantic/add-documents '{"documents":["good",{"text":"x","list":[1,2]}]}'
	refused 400 invalid_params
	spost /semantic/add-documents '{"documents":[{"text":"x","pake_id":"00000000-0000-4000-8000-000000000000"}]}'
	refused 400 invalid_params
	body '.error.detail | test("reserved")'
	spost /semantic/add-documents '{"documents":[{"text":"x","bad key":"v"}]}'
	refused 400 invalid_params
	spost /semantic/add-documents '{"documents":[{"text":"x","content":"y"}]}'
	refused 400 invalid_params
	spost /semantic/add-documents '{"documents":["ok",7]}'
	refused 400 invalid_params
	spost /semantic/add-documents '{"documents":[{"text":"x","title":5}]}'
	refused 400 invalid_params
	spost /semantic/add-documents "$(jq -cn '{documents: [{text: "x"} + ([range(33) | {key: "k\(.)", value: .}] | from_entries)]}')"
	refused 400 invalid_params
	spost /semantic/add-documents "$(jq -cn --arg v "$(printf '%5000s' x)" '{documents: [{text: "x", source: $v}]}')"
	refused 400 invalid_params
	spost /semantic/add-documents '{"documents":"text"}'
	refused 400 invalid_params
	spost /semantic/add-documents '{}'
	refused 400 invalid_params
	spost /semantic/add-documents '{"documents":["ok"],"extra":1}'
	refused 400 invalid_params
	spost /semantic/add-documents '{"documents":["fine text",{"text":"x","title":"../../etc/passwd"}]}'
	refused 400 security_violation
	[ "$(notes_now)" -eq 0 ]
	[ -z "$(find "$PAKE_VAULT" -name '*.md' 2>/dev/null)" ]
	# A text made only of punctuation gets a plain title; a text that
	# looks like a path never makes a path of its title.
	spost /semantic/add-documents '{"documents":["../../etc/passwd is a file", "%%% ??? !!!"]}'
	expect 200
	body '.documents_added == 2'
	note_json "$(printf '%s' "$BODY" | jq -r '.pake_ids[0]')" | json_check '.title == "etc passwd is a file"'
	note_json "$(printf '%s' "$BODY" | jq -r '.pake_ids[1]')" | json_check '.title == "Document 1"'
	# An empty list adds nothing and is no error.
	spost /semantic/add-documents '{"documents":[]}'
	expect 200
	body '.documents_added == 0 and .skipped == 0 and .total_documents == 2'
}

@test "add-documents: a text over the note size limit is refused (413) and nothing is written" {
	serve no PAKE_MAX_NOTE_BYTES=2048
	spost /semantic/add-documents "$(jq -cn --arg t "$(printf '%3000s' y)" '{documents: ["small", $t]}')"
	refused 413 payload_too_large
	[ "$(notes_now)" -eq 0 ]
}

@test "tenants: another tenant's token sees none of it, and its own documents are its own" {
	add_corpus
	pake-tenant tenant create beta >/dev/null
	mkuser beta user bea
	local tb
	tb=$(mktoken beta bea)
	[ -n "$tb" ]
	sget '/semantic/search?q=telescope%20planet' "$tb"
	refused 404 not_found
	sget "/semantic/similar/$(id_of 0)" "$tb"
	refused 404 not_found
	spost '/semantic/cluster?num_clusters=3' '' "$tb"
	refused 404 not_found
	sget /semantic/analytics "$tb"
	body '.analytics.total_documents == 0 and .analytics.top_keywords == [] and .analytics.fitted == false'
	spost /semantic/add-documents '{"documents":["The planet and its telescope, beta tenant.","A second planet seen through a telescope."]}' "$tb"
	expect 200
	body '.documents_added == 2 and .total_documents == 2 and .vectors.action == "fitted"'
	sget '/semantic/search?q=telescope%20planet&top_k=100&min_score=-1' "$tb"
	expect 200
	printf '%s' "$BODY" | jq -r '.results[].id' >"$T/beta"
	[ "$(wc -l <"$T/beta")" -eq 2 ]
	! grep -qFf "$T/ids" "$T/beta"
	sget "/semantic/similar/$(id_of 0)" "$tb"
	refused 404 not_found
	# The first tenant's figures are unchanged.
	sget /semantic/analytics
	body '.analytics.total_documents == 18'
}
