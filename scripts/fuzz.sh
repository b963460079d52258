#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang and runs each on a scratch copy of its
# seed corpus (tests/fuzz/corpus/<name>) for FUZZ_SECONDS seconds. Fails on the first crash,
# sanitizer report, leak, out-of-memory or timeout; the input that caused it is kept in
# FUZZ_ARTIFACT_DIR. See docs/FUZZING.md.
#
#   scripts/fuzz.sh                     every target
#   scripts/fuzz.sh --target image      one target (safetensors, config, tokenizer, conversation, image)
#
# Environment: FUZZ_BUILD_DIR (build-fuzz), FUZZ_SECONDS (60, per target), FUZZ_BUILD_JOBS (nproc),
# FUZZ_TIMEOUT (10, seconds per input), FUZZ_RSS_MB (2048), FUZZ_CC/FUZZ_CXX (clang-14/clang++-14),
# FUZZ_ARTIFACT_DIR (<build dir>/fuzz-artifacts).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGETS=(safetensors config tokenizer conversation image audio)

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

SELECTED=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --target)
      [[ $# -ge 2 ]] || { echo "fuzz.sh: --target needs a name" >&2; exit 2; }
      SELECTED+=("$2")
      shift 2
      ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if [[ ${#SELECTED[@]} -eq 0 ]]; then
  SELECTED=("${TARGETS[@]}")
fi
for t in "${SELECTED[@]}"; do
  if [[ ! " ${TARGETS[*]} " =~ " $t " ]]; then
    echo "fuzz.sh: unknown target '$t' (expected one of: ${TARGETS[*]})" >&2
    exit 2
  fi
done

BUILD_DIR="${FUZZ_BUILD_DIR:-build-fuzz}"
[[ "$BUILD_DIR" = /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-60}"
ARTIFACTS="${FUZZ_ARTIFACT_DIR:-$BUILD_DIR/fuzz-artifacts}"

echo "== configure + build ($BUILD_DIR)"
start=$(date +%s)
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DWEFT_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="${FUZZ_CC:-clang-14}" -DCMAKE_CXX_COMPILER="${FUZZ_CXX:-clang++-14}" >/dev/null
cmake --build "$BUILD_DIR" -j "${FUZZ_BUILD_JOBS:-$(nproc)}" --target "${SELECTED[@]/#/fuzz_}"
echo "== built in $(( $(date +%s) - start )) s"

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/weft-fuzz.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$ARTIFACTS"

failed=()
for t in "${SELECTED[@]}"; do
  echo "== fuzz_$t for ${SECONDS_PER_TARGET} s"
  # The fuzzer adds what it learns to the corpus folder: give it a copy, never the repository's.
  cp -r "$ROOT/tests/fuzz/corpus/$t" "$SCRATCH/$t"
  args=(-max_total_time="$SECONDS_PER_TARGET" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb="${FUZZ_RSS_MB:-2048}"
        -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$t-")
  [[ -f "$ROOT/tests/fuzz/$t.dict" ]] && args+=(-dict="$ROOT/tests/fuzz/$t.dict")
  log="$SCRATCH/$t.log"
  if "$BUILD_DIR/fuzz_$t" "${args[@]}" "$SCRATCH/$t" >"$log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|new_units_added)' "$log" | sed "s/^/fuzz_$t /" || true
  else
    tail -n 60 "$log"
    echo "fuzz.sh: fuzz_$t FAILED; the input is in $ARTIFACTS (reproduce: $BUILD_DIR/fuzz_$t <file>)" >&2
    failed+=("$t")
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz.sh: failing targets: ${failed[*]}" >&2
  exit 1
fi
echo "== all fuzz targets passed"
