#!/usr/bin/env bash
# A/B of the write path between two revisions, on this machine, in one
# run: builds each revision in Release mode in a folder of its own, then
# runs the submit workloads of bench/run.sh (one client, 16 clients,
# batches of 1,000) round after round, alternating the two builds, each
# workload on a fresh server and database, the first of each pair
# changing every round. Prints every run and the
# median of each workload for each build. For "did this change move the
# figures?", where the noise of the machine over a day would hide it.
#
#   bench/ab.sh REV_A REV_B [ROUNDS]     (ROUNDS default 3)
#
# Environment: BENCH_PORT (default 7460), BENCH_AB_DIR (where the builds
# go; default build-ab/ at the top of the tree, kept between runs),
# BENCH_STORE (sqlite, or postgresql for a throwaway cluster).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [[ $# -lt 2 ]]; then
	echo "usage: bench/ab.sh REV_A REV_B [ROUNDS]" >&2
	exit 2
fi
rounds="${3:-3}"
port="${BENCH_PORT:-7460}"
url="tcp://127.0.0.1:${port}"
ab="${BENCH_AB_DIR:-${root}/build-ab}"
dir="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-ab.XXXXXX")"
pid=""
trap 'bench_stop; bench_pg_stop; rm -rf "${dir}"' EXIT
bench_pg_start

"${root}/deploy/install-deps.sh" >/dev/null
# Builds revision $1 into ${ab}/<commit>; prints that folder.
build_rev() {
	local rev src out
	rev="$(git -C "${root}" rev-parse --short "$1^{commit}")"
	src="${ab}/src-${rev}"
	out="${ab}/build-${rev}"
	if [[ ! -x "${out}/bench/bench_submit" ]]; then
		rm -rf "${src}"
		mkdir -p "${src}"
		git -C "${root}" archive "${rev}" | tar -x -C "${src}"
		cmake -S "${src}" -B "${out}" -DCMAKE_BUILD_TYPE=Release \
			-DHOPTAC_TESTS=OFF >/dev/null
		cmake --build "${out}" -j"$(nproc)" >/dev/null
	fi
	echo "${out}"
}
a="$(build_rev "$1")"
b="$(build_rev "$2")"

# Runs workload $2 (bench_submit's arguments after the first) with the
# build $1 on a fresh server; prints bench_submit's line and what the
# server wrote to storage meanwhile (write_bytes).
measure() {
	build="$1"
	shift
	hoptac=("${build}/client/hoptac" --server "${url}")
	local w0 line
	bench_serve "${dir}/ab.db"
	w0="$(io_bytes "${pid}")"
	line="$("${build}/bench/bench_submit" -s "${url}" "$@")"
	echo "${line} write_bytes=$(($(io_bytes "${pid}") - w0))"
	bench_stop
}

# The value of key $2 in the line $1 of key=value words.
field() { printf '%s\n' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}' | tail -n 1; }

workloads=("-c 1 -n 5000" "-c 16 -n 1000" "-c 1 -n 100 -b 1000")
names=("1 client" "16 clients" "batches")
results="${dir}/results"
: >"${results}"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
echo "A: $1 (${a})"
echo "B: $2 (${b})"
for r in $(seq "${rounds}"); do
	for w in "${!workloads[@]}"; do
		# Who goes first changes every round, so that neither build
		# always meets the machine just after the other.
		order="A B"
		((r % 2 == 0)) && order="B A"
		for side in ${order}; do
			[[ ${side} == A ]] && bb="${a}" || bb="${b}"
			# shellcheck disable=SC2086
			line="$(measure "${bb}" ${workloads[w]})"
			echo "round ${r} ${side} ${names[w]}: ${line}"
			rate="$(field "${line}" records/s)"
			bpc="$(($(field "${line}" write_bytes) / $(field "${line}" calls)))"
			echo "${w} ${side} ${rate} ${bpc}" >>"${results}"
		done
	done
done
# The median of column $3 of the results of workload $1, build $2.
median() {
	awk -v w="$1" -v s="$2" -v k="$3" '$1 == w && $2 == s {print $k}' \
		"${results}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
echo
echo "median of ${rounds} rounds (records/s; bytes written to storage a call):"
for w in "${!workloads[@]}"; do
	ma="$(median "${w}" A 3)"
	mb="$(median "${w}" B 3)"
	printf '  %-10s A %s  B %s  B/A %s   bytes a call A %s  B %s\n' \
		"${names[w]}" "${ma}" "${mb}" \
		"$(awk -v a="${ma}" -v b="${mb}" 'BEGIN { printf "%.2f", b / a }')" \
		"$(median "${w}" A 4)" "$(median "${w}" B 4)"
done
