#!/usr/bin/env bash
# Fuzzes what hoptac reads from outside (docs/fuzzing.md): builds the
# libFuzzer targets of tests/fuzz/ with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/, then runs each one for a
# bounded time, starting from its committed corpus and regressions.
#
#   deploy/fuzz.sh [TARGET...]      (default: all six)
#
# Environment:
#   FUZZ_SECONDS     how long each target runs (default 60)
#   FUZZ_BUILD_DIR   the clang build (default build-fuzz/)
#   BUILD_JOBS       compile jobs (default 2)
#
# The committed corpus is never written to: each run works on a copy in a
# temporary directory, removed afterwards. A crashing input is kept in
# FUZZ_BUILD_DIR/artifacts/TARGET/ and its path printed; copy it to
# tests/fuzz/regressions/TARGET/ once fixed. Exits non-zero when the build
# fails or a target finds a crash, a leak or undefined behaviour.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds="${FUZZ_SECONDS:-60}"
build_dir="$(deploy_dir "${FUZZ_BUILD_DIR:-build-fuzz}")"
jobs="${BUILD_JOBS:-2}"

all_targets=(envelope messages handlers csv report_file bundle docimport)
# Inputs longer than this are not tried: a little above the largest seed,
# so that the seeds fit and the fuzzer stays fast.
declare -A max_len=(
	[envelope]=4096
	[messages]=4096
	[handlers]=4096
	[csv]=6144
	[report_file]=12288
	[bundle]=8192
	[docimport]=6144
)

if [[ $# -gt 0 ]]; then
	targets=("$@")
else
	targets=("${all_targets[@]}")
fi
for t in "${targets[@]}"; do
	if [[ -z "${max_len[${t}]:-}" ]]; then
		echo "fuzz: unknown target ${t} (known: ${all_targets[*]})" >&2
		exit 2
	fi
done
if ! [[ "${seconds}" =~ ^[0-9]+$ ]] || [[ "${seconds}" -eq 0 ]]; then
	echo "fuzz: FUZZ_SECONDS must be a whole number of seconds, not '${seconds}'" >&2
	exit 2
fi

"${root}/deploy/install-deps.sh"

echo "fuzz: building the fuzzers in ${build_dir}"
cmake -S "${root}" -B "${build_dir}" -DCMAKE_C_COMPILER=clang \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOPTAC_FUZZ=ON -DHOPTAC_TESTS=ON \
	-DHOPTAC_WERROR=ON -DHOPTAC_SANITIZE=address,undefined >/dev/null
cmake --build "${build_dir}" -j "${jobs}" --target hoptac_fuzzers

work="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-fuzz.XXXXXX")"
trap 'rm -rf "${work}"' EXIT

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

crashed=0
results=()

# Copies the files of directory $1, if it exists, into $2.
copy_inputs() {
	if [[ -d "$1" ]]; then
		find "$1" -maxdepth 1 -type f ! -name '.*' -exec cp -- {} "$2"/ \;
	fi
}

for t in "${targets[@]}"; do
	corpus="${work}/${t}"
	artifacts="${build_dir}/artifacts/${t}"
	log="${build_dir}/artifacts/${t}.log"
	dict="${root}/tests/fuzz/dict/${t}.dict"
	args=()
	rc=0

	mkdir -p "${corpus}" "${artifacts}"
	copy_inputs "${root}/tests/fuzz/corpus/${t}" "${corpus}"
	copy_inputs "${root}/tests/fuzz/regressions/${t}" "${corpus}"
	seeds="$(find "${corpus}" -type f | wc -l)"
	if [[ -f "${dict}" ]]; then
		args+=("-dict=${dict}")
	fi
	echo "fuzz: ${t}: ${seconds} s from ${seeds} inputs"
	"${build_dir}/tests/fuzz/fuzz_${t}" -max_total_time="${seconds}" \
		-max_len="${max_len[${t}]}" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="${artifacts}/" \
		"${args[@]}" "${corpus}" >"${log}" 2>&1 || rc=$?

	execs="$(awk '/^stat::number_of_executed_units:/ { print $2 }' "${log}" | tail -n 1)"
	execs="${execs:-0}"
	size="$(find "${corpus}" -type f | wc -l)"
	found="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "${log}")"
	if [[ ${rc} -eq 0 ]]; then
		results+=("fuzz: ${t}: ${seconds} s, ${execs} executions ($((execs / seconds))/s), corpus ${seeds} -> ${size} inputs, 0 crashes")
		continue
	fi
	crashed=$((crashed + 1))
	echo "fuzz: ${t}: FAILED (exit ${rc}); the end of ${log}:"
	tail -n 60 "${log}" | sed 's/^/    /'
	results+=("fuzz: ${t}: ${seconds} s, ${execs} executions, corpus ${seeds} -> ${size} inputs, CRASH: ${found:-no input written, see ${log}}")
done

echo
for line in "${results[@]}"; do
	echo "${line}"
done
echo "fuzz: total: ${#targets[@]} targets, ${crashed} with a crash"
if [[ ${crashed} -ne 0 ]]; then
	exit 1
fi
