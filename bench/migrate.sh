#!/usr/bin/env bash
# Moving a province to PostgreSQL, at size: loads N activities (default
# 1,000,000) of 2024 for 50 units into a sqlite database through the
# server, stops it, starts a throwaway PostgreSQL cluster
# (tests/pg/cluster.sh), times `hoptacd migrate` into a new database
# there, and checks that a server on the copy counts them all.
#
#   bench/migrate.sh [N]
#
# Environment: BENCH_BUILD_DIR (default build-release), BENCH_PORT (7451).
# Needs PostgreSQL 15 (deploy/install-deps.sh installs it).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
port="${BENCH_PORT:-7451}"
total="${1:-1000000}"
url="tcp://127.0.0.1:${port}"
units=50

bench_build
dir="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-migrate.XXXXXX")"
chmod 755 "${dir}" # the postgres user reaches its cluster's socket there
pid=""
trap 'bench_stop; "${root}/tests/pg/cluster.sh" stop "${dir}/pg" >/dev/null 2>&1 || true; rm -rf "${dir}"' EXIT
hoptac=("${build}/client/hoptac" --server "${url}" --timeout 600000)

bench_serve "${dir}/src.db"
{
	echo "code,name,kind,province,parent,valid_from,valid_to,successors"
	for ((i = 0; i < units; i++)); do
		echo "BENCH-${i},UBND huyện số ${i},district_committee,Bench,,,,"
	done
} >"${dir}/units.csv"
"${hoptac[@]}" unit import "${dir}/units.csv" >/dev/null
echo "machine: $(nproc) cores, $(uname -srm)"
calls=$((total / 1000 / 2))
echo "loading $((calls * 2 * 1000)) activities:"
"${build}/bench/bench_submit" -s "${url}" -u BENCH -m "${units}" -c 2 \
	-n "${calls}" -b 1000
bench_stop
echo "sqlite file: $(du -h "${dir}/src.db" | cut -f1)"

conninfo="$("${root}/tests/pg/cluster.sh" start "${dir}/pg")"
psql -XAtq "${conninfo} dbname=postgres" -c "CREATE DATABASE moved"
start=$(date +%s%N)
"${build}/server/hoptacd" migrate --from "${dir}/src.db" \
	--to "postgresql:${conninfo} dbname=moved"
end=$(date +%s%N)
echo "hoptacd migrate: $(((end - start) / 1000000)) ms"

# A server on the copy, with the credential the load used.
"${build}/server/hoptacd" -D "postgresql:${conninfo} dbname=moved" \
	-l "${url}" -o log_level=warn 2>>"${dir}/hoptacd.log" &
pid=$!
bench_wait
"${hoptac[@]}" --json summary --from 2024 --to 2024 |
	grep -o '"activities": *[0-9]*' | head -n 1 | sed 's/^/on the copy: /'
