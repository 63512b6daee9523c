#!/usr/bin/env bats
# graph.bats: the knowledge graph (issue 11).
#
# 1. The MCP memory server's behaviour: the same scenario (tests/mcp/
#    memory-cases.mjs, the official TypeScript client) against the real
#    @modelcontextprotocol/server-memory and against pake-mcp gives the
#    same output, step for step, but for pake's two deliberate differences
#    (a name, and a relation's triple, are unique even within one call).
# 2. A memory.jsonl written by the real server (driven through its tools)
#    imports into pake and exports back byte for byte.
# 3. Two pake-mcp processes creating 10 entities each at once, 20 times:
#    every entity is there every time.
# 4. A vault with wikilinks, aliases, headings, links in code, typed
#    relations, observations and a link to a note that arrives later: the
#    graph is exactly right, and stays right through a rename, a hand edit
#    and a delete; pake-db check verifies links and repairs them.
# 5. Another tenant's entities are invisible to every graph tool.

bats_require_minimum_version 1.5.0
load helpers

MCP_DIR="$BATS_TEST_DIRNAME/mcp"
SM="$MCP_DIR/node_modules/@modelcontextprotocol/server-memory/dist/index.js"

setup_file() {
	if ! [ -f "$SM" ] ||
	    ! [ -d "$MCP_DIR/node_modules/@modelcontextprotocol/sdk" ]; then
		if command -v npm >/dev/null 2>&1; then
			npm ci --prefix "$MCP_DIR" --no-audit --no-fund \
			    >"$BATS_FILE_TMPDIR/npm.log" 2>&1 </dev/null 3>&- || true
		fi
	fi
}

setup() {
	pake_setup
	require_tool pake-mcp
	require_tool pake-op
}

need_node() {
	if ! command -v node >/dev/null 2>&1; then
		skip "node is not installed: the memory server tests need Node.js 20+"
	fi
	[ -f "$SM" ] || fail "npm ci --prefix tests/mcp failed: $(cat "$BATS_FILE_TMPDIR/npm.log" 2>/dev/null)"
}

# links NODE: "type|target|resolved name or -" lines of NODE's links.
links() {
	pake-op graph_links "{\"node\":\"$1\",\"direction\":\"out\"}" |
	    jq -r '.links[] | "\(.type)|\(.to)|\(.node.name // "-")"' | LC_ALL=C sort
}

@test "must-show 1: the memory server's cases through the official client give the same results from pake-mcp" {
	need_node
	MEMORY_FILE_PATH="$T/memory.jsonl" run --separate-stderr node "$MCP_DIR/memory-cases.mjs" node "$SM"
	[ "$status" -eq 0 ] || fail "server-memory: $stderr"
	printf '%s\n' "$output" >"$T/ref.out"
	run --separate-stderr node "$MCP_DIR/memory-cases.mjs" "$PAKE_BUILD/bin/pake-mcp"
	[ "$status" -eq 0 ] || fail "pake-mcp: $stderr"
	printf '%s\n' "$output" >"$T/pake.out"
	[ "$(wc -l <"$T/ref.out")" -ge 50 ]
	[ "$(wc -l <"$T/ref.out")" -eq "$(wc -l <"$T/pake.out")" ]
	# pake keeps a name and a triple once even within one call; the
	# server stores both copies.  Those four steps differ, nothing else.
	local differ='create_entities with one name twice in the call|open_nodes on the name created twice|create_relations with one triple twice in the call|open_nodes on the triple created twice'
	diff <(grep -Ev "\"step\":\"($differ)\"" "$T/ref.out") \
	    <(grep -Ev "\"step\":\"($differ)\"" "$T/pake.out") ||
	    fail "pake-mcp answers differently from server-memory"
	grep -F '"step":"create_entities with one name twice in the call"' "$T/pake.out" |
	    json_check '.structured.entities == [{"name":"Twice","entityType":"first","observations":["one"]}]'
	grep -F '"step":"create_entities with one name twice in the call"' "$T/ref.out" |
	    json_check '(.structured.entities | length) == 2'
	grep -F '"step":"open_nodes on the triple created twice"' "$T/pake.out" |
	    json_check '[.structured.relations[] | select(.relationType == "hears")] | length == 1'
	# The error case: an unknown entity fails the call and saves nothing.
	grep -F '"step":"add_observations on an unknown entity"' "$T/pake.out" |
	    json_check '.isError == true'
}

@test "must-show 1: read_graph, search_nodes and open_nodes are paged; the pages add up to the server's whole answer" {
	need_node
	MEMORY_FILE_PATH="$T/memory.jsonl" node "$MCP_DIR/memory-cases.mjs" node "$SM" >"$T/ref.out"
	MEMORY_LIMIT=2 node "$MCP_DIR/memory-cases.mjs" "$PAKE_BUILD/bin/pake-mcp" >"$T/pake.out"
	local differ='create_entities with one name twice in the call|open_nodes on the name created twice|create_relations with one triple twice in the call|open_nodes on the triple created twice'
	# Read steps only: entities page by page must be the server's list.
	diff <(grep -Ev "\"step\":\"($differ)\"" "$T/ref.out" | jq -c 'select(.step | test("read_graph")) | .structured.entities') \
	    <(grep -Ev "\"step\":\"($differ)\"" "$T/pake.out" | jq -c 'select(.step | test("read_graph")) | .structured.entities')
	# One page of 2 says where the next one starts.
	rm -rf "$T/db" && pake-db init >/dev/null
	pake-op create_entities '{"entities":[{"name":"a","entityType":"t","observations":[]},{"name":"b","entityType":"t","observations":[]},{"name":"c","entityType":"t","observations":[]}]}' >/dev/null
	pake-op read_graph '{"limit":2}' | json_check '(.entities | length) == 2 and (.nextCursor | type) == "string"'
	cur=$(pake-op read_graph '{"limit":2}' | jq -r .nextCursor)
	pake-op read_graph "{\"limit\":2,\"cursor\":\"$cur\"}" |
	    json_check '[.entities[].name] == ["c"] and (has("nextCursor") | not)'
	run pake-op read_graph '{"cursor":"x1"}'
	[ "$status" -eq 65 ]
}

@test "must-show 2: a memory.jsonl written by the real server imports into pake and exports back equal" {
	need_node
	MEMORY_FILE_PATH="$T/memory.jsonl" run --separate-stderr node "$MCP_DIR/memory-roundtrip.mjs" node "$SM"
	[ "$status" -eq 0 ] || fail "server-memory: $stderr"
	[ -s "$T/memory.jsonl" ]
	[ "$(grep -c '"type":"entity"' "$T/memory.jsonl")" -ge 10 ]
	jq -Rs '{jsonl: .}' "$T/memory.jsonl" | pake-op graph_import >"$T/import.json"
	json_check '.skipped == 0' <"$T/import.json"
	pake-op graph_export | jq -j .jsonl >"$T/export.jsonl"
	cmp "$T/memory.jsonl" "$T/export.jsonl"
	# And the same graph built through pake-mcp passes the script's own
	# checks (it compares every answer with the server's rules).
	PAKE_TENANT=default run --separate-stderr node "$MCP_DIR/memory-roundtrip.mjs" "$PAKE_BUILD/bin/pake-mcp"
	[ "$status" -ne 0 ]	# not on a store that has them all already
	rm -rf "$T/db" && pake-db init >/dev/null
	run --separate-stderr node "$MCP_DIR/memory-roundtrip.mjs" "$PAKE_BUILD/bin/pake-mcp"
	[ "$status" -eq 0 ] || fail "pake-mcp: $stderr"
	[ "$output" = ok ]
}

@test "must-show 2: a bad memory file is refused with its line and imports nothing" {
	printf '%s\n' '{"type":"entity","name":"A","entityType":"t","observations":[]}' \
	    '{"type":"entity","name":"B"}' >"$T/bad.jsonl"
	run pake-op graph_import "$(jq -Rs '{jsonl: .}' "$T/bad.jsonl")"
	[ "$status" -eq 65 ]
	[[ "$output" == *"line 2"* ]]
	pake-op read_graph | json_check '.entities == []'
	printf '%s\n' '' '{"type":"other","x":1}' 'not json' >"$T/bad2.jsonl"
	run pake-op graph_import "$(jq -Rs '{jsonl: .}' "$T/bad2.jsonl")"
	[ "$status" -eq 65 ]
	[[ "$output" == *"line 3"* ]]
	# keys are case-sensitive: "Name" is not "name" (this once crashed)
	printf '%s\n' '{"type":"entity","Name":"C","entityType":"t","observations":[]}' \
	    '{"type":"relation","From":"A","To":"B","RelationType":"r"}' >"$T/bad3.jsonl"
	run pake-op graph_import "$(jq -Rs '{jsonl: .}' "$T/bad3.jsonl")"
	[ "$status" -eq 65 ]
	[[ "$output" == *"line 1"* ]]
	pake-op read_graph | json_check '.entities == []'
}

@test "must-show 3: two pake-mcp processes creating 10 entities each at once, 20 times: none lost" {
	need_node
	run --separate-stderr node "$MCP_DIR/memory-parallel.mjs" "$PAKE_BUILD/bin/pake-mcp" 20
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$(printf '%s\n' "$output" | grep -c '"present":20')" -eq 20 ] || fail "$output"
	printf '%s\n' "$output" | tail -1 | json_check '.rounds == 20 and .lost == 0'
	[ "$(pake-op read_graph '{"limit":1000}' | jq '.entities | length')" -eq 400 ]
}

@test "must-show 4: the graph of a vault is exactly what its markdown says, through a late note, a rename, a hand edit and a delete" {
	mkdir -p "$T/src"
	cat >"$T/src/Alpha.md" <<'EOF'
---
title: Alpha
---
Alpha links to [[Beta]], to [[beta|the second letter]] (same target),
to [[Gamma#Origins]], to [Delta](Delta.md), to [a site](https://example.org/x.md)
and to [[Later Note]], which does not exist yet.

Inline `[[NotALink]]` is code, and so is this:

```
[[AlsoNotALink]]
```

<div>[[NotInHtml]]</div>

- works_at [[Acme Corp]] (since 2020)
- "part of" [[Gamma]]
- see [[Beta]] and more words
- [fact] The sky is blue #color #sky (observed daily)
- [ ] a task, not an observation
- [00:01:02] a timecode, not a category
> - [quote] inside a quote is nothing
EOF
	for t in Beta Gamma Delta; do
		printf -- '---\ntitle: %s\n---\n%s body.\n' "$t" "$t" >"$T/src/$t.md"
	done
	pake-vault import "$T/src" >/dev/null
	run links Alpha
	[ "$output" = "$(printf '%s\n' \
	    'links_to|Beta|Beta' 'links_to|Delta|Delta' 'links_to|Gamma|Gamma' \
	    'links_to|Later Note|-' 'part of|Gamma|Gamma' \
	    'works_at|Acme Corp|-')" ] || fail "links: $output"
	pake-op graph_links '{"node":"Alpha"}' | json_check '
	    (.links[] | select(.to == "Gamma" and .type == "links_to") | .properties.heading) == "Origins"
	    and (.links[] | select(.type == "works_at") | .context) == "since 2020"'
	pake-op graph_context '{"node":"Alpha"}' | json_check '.node.observations ==
	    [{"content":"The sky is blue #color #sky","category":"fact","tags":"color sky","context":"observed daily"}]
	    and .note.title == "Alpha"'
	pake-op graph_links '{"node":"Beta","direction":"in"}' |
	    json_check '[.backlinks[].node.name] == ["Alpha"]'
	pake-db check | grep -qx 'links: ok'

	# The note and the entity that were missing arrive: the links resolve.
	printf 'Later.\n' | pake-note add --title "Later Note" >/dev/null
	pake-op create_entities '{"entities":[{"name":"Acme Corp","entityType":"organization","observations":[]}]}' >/dev/null
	run links Alpha
	[[ "$output" == *'links_to|Later Note|Later Note'* ]]
	[[ "$output" == *'works_at|Acme Corp|Acme Corp'* ]]
	pake-op graph_dangling | json_check '.links == []'

	# Renaming a note whose file keeps its name keeps [[Beta]] (a file
	# name); renaming "Later Note" (file Later-Note.md) leaves the link
	# by title naming nothing: said in the result, not silently.
	beta=$(pake-op graph_links '{"node":"Beta"}' | jq -r .node.pake_id)
	pake-note edit "$beta" --title Bravo --json | json_check 'has("dangling_links") | not'
	later=$(pake-op graph_links '{"node":"Later Note"}' | jq -r .node.pake_id)
	pake-note edit "$later" --title Afterwards --json 2>"$T/err" | json_check '.dangling_links ==
	    [{"from":"Alpha","from_pake_id":.dangling_links[0].from_pake_id,"target":"Later Note","type":"links_to","was":"Later Note"}]'
	grep -q 'names nothing now' "$T/err"
	run links Alpha
	[[ "$output" == *'links_to|Beta|Bravo'* ]]
	[[ "$output" == *'links_to|Later Note|-'* ]]
	pake-op graph_dangling | json_check '[.links[].to] == ["Later Note"]'

	# A hand edit in the vault: the links follow the file.
	alpha=$(pake-op graph_links '{"node":"Alpha"}' | jq -r .node.pake_id)
	f=$(vault_file "$alpha")
	sed -i 's/\[\[Later Note\]\]/[[Afterwards]]/; s/^- works_at .*$/- employs [[Acme Corp]]/' "$f"
	pake-vault import "$PAKE_VAULT" >/dev/null
	run links Alpha
	[[ "$output" == *'links_to|Afterwards|Afterwards'* ]]
	[[ "$output" == *'employs|Acme Corp|Acme Corp'* ]]
	[[ "$output" != *'works_at'* ]]
	[[ "$output" != *'Later Note'* ]]

	# A delete: the links to it name nothing, and say so.
	delta=$(pake-op graph_links '{"node":"Delta"}' | jq -r .node.pake_id)
	pake-note rm "$delta" --json 2>/dev/null | json_check '[.dangling_links[].target] == ["Delta"]'
	run links Alpha
	[[ "$output" == *'links_to|Delta|-'* ]]
	pake-db check | grep -qx 'links: ok'
	# It comes back: the link resolves again.
	pake-note restore "$delta" 1 >/dev/null
	run links Alpha
	[[ "$output" == *'links_to|Delta|Delta'* ]]

	# Stored links that drift from the markdown are found and repaired.
	sqlite3 "$PAKE_DB-stores/default.db" "DELETE FROM graph_rels WHERE type = 'employs'"
	run pake-db check
	[ "$status" -eq 1 ]
	[[ "$output" == *'links: the stored links of 1 notes do not match their markdown'* ]]
	pake-db check --repair >/dev/null
	pake-db check | grep -qx 'links: ok'
	run links Alpha
	[[ "$output" == *'employs|Acme Corp|Acme Corp'* ]]
}

@test "traversal: neighbours to a depth, the shortest path, bounded" {
	for i in 1 2 3 4 5; do
		printf 'Next is [[N%d]].\n' $((i + 1)) | pake-note add --title "N$i" >/dev/null
	done
	printf 'The end.\n' | pake-note add --title N6 >/dev/null
	pake-op graph_neighbors '{"node":"N1","depth":2}' |
	    json_check '[.nodes[] | [.name, .depth]] == [["N1",0],["N2",1],["N3",2]] and .truncated == false'
	pake-op graph_neighbors '{"node":"N3","depth":1}' |
	    json_check '([.nodes[].name] | sort) == ["N2","N3","N4"]'
	pake-op graph_neighbors '{"node":"N1","depth":5,"max_nodes":3}' |
	    json_check '(.nodes | length) == 3 and .truncated == true'
	pake-op graph_path '{"from":"N6","to":"N1"}' |
	    json_check '.found and .length == 5 and [.nodes[].name] == ["N6","N5","N4","N3","N2","N1"]'
	pake-op graph_path '{"from":"N1","to":"N6","max_depth":2}' | json_check '.found == false'
	run pake-op graph_neighbors '{"node":"nothing by that name"}'
	[ "$status" -eq 66 ]
	run pake-op graph_neighbors '{"node":"N1","depth":50}'
	[ "$status" -eq 65 ]
	pake-op graph_stats | json_check '.notes == 6 and .relations == 5 and .by_relation_type.links_to == 5'
}

@test "must-show 5: another tenant's entities, relations and notes are invisible to every graph tool" {
	require_tool pake-tenant
	pake-tenant tenant create other >/dev/null
	pake-op create_entities '{"entities":[{"name":"Secret","entityType":"plan","observations":["launch in May"]}]}' >/dev/null
	pake-op create_relations '{"relations":[{"from":"Secret","to":"Moon","relationType":"targets"}]}' >/dev/null
	printf 'See [[Secret]].\n' | pake-note add --title "Private note" >/dev/null
	export PAKE_TENANT=other
	pake-op read_graph | json_check '.entities == [] and .relations == []'
	pake-op search_nodes '{"query":"launch"}' | json_check '.entities == [] and .relations == []'
	pake-op open_nodes '{"names":["Secret"]}' | json_check '.entities == [] and .relations == []'
	pake-op graph_stats | json_check '.entities == 0 and .notes == 0 and .relations == 0'
	pake-op graph_export | json_check '.jsonl == ""'
	run pake-op graph_neighbors '{"node":"Secret"}'
	[ "$status" -eq 66 ] || fail "graph_neighbors: $status $output"
	run pake-op graph_context '{"node":"Private note"}'
	[ "$status" -eq 66 ] || fail "graph_context: $status $output"
	run pake-op add_observations '{"observations":[{"entityName":"Secret","contents":["x"]}]}'
	[ "$status" -eq 66 ] || fail "add_observations: $status $output"
	# Its own entity of the same name is its own.
	pake-op create_entities '{"entities":[{"name":"Secret","entityType":"other","observations":[]}]}' |
	    json_check '(.entities | length) == 1'
	unset PAKE_TENANT
	pake-op open_nodes '{"names":["Secret"]}' | json_check '.entities[0].entityType == "plan"
	    and .entities[0].observations == ["launch in May"]'
	# Through MCP too.
	printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_nodes","arguments":{"query":"launch"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}' |
	    PAKE_TENANT=other pake-mcp | json_check '.result.structuredContent.entities == []'
}

@test "bounds: oversized names and batches are refused and change nothing" {
	long=$(head -c 1001 /dev/zero | tr '\0' a)
	run pake-op create_entities "{\"entities\":[{\"name\":\"$long\",\"entityType\":\"t\",\"observations\":[]}]}"
	[ "$status" -eq 65 ]
	big=$(jq -cn '{entities: [range(1001) | {name: "e\(.)", entityType: "t", observations: []}]}')
	run pake-op create_entities "$big"
	[ "$status" -eq 65 ]
	pake-op read_graph | json_check '.entities == []'
	run pake-op create_entities '{"entities":[{"name":"x","entityType":"t"}]}'
	[ "$status" -eq 65 ]
}

@test "notes stored before the graph existed: check says they wait, the next write indexes their links" {
	printf 'See [[Beta]].\n' | pake-note add --title Alpha >/dev/null
	printf 'Back to [[Alpha]].\n' | pake-note add --title Beta >/dev/null
	# What migration 3 leaves in a store made before the graph: no graph
	# rows, every note listed as unindexed.
	sqlite3 "$PAKE_DB-stores/default.db" "PRAGMA foreign_keys=ON;
	    DELETE FROM graph_nodes; INSERT INTO graph_unindexed SELECT pake_id FROM notes"
	run pake-db check
	[ "$status" -eq 0 ]
	[[ "$output" == *"links: ok; 2 notes stored before the graph wait to be indexed"* ]]
	# A read writes nothing: still unindexed.
	pake-op graph_stats | json_check '.notes == 0'
	printf 'x\n' | pake-note add --title Gamma >/dev/null
	pake-op graph_stats | json_check '.notes == 3 and .relations == 2 and .dangling == 0'
	pake-db check | grep -qx 'links: ok'
	[ "$(sqlite3 "$PAKE_DB-stores/default.db" 'SELECT count(*) FROM graph_unindexed')" = 0 ]
}
