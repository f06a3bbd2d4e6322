#!/usr/bin/env bash
# Runs the ec CLI from source: ./ec login, ./ec device list, …
# Builds src/EdgeConductor.Cli when its sources (or the SDK's) changed, then runs the built program directly,
# which starts much faster than `dotnet run` on every call.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/src/EdgeConductor.Cli"
dll="$project/bin/Debug/net10.0/ec.dll"
if [[ ! -f "$dll" ]] || [[ -n "$(find "$project" "$here/src/EdgeConductor.Sdk" \( -name '*.cs' -o -name '*.csproj' \) -newer "$dll" -not -path '*/obj/*' -not -path '*/bin/*' -print -quit)" ]]; then
  echo "ec: building src/EdgeConductor.Cli…" >&2
  if ! out=$(dotnet build "$project" -c Debug --nologo -v quiet 2>&1); then
    echo "$out" >&2
    exit 2
  fi
fi
exec dotnet "$dll" "$@"
