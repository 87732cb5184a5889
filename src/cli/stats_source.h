// The files `stats` and `monitor` read instead of asking the agent: the
// probes file and the stats region of one pid. Works while the process runs
// and after it exited (until `clrprobe clean` removes them, after the retention period).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "figures/probes_file.h"
#include "cli/runtime_files.h"
#include "common/result.h"
#include "stats/stats_reader.h"

namespace clrprobe::cli {

struct StatsSource {
  pid_t pid = 0;
  pid_t ns_pid = 0;  // the pid the agent knows itself by (its namespace's; = pid outside containers)
  RuntimePaths paths;
  std::optional<stats::StatsReader> reader;  // nullopt when the region cannot be read
  std::string reader_problem;                // why, when it cannot
  const stats::StatsReader* region() const { return reader ? &*reader : nullptr; }
  // The writer of the region runs (or, without a region, the process exists).
  bool process_running() const;
};

// NotFound, with a message ready to print, when no file of `pid` exists.
Result<StatsSource> open_stats_source(pid_t pid);

// Reads <pid>.probes.json (errors name the file).
Result<figures::ProbesFile> read_probes(const StatsSource& source);

}  // namespace clrprobe::cli
