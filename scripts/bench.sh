#!/usr/bin/env bash
# Benchmark: `quadra run --offline` against the same core reconciliation written as DuckDB SQL
# (scripts/bench_duckdb.py), on one generated night, in the same run. Not a test; not run in CI.
#
# Usage: scripts/bench.sh [SALES] [PEMS] [TERMINALS]      (defaults 1000000 200 400)
#
# It builds quadra in release mode, generates the night once (seed 7), runs the two sides RUNS times,
# alternating (quadra, duckdb, quadra, duckdb, ...) so that both read from a warm page cache and
# share whatever else the machine is doing, times each run with /usr/bin/time -v and prints the best
# and the median run (per metric), the quadra/duckdb ratios of the best runs and whether the targets
# hold (wall <= 0.5 x duckdb, peak memory <= 0.25 x duckdb). It then compares the finding counts of
# the last run of each side, code by code.
#
# Env:
#   QUADRA_BIN=/path   use this quadra binary instead of building .build-release/release/quadra
#   NIGHT=/path        use this already generated night (never generated over, never deleted)
#   BENCH_DIR=/path    work folder to use instead of a fresh mktemp -d; a night already in
#                      BENCH_DIR/night (it has pos/) is reused, and the folder is kept
#   KEEP=1             keep the work folder (outputs, timings, counts) instead of deleting it
#   PYTHON=python3     the Python that runs the DuckDB side
#   RUNS=3             runs of each side (a shared virtual machine varies by 10-20 % from run to run)
#   QUADRA_ARGS="..."  more options for `quadra run`, split on spaces (e.g. "--metrics /tmp/night.prom"), to
#                      measure what an option costs; the word WORK in them is replaced by the work folder
set -euo pipefail

cd "$(dirname "$0")/.."

SALES=${1:-1000000}
PEMS=${2:-200}
TERMINALS=${3:-400}
AS_OF=2026-11-22T06:00:00+01:00
PYTHON=${PYTHON:-python3}
RUNS=${RUNS:-3}

[[ -x /usr/bin/time ]] || { echo "bench.sh: /usr/bin/time (GNU time) is needed" >&2; exit 2; }

# 1. quadra, release build.
if [[ -n ${QUADRA_BIN:-} ]]; then
  QUADRA=$QUADRA_BIN
else
  echo "building quadra (release)..." >&2
  swift build -c release --scratch-path .build-release --quiet
  QUADRA=$PWD/.build-release/release/quadra
fi
[[ -x $QUADRA ]] || { echo "bench.sh: no quadra binary at $QUADRA" >&2; exit 2; }

# 2. DuckDB for Python.
if ! "$PYTHON" -c 'import duckdb' 2>/dev/null; then
  echo "installing duckdb for Python..." >&2
  "$PYTHON" -m pip install --quiet duckdb
fi

# 3. The work folder and the night.
if [[ -n ${BENCH_DIR:-} ]]; then
  WORK=$BENCH_DIR
  mkdir -p "$WORK"
  OWN_WORK=0
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/quadra-bench.XXXXXX")
  OWN_WORK=1
fi
cleanup() {
  if [[ ${KEEP:-0} == 1 ]]; then
    echo "work folder kept: $WORK" >&2
  elif [[ $OWN_WORK == 1 ]]; then
    rm -rf "$WORK"
  else  # the user's BENCH_DIR: keep the night for reuse, drop this run's files
    rm -rf "$WORK/out" "$WORK"/state.sqlite* "$WORK"/time-* "$WORK"/duckdb-* "$WORK/quadra-stderr"
  fi
}
trap cleanup EXIT

if [[ -n ${NIGHT:-} ]]; then
  [[ -d $NIGHT/pos ]] || { echo "bench.sh: NIGHT=$NIGHT has no pos/ folder" >&2; exit 2; }
  echo "using the night in $NIGHT (not regenerated; the size arguments are ignored)" >&2
elif [[ -d $WORK/night/pos ]]; then
  NIGHT=$WORK/night
  echo "reusing the night in $NIGHT (the size arguments are ignored)" >&2
else
  NIGHT=$WORK/night
  echo "generating $SALES sales over $PEMS PEMs and $TERMINALS terminals..." >&2
  "$QUADRA" generate --sales "$SALES" --pems "$PEMS" --terminals "$TERMINALS" --seed 7 --out "$NIGHT" >/dev/null
fi

read -r -a EXTRA <<<"${QUADRA_ARGS:-}"
EXTRA=("${EXTRA[@]//WORK/$WORK}")

# 4-5. Two runs of each side, alternating. Each writes WORK/time-<side>-<n> (GNU time -v).
run_quadra() {
  rm -rf "$WORK/out" "$WORK"/state.sqlite*
  local rc=0
  /usr/bin/time -v -o "$WORK/time-quadra-$1" "$QUADRA" run --offline --input "$NIGHT" --out "$WORK/out" \
    --as-of "$AS_OF" --state "$WORK/state.sqlite" --quiet "${EXTRA[@]}" >/dev/null 2>"$WORK/quadra-stderr" || rc=$?
  if (( rc > 1 )); then  # 1 = the night has findings, which it does
    echo "bench.sh: quadra run failed (exit $rc):" >&2
    cat "$WORK/quadra-stderr" >&2
    exit 2
  fi
  rm -f "$WORK"/state.sqlite*
  [[ -s $WORK/out/findings.csv ]] || { echo "bench.sh: quadra wrote no $WORK/out/findings.csv" >&2; exit 2; }
}
run_duckdb() {
  AS_OF=$AS_OF TIMEZONE=Europe/Rome \
    /usr/bin/time -v -o "$WORK/time-duckdb-$1" "$PYTHON" scripts/bench_duckdb.py "$NIGHT" "$WORK/duckdb-counts.txt" >/dev/null
}

for n in $(seq "$RUNS"); do
  echo "run $n/$RUNS: quadra..." >&2; run_quadra "$n"
  echo "run $n/$RUNS: duckdb..." >&2; run_duckdb "$n"
done

# Wall seconds, CPU (user+sys) seconds and peak RSS MiB of one GNU time -v report.
metrics() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time \(seconds\)/ { u = $2 }
    /System time \(seconds\)/ { s = $2 }
    /Maximum resident set size/ { m = $2 / 1024 }
    END { printf "%.2f %.2f %.1f\n", w, u + s, m }' "$1"
}
# The best (smallest) and the median of the runs, per metric: "best" or "median".
pick() {
  local column
  for column in 1 2 3; do
    for n in $(seq "$RUNS"); do metrics "$WORK/time-$1-$n"; done | awk -v c="$column" '{ print $c }' | sort -g |
      awk -v which="$2" '{ v[NR] = $1 } END { print (which == "best" ? v[1] : v[int((NR + 1) / 2)]) }'
  done | paste -sd' '
}
read -r QW QC QM < <(pick quadra best)
read -r DW DC DM < <(pick duckdb best)
read -r QWm QCm QMm < <(pick quadra median)
read -r DWm DCm DMm < <(pick duckdb median)
NSALES=$(awk '$1 == "#" && $2 == "sales" { print $3 }' "$WORK/duckdb-counts.txt")

# 6. The table.
echo
echo "quadra: $QUADRA"
echo "duckdb: $("$PYTHON" -c 'import duckdb; print(duckdb.__version__)') (Python), $(nproc) cores"
echo "night:  $NIGHT"
echo "$RUNS runs of each side, alternated; best and median per metric"
echo
awk -v s="$NSALES" -v qw="$QW" -v qc="$QC" -v qm="$QM" -v dw="$DW" -v dc="$DC" -v dm="$DM" \
  -v qwm="$QWm" -v qcm="$QCm" -v qmm="$QMm" -v dwm="$DWm" -v dcm="$DCm" -v dmm="$DMm" 'BEGIN {
  printf "%9s %6s | %12s %12s %16s | %12s %12s %16s\n", "sales", "", "quadra wall", "quadra CPU", "quadra peak", "duckdb wall", "duckdb CPU", "duckdb peak"
  printf "%9s %6s | %11.2fs %11.2fs %12.1f MiB | %11.2fs %11.2fs %12.1f MiB\n", s, "best", qw, qc, qm, dw, dc, dm
  printf "%9s %6s | %11.2fs %11.2fs %12.1f MiB | %11.2fs %11.2fs %12.1f MiB\n", "", "median", qwm, qcm, qmm, dwm, dcm, dmm
  rw = qw / dw; rm = qm / dm
  printf "\nquadra/duckdb wall (best):   %5.2f   target <= 0.50: %s   (medians: %.2f)\n", rw, (rw <= 0.5 ? "holds" : "MISSED"), qwm / dwm
  printf "quadra/duckdb memory (best): %5.2f   target <= 0.25: %s   (medians: %.2f)\n", rm, (rm <= 0.25 ? "holds" : "MISSED"), qmm / dmm
}'

# 7. Cross-check of the finding counts (last run of each side).
echo
"$PYTHON" - "$WORK/out/findings.csv" "$WORK/duckdb-counts.txt" <<'EOF'
import collections, csv, sys

with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = csv.reader(f)
    next(rows)  # header
    quadra = collections.Counter(row[0] for row in rows if row)
duckdb = {}
with open(sys.argv[2]) as f:
    for line in f:
        if line.strip() and not line.startswith("#"):
            code, count = line.split()
            duckdb[code] = int(count)

print("cross-check (finding counts; a code absent from findings.csv counts 0):")
print(f"{'code':30} {'quadra':>8} {'duckdb':>8}")
bad = []
for code in sorted(duckdb):
    q, d = quadra.get(code, 0), duckdb[code]
    verdict = "match" if q == d else "MISMATCH <<<<<<"
    if q != d:
        bad.append(code)
    print(f"{code:30} {q:8} {d:8}  {verdict}")
for code in sorted(set(quadra) - set(duckdb)):
    print(f"{code:30} {quadra[code]:8} {'-':>8}  (not computed by the DuckDB side)")
if bad:
    print(f"\n!!! {len(bad)} MISMATCH(ES): {', '.join(bad)}; the two sides do not compute the same thing !!!")
else:
    print(f"\nall {len(duckdb)} codes computed by both sides match")
EOF
