#!/usr/bin/env bash
# `cmake --install` under a prefix of our own, then that binary with the
# minimal config of interfaces.md section 4 (no [devices]): it must find its
# programs and profiles (the prefix's data folder, or the built-in ones) and
# read `online` on steritrack/status from a private mosquitto.
#   prefix_install_test.sh BUILD_DIR
set -euo pipefail
BUILD=$1
WORK=$(mktemp -d /tmp/steritrack-install-test.XXXXXX)
chmod 0755 "$WORK"
BROKER="" DAEMON=""
cleanup() {
  [ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null
  [ -n "$BROKER" ] && kill "$BROKER" 2>/dev/null && wait "$BROKER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

cmake --install "$BUILD" --prefix "$WORK/prefix" > "$WORK/install.log"
test -x "$WORK/prefix/bin/steritrackd"
test -f "$WORK/prefix/share/steritrack/devices/programs.toml"

for _ in $(seq 20); do
  PORT=$((20000 + RANDOM % 20000))
  mosquitto -p "$PORT" > "$WORK/mosquitto.log" 2>&1 &
  BROKER=$!
  sleep 0.3
  kill -0 "$BROKER" 2>/dev/null && break
  BROKER=""
done
[ -n "$BROKER" ] || { echo "no broker"; exit 1; }

cat > "$WORK/steritrack.toml" <<TOML
[database]
path = "$WORK/steritrack.db"

[mqtt]
url = "tcp://127.0.0.1:$PORT"
client_id = "steritrackd-install-test"
topic_prefix = "steritrack"

[[station]]
id = "desk"
location = "L-STORE-1"

[[sterilizer]]
id = "A"
name = "Operatory autoclave A"
type = "prevac"
profile = "generic-json"

[policy]
timezone = "UTC"
TOML
"$WORK/prefix/bin/steritrackd" --check-config --config "$WORK/steritrack.toml"
"$WORK/prefix/bin/steritrackd" --config "$WORK/steritrack.toml" 2> "$WORK/daemon.log" &
DAEMON=$!
status=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -t steritrack/status -C 1 -W 20 || true)
if [ "$status" != online ]; then
  echo "installed steritrackd did not come online:"; cat "$WORK/daemon.log"; exit 1
fi
echo "installed under $WORK/prefix: online"
# The data folder of the prefix was the one used, and removing it changes
# nothing: the standard programs and profiles are built in.
kill "$DAEMON"; wait "$DAEMON" || true; DAEMON=""
rm -rf "$WORK/prefix/share/steritrack"
mosquitto_pub -h 127.0.0.1 -p "$PORT" -r -n -t steritrack/status
"$WORK/prefix/bin/steritrackd" --config "$WORK/steritrack.toml" 2>> "$WORK/daemon.log" &
DAEMON=$!
status=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -t steritrack/status -C 1 -W 20 || true)
[ "$status" = online ] || { echo "without a data folder the daemon did not come online"; cat "$WORK/daemon.log"; exit 1; }
echo "without a data folder: online"
