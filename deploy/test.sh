#!/usr/bin/env bash
# All the tests: installs what is missing, builds with Debug and runs ctest
# (the store and integration tests twice: on sqlite, and on PostgreSQL
# in a throwaway cluster, labels unit-pg and integration-pg), then builds
# again with AddressSanitizer and UndefinedBehaviorSanitizer
# and runs ctest there too, then fuzzes each fuzz target for a short,
# bounded time (deploy/fuzz.sh).
#
#   deploy/test.sh
#
# Environment:
#   BUILD_DIR              the Debug build (default build/)
#   ASAN_BUILD_DIR         the sanitizer build (default build-asan/)
#   HOPTAC_SKIP_SANITIZE   1: skip the sanitizer build and run
#   HOPTAC_SKIP_FUZZ       1: skip the fuzzing
#   FUZZ_SECONDS           how long each fuzz target runs (default 30)
#   CTEST_JOBS             tests run at once (default 2)
#
# Exits non-zero if a build or a test fails, or a fuzz target finds a
# crash. The last lines sum up every step.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_dir="${BUILD_DIR:-build}"
asan_dir="${ASAN_BUILD_DIR:-build-asan}"
jobs="${CTEST_JOBS:-2}"

"${root}/deploy/install-deps.sh"

failed=0
total_passed=0
total_failed=0
build_failures=0
summary=()

# Runs ctest in $2, with the ctest arguments after it, and records the
# outcome under the name $1.
run_ctest() {
	local name="$1" dir="$2" log rc=0 line passed=0 failed_n=0 total=0
	shift 2
	log="$(mktemp "${TMPDIR:-/tmp}/hoptac-ctest.XXXXXX")"
	echo "test: ${name}: ctest in ${dir}"
	(cd "${dir}" && ctest --output-on-failure -j "${jobs}" "$@") 2>&1 |
		tee "${log}" || rc=$?
	# "100% tests passed, 0 tests failed out of 24"
	line="$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "${log}" |
		tail -n 1 || true)"
	rm -f "${log}"
	if [[ "${line}" =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
		failed_n="${BASH_REMATCH[1]}"
		total="${BASH_REMATCH[2]}"
		passed=$((total - failed_n))
	fi
	if [[ ${rc} -ne 0 || ${total} -eq 0 ]]; then
		failed=1
		if [[ ${total} -eq 0 ]]; then
			summary+=("${name}: FAILED (ctest exit ${rc}, no test ran)")
			return 0
		fi
		summary+=("${name}: FAILED, ${passed} of ${total} tests passed")
	else
		summary+=("${name}: ok, ${passed} of ${total} tests passed")
	fi
	total_passed=$((total_passed + passed))
	total_failed=$((total_failed + failed_n))
	return 0
}

# Builds into $2 with the cmake arguments after it, then runs ctest there
# with the arguments in the array ctest_args.
build_and_test() {
	local name="$1" dir="$2"
	shift 2
	echo "test: ${name}: building in ${dir}"
	if ! "${root}/deploy/build.sh" "${dir}" "$@"; then
		failed=1
		build_failures=$((build_failures + 1))
		summary+=("${name}: FAILED to build")
		return 0
	fi
	run_ctest "${name}" "${dir}" "${ctest_args[@]}"
}

# The options are given in full so that a cache left by another build
# (deploy/demo.sh turns HOPTAC_WERROR off) does not carry over.
# The Debug run includes the Debian package's test (label package: it
# builds the package, installs it with dpkg -i, runs it and removes it;
# skipped unless root); the sanitizer run leaves it out, as its package
# would be the same.
# The PostgreSQL half runs in the Debug build only: the sanitizers
# check the same C code on sqlite, and once is enough for the time CI
# has. Without PostgreSQL 15 (it could not be installed) it is skipped,
# and the summary says so.
pg_bin=/usr/lib/postgresql/15/bin
if [[ ! -x "${pg_bin}/initdb" ]]; then
	echo "test: ************************************************************"
	echo "test: PostgreSQL 15 is NOT installed: the store and integration"
	echo "test: tests will NOT run on PostgreSQL (only on sqlite)"
	echo "test: ************************************************************"
	summary+=("postgresql: SKIPPED, PostgreSQL 15 not installed (${pg_bin}/initdb)")
fi
ctest_args=()
build_and_test debug "${build_dir}" -DCMAKE_BUILD_TYPE=Debug \
	-DHOPTAC_WERROR=ON -DHOPTAC_SANITIZE= -DHOPTAC_TEST_PG=ON

if [[ "${HOPTAC_SKIP_SANITIZE:-0}" == 1 ]]; then
	summary+=("asan+ubsan: skipped (HOPTAC_SKIP_SANITIZE=1)")
else
	export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
	ctest_args=(-LE package)
	build_and_test asan+ubsan "${asan_dir}" \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOPTAC_WERROR=ON \
		-DHOPTAC_SANITIZE=address,undefined -DHOPTAC_TEST_PG=OFF
fi

# Runs deploy/fuzz.sh; each target counts as one test, passed when it
# ran its time without a crash.
run_fuzz() {
	local log rc=0 line targets=0 crashed=0
	log="$(mktemp "${TMPDIR:-/tmp}/hoptac-fuzz.XXXXXX")"
	echo "test: fuzz: ${FUZZ_SECONDS:-30} s per target"
	FUZZ_SECONDS="${FUZZ_SECONDS:-30}" "${root}/deploy/fuzz.sh" 2>&1 |
		tee "${log}" || rc=$?
	# "fuzz: total: 6 targets, 0 with a crash"
	line="$(grep -E '^fuzz: total: [0-9]+ targets, [0-9]+ with a crash' "${log}" |
		tail -n 1 || true)"
	rm -f "${log}"
	if [[ "${line}" =~ ([0-9]+)\ targets,\ ([0-9]+)\ with ]]; then
		targets="${BASH_REMATCH[1]}"
		crashed="${BASH_REMATCH[2]}"
	fi
	if [[ ${targets} -eq 0 ]]; then
		failed=1
		build_failures=$((build_failures + 1))
		summary+=("fuzz: FAILED (exit ${rc}, no target ran)")
		return 0
	fi
	if [[ ${rc} -ne 0 || ${crashed} -ne 0 ]]; then
		failed=1
		summary+=("fuzz: FAILED, ${crashed} of ${targets} targets found a crash (inputs in ${FUZZ_BUILD_DIR:-build-fuzz}/artifacts/)")
	else
		summary+=("fuzz: ok, ${targets} of ${targets} targets ran ${FUZZ_SECONDS:-30} s without a crash")
	fi
	total_passed=$((total_passed + targets - crashed))
	total_failed=$((total_failed + crashed))
	return 0
}

if [[ "${HOPTAC_SKIP_FUZZ:-0}" == 1 ]]; then
	summary+=("fuzz: skipped (HOPTAC_SKIP_FUZZ=1)")
else
	run_fuzz
fi

echo
for line in "${summary[@]}"; do
	echo "test: ${line}"
done
if [[ ${build_failures} -eq 0 ]]; then
	echo "total: ${total_passed} passed, ${total_failed} failed"
else
	echo "total: ${total_passed} passed, ${total_failed} failed, ${build_failures} build(s) failed"
fi
exit "${failed}"
