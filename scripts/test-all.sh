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
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" "$@" || status=$?
# One closing line in the plain "N passed, N failed" form, whatever the reporter printed above.
if [[ -s "$results/vitest.json" ]]; then
  node -e 'const r = require(process.argv[1]);
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);' "$results/vitest.json"
fi
exit "$status"
