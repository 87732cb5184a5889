// Turns a matched method into instrumented IL: reads its body and
// signatures, gives it a stats slot, rewrites it with the probe code and
// checks the result. Any failure leaves the method uninstrumented with a
// recorded reason, at `add`.
//
// The code is not kept: the runtime asks for it (GetReJITParameters) only at
// the method's next call, and most probed methods are never called (10,000
// cached bodies and maps were about 0.4 KB of RSS per probed method). code_for()
// makes it again from the same inputs (the original body, the slot, the kind,
// the module's tokens: the same IL) and checks it against the fingerprint
// taken at `add`, so the runtime only ever gets code that was checked then.
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
#include "agent/rewritten_code.h"
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

  // Rewrites the method for the kind its probes want and records it
  // instrumented (its slot, coverage and the code's fingerprint); `code`, when
  // given, gets the code (the first-JIT path hands it over at once). False when
  // the method is refused (recorded with the reason).
  bool prepare(const MethodKey& key, RewrittenCode* code = nullptr);
  // The code of instrumented method `key` (its registry record), made again for
  // the runtime. Does not apply metadata (the fingerprint check proves that
  // every token in it was applied by prepare()), so it is safe inside
  // GetReJITParameters. An error when its code cannot be made again, or
  // differs from the one checked when it was prepared.
  Result<RewrittenCode> code_for(const MethodKey& key, const InstrumentedMethod& method);
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
  // apply_metadata: make tokens defined by the rewrite visible to the JIT
  // (ApplyMetaData); prepare() does, code_for() need not.
  Result<il::RewrittenMethod> rewrite(ModuleInfo& module, const MethodKey& key, int32_t slot,
                                      const selector::KindSpec& kind, ProbeCoverage* coverage, bool apply_metadata);
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
