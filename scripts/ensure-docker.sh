#!/usr/bin/env bash
# Make sure a Docker Engine is reachable. Idempotent: does nothing when
# `docker info` already works. These machines have no systemd, so the daemon
# is started by hand in the background (see docs/environment.md).
set -euo pipefail

WAIT_SECONDS="${PYHOST_DOCKER_WAIT_SECONDS:-60}"
DOCKERD_LOG="${PYHOST_DOCKERD_LOG:-/var/log/dockerd.log}"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { echo "ensure-docker: $*"; }
die() { echo "ensure-docker: ERROR: $*" >&2; exit 1; }
# shellcheck source=lib/apt-install.sh
. "$REPO_ROOT/scripts/lib/apt-install.sh"

docker_ok() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

# pgrep (procps) is not on every minimal image; fall back to the pid file.
dockerd_running() {
  if command -v pgrep >/dev/null 2>&1; then
    pgrep -x dockerd >/dev/null 2>&1
  else
    [ -f /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null
  fi
}

if docker_ok; then
  log "Docker Engine is reachable; nothing to do."
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  die "Docker Engine is not reachable and this script is not running as root.
  Either start the engine yourself (e.g. 'sudo dockerd &' or 'sudo systemctl start docker'),
  add your user to the 'docker' group, or re-run this script as root."
fi

if ! command -v dockerd >/dev/null 2>&1; then
  log "dockerd not found."
  apt_install docker.io || die "dockerd is missing and apt-get is not available; install Docker Engine by hand."
fi

if dockerd_running; then
  # A daemon is already running (perhaps still starting up); do not start a
  # second one, which would fight over /var/run/docker.pid.
  log "dockerd is already running; waiting for it to answer."
else
  log "starting dockerd in the background (log: $DOCKERD_LOG)."
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  # Its own session: the engine outlives the shell (and process group) that started it.
  setsid nohup dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &
fi

deadline=$(( $(date +%s) + WAIT_SECONDS ))
until docker_ok; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "ensure-docker: last lines of $DOCKERD_LOG:" >&2
    tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
    die "Docker Engine did not answer within ${WAIT_SECONDS}s."
  fi
  sleep 0.5
done
log "Docker Engine is up ($(docker info --format '{{.ServerVersion}}' 2>/dev/null || echo '?'))."
