// Every module the runtime has loaded, with the metadata interfaces the agent
// needs for it. Filled in ModuleLoadFinished (or by enumeration on attach),
// read by the catalog and the rejit controller.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "abi/abi.h"

namespace clrprobe::agent {

class CallSiteEffects;

// StandAloneSig tokens for the calli signatures of the hit-path functions,
// created once per module, lazily (the first time a method in it is probed).
struct HookSignatureTokens {
  abi::mdSignature enter = 0;  // int64 (int32)
  abi::mdSignature leave = 0;  // void (int32, int64) — also used for exceptions
  abi::mdSignature count = 0;  // void (int32): count-only probes
  uint32_t modopt = 0;         // CallConvSuppressGCTransition token, 0 for a plain cdecl call
};

// The module's task tracker (task_tracker.h), defined the first time a
// task-returning method of the module is probed.
struct TaskTrackerModule {
  abi::mdMethodDef track_method = 0;  // <clrprobe>TaskTracker::Track
  abi::mdSignature complete_sig = 0;  // calli of the complete hook
  uint32_t task_type = 0;             // System.Threading.Tasks.Task
  uint32_t task_of_t_type = 0;        // System.Threading.Tasks.Task`1
  std::string failure;                // set when it could not be defined
};

struct ModuleInfo {
  abi::ModuleID id = 0;
  std::string path;           // file path, empty for in-memory modules
  std::string assembly_name;  // simple name, e.g. "System.Private.CoreLib"
  bool dynamic = false;       // Reflection.Emit: cannot be instrumented
  bool collectible = false;   // collectible ALC: refused
  bool resource_only = false;
  // ReadyToRun (precompiled) code: a new IL body set before the first call
  // would not be used, so probes here go through ReJIT (first_jit_installer.h).
  bool ready_to_run = false;

  // The metadata interfaces, opened on first use rather than at module load:
  // opening every module's metadata costs start-up time and memory, and
  // most modules are never matched by a selector (BENCHMARKS.md).
  // Call open_metadata() before using import or emit.
  void open_metadata() const;
  abi::ICorProfilerInfo10* info = nullptr;  // the runtime's, for open_metadata
  mutable abi::ComPtr<abi::IMetaDataImport2> import;
  mutable abi::ComPtr<abi::IMetaDataEmit2> emit;

  std::mutex emit_mutex;  // guards emit and hook_tokens (metadata writes)
  HookSignatureTokens hook_tokens;
  std::optional<TaskTrackerModule> task_tracker;  // guarded by emit_mutex
  // Stack effects of probed methods' call sites, made on the first rewrite;
  // guarded by emit_mutex.
  std::shared_ptr<CallSiteEffects> call_site_effects;

 private:
  mutable std::once_flag metadata_once_;
};

class ModuleTable {
 public:
  void add(std::shared_ptr<ModuleInfo> module);
  void remove(abi::ModuleID id);
  std::shared_ptr<ModuleInfo> find(abi::ModuleID id) const;
  std::vector<std::shared_ptr<ModuleInfo>> all() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<abi::ModuleID, std::shared_ptr<ModuleInfo>> modules_;
};

}  // namespace clrprobe::agent
