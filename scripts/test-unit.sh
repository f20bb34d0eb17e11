#!/usr/bin/env bash
# `npm run test:unit`: every test that needs no container engine, for a
# developer's loop (a couple of minutes): the dashboard's components, the
# gateway's Python units, and the control plane's units, API tests on real
# SQLite with the fake engine, and the ingress against stand-in apps. No
# machine setup: it needs the npm packages (npm ci) and python3 only.
# `npm test` runs everything, Docker and the browser included.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

echo "test:unit: dashboard components (Vitest, jsdom)"
npm test --workspace dashboard
echo "test:unit: gateway unit tests"
python3 -m unittest discover -s runtime-image/gateway/tests -t runtime-image/gateway
echo "test:unit: control plane without Docker"
npm run test:unit --workspace control-plane
