// The watch hooks as the instrumented IL calls them (addresses of an
// Designated initializers leave the other options at their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
// argument copy, the return value, the exception local): the condition
// decides, the rate limits, and events arrive in the ring with the values.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "watch/watch_event.h"
#include "watch/watch_runtime.h"

namespace clrprobe::watch {
namespace {

using Hook2 = int32_t (*)(int32_t, int64_t, void*, void*, void*, void*);
using StackHook = void (*)(int32_t);

struct Fixture {
  std::unique_ptr<EventRingWriter> ring;
  std::unique_ptr<WatchRuntime> runtime;
  std::shared_ptr<WatchState> watch;
  EventRingReader reader;

  static Fixture make(WatchOptions options) {
    auto ring = EventRingWriter::create_anonymous(64);
    EXPECT_TRUE(ring);
    auto reader = EventRingReader::view((*ring)->bytes());
    EXPECT_TRUE(reader);
    ObjectLayout layout;
    layout.exception_message_offset = 16;
    auto runtime = std::make_unique<WatchRuntime>(
        **ring, layout,
        [](uintptr_t mt) {
          return RuntimeType{mt == 0xE ? "System.TimeoutException" : "?", false};
        },
        stats::ClockCalibration{});
    const auto index = (*ring)->open_watch(options.id);
    EXPECT_TRUE(index);
    auto watch = std::make_shared<WatchState>(options, *index);
    return Fixture{std::move(ring.value()), std::move(runtime), std::move(watch), std::move(reader.value())};
  }

  // static int32 Save(int32 amount, string customer) on stats slot 3.
  void attach(const std::string& condition_text) {
    auto m = std::make_shared<WatchedMethod>();
    m->watch = watch;
    m->method = "Shop.Store::Save";
    m->declared_params = 2;
    m->arg_params = {0, 1};
    m->arg_names = {"amount", "customer"};
    m->arg_plans.resize(2);
    m->arg_plans[0].kind = CaptureKind::I4;
    m->arg_plans[1].kind = CaptureKind::String;
    m->return_plan.kind = CaptureKind::I4;
    if (!condition_text.empty()) {
      auto parsed = parse_condition(condition_text);
      EXPECT_TRUE(parsed);
      const std::vector<std::string> names{"amount", "customer"};
      auto bound = bind_condition(*parsed, names);
      EXPECT_TRUE(bound);
      m->condition = *bound;
    }
    runtime->attach(3, m);
  }

  std::vector<Event> events() {
    std::vector<std::vector<uint8_t>> payloads;
    uint64_t lost = 0;
    reader.poll(&payloads, &lost);
    std::vector<Event> out;
    for (const auto& p : payloads) {
      auto e = decode_event(p);
      EXPECT_TRUE(e);
      if (e) out.push_back(*e);
    }
    return out;
  }
};

std::vector<uint8_t> string_object(const std::u16string& s) {
  std::vector<uint8_t> o(12 + s.size() * 2 + 2, 0);
  const auto length = static_cast<int32_t>(s.size());
  std::memcpy(o.data() + 8, &length, 4);
  std::memcpy(o.data() + 12, s.data(), s.size() * 2);
  return o;
}

int64_t ticks_ago(int64_t ns) { return stats::read_ticks(stats::ClockKind::Monotonic) - ns; }

TEST(WatchRuntime, ACallWhoseConditionHoldsBecomesAnEventWithItsValues) {
  WatchOptions options{.id = 11, .args = true, .return_value = true};
  Fixture f = Fixture::make(options);
  f.attach("amount > 100 && customer == \"bob\"");
  WatchRuntime::install(f.runtime.get());
  auto hook = reinterpret_cast<Hook2>(WatchRuntime::leave_fn(2));
  auto bob = string_object(u"bob");
  auto alice = string_object(u"alice");
  const uint8_t* customer = bob.data();
  int32_t amount = 150, result = 42;
  hook(3, ticks_ago(2'000'000), &result, nullptr, &amount, &customer);  // matches
  amount = 50;
  hook(3, ticks_ago(1000), &result, nullptr, &amount, &customer);  // amount too small
  amount = 150;
  customer = alice.data();
  hook(3, ticks_ago(1000), &result, nullptr, &amount, &customer);  // another customer
  hook(4, ticks_ago(1000), &result, nullptr, &amount, &customer);  // a slot nobody watches
  WatchRuntime::install(nullptr);

  const auto events = f.events();
  ASSERT_EQ(events.size(), 1u);
  const Event& e = events[0];
  EXPECT_EQ(e.watch_id, 11u);
  EXPECT_EQ(e.method, "Shop.Store::Save");
  EXPECT_GE(e.latency_ns, 2'000'000);
  EXPECT_LT(e.latency_ns, 2'000'000'000);
  ASSERT_EQ(e.args.size(), 2u);
  EXPECT_EQ(e.args[0].name, "amount");
  EXPECT_EQ(e.args[0].value, Value::integer(150, "System.Int32"));
  EXPECT_EQ(e.args[1].value, Value::string("bob", 3));
  EXPECT_EQ(e.return_value, Value::integer(42, "System.Int32"));
  EXPECT_EQ(e.exception.kind, ValueKind::Absent);
  EXPECT_NE(e.thread, 0u);
  EXPECT_EQ(f.reader.counts(f.watch->counters_index).matched, 1u);
}

TEST(WatchRuntime, AnEscapingExceptionIsReportedWithItsTypeAndMessage) {
  WatchOptions options{.id = 12, .args = false, .return_value = true};
  Fixture f = Fixture::make(options);
  f.attach("exception == \"TimeoutException\"");
  WatchRuntime::install(f.runtime.get());
  auto message = string_object(u"too slow");
  std::vector<uint8_t> exception_object(24, 0);
  const uintptr_t mt = 0xE;
  std::memcpy(exception_object.data(), &mt, 8);
  const uint8_t* message_ref = message.data();
  std::memcpy(exception_object.data() + 16, &message_ref, 8);
  const uint8_t* exception_local = exception_object.data();
  int32_t amount = 1;
  const uint8_t* customer = nullptr;
  auto leave = reinterpret_cast<Hook2>(WatchRuntime::leave_fn(2));
  auto filter = reinterpret_cast<Hook2>(WatchRuntime::exception_fn(2));
  int32_t result = 0;
  leave(3, ticks_ago(10), &result, nullptr, &amount, &customer);  // returned: no event
  filter(3, ticks_ago(10), nullptr, &exception_local, &amount, &customer);
  WatchRuntime::install(nullptr);
  const auto events = f.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].exception.type, "System.TimeoutException");
  EXPECT_EQ(events[0].exception.text, "too slow");
  EXPECT_TRUE(events[0].args.empty());                        // no --args
  EXPECT_EQ(events[0].return_value.kind, ValueKind::Absent);  // nothing returned
}

TEST(WatchRuntime, EventsOverTheRateAreDroppedAndCounted) {
  WatchOptions options{.id = 13, .args = true, .return_value = false, .exception = true, .rate = 10};
  Fixture f = Fixture::make(options);
  f.attach("");
  WatchRuntime::install(f.runtime.get());
  auto hook = reinterpret_cast<Hook2>(WatchRuntime::leave_fn(2));
  int32_t amount = 1, result = 0;
  const uint8_t* customer = nullptr;
  for (int i = 0; i < 1000; ++i) hook(3, ticks_ago(10), &result, nullptr, &amount, &customer);
  WatchRuntime::install(nullptr);
  const auto counts = f.reader.counts(f.watch->counters_index);
  EXPECT_EQ(counts.matched, 1000u);
  // A second boundary may fall inside the loop: at most two windows' worth.
  EXPECT_GE(counts.emitted, 10u);
  EXPECT_LE(counts.emitted, 20u);
  EXPECT_EQ(counts.emitted + counts.rate_dropped, 1000u);
  EXPECT_EQ(f.events().size(), counts.emitted);
}

TEST(WatchRuntime, DetachedSlotsAndUnstartedCallsProduceNothing) {
  WatchOptions options{.id = 14};
  Fixture f = Fixture::make(options);
  f.attach("");
  WatchRuntime::install(f.runtime.get());
  auto hook = reinterpret_cast<Hook2>(WatchRuntime::leave_fn(2));
  int32_t amount = 1, result = 0;
  const uint8_t* customer = nullptr;
  hook(3, 0, &result, nullptr, &amount, &customer);  // enter did not count this call
  f.runtime->detach(3);
  hook(3, ticks_ago(10), &result, nullptr, &amount, &customer);
  WatchRuntime::install(nullptr);
  EXPECT_TRUE(f.events().empty());
}

TEST(WatchRuntime, ACapturedCallOfAStackWatchWaitsForTheStackHookWhichWritesItWithTheWalkedFrames) {
  WatchOptions options{.id = 15, .args = true, .return_value = false, .exception = true, .rate = 50, .stack = true};
  Fixture f = Fixture::make(options);
  std::vector<std::string> asked;
  f.runtime->set_stack_walker([&](const std::string& watched) {
    asked.push_back(watched);
    return StackCapture{{"Shop.Api::Post", "Shop.Program::Main"}, ""};
  });
  f.attach("amount > 100");
  WatchRuntime::install(f.runtime.get());
  auto hook = reinterpret_cast<Hook2>(WatchRuntime::leave_fn(2));
  auto stack = reinterpret_cast<StackHook>(WatchRuntime::stack_fn());
  int32_t amount = 50, result = 0;
  const uint8_t* customer = nullptr;
  EXPECT_EQ(hook(3, ticks_ago(10), &result, nullptr, &amount, &customer), 0);  // not captured: no stack call
  amount = 150;
  EXPECT_EQ(hook(3, ticks_ago(10), &result, nullptr, &amount, &customer), 1);
  EXPECT_TRUE(f.events().empty());  // waits for the stack
  EXPECT_TRUE(asked.empty());
  stack(3);
  stack(3);  // nothing waits any more: no second event
  WatchRuntime::install(nullptr);
  const auto events = f.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].stack, (std::vector<std::string>{"Shop.Api::Post", "Shop.Program::Main"}));
  EXPECT_TRUE(events[0].stack_error.empty());
  EXPECT_EQ(events[0].args[0].value, Value::integer(150, "System.Int32"));
  EXPECT_EQ(asked, (std::vector<std::string>{"Shop.Store::Save"}));
}

TEST(WatchRuntime, AFailedStackWalkGivesTheEventAStackErrorAndAWatchWithoutStackNeverAsks) {
  WatchOptions options{.id = 16, .args = false, .return_value = false, .exception = true, .rate = 50, .stack = true};
  Fixture f = Fixture::make(options);
  f.runtime->set_stack_walker([](const std::string&) {
    return StackCapture{{}, "the runtime refused the stack walk: hr=0x80131360"};
  });
  f.attach("");
  WatchRuntime::install(f.runtime.get());
  auto hook = reinterpret_cast<Hook2>(WatchRuntime::leave_fn(2));
  int32_t amount = 1, result = 0;
  const uint8_t* customer = nullptr;
  ASSERT_EQ(hook(3, ticks_ago(10), &result, nullptr, &amount, &customer), 1);
  reinterpret_cast<StackHook>(WatchRuntime::stack_fn())(3);
  f.watch->options.stack = false;  // the same method watched without --stack
  EXPECT_EQ(hook(3, ticks_ago(10), &result, nullptr, &amount, &customer), 0);
  WatchRuntime::install(nullptr);
  const auto events = f.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].stack.empty());
  EXPECT_EQ(events[0].stack_error, "the runtime refused the stack walk: hr=0x80131360");
  EXPECT_TRUE(events[1].stack_error.empty());
}

TEST(WatchRuntime, AnEscapingExceptionOfAStackWatchIsWrittenAtOnceAndSaysWhyItHasNoStack) {
  WatchOptions options{.id = 17, .args = false, .return_value = false, .exception = true, .rate = 50, .stack = true};
  Fixture f = Fixture::make(options);
  bool walked = false;
  f.runtime->set_stack_walker([&](const std::string&) {
    walked = true;
    return StackCapture{};
  });
  f.attach("");
  WatchRuntime::install(f.runtime.get());
  std::vector<uint8_t> exception_object(24, 0);
  const uintptr_t mt = 0xE;
  std::memcpy(exception_object.data(), &mt, 8);
  const uint8_t* exception_local = exception_object.data();
  int32_t amount = 1;
  const uint8_t* customer = nullptr;
  auto filter = reinterpret_cast<Hook2>(WatchRuntime::exception_fn(2));
  EXPECT_EQ(filter(3, ticks_ago(10), nullptr, &exception_local, &amount, &customer), 0);
  WatchRuntime::install(nullptr);
  const auto events = f.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].exception.type, "System.TimeoutException");
  EXPECT_EQ(events[0].stack_error, "not captured for an escaping exception");
  EXPECT_FALSE(walked);
}

TEST(WatchRuntime, EveryArgumentCountHasItsOwnHooks) {
  for (uint32_t n = 0; n <= kMaxWatchHookArgs; ++n) {
    EXPECT_NE(WatchRuntime::leave_fn(n), 0u) << n;
    EXPECT_NE(WatchRuntime::exception_fn(n), 0u) << n;
    if (n > 0) {
      EXPECT_NE(WatchRuntime::leave_fn(n), WatchRuntime::leave_fn(n - 1));
    }
  }
  EXPECT_EQ(WatchRuntime::leave_fn(kMaxWatchHookArgs + 1), 0u);
}

}  // namespace
}  // namespace clrprobe::watch
