#include "watch/event_ring.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace clrprobe::watch {
namespace {

static_assert(std::atomic<uint64_t>::is_always_lock_free, "the ring is shared between processes");
static_assert(sizeof(RecordHeader) == 16);

Error errno_error(const std::string& what, int err) { return make_error(Reason::Io, what + ": " + std::strerror(err)); }

RecordHeader* record(std::byte* base, uint32_t capacity, uint64_t seq) {
  return reinterpret_cast<RecordHeader*>(base + sizeof(RingHeader) + (seq % capacity) * size_t{kRingRecordSize});
}
const RecordHeader* record(const std::byte* base, uint32_t capacity, uint64_t seq) {
  return reinterpret_cast<const RecordHeader*>(base + sizeof(RingHeader) + (seq % capacity) * size_t{kRingRecordSize});
}

void init_header(std::byte* base, uint32_t capacity) {
  auto* h = new (base) RingHeader{};
  std::memcpy(h->magic, kRingMagic, sizeof h->magic);
  h->version = kRingVersion;
  h->header_size = sizeof(RingHeader);
  h->record_size = kRingRecordSize;
  h->capacity = capacity;
  h->pid = static_cast<int32_t>(::getpid());
}

Status check_capacity(uint32_t capacity) {
  if (capacity == 0 || capacity > 65536) return make_error(Reason::InvalidInput, "ring capacity must be 1..65536");
  return {};
}

}  // namespace

size_t ring_bytes(uint32_t capacity) { return sizeof(RingHeader) + size_t{capacity} * kRingRecordSize; }

Result<std::unique_ptr<EventRingWriter>> EventRingWriter::create_anonymous(uint32_t capacity) {
  if (Status s = check_capacity(capacity); !s) return s.error();
  const size_t size = ring_bytes(capacity);
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return errno_error("mmap", errno);
  init_header(static_cast<std::byte*>(p), capacity);
  return std::unique_ptr<EventRingWriter>(new EventRingWriter(static_cast<std::byte*>(p), size, {}));
}

Result<std::unique_ptr<EventRingWriter>> EventRingWriter::create(const std::string& path, uint32_t capacity) {
  if (Status s = check_capacity(capacity); !s) return s.error();
  const size_t size = ring_bytes(capacity);
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error("creating " + temp, errno);
  auto fail = [&](const std::string& what, int err) {
    ::close(fd);
    ::unlink(temp.c_str());
    return errno_error(what, err);
  };
  // Blocks up front: a write into a hole of a full tmpfs would be SIGBUS.
  if (int err = ::posix_fallocate(fd, 0, static_cast<off_t>(size)); err != 0) return fail("allocating the ring", err);
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return fail("mmap", errno);
  init_header(static_cast<std::byte*>(p), capacity);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::munmap(p, size);
    return fail("renaming the ring into place", err);
  }
  ::close(fd);
  return std::unique_ptr<EventRingWriter>(new EventRingWriter(static_cast<std::byte*>(p), size, path));
}

EventRingWriter::~EventRingWriter() { ::munmap(base_, size_); }

std::optional<uint32_t> EventRingWriter::open_watch(uint64_t watch_id) {
  for (uint32_t i = 0; i < kMaxWatchCounters; ++i) {
    WatchCounters& c = header()->watches[i];
    uint64_t expected = 0;
    if (c.watch_id.compare_exchange_strong(expected, watch_id)) {
      c.matched.store(0);
      c.emitted.store(0);
      c.rate_dropped.store(0);
      c.busy_dropped.store(0);
      return i;
    }
  }
  return std::nullopt;
}

void EventRingWriter::close_watch(uint32_t index) {
  if (index < kMaxWatchCounters) header()->watches[index].watch_id.store(0);
}

bool EventRingWriter::write(uint32_t watch_index, std::span<const uint8_t> payload) noexcept {
  RingHeader* h = header();
  WatchCounters* c = watch_index < kMaxWatchCounters ? &h->watches[watch_index] : nullptr;
  if (payload.size() > kRecordPayload) {
    if (c) c->busy_dropped.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  const uint64_t seq = h->next_seq.fetch_add(1, std::memory_order_relaxed);
  RecordHeader* r = record(base_, h->capacity, seq);
  uint64_t stamp = r->stamp.load(std::memory_order_relaxed);
  // Another writer a whole lap ahead or behind is still in this record.
  if ((stamp & 1) != 0 || !r->stamp.compare_exchange_strong(stamp, 2 * seq + 1, std::memory_order_acquire)) {
    if (c) c->busy_dropped.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  std::atomic_thread_fence(std::memory_order_release);
  r->size = static_cast<uint32_t>(payload.size());
  std::memcpy(reinterpret_cast<std::byte*>(r) + sizeof(RecordHeader), payload.data(), payload.size());
  r->stamp.store(2 * seq + 2, std::memory_order_release);
  if (c) c->emitted.fetch_add(1, std::memory_order_relaxed);
  return true;
}

Result<EventRingReader> EventRingReader::view(std::span<const std::byte> bytes) {
  if (bytes.size() < sizeof(RingHeader)) return make_error(Reason::Truncated, "event ring is shorter than its header");
  const auto* h = reinterpret_cast<const RingHeader*>(bytes.data());
  if (std::memcmp(h->magic, kRingMagic, sizeof h->magic) != 0)
    return make_error(Reason::InvalidInput, "not an event ring");
  if (h->version != kRingVersion || h->header_size != sizeof(RingHeader) || h->record_size != kRingRecordSize) {
    return make_error(Reason::Unsupported, "event ring of another layout (version " + std::to_string(h->version) + ")");
  }
  if (h->capacity == 0 || bytes.size() < ring_bytes(h->capacity)) {
    return make_error(Reason::Truncated, "event ring is shorter than its records");
  }
  return EventRingReader(bytes.data(), bytes.size(), false);
}

Result<EventRingReader> EventRingReader::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error("opening " + path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return errno_error("stat " + path, err);
  }
  const size_t size = static_cast<size_t>(st.st_size);
  if (size < sizeof(RingHeader)) {
    ::close(fd);
    return make_error(Reason::Truncated, path + " is shorter than an event ring header");
  }
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return errno_error("mmap " + path, errno);
  auto checked = view({static_cast<const std::byte*>(p), size});
  if (!checked) {
    ::munmap(p, size);
    return checked.error();
  }
  return EventRingReader(static_cast<const std::byte*>(p), size, true);
}

EventRingReader::~EventRingReader() {
  if (owned_ && base_ != nullptr) ::munmap(const_cast<std::byte*>(base_), size_);
}

EventRingReader::EventRingReader(EventRingReader&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      size_(other.size_),
      owned_(other.owned_),
      next_(other.next_),
      stalled_polls_(other.stalled_polls_) {}

void EventRingReader::skip_to_end() { next_ = header()->next_seq.load(std::memory_order_acquire); }

void EventRingReader::poll(std::vector<std::vector<uint8_t>>* payloads, uint64_t* lost) {
  const RingHeader* h = header();
  const uint64_t end = h->next_seq.load(std::memory_order_acquire);
  if (end > next_ + h->capacity) {  // lapped: those records are gone
    *lost += end - h->capacity - next_;
    next_ = end - h->capacity;
  }
  while (next_ < end) {
    const RecordHeader* r = record(base_, h->capacity, next_);
    const uint64_t want = 2 * next_ + 2;
    const uint64_t before = r->stamp.load(std::memory_order_acquire);
    if (before < want) {
      // Not written yet (a writer holds the sequence number but has not
      // finished), or never (a writer found the record busy and dropped
      // its event). Wait a few polls, then count it lost and go on.
      if (++stalled_polls_ < kMaxStalledPolls) break;
      stalled_polls_ = 0;
      ++*lost;
      ++next_;
      continue;
    }
    stalled_polls_ = 0;
    if (before > want) {  // overwritten by a later lap
      ++*lost;
      ++next_;
      continue;
    }
    const uint32_t size = std::min<uint32_t>(r->size, kRecordPayload);
    const auto* data = reinterpret_cast<const uint8_t*>(r) + sizeof(RecordHeader);
    std::vector<uint8_t> copy(data, data + size);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (r->stamp.load(std::memory_order_relaxed) != want) {
      ++*lost;
    } else {
      payloads->push_back(std::move(copy));
    }
    ++next_;
  }
}

EventRingReader::Counts EventRingReader::counts(uint32_t watch_index) const {
  Counts out;
  if (watch_index >= kMaxWatchCounters) return out;
  const WatchCounters& c = header()->watches[watch_index];
  out.matched = c.matched.load(std::memory_order_relaxed);
  out.emitted = c.emitted.load(std::memory_order_relaxed);
  out.rate_dropped = c.rate_dropped.load(std::memory_order_relaxed);
  out.busy_dropped = c.busy_dropped.load(std::memory_order_relaxed);
  return out;
}

int32_t EventRingReader::pid() const { return header()->pid; }

}  // namespace clrprobe::watch
