#!/usr/bin/env bash
# Configures and builds Weft into ${BUILD_DIR:-build} (Release with debug info, warnings as errors,
# installing to /usr so that `cpack -G DEB` in the folder makes a system package: scripts/package.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr -DWEFT_WERROR=ON "$@"
cmake --build "$BUILD_DIR" -j "$JOBS"
