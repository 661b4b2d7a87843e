#!/usr/bin/env bash
# Where the server's instructions go, per call: hoptacd under callgrind
# (instruction counts: the same on a busy or an idle machine) while
# bench_submit sends CALLS single-activity submits from CLIENTS clients
# (default 1600 from 16), then the total per call and the functions that
# take most, inclusive.
#
#   bench/profile.sh [CALLS] [CLIENTS] [BATCH]
#
# Environment: BENCH_BUILD_DIR (default build-profile/, RelWithDebInfo so
# that functions have names), BENCH_PORT (default 7469), BENCH_KEEP (a
# file to keep callgrind's output in, for callgrind_annotate).
set -euo pipefail

bench_build_default=build-profile
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
port="${BENCH_PORT:-7469}"
calls="${1:-1600}"
clients="${2:-16}"
batch="${3:-1}"
url="tcp://127.0.0.1:${port}"

bench_build RelWithDebInfo

dir="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-profile.XXXXXX")"
pid=""
trap '[[ -n "${pid}" ]] && kill -9 "${pid}" 2>/dev/null; [[ -n "${BENCH_KEEP:-}" ]] && cp "${dir}"/cg.out.* "${BENCH_KEEP}"; rm -rf "${dir}"' EXIT
bench_init "${dir}/bench.db"
valgrind --tool=callgrind --callgrind-out-file="${dir}/cg.out" \
	"${build}/server/hoptacd" -D "${dir}/bench.db" -l "${url}" \
	-o log_level=warn 2>"${dir}/valgrind.log" &
pid=$!
hoptac=("${build}/client/hoptac" --server "${url}" --timeout 30000)
bench_wait 200 0.1
bench_credential "${dir}/bench.db"
"${hoptac[@]}" unit add BENCH "Bench unit" --kind other >/dev/null
# Counting starts here: start-up and the set-up calls stay out.
callgrind_control -z "${pid}" >/dev/null
"${build}/bench/bench_submit" -s "${url}" -c "${clients}" \
	-n "$((calls / clients))" -b "${batch}" >/dev/null
# The records left waiting settle once the server is idle. Counted in
# every run, so that runs of one workload count the same work: the dump
# waits until the server has used no CPU for half a second.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/${pid}/stat"; }
for _ in $(seq 120); do
	before="$(cpu_ticks)"
	sleep 0.5
	(( $(cpu_ticks) - before <= 1 )) && break
done
callgrind_control -d "${pid}" >/dev/null
sleep 1
out="$(ls -t "${dir}"/cg.out.* | head -n 1)"
total="$(callgrind_annotate "${out}" 2>/dev/null |
	awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')"
echo "workload: ${calls} calls from ${clients} clients, ${batch} activities each"
echo "server instructions: ${total} in all, $((total / calls)) per call"
callgrind_annotate --inclusive=yes "${out}" 2>/dev/null |
	grep -E '^ *[0-9,]+ \(' | grep -v 'PROGRAM TOTALS' |
	grep -E 'hoptac|sqlite3_step|u8_|protobuf_c|nng_ctx' | head -n 25 |
	sed -E 's#/[^ ]*/(server|common)/#\1/#; s# \[[^]]*\]$##'
