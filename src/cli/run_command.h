// `clrprobe run`: start a .NET program with the agent loaded and the given
// probes, wait for it, optionally print the report it leaves behind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/budget_options.h"

namespace clrprobe::cli {

struct RunOptions {
  std::vector<std::string> probes;         // --probe, each may hold several ';'-separated selectors
  std::optional<std::string> report_path;  // --report
  std::optional<std::string> log_path;     // --log
  std::optional<std::string> probes_file;  // --probes-file: watched, edits apply live
  std::optional<std::string> agent_path;   // --agent
  bool table = false;                      // --table: print the report when the program exits
  bool all_methods = false;                // --all-methods (with --table)
  std::optional<std::string> kind;         // --kind: for the --probe selectors without a kind= of their own
  std::optional<int64_t> sample;           // --sample
  BudgetOptions budget;                    // --ttl, --max-overhead: for the --probe selectors without their own
  std::vector<std::string> command;        // COMMAND [ARGS...]
};

// Returns the process exit code: the program's, or kExitUsage when the
// arguments are rejected before anything runs.
int run_command(const RunOptions& options);

}  // namespace clrprobe::cli
