// `clrprobe watch -p PID SELECTOR [--args] [--return] [--when EXPR] ...`:
// instruments the selected methods with the watch hooks, prints one event
// per captured call until --count events or --duration, or Ctrl-C, then
// removes its instrumentation (docs/DESIGN.md, "Watch").
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "cli/budget_options.h"
#include "common/result.h"

namespace clrprobe::cli {

struct WatchCommandOptions {
  pid_t pid = 0;
  std::string selector;
  bool args = false;
  bool return_value = false;
  bool exception = false;  // always reported; accepted for symmetry with the examples
  bool stack = false;      // the managed callers of each event (up to 32, innermost first)
  std::string when;        // the condition; empty: every call
  int count = 10;
  std::string duration = "60s";
  std::string rate = "50";
  std::optional<int> max_methods;
  bool json = false;
  BudgetOptions budget;  // --ttl, --max-overhead (default 2 % of one core)
};

int watch_command(const WatchCommandOptions& options);

// "60s", "1.5m", "500ms", "2h", "90" (seconds) -> milliseconds.
Result<long long> parse_duration_ms(const std::string& text);
// "50", "50/s" -> 50 (1..100000).
Result<int> parse_rate(const std::string& text);
// The condition refused with a caret under the column the error names.
std::string condition_error_text(const std::string& condition, const std::string& message);

}  // namespace clrprobe::cli
