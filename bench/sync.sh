#!/usr/bin/env bash
# How long hoptac sync takes to deliver a backlog: queues N activities
# (default 100,000) with the server down (hoptac import of a generated
# CSV), starts the server, and times one hoptac sync.
#
#   bench/sync.sh [N]
#
# Environment: BENCH_BUILD_DIR (default build-release), BENCH_PORT (7442).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
port="${BENCH_PORT:-7442}"
total="${1:-100000}"
url="tcp://127.0.0.1:${port}"

bench_build

dir="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-bench.XXXXXX")"
pid=""
trap '[[ -n "${pid}" ]] && kill "${pid}" 2>/dev/null; wait 2>/dev/null; rm -rf "${dir}"' EXIT
export HOPTAC_OUTBOX="${dir}/outbox.db"
hoptac=("${build}/client/hoptac" --server "${url}")

start_server() {
	"${build}/server/hoptacd" -D "${dir}/bench.db" -l "${url}" \
		-o log_level=warn 2>>"${dir}/hoptacd.log" &
	pid=$!
	bench_wait
}

bench_init "${dir}/bench.db"
start_server
bench_credential "${dir}/bench.db"
"${hoptac[@]}" unit add BENCH "Bench unit" --kind other >/dev/null
kill "${pid}"
wait "${pid}" 2>/dev/null || true
pid=""

{
	echo "id,unit,partners,kind,start_date,title,people"
	for ((i = 0; i < total; i++)); do
		echo "sync-${i},BENCH,LA-XE,delegation_out,2024-05-02,Đoàn ${i},5"
	done
} >"${dir}/backlog.csv"

echo "machine: $(nproc) cores, $(uname -srm)"
s=$(date +%s%N)
"${hoptac[@]}" --timeout 300 import "${dir}/backlog.csv" >/dev/null 2>&1 || true
e=$(date +%s%N)
echo "queueing ${total} activities offline (hoptac import): $(((e - s) / 1000000)) ms"
start_server
s=$(date +%s%N)
"${hoptac[@]}" --json sync
e=$(date +%s%N)
echo "hoptac sync of ${total}: $(((e - s) / 1000000)) ms"
