// The agent side of a watch at run time: what the IL's watch hooks
// (il/watch_shape.h) call. For a watched method's stats slot it evaluates
// the watch's condition on the values read from the addresses it is given,
// and, when true and within the watch's rate, writes an event into the
// ring. Hooks of slots without a watch only do the stats part.
//
//   int32 clrprobe_watch_leave_N(slot, start, &ret|0, 0, &arg...)      (N = 0..16)
//       the stats leave (clrprobe_hit_leave), then the watch
//   int32 clrprobe_watch_exception_N(slot, start, 0, &exception, &arg...)
//       from the filter: the watch only (the fault still counts the exception)
//   void clrprobe_watch_stack(slot)
//       --stack only: called by the IL when the leave hook returned non-zero
//
// A condition the IL decides itself (il/watch_precheck.h) calls the leave
// hook only for the calls where it holds; the hook evaluates it again.
//
// The leave and exception hooks run in cooperative mode (no GC transition):
// nothing moves while they read. They never call managed code or the
// profiling API; type names come from the agent's TypeNamer (a cache).
//
// Stacks (--stack): the profiling API's stack walk (DoStackSnapshot) needs a
// walkable stack, which a call without a GC transition does not leave (no
// transition frame is pushed, so the runtime would start its walk at an older
// frame and miss the most recent callers). So the leave hook only decides:
// for a captured event of a --stack watch it keeps the event in a
// thread-local slot and returns 1, and the IL then calls the stack hook with
// an ordinary GC transition, which walks the stack (the agent's WalkStack,
// agent/stack_walker.h), adds the frames and writes the event. Calls that are not captured
// (condition false, over the rate) return 0 and pay nothing more. An
// escaping exception's event carries `stack_error` instead of a stack (the
// filter runs during the exception's first pass, where the walk would show
// the runtime's dispatch frames). A watched method's record is
// published with one atomic pointer per slot and never freed while the
// process lives (a hook may still be reading it after detach).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <vector>

#include "stats/clock.h"
#include "watch/condition.h"
#include "watch/fast_condition.h"
#include "watch/event_ring.h"
#include "watch/rate_limiter.h"
#include "watch/value_reader.h"

namespace clrprobe::watch {

inline constexpr uint32_t kMaxWatchHookArgs = 16;  // == il::kMaxWatchArgs
inline constexpr uint32_t kWatchSlotLimit = 1u << 20;

inline constexpr size_t kMaxStackFrames = 32;

// What a stack walk found: the callers' names, innermost first, at most
// kMaxStackFrames, the watched method itself left out; or why there are none.
struct StackCapture {
  std::vector<std::string> frames;
  std::string error;
};
// Walks the current thread's managed stack. `watched` is the event's method
// name ("Ns.Type::Method"), the frame to leave out when it is the first.
using WalkStack = std::function<StackCapture(const std::string& watched)>;

// One `clrprobe watch` request.
struct WatchOptions {
  uint64_t id = 0;
  bool args = false;  // --args: every captured argument goes into the event
  bool return_value = false;
  bool exception = true;  // an escaping exception's type and message (cheap, always on)
  uint32_t rate = 50;     // events per second
  bool stack = false;     // --stack: the managed callers of each captured call
};

struct WatchState {
  WatchOptions options;
  uint32_t counters_index = 0;  // in the ring header
  RateLimiter limiter;
  explicit WatchState(WatchOptions o, uint32_t index) : options(o), counters_index(index), limiter(o.rate) {}
};

// One watched method: how to read what its hooks hand over.
struct WatchedMethod {
  std::shared_ptr<WatchState> watch;
  std::string method;                  // "Ns.Type::Method"
  uint32_t declared_params = 0;        // the condition's argN range
  std::vector<uint16_t> arg_params;    // hook position -> declared parameter index
  std::vector<std::string> arg_names;  // hook position -> parameter name
  std::vector<CapturePlan> arg_plans;  // hook position -> how to read it
  CapturePlan return_plan;             // NotCaptured for void
  Condition condition;                 // bound to this method's parameters
  ConditionUses uses;                  // condition.uses(), filled by attach
  std::optional<FastCondition> fast;   // the condition on raw numbers, when it can be (attach)
  std::string note;                    // e.g. why an argument is not captured
};

class WatchRuntime {
 public:
  WatchRuntime(EventRingWriter& ring, ObjectLayout layout, TypeNamer namer, stats::ClockCalibration clock);
  ~WatchRuntime();

  // The runtime the extern "C" hooks use (nullptr: none; hooks only count).
  static void install(WatchRuntime* runtime) noexcept;

  void attach(int32_t slot, std::shared_ptr<WatchedMethod> method);
  void detach(int32_t slot);

  // Set once, before the runtime is installed; without one, --stack events
  // say "no stack walker".
  void set_stack_walker(WalkStack walker) { stack_walker_ = std::move(walker); }

  // What the hooks do once they found the slot's method. True: an event
  // waits for its stack (the IL calls the stack hook next).
  bool on_exit(int32_t slot, int64_t start, const void* ret, const void* exception, const void* const* args,
               uint32_t count) noexcept;
  // The stack hook: walks, then writes the event on_exit kept.
  void on_stack() noexcept;

  // The functions for a hook of `arg_count` arguments (0..kMaxWatchHookArgs).
  static uint64_t leave_fn(uint32_t arg_count);
  static uint64_t exception_fn(uint32_t arg_count);
  static uint64_t stack_fn();

 private:
  // True when the event was kept for the stack hook instead of written.
  bool emit(const WatchedMethod& m, int64_t latency_ns, const void* ret, const void* exception, const void* const* args,
            uint32_t count);

  EventRingWriter& ring_;
  ObjectLayout layout_;
  TypeNamer namer_;
  stats::ClockCalibration clock_;
  WalkStack stack_walker_;
  std::unique_ptr<std::atomic<const WatchedMethod*>[]> slots_;
  std::mutex keep_mutex_;
  std::vector<std::shared_ptr<const WatchedMethod>> keep_;  // every method ever attached
};

}  // namespace clrprobe::watch
