#!/usr/bin/env bats
# embed.bats: note vectors from an embeddings provider (issue 12, must-show
# 3): tests/fixtures/embed_server.py is a real OpenAI-compatible
# /v1/embeddings server on 127.0.0.1 whose vectors are hashed word counts
# (texts sharing words are near), and whose models misbehave on request
# (slow, broken, garbage, short, badvalue).  The corpus is vectors.bats's:
# three categories of eight notes.

bats_require_minimum_version 1.5.0
load helpers

CORPUS="$BATS_TEST_DIRNAME/fixtures/text/related"

setup() {
	pake_setup
	require_tool pake-analyze pake-op pake-search
	EMB_LOG="$T/embed.log"
	: >"$EMB_LOG"
}

teardown() {
	[ -z "${EMB_PID:-}" ] || kill "$EMB_PID" 2>/dev/null || true
}

# provider [ARGS]: start the fixture server; EMB_URL is its base URL.
provider() {
	python3 "$BATS_TEST_DIRNAME/fixtures/embed_server.py" "$T/embed.port" \
	    "$EMB_LOG" "$@" 3>&- &
	EMB_PID=$!
	local i
	for i in $(seq 100); do
		[ -s "$T/embed.port" ] && break
		sleep 0.05
	done
	[ -s "$T/embed.port" ] || fail "the embeddings server did not start"
	EMB_URL="http://127.0.0.1:$(cat "$T/embed.port")/v1"
}

# use MODEL [KEY=VALUE...]: the configuration names the provider and model.
use() {
	local m=$1
	shift
	{
		echo "[embeddings]"
		echo "url = $EMB_URL"
		echo "model = $m"
		printf '%s\n' "$@"
	} >"$PAKE_CONFIG"
}

load_corpus() {
	local f id
	: >"$T/ids"
	for f in "$CORPUS"/*.md; do
		id=$(tail -n +2 "$f" | pake-note add --title "$(head -n 1 "$f")") ||
		    return 1
		printf '%s %s\n' "$(basename "$f" .md)" "$id" >>"$T/ids"
	done
}

id_of() { awk -v n="$1" '$1 == n { print $2 }' "$T/ids"; }

cat_of() {
	local n
	n=$(awk -v i="$1" '$2 == i { print $1 }' "$T/ids")
	[ -n "$n" ] && printf '%s\n' "${n%%[0-9]*}" || echo '?'
}

# inputs_sent: texts sent to the provider so far (every request).
inputs_sent() { jq -s 'map(.n) | add // 0' "$EMB_LOG"; }

# top_cats ID N: the categories of ID's N best related notes.
top_cats() {
	local r
	for r in $(pake-op related_notes "{\"pake_id\":\"$1\",\"limit\":$2}" |
	    jq -r '.related[].pake_id'); do
		cat_of "$r"
	done | tr '\n' ' '
}

status() { pake-op vectors_status | jq -c "$1"; }

@test "embeddings: refit asks the provider for every note in batches; related notes are of their category" {
	load_corpus
	provider
	use hash-1024 "batch = 5"
	run --separate-stderr pake-op vectors_refit
	[ "$status" -eq 0 ] || fail "$stderr $output"
	printf '%s' "$output" | json_check '.model == "embed:hash-1024" and
	    .dims == 1024 and .docs == 24 and .notes == 24 and .waiting == 0 and
	    .embedded == 24'
	status . | json_check '.fitted and .model == "embed:hash-1024" and
	    .model_configured == "embed:hash-1024" and (.refit_needed | not) and
	    .notes_with_vectors == 24 and .notes_waiting == 0'
	# a probe for the dimensions, then batches of at most 5
	[ "$(jq -s 'map(.n) | max' "$EMB_LOG")" -eq 5 ]
	[ "$(inputs_sent)" -eq 25 ]
	jq -e -s 'all(.path == "/v1/embeddings" and .model == "hash-1024")' \
	    "$EMB_LOG" >/dev/null
	# what is sent: the title, a blank line, the body's plain text
	jq -e -s --arg t "$(head -n 1 "$CORPUS/cooking1.md")" \
	    'any(.[].inputs[]; startswith($t + "\n\n"))' "$EMB_LOG" >/dev/null
	local n bad=0
	for n in cooking1 cooking5 astronomy3 astronomy7 football3 football7; do
		for c in $(top_cats "$(id_of "$n")" 3); do
			[ "$c" = "${n%%[0-9]*}" ] || bad=$((bad + 1))
		done
	done
	[ "$bad" -eq 0 ] || fail "$bad related notes of another category"
}

@test "embeddings: a new note and a hand edit in the vault get their vectors at once; search by meaning embeds the query" {
	load_corpus
	provider
	use hash-1024
	pake-op vectors_refit >/dev/null
	local before id
	before=$(inputs_sent)
	id=$(printf 'The telescope showed the comet near the planet; the astronomer logged the orbit and the star field.\n' |
	    pake-note add --title "Comet watch")
	[ "$(inputs_sent)" -eq $((before + 1)) ]
	status . | json_check '.notes_with_vectors == 25 and .notes_waiting == 0'
	[ "$(top_cats "$id" 3)" = "astronomy astronomy astronomy " ]
	# a hand edit to another category
	sleep 1.1
	printf -- '---\npake_id: %s\ntitle: Comet watch\n---\nThe referee gave a penalty: the striker shot the ball past the goalkeeper into the goal, and the defenders raised the offside flag.\n' \
	    "$id" >"$(vault_file "$id")"
	pake-vault import "$PAKE_VAULT" >/dev/null
	[ "$(top_cats "$id" 3)" = "football football football " ]
	status . | json_check '.notes_waiting == 0'
	# a query is embedded by the provider, outside any transaction
	run --separate-stderr pake-search --mode meaning --json "recipe oven flour dough"
	[ "$status" -eq 0 ] || fail "$stderr"
	for r in $(printf '%s' "$output" | jq -r '.results[:3][].pake_id'); do
		[ "$(cat_of "$r")" = cooking ] || fail "$output"
	done
	tail -n 1 "$EMB_LOG" | json_check '.inputs == ["recipe oven flour dough"]'
	# a deleted note's vector goes with it
	pake-note rm "$id" >/dev/null
	status . | json_check '.notes_with_vectors == 24'
}

@test "embeddings: a model change: the configuration names another model, search says so, a refit re-embeds every note" {
	load_corpus
	provider
	use hash-1024
	pake-op vectors_refit >/dev/null
	use hash-768
	status . | json_check '.model == "embed:hash-1024" and
	    .model_configured == "embed:hash-768" and .refit_needed'
	# the stored vectors still answer related notes...
	pake-op related_notes "{\"pake_id\":\"$(id_of cooking1)\"}" |
	    json_check '.model == "embed:hash-1024" and .dims == 1024 and
	    (.related | length) == 10'
	# ...but a query cannot be embedded by another model
	run --separate-stderr pake-op search_notes '{"query":"telescope","mode":"meaning"}'
	[ "$status" -ne 0 ]
	[[ "$output" == *"another model"* ]] || fail "$output"
	local before
	before=$(inputs_sent)
	run --separate-stderr pake-op vectors_refit
	[ "$status" -eq 0 ] || fail "$stderr"
	printf '%s' "$output" | json_check '.model == "embed:hash-768" and
	    .dims == 768 and .docs == 24 and .embedded == 24'
	[ "$(inputs_sent)" -eq $((before + 25)) ]
	[ "$(jq -s '[.[] | select(.model == "hash-768")] | map(.n) | add' "$EMB_LOG")" -eq 25 ]
	status . | json_check '.model == "embed:hash-768" and .dims == 768 and
	    (.refit_needed | not) and .notes_with_vectors == 24'
	# and back to LSA: no provider configured
	: >"$PAKE_CONFIG"
	status . | json_check '.model_configured == "lsa" and .refit_needed'
	pake-op vectors_refit | json_check '.model == "lsa" and .docs == 24'
	status . | json_check '.model == "lsa" and .notes_waiting == 0'
}

@test "embeddings: timeouts and bad answers are clear errors, and change nothing stored" {
	load_corpus
	provider
	use hash-1024
	pake-op vectors_refit >/dev/null
	local want m
	want=$(status '{model, dims, notes_with_vectors, fitted_at}')
	for m in broken garbage short badvalue nosuchmodel; do
		use "$m"
		run --separate-stderr pake-op vectors_refit
		[ "$status" -eq 69 ] || fail "$m: refit gave $status"
		printf '%s' "$output" | jq -e '.error.code == "unavailable"' \
		    >/dev/null || fail "$m: $output"
		# the envelope says what failed; the log (stderr) says why
		case $m in
		broken) [[ "$output" == *"refused"* && "$stderr" == *"HTTP 500"*"not loaded"* ]] ;;
		garbage) [[ "$output" == *"not understood"* && "$stderr" == *"not JSON"* ]] ;;
		short) [[ "$output" == *"not understood"* && "$stderr" == *"one embedding per input"* ]] ;;
		badvalue) [[ "$output" == *"not understood"* && "$stderr" == *"finite number"* ]] ;;
		nosuchmodel) [[ "$output" == *"refused"* && "$stderr" == *"HTTP 404"*"not found"* ]] ;;
		esac || fail "$m: $output $stderr"
		[ "$(status '{model, dims, notes_with_vectors, fitted_at}')" = "$want" ] ||
		    fail "$m changed the vectors"
	done
	# a provider slower than timeout_s
	use slow "timeout_s = 1"
	local t0=$SECONDS
	run --separate-stderr pake-op vectors_refit
	[ "$status" -ne 0 ]
	[[ "$output" == *"did not answer"* && "$stderr" == *"imeout"* ]] ||
	    fail "$output $stderr"
	[ $((SECONDS - t0)) -le 4 ] || fail "the timeout was not kept"
	# nobody listening
	EMB_URL="http://127.0.0.1:9/v1" use hash-512
	run --separate-stderr pake-op vectors_refit
	[ "$status" -ne 0 ]
	[[ "$output" == *"did not answer"* ]] || fail "$output"
	[ "$(status '{model, dims, notes_with_vectors, fitted_at}')" = "$want" ]
	# a bad url or model in the configuration is refused when read
	printf '[embeddings]\nurl = file:///etc/passwd\nmodel = x\n' >"$PAKE_CONFIG"
	run pake-op vectors_status
	[ "$status" -ne 0 ]
	[[ "$output" == *"embeddings.url"* ]] || fail "$output"
	printf '[embeddings]\nurl = %s\n' "$EMB_URL" >"$PAKE_CONFIG"
	run pake-op vectors_refit
	[ "$status" -ne 0 ]
	[[ "$output" == *"embeddings.model"* ]] || fail "$output"
}

@test "embeddings: a failing provider never fails a write: the note waits, writers pause, a refit embeds it" {
	load_corpus
	provider --fail "$T/down"
	use hash-1024
	pake-op vectors_refit >/dev/null
	touch "$T/down"
	local id before
	run --separate-stderr pake-note add --title "Night sky" <<<"The telescope and the planet, a comet and the orbit of a star."
	[ "$status" -eq 0 ] || fail "$stderr"
	id=$output
	[[ "$stderr" == *"embeddings"*"wait"* ]] || fail "no warning: $stderr"
	status . | json_check '.notes_waiting == 1 and .notes_with_vectors == 24'
	# the next writers leave the provider alone for a while
	before=$(wc -l <"$EMB_LOG")
	pake-note add --title "Another" <<<"Flour, butter and an oven." >/dev/null
	[ "$(wc -l <"$EMB_LOG")" -eq "$before" ]
	status . | json_check '.notes_waiting == 2'
	rm "$T/down"
	pake-op vectors_refit | json_check '.embedded == 2 and .waiting == 0'
	[ "$(top_cats "$id" 2)" = "astronomy astronomy " ]
}

@test "embeddings: api_key is sent as a bearer token; a wrong key is refused clearly" {
	load_corpus
	provider --key s3cret
	use hash-1024 "api_key = s3cret"
	pake-op vectors_refit | json_check '.docs == 24'
	jq -e -s 'all(.auth == "Bearer s3cret")' "$EMB_LOG" >/dev/null
	use hash-512 "api_key = wrong"
	run --separate-stderr pake-op vectors_refit
	[ "$status" -ne 0 ]
	[[ "$output" == *"refused"* && "$stderr" == *"HTTP 401"*"Incorrect API key"* ]] ||
	    fail "$output $stderr"
	status . | json_check '.model == "embed:hash-1024"'
	# the key never appears in the tools' output
	run pake-op vectors_status
	[[ "$output" != *"s3cret"* && "$output" != *"wrong"* ]]
	[ "$(grep -c s3cret "$EMB_LOG")" -gt 0 ]
}
