// The budget part of a probe object (docs/PROTOCOL.md): its state as `list`
// shows it ("expired", "suspended" besides the registry's states) and the
// ttl_ms / max_overhead_pct / expired_unix_ns / suspended fields.
#pragma once

#include <nlohmann/json.hpp>

#include "agent/probe_registry.h"

namespace clrprobe::agent {

// "pending", "active", "removed", "expired" (removed by its ttl) or
// "suspended" (over its overhead budget).
const char* probe_state_text(const Probe& probe);
void add_budget_fields(const Probe& probe, nlohmann::json& object);

}  // namespace clrprobe::agent
