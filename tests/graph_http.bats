#!/usr/bin/env bats
# graph_http.bats: the Python server's entity graph routes served by
# pake-http (SEED-API §5 and §8; lib/graph_py.c, lib/op_graph_py.c):
# POST /graph/entities and /graph/relationships, GET /graph/entities/{id}
# (and /relationships), /graph/search, /graph/visualize, /graph/stats,
# /graph/insights/{id}, GET /knowledge-graph and POST /knowledge-graph/update.
# Real curl against pake-http under systemd-socket-activate (Accept=no);
# every answer's shape is checked with jq, every error is pake's envelope
# with its intended status, and another tenant sees nothing.

bats_require_minimum_version 1.5.0
load helpers

PW='Str0ng-Passw0rd!'
load http_helpers

setup() {
	pake_setup
	require_tool pake-http pake-tenant pake-op pake-note
	http_setup
	mkuser default user uma
	TOK=$(mktoken default uma)
	[ -n "$TOK" ] || fail "no token"
	serve no
}

teardown() {
	stop_servers
}

# gpost PATH JSON [TOKEN]: POST JSON to PATH (sets STATUS and BODY).
gpost() {
	hreq "$(auth "${3:-$TOK}")" -H 'Content-Type: application/json' \
	    --data-binary "$2" "$URL$1"
}

# gget PATH [TOKEN]: GET PATH.
gget() { hreq "$(auth "${2:-$TOK}")" "$URL$1"; }

# body JQ-FILTER...: the last answer's body satisfies the filter.
body() { printf '%s' "$BODY" | json_check "$@"; }

# entity TYPE PROPS-JSON: make an entity (201), print its id.
entity() {
	gpost /graph/entities "{\"entity_type\":\"$1\",\"properties\":$2}" &&
	    expect 201 || return 1
	printf '%s' "$BODY" | jq -er '.entity_id | select(test("^[0-9]+$"))'
}

# relate FROM TO TYPE [PROPS-JSON]: relate two ids (201), print its id.
relate() {
	gpost /graph/relationships "$(jq -cn --arg f "$1" --arg t "$2" \
	    --arg y "$3" --argjson p "${4:-null}" '{from_entity_id: $f,
	    to_entity_id: $t, relationship_type: $y} + if $p then {properties: $p}
	    else {} end')" && expect 201 || return 1
	printf '%s' "$BODY" | jq -er '.relationship_id | select(test("^[0-9]+$"))'
}

# refused STATUS CODE: the last answer is pake's envelope with CODE at STATUS.
refused() { expect "$1" && envelope "$2"; }

ISO_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?Z$'

# ---------------------------------------------------------------------
# Entities

@test "POST /graph/entities makes a Person (201, the Python shape); GET /graph/entities/{id} gives its properties, entity_type, created_at, labels and id" {
	gpost /graph/entities '{"entity_type":"Person","properties":{"name":"Ada Lovelace","email":"ada@example.org","bio":"mathematician","born":1815,"tags":["a","b"]}}'
	expect 201
	body --arg re "^[0-9]+$" '(keys | sort) == ["entity_id","entity_type","properties","success"] and
	    .success == true and (.entity_id | test($re)) and .entity_type == "Person" and
	    .properties == {"name":"Ada Lovelace","email":"ada@example.org","bio":"mathematician","born":1815,"tags":["a","b"]}'
	local id
	id=$(printf '%s' "$BODY" | jq -r .entity_id)
	gget "/graph/entities/$id"
	expect 200
	body --arg id "$id" --arg re "$ISO_RE" '.success == true and .entity.id == $id and
	    .entity.labels == ["Person"] and .entity.name == "Ada Lovelace" and
	    .entity.email == "ada@example.org" and .entity.born == 1815 and .entity.tags == ["a","b"] and
	    .entity.entity_type == "Person" and (.entity.created_at | test($re))'
	# The path's trailing slash names the same resource.
	gget "/graph/entities/$id/"
	expect 200
	body --arg id "$id" '.entity.id == $id'
}

@test "entity types: the default and unknown words are Concept, case and underscores are ignored; ResearchPaper and Document are named by their title" {
	gpost /graph/entities '{"properties":{"name":"Graphs"}}'
	expect 201
	body '.entity_type == "Concept"'
	gpost /graph/entities '{"entity_type":"CONCEPT","properties":{"name":"Trees"}}'
	expect 201
	body '.entity_type == "Concept"'
	gpost /graph/entities '{"entity_type":"Spaceship","properties":{"name":"Enterprise"}}'
	expect 201
	body '.entity_type == "Concept"'
	gpost /graph/entities '{"entity_type":"technology","properties":{"name":"SQLite","documentation_url":"https://sqlite.org/docs.html"}}'
	expect 201
	body '.entity_type == "Technology"'
	gpost /graph/entities '{"entity_type":"research_paper","properties":{"title":"Attention Is All You Need","doi":"10.48550/arXiv.1706.03762","url":"https://arxiv.org/abs/1706.03762"}}'
	expect 201
	body '.entity_type == "ResearchPaper"'
	local paper
	paper=$(printf '%s' "$BODY" | jq -r .entity_id)
	gget "/graph/entities/$paper"
	body '.entity.labels == ["ResearchPaper"] and .entity.title == "Attention Is All You Need" and (.entity | has("name") | not)'
	gpost /graph/entities '{"entity_type":"Document","properties":{"title":"Spec","source":"web","url":"http://127.0.0.1:8000/spec?x=1"}}'
	expect 201
	body '.entity_type == "Document"'
	# The paper's name is its title: a Concept of that name is taken.
	gpost /graph/entities '{"entity_type":"Concept","properties":{"name":"Attention Is All You Need"}}'
	refused 409 conflict
}

@test "entity validation: a missing or blank name, a bad email, bad URLs, an empty description, a missing source are 400 naming the field; nothing is made" {
	local bad
	while IFS='|' read -r type props field; do
		gpost /graph/entities "{\"entity_type\":\"$type\",\"properties\":$props}"
		refused 400 invalid_params
		body --arg f "properties.$field:" '.error.message == "Invalid parameters provided" and (.error.detail | startswith($f))'
	done <<'EOF'
Person|{}|name
Person|{"name":"   "}|name
Person|{"name":42}|name
Person|{"name":"X","email":"not-an-email"}|email
Person|{"name":"X","email":"a@b.c"}|email
Person|{"name":"X","email":"a b@example.org"}|email
Person|{"name":"X","orcid":"orcid.org/0000"}|orcid
Organization|{"name":"O","website":"ftp://o.example.org"}|website
Organization|{"name":"O","website":"https://o"}|website
Organization|{"name":"O","website":"https://-o.example.org"}|website
Organization|{"name":"O","description":""}|description
Concept|{"name":"C","wikipedia_url":"https://en.wikipedia.org/wiki/C (x)"}|wikipedia_url
Technology|{"name":"T","documentation_url":7}|documentation_url
ResearchPaper|{"name":"no title"}|title
ResearchPaper|{"title":"P","doi":" "}|doi
Document|{"title":"D"}|source
EOF
	# Properties must be an object.
	gpost /graph/entities '{"entity_type":"Person","properties":"Ada"}'
	refused 400 invalid_params
	gget /graph/stats
	body '.basic_stats.total_nodes == 0'
	# The same fields, valid, are taken.
	gpost /graph/entities '{"entity_type":"Person","properties":{"name":"Good","email":"g.o+od@mail.example.org","orcid":"https://orcid.org/0000-0001","linkedin":"http://localhost:8080/in/good","affiliation":null}}'
	expect 201
	gpost /graph/entities '{"entity_type":"Organization","properties":{"name":"Org","website":"https://org.example.com.","description":"makes things"}}'
	expect 201
	gget /graph/stats
	body '.basic_stats.total_nodes == 2'
}

@test "Location, Topic, Event and Product have no schema: 400 Unsupported entity type" {
	local t
	for t in Location topic EVENT Product; do
		gpost /graph/entities "{\"entity_type\":\"$t\",\"properties\":{\"name\":\"N $t\"}}"
		refused 400 invalid_params
		body '.error.message == "Unsupported entity type"'
	done
	gget /graph/stats
	body '.basic_stats.total_nodes == 0'
}

@test "a second entity of a name is a conflict (409), whatever its type: names are unique in a tenant" {
	entity Person '{"name":"Turing"}' >/dev/null
	gpost /graph/entities '{"entity_type":"Person","properties":{"name":"Turing"}}'
	refused 409 conflict
	body '.error.message | test("unique in a tenant")'
	gpost /graph/entities '{"entity_type":"Concept","properties":{"name":"Turing"}}'
	refused 409 conflict
	# Names are compared exactly.
	entity Concept '{"name":"turing"}' >/dev/null
	gget /graph/stats
	body '.basic_stats.total_nodes == 2'
}

@test "properties are bounded: over 64 KiB is 413, nested deeper than 8 is 400" {
	local big
	big=$(head -c 70000 /dev/zero | tr '\0' 'x')
	printf '{"entity_type":"Concept","properties":{"name":"Big","blob":"%s"}}' "$big" >"$T/big.json"
	gpost /graph/entities "@$T/big.json"
	refused 413 payload_too_large
	gpost /graph/entities '{"entity_type":"Concept","properties":{"name":"Deep","a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}}'
	refused 400 invalid_params
	body '.error.detail | startswith("properties:")'
	gpost /graph/entities '{"entity_type":"Concept","properties":{"name":"Deep enough","a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}}}'
	expect 201
	printf '{"from_entity_id":"1","to_entity_id":"1","properties":{"blob":"%s"}}' "$big" >"$T/big.json"
	gpost /graph/relationships "@$T/big.json"
	refused 413 payload_too_large
}

@test "unknown and non-integer ids are 404 on every route that takes one; a missing id is 400" {
	local a path
	a=$(entity Person '{"name":"Ada"}')
	for path in /graph/entities/999 /graph/entities/abc /graph/entities/1.5 \
	    /graph/entities/-1 /graph/entities/0 /graph/entities/0x1 \
	    /graph/entities/999/relationships /graph/entities/abc/relationships \
	    /graph/insights/999 /graph/insights/x1 \
	    '/graph/visualize?center_entity_id=999' '/graph/visualize?center_entity_id=A'; do
		gget "$path"
		refused 404 not_found
		body '.error.message == "Entity not found"'
	done
	gpost /graph/relationships "{\"from_entity_id\":\"$a\",\"to_entity_id\":\"999\"}"
	refused 404 not_found
	gpost /graph/relationships "{\"from_entity_id\":\"nope\",\"to_entity_id\":\"$a\"}"
	refused 404 not_found
	gpost /graph/relationships "{\"from_entity_id\":$a,\"to_entity_id\":2.5}"
	refused 404 not_found
	gpost /graph/relationships "{\"from_entity_id\":\"$a\"}"
	refused 400 invalid_params
	body '.error.detail == "to_entity_id: required"'
	gget /graph/stats
	body '.basic_stats.total_relationships == 0'
	gget "/graph/entities/$a"
	expect 200
}

# ---------------------------------------------------------------------
# Relationships

@test "POST /graph/relationships: 201 in the Python shape; a repeat answers the same id; an unknown type is RELATED_TO; ids may be JSON numbers" {
	local a b r
	a=$(entity Person '{"name":"Ada"}')
	b=$(entity Organization '{"name":"Analytical Society"}')
	gpost /graph/relationships "{\"from_entity_id\":\"$a\",\"to_entity_id\":\"$b\",\"relationship_type\":\"works_for\",\"properties\":{\"since\":1833}}"
	expect 201
	body --arg a "$a" --arg b "$b" '(keys | sort) == ["from_entity_id","relationship_id","relationship_type","success","to_entity_id"] and
	    .success == true and .from_entity_id == $a and .to_entity_id == $b and
	    .relationship_type == "WORKS_FOR" and (.relationship_id | test("^[0-9]+$"))'
	r=$(printf '%s' "$BODY" | jq -r .relationship_id)
	gpost /graph/relationships "{\"from_entity_id\":$a,\"to_entity_id\":$b,\"relationship_type\":\"WORKS_FOR\"}"
	expect 201
	body --arg r "$r" '.relationship_id == $r'
	gpost /graph/relationships "{\"from_entity_id\":\"$b\",\"to_entity_id\":\"$a\",\"relationship_type\":\"employs\"}"
	expect 201
	body --arg r "$r" '.relationship_type == "RELATED_TO" and .relationship_id != $r'
	gpost /graph/relationships "{\"from_entity_id\":\"$b\",\"to_entity_id\":\"$a\"}"
	body '.relationship_type == "RELATED_TO"'
	gget /graph/stats
	body '.basic_stats.total_relationships == 2 and .relationship_distribution == {"RELATED_TO":1,"WORKS_FOR":1}'
}

@test "GET /graph/entities/{id}/relationships: both directions, each with the relation's own properties and the node at its other end" {
	local a b c r1 r2
	a=$(entity Person '{"name":"Ada"}')
	b=$(entity Organization '{"name":"Society"}')
	c=$(entity Person '{"name":"Babbage"}')
	r1=$(relate "$a" "$b" WORKS_FOR '{"since":1833,"confidence":0.9}')
	r2=$(relate "$c" "$a" COLLABORATED_WITH)
	relate "$b" "$c" PART_OF >/dev/null
	gget "/graph/entities/$a/relationships"
	expect 200
	body --arg a "$a" --arg b "$b" --arg c "$c" --arg r1 "$r1" --arg r2 "$r2" '
	    .success == true and .entity_id == $a and .count == 2 and (.relationships | length) == 2 and
	    (.relationships[] | select(.id == $r1) |
	        .type == "WORKS_FOR" and .direction == "outgoing" and
	        .properties.since == 1833 and .properties.confidence == 0.9 and
	        .properties.relationship_type == "WORKS_FOR" and
	        .connected_entity.id == $b and .connected_entity.labels == ["Organization"] and
	        .connected_entity.properties.name == "Society") and
	    (.relationships[] | select(.id == $r2) |
	        .type == "COLLABORATED_WITH" and .direction == "incoming" and
	        .connected_entity.id == $c and .connected_entity.properties.name == "Babbage")'
	# A loop is listed once.
	relate "$a" "$a" MENTIONS >/dev/null
	gget "/graph/entities/$a/relationships"
	body '.count == 3 and ([.relationships[].id] | unique | length) == 3'
	gget "/graph/entities/$b/relationships"
	body '.count == 2'
}

# ---------------------------------------------------------------------
# Search

@test "GET /graph/search: a case-sensitive substring of any property's string form; entity_types filters by label, one unknown type drops the filter; limit" {
	local ada org con
	ada=$(entity Person '{"name":"Ada Lovelace","bio":"mathematician","born":1815}')
	org=$(entity Organization '{"name":"Analytical Engines","industry":"computing"}')
	con=$(entity Concept '{"name":"analysis"}')
	gget '/graph/search?q=Ada'
	expect 200
	body --arg id "$ada" '(keys | sort) == ["count","entities","query","success"] and .success == true and
	    .query == "Ada" and .count == 1 and .entities[0].id == $id and
	    .entities[0].labels == ["Person"] and .entities[0].name == "Ada Lovelace"'
	gget '/graph/search?q=ada'
	body '.count == 0 and .entities == []'
	gget '/graph/search?q=mathematic'
	body --arg id "$ada" '.count == 1 and .entities[0].id == $id'
	# A number's string form; q stays text even when it looks like one.
	gget '/graph/search?q=1815'
	body --arg id "$ada" '.query == "1815" and .count == 1 and .entities[0].id == $id'
	gget '/graph/search?q=An'
	body --arg id "$org" '.count == 1 and .entities[0].id == $id'
	# entity_type is a property too.
	gget '/graph/search?q=Organization'
	body --arg id "$org" '.count == 1 and .entities[0].id == $id'
	gget '/graph/search?q=a&entity_types=Organization'
	body --arg id "$org" '.count == 1 and .entities[0].id == $id'
	gget '/graph/search?q=a&entity_types=Organization,Concept'
	body --arg o "$org" --arg c "$con" '.count == 2 and ([.entities[].id] | sort) == ([$o, $c] | sort)'
	gget '/graph/search?q=a&entity_types=Organization,Spaceship'
	body '.count == 3'
	gget '/graph/search?q=a&limit=2'
	body '.count == 2 and (.entities | length) == 2'
	gget '/graph/search?q=%20Lovelace'
	body '.count == 1'
	gget '/graph/search'
	refused 400 invalid_params
	body '.error.detail == "q: required"'
	for bad in 'q=a&limit=0' 'q=a&limit=1001' 'q=a&limit=x' 'q=a&other=1' 'q=a&q=b'; do
		gget "/graph/search?$bad"
		refused 400 invalid_params
	done
}

# ---------------------------------------------------------------------
# Visualize

@test "GET /graph/visualize around a centre: its two hops (centre labelled Center), edges only between drawn nodes, each once" {
	local a b c d e
	a=$(entity Person '{"name":"Al"}')
	b=$(entity Person '{"name":"A name of exactly thirty chars"}')
	c=$(entity Concept '{"name":"C"}')
	d=$(entity Concept '{"name":"D"}')
	e=$(entity Organization '{"name":"E"}')
	relate "$a" "$b" RELATED_TO '{"confidence":0.25}' >/dev/null
	relate "$b" "$c" RELATED_TO >/dev/null
	relate "$c" "$d" RELATED_TO >/dev/null
	relate "$e" "$a" WORKS_FOR >/dev/null
	gget "/graph/visualize?center_entity_id=$a"
	expect 200
	body --arg a "$a" --arg b "$b" --arg c "$c" --arg e "$e" --arg re "$ISO_RE" '
	    .success == true and
	    ([.graph_data.nodes[].id] | sort) == ([$a, $b, $c, $e] | sort) and
	    .graph_data.nodes[0].id == $a and
	    .metadata.node_count == 4 and .metadata.edge_count == 3 and
	    (.graph_data.edges | length) == 3 and .metadata.center_entity == $a and
	    (.metadata.generated_at | test($re)) and
	    ([.graph_data.nodes[].id] as $ids | all(.graph_data.edges[]; (.source as $s | $ids | index($s)) != null and (.target as $t | $ids | index($t)) != null)) and
	    ([.graph_data.edges[].id] | unique | length) == 3 and
	    ([.graph_data.nodes[] | select(.metadata.labels | index("Center"))] | length) == 1 and
	    (.graph_data.nodes[] | select(.id == $a) |
	        .label == "Al" and .type == "Person" and .size == 20 and (.color | test("^#[0-9a-f]{6}$")) and
	        .metadata.labels == ["Person", "Center"] and .metadata.entity_type == "Person" and
	        (.metadata.created_at | test($re)) and .properties.name == "Al") and
	    (.graph_data.nodes[] | select(.id == $b) | .size == 50 and .metadata.labels == ["Person"]) and
	    (.graph_data.edges[] | select(.source == $a and .target == $b) |
	        .weight == 0.25 and .label == "RELATED TO" and .type == "RELATED_TO" and
	        .metadata.relationship_type == "RELATED_TO" and .properties.confidence == 0.25) and
	    (.graph_data.edges[] | select(.source == $e) | .weight == 1 and .label == "WORKS FOR")'
	# Person nodes share a colour; a Concept has another.
	body '[.graph_data.nodes[] | select(.type == "Person") | .color] | unique | length == 1'
	body '([.graph_data.nodes[] | select(.type == "Person") | .color][0]) != ([.graph_data.nodes[] | select(.type == "Concept") | .color][0])'
	# At most max_nodes, and then only the edges between those drawn.
	gget "/graph/visualize?center_entity_id=$a&max_nodes=2"
	expect 200
	body '.metadata.node_count == 2 and (.graph_data.nodes | length) == 2 and
	    ([.graph_data.nodes[].id] as $ids | all(.graph_data.edges[]; (.source as $s | $ids | index($s)) != null and (.target as $t | $ids | index($t)) != null)) and
	    (.graph_data.edges | length) == 1 and .metadata.truncated == true'
	gget "/graph/visualize?max_nodes=0"
	refused 400 invalid_params
	gget "/graph/visualize?max_nodes=1001"
	refused 400 invalid_params
}

@test "GET /graph/visualize without a centre: the first max_nodes nodes and only the edges among them" {
	local a b c
	a=$(entity Person '{"name":"First"}')
	b=$(entity Person '{"name":"Second"}')
	c=$(entity Person '{"name":"Third"}')
	relate "$a" "$b" RELATED_TO >/dev/null
	relate "$b" "$c" RELATED_TO >/dev/null
	relate "$c" "$a" RELATED_TO >/dev/null
	gget "/graph/visualize?max_nodes=2"
	expect 200
	body --arg a "$a" --arg b "$b" '([.graph_data.nodes[].id]) == [$a, $b] and
	    .metadata.center_entity == null and .metadata.node_count == 2 and
	    (.graph_data.edges | length) == 1 and .graph_data.edges[0].source == $a and
	    .graph_data.edges[0].target == $b and
	    ([.graph_data.nodes[] | select(.metadata.labels | index("Center"))] | length) == 0'
	gget "/graph/visualize"
	body '.metadata.node_count == 3 and .metadata.edge_count == 3'
	gget "/graph/visualize?center_entity_id="
	body '.metadata.node_count == 3 and .metadata.center_entity == null'
}

# ---------------------------------------------------------------------
# Stats and insights

@test "GET /graph/stats after 3 entities and 2 relationships" {
	local a b c
	gget /graph/stats
	expect 200
	body '.basic_stats.total_nodes == 0 and .basic_stats.total_relationships == 0 and .entity_distribution == {}'
	a=$(entity Person '{"name":"Ada"}')
	b=$(entity Person '{"name":"Charles"}')
	c=$(entity Organization '{"name":"Society"}')
	relate "$a" "$c" WORKS_FOR >/dev/null
	relate "$a" "$b" COLLABORATED_WITH >/dev/null
	gget /graph/stats
	expect 200
	body --arg re "$ISO_RE" '(keys | sort) == ["basic_stats","entity_distribution","generated_at","relationship_distribution","success"] and
	    .success == true and .basic_stats.total_nodes == 3 and .basic_stats.total_relationships == 2 and
	    (.basic_stats.node_labels | sort) == ["Organization","Person"] and
	    (.basic_stats.relationship_types | sort) == ["COLLABORATED_WITH","WORKS_FOR"] and
	    .entity_distribution == {"Person":2,"Organization":1} and
	    .relationship_distribution == {"WORKS_FOR":1,"COLLABORATED_WITH":1} and
	    (.generated_at | test($re))'
}

@test "GET /graph/insights/{id}: relationships by type, the most common type, and the degree in distinct neighbours" {
	local a b c
	a=$(entity Person '{"name":"Ada"}')
	b=$(entity Organization '{"name":"Society"}')
	c=$(entity Organization '{"name":"Academy"}')
	relate "$a" "$b" WORKS_FOR >/dev/null
	relate "$a" "$c" WORKS_FOR >/dev/null
	relate "$b" "$a" MENTIONS >/dev/null
	gget "/graph/insights/$a"
	expect 200
	body --arg a "$a" --arg re "$ISO_RE" '.success == true and .entity.id == $a and .entity.name == "Ada" and
	    .entity.labels == ["Person"] and .relationship_count == 3 and
	    .relationship_analysis == {"total":3,"by_type":{"WORKS_FOR":2,"MENTIONS":1},"most_common_type":"WORKS_FOR","unique_types":2} and
	    .network_metrics == {"degree":2,"relationship_count":3} and (.generated_at | test($re))'
	gget "/graph/insights/$c"
	body '.relationship_count == 1 and .network_metrics.degree == 1 and .relationship_analysis.most_common_type == "WORKS_FOR"'
	local lone
	lone=$(entity Concept '{"name":"Alone"}')
	gget "/graph/insights/$lone"
	body '.relationship_count == 0 and .network_metrics.degree == 0 and .relationship_analysis.most_common_type == null and .relationship_analysis.by_type == {}'
	gget /graph/insights/12345
	refused 404 not_found
}

# ---------------------------------------------------------------------
# /knowledge-graph

@test "POST /knowledge-graph/update stores the node and GET /knowledge-graph shows it; a second update changes it in place; a missing field is 400" {
	gget /knowledge-graph
	expect 200
	body '.nodes == [] and .edges == [] and .metadata.total_nodes == 0 and .metadata.status == "ok"'
	gpost /knowledge-graph/update '{"id":"n-1","title":"Graph databases","type":"concept","tags":["db"]}'
	expect 200
	body --arg re "$ISO_RE" '.success == true and .node_id == "n-1" and (.entity_id | test("^[0-9]+$")) and
	    .message == "Node stored" and (.timestamp | test($re))'
	local id
	id=$(printf '%s' "$BODY" | jq -r .entity_id)
	gget /knowledge-graph
	body --arg id "$id" --arg re "$ISO_RE" '(.nodes | length) == 1 and .nodes[0].id == $id and
	    .nodes[0].label == "Graph databases" and .nodes[0].type == "concept" and
	    .nodes[0].properties.tags == ["db"] and .nodes[0].properties.id == "n-1" and
	    .metadata.total_nodes == 1 and .metadata.total_edges == 0 and
	    (.metadata.last_updated | test($re)) and .metadata.status == "ok"'
	gpost /knowledge-graph/update '{"id":7,"title":"Graph databases","type":"Technology","tags":["db","graph"]}'
	expect 200
	body --arg id "$id" '.entity_id == $id and .node_id == 7'
	gget "/graph/entities/$id"
	body --arg id "$id" '.entity.labels == ["Technology"] and .entity.tags == ["db","graph"] and .entity.id == $id'
	gget /knowledge-graph
	body '.metadata.total_nodes == 1'
	# Relationships made between stored nodes show as edges.
	gpost /knowledge-graph/update '{"id":"n-2","title":"SQLite","type":"Technology"}'
	local two
	two=$(printf '%s' "$BODY" | jq -r .entity_id)
	relate "$two" "$id" PART_OF >/dev/null
	gget /knowledge-graph
	body --arg a "$two" --arg b "$id" '.metadata.total_nodes == 2 and .metadata.total_edges == 1 and
	    (.edges | length) == 1 and .edges[0].source == $a and .edges[0].target == $b'
	local f
	for f in id title type; do
		gpost /knowledge-graph/update "$(jq -cn --arg f "$f" '{id:"x",title:"T",type:"concept"} | del(.[$f])')"
		refused 400 invalid_params
		body --arg m "Missing required field: $f" '.error.message == $m'
	done
	gpost /knowledge-graph/update '{"id":"x","title":"","type":"concept"}'
	refused 400 invalid_params
	gget /knowledge-graph
	body '.metadata.total_nodes == 2'
}

# ---------------------------------------------------------------------
# Nodes made elsewhere, tenants, permissions, reads

@test "entities of the memory tools and notes are nodes too: {name, entity_type, observations}; a note is labelled Note with its pake_id" {
	pake-op create_entities '{"entities":[{"name":"Zed","entityType":"person","observations":["likes C"]}]}' >/dev/null
	local nid zed note
	nid=$(add_body "Meeting notes" 'Met [[Zed]] today.')
	gget '/graph/search?q=Zed&entity_types=Person'
	expect 200
	body '.count == 1 and .entities[0].labels == ["person"] and .entities[0].observations == ["likes C"] and
	    .entities[0].entity_type == "person"'
	zed=$(printf '%s' "$BODY" | jq -r '.entities[0].id')
	gget "/graph/entities/$zed"
	body '.entity.name == "Zed" and .entity.entity_type == "person" and .entity.observations == ["likes C"]'
	gget '/graph/search?q=Meeting&entity_types=Note'
	body --arg p "$nid" '.count == 1 and .entities[0].labels == ["Note"] and .entities[0].pake_id == $p and
	    .entities[0].name == "Meeting notes" and .entities[0].entity_type == "Note"'
	note=$(printf '%s' "$BODY" | jq -r '.entities[0].id')
	gget "/graph/entities/$zed/relationships"
	body --arg n "$note" '.count == 1 and .relationships[0].type == "links_to" and
	    .relationships[0].direction == "incoming" and .relationships[0].connected_entity.id == $n and
	    .relationships[0].connected_entity.labels == ["Note"]'
	gget /graph/stats
	body '.basic_stats.total_nodes == 2 and .entity_distribution == {"person":1,"Note":1}'
	# A relationship from a note's node to an entity made here.
	local org
	org=$(entity Organization '{"name":"Acme"}')
	relate "$note" "$org" MENTIONS >/dev/null
	gget "/graph/insights/$note"
	body '.relationship_count == 2 and .network_metrics.degree == 2'
}

@test "another tenant's token sees none of it: 404 on the first tenant's ids, empty search, stats, visualize and knowledge-graph" {
	local a b tb
	a=$(entity Person '{"name":"Ada"}')
	b=$(entity Person '{"name":"Babbage"}')
	relate "$a" "$b" COLLABORATED_WITH >/dev/null
	pake-tenant tenant create beta >/dev/null
	mkuser beta user bea
	tb=$(mktoken beta bea)
	[ -n "$tb" ]
	gget "/graph/entities/$a" "$tb"
	refused 404 not_found
	gget "/graph/entities/$a/relationships" "$tb"
	refused 404 not_found
	gget "/graph/insights/$a" "$tb"
	refused 404 not_found
	gget '/graph/search?q=a' "$tb"
	expect 200
	body '.count == 0'
	gget /graph/stats "$tb"
	body '.basic_stats.total_nodes == 0 and .basic_stats.total_relationships == 0'
	gget /graph/visualize "$tb"
	body '.graph_data.nodes == [] and .graph_data.edges == []'
	gget /knowledge-graph "$tb"
	body '.nodes == [] and .metadata.total_nodes == 0'
	gpost /graph/relationships "{\"from_entity_id\":\"$a\",\"to_entity_id\":\"$b\"}" "$tb"
	refused 404 not_found
	# Its own "Ada" is its own: names are unique per tenant.
	gpost /graph/entities '{"entity_type":"Person","properties":{"name":"Ada"}}' "$tb"
	expect 201
	gget /graph/stats
	body '.basic_stats.total_nodes == 2 and .basic_stats.total_relationships == 1'
}

@test "a viewer reads the graph but may not change it (403); no token is 401" {
	local a tv
	a=$(entity Person '{"name":"Ada"}')
	mkuser default viewer vic
	tv=$(mktoken default vic)
	gget "/graph/entities/$a" "$tv"
	expect 200
	gget /graph/stats "$tv"
	expect 200
	gpost /graph/entities '{"entity_type":"Person","properties":{"name":"Vic"}}' "$tv"
	refused 403 forbidden
	gpost /graph/relationships "{\"from_entity_id\":\"$a\",\"to_entity_id\":\"$a\"}" "$tv"
	refused 403 forbidden
	gpost /knowledge-graph/update '{"id":"1","title":"T","type":"x"}' "$tv"
	refused 403 forbidden
	hreq "$URL/graph/stats"
	refused 401 unauthorized
	gget /graph/stats
	body '.basic_stats.total_nodes == 1'
}

@test "the graph's reads leave every database file unchanged" {
	local a b before after path
	a=$(entity Person '{"name":"Ada"}')
	b=$(entity Organization '{"name":"Society"}')
	relate "$a" "$b" WORKS_FOR >/dev/null
	gget /graph/stats
	expect 200
	before=$(find "$T/db" -type f \( -name '*.db' -o -name '*.db-wal' \) -print0 |
	    LC_ALL=C sort -z | xargs -0 sha1sum)
	for path in "/graph/entities/$a" "/graph/entities/$a/relationships" \
	    '/graph/search?q=Ada' "/graph/visualize?center_entity_id=$a" \
	    /graph/visualize /graph/stats "/graph/insights/$a" /knowledge-graph; do
		gget "$path"
		expect 200
	done
	after=$(find "$T/db" -type f \( -name '*.db' -o -name '*.db-wal' \) -print0 |
	    LC_ALL=C sort -z | xargs -0 sha1sum)
	assert_equal "$after" "$before"
}

@test "pake's own graph routes: neighbours, links, path, context, dangling, summary, the memory file in and out" {
	printf 'See [[Two]] and [[Missing]].\n' | pake-note add --title One >/dev/null
	printf 'Back to [[One]].\n- works_at [[Acme]]\n' | pake-note add --title Two >/dev/null
	gget '/graph/neighbors?node=One&depth=2' && expect 200
	body '([.nodes[].name] | sort) == ["One","Two"] and .center.name == "One"'
	gget '/graph/links?node=One&direction=out' && expect 200
	body '[.links[] | [.to, .node.name]] == [["Two","Two"],["Missing",null]]'
	gget '/graph/path?from=One&to=Two' && expect 200
	body '.found and .length == 1'
	gget '/graph/context?node=Two' && expect 200
	body '.note.title == "Two" and ([.backlinks[].node.name] == ["One"])'
	gget '/graph/dangling' && expect 200
	body '([.links[].to] | sort) == ["Acme","Missing"]'
	gget '/graph/summary' && expect 200
	body '.notes == 2 and .relations == 4 and .dangling == 2'
	gpost /graph/memory "$(jq -cn '{jsonl: "{\"type\":\"entity\",\"name\":\"Acme\",\"entityType\":\"org\",\"observations\":[\"makes things\"]}"}')" &&
	    expect 200
	body '.entities == 1'
	gget '/graph/dangling' && expect 200
	body '[.links[].to] == ["Missing"]'
	gget /graph/memory && expect 200
	body '.jsonl == "{\"type\":\"entity\",\"name\":\"Acme\",\"entityType\":\"org\",\"observations\":[\"makes things\"]}"'
	gget '/graph/neighbors?node=Nobody' && refused 404 not_found
	gget '/graph/neighbors?node=One&depth=9' && refused 400 invalid_params
	gget '/graph/neighbors?node=One&bogus=1' && refused 400 invalid_params
}

@test "GET /notes/{id}/related: the note's related notes over HTTP (after a refit); before one, 404" {
	a=$(printf 'Stars planets galaxy telescope orbit.\n' | pake-note add --title A)
	printf 'Galaxy stars telescope nebula orbit.\n' | pake-note add --title B >/dev/null
	printf 'Bread flour oven yeast dough.\n' | pake-note add --title C >/dev/null
	gget "/notes/$a/related" && refused 404 not_found
	pake-analyze refit >/dev/null 2>&1
	gget "/notes/$a/related?limit=1" && expect 200
	body --arg a "$a" '.pake_id == $a and (.related | length) == 1 and .related[0].title == "B"'
	gget "/notes/$a/related?limit=0" && refused 400 invalid_params
}
