#!/usr/bin/env bats
# topics.bats: saved research topics (issue 13): a search of one source
# kept and re-run by each poll, the results not yet notes saved -- new
# papers only, never twice; a failing topic keeps its error while the
# others are polled; list, remove, bad input refused with nothing stored;
# pake-ingest poll polls feeds and topics together.  arXiv (and a PubMed
# that answers 404) served for real on 127.0.0.1 by
# tests/fixtures/doc_server.py.

bats_require_minimum_version 1.5.0
load helpers

FIX="$BATS_TEST_DIRNAME/fixtures/research"

setup() {
	pake_setup
	require_tool pake-op pake-ingest pake-note pake-tenant
	PIDS=()
	serve
	{
		printf '[fetch]\nallow_private = yes\ntimeout_s = 5\n'
		printf '[research]\narxiv_url = %s/api/query\n' "$U"
		printf 'pubmed_url = %s/eutils\npubmed_email = tests@pake.example\n' "$U"
	} >"$PAKE_CONFIG"
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
}

# serve: start doc_server; U its base URL.
serve() {
	routes '[]'
	python3 "$BATS_TEST_DIRNAME/fixtures/doc_server.py" "$T/docs.port" \
	    "$T/docs.log" "$T/routes.json" 3>&- &
	PIDS+=($!)
	for _ in $(seq 100); do
		[ -s "$T/docs.port" ] && break
		sleep 0.05
	done
	[ -s "$T/docs.port" ] || fail "doc_server.py did not start"
	: >>"$T/docs.log"
	U="http://127.0.0.1:$(cat "$T/docs.port")"
}

routes() { printf '%s\n' "$1" >"$T/routes.json"; }

# arxiv FILE: arXiv's route answering FILE.
arxiv() { printf '{"path":"/api/query","file":"%s","type":"application/atom+xml"}' "$1"; }

# arxiv_plus FILE: arxiv-2.xml with one more entry.
arxiv_plus() {
	perl -0pe 's#(</feed>)#<entry><id>http://arxiv.org/abs/2402.00077v1</id><updated>2024-02-02T10:00:00Z</updated><published>2024-02-01T10:00:00Z</published><title>Topic Polling for Fun and Profit</title><summary>A new paper that appeared after the first poll.</summary><author><name>Barbara Liskov</name></author><link href="http://arxiv.org/abs/2402.00077v1" rel="alternate" type="text/html"/></entry>\n$1#' \
	    "$FIX/arxiv-2.xml" >"$1"
}

requests() { wc -l <"$T/docs.log" | tr -d ' '; }
err_is() { assert_equal "$(printf '%s\n' "$stderr" | tail -n 1)" "$1"; }
store() { printf '%s' "$T/db/pake.db-stores/default.db"; }
topic_rows() { sqlite3 "$(store)" 'SELECT count(*) FROM topics'; }

@test "topic poll: the first poll saves what the search finds, the next nothing, one more paper exactly it" {
	routes "[$(arxiv "$FIX/arxiv-2.xml")]"
	run --separate-stderr pake-ingest topic add arxiv sparse attention --max 5
	assert_success
	assert_output "1  arxiv  sparse attention  (max 5)"
	# adding asks nothing and saves nothing
	[ "$(requests)" -eq 0 ]
	[ "$(note_count)" -eq 0 ]
	pake-op topic_poll '{}' >"$T/p1.json"
	json_check '.topics | length == 1 and .[0].status == "ok" and .[0].results == 2 and
	    .[0].saved == 2 and
	    ([.[0].notes[].title] | sort) == ["Branes, Strings and Dualities",
	        "Sparse Attention for Long Documents: A Study of Scaling & Memory"]' <"$T/p1.json"
	[ "$(note_count)" -eq 2 ]
	tail -n 1 "$T/docs.log" | json_check '.path == "/api/query" and (.query | contains("max_results=5"))'
	# again: the same answer, asked for real (not the cache), nothing new
	run --separate-stderr pake-ingest topic poll
	assert_success
	assert_output "arxiv  sparse attention  ok  0 saved"
	[ "$(requests)" -eq 2 ]
	[ "$(note_count)" -eq 2 ]
	# arXiv lists one more paper: exactly it is saved
	arxiv_plus "$T/arxiv-3.xml"
	routes "[$(arxiv "$T/arxiv-3.xml")]"
	pake-op topic_poll '{"id":1}' >"$T/p3.json"
	json_check '.topics[0].results == 3 and .topics[0].saved == 1 and
	    .topics[0].notes[0].title == "Topic Polling for Fun and Profit"' <"$T/p3.json"
	id=$(jq -r '.topics[0].notes[0].pake_id' "$T/p3.json")
	note_json "$id" | json_check '.metadata.type == "SourceNote" and
	    .metadata.source_uri == "arxiv:2402.00077"'
	[ "$(note_count)" -eq 3 ]
	pake-op topic_poll '{}' | json_check '.topics[0].saved == 0'
	[ "$(note_count)" -eq 3 ]
	pake-ingest topic list --json | json_check '.topics | length == 1 and .[0].saved == 3 and
	    .[0].max_results == 5 and (.[0].polled | test("^20[0-9-]+T")) and .[0].ok == .[0].polled and
	    (.[0] | has("last_error") | not)'
	# a paper saved by hand before is not saved again by a topic
	pake-ingest topic add arxiv all:neural >/dev/null
	pake-op topic_poll '{"id":2}' | json_check '.topics[0].results == 3 and .topics[0].saved == 0'
	run --separate-stderr pake-ingest topic poll --json
	assert_success
	# polling a topic that is not there
	run --separate-stderr pake-op topic_poll '{"id":99}'
	assert_equal "$status" 66
}

@test "topic poll: a failing topic keeps its error and the others are polled all the same" {
	routes "[$(arxiv "$FIX/arxiv-2.xml")]"
	pake-op topic_add '{"source":"pubmed","query":"sparse attention"}' >/dev/null
	pake-op topic_add '{"source":"arxiv","query":"sparse attention"}' >/dev/null
	pake-op topic_poll '{}' >"$T/p.json"
	json_check '[.topics[].status] == ["error", "ok"] and
	    .topics[0].error == "The service refused" and .topics[0].saved == 0 and
	    .topics[1].saved == 2' <"$T/p.json"
	[ "$(note_count)" -eq 2 ]
	pake-ingest topic list --json >"$T/l.json"
	json_check '.topics[0].source == "pubmed" and .topics[0].last_error == "The service refused" and
	    (.topics[0] | has("ok") | not) and (.topics[0].polled | test("^20")) and
	    .topics[0].saved == 0 and .topics[1].saved == 2 and (.topics[1] | has("last_error") | not)' <"$T/l.json"
	run --separate-stderr pake-ingest topic list
	assert_success
	assert_line --index 0 --regexp '^1  pubmed  sparse attention  max 20  saved 0  polled 20[^ ]+  error: The service refused$'
	assert_line --index 1 --regexp '^2  arxiv  sparse attention  max 20  saved 2  polled 20[^ ]+$'
	# the service answers again: the error is cleared
	routes "[$(arxiv "$FIX/arxiv-2.xml"), {\"path\":\"/eutils/esearch.fcgi\",\"file\":\"$FIX/pubmed-esearch.xml\",\"type\":\"text/xml\"},
	    {\"path\":\"/eutils/efetch.fcgi\",\"file\":\"$FIX/pubmed-efetch.xml\",\"type\":\"text/xml\"}]"
	pake-op topic_poll '{"id":1}' | json_check '.topics[0].status == "ok" and .topics[0].saved > 0'
	pake-op topic_list '{}' | json_check 'all(.topics[]; has("last_error") | not)'
}

@test "topic remove forgets the topic, keeps its notes; list reads only; bad input refused with nothing stored" {
	routes "[$(arxiv "$FIX/arxiv-2.xml")]"
	pake-ingest topic add arxiv sparse attention >/dev/null
	pake-ingest topic poll >/dev/null
	run --separate-stderr pake-ingest topic add arxiv sparse attention
	assert_equal "$status" 75
	err_is "pake-ingest: This topic is already saved"
	run --separate-stderr pake-ingest topic remove arxiv sparse attention
	assert_success
	[ "$(topic_rows)" -eq 0 ]
	[ "$(note_count)" -eq 2 ]
	run --separate-stderr pake-ingest topic remove arxiv sparse attention
	assert_equal "$status" 66
	err_is "pake-ingest: No such topic"
	# bad input: 65, nothing stored
	for in in '{"source":"scholar","query":"x"}' '{"source":"arxiv","query":""}' \
	    '{"source":"arxiv","query":"x","max_results":0}' '{"source":"arxiv","query":"x","max_results":101}' \
	    '{"source":"url","query":"x"}' '{"source":"arxiv","query":"   "}'; do
		run --separate-stderr pake-op topic_add "$in"
		assert_equal "$status" 65
	done
	long=$(printf 'a%.0s' $(seq 1001))
	run --separate-stderr pake-op topic_add "{\"source\":\"arxiv\",\"query\":\"$long\"}"
	assert_equal "$status" 65
	run --separate-stderr pake-ingest topic add scholar sparse
	assert_equal "$status" 65
	run --separate-stderr pake-ingest topic add arxiv ""
	assert_equal "$status" 65
	run --separate-stderr pake-ingest topic add arxiv sparse --max 0
	[ "$status" -ne 0 ]
	[ "$(topic_rows)" -eq 0 ]
	# permissions: notes:read lists, adding and polling write
	pake-ingest topic add pubmed crispr >/dev/null
	tok=$(pake-tenant token create --scopes notes:read 2>/dev/null)
	PAKE_TOKEN=$tok pake-ingest topic list --json | json_check '(.topics | length) == 1'
	PAKE_TOKEN=$tok run --separate-stderr pake-ingest topic poll
	assert_equal "$status" 77
	PAKE_TOKEN=$tok run --separate-stderr pake-ingest topic add arxiv x
	assert_equal "$status" 77
	PAKE_TOKEN=$tok run --separate-stderr pake-ingest poll
	assert_equal "$status" 77
	[ "$(topic_rows)" -eq 1 ]
	# another tenant's topics are its own
	pake-tenant tenant create acme --plan professional >/dev/null
	pake-ingest --tenant acme topic list --json | json_check '.topics == []'
}

@test "pake-ingest poll: every feed and every topic in one call; the timer's unit runs it" {
	routes "[$(arxiv "$FIX/arxiv-2.xml"), {\"path\":\"/rss\",\"file\":\"$FIX/feeds/rss2.xml\",\"etag\":\"v1\"}]"
	pake-ingest feed add "$U/rss" >/dev/null
	pake-ingest topic add arxiv sparse attention >/dev/null
	pake-ingest poll --json >"$T/p.json"
	json_check '(.feeds | length) == 1 and .feeds[0].status == "unchanged" and
	    (.topics | length) == 1 and .topics[0].saved == 2' <"$T/p.json"
	run --separate-stderr pake-ingest poll
	assert_success
	assert_line --index 0 "$U/rss  unchanged  0 new"
	assert_line --index 1 "arxiv  sparse attention  ok  0 saved"
	[ "${#lines[@]}" -eq 2 ]
	[ "$(note_count)" -eq 2 ]
	# feed poll alone still polls feeds only
	pake-ingest feed poll --json | json_check '(.feeds | length) == 1 and (has("topics") | not)'
	u="$BATS_TEST_DIRNAME/../units"
	grep -qx 'ExecStart=/usr/local/bin/pake-ingest poll' "$u/pake-ingest-poll@.service"
}
