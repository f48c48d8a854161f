#!/usr/bin/env bash
# Fuzzing: the libFuzzer targets of Fuzz/ (a package of its own, so the normal build never compiles them), each run
# for a bounded time. Not a test; not run in CI.
#
# Usage: scripts/fuzz.sh [SECONDS]          (default 60 seconds per target)
#
#   FuzzPosLine       one POS log line through the fast scanner and the strict decoder: they must agree
#                     (whenever the scanner gives a record, the strict path gives the same; whenever the strict path
#                     rejects the line, the scanner gives nothing)
#   FuzzRegisters     an emergency register read as CSV and as XML: no crash, no entry with a gross of zero or less,
#                     no record rejected without a diagnostic
#   FuzzAcubeExports  an A-Cube export read as receipts (fast page scanner or tree path), journals, notifications and
#                     emergency reports: no crash
#
# It builds the targets with -sanitize=fuzzer,address (release, so Swift's own checks stay on), seeds each corpus
# from Samples/ and the test fixtures, then runs the targets one after the other. The corpora grow across runs in
# Fuzz/.build/corpus/<target>/; an input that crashes a target is kept as Fuzz/.build/artifacts/<target>-crash-<sha1>
# (replay it: Fuzz/.build/release/<target> FILE). Exits 1 when any target found something, 2 when the build fails.
#
# Env:
#   TARGETS="FuzzPosLine ..."   the targets to run (default: all three)
#   FUZZ_ARGS="-jobs=2"         more libFuzzer options for every target
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER_TARGET=${1:-60}
TARGETS=${TARGETS:-FuzzPosLine FuzzRegisters FuzzAcubeExports}
FUZZ=$ROOT/Fuzz
BUILD=$FUZZ/.build
[[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a number, found $SECONDS_PER_TARGET" >&2; exit 2; }

# 1. Build. SwiftPM links executables with `--defsym main=<Target>_main` (each target's main.swift hands its input
# function to libFuzzer's driver); GNU gold then fails on the sanitizers' objects, so link with the toolchain's lld.
SWIFT_BIN=$(dirname "$(readlink -f "$(command -v swift)")")
LLD=$SWIFT_BIN/ld.lld
[[ -x $LLD ]] || LLD=$(command -v ld.lld || true)
[[ -n $LLD && -x $LLD ]] || { echo "fuzz.sh: ld.lld is needed (it comes with the swift.org toolchain)" >&2; exit 2; }
mkdir -p "$BUILD"
cat >"$BUILD/fuzz-toolset.json" <<EOF
{ "schemaVersion": "1.0", "linker": { "path": "$LLD" } }
EOF
echo "building the fuzz targets (release, -sanitize=fuzzer,address)..." >&2
(cd "$FUZZ" && swift build -c release -Xswiftc -sanitize=fuzzer,address --toolset "$BUILD/fuzz-toolset.json") >&2 ||
  { echo "fuzz.sh: the build failed" >&2; exit 2; }

# 2. Seed corpora: one file per input, named by its SHA-1 (libFuzzer's own naming), added to what earlier runs found.
seed() {  # seed TARGET FILE...: each file whole
  local corpus=$BUILD/corpus/$1 file
  shift
  mkdir -p "$corpus"
  for file in "$@"; do
    [[ -f $file ]] && cp "$file" "$corpus/$(sha1sum <"$file" | cut -c1-40)"
  done
}
seed_lines() {  # seed_lines TARGET FILE...: each non-blank line of each (gunzipped) file
  local corpus=$BUILD/corpus/$1 file line
  shift
  mkdir -p "$corpus"
  for file in "$@"; do
    [[ -f $file ]] || continue
    while IFS= read -r line || [[ -n $line ]]; do
      [[ -n ${line// /} ]] || continue
      printf '%s' "$line" >"$corpus/.line"
      mv "$corpus/.line" "$corpus/$(sha1sum <"$corpus/.line" | cut -c1-40)"
    done < <(if [[ $file == *.gz ]]; then gzip -dc "$file"; else cat "$file"; fi)
  done
}
shopt -s nullglob
seed_lines FuzzPosLine Samples/*/pos/*.jsonl Samples/*/pos/*.jsonl.gz Tests/QuadraCoreTests/Fixtures/pos/*/*.jsonl \
  Tests/QuadraCoreTests/Fixtures/nights/*/pos/*.jsonl
seed FuzzRegisters Samples/*/emergency/* Tests/QuadraCoreTests/Fixtures/registers/*/* Tests/QuadraXMLTests/Fixtures/*/*.xml
seed FuzzAcubeExports Samples/*/acube/*/*.json Tests/QuadraCoreTests/Fixtures/nights/*/acube/*/*.json

# 3. Run each target for the time given.
declare -A DICTIONARY=([FuzzPosLine]=pos [FuzzRegisters]=registers [FuzzAcubeExports]=acube)
declare -A MAX_LEN=([FuzzPosLine]=4096 [FuzzRegisters]=16384 [FuzzAcubeExports]=16384)
mkdir -p "$BUILD/artifacts" "$BUILD/logs"
failed=()
for target in $TARGETS; do
  binary=$BUILD/release/$target
  [[ -x $binary ]] || { echo "fuzz.sh: no target $target" >&2; exit 2; }
  mkdir -p "$BUILD/corpus/$target"
  log=$BUILD/logs/$target.log
  echo "fuzzing $target for ${SECONDS_PER_TARGET}s (log: $log)..." >&2
  status=0
  # shellcheck disable=SC2086
  "$binary" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len="${MAX_LEN[$target]}" \
    -dict="$FUZZ/Dictionaries/${DICTIONARY[$target]}.dict" -artifact_prefix="$BUILD/artifacts/$target-" \
    -print_final_stats=1 ${FUZZ_ARGS:-} "$BUILD/corpus/$target" >"$log" 2>&1 || status=$?
  runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
  corpus=$(find "$BUILD/corpus/$target" -type f | wc -l)
  if ((status != 0)); then
    failed+=("$target")
    echo "$target: FOUND SOMETHING (exit $status) after ${runs:-?} runs; see $log" >&2
    grep -E "^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*Fatal error:|artifact_prefix|Test unit written)" "$log" | head -5 >&2 || true
  else
    echo "$target: ${runs:-?} runs, nothing found; corpus $corpus inputs" >&2
  fi
done

if ((${#failed[@]})); then
  echo "fuzz.sh: ${failed[*]} found inputs that fail; they are in $BUILD/artifacts/" >&2
  exit 1
fi
echo "fuzz.sh: every target ran ${SECONDS_PER_TARGET}s without a finding" >&2
