// Measuring task-returning methods to completion (issue: async figures).
//
// The first time a task-returning method of a module is probed, the agent
// defines in that module, through ApplyMetaData (new TypeDefs and non-virtual
// MethodDefs are accepted after load since .NET Core 3.0), a static helper
// type "<clrprobe>TaskTracker" with two methods whose IL it supplies
// (il/task_tracker_bodies.h), referencing only core-library types. Nothing
// is loaded into the process and the application references nothing, so it
// works the same for startup probes, live adds and attached processes.
//
// When the helper cannot be defined (no core-library reference, a metadata
// error), task-returning methods of that module are measured to their
// synchronous return, and the probe says so.
#pragma once

#include <cstdint>
#include <string>

#include "abi/abi.h"
#include "agent/module_table.h"
#include "common/result.h"
#include "il/rewriter.h"
#include "il/task_return.h"

namespace clrprobe::agent {

// The epilogue's tokens for a method returning `ret` (of shape `shape`), in
// `module`. Caller holds module.emit_mutex and calls ApplyMetaData after.
Result<il::TaskCompletion> task_completion_for(abi::ICorProfilerInfo10* info, ModuleInfo& module,
                                               il::TaskShape shape, const il::TypeSig& ret,
                                               uint32_t gc_transition_modopt);

}  // namespace clrprobe::agent
