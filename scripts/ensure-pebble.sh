#!/usr/bin/env bash
# Debian's pebble (Let's Encrypt's test CA) and pebble-challtestsrv (its test
# DNS server), for the ACME tests: /usr/bin/pebble, /usr/bin/pebble-challtestsrv.
# Idempotent: does nothing when they are there. Production never runs them.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { echo "ensure-pebble: $*"; }
# shellcheck source=lib/apt-install.sh
. "$REPO_ROOT/scripts/lib/apt-install.sh"

if [ -x /usr/bin/pebble ] && [ -x /usr/bin/pebble-challtestsrv ]; then
  log "pebble present"
  exit 0
fi
if ! apt_install pebble; then
  echo "ensure-pebble: WARNING: /usr/bin/pebble is missing; install Debian's pebble package to run the ACME tests." >&2
  exit 0
fi
