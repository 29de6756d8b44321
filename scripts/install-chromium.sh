#!/usr/bin/env bash
# Install Debian's Chromium (the `chromium` package) so that the browser tests
# (test/browser/chromium.test.ts, driven by playwright-core) have a browser to run; no browser is
# downloaded from anywhere else. Idempotent: returns at once when /usr/bin/chromium exists.
# `apt-get update` runs only when apt does not know the package yet.
#
# Usage (as root, e.g. in CI):  bash scripts/install-chromium.sh
set -euo pipefail

log() { printf 'install-chromium: %s\n' "$*" >&2; }

if command -v chromium >/dev/null 2>&1; then
  log "$(chromium --version 2>/dev/null | head -n 1) already installed; nothing to do"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo -E bash "$0" "$@"
  fi
  log "must run as root"
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache policy chromium 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  log "apt-get update"
  apt-get update -qq || log "apt-get update reported errors; trying the install anyway"
fi
log "installing chromium"
apt-get install -y -qq --no-install-recommends chromium
log "installed $(chromium --version 2>/dev/null | head -n 1)"
