#!/usr/bin/env bash
# Benchmark (not a test, not in CI): recover ATTEMPTS in-progress payments over TERMINALS simulated Spice
# instances, half of them answering only after several polls. Prints wall time, requests per second and
# peak memory of `quadra run`. Usage: scripts/bench-recovery.sh [ATTEMPTS] [TERMINALS] [BASE_PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
attempts=${1:-10000}
terminals=${2:-200}
port=${3:-19400}

swift build -c release --scratch-path .build-release >/dev/null
bin=.build-release/release/quadra
work=$(mktemp -d)
trap 'kill "${sim:-0}" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

python3 - "$work" "$attempts" "$terminals" "$port" <<'PY'
import json, os, sys
work, attempts, terminals, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
os.makedirs(f"{work}/night/pos")
script = {}
with open(f"{work}/night/pos/all.jsonl", "w") as log:
    for n in range(attempts):
        terminal = f"T{n % terminals}"
        ref = f"{terminal}-S{n}-1"
        ts = f"2026-11-21T{8 + n * 12 // attempts:02d}:{n % 60:02d}:00+01:00"
        log.write(json.dumps({"ts": ts, "event": "sale", "terminal": terminal, "sale": f"S{n}", "pem": f"E{n % 20}",
                              "total": "12.50", "payment": "electronic", "lines": [{"vat": "22.00", "gross": "12.50"}]}) + "\n")
        log.write(json.dumps({"ts": ts, "event": "payment_request", "terminal": terminal, "sale": f"S{n}",
                              "posRefId": ref, "kind": "purchase", "amount": 1250}) + "\n")
        answer = {"approved": {"amountCents": 1250}} if n % 4 else {"declined": {"amountCents": 1250}}
        script[ref] = answer if n % 2 else {"inProgress": {"polls": 3, "then": answer}}
json.dump(script, open(f"{work}/script.json", "w"))
with open(f"{work}/quadra.toml", "w") as config:
    config.write("[spice]\ndeadline_seconds = 600\nconcurrency = 64\ninitial_backoff_milliseconds = 50\n"
                 "maximum_backoff_seconds = 1\n\n[spice.terminals]\n")
    for t in range(terminals):
        config.write(f'T{t} = "http://127.0.0.1:{port + t}"\n')
PY

"$bin" simulate spice --port "$port" --instances "$terminals" --script "$work/script.json" > "$work/sim.log" 2>&1 &
sim=$!
for _ in $(seq 1 100); do grep -q listening "$work/sim.log" 2>/dev/null && break; sleep 0.1; done

echo "recovering $attempts attempts over $terminals simulated terminals (concurrency 64, backoff from 50 ms)"
/usr/bin/time -f "quadra run: wall %e s, user %U s, sys %S s, peak RSS %M KiB" \
    "$bin" run --input "$work/night" --out "$work/out" --config "$work/quadra.toml" --state "$work/state.sqlite" \
    --as-of 2026-11-22T06:00:00+01:00 | grep -E "Asked Spice|RECOVERED" || true
