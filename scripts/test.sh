#!/usr/bin/env bash
# The one test command (README "Quick start"; .ci/run calls exactly this).
#  1. Installs the Debian packages the tests use, only those that are missing (apt-get update at most once):
#     postgresql (throwaway clusters for the PostgreSQL tests), mosquitto + mosquitto-clients + python3-paho-mqtt
#     (reference broker and independent MQTT clients for interop tests), sqlite3 (inspecting test databases).
#  2. Runs every test project of EdgeConductor.slnx, then every suite in scripts/suites/*.sh (JS/Python SDKs, ...;
#     see scripts/suites/README.md; skipped only when --filter is given or EC_SKIP_SUITES is set, and then said).
#  3. Ends with one plain line "N passed, N failed, N skipped" summed over all test projects (from the TRX files),
#     and exits non-zero if anything failed or the build broke.
# Extra arguments go to 'dotnet test' (e.g. ./scripts/test.sh --filter "FullyQualifiedName~Devices").
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
CONFIGURATION=${CONFIGURATION:-Debug}
RESULTS="$ROOT/TestResults/run"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
start=$(date +%s)

# ---- 1. system packages -------------------------------------------------------------------------------------------
PACKAGES=(postgresql mosquitto mosquitto-clients python3-paho-mqtt sqlite3 zbar-tools chromium)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "==> installing missing packages: ${missing[*]}"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then SUDO=(sudo -n); else
      echo "error: missing packages (${missing[*]}) and not root; install them with apt-get, then re-run." >&2
      echo "0 passed, 1 failed"; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! "${SUDO[@]}" apt-get update -qq </dev/null || \
     ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null; then
    echo "error: could not install ${missing[*]}" >&2
    echo "0 passed, 1 failed"; exit 1
  fi
else
  echo "==> system packages present: ${PACKAGES[*]}"
fi

# ---- 2. tests -----------------------------------------------------------------------------------------------------
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
extra=()
# In CI no compiler/MSBuild server may outlive the run (they would hold the job's output open).
if [[ "${CI:-}" == "true" ]]; then extra+=(--disable-build-servers); fi

echo "==> dotnet test EdgeConductor.slnx ($CONFIGURATION)"
dotnet test "$ROOT/EdgeConductor.slnx" -c "$CONFIGURATION" "${extra[@]}" \
  --logger "console;verbosity=normal" --logger "trx" --results-directory "$RESULTS" \
  --blame-hang-timeout 15m "$@" </dev/null
status=$?

# ---- 2b. the suites that are not .NET (scripts/suites/*.sh: JS and Python SDKs, ...) ---------------------------------
# Each prints its own "N passed, N failed, N skipped" as its last line; they are added to the totals below.
suite_passed=0; suite_failed=0; suite_skipped=0; suites=0
if [[ -z "${EC_SKIP_SUITES:-}" && "$*" != *--filter* ]]; then
  for suite in "$ROOT"/scripts/suites/*.sh; do
    [[ -e "$suite" ]] || continue
    suites=$((suites + 1))
    echo "==> suite $(basename "$suite")"
    log="$RESULTS/suite-$(basename "$suite" .sh).log"
    CONFIGURATION="$CONFIGURATION" bash "$suite" </dev/null 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n1)
    if [[ -z "$line" ]]; then
      echo "error: suite $(basename "$suite") printed no summary line (exit $rc)"; suite_failed=$((suite_failed + 1))
    else
      read -r p _ f _ k _ <<<"${line//,/}"
      suite_passed=$((suite_passed + p)); suite_failed=$((suite_failed + f)); suite_skipped=$((suite_skipped + k))
      if ((rc != 0 && f == 0)); then suite_failed=$((suite_failed + 1)); fi
    fi
  done
else
  echo "==> --filter given or EC_SKIP_SUITES set: the suites in scripts/suites were NOT run"
fi

# ---- 3. summary ---------------------------------------------------------------------------------------------------
passed=0; failed=0; skipped=0; files=0
attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2"; }
while IFS= read -r -d '' trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  [[ -z "$counters" ]] && continue
  files=$((files + 1))
  v=$(attr passed "$counters"); passed=$((passed + ${v:-0}))
  for a in failed error timeout aborted; do v=$(attr "$a" "$counters"); failed=$((failed + ${v:-0})); done
  # xunit's skipped tests are counted as total - executed (not always as notExecuted)
  t=$(attr total "$counters"); e=$(attr executed "$counters"); n=$(attr notExecuted "$counters")
  s=$(( ${t:-0} - ${e:-0} )); (( ${n:-0} > s )) && s=${n:-0}; skipped=$((skipped + s))
done < <(find "$RESULTS" -name '*.trx' -print0)

# Name every failed test (with the first lines of its message) so the tail of a CI log says what broke.
failures=$(find "$RESULTS" -name '*.trx' -print0 | xargs -0 -r python3 "$ROOT/scripts/trx-failures.py" 2>/dev/null)
if [[ -n "$failures" ]]; then
  echo "==> failed tests"
  echo "$failures"
fi

if ((status != 0 && failed == 0)); then failed=1; fi # build break or test host crash: never report success
passed=$((passed + suite_passed)); failed=$((failed + suite_failed)); skipped=$((skipped + suite_skipped))
if ((suite_failed > 0)); then status=1; fi
elapsed=$(( $(date +%s) - start ))
echo "==> ${files} test project(s) and ${suites} other suite(s), ${elapsed}s"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit $(( status != 0 ? 1 : 0 ))
