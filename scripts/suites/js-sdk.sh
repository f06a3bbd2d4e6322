#!/usr/bin/env bash
# JS SDK suite (sdk/js, @edgeconductor/sdk): installs its npm dev dependency (typescript) with `npm ci`, builds
# dist/esm + dist/cjs, starts one real server (scripts/lib/test-server.sh, with EC_WEBHOOK_ALLOW_PRIVATE=true so rule
# webhooks can reach the test's own receiver), creates an org and an API key through the API, and runs
# `node --test` on sdk/js/test/*.test.mjs. Last line: "N passed, N failed, N skipped" (scripts/suites/README.md).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sdk="$root/sdk/js"
fail_line() { echo "js-sdk suite could not run: $1" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

command -v node >/dev/null || fail_line "node is not installed (Node 20+ is needed)"
major=$(node -p 'process.versions.node.split(".")[0]')
(( major >= 20 )) || fail_line "Node $(node --version) is too old (20+ is needed)"
command -v mosquitto_pub >/dev/null || fail_line "mosquitto_pub is missing (apt-get install mosquitto-clients)"

cd "$sdk" || fail_line "no $sdk"
# npm ci only when node_modules is missing or was installed from another package-lock.json (a stamp copy of it).
if [[ ! -x node_modules/.bin/tsc ]] || ! cmp -s package-lock.json node_modules/.ec-installed-lock.json; then
  npm ci --no-audit --no-fund >&2 || fail_line "npm ci failed"
  cp package-lock.json node_modules/.ec-installed-lock.json
fi
npm run --silent build >&2 || fail_line "the build (tsc) failed"

source "$root/scripts/lib/test-server.sh"
ec_test_server_start EC_WEBHOOK_ALLOW_PRIVATE=true || fail_line "the test server did not start"
trap ec_test_server_stop EXIT

# What the tests need, created through the API: an admin session, an org and an API key of it (the README example
# runs with that key; the other test files create their own orgs so they can run in parallel).
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
api="$EC_TEST_BASE_URL/api/v1"
token=$(curl -fsS -X POST "$api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EC_TEST_ADMIN_EMAIL\",\"password\":\"$EC_TEST_ADMIN_PASSWORD\"}" | json '["access_token"]') || fail_line "admin login failed"
EC_TEST_ORG_ID=$(curl -fsS -X POST "$api/orgs" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"name":"JS SDK suite","plan":"business"}' | json '["id"]') || fail_line "creating the org failed"
EC_TEST_API_KEY=$(curl -fsS -X POST "$api/orgs/$EC_TEST_ORG_ID/api-keys" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"name":"js-sdk suite"}' | json '["key"]') || fail_line "creating the API key failed"
export EC_TEST_ORG_ID EC_TEST_API_KEY

mkdir -p test-results
node --test --test-timeout=120000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=test-results/results.tap \
  test/*.test.mjs
status=$?

# The TAP summary: "# pass N", "# fail N", "# cancelled N", "# skipped N", "# todo N".
count() { grep -E "^# $1 [0-9]+$" test-results/results.tap | tail -n 1 | awk '{print $3}'; }
pass=$(count pass); fail=$(count fail); cancelled=$(count cancelled); skipped=$(count skipped); todo=$(count todo)
[[ -z "$pass" ]] && fail_line "no TAP summary (node --test exited $status)"
failed=$(( ${fail:-0} + ${cancelled:-0} ))
(( status != 0 && failed == 0 )) && failed=1   # a file that crashed before its tests ran
echo "${pass} passed, ${failed} failed, $(( ${skipped:-0} + ${todo:-0} )) skipped"
(( failed == 0 ))
