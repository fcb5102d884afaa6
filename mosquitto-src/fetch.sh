#!/usr/bin/env bash
# Unpack the verified upstream mosquitto tree into mosquitto-src/mosquitto-<version>/.
# Tarball sources, in order: $MOSQUITTO_TARBALL_FILE, `apt-get source --download-only`,
# the upstream release download. The sha256 must match the pin in every case.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pin.env
. "$here/pin.env"
tree="$here/mosquitto-$MOSQUITTO_VERSION"
stamp="$tree/.verified"

if [ -f "$stamp" ]; then
  exit 0
fi

die() { echo "fetch.sh: $*" >&2; exit 1; }
sha_ok() { [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$MOSQUITTO_SHA256" ]; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=""

if [ -n "${MOSQUITTO_TARBALL_FILE:-}" ]; then
  [ -f "$MOSQUITTO_TARBALL_FILE" ] || die "MOSQUITTO_TARBALL_FILE=$MOSQUITTO_TARBALL_FILE does not exist"
  sha_ok "$MOSQUITTO_TARBALL_FILE" || die "MOSQUITTO_TARBALL_FILE does not match sha256 $MOSQUITTO_SHA256"
  tarball="$MOSQUITTO_TARBALL_FILE"
fi

ensure_deb_src() {
  if grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return 0
  fi
  [ -w /etc/apt/sources.list.d ] || return 1
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed -E 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
      > /etc/apt/sources.list.d/mosquitto-ts-src.sources
  elif [ -f /etc/apt/sources.list ]; then
    grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
      > /etc/apt/sources.list.d/mosquitto-ts-src.list
  else
    return 1
  fi
  apt-get update -qq
}

if [ -z "$tarball" ] && command -v apt-get >/dev/null; then
  if ensure_deb_src; then
    if (cd "$work" && apt-get source --download-only -qq "mosquitto=$MOSQUITTO_DEBIAN_VERSION" >/dev/null 2>&1 \
        || apt-get source --download-only -qq mosquitto >/dev/null 2>&1); then
      if [ -f "$work/$MOSQUITTO_TARBALL" ] && sha_ok "$work/$MOSQUITTO_TARBALL"; then
        tarball="$work/$MOSQUITTO_TARBALL"
      fi
    fi
  fi
fi

if [ -z "$tarball" ] && command -v curl >/dev/null; then
  if curl -fsSL --max-time 60 -o "$work/upstream.tar.gz" "$MOSQUITTO_UPSTREAM_URL" 2>/dev/null \
      && sha_ok "$work/upstream.tar.gz"; then
    tarball="$work/upstream.tar.gz"
  fi
fi

[ -n "$tarball" ] || die "could not obtain $MOSQUITTO_TARBALL with sha256 $MOSQUITTO_SHA256.
Tried: MOSQUITTO_TARBALL_FILE, apt-get source mosquitto=$MOSQUITTO_DEBIAN_VERSION, $MOSQUITTO_UPSTREAM_URL.
Set MOSQUITTO_TARBALL_FILE=/path/to/$MOSQUITTO_TARBALL and run again."

rm -rf "$tree"
tar -xzf "$tarball" -C "$here"
[ -d "$tree" ] || die "the tarball did not contain mosquitto-$MOSQUITTO_VERSION/"
touch "$stamp"
echo "fetch.sh: mosquitto $MOSQUITTO_VERSION unpacked in $tree"
