#include "agent/probe_registry.h"

#include <time.h>

#include <algorithm>

#include "agent/arm_flags.h"
#include "common/wall_clock.h"
#include "stats/hit_path.h"

namespace clrprobe::agent {

namespace {

// The richer of two kinds; two sampled kinds: the smaller N.
selector::KindSpec richer(const selector::KindSpec& a, const selector::KindSpec& b) {
  if (a.kind != b.kind) return a.kind > b.kind ? a : b;
  selector::KindSpec out = a;
  out.sample = std::min(a.sample, b.sample);
  return out;
}

bool has_method(const Probe& probe, const MethodKey& key) {
  return std::any_of(probe.methods.begin(), probe.methods.end(), [&](const ProbeMethod& m) { return m.key == key; });
}

}  // namespace

Instrumentation instrumentation_of(const InstrumentedMethod& method) {
  if (method.state != MethodState::Instrumented) return Instrumentation::Pending;
  if (!method.in_runtime && method.rejit_pending) {
    // Our code is what the method runs from its next call: armed then, or disarmed.
    return method.probe_count > 0 ? Instrumentation::Pending : Instrumentation::Disarmed;
  }
  if (!method.in_runtime) return method.probe_count > 0 ? Instrumentation::Pending : Instrumentation::Reverted;
  return method.probe_count > 0 ? Instrumentation::Armed : Instrumentation::Disarmed;
}

uint32_t ProbeRegistry::add_probe(selector::Selector selector, ProbeState state, ProbeSource source,
                                  selector::KindSpec kind, selector::Budget budget) {
  std::lock_guard lock(mutex_);
  std::string text = selector.text();
  const uint64_t added = unix_now_ns();
  probes_.push_back(Probe{next_id_++,
                          std::move(text),
                          std::move(selector),
                          state,
                          source,
                          {},
                          {},
                          nullptr,
                          added,
                          kind,
                          budget,
                          false,
                          false,
                          0,
                          false,
                          0});
  return probes_.back().id;
}

Probe* ProbeRegistry::find_locked(uint32_t id) {
  auto it = std::find_if(probes_.begin(), probes_.end(), [&](const Probe& p) { return p.id == id; });
  return it == probes_.end() ? nullptr : &*it;
}

std::vector<Probe> ProbeRegistry::probes() const {
  std::lock_guard lock(mutex_);
  return probes_;
}

std::optional<Probe> ProbeRegistry::probe(uint32_t id) const {
  std::lock_guard lock(mutex_);
  for (const auto& p : probes_) {
    if (p.id == id) return p;
  }
  return std::nullopt;
}

std::vector<std::pair<uint32_t, selector::Selector>> ProbeRegistry::active_selectors() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<uint32_t, selector::Selector>> result;
  for (const auto& probe : probes_) {
    // A suspended probe takes no new methods (they would run unbudgeted).
    if (probe.state != ProbeState::Removed && !probe.suspended) result.emplace_back(probe.id, probe.selector);
  }
  return result;
}

bool ProbeRegistry::attach(uint32_t probe_id, const MethodKey& key, const std::string& display_name,
                           const std::string& assembly, MethodMeasure measure) {
  std::lock_guard lock(mutex_);
  Probe* probe = find_locked(probe_id);
  if (probe == nullptr || probe->state == ProbeState::Removed || probe->suspended) return false;
  // A live probe's methods each hold a count, so a method no probe holds is
  // not in this one: the scan of the probe's methods only for a shared one
  // (a scan per method made an `add` of 10,000 methods quadratic).
  if (auto held = methods_.find(key);
      held != methods_.end() && held->second.probe_count > 0 && has_method(*probe, key)) {
    return false;
  }
  auto [it, inserted] = methods_.try_emplace(key);
  InstrumentedMethod& method = it->second;
  if (inserted) {
    method.display_name = display_name;
    auto known = std::find_if(assemblies_.begin(), assemblies_.end(), [&](const auto& a) { return *a == assembly; });
    if (known == assemblies_.end()) known = assemblies_.insert(known, std::make_shared<const std::string>(assembly));
    method.assembly = *known;
    method.measure = measure;
  }
  if (method.state == MethodState::Failed) {
    probe->refused.push_back(RefusedMethod{display_name, "previously failed to instrument"});
    return false;
  }
  ProbeMethod entry{key, 0, 0, 0};
  if (method.slot >= 0 && slot_counter_) {
    const SlotCounts counts = slot_counter_(method.slot);
    entry.baseline_calls = counts.calls;
    entry.baseline_exceptions = counts.exceptions;
    entry.baseline_cancelled = counts.cancelled;
  }
  probe->methods.push_back(entry);
  const bool first = method.probe_count++ == 0;
  method.wanted = first ? probe->kind : richer(method.wanted, probe->kind);
  const bool instrumented = method.state == MethodState::Instrumented;
  if (instrumented && method.kind.kind == selector::ProbeKind::Sampled &&
      method.wanted.kind == selector::ProbeKind::Sampled && method.kind.sample != method.wanted.sample) {
    method.kind.sample = method.wanted.sample;  // a rate is data, not code: no ReJIT
    stats::set_sample_rate(method.slot, method.wanted.sample);
  }
  if (!instrumented || (!method.in_runtime && !method.rejit_pending)) {
    // New, reverted, or its ReJIT already under way (a second probe: nothing more to do).
    if (method.slot >= 0) set_armed(method.slot, true);
    return first;
  }
  if (method.wanted.kind != method.kind.kind) return true;  // another shape: rewrite and ReJIT
  set_armed(method.slot, true);                             // re-armed in place: no ReJIT
  return false;
}

void ProbeRegistry::activate(uint32_t probe_id) {
  std::lock_guard lock(mutex_);
  Probe* probe = find_locked(probe_id);
  if (probe == nullptr) return;
  if (probe->state == ProbeState::Pending && !probe->methods.empty()) probe->state = ProbeState::Active;
  // A probe of thousands of methods grew its list by doubling: give back the slack
  // (a third of it on average), but not for every few methods a module load adds.
  if (probe->methods.capacity() > probe->methods.size() + probe->methods.size() / 4 + 16) {
    probe->methods.shrink_to_fit();
  }
}

void ProbeRegistry::refuse(uint32_t probe_id, RefusedMethod refused) {
  std::lock_guard lock(mutex_);
  if (Probe* probe = find_locked(probe_id)) probe->refused.push_back(std::move(refused));
}

void ProbeRegistry::set_task_fallback(const MethodKey& key, const std::string& reason) {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it == methods_.end() || (it->second.task_fallback && *it->second.task_fallback == reason)) return;
  it->second.task_fallback = std::make_shared<const std::string>(reason);
}

void ProbeRegistry::mark_failed(const MethodKey& key, const std::string& reason, bool permanent) {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it == methods_.end()) return;
  it->second.state = permanent ? MethodState::Failed : MethodState::Preparing;
  it->second.probe_count = 0;
  it->second.rejit_pending = false;
  for (auto& probe : probes_) {
    auto m = std::find_if(probe.methods.begin(), probe.methods.end(), [&](const ProbeMethod& pm) { return pm.key == key; });
    if (m == probe.methods.end()) continue;
    probe.methods.erase(m);
    probe.refused.push_back(RefusedMethod{it->second.display_name, reason});
  }
}

void ProbeRegistry::mark_instrumented(const MethodKey& key, int32_t slot, uint64_t code_fingerprint,
                                      ProbeCoverage coverage, selector::KindSpec kind) {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it == methods_.end()) return;
  it->second.kind = kind;
  if (kind.kind == selector::ProbeKind::Sampled) stats::set_sample_rate(slot, kind.sample);
  set_armed(slot, it->second.probe_count > 0);
  it->second.slot = slot;
  it->second.coverage = std::move(coverage);
  it->second.code_fingerprint = code_fingerprint;
  it->second.state = MethodState::Instrumented;
}

void ProbeRegistry::mark_in_runtime(const MethodKey& key) {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it != methods_.end() && it->second.state == MethodState::Instrumented) {
    it->second.in_runtime = true;
    it->second.rejit_pending = false;
  }
}

void ProbeRegistry::mark_rejit_pending(const std::vector<MethodKey>& keys) {
  std::lock_guard lock(mutex_);
  for (const MethodKey& key : keys) {
    auto it = methods_.find(key);
    if (it != methods_.end() && it->second.state == MethodState::Instrumented) it->second.rejit_pending = true;
  }
}

void ProbeRegistry::forget_in_runtime_except(const std::vector<MethodKey>& requested) {
  std::lock_guard lock(mutex_);
  for (auto& [key, method] : methods_) {
    if (method.in_runtime && std::find(requested.begin(), requested.end(), key) == requested.end()) {
      method.in_runtime = false;
    }
  }
}

std::vector<MethodKey> ProbeRegistry::take_disarmed(std::optional<uint32_t> id) {
  std::lock_guard lock(mutex_);
  std::vector<MethodKey> keys;
  auto take = [&](const MethodKey& key, InstrumentedMethod& m) {
    if (m.probe_count == 0 && (m.in_runtime || m.rejit_pending) && m.state == MethodState::Instrumented) {
      m.in_runtime = false;
      m.rejit_pending = false;
      keys.push_back(key);
    }
  };
  if (!id) {
    for (auto& [key, method] : methods_) take(key, method);
    return keys;
  }
  if (Probe* probe = find_locked(*id)) {
    for (const auto& pm : probe->methods) {
      if (auto it = methods_.find(pm.key); it != methods_.end()) take(it->first, it->second);
    }
  }
  return keys;
}

std::optional<std::vector<MethodKey>> ProbeRegistry::remove_probe(uint32_t id, nlohmann::json final_figures,
                                                                  bool revert) {
  std::lock_guard lock(mutex_);
  Probe* probe = find_locked(id);
  if (probe == nullptr || probe->state == ProbeState::Removed) return std::nullopt;
  probe->state = ProbeState::Removed;
  std::vector<MethodKey> unused;
  if (probe->suspended) return unused;  // its methods were let go, its figures frozen, when it was suspended
  probe->final_figures = std::move(final_figures);
  for (const auto& pm : probe->methods) {
    auto it = methods_.find(pm.key);
    if (it == methods_.end() || it->second.probe_count == 0) continue;
    InstrumentedMethod& method = it->second;
    if (--method.probe_count != 0) continue;
    if (method.slot >= 0) set_armed(method.slot, false);
    if (revert && method.state == MethodState::Instrumented && (method.in_runtime || method.rejit_pending)) {
      method.in_runtime = false;
      method.rejit_pending = false;
      unused.push_back(pm.key);
    }
  }
  removed_order_.push_back(id);
  forget_old_removed_locked();
  return unused;
}

void ProbeRegistry::forget_old_removed_locked() {
  // Newest first: keep while within both budgets (the newest always).
  size_t kept = 0;
  size_t methods = 0;
  auto newest = removed_order_.rbegin();
  for (; newest != removed_order_.rend(); ++newest) {
    const Probe* probe = find_locked(*newest);
    const size_t size = probe == nullptr ? 0 : probe->methods.size();
    if (kept > 0 && (kept + 1 > kKeptRemovedProbes || methods + size > kKeptRemovedMethods)) break;
    ++kept;
    methods += size;
  }
  const size_t forget = removed_order_.size() - kept;
  if (forget == 0) return;
  std::vector<uint32_t> ids(removed_order_.begin(), removed_order_.begin() + static_cast<std::ptrdiff_t>(forget));
  removed_order_.erase(removed_order_.begin(), removed_order_.begin() + static_cast<std::ptrdiff_t>(forget));
  std::sort(ids.begin(), ids.end());
  std::erase_if(probes_, [&](const Probe& p) { return std::binary_search(ids.begin(), ids.end(), p.id); });
  forgotten_removed_ += forget;
}

uint64_t ProbeRegistry::forgotten_removed() const {
  std::lock_guard lock(mutex_);
  return forgotten_removed_;
}

size_t ProbeRegistry::probe_count() const {
  std::lock_guard lock(mutex_);
  return probes_.size();
}

size_t ProbeRegistry::method_count() const {
  std::lock_guard lock(mutex_);
  return methods_.size();
}

void ProbeRegistry::set_final_figures(uint32_t id, nlohmann::json final_figures) {
  std::lock_guard lock(mutex_);
  if (Probe* probe = find_locked(id); probe != nullptr && (probe->state == ProbeState::Removed || probe->suspended)) {
    probe->final_figures = std::move(final_figures);
  }
}

void ProbeRegistry::mark_watch(uint32_t id) {
  std::lock_guard lock(mutex_);
  if (Probe* probe = find_locked(id)) probe->watch = true;
}

void ProbeRegistry::mark_expired(uint32_t id, uint64_t now_unix_ns) {
  std::lock_guard lock(mutex_);
  if (Probe* probe = find_locked(id); probe != nullptr && probe->state == ProbeState::Removed) {
    probe->expired = true;
    probe->ended_unix_ns = now_unix_ns;
  }
}

bool ProbeRegistry::suspend_probe(uint32_t id, double estimate_pct, uint64_t now_unix_ns) {
  std::lock_guard lock(mutex_);
  Probe* probe = find_locked(id);
  if (probe == nullptr || probe->state == ProbeState::Removed || probe->suspended) return false;
  probe->suspended = true;
  probe->suspended_estimate_pct = estimate_pct;
  probe->ended_unix_ns = now_unix_ns;
  // As remove_probe: a method another (unsuspended) probe still holds stays armed.
  for (const auto& pm : probe->methods) {
    auto it = methods_.find(pm.key);
    if (it == methods_.end() || it->second.probe_count == 0) continue;
    if (--it->second.probe_count == 0 && it->second.slot >= 0) set_armed(it->second.slot, false);
  }
  return true;
}

std::vector<ProbeRegistry::BudgetedProbe> ProbeRegistry::budgeted() const {
  std::lock_guard lock(mutex_);
  std::vector<BudgetedProbe> out;
  for (const auto& probe : probes_) {
    if (probe.budget.empty() || probe.state == ProbeState::Removed || probe.suspended) continue;
    BudgetedProbe entry{probe.id, probe.added_unix_ns, probe.budget, probe.watch, {}};
    for (const auto& pm : probe.methods) {
      auto it = methods_.find(pm.key);
      if (it == methods_.end() || it->second.slot < 0 || it->second.state != MethodState::Instrumented) continue;
      entry.methods.push_back(BudgetedMethod{it->second.slot, it->second.kind.kind});
    }
    out.push_back(std::move(entry));
  }
  return out;
}

void ProbeRegistry::discard_probe(uint32_t id) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(probes_.begin(), probes_.end(), [&](const Probe& p) { return p.id == id; });
  if (it == probes_.end()) return;
  for (const auto& pm : it->methods) {
    auto m = methods_.find(pm.key);
    if (m != methods_.end() && m->second.probe_count > 0 && --m->second.probe_count == 0 && m->second.slot >= 0) {
      set_armed(m->second.slot, false);
    }
  }
  probes_.erase(it);
}

std::optional<InstrumentedMethod> ProbeRegistry::method(const MethodKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it == methods_.end()) return std::nullopt;
  return it->second;
}

}  // namespace clrprobe::agent
