# Sourced by the image scripts. Makes sure the public base images that
# Pyhost's Dockerfiles start FROM exist locally: pulled where a registry is
# reachable, otherwise built here (air-gapped machines; see the README).
# Expects log() and die() from the sourcing script.

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# Tries `docker pull` for at most $2 seconds (default 60); quiet on failure.
try_pull() {
  log "$1 missing; trying docker pull (${2:-60} s at most)"
  timeout "${2:-60}" docker pull "$1"
}

# The default release (the platform image and the default runtime image).
DEBIAN_BASE_TAG="debian:bookworm-slim"

# Installs debootstrap once; callers running in parallel call this first,
# before they fork, so that two apt-gets never race for the lock.
ensure_debootstrap() {
  command -v debootstrap >/dev/null 2>&1 && return
  [ "$(id -u)" -eq 0 ] || die "debootstrap is missing and installing it needs root."
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap
}

# debian:<release>-slim ($1, default bookworm): pulled, or made with
# debootstrap and `docker import`.
ensure_debian_base() {
  local release="${1:-bookworm}"
  local tag="debian:${release}-slim"
  if image_exists "$tag"; then
    log "base $tag present"
    return
  fi
  if try_pull "$tag"; then return; fi
  log "pull failed; building $tag with debootstrap"
  [ "$(id -u)" -eq 0 ] || die "$tag is missing, cannot be pulled, and building it with debootstrap needs root."
  ensure_debootstrap
  # /var/tmp rather than /tmp: /tmp may be a small or noexec tmpfs.
  local rootfs
  rootfs="$(mktemp -d "${TMPDIR:-/var/tmp}/pyhost-rootfs-$release.XXXXXX")"
  log "debootstrap $release into $rootfs (about a minute)"
  # No mirror argument on purpose: debootstrap's default is right everywhere.
  if ! debootstrap --variant=minbase --include=python3,ca-certificates "$release" "$rootfs"; then
    rm -rf "$rootfs"
    die "debootstrap $release failed"
  fi
  tar -C "$rootfs" -c . | docker import - "$tag"
  rm -rf "$rootfs"
  log "imported $tag"
}

# Picks the classic builder unless the buildx plugin is there: Debian's
# docker.io 20.10 (and a bare CLI) may not have it.
choose_builder() {
  if docker buildx version >/dev/null 2>&1; then
    export DOCKER_BUILDKIT=1
  else
    export DOCKER_BUILDKIT=0
  fi
}
