#!/usr/bin/env bats
# research.bats: research landing as notes (issue 13): a record saved as a
# SourceNote with its BibTeX and its authors in the graph, never twice
# (the same DOI, arXiv id, PMID or URL is one note, whichever source and
# whichever process saves it).

bats_require_minimum_version 1.5.0
load helpers

setup() {
	pake_setup
	require_tool pake-op pake-graph
}

ARXIV='{"source":"arxiv","title":"Attention Is All You Need","authors":["Ashish Vaswani","Noam Shazeer","Niki Parmar"],"abstract":"The dominant sequence transduction models are based on complex recurrent or convolutional neural networks.","published":"2017-06-12","arxiv_id":"1706.03762","arxiv_version":5,"categories":["cs.CL","cs.LG"],"primary_category":"cs.CL","doi":"10.48550/arXiv.1706.03762","url":"https://arxiv.org/abs/1706.03762"}'

save() { pake-op research_save "{\"record\":$1}"; }

@test "research_save: a SourceNote with its identifiers, BibTeX and abstract; the authors are entities it links to" {
	save "$ARXIV" >"$T/s.json"
	json_check '.created and (.file_path | startswith("00-Inbox/"))' <"$T/s.json"
	id=$(jq -r .pake_id "$T/s.json")
	note_json "$id" >"$T/n.json"
	json_check '.title == "Attention Is All You Need" and
	    .metadata.type == "SourceNote" and .metadata.tags == ["arxiv"] and
	    .metadata.source_uri == "arxiv:1706.03762" and
	    .metadata.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"] and
	    .metadata.published == "2017-06-12" and .metadata.arxiv_version == 5 and
	    .metadata.doi == "10.48550/arXiv.1706.03762" and
	    .metadata.primary_category == "cs.CL"' <"$T/n.json"
	[ "$(jq -r .metadata.bibtex "$T/n.json")" = '@misc{vaswani2017attention,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki},
  year = {2017},
  doi = {10.48550/arXiv.1706.03762},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
  primaryClass = {cs.CL},
  url = {https://arxiv.org/abs/1706.03762}
}' ] || fail "$(jq -r .metadata.bibtex "$T/n.json")"
	jq -r .content "$T/n.json" | grep -qx 'The dominant sequence transduction models are based on complex recurrent or convolutional neural networks.'
	pake-graph links "$id" --json | json_check '[.links[] | select(.type == "authored_by") | .to] ==
	    ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"] and
	    all(.links[] | select(.type == "authored_by"); .node.kind == "entity")'
	pake-op open_nodes '{"names":["Noam Shazeer"]}' | json_check '.entities[0].entityType == "person"'
	# searchable like any note
	pake-search --ids transduction | grep -qx "$id"
}

@test "research_save: never twice: the same paper again, from PubMed by its DOI in another case, or a note already holding it" {
	id=$(save "$ARXIV" | jq -r .pake_id)
	save "$ARXIV" | json_check --arg id "$id" '.created == false and .pake_id == $id'
	save '{"source":"pubmed","title":"Attention is all you need.","pmid":"99999999","doi":"10.48550/ARXIV.1706.03762","authors":["A Vaswani"]}' |
	    json_check --arg id "$id" '.created == false and .pake_id == $id'
	# the arXiv id with another version is the same paper
	save '{"source":"arxiv","title":"Attention v1","arxiv_id":"1706.03762","arxiv_version":1}' |
	    json_check --arg id "$id" '.created == false and .pake_id == $id'
	[ "$(note_count)" -eq 1 ]
	# a note written by hand with a doi in its frontmatter is found too
	printf -- '---\ntitle: My copy\ndoi: 10.1000/XYZ.1\n---\nNotes.\n' >"$PAKE_VAULT/mine.md"
	pake-vault import "$PAKE_VAULT" >/dev/null
	save '{"source":"web","title":"Landing page","doi":"10.1000/xyz.1","url":"https://example.org/x"}' |
	    json_check '.created == false'
	# a URL is one page whatever its host's case, fragment or final slash
	save '{"source":"web","title":"A page","url":"https://Example.ORG/a/b/"}' | json_check '.created'
	save '{"source":"web","title":"Again","url":"https://example.org/a/b#part"}' | json_check '.created == false'
	# once deleted, it may be saved again
	pake-note rm "$id" >/dev/null
	save "$ARXIV" | json_check '.created'
}

@test "research_save: two processes saving the same paper at once make one note" {
	local i
	for i in 1 2 3 4 5 6; do
		save "$ARXIV" >"$T/p$i.json" &
	done
	wait
	[ "$(note_count)" -eq 1 ]
	[ "$(cat "$T"/p*.json | jq -s '[.[] | select(.created)] | length')" -eq 1 ]
	[ "$(cat "$T"/p*.json | jq -rs '[.[].pake_id] | unique | length')" -eq 1 ]
}

@test "research_save: bad records are refused and write nothing" {
	run pake-op research_save '{"record":{"source":"arxiv"}}'
	[ "$status" -eq 65 ]
	run pake-op research_save '{"record":{"source":"gopher","title":"x"}}'
	[ "$status" -eq 65 ]
	run pake-op research_save "{\"record\":{\"source\":\"web\",\"title\":\"x\",\"authors\":$(jq -nc '[range(101)] | map(tostring)')}}"
	[ "$status" -eq 65 ]
	[ "$(note_count)" -eq 0 ]
	# a title that would leave the vault has its slashes made spaces
	save '{"source":"web","title":"/efont/ Unicode fonts","url":"https://example.org/efont"}' >"$T/s.json"
	json_check '.created' <"$T/s.json"
	[ "$(note_field "$(jq -r .pake_id "$T/s.json")" .title)" = " efont  Unicode fonts" ]
}

@test "pake-note export --bibtex: the notes named, or every note saved from research, as one .bib" {
	a=$(save "$ARXIV" | jq -r .pake_id)
	b=$(save '{"source":"pubmed","title":"Gut microbiota & obesity: 50% of {cases}","authors":["Jane Q. Smith","WHO"],"published":"2019-03","journal":"Nature Medicine","volume":"25","issue":"3","pages":"100-110","pmid":"30000001","doi":"10.1038/s41591-019-0001-1"}' | jq -r .pake_id)
	c=$(printf 'plain\n' | pake-note add --title "A plain note" --source https://example.org/p)
	run --separate-stderr pake-note export --bibtex "$b"
	[ "$status" -eq 0 ]
	[ "$output" = '@article{smith2019microbiota,
  title = {Gut microbiota \& obesity: 50\% of \{cases\}},
  author = {Smith, Jane Q. and WHO},
  year = {2019},
  journal = {Nature Medicine},
  volume = {25},
  number = {3},
  pages = {100-110},
  doi = {10.1038/s41591-019-0001-1},
  note = {PMID: 30000001}
}' ] || fail "$output"
	# every note saved from research, none other
	pake-note export --bibtex >"$T/all.bib"
	[ "$(grep -c '^@' "$T/all.bib")" -eq 2 ]
	grep -q '^@misc{vaswani2017attention,' "$T/all.bib"
	# a note without a saved entry gets one from its frontmatter
	pake-note export --bibtex "$c" | grep -qx '  url = {https://example.org/p}'
	pake-note export --bibtex --json "$a" "$c" | json_check '(.entries | length) == 2'
	run pake-note export --bibtex 00000000-0000-4000-8000-000000000000
	[ "$status" -eq 66 ]
	run pake-note export "$a"
	[ "$status" -eq 64 ]
}
