#!/usr/bin/env bash
# Quick start: installs what is missing, builds, starts hoptacd on a fresh
# database in a temporary directory, and walks through the report of Đắk
# Glei district (tests/data/dak-glei-2024.csv) with the hoptac client.
#
#   deploy/demo.sh
#
# Environment:
#   BUILD_DIR         where to build (default build/)
#   HOPTAC_DEMO_PORT  TCP port on 127.0.0.1 for the server (default: 7420,
#                     or the next free one above it)
#   HOPTAC_DEMO_KEEP  1: keep the temporary directory (database and server
#                     log) and say where it is
#   HOPTAC_DEMO_WEB_PORT  port on 127.0.0.1 for hoptac-web (default: 8080,
#                     or the next free one above it)
#
# At the end it starts hoptac-web, the department's pages, and prints its
# address; on a terminal it waits for Enter before stopping everything.
#
# Exits non-zero if any step fails. The server is stopped with SIGTERM on
# the way out, whatever happened.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_dir="$(deploy_dir "${BUILD_DIR:-build}")"

say() {
	printf 'demo: %s\n' "$*"
}

die() {
	printf 'demo: %s\n' "$*" >&2
	exit 1
}

# --- build -----------------------------------------------------------------

"${root}/deploy/install-deps.sh"
# A quick start should not stop on a warning that a newer compiler adds:
# deploy/test.sh builds with warnings as errors.
"${root}/deploy/build.sh" "${build_dir}" -DHOPTAC_WERROR=OFF

for bin in "${build_dir}/server/hoptacd" "${build_dir}/client/hoptac" \
	"${build_dir}/web/hoptac-web"; do
	[[ -x "${bin}" ]] || die "${bin} was not built"
done
export PATH="${build_dir}/client:${build_dir}/server:${build_dir}/web:${PATH}"
# The client's messages in the person's language, from the build's catalogues.
export HOPTAC_LOCALEDIR="${build_dir}/locale"

# --- server ----------------------------------------------------------------

tmp="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-demo.XXXXXX")"
server_pid=""
server_status=0
web_pid=""

stop_web() {
	[[ -n "${web_pid}" ]] || return 0
	kill -TERM "${web_pid}" 2>/dev/null || true
	wait "${web_pid}" 2>/dev/null || true
	web_pid=""
}

stop_server() {
	local i
	[[ -n "${server_pid}" ]] || return 0
	if kill -0 "${server_pid}" 2>/dev/null; then
		say "stopping hoptacd (pid ${server_pid}) with SIGTERM"
		kill -TERM "${server_pid}" 2>/dev/null || true
		# hoptacd drains calls in flight for up to drain_ms (5 s).
		for ((i = 0; i < 300; i++)); do
			kill -0 "${server_pid}" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "${server_pid}" 2>/dev/null; then
			say "hoptacd did not stop within 30 s; killing it"
			kill -KILL "${server_pid}" 2>/dev/null || true
		fi
	fi
	server_status=0
	wait "${server_pid}" 2>/dev/null || server_status=$?
	server_pid=""
	return 0
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_web
	stop_server
	if [[ "${HOPTAC_DEMO_KEEP:-0}" == 1 ]]; then
		say "kept ${tmp} (database and server log)"
	else
		rm -rf "${tmp}"
	fi
	exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Whether something accepts connections on 127.0.0.1:$1.
port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts hoptacd on port $1 and waits until it answers a ping. Returns 0
# when it is serving, 2 when the port could not be had, 1 otherwise.
start_server() {
	local port="$1" i
	server_status=0
	export HOPTAC_SERVER="tcp://127.0.0.1:${port}"
	say "starting hoptacd -d on ${HOPTAC_SERVER}, database ${tmp}/hoptac.db"
	hoptacd -d -D "${tmp}/hoptac.db" -l "${HOPTAC_SERVER}" \
		2>"${tmp}/hoptacd.log" &
	server_pid=$!
	for ((i = 0; i < 200; i++)); do
		if ! kill -0 "${server_pid}" 2>/dev/null; then
			wait "${server_pid}" 2>/dev/null || true
			server_pid=""
			if grep -q "cannot listen" "${tmp}/hoptacd.log"; then
				return 2
			fi
			return 1
		fi
		if hoptac --timeout 1000 ping >/dev/null 2>&1; then
			say "hoptacd is serving (pid ${server_pid})"
			return 0
		fi
		sleep 0.1
	done
	say "hoptacd did not answer a ping within 20 s"
	return 1
}

# The first administrator credential, made on the server's host.
hoptacd init -D "${tmp}/hoptac.db" -o "${tmp}/admin.token" ||
	die "hoptacd init failed"

if [[ -n "${HOPTAC_DEMO_PORT:-}" ]]; then
	ports=("${HOPTAC_DEMO_PORT}")
else
	mapfile -t ports < <(seq 7420 7499)
fi
started=0
for port in "${ports[@]}"; do
	if port_busy "${port}"; then
		say "port ${port} is in use"
		continue
	fi
	rc=0
	start_server "${port}" || rc=$?
	if [[ ${rc} -eq 0 ]]; then
		started=1
		break
	fi
	if [[ ${rc} -ne 2 ]]; then
		break
	fi
	say "port ${port} could not be had"
done
if [[ ${started} -ne 1 ]]; then
	if [[ -s "${tmp}/hoptacd.log" ]]; then
		printf 'demo: the server log:\n' >&2
		sed 's/^/  /' "${tmp}/hoptacd.log" >&2
	fi
	die "could not start hoptacd"
fi

# --- the walk-through ------------------------------------------------------

# Prints an argument as one would type it in a shell.
shell_word() {
	local a="$1"
	if [[ "${a}" =~ ^[-A-Za-z0-9_./:=,+@%]+$ ]]; then
		printf '%s' "${a}"
	else
		a="${a//\\/\\\\}"
		a="${a//\"/\\\"}"
		a="${a//\$/\\\$}"
		a="${a//\`/\\\`}"
		printf '"%s"' "${a}"
	fi
}

# Prints a command, then runs it as WHO (its credential file and its own
# outbox, as on its own machine); a failure ends the demo.
step() {
	local who="$1" line="" a rc=0
	shift
	for a in "$@"; do
		line+=" $(shell_word "${a}")"
	done
	printf '\n[%s]$%s\n' "${who}" "${line}"
	HOPTAC_TOKEN_FILE="${tmp}/${who}.token" \
		HOPTAC_OUTBOX="${tmp}/${who}.outbox.db" "$@" || rc=$?
	if [[ ${rc} -ne 0 ]]; then
		die "failed (exit ${rc}):${line}"
	fi
}

step admin hoptac ping
# The units the seed reports name, as they stood in May 2024 when the
# round below took place; the 2025 reorganization comes at its end.
step admin hoptac unit import tests/data/units-2024.csv
step admin hoptac unit list --province "Kon Tum" --all
# A credential for the department's reviewer and for each office, each
# written once into a file only its owner can read (docs/SECURITY.md).
step admin hoptac admin issue --name "Phòng HTQT, Sở Ngoại vụ" \
	--role reviewer --output "${tmp}/department.token"
step admin hoptac admin issue --name "Văn phòng UBND huyện Đắk Glei" \
	--role office --unit KT-DAKGLEI --output "${tmp}/dakglei.token"
step admin hoptac admin issue --name "Văn phòng Sở TN&MT Điện Biên" \
	--role office --unit DB-STNMT --output "${tmp}/stnmt.token"
step admin hoptac admin list
step dakglei hoptac whoami
step dakglei hoptac partner list "xê kông"

# An office records its activities (a spreadsheet export).
step dakglei hoptac import tests/data/dak-glei-2024.csv
# The ids come from the file: importing it again stores nothing twice.
step dakglei hoptac import tests/data/dak-glei-2024.csv
step dakglei hoptac activity list --partner "Sê Kông" --kind delegation_out
step dakglei hoptac activity list --text "dak glei"

# The department asks three units for a report (công văn 558/SNgV-BGHTQT).
step department hoptac request create 558/SNgV-BGHTQT --issuer KT-SNGV \
	--issued 02/5/2024 --title "báo cáo tình hình hợp tác với tỉnh Sê Kông (Lào)" \
	--from "tháng 11/2022" --due 20/5/2024 --partner "Sê Kông" \
	--unit KT-DAKGLEI --unit DB-STNMT --unit KT-DAKTO
step dakglei hoptac request list --open

# A template filled from the request and the office's records (its
# signer blank: sent unchanged, it is refused).
step dakglei hoptac report template --request 558/SNgV-BGHTQT

# The offices answer with the documents they signed, taken in with
# report import (docs/report-format.md): the two documents offices sent
# (tests/data/seeds). Paper reports of 2024, entered now with the day
# they were filed.
seeds=tests/data/seeds
step dakglei hoptac report import "${seeds}/kon-tum-dak-glei-2024.txt" \
	--unit KT-DAKGLEI --output "${tmp}/dakglei.report.txt" \
	--activities "${tmp}/dakglei.proposed.csv"
step stnmt hoptac report import "${seeds}/dien-bien-stnmt-2021.txt" \
	--unit DB-STNMT --output "${tmp}/stnmt.imported.txt"
step dakglei hoptac report check "${tmp}/dakglei.report.txt" --filed 15/5/2024
step dakglei hoptac report submit "${tmp}/dakglei.report.txt" --filed 15/5/2024
# The Điện Biên seed answered a request of 2021: signed before this one
# was issued, it would be refused, so its copy is signed on the day filed.
sed 's|^date: .*|date: 16/5/2024|' "${tmp}/stnmt.imported.txt" \
	>"${tmp}/stnmt.report.txt"
step stnmt hoptac report check "${tmp}/stnmt.report.txt" \
	--request 558/SNgV-BGHTQT --filed 16/5/2024
step stnmt hoptac report submit "${tmp}/stnmt.report.txt" \
	--request 558/SNgV-BGHTQT --filed 16/5/2024

# Who answered, the figures, the review, the consolidated report.
step department hoptac request status 558/SNgV-BGHTQT
step department hoptac summary --request 558/SNgV-BGHTQT --by unit,kind
step department hoptac report accept 558/SNgV-BGHTQT --unit KT-DAKGLEI

# The figures of the Đắk Glei report come back from the records.
printf '\n[department]$ hoptac --json summary --request 558/SNgV-BGHTQT --unit KT-DAKGLEI\n'
figures="$(HOPTAC_TOKEN_FILE="${tmp}/department.token" \
	hoptac --json summary --request 558/SNgV-BGHTQT --unit KT-DAKGLEI)" ||
	die "hoptac summary failed"
printf '%s\n' "${figures}"
for want in '"delegations_out":2' '"people_out":10' '"delegations_in":2' \
	'"people_in":24' '"conferences":1'; do
	[[ "${figures}" == *"${want}"* ]] ||
		die "the figures differ from the report's: ${want} missing"
done
say "the figures match the report of Đắk Glei district: out 02 đoàn/10 người, in 02 đoàn/24 người, one conference"

# An office may not read another unit's records: refused, and recorded.
printf '\n[dakglei]$ hoptac activity list --unit DB-STNMT\n'
if HOPTAC_TOKEN_FILE="${tmp}/dakglei.token" hoptac activity list --unit DB-STNMT; then
	die "an office read another unit's records"
fi
step department hoptac audit --refused --limit 5

step department hoptac consolidate --request 558/SNgV-BGHTQT --format md
step department hoptac consolidate --request 558/SNgV-BGHTQT --format html \
	--output "${tmp}/bao-cao-tong-hop.html"
step department hoptac consolidate --request 558/SNgV-BGHTQT --format docx \
	--output "${tmp}/bao-cao-tong-hop.docx" --annex --number 125 \
	--date 20/5/2024 --title "KT. GIÁM ĐỐC" --title "PHÓ GIÁM ĐỐC" \
	--signer "Nguyễn Văn An"

# 1 July 2025: the districts are abolished and their communes take over
# (deploy/registry/units.csv). The district's records and answers stay
# its own; its credential ends with it.
step admin hoptac unit amend KT-DAKGLEI --to 30/6/2025 \
	--successor QNG-XA-DAKGLEI
step admin hoptac unit list --province "Kon Tum" --all
printf '\n[dakglei]$ hoptac whoami\n'
if HOPTAC_TOKEN_FILE="${tmp}/dakglei.token" hoptac whoami; then
	die "the credential of an abolished district still works"
fi

# --- the pages -------------------------------------------------------------

# hoptac-web in front of the same server: every page is hoptacd's answer
# to the credential signed in with (docs/web.md).
web_port=""
for port in "${HOPTAC_DEMO_WEB_PORT:-}" $(seq 8080 8099); do
	[[ -n "${port}" ]] || continue
	if ! port_busy "${port}"; then
		web_port="${port}"
		break
	fi
done
[[ -n "${web_port}" ]] || die "no free port for hoptac-web"
hoptac-web --server "${HOPTAC_SERVER}" --listen "127.0.0.1:${web_port}" \
	--access-log "${tmp}/web-access.log" 2>"${tmp}/hoptac-web.log" &
web_pid=$!
for ((i = 0; i < 100; i++)); do
	port_busy "${web_port}" && break
	kill -0 "${web_pid}" 2>/dev/null || die "hoptac-web did not start: $(cat "${tmp}/hoptac-web.log")"
	sleep 0.1
done
answer="$(exec 3<>"/dev/tcp/127.0.0.1/${web_port}" &&
	printf 'GET /dang-nhap HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3 &&
	head -n 1 <&3 | tr -d '\r')"
[[ "${answer}" == "HTTP/1.1 200 OK" ]] ||
	die "hoptac-web's sign-in page answered: ${answer}"
say "hoptac-web serves the department's pages at http://127.0.0.1:${web_port}/"
say "sign in with the department's credential, the token in ${tmp}/department.token"
if [[ -t 0 ]]; then
	read -r -p "demo: press Enter to stop hoptac-web and hoptacd " _ || true
fi
stop_web

stop_server
if [[ ${server_status} -ne 0 ]]; then
	die "hoptacd exited with status ${server_status}"
fi
say "hoptacd stopped cleanly; done"
