#!/usr/bin/env bash
# Make sure node:<major>-bookworm-slim (the platform image's base; <major> =
# this machine's Node.js major version) exists locally. Pulled when a registry
# answers; otherwise built from debian:bookworm-slim plus this machine's own
# `node` binary and npm (same glibc: Debian 12), which is how air-gapped
# machines get it. Idempotent: does nothing when the tag is there.
# Prints the tag on its last line.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { echo "build-node-base: $*" >&2; }
die() { echo "build-node-base: ERROR: $*" >&2; exit 1; }

docker info >/dev/null 2>&1 || die "Docker Engine not reachable; run scripts/ensure-docker.sh first."
# shellcheck source=lib/base-images.sh
. "$REPO_ROOT/scripts/lib/base-images.sh"

node_bin="$(command -v node)" || die "node is not installed"
node_bin="$(readlink -f "$node_bin")"
major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
TAG="${PYHOST_NODE_IMAGE:-node:${major}-bookworm-slim}"

if image_exists "$TAG"; then
  log "base $TAG present"
elif try_pull "$TAG" >&2; then
  log "pulled $TAG"
else
  case "$TAG" in
    *:"$major"-*|*:"$major") ;;
    *) die "$TAG cannot be pulled, and this machine's Node.js is $major: set PYHOST_NODE_IMAGE=node:${major}-bookworm-slim (native modules are built for the host's Node.js)" ;;
  esac
  log "pull failed; building $TAG from $DEBIAN_BASE_TAG and this machine's node ($("$node_bin" --version))"
  ensure_debian_base >&2
  npm_dir="$(readlink -f "$(dirname "$(readlink -f "$(command -v npm)")")/..")"
  [ -f "$npm_dir/package.json" ] || die "cannot find npm's folder (looked at $npm_dir)"
  ctx="$(mktemp -d "${TMPDIR:-/var/tmp}/pyhost-node-base.XXXXXX")"
  trap 'rm -rf "$ctx"' EXIT
  cp "$node_bin" "$ctx/node"
  cp -a "$npm_dir" "$ctx/npm"
  # The same layout as the official image: /usr/local, a `node` user (uid 1000).
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $DEBIAN_BASE_TAG
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
CMD ["node"]
DOCKERFILE
  choose_builder
  docker build --label io.pyhost.local-base=true -t "$TAG" "$ctx" >&2
  log "built $TAG locally"
fi
echo "$TAG"
