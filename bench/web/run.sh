#!/usr/bin/env bash
# Console speed (issue 15): device list first page with 5,000 devices, device page first paint, live update latency
# (reading committed → visible), measured with Playwright + Debian chromium against the real server.
# The bench is its own program (bench/web/ConsoleBench), reusing the browser tests' infrastructure as linked files.
# Usage: bench/web/run.sh            (figures printed and written to bench/web/results.txt, or EC_BENCH_OUT)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${EC_BENCH_OUT:-$PWD/bench/web/results.txt}
dotnet run --project bench/web/ConsoleBench/ConsoleBench.csproj -- "$OUT"
