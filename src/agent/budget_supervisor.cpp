#include "agent/budget_supervisor.h"

#include "agent/log.h"
#include "common/wall_clock.h"

namespace clrprobe::agent {

double PerCallNs::of(selector::ProbeKind kind, bool watch_hooks) const {
  if (watch_hooks) return watch;
  switch (kind) {
    case selector::ProbeKind::Count:
      return count;
    case selector::ProbeKind::Sampled:
      return sampled;
    case selector::ProbeKind::Full:
      break;
  }
  return full;
}

double overhead_pct(double weighted_call_ns, std::chrono::nanoseconds interval) {
  if (interval.count() <= 0) return 0;
  return weighted_call_ns / static_cast<double>(interval.count()) * 100.0;
}

BudgetSupervisor::BudgetSupervisor(ProbeRegistry& registry, ProbeService& service, SlotCounter slot_counter,
                                   std::chrono::milliseconds period, PerCallNs costs)
    : registry_(registry), service_(service), slot_counter_(std::move(slot_counter)), period_(period), costs_(costs) {}

BudgetSupervisor::~BudgetSupervisor() { stop(); }

void BudgetSupervisor::start() {
  // Called whenever a budgeted probe is added, from any thread: once, and
  // never after stop() (whose join would miss the thread).
  std::lock_guard lock(mutex_);
  if (stopping_ || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void BudgetSupervisor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BudgetSupervisor::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (wake_.wait_for(lock, period_, [this] { return stopping_; })) break;
    lock.unlock();
    try {
      check_once();
    } catch (const std::exception& e) {
      CLRPROBE_LOG_ERROR("budget supervisor: {}", e.what());
    } catch (...) {
      CLRPROBE_LOG_ERROR("budget supervisor: unknown exception");
    }
    lock.lock();
  }
}

void BudgetSupervisor::check_once() {
  const auto probes = registry_.budgeted();
  const uint64_t now_unix = unix_now_ns();
  const auto now = std::chrono::steady_clock::now();
  const auto interval =
      last_check_ == std::chrono::steady_clock::time_point{} ? std::chrono::nanoseconds(0) : now - last_check_;
  std::unordered_map<int32_t, uint64_t> calls;  // this check's counts, of the slots budgets need
  for (const auto& probe : probes) {
    if (probe.budget.ttl_ms && now_unix >= probe.added_unix_ns + *probe.budget.ttl_ms * 1'000'000) {
      service_.expire(probe.id);
      continue;
    }
    if (!probe.budget.max_overhead_pct || !slot_counter_) continue;
    double weighted_ns = 0;
    for (const auto& method : probe.methods) {
      auto [it, inserted] = calls.try_emplace(method.slot, 0);
      if (inserted) it->second = slot_counter_(method.slot).calls;
      auto before = last_calls_.find(method.slot);
      // A method new since the last check: its rate is known at the next one
      // (until then the estimate is a lower bound: enough to suspend, not to clear).
      if (before == last_calls_.end()) continue;
      const uint64_t delta = it->second >= before->second ? it->second - before->second : 0;
      weighted_ns += static_cast<double>(delta) * costs_.of(method.kind, probe.watch);
    }
    const double estimate = overhead_pct(weighted_ns, interval);
    if (estimate > *probe.budget.max_overhead_pct) service_.suspend(probe.id, estimate);
  }
  last_calls_ = std::move(calls);
  last_check_ = now;
}

}  // namespace clrprobe::agent
