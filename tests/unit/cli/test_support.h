// Shared helpers for the CLI tests: temporary runtime directories, stats
// regions with figures written directly into their counters (exact, unlike
// timed hits), and running the clrprobe binary.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/region_layout.h"
#include "stats/stats_reader.h"
#include "stats/stats_region.h"
#include "support/fake_stats_region.h"
#include "support/temp_dir.h"

namespace clrprobe::cli::testing {

// A private (0700) directory under $TMPDIR or /tmp, removed with its content.
class TempDir : public clrprobe::test_support::TempDir {
 public:
  TempDir() : clrprobe::test_support::TempDir("clrprobe-cli-test") {}
};

// Sets an environment variable for the scope (restores the old value).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value);
  ~ScopedEnv();

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// A stats region (file-backed at `path`, or anonymous) whose counters the
// test writes directly. Monotonic clock: ticks are ns.
using FakeRegion = clrprobe::test_support::FakeStatsRegion;

// A method entry of a probe object.
nlohmann::json method_json(const std::string& name, int32_t slot, uint64_t baseline_calls = 0,
                           uint64_t baseline_exceptions = 0, uint64_t baseline_cancelled = 0);

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the clrprobe binary with `args` (environment inherited), stdin from
// /dev/null, killed after `timeout_s`.
CliRun run_cli(const std::vector<std::string>& args, int timeout_s = 30);

// A pid that no process has (a child that was started and reaped).
pid_t dead_pid();

}  // namespace clrprobe::cli::testing
