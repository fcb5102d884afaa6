#!/usr/bin/env bash
# Demo: what mosquitto.db holds. One broker saves a persistent session with a queued message and a
# retained message; the file is dumped; then the *other* implementation loads it and delivers both.
#
#   bash notes/demos/persistence-file.sh [PORT]      (after a build: npx tsc -p tsconfig.json)
#
# By default the port (node dist/bin/mosquitto.js) writes the file and Debian's mosquitto 2.0.11
# reads it; BROKER=debian swaps the two. Listens on 127.0.0.1:PORT (default 3450).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
port=${1:-3450}
dir=$(mktemp -d)
broker_pid=
cleanup() {
  if [ -n "$broker_pid" ]; then kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
port_cmd=(node "$repo/dist/bin/mosquitto.js")
debian_cmd=(/usr/sbin/mosquitto)
if [ "${BROKER:-port}" = debian ]; then
  writer=("${debian_cmd[@]}"); reader=("${port_cmd[@]}"); names=(debian port)
else
  writer=("${port_cmd[@]}"); reader=("${debian_cmd[@]}"); names=(port debian)
fi
# sys_interval 0: no $SYS messages, so the file holds only what the clients did.
cat > "$dir/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
persistence true
persistence_location $dir/
sys_interval 0
EOF
if [ "$(id -u)" = 0 ]; then echo "user root" >> "$dir/mosquitto.conf"; fi

start() {
  : > "$dir/broker.log"
  "$@" -c "$dir/mosquitto.conf" > "$dir/broker.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 300); do grep -qs "running" "$dir/broker.log" && break; sleep 0.1; done
  grep -qs "running" "$dir/broker.log" || { echo "$1 did not start:" >&2; cat "$dir/broker.log" >&2; exit 1; }
}
stop() {
  kill "$broker_pid"; wait "$broker_pid" 2>/dev/null || true; broker_pid=
}

# 1. The writer: sub1 subscribes with a persistent session and leaves; a QoS 1 message is queued
#    for it; a retained message is set. A clean stop saves the database.
start "${writer[@]}"
mosquitto_sub -h 127.0.0.1 -p "$port" -i sub1 -c -q 1 -t a/b -E
mosquitto_pub -h 127.0.0.1 -p "$port" -i pub1 -q 1 -t a/b -m hello
mosquitto_pub -h 127.0.0.1 -p "$port" -i pub2 -r -t r/t -m ret
stop
echo "mosquitto.db written by the ${names[0]} ($(wc -c < "$dir/mosquitto.db") bytes, listener port $port):"
od -A x -t x1z -v "$dir/mosquitto.db"

# 2. The reader loads the same file: sub1 gets its queued message, a new subscriber the retained one.
start "${reader[@]}"
echo "read back by the ${names[1]}:"
echo "  queued for sub1: $(mosquitto_sub -h 127.0.0.1 -p "$port" -i sub1 -c -q 1 -t a/b -C 1 -W 5)"
echo "  retained on r/t: $(mosquitto_sub -h 127.0.0.1 -p "$port" -t r/t -C 1 -W 5)"
stop
