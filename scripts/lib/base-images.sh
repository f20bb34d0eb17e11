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

# Builds image $1 from folder $3 unless it is labelled io.pyhost.inputs=$2
# already (the caller's hash of every input); $4 describes it in the log,
# the rest are `docker build` arguments. The previous build is untagged
# then: dropped unless a container still uses it. choose_builder first.
build_unless_unchanged() {
  local tag="$1" hash="$2" context="$3" what="$4" current="" previous start
  shift 4
  if image_exists "$tag"; then
    current="$(docker image inspect --format '{{ index .Config.Labels "io.pyhost.inputs" }}' "$tag" 2>/dev/null || true)"
  fi
  if [ "$current" = "$hash" ]; then
    log "reused $tag (inputs $hash unchanged)"
    return
  fi
  previous="$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)"
  log "building $tag: $what (inputs $hash, DOCKER_BUILDKIT=$DOCKER_BUILDKIT)"
  start=$(date +%s)
  docker build --label "io.pyhost.inputs=$hash" "$@" -t "$tag" "$context"
  log "built $tag in $(( $(date +%s) - start ))s"
  if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect --format '{{.Id}}' "$tag")" ]; then
    docker image rm "$previous" >/dev/null 2>&1 && log "removed the previous image ${previous#sha256:}" || true
  fi
}
