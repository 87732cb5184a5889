#include "watch/watch_runtime.h"

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <utility>

#include "common/wall_clock.h"
#include "stats/hit_path.h"
#include "watch/watch_event.h"

namespace clrprobe::watch {
namespace {

std::atomic<WatchRuntime*> g_runtime{nullptr};

// The hooks, one pair per argument count: the IL pushes exactly N addresses.
// They return 1 when the IL is to call the stack hook next.
template <typename... Args>
int32_t leave_hook(int32_t slot, int64_t start, void* ret, void* exception, Args... args) noexcept {
  clrprobe_hit_leave(slot, start);
  if (WatchRuntime* rt = g_runtime.load(std::memory_order_acquire)) {
    const void* list[] = {args..., nullptr};
    return rt->on_exit(slot, start, ret, exception, list, sizeof...(Args)) ? 1 : 0;
  }
  return 0;
}

template <typename... Args>
int32_t exception_hook(int32_t slot, int64_t start, void* ret, void* exception, Args... args) noexcept {
  if (WatchRuntime* rt = g_runtime.load(std::memory_order_acquire)) {
    const void* list[] = {args..., nullptr};
    // An exception's event never waits for a stack (watch_runtime.h).
    (void)rt->on_exit(slot, start, ret, exception, list, sizeof...(Args));
  }
  return 0;
}

// Called with a GC transition (preemptive mode), right after a leave hook
// that returned 1, on the same thread.
void stack_hook(int32_t /*slot*/) noexcept {
  if (WatchRuntime* rt = g_runtime.load(std::memory_order_acquire)) rt->on_stack();
}

// The event a leave hook kept for the stack hook that follows it.
struct PendingEvent {
  bool waiting = false;
  uint32_t counters_index = 0;
  Event event;
};
thread_local PendingEvent t_pending;

template <size_t>
using VoidPtr = void*;

template <size_t N>
uint64_t leave_address() {
  return [&]<size_t... I>(std::index_sequence<I...>) { return reinterpret_cast<uint64_t>(&leave_hook<VoidPtr<I>...>); }
  (std::make_index_sequence<N>{});
}

template <size_t N>
uint64_t exception_address() {
  return [&]<size_t... I>(std::index_sequence<I...>) {
    return reinterpret_cast<uint64_t>(&exception_hook<VoidPtr<I>...>);
  }
  (std::make_index_sequence<N>{});
}

template <size_t... N>
std::array<uint64_t, sizeof...(N)> all_leave(std::index_sequence<N...>) {
  return {leave_address<N>()...};
}

template <size_t... N>
std::array<uint64_t, sizeof...(N)> all_exception(std::index_sequence<N...>) {
  return {exception_address<N>()...};
}

// The exception's type and message, read like any object and its string
// field `_message` (offset from the agent; 0: unknown).
Value read_exception(const void* address, const ObjectLayout& layout, const TypeNamer& namer) {
  CapturePlan as_object;
  as_object.kind = CaptureKind::Reference;
  as_object.type = "System.Exception";
  Value v = read_value(as_object, address, layout, namer);
  if (v.kind != ValueKind::Object || layout.exception_message_offset == 0) return v;
  const auto* object = *static_cast<const uint8_t* const*>(address);
  CapturePlan as_string;
  as_string.kind = CaptureKind::String;
  const Value message = read_value(as_string, object + layout.exception_message_offset, layout, nullptr);
  if (message.kind == ValueKind::String) v.text = message.text;
  v.length = -1;
  return v;
}

}  // namespace

WatchRuntime::WatchRuntime(EventRingWriter& ring, ObjectLayout layout, TypeNamer namer, stats::ClockCalibration clock)
    : ring_(ring),
      layout_(layout),
      namer_(std::move(namer)),
      clock_(clock),
      slots_(new std::atomic<const WatchedMethod*>[kWatchSlotLimit]()) {}

WatchRuntime::~WatchRuntime() {
  WatchRuntime* self = this;
  g_runtime.compare_exchange_strong(self, nullptr);
}

void WatchRuntime::install(WatchRuntime* runtime) noexcept { g_runtime.store(runtime, std::memory_order_release); }

void WatchRuntime::attach(int32_t slot, std::shared_ptr<WatchedMethod> method) {
  if (slot < 0 || static_cast<uint32_t>(slot) >= kWatchSlotLimit || !method) return;
  method->uses = method->condition.uses();
  method->fast = FastCondition::compile(method->condition, method->arg_params, method->arg_plans);
  const WatchedMethod* raw = method.get();
  {
    std::lock_guard lock(keep_mutex_);
    keep_.push_back(std::move(method));
  }
  slots_[slot].store(raw, std::memory_order_release);
}

void WatchRuntime::detach(int32_t slot) {
  if (slot < 0 || static_cast<uint32_t>(slot) >= kWatchSlotLimit) return;
  slots_[slot].store(nullptr, std::memory_order_release);
}

uint64_t WatchRuntime::leave_fn(uint32_t arg_count) {
  static const auto table = all_leave(std::make_index_sequence<kMaxWatchHookArgs + 1>{});
  return arg_count < table.size() ? table[arg_count] : 0;
}

uint64_t WatchRuntime::exception_fn(uint32_t arg_count) {
  static const auto table = all_exception(std::make_index_sequence<kMaxWatchHookArgs + 1>{});
  return arg_count < table.size() ? table[arg_count] : 0;
}

uint64_t WatchRuntime::stack_fn() { return reinterpret_cast<uint64_t>(&stack_hook); }

bool WatchRuntime::on_exit(int32_t slot, int64_t start, const void* ret, const void* exception, const void* const* args,
                           uint32_t count) noexcept {
  if (slot < 0 || static_cast<uint32_t>(slot) >= kWatchSlotLimit || start == 0) return false;
  const WatchedMethod* m = slots_[slot].load(std::memory_order_acquire);
  if (m == nullptr) return false;
  try {
    // The clock is read here only when the condition asks for the latency or
    // the call is captured (a clock read is ~10 ns, on every call).
    const auto latency_since_start = [&] {
      const int64_t now = stats::read_ticks(clock_.kind);
      return static_cast<int64_t>(static_cast<double>(now - start) / clock_.ticks_per_ns);
    };
    int64_t latency_ns = 0;
    WatchState& watch = *m->watch;
    if (m->fast) {
      // Numbers only: decided on the raw values, the clock read if it asks.
      bool timed = false;
      const bool holds = m->fast->evaluate(args, count, [&] {
        timed = true;
        return latency_ns = latency_since_start();
      });
      if (!holds) return false;
      if (!timed) latency_ns = latency_since_start();
    } else if (!m->condition.always()) {
      if (m->uses.latency) latency_ns = latency_since_start();
      // Only what the condition reads is read before it decides: the entries
      // of the parameters it names are reset and read, the others never looked at.
      thread_local std::vector<Value> values;
      if (values.size() < m->declared_params) values.resize(m->declared_params);
      const ConditionUses& uses = m->uses;
      for (uint32_t used : uses.args) {
        if (used < values.size()) values[used] = Value{};
      }
      for (uint32_t pos = 0; pos < count && pos < m->arg_params.size(); ++pos) {
        const uint16_t param = m->arg_params[pos];
        for (uint32_t used : uses.args) {
          if (used == param) values[param] = read_value(m->arg_plans[pos], args[pos], layout_, namer_);
        }
      }
      Value returned = uses.return_value ? read_value(m->return_plan, ret, layout_, namer_) : Value{};
      Value escaped = exception != nullptr ? read_exception(exception, layout_, namer_) : Value{};
      const std::span<const Value> declared(values.data(), m->declared_params);
      if (!evaluate(m->condition, CallFacts{latency_ns, declared, &returned, &escaped})) return false;
    }
    if (!m->fast && !m->uses.latency) latency_ns = latency_since_start();
    WatchCounters& counters = ring_.counters(watch.counters_index);
    counters.matched.fetch_add(1, std::memory_order_relaxed);
    if (!watch.limiter.allow(unix_now_ns())) {
      counters.rate_dropped.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    return emit(*m, latency_ns, ret, exception, args, count);
  } catch (...) {
    // Out of memory while building an event: the call goes unreported.
    return false;
  }
}

void WatchRuntime::on_stack() noexcept {
  PendingEvent& pending = t_pending;
  if (!pending.waiting) return;
  pending.waiting = false;
  try {
    if (stack_walker_) {
      StackCapture found = stack_walker_(pending.event.method);
      pending.event.stack = std::move(found.frames);
      if (pending.event.stack.size() > kMaxStackFrames) pending.event.stack.resize(kMaxStackFrames);
      pending.event.stack_error = std::move(found.error);
    } else {
      pending.event.stack_error = "no stack walker in this agent";
    }
  } catch (...) {
    pending.event.stack.clear();
    pending.event.stack_error = "the stack walk failed";
  }
  try {
    const auto bytes = encode_event(pending.event, kRecordPayload);
    (void)ring_.write(pending.counters_index, bytes);
  } catch (...) {
    // Out of memory while encoding: the call goes unreported.
  }
}

bool WatchRuntime::emit(const WatchedMethod& m, int64_t latency_ns, const void* ret, const void* exception,
                        const void* const* args, uint32_t count) {
  const WatchOptions& options = m.watch->options;
  Event e;
  e.watch_id = options.id;
  e.time_unix_ns = unix_now_ns();
  e.thread = static_cast<uint32_t>(::syscall(SYS_gettid));
  e.method = m.method;
  e.latency_ns = latency_ns;
  if (options.args) {
    for (uint32_t pos = 0; pos < count && pos < m.arg_plans.size(); ++pos) {
      e.args.push_back({m.arg_names[pos], read_value(m.arg_plans[pos], args[pos], layout_, namer_)});
    }
  }
  if (options.return_value && exception == nullptr) e.return_value = read_value(m.return_plan, ret, layout_, namer_);
  if (exception != nullptr) e.exception = read_exception(exception, layout_, namer_);
  e.note = m.note;
  if (options.stack && exception == nullptr) {
    // The stack hook walks and writes (watch_runtime.h). An event still
    // waiting here means the IL never called it: write that one as it is.
    PendingEvent& pending = t_pending;
    if (pending.waiting) {
      pending.event.stack_error = "the stack hook was not reached";
      (void)ring_.write(pending.counters_index, encode_event(pending.event, kRecordPayload));
    }
    pending.waiting = true;
    pending.counters_index = m.watch->counters_index;
    pending.event = std::move(e);
    return true;
  }
  if (options.stack) e.stack_error = "not captured for an escaping exception";
  const auto bytes = encode_event(e, kRecordPayload);
  (void)ring_.write(m.watch->counters_index, bytes);
  return false;
}

}  // namespace clrprobe::watch
