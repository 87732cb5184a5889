// The stats region's bytes, shared between the agent (writer, inside the
// host process) and readers in other processes (CLI, exporter). Everything is
// fixed-width and position-independent; atomics are applied with
// std::atomic_ref so the structs stay trivially copyable and their layout is
// exactly what the static_asserts say.
//
// Layout v2 is sparse by design: a probed method that is never called costs
// its 32-byte SlotMeta, its name in the string area and 4 bytes of stripe
// mask; counters and histograms exist only where a thread counted.
//
//   offset 0              RegionHeader (256 bytes, rest of page 0 unused)
//   slot_meta_offset      SlotMeta[slot_capacity]                 32 bytes each
//   stripe_masks_offset   uint32_t[slot_capacity]: bit s = stripe s counted this slot
//   hot_offset            HotCounters[stripe_count][slot_capacity] 48 bytes each,
//                         stripe-major (each stripe page-aligned): one thread's
//                         counters never share a cache line with another's
//   strings_offset        names and modules, appended (slot_capacity * kSlotStringBytes)
//   histograms_offset     HistogramBlock[histogram_blocks], 4096 bytes each, handed
//                         out on a (slot, stripe)'s first completion
//
// The hit path checks the slot's stripe mask before it touches the slot's hot
// counters; the first time, it reserves their page (fallocate) and sets the
// bit (hit_slow_path.h). A reader reads the mask first and only the hot
// counters (and histogram blocks) of the stripes it names, so untouched
// memory stays untouched: on a tmpfs, even reading a hole allocates a page.
//
// A bump of layout_version is required for any change a reader could misread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "stats/histogram.h"

namespace clrprobe::stats {

inline constexpr char kRegionMagic[8] = {'C', 'L', 'R', 'P', 'R', 'O', 'B', 'E'};
inline constexpr uint32_t kLayoutVersion = 3;  // 3: HotCounters::latency_run
inline constexpr uint64_t kPageSize = 4096;

// Writer-side shape. Readers take slot_capacity/stripe_count from the header.
inline constexpr uint32_t kStripeCount = 16;  // stripes 0..14 leased, 15 shared
// Untouched capacity costs address space only, so the default covers 100,000+
// probed methods.
inline constexpr uint32_t kDefaultSlotCapacity = 131072;
inline constexpr uint32_t kMaxSlotCapacity = 1u << 20;
inline constexpr uint32_t kMaxStripeCount = 32;  // one bit each in a stripe mask
inline constexpr uint32_t kMaxHistogramBlocks = 1u << 22;

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
  uint32_t hot_counters_size;       // sizeof(HotCounters)
  uint64_t slot_meta_offset;
  uint64_t hot_offset;
  double ticks_per_ns;              // calibration; 1.0 for the monotonic clock
  uint32_t slots_used;              // atomic: slots [0, slots_used) were allocated
  uint32_t histogram_blocks;        // capacity of the histogram pool
  uint64_t stripe_masks_offset;
  uint64_t hot_stripe_stride;  // bytes from one stripe's hot array to the next
  uint64_t strings_offset;
  uint64_t strings_size;
  uint64_t histograms_offset;
  uint32_t histogram_block_size;    // sizeof(HistogramBlock)
  uint32_t histograms_used;         // atomic: blocks handed out (may overshoot the pool)
  uint64_t strings_used;            // atomic: bytes of the string area written
  uint64_t histograms_unavailable;  // atomic: (slot, stripe) pairs counted without latency
  uint64_t calls_lost;              // atomic: calls not counted (no page for their counters)
  uint64_t reserved[9];
};
static_assert(sizeof(RegionHeader) == 256);
static_assert(offsetof(RegionHeader, ticks_per_ns) == 96);
static_assert(offsetof(RegionHeader, slots_used) == 104);

enum class SlotState : uint32_t { Free = 0, Active = 1, Retired = 2 };

// How a slot's method is probed (SlotMeta::kind). Only a Full slot has
// calls - Σbuckets = calls in flight: a Count slot has no latency, a Sampled
// slot latency for one call in N.
enum class SlotKind : uint32_t { Full = 0, Count = 1, Sampled = 2 };

// Longest name and module kept (longer ones are cut at a UTF-8 boundary).
inline constexpr size_t kSlotNameBytes = 360;
inline constexpr size_t kSlotModuleBytes = 128;
inline constexpr size_t kSlotStringBytes = kSlotNameBytes + kSlotModuleBytes;

struct SlotMeta {
  uint32_t generation;  // atomic seqlock: odd while the writer edits this slot
  uint32_t state;       // SlotState, atomic
  uint32_t kind;        // SlotKind
  uint32_t name_len;
  uint32_t module_len;
  uint32_t reserved;
  uint64_t string_offset;  // into the string area: name, then module (no NULs)
};
static_assert(sizeof(SlotMeta) == 32);

// One slot's counters as seen by one stripe. Only the thread leasing the
// stripe writes it (plain load + store); the shared stripe uses atomic RMW.
struct HotCounters {
  uint64_t calls;       // entered calls
  uint64_t exceptions;  // calls that left by an exception
  uint64_t cancelled;   // async: calls whose task was cancelled
  uint64_t max_ticks;   // exact maximum latency
  uint64_t unrecorded;  // finished calls counted without latency (no histogram block)
  uint32_t histogram;   // 0 = none yet, kNoHistogram = none to be had, else block + 1
  uint32_t latency_run;  // the latest returns of one latency bucket, not yet in the histogram (below)
};
static_assert(sizeof(HotCounters) == 48);

inline constexpr uint32_t kNoHistogram = UINT32_MAX;

// latency_run: `count` calls that returned with a latency in `bucket`, which
// belong to the slot's histogram (HotCounters::histogram) but are not added
// to it yet: (bucket + 1) << kRunTagShift | moving | count; 0 = none. The TSC
// return path (clrprobe_hit_leave, owner-only stripes) adds a call to the
// run while its bucket stays the same, a store to a fixed address, and moves
// the run into the block when the bucket changes or the count is full. An
// increment whose address depends on the clock just read (the bucket) cost
// ~6 ns a call on the bench machine; the run costs ~1. A move first sets the
// moving bit (count kept), then adds the run to the block, then starts the
// new run. Readers add the run to the block's buckets, from a block read
// twice around the run, the same both times (StatsReader::snapshot).
inline constexpr uint32_t kRunTagShift = 23;
inline constexpr uint32_t kRunMovingBit = 1u << 22;
inline constexpr uint32_t kRunCountMax = kRunMovingBit - 1;
static_assert(kBucketCount < (1u << (32 - kRunTagShift)), "a bucket number + 1 fits above the count");
inline constexpr uint32_t run_tag(uint32_t bucket) { return (bucket + 1) << kRunTagShift; }
inline constexpr uint32_t run_count(uint32_t run) { return run & kRunCountMax; }
// A run being moved into the block: the writer may or may not have added it
// to the block yet.
inline constexpr bool run_moving(uint32_t run) { return (run & kRunMovingBit) != 0; }
// The run's bucket; kBucketCount when the run is empty.
inline constexpr uint32_t run_bucket(uint32_t run) { return run == 0 ? kBucketCount : (run >> kRunTagShift) - 1; }

// Finished calls by latency bucket: every outcome (return, exception, task done).
struct HistogramBlock {
  uint64_t buckets[kBucketCount];
  uint64_t padding[(kPageSize / 8) - kBucketCount];
};
static_assert(sizeof(HistogramBlock) == kPageSize);

struct RegionGeometry {
  uint64_t slot_meta_offset;
  uint64_t stripe_masks_offset;
  uint64_t hot_offset;
  uint64_t hot_stripe_stride;
  uint64_t strings_offset;
  uint64_t strings_size;
  uint64_t histograms_offset;
  uint64_t total_size;
};

constexpr uint64_t round_up_page(uint64_t v) {
  return (v + kPageSize - 1) & ~(kPageSize - 1);
}

// Offsets for a region of the given shape (the writer's choice; readers
// recompute it and require the header to agree).
constexpr RegionGeometry region_geometry(uint64_t slot_capacity, uint64_t stripe_count, uint64_t histogram_blocks) {
  RegionGeometry g{};
  g.slot_meta_offset = kPageSize;
  g.stripe_masks_offset = round_up_page(g.slot_meta_offset + slot_capacity * sizeof(SlotMeta));
  g.hot_offset = round_up_page(g.stripe_masks_offset + slot_capacity * sizeof(uint32_t));
  g.hot_stripe_stride = round_up_page(slot_capacity * sizeof(HotCounters));
  g.strings_offset = g.hot_offset + stripe_count * g.hot_stripe_stride;
  g.strings_size = round_up_page(slot_capacity * kSlotStringBytes);
  g.histograms_offset = g.strings_offset + g.strings_size;
  g.total_size = g.histograms_offset + histogram_blocks * sizeof(HistogramBlock);
  return g;
}

// Histogram pool of a region of `slot_capacity` slots unless told otherwise:
// one block per slot (only (slot, stripe) pairs that finished a call use one).
constexpr uint32_t default_histogram_blocks(uint32_t slot_capacity) {
  return slot_capacity < 1024 ? 1024 : slot_capacity;
}

}  // namespace clrprobe::stats
