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

DEBIAN_BASE_TAG="debian:bookworm-slim"

# debian:bookworm-slim: pulled, or made with debootstrap and `docker import`.
ensure_debian_base() {
  if image_exists "$DEBIAN_BASE_TAG"; then
    log "base $DEBIAN_BASE_TAG present"
    return
  fi
  if try_pull "$DEBIAN_BASE_TAG"; then return; fi
  log "pull failed; building $DEBIAN_BASE_TAG with debootstrap"
  [ "$(id -u)" -eq 0 ] || die "$DEBIAN_BASE_TAG is missing, cannot be pulled, and building it with debootstrap needs root."
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap
  fi
  # /var/tmp rather than /tmp: /tmp may be a small or noexec tmpfs.
  local rootfs
  rootfs="$(mktemp -d "${TMPDIR:-/var/tmp}/pyhost-rootfs.XXXXXX")"
  log "debootstrap into $rootfs (about a minute)"
  # No mirror argument on purpose: debootstrap's default is right everywhere.
  if ! debootstrap --variant=minbase --include=python3,ca-certificates bookworm "$rootfs"; then
    rm -rf "$rootfs"
    die "debootstrap failed"
  fi
  tar -C "$rootfs" -c . | docker import - "$DEBIAN_BASE_TAG"
  rm -rf "$rootfs"
  log "imported $DEBIAN_BASE_TAG"
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
