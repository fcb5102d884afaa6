# Sourced by every demo in this directory: the checkout (repo), a scratch directory (dir) removed
# on exit with the broker stopped, and starting and stopping a broker on $dir/mosquitto.conf.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=$(mktemp -d)
broker_pid=
demo_cleanup() {
  if [ -n "$broker_pid" ]; then kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap demo_cleanup EXIT

# start_broker CMD [ARGS...]: runs the broker on $dir/mosquitto.conf, logging to $dir/broker.log,
# and waits up to 30 s for its "running" line.
start_broker() {
  "$@" -c "$dir/mosquitto.conf" > "$dir/broker.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 300); do grep -qs "running" "$dir/broker.log" && break; sleep 0.1; done
  grep -qs "running" "$dir/broker.log" || { echo "$1 did not start:" >&2; cat "$dir/broker.log" >&2; exit 1; }
}

# stop_broker: a clean stop (SIGTERM), so a broker with persistence saves its database.
stop_broker() {
  kill "$broker_pid"; wait "$broker_pid" 2>/dev/null || true; broker_pid=
}
