#include "cli/list_command.h"

#include "common/build_info.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/agent_request.h"
#include "cli/budget_text.h"
#include "cli/console.h"
#include "cli/exit_codes.h"
#include "cli/text_table.h"

namespace clrprobe::cli {

std::string format_probe_list(pid_t pid, const std::vector<figures::ProbeEntry>& probes,
                              std::optional<std::size_t> max_methods, std::size_t max_width) {
  std::string out = fmt::format("pid {}: {} probe{}\n", pid, probes.size(), probes.size() == 1 ? "" : "s");
  if (probes.empty()) return out;
  out += "\n";
  TextTable table({{"ID", Align::Right},
                   {"STATE", Align::Left},
                   {"METHODS", Align::Right},
                   {"REFUSED", Align::Right},
                   {"SELECTOR", Align::Left, true}});
  for (const auto& probe : probes) {
    std::vector<std::string> notes;
    const std::size_t limit = max_methods.value_or(probe.methods.size());
    for (std::size_t i = 0; i < probe.methods.size() && i < limit; ++i) {
      const auto& m = probe.methods[i];
      notes.push_back(
          m.name + (m.async ? "  (async)" : "") +
          (m.instrumentation == "disarmed" || m.instrumentation == "reverted" ? "  (" + m.instrumentation + ")" : ""));
    }
    if (probe.methods.size() > limit) {
      const std::size_t more = probe.methods.size() - limit;
      notes.push_back(fmt::format("... and {} more method{} (--all-methods lists them)", more, more == 1 ? "" : "s"));
    }
    for (const auto& r : probe.refused) {
      notes.push_back("refused: " + r.method + (r.reason.empty() ? "" : " (" + r.reason + ")"));
    }
    if (!probe.note.empty()) notes.push_back("note: " + probe.note);
    for (auto& line : budget_notes(figures::probe_object_json(probe))) notes.push_back(std::move(line));
    if (probe.disarmed != 0) {
      notes.push_back(
          fmt::format("{} method{} disarmed: code kept, hooks off (re-adding re-arms; remove --revert "
                      "restores the original code)",
                      probe.disarmed, probe.disarmed == 1 ? "" : "s"));
    }
    std::string selector = probe.selector;
    if (probe.kind == "count") selector += "  [count]";
    if (probe.kind == "sampled") selector += fmt::format("  [sampled 1/{}]", probe.sample);
    table.add_row({std::to_string(probe.id), probe.state, std::to_string(probe.methods.size()),
                   std::to_string(probe.refused.size()), selector},
                  std::move(notes));
  }
  return out + table.render(max_width);
}

std::optional<std::string> agent_build_warning(pid_t pid, const nlohmann::json& reply) {
  const auto agent = reply.find("agent");
  if (agent == reply.end() || !agent->is_object()) {
    return fmt::format("warning: the agent in pid {} predates build reporting; this CLI is clrprobe {} (commit {})",
                       pid, build_version(), build_commit());
  }
  const std::string version = agent->value("version", std::string("?"));
  const std::string commit = agent->value("commit", std::string("?"));
  if (version == build_version() && commit == build_commit()) return std::nullopt;
  return fmt::format("warning: the agent in pid {} is clrprobe {} (commit {}); this CLI is clrprobe {} (commit {})",
                     pid, version, commit, build_version(), build_commit());
}

int list_command(const ListOptions& options) {
  auto response = request_agent(options.pid, {{"op", "list"}});
  if (!response) {
    complain("{}", response.error().message);
    return kExitFailure;
  }
  // On stderr: stdout stays the reply (--json) or the table.
  if (auto warning = agent_build_warning(options.pid, *response)) complain("{}", *warning);
  if (options.json) {
    fmt::print("{}\n", without_ok(std::move(*response)).dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return kExitOk;
  }
  std::vector<figures::ProbeEntry> probes;
  if (auto it = response->find("probes"); it != response->end() && it->is_array()) {
    for (const auto& object : *it) {
      auto probe = figures::parse_probe_object(object);
      if (!probe) {
        complain("list: unexpected reply from the agent: {}", probe.error().message);
        return kExitFailure;
      }
      probes.push_back(std::move(*probe));
    }
  }
  std::optional<std::size_t> max_methods = 20;
  if (options.all_methods) max_methods.reset();
  fmt::print("{}", format_probe_list(options.pid, probes, max_methods, output_width()));
  return kExitOk;
}

}  // namespace clrprobe::cli
