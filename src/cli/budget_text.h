// The lines `list` and `stats` print under a probe about its budgets
// (selector/budget.h): "expired at ... (ttl 30s)", "suspended: over budget
// (estimated 7.1 % of one core > 2 %) at ...", "ttl 30s, max overhead 2 %".
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace clrprobe::cli {

// From a probe object (docs/PROTOCOL.md): its ttl_ms, max_overhead_pct,
// expired_unix_ns and suspended fields. Empty without a budget.
std::vector<std::string> budget_notes(const nlohmann::json& probe);

// "2026-12-03 17:56:10 UTC".
std::string format_unix_ns_utc(uint64_t unix_ns);

}  // namespace clrprobe::cli
