#!/usr/bin/env bash
# Rules engine benchmark (issue 11).
#   1. Ingest: DEVICES devices x MESSAGES QoS 1 messages (WINDOW in flight each) into one server, alternating runs without
#      rules and with RULES enabled threshold rules in the devices' org (all on the published field "temp", never
#      matching: every reading is checked against all of them, nothing fires). Ratio of acked+queryable rates.
#   2. Latency: one real MQTT device (our MqttClient) subscribed to its desired topic, RULES background rules plus one
#      threshold rule with a clear action; readings alternate above/below so each one fires or clears; time from the
#      PUBLISH to the device reading the action (p50/p99).
# Settings: DEVICES=200 MESSAGES=100 WINDOW=4 ROUNDS=2 RULES=1000 SAMPLES=200. SQLite, Release build, loopback.
set -euo pipefail
DEVICES=${DEVICES:-200}; MESSAGES=${MESSAGES:-100}; WINDOW=${WINDOW:-4}; ROUNDS=${ROUNDS:-2}; RULES=${RULES:-1000}; SAMPLES=${SAMPLES:-200}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SERVER_DLL="$ROOT/src/EdgeConductor.Server/bin/Release/net10.0/EdgeConductor.Server.dll"
LOADGEN="$ROOT/bench/ingest/LoadGen/bin/Release/net10.0/LoadGen.dll"
EMAIL=bench@example.com; PASSWORD=bench-password
WORK=$(mktemp -d /tmp/ec-bench-rules.XXXXXX); PID=""
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
echo "building Release..." >&2
dotnet build "$ROOT/src/EdgeConductor.Server" -c Release -nologo -v q >/dev/null
dotnet build "$ROOT/bench/ingest/LoadGen" -c Release -nologo -v q >/dev/null
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
HTTP=$(free_port); MQTT=$(free_port)
env ASPNETCORE_URLS="http://127.0.0.1:$HTTP" EC_DATA_DIR="$WORK/data" EC_MQTT_PORT="$MQTT" EC_MQTTS_PORT=0 EC_MQTT_BIND=127.0.0.1 \
    EC_ADMIN_EMAIL="$EMAIL" EC_ADMIN_PASSWORD="$PASSWORD" Logging__LogLevel__Default=Warning dotnet "$SERVER_DLL" >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$HTTP/ready" >/dev/null && break; sleep 0.2; done
URL="http://127.0.0.1:$HTTP"
echo "# $(date -u +%FT%TZ) commit=$(git -C "$ROOT" rev-parse --short HEAD) cores=$(nproc) devices=$DEVICES messages=$MESSAGES window=$WINDOW rules=$RULES"
for r in $(seq 1 "$ROUNDS"); do
  if (( r % 2 == 1 )); then order="0 $RULES"; else order="$RULES 0"; fi
  for n in $order; do
    line=$(BENCH_RULES=$n dotnet "$LOADGEN" ingest "$URL" "$MQTT" "$EMAIL" "$PASSWORD" "$DEVICES" "$MESSAGES" "$WINDOW")
    echo "rules=$n $line" | tee -a "$WORK/ingest.txt"
  done
done
BENCH_RULES=$RULES dotnet "$LOADGEN" rulelatency "$URL" "$MQTT" "$EMAIL" "$PASSWORD" "$SAMPLES" | tee "$WORK/latency.txt"
python3 - "$WORK/ingest.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    w = line.split(); kv = dict(x.split('=', 1) for x in w if '=' in x)
    rows.setdefault(kv['rules'], []).append(float(kv['acked_queryable_msgs_per_s']))
base, withr = statistics.median(rows['0']), statistics.median([v for k, v in rows.items() if k != '0'][0])
print(f"INGEST acked+queryable msgs/s (median): no rules {base:.0f}, with rules {withr:.0f}, ratio {withr / base:.3f} (target >= 0.90)")
PY
grep -q "Rules: evaluation queue full" "$WORK/server.log" && echo "WARNING: the rules queue overflowed (see server log)" || true
