#!/bin/sh
# deps.sh: install the Debian packages pake needs to build and test, when
# any is missing.  Run by "make check"; safe to run again.
set -eu

PKGS="build-essential pkg-config libsqlite3-dev libcjson-dev libyaml-dev
libsodium-dev libsystemd-dev libcmark-dev libcurl4-openssl-dev libxml2-dev
sqlite3 bats bats-assert bats-support bats-file curl socat
jq systemd python3 mandoc faketime patch clang libclang-rt-14-dev
liblapacke-dev libopenblas-dev python3-jsonschema chromium gzip"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
# Node.js (for the MCP client tests, the dashboard's libraries at build
# time and its browser tests) may come from elsewhere than Debian.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
[ -z "$missing" ] && exit 0

echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
