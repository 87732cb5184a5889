#include "cli/budget_options.h"

namespace clrprobe::cli {

Result<selector::Budget> parse_budget_options(const BudgetOptions& options) {
  selector::Budget budget;
  if (options.ttl) {
    auto ms = selector::parse_ttl_ms(*options.ttl);
    if (!ms) return make_error(Reason::InvalidInput, "--" + ms.error().message);
    budget.ttl_ms = *ms;
  }
  if (options.max_overhead) {
    auto pct = selector::parse_overhead_pct(*options.max_overhead);
    if (!pct) return make_error(Reason::InvalidInput, "--max-overhead: " + pct.error().message);
    budget.max_overhead_pct = *pct;
  }
  return budget;
}

}  // namespace clrprobe::cli
