#include "cli/ps_command.h"

#include <set>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/console.h"
#include "cli/exit_codes.h"
#include "cli/process_scan.h"
#include "cli/text_table.h"

namespace clrprobe::cli {
namespace {

const char* agent_text(AgentStatus status) {
  switch (status) {
    case AgentStatus::Loaded: return "loaded";
    case AgentStatus::LoadedNoFiles: return "loaded*";
    case AgentStatus::NotLoaded: return "no agent";
  }
  return "?";
}

const char* agent_json(AgentStatus status) {
  switch (status) {
    case AgentStatus::Loaded: return "loaded";
    case AgentStatus::LoadedNoFiles: return "loaded_no_files";
    case AgentStatus::NotLoaded: return "none";
  }
  return "?";
}

// Probes not removed (removed ones are in --json and `clrprobe stats`).
std::string probes_text(const ScannedProcess& p) {
  if (!p.probes) return p.agent == AgentStatus::Loaded ? "?" : "";
  return std::to_string(*p.probes);
}

std::string cleanup_summary(const CleanupReport& cleanup) {
  const std::size_t files = cleanup.removed.size();
  const std::size_t pids = std::set<pid_t>(cleanup.pids.begin(), cleanup.pids.end()).size();
  return fmt::format("removed {} stale file{} of {} exited process{}", files, files == 1 ? "" : "s", pids,
                     pids == 1 ? "" : "es");
}

nlohmann::json to_json(const ScanResult& scan) {
  nlohmann::json processes = nlohmann::json::array();
  for (const ScannedProcess& p : scan.processes) {
    nlohmann::json entry = {{"pid", p.pid},         {"uid", p.euid},
                            {"name", p.name},       {"command", p.command},
                            {"agent", agent_json(p.agent)}};
    if (p.agent == AgentStatus::Loaded) entry["runtime_dir"] = p.runtime_dir;
    if (p.probes) entry["probes"] = *p.probes;
    if (p.removed_probes) entry["removed_probes"] = *p.removed_probes;
    processes.push_back(std::move(entry));
  }
  return {{"processes", std::move(processes)},
          {"runtime_dirs", scan.runtime_dirs},
          {"cleaned", scan.cleanup.removed}};
}

}  // namespace

int ps_command(const PsOptions& options) {
  ScanResult scan = scan_processes(default_scan_options());
  for (const std::string& problem : scan.cleanup.problems) complain("warning: {}", problem);

  if (options.json) {
    fmt::print("{}\n", to_json(scan).dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return kExitOk;
  }

  if (scan.processes.empty()) {
    fmt::print("no .NET processes found\n");
  } else {
    TextTable table({{"PID", Align::Right}, {"AGENT", Align::Left}, {"PROBES", Align::Right},
                     {"COMMAND", Align::Left, true}});
    bool footnote = false;
    for (const ScannedProcess& p : scan.processes) {
      footnote = footnote || p.agent == AgentStatus::LoadedNoFiles;
      table.add_row({std::to_string(p.pid), agent_text(p.agent), probes_text(p), p.command});
    }
    fmt::print("{}", table.render(output_width()));
    if (footnote) {
      fmt::print("* agent loaded, but its files are not in {} (started with another CLRPROBE_RUNTIME_DIR, "
                 "or by another user?)\n",
                 fmt::join(scan.runtime_dirs, ", "));
    }
  }
  if (!scan.cleanup.removed.empty()) fmt::print("{}\n", cleanup_summary(scan.cleanup));
  return kExitOk;
}

}  // namespace clrprobe::cli
