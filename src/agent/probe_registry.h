// What the user asked for (probes, each a selector) and what it resolved to
// (instrumented methods, each with a stats slot and its rewritten IL).
// Several probes on one method share one rewrite and one slot; a probe's
// figures are the sum of its methods' slots.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "agent/method_key.h"
#include "selector/selector.h"

namespace clrprobe::agent {

struct RefusedMethod {
  std::string method;  // display name
  std::string reason;  // reason_name(...) plus detail
};

struct Probe {
  uint32_t id = 0;
  std::string selector_text;
  selector::Selector selector;
  std::vector<MethodKey> methods;  // matched and instrumented
  std::vector<RefusedMethod> refused;
  bool removed = false;
};

enum class MethodState { Preparing, Instrumented, Failed };

struct InstrumentedMethod {
  MethodKey key;
  std::string display_name;  // "Ns.Type::Method(int32)"
  std::string assembly;
  int32_t slot = -1;
  MethodState state = MethodState::Preparing;
  std::vector<uint8_t> rewritten_il;  // cached: re-adding a probe reuses it
  uint32_t probe_count = 0;
};

class ProbeRegistry {
 public:
  uint32_t add_probe(selector::Selector selector);
  std::vector<Probe> probes() const;  // a copy, for reports
  // (id, selector) of every probe not removed: copied so callers may match
  // outside the lock.
  std::vector<std::pair<uint32_t, selector::Selector>> active_selectors() const;

  // Record that probe `probe_id` matched `key`. Returns true when the method
  // is new to the registry (it must then be instrumented).
  bool attach(uint32_t probe_id, const MethodKey& key, const std::string& display_name,
              const std::string& assembly);
  void refuse(uint32_t probe_id, RefusedMethod refused);
  // The method could not be instrumented: move it to every owner's refused list.
  void mark_failed(const MethodKey& key, const std::string& reason);
  void mark_instrumented(const MethodKey& key, int32_t slot, std::vector<uint8_t> il);

  // The rewritten IL for GetReJITParameters (copied under the lock).
  std::optional<std::vector<uint8_t>> rewritten_il(const MethodKey& key) const;
  std::optional<InstrumentedMethod> method(const MethodKey& key) const;
  std::vector<int32_t> slots_of(const Probe& probe) const;

 private:
  mutable std::mutex mutex_;
  uint32_t next_id_ = 1;
  std::vector<Probe> probes_;
  std::unordered_map<MethodKey, InstrumentedMethod, MethodKeyHash> methods_;
};

}  // namespace clrprobe::agent
