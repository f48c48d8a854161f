#!/usr/bin/env bash
# Benchmark (not a test, not in CI): `quadra fetch` of PEMS PEMs from the A-Cube simulator with LATENCY_MS added to
# every request, CONCURRENCY PEMs at a time (acube.concurrency). Each PEM has one page of each list: ready and sent
# receipts, journals, notifications (over mutual TLS, with that PEM's own client certificate) and emergency reports,
# so the fetch makes PEMS × 5 requests after one login. Prints the wall time against the floor
# (requests × LATENCY_MS / CONCURRENCY) and the peak memory.
#
#   scripts/bench-fetch.sh [PEMS] [LATENCY_MS] [CONCURRENCY]      defaults: 1000 50 4
#
# Needs openssl (the PEMs' client certificates are made once, then kept in .build-bench/).
set -euo pipefail
cd "$(dirname "$0")/.."
pems=${1:-1000}
latency=${2:-50}
concurrency=${3:-4}

swift build -c release --scratch-path .build-release >/dev/null
bin=$PWD/.build-release/release/quadra
certs=$PWD/.build-bench/certificates-$pems
work=$(mktemp -d)
trap 'kill "${sim:-0}" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

serials=$(python3 -c "print(' '.join(f'E{p // 1000 + 1:03d}-{p + 1:06d}' for p in range($pems)))")
if [[ ! -f "$certs/done" ]]; then
    echo "making $pems client certificates in $certs (once)"
    rm -rf "$certs"
    # shellcheck disable=SC2086
    scripts/make-certificates.sh "$certs" $serials
    touch "$certs/done"
fi

read -r port mtls_port < <(python3 -c "
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(('127.0.0.1', 0))
print(*[x.getsockname()[1] for x in s])")

python3 - "$work" "$pems" "$certs" "$port" "$mtls_port" "$concurrency" <<'PY'
import json, os, sys
work, pems, certs, port, mtls, concurrency = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
serials = [f"E{p // 1000 + 1:03d}-{p + 1:06d}" for p in range(pems)]
for n, pem in enumerate(serials):
    folder = f"{work}/seed/acube/{pem}"
    os.makedirs(folder)
    def receipt(i, at):
        return {"uuid": f"{n:08x}-0000-4000-8000-{i:012x}", "type": "sale", "total_amount": "12.50",
                "document_number": f"0001-{i:04d}", "document_datetime": at, "parent_receipt_uuid": None}
    json.dump({"members": [receipt(1, "2026-11-21T10:00:00"), receipt(2, "2026-11-21T18:00:00")]},
              open(f"{folder}/receipts-sent-1.json", "w"))
    json.dump({"members": [receipt(3, "2026-11-21T19:00:00")]}, open(f"{folder}/receipts-ready-1.json", "w"))
    json.dump({"members": [{"uuid": f"j-{pem}", "pem_serial_number": pem, "date": "2026-11-21", "status": "closed"}]},
              open(f"{folder}/journals-1.json", "w"))
    json.dump({"members": [{"uuid": f"n-{pem}", "code": "SYS-W-01", "created_at": "2026-11-21T17:00:00Z",
                            "type": "INTERNAL_COMMUNICATION_FAILURE", "payload": {}}]},
              open(f"{folder}/notifications-1.json", "w"))
    json.dump([], open(f"{folder}/emergency-reports-1.json", "w"))
with open(f"{work}/quadra.toml", "w") as config:
    config.write(f'[acube]\nrole = "supplier"\nbase_url = "http://127.0.0.1:{port}"\n'
                 f'auth_url = "http://127.0.0.1:{port}"\nmtls_base_url = "https://127.0.0.1:{mtls}"\n'
                 f'ca_certificate = "{certs}/ca.crt"\nmerchant_uuid = "3f2a9c4e-0000-4000-8000-000000000001"\n'
                 f'concurrency = {concurrency}\n'
                 f'pems = [{", ".join(json.dumps(s) for s in serials)}]\n\n[acube.certificates]\n')
    for pem in serials:
        config.write(f'"{pem}" = {{ certificate = "{certs}/{pem}.crt", private_key = "{certs}/{pem}.key" }}\n')
PY

export QUADRA_ACUBE_EMAIL=bench@quadra.invalid QUADRA_ACUBE_PASSWORD=bench-password
"$bin" simulate acube --port "$port" --mtls-port "$mtls_port" --certificates "$certs" --night "$work/seed" \
    --latency-ms "$latency" > "$work/sim.log" 2>&1 &
sim=$!
for _ in $(seq 1 300); do grep -q listening "$work/sim.log" 2>/dev/null && break; sleep 0.1; done

requests=$((pems * 5))
echo "fetching $pems PEMs ($requests requests + 1 login), $latency ms added to each, concurrency $concurrency"
start=$(date +%s.%N)
/usr/bin/time -f "%e %M %U %S" -o "$work/time" "$bin" fetch --config "$work/quadra.toml" --date 2026-11-21 \
    --into "$work/night" --quiet > "$work/fetch.log"
end=$(date +%s.%N)
read -r wall rss user sys < "$work/time"
files=$(find "$work/night/acube" -name '*.json' | wc -l)
python3 - "$wall" "$rss" "$requests" "$latency" "$concurrency" "$files" "$user" "$sys" <<'PY'
import sys
wall, rss, requests, latency, concurrency, files = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), \
    int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
cpu = float(sys.argv[7]) + float(sys.argv[8])
floor = (requests + 1) * latency / 1000 / concurrency
print(f"files written: {files} (expected {requests})")
print(f"wall {wall:.1f} s, floor {floor:.1f} s: {wall / floor:.2f}x the floor (target <= 1.3x)")
print(f"quadra fetch CPU {cpu:.1f} s ({cpu / (requests + 1) * 1000:.1f} ms a request), peak RSS {rss / 1024:.0f} MiB")
PY
