#!/usr/bin/env bash
# Install Mesa's software Vulkan driver (lavapipe) on Debian 12 so that the WebGPU device's
# tests have an adapter on machines without a GPU.
#
# Debian 12's own mesa-vulkan-drivers (Mesa 22) is too old for Dawn: requestAdapter() returns
# null. bookworm-backports carries Mesa 25, so this script
#   1. adds the bookworm-backports apt source if no source lists it yet,
#   2. runs `apt-get update` only when apt does not know the backports package yet,
#   3. installs mesa-vulkan-drivers from backports; its dependencies come from plain Debian
#      wherever plain Debian satisfies them (apt takes from backports only what the newer
#      driver strictly needs), so the rest of the system's Mesa stays as it was.
# It is idempotent and returns at once when a recent enough driver is installed.
#
# Usage (as root, e.g. in CI):  bash scripts/install-vulkan.sh
# Environment:
#   DEBIAN_MIRROR   mirror for the backports source (default http://deb.debian.org/debian)
#   MIN_MESA        lowest acceptable mesa-vulkan-drivers version (default 24)
set -euo pipefail

MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
MIN_MESA="${MIN_MESA:-24}"
SUITE=bookworm-backports
SOURCE_FILE=/etc/apt/sources.list.d/${SUITE}.sources
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

log() { printf 'install-vulkan: %s\n' "$*" >&2; }

installed_version() {
  # Prints the installed version of package $1, or nothing.
  dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null |
    awk '$1 == "ii" { print $2 }'
}

lavapipe_icd() {
  # Prints the lavapipe ICD manifest (lvp_icd.json, or lvp_icd.<arch>.json in older Mesa).
  ls /usr/share/vulkan/icd.d/lvp_icd*.json 2>/dev/null | head -n 1 | grep .
}

driver_ok() {
  local v
  v="$(installed_version mesa-vulkan-drivers)"
  [ -n "$v" ] && dpkg --compare-versions "$v" ge "$MIN_MESA" &&
    [ -n "$(installed_version libvulkan1)" ] && lavapipe_icd >/dev/null
}

if driver_ok; then
  log "mesa-vulkan-drivers $(installed_version mesa-vulkan-drivers) already installed ($(lavapipe_icd)); nothing to do"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo -E bash "$0" "$@"
  fi
  log "must run as root"
  exit 1
fi

. /etc/os-release
if [ "${ID:-}" != debian ] || [ "${VERSION_CODENAME:-}" != bookworm ]; then
  log "this script is for Debian 12 (bookworm); found ${PRETTY_NAME:-unknown}"
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# 1. The backports source, unless some source already names the suite.
if grep -rqsE "^[^#]*\\b${SUITE}\\b" /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
  /etc/apt/sources.list.d/*.sources; then
  log "an apt source for ${SUITE} exists"
else
  log "adding ${SOURCE_FILE}"
  {
    echo "Types: deb"
    echo "URIs: ${MIRROR}"
    echo "Suites: ${SUITE}"
    echo "Components: main"
    if [ -f "$KEYRING" ]; then echo "Signed-By: ${KEYRING}"; fi
  } >"$SOURCE_FILE"
fi

# 2. Update the package lists only when apt cannot see the backports driver or libvulkan1.
lists_ready() {
  apt-cache madison mesa-vulkan-drivers 2>/dev/null | grep -q "$SUITE" &&
    apt-cache madison libvulkan1 2>/dev/null | grep -q .
}
if lists_ready; then
  log "package lists already know ${SUITE}; skipping apt-get update"
else
  log "apt-get update"
  # An unrelated broken source should not stop us: the install below says if lists are missing.
  apt-get update -qq || log "apt-get update reported errors; trying the install anyway"
fi

# 3. Install the driver from backports; dependencies from plain Debian where they suffice.
log "installing mesa-vulkan-drivers from ${SUITE}"
apt-get install -y -qq --no-install-recommends "mesa-vulkan-drivers/${SUITE}" libvulkan1

if ! driver_ok; then
  log "mesa-vulkan-drivers $(installed_version mesa-vulkan-drivers) is older than ${MIN_MESA} or lacks lavapipe"
  exit 1
fi
log "installed mesa-vulkan-drivers $(installed_version mesa-vulkan-drivers)"
log "lavapipe ICD: $(lavapipe_icd)"
