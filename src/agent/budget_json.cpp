#include "agent/budget_json.h"

namespace clrprobe::agent {

const char* probe_state_text(const Probe& probe) {
  if (probe.state == ProbeState::Removed) return probe.expired ? "expired" : "removed";
  if (probe.suspended) return "suspended";
  return probe_state_name(probe.state);
}

void add_budget_fields(const Probe& probe, nlohmann::json& object) {
  if (probe.budget.ttl_ms) {
    object["ttl_ms"] = *probe.budget.ttl_ms;
    if (probe.added_unix_ns != 0) object["expires_unix_ns"] = probe.added_unix_ns + *probe.budget.ttl_ms * 1'000'000;
  }
  if (probe.budget.max_overhead_pct) object["max_overhead_pct"] = *probe.budget.max_overhead_pct;
  if (probe.watch) object["watch"] = true;
  if (probe.expired) object["expired_unix_ns"] = probe.ended_unix_ns;
  if (probe.suspended) {
    object["suspended"] = {{"reason", "over budget"},
                           {"estimate_pct", probe.suspended_estimate_pct},
                           {"max_overhead_pct", probe.budget.max_overhead_pct.value_or(0)},
                           {"unix_ns", probe.ended_unix_ns}};
    object["note"] =
        "over its overhead budget: its methods are disarmed unless another probe uses them, its figures frozen; "
        "remove it, or add it again (a new probe) to re-enable";
  }
}

}  // namespace clrprobe::agent
