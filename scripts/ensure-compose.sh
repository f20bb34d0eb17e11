#!/usr/bin/env bash
# Make sure a Compose is available for the self-hosting test and for people
# who self-host: Compose v2 (`docker compose`) when its plugin is there,
# otherwise Debian's docker-compose 1.29, installed with apt when missing.
# Idempotent: does nothing when either one answers.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { echo "ensure-compose: $*"; }
# shellcheck source=lib/apt-install.sh
. "$REPO_ROOT/scripts/lib/apt-install.sh"

if docker compose version >/dev/null 2>&1; then
  log "docker compose (v2) present"
  exit 0
fi
if command -v docker-compose >/dev/null 2>&1; then
  log "docker-compose present ($(docker-compose version --short 2>/dev/null || echo '?'))"
  exit 0
fi
if ! apt_install docker-compose; then
  echo "ensure-compose: ERROR: neither 'docker compose' nor 'docker-compose' is installed; install one (as root on Debian: apt-get install docker-compose)." >&2
  exit 1
fi
log "installed $(docker-compose version --short 2>/dev/null || echo docker-compose)"
