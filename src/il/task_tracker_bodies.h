// IL of the two static methods of the helper type the agent defines in a
// module whose task-returning methods are probed ("<clrprobe>TaskTracker"):
//
//   static void Track(Task task, int slot, long start)
//     null or already complete: records the outcome now (complete hook);
//     else registers Done as the task's continuation through
//     task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(...):
//     no SynchronizationContext, TaskScheduler or ExecutionContext is
//     captured, and nothing but IsCompletedSuccessfully/IsCanceled is read
//     (reading Task.Exception would mark a fault observed).
//   static void Done(Tuple<Task, int, long> state)
//     the continuation (a delegate closed over `state`): records the outcome.
//
// Both are built from tokens of the module's metadata (the agent defines
// them) and checked by the verifier before the runtime sees them.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"

namespace clrprobe::il {

struct TaskTrackerTokens {
  // Task members (MemberRefs, or MethodDefs inside the core library).
  uint32_t task_is_completed = 0;               // instance bool get_IsCompleted()
  uint32_t task_is_completed_successfully = 0;  // instance bool get_IsCompletedSuccessfully()
  uint32_t task_is_canceled = 0;                // instance bool get_IsCanceled()
  uint32_t task_configure_await = 0;            // instance ConfiguredTaskAwaitable ConfigureAwait(bool)
  uint32_t awaitable_get_awaiter = 0;           // instance ConfiguredTaskAwaiter GetAwaiter()
  uint32_t awaiter_unsafe_on_completed = 0;     // instance void UnsafeOnCompleted(Action)
  uint32_t tuple_ctor = 0;                      // Tuple<Task,int,long>::.ctor(!0, !1, !2)
  uint32_t tuple_item1 = 0;                     // instance !0 get_Item1()
  uint32_t tuple_item2 = 0;
  uint32_t tuple_item3 = 0;
  uint32_t action_ctor = 0;                     // Action::.ctor(object, native int)
  uint32_t done_method = 0;                     // the helper's Done (MethodDef)
  uint32_t track_locals_sig = 0;                // (ConfiguredTaskAwaitable, ConfiguredTaskAwaiter)
  uint32_t complete_sig = 0;                    // calli: void (int32, int64, int32, int32)
  uint64_t complete_fn = 0;                     // clrprobe_hit_complete
};

// Fat method bodies (header + code), ready for SetILFunctionBody.
Result<std::vector<uint8_t>> build_track_body(const TaskTrackerTokens& tokens);
Result<std::vector<uint8_t>> build_done_body(const TaskTrackerTokens& tokens);

}  // namespace clrprobe::il
