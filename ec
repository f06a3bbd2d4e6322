#!/usr/bin/env bash
# Runs the ec CLI from source: ./ec device list, ./ec login, …
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec dotnet run --project "$here/src/EdgeConductor.Cli" -- "$@"
