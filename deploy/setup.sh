#!/usr/bin/env bash
# Installs what EddyDB needs on a fresh Debian machine with Node 20: nats-server (Debian package) and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

have_nats() { command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || [ -x /usr/bin/nats-server ]; }
if ! have_nats; then
  echo "setup: installing nats-server (Debian package)" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nats-server >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
# npm 11 may skip install scripts: build the zstd binding and check esbuild's binary explicitly.
node -e "require('zstd-napi')" 2>/dev/null || npm rebuild zstd-napi --loglevel=error
node -e "require('zstd-napi')"
