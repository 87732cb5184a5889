#!/usr/bin/env bash
# Installs what building and testing clrprobe needs on a fresh Debian 12
# machine (as root). The .NET 10 SDK is expected on PATH (`dotnet`).
set -euo pipefail

# binutils: readelf/objdump for the package tests; dpkg-dev: dpkg-shlibdeps for the .deb (scripts/package.sh).
# zlib1g-dev: gzip for OTLP pushes; protobuf-compiler: the export tests decode OTLP protobuf with protoc.
packages=(cmake ninja-build g++ binutils dpkg-dev pkg-config nlohmann-json3-dev libcli11-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcpp-httplib-dev libcurl4-openssl-dev zlib1g-dev prometheus protobuf-compiler python3)
# python3: tests/docs (the tests the documents name exist) and bench/.
# Hardening (scripts/hardening.sh): clang-14 with the libFuzzer and sanitizer runtimes.
packages+=(clang-14 libclang-rt-14-dev)
# Formatting of changed lines (scripts/check-format.sh): clang-format-14 with git-clang-format-14.
packages+=(clang-format-14)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v dotnet >/dev/null; then
  echo "error: the .NET 10 SDK (dotnet) is required on PATH" >&2
  exit 1
fi
