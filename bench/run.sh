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
"${build}/server/hoptacd" -D "${dir}/bench.db" -l "${url}" \
	-o log_level=warn 2>"${dir}/hoptacd.log" &
pid=$!
trap 'kill "${pid}" 2>/dev/null; wait "${pid}" 2>/dev/null; rm -rf "${dir}"' EXIT
hoptac=("${build}/client/hoptac" --server "${url}")
for _ in $(seq 100); do
	"${hoptac[@]}" ping >/dev/null 2>&1 && break
	sleep 0.05
done
"${hoptac[@]}" unit add BENCH "Bench unit" --kind other >/dev/null

echo "machine: $(nproc) cores, $(uname -srm)"
"${build}/bench/bench_submit" -s "${url}" -c 1 -n 5000
"${build}/bench/bench_submit" -s "${url}" -c 16 -n 500
"${build}/bench/bench_submit" -s "${url}" -c 1 -n 100 -b 1000

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
echo "hoptacd resident memory: $(awk '/VmRSS/ {print $2, $3}' "/proc/${pid}/status")"
