#!/usr/bin/env bash
# Demo: what mosquitto.db holds. One broker saves a persistent session with a queued message and a
# retained message; the file is dumped; then the *other* implementation loads it and delivers both.
#
#   bash notes/demos/persistence-file.sh [PORT]      (after a build: npx tsc -p tsconfig.json)
#
# By default the port (node dist/bin/mosquitto.js) writes the file and Debian's mosquitto 2.0.11
# reads it; BROKER=debian swaps the two. Listens on 127.0.0.1:PORT (default 3450).
set -euo pipefail
source "$(dirname "$0")/demo-lib.sh"
port=${1:-3450}
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

# 1. The writer: sub1 subscribes with a persistent session and leaves; a QoS 1 message is queued
#    for it; a retained message is set. A clean stop saves the database.
start_broker "${writer[@]}"
mosquitto_sub -h 127.0.0.1 -p "$port" -i sub1 -c -q 1 -t a/b -E
mosquitto_pub -h 127.0.0.1 -p "$port" -i pub1 -q 1 -t a/b -m hello
mosquitto_pub -h 127.0.0.1 -p "$port" -i pub2 -r -t r/t -m ret
stop_broker
echo "mosquitto.db written by the ${names[0]} ($(wc -c < "$dir/mosquitto.db") bytes, listener port $port):"
od -A x -t x1z -v "$dir/mosquitto.db"

# 2. The reader loads the same file: sub1 gets its queued message, a new subscriber the retained one.
start_broker "${reader[@]}"
echo "read back by the ${names[1]}:"
echo "  queued for sub1: $(mosquitto_sub -h 127.0.0.1 -p "$port" -i sub1 -c -q 1 -t a/b -C 1 -W 5)"
echo "  retained on r/t: $(mosquitto_sub -h 127.0.0.1 -p "$port" -t r/t -C 1 -W 5)"
stop_broker
