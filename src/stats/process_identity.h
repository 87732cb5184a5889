// Who wrote a region: pid plus the process start time, so a reader can tell
// a live writer from a recycled pid.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace clrprobe::stats {

struct ProcessIdentity {
  int32_t pid = 0;
  uint64_t start_jiffies = 0;   // /proc/<pid>/stat field 22 (clock ticks since boot)
  uint64_t start_unix_ns = 0;   // the same instant on the wall clock
};

// Reads /proc/<pid>/stat and /proc/stat. NotFound when the process is gone.
Result<ProcessIdentity> process_identity(int32_t pid);

// Field 22 of a /proc/<pid>/stat line (the comm field may hold spaces and ')').
Result<uint64_t> parse_stat_start_jiffies(std::string_view stat_line);

}  // namespace clrprobe::stats
