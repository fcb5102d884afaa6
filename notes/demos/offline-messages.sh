#!/usr/bin/env bash
# Demo: a client receives, when it comes back, the messages published while it was away; and
# the ACL decides which of them are kept for it.
#
#   bash notes/demos/offline-messages.sh [PORT]      (after a build: npx tsc -p tsconfig.json)
#
# Runs the port (node dist/bin/mosquitto.js) on 127.0.0.1:PORT (default 3440); BROKER=debian runs
# Debian's mosquitto instead. The clients are Debian's mosquitto_sub and mosquitto_pub.
set -euo pipefail
source "$(dirname "$0")/demo-lib.sh"
port=${1:-3440}
if [ "${BROKER:-port}" = debian ]; then
  passwd_cmd=(mosquitto_passwd); broker_cmd=(/usr/sbin/mosquitto)
else
  passwd_cmd=(node "$repo/dist/bin/mosquitto_passwd.js"); broker_cmd=(node "$repo/dist/bin/mosquitto.js")
fi

"${passwd_cmd[@]}" -c -b "$dir/passwd" alice alice-pw
"${passwd_cmd[@]}" -b "$dir/passwd" bob bob-pw
# alice may read sensors/#; bob may only write.
cat > "$dir/acl" <<EOF
user alice
topic read sensors/#

user bob
topic write sensors/#
EOF
cat > "$dir/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous false
password_file $dir/passwd
acl_file $dir/acl
EOF
if [ "$(id -u)" = 0 ]; then echo "user root" >> "$dir/mosquitto.conf"; fi
start_broker "${broker_cmd[@]}" -v

sub() { # user password client-id: a persistent session (-c), QoS 1, a fixed client id
  mosquitto_sub -h 127.0.0.1 -p "$port" -u "$1" -P "$2" -i "$3" -c -q 1 -t 'sensors/#' "${@:4}"
}

# 1. alice and bob subscribe with clean session off, then go away (-E: exit after SUBACK).
sub alice alice-pw alice-phone -E
sub bob bob-pw bob-phone -E

# 2. While both are offline, bob publishes two QoS 1 messages.
for n in 1 2; do
  mosquitto_pub -h 127.0.0.1 -p "$port" -u bob -P bob-pw -i bob-sensor -q 1 -t sensors/temp -m "reading $n"
done

# 3. alice comes back with the same client id: the broker delivers what it queued for her.
sub alice alice-pw alice-phone -C 2 -W 5 > "$dir/alice" || true
echo "alice got: $(tr '\n' ' ' < "$dir/alice")"

# 4. bob comes back too, but his ACL has no read right on sensors/#: nothing was kept for him.
sub bob bob-pw bob-phone -C 1 -W 2 > "$dir/bob" 2> /dev/null || true
echo "bob got: $(tr '\n' ' ' < "$dir/bob")(nothing)"

grep -E "New client connected|Sending PUBLISH to alice-phone" "$dir/broker.log" | sed 's/^[0-9]*: //'
