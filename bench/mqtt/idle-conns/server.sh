#!/usr/bin/env bash
# Memory per idle connection on the FULL EdgeConductor server with real device connections, Mosquitto as reference, and
# the server's responsiveness while they are all connected.
#   1. Starts the Release server (fresh SQLite data dir, free ports, default settings).
#   2. Registers N devices through the public API (IdleClients register: POST /api/v1/devices/register, 16 at a time,
#      the path `ec manufacture` uses) in an enterprise org.
#   3. Managed heap (GC forced: dotnet-gcdump collect induces a full blocking GC; its "GC Heap bytes") and RSS of the
#      server: at baseline, after N/5 and after N device connections (MQTT 3.1.1, user name = serial, password = device
#      secret, keep-alive 0 (enforced at EC_MQTT_MAX_KEEPALIVE), no subscription), client sockets spread over
#      127.0.0.2..127.0.0.9 and over processes of at most 9,000 connections each.
#   4. With all N connected: bench/ingest/LoadGen desired, PATCH /devices/:serial/shadow/desired -> a connected, subscribed
#      device receives it (10 warm-up + REQUESTS sequential; p50/p99).
#   5. Mosquitto (reference): the same N idle connections (anonymous), RSS at baseline, after N/5 and after N.
# Reports total/N (after N - baseline) and marginal ((after N - after N/5) / (0.8 N), without one-off costs).
# Usage: bench/mqtt/idle-conns/server.sh [N=10000] [REQUESTS=200]
#   env: SERVER_ENV="EC_...=... ..." extra server settings; KEEP_GCDUMP=file keeps the heap dump taken after N; SKIP_BUILD=1 uses the existing Release builds; GCDUMP=path to dotnet-gcdump (installed into $TMPDIR if absent)
# The open-files limit bounds N: the server needs one descriptor per connection (the script raises the soft limit to
# the hard one and stops with a message when N does not fit).
set -uo pipefail
N=${1:-10000}
REQUESTS=${2:-200}
FIRST=$((N / 5))
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
WORK=$(mktemp -d /tmp/mqtt-idle-server.XXXXXX)
PIDS=()
cleanup() { touch "$WORK"/stop-all; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; sleep 1; rm -rf "$WORK"; }
trap cleanup EXIT

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
LIMIT=$(ulimit -n)
echo "open files limit: $LIMIT (hard $(ulimit -Hn)); N=$N"
if [ "$LIMIT" != unlimited ] && [ "$N" -gt $((LIMIT - 1000)) ]; then
  echo "N=$N does not fit under the open-files limit $LIMIT of this shell (the server needs one descriptor per connection;"
  echo "raising the hard limit needs root/CAP_SYS_RESOURCE: ulimit -Hn, /etc/security/limits.conf, LimitNOFILE=). Largest N here: $((LIMIT - 1000))."
  exit 2
fi

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
GCDUMP=${GCDUMP:-$(command -v dotnet-gcdump || true)}
if [ -z "$GCDUMP" ]; then
  TOOLS=${TMPDIR:-/tmp}/ec-bench-tools
  [ -x "$TOOLS/dotnet-gcdump" ] || dotnet tool install dotnet-gcdump --tool-path "$TOOLS" >/dev/null || exit 1
  GCDUMP=$TOOLS/dotnet-gcdump
fi

if [ -z "${SKIP_BUILD:-}" ]; then # SKIP_BUILD=1: use the Release builds that are there
  echo "building the server, IdleClients and LoadGen (Release)..."
  dotnet build "$ROOT/src/EdgeConductor.Server" -c Release -nologo -v q >/dev/null || exit 1
  dotnet build "$HERE/IdleClients" -c Release -nologo -v q >/dev/null || exit 1
  dotnet build "$ROOT/bench/ingest/LoadGen" -c Release -nologo -v q >/dev/null || exit 1
fi
SERVER_DLL="$ROOT/src/EdgeConductor.Server/bin/Release/net10.0/EdgeConductor.Server.dll"
CLIENTS_DLL="$HERE/IdleClients/bin/Release/net10.0/IdleClients.dll"
LOADGEN_DLL="$ROOT/bench/ingest/LoadGen/bin/Release/net10.0/LoadGen.dll"

HTTP_PORT=$(free_port); MQTT_PORT=$(free_port); MOSQ_PORT=$(free_port)
BASE="http://127.0.0.1:$HTTP_PORT"
EMAIL=admin@idle.bench; PASSWORD=Idle-Bench-Pass-1
mkdir -p "$WORK/data"
# shellcheck disable=SC2086
env ASPNETCORE_URLS="$BASE" EC_DATA_DIR="$WORK/data" EC_MQTT_PORT="$MQTT_PORT" EC_MQTTS_PORT=0 EC_ANON_RATE_LIMIT=0 \
    EC_ADMIN_EMAIL=$EMAIL EC_ADMIN_PASSWORD=$PASSWORD Logging__LogLevel__Default=Warning ${SERVER_ENV:-} \
    dotnet "$SERVER_DLL" > "$WORK/server.log" 2>&1 &
SERVER=$!
PIDS+=($SERVER)
for _ in $(seq 1 120); do curl -fs "$BASE/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$BASE/ready" >/dev/null || { echo "server did not start"; tail -30 "$WORK/server.log"; exit 1; }

dotnet "$CLIENTS_DLL" register "$BASE" "$EMAIL" "$PASSWORD" "$N" "$WORK/devices.txt" || exit 1

# snapshot PID: "heap rss" in bytes, managed heap after a forced full GC
snapshot() {
  "$GCDUMP" collect -p "$1" -o "$WORK/snap.gcdump" >/dev/null 2>&1
  local heap; heap=$("$GCDUMP" report "$WORK/snap.gcdump" 2>/dev/null | awk '/GC Heap bytes/ {gsub(",", "", $1); print $1}')
  echo "${heap:-0} $(awk '/VmRSS/ {print $2 * 1024}' "/proc/$1/status")"
}
rss() { awk '/VmRSS/ {print $2 * 1024}' "/proc/$1/status"; }

# connect NAME PORT FROM COUNT [CREDS]: COUNT idle connections in processes of <= 9000, waits until all report.
connect() {
  local name=$1 port=$2 from=$3 count=$4 creds=${5:-} done=0 part=0
  while [ "$done" -lt "$count" ]; do
    local n=$((count - done)); [ "$n" -gt 9000 ] && n=9000
    local out="$WORK/$name-$part.out"
    if [ -n "$creds" ]; then
      dotnet "$CLIENTS_DLL" "$port" "$n" 8 "$WORK/stop-all" "$creds" $((from + done)) > "$out" 2>&1 &
    else
      dotnet "$CLIENTS_DLL" "$port" "$n" 8 "$WORK/stop-all" > "$out" 2>&1 &
    fi
    PIDS+=($!)
    for _ in $(seq 1 1200); do grep -q connected "$out" 2>/dev/null && break; sleep 0.25; done
    grep connected "$out" || { echo "clients did not finish: $(cat "$out")"; exit 1; }
    done=$((done + n)); part=$((part + 1))
  done
}

sleep 2
read -r H0 R0 < <(snapshot "$SERVER")
connect dev-a "$MQTT_PORT" 0 "$FIRST" "$WORK/devices.txt"
sleep 2
read -r H1 R1 < <(snapshot "$SERVER")
connect dev-b "$MQTT_PORT" "$FIRST" $((N - FIRST)) "$WORK/devices.txt"
sleep 2
read -r H2 R2 < <(snapshot "$SERVER")
[ -n "${KEEP_GCDUMP:-}" ] && cp "$WORK/snap.gcdump" "$KEEP_GCDUMP" # KEEP_GCDUMP=file: keep the heap dump taken after N (dotnet-gcdump report FILE lists it by type)
CONNECTED=$(curl -fs "$BASE/metrics" | awk '/^mqtt_connections[ {]/ {print $NF; exit}')
echo "server: mqtt_connections gauge after connecting: ${CONNECTED:-?}"
echo "desired-state latency with $N idle devices connected ($REQUESTS PATCHes)..."
dotnet "$LOADGEN_DLL" desired "$BASE" "$MQTT_PORT" "$EMAIL" "$PASSWORD" "$REQUESTS" | tee "$WORK/desired.out"
CONNECTED_AFTER=$(curl -fs "$BASE/metrics" | awk '/^mqtt_connections[ {]/ {print $NF; exit}')
touch "$WORK/stop-all"; sleep 2; rm -f "$WORK/stop-all"
kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null

awk -v h0="$H0" -v h1="$H1" -v h2="$H2" -v r0="$R0" -v r1="$R1" -v r2="$R2" -v n="$N" -v f="$FIRST" 'BEGIN {
  printf "EdgeConductor server, %d idle device connections:\n", n
  printf "  managed heap (GC forced): total/N %.0f B/conn, marginal %.0f B/conn  (baseline %.1f MB, after %.1f MB)\n", (h2-h0)/n, (h2-h1)/(n-f), h0/1048576, h2/1048576
  printf "  RSS:                      total/N %.0f B/conn, marginal %.0f B/conn  (baseline %.1f MB, after %.1f MB)\n", (r2-r0)/n, (r2-r1)/(n-f), r0/1048576, r2/1048576 }'
echo "  connected during the PATCHes: before ${CONNECTED:-?}, after ${CONNECTED_AFTER:-?}"

if command -v mosquitto >/dev/null; then
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_connections -1\npersistence false\nlog_type error\n' "$MOSQ_PORT" > "$WORK/mosq.conf"
  mosquitto -c "$WORK/mosq.conf" > /dev/null 2>&1 &
  MOSQ=$!
  PIDS+=($MOSQ)
  sleep 1
  M0=$(rss "$MOSQ")
  connect mq-a "$MOSQ_PORT" 0 "$FIRST"
  sleep 1
  M1=$(rss "$MOSQ")
  connect mq-b "$MOSQ_PORT" "$FIRST" $((N - FIRST))
  sleep 1
  M2=$(rss "$MOSQ")
  awk -v a="$M2" -v m="$M1" -v b="$M0" -v n="$N" -v f="$FIRST" 'BEGIN {
    printf "Mosquitto %s, %d idle connections: RSS total/N %.0f B/conn, marginal %.0f B/conn\n", "(reference)", n, (a-b)/n, (a-m)/(n-f) }'
fi
