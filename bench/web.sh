#!/usr/bin/env bash
# hoptac-web's pages loaded by a signed-in reviewer: the requests board
# (BENCH_WEB_PATH, /) fetched by bench_http with BENCH_WEB_CONNS (4)
# clients, one TCP connection per page, from two hoptac-web in front of
# the same hoptacd: one keeping its connections to hoptacd between
# requests (--pool 32, the default) and one opening one per request
# (--pool 0, as before). A/B in BENCH_WEB_ROUNDS (6) rounds of
# BENCH_WEB_SECONDS (10), the first of the pair alternating; prints
# every run and each one's range and median. docs/PERFORMANCE.md has the
# figures.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/web_lib.sh"
rounds="${BENCH_WEB_ROUNDS:-6}"
seconds="${BENCH_WEB_SECONDS:-10}"
conns="${BENCH_WEB_CONNS:-4}"
path="${BENCH_WEB_PATH:-/}"
port="${BENCH_PORT:-7480}"
url="tcp://127.0.0.1:${port}"
dir="$(mktemp -d)"
hoptac=("${build}/client/hoptac" --server "${url}")
webs=()
cleanup() {
	for p in "${webs[@]}"; do kill "${p}" 2>/dev/null; done
	bench_stop
	rm -rf "${dir}"
}
trap cleanup EXIT

bench_build
bench_serve "${dir}/bench.db"
"${hoptac[@]}" request create 1/BENCH --issuer BENCH --issued 2026-01-01 \
	--title "báo cáo" --from 1/2026 --due 2026-02-01 --unit BENCH >/dev/null
declare -A webport=([kept]=$((port + 1)) [each]=$((port + 2)))
declare -A pool=([kept]=32 [each]=0)
declare -A cookie runs=([kept]="" [each]="")
for w in kept each; do
	"${build}/web/hoptac-web" --server "${url}" \
		--listen "127.0.0.1:${webport[${w}]}" --pool "${pool[${w}]}" \
		--max-connections 256 --max-per-ip 128 2>>"${dir}/web.log" &
	webs+=($!)
done
sleep 0.5
for w in kept each; do
	cookie[${w}]="$(bench_web_sign_in "${webport[${w}]}" "${HOPTAC_TOKEN}")"
done
for round in $(seq "${rounds}"); do
	order=(kept each)
	if ((round % 2 == 0)); then
		order=(each kept)
	fi
	for w in "${order[@]}"; do
		line="$("${build}/bench/bench_http" -p "${webport[${w}]}" \
			-c "${conns}" -t "${seconds}" -P "${path}" \
			-C "${cookie[${w}]}" -E "</html>" || true)"
		echo "round ${round} pool ${pool[${w}]}: ${line}"
		runs[${w}]+="$(sed 's|.*: \([0-9]*\)/s.*|\1|' <<<"${line}") "
	done
done
for w in kept each; do
	# shellcheck disable=SC2086
	printf '%s\n' ${runs[${w}]} | sort -n | awk -v p="${pool[${w}]}" \
		-v r="${rounds}" -v s="${seconds}" '{a[NR]=$1} END {
		m = (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2
		printf "--pool %s: %s to %s pages/s, median %s, over %s runs of %s s\n",
			p, a[1], a[NR], m, r, s }'
done
