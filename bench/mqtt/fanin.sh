#!/usr/bin/env bash
# Fan-in benchmark: 4 publishers (mosquitto_pub -l) -> 1 subscriber (mosquitto_sub), counting messages DELIVERED.
# Runs the same clients against our broker, Mosquitto and MQTTnet 5.2 (bench/mqtt/MqttNetHost) in one run, ALL AT THEIR
# DEFAULT SETTINGS (no queue tuning), plus the subscriber ceiling: what one mosquitto_sub reads per second from a fake
# broker that just writes the same messages as fast as the socket takes them (bench/mqtt/ceiling.py).
# Each case runs ROUNDS times (default 3), alternating brokers; the median rate is reported (the machine is shared).
# Usage: bench/mqtt/fanin.sh [TOTAL=100000] [PUBLISHERS=4]
#        TARGET=server bench/mqtt/fanin.sh …   runs "ours" as the full EdgeConductor server instead of the bare broker host
#        env: ROUNDS=3, QOS_LEVELS="0 1", BROKERS="ours mosquitto mqttnet" (the summary's ratio needs mosquitto),
#             SERVER_ENV="NAME=value ..." extra settings for the server (TARGET=server)
set -euo pipefail
TOTAL=${1:-100000}
PUBS=${2:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/mqtt-fanin.XXXXXX)
OUR_PORT=${OUR_PORT:-18831}
MOSQ_PORT=${MOSQ_PORT:-18832}
NET_PORT=${NET_PORT:-18833}
CEIL_PORT=${CEIL_PORT:-18834}
TIMEOUT=${TIMEOUT:-120}
ROUNDS=${ROUNDS:-3}

for tool in mosquitto mosquitto_pub mosquitto_sub; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y mosquitto mosquitto-clients)"; exit 1; }
done

echo "building BrokerHost and MqttNetHost (Release)..."
dotnet build "$ROOT/bench/mqtt/BrokerHost" -c Release -nologo -v q >/dev/null
dotnet build "$ROOT/bench/mqtt/MqttNetHost" -c Release -nologo -v q >/dev/null
HOST_DLL="$ROOT/bench/mqtt/BrokerHost/bin/Release/net10.0/BrokerHost.dll"
NET_DLL="$ROOT/bench/mqtt/MqttNetHost/bin/Release/net10.0/MqttNetHost.dll"

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
persistence false
log_type error
CONF

run_case() { # name port qos
  local name=$1 port=$2 qos=$3
  local out="$WORK/$name-q$qos.count"
  ( timeout "$TIMEOUT" mosquitto_sub -p "$port" -t 'bench/#' -q "$qos" -C "$TOTAL" -i "fanin-sub-$name-$qos" 2>/dev/null | wc -l > "$out" ) &
  local subpid=$!
  sleep "${SUB_WAIT:-1.5}" # let the subscriber's SUBACK arrive before the publishers start (raise SUB_WAIT on a loaded machine)
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
  echo "$delivered" >> "$WORK/$name-q$qos.delivered"
  local rate
  rate=$(awk -v n="$delivered" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
  echo "$name qos=$qos delivered=$delivered/$TOTAL seconds=$(awk -v s="$start" -v e="$end" 'BEGIN{printf "%.2f", e-s}') rate=$rate msg/s"
  echo "$rate" >> "$WORK/$name-q$qos.rates"
}

if [[ "${TARGET:-host}" == "server" ]]; then
  # The broker inside the EdgeConductor server, with its real hooks (anonymous sandbox topics outside devices/).
  dotnet build "$ROOT/src/EdgeConductor.Server" -c Release -nologo -v q >/dev/null
  ASPNETCORE_URLS="http://127.0.0.1:$((OUR_PORT + 1000))" EC_DATA_DIR="$WORK/ec-data" EC_MQTT_PORT="$OUR_PORT" EC_MQTTS_PORT=0 \
  EC_MQTT_BIND=127.0.0.1 EC_MQTT_ALLOW_ANONYMOUS=true EC_ADMIN_PASSWORD=fanin-bench-pw \
  Logging__LogLevel__Default=Warning env ${SERVER_ENV:-} "${DOTNET:-dotnet}" "$ROOT/src/EdgeConductor.Server/bin/Release/net10.0/EdgeConductor.Server.dll" > "$WORK/ours.log" 2>&1 &
  OURS=$!
else
  "${DOTNET:-dotnet}" "$HOST_DLL" --port "$OUR_PORT" > "$WORK/ours.log" 2>&1 &
  OURS=$!
fi
mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosq.log" 2>&1 &
MOSQ=$!
"${DOTNET:-dotnet}" "$NET_DLL" --port "$NET_PORT" > "$WORK/mqttnet.log" 2>&1 &
NET=$!
trap 'kill $OURS $MOSQ $NET 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_port() { # the broker on port $1 accepts connections (up to 120 s: a loaded machine starts .NET slowly)
  for _ in $(seq 1 1200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on $1; logs:"; cat "$WORK"/*.log; exit 1
}
for port in "$OUR_PORT" "$MOSQ_PORT" "$NET_PORT"; do wait_port "$port"; done

# Warm-up of both .NET brokers' JIT (small run, not counted).
for port in "$OUR_PORT" "$NET_PORT"; do
  timeout 60 mosquitto_sub -p "$port" -t 'warm/#' -C 2000 -W 60 -i warm-sub >/dev/null & WPID=$!
  sleep 1; head -n 2000 "$WORK/pub1.txt" | mosquitto_pub -p "$port" -t warm/x -l -q 1 -i warm-pub || true; wait $WPID || true
done

ceiling_case() { # qos: one mosquitto_sub reading from ceiling.py
  local qos=$1 out="$WORK/ceiling-q$qos.count"
  rm -f "$WORK/ceiling.ready"
  python3 "$HERE/ceiling.py" "$CEIL_PORT" "$TOTAL" "$qos" "$WORK"/pub*.txt > "$WORK/ceiling.ready" & local fake=$!
  for _ in $(seq 1 300); do grep -q ready "$WORK/ceiling.ready" 2>/dev/null && break; sleep 0.1; done # pre-encoding done, listening
  local start end
  start=$(date +%s.%N)
  timeout "$TIMEOUT" mosquitto_sub -p "$CEIL_PORT" -t 'bench/#' -q "$qos" -C "$TOTAL" -i "fanin-ceiling-$qos" 2>/dev/null | wc -l > "$out" || true
  end=$(date +%s.%N)
  wait "$fake" 2>/dev/null || true
  local delivered rate
  delivered=$(cat "$out")
  rate=$(awk -v n="$delivered" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
  echo "ceiling qos=$qos read=$delivered/$TOTAL rate=$rate msg/s"
  echo "$rate" >> "$WORK/ceiling-q$qos.rates"
  echo "$delivered" >> "$WORK/ceiling-q$qos.delivered"
}

QOS_LEVELS=${QOS_LEVELS:-0 1}        # e.g. QOS_LEVELS=0 for the QoS 0 comparison alone
BROKERS=${BROKERS:-ours mosquitto mqttnet}
port_of() { case $1 in ours) echo "$OUR_PORT" ;; mosquitto) echo "$MOSQ_PORT" ;; mqttnet) echo "$NET_PORT" ;; esac; }
for round in $(seq 1 "$ROUNDS"); do
  for qos in $QOS_LEVELS; do
    for name in $BROKERS; do run_case "$name" "$(port_of "$name")" "$qos"; done
    ceiling_case "$qos"
  done
done

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
worst() { sort -n "$1" | head -n 1; }
echo "--- summary: TOTAL=$TOTAL from $PUBS publishers, default settings, median of $ROUNDS rounds (load average: $(cut -d' ' -f1-3 /proc/loadavg)) ---"
for qos in $QOS_LEVELS; do
  c=$(median "$WORK/ceiling-q$qos.rates"); m=$(median "$WORK/mosquitto-q$qos.rates")
  for name in $BROKERS; do
    r=$(median "$WORK/$name-q$qos.rates"); d=$(worst "$WORK/$name-q$qos.delivered")
    awk -v n="$name" -v q="$qos" -v r="$r" -v d="$d" -v t="$TOTAL" -v m="$m" -v c="$c" 'BEGIN {
      printf "QoS %d %-9s %7d msg/s  delivered (worst round) %6.2f %%  %.2fx Mosquitto  %3.0f %% of the subscriber ceiling\n", q, n, r, 100 * d / t, (m > 0 ? r / m : 0), (c > 0 ? 100 * r / c : 0) }'
  done
  echo "QoS $qos ceiling (one mosquitto_sub reading a fake broker): $c msg/s"
done
