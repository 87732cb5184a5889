#include "stats/stats_region.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "common/wall_clock.h"
#include "stats/process_identity.h"
#include "stats/slot_meta_io.h"
#include "stats/stripe.h"

namespace clrprobe::stats {
namespace {

std::atomic<StatsRegion*> g_region{nullptr};

Error errno_error(const std::string& what, int err) {
  return make_error(Reason::Io, what + ": " + std::strerror(err));
}

Status check_shape(uint32_t capacity, uint32_t histogram_blocks) {
  if (capacity == 0 || capacity > kMaxSlotCapacity)
    return make_error(Reason::InvalidInput, "slot capacity must be 1.." +
                                                std::to_string(kMaxSlotCapacity));
  if (histogram_blocks == 0 || histogram_blocks > kMaxHistogramBlocks)
    return make_error(Reason::InvalidInput, "histogram blocks must be 1.." + std::to_string(kMaxHistogramBlocks));
  return {};
}

uint32_t blocks_for(uint32_t capacity, uint32_t histogram_blocks) {
  return histogram_blocks != 0 ? histogram_blocks : default_histogram_blocks(capacity);
}

// Slots whose metadata and stripe mask are reserved at once (counters a page
// at a time, histograms by the hit path's slow path where first used).
constexpr uint32_t kReserveChunkSlots = 1024;
// String area reserved ahead of need.
constexpr uint64_t kReserveChunkStrings = 64 * 1024;

void write_header(std::byte* base, uint32_t capacity, uint32_t histogram_blocks, ClockCalibration clock,
                  const RegionGeometry& g) {
  RegionHeader h{};
  std::memcpy(h.magic, kRegionMagic, sizeof(h.magic));
  h.layout_version = kLayoutVersion;
  h.header_size = sizeof(RegionHeader);
  h.total_size = g.total_size;
  h.pid = static_cast<int32_t>(::getpid());
  h.flags = clock.kind == ClockKind::Tsc ? kHeaderFlagTsc : 0;
  if (auto id = process_identity(h.pid)) {
    h.process_start_unix_ns = id->start_unix_ns;
    h.process_start_jiffies = id->start_jiffies;
  }
  h.creation_unix_ns = unix_now_ns();
  h.slot_capacity = capacity;
  h.stripe_count = kStripeCount;
  h.bucket_count = kBucketCount;
  h.sub_bucket_bits = kSubBucketBits;
  h.slot_meta_size = sizeof(SlotMeta);
  h.hot_counters_size = sizeof(HotCounters);
  h.slot_meta_offset = g.slot_meta_offset;
  h.hot_offset = g.hot_offset;
  h.ticks_per_ns = clock.ticks_per_ns;
  h.slots_used = 0;
  h.histogram_blocks = histogram_blocks;
  h.stripe_masks_offset = g.stripe_masks_offset;
  h.hot_stripe_stride = g.hot_stripe_stride;
  h.strings_offset = g.strings_offset;
  h.strings_size = g.strings_size;
  h.histograms_offset = g.histograms_offset;
  h.histogram_block_size = sizeof(HistogramBlock);
  std::memcpy(base, &h, sizeof(h));
}

// Longest prefix that fits in `cap - 1` bytes without splitting a UTF-8
// sequence.
size_t fitting_length(std::string_view s, size_t cap) {
  if (s.size() < cap) return s.size();
  size_t len = cap - 1;
  while (len > 0 && (static_cast<unsigned char>(s[len]) & 0xC0) == 0x80) --len;
  return len;
}

Status allocate_range(int fd, uint64_t offset, uint64_t length) {
  if (fd < 0 || length == 0) return {};
  int rc = ::posix_fallocate(fd, static_cast<off_t>(offset), static_cast<off_t>(length));
  if (rc != 0) return errno_error("cannot allocate stats region pages", rc);
  return {};
}

// The clock a region starts with. Background: the calibration if it has
// finished, else the monotonic clock until the first slot (adopt_calibration).
ClockCalibration initial_clock(ClockChoice choice) {
  if (choice != ClockChoice::Background && choice != ClockChoice::Deferred) return calibrate_clock(choice);
  if (choice == ClockChoice::Background) start_clock_calibration();
  if (clock_calibration_finished()) return calibrate_clock(ClockChoice::Auto);
  return ClockCalibration{ClockKind::Monotonic, 1.0};
}

}  // namespace

StatsRegion::StatsRegion(Mapping mapping, int fd, std::string path, uint32_t capacity, uint32_t histogram_blocks,
                         ClockCalibration clock)
    : mapping_(std::move(mapping)),
      fd_(fd),
      path_(std::move(path)),
      capacity_(capacity),
      clock_(clock),
      geometry_(region_geometry(capacity, kStripeCount, histogram_blocks)) {
  std::byte* base = mapping_.data();
  hit_.hot = base + geometry_.hot_offset;
  hit_.hot_stripe_stride = geometry_.hot_stripe_stride;
  hit_.histograms = reinterpret_cast<HistogramBlock*>(base + geometry_.histograms_offset);
  hit_.clock = clock.kind;
  hit_.stripe_masks = reinterpret_cast<uint32_t*>(base + geometry_.stripe_masks_offset);
  hit_.header = reinterpret_cast<RegionHeader*>(base);
  hit_.histogram_blocks = histogram_blocks;
  hit_.fd = fd;
  hit_.hot_offset = geometry_.hot_offset;
  hit_.histograms_offset = geometry_.histograms_offset;
}

// Before the first slot nothing has been timed, so the header and the hit
// functions can still change clocks: every tick in the region is then of the
// one clock its header names. Caller holds mutex_.
void StatsRegion::adopt_calibration() {
  clock_pending_ = false;
  const ClockCalibration clock = calibrate_clock(ClockChoice::Auto);  // waits for the background thread
  if (clock.kind == clock_.kind && clock.ticks_per_ns == clock_.ticks_per_ns) return;
  clock_ = clock;
  hit_.clock = clock.kind;  // read only after a slot below slot_limit, published later
  RegionHeader& h = header();
  // From monotonic (1.0) to TSC: the flag first, so that a reader of this
  // region (no slots yet) sees a valid header at every step.
  std::atomic_ref<uint32_t>(h.flags).store(
      clock.kind == ClockKind::Tsc ? (h.flags | kHeaderFlagTsc) : (h.flags & ~kHeaderFlagTsc),
      std::memory_order_release);
  std::atomic_ref<double>(h.ticks_per_ns).store(clock.ticks_per_ns, std::memory_order_release);
}

Result<std::unique_ptr<StatsRegion>> StatsRegion::finish(Mapping mapping, int fd, std::string path, uint32_t capacity,
                                                         uint32_t histogram_blocks, ClockCalibration clock) {
  prepare_stripe_leases();
  return std::unique_ptr<StatsRegion>(
      new StatsRegion(std::move(mapping), fd, std::move(path), capacity, histogram_blocks, clock));
}

Result<std::unique_ptr<StatsRegion>> StatsRegion::create(const std::string& path, uint32_t capacity, ClockChoice choice,
                                                         uint32_t histogram_blocks) {
  histogram_blocks = blocks_for(capacity, histogram_blocks);
  if (auto ok = check_shape(capacity, histogram_blocks); !ok) return ok.error();
  if (path.empty()) return make_error(Reason::InvalidInput, "empty stats region path");
  const ClockCalibration clock = initial_clock(choice);
  const RegionGeometry g = region_geometry(capacity, kStripeCount, histogram_blocks);

  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  ::unlink(tmp.c_str());  // a leftover of an earlier process with our pid
  int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error("cannot create " + tmp, errno);
  auto fail = [&](const std::string& what, int err) -> Error {
    ::close(fd);
    ::unlink(tmp.c_str());
    return errno_error(what, err);
  };
  if (::ftruncate(fd, static_cast<off_t>(g.total_size)) != 0)
    return fail("cannot size " + tmp, errno);
  if (int rc = ::posix_fallocate(fd, 0, static_cast<off_t>(g.slot_meta_offset)); rc != 0)
    return fail("cannot allocate header of " + tmp, rc);
  void* addr = ::mmap(nullptr, g.total_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (addr == MAP_FAILED) return fail("cannot map " + tmp, errno);
  // No readahead: the first touch of the header would otherwise make the
  // kernel read ahead (allocate and zero) a large run of this sparse file's
  // pages, about 2 ms of the host's start-up CPU (perf: filemap_fault ->
  // page_cache_ra_order); slots are touched one by one anyway.
  ::madvise(addr, g.total_size, MADV_RANDOM);
  Mapping mapping(addr, g.total_size);
  write_header(mapping.data(), capacity, histogram_blocks, clock, g);
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return fail("cannot rename " + tmp + " to " + path, errno);
  auto made = finish(std::move(mapping), fd, path, capacity, histogram_blocks, clock);
  if (made) (*made)->clock_pending_ = choice == ClockChoice::Background || choice == ClockChoice::Deferred;
  return made;
}

Result<std::unique_ptr<StatsRegion>> StatsRegion::create_anonymous(uint32_t capacity, ClockChoice choice,
                                                                   uint32_t histogram_blocks) {
  histogram_blocks = blocks_for(capacity, histogram_blocks);
  if (auto ok = check_shape(capacity, histogram_blocks); !ok) return ok.error();
  const ClockCalibration clock = initial_clock(choice);
  const RegionGeometry g = region_geometry(capacity, kStripeCount, histogram_blocks);
  void* addr = ::mmap(nullptr, g.total_size, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (addr == MAP_FAILED) return errno_error("cannot map anonymous stats region", errno);
  Mapping mapping(addr, g.total_size);
  write_header(mapping.data(), capacity, histogram_blocks, clock, g);
  auto made = finish(std::move(mapping), -1, std::string(), capacity, histogram_blocks, clock);
  if (made) (*made)->clock_pending_ = choice == ClockChoice::Background || choice == ClockChoice::Deferred;
  return made;
}

StatsRegion::~StatsRegion() {
  StatsRegion* self = this;
  if (g_region.compare_exchange_strong(self, nullptr)) set_hit_target(nullptr);
  if (fd_ >= 0) ::close(fd_);
}

RegionHeader& StatsRegion::header() const noexcept {
  return *reinterpret_cast<RegionHeader*>(mapping_.data());
}

SlotMeta& StatsRegion::meta(uint32_t slot) const noexcept {
  return reinterpret_cast<SlotMeta*>(mapping_.data() + geometry_.slot_meta_offset)[slot];
}

uint32_t StatsRegion::slots_used() const noexcept {
  return std::atomic_ref<uint32_t>(header().slots_used).load(std::memory_order_acquire);
}

std::span<const std::byte> StatsRegion::bytes() const noexcept {
  return {mapping_.data(), mapping_.size()};
}

ClockCalibration StatsRegion::settled_clock() {
  std::lock_guard lock(mutex_);
  if (clock_pending_) adopt_calibration();
  return clock_;
}

Status StatsRegion::reserve_slot_pages(uint32_t slot) {
  if (slot < reserved_slots_) return {};
  const uint32_t first = reserved_slots_;
  const uint32_t end = std::min(capacity_, std::max(slot + 1, first + kReserveChunkSlots));
  const uint64_t n = end - first;
  if (auto ok =
          allocate_range(fd_, geometry_.slot_meta_offset + uint64_t{first} * sizeof(SlotMeta), n * sizeof(SlotMeta));
      !ok)
    return ok;
  if (auto ok =
          allocate_range(fd_, geometry_.stripe_masks_offset + uint64_t{first} * sizeof(uint32_t), n * sizeof(uint32_t));
      !ok)
    return ok;
  reserved_slots_ = end;
  return {};
}

Status StatsRegion::reserve_hot_pages(uint32_t slot) {
  if (slot < hot_reserved_slots_) return {};
  // The page(s) holding this slot's counters, in every stripe (stripes are page-aligned, so
  // the same byte range of each): a slot the region accepts never loses a call for want of
  // space; only its histograms are taken when first needed.
  const uint64_t first = uint64_t{slot} * sizeof(HotCounters);
  const uint64_t begin = first & ~(kPageSize - 1);
  const uint64_t end = std::min(round_up_page(first + sizeof(HotCounters)), geometry_.hot_stripe_stride);
  for (uint32_t stripe = 0; stripe < kStripeCount; ++stripe) {
    if (auto ok = allocate_range(fd_, geometry_.hot_offset + stripe * geometry_.hot_stripe_stride + begin, end - begin);
        !ok)
      return ok;
  }
  hot_reserved_slots_ = static_cast<uint32_t>(std::min<uint64_t>(capacity_, end / sizeof(HotCounters)));
  return {};
}

Status StatsRegion::reserve_strings(uint64_t end) {
  if (end <= reserved_strings_) return {};
  const uint64_t target = std::min(geometry_.strings_size, round_up_page(end + kReserveChunkStrings));
  if (auto ok = allocate_range(fd_, geometry_.strings_offset + reserved_strings_, target - reserved_strings_); !ok)
    return ok;
  reserved_strings_ = target;
  return {};
}

Result<int32_t> StatsRegion::allocate_slot(std::string_view name, std::string_view module, uint32_t kind) {
  std::lock_guard lock(mutex_);
  if (clock_pending_) adopt_calibration();
  const uint32_t slot = slots_used();
  if (slot >= capacity_)
    return make_error(Reason::Unsupported,
                      "stats region is full (" + std::to_string(capacity_) + " slots)");
  // The pages the hit path may touch for this slot (stripe mask, counters) are
  // reserved now, so it never faults on a full file system (SIGBUS) and never
  // loses a call; histogram blocks are reserved when first needed.
  if (auto ok = reserve_slot_pages(slot); !ok) return ok.error();
  if (auto ok = reserve_hot_pages(slot); !ok) return ok.error();
  const size_t name_len = fitting_length(name, kSlotNameBytes);
  const size_t module_len = fitting_length(module, kSlotModuleBytes);
  std::atomic_ref<uint64_t> strings_used(header().strings_used);
  const uint64_t at = strings_used.load(std::memory_order_relaxed);
  // Cannot overflow: every slot takes at most kSlotStringBytes.
  if (auto ok = reserve_strings(at + name_len + module_len); !ok) return ok.error();
  char* strings = reinterpret_cast<char*>(mapping_.data() + geometry_.strings_offset);
  std::memcpy(strings + at, name.data(), name_len);
  std::memcpy(strings + at + name_len, module.data(), module_len);
  strings_used.store(at + name_len + module_len, std::memory_order_release);

  SlotMeta value{};
  value.state = static_cast<uint32_t>(SlotState::Active);
  value.kind = kind;
  value.name_len = static_cast<uint32_t>(name_len);
  value.module_len = static_cast<uint32_t>(module_len);
  value.string_offset = at;
  publish_slot_meta(meta(slot), value);
  std::atomic_ref<uint32_t>(header().slots_used).store(slot + 1, std::memory_order_release);
  hit_.slot_limit.store(slot + 1, std::memory_order_release);
  return static_cast<int32_t>(slot);
}

Status StatsRegion::set_state(int32_t slot, SlotState from, SlotState to) {
  std::lock_guard lock(mutex_);
  if (slot < 0 || static_cast<uint32_t>(slot) >= slots_used())
    return make_error(Reason::NotFound, "no allocated stats slot " + std::to_string(slot));
  SlotMeta& m = meta(static_cast<uint32_t>(slot));
  // Only this writer edits the slot (under mutex_), so a plain copy is current.
  SlotMeta value;
  std::memcpy(&value, &m, sizeof(value));
  const auto current = static_cast<SlotState>(value.state);
  if (current == to) return {};
  if (current != from)
    return make_error(Reason::InvalidInput, "stats slot " + std::to_string(slot) +
                                                " is not in the expected state");
  value.state = static_cast<uint32_t>(to);
  publish_slot_meta(m, value);
  return {};
}

Status StatsRegion::retire_slot(int32_t slot) {
  return set_state(slot, SlotState::Active, SlotState::Retired);
}

Status StatsRegion::reactivate_slot(int32_t slot) {
  return set_state(slot, SlotState::Retired, SlotState::Active);
}

Status StatsRegion::set_slot_kind(int32_t slot, SlotKind kind) {
  std::lock_guard lock(mutex_);
  if (slot < 0 || static_cast<uint32_t>(slot) >= slots_used())
    return make_error(Reason::NotFound, "no allocated stats slot " + std::to_string(slot));
  SlotMeta& m = meta(static_cast<uint32_t>(slot));
  SlotMeta value;
  std::memcpy(&value, &m, sizeof(value));
  if (value.kind == static_cast<uint32_t>(kind)) return {};
  value.kind = static_cast<uint32_t>(kind);
  publish_slot_meta(m, value);
  return {};
}

void StatsRegion::install_global(StatsRegion* region) noexcept {
  g_region.store(region, std::memory_order_release);
  set_hit_target(region != nullptr ? &region->hit_ : nullptr);
}

StatsRegion* StatsRegion::global() noexcept { return g_region.load(std::memory_order_acquire); }

}  // namespace clrprobe::stats
