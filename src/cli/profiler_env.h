// The environment contract between `clrprobe run` and the agent.
//
// Set in the child (replacing inherited values):
//   CORECLR_ENABLE_PROFILING=1
//   CORECLR_PROFILER={8f4e8a5c-3b6d-4c1e-9a77-5d2c1b0e9f31}    (kAgentClsid)
//   CORECLR_PROFILER_PATH=<absolute path of libclrprobe.so>
//   CORECLR_PROFILER_PATH_64=<same>   (the runtime prefers the bitness-specific name)
//   CLRPROBE_PROBES=<selectors joined by ';'>   (always set, possibly empty)
//   CLRPROBE_REPORT=<absolute path>   only with --report (or --table)
//   CLRPROBE_LOG=<absolute path>      only with --log
// Everything else, including CLRPROBE_REPORT / CLRPROBE_LOG when their flag
// is absent, is inherited unchanged.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace clrprobe::cli {

inline constexpr char kEnvEnableProfiling[] = "CORECLR_ENABLE_PROFILING";
inline constexpr char kEnvProfiler[] = "CORECLR_PROFILER";
inline constexpr char kEnvProfilerPath[] = "CORECLR_PROFILER_PATH";
inline constexpr char kEnvProfilerPath64[] = "CORECLR_PROFILER_PATH_64";
inline constexpr char kEnvProbes[] = "CLRPROBE_PROBES";
inline constexpr char kEnvReport[] = "CLRPROBE_REPORT";
inline constexpr char kEnvProbesFile[] = "CLRPROBE_PROBES_FILE";
inline constexpr char kEnvLog[] = "CLRPROBE_LOG";

struct ProfilerSettings {
  std::string agent_path;                  // absolute
  std::string probes;                      // selectors joined by ';'
  std::optional<std::string> report_path;  // absolute
  std::optional<std::string> log_path;     // absolute
  std::optional<std::string> probes_file;  // absolute (--probes-file)
};

using EnvVar = std::pair<std::string, std::string>;

// The variables clrprobe sets, in a stable order.
std::vector<EnvVar> profiler_variables(const ProfilerSettings& settings);

struct ChildEnvironment {
  std::vector<std::string> entries;   // "NAME=value", ready for execve
  std::vector<std::string> warnings;  // e.g. another profiler was configured
};

// `base` ("NAME=value" entries) with the profiler variables set.
ChildEnvironment build_child_environment(const std::vector<std::string>& base,
                                         const ProfilerSettings& settings);

// This process's environment as "NAME=value" entries.
std::vector<std::string> current_environment();

}  // namespace clrprobe::cli
