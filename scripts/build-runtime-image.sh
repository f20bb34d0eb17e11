#!/usr/bin/env bash
# Build pyhost-runtime:latest from runtime-image/, but only when its inputs
# changed (the image carries io.pyhost.inputs=<sha256 of the inputs>).
# Creates the debian:bookworm-slim base tag with debootstrap when it is
# missing and cannot be pulled (no container registry on some machines).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONTEXT="$REPO_ROOT/runtime-image"
IMAGE_TAG="${PYHOST_RUNTIME_IMAGE:-pyhost-runtime:latest}"
LABEL="io.pyhost.inputs"

log() { echo "build-runtime-image: $*"; }
die() { echo "build-runtime-image: ERROR: $*" >&2; exit 1; }

command -v docker >/dev/null 2>&1 || die "docker CLI not found; run scripts/ensure-docker.sh first."
docker info >/dev/null 2>&1 || die "Docker Engine not reachable; run scripts/ensure-docker.sh first."
[ -f "$CONTEXT/Dockerfile" ] || die "no Dockerfile in $CONTEXT"

# shellcheck source=lib/base-images.sh
. "$REPO_ROOT/scripts/lib/base-images.sh"

# sha256 over every build input: relative names and contents, sorted so the
# hash does not depend on the filesystem's order. Python caches are not inputs
# (running the unit tests must not force a rebuild).
inputs_hash() {
  (
    cd "$CONTEXT"
    find . -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 \
      | LC_ALL=C sort -z \
      | xargs -0 sha256sum
  ) | sha256sum | cut -d' ' -f1
}

ensure_debian_base

hash="$(inputs_hash)"
current=""
if image_exists "$IMAGE_TAG"; then
  current="$(docker image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$IMAGE_TAG" 2>/dev/null || true)"
fi
if [ "$current" = "$hash" ]; then
  log "reused $IMAGE_TAG (inputs $hash unchanged)"
  exit 0
fi

choose_builder
previous="$(docker image inspect --format '{{.Id}}' "$IMAGE_TAG" 2>/dev/null || true)"
log "building $IMAGE_TAG (inputs $hash, DOCKER_BUILDKIT=$DOCKER_BUILDKIT)"
start=$(date +%s)
docker build --label "$LABEL=$hash" -t "$IMAGE_TAG" "$CONTEXT"
log "built $IMAGE_TAG in $(( $(date +%s) - start ))s"
# The previous build is now untagged; drop it unless a container still uses it.
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect --format '{{.Id}}' "$IMAGE_TAG")" ]; then
  docker image rm "$previous" >/dev/null 2>&1 && log "removed the previous image ${previous#sha256:}" || true
fi
