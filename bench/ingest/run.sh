#!/usr/bin/env bash
# Durable ingest, end to end: D devices x M messages over MQTT QoS 1 into the server on SQLite (synchronous=FULL),
# where every PUBACK means "committed". The same load runs twice in one go against the same build:
#   group commit (default: up to 1000 messages per transaction)  vs  EC_TELEMETRY_MAX_BATCH=1 (one transaction per message).
# Usage: bench/ingest/run.sh [DEVICES=50] [MESSAGES_PER_DEVICE=400] [WINDOW=8] [ROUNDS=3]
set -euo pipefail
DEVICES=${1:-50}; MESSAGES=${2:-400}; WINDOW=${3:-8}; ROUNDS=${4:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
dotnet build "$ROOT/src/EdgeConductor.Server" -c Release -nologo -v q >/dev/null
dotnet build "$ROOT/bench/ingest/LoadGen" -c Release -nologo -v q >/dev/null
SERVER="$ROOT/src/EdgeConductor.Server/bin/Release/net10.0/EdgeConductor.Server.dll"
LOADGEN="$ROOT/bench/ingest/LoadGen/bin/Release/net10.0/LoadGen.dll"

run_case() { # name batch
  local name=$1 batch=$2 dir port mport pid
  dir=$(mktemp -d /tmp/ec-ingest.XXXXXX); port=$((18080 + RANDOM % 1000)); mport=$((19080 + RANDOM % 1000))
  ASPNETCORE_URLS=http://127.0.0.1:$port EC_DATA_DIR=$dir EC_MQTT_PORT=$mport EC_MQTTS_PORT=0 EC_MQTT_BIND=127.0.0.1 \
  EC_ADMIN_EMAIL=bench@example.com EC_ADMIN_PASSWORD=bench-password EC_TELEMETRY_MAX_BATCH=$batch \
  Logging__LogLevel__Default=Warning dotnet "$SERVER" >"$dir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.2; done
  local out; out=$(dotnet "$LOADGEN" "http://127.0.0.1:$port" "$mport" bench@example.com bench-password "$DEVICES" "$MESSAGES" "$WINDOW")
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$dir"
  echo "$name $out"
}

for r in $(seq 1 "$ROUNDS"); do
  run_case "group_commit" 1000
  run_case "per_message_commit" 1
done | tee /tmp/ec-ingest-results.txt
python3 - <<'PY'
import re, statistics
rows = [l.split() for l in open('/tmp/ec-ingest-results.txt')]
res = {}
for r in rows:
    kv = dict(x.split('=') for x in r[1:])
    res.setdefault(r[0], []).append(kv)
def med(name, key): return statistics.median(float(x[key]) for x in res[name])
g, p = med('group_commit', 'acked_msgs_per_s'), med('per_message_commit', 'acked_msgs_per_s')
print(f"median acked msgs/s: group_commit={g:.0f}  per_message_commit={p:.0f}  ratio={g/p:.2f}x")
print(f"median p99 PUBACK ms: group_commit={med('group_commit','p99_ms'):.1f}  per_message_commit={med('per_message_commit','p99_ms'):.1f}")
PY
