#!/usr/bin/env bash
# Demo: a version 5 plugin on the message event (notes/plugins.md). The plugin tags every
# accepted PUBLISH and refuses the payload "forbidden"; one config file serves both brokers.
#
#   bash notes/demos/plugin-message.sh [PORT]      (after a build: npx tsc -p tsconfig.json)
#
# Runs the port (node dist/bin/mosquitto.js) on 127.0.0.1:PORT (default 3460), which loads
# plugin/tag_messages.js; BROKER=debian runs Debian's mosquitto with plugin/tag_messages.c, built
# here with gcc against the 2.0.11 headers (the set-up fetches them into mosquitto-src/).
set -euo pipefail
source "$(dirname "$0")/demo-lib.sh"
port=${1:-3460}

# The config names a C library. The port loads the ES module of the same name beside it.
if [ "${BROKER:-port}" = debian ]; then
  broker_cmd=(/usr/sbin/mosquitto)
  gcc -shared -fPIC -I "$repo/mosquitto-src/mosquitto-2.0.11/include" \
    -o "$dir/tag_messages.so" "$repo/notes/demos/plugin/tag_messages.c"
else
  broker_cmd=(node "$repo/dist/bin/mosquitto.js")
  ln -s "$repo/notes/demos/plugin/tag_messages.js" "$dir/tag_messages.js"
fi
cat > "$dir/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
plugin $dir/tag_messages.so
plugin_opt_tag checked
EOF
if [ "$(id -u)" = 0 ]; then echo "user root" >> "$dir/mosquitto.conf"; fi
start_broker "${broker_cmd[@]}"

# A persistent QoS 1 session collects the messages while its client is away, so nothing races.
sub=(mosquitto_sub -h 127.0.0.1 -p "$port" -V 5 -i reader -c -x 60 -q 1 -t 'demo/#')
"${sub[@]}" -E
for m in hello forbidden bye; do
  out=$(mosquitto_pub -h 127.0.0.1 -p "$port" -V 5 -i "pub-$m" -q 1 -t "demo/$m" -m "$m" 2>&1 || echo "exit $?")
  echo "publish $m: ${out:-accepted}"
done
echo "the subscriber got:"
"${sub[@]}" -v -C 2 -W 5 | sed 's/^/  /'
echo "the broker logged:"
grep -E "plugin|tag_messages" "$dir/broker.log" | sed 's/^[0-9]*: /  /'
