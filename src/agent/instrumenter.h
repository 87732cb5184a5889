// Turns a matched method into instrumented IL: reads its body and
// signatures, gives it a stats slot, rewrites it with the probe code, checks
// the result, and caches it for GetReJITParameters. Any failure leaves the
// method uninstrumented with a recorded reason.
#pragma once

#include <string>

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
  void fail(const MethodKey& key, const std::string& reason, bool permanent = true);
  // A ReJIT with inliners was requested for `keys` (see ProbeRegistry::forget_in_runtime_except).
  void rejit_requested(const std::vector<MethodKey>& keys) { registry_.forget_in_runtime_except(keys); }

 private:
  Result<il::RewrittenMethod> rewrite(ModuleInfo& module, const MethodKey& key, int32_t slot,
                                      const selector::KindSpec& kind, ProbeCoverage* coverage);
  Result<HookSignatureTokens> hook_tokens(ModuleInfo& module);

  abi::ICorProfilerInfo10* info_;
  ModuleTable& modules_;
  ProbeRegistry& registry_;
  stats::StatsRegion* region_;
  TaskTracker task_tracker_;
};

}  // namespace clrprobe::agent
