#!/usr/bin/env bash
# Memory per idle connection: N idle MQTT connections against our standalone broker (and Mosquitto for reference).
# Broker-side measurement: managed heap after forced GC and process working set, before vs after, divided by N.
# Usage: bench/mqtt/idle-conns/run.sh [N=10000]
set -euo pipefail
N=${1:-10000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
PORT=${PORT:-18841}
MOSQ_PORT=${MOSQ_PORT:-18842}
WORK=$(mktemp -d /tmp/mqtt-idle.XXXXXX)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
echo "open files limit: $(ulimit -n)"

dotnet build "$ROOT/bench/mqtt/BrokerHost" -c Release -nologo -v q >/dev/null
dotnet build "$HERE/IdleClients" -c Release -nologo -v q >/dev/null
HOST_DLL="$ROOT/bench/mqtt/BrokerHost/bin/Release/net10.0/BrokerHost.dll"
CLIENTS_DLL="$HERE/IdleClients/bin/Release/net10.0/IdleClients.dll"

mkfifo "$WORK/host.in" "$WORK/clients.in"
exec 3<>"$WORK/host.in"
exec 4<>"$WORK/clients.in"
cleanup() { exec 3>&- 4>&- || true; kill "${HOST:-}" "${MOSQ:-}" "${CLIENTS:-}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

DOTNET_gcServer=0 dotnet "$HOST_DLL" --port "$PORT" --stats-file "$WORK/stats" < "$WORK/host.in" > "$WORK/host.out" 2>&1 &
HOST=$!
sleep 2
stats() { echo stats >&3; local want=$1; for _ in $(seq 1 100); do [ "$(wc -l < "$WORK/stats" 2>/dev/null || echo 0)" -ge "$want" ] && break; sleep 0.2; done; tail -n 1 "$WORK/stats"; }
field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }

BASE=$(stats 1)
dotnet "$CLIENTS_DLL" "$PORT" "$N" 4 < "$WORK/clients.in" > "$WORK/clients.out" 2>&1 &
CLIENTS=$!
for _ in $(seq 1 600); do grep -q connected "$WORK/clients.out" 2>/dev/null && break; sleep 0.2; done
cat "$WORK/clients.out"
sleep 2
AFTER=$(stats 2)
echo "baseline: $BASE"
echo "after:    $AFTER"
CONNS=$(field "$AFTER" connections)
awk -v hb="$(field "$BASE" heap)" -v ha="$(field "$AFTER" heap)" -v wb="$(field "$BASE" ws)" -v wa="$(field "$AFTER" ws)" -v n="$CONNS" 'BEGIN {
  printf "EdgeConductor: %d idle connections: managed heap %.0f bytes/conn, working set %.0f bytes/conn\n", n, (ha-hb)/n, (wa-wb)/n }'
echo done >&4; exec 4>&-; wait "$CLIENTS" || true; CLIENTS=
kill "$HOST" 2>/dev/null || true; wait "$HOST" 2>/dev/null || true; HOST=

if command -v mosquitto >/dev/null; then
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_connections -1\npersistence false\nlog_type error\n' "$MOSQ_PORT" > "$WORK/mosq.conf"
  mosquitto -c "$WORK/mosq.conf" > /dev/null 2>&1 &
  MOSQ=$!
  sleep 1
  RB=$(awk '/VmRSS/ {print $2}' /proc/$MOSQ/status)
  rm -f "$WORK/clients.in"; mkfifo "$WORK/clients.in"; exec 4<>"$WORK/clients.in"
  dotnet "$CLIENTS_DLL" "$MOSQ_PORT" "$N" 4 < "$WORK/clients.in" > "$WORK/clients2.out" 2>&1 &
  CLIENTS=$!
  for _ in $(seq 1 600); do grep -q connected "$WORK/clients2.out" 2>/dev/null && break; sleep 0.2; done
  sleep 2
  RA=$(awk '/VmRSS/ {print $2}' /proc/$MOSQ/status)
  cat "$WORK/clients2.out"
  awk -v a="$RA" -v b="$RB" -v n="$N" 'BEGIN { printf "Mosquitto (reference): RSS %.0f bytes/conn\n", (a-b)*1024/n }'
  echo done >&4
fi
