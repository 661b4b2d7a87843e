#!/usr/bin/env bash
# hoptac against the straightforward build of the same job: the C++ gRPC
# server with sqlite in ../shared/peers/grpc-sqlite (its README says what
# it does), on the same workloads, interleaved in one run. Each case runs
# on a fresh server and a fresh database; the order of the two changes
# every round. Prints every run, then a table of medians with the ratio
# hoptac / peer, the bytes each server wrote to storage a call
# (/proc/PID/io), its peak memory (VmHWM), and the bare nng echo at 16
# clients of the same rounds.
#
#   bench/peer.sh [ROUNDS]          (default 3)
#
# Environment:
#   PEER_DIR         the peer's sources (default ../shared/peers/grpc-sqlite
#                    beside the tree); nothing is written there
#   PEER_SECONDS     how long each peer run lasts (default 5)
#   BENCH_PORT       first of the ports it uses (default 7480)
#   BENCH_PEER_OUT   a file to write the medians to, as key=value lines
#                    (bench/run.sh reads it)
#
# The peer's build packages (gRPC, protobuf, g++) are installed here, for
# the benchmark only: the product never needs them. Exits 0 with a
# message when the peer's folder is not there. Nothing fails because the
# machine is slow.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rounds="${1:-3}"
peer_src="${PEER_DIR:-${root}/../shared/peers/grpc-sqlite}"
secs="${PEER_SECONDS:-5}"
port="${BENCH_PORT:-7480}"
url="tcp://127.0.0.1:${port}"
peer_port=$((port + 5))
out_file="${BENCH_PEER_OUT:-}"

if [[ ! -f "${peer_src}/server.cc" ]]; then
	echo "peer: no peer at ${peer_src}; skipped"
	exit 0
fi

# The peer's Debian build packages, when missing.
peer_packages=(libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev
	protobuf-compiler libsqlite3-dev g++ make pkg-config)
missing=()
for p in "${peer_packages[@]}"; do
	dpkg-query -W -f='${Status}' "${p}" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("${p}")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	sudo=()
	[[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >/dev/null
fi

bench_build
dir="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-peer.XXXXXX")"
hoptac=("${build}/client/hoptac" --server "${url}")
pid=""
peer_pid=""
peer_stop() {
	if [[ -n "${peer_pid}" ]]; then
		kill -TERM "${peer_pid}" 2>/dev/null || true
		wait "${peer_pid}" 2>/dev/null || true
		peer_pid=""
	fi
}
trap 'bench_stop; peer_stop; rm -rf "${dir}"' EXIT

# The peer is built in a copy, so its folder stays as it was.
cp -r "${peer_src}" "${dir}/peer"
make -C "${dir}/peer" -j"$(nproc)" >/dev/null
peer="${dir}/peer/build"

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(uname -srm)"

val() {
	printf '%s\n' "$1" | awk -v k="$2" \
		'{ for (i = 1; i <= NF; i++) { split($i, p, "="); if (p[1] == k) print p[2] } }'
}

# One hoptac case: bench_submit's arguments. Prints one line.
run_hoptac() {
	local w0 line
	bench_serve "${dir}/h.db"
	w0="$(io_bytes "${pid}")"
	line="$("${build}/bench/bench_submit" -s "${url}" "$@")"
	echo "hoptac ${line} write_bytes=$(($(io_bytes "${pid}") - w0)) hwm_kb=$(hwm_kb "${pid}")"
	bench_stop
}

# One peer case: its client's arguments. Prints one line.
run_peer() {
	local w0 line
	rm -f "${dir}"/p.db*
	"${peer}/server" --port "${peer_port}" --db "${dir}/p.db" \
		--group-commit 2>>"${dir}/peer.log" &
	peer_pid=$!
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/${peer_port}") 2>/dev/null && break
		sleep 0.05
	done
	w0="$(io_bytes "${peer_pid}")"
	line="$("${peer}/client" --target "127.0.0.1:${peer_port}" \
		--seconds "${secs}" "$@")"
	echo "peer ${line} write_bytes=$(($(io_bytes "${peer_pid}") - w0)) hwm_kb=$(hwm_kb "${peer_pid}")"
	peer_stop
}

# The workloads: name, hoptac's arguments | the peer's arguments.
workloads=(
	"one|-c 1 -n 5000|--threads 1"
	"sixteen|-c 16 -n 1000|--threads 16"
	"batch|-c 1 -n 100 -b 1000|--threads 1 --batch 1000"
)
results="${dir}/results"
: >"${results}"
for r in $(seq "${rounds}"); do
	for w in "${workloads[@]}"; do
		IFS='|' read -r name hargs pargs <<<"${w}"
		# shellcheck disable=SC2086 # the arguments are words
		if ((r % 2)); then
			h="$(run_hoptac ${hargs})"
			p="$(run_peer ${pargs})"
		else
			p="$(run_peer ${pargs})"
			h="$(run_hoptac ${hargs})"
		fi
		echo "round ${r} ${name}: ${h}"
		echo "round ${r} ${name}: ${p}"
		calls="$(val "${h}" calls)"
		echo "${name} h_rate=$(val "${h}" records/s) h_calls=$(val "${h}" calls/s)" \
			"h_p50_us=$(awk -v m="$(val "${h}" p50_ms)" 'BEGIN { printf "%.0f", m * 1000 }')" \
			"h_bpc=$(($(val "${h}" write_bytes) / calls))" \
			"h_hwm=$(val "${h}" hwm_kb)" \
			"p_rate=$(val "${p}" acts_per_s) p_calls=$(val "${p}" calls_per_s)" \
			"p_p50_us=$(val "${p}" p50_us)" \
			"p_bpc=$(awk -v b="$(val "${p}" write_bytes)" -v n="$(val "${p}" calls)" 'BEGIN { printf "%.0f", b / n }')" \
			"p_hwm=$(val "${p}" hwm_kb)" >>"${results}"
	done
	# The floors under both: each transport alone, answering at once,
	# and the disk alone, a commit's frames and its fdatasync.
	e="$("${build}/bench/bench_echo" -u "tcp://127.0.0.1:$((port + 6))" -c 16 -n 5000 -s 400)"
	echo "round ${r} echo16: ${e}"
	echo "echo16 calls=$(val "${e}" calls/s)" >>"${results}"
	e1="$("${build}/bench/bench_echo" -u "tcp://127.0.0.1:$((port + 6))" -c 1 -n 5000 -s 400)"
	p1="$(run_peer --mode ping --threads 1)"
	p16="$(run_peer --mode ping --threads 16)"
	f="$("${build}/bench/bench_fsync" -d "${dir}" -f 3 -n 2000)"
	echo "round ${r} floors: echo1 ${e1}; ping1 ${p1}; ping16 ${p16}; ${f}"
	echo "floor echo1=$(val "${e1}" calls/s) ping1=$(val "${p1}" calls_per_s)" \
		"ping16=$(val "${p16}" calls_per_s) fsync_p50=$(val "${f}" p50_us)" >>"${results}"
done

# The median of key $2 over the lines of workload $1 (max for memory).
med() {
	awk -v w="$1" -v k="$2" '$1 == w { for (i = 2; i <= NF; i++) {
		split($i, p, "="); if (p[1] == k) print p[2] } }' "${results}" |
		sort -g | awk -v k="$2" '{ v[NR] = $1 } END {
		if (k ~ /hwm/) print v[NR]; else print v[int((NR + 1) / 2)] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo
echo "| workload | hoptac | peer | hoptac / peer |"
echo "| --- | ---: | ---: | ---: |"
summary=()
for w in one sixteen batch; do
	hr="$(med "${w}" h_rate)"
	pr="$(med "${w}" p_rate)"
	hp="$(med "${w}" h_p50_us)"
	pp="$(med "${w}" p_p50_us)"
	echo "| ${w}: records/s | ${hr} | ${pr} | $(ratio "${hr}" "${pr}") |"
	echo "| ${w}: p50 µs | ${hp} | ${pp} | $(ratio "${hp}" "${pp}") |"
	echo "| ${w}: bytes written a call | $(med "${w}" h_bpc) | $(med "${w}" p_bpc) | $(ratio "$(med "${w}" h_bpc)" "$(med "${w}" p_bpc)") |"
	echo "| ${w}: peak memory kB | $(med "${w}" h_hwm) | $(med "${w}" p_hwm) | $(ratio "$(med "${w}" h_hwm)" "$(med "${w}" p_hwm)") |"
	summary+=("${w}_hoptac=${hr} ${w}_peer=${pr} ${w}_ratio=$(ratio "${hr}" "${pr}")"
		"${w}_p50_hoptac=${hp} ${w}_p50_peer=${pp}"
		"${w}_bpc_hoptac=$(med "${w}" h_bpc) ${w}_bpc_peer=$(med "${w}" p_bpc)"
		"${w}_hwm_hoptac=$(med "${w}" h_hwm) ${w}_hwm_peer=$(med "${w}" p_hwm)")
done
echo16="$(med echo16 calls)"
echo "| echo, 16 clients: calls/s | ${echo16} | | sixteen at $(awk -v a="$(med sixteen h_rate)" -v b="${echo16}" 'BEGIN { printf "%.0f%%", 100 * a / b }') of it |"
summary+=("echo16=${echo16}")
echo1="$(med floor echo1)"
ping1="$(med floor ping1)"
ping16="$(med floor ping16)"
echo "| transport alone, 1 client: calls/s (nng echo / gRPC ping) | ${echo1} | ${ping1} | $(ratio "${echo1}" "${ping1}") |"
echo "| transport alone, 16 clients: calls/s (nng echo / gRPC ping) | ${echo16} | ${ping16} | $(ratio "${echo16}" "${ping16}") |"
echo "| the disk alone: 3 frames and fdatasync, p50 µs (bench_fsync) | $(med floor fsync_p50) | | |"
summary+=("echo1=${echo1} ping1=${ping1} ping16=${ping16} fsync_p50=$(med floor fsync_p50)")
if [[ -n "${out_file}" ]]; then
	printf '%s\n' "${summary[@]}" >"${out_file}"
fi
