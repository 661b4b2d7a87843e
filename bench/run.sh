#!/usr/bin/env bash
# The benchmark suite in one go: installs what is missing, builds in
# release mode, measures the machine's limits and hoptac doing the same
# work in the same run, and prints a table in which each hoptac figure is
# a share of its limit. Nothing here fails because the machine is slow.
#
#   bench/run.sh
#
# Environment:
#   BENCH_SIZES      data sets for summary and consolidate
#                    (default "1000000 10000000"; ten million takes
#                    about half an hour to load on 2 cores)
#   BENCH_PG_SIZES   the same on PostgreSQL (default "1000000"; "" skips
#                    them); the write workloads and PostgreSQL's own
#                    limit run on a throwaway cluster whenever PostgreSQL
#                    15 is installed
#   BENCH_BACKLOG    activities in the sync backlog (default 100000)
#   BENCH_BUILD_DIR  (default build-release)
#   BENCH_PORT       first of the ports it uses (default 7440)
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
port="${BENCH_PORT:-7440}"
sizes="${BENCH_SIZES:-1000000 10000000}"
pg_sizes="${BENCH_PG_SIZES-1000000}"
backlog="${BENCH_BACKLOG:-100000}"
url="tcp://127.0.0.1:${port}"

bench_build
# The scripts called below use this build as it is.
export BENCH_BUILD_DIR="${build}" BENCH_BUILT=1

dir="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-bench.XXXXXX")"
hoptac=("${build}/client/hoptac" --server "${url}")
pid=""
echo_pid=""
trap 'bench_stop; bench_pg_stop; [[ -z "${echo_pid}" ]] || kill "${echo_pid}" 2>/dev/null; rm -rf "${dir}"' EXIT
# A server of its own for each workload, on a fresh database ($1.db).
serve() { bench_serve "${dir}/$1.db"; }

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(uname -srm)"
echo "versions: $(dpkg-query -W -f='${Package} ${Version} ' libnng1 libsqlite3-0 libprotobuf-c1 2>/dev/null)"

# Field value of "key=value" in a line.
val() {
	printf '%s\n' "$1" | awk -v k="$2" \
		'{ for (i = 1; i <= NF; i++) { split($i, p, "="); if (p[1] == k) print p[2] } }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }
status_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/${pid}/status"; }
# CPU time of hoptacd's writer thread so far, in clock ticks.
writer_ticks() {
	local t
	for t in /proc/"${pid}"/task/*; do
		if [[ "$(cat "${t}/comm")" == hoptacd-writer ]]; then
			awk '{print $14 + $15}' "${t}/stat"
			return
		fi
	done
	echo 0
}
# Clock ticks of the whole machine, busy and in all, from /proc/stat
# (idle and iowait are not busy).
machine_ticks() {
	awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}
# The busy share of the machine between two machine_ticks.
busy_share() {
	awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ");
		printf "%.0f%%", 100 * (y[1] - x[1]) / (y[2] - x[2]) }'
}
# CPU time of the whole server process so far, in clock ticks.
server_ticks() { awk '{print $14 + $15}' "/proc/${pid}/stat"; }
run() { # prints the line and keeps it in $out
	out="$("$@")"
	echo "${out}"
}

# hoptac, each workload on a fresh database.
serve one
idle_kb="$(status_kb VmRSS)"
run "${build}/bench/bench_submit" -s "${url}" -c 1 -n 5000
one="${out}"
serve many
w0="$(writer_ticks)"
s0="$(server_ticks)"
io0="$(awk '$1 == "write_bytes:" { print $2 }' "/proc/${pid}/io")"
m0="$(machine_ticks)"
run "${build}/bench/bench_submit" -s "${url}" -c 16 -n 1000
many="${out}"
m1="$(machine_ticks)"
s1="$(server_ticks)"
many_bpc=$((($(awk '$1 == "write_bytes:" { print $2 }' "/proc/${pid}/io") - io0) / $(val "${many}" calls)))
w1="$(writer_ticks)"
many_busy="$(busy_share "${m0}" "${m1}")"
server_us="$(awk -v t="$((s1 - s0))" -v hz="$(getconf CLK_TCK)" \
	-v n="$(val "${many}" calls)" 'BEGIN { printf "%.0f", 1e6 * t / hz / n }')"
load_kb="$(status_kb VmHWM)"
writer_busy="$(awk -v t="$((w1 - w0))" -v hz="$(getconf CLK_TCK)" \
	-v s="$(val "${many}" seconds)" 'BEGIN { printf "%.0f%%", 100 * t / hz / s }')"
serve batch1
run "${build}/bench/bench_submit" -s "${url}" -c 1 -n 100 -b 1000
batch1="${out}"
serve batch2
run "${build}/bench/bench_submit" -s "${url}" -c 2 -n 50 -b 1000
batch="${out}"
batch_kb="$(status_kb VmRSS)"
serve cli

# The limits for the same work: a bare nng echo of a message of the
# same size with the same clients; bare sqlite running the statements
# hoptacd's writer runs, on a database of hoptacd's schema, with the same
# durability, one call a transaction, 16 calls a transaction (what group
# commit makes of 16 clients), and batches; and the cheapest rows that
# could hold an activity.
run "${build}/bench/bench_echo" -u "tcp://127.0.0.1:$((port + 10))" -c 1 -n 5000 -s 400
echo1="${out}"
m0="$(machine_ticks)"
run "${build}/bench/bench_echo" -u "tcp://127.0.0.1:$((port + 11))" -c 16 -n 5000 -s 400
echo16="${out}"
echo_busy="$(busy_share "${m0}" "$(machine_ticks)")"
bare() {
	rm -f "${dir}"/bare.db* "${dir}/bare.token"
	"${build}/server/hoptacd" init -D "${dir}/bare.db" -o "${dir}/bare.token" 2>/dev/null
	run "${build}/bench/bench_sqlite" -f "${dir}/bare.db" -H "$@"
}
bare -n 5000 -b 1
sql1="${out}"
bare -n 16000 -b 1 -g 16
sql16="${out}"
bare -n 100000 -b 1000
sqlb="${out}"
run "${build}/bench/bench_sqlite" -f "${dir}/minimal.db" -n 100000 -b 1000
sqlmin="${out}"

# Whole processes of the command-line client: mean and median.
proc_ms() {
	local t=() s e
	for _ in $(seq 300); do
		s=$(date +%s%N)
		"$@" >/dev/null
		e=$(date +%s%N)
		t+=($(((e - s) / 1000)))
	done
	printf '%s\n' "${t[@]}" | sort -n |
		awk '{ a[NR] = $1; s += $1 } END { printf "%.1f ms (mean %.1f ms)", a[int(NR / 2) + 1] / 1000, s / NR / 1000 }'
}
median() { printf '%s\n' "$1" | awk '{ print $1 }'; }
ratio_ms() { # a duration's limit divided by it
	awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN { printf "%.0f%%", 100 * b / a }'
}
ping_ms="$(proc_ms "${hoptac[@]}" ping)"
echo "hoptac ping: ${ping_ms}"
# Its limit: a process that links nng alone and makes one call of the
# same size to a bare echo server.
"${build}/bench/bench_echo" -S -u "tcp://127.0.0.1:$((port + 12))" &
echo_pid=$!
sleep 0.2
bare_ms="$(proc_ms "${build}/bench/bench_echo" -1 -s 80 -u "tcp://127.0.0.1:$((port + 12))")"
kill "${echo_pid}"
echo_pid=""
echo "bare nng client process: ${bare_ms}"
add_ms="$(proc_ms "${hoptac[@]}" activity add --unit BENCH --partner LA-XE \
	--kind other --start 2024 --title "bench")"
echo "hoptac activity add: ${add_ms}"
bench_stop

# The same write workloads with the store on PostgreSQL, and
# PostgreSQL's own limit measured as sqlite's is: bare libpq storing the
# same rows with the same durability on a database of hoptacd's schema,
# a commit a call, 16 calls a commit, batches; and the cheapest rows.
pg=""
if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
	pg=1
	bench_store=postgresql
	serve one
	run "${build}/bench/bench_submit" -s "${url}" -c 1 -n 2000
	pg_one="${out}"
	serve many
	run "${build}/bench/bench_submit" -s "${url}" -c 16 -n 500
	pg_many="${out}"
	serve batch1
	run "${build}/bench/bench_submit" -s "${url}" -c 1 -n 50 -b 1000
	pg_batch1="${out}"
	serve batch2
	run "${build}/bench/bench_submit" -s "${url}" -c 2 -n 25 -b 1000
	pg_batch="${out}"
	bench_stop
	pg_bare() {
		bench_init "${dir}/bare.db"
		run "${build}/bench/bench_pg" -d "${bench_pg_conninfo} dbname=bench_bare" "$@"
	}
	pg_bare -H -n 2000
	pgsql1="${out}"
	pg_bare -H -n 16000 -g 16
	pgsql16="${out}"
	pg_bare -H -n 50000 -b 1000
	pgsqlb="${out}"
	pg_bare -H -n 50000 -b 1000 -P
	pgsqlbp="${out}"
	pg_bare -n 50000 -b 1000
	pgsqlmin="${out}"
	bench_store=sqlite
	bench_pg_stop
else
	echo "bench: PostgreSQL 15 is not installed: its half is skipped" >&2
fi

# The office's backlog, and the department's queries over large sets.
sync_out="$(BENCH_PORT=$((port + 2)) "${root}/bench/sync.sh" "${backlog}" | tee /dev/stderr)"
reports=()
for n in ${sizes}; do
	reports+=("$(BENCH_PORT=$((port + 1)) "${root}/bench/reporting.sh" "${n}" | tee /dev/stderr)")
done
pg_reports=()
if [[ -n "${pg}" ]]; then
	for n in ${pg_sizes}; do
		pg_reports+=("$(BENCH_STORE=postgresql BENCH_PORT=$((port + 1)) \
			"${root}/bench/reporting.sh" "${n}" | tee /dev/stderr)")
	done
fi

# The straightforward gRPC build of the same job, on the same write
# workloads, interleaved (bench/peer.sh), when its folder is there.
peer_file="${dir}/peer.txt"
BENCH_PEER_OUT="${peer_file}" BENCH_PORT=$((port + 20)) \
	"${root}/bench/peer.sh" 3 | tee /dev/stderr >/dev/null
# hoptac / peer for key $1 of bench/peer.sh's medians, or "-".
vs_peer() {
	if [[ -s "${peer_file}" ]]; then
		val "$(tr '\n' ' ' <"${peer_file}")" "$1_ratio"
	else
		echo "-"
	fi
}
peer_val() { [[ -s "${peer_file}" ]] && val "$(tr '\n' ' ' <"${peer_file}")" "$1" || echo "-"; }

# Milliseconds on the line of a report that begins with $2.
ms_of() { printf '%s\n' "$1" | awk -v p="$2" 'index($0, p) == 1 { print $(NF - 1) }'; }

cat <<EOF

| workload | hoptac | limit, same run | share | hoptac / peer |
| --- | ---: | ---: | ---: | ---: |
| 1 client, 1 activity a call | $(val "${one}" calls/s) calls/s, p50 $(val "${one}" p50_ms) ms, p99 $(val "${one}" p99_ms) ms | echo $(val "${echo1}" calls/s); sqlite, same statements, a commit each $(val "${sql1}" calls/s) | $(ratio "$(val "${one}" calls/s)" "$(val "${echo1}" calls/s)") of echo, $(ratio "$(val "${one}" calls/s)" "$(val "${sql1}" calls/s)") of sqlite | $(vs_peer one) |
| 16 clients, 1 activity a call | $(val "${many}" calls/s) calls/s, p50 $(val "${many}" p50_ms) ms, p99 $(val "${many}" p99_ms) ms; writer thread busy ${writer_busy}, server ${server_us} µs of CPU a call, machine busy ${many_busy} | echo $(val "${echo16}" calls/s) (machine busy ${echo_busy}); sqlite, same statements, 16 calls a commit $(val "${sql16}" calls/s) | $(ratio "$(val "${many}" calls/s)" "$(val "${echo16}" calls/s)") of echo, $(ratio "$(val "${many}" calls/s)" "$(val "${sql16}" calls/s)") of sqlite | $(vs_peer sixteen) |
| batches of 1,000, 1 client | $(val "${batch1}" records/s) activities/s | sqlite, same statements $(val "${sqlb}" rows/s) | $(ratio "$(val "${batch1}" records/s)" "$(val "${sqlb}" rows/s)") of sqlite | $(vs_peer batch) |
| batches of 1,000, 2 clients | $(val "${batch}" records/s) activities/s | sqlite, same statements $(val "${sqlb}" rows/s); cheapest rows $(val "${sqlmin}" rows/s) | $(ratio "$(val "${batch}" records/s)" "$(val "${sqlb}" rows/s)") of sqlite, $(ratio "$(val "${batch}" records/s)" "$(val "${sqlmin}" rows/s)") of cheapest | |
| hoptac ping, whole process (median) | ${ping_ms} | a process of nng alone, one call ${bare_ms} | $(ratio_ms "${ping_ms}" "${bare_ms}") (limit ÷ hoptac) | |
| hoptac activity add, whole process (median) | ${add_ms} | | | |
| bytes written to storage a call, 16 clients (/proc/PID/io) | ${many_bpc} | | | $(peer_val sixteen_bpc_hoptac) against the peer's $(peer_val sixteen_bpc_peer) |
| hoptacd resident memory | idle ${idle_kb} kB, peak under 16 clients ${load_kb} kB, after 100,000 activities in batches ${batch_kb} kB | | | peak in the peer's runs: 1 client $(peer_val one_hwm_hoptac)/$(peer_val one_hwm_peer) kB, 16 clients $(peer_val sixteen_hwm_hoptac)/$(peer_val sixteen_hwm_peer) kB, batches $(peer_val batch_hwm_hoptac)/$(peer_val batch_hwm_peer) kB |
| sync of a ${backlog}-activity backlog | $(ms_of "${sync_out}" "hoptac sync of") ms | | | |
| the floors under hoptac and the peer (bench/peer.sh) | | a round trip alone, 1 client: nng echo $(peer_val echo1) calls/s, gRPC ping $(peer_val ping1); the disk alone, 3 WAL frames and fdatasync, p50 $(peer_val fsync_p50) µs | | |
EOF
i=0
for n in ${sizes}; do
	r="${reports[${i}]}"
	i=$((i + 1))
	cat <<EOF
| loading ${n} activities (2 clients, batches of 1,000) | $(val "$(printf '%s\n' "${r}" | grep '^clients=')" records/s) activities/s | | | |
| summary, a year of ${n}: totals | $(ms_of "${r}" "hoptac summary --from 2024 --to 2024 (totals)") ms | target 50 ms | | |
| summary, a year of ${n}: by unit, kind | $(ms_of "${r}" "hoptac summary --from 2024 --to 2024 --by") ms | target 50 ms | | |
| summary, a request over ${n}: by partner, quarter | $(ms_of "${r}" "hoptac summary --request") ms | target 50 ms | | |
| consolidate, a request over ${n} | $(ms_of "${r}" "hoptac consolidate") ms | target 200 ms | | |
EOF
done
if [[ -n "${pg}" ]]; then
	cat <<EOF
| PostgreSQL: 1 client, 1 activity a call | $(val "${pg_one}" calls/s) calls/s, p50 $(val "${pg_one}" p50_ms) ms | bare libpq, same rows, a commit each $(val "${pgsql1}" calls/s) | $(ratio "$(val "${pg_one}" calls/s)" "$(val "${pgsql1}" calls/s)") | |
| PostgreSQL: 16 clients, 1 activity a call | $(val "${pg_many}" calls/s) calls/s, p50 $(val "${pg_many}" p50_ms) ms | bare libpq, 16 calls a commit $(val "${pgsql16}" calls/s) | $(ratio "$(val "${pg_many}" calls/s)" "$(val "${pgsql16}" calls/s)") | |
| PostgreSQL: batches of 1,000, 1 client | $(val "${pg_batch1}" records/s) activities/s | bare libpq, same rows $(val "${pgsqlb}" rows/s); in one pipeline $(val "${pgsqlbp}" rows/s) | $(ratio "$(val "${pg_batch1}" records/s)" "$(val "${pgsqlb}" rows/s)") | |
| PostgreSQL: batches of 1,000, 2 clients | $(val "${pg_batch}" records/s) activities/s | cheapest rows $(val "${pgsqlmin}" rows/s) | $(ratio "$(val "${pg_batch}" records/s)" "$(val "${pgsqlmin}" rows/s)") of cheapest | |
EOF
	i=0
	for n in ${pg_sizes}; do
		r="${pg_reports[${i}]}"
		i=$((i + 1))
		cat <<EOF
| PostgreSQL: loading ${n} activities (2 clients, batches of 1,000) | $(val "$(printf '%s\n' "${r}" | grep '^clients=')" records/s) activities/s | | | |
| PostgreSQL: summary, a year of ${n}: totals | $(ms_of "${r}" "hoptac summary --from 2024 --to 2024 (totals)") ms | target 50 ms | | |
| PostgreSQL: summary, a year of ${n}: by unit, kind | $(ms_of "${r}" "hoptac summary --from 2024 --to 2024 --by") ms | target 50 ms | | |
| PostgreSQL: summary, a request over ${n}: by partner, quarter | $(ms_of "${r}" "hoptac summary --request") ms | target 50 ms | | |
| PostgreSQL: consolidate, a request over ${n} | $(ms_of "${r}" "hoptac consolidate") ms | target 200 ms | | |
EOF
	done
fi
