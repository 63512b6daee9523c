# helpers.bash: common setup for the bats suite (load it from every .bats file).
#
# Every test runs the tools found in $PAKE_BUILD/bin (default: build/ beside
# this folder) against its own fresh database, vault and configuration inside
# $BATS_TEST_TMPDIR, so tests are independent and may run in any order.
#
#   T            the test's sandbox, $BATS_TEST_TMPDIR/t (bats keeps its own
#                files, e.g. for run --separate-stderr, in $BATS_TEST_TMPDIR)
#   PAKE_DB      $T/db/pake.db        (not created: the tools create it)
#   PAKE_VAULT   $T/vault
#   PAKE_CONFIG  $T/pake.conf         (an empty file)
#   HOME         $T/home
#
# Standard input is /dev/null for the whole test: pake-note add reads its body
# from stdin when stdin is not a terminal, so a test gives a body explicitly.

TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$TESTS_DIR/.." && pwd)"
: "${PAKE_BUILD:=$REPO_DIR/build}"
PAKE_BUILD="$(cd "$PAKE_BUILD" 2>/dev/null && pwd || echo "$PAKE_BUILD")"
export PAKE_BUILD
case ":$PATH:" in
*":$PAKE_BUILD/bin:"*) ;;
*) PATH="$PAKE_BUILD/bin:$PATH" ;;
esac
export PATH

# bats-support, bats-assert, bats-file: wherever the system put them.
for _lib in bats-support bats-assert bats-file; do
	for _dir in "$TESTS_DIR/lib" /usr/lib/bats /usr/local/lib/bats \
	    /usr/share/bats /usr/local/share/bats "${BATS_LIB_PATH:-/nonexistent}"; do
		if [ -f "$_dir/$_lib/load.bash" ]; then
			load "$_dir/$_lib/load"
			break
		fi
	done
done
unset _lib _dir

UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
MISSING_ID=00000000-0000-4000-8000-000000000000

# Fresh, isolated environment for one test.  Call from setup().
pake_setup() {
	T="$BATS_TEST_TMPDIR/t"
	mkdir -p "$T"
	export T
	mkdir -p "$T/home"
	export HOME="$T/home"
	export PAKE_DB="$T/db/pake.db"
	export PAKE_VAULT="$T/vault"
	export PAKE_CONFIG="$T/pake.conf"
	: >"$PAKE_CONFIG"
	unset PAKE_TENANT PAKE_TOKEN PAKE_LOG_LEVEL PAKE_LOG_FORMAT \
	    PAKE_TENANTS_DIR PAKE_BUSY_TIMEOUT_MS PAKE_MAX_NOTE_BYTES \
	    XDG_DATA_HOME XDG_CONFIG_HOME STATE_DIRECTORY JOURNAL_STREAM \
	    NOTIFY_SOCKET LISTEN_FDS LISTEN_PID
	export LC_ALL=C.UTF-8
	export TZ=UTC
	cd "$T" || return 1
	exec </dev/null
	[ -x "$PAKE_BUILD/bin/pake-note" ] ||
	    fail "no pake-note in $PAKE_BUILD/bin (run make, or set PAKE_BUILD)"
	# Only pake-db init makes a database; every test starts with one.
	"$PAKE_BUILD/bin/pake-db" init >/dev/null
}

# at MS CMD...: run CMD (a program or a function) with the wall clock
# stopped at MS milliseconds since the epoch: libfaketime, preloaded; the
# monotonic clock stays real, so timeouts still pass.  pake has no
# test-only clock of its own.
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
at() {
	local ms=$1
	shift
	[ -n "$FAKETIME_LIB" ] || { echo "at: no libfaketime (apt-get install faketime)" >&2; return 1; }
	# Run a program, not a shell with a pipeline: libfaketime 0.9.10
	# shares a semaphore from a process with its children, and a forked
	# child (a pipeline's subshell) destroys it as it exits, so a sibling
	# starting later is ended with status 1.  Feed input with <<<.
	FAKETIME_FMT=%s \
	    FAKETIME="$((ms / 1000)).$(printf %03d $((ms % 1000)))" \
	    DONT_FAKE_MONOTONIC=1 LD_PRELOAD="$FAKETIME_LIB" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}

# db_init DB: make the database DB (another one than the test's own).
db_init() { PAKE_DB=$1 "$PAKE_BUILD/bin/pake-db" init >/dev/null; }

# require_tool NAME: fail clearly when a tool is not built.
require_tool() {
	local t
	for t in "$@"; do
		[ -x "$PAKE_BUILD/bin/$t" ] || { fail "$t is not built in $PAKE_BUILD/bin"; return 1; }
	done
}

# add_note TITLE [pake-note add flags...]: add a note with an empty body
# (or --file F), print its id.
add_note() {
	local title=$1
	shift
	pake-note add --title "$title" "$@" </dev/null
}

# add_body TITLE BODY [flags...]: add a note whose body is exactly BODY.
add_body() {
	local title=$1 body=$2
	shift 2
	printf '%s' "$body" | pake-note add --title "$title" "$@"
}

# note_json ID: the note object.
note_json() { pake-note get --json "$1"; }

# note_field ID JQ-FILTER: one value of the note, raw (e.g. .metadata.status).
note_field() { pake-note get --json "$1" | jq -r "$2"; }

# note_content ID: the body exactly as stored (no added newline).
note_content() { pake-note get --json "$1" | jq -j .content; }

# note_count: notes in the database, from pake-db stats.
note_count() { pake-db stats --json | jq -r .notes; }

# vault_file ID: absolute path of the note's vault file.
vault_file() { printf '%s/%s\n' "$PAKE_VAULT" "$(note_field "$1" .file_path)"; }

# body_of FILE: the markdown after the frontmatter of FILE, byte for byte.
body_of() {
	perl -0777 -ne 'if (/\A---\r?\n.*?\r?\n---\r?\n(.*)\z/s) { print $1 } else { print }' "$1"
}

# fm_of FILE: the frontmatter lines of FILE (between the fences).
fm_of() {
	perl -0777 -ne 'print $1 if /\A---\r?\n(.*?\r?\n)---\r?\n/s' "$1"
}

# md_files [DIR]: the .md files under DIR (default the vault), sorted.
md_files() {
	local d=${1:-$PAKE_VAULT}
	[ -d "$d" ] || return 0
	find "$d" -name '*.md' -type f | LC_ALL=C sort
}

# md_count [DIR]
md_count() { md_files "$@" | wc -l | tr -d ' '; }

# snapshot: every path under $T except the database's own files, with size,
# so "nothing written" can be checked by comparing two snapshots.
snapshot() {
	(cd "$T" && find . ! -name 'pake.db*' ! -path ./db ! -path . \
	    ! -path './db/pake.db-stores*' \
	    -printf '%p %y %s\n' | LC_ALL=C sort)
}

# json_ids: the pake_id of each element of .notes or .results on stdin, sorted.
json_ids() { jq -r '(.notes // .results)[] | .pake_id' | LC_ALL=C sort; }

# sorted LINES...: the arguments one per line, sorted (for comparing id sets).
sorted() { printf '%s\n' "$@" | LC_ALL=C sort; }

# no_error_text TEXT: fail when TEXT looks like an error (not a "no match").
assert_no_error_text() {
	if printf '%s' "$1" | grep -Eiq 'error|syntax|fts5|invalid|malformed|usage|unterminated|sqlite'; then
		fail "unexpected error text: $1"
	fi
}

# Without bats-support, still fail with a message.
declare -F fail >/dev/null || fail() { printf '%s\n' "$*" >&2; return 1; }

# json_check [jq options] FILTER: the JSON on stdin satisfies FILTER.  (jq -e
# alone passes on empty input, so a silent tool would pass; this does not.)
json_check() {
	local in
	in=$(cat)
	[ -n "$in" ] || { fail "no output where JSON was expected (jq $*)"; return 1; }
	printf '%s\n' "$in" | jq -e "$@" >/dev/null || { fail "JSON check failed: jq $*: $in"; return 1; }
}
