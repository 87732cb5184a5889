#include "stats/stats_reader.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <optional>
#include <chrono>
#include <thread>

#include "stats/process_identity.h"
#include "stats/slot_meta_io.h"

namespace clrprobe::stats {
namespace {

// Relaxed loads of memory another process writes (works on const, unlike
// std::atomic_ref in C++20).
template <typename T>
T load_relaxed(const T& field) noexcept {
  return __atomic_load_n(&field, __ATOMIC_RELAXED);
}
template <typename T>
T load_acquire(const T& field) noexcept {
  return __atomic_load_n(&field, __ATOMIC_ACQUIRE);
}

// One stripe's latencies of a slot: its histogram block plus its run
// (region_layout.h, latency_run), as of one instant. It reads the run, the
// block, the run, the block again, and keeps a reading when the run is not
// being moved and either both block reads are equal (counts only grow: no
// move landed in between, so the run read between them is that block's) or
// both run reads are (no move in between: the first block read is that
// run's). A move takes nanoseconds: 16 quick attempts, then, while the
// writer lives (one stopped mid-move, e.g. preempted), waits of 50 µs for up
// to 20 ms. Past that the last reading is used, a moving run counted: off by
// at most that one run (short whenever runs move so often that no reading
// holds still).
void add_block_and_run(const HistogramBlock& block, const HotCounters& c, Histogram& into, const StatsReader& reader) {
  uint64_t first[kBucketCount];
  uint64_t second[kBucketCount];
  const uint64_t* kept = second;
  uint32_t run = 0;
  auto read_block = [&](uint64_t* out) {
    for (uint32_t k = 0; k < kBucketCount; ++k) out[k] = load_relaxed(block.buckets[k]);
  };
  std::optional<std::chrono::steady_clock::time_point> give_up;
  for (int attempt = 0;; ++attempt) {
    const uint32_t before = load_acquire(c.latency_run);
    read_block(first);
    std::atomic_thread_fence(std::memory_order_acquire);
    run = load_acquire(c.latency_run);
    read_block(second);
    if (!run_moving(run)) {
      if (std::equal(first, first + kBucketCount, second)) break;
      if (run == before) {
        kept = first;
        break;
      }
    }
    if (attempt < 16) continue;
    if (!give_up) {
      if (!reader.writer_alive()) break;  // a dead writer finishes no move
      give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    }
    if (std::chrono::steady_clock::now() >= *give_up) break;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  for (uint32_t k = 0; k < kBucketCount; ++k) {
    if (kept[k] != 0) into.add_bucket(k, kept[k]);
  }
  if (run_bucket(run) < kBucketCount && run_count(run) != 0) into.add_bucket(run_bucket(run), run_count(run));
}

Error invalid(const std::string& why) {
  return make_error(Reason::InvalidInput, "not a valid clrprobe stats region: " + why);
}

Result<RegionGeometry> validate(std::span<const std::byte> bytes, RegionInfo& info) {
  if (bytes.size() < sizeof(RegionHeader))
    return make_error(Reason::Truncated, "stats region is " + std::to_string(bytes.size()) +
                                             " bytes, smaller than its header");
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(uint64_t) != 0)
    return invalid("misaligned buffer");
  RegionHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  if (std::memcmp(h.magic, kRegionMagic, sizeof(h.magic)) != 0) return invalid("bad magic");
  if (h.layout_version != kLayoutVersion)
    return make_error(Reason::Unsupported, "stats region layout version " + std::to_string(h.layout_version) +
                                               ", this clrprobe reads version " + std::to_string(kLayoutVersion) +
                                               " (written by another clrprobe version: read it with that version)");
  if (h.header_size != sizeof(RegionHeader)) return invalid("header size");
  if (h.bucket_count != kBucketCount || h.sub_bucket_bits != kSubBucketBits)
    return make_error(Reason::Unsupported, "stats region uses another histogram shape");
  if (h.slot_meta_size != sizeof(SlotMeta) || h.hot_counters_size != sizeof(HotCounters) ||
      h.histogram_block_size != sizeof(HistogramBlock))
    return invalid("record sizes");
  if (h.slot_capacity == 0 || h.slot_capacity > kMaxSlotCapacity) return invalid("slot capacity");
  if (h.stripe_count == 0 || h.stripe_count > kMaxStripeCount) return invalid("stripe count");
  if (h.histogram_blocks == 0 || h.histogram_blocks > kMaxHistogramBlocks) return invalid("histogram pool size");
  const RegionGeometry g = region_geometry(h.slot_capacity, h.stripe_count, h.histogram_blocks);
  if (h.slot_meta_offset != g.slot_meta_offset || h.stripe_masks_offset != g.stripe_masks_offset ||
      h.hot_offset != g.hot_offset || h.hot_stripe_stride != g.hot_stripe_stride ||
      h.strings_offset != g.strings_offset || h.strings_size != g.strings_size ||
      h.histograms_offset != g.histograms_offset || h.total_size != g.total_size)
    return invalid("offsets do not match the declared shape");
  if (g.total_size > bytes.size())
    return make_error(Reason::Truncated, "stats region needs " + std::to_string(g.total_size) +
                                             " bytes, has " + std::to_string(bytes.size()));
  const bool tsc = (h.flags & kHeaderFlagTsc) != 0;
  if (!std::isfinite(h.ticks_per_ns) || h.ticks_per_ns < 0.001 || h.ticks_per_ns > 1000.0 ||
      (!tsc && h.ticks_per_ns != 1.0))
    return invalid("clock calibration");

  info.pid = h.pid;
  info.process_start_unix_ns = h.process_start_unix_ns;
  info.process_start_jiffies = h.process_start_jiffies;
  info.creation_unix_ns = h.creation_unix_ns;
  info.slot_capacity = h.slot_capacity;
  info.stripe_count = h.stripe_count;
  info.clock = tsc ? ClockKind::Tsc : ClockKind::Monotonic;
  info.ticks_per_ns = h.ticks_per_ns;
  info.total_size = h.total_size;
  info.histogram_blocks = h.histogram_blocks;
  return g;
}

}  // namespace

StatsReader::StatsReader(Mapping owned, std::span<const std::byte> bytes, RegionInfo info,
                         RegionGeometry geometry)
    : owned_(std::move(owned)), bytes_(bytes), info_(info), geometry_(geometry) {}

Result<StatsReader> StatsReader::view(std::span<const std::byte> bytes) {
  RegionInfo info;
  auto g = validate(bytes, info);
  if (!g) return g.error();
  return StatsReader(Mapping(), bytes, info, *g);
}

Result<StatsReader> StatsReader::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return make_error(err == ENOENT ? Reason::NotFound : Reason::Io,
                      "cannot open " + path + ": " + std::strerror(err));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return make_error(Reason::Io, "cannot stat " + path + ": " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(Reason::InvalidInput, path + " is not a regular file");
  }
  const auto size = static_cast<size_t>(st.st_size);
  if (size < sizeof(RegionHeader)) {
    ::close(fd);
    return make_error(Reason::Truncated, path + " is too small to be a stats region");
  }
  void* addr = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  const int err = errno;
  ::close(fd);  // the mapping keeps the file
  if (addr == MAP_FAILED)
    return make_error(Reason::Io, "cannot map " + path + ": " + std::strerror(err));
  Mapping mapping(addr, size);
  // A reader touches a few scattered pages: readahead around them (a region
  // on a disk) would bring in, and map, pages nobody asked for.
  ::madvise(addr, size, MADV_RANDOM);
  RegionInfo info;
  auto g = validate({mapping.data(), mapping.size()}, info);
  if (!g) return g.error();
  std::span<const std::byte> bytes{mapping.data(), mapping.size()};
  return StatsReader(std::move(mapping), bytes, info, *g);
}

uint32_t StatsReader::slots_used() const noexcept {
  const auto& h = *reinterpret_cast<const RegionHeader*>(bytes_.data());
  const uint32_t used = load_acquire(h.slots_used);
  return used < info_.slot_capacity ? used : info_.slot_capacity;
}

uint64_t StatsReader::histograms_unavailable() const noexcept {
  const auto& h = *reinterpret_cast<const RegionHeader*>(bytes_.data());
  return load_relaxed(h.histograms_unavailable);
}

uint64_t StatsReader::calls_lost() const noexcept {
  const auto& h = *reinterpret_cast<const RegionHeader*>(bytes_.data());
  return load_relaxed(h.calls_lost);
}

bool StatsReader::writer_alive() const {
  if (info_.pid <= 0) return false;
  if (info_.process_start_jiffies != 0) {
    auto id = process_identity(info_.pid);
    return id.ok() && id->start_jiffies == info_.process_start_jiffies;
  }
  return ::kill(info_.pid, 0) == 0 || errno == EPERM;
}

bool StatsReader::writer_alive_as(int32_t pid_here) const {
  if (pid_here <= 0) return false;
  if (info_.process_start_jiffies == 0) return pid_here == info_.pid && writer_alive();
  auto id = process_identity(pid_here);
  return id.ok() && id->start_jiffies == info_.process_start_jiffies;
}

Result<SlotInfo> StatsReader::slot_info(int32_t slot) const {
  if (slot < 0 || static_cast<uint32_t>(slot) >= info_.slot_capacity)
    return make_error(Reason::NotFound, "slot " + std::to_string(slot) + " is outside the region");
  const auto& m = reinterpret_cast<const SlotMeta*>(bytes_.data() + geometry_.slot_meta_offset)[slot];
  // Seqlock read: copy, then confirm the writer did not touch the slot
  // meanwhile. Bounded by time, not attempts: on a loaded machine the writer
  // can be preempted mid-edit for many scheduler slices.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  for (int attempt = 0; std::chrono::steady_clock::now() < deadline || attempt < 1000; ++attempt) {
    SlotMeta copy;
    if (!try_read_slot_meta(m, copy)) {
      if (attempt < 100) {
        std::this_thread::yield();  // the writer may be preempted mid-edit
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      continue;
    }

    SlotInfo info;
    info.slot = slot;
    info.generation = copy.generation;
    if (copy.state > static_cast<uint32_t>(SlotState::Retired))
      return invalid("slot " + std::to_string(slot) + " has state " + std::to_string(copy.state));
    info.state = static_cast<SlotState>(copy.state);
    info.kind =
        copy.kind <= static_cast<uint32_t>(SlotKind::Sampled) ? static_cast<SlotKind>(copy.kind) : SlotKind::Full;
    if (info.state == SlotState::Free) return info;  // never allocated: no name
    // Names are written before the slot is published and never change.
    const uint64_t len = uint64_t{copy.name_len} + copy.module_len;
    if (copy.name_len > kSlotNameBytes || copy.module_len > kSlotModuleBytes ||
        copy.string_offset > geometry_.strings_size || len > geometry_.strings_size - copy.string_offset)
      return invalid("slot " + std::to_string(slot) + " names lie outside the string area");
    const char* strings = reinterpret_cast<const char*>(bytes_.data() + geometry_.strings_offset + copy.string_offset);
    info.name.assign(strings, copy.name_len);
    info.module.assign(strings + copy.name_len, copy.module_len);
    return info;
  }
  return make_error(Reason::RuntimeError,
                    "slot " + std::to_string(slot) + " metadata kept changing (writer stopped mid-edit?)");
}

Result<SlotSnapshot> StatsReader::snapshot(int32_t slot) const {
  auto info = slot_info(slot);
  if (!info) return info.error();
  SlotSnapshot s;
  s.info = std::move(*info);
  s.ticks_per_ns = info_.ticks_per_ns;
  if (static_cast<uint32_t>(slot) >= slots_used()) return s;  // never allocated: zeros

  const auto* masks = reinterpret_cast<const uint32_t*>(bytes_.data() + geometry_.stripe_masks_offset);
  const uint32_t mask = load_acquire(masks[slot]);
  const auto* blocks = reinterpret_cast<const HistogramBlock*>(bytes_.data() + geometry_.histograms_offset);
  // Only the stripes that counted this slot: the others were never written.
  for (uint32_t i = 0; i < info_.stripe_count; ++i) {
    if ((mask & (1u << i)) == 0) continue;
    const auto& c = reinterpret_cast<const HotCounters*>(bytes_.data() + geometry_.hot_offset +
                                                         i * geometry_.hot_stripe_stride)[slot];
    s.calls += load_relaxed(c.calls);
    s.exceptions += load_relaxed(c.exceptions);
    s.cancelled += load_relaxed(c.cancelled);
    s.unrecorded += load_relaxed(c.unrecorded);
    const uint64_t max = load_relaxed(c.max_ticks);
    if (max > s.max_ticks) s.max_ticks = max;
    const uint32_t block = load_relaxed(c.histogram);
    if (block == 0 || block == kNoHistogram || block > info_.histogram_blocks) continue;
    add_block_and_run(blocks[block - 1], c, s.histogram, *this);
  }
  s.completed = s.histogram.total() + s.unrecorded;
  s.max_ns = static_cast<double>(s.max_ticks) / s.ticks_per_ns;
  return s;
}

std::vector<double> StatsReader::percentiles_ns(const SlotSnapshot& snapshot,
                                                std::span<const double> percents) {
  std::vector<double> out;
  out.reserve(percents.size());
  for (double p : percents) {
    const uint64_t ticks = snapshot.histogram.percentile(p, snapshot.max_ticks);
    out.push_back(static_cast<double>(ticks) / snapshot.ticks_per_ns);
  }
  return out;
}

std::vector<double> StatsReader::percentiles_ns(const SlotSnapshot& snapshot,
                                                std::initializer_list<double> percents) {
  return percentiles_ns(snapshot, std::span<const double>(percents.begin(), percents.size()));
}

}  // namespace clrprobe::stats
