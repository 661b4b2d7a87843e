#!/usr/bin/env bash
# Configures and builds hoptac.
#
#   deploy/build.sh [BUILD_DIR] [extra cmake arguments...]
#
# BUILD_DIR defaults to $BUILD_DIR, else build/ at the top of the source
# tree; a relative path is taken from the top of the source tree. The build
# type is RelWithDebInfo unless the extra arguments say otherwise, e.g.
#   deploy/build.sh build-debug -DCMAKE_BUILD_TYPE=Debug
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build_dir="$(deploy_dir "${1:-${BUILD_DIR:-build}}")"
if [[ $# -gt 0 ]]; then
	shift
fi

jobs="$(nproc 2>/dev/null || echo 2)"

echo "build: configuring ${build_dir}"
cmake -S "${root}" -B "${build_dir}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
echo "build: building with ${jobs} jobs"
cmake --build "${build_dir}" -j "${jobs}"

echo "build: done"
echo "  server: ${build_dir}/server/hoptacd"
echo "  client: ${build_dir}/client/hoptac"
