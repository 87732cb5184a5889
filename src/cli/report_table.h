// Human-readable rendering of the JSON report the agent writes at exit
// (CLRPROBE_REPORT). Expected shape, every field optional:
//   {"pid": N, "stats_file": "...",
//    "probes": [{"id": N, "selector": "...", "methods": ["Ns.T::M(sig)", ...],
//                "calls": N, "exceptions": N, "cancelled": N, "in_flight": N,
//                "latency_ns": {"p50": x, "p90": x, "p99": x, "max": x},
//                "refused": [{"method": "...", "reason": "..."}],
//                "state": "active"|"pending"|"removed"
//                (older reports: "pending": bool, "removed": bool), ...}]}
// Missing or mistyped fields print as "-" rather than failing; unknown
// fields are ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace clrprobe::cli {

struct TableOptions {
  // Matched methods listed per probe; nullopt lists all of them.
  std::optional<std::size_t> max_methods = 20;
  // A STATE column (active/pending/removed) instead of state notes.
  bool state_column = false;
  // Replaces the first line ("clrprobe report for pid N: K probes").
  std::optional<std::string> heading;
  // Terminal columns to fit in (selector and notes are shortened); 0 = no limit.
  std::size_t max_width = 0;
};

// Reads and parses a report file. Errors: Reason::Io (cannot read),
// Reason::InvalidInput (not JSON, or not a JSON object).
Result<nlohmann::json> load_report(const std::string& path);

std::string format_report_table(const nlohmann::json& report, const TableOptions& options = {});

// 850 -> "850 ns", 1234 -> "1.23 µs", 12345678 -> "12.3 ms", 2.5e9 -> "2.50 s";
// three significant digits. Negative or non-finite -> "-".
std::string format_duration_ns(double ns);

// 1234567 -> "1,234,567".
std::string format_count(std::uint64_t n);

// Terminal columns of a UTF-8 string (one per code point; good enough for
// the names and units printed here).
std::size_t display_width(std::string_view utf8);

}  // namespace clrprobe::cli
