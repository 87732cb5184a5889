// `clrprobe attach -p PID`: loads the agent into a running .NET process that
// was started without clrprobe (diagnostics IPC AttachProfiler; the work is
// in attach.h). Afterwards add/list/remove/stats/monitor work on it as on a
// process started with `clrprobe run`.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "cli/attach.h"

namespace clrprobe::cli {

struct AttachCommandOptions {
  pid_t pid = 0;
  std::optional<std::string> agent_path;  // --agent
  double timeout_seconds = 10.0;          // --timeout
  std::string log_path;                   // --log
  bool json = false;                      // --json
};

// Exit status: 0 attached (or already attached), 1 failure.
int attach_command(const AttachCommandOptions& options);

// What `attach --json` prints for an outcome.
nlohmann::json attach_outcome_json(const AttachOutcome& outcome);

// What `attach` prints for an outcome (the first line is
// "attached to process N in X ms" or "clrprobe is already attached to process N").
std::string format_attach_outcome(const AttachOutcome& outcome);

}  // namespace clrprobe::cli
