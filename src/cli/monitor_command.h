// `clrprobe monitor -p PID`: a live table of the probes' figures, refreshed
// every interval, in the manner of `dotnet-counters monitor` (see
// monitor_view.h for what the columns mean). Ends on Ctrl-C or when the
// process exits (then prints its final figures); both exit 0.
#pragma once

#include <sys/types.h>

#include <optional>

#include "cli/method_rows.h"

namespace clrprobe::cli {

struct MonitorOptions {
  pid_t pid = 0;
  double interval_seconds = 1.0;
  bool cumulative = false;     // latencies since attach instead of per interval
  std::optional<int> count;    // stop after this many refreshes
  bool json = false;           // one JSON object per refresh (NDJSON)
  PerMethodOptions per_method;  // --by-method, --sort, --top
};

int monitor_command(const MonitorOptions& options);

}  // namespace clrprobe::cli
