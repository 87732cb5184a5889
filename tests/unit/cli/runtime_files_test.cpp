// Runtime directory file names and lookup (src/cli/runtime_files.h).
#include "cli/runtime_files.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "test_support.h"

namespace clrprobe::cli {
namespace {

using testing::ScopedEnv;
using testing::TempDir;

TEST(RuntimeFiles, RecognizesOnlyTheAgentsNames) {
  auto stats = parse_runtime_file_name("4242.stats");
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->pid, 4242);
  EXPECT_EQ(stats->kind, RuntimeFileKind::Stats);
  EXPECT_EQ(parse_runtime_file_name("4242.probes.json")->kind, RuntimeFileKind::Probes);
  EXPECT_EQ(parse_runtime_file_name("4242.sock")->kind, RuntimeFileKind::Socket);
  EXPECT_EQ(parse_runtime_file_name("4242.watch")->kind, RuntimeFileKind::WatchRing);
  EXPECT_EQ(parse_runtime_file_name("4242.stats.tmp.4242")->kind, RuntimeFileKind::Temporary);
  EXPECT_EQ(parse_runtime_file_name("4242.probes.json.tmp.17")->kind, RuntimeFileKind::Temporary);
  for (const char* other : {"stats", ".stats", "abc.stats", "0.stats", "0042.stats", "42.stat", "42.stats.bak",
                            "42.sock.tmp.1", "42.stats.tmp.", "42.stats.tmp.x", "99999999999.stats", "42",
                            "42.probes.json~"}) {
    EXPECT_FALSE(parse_runtime_file_name(other).has_value()) << other;
  }
}

TEST(RuntimeFiles, ListsSortedByPid) {
  TempDir dir;
  for (const char* name : {"20.stats", "3.sock", "3.stats", "notes.txt", "20.probes.json"}) dir.write(name, "");
  auto files = list_runtime_files(dir.path());
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0].name, "3.sock");
  EXPECT_EQ(files[1].name, "3.stats");
  EXPECT_EQ(files[2].name, "20.probes.json");
  EXPECT_EQ(files[3].name, "20.stats");
  EXPECT_TRUE(list_runtime_files(dir.file("missing")).empty());
}

TEST(RuntimeFiles, EnvironmentDirectoryIsTheOnlyOneScanned) {
  TempDir dir;
  ScopedEnv env("CLRPROBE_RUNTIME_DIR", dir.path());
  EXPECT_EQ(runtime_dirs_to_scan(), std::vector<std::string>{dir.path()});
  RuntimePaths p = runtime_paths(dir.path(), 12);
  EXPECT_EQ(p.stats, dir.path() + "/12.stats");
  EXPECT_EQ(p.probes, dir.path() + "/12.probes.json");
  EXPECT_EQ(p.socket, dir.path() + "/12.sock");
}

TEST(RuntimeFiles, FindsTheFilesOfAPid) {
  TempDir dir;
  ScopedEnv env("CLRPROBE_RUNTIME_DIR", dir.path());
  const pid_t self = ::getpid();
  EXPECT_FALSE(find_runtime_files(self).has_value());
  dir.write(std::to_string(self) + ".probes.json", "{}");
  auto found = find_runtime_files(self);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->dir, dir.path());
  // An exited process's files are found too.
  const pid_t gone = testing::dead_pid();
  dir.write(std::to_string(gone) + ".stats", "");
  EXPECT_TRUE(find_runtime_files(gone).has_value());
}

}  // namespace
}  // namespace clrprobe::cli
