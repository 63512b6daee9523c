#!/usr/bin/env bats
# vectors.bats: note vectors (LSA) and related notes (issue 12): a corpus
# written for the tests, three clear categories of eight notes (cooking,
# astronomy, football; tests/fixtures/text/related/, first line the
# title); after a refit every note's related notes are of its category;
# notes added or hand edited in the vault after the fit are folded in at
# once; another tenant's notes and fit change nothing here and see
# nothing; no fit yet is a clear error; invalid arguments are refused.

bats_require_minimum_version 1.5.0
load helpers

CORPUS="$BATS_TEST_DIRNAME/fixtures/text/related"

setup() {
	pake_setup
	require_tool pake-analyze pake-op
}

# load_corpus: add every note of the corpus; "$T/ids" gets "NAME ID"
# lines (NAME: cooking3, ...).
load_corpus() {
	local f id
	: >"$T/ids"
	for f in "$CORPUS"/*.md; do
		id=$(tail -n +2 "$f" | pake-note add --title "$(head -n 1 "$f")") ||
		    return 1
		printf '%s %s\n' "$(basename "$f" .md)" "$id" >>"$T/ids"
	done
}

# id_of NAME: the note made from NAME.md.
id_of() { awk -v n="$1" '$1 == n { print $2 }' "$T/ids"; }

# cat_of ID: the category of a note of the corpus ("?" for another).
cat_of() {
	local n
	n=$(awk -v i="$1" '$2 == i { print $1 }' "$T/ids")
	[ -n "$n" ] && printf '%s\n' "${n%%[0-9]*}" || echo '?'
}

# top ID [N]: the ids of its N (default 3) related notes, best first.
top() {
	pake-analyze related "$1" --limit "${2:-3}" --json | jq -r '.related[].pake_id'
}

# same_cat ID CAT: how many of ID's top 3 related notes are of CAT.
same_cat() {
	local r n=0
	for r in $(top "$1"); do
		[ "$(cat_of "$r")" = "$2" ] && n=$((n + 1))
	done
	echo "$n"
}

@test "related notes: before any fit the clear error (66); invalid arguments 65" {
	load_corpus
	id=$(id_of cooking1)
	run pake-analyze related "$id"
	[ "$status" -eq 66 ]
	[[ "$output" == *"No vectors yet: pake-analyze refit makes them"* ]] || fail "got: $output"
	run --separate-stderr pake-op related_notes "{\"pake_id\":\"$id\"}"
	[ "$status" -eq 66 ]
	[ "$(printf '%s' "$output" | jq -r .error.code)" = not_found ]
	run pake-op vectors_status '{}'
	[ "$status" -eq 0 ]
	printf '%s' "$output" | json_check '.fitted == false and .dims == 0 and
	    .notes_with_vectors == 0 and .notes == 24 and .fitted_at == null'
	# Invalid arguments: the schema refuses them (invalid_params, 65).
	for a in "{\"pake_id\":\"$id\",\"limit\":0}" \
	    "{\"pake_id\":\"$id\",\"limit\":101}" '{"limit":3}' \
	    '{"pake_id":""}' "{\"pake_id\":\"$id\",\"x\":1}" \
	    "{\"pake_id\":\"$id\",\"limit\":\"3\"}"; do
		run pake-op related_notes "$a"
		[ "$status" -eq 65 ] || fail "related_notes $a: $status $output"
	done
	for a in '{"dims":0}' '{"dims":257}' '{"dims":"8"}' '{"k":8}'; do
		run pake-op vectors_refit "$a"
		[ "$status" -eq 65 ] || fail "vectors_refit $a: $status $output"
	done
	# Nothing was fitted by the refused calls.
	[ "$(pake-op vectors_status '{}' | jq .fitted)" = false ]
	run pake-analyze related "$id" --limit 0
	[ "$status" -eq 64 ]
	run pake-analyze refit --dims 300
	[ "$status" -eq 64 ]
	# After a fit: a note that does not exist is not found.
	pake-analyze refit >/dev/null
	run pake-analyze related "$MISSING_ID"
	[ "$status" -eq 66 ]
	[[ "$output" == *"Note not found"* ]]
}

@test "refit: every note's top 3 related notes are of its category; exact best for a few" {
	load_corpus
	run pake-analyze refit --json
	[ "$status" -eq 0 ]
	printf '%s' "$output" | json_check '.model == "lsa" and .dims == 24 and
	    .docs == 24 and .notes == 24 and .notes_without_vectors == 0 and
	    .terms > 50'
	hits=0
	while read -r name id; do
		c=${name%%[0-9]*}
		n=$(same_cat "$id" "$c")
		[ "$n" -ge 2 ] || fail "$name: only $n of its top 3 are $c: $(top "$id" | while read -r r; do cat_of "$r"; done)"
		hits=$((hits + n))
	done <"$T/ids"
	# 72 related notes in all; nearly all of the same category.
	[ "$hits" -ge 68 ] || fail "precision $hits of 72"
	# The best match, exactly, for a note of each category.
	[ "$(top "$(id_of cooking1)" 1)" = "$(id_of cooking5)" ]	# braising: tomato sauce
	[ "$(top "$(id_of astronomy2)" 1)" = "$(id_of astronomy5)" ]	# stars: black holes
	[ "$(top "$(id_of football1)" 1)" = "$(id_of football6)" ]	# offside: goalkeeper
	# The human form: score, pake_id, title; best first; not itself.
	run pake-analyze related "$(id_of cooking1)" --limit 3
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" =~ ^0\.[0-9]{3}\ \ $(id_of cooking5)\ \ Tomato\ sauce$ ]] || fail "got: ${lines[0]}"
	s0=$(pake-analyze related "$(id_of cooking1)" --json | jq '[.related[].score] | (. == (sort | reverse)) and length == 10')
	[ "$s0" = true ]
	[[ "$output" != *"$(id_of cooking1)"* ]]
	# The status, from another process: the model is stored.
	run pake-analyze vectors --json
	printf '%s' "$output" | json_check '.fitted and .dims == 24 and
	    .notes_with_vectors == 24 and .notes == 24 and .model == "lsa"'
	# --dims bounds the model.
	pake-analyze refit --dims 5 >/dev/null
	[ "$(pake-analyze related "$(id_of cooking1)" --json | jq .dims)" -eq 5 ]
}

@test "fold-in: a note added after the fit gets its vector at once; one without known words none; delete and restore" {
	load_corpus
	pake-analyze refit >/dev/null
	id=$(printf 'Saturn and its rings are a fine sight in a telescope on a clear night. The rings are ice and dust orbiting the planet, and its largest moon, Titan, shows as a bright dot.\n' |
	    pake-note add --title "Saturn's rings")
	[ "$(pake-analyze vectors --json | jq .notes_with_vectors)" -eq 25 ]
	[ "$(same_cat "$id" astronomy)" -ge 2 ] || fail "$(top "$id")"
	# Its vector is related to the others both ways.
	found=0
	for r in $(top "$(id_of astronomy1)" 24); do [ "$r" = "$id" ] && found=1; done
	[ "$found" -eq 1 ]
	# A note none of whose words the model knows: an empty list and why.
	lone=$(printf 'Xylophones quibble zymurgically.\n' | pake-note add --title "Zzyzx")
	run pake-analyze related "$lone" --json
	[ "$status" -eq 0 ]
	printf '%s' "$output" | json_check '.related == [] and (.reason | test("no vector"))'
	[ "$(pake-analyze vectors --json | jq .notes_with_vectors)" -eq 25 ]
	# A delete takes the vector with the note; a restore brings it back.
	pake-note rm "$id" >/dev/null
	[ "$(pake-analyze vectors --json | jq .notes_with_vectors)" -eq 24 ]
	for r in $(top "$(id_of astronomy1)" 30); do [ "$r" != "$id" ] || fail "deleted note still related"; done
	pake-note restore "$id" 1 >/dev/null
	[ "$(pake-analyze vectors --json | jq .notes_with_vectors)" -eq 25 ]
	[ "$(same_cat "$id" astronomy)" -ge 2 ]
}

@test "fold-in: a hand edit in the vault to another category changes the note's vector, keywords and related notes" {
	require_tool pake-vault
	load_corpus
	pake-analyze refit >/dev/null
	id=$(id_of football5)
	[ "$(same_cat "$id" football)" -ge 2 ]
	kw_before=$(pake-op summarize_note "{\"pake_id\":\"$id\"}" | jq -c .summary_result.keywords)
	f=$(vault_file "$id")
	{
		printf -- '---\n'
		fm_of "$f"
		printf -- '---\n'
		tail -n +2 "$CORPUS/cooking2.md" | sed 's/pasta/noodles/'
		printf 'Simmer the sauce with garlic, onions and olive oil in a pan, season with salt and pepper.\n'
	} >"$T/edit.md"
	cp "$T/edit.md" "$f"
	pake-vault import "$PAKE_VAULT" >/dev/null
	[[ "$(note_content "$id")" == *"Simmer the sauce"* ]]
	[ "$(same_cat "$id" cooking)" -ge 2 ] || fail "$(top "$id" | while read -r r; do cat_of "$r"; done)"
	[ "$(same_cat "$id" football)" -eq 0 ]
	# its keywords are the new text's
	kw=$(pake-op summarize_note "{\"pake_id\":\"$id\"}" | jq -c .summary_result.keywords)
	[ "$kw" != "$kw_before" ]
	printf '%s' "$kw" | jq -e 'any(.[]; test("sauce|garlic|noodles|simmer"))' >/dev/null ||
	    fail "keywords: $kw"
	printf '%s' "$kw" | jq -e 'all(.[]; test("offside|goal|referee") | not)' >/dev/null
}

@test "tenants: another tenant's notes and refit never change this tenant's vectors nor see them" {
	require_tool pake-tenant
	load_corpus
	pake-analyze refit >/dev/null
	id=$(id_of astronomy3)
	before=$(pake-analyze related "$id" --json)
	status_before=$(pake-analyze vectors --json)
	pake-tenant tenant create other >/dev/null
	for f in "$CORPUS"/football*.md "$CORPUS"/astronomy*.md; do
		{ tail -n +2 "$f"; printf 'Galaxy telescope striker goal.\n'; } |
		    PAKE_TENANT=other pake-note add --title "Other $(head -n 1 "$f")" >/dev/null
	done
	run env PAKE_TENANT=other pake-analyze related "$id"
	[ "$status" -eq 66 ]
	[[ "$output" == *"No vectors yet"* ]]
	PAKE_TENANT=other pake-analyze refit --dims 8 >/dev/null
	run env PAKE_TENANT=other pake-analyze vectors --json
	printf '%s' "$output" | json_check '.docs == 16 and .dims == 8 and .notes_with_vectors == 16'
	# This tenant's note is not the other's: not found there.
	run env PAKE_TENANT=other pake-analyze related "$id"
	[ "$status" -eq 66 ]
	[[ "$output" == *"Note not found"* ]]
	# The other tenant's related notes are its own.
	oid=$(PAKE_TENANT=other pake-note list --json | jq -r '.notes[0].pake_id')
	for r in $(PAKE_TENANT=other pake-analyze related "$oid" --limit 20 --json | jq -r '.related[].pake_id'); do
		[ "$(cat_of "$r")" = '?' ] || fail "the other tenant sees $r"
	done
	# This tenant's vectors, byte for byte.
	[ "$(pake-analyze related "$id" --json)" = "$before" ]
	[ "$(pake-analyze vectors --json)" = "$status_before" ]
}

@test "clusters: k-means on the vectors finds the three categories, labelled by their words; before a fit, 66" {
	run pake-analyze clusters
	[ "$status" -eq 66 ]
	load_corpus
	pake-analyze refit >/dev/null 2>&1
	pake-analyze clusters --k 3 --json >"$T/clusters.json"
	json_check '.k == 3 and .notes == 24 and ([.clusters[].size] | add) == 24' <"$T/clusters.json"
	# Purity: each cluster counted by its most common category.
	pure=0
	for c in 0 1 2; do
		best=$(jq -r ".clusters[$c].notes[].pake_id" "$T/clusters.json" |
		    while read -r id; do cat_of "$id"; done | sort | uniq -c | sort -rn | awk 'NR == 1 { print $1 }')
		pure=$((pure + best))
	done
	# 10 nearest notes shown per cluster: at least 20 of the 24 shown
	# notes sit with their category's majority.
	[ "$pure" -ge 20 ] || fail "purity: $pure of 24"
	# The astronomy cluster is labelled by astronomy words.
	jq -r '.clusters[].label | join(" ")' "$T/clusters.json" | grep -E -q 'star|galax|moon|planet|black'
	# The same notes, the same clusters (a fixed seed).
	pake-analyze clusters --k 3 --json | cmp - "$T/clusters.json"
	run pake-analyze clusters --k 1
	[ "$status" -eq 64 ]
}

@test "search by meaning and hybrid: search_notes mode, pake-search --mode" {
	load_corpus
	# Before a fit there are no vectors: said, not an empty list.
	run pake-op search_notes '{"query":"telescope planets","mode":"meaning"}'
	[ "$status" -eq 66 ]
	[[ "$output" == *"No vectors yet"* ]]
	pake-analyze refit >/dev/null 2>&1
	# Meaning: the nearest notes are astronomy, though "telescope planets"
	# is in few of them word for word.
	pake-op search_notes '{"query":"telescope planets","mode":"meaning","limit":5}' >"$T/m.json"
	json_check '.mode == "meaning" and (.results | length) == 5' <"$T/m.json"
	for id in $(jq -r '.results[].pake_id' "$T/m.json"); do
		[ "$(cat_of "$id")" = astronomy ] || fail "not astronomy: $id"
	done
	[ "$(pake-op search_notes '{"query":"telescope planets","limit":5}' | jq '.results | length')" -lt 5 ]
	# Hybrid: full-text hits first when they are near in meaning too.
	pake-op search_notes '{"query":"telescope planets","mode":"hybrid","limit":5}' >"$T/h.json"
	json_check '.mode == "hybrid" and (.results | length) == 5 and .results[0].score > .results[4].score' <"$T/h.json"
	for id in $(jq -r '.results[].pake_id' "$T/h.json"); do
		[ "$(cat_of "$id")" = astronomy ] || fail "not astronomy: $id"
	done
	run pake-search --mode meaning --ids telescope planets
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 10 ]
	run pake-search --mode nonsense x
	[ "$status" -eq 64 ]
	run pake-op search_notes '{"query":"x","mode":"meaning","filters":{"status":"Raw"}}'
	[ "$status" -eq 65 ]
}

@test "drift: notes written since the fit; refit --min-drift refits only past it" {
	load_corpus
	pake-analyze refit >/dev/null 2>&1
	pake-op vectors_status | json_check '.drift == 0 and .changed_since_fit == 0 and .docs == 24'
	sleep 0.01
	for i in 1 2 3; do
		printf 'A telescope night number %s.\n' "$i" | pake-note add --title "Sky $i" >/dev/null
	done
	pake-op vectors_status | json_check '.changed_since_fit == 3 and .drift == 0.125'
	run --separate-stderr pake-analyze refit --min-drift 0.2 --json
	[ "$status" -eq 0 ] || fail "$stderr"
	printf '%s' "$output" | json_check '.refitted == false and .docs == 24'
	for i in 4 5 6; do
		printf 'A telescope night number %s.\n' "$i" | pake-note add --title "Sky $i" >/dev/null
	done
	pake-analyze refit --min-drift 0.2 --json 2>/dev/null |
	    json_check '.refitted == true and .docs == 30'
	pake-op vectors_status | json_check '.drift == 0'
	run pake-analyze refit --min-drift nope
	[ "$status" -eq 64 ]
}

@test "the research search's vault source (POST /search) by meaning and hybrid" {
	load_corpus
	# before a fit the vault source fails with the reason; the others go on
	pake-op search '{"query":"telescope planets","sources":["vault","web"],"mode":"meaning"}' |
	    json_check '(.success | not) and .results == [] and
	    (.metadata.sources_failed | map(.source) == ["vault", "web"]) and
	    (.metadata.sources_failed[0].message | test("No vectors yet"))'
	pake-analyze refit >/dev/null 2>&1
	pake-op search '{"query":"telescope planets","sources":["vault"],"mode":"meaning","max_results":5}' >"$T/r.json"
	json_check '.success and (.results | length) == 5 and
	    all(.results[]; .source == "vault" and (.score | type) == "number") and
	    .results[0].score >= .results[4].score' <"$T/r.json"
	for id in $(jq -r '.results[].pake_id' "$T/r.json"); do
		[ "$(cat_of "$id")" = astronomy ] || fail "not astronomy: $id"
	done
	pake-op search '{"query":"telescope planets","sources":["vault"],"mode":"hybrid","max_results":3}' |
	    json_check '(.results | length) == 3 and all(.results[]; .score > 0)'
	# text, the default, has no score
	pake-op search '{"query":"telescope","sources":["vault"]}' |
	    json_check '(.results | length) > 0 and all(.results[]; has("score") | not)'
	run pake-op search '{"query":"x","sources":["vault"],"mode":"nonsense"}'
	[ "$status" -eq 65 ]
}
