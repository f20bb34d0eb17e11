#!/usr/bin/env bash
# Build pyhost-runtime:latest from runtime-image/, but only when its inputs
# changed (the image carries io.pyhost.inputs=<sha256 of the inputs>).
# Creates the debian:bookworm-slim base tag with debootstrap when it is
# missing and cannot be pulled (no container registry on some machines).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONTEXT="$REPO_ROOT/runtime-image"
BASE_TAG="debian:bookworm-slim"
IMAGE_TAG="${PYHOST_RUNTIME_IMAGE:-pyhost-runtime:latest}"
LABEL="io.pyhost.inputs"

log() { echo "build-runtime-image: $*"; }
die() { echo "build-runtime-image: ERROR: $*" >&2; exit 1; }

command -v docker >/dev/null 2>&1 || die "docker CLI not found; run scripts/ensure-docker.sh first."
docker info >/dev/null 2>&1 || die "Docker Engine not reachable; run scripts/ensure-docker.sh first."
[ -f "$CONTEXT/Dockerfile" ] || die "no Dockerfile in $CONTEXT"

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

build_base_with_debootstrap() {
  [ "$(id -u)" -eq 0 ] || die "$BASE_TAG is missing, cannot be pulled, and building it with debootstrap needs root."
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap
  fi
  # /var/tmp rather than /tmp: /tmp may be a small or noexec tmpfs.
  rootfs="$(mktemp -d "${TMPDIR:-/var/tmp}/pyhost-rootfs.XXXXXX")"
  trap 'rm -rf "$rootfs"' EXIT
  log "building $BASE_TAG with debootstrap in $rootfs (about a minute)"
  # No mirror argument on purpose: debootstrap's default is right everywhere.
  debootstrap --variant=minbase --include=python3,ca-certificates bookworm "$rootfs"
  tar -C "$rootfs" -c . | docker import - "$BASE_TAG"
  rm -rf "$rootfs"
  trap - EXIT
  log "imported $BASE_TAG"
}

ensure_base() {
  if image_exists "$BASE_TAG"; then
    log "base $BASE_TAG present"
    return
  fi
  log "base $BASE_TAG missing; trying docker pull (60 s at most)"
  if timeout 60 docker pull "$BASE_TAG"; then
    return
  fi
  log "pull failed; falling back to debootstrap"
  build_base_with_debootstrap
}

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

ensure_base

hash="$(inputs_hash)"
current=""
if image_exists "$IMAGE_TAG"; then
  current="$(docker image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$IMAGE_TAG" 2>/dev/null || true)"
fi
if [ "$current" = "$hash" ]; then
  log "reused $IMAGE_TAG (inputs $hash unchanged)"
  exit 0
fi

# The docker CLI uses BuildKit only through the buildx plugin; Debian's
# docker.io 20.10 (and a bare CLI) may not have it, and then the classic
# builder is the one that works.
if docker buildx version >/dev/null 2>&1; then
  export DOCKER_BUILDKIT=1
else
  export DOCKER_BUILDKIT=0
fi
previous="$(docker image inspect --format '{{.Id}}' "$IMAGE_TAG" 2>/dev/null || true)"
log "building $IMAGE_TAG (inputs $hash, DOCKER_BUILDKIT=$DOCKER_BUILDKIT)"
start=$(date +%s)
docker build --label "$LABEL=$hash" -t "$IMAGE_TAG" "$CONTEXT"
log "built $IMAGE_TAG in $(( $(date +%s) - start ))s"
# The previous build is now untagged; drop it unless a container still uses it.
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect --format '{{.Id}}' "$IMAGE_TAG")" ]; then
  docker image rm "$previous" >/dev/null 2>&1 && log "removed the previous image ${previous#sha256:}" || true
fi
