#!/usr/bin/env bash
# The test job: installs the dependencies, builds with warnings as errors and runs the whole
# test suite (unit, model, gui) and the 1,000-turn load test (slow), then builds, installs,
# runs and removes the Debian package (scripts/package.sh), then builds the unit and GUI tests
# with ASan+UBSan and runs them, then builds the libFuzzer targets with clang and runs each for
# a short while.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
BUILD_DIR=${BUILD_DIR:-build}
BUILD_DIR=$BUILD_DIR bash scripts/build.sh
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$BUILD_DIR" --output-on-failure -L 'unit|model|gui' -j 1
# The 1,000-turn load test (label slow; about a minute, docs/RELIABILITY.md): every turn
# answered, all 2,000 messages on disk, memory flat.
ctest --test-dir "$BUILD_DIR" --output-on-failure -R '^reliability_load$' -j 1
# The Debian package: built from this build, validated, installed, run (CLI and GUI), removed.
if [ "${WEFT_SKIP_PACKAGE:-0}" != "1" ]; then
  bash scripts/package.sh "$BUILD_DIR"
fi
if [ "${WEFT_SKIP_SANITIZE:-0}" != "1" ]; then
  BUILD_DIR=$BUILD_DIR-asan bash scripts/build.sh -DCMAKE_BUILD_TYPE=Debug -DWEFT_SANITIZE=ON -DWEFT_BUILD_GUI=ON
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$BUILD_DIR-asan" --output-on-failure -L 'unit|gui' -j 1
fi
if [ "${WEFT_SKIP_FUZZ:-0}" != "1" ]; then
  FUZZ_BUILD_DIR=$BUILD_DIR-fuzz FUZZ_SECONDS=${FUZZ_SECONDS:-45} bash scripts/fuzz.sh
fi
