// The probe objects of docs/PROTOCOL.md as the CLI reads them: from the
// `<pid>.probes.json` file beside the stats region, or from a control reply
// (`add`, `list`). Parsing is tolerant of missing optional fields and strict
// about the ones figures depend on (id, slot numbers, baselines).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace clrprobe::figures {

struct LatencyNs {
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
};

// Figures frozen by the agent when a probe was removed ("final").
// Fields an older agent did not write read as 0.
struct FinalFigures {
  uint64_t calls = 0;
  uint64_t exceptions = 0;
  uint64_t cancelled = 0;
  uint64_t in_flight = 0;  // calls unfinished when the probe was removed
  LatencyNs latency;
};

struct MethodRef {
  std::string name;             // "Ns.Type::Method(int32)"
  int32_t slot = -1;            // stats slot; -1 when the method has none (yet)
  bool async = false;
  // false for a count-only probe (calls counted at entry, no latency and no
  // exceptions): such a slot has no calls in flight.
  bool timed = true;
  std::string measures;          // the agent's label when not a plain call, e.g. "calls only (tail calls)"
  std::string kind;              // "full", "count", "sampled" (the method's code); empty from older agents
  // "armed", "disarmed" (its probes removed: code kept, hooks off),
  // "reverted" (original code back), "pending"; empty from older agents.
  std::string instrumentation;
  uint64_t self_tail_calls = 0;  // self-recursive calls in tail position run inside a full probe's try
  // The slot's counters when this probe attached: a method shared with an
  // earlier probe counts, for this probe, from the probe's own start.
  uint64_t baseline_calls = 0;
  uint64_t baseline_exceptions = 0;
  uint64_t baseline_cancelled = 0;  // absent in older files: 0
};

struct RefusedMethod {
  std::string method;
  std::string reason;
};

struct ProbeEntry {
  int64_t id = 0;                // 0 for a dry run
  std::string selector;
  // "active", "pending", "removed", "expired" (removed by its ttl) or
  // "suspended" (over its overhead budget), as the agent wrote it.
  std::string state = "active";
  std::vector<MethodRef> methods;
  std::vector<RefusedMethod> refused;
  std::string note;
  std::string kind = "full";  // what the probe asked for: "full", "count", "sampled"
  uint64_t sample = 0;        // sampled: one call in `sample` timed per thread
  uint64_t disarmed = 0;      // its methods now disarmed
  std::optional<FinalFigures> final_figures;
  // When the probe was added (CLOCK_REALTIME ns): the start of its
  // cumulative figures. 0 when the agent did not write it (older agents).
  uint64_t added_unix_ns = 0;
  // Budgets (selector/budget.h); 0 = none / not applicable.
  uint64_t ttl_ms = 0;
  double max_overhead_pct = 0;
  uint64_t expired_unix_ns = 0;       // expired: when
  double suspended_estimate_pct = 0;  // suspended: the estimate over the budget
  uint64_t suspended_unix_ns = 0;     // suspended: when

  bool removed() const { return state == "removed" || state == "expired"; }
  bool suspended() const { return state == "suspended"; }
  // Its figures no longer grow: read "final".
  bool frozen() const { return removed() || suspended(); }
  bool pending() const { return state == "pending"; }
};

struct ProbesFile {
  int32_t pid = 0;
  std::vector<ProbeEntry> probes;
};

// One probe object. InvalidInput when it is not an object, has no integer
// id, or has a mistyped slot/baseline.
Result<ProbeEntry> parse_probe_object(const nlohmann::json& object);

// {"pid": N, "probes": [probe objects]}. A missing "probes" is an empty list.
Result<ProbesFile> parse_probes_file(const nlohmann::json& document);

// Reads and parses a probes file: NotFound when it does not exist, Io when it
// cannot be read, InvalidInput when it is not valid.
Result<ProbesFile> read_probes_file(const std::string& path);

// The probe object again (id, selector, state, methods with name/slot/async/
// timed/measures/self_tail_calls/baseline, refused, note, final), as the agent writes it.
nlohmann::json probe_object_json(const ProbeEntry& probe);

}  // namespace clrprobe::figures
