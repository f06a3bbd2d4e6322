#!/usr/bin/env bash
# Python SDK suite (issue 14): proves sdk/python installs with pip into a fresh venv, then runs its unittest tests
# against one real server (scripts/lib/test-server.sh, EC_WEBHOOK_ALLOW_PRIVATE=true so a real webhook reaches the
# test's http.server receiver on 127.0.0.1). Last line: "N passed, N failed, N skipped" (scripts/suites/README.md).
# PyPI is not reachable on the build machines, so the build backend cannot be downloaded: the venv is made from
# Debian's /usr/bin/python3 with --system-site-packages (its setuptools 66 + wheel 0.38 build the package) and the
# install uses --no-build-isolation --no-index. EC_PYTHON picks another interpreter (it needs setuptools and wheel).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ -n "${EC_PYTHON:-}" ]]; then PY=$EC_PYTHON; elif [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; else PY=python3; fi

fail() { echo "python-sdk: $*" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# Debian packages for an offline build, a venv and the type check (mypy 1.0 from Debian: PyPI's is out of reach):
# installed only when missing (as scripts/test.sh does for its own).
if [[ -z "${EC_PYTHON:-}" ]] && command -v dpkg-query >/dev/null; then
  missing=()
  for p in python3-venv python3-setuptools python3-wheel mypy; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]} > 0)); then
    [[ $(id -u) -eq 0 ]] || fail "missing Debian packages ${missing[*]} (install them with apt-get as root)"
    echo "==> python-sdk: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null \
      || { apt-get update -qq </dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
           --no-install-recommends "${missing[@]}" </dev/null; } || fail "could not install ${missing[*]}"
  fi
fi

command -v "$PY" >/dev/null || fail "$PY not found"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' || fail "Python 3.9+ is required"

VENV=$(mktemp -d /tmp/ec-pysdk-XXXXXX)
# shellcheck source=../lib/test-server.sh
source "$ROOT/scripts/lib/test-server.sh"
cleanup() { ec_test_server_stop; rm -rf "$VENV"; }
trap cleanup EXIT

echo "==> python-sdk: venv in $VENV ($PY), pip install --no-build-isolation --no-index ./sdk/python"
"$PY" -c 'import setuptools, wheel' 2>/dev/null || fail "$PY has no setuptools/wheel to build the package offline (apt-get install python3-setuptools python3-wheel)"
"$PY" -m venv --system-site-packages "$VENV" || fail "could not create a venv (apt-get install python3-venv)"
"$VENV/bin/python" -m pip install -q --no-build-isolation --no-index "$ROOT/sdk/python" \
  || fail "pip install ./sdk/python failed"
# The tests must import the INSTALLED package, not the source folder.
(cd "$VENV" && "$VENV/bin/python" -c 'import edgeconductor, os; assert os.path.isfile(os.path.join(os.path.dirname(edgeconductor.__file__), "py.typed")); print("installed", edgeconductor.__version__, edgeconductor.__file__)') \
  || fail "the installed package does not import (or has no py.typed)"

ec_test_server_start EC_WEBHOOK_ALLOW_PRIVATE=true || fail "the test server did not start"

echo "==> python-sdk: python -m unittest discover -s sdk/python/tests -v (via tests/run_tests.py, which counts)"
OUT="$VENV/unittest.out"
(cd "$VENV" && "$VENV/bin/python" "$ROOT/sdk/python/tests/run_tests.py") 2>&1 | tee "$OUT"
read -r passed failed skipped < <(tail -n 1 "$OUT" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/')
[[ "$passed" =~ ^[0-9]+$ && "$failed" =~ ^[0-9]+$ && "$skipped" =~ ^[0-9]+$ ]] || { passed=0; failed=1; skipped=0; }

# One more counted check: the package is fully typed (mypy --strict, Python 3.9 semantics).
echo "==> python-sdk: mypy --strict --python-version 3.9 sdk/python/edgeconductor"
if command -v mypy >/dev/null && (cd "$ROOT/sdk/python" && mypy --strict --python-version 3.9 --cache-dir "$VENV/.mypy_cache" edgeconductor); then
  passed=$((passed + 1))
else
  echo "python-sdk: mypy --strict failed (or mypy is missing)" >&2
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
