#include "cli/add_command.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/agent_request.h"
#include "cli/attach.h"
#include "cli/console.h"
#include "cli/exit_codes.h"
#include "selector/probe_kind.h"

namespace clrprobe::cli {
namespace {

std::string plural(std::size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace

std::string format_added_probe(const figures::ProbeEntry& probe, bool dry_run) {
  std::string out;
  if (dry_run) {
    out += fmt::format("dry run: '{}' would probe {} (nothing was changed)\n", probe.selector,
                       plural(probe.methods.size(), "method"));
  } else {
    out += fmt::format("probe {} added ({}): {}\n", probe.id, probe.state, probe.selector);
    if (!probe.methods.empty()) out += fmt::format("  {}:\n", plural(probe.methods.size(), "method"));
  }
  for (const auto& m : probe.methods) out += fmt::format("    {}{}\n", m.name, m.async ? "  (async)" : "");
  if (!probe.refused.empty()) {
    out += fmt::format("  refused {}:\n", plural(probe.refused.size(), "method"));
    for (const auto& r : probe.refused) {
      out += fmt::format("    {}{}\n", r.method, r.reason.empty() ? "" : ": " + r.reason);
    }
  }
  if (probe.pending()) {
    out += "  pending: " +
           (probe.note.empty() ? std::string("no loaded assembly matches yet; the probe applies when one loads")
                               : probe.note) +
           "\n";
  } else if (!probe.note.empty()) {
    out += "  note: " + probe.note + "\n";
  }
  return out;
}

int add_command(const AddOptions& options) {
  // SELECTOR may end in kind=/sample= words (as in a probes file), or the
  // kind comes from --kind/--sample: not both.
  auto parsed = selector::parse_declared_probe(options.selector);
  if (!parsed) {
    complain("add: invalid selector: {}", parsed.error().message);
    return kExitUsage;
  }
  selector::KindSpec kind = parsed->kind;
  if (options.kind || options.sample) {
    if (parsed->kind_given) {
      complain("add: the selector already says its kind; drop --kind/--sample or the kind= words");
      return kExitUsage;
    }
    auto spec = selector::make_kind_spec(options.kind, options.sample);
    if (!spec) {
      complain("add: {}", spec.error().message);
      return kExitUsage;
    }
    kind = *spec;
  }
  // Budgets likewise: ttl=/max_overhead= words or --ttl/--max-overhead.
  auto flags = parse_budget_options(options.budget);
  if (!flags) {
    complain("add: {}", flags.error().message);
    return kExitUsage;
  }
  selector::Budget budget = parsed->budget;
  if (options.budget.given()) {
    if (!parsed->budget.empty()) {
      complain("add: the selector already says its budget; drop --ttl/--max-overhead or the ttl=/max_overhead= words");
      return kExitUsage;
    }
    budget = *flags;
  }
  nlohmann::json request = {{"op", "add"}, {"selector", parsed->selector.text()}, {"dry_run", options.dry_run}};
  if (budget.ttl_ms) request["ttl_ms"] = *budget.ttl_ms;
  if (budget.max_overhead_pct) request["max_overhead_pct"] = *budget.max_overhead_pct;
  if (kind.kind != selector::ProbeKind::Full) request["kind"] = selector::probe_kind_name(kind.kind);
  if (kind.kind == selector::ProbeKind::Sampled) request["sample"] = kind.sample;
  if (options.max_methods) request["max_methods"] = *options.max_methods;

  // A process without the agent gets it first (attach), unless this is a
  // dry run: previewing must not change the process.
  auto agent = locate_agent_socket(options.pid);
  if (!agent && agent.error().reason == Reason::Unsupported && !options.dry_run) {
    auto attached = ensure_agent(options.pid, AttachOptions{});
    if (!attached) {
      complain("{}", attached.error().message);
      return kExitFailure;
    }
    if (!attached->already_attached) {
      complain("process {} had no clrprobe agent: attached it in {} ms", options.pid, attached->ready_time.count());
    }
    agent = locate_agent_socket(options.pid);
  }
  if (!agent) {
    complain("{}", agent.error().message);
    return kExitFailure;
  }
  auto response = request_agent(*agent, request);
  if (!response) {
    complain("{}", response.error().message);
    return kExitFailure;
  }
  auto probe_json = response->find("probe");
  if (probe_json == response->end()) {
    complain("add: the agent's reply has no probe: {}", response->dump());
    return kExitFailure;
  }
  auto probe = figures::parse_probe_object(*probe_json);
  if (!probe) {
    complain("add: unexpected reply from the agent: {}", probe.error().message);
    return kExitFailure;
  }
  if (options.json) {
    fmt::print("{}\n", without_ok(std::move(*response)).dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    fmt::print("{}", format_added_probe(*probe, options.dry_run));
  }
  return kExitOk;
}

}  // namespace clrprobe::cli
