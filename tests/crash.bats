#!/usr/bin/env bats
# crash.bats: must-show 6.  A writer killed with SIGKILL in the middle of a
# batch leaves a sound database (integrity_check ok), no half-written note,
# and a vault that agrees with the database after pake-db check --repair.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	pake_setup
	require_tool pake-vault pake-db
}

# gen_files DIR N: N markdown files g00001.md ... with known titles and bodies.
gen_files() {
	mkdir -p "$1"
	awk -v dir="$1" -v n="$2" 'BEGIN {
		for (i = 1; i <= n; i++) {
			f = sprintf("%s/g%05d.md", dir, i)
			printf "---\ntitle: Gen %05d\ntags: [gen, t%d]\n---\n", i, i % 7 > f
			for (j = 0; j < 20; j++)
				printf "Body of note %05d line %d with some words.\n", i, j > f
			close(f)
		}
	}'
}

# verify_db N: every note in the database is one of the N generated notes,
# complete: its title, tags and body exactly as generated.  Prints the count.
verify_db() {
	rm -rf "$T/verify"
	pake-vault export "$T/verify" >/dev/null || { fail "export failed"; return 1; }
	verify_dir "$T/verify" "$1"
}

# verify_dir DIR N: the same for the note files in DIR.
verify_dir() {
	local out=$1 n=$2
	perl -e '
		use strict; my ($dir, $n) = @ARGV; my ($count, %seen) = (0);
		open(my $fh, "-|", "find", $dir, "-name", "*.md", "-type", "f") or die;
		while (my $f = <$fh>) {
			chomp $f; local $/; open(my $in, "<", $f) or die "$f: $!";
			my $text = <$in>; close $in;
			$text =~ /\A---\n(.*?\n)---\n(.*)\z/s or die "$f: no frontmatter\n";
			my ($fm, $body) = ($1, $2);
			$fm =~ /^title: ["\x27]?Gen (\d{5})["\x27]?$/m or die "$f: bad title\n";
			my $i = $1 + 0;
			$i >= 1 && $i <= $n or die "$f: title out of range\n";
			die "$f: note $i twice\n" if $seen{$i}++;
			my $want = join("", map { sprintf("Body of note %05d line %d with some words.\n", $i, $_) } 0..19);
			$body eq $want or die "$f: body of note $i is not what was written\n";
			$fm =~ /^tags:.*gen/m or $fm =~ /^\s*-\s*gen\s*$/m or die "$f: tags of note $i lost\n";
			$count++;
		}
		print "$count\n";
	' "$out" "$n"
}

# import_killed DIR: pake-vault import DIR, killed with SIGKILL once its
# first batch is committed (its files appear in the vault), or after 0.3 s
# at the latest; fails unless it was killed mid-run.
import_killed() {
	local pid rc=0
	pake-vault import "$1" >"$T/import.out" 2>"$T/import.err" &
	pid=$!
	for _ in $(seq 30); do
		[ -n "$(find "$PAKE_VAULT" -name '*.md' -print -quit 2>/dev/null)" ] && break
		sleep 0.01
	done
	sleep 0.05
	kill -9 "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 137 ] || fail "import was not killed mid-run (exit $rc; make the corpus larger)"
}

@test "must-show 6: pake-vault import killed with SIGKILL mid-batch" {
	local n=4000
	gen_files "$T/src" "$n"
	import_killed "$T/src"

	run sqlite3 "$PAKE_DB" 'PRAGMA integrity_check'
	assert_success
	assert_output ok

	count=$(note_count)
	[ "$count" -lt "$n" ] || fail "all $n notes were in before the kill"
	run verify_db "$n"
	assert_success
	assert_output "$count"

	run --separate-stderr pake-db check --repair
	assert_success
	run --separate-stderr pake-db check
	assert_success
	assert_line "vault: ok"
	assert_equal "$(md_count)" "$count"

	# Importing again finishes the job without duplicates.
	run --separate-stderr pake-vault import --json "$T/src"
	assert_success
	assert_equal "$(note_count)" "$n"
	assert_equal "$(jq -r '.created + .unchanged + .updated' <<<"$output")" "$n"
	run --separate-stderr pake-db check
	assert_success
	# The vault agrees with the database, so its files show every note.
	run verify_dir "$PAKE_VAULT" "$n"
	assert_success
	assert_output "$n"
}

@test "issue 9: an import killed with SIGKILL and run again, without a repair, leaves every note with its file" {
	local n=4000
	gen_files "$T/src" "$n"
	import_killed "$T/src"
	# Until something finishes it, the drift shows.
	if [ "$(md_count)" -lt "$(note_count)" ]; then
		run --separate-stderr pake-db check
		assert_failure
	fi
	run --separate-stderr pake-vault import --json "$T/src"
	assert_success
	run --separate-stderr pake-db check
	assert_success
	assert_equal "$(md_count)" "$n"
}

@test "issue 9: a writer killed between its commit and its file: health reports it, the next writer finishes it" {
	local id f
	id=$(printf 'x\n' | pake-note add --title "Half written")
	f=$(vault_file "$id")
	# What a writer killed after its commit leaves: the note, no file, its
	# pending row (from two minutes ago).
	rm "$f"
	sqlite3 "$PAKE_DB-stores/default.db" "INSERT INTO vault_pending(pake_id, file_path, time_ms)
	    VALUES('$id', '${f#"$PAKE_VAULT"/}', $(( $(date +%s) * 1000 - 120000 )))"
	run --separate-stderr pake-health
	assert_equal "$status" 1
	assert_line --partial "pending: FAIL 1 waiting, 1 for over a minute"
	# The next writer to the tenant writes it.
	printf 'y\n' | pake-note add --title "Next writer" >/dev/null
	[ -f "$f" ] || fail "the next writer did not finish the file"
	run --separate-stderr pake-health
	assert_success
	run --separate-stderr pake-db check
	assert_success
}

@test "must-show 6: pake-note add writers killed with SIGKILL mid-write" {
	local i k=0
	# A body big enough that the kill lands inside the write now and then.
	yes 'crash body line with words' | head -c 1000000 >"$T/body"
	seed=$(pake-note add --title "Seed" --file "$T/body")
	for i in $(seq 20); do
		pake-note add --title "Victim $i" --tag victim --file "$T/body" >/dev/null 2>&1 &
		pid=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null && k=$((k + 1))
		wait "$pid" 2>/dev/null || true
	done
	[ "$k" -gt 0 ] || fail "no writer was killed"

	run sqlite3 "$PAKE_DB" 'PRAGMA integrity_check'
	assert_success
	assert_output ok

	# Every note that exists is whole: title set, body exactly the body.
	mapfile -t ids < <(pake-note list --json --limit 100 | jq -r '.notes[].pake_id')
	assert_equal "${#ids[@]}" "$(note_count)"
	for id in "${ids[@]}"; do
		[ -n "$(note_field "$id" .title)" ] || fail "$id has no title"
		note_content "$id" | cmp "$T/body" - || fail "$id: body is not whole"
	done

	run --separate-stderr pake-db check --repair
	assert_success
	run --separate-stderr pake-db check
	assert_success
	assert_equal "$(md_count)" "${#ids[@]}"
	# The database keeps working.
	id=$(pake-note add --title "After the crash" --file "$T/body")
	note_content "$id" | cmp "$T/body" -
	run --separate-stderr pake-db check
	assert_success
}
