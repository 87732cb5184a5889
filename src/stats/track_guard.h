// The task tracker's reentrancy guard (il/task_tracker_bodies.h).
//
// The tracker's Track registers its continuation with Task.ContinueWith,
// which returns a task. When ContinueWith is itself probed (CoreLib's tasks
// probed whole), its epilogue hands that task to Track, whose ContinueWith
// returns another task, and so on until the stack overflows. Track asks this
// guard before registering: a Track entered while another Track of the same
// thread is registering is the tracker's own ContinueWith, measured to its
// synchronous return instead. Every other task-returning method, CoreLib's
// threading included, stays measured to its task's completion.
//
//   if (clrprobe_track_guard(1) == 0) -> nested: record now, no continuation
//   ... ContinueWith ...
//   clrprobe_track_guard(0)             -> done registering
//
// Called through `calli` (unmanaged, GC transition suppressed): no locks, no
// allocation, never throws.
#pragma once

#include <cstdint>

extern "C" int32_t clrprobe_track_guard(int32_t entering) noexcept;
