#!/usr/bin/env bash
# Which B-trees a workload writes: runs hoptacd with checkpoints put off
# (every frame stays in the WAL), sends bench_submit's workload, stops
# the server with SIGKILL (so nothing is checkpointed on the way out),
# then reads the WAL's frames written during the workload and names the
# table or index of each page (sqlite's dbstat). Prints, for each B-tree
# and for the free-list and header pages, the frames a call and the
# bytes a call. The bytes a checkpoint then copies into the database are
# not counted: this is what the commits write.
#
#   bench/walpages.sh [BENCH_SUBMIT_ARGS...]    (default -c 16 -n 1000)
#
# Environment: BENCH_BUILD_DIR (default build-release/), BENCH_PORT
# (default 7490). Needs python3 (its sqlite3 module, for dbstat).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
port="${BENCH_PORT:-7490}"
url="tcp://127.0.0.1:${port}"
[[ $# -gt 0 ]] || set -- -c 16 -n 1000

bench_build
dir="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-walpages.XXXXXX")"
pid=""
trap '[[ -n "${pid}" ]] && kill -9 "${pid}" 2>/dev/null; rm -rf "${dir}"' EXIT
hoptac=("${build}/client/hoptac" --server "${url}")
db="${dir}/w.db"

bench_init "${db}"
"${build}/server/hoptacd" -D "${db}" -l "${url}" -o log_level=warn \
	-o wal_checkpoint_size=1G 2>>"${dir}/hoptacd.log" &
pid=$!
bench_wait
bench_credential "${db}"
"${hoptac[@]}" unit add BENCH "Bench unit" --kind other >/dev/null
start="$(stat -c %s "${db}-wal")"
line="$("${build}/bench/bench_submit" -s "${url}" "$@")"
kill -9 "${pid}"
wait "${pid}" 2>/dev/null || true
pid=""
echo "workload: $* -> ${line}"

python3 - "${db}" "${start}" "$(printf '%s\n' "${line}" | tr ' ' '\n' |
	awk -F= '$1 == "calls" {print $2}')" <<'EOF'
import collections, sqlite3, struct, sys

db, start, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
wal = open(db + "-wal", "rb").read()
page_size = struct.unpack(">I", wal[8:12])[0]
frame = 24 + page_size
# Frames begin after the 32-byte header; count those at or past start.
first = max(0, (start - 32 + frame - 1) // frame)
pages = collections.Counter()
for off in range(32 + first * frame, len(wal) - frame + 1, frame):
    pages[struct.unpack(">I", wal[off:off + 4])[0]] += 1

con = sqlite3.connect(db)
names = {p: n for n, p in con.execute("SELECT name, pageno FROM dbstat")}
names[1] = "(header page)"
by = collections.Counter()
for p, n in pages.items():
    by[names.get(p, "(free-list)")] += n
total = sum(by.values())
print(f"{calls} calls, {total} frames of {page_size} bytes written: "
      f"{total * frame / calls:.0f} bytes a call")
print(f"{'b-tree':40} {'frames a call':>14} {'bytes a call':>13}")
for n, k in by.most_common():
    print(f"{n:40} {k / calls:14.3f} {k * frame / calls:13.0f}")
EOF
