// The reader side of the stats region (CLI, exporter, the agent's own final
// report). Opening validates every size and offset against the file, so a
// truncated or garbage file is an Error, never a crash. Reads are lock-free
// and may run while the writer is live: figures are merged over stripes at
// the moment of the read (each counter is exact; a snapshot is not a
// transaction across counters, so `completed` may trail `calls` by the calls
// in flight).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "stats/clock.h"
#include "stats/histogram.h"
#include "stats/mapping.h"
#include "stats/region_layout.h"

namespace clrprobe::stats {

struct RegionInfo {
  int32_t pid = 0;
  uint64_t process_start_unix_ns = 0;
  uint64_t process_start_jiffies = 0;
  uint64_t creation_unix_ns = 0;
  uint32_t slot_capacity = 0;
  uint32_t stripe_count = 0;
  ClockKind clock = ClockKind::Monotonic;
  double ticks_per_ns = 1.0;
  uint64_t total_size = 0;
  uint32_t histogram_blocks = 0;  // pool capacity
};

struct SlotInfo {
  int32_t slot = -1;
  SlotState state = SlotState::Free;
  uint32_t generation = 0;  // even; grows by 2 with every metadata change
  SlotKind kind = SlotKind::Full;  // Count/Sampled: calls in flight are not known
  std::string name;
  std::string module;
};

struct SlotSnapshot {
  SlotInfo info;
  uint64_t calls = 0;       // entered
  uint64_t exceptions = 0;  // left by an exception, or whose task faulted
  uint64_t cancelled = 0;   // whose task was cancelled (not an exception)
  uint64_t completed = 0;   // finished, any outcome (= histogram.total() + unrecorded)
  // Finished without a latency (no histogram block could be had for one of
  // the threads); they count in `completed`, not in the histogram.
  uint64_t unrecorded = 0;
  // Calls started and not finished (async calls whose task is pending, calls
  // on a stack right now). Counters are read one after another, so clamp.
  // Only a Full slot times every call: for the others it is unknown (0).
  uint64_t in_flight() const { return info.kind == SlotKind::Full && calls > completed ? calls - completed : 0; }
  bool in_flight_known() const { return info.kind == SlotKind::Full; }
  Histogram histogram;      // latencies in ticks
  uint64_t max_ticks = 0;
  double max_ns = 0.0;
  double ticks_per_ns = 1.0;
};

class StatsReader {
 public:
  // Maps the file read-only. The mapping stays valid while the writer lives
  // and after it exited. (Like any mmap reader, it assumes nobody truncates
  // the file under it; the agent never does.)
  static Result<StatsReader> open(const std::string& path);
  // Reads a region already in memory, e.g. StatsRegion::bytes(). Not owning:
  // the bytes must outlive the reader.
  static Result<StatsReader> view(std::span<const std::byte> bytes);

  StatsReader(StatsReader&&) noexcept = default;
  StatsReader& operator=(StatsReader&&) noexcept = default;

  const RegionInfo& info() const noexcept { return info_; }
  // The mapped region (tests measure which of its pages a read touched).
  std::span<const std::byte> bytes() const noexcept { return bytes_; }
  // Slots [0, slots_used()) were allocated; read live from the header.
  uint32_t slots_used() const noexcept;
  // True while the writer process runs (same pid and same start time).
  bool writer_alive() const;
  // The same for a writer in another pid namespace (a container): the
  // process `pid_here` (its pid as seen from here) is the writer while its
  // start time is the recorded one.
  bool writer_alive_as(int32_t pid_here) const;

  // (slot, stripe) pairs whose completions are counted without latency because
  // the histogram pool was exhausted or its pages could not be reserved.
  uint64_t histograms_unavailable() const noexcept;
  // Calls not counted at all: no page could be reserved for their counters.
  uint64_t calls_lost() const noexcept;

  // NotFound for a slot outside the capacity; a never-allocated slot reads as
  // Free with zero figures. Reads only the slot's metadata, its name, and the
  // counters of the stripes that counted it: never a page nobody wrote.
  Result<SlotInfo> slot_info(int32_t slot) const;
  Result<SlotSnapshot> snapshot(int32_t slot) const;

  // Nearest-rank percentiles (each in [0, 100]) in ns, capped at the exact
  // maximum; 0 for an empty histogram.
  static std::vector<double> percentiles_ns(const SlotSnapshot& snapshot,
                                            std::span<const double> percents);
  static std::vector<double> percentiles_ns(const SlotSnapshot& snapshot,
                                            std::initializer_list<double> percents);

 private:
  StatsReader(Mapping owned, std::span<const std::byte> bytes, RegionInfo info,
              RegionGeometry geometry);

  Mapping owned_;                    // empty for view()
  std::span<const std::byte> bytes_;
  RegionInfo info_;
  RegionGeometry geometry_{};
};

}  // namespace clrprobe::stats
