#include "cli/process_match.h"

#include <unistd.h>

#include <fmt/format.h>

#include "cli/process_info.h"
#include "cli/process_scan.h"

namespace clrprobe::cli {
namespace {

std::string file_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string describe_list(const std::vector<NamedProcess>& processes, std::size_t max = 20) {
  std::string out;
  for (std::size_t i = 0; i < processes.size() && i < max; ++i) {
    out += fmt::format("\n  {:>7}  {}", processes[i].pid, processes[i].command);
  }
  if (processes.size() > max) out += fmt::format("\n  ... and {} more", processes.size() - max);
  return out;
}

}  // namespace

std::string entry_assembly(const std::vector<std::string>& arguments) {
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::string base = file_name(arguments[i]);
    if (ends_with(base, ".dll") || ends_with(base, ".exe")) return base.substr(0, base.size() - 4);
  }
  return "";
}

bool process_matches_name(const NamedProcess& process, const std::string& name) {
  if (name.empty()) return false;
  if (process.name == name) return true;
  if (!process.arguments.empty() && file_name(process.arguments.front()) == name) return true;
  return entry_assembly(process.arguments) == name;
}

Result<pid_t> pick_process_by_name(const std::vector<NamedProcess>& candidates, const std::string& name) {
  std::vector<NamedProcess> matches;
  for (const NamedProcess& p : candidates) {
    if (process_matches_name(p, name)) matches.push_back(p);
  }
  if (matches.size() == 1) return matches.front().pid;
  if (matches.empty()) {
    if (candidates.empty()) {
      return make_error(Reason::NotFound, fmt::format("no .NET process named '{}': no .NET process is running "
                                                      "(that you may see)",
                                                      name));
    }
    return make_error(Reason::NotFound,
                      fmt::format("no .NET process named '{}' (process name, program or entry assembly); the .NET "
                                  "processes are:{}",
                                  name, describe_list(candidates)));
  }
  return make_error(Reason::InvalidInput, fmt::format("{} processes are named '{}'; choose one with -p PID:{}",
                                                      matches.size(), name, describe_list(matches)));
}

Result<pid_t> find_process_by_name(const std::string& name) {
  ScanOptions options = default_scan_options();
  ScanResult scan = scan_processes(options);
  std::vector<NamedProcess> candidates;
  for (const ScannedProcess& s : scan.processes) {
    if (s.pid == ::getpid()) continue;
    auto info = read_process_info(s.pid);
    if (!info) continue;
    candidates.push_back({s.pid, info->name, info->arguments, s.command});
  }
  return pick_process_by_name(candidates, name);
}

}  // namespace clrprobe::cli
