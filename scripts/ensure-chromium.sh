#!/usr/bin/env bash
# Debian's Chromium for the browser tests (e2e/), at /usr/bin/chromium.
# Idempotent: does nothing when it is there. Never a browser downloaded by
# Playwright (`npx playwright install` cannot work here; docs/environment.md).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { echo "ensure-chromium: $*"; }
# shellcheck source=lib/apt-install.sh
. "$REPO_ROOT/scripts/lib/apt-install.sh"

if [ -x /usr/bin/chromium ]; then
  log "Chromium present ($(/usr/bin/chromium --version 2>/dev/null || echo '?'))"
  exit 0
fi
if ! apt_install chromium; then
  echo "ensure-chromium: WARNING: /usr/bin/chromium is missing; install Debian's chromium package to run the browser tests." >&2
  exit 0
fi
