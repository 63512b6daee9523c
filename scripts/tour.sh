#!/bin/sh
# tour.sh: the five-minute tour of README.md, run for real.
#
#   sh scripts/tour.sh [BUILD]     (make tour passes the build folder)
#
# Uses the tools in BUILD/bin (default build/bin) against a fresh database
# and vault in a temporary folder, removed at exit.  Every command is
# printed as "$ command" before it runs.  Exits non-zero as soon as any step
# does not do what the tour says it does (where the shell has pipefail,
# also when the first command of a pipeline fails).
#
# shellcheck disable=SC2016  # the steps are single-quoted on purpose
set -eu
# shellcheck disable=SC3040
(set -o pipefail) 2>/dev/null && set -o pipefail

build=${1:-build}
if [ ! -x "$build/bin/pake-note" ]; then
	echo "tour: no tools in $build/bin; run 'make' first" >&2
	exit 69
fi
bin=$(cd "$build/bin" && pwd)
PATH=$bin:$PATH
export PATH

T=$(mktemp -d "${TMPDIR:-/tmp}/pake-tour.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Nothing from the caller's own setup may leak in: an empty configuration
# file instead of /etc/pake/pake.conf, and no PAKE_* settings.
: > "$T/pake.conf"
PAKE_CONFIG=$T/pake.conf
export PAKE_CONFIG
unset PAKE_DB PAKE_VAULT PAKE_TENANT PAKE_TOKEN PAKE_TENANTS_DIR PAKE_BUSY_TIMEOUT_MS \
    PAKE_MAX_NOTE_BYTES PAKE_LOG_LEVEL PAKE_LOG_FORMAT STATE_DIRECTORY

if [ -t 1 ]; then
	bold=$(printf '\033[1m') dim=$(printf '\033[2m') off=$(printf '\033[0m')
else
	bold='' dim='' off=''
fi

# say TEXT: a heading between steps.
say() {
	printf '\n%s# %s%s\n' "$dim" "$1" "$off"
}

# show CMD: print CMD with the temp folder written as $T.
show() {
	printf '%s$ %s%s\n' "$bold" "$1" "$off"
}

# step CMD: print CMD, run it; a failure ends the tour (set -e).
step() {
	show "$1"
	eval "$1" 2>&1
}

# keep VAR CMD: print VAR=$(CMD), run it, print the value kept.
keep() {
	show "$1=\$($2)"
	eval "$1=\$($2)"
	eval "printf '%s\n' \"\$$1\""
}

# fails STATUS CMD: CMD must exit with STATUS.
fails() {
	show "$2"
	rc=0
	eval "$2" 2>&1 || rc=$?
	if [ "$rc" -ne "$1" ]; then
		echo "tour: expected exit status $1, got $rc" >&2
		exit 1
	fi
	printf '%s(exit status %s, as expected)%s\n' "$dim" "$rc" "$off"
}

cd "$T"

say "A database and a vault of our own, in a temporary folder."
step 'export PAKE_DB=$T/pake.db PAKE_VAULT=$T/vault'
step 'pake-db init'

say "Add notes: the body comes from standard input or --file."
keep TCP 'printf "TCP keeps a byte stream in order.\nSee also [[UDP]].\n" | pake-note add --title "TCP/IP basics" --tag networking --tag tcp'
step 'cat > wal.md <<EOF
# Write-ahead logging

Readers never block the writer, and the writer never blocks readers.
A checkpoint copies the WAL back into the database file.
EOF'
keep WAL 'pake-note add --title "Why SQLite WAL mode" --type InsightNote --tag sqlite --confidence 0.9 --summary "Readers and one writer at once" --file wal.md'
step 'pake-note add --title "Standup 2026-01-31" --type DailyNote --tag journal </dev/null'

say "Read them back: markdown with frontmatter, or JSON."
step 'pake-note get "$WAL"'
step 'pake-note get --json "$TCP" | head -8'
step 'pake-note list'
step 'find vault -type f | sort'

say "Search: words, prefixes, phrases, OR, -exclusions, tag: and type:, filters."
step 'pake-search sqlite'
step 'pake-search check'
step 'pake-search "\"byte stream\""'
step 'pake-search tcp OR checkpoint'
step 'pake-search tcp OR readers -udp'
step 'pake-search tag:networking'
step 'pake-search --type InsightNote --min-confidence 0.8 readers'
step 'pake-search --any-tag journal --any-tag sqlite --ids'
step 'pake-search "C++ (don'"'"'t) AND *"'

say "Change a note, refuse a title that leaves the vault, remove a note."
step 'pake-note edit "$TCP" --status Verified --confidence 0.8 --tag networking --tag tcp --tag ip'
step 'pake-note get "$TCP" | sed -n "2,7p"'
fails 65 'pake-note add --title "../../etc/passwd" </dev/null'
step 'pake-note rm "$TCP"'
fails 66 'pake-note get "$TCP"'

say "Import an existing Obsidian vault."
step 'mkdir -p obsidian/.obsidian obsidian/Projects obsidian/Daily'
step 'printf "%s\n" "---" "tags:" "  - rust" "  - ownership" "---" "One mutable borrow or many shared ones." > "obsidian/Projects/Rust borrows.md"'
step 'printf "%s\n" "---" "title: Morning pages" "type: DailyNote" "tags: [journal, morning]" "mood: calm" "---" "Wrote three pages." > obsidian/Daily/2026-01-30.md'
step 'echo "No frontmatter, just text about fsync." > obsidian/Plain.md'
step 'printf "%s\n" "---" "title: [oops" "---" "body" > obsidian/Broken.md'
fails 65 'pake-vault import obsidian'
step 'rm obsidian/Broken.md'
step 'pake-vault import obsidian'
step 'pake-vault import --write-ids obsidian'
step 'head -3 obsidian/Plain.md'
step 'pake-search --type DailyNote'

say "Export every note, then check, repair and back up the database."
step 'pake-vault export $T/export'
step 'pake-db check'
step 'rm vault/00-Inbox/Plain.md'
fails 1 'pake-db check'
step 'pake-db check --repair'
step 'pake-db stats'
step 'pake-db backup $T/backup.db'
step 'pake-db --db $T/backup.db stats | sed -n "2,3p"'

say "Every tool through the front door, and one bad setting."
step 'pake help'
step 'pake search --ids borrow'
fails 78 'PAKE_LOG_LEVEL=loud pake-db stats'

printf '\n%sThe tour is over; %s is removed.%s\n' "$dim" "$T" "$off"
