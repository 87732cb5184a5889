// While `watch` prints events, its probe may end in the agent: its --ttl
// expired, or it went over its --max-overhead budget and was suspended
// (agent/budget_supervisor.h). The CLI asks the agent about the probe once a
// second, says so once on stderr, and stops.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace clrprobe::cli {

class WatchBudgetCheck {
 public:
  WatchBudgetCheck(pid_t pid, uint32_t probe_id) : pid_(pid), probe_id_(probe_id) {}
  // True once the probe is expired or suspended (asks at most once a second).
  bool ended();
  bool expired() const { return state_ == "expired"; }

 private:
  pid_t pid_;
  uint32_t probe_id_;
  std::string state_;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace clrprobe::cli
