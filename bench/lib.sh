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

# The backend the bench databases are on: BENCH_STORE, "sqlite" (the
# default) or "postgresql" (a throwaway cluster of tests/pg/cluster.sh,
# started at the first database and stopped by bench_pg_stop).
bench_store="${BENCH_STORE:-sqlite}"
bench_pg_dir=""
bench_pg_conninfo=""

# The PostgreSQL database of the bench database at path $1: named after
# the file's base name.
bench_pg_dbname() { echo "bench_$(basename "$1" .db)"; }

# The name hoptacd is given for the bench database at path $1 (a file in
# the script's folder): the path on sqlite; on PostgreSQL a database
# named after the file's base name, in the cluster.
bench_db() {
	if [[ "${bench_store}" == sqlite ]]; then
		echo "$1"
	else
		echo "postgresql:${bench_pg_conninfo} dbname=$(bench_pg_dbname "$1")"
	fi
}

# A fresh, empty bench database for path $1 (files removed on sqlite, the
# database made again on PostgreSQL).
bench_db_fresh() {
	if [[ "${bench_store}" == sqlite ]]; then
		rm -f "$1" "$1-wal" "$1-shm" "$1.token"
		return
	fi
	bench_pg_start
	local n
	n="$(bench_pg_dbname "$1")"
	rm -f "$1.token"
	psql -XAtq "${bench_pg_conninfo} dbname=postgres" \
		-c "SET client_min_messages = warning" \
		-c "DROP DATABASE IF EXISTS ${n} WITH (FORCE)" \
		-c "CREATE DATABASE ${n}"
}

# Starts the cluster on PostgreSQL, once; a script whose databases are
# made in subshells calls it first, so that they share it and its trap
# stops it.
bench_pg_start() {
	if [[ "${bench_store}" != sqlite && -z "${bench_pg_dir}" ]]; then
		bench_pg_dir="$(mktemp -d "/tmp/hoptac-bench-pg.XXXXXX")"
		chmod 755 "${bench_pg_dir}" # the postgres user's cluster is there
		bench_pg_conninfo="$("${root}/tests/pg/cluster.sh" start \
			"${bench_pg_dir}/c")"
	fi
}

# Stops the cluster bench_pg_start started, if any.
bench_pg_stop() {
	if [[ -n "${bench_pg_dir}" ]]; then
		"${root}/tests/pg/cluster.sh" stop "${bench_pg_dir}/c" >/dev/null 2>&1 || true
		rmdir "${bench_pg_dir}" 2>/dev/null || true
		bench_pg_dir=""
	fi
}

# What a bulk load on PostgreSQL leaves to autovacuum and the
# checkpointer for minutes afterwards, done at once in database $1:
# VACUUM (ANALYZE), then CHECKPOINT; prints the seconds it took.
bench_pg_settle() {
	local start=${SECONDS}
	psql -XAtq "${bench_pg_conninfo} dbname=$1" -c "VACUUM (ANALYZE)" \
		-c CHECKPOINT
	echo $((SECONDS - start))
}

# hoptacd init on the bench database of path $1 (fresh); the
# administrator's token in $1.token.
bench_init() {
	bench_db_fresh "$1"
	"${build}/server/hoptacd" init -D "$(bench_db "$1")" -o "$1.token" 2>/dev/null
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

# A server of ${build} of its own on ${url}, on the fresh database of
# path $1 (bench_db: on BENCH_STORE), logging to ${dir}: the
# bench unit, and a credential in HOPTAC_TOKEN. Sets pid.
bench_serve() {
	bench_stop
	unset HOPTAC_TOKEN
	bench_init "$1"
	"${build}/server/hoptacd" -D "$(bench_db "$1")" -l "${url}" \
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
