#!/usr/bin/env bash
# systemd-analyze verify on starcdc@.service, instantiated, with ExecStart pointing at the built
# binary (verify checks that the executable exists). Fails on any warning it prints.
set -euo pipefail
unit=$1
binary=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|/usr/bin/starcdc|$binary|g" "$unit" > "$work/starcdc@test.service"
out=$(systemd-analyze verify "$work/starcdc@test.service" 2>&1 || true)
if [ -n "$out" ]; then
  echo "$out"
  exit 1
fi
grep -q '^Type=notify$' "$unit"
grep -q '^WatchdogSec=' "$unit"
grep -q '^ProtectSystem=strict$' "$unit"
grep -q '^NoNewPrivileges=yes$' "$unit"
grep -q '^StateDirectory=starcdc/%i$' "$unit"
grep -q '^User=starcdc$' "$unit"
echo "ok: systemd-analyze verify is clean"
