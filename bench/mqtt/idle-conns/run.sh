#!/usr/bin/env bash
# Memory per idle connection: N idle MQTT 3.1.1 connections against our standalone broker, Mosquitto as reference.
# Broker-side: managed heap after forced GC and process working set, measured at baseline, after N/10 and after N
# connections. Reports (after N - baseline)/N and the marginal cost (after N - after N/10)/(0.9 N), which excludes
# one-off costs (thread-pool threads, JIT, pools) of the first connections.
# Usage: bench/mqtt/idle-conns/run.sh [N=10000]
set -uo pipefail
N=${1:-10000}
FIRST=$((N / 10))
REST=$((N - FIRST))
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
PORT=${PORT:-18841}
MOSQ_PORT=${MOSQ_PORT:-18842}
WORK=$(mktemp -d /tmp/mqtt-idle.XXXXXX)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open files limit: $(ulimit -n) (need > $N)"

dotnet build "$ROOT/bench/mqtt/BrokerHost" -c Release -nologo -v q >/dev/null || exit 1
dotnet build "$HERE/IdleClients" -c Release -nologo -v q >/dev/null || exit 1
HOST_DLL="$ROOT/bench/mqtt/BrokerHost/bin/Release/net10.0/BrokerHost.dll"
CLIENTS_DLL="$HERE/IdleClients/bin/Release/net10.0/IdleClients.dll"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$WORK"; }
trap cleanup EXIT

# start_clients NAME PORT COUNT: opens COUNT idle connections and holds them until $WORK/stop-NAME exists.
start_clients() {
  dotnet "$CLIENTS_DLL" "$2" "$3" 4 "$WORK/stop-$1" > "$WORK/$1.out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 600); do grep -q connected "$WORK/$1.out" 2>/dev/null && break; sleep 0.2; done
  cat "$WORK/$1.out"
}

mkfifo "$WORK/host.in"
dotnet "$HOST_DLL" --port "$PORT" --stats-file "$WORK/stats" < "$WORK/host.in" > "$WORK/host.out" 2>&1 &
HOST=$!
PIDS+=($HOST)
exec {HOSTFD}>"$WORK/host.in"
sleep 2
touch "$WORK/stats"
stats() { echo stats >&"$HOSTFD"; for _ in $(seq 1 100); do [ "$(wc -l < "$WORK/stats")" -ge "$1" ] && break; sleep 0.2; done; tail -n 1 "$WORK/stats"; }
field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }

BASE=$(stats 1)
start_clients first "$PORT" "$FIRST"
sleep 1
MID=$(stats 2)
start_clients rest "$PORT" "$REST"
sleep 2
AFTER=$(stats 3)
echo "baseline:        $BASE"
echo "after $FIRST:     $MID"
echo "after $N:    $AFTER"
awk -v hb="$(field "$BASE" heap)" -v hm="$(field "$MID" heap)" -v ha="$(field "$AFTER" heap)" \
    -v wb="$(field "$BASE" ws)" -v wm="$(field "$MID" ws)" -v wa="$(field "$AFTER" ws)" \
    -v n="$(field "$AFTER" connections)" -v r="$REST" 'BEGIN {
  printf "EdgeConductor, %d idle connections:\n", n
  printf "  total/N:   managed heap %.0f B/conn, working set %.0f B/conn\n", (ha-hb)/n, (wa-wb)/n
  printf "  marginal:  managed heap %.0f B/conn, working set %.0f B/conn\n", (ha-hm)/r, (wa-wm)/r }'
touch "$WORK/stop-first" "$WORK/stop-rest"
kill "$HOST" 2>/dev/null; wait "$HOST" 2>/dev/null
sleep 1

if command -v mosquitto >/dev/null; then
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_connections -1\npersistence false\nlog_type error\n' "$MOSQ_PORT" > "$WORK/mosq.conf"
  mosquitto -c "$WORK/mosq.conf" > /dev/null 2>&1 &
  MOSQ=$!
  PIDS+=($MOSQ)
  sleep 1
  RB=$(awk '/VmRSS/ {print $2}' "/proc/$MOSQ/status")
  start_clients mfirst "$MOSQ_PORT" "$FIRST"
  sleep 1
  RM=$(awk '/VmRSS/ {print $2}' "/proc/$MOSQ/status")
  start_clients mrest "$MOSQ_PORT" "$REST"
  sleep 2
  RA=$(awk '/VmRSS/ {print $2}' "/proc/$MOSQ/status")
  awk -v a="$RA" -v m="$RM" -v b="$RB" -v n="$N" -v r="$REST" 'BEGIN {
    printf "Mosquitto (reference), %d idle connections: RSS total/N %.0f B/conn, marginal %.0f B/conn\n", n, (a-b)*1024/n, (a-m)*1024/r }'
  touch "$WORK/stop-mfirst" "$WORK/stop-mrest"
  sleep 1
fi
