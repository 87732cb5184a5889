// `clrprobe add -p PID SELECTOR`: adds a probe to a running process.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "cli/budget_options.h"
#include "figures/probes_file.h"

namespace clrprobe::cli {

struct AddOptions {
  pid_t pid = 0;
  std::string selector;
  bool dry_run = false;
  std::optional<int> max_methods;  // the agent's default (100) when absent
  bool json = false;
  std::optional<std::string> kind;  // --kind
  std::optional<int64_t> sample;    // --sample
  BudgetOptions budget;             // --ttl, --max-overhead
};

int add_command(const AddOptions& options);

// What `add` prints for the agent's probe object.
std::string format_added_probe(const figures::ProbeEntry& probe, bool dry_run);

}  // namespace clrprobe::cli
