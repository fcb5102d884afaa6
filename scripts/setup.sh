#!/usr/bin/env bash
# Everything the broker and the tests need, on a fresh Debian 12 machine with Node 20.
# Idempotent: quick when all is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(mosquitto mosquitto-clients python3-paho-mqtt universal-ctags python3 gcc chromium)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -d node_modules ] || npm ci --no-audit --no-fund
bash mosquitto-src/fetch.sh
bash test/conformance/prepare.sh
npx tsc -p tsconfig.json
