// Which precheck (il/watch_precheck.h) each watched method's IL carries,
// and the byte that switches it on.
//
// A method's instrumented IL outlives the watch it was made for: a later
// watch or probe of the same method re-arms it without a new ReJIT (see
// probe_registry.h). A precheck compiled for `x < 0` must not decide the
// calls of a later watch of `y > 5`: each rewrite with another precheck
// gets its own enabled byte (a rewrite with the same one, such as the one
// made again when the runtime asks for the code, keeps the byte),
// which is on only while the attached watch's precheck is the one compiled
// into that IL, or no watch is attached (both paths then only count). Off,
// every call takes the watch leave hook (correct, as without a precheck).
// Bytes are never freed: an old version of the code may still read one.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "agent/method_key.h"
#include "il/watch_shape.h"

namespace clrprobe::agent {

class WatchPrechecks {
 public:
  // Before the watch's probe is added: the precheck a rewrite of `key`
  // should carry (nullopt: none).
  void want(const MethodKey& key, std::optional<il::WatchPrecheck> precheck);
  // At rewrite time: sets hooks->precheck and hooks->precheck_enabled to the
  // wanted precheck and its byte (a new one when the precheck changed; on when the attached watch matches).
  void compile_into(const MethodKey& key, il::WatchHooks* hooks);
  // Before a watch with `precheck` is attached to `key`'s slot / after it
  // was detached.
  void attach(const MethodKey& key, const std::optional<il::WatchPrecheck>& precheck);
  void detach(const MethodKey& key);

 private:
  struct Entry {
    std::optional<il::WatchPrecheck> wanted;    // for the next rewrite
    std::optional<il::WatchPrecheck> compiled;  // in the latest rewrite
    std::atomic<uint8_t>* enabled = nullptr;    // the latest rewrite's byte
    std::optional<il::WatchPrecheck> attached;  // the attached watch's
    bool watching = false;
  };
  void switch_latest(Entry& e);

  std::mutex mutex_;
  std::unordered_map<MethodKey, Entry, MethodKeyHash> entries_;
  std::vector<std::unique_ptr<std::atomic<uint8_t>>> bytes_;
};

}  // namespace clrprobe::agent
