#!/bin/sh
# test.sh BUILD: run the bats suite against the tools in BUILD/bin and end
# with one "N passed, N failed" line; exit non-zero when any test failed
# or bats itself did.
set -u
build=${1:?usage: test.sh BUILD}
log=$build/bats.log
mkdir -p "$build"
PAKE_BUILD=$build bats --timing tests/ </dev/null >"$log" 2>&1
rc=$?
cat "$log"
passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok ' "$log")
echo "$passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
