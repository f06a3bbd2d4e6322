#!/usr/bin/env bash
# Console speed (issue 15): device list first page with 5,000 devices, device page first paint, live update latency
# (reading committed → visible), measured with Playwright + Debian chromium against the real server.
# Usage: bench/web/run.sh            (figures printed and written to bench/web/results.txt)
set -euo pipefail
cd "$(dirname "$0")/../.."
export EC_BENCH_WEB=1
export EC_BENCH_OUT="$PWD/bench/web/results.txt"
dotnet test tests/EdgeConductor.Web.Tests/EdgeConductor.Web.Tests.csproj --filter "FullyQualifiedName~DeviceConsoleBench" \
  --logger "console;verbosity=detailed" | grep -E "bench|setup:|device |live update|Passed!|Failed!" || true
cat "$EC_BENCH_OUT"
