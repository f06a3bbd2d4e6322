#!/usr/bin/env bash
# How many simulated devices one `ec simulate` process sustains at one reading every 5 s over MQTT against a local
# server, and the CPU each side uses. For each N: start the fleet, wait until all N are connected, measure the CPU time
# of the simulator and of the server over WINDOW seconds of steady load (from /proc/<pid>/stat), then let the run end
# and print its summary (sent / acknowledged / stored / lost, checked through the API).
#   bench/simulator/run.sh [WINDOW_SECONDS] [N ...]        default: 60 s, N = 500 1000 2000
# Uses the Release builds (built if missing) and scripts/lib/test-server.sh (fresh SQLite server on free ports).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
window="${1:-60}"; shift || true
counts=("$@"); [[ ${#counts[@]} -eq 0 ]] && counts=(500 1000 2000)
export CONFIGURATION=Release
ec_dll="$root/src/EdgeConductor.Cli/bin/Release/net10.0/ec.dll"
[[ -f "$ec_dll" ]] || dotnet build "$root/src/EdgeConductor.Cli" -c Release -nologo -v q >&2
source "$root/scripts/lib/test-server.sh"
ec_test_server_start EC_DEVICE_RATE_LIMIT=0 EC_SQLITE_SYNCHRONOUS=full
trap ec_test_server_stop EXIT
api="$EC_TEST_BASE_URL/api/v1"
json() { python3 -c "import sys,json;print(json.load(sys.stdin)$1)"; }
tok=$(curl -fsS -X POST "$api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EC_TEST_ADMIN_EMAIL\",\"password\":\"$EC_TEST_ADMIN_PASSWORD\"}" | json '["access_token"]')
org=$(curl -fsS -X POST "$api/orgs" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
  -d '{"name":"Bench","slug":"bench","plan":"enterprise"}' | json '["id"]')
key=$(curl -fsS -X POST "$api/orgs/$org/api-keys" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' | json '["key"]')
server_pid=$(pgrep -P "$EC_TEST_SERVER_PID" -f EdgeConductor.Server.dll || echo "$EC_TEST_SERVER_PID")
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
printf '%-6s %-8s %-10s %-10s %-8s %-6s %-14s %-14s\n' N window sent stored lost errors "simulator CPU" "server CPU"
for n in "${counts[@]}"; do
  out=$(mktemp)
  EC_API_KEY="$key" EC_URL="$api" dotnet "$ec_dll" simulate --count "$n" --interval 5 --duration "$((window + 12))s" \
    --prefix "BENCH$n" --mqtt "127.0.0.1:$EC_TEST_MQTT_PORT" >"$out" 2>&1 &
  sim=$!
  until grep -q "device(s) connected" "$out"; do
    kill -0 "$sim" 2>/dev/null || { cat "$out"; exit 1; }
    sleep 1
  done
  sleep 10 # let the first readings of every device settle
  s0=$(cpu "$sim"); v0=$(cpu "$server_pid"); t0=$(date +%s.%N)
  sleep "$window"
  s1=$(cpu "$sim"); v1=$(cpu "$server_pid"); t1=$(date +%s.%N)
  wait "$sim" || true
  el=$(python3 -c "print($t1-$t0)")
  simcpu=$(python3 -c "print(f'{($s1-$s0)/$ticks/$el*100:.1f} %')")
  srvcpu=$(python3 -c "print(f'{($v1-$v0)/$ticks/$el*100:.1f} %')")
  row() { grep -E "^│ $1 " "$out" | sed -E 's/│ [^│]+│ *([^ ]+).*/\1/'; }
  printf '%-6s %-8s %-10s %-10s %-8s %-6s %-14s %-14s\n' "$n" "${window}s" "$(row 'readings sent')" "$(row 'stored')" "$(row 'lost')" \
    "$(row errors || true)" "$simcpu" "$srvcpu"
  rm -f "$out"
done
echo "(CPU: share of one core over the window; 100 % = one full core. Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
