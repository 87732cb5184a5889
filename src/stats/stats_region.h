// The writer side of the stats region (used by the agent): creates the
// shared memory, hands out slots, and installs itself as the target of the
// hit functions (hit_path.h). Readers use StatsReader (stats_reader.h).
//
// A file-backed region is created under a temporary name and renamed into
// place once its header is complete, so a reader never sees half a header.
// The file outlives the process for a final read; deleting it is the
// caller's business.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "stats/clock.h"
#include "stats/hit_path.h"
#include "stats/mapping.h"
#include "stats/region_layout.h"

namespace clrprobe::stats {

class StatsRegion {
 public:
  // File-backed (MAP_SHARED of `path`, mode 0600, sparse: untouched pages
  // cost nothing). capacity = number of slots, 1..kMaxSlotCapacity;
  // histogram_blocks = size of the histogram pool, 0 for the default.
  static Result<std::unique_ptr<StatsRegion>> create(const std::string& path, uint32_t capacity = kDefaultSlotCapacity,
                                                     ClockChoice clock = ClockChoice::Auto,
                                                     uint32_t histogram_blocks = 0);
  // Not file-backed (tests, or when no directory is writable).
  static Result<std::unique_ptr<StatsRegion>> create_anonymous(uint32_t capacity = kDefaultSlotCapacity,
                                                               ClockChoice clock = ClockChoice::Auto,
                                                               uint32_t histogram_blocks = 0);

  // Withdraws itself from the hit functions if installed, then unmaps. Only
  // safe when no thread can be inside a hit function: the agent keeps its
  // region for the life of the process.
  ~StatsRegion();
  StatsRegion(const StatsRegion&) = delete;
  StatsRegion& operator=(const StatsRegion&) = delete;

  // Next free slot, state Active, with its display name (e.g.
  // "Ns.Type::Method(int32)"), module (both truncated to fit) and kind
  // (SlotKind). The pages the hit path may write for it are reserved first,
  // so it never faults on a full file system (SIGBUS). Slots are never reused.
  Result<int32_t> allocate_slot(std::string_view name, std::string_view module,
                                uint32_t kind = static_cast<uint32_t>(SlotKind::Full));
  // Marks a slot Retired (probe removed); its figures stay readable, and
  // calls still in flight keep counting.
  Status retire_slot(int32_t slot);
  // Marks a Retired slot Active again (a probe re-added to its instrumented code).
  Status reactivate_slot(int32_t slot);
  // Records how the slot's method is probed (readers show in-flight and
  // latency accordingly).
  Status set_slot_kind(int32_t slot, SlotKind kind);

  // Makes `region` (or nothing, with nullptr) the target of the hit functions.
  static void install_global(StatsRegion* region) noexcept;
  static StatsRegion* global() noexcept;

  std::span<const std::byte> bytes() const noexcept;  // for StatsReader::view
  const std::string& path() const noexcept { return path_; }  // empty if anonymous
  uint32_t capacity() const noexcept { return capacity_; }
  uint32_t slots_used() const noexcept;
  // The clock its ticks are in. With ClockChoice::Background (or Deferred) it may change
  // (monotonic to TSC) until the first slot is allocated, never after.
  ClockCalibration clock() const noexcept { return clock_; }
  // Adopts a pending background calibration now, as the first slot would
  // (waiting for it if needed), and returns the clock every tick of this
  // region is in from now on: for timers outside the hit functions (watch).
  ClockCalibration settled_clock();

 private:
  StatsRegion(Mapping mapping, int fd, std::string path, uint32_t capacity, uint32_t histogram_blocks,
              ClockCalibration clock);
  static Result<std::unique_ptr<StatsRegion>> finish(Mapping mapping, int fd, std::string path, uint32_t capacity,
                                                     uint32_t histogram_blocks, ClockCalibration clock);
  // fallocate ahead of need (under mutex_): pages for a chunk of slots, string bytes.
  Status reserve_slot_pages(uint32_t slot);
  Status reserve_strings(uint64_t end);
  Status reserve_hot_pages(uint32_t slot);
  RegionHeader& header() const noexcept;
  SlotMeta& meta(uint32_t slot) const noexcept;
  Status set_state(int32_t slot, SlotState from, SlotState to);
  void adopt_calibration();

  HitTarget hit_;  // first: what the hit functions read
  Mapping mapping_;
  int fd_ = -1;  // kept open to reserve pages; -1 when anonymous
  std::string path_;
  uint32_t capacity_ = 0;
  ClockCalibration clock_{};
  bool clock_pending_ = false;  // Background, Deferred: calibration not adopted yet (guarded by mutex_)
  RegionGeometry geometry_{};
  uint32_t reserved_slots_ = 0;      // slots [0, this) have their pages reserved
  uint32_t hot_reserved_slots_ = 0;  // slots [0, this) have their counters' pages reserved
  uint64_t reserved_strings_ = 0;    // bytes of the string area reserved
  std::mutex mutex_;  // serialises slot allocation and state edits (never the hit path)
};

}  // namespace clrprobe::stats
