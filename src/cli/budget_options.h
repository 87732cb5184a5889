// `--ttl DURATION` and `--max-overhead PCT` of add, run and watch
// (selector/budget.h), checked before anything changes.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "selector/budget.h"

namespace clrprobe::cli {

struct BudgetOptions {
  std::optional<std::string> ttl;           // --ttl
  std::optional<std::string> max_overhead;  // --max-overhead
  bool given() const { return ttl || max_overhead; }
};

// The budget the options give (fields absent when not given); the message
// names the option: "--ttl '-3s': ...".
Result<selector::Budget> parse_budget_options(const BudgetOptions& options);

}  // namespace clrprobe::cli
