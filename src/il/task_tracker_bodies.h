// IL of the two static methods of the helper type the agent defines in a
// module whose task-returning methods are probed ("<clrprobe>TaskTracker"):
//
//   static void Track(Task task, int slot, long start)
//     null or already complete: records the outcome now (complete hook);
//     entered again while this thread's Track is inside ContinueWith (a
//     probed ContinueWith returning its task: stats/track_guard.h): records
//     now as returned, registers nothing;
//     else registers Done through
//       task.ContinueWith(new Action<Task>(Done closed over (slot, start)),
//                         CancellationToken.None, ExecuteSynchronously,
//                         TaskScheduler.Default)
//     Nothing but IsCompletedSuccessfully/IsCanceled is read (reading
//     Task.Exception would mark a fault observed), and no
//     SynchronizationContext or TaskScheduler is captured.
//     Why ContinueWith and not an awaiter's UnsafeOnCompleted: a task runs
//     only the FIRST await-style continuation of its list inline and forces
//     the others asynchronous; ours, registered before the caller awaits,
//     would push every caller's resumption to a Post or a thread-pool hop.
//     A synchronous ContinueWith continuation is exempt from that rule
//     (Task.RunContinuations), so the caller resumes exactly as unprobed
//     (checked by AsyncProbes.AwaitingCodeSeesTheSame*).
//   static void Done(Tuple<int, long> state, Task task)
//     the continuation (an Action<Task> closed over `state`).
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
  // instance Task ContinueWith(Action<Task>, CancellationToken, TaskContinuationOptions, TaskScheduler)
  uint32_t task_continue_with = 0;
  uint32_t cancellation_token_none = 0;         // static CancellationToken get_None()
  uint32_t task_scheduler_default = 0;          // static TaskScheduler get_Default()
  uint32_t tuple_ctor = 0;                      // Tuple<int,long>::.ctor(!0, !1)
  uint32_t tuple_item1 = 0;                     // instance !0 get_Item1()
  uint32_t tuple_item2 = 0;                     // instance !1 get_Item2()
  uint32_t action_ctor = 0;                     // Action<Task>::.ctor(object, native int)
  uint32_t done_method = 0;                     // the helper's Done (MethodDef)
  uint32_t complete_sig = 0;                    // calli: void (int32, int64, int32, int32)
  uint64_t complete_fn = 0;                     // clrprobe_hit_complete
  uint32_t guard_sig = 0;                       // calli: int32 (int32)
  uint64_t guard_fn = 0;                        // clrprobe_track_guard
};

// TaskContinuationOptions.ExecuteSynchronously
inline constexpr int32_t kExecuteSynchronously = 0x80000;

// Fat method bodies (header + code), ready for SetILFunctionBody.
Result<std::vector<uint8_t>> build_track_body(const TaskTrackerTokens& tokens);
Result<std::vector<uint8_t>> build_done_body(const TaskTrackerTokens& tokens);

}  // namespace clrprobe::il
