#!/bin/sh
# quality-data.sh: real text with known categories for bench/quality.c:
# Debian package descriptions labelled by their archive section.
#
#   sh bench/quality-data.sh OUT.tsv
#
# Source: Debian 12 "bookworm", component main, from deb.debian.org through
# apt: the Packages index (amd64: Package, Source, Section,
# Description-md5) joined on Description-md5 with Translation-en (the long
# descriptions; this machine's apt is set not to fetch translations).  An
# `apt-get update` into a private lists directory under a temporary folder
# fetches both; the system's lists, caches and configuration are left as
# they are.
#
# Selection, deterministic from the indexes:
# - the sections in SECTIONS below (topical ones: games, science, ...;
#   not libs, devel, python, doc, ..., which say what a package is built
#   with rather than what it is about);
# - one package per description (Description-md5: -dev/-doc/-data
#   siblings often share one) and one per source package (siblings that
#   reword one text: 0ad, 0ad-data, ...), the one named as its source when
#   there is one, else the first by name;
# - long descriptions of at least MINWORDS (25) words;
# - at most PER (300) a section: sorted by package name, every k-th, k =
#   ceil(count / 300).
# Out: one line a package, TAB separated: section, package, short
# description, long description (its lines joined by spaces, the " ."
# paragraph marks dropped).  OUT is written only when all went well (a
# cache: bench/run.sh keeps it in the build directory); a failure says
# why on stderr and exits non-zero.
set -eu

[ $# -eq 1 ] || { echo "usage: sh bench/quality-data.sh OUT.tsv" >&2; exit 64; }
OUT=$1
SECTIONS="games science math sound graphics web mail database electronics hamradio editors fonts"
PER=300
MINWORDS=25
SRC=/etc/apt/sources.list.d/debian.sources

command -v apt-get >/dev/null 2>&1 || { echo "quality-data: no apt-get (Debian's indexes come through apt)" >&2; exit 69; }
[ -f "$SRC" ] || { echo "quality-data: no $SRC (the deb822 sources of deb.debian.org)" >&2; exit 69; }
H=/usr/lib/apt/apt-helper
[ -x "$H" ] || { echo "quality-data: no $H (it decompresses the indexes)" >&2; exit 69; }

W=$(mktemp -d "${TMPDIR:-/tmp}/pake-quality.XXXXXX")
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$W/lists/partial" "$W/cache/archives/partial"
# apt downloads as _apt when run by root: it must be able to write there.
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
	chown -R _apt "$W/lists" 2>/dev/null || true
	chmod 755 "$W"
fi

if ! apt-get -q \
    -o Dir::State::Lists="$W/lists" \
    -o Dir::Cache="$W/cache" \
    -o Dir::Etc::sourcelist="$SRC" \
    -o Dir::Etc::sourceparts=/nonexistent \
    -o Acquire::Languages=en \
    -o APT::Get::List-Cleanup=false \
    -o Debug::NoLocking=true \
    update >"$W/update.log" 2>&1; then
	echo "quality-data: apt-get update failed (offline?):" >&2
	tail -n 5 "$W/update.log" >&2
	exit 69
fi
P=$(find "$W/lists" -name '*_debian_dists_bookworm_main_binary-amd64_Packages*' | head -n 1)
T=$(find "$W/lists" -name '*_debian_dists_bookworm_main_i18n_Translation-en*' | head -n 1)
if [ -z "$P" ] || [ -z "$T" ]; then
	# apt-get update exits 0 when a source cannot be reached: its
	# warnings say why
	echo "quality-data: bookworm main Packages or Translation-en not fetched (offline?):" >&2
	grep -A 1 -E '^(W|E|Err):' "$W/update.log" | head -n 2 >&2 || tail -n 3 "$W/update.log" >&2
	exit 69
fi
"$H" cat-file "$P" >"$W/Packages"
"$H" cat-file "$T" >"$W/Translation"

# Packages: one line a package of a chosen section: md5 package source
# section.
awk -v secs="$SECTIONS" '
BEGIN { n = split(secs, s, " "); for (i = 1; i <= n; i++) want[s[i]] = 1 }
function flush() {
	if (pkg != "" && md5 != "" && (sec in want))
		print md5 "\t" pkg "\t" (src != "" ? src : pkg) "\t" sec
	pkg = src = sec = md5 = ""
}
/^$/ { flush(); next }
/^Package: / { pkg = substr($0, 10) }
/^Source: / { src = substr($0, 9); sub(/ .*/, "", src) }
/^Section: / { sec = substr($0, 10) }
/^Description-md5: / { md5 = substr($0, 18) }
END { flush() }' "$W/Packages" | sort -t "$(printf '\t')" -k2,2 >"$W/pkgs"

# Translation-en: md5 short long (first record of each md5).
awk '
function flush() {
	if (md5 != "" && !(md5 in seen)) {
		seen[md5] = 1
		gsub(/\t/, " ", short); gsub(/\t/, " ", long)
		print md5 "\t" short "\t" long
	}
	md5 = short = long = ""; indesc = 0
}
/^$/ { flush(); next }
/^Description-md5: / { md5 = substr($0, 18); next }
/^Description-en: / { short = substr($0, 17); indesc = 1; next }
/^ / && indesc {
	line = substr($0, 2)
	if (line == ".") next
	long = long (long == "" ? "" : " ") line
	next
}
/^[^ ]/ { indesc = 0 }
END { flush() }' "$W/Translation" >"$W/descs"

# Join, dedupe, filter, sample.
awk -F '\t' -v per="$PER" -v minw="$MINWORDS" '
NR == FNR { short[$1] = $2; long[$1] = $3; next }
{
	md5 = $1; pkg = $2; src = $3; sec = $4
	if (!(md5 in long) || (md5 in used))
		next
	if (split(long[md5], w, /[ ]+/) < minw)
		next
	# one per source: the package named as the source wins over the
	# first by name (input is sorted by name)
	if (src in bysrc) {
		if (pkg != src)
			next
		old = bysrc[src]
		keep[old] = 0
	}
	used[md5] = 1
	bysrc[src] = FNR
	keep[FNR] = 1
	line[FNR] = sec "\t" pkg "\t" short[md5] "\t" long[md5]
	order[++n] = FNR
	secof[FNR] = sec
}
END {
	for (i = 1; i <= n; i++)
		if (keep[order[i]])
			cnt[secof[order[i]]]++
	for (i = 1; i <= n; i++) {
		r = order[i]
		if (!keep[r])
			continue
		s = secof[r]
		k = int((cnt[s] + per - 1) / per)
		if ((idx[s]++ % k) == 0 && taken[s] < per) {
			taken[s]++
			print line[r]
		}
	}
}' "$W/descs" "$W/pkgs" | sort -t "$(printf '\t')" -k1,1 -k2,2 >"$W/out.tsv"

if [ ! -s "$W/out.tsv" ]; then
	echo "quality-data: no descriptions selected" >&2
	exit 70
fi
cut -f 1 "$W/out.tsv" | uniq -c | awk '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1 } END { print "" }' >&2
mv "$W/out.tsv" "$OUT.tmp.$$" && mv "$OUT.tmp.$$" "$OUT"
