#!/bin/sh
# deps.sh: install the Debian packages the HTTP and WAL benchmarks need
# (wrk, nginx, and the tools bench/http.sh and wal.sh call) when any is
# missing.  Run by bench/run.sh before those parts; safe to run again.
#
# nginx is installed as a program only: its package would start and enable
# the system's nginx service, which must not happen (the benchmark starts
# its own nginx master with a private configuration on a free port and
# stops it at exit).  So the installation runs with a policy-rc.d that
# refuses every service start (exit 101, see invoke-rc.d(8)), unless one
# already exists, and removes it afterwards; then the service is disabled.
set -eu

PKGS="wrk nginx curl jq sqlite3 python3 systemd util-linux procps"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
ours=""
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# bench/deps.sh: no service starts while it installs\nexit 101\n' |
	    $SUDO tee "$policy" >/dev/null
	$SUDO chmod 755 "$policy"
	ours=1
fi
status=0
$SUDO apt-get update -qq || status=$?
if [ "$status" -eq 0 ]; then
	# shellcheck disable=SC2086 # a list of package names
	$SUDO apt-get install -y -qq --no-install-recommends $missing || status=$?
fi
[ -n "$ours" ] && $SUDO rm -f "$policy"
# Not started, and not started at the next boot either.
case " $missing " in
*" nginx "*)
	$SUDO systemctl disable --quiet nginx.service >/dev/null 2>&1 || :
	$SUDO update-rc.d nginx disable >/dev/null 2>&1 || :
	;;
esac
exit "$status"
