#!/usr/bin/env bash
# Builds the runtime images from runtime-image/, one per Python version
# (docs/runtime-contract.md), in parallel, each only when its inputs changed:
# an image carries io.pyhost.inputs=<sha256 of the files and its build
# arguments>. Creates each debian:<release>-slim base with debootstrap when
# it is missing and cannot be pulled (no container registry on some machines).
#
#   scripts/build-runtime-image.sh            # every version
#   scripts/build-runtime-image.sh 3.13 3.9   # only these
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONTEXT="$REPO_ROOT/runtime-image"

log() { echo "build-runtime-image: $*"; }
die() { echo "build-runtime-image: ERROR: $*" >&2; exit 1; }

command -v docker >/dev/null 2>&1 || die "docker CLI not found; run scripts/ensure-docker.sh first."
docker info >/dev/null 2>&1 || die "Docker Engine not reachable; run scripts/ensure-docker.sh first."
[ -f "$CONTEXT/Dockerfile" ] || die "no Dockerfile in $CONTEXT"

# shellcheck source=lib/base-images.sh
. "$REPO_ROOT/scripts/lib/base-images.sh"
# shellcheck source=lib/runtime-images.sh
. "$REPO_ROOT/scripts/lib/runtime-images.sh"

# sha256 over every build input: relative names and contents, sorted so the
# hash does not depend on the filesystem's order, and the build arguments.
# Python caches are not inputs (running the unit tests must not force a
# rebuild).
inputs_hash() {
  (
    cd "$CONTEXT"
    find . -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 \
      | LC_ALL=C sort -z \
      | xargs -0 sha256sum
    echo "DEBIAN_RELEASE=$1 PYTHON_VERSION=$2"
  ) | sha256sum | cut -d' ' -f1
}

# Builds one version's image unless its inputs are unchanged.
build_one() {
  local version="$1" release
  release="$(runtime_release "$version")"
  ensure_debian_base "$release"
  build_unless_unchanged "$(runtime_tag "$version")" "$(inputs_hash "$release" "$version")" "$CONTEXT" \
    "Python $version on Debian $release" \
    --build-arg "DEBIAN_RELEASE=$release" --build-arg "PYTHON_VERSION=$version"
}

versions=("$@")
[ ${#versions[@]} -gt 0 ] || read -r -a versions <<< "$RUNTIME_PYTHON_VERSIONS"
for v in "${versions[@]}"; do runtime_release "$v" >/dev/null || die "no runtime image for Python $v (there are: $RUNTIME_PYTHON_VERSIONS)"; done

choose_builder
if [ ${#versions[@]} -eq 1 ]; then
  build_one "${versions[0]}"
  exit 0
fi

# In parallel, each job's lines prefixed with its version. apt-get must not
# run twice at once on this machine: debootstrap is installed before the fork.
need_debootstrap=0
for v in "${versions[@]}"; do image_exists "debian:$(runtime_release "$v")-slim" || need_debootstrap=1; done
[ "$need_debootstrap" -eq 0 ] || [ "$(id -u)" -ne 0 ] || ensure_debootstrap
pids=()
for v in "${versions[@]}"; do
  ( build_one "$v" 2>&1 | sed -u "s/^/[python$v] /" ) &
  pids+=($!)
done
failed=()
for i in "${!versions[@]}"; do
  wait "${pids[$i]}" || failed+=("${versions[$i]}")
done
[ ${#failed[@]} -eq 0 ] || die "the image for Python ${failed[*]} failed to build (see the [python…] lines above)"
log "runtime images ready: $(for v in "${versions[@]}"; do printf '%s ' "$(runtime_tag "$v")"; done)"
