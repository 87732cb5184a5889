// What a probe may cost (issue 15 part 5), given with `--ttl` / `--max-overhead`
// or as `ttl=` / `max_overhead=` words after a declared probe's selector
// (probes files, CLRPROBE_PROBES, `run --probe`):
//   ttl           the probe is removed this long after it was added
//                 ("30s", "5m", "1h", "500ms"; a bare number is seconds)
//   max_overhead  percent of one core (0 < PCT <= 100) the probe's hooks may
//                 use, estimated by the agent as calls/s x per-call cost; a
//                 probe over it is suspended (agent/budget_supervisor.h)
// The agent enforces both on its own: a CLI that died leaves no probe behind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace clrprobe::selector {

// Bounds: a TTL up to 30 days (a longer-lived probe needs none).
inline constexpr uint64_t kMaxTtlMs = 30ull * 24 * 3600 * 1000;
// Watches without --max-overhead get this budget (percent of one core).
inline constexpr double kDefaultWatchOverheadPct = 2.0;

struct Budget {
  std::optional<uint64_t> ttl_ms;
  std::optional<double> max_overhead_pct;

  bool empty() const { return !ttl_ms && !max_overhead_pct; }
  // "" when empty, "ttl=30000ms", "ttl=30000ms max_overhead=2.5".
  std::string suffix() const;
  bool operator==(const Budget&) const = default;
};

// "30s" -> 30000. Refuses negatives, zero, unknown units and text that is
// not a number, with a message that quotes the input.
Result<uint64_t> parse_ttl_ms(std::string_view text);
// "2", "2.5", "2%" -> percent of one core, 0 < PCT <= 100.
Result<double> parse_overhead_pct(std::string_view text);
// For values that arrive as numbers (control messages).
Status check_ttl_ms(int64_t ttl_ms);
Status check_overhead_pct(double pct);

// "1m30s"-free human form for messages: "30s", "5m", "1h", "1500ms".
std::string format_ttl(uint64_t ttl_ms);

}  // namespace clrprobe::selector
