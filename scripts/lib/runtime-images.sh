# Sourced by the image scripts and the bench: which runtime image serves
# which Python, on which Debian release. The tags must match the control
# plane's (control-plane/src/config.ts, runtimeImages): PYHOST_RUNTIME_IMAGE
# is the default Python's, PYHOST_RUNTIME_IMAGE_PYTHON39/_PYTHON313 the others'.

RUNTIME_PYTHON_VERSIONS="3.9 3.11 3.13"

# The Debian release whose python3 is version $1.
runtime_release() {
  case "$1" in
    3.9) echo bullseye ;;
    3.11) echo bookworm ;;
    3.13) echo trixie ;;
    *) return 1 ;;
  esac
}

# The image tag for version $1.
runtime_tag() {
  case "$1" in
    3.9) echo "${PYHOST_RUNTIME_IMAGE_PYTHON39:-pyhost-runtime:python39}" ;;
    3.11) echo "${PYHOST_RUNTIME_IMAGE:-pyhost-runtime:latest}" ;;
    3.13) echo "${PYHOST_RUNTIME_IMAGE_PYTHON313:-pyhost-runtime:python313}" ;;
    *) return 1 ;;
  esac
}
