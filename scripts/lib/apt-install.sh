# Sourced by the ensure-* scripts. Installs Debian packages with apt-get
# where this script may: as root on a machine that has apt-get.
# Expects log() from the sourcing script.

# apt_install <package...>: returns 1, doing nothing, when it cannot install
# here, so the caller decides whether that is a warning or an error. Exits
# the script with apt-get's status when apt-get fails; the explicit exits
# hold even when the caller runs this in an `if` or `||`, where set -e does not.
apt_install() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    return 1
  fi
  log "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update || exit
  DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" || exit
}
