#!/usr/bin/env bats
# feeds.bats: RSS and Atom subscriptions (issue 13): subscribe (the title
# learnt, a URL that is not a feed refused with nothing stored), poll with
# conditional requests (If-None-Match sent, 304 is "unchanged"), new items
# only, saved as notes when the feed saves and never twice, a failing feed
# recorded while the others are polled, list, remove, tenants apart.  The
# feeds are served for real on 127.0.0.1 by tests/fixtures/doc_server.py
# from tests/fixtures/research/feeds/.

bats_require_minimum_version 1.5.0
load helpers

FIX="$BATS_TEST_DIRNAME/fixtures/research/feeds"

setup() {
	pake_setup
	require_tool pake-op pake-ingest pake-note pake-tenant
	PIDS=()
	printf '[fetch]\nallow_private = yes\ntimeout_s = 5\n' >"$PAKE_CONFIG"
	serve
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
}

# serve: start doc_server; U its base URL.
serve() {
	: >"$T/routes.json"
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

# routes JSON: what doc_server serves from now on.
routes() { printf '%s\n' "$1" >"$T/routes.json"; }

# route PATH FILE [ETAG]: one route's JSON.
route() {
	if [ -n "${3:-}" ]; then
		printf '{"path":"%s","file":"%s","etag":"%s"}' "$1" "$2" "$3"
	else
		printf '{"path":"%s","file":"%s"}' "$1" "$2"
	fi
}

# rss2_plus FILE: rss2.xml with one more item, newest first.
rss2_plus() {
	perl -0pe 's#(<item>)#<item><title>Cranes return to the Ouse Washes</title><link>https://fens.example.org/2024/03/cranes</link><guid isPermaLink="false">fens-2024-0043</guid><pubDate>Fri, 08 Mar 2024 08:00:00 +0000</pubDate><description>Six common cranes on the washes at dawn.</description></item>\n  $1#' \
	    "$FIX/rss2.xml" >"$1"
}

# atom_plus FILE: atom.xml with one more entry.
atom_plus() {
	perl -0pe 's#(<entry>)#<entry><title>Melting points, again</title><link href="https://lab.example.net/2024/03/melting"/><id>tag:lab.example.net,2024:melting</id><updated>2024-03-09T10:00:00Z</updated><summary>Three samples.</summary></entry>\n  $1#' \
	    "$FIX/atom.xml" >"$1"
}

# err_is MSG: the error line the tool printed last (the log's line may come
# before it).
err_is() { assert_equal "$(printf '%s\n' "$stderr" | tail -n 1)" "$1"; }

# db_sums: the contents of the database files.
db_sums() {
	find "$T/db" -type f \( -name '*.db' -o -name '*.db-wal' \) -print0 |
	    LC_ALL=C sort -z | xargs -0 sha1sum
}

store() { printf '%s' "$T/db/pake.db-stores/default.db"; }
feeds_rows() { sqlite3 "$(store)" 'SELECT count(*) FROM feeds'; }
seen_rows() { sqlite3 "$(store)" 'SELECT count(*) FROM feed_seen'; }

@test "feed add: the title learnt, today's items seen; not a feed, a 404, a bad URL or a second time: refused, nothing stored" {
	routes "[$(route /rss "$FIX/rss2.xml" v1), $(route /atom "$FIX/atom.xml"),
	    {\"path\":\"/page\",\"body\":\"<html><head><title>Hi</title></head><body><p>a page</p></body></html>\",\"type\":\"text/html\"},
	    $(route /broken "$FIX/feed-malformed.xml")]"
	run --separate-stderr pake-ingest feed add "$U/rss"
	assert_success
	assert_output "$U/rss  Field Notes from the Fens  (3 items now, seen)"
	pake-op feed_add "{\"url\":\"$U/atom\",\"save\":true}" >"$T/a.json"
	json_check '.title == "Quarry Lane Lab Notebook" and .format == "atom" and
	    .items == 2 and .save == true and (has("saved") | not)' <"$T/a.json"
	# an HTML page is not a feed: the parser's error, nothing stored
	run --separate-stderr pake-ingest feed add "$U/page"
	assert_equal "$status" 69
	err_is "pake-ingest: The document is not an RSS or Atom feed"
	run --separate-stderr pake-ingest feed add "$U/broken"
	assert_equal "$status" 69
	err_is "pake-ingest: The feed is not valid XML"
	run --separate-stderr pake-ingest feed add "$U/nothing-here"
	assert_equal "$status" 69
	err_is "pake-ingest: The service refused"
	run --separate-stderr pake-ingest feed add "ftp://example.org/feed.xml"
	assert_equal "$status" 65
	run --separate-stderr pake-ingest feed add "$U/rss"
	assert_equal "$status" 75
	err_is "pake-ingest: Already subscribed to this feed"
	[ "$(feeds_rows)" -eq 2 ]
	[ "$(seen_rows)" -eq 5 ]
	# subscribing saved nothing
	[ "$(note_count)" -eq 0 ]
	# the ones refused before the network asked nothing
	[ "$(jq -s '[.[] | select(.path == "/rss")] | length' "$T/docs.log")" -eq 1 ]
	pake-ingest feed list --json | json_check '[.feeds[].url] == ["'"$U"'/rss", "'"$U"'/atom"] and
	    [.feeds[].items_seen] == [3, 2] and [.feeds[].save] == [false, true] and
	    all(.feeds[]; has("last_error") | not)'
}

@test "feed poll: unchanged through 304 (If-None-Match sent); one more item: exactly it, saved once; never twice" {
	routes "[$(route /rss "$FIX/rss2.xml" v1)]"
	pake-ingest feed add --save "$U/rss" >/dev/null
	pake-op feed_poll '{}' >"$T/p1.json"
	json_check '.feeds | length == 1 and .[0].status == "unchanged" and
	    .[0].new_items == 0 and .[0].not_modified == true and .[0].saved == []' <"$T/p1.json"
	tail -n 1 "$T/docs.log" | json_check '.path == "/rss" and .inm == "\"v1\""'
	[ "$(note_count)" -eq 0 ]
	# the feed changes: one item more, a new ETag
	rss2_plus "$T/rss2b.xml"
	routes "[$(route /rss "$T/rss2b.xml" v2)]"
	pake-op feed_poll '{}' >"$T/p2.json"
	json_check '.feeds[0].status == "new" and .feeds[0].new_items == 1 and
	    .feeds[0].items == [{"guid": "fens-2024-0043", "title": "Cranes return to the Ouse Washes",
	        "url": "https://fens.example.org/2024/03/cranes", "published": "2024-03-08"}] and
	    (.feeds[0].saved | length) == 1 and .feeds[0].saved[0].created == true' <"$T/p2.json"
	tail -n 1 "$T/docs.log" | json_check '.inm == "\"v1\""'
	id=$(jq -r '.feeds[0].saved[0].pake_id' "$T/p2.json")
	note_json "$id" | json_check '.title == "Cranes return to the Ouse Washes" and
	    .metadata.type == "SourceNote" and .metadata.tags == ["feed"] and
	    .metadata.source_uri == "https://fens.example.org/2024/03/cranes" and
	    (.content | contains("Six common cranes"))'
	[ "$(note_count)" -eq 1 ]
	# again: 304 on the new ETag, nothing new
	run --separate-stderr pake-ingest feed poll
	assert_success
	assert_output "$U/rss  unchanged  0 new"
	tail -n 1 "$T/docs.log" | json_check '.inm == "\"v2\""'
	# the same items under another ETag: answered in full, still nothing new
	routes "[$(route /rss "$T/rss2b.xml" v3)]"
	pake-op feed_poll "{\"url\":\"$U/rss\"}" |
	    json_check '.feeds[0].status == "unchanged" and .feeds[0].new_items == 0 and
	    (.feeds[0] | has("not_modified") | not)'
	[ "$(note_count)" -eq 1 ]
	pake-ingest feed list --json | json_check '.feeds[0].items_seen == 4 and
	    (.feeds[0].polled | test("^20[0-9-]+T")) and .feeds[0].ok == .feeds[0].polled'
	# without an ETag at all the feed is simply asked again
	routes "[$(route /rss "$T/rss2b.xml")]"
	pake-op feed_poll '{}' | json_check '.feeds[0].new_items == 0'
	tail -n 1 "$T/docs.log" | json_check '.inm == "\"v3\""'
	pake-op feed_poll '{}' >/dev/null
	tail -n 1 "$T/docs.log" | json_check '.inm == null'
}

@test "feed poll: a feed that does not save reports its new items and saves none; --backfill saves today's at once" {
	routes "[$(route /atom "$FIX/atom.xml" a1), $(route /rss "$FIX/rss2.xml" r1)]"
	pake-ingest feed add "$U/atom" >/dev/null
	run --separate-stderr pake-ingest feed add --save --backfill "$U/rss"
	assert_success
	assert_line --index 0 "$U/rss  Field Notes from the Fens  (3 items now, seen)"
	[ "${#lines[@]}" -eq 4 ]
	assert_line --index 1 --regexp '^  saved  -> [0-9a-f-]{36} \(saved\)$'
	[ "$(note_count)" -eq 3 ]
	atom_plus "$T/atom2.xml"
	routes "[$(route /atom "$T/atom2.xml" a2), $(route /rss "$FIX/rss2.xml" r1)]"
	run --separate-stderr pake-ingest feed poll
	assert_success
	assert_line --index 0 "$U/atom  new  1 new"
	assert_line --index 1 "  2024-03-09  Melting points, again"
	assert_line --index 2 "$U/rss  unchanged  0 new"
	[ "$(note_count)" -eq 3 ]
	pake-op feed_poll '{}' | json_check '[.feeds[].new_items] == [0, 0]'
}

@test "feed poll: a failing feed (404, malformed) keeps its error and the other feeds are polled all the same" {
	routes "[$(route /a "$FIX/rss2.xml"), $(route /b "$FIX/atom.xml"), $(route /c "$FIX/rss1.xml"),
	    $(route /d "$FIX/rss2.xml")]"
	for f in a b c d; do pake-ingest feed add "$U/$f" >/dev/null; done
	pake-op feed_add "{\"url\":\"$U/e\",\"save\":true}" 2>/dev/null && fail "a 404 was subscribed"
	[ "$(feeds_rows)" -eq 4 ]
	rss2_plus "$T/rss2b.xml"
	atom_plus "$T/atom2.xml"
	# a: gone; b: malformed; c: the same; d: one new item -- b's and d's
	# order around the failures matters: each is polled
	routes "[$(route /b "$FIX/feed-malformed.xml"), $(route /c "$FIX/rss1.xml"),
	    $(route /d "$T/rss2b.xml")]"
	pake-op feed_poll '{}' >"$T/p.json"
	json_check '[.feeds[].status] == ["error", "error", "unchanged", "new"] and
	    .feeds[0].error == "The service refused (HTTP 404)" and
	    .feeds[1].error == "The feed is not valid XML" and
	    (.feeds[2] | has("error") | not) and .feeds[3].new_items == 1' <"$T/p.json"
	pake-ingest feed list --json >"$T/l.json"
	json_check '.feeds[0].last_error == "The service refused (HTTP 404)" and
	    .feeds[1].last_error == "The feed is not valid XML" and
	    (.feeds[0] | has("ok")) and .feeds[0].ok < .feeds[0].polled and
	    ([.feeds[2,3] | has("last_error")] == [false, false])' <"$T/l.json"
	run --separate-stderr pake-ingest feed list
	assert_success
	assert_line --index 0 --regexp "^$U/a  Field Notes from the Fens  -  seen 3  polled 20[^ ]+  error: The service refused \\(HTTP 404\\)$"
	# the feed answers again: its error is cleared, its new item found
	routes "[$(route /a "$T/rss2b.xml"), $(route /b "$T/atom2.xml"), $(route /c "$FIX/rss1.xml"),
	    $(route /d "$T/rss2b.xml")]"
	pake-op feed_poll '{}' | json_check '[.feeds[].status] == ["new", "new", "unchanged", "unchanged"]'
	pake-op feed_list '{}' | json_check 'all(.feeds[]; has("last_error") | not)'
	# polling one feed that is not followed
	run --separate-stderr pake-ingest feed poll "$U/zzz"
	assert_equal "$status" 66
	err_is "pake-ingest: No such feed"
}

@test "feed list reads only; feed remove forgets the feed and its items, keeps the notes; another tenant's feeds are its own" {
	routes "[$(route /rss "$FIX/rss2.xml" v1), $(route /atom "$FIX/atom.xml")]"
	pake-ingest feed add --save --backfill "$U/rss" >/dev/null
	pake-ingest feed add "$U/atom" >/dev/null
	# Settle: the first open after the writes may still tidy the WAL.
	pake-note list >/dev/null
	before=$(db_sums)
	[ -n "$before" ] || fail "no database files"
	pake-ingest feed list >/dev/null
	pake-op feed_list '{}' >/dev/null
	after=$(db_sums)
	assert_equal "$after" "$before"
	run --separate-stderr pake-ingest feed remove "$U/rss"
	assert_success
	[ "$(feeds_rows)" -eq 1 ]
	[ "$(seen_rows)" -eq 2 ]
	[ "$(note_count)" -eq 3 ]
	run --separate-stderr pake-ingest feed remove "$U/rss"
	assert_equal "$status" 66
	err_is "pake-ingest: No such feed"
	pake-ingest feed list --json | json_check '[.feeds[].url] == ["'"$U"'/atom"]'
	# another tenant
	pake-tenant tenant create acme --plan professional >/dev/null
	pake-ingest --tenant acme feed list --json | json_check '.feeds == []'
	pake-ingest --tenant acme feed add "$U/rss" >/dev/null
	pake-ingest --tenant acme feed list --json | json_check '[.feeds[].url] == ["'"$U"'/rss"]'
	pake-ingest feed list --json | json_check '[.feeds[].url] == ["'"$U"'/atom"]'
	pake-ingest --tenant acme feed poll --json | json_check '[.feeds[].url] == ["'"$U"'/rss"]'
	# permissions: notes:read lists, subscribing and polling write
	tok=$(pake-tenant token create --scopes notes:read 2>/dev/null)
	PAKE_TOKEN=$tok pake-ingest feed list --json | json_check '(.feeds | length) == 1'
	PAKE_TOKEN=$tok run --separate-stderr pake-ingest feed poll
	assert_equal "$status" 77
	PAKE_TOKEN=$tok run --separate-stderr pake-ingest feed add "$U/rss"
	assert_equal "$status" 77
	PAKE_TOKEN=$tok run --separate-stderr pake-ingest feed remove "$U/atom"
	assert_equal "$status" 77
	[ "$(feeds_rows)" -eq 1 ]
}

@test "feeds: the poll timer's units run pake-ingest poll as the instance's tenant, sandboxed" {
	u="$BATS_TEST_DIRNAME/../units"
	grep -qx 'ExecStart=/usr/local/bin/pake-ingest poll' "$u/pake-ingest-poll@.service"
	grep -qx 'Environment=PAKE_TENANT=%i' "$u/pake-ingest-poll@.service"
	grep -qx 'Type=oneshot' "$u/pake-ingest-poll@.service"
	grep -q '^RestrictAddressFamilies=.*AF_INET6' "$u/pake-ingest-poll@.service"
	grep -qx 'ProtectSystem=strict' "$u/pake-ingest-poll@.service"
	grep -q '^OnCalendar=' "$u/pake-ingest-poll@.timer"
	grep -q '^RandomizedDelaySec=' "$u/pake-ingest-poll@.timer"
}
