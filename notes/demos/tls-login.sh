#!/usr/bin/env bash
# Demo: log in over TLS, first with a username and password inside TLS, then with a client
# certificate whose Common Name becomes the username.
#
#   bash notes/demos/tls-login.sh [PORT]      (after a build: npx tsc -p tsconfig.json)
#
# Runs the port (node dist/bin/mosquitto.js) with two TLS listeners, on PORT (default 3420) and
# PORT+1; BROKER=debian runs Debian's mosquitto instead. Certificates are made with openssl for
# this run only; the clients are Debian's mosquitto_sub and mosquitto_pub.
set -euo pipefail
source "$(dirname "$0")/demo-lib.sh"
port=${1:-3420}
port2=$((port + 1))
if [ "${BROKER:-port}" = debian ]; then
  passwd_cmd=(mosquitto_passwd); broker_cmd=(/usr/sbin/mosquitto)
else
  passwd_cmd=(node "$repo/dist/bin/mosquitto_passwd.js"); broker_cmd=(node "$repo/dist/bin/mosquitto.js")
fi
cd "$dir"

# 1. A certificate authority, a server certificate for 127.0.0.1, and a client certificate
#    whose Common Name is "device-1". All signed by the CA, valid for one day.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=Demo CA" -keyout ca.key -out ca.crt 2> /dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2> /dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile server.ext -out server.crt 2> /dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=device-1" -keyout client.key -out client.csr 2> /dev/null
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -out client.crt 2> /dev/null
"${passwd_cmd[@]}" -c -b passwd alice s3cret 2> /dev/null

# 2. Two TLS listeners. The first authenticates the server only (the client checks the server's
#    certificate against ca.crt) and then wants a username and password, as a plain listener
#    would. The second requires a client certificate signed by ca.crt and takes the username
#    from its Common Name, with no password.
cat > mosquitto.conf <<EOF
per_listener_settings true

listener $port 127.0.0.1
certfile $dir/server.crt
keyfile $dir/server.key
allow_anonymous false
password_file $dir/passwd

listener $port2 127.0.0.1
certfile $dir/server.crt
keyfile $dir/server.key
cafile $dir/ca.crt
require_certificate true
use_identity_as_username true
allow_anonymous false
EOF
if [ "$(id -u)" = 0 ]; then echo "user root" >> mosquitto.conf; fi
cd - > /dev/null
start_broker "${broker_cmd[@]}" -v

# 3. Username and password inside TLS.
mosquitto_sub -h 127.0.0.1 -p "$port" --cafile "$dir/ca.crt" -u alice -P s3cret -i tls-sub -t demo/tls -C 1 -W 10 > "$dir/received" &
sub_pid=$!
for _ in $(seq 300); do grep -qs "Sending SUBACK to tls-sub" "$dir/broker.log" && break; sleep 0.1; done
mosquitto_pub -h 127.0.0.1 -p "$port" --cafile "$dir/ca.crt" -u alice -P s3cret -i tls-pub -t demo/tls -m "hello from alice"
wait "$sub_pid"
echo "received over TLS: $(cat "$dir/received")"

# 4. A client certificate instead of a password: the broker logs u'device-1'.
mosquitto_sub -h 127.0.0.1 -p "$port2" --cafile "$dir/ca.crt" --cert "$dir/client.crt" --key "$dir/client.key" \
  -i cert-sub -t demo/cert -C 1 -W 10 > "$dir/received2" &
sub_pid=$!
for _ in $(seq 300); do grep -qs "Sending SUBACK to cert-sub" "$dir/broker.log" && break; sleep 0.1; done
mosquitto_pub -h 127.0.0.1 -p "$port2" --cafile "$dir/ca.crt" --cert "$dir/client.crt" --key "$dir/client.key" \
  -i cert-pub -t demo/cert -m "hello from device-1"
wait "$sub_pid"
echo "received with a client certificate: $(cat "$dir/received2")"

# 5. A client that does not trust the CA (here: the system's CAs only) stops at the handshake.
if mosquitto_pub -h 127.0.0.1 -p "$port" --capath /etc/ssl/certs -u alice -P s3cret -t demo/tls -m nope 2> "$dir/refused"; then
  echo "a client without the CA got through" >&2
  exit 1
fi
echo "without the CA: $(head -n 1 "$dir/refused")"

grep -E "New client connected|OpenSSL|failed|disconnected" "$dir/broker.log" | sed 's/^[0-9]*: //'
