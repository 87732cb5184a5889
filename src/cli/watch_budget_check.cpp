#include "cli/watch_budget_check.h"

#include <nlohmann/json.hpp>

#include "cli/agent_request.h"
#include "cli/budget_text.h"
#include "cli/console.h"

namespace clrprobe::cli {

bool WatchBudgetCheck::ended() {
  if (state_ == "expired" || state_ == "suspended") return true;
  const auto now = std::chrono::steady_clock::now();
  if (probe_id_ == 0 || now < next_) return false;
  next_ = now + std::chrono::seconds(1);
  auto reply = request_agent(pid_, {{"op", "list"}});
  if (!reply) return false;  // the process may be exiting: the caller sees that
  auto probes = reply->find("probes");
  if (probes == reply->end() || !probes->is_array()) return false;
  for (const auto& probe : *probes) {
    if (!probe.is_object() || probe.value("id", 0u) != probe_id_) continue;
    state_ = probe.value("state", "");
    if (state_ != "expired" && state_ != "suspended") return false;
    for (const auto& line : budget_notes(probe)) {
      if (line.rfind("budget:", 0) != 0) complain("watch: {}", line);
    }
    return true;
  }
  return false;
}

}  // namespace clrprobe::cli
