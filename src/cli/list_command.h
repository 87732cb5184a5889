// `clrprobe list -p PID`: the probes of a running process, as its agent sees them.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "figures/probes_file.h"

namespace clrprobe::cli {

struct ListOptions {
  pid_t pid = 0;
  bool json = false;
  bool all_methods = false;
};

int list_command(const ListOptions& options);

// A warning when the agent that answered `list` (its reply's "agent" object:
// version, commit) is another build than this CLI; nullopt when they match.
// Agents older than the "agent" field get a warning too.
std::optional<std::string> agent_build_warning(pid_t pid, const nlohmann::json& reply);

// The table `list` prints: one row per probe, its methods (at most
// max_methods, nullopt = all), refused methods and note under it.
std::string format_probe_list(pid_t pid, const std::vector<figures::ProbeEntry>& probes,
                              std::optional<std::size_t> max_methods, std::size_t max_width = 0);

}  // namespace clrprobe::cli
