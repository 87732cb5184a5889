#!/usr/bin/env bash
# Configures and builds everything into ./build (2 parallel jobs).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLRPROBE_WERROR=ON >/dev/null
cmake --build build -j 2
