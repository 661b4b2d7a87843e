#!/usr/bin/env bash
# Where the CPU of a write workload goes, by thread: a server of its own
# on a fresh database, bench_submit's workload (default 16 clients, one
# activity a call, 2,000 calls each), then the user and system CPU a call
# of each of hoptacd's threads (grouped by name: nng's task threads are
# many; the threads that ended during the run, as a settling's helper,
# together), of the whole server and of bench_submit, and how idle the
# machine was (/proc/stat). For "which thread bounds this workload".
#
#   bench/threads.sh [BENCH_SUBMIT_ARGS...]    (default -c 16 -n 2000)
#
# Environment: BENCH_BUILD_DIR (default build-release/), BENCH_PORT
# (default 7495).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
port="${BENCH_PORT:-7495}"
url="tcp://127.0.0.1:${port}"
[[ $# -gt 0 ]] || set -- -c 16 -n 2000

bench_build
dir="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-threads.XXXXXX")"
# shellcheck disable=SC2034 # lib.sh's bench_serve calls it
hoptac=("${build}/client/hoptac" --server "${url}")
pid=""
trap 'bench_stop; rm -rf "${dir}"' EXIT
bench_serve "${dir}/t.db"

# "name user system" in clock ticks, summed over the threads of a name.
threads() {
	local t
	for t in /proc/"${pid}"/task/*; do
		printf '%s %s\n' "$(tr ' ' _ <"${t}/comm")" \
			"$(awk '{print $14, $15}' "${t}/stat")"
	done | awk '{ u[$1] += $2; s[$1] += $3 }
		END { for (k in u) print k, u[k], s[k] }' | sort
}
# The whole server's "user system", threads that have exited included.
process() { awk '{print $14, $15}' /proc/"${pid}"/stat; }
machine() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print $5 + $6, t }' /proc/stat; }

before="$(threads)"
p0="$(process)"
m0="$(machine)"
# bash's own time: /usr/bin/time is not on every machine.
TIMEFORMAT='%U %S'
{ time "${build}/bench/bench_submit" -s "${url}" "$@" >"${dir}/line"; } \
	2>"${dir}/time"
cat "${dir}/line"
after="$(threads)"
p1="$(process)"
m1="$(machine)"
calls="$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^calls=/) { sub("calls=", "", $i); print $i } }' "${dir}/line")"
clk="$(getconf CLK_TCK)"

printf '%-20s %12s %12s\n' "thread" "user µs/call" "sys µs/call"
join <(echo "${before}") <(echo "${after}") |
	awk -v n="${calls}" -v clk="${clk}" -v p0="${p0}" -v p1="${p1}" '
	{ u = ($4 - $2) / clk * 1e6 / n; s = ($5 - $3) / clk * 1e6 / n
	  tu += u; ts += s
	  if (u + s > 0) printf "%-20s %12.1f %12.1f\n", $1, u, s }
	END { split(p0, a, " "); split(p1, b, " ")
	  pu = (b[1] - a[1]) / clk * 1e6 / n; ps = (b[2] - a[2]) / clk * 1e6 / n
	  # A settling'"'"'s helper (hoptacd-settle) is gone by the end.
	  printf "%-20s %12.1f %12.1f\n", "threads gone", pu - tu, ps - ts
	  printf "%-20s %12.1f %12.1f\n", "hoptacd, all", pu, ps }'
tail -n 1 "${dir}/time" | awk -v n="${calls}" \
	'{ printf "%-20s %12.1f %12.1f\n", "bench_submit", $1 * 1e6 / n, $2 * 1e6 / n }'
awk -v a="${m0}" -v b="${m1}" 'BEGIN { split(a, x, " "); split(b, y, " ");
	printf "machine idle: %.0f%%\n", 100 * (y[1] - x[1]) / (y[2] - x[2]) }'
