#!/usr/bin/env bash
# Demo: log in with a password file made by the passwd tool.
#
#   bash notes/demos/passwd-login.sh [PORT]      (after a build: npx tsc -p tsconfig.json)
#
# Runs the port (node dist/bin/mosquitto.js, node dist/bin/mosquitto_passwd.js) on 127.0.0.1:PORT
# (default 3400); BROKER=debian runs Debian's mosquitto and mosquitto_passwd instead.
# The clients are Debian's mosquitto_sub and mosquitto_pub.
set -euo pipefail
source "$(dirname "$0")/demo-lib.sh"
port=${1:-3400}
if [ "${BROKER:-port}" = debian ]; then
  passwd_cmd=(mosquitto_passwd); broker_cmd=(/usr/sbin/mosquitto)
else
  passwd_cmd=(node "$repo/dist/bin/mosquitto_passwd.js"); broker_cmd=(node "$repo/dist/bin/mosquitto.js")
fi

# 1. A password file with one user: -c creates the file, -b takes the password from the
#    command line. Each line is user:$7$iterations$salt$hash (PBKDF2-SHA512, base64).
"${passwd_cmd[@]}" -c -b "$dir/passwd" alice s3cret
cat "$dir/passwd"

# 2. A listener that needs a login (allow_anonymous is false once a listener is configured).
cat > "$dir/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous false
password_file $dir/passwd
EOF
# Started as root, the broker would switch to the user "mosquitto", who cannot read $dir.
if [ "$(id -u)" = 0 ]; then echo "user root" >> "$dir/mosquitto.conf"; fi
start_broker "${broker_cmd[@]}" -v

# 3. alice subscribes and publishes with her password.
mosquitto_sub -h 127.0.0.1 -p "$port" -u alice -P s3cret -i alice-sub -t demo/greeting -C 1 -W 10 > "$dir/received" &
sub_pid=$!
for _ in $(seq 300); do grep -qs "Sending SUBACK to alice-sub" "$dir/broker.log" && break; sleep 0.1; done
mosquitto_pub -h 127.0.0.1 -p "$port" -u alice -P s3cret -i alice-pub -t demo/greeting -m "hello from alice"
wait "$sub_pid"
echo "received: $(cat "$dir/received")"

# 4. A wrong password gets CONNACK "not authorised" (return code 5).
if mosquitto_pub -h 127.0.0.1 -p "$port" -u alice -P wrong -i intruder -t demo/greeting -m nope 2> "$dir/refused"; then
  echo "a wrong password was accepted" >&2
  exit 1
fi
echo "wrong password: $(cat "$dir/refused")"

# What the broker logged about the three logins.
grep -E "New client connected|not authorised|disconnected" "$dir/broker.log" | sed 's/^[0-9]*: //'
