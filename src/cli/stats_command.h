// `clrprobe stats -p PID`: one snapshot of every probe's figures, read from
// the files beside the stats region (no socket; works after the process
// exited).
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>

#include "cli/method_rows.h"
#include "cli/stats_source.h"

namespace clrprobe::cli {

struct StatsOptions {
  pid_t pid = 0;
  bool json = false;
  bool all_methods = false;
  PerMethodOptions per_method;  // --by-method, --sort, --top
};

int stats_command(const StatsOptions& options);

// The JSON `stats --json` prints: the startup report's schema ({"pid",
// "probes": [...]}, see figures::report_json) plus "stats_file" and "running".
nlohmann::json stats_json(const StatsSource& source, const figures::ProbesFile& probes);

}  // namespace clrprobe::cli
