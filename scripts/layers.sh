#!/bin/sh
# layers.sh [ROOT]: check the layer rules of ARCHITECTURE.md on the sources
# under ROOT (default: this repository).  Prints each violation as
# "file:line: reason" and exits 1 when there is any (2 on a usage error).
#
#   1. SQL stays in the db layer.  Only lib/db.c, lib/db_*.c and
#      include/pake/db_int.h may include sqlite3.h, name a sqlite3 / sqlite3_*
#      / SQLITE_* identifier or hold SQL in a string literal.  Everything else
#      in lib/, bin/ and include/pake/ goes through db.h, so the schema can
#      change in one place.
#   2. No include cycles between lib/ modules.  A module is a basename
#      (lib/auth.c + include/pake/auth.h = "auth"; db_int.h is "db_int"); a
#      file of module A including "pake/B.h" or "B.h" is an edge A -> B.
#      bin/ files are leaves and are not in the graph.  A header with no .c
#      of its own that lib/B.c includes is B's private companion (db_int.h
#      of db, ops.h of op): its own include of B.h is not an edge.
#   3. The domain does not know its fronts: a lib/ or include/pake/ file that
#      is not itself part of a front (http*, mcp, cli) includes none of
#      http.h, http_int.h, mcp.h, cli.h.  (Fronts may include each other:
#      http_api.c serves MCP over HTTP.)
#   4. One write path for notes: only lib/store.c (and the db layer that
#      defines them) calls pake_db_note_insert, _update or _delete, so
#      versions and conditional checks exist once (ARCHITECTURE.md §3).
#
# Comments are ignored.  SQL is recognised by its shape, case-insensitively,
# in a logical string (adjacent literals joined): SELECT .. FROM x, INSERT
# INTO x, UPDATE x SET, DELETE FROM x, CREATE/DROP TABLE|INDEX|VIEW|TRIGGER x,
# ALTER TABLE x, PRAGMA x, BEGIN IMMEDIATE.., ATTACH DATABASE; so "Select a
# tenant" or "delete a note" is prose.  A bare VACUUM, COMMIT or ROLLBACK
# counts only in capitals ("vacuum" is also a pake-db command).
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" 2>/dev/null || { echo "layers.sh: no directory $root" >&2; exit 2; }
set --
for f in lib/*.c lib/*.h include/pake/*.h bin/*.c bin/*.h; do
	[ -f "$f" ] && set -- "$@" "$f"
done
[ $# -gt 0 ] || { echo "layers.sh: no sources in $root" >&2; exit 2; }

exec awk '
function bad(where, why) { print where ": " why; nbad++ }

# A logical string ended: look for SQL in it.
function flush(   s, u, i) {
	if (!pending) return
	pending = 0
	if (dbfile) return
	s = pbuf; gsub(/\\[nrt]/, " ", s); gsub(/[ \t]+/, " ", s)
	sub(/^ /, "", s); sub(/ $/, "", s)
	u = toupper(s)
	for (i = 1; i <= npat; i++)
		if (u ~ PAT[i]) { bad(file ":" pline, "SQL in a string literal (" NAME[i] ")"); return }
	if (s ~ /(^|;) *(VACUUM|COMMIT|ROLLBACK)( INTO [^;]*)? *(;|$)/)
		bad(file ":" pline, "SQL in a string literal (VACUUM/COMMIT/ROLLBACK)")
}

# #include H on line FNR of the current file.
function include(h,   b, hf) {
	if (!dbfile && h ~ /(^|\/)sqlite3[a-z]*\.h$/)
		bad(file ":" FNR, "includes " h " outside the db layer")
	if (!node || h !~ /^(pake\/)?[A-Za-z0-9_]+\.h$/) return
	b = h; sub(/^pake\//, "", b); sub(/\.h$/, "", b)
	hf = (b ~ /^http(_int)?$/) ? "http" : (b == "mcp" || b == "cli") ? b : ""
	if (hf != "" && front == "")
		bad(file ":" FNR, "domain file includes the " hf " front (" h ")")
	if (file ~ /^lib\/[^\/]*\.c$/) cinc[mod, b] = 1
	if (b != mod && !((mod, b) in site)) { site[mod, b] = file ":" FNR; from[++ne] = mod; to[ne] = b }
}

function dfs(u,   a, n, k, v, i, j, cyc, at) {
	color[u] = 1; stk[++sp] = u
	n = split(adj[u], a, " ")
	for (k = 1; k <= n; k++) {
		v = a[k]
		if (color[v] == 1) {	# back edge: stk[i..sp] -> v is a cycle
			for (i = sp; stk[i] != v; i--) ;
			cyc = ""; at = ""
			for (j = i; j <= sp; j++) {
				cyc = cyc stk[j] " -> "
				at = at (j > i ? ", " : "") site[stk[j], (j < sp ? stk[j + 1] : v)]
			}
			bad(site[u, v], "include cycle " cyc v " (" at ")")
		} else if (!color[v])
			dfs(v)
	}
	sp--; color[u] = 2
}

BEGIN {
	W = "(^|[^A-Z0-9_])"	# start of a word
	ID = " +[A-Z_]"		# then an identifier
	P("SELECT ... FROM", W "SELECT[^A-Z0-9_].*[^A-Z0-9_]FROM" ID)
	P("INSERT INTO", W "(INSERT|REPLACE) +(OR +[A-Z]+ +)?INTO" ID)
	P("UPDATE ... SET", W "UPDATE +(OR +[A-Z]+ +)?[A-Z_][A-Z0-9_.]* +SET" ID)
	P("DELETE FROM", W "DELETE +FROM" ID)
	P("CREATE", W "CREATE +((UNIQUE|TEMP|TEMPORARY|VIRTUAL) +)?(TABLE|INDEX|VIEW|TRIGGER)" ID)
	P("DROP", W "DROP +(TABLE|INDEX|VIEW|TRIGGER)" ID)
	P("ALTER TABLE", W "ALTER +TABLE" ID)
	P("PRAGMA", W "PRAGMA" ID)
	P("BEGIN", W "BEGIN +(IMMEDIATE|EXCLUSIVE|DEFERRED|TRANSACTION)([^A-Z0-9_]|$)")
	P("ATTACH DATABASE", W "(ATTACH|DETACH) +DATABASE([^A-Z0-9_]|$)")
	sq = sprintf("%c", 39); CODE = "[/\"" sq "]"
}
function P(name, re) { NAME[++npat] = name; PAT[npat] = re }

FNR == 1 {
	flush()
	file = FILENAME; st = "code"
	dbfile = file ~ /^lib\/db(_[^\/]*)?\.c$/ || file == "include/pake/db_int.h"
	node = file ~ /^(lib\/[^\/]*\.c|include\/pake\/[^\/]*\.h)$/
	mod = file; sub(/^.*\//, "", mod); sub(/\.[ch]$/, "", mod)
	front = (mod ~ /^http/) ? "http" : (mod == "mcp" || mod == "cli") ? mod : ""
	if (node && !(mod in isnode)) { isnode[mod] = 1; nodes[++nn] = mod }
	if (file ~ /^lib\/[^\/]*\.c$/) hasc[mod] = 1
}

{
	line = $0; code = ""
	if (st == "code" && line ~ /^[ \t]*#[ \t]*include/ && match(line, /[<"][^>"]*[>"]/)) {
		flush()
		include(substr(line, RSTART + 1, RLENGTH - 2))
		line = substr(line, RSTART + RLENGTH)
	}
	while (line != "") {
		if (st == "cmt") {		# inside /* */
			if (!(i = index(line, "*/"))) break
			line = substr(line, i + 2); st = "code"; code = code " "
		} else if (st == "str") {	# inside "..."
			if (!match(line, /["\\]/)) { lit = lit line; break }
			if (substr(line, RSTART, 1) == "\\") {
				lit = lit substr(line, 1, RSTART + 1); line = substr(line, RSTART + 2)
				continue
			}
			lit = lit substr(line, 1, RSTART - 1); line = substr(line, RSTART + 1)
			if (!pending) { pending = 1; pbuf = ""; pline = sline }
			pbuf = pbuf " " lit; st = "code"; code = code "\"\""
		} else {			# code, up to the next / " or quote
			c = ""; pre = line; line = ""
			if (i = match(pre, CODE)) {
				c = substr(pre, i, 1); line = substr(pre, i + 1); pre = substr(pre, 1, i - 1)
			}
			if (pre ~ /[^ \t]/) flush()
			code = code pre
			if (c == "") break
			if (c == "\"") { st = "str"; lit = ""; sline = FNR }
			else if (c == sq) {	# character literal: skip it
				flush()
				if (substr(line, 1, 1) == "\\") line = substr(line, 3)
				line = (i = index(line, sq)) ? substr(line, i + 1) : ""
				code = code " "
			} else if (substr(line, 1, 1) == "*") { st = "cmt"; line = substr(line, 2) }
			else if (substr(line, 1, 1) == "/") line = ""
			else { flush(); code = code "/" }
			c = ""
		}
	}
	if (!dbfile && file != "lib/store.c" && file != "include/pake/db.h" &&
	    match(code, /(^|[^A-Za-z0-9_])pake_db_note_(insert|update|delete)[ \t]*\(/)) {
		id = substr(code, RSTART, RLENGTH); gsub(/[^A-Za-z0-9_]/, "", id)
		bad(file ":" FNR, "writes a note row (" id ") outside the one write path, lib/store.c")
	}
	if (!dbfile && match(code, /(^|[^A-Za-z0-9_])(sqlite3|sqlite3_[A-Za-z0-9_]+|SQLITE_[A-Za-z0-9_]+)([^A-Za-z0-9_]|$)/)) {
		id = substr(code, RSTART, RLENGTH); gsub(/[^A-Za-z0-9_]/, "", id)
		bad(file ":" FNR, "uses " id " outside the db layer")
	}
}

END {
	flush()
	for (k = 1; k <= ne; k++)
		if ((to[k] in isnode) && ((from[k] in hasc) || !((to[k], from[k]) in cinc)))
		    adj[from[k]] = adj[from[k]] " " to[k]
	for (k = 1; k <= nn; k++)
		if (!color[nodes[k]]) dfs(nodes[k])
	exit (nbad > 0)
}
' "$@"
