#!/usr/bin/env bash
# The integration tests with hoptacd and hoptac under valgrind's memcheck:
# invalid reads and writes, uses of uninitialized memory, bad frees, and
# memory definitely lost when a process exits.
#
#   deploy/valgrind.sh [TEST...]      e.g. deploy/valgrind.sh test_backup
#
# The test programs themselves run natively; every hoptacd and hoptac they
# start goes through a wrapper that runs it under valgrind (the tests find
# them through $HOPTACD and $HOPTAC). A process with an error exits with
# status 99, which fails the test that started it, and leaves its report
# in the log directory. Tests know from HOPTAC_TEST_VALGRIND that times and
# memory are valgrind's, and leave their bounds on them aside.
#
# Environment:
#   BUILD_DIR               the Debug build to test (default build-valgrind/)
#   VALGRIND_LOG_DIR        where the reports go (default a new directory
#                           under ${TMPDIR:-/tmp})
#   HOPTAC_SOAK_SECONDS     the soak's length (default 10 here)
#   VALGRIND_JOBS           test programs run at once (default 2)
#
# Not part of deploy/test.sh: it takes about ten minutes on 2 cores.
# Exits non-zero if valgrind reported an error or a test failed.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_dir="$(deploy_dir "${BUILD_DIR:-build-valgrind}")"
jobs="${VALGRIND_JOBS:-2}"

"${root}/deploy/install-deps.sh"
"${root}/deploy/build.sh" "${build_dir}" -DCMAKE_BUILD_TYPE=Debug \
	-DHOPTAC_WERROR=ON -DHOPTAC_SANITIZE=

log_dir="${VALGRIND_LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/hoptac-valgrind.XXXXXX")}"
mkdir -p "${log_dir}"
wrap_dir="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-valgrind-wrap.XXXXXX")"
trap 'rm -rf "${wrap_dir}"' EXIT

# Writes a wrapper that runs $2 under memcheck, one log per process.
write_wrapper() {
	local name="$1" binary="$2"
	cat >"${wrap_dir}/${name}" <<EOF
#!/bin/sh
exec valgrind --tool=memcheck --leak-check=full \\
	--errors-for-leak-kinds=definite --show-leak-kinds=definite \\
	--error-exitcode=99 --num-callers=30 --track-origins=yes \\
	--suppressions="${root}/tests/valgrind.supp" \\
	--log-file="${log_dir}/${name}.%p.log" \\
	"${binary}" "\$@"
EOF
	chmod +x "${wrap_dir}/${name}"
}
write_wrapper hoptacd "${build_dir}/server/hoptacd"
write_wrapper hoptac "${build_dir}/client/hoptac"

if [[ $# -gt 0 ]]; then
	tests=("$@")
else
	tests=()
	for src in "${root}"/tests/integration/test_*.c; do
		tests+=("$(basename "${src}" .c)")
	done
fi

# Runs one test program; its output goes to $log_dir/<test>.out.
run_one() {
	local name="$1" rc=0 start
	start="$(date +%s)"
	env HOPTACD="${wrap_dir}/hoptacd" HOPTAC="${wrap_dir}/hoptac" \
		HOPTAC_TEST_DATA="${root}/tests/data" HOPTAC_TEST_VALGRIND=1 \
		HOPTAC_SOAK_SECONDS="${HOPTAC_SOAK_SECONDS:-10}" \
		timeout 1800 "${build_dir}/tests/${name}" \
		>"${log_dir}/${name}.out" 2>&1 || rc=$?
	echo "${name} ${rc} $(($(date +%s) - start))" >"${log_dir}/${name}.rc"
}
export -f run_one
export build_dir log_dir wrap_dir root

echo "valgrind: ${#tests[@]} test programs, ${jobs} at a time; reports in ${log_dir}"
printf '%s\n' "${tests[@]}" | xargs -P "${jobs}" -I{} bash -c 'run_one {}'

failed=0
for name in "${tests[@]}"; do
	read -r _ rc secs <"${log_dir}/${name}.rc"
	if [[ "${rc}" == 0 ]]; then
		echo "valgrind: ${name}: passed (${secs} s)"
	else
		echo "valgrind: ${name}: FAILED, exit ${rc} (${secs} s); see ${log_dir}/${name}.out"
		failed=1
	fi
done

processes=0
with_errors=()
for log in "${log_dir}"/hoptac*.log; do
	[[ -e "${log}" ]] || continue
	processes=$((processes + 1))
	if grep -q 'ERROR SUMMARY: [1-9]' "${log}"; then
		with_errors+=("${log}")
	fi
done
echo "valgrind: ${processes} processes checked, ${#with_errors[@]} with errors"
for log in "${with_errors[@]}"; do
	echo "--- ${log}"
	grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Mismatched|Syscall|Source and|[0-9,]+ bytes in)' "${log}" | head -n 20 || true
	failed=1
done
exit "${failed}"
