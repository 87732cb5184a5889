#include "agent/probe_registry.h"

#include <algorithm>

namespace clrprobe::agent {

uint32_t ProbeRegistry::add_probe(selector::Selector selector) {
  std::lock_guard lock(mutex_);
  std::string text = selector.text();
  probes_.push_back(Probe{next_id_++, std::move(text), std::move(selector), {}, {}, false});
  return probes_.back().id;
}

std::vector<Probe> ProbeRegistry::probes() const {
  std::lock_guard lock(mutex_);
  return probes_;
}

std::vector<std::pair<uint32_t, selector::Selector>> ProbeRegistry::active_selectors() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<uint32_t, selector::Selector>> result;
  for (const auto& probe : probes_) {
    if (!probe.removed) result.emplace_back(probe.id, probe.selector);
  }
  return result;
}

bool ProbeRegistry::attach(uint32_t probe_id, const MethodKey& key, const std::string& display_name,
                           const std::string& assembly) {
  std::lock_guard lock(mutex_);
  auto probe = std::find_if(probes_.begin(), probes_.end(), [&](const Probe& p) { return p.id == probe_id; });
  if (probe == probes_.end()) return false;
  if (std::find(probe->methods.begin(), probe->methods.end(), key) != probe->methods.end()) return false;
  probe->methods.push_back(key);
  auto [it, inserted] = methods_.try_emplace(key);
  if (inserted) {
    it->second.key = key;
    it->second.display_name = display_name;
    it->second.assembly = assembly;
  }
  ++it->second.probe_count;
  return inserted;
}

void ProbeRegistry::refuse(uint32_t probe_id, RefusedMethod refused) {
  std::lock_guard lock(mutex_);
  for (auto& probe : probes_) {
    if (probe.id == probe_id) probe.refused.push_back(std::move(refused));
  }
}

void ProbeRegistry::mark_failed(const MethodKey& key, const std::string& reason) {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it == methods_.end()) return;
  it->second.state = MethodState::Failed;
  for (auto& probe : probes_) {
    auto m = std::find(probe.methods.begin(), probe.methods.end(), key);
    if (m == probe.methods.end()) continue;
    probe.methods.erase(m);
    probe.refused.push_back(RefusedMethod{it->second.display_name, reason});
  }
}

void ProbeRegistry::mark_instrumented(const MethodKey& key, int32_t slot, std::vector<uint8_t> il) {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it == methods_.end()) return;
  it->second.slot = slot;
  it->second.rewritten_il = std::move(il);
  it->second.state = MethodState::Instrumented;
}

std::optional<std::vector<uint8_t>> ProbeRegistry::rewritten_il(const MethodKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it == methods_.end() || it->second.state != MethodState::Instrumented) return std::nullopt;
  return it->second.rewritten_il;
}

std::optional<InstrumentedMethod> ProbeRegistry::method(const MethodKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = methods_.find(key);
  if (it == methods_.end()) return std::nullopt;
  return it->second;
}

std::vector<int32_t> ProbeRegistry::slots_of(const Probe& probe) const {
  std::lock_guard lock(mutex_);
  std::vector<int32_t> slots;
  for (const auto& key : probe.methods) {
    auto it = methods_.find(key);
    if (it != methods_.end() && it->second.state == MethodState::Instrumented) slots.push_back(it->second.slot);
  }
  return slots;
}

}  // namespace clrprobe::agent
