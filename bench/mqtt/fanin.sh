#!/usr/bin/env bash
# Fan-in benchmark: 4 publishers (mosquitto_pub -l) -> 1 subscriber (mosquitto_sub), counting messages DELIVERED.
# Runs the same clients and counts against our broker (standalone BrokerHost) and Mosquitto in one run.
# Each case runs ROUNDS times (default 3), alternating brokers; the median rate is reported (the machine is shared).
# Usage: bench/mqtt/fanin.sh [TOTAL=100000] [PUBLISHERS=4]
#        TARGET=server bench/mqtt/fanin.sh …   runs "ours" as the full EdgeConductor server instead of the bare broker host    env: ROUNDS=3
set -euo pipefail
TOTAL=${1:-100000}
PUBS=${2:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/mqtt-fanin.XXXXXX)
OUR_PORT=${OUR_PORT:-18831}
MOSQ_PORT=${MOSQ_PORT:-18832}
TIMEOUT=${TIMEOUT:-120}
ROUNDS=${ROUNDS:-3}

for tool in mosquitto mosquitto_pub mosquitto_sub; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y mosquitto mosquitto-clients)"; exit 1; }
done

echo "building BrokerHost (Release)..."
dotnet build "$ROOT/bench/mqtt/BrokerHost" -c Release -nologo -v q >/dev/null
HOST_DLL="$ROOT/bench/mqtt/BrokerHost/bin/Release/net10.0/BrokerHost.dll"

PER_PUB=$((TOTAL / PUBS))
TOTAL=$((PER_PUB * PUBS))
for p in $(seq 1 "$PUBS"); do
  for i in $(seq 1 "$PER_PUB"); do
    printf '{"device":"dev-%d","seq":%d,"temp":21.5,"ok":true}\n' "$p" "$i"
  done > "$WORK/pub$p.txt"
done

cat > "$WORK/mosquitto.conf" <<CONF
listener $MOSQ_PORT 127.0.0.1
allow_anonymous true
max_queued_messages 0
persistence false
log_type error
CONF

run_case() { # name port qos
  local name=$1 port=$2 qos=$3
  local out="$WORK/$name-q$qos.count"
  ( timeout "$TIMEOUT" mosquitto_sub -p "$port" -t 'bench/#' -q "$qos" -C "$TOTAL" -i "fanin-sub-$name-$qos" 2>/dev/null | wc -l > "$out" ) &
  local subpid=$!
  sleep 0.7
  local start end
  start=$(date +%s.%N)
  local pids=()
  for p in $(seq 1 "$PUBS"); do
    mosquitto_pub -p "$port" -t "bench/p$p" -q "$qos" -l -i "fanin-pub-$name-$qos-$p" < "$WORK/pub$p.txt" &
    pids+=($!)
  done
  wait "$subpid" || true
  end=$(date +%s.%N)
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  local delivered
  delivered=$(cat "$out")
  local rate
  rate=$(awk -v n="$delivered" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
  echo "$name qos=$qos delivered=$delivered/$TOTAL seconds=$(awk -v s="$start" -v e="$end" 'BEGIN{printf "%.2f", e-s}') rate=$rate msg/s"
  echo "$rate" >> "$WORK/$name-q$qos.rates"
}

if [[ "${TARGET:-host}" == "server" ]]; then
  # The broker inside the EdgeConductor server, with its real hooks (anonymous sandbox topics outside devices/).
  dotnet build "$ROOT/src/EdgeConductor.Server" -c Release -nologo -v q >/dev/null
  ASPNETCORE_URLS="http://127.0.0.1:$((OUR_PORT + 1000))" EC_DATA_DIR="$WORK/ec-data" EC_MQTT_PORT="$OUR_PORT" EC_MQTTS_PORT=0 \
  EC_MQTT_BIND=127.0.0.1 EC_MQTT_ALLOW_ANONYMOUS=true EC_MQTT_MAX_QUEUED=1000000 EC_ADMIN_PASSWORD=fanin-bench-pw \
  Logging__LogLevel__Default=Warning "${DOTNET:-dotnet}" "$ROOT/src/EdgeConductor.Server/bin/Release/net10.0/EdgeConductor.Server.dll" > "$WORK/ours.log" 2>&1 &
  OURS=$!
  sleep 3
else
  "${DOTNET:-dotnet}" "$HOST_DLL" --port "$OUR_PORT" --max-queued 1000000 > "$WORK/ours.log" 2>&1 &
  OURS=$!
fi
mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosq.log" 2>&1 &
MOSQ=$!
trap 'kill $OURS $MOSQ 2>/dev/null || true; rm -rf "$WORK"' EXIT
sleep 1.5

# Warm-up of our broker's JIT (small run, not counted).
mosquitto_sub -p "$OUR_PORT" -t 'warm/#' -C 2000 >/dev/null & WPID=$!
sleep 0.3; head -n 2000 "$WORK/pub1.txt" | mosquitto_pub -p "$OUR_PORT" -t warm/x -l -q 1; wait $WPID || true

for round in $(seq 1 "$ROUNDS"); do
  for qos in 0 1; do
    run_case ours "$OUR_PORT" "$qos"
    run_case mosquitto "$MOSQ_PORT" "$qos"
  done
done

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "--- summary: median of $ROUNDS rounds, messages delivered per second (load average: $(cut -d' ' -f1-3 /proc/loadavg)) ---"
for qos in 0 1; do
  o=$(median "$WORK/ours-q$qos.rates"); m=$(median "$WORK/mosquitto-q$qos.rates")
  awk -v o="$o" -v m="$m" -v q="$qos" 'BEGIN { printf "QoS %d: EdgeConductor %d msg/s, Mosquitto %d msg/s, ratio %.2fx\n", q, o, m, (m > 0 ? o / m : 0) }'
done
