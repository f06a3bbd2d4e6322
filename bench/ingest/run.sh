#!/usr/bin/env bash
# End-to-end benchmarks of the EdgeConductor server on SQLite (issue 4). See bench/ingest/README.md.
#
#   bench/ingest/run.sh ingest   K devices x M QoS 1 messages (W in flight per device): acknowledged AND queryable msgs/s
#                                on the server vs the same publishers against Mosquitto (one mosquitto_sub consumer,
#                                no storage), alternating, ROUNDS rounds; medians and ratios.
#   bench/ingest/run.sh query    7 days of 5-second data of one device (120,960 readings): history / aggregate p50/p99.
#   bench/ingest/run.sh desired  PATCH /shadow/desired -> the subscribed device receives it: p50/p99.
#   bench/ingest/run.sh all      all three (default).
#   bench/ingest/run.sh D M W R  old form: ingest with DEVICES=D MESSAGES=M WINDOW=W ROUNDS=R PER_MESSAGE=1.
#
# Settings (environment): DEVICES=200 MESSAGES=250 WINDOW=4 ROUNDS=3 QUERY_REQUESTS=50 DESIRED_REQUESTS=200
#   PER_MESSAGE=1  also runs the ingest case against a second server with EC_TELEMETRY_MAX_BATCH=1 (one transaction per message)
#   RESULTS=/tmp/ec-bench-ingest-results.txt  where the raw result lines are kept
# Builds Release, starts every server / broker on free loopback ports in temp data dirs and stops them on exit.
set -euo pipefail
CMD=${1:-all}
if [[ "$CMD" =~ ^[0-9]+$ ]]; then
  # The old form "run.sh DEVICES MESSAGES WINDOW ROUNDS" (docs/telemetry.md): group commit vs one transaction per message.
  DEVICES=$1; MESSAGES=${2:-400}; WINDOW=${3:-8}; ROUNDS=${4:-3}; PER_MESSAGE=1; CMD=ingest
fi
case "$CMD" in ingest|query|desired|all) ;; *) echo "usage: $0 [ingest|query|desired|all]" >&2; exit 64;; esac
DEVICES=${DEVICES:-200}; MESSAGES=${MESSAGES:-250}; WINDOW=${WINDOW:-4}; ROUNDS=${ROUNDS:-3}
QUERY_REQUESTS=${QUERY_REQUESTS:-50}; DESIRED_REQUESTS=${DESIRED_REQUESTS:-200}; PER_MESSAGE=${PER_MESSAGE:-0}
RESULTS=${RESULTS:-/tmp/ec-bench-ingest-results.txt}
TIMEOUT=${TIMEOUT:-600}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SERVER_DLL="$ROOT/src/EdgeConductor.Server/bin/Release/net10.0/EdgeConductor.Server.dll"
LOADGEN="$ROOT/bench/ingest/LoadGen/bin/Release/net10.0/LoadGen.dll"
EMAIL=bench@example.com; PASSWORD=bench-password

if [[ "$CMD" == ingest || "$CMD" == all ]]; then
  for tool in mosquitto mosquitto_sub; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y mosquitto mosquitto-clients)" >&2; exit 1; }
  done
fi

WORK=$(mktemp -d /tmp/ec-bench-ingest.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "building Release..." >&2
dotnet build "$ROOT/src/EdgeConductor.Server" -c Release -nologo -v q >/dev/null
dotnet build "$ROOT/bench/ingest/LoadGen" -c Release -nologo -v q >/dev/null

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
loadgen() { timeout "$TIMEOUT" dotnet "$LOADGEN" "$@"; }

# start_server NAME [ENV=VALUE...]: an EdgeConductor server on SQLite in $WORK/NAME; sets HTTP_URL and MQTT_PORT.
start_server() {
  local name=$1; shift
  local dir="$WORK/$name" http mqtt pid
  mkdir -p "$dir"; http=$(free_port); mqtt=$(free_port)
  env ASPNETCORE_URLS="http://127.0.0.1:$http" EC_DATA_DIR="$dir" EC_MQTT_PORT="$mqtt" EC_MQTTS_PORT=0 EC_MQTT_BIND=127.0.0.1 \
      EC_ADMIN_EMAIL="$EMAIL" EC_ADMIN_PASSWORD="$PASSWORD" Logging__LogLevel__Default=Warning "$@" \
      dotnet "$SERVER_DLL" >"$dir/server.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$http/ready" >/dev/null && { HTTP_URL="http://127.0.0.1:$http"; MQTT_PORT=$mqtt; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "server $name did not become ready:" >&2; tail -n 30 "$dir/server.log" >&2; exit 1
}

record() { echo "$*" | tee -a "$WORK/results.txt"; }

{
  echo "# $(date -u +%FT%TZ) commit=$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src || echo +dirty-src) cmd=$CMD cores=$(nproc) loadavg_start=$(cut -d' ' -f1 /proc/loadavg)"
} | tee "$WORK/results.txt"

# ---------------------------------------------------------------- ingest: server vs Mosquitto, alternating
run_ingest() {
  local total=$((DEVICES * MESSAGES)) mport
  start_server ingest; local ec_http=$HTTP_URL ec_mqtt=$MQTT_PORT
  local pm_http="" pm_mqtt=""
  if [[ "$PER_MESSAGE" == 1 ]]; then start_server per_message EC_TELEMETRY_MAX_BATCH=1; pm_http=$HTTP_URL; pm_mqtt=$MQTT_PORT; fi
  mport=$(free_port)
  cat >"$WORK/mosquitto.conf" <<CONF
listener $mport 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
log_type error
CONF
  mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
  PIDS+=("$!")
  sleep 0.5

  server_case() { # label http mqtt
    local line
    line=$(loadgen ingest "$2" "$3" "$EMAIL" "$PASSWORD" "$DEVICES" "$MESSAGES" "$WINDOW")
    record "$1 $line"
  }
  mosquitto_case() {
    # One consumer at QoS 1 printing only each message's receipt time (%U): its line count is what it received, its
    # last line when it had them all.
    local out="$WORK/consumer.out" line start delivered end
    timeout "$TIMEOUT" mosquitto_sub -p "$mport" -t 'devices/+/telemetry' -q 1 -C "$total" -i "bench-consumer-$RANDOM" -F '%U' >"$out" &
    CONSUMER=$!; PIDS+=("$CONSUMER")
    sleep 0.5 # subscribed long before LoadGen has started, connected its clients and warmed up (LoadGen fails if not)
    line=$(loadgen broker "$mport" "$DEVICES" "$MESSAGES" "$WINDOW")
    wait "$CONSUMER" || true
    delivered=$(wc -l <"$out")
    [[ "$delivered" == "$total" ]] || { echo "FAILED: mosquitto_sub received $delivered of $total messages" >&2; exit 1; }
    start=$(sed -E 's/.*start_unix_ms=([0-9]+).*/\1/' <<<"$line")
    end=$(tail -n 1 "$out")
    record "mosquitto $line consumer_received=$delivered $(awk -v n="$delivered" -v s="$start" -v e="$end" 'BEGIN { d = e - s / 1000; printf "consumer_s=%.2f consumer_msgs_per_s=%.0f", d, n / d }')"
  }

  local r
  for r in $(seq 1 "$ROUNDS"); do
    echo "--- ingest round $r/$ROUNDS (loadavg $(cut -d' ' -f1 /proc/loadavg))" >&2
    if (( r % 2 == 1 )); then
      server_case server "$ec_http" "$ec_mqtt"; mosquitto_case
    else
      mosquitto_case; server_case server "$ec_http" "$ec_mqtt"
    fi
    if [[ -n "$pm_http" ]]; then server_case per_message_commit "$pm_http" "$pm_mqtt"; fi
  done
}

run_query() {
  start_server query
  echo "--- query: loading 7 days of 5-second readings, then $QUERY_REQUESTS requests each (loadavg $(cut -d' ' -f1 /proc/loadavg))" >&2
  local out l
  out=$(loadgen query "$HTTP_URL" "$MQTT_PORT" "$EMAIL" "$PASSWORD" "$QUERY_REQUESTS")
  while read -r l; do record "$l"; done <<<"$out"
}

run_desired() {
  start_server desired
  echo "--- desired: $DESIRED_REQUESTS sequential PATCHes (loadavg $(cut -d' ' -f1 /proc/loadavg))" >&2
  local line
  line=$(loadgen desired "$HTTP_URL" "$MQTT_PORT" "$EMAIL" "$PASSWORD" "$DESIRED_REQUESTS")
  record "$line"
}

if [[ "$CMD" == ingest || "$CMD" == all ]]; then run_ingest; fi
if [[ "$CMD" == query || "$CMD" == all ]]; then run_query; fi
if [[ "$CMD" == desired || "$CMD" == all ]]; then run_desired; fi
echo "# loadavg_end=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$WORK/results.txt"
cp "$WORK/results.txt" "$RESULTS"

python3 - "$WORK/results.txt" <<'PY'
import statistics, sys
rows = []
for line in open(sys.argv[1]):
    if line.startswith('#') or not line.strip(): continue
    w = line.split()
    kv = dict(x.split('=', 1) for x in w[1:] if '=' in x)
    rows.append((w[0], kv))
def med(label, key):
    v = [float(kv[key]) for l, kv in rows if l == label and key in kv]
    return statistics.median(v) if v else None
print()
if any(l == 'server' for l, _ in rows):
    n = sum(1 for l, _ in rows if l == 'server')
    s_q, s_a, m_a, m_c = med('server', 'acked_queryable_msgs_per_s'), med('server', 'acked_msgs_per_s'), med('mosquitto', 'acked_msgs_per_s'), med('mosquitto', 'consumer_msgs_per_s')
    kv0 = next(kv for l, kv in rows if l == 'server')
    print(f"INGEST  {kv0['devices']} devices x {int(kv0['messages']) // int(kv0['devices'])} msgs, {kv0['window']} in flight each, QoS 1; median of {n} rounds (msgs/s)")
    print(f"  {'':34}{'rate':>10}{'p50 PUBACK':>12}{'p99 PUBACK':>12}")
    print(f"  {'server acked+queryable (SQLite)':34}{s_q:>10.0f}")
    print(f"  {'server acked':34}{s_a:>10.0f}{med('server','puback_p50_ms'):>10.1f}ms{med('server','puback_p99_ms'):>10.1f}ms")
    if med('per_message_commit', 'acked_msgs_per_s') is not None:
        print(f"  {'server, 1 transaction/message':34}{med('per_message_commit','acked_queryable_msgs_per_s'):>10.0f}{med('per_message_commit','puback_p50_ms'):>10.1f}ms{med('per_message_commit','puback_p99_ms'):>10.1f}ms")
    print(f"  {'mosquitto acked (no storage)':34}{m_a:>10.0f}{med('mosquitto','puback_p50_ms'):>10.1f}ms{med('mosquitto','puback_p99_ms'):>10.1f}ms")
    print(f"  {'mosquitto delivered to consumer':34}{m_c:>10.0f}")
    srv = [kv for l, kv in rows if l == 'server']; mos = [kv for l, kv in rows if l == 'mosquitto']
    paired = statistics.median(float(a['acked_queryable_msgs_per_s']) / float(b['acked_msgs_per_s']) for a, b in zip(srv, mos))
    print(f"  ratio server acked+queryable / mosquitto acked: {s_q / m_a:.2f}x of the medians, {paired:.2f}x median of the per-round ratios")
    print(f"  ratio server acked / mosquitto acked: {s_a / m_a:.2f}x;  server writer busy committing {med('server','writer_commit_s') / med('server','ack_s'):.0%} of the ack time, median batch {med('server','writer_avg_batch'):.0f} msgs")
    print(f"  target: >= 50,000 durable msgs/s on this 2-core machine")
q = [kv for l, kv in rows if l == 'query']
if q:
    load = next((kv for l, kv in rows if l == 'query_load'), None)
    print(f"QUERY   one device, 7 days x 5 s = {load['readings'] if load else '?'} readings (loaded at {load['acked_msgs_per_s'] if load else '?'} msgs/s); {q[0]['requests']} requests each, interleaved, after warm-up")
    print(f"  {'':18}{'items':>8}{'readings':>10}{'bytes':>10}{'p50':>10}{'p99':>10}")
    for kv in q:
        print(f"  {kv['name']:18}{kv['items']:>8}{kv['readings']:>10}{kv['bytes']:>10}{float(kv['p50_ms']):>8.1f}ms{float(kv['p99_ms']):>8.1f}ms")
    print("  target: a 7-day aggregate in < 50 ms")
d = [kv for l, kv in rows if l == 'desired']
if d:
    kv = d[0]
    print(f"DESIRED {kv['requests']} sequential PATCH /shadow/desired -> device receives (QoS 1, loopback)")
    print(f"  PATCH -> device received  p50 {float(kv['delivery_p50_ms']):.2f} ms  p99 {float(kv['delivery_p99_ms']):.2f} ms  max {float(kv['delivery_max_ms']):.2f} ms   (target p99 < 10 ms)")
    print(f"  PATCH HTTP response       p50 {float(kv['patch_http_p50_ms']):.2f} ms  p99 {float(kv['patch_http_p99_ms']):.2f} ms   (device had it before the response: {kv['received_before_http_response']}/{kv['requests']})")
PY
