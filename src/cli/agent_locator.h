// Finds libclrprobe.so, the agent the runtime loads via CORECLR_PROFILER_PATH.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common/result.h"

namespace clrprobe::cli {

inline constexpr char kAgentFileName[] = "libclrprobe.so";
inline constexpr char kAgentEnvVar[] = "CLRPROBE_AGENT";

struct AgentSearch {
  std::optional<std::string> flag;  // --agent PATH
  std::optional<std::string> env;   // CLRPROBE_AGENT (ignored when empty)
  std::filesystem::path self_exe;   // absolute path of the running clrprobe
};

// The first of: --agent, CLRPROBE_AGENT, <exe dir>/../lib/libclrprobe.so
// (build tree), <exe dir>/../lib/clrprobe/libclrprobe.so (installed or
// unpacked package), <exe dir>/libclrprobe.so. An explicit choice (flag or env) is never
// second-guessed: if it does not name a readable file, that is the error.
// Returns an absolute, normalized path of an existing regular file.
Result<std::filesystem::path> locate_agent(const AgentSearch& search);

// Absolute path of the running executable (/proc/self/exe).
Result<std::filesystem::path> current_executable();

}  // namespace clrprobe::cli
