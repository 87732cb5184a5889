// The lossy event ring: events pass in order, a reader that falls behind
// loses the oldest ones and says how many, writers never block.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "watch/event_ring.h"

namespace clrprobe::watch {
namespace {

std::vector<uint8_t> payload(uint32_t n) {
  std::vector<uint8_t> p(4 + n % 100, static_cast<uint8_t>(n));
  std::memcpy(p.data(), &n, 4);
  return p;
}

uint32_t number_of(const std::vector<uint8_t>& p) {
  uint32_t n = 0;
  std::memcpy(&n, p.data(), 4);
  return n;
}

TEST(EventRing, EventsWrittenAfterTheReaderStartedArriveInOrder) {
  auto writer = EventRingWriter::create_anonymous(8);
  ASSERT_TRUE(writer);
  auto watch = (*writer)->open_watch(1);
  ASSERT_TRUE(watch);
  ASSERT_TRUE((*writer)->write(*watch, payload(0)));  // before the reader: not its
  auto reader = EventRingReader::view((*writer)->bytes());
  ASSERT_TRUE(reader);
  reader->skip_to_end();
  for (uint32_t i = 1; i <= 5; ++i) ASSERT_TRUE((*writer)->write(*watch, payload(i)));
  std::vector<std::vector<uint8_t>> got;
  uint64_t lost = 0;
  reader->poll(&got, &lost);
  ASSERT_EQ(got.size(), 5u);
  for (uint32_t i = 0; i < 5; ++i) {
    EXPECT_EQ(got[i], payload(i + 1));
  }
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(reader->counts(*watch).emitted, 6u);
}

TEST(EventRing, AReaderThatFallsBehindLosesTheOldestAndCountsThem) {
  auto writer = EventRingWriter::create_anonymous(4);
  ASSERT_TRUE(writer);
  auto reader = EventRingReader::view((*writer)->bytes());
  ASSERT_TRUE(reader);
  for (uint32_t i = 0; i < 10; ++i) ASSERT_TRUE((*writer)->write(0, payload(i)));
  std::vector<std::vector<uint8_t>> got;
  uint64_t lost = 0;
  reader->poll(&got, &lost);
  EXPECT_EQ(lost, 6u);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(number_of(got.front()), 6u);
  EXPECT_EQ(number_of(got.back()), 9u);
}

TEST(EventRing, APayloadLargerThanARecordIsDroppedAndCounted) {
  auto writer = EventRingWriter::create_anonymous(4);
  ASSERT_TRUE(writer);
  auto watch = (*writer)->open_watch(3);
  ASSERT_TRUE(watch);
  std::vector<uint8_t> big(kRecordPayload + 1, 1);
  EXPECT_FALSE((*writer)->write(*watch, big));
  auto reader = EventRingReader::view((*writer)->bytes());
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->counts(*watch).busy_dropped, 1u);
  EXPECT_EQ(reader->counts(*watch).emitted, 0u);
}

TEST(EventRing, WatchCounterEntriesAreHandedOutOnceUntilClosed) {
  auto writer = EventRingWriter::create_anonymous(4);
  ASSERT_TRUE(writer);
  std::vector<uint32_t> taken;
  for (uint32_t i = 0; i < kMaxWatchCounters; ++i) {
    auto index = (*writer)->open_watch(100 + i);
    ASSERT_TRUE(index);
    taken.push_back(*index);
  }
  EXPECT_FALSE((*writer)->open_watch(999));
  (*writer)->close_watch(taken[5]);
  auto again = (*writer)->open_watch(999);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, taken[5]);
}

TEST(EventRing, ConcurrentWritersAndAReaderNeverSeeATornRecord) {
  auto writer = EventRingWriter::create_anonymous(16);
  ASSERT_TRUE(writer);
  auto reader = EventRingReader::view((*writer)->bytes());
  ASSERT_TRUE(reader);
  constexpr uint32_t kPerThread = 20000;
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t i = 0; i < kPerThread; ++i) (void)(*writer)->write(0, payload(t * kPerThread + i));
    });
  }
  uint64_t seen = 0, lost = 0;
  std::vector<std::vector<uint8_t>> got;
  auto check = [&] {
    for (const auto& p : got) {
      ASSERT_EQ(p, payload(number_of(p)));  // every byte of the record belongs to one event
      ++seen;
    }
    got.clear();
  };
  for (int round = 0; round < 2000; ++round) {
    reader->poll(&got, &lost);
    check();
  }
  for (auto& t : threads) t.join();
  // Each record a writer dropped holds the reader kMaxStalledPolls polls.
  for (uint32_t i = 0; i < 16 * (EventRingReader::kMaxStalledPolls + 1); ++i) {
    reader->poll(&got, &lost);
    check();
  }
  const auto counts = reader->counts(0);
  EXPECT_EQ(counts.emitted + counts.busy_dropped, 3u * kPerThread);
  EXPECT_EQ(seen + lost, 3u * kPerThread);
}

TEST(EventRing, AFileBackedRingIsReadableByPathAndRefusesOtherFiles) {
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/ring-" + std::to_string(::getpid());
  {
    auto writer = EventRingWriter::create(path, 4);
    ASSERT_TRUE(writer) << writer.error().message;
    ASSERT_TRUE((*writer)->write(0, payload(7)));
    auto reader = EventRingReader::open(path);
    ASSERT_TRUE(reader) << reader.error().message;
    EXPECT_EQ(reader->pid(), ::getpid());
    std::vector<std::vector<uint8_t>> got;
    uint64_t lost = 0;
    reader->poll(&got, &lost);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], payload(7));
  }
  std::filesystem::resize_file(path, 100);
  EXPECT_FALSE(EventRingReader::open(path));
  std::filesystem::remove(path);
  EXPECT_FALSE(EventRingReader::open(path));
}

}  // namespace
}  // namespace clrprobe::watch
