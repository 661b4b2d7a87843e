#!/usr/bin/env bash
# Installs, from Debian's packages, everything needed to build and test
# hoptac. Only what is missing is installed; safe to run again.
set -euo pipefail

# The packages, one per line: "name  # what it is for".
PACKAGES=(
	cmake               # the build system (CMakeLists.txt)
	make                # what cmake generates by default
	gcc                 # the C compiler
	libc6-dev           # the C library headers (not pulled in without recommends)
	pkg-config          # finds protobuf-c, sqlite3, json-c and cmocka for cmake
	libnng-dev          # nng: the REQ/REP messaging between hoptac and hoptacd
	libprotobuf-c-dev   # protobuf-c runtime: the wire messages
	protobuf-c-compiler # protoc-c: generates C code from proto/*.proto
	libsqlite3-dev      # sqlite3: the server's storage
	libpq-dev           # libpq: the server's PostgreSQL store (store = postgresql:...)
	postgresql-15       # PostgreSQL 15: the tests run the store on a throwaway cluster (tests/pg/cluster.sh)
	libcmocka-dev       # cmocka: the unit and integration tests
	libunistring-dev    # libunistring: Unicode normalization and case folding for search
	libcsv-dev          # libcsv: reading activities from CSV files
	libzip-dev          # libzip: .docx documents: read by report import, written by consolidate
	libxml2-dev         # libxml2: the XML of a .docx report document (report import; tests)
	libjson-c-dev       # json-c: JSON output and input for scripts
	libsystemd-dev      # sd_notify: hoptacd tells systemd when it serves (Type=notify)
	libmbedtls-dev      # mbedTLS (crypto): SHA-256 checksums of bundles and receipts, ECDSA signatures of bundles
	sqlite3             # the sqlite3 command-line shell: tests inspect databases with it
	openssl             # deploy/make-certs.sh: a CA and server certificate for tls+tcp://
	clang               # second compiler, for sanitizer and fuzzing builds
	libclang-rt-14-dev  # clang's libFuzzer and sanitizer runtimes (deploy/fuzz.sh); only recommended by clang
	procps              # ps, pgrep, kill: tests and scripts watch processes with them
	valgrind            # deploy/valgrind.sh: the integration tests under memcheck
	libmicrohttpd-dev   # libmicrohttpd: hoptac-web's HTTP server (web/), chosen by bench/bench_http.c
	libjs-chart.js      # Chart.js, served by hoptac-web itself for the summaries' charts (no CDN)
	chromium            # the web test drives a real browser, headless (tests/integration/test_web.c)
	python3             # the web test speaks chromium's DevTools protocol (tests/integration/web_browser.py)
	gettext             # msgfmt: compiles po/vi.po (the client's Vietnamese messages) and po/web/vi.po (hoptac-web's, checked with xgettext, msgcmp, msgattrib) at build time
	locales             # the vi_VN.UTF-8 locale (generated below), so that LANG=vi_VN.UTF-8 works
)

# The Vietnamese locale that LANG=vi_VN.UTF-8 names: generated once, when
# the locales package is there and this may write /etc/locale.gen.
vi_locale() {
	if locale -a 2>/dev/null | grep -qiE '^vi_VN\.utf-?8$'; then
		return 0
	fi
	if [[ ! -f /etc/locale.gen ]] || ! command -v locale-gen >/dev/null 2>&1; then
		return 0
	fi
	local sudo=()
	if [[ "$(id -u)" -ne 0 ]]; then
		command -v sudo >/dev/null 2>&1 || {
			echo "install-deps: not root: generate vi_VN.UTF-8 with locale-gen" >&2
			return 0
		}
		sudo=(sudo)
	fi
	echo "install-deps: generating the vi_VN.UTF-8 locale"
	"${sudo[@]}" sed -i 's/^# *\(vi_VN\.UTF-8 UTF-8\)/\1/' /etc/locale.gen
	grep -q '^vi_VN\.UTF-8 UTF-8' /etc/locale.gen ||
		echo 'vi_VN.UTF-8 UTF-8' | "${sudo[@]}" tee -a /etc/locale.gen >/dev/null
	"${sudo[@]}" locale-gen >/dev/null
}

missing=()
for pkg in "${PACKAGES[@]}"; do
	status="$(dpkg-query -W -f='${db:Status-Status}' "${pkg}" 2>/dev/null || true)"
	if [[ "${status}" != "installed" ]]; then
		missing+=("${pkg}")
	fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
	echo "install-deps: all ${#PACKAGES[@]} packages are installed"
	vi_locale
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: apt-get not found; install these by hand: ${missing[*]}" >&2
	exit 1
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "install-deps: not root and no sudo; install these as root: ${missing[*]}" >&2
		exit 1
	fi
	SUDO=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${missing[@]}"
vi_locale
echo "install-deps: done"
