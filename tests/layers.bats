#!/usr/bin/env bats
# layers.bats: scripts/layers.sh, the architecture check of "make check", run
# on a tiny fake tree (lib/ include/pake/ bin/) under $BATS_TEST_TMPDIR so
# each rule is shown passing and failing whatever the real tree holds.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	pake_setup
	TREE=$BATS_TEST_TMPDIR/tree
	mkdir -p "$TREE/lib" "$TREE/bin" "$TREE/include/pake"
	# A clean tree: the db layer may use SQLite; a domain module and a
	# front above it; a tool.  db.c -> db_int.h -> db.h is the companion
	# pattern (db_int.h has no .c), not a cycle.
	put include/pake/err.h '/* errors */'
	put include/pake/db.h '#include "err.h"'
	put include/pake/db_int.h '#include <sqlite3.h>' '#include "db.h"'
	put lib/db.c '#include <sqlite3.h>' '#include "pake/db_int.h"' \
	    'int n(sqlite3 *h) { return sqlite3_exec(h, "PRAGMA user_version", 0, 0, 0) == SQLITE_OK; }'
	put include/pake/note.h '#include "db.h"'
	put lib/note.c '#include "pake/note.h"' 'static const char *m = "Select a tenant";'
	put include/pake/http.h '#include "db.h"'
	put lib/http.c '#include "pake/http.h"'
	put bin/x.c '#include "pake/note.h"' '#include "pake/http.h"' 'int main(void) { return 0; }'
}

# put FILE LINE...: write FILE under the tree, one argument a line.
put() {
	local f=$TREE/$1
	shift
	printf '%s\n' "$@" >"$f"
}

layers() { run sh "$REPO_DIR/scripts/layers.sh" "$TREE"; }

@test "layers: a clean tree passes, silently" {
	layers
	assert_success
	assert_output ""
}

@test "layers: a sqlite3_exec call in lib/ fails naming the file and line" {
	put lib/foo.c '#include "pake/db.h"' '' 'int f(void *h) { return sqlite3_exec(h, 0, 0, 0, 0); }'
	layers
	assert_failure 1
	assert_output "lib/foo.c:3: uses sqlite3_exec outside the db layer"
}

@test "layers: sqlite3.h included outside the db layer fails" {
	put lib/foo.c '#include <sqlite3.h>'
	layers
	assert_failure 1
	assert_output --partial "lib/foo.c:1: includes sqlite3.h"
}

@test "layers: an SQL string literal in bin/ fails, also split over literals" {
	put bin/x.c 'int main(void) {' \
	    '	const char *q = "select id from notes where pake_id = ?";' \
	    '	const char *r = "SELECT title "' \
	    '	    /* between the halves */ "FROM notes";' \
	    '	return 0; }'
	layers
	assert_failure 1
	assert_line "bin/x.c:2: SQL in a string literal (SELECT ... FROM)"
	assert_line "bin/x.c:3: SQL in a string literal (SELECT ... FROM)"
}

@test "layers: the same SQL inside comments passes" {
	put bin/x.c '/* "select id from notes where pake_id = ?" */' \
	    '// "DELETE FROM notes"' \
	    'int main(void) { return 0; } /* select the best' \
	    '   "PRAGMA foreign_keys=ON" */'
	layers
	assert_success
	assert_output ""
}

@test "layers: English in strings passes" {
	put lib/foo.c 'const char *a = "Select a tenant", *b = "Create a tenant",' \
	    '    *c = "delete a note", *d = "Update a note", *e = "vacuum",' \
	    '    *f = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";' \
	    "char q = '\"'; const char *g = \"cannot begin\";"
	layers
	assert_success
	assert_output ""
}

@test "layers: an include cycle a.c -> b.h, b.c -> a.h fails and prints it" {
	put include/pake/a.h '/* a */'
	put include/pake/b.h '/* b */'
	put lib/a.c '#include "pake/a.h"' '#include "pake/b.h"'
	put lib/b.c '#include "pake/b.h"' '#include "pake/a.h"'
	layers
	assert_failure 1
	assert_output --partial "include cycle a -> b -> a (lib/a.c:2, lib/b.c:2)"
}

@test "layers: a cycle through headers is found too" {
	put include/pake/a.h '#include "b.h"'
	put include/pake/b.h '#include "pake/a.h"'
	layers
	assert_failure 1
	assert_output --partial "include cycle a -> b -> a"
}

@test "layers: lib/db_x.c may use SQL and SQLite" {
	put lib/db_x.c '#include "pake/db_int.h"' \
	    'int g(sqlite3 *h) { return sqlite3_exec(h, "DELETE FROM notes", 0, 0, 0); }' \
	    'static const char *s = "SELECT id FROM notes";'
	layers
	assert_success
	assert_output ""
}

@test "layers: a domain file including a front's header fails" {
	put lib/note.c '#include "pake/note.h"' '#include "pake/http.h"'
	layers
	assert_failure 1
	assert_output "lib/note.c:2: domain file includes the http front (pake/http.h)"
}

@test "layers: a note row written outside lib/store.c fails; store.c may" {
	put lib/import.c '#include "pake/db.h"' '' \
	    'int f(void *d, void *n, void *e) { return pake_db_note_insert(d, n, e); }'
	layers
	assert_failure 1
	assert_output "lib/import.c:3: writes a note row (pake_db_note_insert) outside the one write path, lib/store.c"
	rm "$TREE/lib/import.c"
	put lib/store.c '#include "pake/db.h"' \
	    'int f(void *d, void *n, void *e) { return pake_db_note_update(d, n, e); }'
	layers
	assert_success
}
