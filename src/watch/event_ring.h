// The lossy event ring of `clrprobe watch`: a fixed-size file in shared
// memory next to the stats region, written by the agent, read by the CLI.
//
//   RingHeader | RecordHeader+payload × capacity
//
// Writers (any thread of the host) take the next sequence number with one
// atomic add and write record seq % capacity under a per-record seqlock
// stamp (odd while written, 2·seq+2 when done). A writer never waits: a
// record another writer is still filling is skipped (counted in
// `busy_dropped`). The reader follows the sequence; records overwritten
// before it got to them are counted as lost. Nothing is ever buffered
// without bound, and the host never blocks on a slow reader.
//
// Per-watch counters (matched, emitted, rate_dropped) live in the header so
// the CLI reports drops even when no event arrives.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace clrprobe::watch {

inline constexpr char kRingMagic[8] = {'C', 'L', 'R', 'W', 'A', 'T', 'C', 'H'};
inline constexpr uint32_t kRingVersion = 1;
inline constexpr uint32_t kDefaultRingRecords = 256;
inline constexpr uint32_t kRingRecordSize = 8192;  // header included
inline constexpr uint32_t kMaxWatchCounters = 32;

struct WatchCounters {
  std::atomic<uint64_t> watch_id;      // 0: free
  std::atomic<uint64_t> matched;       // calls whose condition was true
  std::atomic<uint64_t> emitted;       // events written into the ring
  std::atomic<uint64_t> rate_dropped;  // matched, but over the --rate budget
  std::atomic<uint64_t> busy_dropped;  // the record was still being written by another thread
  uint64_t reserved[3];
};
static_assert(sizeof(WatchCounters) == 64);

struct RingHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;
  uint32_t record_size;
  uint32_t capacity;  // records
  int32_t pid;
  uint32_t reserved0;
  std::atomic<uint64_t> next_seq;
  uint64_t reserved[3];
  WatchCounters watches[kMaxWatchCounters];
};

struct RecordHeader {
  std::atomic<uint64_t> stamp;  // 0 never written; odd: being written; 2·seq+2: holds seq
  uint32_t size;                // payload bytes
  uint32_t reserved;
};
inline constexpr uint32_t kRecordPayload = kRingRecordSize - sizeof(RecordHeader);

class EventRingWriter {
 public:
  // File-backed at `path` (mode 0600, blocks allocated up front so a write
  // never faults), created under a temporary name and renamed into place.
  static Result<std::unique_ptr<EventRingWriter>> create(const std::string& path,
                                                         uint32_t capacity = kDefaultRingRecords);
  static Result<std::unique_ptr<EventRingWriter>> create_anonymous(uint32_t capacity = kDefaultRingRecords);
  ~EventRingWriter();
  EventRingWriter(const EventRingWriter&) = delete;
  EventRingWriter& operator=(const EventRingWriter&) = delete;

  // A counters entry for a new watch, or nullopt when all are taken.
  std::optional<uint32_t> open_watch(uint64_t watch_id);
  void close_watch(uint32_t index);
  WatchCounters& counters(uint32_t index) { return header()->watches[index]; }

  // Writes one encoded event (at most kRecordPayload bytes; longer is
  // refused and counted busy_dropped). Never blocks. False when dropped.
  bool write(uint32_t watch_index, std::span<const uint8_t> payload) noexcept;

  std::span<const std::byte> bytes() const { return {base_, size_}; }
  const std::string& path() const { return path_; }

 private:
  EventRingWriter(std::byte* base, size_t size, std::string path) : base_(base), size_(size), path_(std::move(path)) {}
  RingHeader* header() const { return reinterpret_cast<RingHeader*>(base_); }
  std::byte* base_;
  size_t size_;
  std::string path_;
};

// Reads a ring another process writes (or a writer's bytes in tests).
class EventRingReader {
 public:
  static Result<EventRingReader> open(const std::string& path);
  // Over bytes the caller keeps alive (tests).
  static Result<EventRingReader> view(std::span<const std::byte> bytes);
  ~EventRingReader();
  EventRingReader(EventRingReader&& other) noexcept;
  EventRingReader& operator=(EventRingReader&&) = delete;

  // Starts reading at the writer's current position (earlier events are not
  // this reader's).
  void skip_to_end();
  // Polls a record may stay unfinished before it counts as lost.
  static constexpr uint32_t kMaxStalledPolls = 20;
  // Appends the payloads of every complete record from the reader's
  // position on; `lost` grows by records overwritten before they were read.
  void poll(std::vector<std::vector<uint8_t>>* payloads, uint64_t* lost);

  struct Counts {
    uint64_t matched = 0, emitted = 0, rate_dropped = 0, busy_dropped = 0;
  };
  Counts counts(uint32_t watch_index) const;
  int32_t pid() const;

 private:
  EventRingReader(const std::byte* base, size_t size, bool owned) : base_(base), size_(size), owned_(owned) {}
  const RingHeader* header() const { return reinterpret_cast<const RingHeader*>(base_); }
  const std::byte* base_;
  size_t size_;
  bool owned_;
  uint64_t next_ = 0;
  uint32_t stalled_polls_ = 0;
};

// Sizes a ring of `capacity` records.
size_t ring_bytes(uint32_t capacity);

}  // namespace clrprobe::watch
