#include "agent/probe_registry.h"

#include <time.h>

#include <algorithm>

namespace clrprobe::agent {

namespace {

bool has_method(const Probe& probe, const MethodKey& key) {
  return std::any_of(probe.methods.begin(), probe.methods.end(), [&](const ProbeMethod& m) { return m.key == key; });
}

}  // namespace

uint32_t ProbeRegistry::add_probe(selector::Selector selector, ProbeState state, ProbeSource source) {
  std::lock_guard lock(mutex_);
  std::string text = selector.text();
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const uint64_t added = static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(now.tv_nsec);
  probes_.push_back(Probe{next_id_++, std::move(text), std::move(selector), state, source, {}, {}, nullptr, added});
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
    if (probe.state != ProbeState::Removed) result.emplace_back(probe.id, probe.selector);
  }
  return result;
}

bool ProbeRegistry::attach(uint32_t probe_id, const MethodKey& key, const std::string& display_name,
                           const std::string& assembly, MethodMeasure measure) {
  std::lock_guard lock(mutex_);
  Probe* probe = find_locked(probe_id);
  if (probe == nullptr || probe->state == ProbeState::Removed || has_method(*probe, key)) return false;
  auto [it, inserted] = methods_.try_emplace(key);
  InstrumentedMethod& method = it->second;
  if (inserted) {
    method.key = key;
    method.display_name = display_name;
    method.assembly = assembly;
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
  return method.probe_count++ == 0;
}

void ProbeRegistry::activate(uint32_t probe_id) {
  std::lock_guard lock(mutex_);
  Probe* probe = find_locked(probe_id);
  if (probe != nullptr && probe->state == ProbeState::Pending && !probe->methods.empty()) {
    probe->state = ProbeState::Active;
  }
}

void ProbeRegistry::refuse(uint32_t probe_id, RefusedMethod refused) {
  std::lock_guard lock(mutex_);
  if (Probe* probe = find_locked(probe_id)) probe->refused.push_back(std::move(refused));
}

void ProbeRegistry::set_task_fallback(const MethodKey& key, const std::string& reason) {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it != methods_.end()) it->second.task_fallback = reason;
}

void ProbeRegistry::mark_failed(const MethodKey& key, const std::string& reason, bool permanent) {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it == methods_.end()) return;
  it->second.state = permanent ? MethodState::Failed : MethodState::Preparing;
  it->second.probe_count = 0;
  for (auto& probe : probes_) {
    auto m = std::find_if(probe.methods.begin(), probe.methods.end(), [&](const ProbeMethod& pm) { return pm.key == key; });
    if (m == probe.methods.end()) continue;
    probe.methods.erase(m);
    probe.refused.push_back(RefusedMethod{it->second.display_name, reason});
  }
}

void ProbeRegistry::mark_instrumented(const MethodKey& key, int32_t slot, RewrittenCode code, ProbeCoverage coverage) {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it == methods_.end()) return;
  it->second.slot = slot;
  it->second.coverage = std::move(coverage);
  it->second.rewritten = std::make_shared<const RewrittenCode>(std::move(code));
  it->second.state = MethodState::Instrumented;
}

std::optional<std::vector<MethodKey>> ProbeRegistry::remove_probe(uint32_t id, nlohmann::json final_figures) {
  std::lock_guard lock(mutex_);
  Probe* probe = find_locked(id);
  if (probe == nullptr || probe->state == ProbeState::Removed) return std::nullopt;
  probe->state = ProbeState::Removed;
  probe->final_figures = std::move(final_figures);
  std::vector<MethodKey> unused;
  for (const auto& pm : probe->methods) {
    auto it = methods_.find(pm.key);
    if (it == methods_.end() || it->second.probe_count == 0) continue;
    if (--it->second.probe_count == 0 && it->second.state == MethodState::Instrumented) unused.push_back(pm.key);
  }
  return unused;
}

void ProbeRegistry::discard_probe(uint32_t id) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(probes_.begin(), probes_.end(), [&](const Probe& p) { return p.id == id; });
  if (it == probes_.end()) return;
  for (const auto& pm : it->methods) {
    auto m = methods_.find(pm.key);
    if (m != methods_.end() && m->second.probe_count > 0) --m->second.probe_count;
  }
  probes_.erase(it);
}

std::shared_ptr<const RewrittenCode> ProbeRegistry::rewritten(const MethodKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it == methods_.end() || it->second.state != MethodState::Instrumented) return nullptr;
  return it->second.rewritten;
}

std::optional<InstrumentedMethod> ProbeRegistry::method(const MethodKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it == methods_.end()) return std::nullopt;
  return it->second;
}

}  // namespace clrprobe::agent
