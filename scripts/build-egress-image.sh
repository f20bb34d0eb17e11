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
choose_builder
build_unless_unchanged "$TAG" "$(inputs_hash)" "$CONTEXT" "squid and socat on Debian bookworm"
