#!/usr/bin/env bats
# stores.bats: the control database and the tenant stores (ARCHITECTURE.md,
# "Two kinds of database"): one tenant's notes never change another's
# results; writers in many tenants and in one lose nothing; a pake 0.1
# database upgrades in place; a read writes nothing; backup and restore;
# the WAL stays bounded.

bats_require_minimum_version 1.5.0
load helpers
load http_helpers

PW='correct horse battery 7'

setup() {
	pake_setup
	require_tool pake-tenant pake-note pake-search pake-db pake-http pake-mcp
	http_setup
}

teardown() {
	stop_servers
}

# tenant NAME [PLAN]: create a tenant with an admin "boss"; print a token
# of that admin.
tenant() {
	pake-tenant tenant create "$1" --plan "${2:-professional}" >/dev/null
	printf '%s\n' "$PW" | pake-tenant user add --tenant "$1" --role admin boss >/dev/null
	pake-tenant token create --tenant "$1" --user boss 2>/dev/null
}

# add_in TENANT TITLE BODY: a note in TENANT (as the owner), its id.
add_in() {
	printf '%s\n' "$3" | PAKE_TENANT=$1 pake-note add --title "$2" --file -
}

# db_sums: a checksum of every database file and its WAL (not the -shm,
# which readers update by design), one line per file.
db_sums() {
	find "$T/db" -type f \( -name '*.db' -o -name '*.db-wal' \) -print0 |
	    LC_ALL=C sort -z | xargs -0 sha1sum
}

@test "must-show 1: another tenant's notes never change this tenant's results or their order" {
	tenant acme >/dev/null
	tenant other >/dev/null
	add_in acme "First" "alpha zebra beta" >/dev/null
	add_in acme "Second" "alpha quokka beta" >/dev/null
	local before after i
	before=$(PAKE_TENANT=acme pake-search --ids zebra OR quokka)
	assert_equal "$(printf '%s\n' "$before" | wc -l)" 2
	for i in $(seq 40); do
		add_in other "Quokka $i" "quokka quokka number $i" >/dev/null
	done
	after=$(PAKE_TENANT=acme pake-search --ids zebra OR quokka)
	assert_equal "$after" "$before"
	for i in $(seq 80); do
		add_in other "Zebra $i" "zebra stripes number $i" >/dev/null
	done
	after=$(PAKE_TENANT=acme pake-search --ids zebra OR quokka)
	assert_equal "$after" "$before"
	# Each tenant's notes live in its own file beside the control database.
	[ -f "$T/db/pake.db-stores/acme.db" ]
	[ -f "$T/db/pake.db-stores/other.db" ]
	run sqlite3 "$T/db/pake.db" "SELECT count(*) FROM sqlite_schema WHERE name = 'notes'"
	assert_output 0
	assert_equal "$(sqlite3 "$T/db/pake.db-stores/acme.db" 'SELECT count(*) FROM notes')" 2
	assert_equal "$(sqlite3 "$T/db/pake.db-stores/other.db" 'SELECT count(*) FROM notes')" 120
}

# writers N TENANTS EACH: N pake-note processes at once, writer i in tenant
# w(i mod TENANTS), EACH notes each; every id they printed in $T/ids.
writers() {
	local n=$1 k=$2 each=$3 i
	for i in $(seq 0 $((k - 1))); do
		pake-tenant tenant show "w$i" >/dev/null 2>&1 ||
		    pake-tenant tenant create "w$i" --plan enterprise >/dev/null
	done
	mkdir -p "$T/w"
	for i in $(seq 0 $((n - 1))); do
		(for j in $(seq "$each"); do
			printf 'body %s %s\n' "$i" "$j" |
			    PAKE_TENANT=w$((i % k)) pake-note add --title "W $i $j" --file - ||
			    echo FAILED
		done >"$T/w/$i.ids" 2>"$T/w/$i.err") &
	done
	wait
}

@test "must-show 2: 32 writers over 8 tenants, and 32 in one tenant, lose nothing" {
	local i total
	writers 32 8 10
	! grep -l FAILED "$T"/w/*.ids || fail "$(cat "$T"/w/*.err)"
	for i in $(seq 0 7); do
		total=$(PAKE_TENANT=w$i pake-note list --limit 100 --json | jq '.notes | length')
		assert_equal "$total" 40
	done
	run pake-db check
	assert_success
	rm -rf "$T/w"
	writers 32 1 10
	! grep -l FAILED "$T"/w/*.ids || fail "$(cat "$T"/w/*.err)"
	# w0 had 40 from the first run; 320 more now.
	assert_equal "$(pake-db stats --json | jq '[.files[] | select(.tenant == "w0")][0].notes')" 360
	assert_equal "$(cat "$T"/w/*.ids | sort -u | wc -l)" 320
	run pake-db check
	assert_success
}

# The fixture: a database made by pake 0.1.0 (tests/fixtures/v0.1/README).
FIX=$TESTS_DIR/fixtures/v0.1

# use_fixture: copy it into the test's folder and point the tools at it.
use_fixture() {
	cp -r "$FIX/db" "$FIX/vault" "$FIX/tenants" "$T/"
	export PAKE_TENANTS_DIR=$T/tenants
	TOK_ANN=$(awk '$1 == "acme_ann" { print $2 }' "$FIX/tokens")
	TOK_BETA=$(awk '$1 == "beta_service" { print $2 }' "$FIX/tokens")
}

@test "must-show 3: a pake 0.1 database upgrades in place with nothing lost, when several processes open it at once" {
	use_fixture
	local vault_before i
	vault_before=$(cd "$T" && find vault tenants -type f -print0 | LC_ALL=C sort -z | xargs -0 sha1sum)
	[ "$(sqlite3 "$PAKE_DB" 'PRAGMA user_version')" = 3 ]
	# Eight processes open the old file at the same instant.
	for i in $(seq 8); do
		PAKE_TENANT=acme pake-note list --json --limit 100 >"$T/list.$i" 2>"$T/err.$i" &
	done
	wait
	for i in $(seq 8); do
		[ ! -s "$T/err.$i" ] || fail "process $i: $(cat "$T/err.$i")"
		assert_equal "$(jq '.notes | length' "$T/list.$i")" 3
	done
	# Migrated past 0.1's schema 3, to what this program writes.
	[ "$(sqlite3 "$PAKE_DB" 'PRAGMA user_version')" -ge 4 ]
	assert_equal "$(sqlite3 "$PAKE_DB" 'PRAGMA user_version')" "$(pake-db stats --json | jq .schema)"
	# Every note, with its tags, fields and unknown keys, in its tenant.
	assert_equal "$(pake-note list --json --limit 100 | jq -r '[.notes[].metadata.title] | sort | join(",")')" \
	    "Alpha note,Beta note,Edited note,Imported thing"
	assert_equal "$(PAKE_TENANT=acme pake-note list --json --limit 100 | jq -r '[.notes[].metadata.title] | sort | join(",")')" \
	    "Acme quokka,Acme zebra,Café TCP/IP"
	assert_equal "$(PAKE_TENANT=beta pake-note list --json --limit 100 | jq -r '[.notes[].metadata.title] | join(",")')" "Beta one"
	pake-note list --json --limit 100 | jq -e '.notes[] | select(.metadata.title == "Imported thing") |
	    .metadata.custom_key == "keep me" and (.metadata.tags | sort) == ["imported", "shared"]' >/dev/null
	pake-note list --json --limit 100 | jq -e '.notes[] | select(.metadata.title == "Edited note") |
	    .metadata.status == "Verified" and .metadata.tags == ["edited"] and .metadata.type == "ProjectNote"' >/dev/null
	pake-note list --json --limit 100 | jq -e '.notes[] | select(.metadata.title == "Beta note") |
	    .metadata.summary == "beta summary" and .metadata.confidence_score == 0.9' >/dev/null
	# Search and tags work in each store.
	assert_equal "$(PAKE_TENANT=acme pake-search --json zebra | jq -r '.results[0].title')" "Acme zebra"
	assert_equal "$(pake-search --json shared | jq '.results | length')" 3
	# Tokens, users and the activity log survive; the revoked token stays revoked.
	assert_equal "$(PAKE_TOKEN=$TOK_ANN pake-note list --json | jq '.notes | length')" 3
	assert_equal "$(PAKE_TOKEN=$TOK_BETA pake-note list --json | jq -r '.notes[0].metadata.title')" "Beta one"
	assert_equal "$(pake-tenant user list --tenant acme --json | jq -r '[.users[]?.username // .[]?.username] | sort | join(",")')" "ann,bob"
	assert_equal "$(pake-tenant token list --tenant acme --json | jq '[.tokens[] | select(.revoked_at != null)] | length')" 1
	[ "$(pake-tenant audit --all --json --limit 1000 | jq '(.events // .) | length')" -ge 11 ]
	assert_equal "$(pake-tenant tenant show gone --json | jq -r .status)" suspended
	assert_equal "$(pake-tenant tenant show acme --json | jq -r .notes)" 3
	assert_equal "$(pake-tenant tenant list --json | jq -c '[.tenants[] | [.name, .notes]]')" \
	    '[["acme",3],["beta",1],["default",4],["gone",0]]'
	# The deleted note's tombstone and the import source are in default's store.
	assert_equal "$(sqlite3 "$T/db/pake.db-stores/default.db" 'SELECT count(*) FROM note_tombstones')" 1
	assert_equal "$(sqlite3 "$T/db/pake.db-stores/default.db" 'SELECT count(*) FROM note_sources')" 1
	# The vault files are untouched and agree with the stores.
	assert_equal "$(cd "$T" && find vault tenants -type f -print0 | LC_ALL=C sort -z | xargs -0 sha1sum)" "$vault_before"
	run pake-db check
	assert_success
	assert_output --partial "integrity: ok"
	# Importing the same file again finds the same note (its source moved too).
	mkdir -p "$T/imp"
	printf -- '---\ntitle: Imported thing\ntype: SourceNote\ntags:\n  - imported\n  - shared\ncustom_key: keep me\n---\nImported body text.\n' >"$T/imp/Imported.md"
	[ "$(sqlite3 "$T/db/pake.db-stores/default.db" 'SELECT source FROM note_sources')" = /tmp/fx/imp/Imported.md ]
}

@test "an upgrade interrupted before its commit is redone from the old rows" {
	use_fixture
	# A store left over by an upgrade that died before the control
	# database committed: stale content that must be replaced.
	mkdir -p "$T/db/pake.db-stores"
	printf 'garbage' >"$T/db/pake.db-stores/acme.db.upgrade"
	sqlite3 "$T/db/pake.db-stores/acme.db" 'CREATE TABLE junk(x); INSERT INTO junk VALUES(1)'
	assert_equal "$(PAKE_TENANT=acme pake-note list --json | jq '.notes | length')" 3
	[ ! -e "$T/db/pake.db-stores/acme.db.upgrade" ]
	run sqlite3 "$T/db/pake.db-stores/acme.db" "SELECT count(*) FROM sqlite_schema WHERE name = 'junk'"
	assert_output 0
	run pake-db check
	assert_success
}

@test "must-show 4: an authenticated read, a search and MCP get_note_by_id leave every database file unchanged; the rate limit still holds" {
	local tok id before after i code
	tok=$(tenant acme basic)
	id=$(add_in acme "Read me" "a body to read")
	serve no
	# Warm up: every file exists and the counters file is made.
	curl -sf -H "Authorization: Bearer $tok" "$URL/notes/$id" >/dev/null
	before=$(db_sums)
	for i in 1 2 3; do
		curl -sf -H "Authorization: Bearer $tok" "$URL/notes/$id" | jq -e '.title == "Read me"' >/dev/null
		curl -s -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
		    -d '{"query":"body","sources":["vault"]}' "$URL/search" >"$T/search.out"
		jq -e '.results | length == 1' "$T/search.out" >/dev/null || fail "$(cat "$T/search.out")"
	done
	PAKE_TENANT=acme pake-search --ids body >/dev/null
	PAKE_TOKEN=$tok pake-search --ids body >/dev/null
	printf '%s\n' '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bats","version":"1"}}}' \
	    '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_note_by_id\",\"arguments\":{\"pake_id\":\"$id\"}}}" |
	    PAKE_TOKEN=$tok pake-mcp >"$T/mcp.out"
	jq -se '.[1].result.isError == false' "$T/mcp.out" >/dev/null || fail "$(cat "$T/mcp.out")"
	after=$(db_sums)
	assert_equal "$after" "$before"
	# The basic plan allows 60 requests a minute to a token: counted in
	# the counters file, exactly.
	tok=$(pake-tenant token create --tenant acme --user boss 2>/dev/null)
	for i in $(seq 60); do
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$URL/notes/$id")
		assert_equal "$code" 200
	done
	code=$(curl -s -o "$T/limited" -w '%{http_code}' -H "Authorization: Bearer $tok" "$URL/notes/$id")
	assert_equal "$code" 429
	jq -e '.error.code == "rate_limited"' "$T/limited" >/dev/null
}

@test "pake-db stats shows the control database and each tenant store" {
	tenant acme >/dev/null
	add_in acme "One" "x" >/dev/null
	add_in default "Two" "y" >/dev/null
	run pake-db stats --json
	assert_success
	echo "$output" | jq -e '.tenants == 2 and .notes == 2' >/dev/null
	echo "$output" | jq -e '[.files[] | .path] | length == 3' >/dev/null
	echo "$output" | jq -e '.files[0].path | endswith("/db/pake.db")' >/dev/null
	echo "$output" | jq -e '.files[] | select(.tenant == "acme") | .notes == 1 and (.path | endswith("/pake.db-stores/acme.db"))' >/dev/null
	run pake-db stats
	assert_success
	assert_output --partial "pake.db-stores/acme.db"
	assert_output --partial "(control)"
}

@test "pake-db backup copies every file; restore brings the installation back to it" {
	local a b
	tenant acme >/dev/null
	a=$(add_in acme "Before backup" "kept")
	b=$(add_in default "Default before" "kept too")
	run pake-db backup "$T/bk/pake.db"
	assert_failure	# the folder does not exist
	mkdir -p "$T/bk"
	run pake-db backup "$T/bk/pake.db"
	assert_success
	[ -f "$T/bk/pake.db" ] && [ -f "$T/bk/pake.db-stores/acme.db" ] && [ -f "$T/bk/pake.db-stores/default.db" ]
	run pake-db backup "$T/bk/pake.db"
	assert_failure	# never over an existing backup
	# The backup is itself a working installation.
	assert_equal "$(PAKE_DB=$T/bk/pake.db PAKE_TENANT=acme pake-note get --json "$a" | jq -r .title)" "Before backup"
	# Changes after the backup: a new tenant, a new note, a deleted one.
	tenant late >/dev/null
	add_in late "Late" "z" >/dev/null
	add_in acme "After backup" "gone after restore" >/dev/null
	PAKE_TENANT=acme pake-note rm "$a" >/dev/null
	run pake-db restore "$T/bk/pake.db"
	assert_success
	assert_equal "$(PAKE_TENANT=acme pake-note list --json | jq -r '[.notes[].metadata.title] | join(",")')" "Before backup"
	assert_equal "$(pake-note get --json "$b" | jq -r .title)" "Default before"
	run pake-tenant tenant show late
	assert_failure
	# The store of the tenant the backup does not know was moved aside.
	ls "$T/db/pake.db-stores/" | grep -q '^late.db.pre-restore-'
	run pake-db check --repair
	run pake-db check
	assert_success
}

@test "the WAL stays bounded while readers never stop" {
	local stop=$T/stop tok id i wal max=0 w
	tok=$(tenant acme)
	pake-tenant tenant limits acme --per-minute unlimited >/dev/null
	id=$(add_in acme "Seed" "reader target")
	serve no
	# Readers that never stop: GETs and searches from six loops.
	local readers=()
	for i in 1 2 3 4 5 6; do
		(while [ ! -e "$stop" ]; do
			curl -s -o /dev/null -H "Authorization: Bearer $tok" "$URL/notes/$id"
			curl -s -o /dev/null -H "Authorization: Bearer $tok" \
			    -H 'Content-Type: application/json' \
			    -d '{"query":"reader","sources":["vault"]}' "$URL/search"
		done) &
		readers+=($!)
	done
	# One writer: 200 notes of 200 KB, one transaction each (80 MB
	# through the WAL), while the file's size is sampled.
	head -c 200000 /dev/zero | tr '\0' 'w' | fold -w 60 |
	    jq -Rs '{title: "Big", content: .}' >"$T/big.json"
	(for i in $(seq 200); do
		curl -sf -o /dev/null -H "Authorization: Bearer $tok" \
		    -H 'Content-Type: application/json' --data-binary @"$T/big.json" \
		    "$URL/notes" || echo "POST $i failed"
	done >"$T/writer.out"; touch "$T/written") &
	w=$!
	while [ ! -e "$T/written" ]; do
		wal=$(stat -c %s "$T/db/pake.db-stores/acme.db-wal" 2>/dev/null || echo 0)
		[ "$wal" -gt "$max" ] && max=$wal
		sleep 0.02
	done
	wait "$w"
	touch "$stop"
	wait "${readers[@]}"
	[ ! -s "$T/writer.out" ] || fail "$(cat "$T/writer.out")"
	assert_equal "$(PAKE_TENANT=acme pake-db stats --json | jq '[.files[] | select(.tenant == "acme")][0].notes')" 201
	# It stays near its bound of 4,000 pages (16 MB) plus the commits of
	# one 250 ms wait -- well under the 80 MB written (the margin is for
	# a slow machine, where a wait can fail and be retried).
	[ "$max" -lt $((32 * 1024 * 1024)) ] || fail "WAL reached $max bytes"
	[ "$max" -gt $((4 * 1024 * 1024)) ] || fail "the test wrote too little ($max)"
}

@test "daily calls: exact, flushed to the database about once a minute, and continued from it when the counters file is new" {
	local tok day t0 i
	tok=$(tenant acme basic)
	sqlite3 "$PAKE_DB" "UPDATE tenants SET max_calls_day = 5 WHERE name = 'acme'"
	day=$(( $(date +%s) / 86400 ))
	t0=$(( day * 86400000 + 3600000 ))	# 01:00 UTC today
	for i in 1 2 3; do
		at $t0 env PAKE_TOKEN=$tok pake-note list --json >/dev/null
	done
	# Counted, not yet written: the first flush is a minute after the
	# counters file began.
	assert_equal "$(sqlite3 "$PAKE_DB" "SELECT count(*) FROM usage_daily")" 0
	at $((t0 + 61000)) env PAKE_TOKEN=$tok pake-note list --json >/dev/null
	assert_equal "$(sqlite3 "$PAKE_DB" "SELECT calls FROM usage_daily WHERE day = $day")" 4
	assert_equal "$(sqlite3 "$PAKE_DB" "SELECT last_used_ms FROM tokens WHERE label IS NULL OR 1 ORDER BY last_used_ms DESC LIMIT 1")" $((t0 + 61000))
	# A new counters file (a reboot that lost it) starts from the database.
	rm "$T/db/pake.db-counters"
	at $((t0 + 62000)) env PAKE_TOKEN=$tok pake-note list --json >/dev/null
	run --separate-stderr at $((t0 + 63000)) env PAKE_TOKEN=$tok pake-note list --json
	assert_equal "$status" 69
	echo "$output" | jq -e '.error.code == "quota_exceeded" and .error.retry_after > 0' >/dev/null
	# Every refusal is answered, but the log records the first of the day
	# only: knocking on a spent quota does not write to the database.
	for i in 1 2 3; do
		run --separate-stderr at $((t0 + 63000 + i)) env PAKE_TOKEN=$tok pake-note list --json
		assert_equal "$status" 69
	done
	assert_equal "$(pake-tenant audit --tenant acme --json | jq '[.events[] | select(.event == "quota_hit")] | length')" 1
	# The next day starts again.
	run --separate-stderr at $((t0 + 86400000)) env PAKE_TOKEN=$tok pake-note list --json
	assert_success
}

@test "pake-db check covers every tenant's store and vault, naming the tenant of a problem; --repair fixes each" {
	tenant acme >/dev/null
	add_in acme "Acme note" "x" >/dev/null
	add_in default "Default note" "y" >/dev/null
	rm "$T/db/tenants/acme/00-Inbox/Acme-note.md"	# tenants/ beside the database
	run pake-db check
	assert_failure
	assert_output --partial "missing: acme: 00-Inbox/Acme-note.md"
	run pake-db check --repair
	run pake-db check
	assert_success
	[ -f "$T/db/tenants/acme/00-Inbox/Acme-note.md" ]
	# A damaged index in a store is found and rebuilt.
	sqlite3 "$T/db/pake.db-stores/acme.db" "INSERT INTO notes_fts(notes_fts, rank) VALUES('pgsz', 4072); DELETE FROM notes_fts_data WHERE id > 10"
	run pake-db check
	assert_failure
	run pake-db check --repair
	run pake-db check
	assert_success
}

@test "looking writes nothing: GET /health, pake-health, pake-db stats and tenant show make no store" {
	pake-tenant tenant create acme >/dev/null
	pake-db init >/dev/null
	serve no
	curl -sf "$URL/health" | json_check '.status == "ok"'
	pake-health >/dev/null
	pake-db stats >/dev/null
	pake-tenant tenant show acme >/dev/null
	pake-tenant tenant list >/dev/null
	[ ! -e "$T/db/pake.db-stores/default.db" ] || fail "default's store was made"
	[ ! -e "$T/db/pake.db-stores/acme.db" ] || fail "acme's store was made"
	# The first note makes it.
	add_in acme "First" "x" >/dev/null
	[ -f "$T/db/pake.db-stores/acme.db" ]
}
