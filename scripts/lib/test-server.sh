#!/usr/bin/env bash
# Starts one real EdgeConductor server for the non-.NET test suites (scripts/suites/*.sh: JS SDK, Python SDK, ...).
# Source it, then call:   ec_test_server_start   (exports the variables below)   ...   ec_test_server_stop
#   EC_TEST_BASE_URL        http://127.0.0.1:<port>      (the REST API is under /api/v1)
#   EC_TEST_MQTT_PORT       plain MQTT port of the built-in broker
#   EC_TEST_ADMIN_EMAIL / EC_TEST_ADMIN_PASSWORD   the bootstrap super admin
#   EC_TEST_DATA_DIR        the server's fresh data folder (SQLite), removed by ec_test_server_stop
#   EC_TEST_SERVER_LOG      the server's stdout+stderr
# The server is the Debug (or $CONFIGURATION) build of src/EdgeConductor.Server; it is built if missing.
# Extra environment for the server can be passed as arguments: ec_test_server_start EC_WEBHOOK_ALLOW_PRIVATE=true
ec_free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }

ec_test_server_start() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  local cfg="${CONFIGURATION:-Debug}"
  local dll="$root/src/EdgeConductor.Server/bin/$cfg/net10.0/EdgeConductor.Server.dll"
  if [[ ! -f "$dll" ]]; then
    dotnet build "$root/src/EdgeConductor.Server" -c "$cfg" -nologo -v q >&2 || return 1
  fi
  EC_TEST_DATA_DIR=$(mktemp -d /tmp/ec-suite-XXXXXX)
  local http; http=$(ec_free_port); EC_TEST_MQTT_PORT=$(ec_free_port)
  EC_TEST_BASE_URL="http://127.0.0.1:$http"
  EC_TEST_ADMIN_EMAIL="admin@suite.test"; EC_TEST_ADMIN_PASSWORD="Suite-Admin-Pass-1"
  EC_TEST_SERVER_LOG="$EC_TEST_DATA_DIR/server.log"
  export EC_TEST_DATA_DIR EC_TEST_MQTT_PORT EC_TEST_BASE_URL EC_TEST_ADMIN_EMAIL EC_TEST_ADMIN_PASSWORD EC_TEST_SERVER_LOG
  (cd "$EC_TEST_DATA_DIR" && exec env ASPNETCORE_URLS="$EC_TEST_BASE_URL" EC_DATA_DIR="$EC_TEST_DATA_DIR/data" \
      EC_MQTT_PORT="$EC_TEST_MQTT_PORT" EC_MQTTS_PORT=0 EC_ANON_RATE_LIMIT=0 \
      EC_ADMIN_EMAIL="$EC_TEST_ADMIN_EMAIL" EC_ADMIN_PASSWORD="$EC_TEST_ADMIN_PASSWORD" \
      EC_SQLITE_SYNCHRONOUS=normal "$@" dotnet "$dll" >"$EC_TEST_SERVER_LOG" 2>&1) &
  EC_TEST_SERVER_PID=$!
  export EC_TEST_SERVER_PID
  local i
  for i in $(seq 1 120); do
    if curl -fsS "$EC_TEST_BASE_URL/ready" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$EC_TEST_SERVER_PID" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "error: test server did not become ready; its log:" >&2; tail -n 40 "$EC_TEST_SERVER_LOG" >&2
  ec_test_server_stop; return 1
}

ec_test_server_stop() {
  if [[ -n "${EC_TEST_SERVER_PID:-}" ]]; then
    kill "$EC_TEST_SERVER_PID" 2>/dev/null; wait "$EC_TEST_SERVER_PID" 2>/dev/null
    EC_TEST_SERVER_PID=""
  fi
  [[ -n "${EC_TEST_DATA_DIR:-}" && -d "$EC_TEST_DATA_DIR" ]] && rm -rf "$EC_TEST_DATA_DIR"
  return 0
}
