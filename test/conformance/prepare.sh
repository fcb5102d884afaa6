#!/usr/bin/env bash
# Prepares mosquitto's own broker test suite (the unpacked C tree, git-ignored) to run against
# the port. Called by scripts/setup.sh after mosquitto-src/fetch.sh. Idempotent and quick when
# everything is already in place.
#
#  1. Writes the shim <tree>/src/mosquitto: the suite starts `../../src/mosquitto` from
#     test/broker/, and the shim hands the same arguments to dist/bin/mosquitto.js (or, when
#     MOSQ_CONFORMANCE_BROKER is set, to that binary, e.g. /usr/sbin/mosquitto).
#  2. Regenerates the suite's expired test certificates with the tree's test/ssl/gen.sh.
#
#  3. Builds the suite's two TLS-PSK test clients (c/08-tls-psk-pub.test, c/08-tls-psk-bridge.test)
#     as the C tree's test/broker/c/Makefile does, but linked against Debian's libmosquitto.so.1
#     (package libmosquitto1, a dependency of mosquitto-clients) instead of the tree's own build.
#     Only gcc is needed: the header comes from the C tree. Skipped with a note when either is
#     missing.
#
#  4. Writes <tree>/plugins/dynamic-security/mosquitto_dynamic_security.js, which re-exports the
#     port's dynamic-security plugin: the 14-dynsec-* configs name mosquitto_dynamic_security.so
#     there, and the port's loader takes the .js module beside a .so path.
#
#  5. Writes <tree>/test/broker/c/X.js for each JS port test/conformance/plugins/X.mjs of the
#     suite's C test plugins (test/broker/c/X.c): a one-line re-export of the port. The 09-plugin-*
#     and 09-extended-auth-* configs name c/X.so, and the port's loader takes the .js module
#     beside a .so path. The C plugins themselves are NOT built (the port cannot load them).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../mosquitto-src/pin.env
. "$root/mosquitto-src/pin.env"
tree="$root/mosquitto-src/mosquitto-$MOSQUITTO_VERSION"
[ -d "$tree/test/broker" ] || { echo "prepare.sh: $tree/test/broker is missing; run mosquitto-src/fetch.sh first" >&2; exit 1; }

# 1. The shim. It finds the repository from its own location, so it survives a moved checkout.
#    SNAP_NAME=mosquitto: mosquitto (2.0.11 src/mosquitto.c drop_privileges) skips its switch to
#    user `mosquitto` when it sees this, which it otherwise does when started as root with no
#    `user` option. The suite's configs never set `user`, and the dropped broker cannot write its
#    persistence files, password files or logs in test/broker/. Exporting it for the port too
#    keeps both brokers in the same situation.
shim="$tree/src/mosquitto"
shim_text='#!/bin/sh
# Written by test/conformance/prepare.sh: the broker under test for mosquitto'"'"'s test suite.
export SNAP_NAME=mosquitto
if [ -n "${MOSQ_CONFORMANCE_BROKER:-}" ]; then
  exec "$MOSQ_CONFORMANCE_BROKER" "$@"
fi
repo=$(cd "$(dirname "$0")/../../.." && pwd)
exec "${MOSQ_CONFORMANCE_NODE:-node}" "$repo/dist/bin/mosquitto.js" "$@"'
if [ ! -f "$shim" ] || [ "$(cat "$shim")" != "$shim_text" ]; then
  printf '%s\n' "$shim_text" > "$shim"
  echo "prepare.sh: wrote $shim"
fi
chmod 755 "$shim"

# 2. Test certificates (shipped ones expired in 2025). Regenerate once, and again whenever the
#    server certificate is within a day of expiring.
ssl="$tree/test/ssl"
stamp="$ssl/.regenerated"
if [ ! -f "$stamp" ] || ! openssl x509 -checkend 86400 -noout -in "$ssl/server.crt" >/dev/null 2>&1; then
  command -v openssl >/dev/null || { echo "prepare.sh: openssl is needed to regenerate the test certificates" >&2; exit 1; }
  rm -f "$stamp"
  log=$(mktemp)
  if ! (cd "$ssl" && bash ./gen.sh) >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "prepare.sh: $ssl/gen.sh failed" >&2
    exit 1
  fi
  rm -f "$log"
  openssl verify -CAfile "$ssl/all-ca.crt" "$ssl/server.crt" "$ssl/client.crt" >/dev/null \
    || { echo "prepare.sh: regenerated certificates do not verify" >&2; exit 1; }
  date -u +%FT%TZ > "$stamp"
  echo "prepare.sh: regenerated the test certificates in $ssl"
fi

# 3. The TLS-PSK test clients.
cdir="$tree/test/broker/c"
libmosq=$(ls /usr/lib/*/libmosquitto.so.1 2>/dev/null | head -n1 || true)
if command -v gcc >/dev/null && [ -n "$libmosq" ]; then
  for t in 08-tls-psk-pub 08-tls-psk-bridge; do
    if [ ! -x "$cdir/$t.test" ] || [ "$cdir/$t.c" -nt "$cdir/$t.test" ]; then
      gcc -I"$tree/include" -Wall -Werror "$cdir/$t.c" -o "$cdir/$t.test" "$libmosq"
      echo "prepare.sh: built $cdir/$t.test"
    fi
  done
else
  echo "prepare.sh: gcc or libmosquitto.so.1 missing; c/08-tls-psk-*.test not built" >&2
fi

# 4. The dynamic-security plugin module the 14-dynsec-* scripts load (the port's plugin, built in dist/).
dynsec="$tree/plugins/dynamic-security/mosquitto_dynamic_security.js"
dynsec_text="export * from '$root/dist/plugins/dynamic-security/plugin.js';"
if [ ! -f "$dynsec" ] || [ "$(cat "$dynsec")" != "$dynsec_text" ]; then
  printf '%s\n' "$dynsec_text" > "$dynsec"
  echo "prepare.sh: wrote $dynsec"
fi

# 5. The suite's test plugins, as the JS ports in test/conformance/plugins/ (plain JS, no build).
for plugin in "$root"/test/conformance/plugins/*.mjs; do
  name=$(basename "$plugin" .mjs)
  stub="$cdir/$name.js"
  stub_text="export * from '$plugin';"
  if [ ! -f "$stub" ] || [ "$(cat "$stub")" != "$stub_text" ]; then
    printf '%s\n' "$stub_text" > "$stub"
    echo "prepare.sh: wrote $stub"
  fi
done
