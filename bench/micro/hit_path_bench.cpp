// Cost of the native hit path: ns per clrprobe_hit_enter, per enter+leave,
// with 1 and 2 threads, next to the raw clock reads they contain.
//
//   ./hit_path_bench --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "stats/clock.h"
#include "stats/hit_path.h"
#include "stats/stats_region.h"
#include "stats/stripe.h"

namespace {

using namespace clrprobe::stats;

struct Regions {
  std::unique_ptr<StatsRegion> fast;       // TSC when available
  std::unique_ptr<StatsRegion> monotonic;  // clock_gettime fallback
  int32_t slot_a = 0;
  int32_t slot_b = 0;
};

Regions& regions() {
  static Regions r = [] {
    Regions out;
    auto fast = StatsRegion::create_anonymous(64);
    auto mono = StatsRegion::create_anonymous(64, ClockChoice::ForceMonotonic);
    if (!fast.ok() || !mono.ok()) {
      std::fprintf(stderr, "cannot create stats regions\n");
      std::abort();
    }
    out.fast = std::move(*fast);
    out.monotonic = std::move(*mono);
    out.slot_a = *out.fast->allocate_slot("Bench::A()", "bench.dll");
    out.slot_b = *out.fast->allocate_slot("Bench::B()", "bench.dll");
    (void)out.monotonic->allocate_slot("Bench::A()", "bench.dll");
    (void)out.monotonic->allocate_slot("Bench::B()", "bench.dll");
    StatsRegion::install_global(out.fast.get());
    std::fprintf(stderr, "clock: %s, %.4f ticks/ns\n",
                 out.fast->clock().kind == ClockKind::Tsc ? "tsc" : "monotonic",
                 out.fast->clock().ticks_per_ns);
    return out;
  }();
  return r;
}

void BM_ReadTicks(benchmark::State& state) {
  const ClockKind kind = regions().fast->clock().kind;
  for (auto _ : state) benchmark::DoNotOptimize(read_ticks(kind));
}
BENCHMARK(BM_ReadTicks);

void BM_ClockGettimeMonotonic(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(monotonic_ns());
}
BENCHMARK(BM_ClockGettimeMonotonic);

void BM_EnterNoRegion(benchmark::State& state) {
  regions();
  StatsRegion::install_global(nullptr);
  for (auto _ : state) benchmark::DoNotOptimize(clrprobe_hit_enter(0));
  StatsRegion::install_global(regions().fast.get());
}
BENCHMARK(BM_EnterNoRegion);

void BM_Enter(benchmark::State& state) {
  const int32_t slot = regions().slot_a;
  for (auto _ : state) benchmark::DoNotOptimize(clrprobe_hit_enter(slot));
}
BENCHMARK(BM_Enter)->Threads(1)->Threads(2);

void BM_EnterLeave(benchmark::State& state) {
  const int32_t slot = regions().slot_a;  // all threads on one slot
  for (auto _ : state) clrprobe_hit_leave(slot, clrprobe_hit_enter(slot));
}
BENCHMARK(BM_EnterLeave)->Threads(1)->Threads(2);

void BM_EnterLeaveOwnSlot(benchmark::State& state) {
  const int32_t slot = state.thread_index() % 2 == 0 ? regions().slot_a : regions().slot_b;
  for (auto _ : state) clrprobe_hit_leave(slot, clrprobe_hit_enter(slot));
}
BENCHMARK(BM_EnterLeaveOwnSlot)->Threads(2);

void BM_EnterException(benchmark::State& state) {
  const int32_t slot = regions().slot_a;
  for (auto _ : state) clrprobe_hit_exception(slot, clrprobe_hit_enter(slot));
}
BENCHMARK(BM_EnterException);

// The path of threads beyond the leasable stripes: atomic RMW on a stripe
// shared by all of them.
void BM_EnterLeaveSharedStripe(benchmark::State& state) {
  const int32_t slot = regions().slot_a;
  const uint32_t saved = detail::t_stripe_plus_one;
  detail::t_stripe_plus_one = kSharedStripe + 1;
  for (auto _ : state) clrprobe_hit_leave(slot, clrprobe_hit_enter(slot));
  detail::t_stripe_plus_one = saved;
}
BENCHMARK(BM_EnterLeaveSharedStripe)->Threads(1)->Threads(2);

void BM_EnterLeaveMonotonicClock(benchmark::State& state) {
  const int32_t slot = regions().slot_a;
  StatsRegion::install_global(regions().monotonic.get());
  for (auto _ : state) clrprobe_hit_leave(slot, clrprobe_hit_enter(slot));
  StatsRegion::install_global(regions().fast.get());
}
BENCHMARK(BM_EnterLeaveMonotonicClock);

}  // namespace

BENCHMARK_MAIN();
