// Probes matched while their module loads get their instrumented IL as the
// method's own IL body (ICorProfilerInfo::SetILFunctionBody) inside
// ModuleLoadFinished: the runtime compiles the probe in at the method's first
// JIT. No ReJIT request and no wait for one, and the method keeps its normal
// tiering (a ReJIT version is compiled fully optimised at once), which is what
// start-up probes cost before (BENCHMARKS.md).
//
// Only for modules whose code is all JIT-compiled: a ReadyToRun method
// would run its precompiled code and never see the new IL, so those keep the
// ReJIT path (which replaces precompiled code too). Nothing of a module runs
// before its ModuleLoadFinished returns, so no call can miss the probe.
//
// The IL map of such a method is given at its first JIT, so the runtime's
// JIT-compilation callbacks are switched on (`jit_events(true)`) only while
// an installed method awaits its first JIT: a process without start-up
// probes pays no callback per JIT-compiled method.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "abi/abi.h"
#include "agent/method_key.h"
#include "agent/module_table.h"
#include "il/il_map.h"

namespace clrprobe::agent {

class Instrumenter;
class ProbeRegistry;

class FirstJitInstaller {
 public:
  // jit_events(on) switches the runtime's JIT-compilation callbacks; it is
  // called under the installer's lock, only when the wanted state changes.
  FirstJitInstaller(abi::ICorProfilerInfo10* info, Instrumenter& instrumenter, ProbeRegistry& registry,
                    std::function<void(bool)> jit_events);

  // Whether methods of this module can get their probe at first JIT.
  static bool eligible(const ModuleInfo& module);

  // Called inside `module`'s ModuleLoadFinished: prepares each method and
  // installs its instrumented IL. Returns the methods to hand to the ReJIT
  // path instead (the runtime refused the IL body); refused methods are
  // recorded by the instrumenter and dropped. Methods left when `budget` has
  // passed go to the ReJIT path too: a selector matching thousands of methods
  // must not hold the module load for longer than the ReJIT path would.
  std::vector<MethodKey> install(const ModuleInfo& module, std::vector<MethodKey> methods,
                                 std::chrono::milliseconds budget);

  // From JITCompilationStarted: the first JIT of an installed method gets its
  // IL map (stack traces and line numbers stay on the original offsets).
  // One relaxed load when no installed method awaits its first JIT.
  void on_jit_started(abi::FunctionID function);

 private:
  abi::ICorProfilerInfo10* info_;
  Instrumenter& instrumenter_;
  ProbeRegistry& registry_;
  std::function<void(bool)> jit_events_;
  std::mutex mutex_;
  // Installed methods not yet JIT-compiled, with the map of their code (the
  // IL itself is the runtime's once installed).
  std::unordered_map<MethodKey, std::vector<il::IlMapEntry>, MethodKeyHash> awaiting_jit_;
  std::atomic<size_t> awaiting_count_{0};

  // Callers hold mutex_: keeps awaiting_count_ and the JIT callbacks in step
  // with awaiting_jit_.
  void awaiting_changed(size_t before);
};

}  // namespace clrprobe::agent
