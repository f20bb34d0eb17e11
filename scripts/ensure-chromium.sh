#!/usr/bin/env bash
# Debian's Chromium for the browser tests (e2e/), at /usr/bin/chromium.
# Idempotent: does nothing when it is there. Never a browser downloaded by
# Playwright (`npx playwright install` cannot work here; docs/environment.md).
set -euo pipefail

log() { echo "ensure-chromium: $*"; }

if [ -x /usr/bin/chromium ]; then
  log "Chromium present ($(/usr/bin/chromium --version 2>/dev/null || echo '?'))"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: WARNING: /usr/bin/chromium is missing; install Debian's chromium package to run the browser tests." >&2
  exit 0
fi
log "installing chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium
