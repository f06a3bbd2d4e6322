#!/usr/bin/env bash
# Restart benchmark: time for the server to restore N persistent MQTT sessions with 5 subscriptions each from its
# database (SQLite by default; set EC_DATABASE to a PostgreSQL connection string to measure that instead).
# 1. start the server, create N sessions (SessionMaker create), stop it with SIGTERM;
# 2. start it again and read the "MQTT broker state restored ... in X ms" line (load time) and the time until /ready;
# 3. reconnect every client and count Session Present = 1.
# Usage: bench/mqtt/restart/run.sh [N=10000]
set -euo pipefail
N=${1:-10000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
HTTP_PORT=${HTTP_PORT:-18851}
MQTT_PORT=${MQTT_PORT:-18852}
WORK=$(mktemp -d /tmp/mqtt-restart.XXXXXX)
ulimit -n 65536 2>/dev/null || true

dotnet build "$ROOT/src/EdgeConductor.Server" -c Release -nologo -v q >/dev/null
dotnet build "$HERE/SessionMaker" -c Release -nologo -v q >/dev/null
SERVER_DLL="$ROOT/src/EdgeConductor.Server/bin/Release/net10.0/EdgeConductor.Server.dll"
MAKER_DLL="$HERE/SessionMaker/bin/Release/net10.0/SessionMaker.dll"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

start_server() {
  ASPNETCORE_URLS="http://127.0.0.1:$HTTP_PORT" EC_DATA_DIR="$WORK/data" EC_DATABASE="${EC_DATABASE:-}" \
  EC_MQTT_PORT="$MQTT_PORT" EC_MQTTS_PORT=0 EC_MQTT_BIND=127.0.0.1 EC_MQTT_ALLOW_ANONYMOUS=true \
  EC_MQTT_MAX_SESSIONS_PER_CREDENTIAL=$((N + 10)) EC_ADMIN_EMAIL=admin@bench.test EC_ADMIN_PASSWORD=bench-password-123 \
  env Logging__LogLevel__Default=Warning "Logging__LogLevel__EdgeConductor.Server.Mqtt.Persistence=Information" \
    dotnet "$SERVER_DLL" > "$WORK/server-$1.log" 2>&1 &
  SERVER=$!
  local t0; t0=$(date +%s%N)
  until curl -sf "http://127.0.0.1:$HTTP_PORT/ready" >/dev/null; do
    kill -0 "$SERVER" 2>/dev/null || { echo "server exited:"; cat "$WORK/server-$1.log"; exit 1; }
    sleep 0.05
  done
  echo "server start $1: ready after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

stop_server() { kill -TERM "$SERVER"; wait "$SERVER" || true; SERVER=""; }

start_server first
dotnet "$MAKER_DLL" "$MQTT_PORT" "$N" create
stop_server
start_server second
grep -o "Read the stored MQTT broker state.*" "$WORK/server-second.log" || true
grep -o "MQTT broker state restored.*" "$WORK/server-second.log" || { echo "no restore line"; cat "$WORK/server-second.log"; }
dotnet "$MAKER_DLL" "$MQTT_PORT" "$N" check
stop_server
