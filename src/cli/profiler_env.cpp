#include "cli/profiler_env.h"

#include <string_view>

#include "common/agent_clsid.h"

extern char** environ;

namespace clrprobe::cli {
namespace {

std::string_view name_of(std::string_view entry) {
  std::size_t eq = entry.find('=');
  return eq == std::string_view::npos ? entry : entry.substr(0, eq);
}

std::string_view value_of(std::string_view entry) {
  std::size_t eq = entry.find('=');
  return eq == std::string_view::npos ? std::string_view() : entry.substr(eq + 1);
}

}  // namespace

std::vector<EnvVar> profiler_variables(const ProfilerSettings& settings) {
  std::vector<EnvVar> vars = {
      {kEnvEnableProfiling, "1"},
      {kEnvProfiler, kAgentClsid},
      {kEnvProfilerPath, settings.agent_path},
      {kEnvProfilerPath64, settings.agent_path},
      {kEnvProbes, settings.probes},
  };
  if (settings.report_path) vars.emplace_back(kEnvReport, *settings.report_path);
  if (settings.log_path) vars.emplace_back(kEnvLog, *settings.log_path);
  if (settings.probes_file) vars.emplace_back(kEnvProbesFile, *settings.probes_file);
  return vars;
}

ChildEnvironment build_child_environment(const std::vector<std::string>& base,
                                         const ProfilerSettings& settings) {
  std::vector<EnvVar> vars = profiler_variables(settings);
  ChildEnvironment out;
  out.entries.reserve(base.size() + vars.size());
  for (const std::string& entry : base) {
    std::string_view name = name_of(entry);
    bool replaced = false;
    for (const EnvVar& var : vars) {
      if (name != var.first) continue;
      replaced = true;
      if (name == kEnvProfiler && value_of(entry) != var.second && !value_of(entry).empty()) {
        out.warnings.push_back("replacing " + entry +
                               " from the environment: a process has only one profiler");
      }
    }
    if (!replaced) out.entries.push_back(entry);
  }
  for (const EnvVar& var : vars) out.entries.push_back(var.first + "=" + var.second);
  return out;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) out.emplace_back(*e);
  return out;
}

}  // namespace clrprobe::cli
