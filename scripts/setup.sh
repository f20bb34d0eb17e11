#!/usr/bin/env bash
# Brings a machine to the point where Pyhost can run and be tested: Node
# packages, a running Docker Engine, a Compose, the runtime images, the
# egress proxy's image, Debian's Chromium for the browser tests, and pebble
# for the ACME tests.
# Idempotent: each step checks first and skips what is already there.
# Called by `npm start` and `npm test`; safe to run by hand.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
log() { echo "setup: $*"; }

# Node 20.19+ (Vite 8 and ESLint 9 need it).
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || { echo "setup: ERROR: Node.js 20.19 or newer is needed (found $(node --version))" >&2; exit 1; }

# npm packages: reinstall only when the lockfile changed since the last install.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node_modules/.pyhost-lock-hash"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
  log "npm packages up to date"
else
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > "$stamp"
fi

bash scripts/ensure-docker.sh
bash scripts/ensure-compose.sh
bash scripts/build-runtime-image.sh
bash scripts/build-egress-image.sh
bash scripts/ensure-chromium.sh
bash scripts/ensure-pebble.sh
