#!/usr/bin/env bats
# graph_cli.bats: pake-graph, the knowledge graph from the shell: links and
# backlinks read from notes' markdown, neighbours, paths, context, entity
# search, statistics, dangling links (human lines and --json), the memory
# server's JSONL file in and out byte for byte, DOT, and its refusals:
# an unknown node (66), bad usage (64), a token without graph:read (77).

bats_require_minimum_version 1.5.0
load helpers

setup() {
	pake_setup
	require_tool pake-graph pake-op pake-note
}

# g ARGS...: run pake-graph, stdout and stderr apart.
g() { run --separate-stderr pake-graph "$@"; }

# A small graph.  Alpha is written first, so its links to Beta, Gamma and
# John resolve only when those appear; Missing never does; Delta stands
# alone.  Sets ALPHA, BETA, GAMMA, DELTA (pake_ids).
fixture() {
	ALPHA=$(add_body Alpha $'See [[Beta]] and [[Gamma|the g]] and [[Missing]].\n\n- works_with [[John]] (since 2020)\n- [fact] alpha is first #greek (doc)\n')
	BETA=$(add_body Beta $'Back to [[Alpha#Intro]].\n')
	GAMMA=$(add_note Gamma)
	DELTA=$(add_body Delta $'Nothing links here.\n')
	pake-op create_entities '{"entities": [
	    {"name": "John", "entityType": "person", "observations": ["speaks Spanish"]},
	    {"name": "Acme", "entityType": "company", "observations": []}]}' >/dev/null
	pake-op create_relations '{"relations": [
	    {"from": "John", "to": "Acme", "relationType": "works_at"}]}' >/dev/null
}

# The node id of NAME (for DOT's n<ID> and #ID).
node_id() { pake-graph links --json "$1" | jq -r .node.id; }

# The control database, the stores and their WALs, summed.
db_sums() {
	find "$T/db" -type f \( -name '*.db' -o -name '*.db-wal' \) -print0 |
	    LC_ALL=C sort -z | xargs -0 sha1sum
}

# --- links, backlinks ---------------------------------------------------------

@test "links: a note's links, resolved or naming nothing, typed with context" {
	fixture
	g links Alpha
	assert_success
	assert_output "links_to -> Beta [note]
links_to -> Gamma [note]
links_to -> Missing (names nothing)
works_with -> John [entity person] (since 2020)"
	assert_equal "$stderr" ""
	# A heading follows the target's name.
	g links Beta
	assert_success
	assert_output "links_to -> Alpha#Intro [note]"
	# An entity's relations made by the memory tools.
	g links John
	assert_success
	assert_output "works_at -> Acme [entity company]"
	g links --json Alpha
	assert_success
	echo "$output" | json_check --arg id "$ALPHA" '.node.name == "Alpha" and
	    .node.kind == "note" and .node.pake_id == $id and
	    (.links | length) == 4 and .backlinks == null and
	    ([.links[] | select(.node == null) | .to] == ["Missing"]) and
	    ([.links[] | .node.name // empty] == ["Beta", "Gamma", "John"]) and
	    (.links[1].properties.alias == "the g") and
	    (.links[3].type == "works_with" and .links[3].context == "since 2020")'
}

@test "links: NODE as title in any case, file name, pake_id, note:, entity:, #id" {
	fixture
	local want ref
	want=$(pake-graph links Alpha)
	[ -n "$want" ] || fail "no links of Alpha"
	for ref in alpha ALPHA "$ALPHA" "note:$ALPHA" "#$(node_id Alpha)"; do
		g links "$ref"
		assert_success
		assert_equal "$output" "$want"
	done
	# A renamed note keeps its file name, and both names find it.
	pake-note edit "$GAMMA" --title "Gamma Renamed" >/dev/null
	g backlinks "Gamma Renamed"
	assert_success
	assert_output "links_to <- Alpha [note]"
	g backlinks gamma
	assert_success
	assert_output "links_to <- Alpha [note]"
	g links entity:John
	assert_success
	assert_output "works_at -> Acme [entity company]"
	# entity: and note: look only where they say.
	g links entity:Alpha
	assert_equal "$status" 66
	g links note:John
	assert_equal "$status" 66
	# -- ends the options: a name that starts with a dash.
	g links -- -dash
	assert_equal "$status" 66
	assert_equal "$stderr" "pake-graph: No such node: -dash"
}

@test "backlinks: the notes and entities that link to a node" {
	fixture
	g backlinks Alpha
	assert_success
	assert_output "links_to <- Beta [note]"
	g backlinks John
	assert_success
	assert_output "works_with <- Alpha [note] (since 2020)"
	g backlinks Acme
	assert_success
	assert_output "works_at <- John [entity person]"
	g backlinks Delta
	assert_success
	assert_output ""
	g backlinks --json John
	assert_success
	echo "$output" | json_check '.links == null and (.backlinks | length) == 1
	    and .backlinks[0].node.name == "Alpha" and .backlinks[0].from == "Alpha"'
}

@test "a link resolves when its target appears, and names nothing when it goes" {
	fixture
	g dangling
	assert_success
	assert_output "Alpha [note]: links_to -> Missing"
	add_note Missing >/dev/null
	g dangling
	assert_success
	assert_output ""
	g links Alpha
	assert_line "links_to -> Missing [note]"
	# Deleting Beta leaves Alpha's link naming nothing, and says so.
	run --separate-stderr pake-note rm --json "$BETA"
	assert_success
	echo "$output" | json_check '.dangling_links[0].from == "Alpha" and
	    .dangling_links[0].target == "Beta"'
	g dangling
	assert_success
	assert_output "Alpha [note]: links_to -> Beta"
	g dangling --json
	assert_success
	echo "$output" | json_check '[.links[] | .to] == ["Beta"] and
	    .links[0].node.name == "Alpha" and .links[0].target == null'
	g links Alpha
	assert_line "links_to -> Beta (names nothing)"
}

# --- neighbours, path, context --------------------------------------------------

@test "neighbors: nodes by hops, then the links met; --depth, --max" {
	fixture
	g neighbors Alpha
	assert_success
	assert_output "0 Alpha [note]
1 Beta [note]
1 Gamma [note]
1 John [entity person]

Alpha -links_to-> Beta
Alpha -links_to-> Gamma
Alpha -links_to-> Missing (names nothing)
Alpha -works_with-> John
Beta -links_to-> Alpha"
	g neighbors Alpha --depth 2
	assert_success
	assert_line "2 Acme [entity company]"
	assert_line "John -works_at-> Acme"
	assert_equal "$stderr" ""
	g neighbors --json --depth 2 Alpha
	assert_success
	echo "$output" | json_check '.center.name == "Alpha" and .depth == 2 and
	    ([.nodes[] | select(.depth == 2) | .name] == ["Acme"]) and
	    (.truncated == false)'
	# Cut at --max nodes: said on stderr and in the JSON.
	g neighbors Alpha --max 2
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -c '^[0-9] ')" 2
	[[ "$stderr" == *"cut at 2 nodes"* ]] || fail "stderr: $stderr"
	g neighbors Alpha --max 2 --json
	echo "$output" | json_check '.truncated == true and (.nodes | length) == 2'
}

@test "path: the shortest chain either way, or 'no path found' (exit 0)" {
	fixture
	g path Beta Acme
	assert_success
	assert_output "0 Beta [note]
1 Alpha [note]
2 John [entity person]
3 Acme [entity company]"
	g path --json Acme Beta
	assert_success
	echo "$output" | json_check '.found == true and .length == 3 and
	    [.nodes[].name] == ["Acme", "John", "Alpha", "Beta"]'
	g path Delta Alpha
	assert_success
	assert_output "no path found"
	g path Delta Alpha --json
	assert_success
	echo "$output" | json_check '.found == false and .length == null'
	# Too far for --max-depth.
	g path Beta Acme --max-depth 2
	assert_success
	assert_output "no path found"
	g path Gamma gamma
	assert_success
	assert_output "0 Gamma [note]"
}

@test "context: a node, its observations, its links and backlinks with theirs" {
	fixture
	g context John
	assert_success
	assert_output "John [entity person]
  - speaks Spanish
links:
  works_at -> Acme [entity company]
backlinks:
  works_with <- Alpha [note] (since 2020)
    - [fact] alpha is first #greek (doc)"
	g context Alpha
	assert_success
	assert_line --index 0 "Alpha [note] $ALPHA"
	assert_line --index 1 "  - [fact] alpha is first #greek (doc)"
	assert_line "  works_with -> John [entity person] (since 2020)"
	assert_line "    - speaks Spanish"
	assert_line "  links_to <- Beta [note]"
	g context --json Alpha
	assert_success
	echo "$output" | json_check --arg id "$ALPHA" '.note.pake_id == $id and
	    (.note.content | startswith("See [[Beta]]")) and
	    .node.observations[0].category == "fact" and
	    .node.observations[0].tags == "greek" and (.links | length) == 4'
	g context Alpha --max 1 --json
	echo "$output" | json_check '(.links | length) == 1 and .truncated == true'
}

# --- search, stats ------------------------------------------------------------------

@test "search: entities by name, type or observation, relations touching them, pages" {
	fixture
	g search spanish
	assert_success
	assert_output "John [entity person]
  - speaks Spanish

John -works_at-> Acme"
	g search --json COMPANY
	assert_success
	echo "$output" | json_check '[.entities[].name] == ["Acme"] and
	    .relations[0].relationType == "works_at"'
	g search nothing-like-this
	assert_success
	assert_output ""
	pake-op create_entities '{"entities": [
	    {"name": "P1", "entityType": "t", "observations": ["pagetest"]},
	    {"name": "P2", "entityType": "t", "observations": ["pagetest"]},
	    {"name": "P3", "entityType": "t", "observations": ["pagetest"]}]}' >/dev/null
	g search pagetest --limit 2
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -c '^P')" 2
	[[ "$stderr" =~ ^more:\ pake-graph\ search\ --limit\ 2\ --cursor\ ([^ ]+)\ --\ pagetest$ ]] ||
	    fail "stderr: $stderr"
	g search pagetest --limit 2 --cursor "${BASH_REMATCH[1]}"
	assert_success
	assert_output "P3 [entity t]
  - pagetest"
	assert_equal "$stderr" ""
	g search pagetest --cursor bogus
	assert_equal "$status" 65
}

@test "stats: key: value lines; --json the numbers" {
	fixture
	g stats
	assert_success
	assert_line --index 0 "entities: 2"
	assert_line "notes: 4"
	assert_line "relations: 6"
	assert_line "dangling: 1"
	assert_line "observations: 2"
	assert_line "by_type:"
	assert_line "  SourceNote: 4"
	assert_line "  person: 1"
	assert_line "by_relation_type:"
	assert_line "  links_to: 4"
	assert_line "  works_with: 1"
	assert_line "  works_at: 1"
	g stats --json
	assert_success
	echo "$output" | json_check '.entities == 2 and .notes == 4 and
	    .relations == 6 and .dangling == 1 and .by_type.company == 1 and
	    .by_relation_type.links_to == 4'
}

@test "human output escapes control characters; --json keeps the text" {
	pake-op create_entities '{"entities": [{"name": "Eve\u001b[31m\nfake line",
	    "entityType": "t\tx", "observations": ["two\nlines", "bell\u0007\u009b"]}]}' >/dev/null
	g search Eve
	assert_success
	assert_output 'Eve\x1b[31m\nfake line [entity t\tx]
  - two\nlines
  - bell\x07\xc2\x9b'
	g stats
	assert_line '  t\tx: 1'
	g links --json "$(printf 'Eve\033[31m\nfake line')"
	assert_success
	echo "$output" | json_check '.node.name == "Eve\u001b[31m\nfake line"'
}

# --- the memory server's file ---------------------------------------------------------

# The file as @modelcontextprotocol/server-memory writes it: one object a
# line, joined by \n, no final newline.
memory_file() {
	printf '%s\n' \
	    '{"type":"entity","name":"John","entityType":"person","observations":["speaks Spanish","naïve \"quoted\" 日本","a\nb\tc \u001b \\ /"]}' \
	    '{"type":"entity","name":"Acme","entityType":"company","observations":[]}' \
	    '{"type":"relation","from":"John","to":"Acme","relationType":"works_at"}' |
	    head -c -1
	printf '\n%s' '{"type":"relation","from":"John","to":"Nobody","relationType":"knows"}'
}

@test "import then export: the same bytes (file, standard output, -)" {
	memory_file >"$T/memory.jsonl"
	[ "$(tail -c 1 "$T/memory.jsonl")" = "}" ] || fail "fixture ends with a newline"
	# Notes and their links are in the graph but not in the memory file.
	add_body Note $'Mentions [[John]].\n' >/dev/null
	g import "$T/memory.jsonl"
	assert_success
	assert_output "entities: 2
relations: 2
skipped: 0"
	g backlinks John
	assert_output "links_to <- Note [note]"
	g export "$T/out.jsonl"
	assert_success
	assert_output ""
	cmp "$T/memory.jsonl" "$T/out.jsonl"
	pake-graph export >"$T/stdout.jsonl"
	cmp "$T/memory.jsonl" "$T/stdout.jsonl"
	pake-graph export - >"$T/dash.jsonl"
	cmp "$T/memory.jsonl" "$T/dash.jsonl"
	# Again, from standard input: everything is there already.
	run --separate-stderr pake-graph import --json - <"$T/memory.jsonl"
	assert_success
	echo "$output" | json_check '.entities == 0 and .relations == 0 and .skipped == 4'
	g export --json
	assert_success
	echo "$output" | jq -j .jsonl | cmp - "$T/memory.jsonl"
}

@test "export FILE replaces the file at once, keeps its mode, leaves no temp file" {
	memory_file >"$T/memory.jsonl"
	pake-graph import "$T/memory.jsonl" >/dev/null
	mkdir "$T/out"
	printf 'old contents, longer than the new ones will be %0500d\n' 0 >"$T/out/m.jsonl"
	chmod 640 "$T/out/m.jsonl"
	g export --json "$T/out/m.jsonl"
	assert_success
	echo "$output" | json_check --argjson n "$(wc -c <"$T/memory.jsonl")" \
	    '.bytes == $n and (.file | endswith("m.jsonl"))'
	cmp "$T/memory.jsonl" "$T/out/m.jsonl"
	assert_equal "$(stat -c %a "$T/out/m.jsonl")" 640
	# A new file: the mode the umask leaves, as any new file.
	(umask 027 && pake-graph export "$T/out/new.jsonl")
	cmp "$T/memory.jsonl" "$T/out/new.jsonl"
	assert_equal "$(stat -c %a "$T/out/new.jsonl")" 640
	(umask 022 && pake-graph export "$T/out/new2.jsonl")
	assert_equal "$(stat -c %a "$T/out/new2.jsonl")" 644
	assert_equal "$(ls -A "$T/out" | tr '\n' ' ')" "m.jsonl new.jsonl new2.jsonl "
	# A file that cannot be replaced: 69, and the temporary file goes.
	mkdir "$T/out/adir"
	g export "$T/out/adir"
	assert_equal "$status" 69
	[[ "$stderr" == *"pake-graph: Cannot write $T/out/adir: "* ]] || fail "stderr: $stderr"
	assert_equal "$(ls -A "$T/out" | tr '\n' ' ')" "adir m.jsonl new.jsonl new2.jsonl "
	# A folder that is not there: 69, the path and reason named.
	g export "$T/nowhere/m.jsonl"
	assert_equal "$status" 69
	[[ "$stderr" == *"pake-graph: Cannot write $T/nowhere/m.jsonl: No such file or directory"* ]] ||
	    fail "stderr: $stderr"
}

@test "import: a bad file imports nothing and says why" {
	printf '%s\n%s' '{"type":"entity","name":"Zed","entityType":"x","observations":[]}' \
	    'not json' >"$T/bad.jsonl"
	g import "$T/bad.jsonl"
	assert_equal "$status" 65
	assert_equal "$stderr" "pake-graph: Invalid memory file (line 2: not a JSON object)"
	assert_output ""
	g stats --json
	echo "$output" | json_check '.entities == 0'
	printf '{"type":"entity","name":"\xff","entityType":"x","observations":[]}' >"$T/latin1.jsonl"
	g import "$T/latin1.jsonl"
	assert_equal "$status" 65
	[[ "$stderr" == *"not UTF-8"* ]] || fail "stderr: $stderr"
	# A NUL byte would cut the text short: refused, not half imported.
	printf '{"type":"entity","name":"Zed","entityType":"x","observations":[]}\n\0\n' >"$T/nul.jsonl"
	g import "$T/nul.jsonl"
	assert_equal "$status" 65
	assert_equal "$stderr" "pake-graph: Invalid memory file (import: a NUL byte)"
	g stats --json
	echo "$output" | json_check '.entities == 0'
	g import --json "$T/bad.jsonl"
	assert_equal "$status" 65
	echo "$output" | json_check '.error.code == "invalid_params"'
	g import "$T/absent.jsonl"
	assert_equal "$status" 64
	[[ "$stderr" == *"cannot read $T/absent.jsonl"* ]] || fail "stderr: $stderr"
	# At most 256 MiB.
	run --separate-stderr bash -c \
	    'head -c $((256 * 1024 * 1024 + 1)) /dev/zero | pake-graph import -'
	assert_equal "$status" 65
	assert_equal "$stderr" "pake-graph: Payload too large"
	# An empty file is an empty graph, not an error.
	: >"$T/empty.jsonl"
	g import "$T/empty.jsonl"
	assert_success
	assert_line "entities: 0"
}

# --- DOT ------------------------------------------------------------------------------------

@test "dot: a neighbourhood or the whole graph, with nodes and edges" {
	fixture
	local a b j
	a=$(node_id Alpha)
	b=$(node_id Beta)
	j=$(node_id John)
	g dot Alpha
	assert_success
	assert_line --index 0 "digraph pake {"
	assert_line "  n$a [label=\"Alpha\", shape=note];"
	assert_line "  n$j [label=\"John\", shape=ellipse];"
	assert_line "  n$a -> n$b [label=\"links_to\"];"
	assert_line "  n$a -> n$j [label=\"works_with\"];"
	assert_line --regexp '^  u[0-9]+ \[label="Missing", shape=box, style=dashed\];$'
	assert_line --index -1 "}"
	# One hop: Acme is two away.
	[[ "$output" != *Acme* ]] || fail "Acme in the 1-hop neighbourhood"
	g dot Alpha --depth 2
	assert_line --regexp '^  n[0-9]+ \[label="Acme", shape=ellipse\];$'
	# The whole graph: Delta, which links nowhere, and the tools' edge.
	g dot
	assert_success
	assert_line --regexp '^  n[0-9]+ \[label="Delta", shape=note\];$'
	assert_line "  n$j -> n$(node_id Acme) [label=\"works_at\"];"
	g dot --json John
	assert_success
	echo "$output" | json_check '(.dot | startswith("digraph pake {")) and
	    (.dot | contains("label=\"works_at\""))'
	if command -v dot >/dev/null; then
		pake-graph dot | dot -Tsvg >"$T/g.svg"
		grep -q '<svg' "$T/g.svg"
	fi
}

@test "dot: an unknown node is 66, and it needs graph:read" {
	require_tool pake-tenant
	fixture
	g dot Nope
	assert_equal "$status" 66
	assert_equal "$stderr" "pake-graph: No such node: Nope"
	assert_output ""
	tok=$(pake-tenant token create --scopes notes:read 2>/dev/null)
	PAKE_TOKEN=$tok run --separate-stderr pake-graph dot
	assert_equal "$status" 77
	assert_output ""
	PAKE_TOKEN=$tok run --separate-stderr pake-graph dot Alpha
	assert_equal "$status" 77
	tok=$(pake-tenant token create --scopes graph:read 2>/dev/null)
	PAKE_TOKEN=$tok run --separate-stderr pake-graph dot Alpha
	assert_success
	assert_line --index 0 "digraph pake {"
	# graph:read reads; import needs graph:write.
	PAKE_TOKEN=$tok run --separate-stderr pake-graph stats
	assert_success
	printf '' >"$T/e.jsonl"
	PAKE_TOKEN=$tok run --separate-stderr pake-graph import "$T/e.jsonl"
	assert_equal "$status" 77
}

# --- refusals, help, tenants ---------------------------------------------------------------

@test "an unknown node: exit 66, the node named, the envelope with --json" {
	fixture
	local c
	for c in links backlinks neighbors context dot; do
		g "$c" Nope
		[ "$status" -eq 66 ] || fail "$c: exit $status"
		assert_equal "$stderr" "pake-graph: No such node: Nope"
		assert_output ""
	done
	# path names the one that is missing, even when it is a prefix.
	g path Alpha Nope
	assert_equal "$status" 66
	assert_equal "$stderr" "pake-graph: No such node: Nope"
	g path Al Alpha
	assert_equal "$status" 66
	assert_equal "$stderr" "pake-graph: No such node: Al"
	g links '#99999'
	assert_equal "$status" 66
	assert_equal "$stderr" "pake-graph: No such node: #99999"
	g links --json Nope
	assert_equal "$status" 66
	echo "$output" | json_check '.error.code == "not_found" and
	    .error.message == "No such node: Nope"'
}

@test "bad usage: exit 64, a message on stderr, nothing on stdout" {
	local cmds=(
		""
		"frobnicate"
		"links"
		"links a b"
		"links --bogus a"
		"backlinks"
		"neighbors"
		"neighbors a --depth 0"
		"neighbors a --depth 6"
		"neighbors a --depth x"
		"neighbors a --max 5001"
		"neighbors a --max-depth 2"
		"path a"
		"path a b c"
		"path a b --max 3"
		"path a b --max-depth 11"
		"path a b --max-depth"
		"context a --max 101"
		"context a --depth 2"
		"search"
		"search q --limit 0"
		"search q --limit 1001"
		"stats extra"
		"stats --limit 3"
		"dangling --limit 0"
		"dangling --limit 10001"
		"dangling x"
		"import"
		"import a b"
		"export a b"
		"dot --depth 2"
		"dot a --depth 6"
		"dot a --max 5001"
		"dot --max 100001"
		"dot a b"
	)
	local c failures=()
	for c in "${cmds[@]}"; do
		run --separate-stderr pake-graph $c
		[ "$status" -eq 64 ] || failures+=("'$c': exit $status")
		[[ "$stderr" == pake-graph:* ]] || failures+=("'$c': stderr: $stderr")
		[ -z "$output" ] || failures+=("'$c': stdout: $output")
	done
	[ "${#failures[@]}" -eq 0 ] || fail "$(printf '%s\n' "${failures[@]}")"
	# The message says what was wrong.
	g neighbors a --depth 6
	[[ "$stderr" == *"--depth takes a whole number from 1 to 5"* ]] || fail "$stderr"
	g path a b --max 3
	[[ "$stderr" == *"path takes no --max"* ]] || fail "$stderr"
	g path a b --max-depth
	[[ "$stderr" == *"--max-depth needs a value"* ]] || fail "$stderr"
	g links
	[[ "$stderr" == *"links needs a NODE"* ]] || fail "$stderr"
	# The largest values are accepted.
	fixture
	g neighbors Alpha --depth 5 --max 5000
	assert_success
	g dot --max 100000
	assert_success
}

@test "--help: the tool's and each subcommand's, on stdout, without a database" {
	export PAKE_DB=$T/none/pake.db
	local c
	g --help
	assert_success
	assert_equal "$stderr" ""
	for c in links backlinks neighbors path context search stats dangling \
	    import export dot; do
		assert_line --regexp "pake-graph $c( |$)"
	done
	g -h
	assert_success
	for c in links backlinks neighbors path context search stats dangling \
	    import export dot; do
		g "$c" --help
		assert_success
		assert_line --index 0 --regexp "^usage: pake-graph $c( |$)"
		assert_equal "$stderr" ""
		# Also with the common flags first, and -h.
		run --separate-stderr pake-graph --db "$PAKE_DB" "$c" -h
		assert_success
		assert_line --index 0 --regexp "^usage: pake-graph $c( |$)"
	done
	[ ! -e "$PAKE_DB" ] || fail "--help made a database"
	if [ -x "$PAKE_BUILD/bin/pake" ]; then
		run --separate-stderr pake graph path --help
		assert_success
		assert_line --index 0 --regexp "^usage: pake-graph path "
	fi
}

@test "the acting tenant: PAKE_TENANT and --tenant; another tenant's graph is apart" {
	require_tool pake-tenant
	fixture
	pake-tenant tenant create other >/dev/null
	PAKE_TENANT=other run --separate-stderr pake-graph stats --json
	assert_success
	echo "$output" | json_check '.notes == 0 and .entities == 0'
	PAKE_TENANT=other run --separate-stderr pake-graph links Alpha
	assert_equal "$status" 66
	run --separate-stderr pake-graph --tenant other search spanish
	assert_success
	assert_output ""
	run --separate-stderr pake-graph --tenant nosuch stats
	assert_equal "$status" 66
	g stats --json
	echo "$output" | json_check '.notes == 4'
}

@test "reading the graph writes nothing" {
	fixture
	# Settle: the first open after the writes may still tidy the WAL.
	pake-graph stats >/dev/null
	local before after
	before=$(db_sums)
	[ -n "$before" ] || fail "no database files"
	pake-graph links Alpha >/dev/null
	pake-graph backlinks John >/dev/null
	pake-graph neighbors Alpha --depth 3 >/dev/null
	pake-graph path Beta Acme >/dev/null
	pake-graph context Alpha >/dev/null
	pake-graph search spanish >/dev/null
	pake-graph stats --json >/dev/null
	pake-graph dangling >/dev/null
	pake-graph export >/dev/null
	pake-graph dot >/dev/null
	pake-graph dot Alpha >/dev/null
	pake-graph links Nope 2>/dev/null || true
	after=$(db_sums)
	assert_equal "$after" "$before"
}
