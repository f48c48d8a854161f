#!/usr/bin/env bash
# Renders a summary.html in headless Chromium, as the test SummaryBrowserTests does, and keeps the files to look at:
# DIR/summary.pdf (printed on A4), DIR/summary.png (a 1280x1400 screenshot), DIR/summary.txt (pdftotext -layout).
# Not a test; SummaryBrowserTests runs the same checks in `swift test`.
#
# Usage: scripts/render-summary.sh [SUMMARY.html] [DIR]
#   Without SUMMARY.html, it runs the sample night offline (Italian, and English with LANGUAGE=en) with the built
#   quadra (.build/debug/quadra, or QUADRA_BIN) and renders its page. DIR defaults to ./summary-render.
# Needs: chromium and poppler-utils (Debian packages; .ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${2:-summary-render}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
PAGE=${1:-}
if [[ -z "$PAGE" ]]; then
    QUADRA=${QUADRA_BIN:-.build/debug/quadra}
    [[ -x "$QUADRA" ]] || swift build --product quadra
    status=0
    "$QUADRA" run --offline --input Samples/night-2026-11-21 --out "$DIR/out" --as-of 2026-11-22T06:00:00+01:00 \
        --language "${LANGUAGE:-it}" --quiet || status=$?
    [[ $status -le 1 ]] || exit "$status"
    PAGE="$DIR/out/summary.html"
fi
PAGE=$(cd "$(dirname "$PAGE")" && pwd)/$(basename "$PAGE")
CHROMIUM=${QUADRA_CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
common=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run "--user-data-dir=$PROFILE")
timeout 120 "$CHROMIUM" "${common[@]}" --no-pdf-header-footer "--print-to-pdf=$DIR/summary.pdf" "file://$PAGE" \
    2>/dev/null
timeout 120 "$CHROMIUM" "${common[@]}" --window-size=1280,1400 "--screenshot=$DIR/summary.png" "file://$PAGE" \
    2>/dev/null
pdftotext -layout "$DIR/summary.pdf" "$DIR/summary.txt"
pdfinfo "$DIR/summary.pdf" | grep -E '^(Pages|Page size)'
echo "wrote $DIR/summary.pdf, $DIR/summary.png and $DIR/summary.txt"
