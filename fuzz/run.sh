#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, -fsanitize=fuzzer,address,undefined,
# build dir ./build-fuzz) and runs each for a bounded time. Exits non-zero if
# any target crashes, leaks, times out or breaks a property; the offending
# input is saved under build-fuzz/fuzz-work/artifacts/ and its path printed.
#
#   fuzz/run.sh [SECONDS] [TARGET...]   default: 60 s for each of the five targets
#   fuzz/run.sh --seeds                 regenerate fuzz/corpus/ (fuzz/make_seeds.cpp;
#                                       regression-* inputs from past findings are kept)
#
# Environment:
#   FUZZ_BUILD_DIR  build directory (default build-fuzz)
#   FUZZ_WORK       where the growing corpora, artifacts and logs go
#                   (default $FUZZ_BUILD_DIR/fuzz-work; kept between runs, so
#                   each run continues from what earlier runs found)
#   FUZZ_FLAGS      extra libFuzzer flags, e.g. "-jobs=2 -workers=2" (long runs)
#
# The committed seeds in fuzz/corpus/<target>/ are read, never written.
# See fuzz/README.md for the long form and for turning a crash into a test.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(il_body_fuzz signature_fuzz rewrite_fuzz selector_fuzz control_fuzz)
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
work=${FUZZ_WORK:-$build_dir/fuzz-work}

configure_and_build() {
  if ! command -v clang++-14 >/dev/null; then
    echo "fuzz/run.sh: clang++-14 not found (apt-get install clang-14 libclang-rt-14-dev)" >&2
    exit 2
  fi
  if [[ ! -f $build_dir/build.ninja ]]; then
    # Asserts on, -O1 with line tables: fast enough to fuzz, quick to build.
    CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DCLRPROBE_FUZZ=ON -DCLRPROBE_WERROR=ON >/dev/null
  fi
  cmake --build "$build_dir" -j 2 -- "$@"
}

if [[ ${1:-} == --seeds ]]; then
  configure_and_build make_seeds
  # Regression inputs (regression-*, saved from past findings) are kept.
  [[ -d fuzz/corpus ]] && find fuzz/corpus -type f ! -name 'regression-*' -delete
  "$build_dir/bin/make_seeds" fuzz/corpus
  for d in fuzz/corpus/*/; do echo "$d: $(find "$d" -type f | wc -l) seeds"; done
  exit 0
fi

seconds=60
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")

configure_and_build "${targets[@]}"
mkdir -p "$work/artifacts" "$work/logs"

failed=()
for t in "${targets[@]}"; do
  mkdir -p "$work/corpus/$t"
  dict=()
  [[ -f fuzz/dict/$t.dict ]] && dict=(-dict="fuzz/dict/$t.dict")
  log=$work/logs/$t.log
  start=$SECONDS
  # -timeout: one input running 10 s is a hang worth reporting (e.g. a regex
  # that backtracks forever). -rss_limit_mb: an input that makes a parser
  # allocate gigabytes is a finding too. New inputs go to the work corpus
  # (first directory); the committed seeds (second) stay untouched.
  # shellcheck disable=SC2086
  if "$build_dir/bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
      -print_final_stats=1 "${dict[@]}" -artifact_prefix="$work/artifacts/$t-" ${FUZZ_FLAGS:-} \
      "$work/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
    # -a: the log quotes fuzzed bytes, grep must not call it binary.
    runs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -1 || true)
    echo "fuzz: $t ok ($((SECONDS - start)) s, ${runs:-?} runs, ${cov:-cov: ?})"
  else
    echo "fuzz: $t FAILED — log: $log" >&2
    grep -a -E 'ERROR|runtime error|property violated|SUMMARY|Test unit written' "$log" | head -n 8 >&2 || true
    failed+=("$t")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: crashes in: ${failed[*]} (reproduce: $build_dir/bin/TARGET ARTIFACT)" >&2
  exit 1
fi
