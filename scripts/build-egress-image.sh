#!/usr/bin/env bash
# Builds the egress proxy's image (egress-image/, docs/egress.md) only when
# its inputs changed: the image carries io.pyhost.inputs=<sha256 of the
# folder's files>. Creates the debian:bookworm-slim base with debootstrap
# when it is missing and cannot be pulled.
#
#   scripts/build-egress-image.sh
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONTEXT="$REPO_ROOT/egress-image"
LABEL="io.pyhost.inputs"
TAG="${PYHOST_EGRESS_IMAGE:-pyhost-egress:latest}"

log() { echo "build-egress-image: $*"; }
die() { echo "build-egress-image: ERROR: $*" >&2; exit 1; }

command -v docker >/dev/null 2>&1 || die "docker CLI not found; run scripts/ensure-docker.sh first."
docker info >/dev/null 2>&1 || die "Docker Engine not reachable; run scripts/ensure-docker.sh first."
[ -f "$CONTEXT/Dockerfile" ] || die "no Dockerfile in $CONTEXT"

# shellcheck source=lib/base-images.sh
. "$REPO_ROOT/scripts/lib/base-images.sh"

# Names and contents, sorted so the hash does not depend on the filesystem's order.
inputs_hash() {
  (cd "$CONTEXT" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

ensure_debian_base bookworm
hash="$(inputs_hash)"
current=""
if image_exists "$TAG"; then
  current="$(docker image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$TAG" 2>/dev/null || true)"
fi
if [ "$current" = "$hash" ]; then
  log "reused $TAG (inputs $hash unchanged)"
  exit 0
fi
choose_builder
previous="$(docker image inspect --format '{{.Id}}' "$TAG" 2>/dev/null || true)"
log "building $TAG (inputs $hash, DOCKER_BUILDKIT=$DOCKER_BUILDKIT)"
start=$(date +%s)
docker build --label "$LABEL=$hash" -t "$TAG" "$CONTEXT"
log "built $TAG in $(( $(date +%s) - start ))s"
# The previous build is now untagged; drop it unless a container still uses it.
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect --format '{{.Id}}' "$TAG")" ]; then
  docker image rm "$previous" >/dev/null 2>&1 && log "removed the previous image ${previous#sha256:}" || true
fi
