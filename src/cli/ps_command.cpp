#include "cli/ps_command.h"

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

std::string exited_summary(const ScanResult& scan) {
  const std::size_t n = scan.exited.size();
  std::string pids;
  for (std::size_t i = 0; i < n && i < 10; ++i) pids += (i == 0 ? "" : ", ") + std::to_string(scan.exited[i]);
  if (n > 10) pids += ", ...";
  return fmt::format(
      "figures of {} exited process{} kept ({}): `clrprobe stats -p PID` reads them, "
      "`clrprobe clean` removes them after the retention period",
      n, n == 1 ? "" : "es", pids);
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
  return {{"processes", std::move(processes)}, {"runtime_dirs", scan.runtime_dirs}, {"exited", scan.exited}};
}

}  // namespace

int ps_command(const PsOptions& options) {
  ScanResult scan = scan_processes(default_scan_options());

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
  if (!scan.exited.empty()) fmt::print("{}\n", exited_summary(scan));
  return kExitOk;
}

}  // namespace clrprobe::cli
