// Cleaning the files of exited processes after the retention period
// (src/cli/stale_files.h).
#include "cli/stale_files.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>

#include <gtest/gtest.h>

#include "cli/runtime_files.h"
#include "stats/process_identity.h"
#include "test_support.h"

namespace clrprobe::cli {
namespace {

using testing::FakeRegion;
using testing::TempDir;

bool exists(const std::string& path) { return path_exists(path); }

void make_old(const std::string& path) {
  struct timespec times[2] = {{946684800, 0}, {946684800, 0}};  // 2000-01-01
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

void make_aged(const std::string& path, std::chrono::seconds age) {
  const std::time_t t = std::time(nullptr) - static_cast<std::time_t>(age.count());
  struct timespec times[2] = {{t, 0}, {t, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

CleanupPolicy no_retention() {
  CleanupPolicy policy;
  policy.retention = std::chrono::seconds(0);
  return policy;
}

void make_socket(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof(addr.sun_path));
  std::copy(path.begin(), path.end(), addr.sun_path);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0) << path;
  ::close(fd);  // the socket file stays: like an agent that died
}

TEST(StaleFiles, RemovesEveryFileOfAnExitedProcess) {
  TempDir dir;
  const std::string gone = std::to_string(testing::dead_pid());
  for (const std::string& name :
       {gone + ".stats", gone + ".probes.json", gone + ".stats.tmp." + gone, gone + ".watch"}) {
    dir.write(name, "x");
  }
  make_socket(dir.file(gone + ".sock"));
  dir.write("notes.txt", "mine");
  dir.write("1x.stats", "not a pid");

  CleanupReport report = remove_stale_files(dir.path(), no_retention());
  EXPECT_EQ(report.removed.size(), 5u);
  EXPECT_FALSE(exists(dir.file(gone + ".watch")));
  ASSERT_EQ(report.pids.size(), 1u);
  EXPECT_EQ(std::to_string(report.pids[0]), gone);
  EXPECT_TRUE(report.problems.empty());
  EXPECT_FALSE(exists(dir.file(gone + ".stats")));
  EXPECT_FALSE(exists(dir.file(gone + ".sock")));
  EXPECT_FALSE(exists(dir.file(gone + ".probes.json")));
  EXPECT_TRUE(exists(dir.file("notes.txt")));
  EXPECT_TRUE(exists(dir.file("1x.stats")));
}

TEST(StaleFiles, KeepsTheFilesOfARunningProcess) {
  TempDir dir;
  const std::string self = std::to_string(::getpid());
  FakeRegion region(dir.file(self + ".stats"));
  dir.write(self + ".probes.json", "{}");
  dir.write(self + ".probes.json.tmp." + self, "{}");  // a write in progress
  CleanupReport report = remove_stale_files(dir.path());
  EXPECT_TRUE(report.removed.empty());
  EXPECT_TRUE(exists(dir.file(self + ".stats")));
  EXPECT_TRUE(exists(dir.file(self + ".probes.json")));
  EXPECT_TRUE(exists(dir.file(self + ".probes.json.tmp." + self)));
}

TEST(StaleFiles, RegionOfAnEarlierProcessWithTheSamePidGoesWithItsFiles) {
  TempDir dir;
  const std::string self = std::to_string(::getpid());
  FakeRegion region(dir.file(self + ".stats"));
  auto me = stats::process_identity(::getpid());
  ASSERT_TRUE(me.ok());
  region.set_writer(::getpid(), me->start_jiffies + 12345);  // "another start time"
  dir.write(self + ".probes.json", "{}");
  CleanupReport report = remove_stale_files(dir.path(), no_retention());
  EXPECT_EQ(report.removed.size(), 2u);
  EXPECT_FALSE(exists(dir.file(self + ".stats")));
  EXPECT_FALSE(exists(dir.file(self + ".probes.json")));
}

TEST(StaleFiles, FilesOlderThanTheProcessAreLeftovers) {
  TempDir dir;
  const std::string self = std::to_string(::getpid());
  dir.write(self + ".probes.json", "{}");
  make_old(dir.file(self + ".probes.json"));
  dir.write(self + ".sock", "");  // recent: kept
  CleanupReport report = remove_stale_files(dir.path());
  ASSERT_EQ(report.removed.size(), 1u);
  EXPECT_EQ(report.removed[0], dir.file(self + ".probes.json"));
  EXPECT_TRUE(exists(dir.file(self + ".sock")));
}

TEST(StaleFiles, NeverTouchesLinksOrDirectories) {
  TempDir dir;
  TempDir elsewhere;
  elsewhere.write("target", "precious");
  const std::string gone = std::to_string(testing::dead_pid());
  ASSERT_EQ(::symlink(elsewhere.file("target").c_str(), dir.file(gone + ".stats").c_str()), 0);
  ASSERT_EQ(::mkdir(dir.file(gone + ".probes.json").c_str(), 0700), 0);
  CleanupReport report = remove_stale_files(dir.path());
  EXPECT_TRUE(report.removed.empty());
  EXPECT_TRUE(exists(dir.file(gone + ".stats")));
  EXPECT_TRUE(exists(elsewhere.file("target")));
}

TEST(StaleFiles, LeavesADirectoryOthersCanWriteAlone) {
  TempDir dir;
  const std::string gone = std::to_string(testing::dead_pid());
  dir.write(gone + ".stats", "x");
  ASSERT_EQ(::chmod(dir.path().c_str(), 0777), 0);
  CleanupReport report = remove_stale_files(dir.path());
  EXPECT_TRUE(report.removed.empty());
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_NE(report.problems[0].find("writable by others"), std::string::npos);
  EXPECT_TRUE(exists(dir.file(gone + ".stats")));
}

TEST(StaleFiles, FiguresOfAnExitedProcessYoungerThanTheRetentionAreKept) {
  TempDir dir;
  const std::string gone = std::to_string(testing::dead_pid());
  dir.write(gone + ".stats", "x");
  dir.write(gone + ".probes.json", "{}");
  dir.write(gone + ".stats.tmp.7", "x");
  dir.write(gone + ".watch", "x");
  make_socket(dir.file(gone + ".sock"));
  make_aged(dir.file(gone + ".stats"), std::chrono::hours(2));
  make_aged(dir.file(gone + ".probes.json"), std::chrono::minutes(50));  // the newest decides

  CleanupPolicy policy;
  policy.retention = std::chrono::hours(1);
  CleanupReport report = remove_stale_files(dir.path(), policy);
  // The socket, the interrupted write and the watch ring hold no figures: gone at once.
  EXPECT_EQ(report.removed.size(), 3u);
  EXPECT_FALSE(exists(dir.file(gone + ".watch")));
  EXPECT_FALSE(exists(dir.file(gone + ".sock")));
  EXPECT_FALSE(exists(dir.file(gone + ".stats.tmp.7")));
  EXPECT_TRUE(exists(dir.file(gone + ".stats")));
  EXPECT_TRUE(exists(dir.file(gone + ".probes.json")));
  ASSERT_EQ(report.kept_pids.size(), 1u);
  EXPECT_EQ(std::to_string(report.kept_pids[0]), gone);
}

TEST(StaleFiles, FiguresOlderThanTheRetentionAreRemoved) {
  TempDir dir;
  const std::string gone = std::to_string(testing::dead_pid());
  dir.write(gone + ".stats", "x");
  dir.write(gone + ".probes.json", "{}");
  make_aged(dir.file(gone + ".stats"), std::chrono::hours(3));
  make_aged(dir.file(gone + ".probes.json"), std::chrono::hours(2));
  CleanupPolicy policy;
  policy.retention = std::chrono::hours(1);
  CleanupReport report = remove_stale_files(dir.path(), policy);
  EXPECT_EQ(report.removed.size(), 2u);
  EXPECT_TRUE(report.kept_pids.empty());
  EXPECT_FALSE(exists(dir.file(gone + ".stats")));
  EXPECT_FALSE(exists(dir.file(gone + ".probes.json")));
}

TEST(StaleFiles, TheDefaultRetentionKeepsADayOfFigures) {
  TempDir dir;
  const std::string gone = std::to_string(testing::dead_pid());
  dir.write(gone + ".stats", "x");
  make_aged(dir.file(gone + ".stats"), std::chrono::hours(23));
  EXPECT_TRUE(remove_stale_files(dir.path()).removed.empty());
  EXPECT_TRUE(exists(dir.file(gone + ".stats")));
  make_aged(dir.file(gone + ".stats"), std::chrono::hours(25));
  EXPECT_EQ(remove_stale_files(dir.path()).removed.size(), 1u);
  EXPECT_FALSE(exists(dir.file(gone + ".stats")));
}

TEST(StaleFiles, DryRunNamesTheFilesAndRemovesNothing) {
  TempDir dir;
  const std::string gone = std::to_string(testing::dead_pid());
  dir.write(gone + ".stats", "x");
  CleanupPolicy policy = no_retention();
  policy.dry_run = true;
  CleanupReport report = remove_stale_files(dir.path(), policy);
  ASSERT_EQ(report.removed.size(), 1u);
  EXPECT_EQ(report.removed[0], dir.file(gone + ".stats"));
  EXPECT_TRUE(exists(dir.file(gone + ".stats")));
}

TEST(StaleFiles, DurationsTakeAUnit) {
  EXPECT_EQ(parse_duration("90s").value(), std::chrono::seconds(90));
  EXPECT_EQ(parse_duration("30m").value(), std::chrono::minutes(30));
  EXPECT_EQ(parse_duration("12h").value(), std::chrono::hours(12));
  EXPECT_EQ(parse_duration("7d").value(), std::chrono::hours(168));
  EXPECT_EQ(parse_duration("3600").value(), std::chrono::seconds(3600));
  EXPECT_EQ(parse_duration("0").value(), std::chrono::seconds(0));
  for (const char* bad : {"", "h", "1.5h", "-1h", "12w", "1 h"}) {
    auto d = parse_duration(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_NE(d.error().message.find("invalid duration"), std::string::npos) << d.error().message;
  }
}

TEST(StaleFiles, MissingDirectoryIsNothingToClean) {
  TempDir dir;
  CleanupReport report = remove_stale_files(dir.file("none"));
  EXPECT_TRUE(report.removed.empty());
  EXPECT_TRUE(report.problems.empty());
}

}  // namespace
}  // namespace clrprobe::cli
