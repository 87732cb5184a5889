// The stats region's bytes, shared between the agent (writer, inside the
// host process) and readers in other processes (CLI, exporter). Everything is
// fixed-width and position-independent; atomics are applied with
// std::atomic_ref so the structs stay trivially copyable and their layout is
// exactly what the static_asserts say.
//
//   offset 0                 RegionHeader (256 bytes, rest of page 0 unused)
//   slot_meta_offset (4096)  SlotMeta[slot_capacity]            512 bytes each
//   counters_offset          StripeCounters[slot_capacity][stripe_count]
//                            4096 bytes each (page-aligned, slot-major)
//
// A bump of layout_version is required for any change a reader could misread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "stats/histogram.h"

namespace clrprobe::stats {

inline constexpr char kRegionMagic[8] = {'C', 'L', 'R', 'P', 'R', 'O', 'B', 'E'};
inline constexpr uint32_t kLayoutVersion = 1;
inline constexpr uint64_t kPageSize = 4096;

// Writer-side shape. Readers take slot_capacity/stripe_count from the header.
inline constexpr uint32_t kStripeCount = 16;        // stripes 0..14 leased, 15 shared
inline constexpr uint32_t kDefaultSlotCapacity = 4096;
inline constexpr uint32_t kMaxSlotCapacity = 1u << 20;
inline constexpr uint32_t kMaxStripeCount = 1024;

inline constexpr uint32_t kHeaderFlagTsc = 1u << 0;  // ticks are TSC, not ns

struct RegionHeader {
  char magic[8];                    // "CLRPROBE"
  uint32_t layout_version;          // kLayoutVersion
  uint32_t header_size;             // sizeof(RegionHeader)
  uint64_t total_size;              // bytes of the whole region
  int32_t pid;                      // writer process
  uint32_t flags;                   // kHeaderFlag*
  uint64_t process_start_unix_ns;   // writer start, wall clock (10 ms resolution)
  uint64_t process_start_jiffies;   // /proc/<pid>/stat field 22: detects pid reuse
  uint64_t creation_unix_ns;        // CLOCK_REALTIME at create
  uint32_t slot_capacity;
  uint32_t stripe_count;
  uint32_t bucket_count;            // kBucketCount
  uint32_t sub_bucket_bits;         // kSubBucketBits
  uint32_t slot_meta_size;          // sizeof(SlotMeta)
  uint32_t stripe_counters_size;    // sizeof(StripeCounters)
  uint64_t slot_meta_offset;
  uint64_t counters_offset;
  double ticks_per_ns;              // calibration; 1.0 for the monotonic clock
  uint32_t slots_used;              // atomic: slots [0, slots_used) were allocated
  uint32_t reserved0;
  uint64_t reserved[18];
};
static_assert(sizeof(RegionHeader) == 256);
static_assert(offsetof(RegionHeader, ticks_per_ns) == 96);
static_assert(offsetof(RegionHeader, slots_used) == 104);

enum class SlotState : uint32_t { Free = 0, Active = 1, Retired = 2 };

// How a slot's method is probed (SlotMeta::kind). Only a Full slot has
// calls - Σbuckets = calls in flight: a Count slot has no latency, a Sampled
// slot latency for one call in N.
enum class SlotKind : uint32_t { Full = 0, Count = 1, Sampled = 2 };

inline constexpr size_t kSlotNameBytes = 360;    // display name, NUL-terminated
inline constexpr size_t kSlotModuleBytes = 128;  // module/assembly, NUL-terminated

struct SlotMeta {
  uint32_t generation;  // atomic seqlock: odd while the writer edits this slot
  uint32_t state;       // SlotState, atomic
  uint32_t name_len;
  uint32_t module_len;
  uint32_t kind;  // SlotKind: how the slot's method is probed (was reserved, 0 in older regions)
  uint32_t reserved;
  char name[kSlotNameBytes];      // e.g. "Ns.Type::Method(int32)"
  char module[kSlotModuleBytes];  // e.g. "MyApp.dll"
};
static_assert(sizeof(SlotMeta) == 512);

// One slot's figures as seen by one stripe. Only the thread leasing the
// stripe writes it (plain load + store); the shared stripe uses atomic RMW.
struct alignas(64) StripeCounters {
  uint64_t calls;       // entered calls
  uint64_t exceptions;  // calls that left by an exception
  uint64_t max_ticks;   // exact maximum latency
  uint64_t cancelled;   // async: calls whose task was cancelled (was reserved, 0 in older regions)
  uint64_t buckets[kBucketCount];  // finished calls: every outcome (return, exception, task done)
  uint64_t padding[(kPageSize / 8) - 4 - kBucketCount];
};
static_assert(sizeof(StripeCounters) == kPageSize);
static_assert(offsetof(StripeCounters, buckets) == 32);

struct RegionGeometry {
  uint64_t slot_meta_offset;
  uint64_t counters_offset;
  uint64_t total_size;
};

constexpr uint64_t round_up_page(uint64_t v) {
  return (v + kPageSize - 1) & ~(kPageSize - 1);
}

// Offsets for a region of the given shape (the writer's choice; readers
// recompute it and require the header to agree).
constexpr RegionGeometry region_geometry(uint64_t slot_capacity, uint64_t stripe_count) {
  RegionGeometry g{};
  g.slot_meta_offset = kPageSize;
  g.counters_offset = round_up_page(g.slot_meta_offset + slot_capacity * sizeof(SlotMeta));
  g.total_size = g.counters_offset + slot_capacity * stripe_count * sizeof(StripeCounters);
  return g;
}

}  // namespace clrprobe::stats
