#!/usr/bin/env bash
# Which HTTP server hoptac-web is built on: the same trivial page served
# by libmicrohttpd (one thread per connection, as hoptac-web runs it) and
# by nng's own HTTP server, loaded by bench_http with 4 clients, one
# connection per request. A/B in rounds (BENCH_HTTP_ROUNDS, 6) of
# BENCH_HTTP_SECONDS (10) each, the first of the pair alternating, so
# that a busy moment of the machine falls on both; prints every run and
# each server's median. docs/PERFORMANCE.md has the figures.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rounds="${BENCH_HTTP_ROUNDS:-6}"
seconds="${BENCH_HTTP_SECONDS:-10}"
port="${BENCH_PORT:-7470}"
pids=()
trap 'for p in "${pids[@]}"; do kill "${p}" 2>/dev/null; done; true' EXIT

bench_build
"${build}/bench/bench_http" -S mhd -p "${port}" &
pids+=($!)
"${build}/bench/bench_http" -S nng -p "$((port + 1))" &
pids+=($!)
sleep 0.5
declare -A runs=([mhd]="" [nng]="")
for round in $(seq "${rounds}"); do
	order=(mhd nng)
	if ((round % 2 == 0)); then
		order=(nng mhd)
	fi
	for server in "${order[@]}"; do
		p="${port}"
		[[ "${server}" == nng ]] && p=$((port + 1))
		line="$("${build}/bench/bench_http" -p "${p}" -c 4 -t "${seconds}")"
		echo "round ${round} ${server}: ${line}"
		runs[${server}]+="$(sed 's|.*: \([0-9]*\)/s.*|\1|' <<<"${line}") "
	done
done
for server in mhd nng; do
	# shellcheck disable=SC2086
	median="$(printf '%s\n' ${runs[${server}]} | sort -n |
		awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')"
	echo "${server}: median ${median} requests/s over ${rounds} runs of ${seconds} s"
done
