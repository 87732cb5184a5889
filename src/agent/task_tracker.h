// Measuring task-returning methods to completion.
//
// Once per process, the agent defines in System.Private.CoreLib, through
// ApplyMetaData (new TypeDefs and non-virtual MethodDefs are accepted after
// load since .NET Core 3.0), a public static helper type
// "<clrprobe>TaskTracker" with two methods whose IL it supplies
// (il/task_tracker_bodies.h). Probed methods of any module call its Track
// through a MemberRef (an AssemblyRef to CoreLib is added where missing).
// Defining it in CoreLib rather than in each probed module keeps the
// application's own assemblies unchanged to reflection (Assembly.GetTypes
// sees no extra type) and costs one helper per process. Nothing is loaded and
// the application references nothing, so startup probes, live adds and
// attached processes work the same.
//
// When the helper cannot be defined or referenced, task-returning methods are
// measured to their synchronous return and the probe says why.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "abi/abi.h"
#include "agent/module_table.h"
#include "common/result.h"
#include "il/rewriter.h"
#include "il/task_return.h"

namespace clrprobe::agent {

// The helper type's name: unspeakable in C#, so it cannot collide with user
// types; the catalog never offers it to selectors.
inline constexpr char kTaskTrackerTypeName[] = "<clrprobe>TaskTracker";

class TaskTracker {
 public:
  TaskTracker(abi::ICorProfilerInfo10* info, ModuleTable& modules) : info_(info), modules_(modules) {}

  // Defines the helper in CoreLib the first time (later calls return the
  // first outcome). Takes CoreLib's emit_mutex: call it without holding any
  // module's emit_mutex.
  Status ensure_defined();

  // The epilogue's tokens for a method of `module` returning `ret` (of
  // `shape`). Requires ensure_defined() to have succeeded. Caller holds
  // module.emit_mutex and calls ApplyMetaData afterwards.
  Result<il::TaskCompletion> completion_for(ModuleInfo& module, il::TaskShape shape, const il::TypeSig& ret,
                                            uint32_t gc_transition_modopt);

 private:
  struct CoreLibHelper {
    abi::mdMethodDef track_method = 0;
    std::vector<uint8_t> public_key;  // CoreLib's identity, for AssemblyRefs to it
    abi::ASSEMBLYMETADATA version{};
  };
  Result<CoreLibHelper> define_in(ModuleInfo& corelib);
  Result<TaskTrackerModule> reference_from(ModuleInfo& module, uint32_t modopt);

  abi::ICorProfilerInfo10* info_;
  ModuleTable& modules_;
  std::mutex mutex_;
  std::optional<Result<CoreLibHelper>> corelib_;  // set once, under mutex_
};

}  // namespace clrprobe::agent
