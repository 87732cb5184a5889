// What the agent was asked to do, read once from the environment at
// Initialize. `clrprobe run` sets these variables; they are documented in the
// README so they can also be set by hand.
#pragma once

#include <string>
#include <vector>

#include "stats/region_layout.h"

namespace clrprobe::agent {

struct AgentConfig {
  std::string probes;       // CLRPROBE_PROBES: selectors separated by ';'
  std::string report_path;  // CLRPROBE_REPORT: JSON report written at exit
  std::string log_path;     // CLRPROBE_LOG: agent log file
  std::string probes_file;  // CLRPROBE_PROBES_FILE: watched probes file
  std::string stats_dir;    // runtime directory (common/runtime_paths.h)
  // How long ModuleLoadFinished waits for that module's probes to be
  // requested, so that first calls are already instrumented.
  unsigned module_wait_ms = 5000;
  // CLRPROBE_STATS_SLOTS: methods one process can probe in its lifetime
  // (slots are never reused, so removed probes keep their figures). Unused
  // capacity costs address space only.
  uint32_t stats_slots = stats::kDefaultSlotCapacity;

  static AgentConfig from_environment();
};

// Private directory for per-process files (common/runtime_paths.h).
std::string default_stats_dir();

}  // namespace clrprobe::agent
