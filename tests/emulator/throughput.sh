#!/usr/bin/env bash
# Measures the emulator's discard-mode throughput with curl: 20 bodies of 100,000 10-column rows
# on one keep-alive connection to the BE, and through the FE redirect. Workloads: JSON (array of
# objects with `__op`, as the sink sends), tab-separated CSV, CSV with every field enclosed in
# '"' and '\' as escape, and JSON compressed with LZ4 frame / ZSTD (when the CLIs are installed).
# The parser alone (no HTTP) is measured by starrocks-emulator-parse-bench.
# usage: throughput.sh [path/to/starrocks-emulator]
set -eu
EMU=${1:-${STARROCKS_EMULATOR:-$(dirname "$0")/../../build/tests/emulator/starrocks-emulator}}
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
"$EMU" --discard --fe-http-port 0 --be-http-port 0 --mysql-port 0 --ports-file "$WORK/ports" &
PID=$!
for _ in $(seq 100); do [[ -s $WORK/ports ]] && break; sleep 0.05; done
port() { grep -o "\"$1\":[0-9]*" "$WORK/ports" | cut -d: -f2; }
FE=http://127.0.0.1:$(port fe_http)
BE=http://127.0.0.1:$(port be_http)
curl -s -X POST --data-binary 'CREATE DATABASE b' "$FE/_emulator/sql" >/dev/null
curl -s -X POST --data-binary 'CREATE TABLE b.t (id BIGINT NOT NULL, c1 BIGINT, c2 VARCHAR(64),
  c3 DECIMAL(18,2), c4 DATETIME, c5 INT, c6 VARCHAR(255), c7 BOOLEAN, c8 DOUBLE, c9 VARCHAR(32))
  PRIMARY KEY(id) DISTRIBUTED BY HASH(id)' "$FE/_emulator/sql" >/dev/null
ROWS=100000
for fmt in json csv enclosed; do
  awk -v n=$ROWS -v fmt=$fmt 'BEGIN {
    if (fmt == "json") printf "[";
    for (i = 1; i <= n; i++) {
      op = (i % 10 == 0) ? 1 : 0
      if (fmt == "json")
        printf "%s{\"id\":%d,\"c1\":%d,\"c2\":\"name-%d\",\"c3\":%.2f,\"c4\":\"2024-01-%02d 10:11:12\",\"c5\":%d,\"c6\":\"some text value %d\",\"c7\":%d,\"c8\":%.3f,\"c9\":\"x%d\",\"__op\":%d}", (i>1?",":""), i, i*7, i, i/100.0, (i%28)+1, i%1000, i, i%2, i/7.0, i, op
      else if (fmt == "csv")
        printf "%d\t%d\tname-%d\t%.2f\t2024-01-%02d 10:11:12\t%d\tsome text value %d\t%d\t%.3f\tx%d\t%d\n", i, i*7, i, i/100.0, (i%28)+1, i%1000, i, i%2, i/7.0, i, op
      else
        printf "\"%d\",\"%d\",\"name-%d\",\"%.2f\",\"2024-01-%02d 10:11:12\",\"%d\",\"some, \\\"quoted\\\" text %d\",\"%d\",\"%.3f\",\"x%d\",\"%d\"\n", i, i*7, i, i/100.0, (i%28)+1, i%1000, i, i%2, i/7.0, i, op
    }
    if (fmt == "json") printf "]";
  }' > "$WORK/body.$fmt"
done
CASES=(json csv enclosed)
if command -v lz4 >/dev/null; then lz4 -q -c "$WORK/body.json" > "$WORK/body.json-lz4"; CASES+=(json-lz4); fi
if command -v zstd >/dev/null; then zstd -q -c "$WORK/body.json" > "$WORK/body.json-zstd"; CASES+=(json-zstd); fi
report() {  # report WHAT START END BYTES
  awk -v w="$1" -v s="$2" -v e="$3" -v b="$4" -v r=$((20 * ROWS)) \
    'BEGIN { t = e - s; printf "%-28s %6.3f s %6.0f MB/s %6.2f M rows/s\n", w, t, 20 * b / t / 1e6, r / t / 1e6 }'
}
COLS="columns: id,c1,c2,c3,c4,c5,c6,c7,c8,c9,__op"
for c in "${CASES[@]}"; do
  case $c in
    json) H=(-H "format: json" -H "strip_outer_array: true") ;;
    csv) H=(-H "$COLS") ;;
    enclosed) H=(-H "$COLS" -H "column_separator: ," -H 'enclose: "' -H 'escape: \') ;;
    json-lz4) H=(-H "format: json" -H "strip_outer_array: true" -H "compression: LZ4_FRAME") ;;
    json-zstd) H=(-H "format: json" -H "strip_outer_array: true" -H "compression: ZSTD") ;;
  esac
  size=$(stat -c %s "$WORK/body.$c")
  args=()
  for _ in $(seq 20); do args+=(-o /dev/null -T "$WORK/body.$c" "$BE/api/b/t/_stream_load"); done
  s=$(date +%s.%N); curl -s -u root: -H "Expect: 100-continue" "${H[@]}" "${args[@]}"; e=$(date +%s.%N)
  report "$c keep-alive to BE" "$s" "$e" "$size"
  s=$(date +%s.%N)
  for _ in $(seq 20); do
    curl -s -o /dev/null --location-trusted -u root: -H "Expect: 100-continue" "${H[@]}" \
      -T "$WORK/body.$c" "$FE/api/b/t/_stream_load"
  done
  e=$(date +%s.%N)
  report "$c through FE (307)" "$s" "$e" "$size"
done
curl -s "$FE/_emulator/stats"; echo
echo "peak RSS: $(grep VmHWM /proc/$PID/status | awk '{print $2, $3}')"
