#!/usr/bin/env bash
# Builds in release mode, starts hoptacd on a fresh database in a temporary
# directory on loopback, and runs the submit benchmarks against it:
# one client, 16 clients, and batches of 1,000. Also times whole hoptac
# processes (ping, activity add). Prints one line per run.
#
#   bench/run.sh
#
# Environment: BENCH_BUILD_DIR (default build-release), BENCH_PORT (7440).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BENCH_BUILD_DIR:-${root}/build-release}"
port="${BENCH_PORT:-7440}"
url="tcp://127.0.0.1:${port}"

"${root}/deploy/install-deps.sh" >/dev/null
cmake -S "${root}" -B "${build}" -DCMAKE_BUILD_TYPE=Release \
	-DHOPTAC_TESTS=OFF >/dev/null
cmake --build "${build}" -j"$(nproc)" >/dev/null

dir="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-bench.XXXXXX")"
. "${root}/bench/credential.sh"
bench_init "${dir}/bench.db"
"${build}/server/hoptacd" -D "${dir}/bench.db" -l "${url}" \
	-o log_level=warn 2>"${dir}/hoptacd.log" &
pid=$!
trap 'kill "${pid}" 2>/dev/null; wait "${pid}" 2>/dev/null; rm -rf "${dir}"' EXIT
hoptac=("${build}/client/hoptac" --server "${url}")
for _ in $(seq 100); do
	"${hoptac[@]}" ping >/dev/null 2>&1 && break
	sleep 0.05
done
bench_credential
"${hoptac[@]}" unit add BENCH "Bench unit" --kind other >/dev/null

echo "machine: $(nproc) cores, $(uname -srm)"
rss() { awk '/VmRSS/ {print $2, $3}' "/proc/${pid}/status"; }
idle_rss="$(rss)"
one="$("${build}/bench/bench_submit" -s "${url}" -c 1 -n 5000)"
echo "${one}"
many="$("${build}/bench/bench_submit" -s "${url}" -c 16 -n 500)"
load_rss="$(rss)"
echo "${many}"
batch="$("${build}/bench/bench_submit" -s "${url}" -c 1 -n 100 -b 1000)"
echo "${batch}"

# The limits of the machine for the same work: a bare nng echo of a
# message of the same size with the same clients, and bare sqlite inserts
# of the same rows with the same durability.
echo1="$("${build}/bench/bench_echo" -u "tcp://127.0.0.1:$((port + 10))" -c 1 -n 5000 -s 400)"
echo "${echo1}"
echo16="$("${build}/bench/bench_echo" -u "tcp://127.0.0.1:$((port + 11))" -c 16 -n 500 -s 400)"
echo "${echo16}"
sql1="$("${build}/bench/bench_sqlite" -f "${dir}/bare.db" -n 5000 -b 1)"
echo "${sql1}"
sqlb="$("${build}/bench/bench_sqlite" -f "${dir}/bare.db" -n 100000 -b 1000)"
echo "${sqlb}"

# Field value of "key=value" in a line.
val() {
	printf '%s\n' "$1" | awk -v k="$2" \
		'{ for (i = 1; i <= NF; i++) { split($i, p, "="); if (p[1] == k) print p[2] } }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }
echo "1 client, 1 activity per call: $(val "${one}" calls/s) calls/s = $(ratio "$(val "${one}" calls/s)" "$(val "${echo1}" calls/s)") of the bare echo, $(ratio "$(val "${one}" calls/s)" "$(val "${sql1}" commits/s)") of bare sqlite commits"
echo "16 clients, 1 activity per call: $(val "${many}" calls/s) calls/s = $(ratio "$(val "${many}" calls/s)" "$(val "${echo16}" calls/s)") of the bare echo at 16 clients"
echo "batches of 1,000: $(val "${batch}" records/s) activities/s = $(ratio "$(val "${batch}" records/s)" "$(val "${sqlb}" rows/s)") of bare sqlite batched inserts"

# Whole-process times of the command-line client.
n=300
start=$(date +%s%N)
for _ in $(seq "${n}"); do "${hoptac[@]}" ping >/dev/null; done
end=$(date +%s%N)
echo "hoptac ping: $(((end - start) / n / 1000)) us per process"
start=$(date +%s%N)
for i in $(seq "${n}"); do
	"${hoptac[@]}" activity add --unit BENCH --partner LA-XE --kind other \
		--start 2024 --title "bench ${i}" >/dev/null
done
end=$(date +%s%N)
echo "hoptac activity add: $(((end - start) / n / 1000)) us per process"
echo "hoptacd resident memory: idle ${idle_rss}, after the 16 clients ${load_rss}, at the end $(rss)"
