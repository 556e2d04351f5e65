#!/usr/bin/env bash
# Installs what EddyDB needs on a fresh Debian machine with Node 20: nats-server (Debian package) and the npm dependencies.
# With --test it also installs what the tests drive as real clients (TEST_CLIENTS below: prometheus 2.42, chromium, psql...).
set -euo pipefail
cd "$(dirname "$0")/.."
FOR_TESTS=0
for a in "$@"; do
  case "$a" in
    --test) FOR_TESTS=1 ;;
    *) echo "setup: unknown option $a (use --test)" >&2; exit 2 ;;
  esac
done

apt_install() {
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

have_nats() { command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || [ -x /usr/bin/nats-server ]; }
if ! have_nats; then
  echo "setup: installing nats-server (Debian package)" >&2
  apt_install nats-server
fi

# The real clients the tests drive, one per line: "<file that shows it is installed> <Debian package>".
TEST_CLIENTS=(
  "/usr/bin/prometheus prometheus"
  "/usr/bin/chromium chromium"
  "/usr/bin/openssl openssl"
  "/usr/bin/curl curl"
  "/usr/bin/psql postgresql-client"
  "/usr/sbin/rsyslogd rsyslog"
  "/usr/lib/x86_64-linux-gnu/rsyslog/omelasticsearch.so rsyslog-elasticsearch"
  "/usr/bin/logger bsdutils"
  "/usr/lib/x86_64-linux-gnu/libivykis.so.0 libivykis0"
  "/usr/lib/x86_64-linux-gnu/libnet.so.1 libnet1"
  "/usr/lib/x86_64-linux-gnu/libcurl.so.4 libcurl4"
  # the rest of syslog-ng-core's libraries (a fresh machine had no libpcre3; the others come with chromium or systemd)
  "/usr/lib/x86_64-linux-gnu/libpcre.so.3 libpcre3"
  "/usr/lib/x86_64-linux-gnu/libwrap.so.0 libwrap0"
  "/usr/lib/x86_64-linux-gnu/libjson-c.so.5 libjson-c5"
  "/usr/lib/x86_64-linux-gnu/libglib-2.0.so.0 libglib2.0-0"
  "/usr/lib/x86_64-linux-gnu/libcap.so.2 libcap2"
  "/usr/lib/x86_64-linux-gnu/libsystemd.so.0 libsystemd0"
  "/usr/lib/x86_64-linux-gnu/libssl.so.3 libssl3"
)
if [ "$FOR_TESTS" = 1 ]; then
  missing=()
  for entry in "${TEST_CLIENTS[@]}"; do
    read -r file pkg <<<"$entry"
    [ -e "$file" ] || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing test clients (Debian packages): ${missing[*]}" >&2
    apt_install "${missing[@]}"
  fi
fi

# syslog-ng conflicts with rsyslog as Debian packages (both are the system log daemon), and the tests run both as
# unprivileged foreground processes with their own config: unpack syslog-ng's packages into a directory instead.
SYSLOG_NG_DIR=/opt/eddy-test/syslog-ng
if [ "$FOR_TESTS" = 1 ] && [ ! -x "$SYSLOG_NG_DIR/usr/sbin/syslog-ng" ]; then
  echo "setup: unpacking syslog-ng (syslog-ng-core, -mod-http, -scl) into $SYSLOG_NG_DIR" >&2
  tmp=$(mktemp -d)
  apt-get update -qq >/dev/null 2>&1 || true
  (cd "$tmp" && apt-get download -qq syslog-ng-core syslog-ng-mod-http syslog-ng-scl >/dev/null 2>&1)
  mkdir -p "$SYSLOG_NG_DIR"
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$SYSLOG_NG_DIR"; done
  rm -rf "$tmp"
fi
if [ "$FOR_TESTS" = 1 ]; then
  # it must load: a missing shared library shows here, not as a test timing out
  LD_LIBRARY_PATH="$SYSLOG_NG_DIR/usr/lib/syslog-ng" "$SYSLOG_NG_DIR/usr/sbin/syslog-ng" --version >/dev/null \
    || { echo "setup: syslog-ng in $SYSLOG_NG_DIR does not start (a library missing?)" >&2; exit 1; }
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
# npm 11 may skip install scripts: build the zstd binding and check esbuild's binary explicitly.
node -e "require('zstd-napi')" 2>/dev/null || npm rebuild zstd-napi --loglevel=error
node -e "require('zstd-napi')"
