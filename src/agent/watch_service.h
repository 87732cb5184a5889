// `clrprobe watch` in the agent: the watch / unwatch control operations.
// A watch resolves its selector like `add`, reads each method's parameter
// names and types from metadata, binds the condition to them (an unknown
// name refuses the whole watch before anything is instrumented), then adds
// an ordinary probe whose methods the instrumenter rewrites with the watch
// hooks (il/watch_shape.h, every parameter handed over, and the condition
// as an IL precheck when watch/precheck_compiler.h can take it), and attaches the
// method's capture plan to its stats slot (watch/watch_runtime.h). Events
// go into the event ring beside the stats region; unwatch detaches and
// removes the probe.
#pragma once

#include <functional>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>
#include <string>

#include <nlohmann/json.hpp>

#include "abi/abi.h"
#include "agent/method_key.h"
#include "agent/module_table.h"
#include "agent/probe_registry.h"
#include "agent/probe_service.h"
#include "agent/stack_walker.h"
#include "agent/watch_prechecks.h"
#include "control/messages.h"
#include "il/signature.h"
#include "il/watch_shape.h"
#include "watch/event_ring.h"
#include "watch/watch_runtime.h"

namespace clrprobe::agent {

class WatchService {
 public:
  WatchService(abi::ICorProfilerInfo10* info, ModuleTable& modules, ProbeRegistry& registry, ProbeService& probes,
               std::string ring_path, std::function<stats::ClockCalibration()> clock);
  ~WatchService();

  Result<nlohmann::json> watch(const control::WatchRequest& request);
  Result<nlohmann::json> unwatch(uint32_t id);
  // The watch's probe expired (its ttl, budget_supervisor.h): the watch is
  // closed as unwatch would, so a CLI that died leaves nothing behind.
  void probe_expired(uint32_t probe_id);

  // For the instrumenter (caller holds module.emit_mutex): the watch hooks
  // for a method a watch asked for, or nullopt.
  std::optional<il::WatchHooks> hooks_for(ModuleInfo& module, const MethodKey& key, const il::MethodSig& sig,
                                          uint32_t modopt_token);

 private:
  struct Active {
    uint64_t id = 0;
    uint32_t probe_id = 0;
    uint32_t counters_index = 0;
    std::vector<int32_t> slots;
    std::vector<MethodKey> keys;  // the methods of `slots`
  };
  void detach_all(const Active& active);
  Status ensure_runtime();
  watch::RuntimeType runtime_type(uintptr_t class_id);

  abi::ICorProfilerInfo10* info_;
  ModuleTable& modules_;
  ProbeRegistry& registry_;
  ProbeService& probes_;
  std::string ring_path_;
  // The stats region's clock, asked for when the first watch starts (the
  // region may still be switching to its calibrated clock before that).
  std::function<stats::ClockCalibration()> clock_;
  std::mutex mutex_;  // one watch operation at a time; guards what follows
  std::unique_ptr<watch::EventRingWriter> ring_;
  std::unique_ptr<watch::WatchRuntime> runtime_;
  std::unique_ptr<StackWalker> stacks_;                  // --stack: the runtime's walker
  std::unordered_set<MethodKey, MethodKeyHash> wanted_;  // methods a watch asked to be rewritten with hooks
  std::unordered_set<MethodKey, MethodKeyHash> hooked_;  // methods whose instrumented IL has the hooks
  std::map<uint32_t, Active> active_;
  WatchPrechecks prechecks_;  // the conditions compiled into the methods' IL
  uint32_t next_id_ = 1;
  std::mutex wanted_mutex_;  // wanted_/hooked_: also read by the instrumenter
  std::mutex names_mutex_;
  std::map<uintptr_t, watch::RuntimeType> names_;
};

// The service the control handler uses for watch/unwatch (nullptr: none).
void set_watch_service(WatchService* service);
WatchService* watch_service();

}  // namespace clrprobe::agent
