#!/usr/bin/env bash
# Login timing (issue 8, "login timing reveals which e-mails have accounts"): median time of POST /auth/login for an
# unknown e-mail vs a known e-mail with a wrong password, on one Release server on SQLite. After the fix both run one
# PBKDF2 verification, so the medians should be close; before it the unknown e-mail answered without hashing.
#
#   bench/auth/login-timing.sh            N=60 requests of each kind, interleaved; prints medians and the ratio
#   SERVER_DLL=/path/EdgeConductor.Server.dll bench/auth/login-timing.sh   measure another build (e.g. an older commit)
#
# Throttling and the anonymous rate limit are turned off for the run (EC_MAX_FAILED_LOGINS, EC_ANON_RATE_LIMIT=0) so
# only the login path itself is timed.
set -euo pipefail
N=${N:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SERVER_DLL=${SERVER_DLL:-}
if [[ -z "$SERVER_DLL" ]]; then
  echo "building Release..." >&2
  dotnet build "$ROOT/src/EdgeConductor.Server" -c Release -nologo -v q >/dev/null
  SERVER_DLL="$ROOT/src/EdgeConductor.Server/bin/Release/net10.0/EdgeConductor.Server.dll"
fi
WORK=$(mktemp -d /tmp/ec-bench-login.XXXXXX)
PID=""
cleanup() { [[ -n "$PID" ]] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
env ASPNETCORE_URLS="http://127.0.0.1:$PORT" EC_DATA_DIR="$WORK" EC_MQTT_PORT=0 EC_MQTTS_PORT=0 \
    EC_ADMIN_EMAIL=bench@example.com EC_ADMIN_PASSWORD=bench-password-1 EC_ANON_RATE_LIMIT=0 EC_MAX_FAILED_LOGINS=1000000 \
    Logging__LogLevel__Default=Warning dotnet "$SERVER_DLL" >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null || { tail -n 30 "$WORK/server.log" >&2; exit 1; }

python3 - "$PORT" "$N" <<'PY'
import http.client, json, statistics, sys, time, uuid
port, n = int(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", port)
def login(email):
    body = json.dumps({"email": email, "password": "wrong-password"})
    t = time.perf_counter()
    conn.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
    r = conn.getresponse(); r.read()
    dt = (time.perf_counter() - t) * 1000
    assert r.status == 401, r.status
    return dt
for _ in range(5):  # warm-up (JIT, connection pool)
    login("bench@example.com"); login(f"warm-{uuid.uuid4().hex}@example.com")
known, unknown = [], []
for i in range(n):  # interleaved, order alternating, so load changes hit both kinds alike
    if i % 2 == 0:
        known.append(login("bench@example.com")); unknown.append(login(f"nobody-{uuid.uuid4().hex}@example.com"))
    else:
        unknown.append(login(f"nobody-{uuid.uuid4().hex}@example.com")); known.append(login("bench@example.com"))
mk, mu = statistics.median(known), statistics.median(unknown)
print(f"known e-mail, wrong password: median {mk:.1f} ms (n={n})")
print(f"unknown e-mail:               median {mu:.1f} ms (n={n})")
print(f"ratio unknown/known: {mu / mk:.2f}")
PY
