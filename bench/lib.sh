# Sourced by the bench scripts: what they share. Sets root, and build:
# BENCH_BUILD_DIR, or build-release (the caller may set
# bench_build_default to another folder name first).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BENCH_BUILD_DIR:-${root}/${bench_build_default:-build-release}}"

# A credential the calling environment holds is for another server.
unset HOPTAC_TOKEN HOPTAC_TOKEN_FILE

# Installs what is missing and builds ${build} as build type $1 (Release
# by default), without the tests. bench/run.sh builds once and sets
# BENCH_BUILT for the scripts it calls.
bench_build() {
	if [[ -n "${BENCH_BUILT:-}" ]]; then
		return 0
	fi
	"${root}/deploy/install-deps.sh" >/dev/null
	cmake -S "${root}" -B "${build}" -DCMAKE_BUILD_TYPE="${1:-Release}" \
		-DHOPTAC_TESTS=OFF >/dev/null
	cmake --build "${build}" -j"$(nproc)" >/dev/null
}

# Waits until the server at ${hoptac[@]} answers: up to $1 tries (100),
# $2 seconds apart (0.05).
bench_wait() {
	for _ in $(seq "${1:-100}"); do
		"${hoptac[@]}" ping >/dev/null 2>&1 && return 0
		sleep "${2:-0.05}"
	done
	echo "bench: the server at ${hoptac[*]} did not answer" >&2
	return 1
}

# hoptacd init on the bench database $1; the administrator's token in
# $1.token.
bench_init() {
	"${build}/server/hoptacd" init -D "$1" -o "$1.token" 2>/dev/null
}

# Once the server of database $1 answers on ${hoptac[@]}: a credential
# that may write for any unit and read everything (peer, reviewer,
# admin), in HOPTAC_TOKEN for the rest.
bench_credential() {
	HOPTAC_TOKEN="$(HOPTAC_TOKEN_FILE="$1.token" "${hoptac[@]}" \
		admin issue --name bench --role peer,reviewer,admin 2>/dev/null)"
	export HOPTAC_TOKEN
}

# Stops the server the script started (${pid}), if any.
bench_stop() {
	if [[ -n "${pid:-}" ]]; then
		kill "${pid}" 2>/dev/null
		wait "${pid}" 2>/dev/null || true
		pid=""
	fi
}

# A server of ${build} of its own on ${url}, on the fresh database $1
# (bare sqlite starts from an empty one too), logging to ${dir}: the
# bench unit, and a credential in HOPTAC_TOKEN. Sets pid.
bench_serve() {
	bench_stop
	unset HOPTAC_TOKEN
	rm -f "$1" "$1-wal" "$1-shm" "$1.token"
	bench_init "$1"
	"${build}/server/hoptacd" -D "$1" -l "${url}" \
		-o log_level=warn 2>>"${dir}/hoptacd.log" &
	pid=$!
	bench_wait
	bench_credential "$1"
	"${hoptac[@]}" unit add BENCH "Bench unit" --kind other >/dev/null
}

# What process $1 has written to storage so far (bytes), and its peak
# memory (kB).
io_bytes() { awk '$1 == "write_bytes:" { print $2 }' "/proc/$1/io"; }
hwm_kb() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$1/status"; }
