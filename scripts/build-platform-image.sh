#!/usr/bin/env bash
# Build the platform image (api + router + dashboard; see ../Dockerfile) from
# what this machine built: `npm run build` first, then the image from dist/
# and node_modules/ — no registry is needed. The Node.js base image is pulled
# or, where nothing can be pulled, made locally (scripts/build-node-base.sh).
# Docker's layer cache makes a rebuild with unchanged inputs take seconds.
#   PYHOST_IMAGE        tag to build (default pyhost:latest)
#   PYHOST_SKIP_BUILD=1 use the dist/ folders as they are
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
IMAGE_TAG="${PYHOST_IMAGE:-pyhost:latest}"
log() { echo "build-platform-image: $*"; }
die() { echo "build-platform-image: ERROR: $*" >&2; exit 1; }

docker info >/dev/null 2>&1 || die "Docker Engine not reachable; run scripts/setup.sh first."
[ -d node_modules ] || die "node_modules is missing; run scripts/setup.sh first."
# shellcheck source=lib/base-images.sh
. "$REPO_ROOT/scripts/lib/base-images.sh"

if [ "${PYHOST_SKIP_BUILD:-0}" != 1 ]; then
  log "npm run build"
  npm run build --silent
fi
[ -f control-plane/dist/server.js ] || die "control-plane/dist is missing; run npm run build."
# A workspace without a dashboard build still gets an image (the api then serves no dashboard).
mkdir -p dashboard/dist

node_image="$(bash scripts/build-node-base.sh | tail -n 1)"
choose_builder
previous="$(docker image inspect --format '{{.Id}}' "$IMAGE_TAG" 2>/dev/null || true)"
log "building $IMAGE_TAG on $node_image"
start=$(date +%s)
docker build --build-arg "NODE_IMAGE=$node_image" -t "$IMAGE_TAG" . | grep -v -e '^ ---> ' -e '^Removing intermediate' || true
current="$(docker image inspect --format '{{.Id}}' "$IMAGE_TAG" 2>/dev/null || true)"
[ -n "$current" ] || die "the build failed"
log "built $IMAGE_TAG in $(( $(date +%s) - start ))s ($(docker image inspect --format '{{.Size}}' "$IMAGE_TAG" | awk '{printf "%d MB", $1/1000000}'))"
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
  docker image rm "$previous" >/dev/null 2>&1 && log "removed the previous image ${previous#sha256:}" || true
fi
