#!/usr/bin/env bash
# Times pipelines/sales on generated sales rows (1M by default, ROWS= to
# change), as whole processes, on prism (in-process) and on direct. The data
# is generated once (fixed seed) and cached in bench/.cache. Prints a table
# of wall and CPU seconds, CPU/wall, peak RSS and rows per second.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
RUNS=${RUNS:-1}
data=bench/.cache/sales-$ROWS
if [ ! -s "$data/sales_data.csv" ]; then
  echo "generating $ROWS sales rows into $data …"
  go run ./data/gen --rows "$ROWS" --seed 1 --out "$data" >/dev/null
fi
[ -x bin/sales ] || go build -o bin/ ./pipelines/sales

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf "%-22s %8s %8s %8s %10s %12s\n" "run" "wall s" "cpu s" "cpu/wall" "peak RSS" "rows/s"
for runner in prism direct; do
  for i in $(seq "$RUNS"); do
    /usr/bin/time -o "$out/time" -f "%e %U %S %M" bin/sales --input "$data" --output "$out/results" --runner "$runner" >/dev/null
    read -r wall user sys rss < "$out/time"
    awk -v r="sales/$runner ($ROWS)" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" -v n="$ROWS" \
      'BEGIN { printf "%-22s %8.2f %8.2f %8.2f %7.0f MB %12.0f\n", r, w, u+s, (u+s)/w, m/1024, n/w }'
  done
done
