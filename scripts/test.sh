#!/usr/bin/env bash
# `npm test`: set up what is missing, then run every check: lint, types, the
# gateway's Python unit tests and the control plane's tests (unit, API on
# real SQLite files, integration against the real Docker Engine), the
# dashboard's component tests, the browser tests (Playwright) and, last,
# the self-hosting test: the platform image and docker-compose.yml for real.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

bash scripts/setup.sh

echo "test: lint"
npx eslint .
echo "test: typecheck"
npm run typecheck --silent
echo "test: dashboard components (Vitest, jsdom)"
npm test --workspace dashboard
echo "test: gateway unit tests"
python3 -m unittest discover -s runtime-image/gateway/tests -t runtime-image/gateway
echo "test: control plane"
npm test --workspace control-plane
npm run build --silent
echo "test: the API with nothing but curl, through the router"
bash e2e/run-curl-smoke.sh
echo "test: in the browser (Playwright driving Debian's Chromium, through the router)"
PYHOST_E2E_SKIP_BUILD=1 npm test --workspace e2e
echo "test: self-hosting (docker compose)"
(cd control-plane && npx vitest run --config vitest.compose.config.ts)
