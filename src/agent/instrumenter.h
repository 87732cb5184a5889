// Turns a matched method into instrumented IL: reads its body and
// signatures, gives it a stats slot, rewrites it with the probe code, checks
// the result, and caches it for GetReJITParameters. Any failure leaves the
// method uninstrumented with a recorded reason.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "abi/abi.h"
#include "agent/method_key.h"
#include "agent/module_table.h"
#include "agent/probe_registry.h"
#include "agent/task_tracker.h"
#include "common/result.h"
#include "il/rewriter.h"

namespace clrprobe::stats {
class StatsRegion;
}

namespace clrprobe::agent {

class Instrumenter {
 public:
  Instrumenter(abi::ICorProfilerInfo10* info, ModuleTable& modules, ProbeRegistry& registry,
               stats::StatsRegion* region);

  // True when the method has (now or already) cached instrumented IL.
  bool prepare(const MethodKey& key);
  // `clrprobe watch`: asked for the watch hooks of each method rewritten in
  // the Timed shape without a task epilogue (caller holds module.emit_mutex).
  using WatchHooksFor = std::function<std::optional<il::WatchHooks>(ModuleInfo&, const MethodKey&, const il::MethodSig&,
                                                                    uint32_t modopt_token)>;
  void set_watch_hooks(WatchHooksFor hooks_for) { watch_hooks_for_ = std::move(hooks_for); }
  void fail(const MethodKey& key, const std::string& reason, bool permanent = true);
  // A ReJIT with inliners was requested for `keys` (see ProbeRegistry::forget_in_runtime_except).
  void rejit_requested(const std::vector<MethodKey>& keys) { registry_.forget_in_runtime_except(keys); }
  // About to request a ReJIT of `keys` (see ProbeRegistry::mark_rejit_pending).
  void rejit_requesting(const std::vector<MethodKey>& keys) { registry_.mark_rejit_pending(keys); }
  // Before its instrumented IL becomes the method's own body (first JIT):
  // remembers where the original body is, because GetILFunctionBody returns
  // the instrumented one from then on, and a later rewrite (another probe
  // kind, a watch) must start from the original, not instrument it twice.
  void keep_original_body(const MethodKey& key);

 private:
  Result<il::RewrittenMethod> rewrite(ModuleInfo& module, const MethodKey& key, int32_t slot,
                                      const selector::KindSpec& kind, ProbeCoverage* coverage);
  Result<HookSignatureTokens> hook_tokens(ModuleInfo& module);
  Result<std::span<const uint8_t>> original_body(const MethodKey& key);

  abi::ICorProfilerInfo10* info_;
  ModuleTable& modules_;
  ProbeRegistry& registry_;
  stats::StatsRegion* region_;
  TaskTracker task_tracker_;
  // Methods whose own IL body was replaced: their original body (in the
  // module's image, which lives as long as the module).
  std::mutex original_bodies_mutex_;
  std::unordered_map<MethodKey, std::span<const uint8_t>, MethodKeyHash> original_bodies_;
  WatchHooksFor watch_hooks_for_;
};

}  // namespace clrprobe::agent
