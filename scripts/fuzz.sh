#!/bin/sh
# fuzz.sh BUILD SECONDS [LIBFUZZER-FLAG...]: run every fuzz target built in
# BUILD/fuzz/ for SECONDS each, one after the other, on BUILD/corpus/NAME
# (the seeds of tests/fuzz/corpus/NAME copied in, plus whatever earlier
# runs found: tests/fuzz/ is never written).  Crashes go to
# BUILD/crashes/, each run's output to BUILD/fuzz-NAME.log.  FUZZ_TARGETS
# names a subset.  Exits non-zero when any target failed.
set -u
build=${1:?usage: fuzz.sh BUILD SECONDS [FLAG...]}
secs=${2:?usage: fuzz.sh BUILD SECONDS [FLAG...]}
shift 2
failed=""
mkdir -p "$build/crashes"
for bin in "$build"/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		case " $FUZZ_TARGETS " in *" $name "*) ;; *) continue ;; esac
	fi
	corpus=$build/corpus/$name
	mkdir -p "$corpus"
	cp tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
	# The vault target reads note files, as the frontmatter one does.
	dict=tests/fuzz/$name.dict
	[ "$name" = vault ] && dict=tests/fuzz/frontmatter.dict
	log=$build/fuzz-$name.log
	echo "fuzz: $name for ${secs}s" >&2
	if [ -f "$dict" ]; then
		"$bin" -max_total_time="$secs" -print_final_stats=1 \
		    -artifact_prefix="$build/crashes/$name-" -dict="$dict" \
		    "$@" "$corpus" >"$log" 2>&1
	else
		"$bin" -max_total_time="$secs" -print_final_stats=1 \
		    -artifact_prefix="$build/crashes/$name-" \
		    "$@" "$corpus" >"$log" 2>&1
	fi
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	echo "fuzz: $name: ${runs:-?} executions, ${speed:-?}/s, exit $rc" >&2
	if [ "$rc" -ne 0 ]; then
		failed="$failed $name"
		grep -E 'ERROR|SUMMARY|==[0-9]+==|Test unit written' "$log" |
		    head -20 >&2
	fi
done
[ -z "$failed" ] || { echo "fuzz: failed:$failed (see $build/fuzz-*.log)" >&2; exit 1; }
