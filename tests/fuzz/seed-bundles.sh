#!/usr/bin/env bash
# Writes the bundle target's seeds with the real client and server: a
# bundle that `hoptac export` writes and signs of the activities of
# tests/data/dak-glei-2024.csv (queued while no server answers), the
# receipt `hoptac bundle apply` writes for it, and damaged copies of both
# (a flipped byte, a cut, a wrong kind line).
#
#   tests/fuzz/seed-bundles.sh BUILD_DIR OUT_DIR
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "$1" && pwd)"
out="$2"
hoptac="${build}/client/hoptac"
hoptacd="${build}/server/hoptacd"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-seeds.XXXXXX")"
pid=""
cleanup() {
	if [[ -n "${pid}" ]]; then
		kill "${pid}" 2>/dev/null || true
		wait "${pid}" 2>/dev/null || true
	fi
	rm -rf "${tmp}"
}
trap cleanup EXIT

export HOPTAC_OUTBOX="${tmp}/outbox.db"
export HOPTAC_SERVER="ipc://${tmp}/hoptacd.sock"
mkdir -p "${out}"

"${hoptacd}" init -D "${tmp}/hoptac.db" -o "${tmp}/admin.token" >/dev/null
"${hoptacd}" -d -D "${tmp}/hoptac.db" -l "${HOPTAC_SERVER}" 2>"${tmp}/hoptacd.log" &
pid=$!
for _ in $(seq 50); do
	"${hoptac}" --timeout 200 ping >/dev/null 2>&1 && break
	sleep 0.1
done
export HOPTAC_TOKEN_FILE="${tmp}/admin.token"
"${hoptac}" unit import "${root}/deploy/registry/units.csv" >/dev/null
"${hoptac}" admin issue --name "Văn thư huyện Đắk Glei" --role office \
	--unit KT-DAKGLEI --output "${tmp}/office.token" >/dev/null
"${hoptac}" admin issue --name "Sở Ngoại vụ" --role peer \
	--output "${tmp}/department.token" >/dev/null

# The office registers its signing key, then queues the import with no
# server to answer (another address) and signs the bundle.
export HOPTAC_TOKEN_FILE="${tmp}/office.token"
"${hoptac}" key register >/dev/null
HOPTAC_SERVER="ipc://${tmp}/nobody.sock" "${hoptac}" --timeout 300 \
	import "${root}/tests/data/dak-glei-2024.csv" >/dev/null 2>&1 || true
"${hoptac}" export "${out}/dak-glei.bundle" --unit KT-DAKGLEI >/dev/null

export HOPTAC_TOKEN_FILE="${tmp}/department.token"
"${hoptac}" bundle apply "${out}/dak-glei.bundle" \
	--receipt "${out}/dak-glei.receipt" >/dev/null

# Damaged copies: a flipped bit in the message, a cut, a wrong kind line.
damage() {
	local from="$1" to="$2" offset="$3" how="$4" byte
	case "${how}" in
	flip)
		cp "${from}" "${to}"
		byte=$(($(od -An -tu1 -j "${offset}" -N1 "${from}") ^ 1))
		printf '%b' "\\0$(printf '%03o' "${byte}")" |
			dd of="${to}" bs=1 seek="${offset}" conv=notrunc status=none
		;;
	cut) head -c "${offset}" "${from}" >"${to}" ;;
	esac
}
damage "${out}/dak-glei.bundle" "${out}/flipped.bundle" 400 flip
damage "${out}/dak-glei.bundle" "${out}/cut.bundle" 300 cut
damage "${out}/dak-glei.bundle" "${out}/wrong-kind.bundle" 3 flip
damage "${out}/dak-glei.receipt" "${out}/flipped.receipt" 120 flip
damage "${out}/dak-glei.receipt" "${out}/cut.receipt" 90 cut
ls -l "${out}"
