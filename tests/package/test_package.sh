#!/usr/bin/env bash
# The Debian package, installed on this machine as an administrator
# would: builds it (deploy/package.sh), installs it with dpkg -i, checks
# that every file is in place, makes a database with "hoptacd init" as
# the hoptac user, starts the installed server on an ipc:// socket, pings
# it and asks whoami with the installed client, stops it, then removes
# and purges the package and checks that its files are gone.
#
#   tests/package/test_package.sh SOURCE_DIR WORK_DIR
#
# Needs root and dpkg, else it is skipped (exit 77, which ctest reports
# as skipped). It will not replace a hoptac package it did not install
# itself; one it left behind (a run cut short) it purges first, so it can
# run any number of times.
set -euo pipefail

src="$1"
work="$2"

skip() {
	echo "package test skipped: $*"
	exit 77
}
fail() {
	echo "package test FAILED: $*" >&2
	exit 1
}

[[ $(id -u) -eq 0 ]] || skip "installing a package needs root (CI runs it as root)"
command -v dpkg >/dev/null || skip "no dpkg: not a Debian system"
command -v setpriv >/dev/null || skip "no setpriv (util-linux)"

# One run at a time on a machine; the marker says this test installed
# the package that is there.
mkdir -p /var/lock
exec 9>/var/lock/hoptac-package-test.lock
flock 9
marker=/var/lib/hoptac-package-test.installed

status="$(dpkg-query -W -f='${db:Status-Status}' hoptac 2>/dev/null || true)"
if [[ -n ${status} && ${status} != not-installed ]]; then
	[[ -e ${marker} ]] ||
		skip "a hoptac package is installed on this machine, not by this test; it would be replaced and removed"
	dpkg --purge hoptac >/dev/null
fi

# dpkg waits for no one: retry while apt or dpkg elsewhere holds its lock.
dpkg_retry() {
	local i out
	for ((i = 0; i < 60; i++)); do
		if out="$(dpkg "$@" 2>&1)"; then
			return 0
		fi
		[[ ${out} == *lock* ]] || {
			echo "${out}" >&2
			return 1
		}
		sleep 2
	done
	echo "${out}" >&2
	return 1
}

deb="$(PACKAGE_JOBS="${PACKAGE_JOBS:-2}" "${src}/deploy/package.sh" \
	"${work}/package-build" | tail -n 1)"
deb="${deb#package: }"
[[ -f ${deb} ]] || fail "deploy/package.sh made no package"
[[ $(basename "${deb}") =~ ^hoptac_[0-9.]+_[a-z0-9]+\.deb$ ]] ||
	fail "the package is named $(basename "${deb}")"
dpkg-deb -I "${deb}" conffiles | grep -qx /etc/hoptac/hoptacd.conf ||
	fail "/etc/hoptac/hoptacd.conf is not a conffile"
for dep in libnng libzip4 libxml2; do
	dpkg-deb -f "${deb}" Depends | grep -q "${dep}" ||
		fail "Depends lacks ${dep}: $(dpkg-deb -f "${deb}" Depends)"
done

touch "${marker}"
dpkg_retry -i "${deb}" || fail "dpkg -i ${deb}"
echo "package test: installed $(basename "${deb}")"

files=(
	/usr/bin/hoptac
	/usr/bin/hoptac-web
	/usr/sbin/hoptacd
	/etc/hoptac/hoptacd.conf
	/usr/lib/systemd/system/hoptacd.service
	/usr/lib/systemd/system/hoptac-sync.service
	/usr/lib/systemd/system/hoptac-sync.timer
	/usr/lib/systemd/system/hoptac-forward.service
	/usr/lib/systemd/system/hoptac-forward.timer
	/usr/lib/systemd/system/hoptac-web.service
	/usr/lib/systemd/user/hoptac-sync.service
	/usr/lib/systemd/user/hoptac-sync.timer
	/usr/share/man/man1/hoptac.1.gz
	/usr/share/man/man8/hoptacd.8.gz
	/usr/share/man/man8/hoptac-web.8.gz
	/usr/share/man/vi/man1/hoptac.1.gz
	/usr/share/man/vi/man8/hoptacd.8.gz
	/usr/share/bash-completion/completions/hoptac
	/usr/share/bash-completion/completions/hoptacd
	/usr/share/doc/hoptac/examples/hoptacd.conf.example
	/usr/share/doc/hoptac/examples/hoptac.conf.example
	/usr/share/doc/hoptac/examples/units.csv
	/usr/share/hoptac/gazetteer.tsv
	/usr/share/locale/vi/LC_MESSAGES/hoptac.mo
)
for f in "${files[@]}"; do
	[[ -e ${f} ]] || fail "${f} is not installed"
done
getent passwd hoptac >/dev/null || fail "postinst made no hoptac user"
[[ $(stat -c '%U %a' /var/lib/hoptac) == "hoptac 750" ]] ||
	fail "/var/lib/hoptac is $(stat -c '%U %a' /var/lib/hoptac)"
unit=/usr/lib/systemd/system/hoptacd.service
grep -qx 'Type=notify' "${unit}" || fail "${unit} is not Type=notify"
grep -qx 'ExecStart=/usr/sbin/hoptacd -f /etc/hoptac/hoptacd.conf' "${unit}" ||
	fail "${unit} does not start the installed server"
grep -q '^ExecStart=/usr/bin/hoptac sync' \
	/usr/lib/systemd/user/hoptac-sync.service ||
	fail "hoptac-sync.service does not run the installed client"
# The office's settings come from its hoptac.conf, not from the unit.
! grep -q '^Environment=' /usr/lib/systemd/user/hoptac-sync.service ||
	fail "hoptac-sync.service sets settings that would hide hoptac.conf"

# systemd reads the installed units without a complaint: their syntax,
# their dependencies, and programs that exist at the paths they name.
if command -v systemd-analyze >/dev/null; then
	out="$(systemd-analyze verify "${unit}" \
		/usr/lib/systemd/system/hoptac-sync.timer \
		/usr/lib/systemd/system/hoptac-forward.timer 2>&1)" ||
		fail "systemd-analyze verify: ${out}"
	[[ -z ${out} ]] || fail "systemd-analyze verify: ${out}"
fi

[[ $(/usr/sbin/hoptacd --version) == "hoptacd "* ]] || fail "hoptacd --version"
/usr/sbin/hoptacd --help | grep -q '^usage: hoptacd' || fail "hoptacd --help"
[[ $(/usr/sbin/hoptacd -n -f /etc/hoptac/hoptacd.conf) == "configuration OK" ]] ||
	fail "the installed configuration does not pass hoptacd -n"

# The manual pages render without a warning.
if command -v groff >/dev/null; then
	for page in /usr/share/man/vi/man1/hoptac.1.gz /usr/share/man/vi/man8/hoptacd.8.gz; do
		warnings="$(zcat "${page}" | groff -mandoc -K utf8 -Tutf8 -ww -z 2>&1)"
		[[ -z ${warnings} ]] || fail "${page}: ${warnings}"
	done
fi

# The server as the hoptac user, in a directory of its own, on ipc://
# so that no port is taken.
tmp="$(mktemp -d /tmp/hoptac-package.XXXXXX)"
server_pid=""
cleanup() {
	if [[ -n ${server_pid} ]]; then
		kill "${server_pid}" 2>/dev/null || true
		wait "${server_pid}" 2>/dev/null || true
	fi
	rm -rf "${tmp}"
}
trap cleanup EXIT
chown hoptac:hoptac "${tmp}"
chmod 0700 "${tmp}"
# The command prefix that runs a program as hoptac. setpriv, unlike
# runuser, stays no parent of the program, and it is not a function
# (which "&" would run in a subshell): the pid "&" gives is the server's.
as_hoptac=(setpriv --reuid=hoptac --regid=hoptac --init-groups
	env HOME="${tmp}")
url="ipc://${tmp}/hoptacd.sock"
"${as_hoptac[@]}" /usr/sbin/hoptacd init -D "${tmp}/hoptac.db" -o "${tmp}/admin.token" ||
	fail "hoptacd init"
"${as_hoptac[@]}" /usr/sbin/hoptacd -d -D "${tmp}/hoptac.db" -l "${url}" \
	>"${tmp}/hoptacd.log" 2>&1 &
server_pid=$!

# hoptac ping retries within its own deadline; a few rounds cover a
# slow start on a loaded machine.
pinged=0
for ((i = 0; i < 10; i++)); do
	if "${as_hoptac[@]}" /usr/bin/hoptac --server "${url}" --timeout 3000 ping \
		>"${tmp}/ping" 2>&1; then
		pinged=1
		break
	fi
	kill -0 "${server_pid}" 2>/dev/null ||
		fail "the installed server exited: $(cat "${tmp}/hoptacd.log")"
done
[[ ${pinged} -eq 1 ]] || fail "hoptac ping: $(cat "${tmp}/ping")"
echo "package test: $(cat "${tmp}/ping")"
whoami="$("${as_hoptac[@]}" env HOPTAC_TOKEN_FILE="${tmp}/admin.token" \
	/usr/bin/hoptac --server "${url}" whoami)" || fail "hoptac whoami"
[[ ${whoami} == *admin* ]] || fail "whoami: ${whoami}"

kill -TERM "${server_pid}"
rc=0
wait "${server_pid}" || rc=$?
server_pid=""
[[ ${rc} -eq 0 ]] || fail "the server exited ${rc} on SIGTERM"

dpkg_retry -r hoptac || fail "dpkg -r hoptac"
for f in "${files[@]}"; do
	[[ ${f} == /etc/* ]] && continue
	[[ ! -e ${f} ]] || fail "${f} is left after dpkg -r"
done
[[ -e /etc/hoptac/hoptacd.conf ]] || fail "dpkg -r removed the conffile"
dpkg_retry --purge hoptac || fail "dpkg --purge hoptac"
[[ ! -e /etc/hoptac/hoptacd.conf ]] || fail "the conffile is left after purge"
# The records are not the package's to take (debian/postrm).
[[ -d /var/lib/hoptac ]] || fail "purge removed /var/lib/hoptac"
rm -f "${marker}"
echo "package test: removed and purged; every file is gone"
