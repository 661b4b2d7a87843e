#!/usr/bin/env bash
# The department's queries over a large generated data set: loads N
# activities (default 1,000,000) of 2024 for 50 units through the server,
# creates a request asking those units, then times `hoptac summary` and
# `hoptac consolidate` (whole client processes, median of 5 runs).
#
#   bench/reporting.sh [N]
#
# Environment: BENCH_BUILD_DIR (default build-release), BENCH_PORT (7441).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
port="${BENCH_PORT:-7441}"
total="${1:-1000000}"
url="tcp://127.0.0.1:${port}"
units=50

bench_build

dir="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-bench.XXXXXX")"
bench_init "${dir}/bench.db"
"${build}/server/hoptacd" -D "${dir}/bench.db" -l "${url}" \
	-o log_level=warn 2>"${dir}/hoptacd.log" &
pid=$!
trap 'kill "${pid}" 2>/dev/null; wait "${pid}" 2>/dev/null; rm -rf "${dir}"' EXIT
hoptac=("${build}/client/hoptac" --server "${url}" --timeout 600000)
bench_wait
bench_credential "${dir}/bench.db"

{
	echo "code,name,kind,province,parent,valid_from,valid_to,successors"
	echo "BENCH-SNGV,Sở Ngoại vụ (bench),department,Bench,,,,"
	for ((i = 0; i < units; i++)); do
		echo "BENCH-${i},UBND huyện số ${i},district_committee,Bench,,,,"
	done
} >"${dir}/units.csv"
"${hoptac[@]}" unit import "${dir}/units.csv" >/dev/null
unit_args=()
for ((i = 0; i < units; i++)); do
	unit_args+=(--unit "BENCH-${i}")
done
"${hoptac[@]}" request create 1/BENCH --issuer BENCH-SNGV --issued 2025-01-05 \
	--title "báo cáo năm 2024" --from 2024-01-01 --to 2024-12-31 \
	--due 2025-01-20 "${unit_args[@]}" >/dev/null

echo "machine: $(nproc) cores, $(uname -srm)"
calls=$((total / 1000 / 2))
echo "loading $((calls * 2 * 1000)) activities:"
"${build}/bench/bench_submit" -s "${url}" -u BENCH -m "${units}" -c 2 \
	-n "${calls}" -b 1000

# Median wall time in milliseconds of 5 runs of a command.
median_ms() {
	local t=() i start end
	for i in 1 2 3 4 5; do
		start=$(date +%s%N)
		"$@" >/dev/null
		end=$(date +%s%N)
		t+=($(((end - start) / 1000000)))
	done
	printf '%s\n' "${t[@]}" | sort -n | sed -n 3p
}

echo "hoptac summary --from 2024 --to 2024 --by unit,kind: $(median_ms \
	"${hoptac[@]}" summary --from 2024 --to 2024 --by unit,kind) ms"
echo "hoptac summary --request 1/BENCH --by partner,quarter: $(median_ms \
	"${hoptac[@]}" summary --request 1/BENCH --by partner,quarter) ms"
echo "hoptac summary --from 2024 --to 2024 (totals): $(median_ms \
	"${hoptac[@]}" summary --from 2024 --to 2024) ms"
echo "hoptac consolidate --request 1/BENCH --format md: $(median_ms \
	"${hoptac[@]}" consolidate --request 1/BENCH --format md) ms"
echo "database: $(du -h "${dir}/bench.db" | cut -f1)"
echo "hoptacd resident memory: $(awk '/VmRSS/ {print $2, $3}' "/proc/${pid}/status")"
