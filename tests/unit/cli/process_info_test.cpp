// /proc/<pid>/maps (src/cli/process_info.h) and diagnostic sockets (process_scan.h).
#include "cli/process_info.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "cli/process_scan.h"
#include "test_support.h"

namespace clrprobe::cli {
namespace {

TEST(ProcessInfo, FindsCoreClrAndTheAgentInMaps) {
  const char* maps =
      "7f00-7f10 r-xp 00000000 08:01 123 /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/libcoreclr.so\n"
      "7f20-7f30 r--p 00000000 08:01 124 /usr/lib/x86_64-linux-gnu/libc.so.6\n";
  MappedLibraries found = scan_maps_text(maps);
  EXPECT_TRUE(found.coreclr);
  EXPECT_FALSE(found.agent);
  found = scan_maps_text("7f00-7f10 r-xp 00000000 08:01 1 /opt/clrprobe/lib/libclrprobe.so\n");
  EXPECT_TRUE(found.agent);
  // Only whole file names count.
  found = scan_maps_text("7f00-7f10 r-xp 00000000 08:01 1 /tmp/not-libcoreclr.so.bak\n7f00-7f10 ---p 0 0 0\n");
  EXPECT_FALSE(found.coreclr);
}

TEST(ProcessInfo, ReadsItsOwnProcess) {
  auto info = read_process_info(::getpid());
  ASSERT_TRUE(info.ok()) << info.error().describe();
  EXPECT_EQ(info->euid, ::geteuid());
  EXPECT_EQ(info->name, "cli_tests");
  EXPECT_NE(info->command_line.find("cli_tests"), std::string::npos);
  EXPECT_GT(info->start_jiffies, 0u);
  EXPECT_TRUE(process_exists(::getpid()));
  auto mapped = mapped_libraries(::getpid());
  ASSERT_TRUE(mapped.has_value());
  EXPECT_FALSE(mapped->coreclr);
}

TEST(ProcessInfo, ExitedProcessIsNotFound) {
  const pid_t gone = testing::dead_pid();
  auto info = read_process_info(gone);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().reason, Reason::NotFound);
  EXPECT_EQ(info.error().message, "no process with pid " + std::to_string(gone));
  EXPECT_FALSE(process_exists(gone));
  EXPECT_FALSE(process_exists(0));
}

TEST(ProcessScan, DiagnosticSocketsNameTheirPid) {
  testing::TempDir dir;
  for (const char* name : {"dotnet-diagnostic-4242-1234567-socket", "dotnet-diagnostic-17-99-socket",
                           "dotnet-diagnostic-x-1-socket", "dotnet-diagnostic-5-1-sock", "clr-debug-pipe-5-in"}) {
    dir.write(name, "");
  }
  auto pids = diagnostic_socket_pids(dir.path());
  std::sort(pids.begin(), pids.end());
  EXPECT_EQ(pids, (std::vector<pid_t>{17, 4242}));
}

}  // namespace
}  // namespace clrprobe::cli
