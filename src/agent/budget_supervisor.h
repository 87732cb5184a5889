// Enforces the probes' budgets (selector/budget.h) in the agent, so a CLI
// that died (or a forgotten `add`) cannot leave a probe running forever:
//  - ttl: a probe whose ttl has passed is removed as `remove` does (disarmed,
//    no ReJIT) and listed as "expired";
//  - max overhead: each probe's cost is estimated as calls/s x the per-call
//    cost of its methods' code (kPerCallNs below), and a probe above its
//    budget is suspended (its methods disarmed unless an unsuspended probe
//    needs them), listed as "suspended" with the estimate, and logged.
//    Nothing re-enables a suspended probe: `remove` it, `add` it again (a new
//    probe, a new budget) if the cost is acceptable.
//
// One background thread wakes once a second. It costs nothing on the hit
// path: it reads the call counters the probes keep anyway (stats slots).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "agent/probe_registry.h"
#include "agent/probe_service.h"

namespace clrprobe::agent {

// What one call of a probed method costs, by the code it runs, in ns: the
// added per-call cost measured by bench/run (bench/results.json,
// per_call_added_ns; the highest of stop 24's four runs, 1 or 2 threads:
// count 2.3, sampled 4.2, full 22.3 ns) rounded up. A
// watch (enter, leave and its hook; watch_cost in results.json) with a
// --when that is false and compares two numeric arguments added 32 ns a call
// (median; mean 34): 32 ns. A condition on strings, objects or exceptions
// takes the general evaluator, about 100 ns; without --when the hook
// declines at the rate limiter, for less. A figure no higher than the
// measured one keeps a watch on a tight loop (which is its own core's whole
// time) under a budget of 100 % instead of suspending it on an over-estimate.
struct PerCallNs {
  double count = 3;
  double sampled = 5;
  double full = 23;
  double watch = 32;
  double of(selector::ProbeKind kind, bool watch_hooks) const;
};

// The overhead of a probe, in percent of one core, from calls over an
// interval: Σ calls × per-call ns / interval ns × 100.
double overhead_pct(double weighted_call_ns, std::chrono::nanoseconds interval);

class BudgetSupervisor {
 public:
  BudgetSupervisor(ProbeRegistry& registry, ProbeService& service, SlotCounter slot_counter,
                   std::chrono::milliseconds period = std::chrono::seconds(1), PerCallNs costs = {});
  ~BudgetSupervisor();
  BudgetSupervisor(const BudgetSupervisor&) = delete;
  BudgetSupervisor& operator=(const BudgetSupervisor&) = delete;

  // Idempotent and thread-safe; the agent calls it at the first budgeted probe.
  void start();
  void stop();
  // One check (the thread calls it each period; tests may call it directly).
  void check_once();

 private:
  void run();

  ProbeRegistry& registry_;
  ProbeService& service_;
  SlotCounter slot_counter_;
  std::chrono::milliseconds period_;
  PerCallNs costs_;
  // Each slot's calls at the previous check: the rate is the difference.
  std::unordered_map<int32_t, uint64_t> last_calls_;
  std::chrono::steady_clock::time_point last_check_{};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace clrprobe::agent
