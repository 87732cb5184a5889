#include "cli/process_match.h"

#include <unistd.h>

#include <fmt/format.h>

#include "cli/process_info.h"
#include "cli/process_scan.h"
#include "common/proc_files.h"

namespace clrprobe::cli {
namespace {

std::string describe_list(const std::vector<NamedProcess>& processes, std::size_t max = 20) {
  std::string out;
  for (std::size_t i = 0; i < processes.size() && i < max; ++i) {
    out += fmt::format("\n  {:>7}  {}", processes[i].pid, processes[i].command);
  }
  if (processes.size() > max) out += fmt::format("\n  ... and {} more", processes.size() - max);
  return out;
}

}  // namespace

bool process_matches_name(const NamedProcess& process, const std::string& name) {
  if (name.empty()) return false;
  if (process.name == name) return true;
  if (!process.arguments.empty() && proc::file_name(process.arguments.front()) == name) return true;
  return proc::entry_assembly(process.arguments) == name;
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
