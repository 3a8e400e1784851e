#!/usr/bin/env bash
# The one command that sets up and runs every test: system packages (as root), node modules,
# the build (the namespace tests run the built CLI), lint, typecheck, then the whole suite
# including the network-namespace tests, which need root.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(id -u) -ne 0 ]]; then
  echo "the test suite builds network namespaces: run it as root (sudo $0)" >&2
  exit 1
fi
bash scripts/install-system-packages.sh
npm ci --no-audit --no-fund
npm run build
npm run lint
npm run typecheck
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
# The fast project first, then the namespace lab: on a 2-core machine the lab's real daemons,
# pings and deadlines should not compete with hundreds of UI renders for the CPU. The lease
# project (files that sleep through real 2-minute DHCP leases) runs beside the lab project, its
# files side by side, its output kept apart and printed when it ends.
# No --passWithNoTests: a project, or a filter given as arguments, that matches no test file is
# an error, not a pass. With a filter both projects run in one vitest call, so a filter that
# matches files of only one project is fine, and one that matches nothing fails.
status=0
if [[ $# -eq 0 ]]; then
  npx vitest run --project unit --reporter=default --reporter=json \
    --outputFile.json="$results/unit.json" || status=$?
  npx vitest run --project lease --reporter=default --reporter=json \
    --outputFile.json="$results/lease.json" >"$results/lease.log" 2>&1 &
  lease_pid=$!
  npx vitest run --project lab --reporter=default --reporter=json \
    --outputFile.json="$results/lab.json" || status=$?
  lease_status=0
  wait "$lease_pid" || lease_status=$?
  cat "$results/lease.log"
  ((lease_status == 0)) || status=$lease_status
else
  npx vitest run --reporter=default --reporter=json --outputFile.json="$results/unit.json" "$@" ||
    status=$?
fi
# One closing line in the plain "N passed, N failed" form, whatever the reporters printed above.
node -e 'const fs = require("fs"); let p = 0, f = 0, s = 0;
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) continue;
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    p += r.numPassedTests; f += r.numFailedTests; s += r.numPendingTests + r.numTodoTests;
  }
  console.log(`${p} passed, ${f} failed, ${s} skipped`);' "$results/unit.json" "$results/lab.json" \
  "$results/lease.json"
exit "$status"
