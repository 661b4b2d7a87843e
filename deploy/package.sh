#!/usr/bin/env bash
# Builds the Debian package hoptac_<version>_<arch>.deb: a release build
# installed under /usr, packed by CPack with the dependencies
# dpkg-shlibdeps finds.
#
#   deploy/package.sh [BUILD_DIR] [extra cmake arguments...]
#
# BUILD_DIR defaults to build-deb/ at the top of the source tree. Prints
# the package's path on the last line. Install it with
#   apt install ./hoptac_0.1.0_amd64.deb     (or dpkg -i)
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build_dir="$(deploy_dir "${1:-build-deb}")"
if [[ $# -gt 0 ]]; then
	shift
fi
jobs="${PACKAGE_JOBS:-$(nproc 2>/dev/null || echo 2)}"

# Tests are not built: the package holds none, and the build is shorter.
cmake -S "${root}" -B "${build_dir}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCMAKE_INSTALL_PREFIX=/usr -DHOPTAC_TESTS=OFF -DHOPTAC_WERROR=ON \
	-DHOPTAC_SANITIZE= "$@" >/dev/null
cmake --build "${build_dir}" -j "${jobs}"
(cd "${build_dir}" && cpack -G DEB >/dev/null)
deb="$(ls -t "${build_dir}"/hoptac_*.deb | head -n 1)"
echo "package: ${deb}"
