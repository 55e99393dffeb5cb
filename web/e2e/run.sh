#!/usr/bin/env bash
# The dashboard's browser test, end to end: `beamline up` on the reference
# data (embedded MongoDB, every pipeline, the API on a free port), then
# dashboard.test.mjs drives headless Chromium against it. `make e2e` builds
# bin/beamline and the UI first. Screenshots go to $ARTIFACTS.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v chromium >/dev/null; then
  if [ "${CI:-}" = true ]; then
    echo "e2e: chromium is required (apt-get install chromium)" >&2
    exit 1
  fi
  echo "e2e: skipped — install Debian's chromium (apt-get install chromium) to run the browser test"
  exit 0
fi
[ -x bin/beamline ] || { echo "e2e: bin/beamline is missing: run make e2e" >&2; exit 1; }

work=$(mktemp -d)
log="$work/up.log"
bin/beamline up --workdir "$work/wd" --addr 127.0.0.1:0 --log-file "$work/run_all.log" >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

url=""
for _ in $(seq 1 300); do
  url=$(grep -o 'serving http://[^ ]*' "$log" | head -1 | cut -d' ' -f2 || true)
  [ -n "$url" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "e2e: beamline up ended before serving:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 1
done
if [ -z "$url" ]; then
  echo "e2e: beamline up was not serving after 5 minutes:" >&2
  cat "$log" >&2
  exit 1
fi
echo "e2e: beamline up serving at $url"
export BEAMLINE_URL="$url"
export ARTIFACTS="${ARTIFACTS:-test-artifacts/e2e}"
mkdir -p "$ARTIFACTS"
node web/e2e/dashboard.test.mjs
