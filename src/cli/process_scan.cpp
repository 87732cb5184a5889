#include "cli/process_scan.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>
#include <string_view>

#include "figures/probes_file.h"
#include "cli/process_info.h"
#include "cli/process_view.h"
#include "common/proc_files.h"
#include "cli/runtime_files.h"
#include "stats/stats_reader.h"

namespace clrprobe::cli {
namespace {

std::optional<pid_t> to_pid(std::string_view digits) {
  if (digits.empty() || digits.size() > 10) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || p != digits.data() + digits.size() || v <= 0 || v > INT32_MAX) return std::nullopt;
  return static_cast<pid_t>(v);
}

bool stats_region_is_live(const std::string& path, pid_t pid) {
  auto reader = stats::StatsReader::open(path);
  return reader && reader->info().pid == pid && reader->writer_alive();
}

// The region was written by an earlier process with the same pid.
bool stats_region_of_another(const std::string& path, const ProcessInfo& info) {
  auto reader = stats::StatsReader::open(path);
  return reader && reader->info().pid == info.pid && reader->info().process_start_jiffies != 0 &&
         reader->info().process_start_jiffies != info.start_jiffies;
}

void count_probes(const std::string& path, ScannedProcess& process) {
  auto file = figures::read_probes_file(path);
  if (!file) return;
  int live = 0;
  int removed = 0;
  for (const auto& probe : file->probes) (probe.removed() ? removed : live) += 1;
  process.probes = live;
  process.removed_probes = removed;
}

ScannedProcess describe(const ProcessInfo& info) {
  ScannedProcess p;
  p.pid = info.pid;
  p.euid = info.euid;
  p.name = info.name;
  p.command = process_display(info);
  return p;
}

}  // namespace

std::vector<pid_t> diagnostic_socket_pids(const std::string& dir) {
  std::vector<pid_t> pids;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return pids;
  constexpr std::string_view kPrefix = "dotnet-diagnostic-";
  constexpr std::string_view kSuffix = "-socket";
  while (const dirent* entry = ::readdir(d)) {
    std::string_view name = entry->d_name;
    if (name.size() <= kPrefix.size() + kSuffix.size() || name.substr(0, kPrefix.size()) != kPrefix ||
        name.substr(name.size() - kSuffix.size()) != kSuffix) {
      continue;
    }
    std::string_view rest = name.substr(kPrefix.size());
    if (auto pid = to_pid(rest.substr(0, rest.find('-')))) pids.push_back(*pid);
  }
  ::closedir(d);
  return pids;
}

ScanOptions default_scan_options() {
  ScanOptions options;
  options.runtime_dirs = runtime_dirs_to_scan();
  if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') {
    options.diagnostic_dirs.push_back(tmp);
  }
  if (std::find(options.diagnostic_dirs.begin(), options.diagnostic_dirs.end(), "/tmp") ==
      options.diagnostic_dirs.end()) {
    options.diagnostic_dirs.push_back("/tmp");
  }
  return options;
}

ScanResult scan_processes(const ScanOptions& options) {
  ScanResult result;
  result.runtime_dirs = options.runtime_dirs;
  const uid_t self_euid = ::geteuid();
  const pid_t self = ::getpid();

  // 1. Runtime directories: the processes whose files are there.
  std::map<pid_t, ScannedProcess> found;
  std::set<pid_t> exited;
  for (const std::string& dir : options.runtime_dirs) {
    std::set<pid_t> pids;
    for (const RuntimeFile& f : list_runtime_files(dir)) pids.insert(f.pid);
    for (pid_t pid : pids) {
      if (found.count(pid) != 0) continue;
      RuntimePaths paths = runtime_paths(dir, pid);
      auto info = read_process_info(pid);
      const bool live = info && (stats_region_is_live(paths.stats, pid) ||
                                 (path_exists(paths.socket) && !stats_region_of_another(paths.stats, *info)));
      if (!live) {
        if (path_exists(paths.stats) || path_exists(paths.probes)) exited.insert(pid);
        continue;
      }
      ScannedProcess p = describe(*info);
      p.agent = AgentStatus::Loaded;
      p.runtime_dir = dir;
      count_probes(paths.probes, p);
      found.emplace(pid, std::move(p));
    }
  }
  for (pid_t pid : exited) {
    if (found.count(pid) == 0) result.exited.push_back(pid);
  }

  // 2. Every other process: .NET or not?
  std::set<pid_t> diagnostic;
  for (const std::string& dir : options.diagnostic_dirs) {
    for (pid_t pid : diagnostic_socket_pids(dir)) diagnostic.insert(pid);
  }
  for (pid_t pid : proc::all_pids()) {
    if (pid == self || found.count(pid) != 0) continue;
    auto info = read_process_info(pid);
    if (!info) continue;
    if (self_euid != 0 && info->euid != self_euid) continue;
    auto maps = mapped_libraries(pid);
    const bool dotnet = (maps && (maps->coreclr || maps->agent)) || diagnostic.count(pid) != 0;
    if (!dotnet) continue;
    ScannedProcess p = describe(*info);
    p.agent = maps && maps->agent ? AgentStatus::LoadedNoFiles : AgentStatus::NotLoaded;
    // In a container, its agent's files are in its own runtime directory.
    if (p.agent == AgentStatus::LoadedNoFiles) {
      if (auto view = view_process(pid); view && view->in_container()) {
        RuntimePaths paths = agent_runtime_paths(*view);
        if (path_exists(paths.socket) || path_exists(paths.stats)) {
          p.agent = AgentStatus::Loaded;
          p.runtime_dir = paths.dir;
          count_probes(paths.probes, p);
        }
      }
    }
    found.emplace(pid, std::move(p));
  }

  for (auto& [pid, p] : found) result.processes.push_back(std::move(p));
  return result;
}

}  // namespace clrprobe::cli
