#!/usr/bin/env bats
# unit.bats: the C unit tests in $PAKE_BUILD/test/ (built from tests/unit/*.c).
# Each prints "N passed, N failed" and exits 0 when everything passed.

bats_require_minimum_version 1.5.0
load helpers

setup() { pake_setup; }

@test "unit: there are unit test programs" {
	local n
	n=$(find "$PAKE_BUILD/test" -maxdepth 1 -type f -perm -u+x 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] || fail "no executables in $PAKE_BUILD/test"
}

@test "unit: every unit test program passes" {
	local t failed=() out rc summary
	for t in "$PAKE_BUILD"/test/*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		rc=0
		out=$("$t" 2>&1) || rc=$?
		summary=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
		if [ "$rc" -ne 0 ] || [ -z "$summary" ] ||
		    ! [[ "$summary" =~ ^[1-9][0-9]*\ passed,\ 0\ failed$ ]]; then
			failed+=("$(basename "$t") (exit $rc): ${summary:-no summary line}")
			printf '%s\n' "--- $(basename "$t")" "$out" | tail -40 >&2
		fi
	done
	[ "${#failed[@]}" -eq 0 ] || fail "failed: ${failed[*]}"
}
