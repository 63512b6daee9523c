#!/usr/bin/env bats
# analyze.bats: summaries and keywords (issue 12, first part): the
# summarizer on a text written for the tests, with its exact output;
# hostile text (one word, no sentence ends, 10 MB, invalid UTF-8); the
# weights are the tenant's own (another tenant's notes change nothing);
# a note's summary saved as a version; the same operation through the
# CLI, HTTP (POST /summarize) and MCP (summarize_note).

bats_require_minimum_version 1.5.0
load helpers

CORAL="$BATS_TEST_DIRNAME/fixtures/text/coral.md"

setup() {
	pake_setup
	require_tool pake-analyze
}

# result ARGS...: the summary_result of pake-analyze summarize, without
# its processing time.
result() {
	pake-analyze summarize "$@" --json | jq -c '.summary_result | del(.metadata.processing_time_ms)'
}

@test "summarize: the exact summary, key points, keywords and abstract of a text written for the tests" {
	run result --file "$CORAL"
	[ "$status" -eq 0 ]
	[ "$output" = '{"extractive_summary":"Coral reefs cover less than one percent of the ocean floor, yet they shelter about a quarter of all marine species. The study found that reefs with more herbivorous fish recovered faster after bleaching events. Herbivorous fish keep algae from smothering recovering corals.","key_points":["Marine protected areas measurably speed recovery.","Bleaching is driven by heat stress above the seasonal maximum.","Where fishing was banned, fish populations doubled and reefs recovered 30% faster.","Rising sea temperatures cause coral bleaching, in which corals expel the algae that feed them.","The main result is that local protection buys time while global warming continues."],"abstract_summary":"This content focuses on coral reefs, herbivorous fish, bleaching. Key finding: Marine protected areas measurably speed recovery.","keywords":["coral reefs","herbivorous fish","bleaching","algae","corals","faster","fishing","marine","pressure","recovered"],"metadata":{"content_type":"general","word_count_original":121,"word_count_summary":43,"compression_ratio":0.355,"confidence_score":0.486,"generated_by":"pake summarizer 1"}}' ] ||
	    fail "got: $output"
	# The code block is not text: nothing of it anywhere.
	[[ "$output" != *"should not be summarised"* ]]
	run result --file "$CORAL" --sentences 1 --type academic
	[ "$(printf '%s' "$output" | jq -r .extractive_summary)" = "The study found that reefs with more herbivorous fish recovered faster after bleaching events." ]
	# The human form: the summary, then the lists.
	run pake-analyze summarize --file "$CORAL" --sentences 1
	[ "${lines[0]}" = "The study found that reefs with more herbivorous fish recovered faster after bleaching events." ]
	[ "${lines[1]}" = "Key points:" ]
}

@test "summarize: hostile text: one word, no sentence ends, 10 MB, invalid UTF-8, nothing" {
	printf 'Word.' >"$T/one.md"
	run result --file "$T/one.md"
	[ "$output" = '{"extractive_summary":"Content too short or empty for summarization.","key_points":[],"abstract_summary":"No meaningful content found for analysis.","keywords":[],"metadata":{"content_type":"general","word_count_original":1,"word_count_summary":0,"compression_ratio":0,"confidence_score":0,"generated_by":"pake summarizer 1"}}' ]
	# 10 MB without a sentence end: one sentence, quoted to 60 words.
	python3 -c "
import random
random.seed(1)
w = ['coral', 'reef', 'fish', 'ocean', 'heat', 'study', 'water', 'algae']
print(' '.join(random.choice(w) for _ in range(2000000)))" >"$T/big.md"
	[ "$(stat -c %s "$T/big.md")" -gt 10000000 ]
	head -c 10485760 "$T/big.md" >"$T/big10.md"
	run result --file "$T/big10.md"
	[ "$status" -eq 0 ]
	printf '%s' "$output" | json_check '.metadata.word_count_summary == 60
	    and (.extractive_summary | endswith("\u2026")) and (.keywords | length) > 0'
	run pake-analyze summarize --file "$T/big.md"
	[ "$status" -eq 64 ]
	printf '\xff\xfe not UTF-8' >"$T/bad.md"
	run pake-analyze summarize --file "$T/bad.md"
	[ "$status" -eq 65 ]
	: >"$T/empty.md"
	run pake-analyze summarize --file "$T/empty.md"
	[ "$status" -eq 65 ]
	printf '%s\n' 'Ελληνικά κείμενα εδώ. Русский текст тоже здесь. 中文的句子在这里。English words close the text with a sentence.' >"$T/mixed.md"
	result --file "$T/mixed.md" | json_check '.metadata.word_count_original > 10'
}

@test "summarize: weights are the tenant's own; another tenant's notes change nothing" {
	require_tool pake-tenant
	before=$(result --file "$CORAL")
	pake-tenant tenant create other >/dev/null
	for i in $(seq 1 20); do
		printf 'Coral reefs and herbivorous fish and bleaching, note %d.\n' "$i" |
		    PAKE_TENANT=other pake-note add --title "Other $i" >/dev/null
	done
	[ "$(result --file "$CORAL")" = "$before" ]
	# The same notes in this tenant make those words common here: they
	# weigh less, and the keywords change.
	for i in $(seq 1 20); do
		printf 'Coral reefs and herbivorous fish and bleaching, note %d.\n' "$i" |
		    pake-note add --title "Mine $i" >/dev/null
	done
	after=$(result --file "$CORAL")
	[ "$after" != "$before" ]
	PAKE_TENANT=other result --file "$CORAL" | jq -c .keywords >"$T/other"
	printf '%s' "$after" | jq -c .keywords >"$T/mine"
	cmp "$T/other" "$T/mine"
}

@test "summarize_note: a note's summary, saved as a new version; through HTTP and MCP the same" {
	id=$(pake-note add --title "Coral reefs" --file "$CORAL")
	run --separate-stderr pake-analyze summarize "$id" --sentences 1 --save
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "The study found that reefs with more herbivorous fish recovered faster after bleaching events." ] ||
	    fail "got: $output / $stderr"
	[[ "$stderr" == *"saved as the summary of $id (version 2)"* ]]
	[ "$(note_field "$id" .metadata.summary)" = "${lines[0]}" ]
	pake-note log "$id" --json | json_check '(.versions | length) == 2'
	# MCP: the tool gives the same result.
	printf '%s\n' "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"summarize_note\",\"arguments\":{\"pake_id\":\"$id\",\"target_sentences\":1},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}" |
	    pake-mcp | json_check '.result.structuredContent.summary_result.extractive_summary ==
	    "The study found that reefs with more herbivorous fish recovered faster after bleaching events."
	    and .result.structuredContent.saved == false'
	# The op the HTTP route calls (POST /summarize), through the registry.
	jq -Rs '{content: ., target_sentences: 1}' "$CORAL" | pake-op summarize |
	    json_check '.success == true and .summary_result.extractive_summary ==
	    "The study found that reefs with more herbivorous fish recovered faster after bleaching events."
	    and .metadata.service_version == "pake summarizer 1"'
	run pake-analyze summarize 00000000-0000-4000-8000-000000000000
	[ "$status" -eq 66 ]
	run pake-analyze summarize
	[ "$status" -eq 64 ]
	run pake-analyze summarize --file "$CORAL" --save
	[ "$status" -eq 64 ]
}

@test "summarize_analytics (GET /summarize/analytics): the summaries written, weighted by documents; reads record nothing" {
	pake-op summarize_analytics | json_check '.success and
	    .analytics == {"message": "No summarization history available"} and
	    (.timestamp | test("^20"))'
	id=$(pake-note add --title "Coral reefs" --file "$CORAL")
	# a summary only read records nothing
	jq -Rs '{content: .}' "$CORAL" | pake-op summarize >/dev/null
	pake-op summarize_note "{\"pake_id\":\"$id\"}" >/dev/null
	pake-op summarize_analytics | json_check '.analytics.message'
	pake-op summarize_note "{\"pake_id\":\"$id\",\"target_sentences\":1,\"save\":true}" >"$T/a.json"
	pake-op summarize_note "{\"pake_id\":\"$id\",\"target_sentences\":3,\"save\":true,\"content_type\":\"academic\"}" >"$T/b.json"
	local want
	want=$(jq -s '[.[].summary_result.metadata] |
	    {total_documents_processed: 2,
	     avg_compression_ratio: ((map(.compression_ratio) | add) / 2 * 1000 | round / 1000),
	     avg_confidence_score: ((map(.confidence_score) | add) / 2 * 1000 | round / 1000)}' \
	    "$T/a.json" "$T/b.json")
	pake-op summarize_analytics >"$T/an.json"
	jq --argjson w "$want" -e '.analytics.summarization_statistics as $s |
	    $s.total_documents_processed == $w.total_documents_processed and
	    $s.avg_compression_ratio == $w.avg_compression_ratio and
	    $s.avg_confidence_score == $w.avg_confidence_score and
	    ($s.avg_processing_time_ms | type) == "number" and
	    .analytics.content_types_distribution == {"general": 1, "academic": 1} and
	    .analytics.processing_history_batches == 2' "$T/an.json" >/dev/null ||
	    fail "$(cat "$T/an.json") want $want"
	# the newest 50 batches are kept, the newest 10 averaged
	for i in $(seq 55); do
		pake-op summarize_note "{\"pake_id\":\"$id\",\"save\":true,\"content_type\":\"web\"}" >/dev/null
	done
	pake-op summarize_analytics | json_check '.analytics.processing_history_batches == 50 and
	    .analytics.summarization_statistics.total_documents_processed == 10 and
	    .analytics.content_types_distribution == {"web": 10}'
}

@test "auto_tag (POST /ml/auto-tag): keywords as tags, the tenant's own tags first" {
	jq -Rs '{content: ., max_tags: 5}' "$CORAL" | pake-op auto_tag |
	    json_check '.tags == ["coral-reefs","herbivorous-fish","bleaching","algae","corals"]
	    and .existing == [] and .confidence == 0.5 and .method == "tfidf_keywords"'
	printf 'x\n' | pake-note add --title "Tagged" --tag bleaching --tag ocean >/dev/null
	jq -Rs '{content: ., max_tags: 5}' "$CORAL" | pake-op auto_tag |
	    json_check '.tags == ["bleaching","coral-reefs","herbivorous-fish","algae","corals"]
	    and .existing == ["bleaching"] and .confidence == 0.6'
	pake-op auto_tag '{"content":"Too short."}' | json_check '.tags == [] and .confidence == 0'
	run pake-op auto_tag '{"content":"x","max_tags":50}'
	[ "$status" -eq 65 ]
}

@test "extract_entities (POST /nlp/extract-entities): every kind, with offsets, on a text written for the tests" {
	ENT="$BATS_TEST_DIRNAME/fixtures/text/entities.txt"
	run sh -c "jq -Rs '{text: .}' '$ENT' | pake-op extract_entities | jq -c '[.entities[] | [.text, .entity_type, .mentions[0].start, .mentions[0].end, .confidence]]'"
	[ "$output" = '[["Dr. Jane Goodall","Person",0,16,0.8],["Ada Lovelace","Person",21,33,0.7],["Stanford University","Organization",37,56,0.75],["March 5, 2024","Date",60,73,0.9],["London","Location",77,83,0.7],["jane@example.org","Email",93,109,0.95],["https://example.org/paper.pdf","Url",117,146,0.95],["10.1038/nature12373","Doi",159,178,0.95],["arXiv:2101.00001v2","ArxivId",180,198,0.95],["PMID: 12345678","Pmid",203,217,0.95],["Acme Widgets Inc.","Organization",219,236,0.75],["$1,200.50","Money",242,251,0.85],["€5 million","Money",256,268,0.85],["12.5%","Percentage",281,286,0.9],["2024-03-05","Date",290,300,0.9],["University of Oxford","Organization",306,326,0.75]]' ] ||
	    fail "got: $output"
	# Offsets are bytes: the text at them is the mention.
	start=$(jq -Rs '{text: .}' "$ENT" | pake-op extract_entities | jq '.entities[] | select(.entity_type == "Doi") | .mentions[0].start')
	[ "$(tail -c +$((start + 1)) "$ENT" | head -c 19)" = "10.1038/nature12373" ]
	# Mentions of one entity are grouped, case ignored.
	pake-op extract_entities '{"text":"Write to Ada@Example.org or ada@example.org, in Paris."}' |
	    json_check '.count == 2 and (.entities[0].mentions | length) == 2 and .entities[1].text == "Paris"'
	pake-op extract_entities '{"text":"nothing to see here"}' | json_check '.count == 0'
	run pake-op extract_entities '{"text":""}'
	[ "$status" -eq 65 ]
}

@test "extract_metadata (POST /ml/extract-metadata): counts, language, entities, topics, sentiment" {
	ENT="$BATS_TEST_DIRNAME/fixtures/text/entities.txt"
	jq -Rs '{content: .}' "$ENT" | pake-op extract_metadata | json_check '
	    .basic_stats == {"word_count":46,"character_count":333,"line_count":2,"estimated_reading_time":0}
	    and .language == "en"
	    and .entities.dois == ["10.1038/nature12373"] and .entities.pmids == ["PMID: 12345678"]
	    and .entities.arxiv_ids == ["arXiv:2101.00001v2"] and .entities.places == ["London"]
	    and .entities.dates == ["March 5, 2024","2024-03-05"]
	    and .topics[0:3] == ["jane","university","acme"]
	    and .sentiment == {"score":0,"label":"neutral","positive":0,"negative":0}'
	pake-op extract_metadata '{"content":"A great and effective result, a strong success. Nothing bad."}' |
	    json_check '.sentiment.label == "positive" and .sentiment.positive == 4 and .sentiment.negative == 1'
	pake-op extract_metadata '{"content":"Ελληνικά κείμενα μόνο εδώ","include_entities":false,"include_topics":false,"include_sentiment":false}' |
	    json_check '.language == "unknown" and (has("entities") | not) and (has("topics") | not) and (has("sentiment") | not)'
}

@test "graph_process_document (POST /graph/process-document): the document, its entities, MENTIONS and AUTHOR_OF, deduplicated" {
	ENT="$BATS_TEST_DIRNAME/fixtures/text/entities.txt"
	jq -Rs '{title: "Chimpanzee study", content: ., authors: ["Jane Goodall", "Grace Hopper"]}' "$ENT" |
	    pake-op graph_process_document >"$T/first.json"
	json_check '[.entities_created[] | [.type, .name]] == [["Document","Chimpanzee study"],
	    ["Person","Jane Goodall"],["Person","Ada Lovelace"],["Organization","Stanford University"],
	    ["Location","London"],["Organization","Acme Widgets Inc."],["Organization","University of Oxford"],
	    ["Person","Grace Hopper"]]
	    and ([.relationships_created[] | .type] | group_by(.) | map([.[0], length])) == [["AUTHOR_OF",2],["MENTIONS",6]]' <"$T/first.json"
	# The graph has them: Jane Goodall is mentioned by and wrote the document.
	pake-op graph_links '{"node":"Jane Goodall"}' | json_check '
	    ([.links[] | [.type, .to]]) == [["AUTHOR_OF","Chimpanzee study"]]
	    and ([.backlinks[] | [.type, .from]]) == [["MENTIONS","Chimpanzee study"]]'
	# Again: nothing new.
	jq -Rs '{title: "Chimpanzee study", content: ., authors: ["Jane Goodall"]}' "$ENT" |
	    pake-op graph_process_document | json_check '.entities_created == [] and .relationships_created == []'
	run pake-op graph_process_document '{"content":"no title"}'
	[ "$status" -eq 65 ]
}

@test "analyze_text (POST /nlp/analyze-text): counts, reading ease, key phrases, sentiment words" {
	jq -Rs '{text: .}' "$CORAL" | pake-op analyze_text | json_check '
	    .success and .text_length == 855 and .analytics.word_count == 80
	    and .analytics.sentence_count == 11 and .analytics.avg_sentence_length == 7.27
	    and .analytics.readability_score == 26.47
	    and .analytics.key_phrases[0] == {"phrase":"coral reefs","score":100}
	    and (.analytics.key_phrases | length) == 10
	    and .analytics.sentiment_indicators == {"positive":0,"negative":0,"neutral":121}'
	pake-op analyze_text '{"text":"The cat sat. The dog ran."}' |
	    json_check '.analytics.sentence_count == 2 and .analytics.readability_score > 80'
	run pake-op analyze_text '{"text":""}'
	[ "$status" -eq 65 ]
}

@test "summarize: a near repeat of a chosen sentence is passed over (maximal marginal relevance)" {
	run result --file "$BATS_TEST_DIRNAME/fixtures/text/repeats.md" --sentences 2
	[ "$(printf '%s' "$output" | jq -r .extractive_summary)" = "Solar panels convert sunlight into electricity using photovoltaic cells made of silicon. Batteries store surplus energy so that homes keep power at night when panels are idle." ]
	[[ "$(printf '%s' "$output" | jq -r .extractive_summary)" != *"made from silicon"* ]]
}
