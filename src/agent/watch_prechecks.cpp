#include "agent/watch_prechecks.h"

namespace clrprobe::agent {

void WatchPrechecks::want(const MethodKey& key, std::optional<il::WatchPrecheck> precheck) {
  std::lock_guard lock(mutex_);
  entries_[key].wanted = std::move(precheck);
}

void WatchPrechecks::switch_latest(Entry& e) {
  if (e.enabled == nullptr) return;
  // No watch attached: both paths only count, the precheck's is cheaper.
  const bool on = e.compiled && (!e.watching || (e.attached && *e.compiled == *e.attached));
  e.enabled->store(on ? 1 : 0, std::memory_order_release);
}

void WatchPrechecks::compile_into(const MethodKey& key, il::WatchHooks* hooks) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || !it->second.wanted) return;
  Entry& e = it->second;
  // The same precheck as the latest rewrite: the same byte. A rewrite is
  // made again, from the same inputs, when the runtime asks for the code
  // (instrumenter.h: the IL is not cached), and must come out identical.
  if (e.enabled != nullptr && e.compiled == e.wanted) {
    hooks->precheck = e.compiled;
    hooks->precheck_enabled = reinterpret_cast<uint64_t>(e.enabled);
    return;
  }
  // The previous rewrite's code may still run until the new one replaces
  // it: its byte goes off (the hook decides there).
  if (e.enabled != nullptr) e.enabled->store(0, std::memory_order_release);
  bytes_.push_back(std::make_unique<std::atomic<uint8_t>>(0));
  e.enabled = bytes_.back().get();
  e.compiled = e.wanted;
  switch_latest(e);
  hooks->precheck = e.compiled;
  hooks->precheck_enabled = reinterpret_cast<uint64_t>(e.enabled);
}

void WatchPrechecks::attach(const MethodKey& key, const std::optional<il::WatchPrecheck>& precheck) {
  std::lock_guard lock(mutex_);
  Entry& e = entries_[key];
  e.attached = precheck;
  e.watching = true;
  switch_latest(e);
}

void WatchPrechecks::detach(const MethodKey& key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  it->second.watching = false;
  it->second.attached.reset();
  switch_latest(it->second);
}

}  // namespace clrprobe::agent
