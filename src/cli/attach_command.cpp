#include "cli/attach_command.h"

#include <cmath>

#include <fmt/format.h>

#include "cli/console.h"
#include "cli/exit_codes.h"

namespace clrprobe::cli {
namespace {

std::string agent_version(const AttachOutcome& outcome) {
  if (!outcome.ping.is_object()) return {};
  auto it = outcome.ping.find("agent_version");
  if (it == outcome.ping.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

nlohmann::json attach_outcome_json(const AttachOutcome& outcome) {
  nlohmann::json out = {{"pid", outcome.pid},
                        {"attached", true},
                        {"already_attached", outcome.already_attached},
                        {"control_socket", outcome.control_socket}};
  if (outcome.ns_pid != 0 && outcome.ns_pid != outcome.pid) out["ns_pid"] = outcome.ns_pid;
  if (!outcome.already_attached) {
    out["agent"] = outcome.agent_path;
    if (!outcome.agent_copied_to.empty()) out["agent_copied_to"] = outcome.agent_copied_to;
    out["diagnostics_socket"] = outcome.diagnostics_socket;
    out["attach_ms"] = outcome.attach_time.count();
    out["ready_ms"] = outcome.ready_time.count();
  }
  if (std::string version = agent_version(outcome); !version.empty()) out["agent_version"] = version;
  return out;
}

std::string format_attach_outcome(const AttachOutcome& outcome) {
  std::string out;
  const std::string version = agent_version(outcome);
  if (outcome.already_attached) {
    out += fmt::format("clrprobe is already attached to process {}\n", outcome.pid);
  } else {
    out += fmt::format("attached to process {} in {} ms\n", outcome.pid, outcome.ready_time.count());
    out += fmt::format("  agent:          {}{}\n", outcome.agent_path,
                       version.empty() ? "" : " (version " + version + ")");
    if (!outcome.agent_copied_to.empty()) {
      out += fmt::format("  (copied into the process's filesystem: {})\n", outcome.agent_copied_to);
    }
  }
  out += fmt::format("  control socket: {}\n", outcome.control_socket);
  return out;
}

int attach_command(const AttachCommandOptions& options) {
  AttachOptions attach;
  attach.agent_path = options.agent_path;
  attach.timeout = std::chrono::milliseconds(static_cast<long long>(std::llround(options.timeout_seconds * 1000.0)));
  attach.log_path = options.log_path;
  auto outcome = ensure_agent(options.pid, attach);
  if (!outcome) {
    complain("{}", outcome.error().message);
    return kExitFailure;
  }
  if (options.json) {
    fmt::print("{}\n", attach_outcome_json(*outcome).dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    fmt::print("{}", format_attach_outcome(*outcome));
  }
  return kExitOk;
}

}  // namespace clrprobe::cli
