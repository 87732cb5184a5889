// The JSON report `clrprobe run --report FILE` writes at exit, which is also what
// `clrprobe stats -p PID --json` prints:
// {"pid": N, "probes": [{"id", "selector", "state", "methods": [...], "calls", "exceptions",
//   "cancelled", "in_flight", "latency_ns": {"p50", "p90", "p99", "max"}}, ...]}; unknown
// fields are kept in `raw`.
// A method is a name, or a probe-object method {"name": ..., "slot": ..., "async": ...}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace clrprobe::itest {

struct Latency {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

struct ProbeReport {
  int64_t id = 0;
  std::string selector;
  std::string state;  // "active", "pending", "removed"; empty when absent
  std::vector<std::string> methods;
  int64_t calls = 0;
  int64_t exceptions = 0;
  // Calls whose task was cancelled / calls not finished yet (tasks still pending); 0 when the
  // field is absent (reports of agents without async measurement).
  int64_t cancelled = 0;
  int64_t in_flight = 0;
  std::optional<Latency> latency;  // absent when "latency_ns" is missing or malformed
  nlohmann::json raw;
};

struct Report {
  int64_t pid = 0;
  std::vector<ProbeReport> probes;
  nlohmann::json raw;
};

// Parses report text; on failure returns nullopt and sets *error.
std::optional<Report> ParseReport(const std::string& text, std::string* error);

// The probe whose "selector" equals `selector`, else nullptr.
const ProbeReport* FindProbe(const Report& report, const std::string& selector);

// The probe with this id, else nullptr.
const ProbeReport* FindProbeById(const Report& report, int64_t id);

}  // namespace clrprobe::itest
