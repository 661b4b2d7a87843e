#!/usr/bin/env bash
# The department's queries over a large generated data set: loads N
# activities (default 1,000,000) of 2024 for 50 units through the server,
# creates a request asking those units, then times `hoptac summary` and
# `hoptac consolidate` (whole client processes, median of 5 runs), and
# hoptac-web's board and summary pages (at the server, median of 5).
#
#   bench/reporting.sh [N]
#
# Environment: BENCH_BUILD_DIR (default build-release), BENCH_PORT (7441),
# BENCH_STORE (sqlite, or postgresql for a throwaway cluster).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/web_lib.sh"
port="${BENCH_PORT:-7441}"
total="${1:-1000000}"
url="tcp://127.0.0.1:${port}"
units=50

bench_build

dir="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-bench.XXXXXX")"
pid=""
trap 'bench_stop; bench_pg_stop; rm -rf "${dir}"' EXIT
bench_init "${dir}/bench.db"
"${build}/server/hoptacd" -D "$(bench_db "${dir}/bench.db")" -l "${url}" \
	-o log_level=warn 2>"${dir}/hoptacd.log" &
pid=$!
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

echo "machine: $(nproc) cores, $(uname -srm); store: ${bench_store}"
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

# On PostgreSQL the load leaves autovacuum and a checkpoint to run for
# minutes; the queries are timed once that is done, as between a
# province's submissions.
if [[ "${bench_store}" != sqlite ]]; then
	echo "VACUUM (ANALYZE) and CHECKPOINT after the load: $(bench_pg_settle \
		"$(bench_pg_dbname "${dir}/bench.db")") s"
fi
# A whole client process that makes one call: what every line below
# includes.
echo "hoptac ping: $(median_ms "${hoptac[@]}" ping) ms"
echo "hoptac summary --from 2024 --to 2024 --by unit,kind: $(median_ms \
	"${hoptac[@]}" summary --from 2024 --to 2024 --by unit,kind) ms"
echo "hoptac summary --request 1/BENCH --by partner,quarter: $(median_ms \
	"${hoptac[@]}" summary --request 1/BENCH --by partner,quarter) ms"
echo "hoptac summary --from 2024 --to 2024 (totals): $(median_ms \
	"${hoptac[@]}" summary --from 2024 --to 2024) ms"
echo "hoptac consolidate --request 1/BENCH --format md: $(median_ms \
	"${hoptac[@]}" consolidate --request 1/BENCH --format md) ms"
# hoptac-web's pages over the same data, timed at the server (the access
# log's milliseconds, median of 5): the requests board, the summary of
# 2024 by month (the chart's bars) and by partner province (the map).
web_port=$((port + 1))
"${build}/web/hoptac-web" --server "${url}" --listen "127.0.0.1:${web_port}" \
	--access-log "${dir}/access.log" --timeout 600000 2>"${dir}/web.log" &
web_pid=$!
trap 'kill "${web_pid}" 2>/dev/null; bench_stop; bench_pg_stop; rm -rf "${dir}"' EXIT
sleep 0.5
cookie="$(bench_web_sign_in "${web_port}" "${HOPTAC_TOKEN}")"
for page in "/" "/tong-hop?tu=1/1/2024&den=31/12/2024&theo=thang" \
	"/tong-hop?tu=1/1/2024&den=31/12/2024&theo=doi-tac"; do
	echo "hoptac-web GET ${page}: $(bench_web_page_ms "${web_port}" \
		"${cookie}" "${page}" "${dir}/access.log") ms at the server (median of 5)"
done
if [[ "${bench_store}" == sqlite ]]; then
	echo "database: $(du -h "${dir}/bench.db" | cut -f1)"
else
	echo "database: $(psql -XAtq "${bench_pg_conninfo} dbname=$(bench_pg_dbname "${dir}/bench.db")" \
		-c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
fi
echo "hoptacd resident memory: $(awk '/VmRSS/ {print $2, $3}' "/proc/${pid}/status")"
