#!/bin/sh
# run.sh: serve the pake JSON API on 127.0.0.1:8000 (make run).
#
#   sh scripts/run.sh [BUILD]     (make run passes $(CURDIR)/build)
#
# Builds nothing (make does).  Uses the default database, or the one named
# by $PAKE_DB or the configuration, creating it when it does not exist
# yet.  When the default tenant has no active administrator, prints the
# commands that make one and a token (it never invents a password).  Then
# it becomes pake-http, in the foreground, until Ctrl-C.
#
#   PAKE_HTTP_LISTEN=ADDR:PORT    listen elsewhere (default 127.0.0.1:8000)
set -eu

build=${1:-build}
if [ ! -x "$build/bin/pake-http" ]; then
	echo "run: no pake-http in $build/bin; run 'make' first" >&2
	exit 69
fi
bin=$(cd "$build/bin" && pwd)
listen=${PAKE_HTTP_LISTEN:-127.0.0.1:8000}
case $listen in
*:*) ;;
*) echo "run: PAKE_HTTP_LISTEN must be ADDR:PORT, not '$listen'" >&2; exit 64 ;;
esac
host=${listen%:*}
url="http://$host:${listen##*:}"

# The database (pake-db init leaves an existing one alone).
db=$("$bin/pake-db" init)
echo "run: database $db"

# An administrator to try the API with.
if ! "$bin/pake-tenant" user list 2>/dev/null |
    awk '($2 == "admin" || $2 == "super_admin") && $3 == "active" { found = 1 }
        END { exit !found }'; then
	cat <<EOF
run: no administrator yet.  To try the API, make one (it asks for a
run: password) and a token for it, in another terminal:

    $bin/pake-tenant user add --role admin admin
    TOKEN=\$($bin/pake-tenant token create --user admin)

EOF
else
	cat <<EOF
run: to make a token:  TOKEN=\$($bin/pake-tenant token create --user USERNAME)
EOF
fi
cat <<EOF
run: then, for example:

    curl $url/health
    curl -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
        -d '{"title":"Hello","content":"from curl"}' $url/notes
    curl -H "Authorization: Bearer \$TOKEN" '$url/notes?q=hello'

run: the dashboard: $url/dashboard (sign in as a user made above)
run: the API described: $url/docs
run: serving $url (man -l man/man1/pake-http.1); Ctrl-C stops it
EOF
exec "$bin/pake-http" --listen "$listen"
