// Cleaning the files of exited processes (src/cli/stale_files.h).
#include "cli/stale_files.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
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
  for (const std::string& name : {gone + ".stats", gone + ".probes.json", gone + ".stats.tmp." + gone}) {
    dir.write(name, "x");
  }
  make_socket(dir.file(gone + ".sock"));
  dir.write("notes.txt", "mine");
  dir.write("1x.stats", "not a pid");

  CleanupReport report = remove_stale_files(dir.path());
  EXPECT_EQ(report.removed.size(), 4u);
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
  CleanupReport report = remove_stale_files(dir.path());
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

TEST(StaleFiles, MissingDirectoryIsNothingToClean) {
  TempDir dir;
  CleanupReport report = remove_stale_files(dir.file("none"));
  EXPECT_TRUE(report.removed.empty());
  EXPECT_TRUE(report.problems.empty());
}

}  // namespace
}  // namespace clrprobe::cli
