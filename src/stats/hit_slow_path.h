// The hit path's slow paths, each taken once per (slot, stripe): opening a
// stripe for a slot (reserving the page of its hot counters and setting the
// slot's stripe mask bit, which is what tells readers to look there), and
// handing out a histogram block on the first completion. Both are lock-free
// and never let the hit path fault on a full tmpfs (SIGBUS): pages are
// reserved with fallocate before anything is written to them. A stripe that
// cannot be opened drops the call (RegionHeader::calls_lost says how many);
// a block that cannot be had becomes kNoHistogram and completions are then
// counted without latency (RegionHeader::histograms_unavailable).
#pragma once

#include <cstdint>

#include "stats/hit_path.h"
#include "stats/region_layout.h"

namespace clrprobe::stats {

// True once `stripe` may write the slot's hot counters.
bool open_stripe(const HitTarget* t, uint32_t slot, uint32_t stripe) noexcept;

// The block number (+1) for `c`, allocated now if it has none; kNoHistogram
// when the pool is exhausted or its pages cannot be reserved.
uint32_t attach_histogram(const HitTarget* t, HotCounters& c) noexcept;

}  // namespace clrprobe::stats
