// Faults of capacity around a running service with the agent (tests/apps/LiveService): the
// agent log and the runtime directory on a full disk, and more methods than the stats
// region has slots. The service keeps running and computing the same results, methods that
// already count keep counting exactly, and what cannot be probed is refused with a reason.
// Split from faults_test.cpp (files removed or unwritable, processes killed).
//
// Each test uses a private runtime directory (CLRPROBE_RUNTIME_DIR) under /tmp (short: a
// Unix socket path has at most 107 bytes).
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "faults_support.h"
#include "live_service.h"
#include "probe_session.h"
#include "process_runner.h"
#include "support/temp_dir.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
using namespace faults;

// The agent log on a full disk (a tiny tmpfs, filled up; /dev/full when mounting is not
// permitted) with debug logging: the service keeps running and probes still count exactly.
TEST_F(Faults, AgentLogOnAFullDisk) {
  TempDir tmp;
  ProbeSession session;
  session.SetEnv("CLRPROBE_RUNTIME_DIR", tmp.path() + "/rt");
  session.SetEnv("CLRPROBE_LOG_LEVEL", "debug");
  std::string error, log_target;
  if (tmp.MountTmpfs("full", "64k", &error)) {
    const int64_t filled = FillDisk(tmp.path() + "/full");
    log_target = tmp.path() + "/full/agent.log";
    std::cout << "[ faults ] log on a 64 KiB tmpfs, filled with " << filled << " bytes; "
              << FreeBytes(tmp.path() + "/full") << " bytes free\n";
  } else {
    MountUnavailable("a log on a nearly full tmpfs (logging to /dev/full instead)", error);
    log_target = "/dev/full";
  }
  // LiveService logs to <session dir>/agent.log: make that name point at the full disk.
  fs::remove(session.LogPath());
  fs::create_symlink(log_target, session.LogPath());

  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  for (int i = 0; i < 3; ++i) EXPECT_GT(ExpectExactPlainWindow(session, service), 0);
  auto more = AddProbe(session, pid, "LiveService!*::*", {"--max-methods", "1000"});
  ASSERT_TRUE(more);
  EXPECT_TRUE(RemoveAllProbes(session, pid));
  EXPECT_TRUE(service.StillServing());
  ExpectCleanStop(service, session);
  fs::remove(session.LogPath());  // the symlink
}

// The runtime directory on a full disk: new stats pages cannot be allocated. The probe on
// methods that already have slots keeps counting; methods that need a new slot are refused
// with a reason unless the region reserved their pages ahead (never SIGBUS in the host from
// a page of the mapped stats file).
TEST_F(Faults, RuntimeDirectoryOnAFullDisk) {
  TempDir tmp;
  std::string error;
  if (!tmp.MountTmpfs("rt", "4m", &error)) {
    MountUnavailable("the runtime directory on a full disk", error);
    GTEST_SKIP() << error;
  }
  ProbeSession session;
  const std::string rt = tmp.path() + "/rt";
  session.SetEnv("CLRPROBE_RUNTIME_DIR", rt);
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  const int64_t first = ExpectExactPlainWindow(session, service);
  ASSERT_GT(first, 0);

  const int64_t filled = FillDisk(rt);
  std::cout << "[ faults ] runtime directory on a 4 MiB tmpfs, filled with " << filled << " bytes; " << FreeBytes(rt)
            << " bytes free\n";
  // Needs new slots: refused (as a failed add or as refused methods), the service goes on.
  const std::vector<std::string> args = {"add", "-p", service.Pid(), kSeriesMethods, "--json"};
  ProcessResult add = session.RunClrprobe(args, 60s);
  if (add.exit_code == 0) {
    auto reply = nlohmann::json::parse(add.out, nullptr, false);
    ASSERT_TRUE(reply.is_object()) << add.out;
    const auto first_refusal = reply["probe"].value("refused", nlohmann::json::array());
    std::cout << "[ faults ] add on a full disk: exit 0, state " << StateOf(reply["probe"])
              << ", refusals: " << first_refusal.dump() << "\n";
    auto refused = reply["probe"].value("refused", nlohmann::json::array());
    auto methods = reply["probe"].value("methods", nlohmann::json::array());
    // Each method is refused, or instrumented in a slot whose pages the region reserved
    // ahead (layout v2 reserves a page of slots at a time), never half-way.
    EXPECT_EQ(methods.size() + refused.size(), 3u) << add.out;
    std::cout << "[ faults ] " << methods.size() << " instrumented in reserved pages, " << refused.size()
              << " refused\n";
    EXPECT_TRUE(HonestState(reply["probe"]));
  } else {
    std::cout << "[ faults ] add on a full disk: exit " << add.exit_code << ": " << add.err;
    EXPECT_TRUE(ClearError(args, add, {"space", "allocate", "stats"}));
  }
  EXPECT_TRUE(service.StillServing());
  // The first probe's method has its slot: still exact.
  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  auto s0 = Stats(session, pid);
  auto c1 = service.RunIterations(20);
  ASSERT_TRUE(c1);
  auto s1 = Stats(session, pid);
  ASSERT_TRUE(s0 && s1);
  const ProbeReport* before = FindProbeById(*s0, first);
  const ProbeReport* after = FindProbeById(*s1, first);
  ASSERT_TRUE(before && after);
  EXPECT_EQ(after->calls - before->calls, c1->Calls(kPlainMethod) - c0->Calls(kPlainMethod));
  ASSERT_TRUE(service.Resume());

  // Space again: the same methods can be probed now (a refusal for lack of space is not
  // remembered as a permanent failure of the method).
  fs::remove(rt + "/filler");
  EXPECT_TRUE(RemoveAllProbes(session, pid));
  auto again = AddProbe(session, pid, kSeriesMethods);
  ASSERT_TRUE(again);
  EXPECT_EQ(StateOf(*again), "active") << again->dump(2);
  EXPECT_EQ(again->value("methods", nlohmann::json::array()).size(), 3u) << again->dump(2);
  EXPECT_TRUE(RemoveAllProbes(session, pid));
  EXPECT_TRUE(service.StillServing());
  ExpectCleanStop(service, session);
}

// Every CoreLib method added live (about 39,000: far more than the 4,096 slots given here):
// the add answers within the protocol's time limit, the methods beyond the capacity are
// refused with a reason that says so, the service keeps running, and afterwards a new
// method is refused clearly too (slots are kept for the life of the process), while a
// method that already has a slot can still be probed and counts exactly.
TEST_F(Faults, StatsRegionFull) {
  TempDir tmp;
  ProbeSession session;
  session.SetEnv("CLRPROBE_RUNTIME_DIR", tmp.path() + "/rt");
  // A region smaller than CoreLib (the default, 131,072 slots, holds all of it).
  session.SetEnv("CLRPROBE_STATS_SLOTS", "4096");
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  const int64_t first = ExpectExactPlainWindow(session, service);  // Statics::Plain has a slot
  ASSERT_GT(first, 0);
  const int64_t rss_before = ResidentKiB(pid);

  const auto start = Clock::now();
  auto big = AddProbe(session, pid, "System.Private.CoreLib!*::*", {"--max-methods", "100000"});
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_TRUE(big);
  const auto methods = big->value("methods", nlohmann::json::array());
  const auto refused = big->value("refused", nlohmann::json::array());
  size_t full = 0;
  for (const auto& r : refused) full += Contains(r.value("reason", ""), "stats region is full") ? 1 : 0;
  const int64_t rss_added = ResidentKiB(pid);
  std::cout << "[ faults ] add System.Private.CoreLib!*::* took " << seconds << " s: " << methods.size()
            << " methods instrumented, " << refused.size() << " refused (" << full
            << " because the stats region is full); RSS " << rss_before << " -> " << rss_added << " KiB\n";
  EXPECT_GT(methods.size(), 1000u);
  EXPECT_GT(full, 0u) << "CoreLib fits in the stats region? then this test needs a larger selector";
  EXPECT_TRUE(service.StillServing());

  ASSERT_TRUE(RemoveAllProbes(session, pid));
  std::cout << "[ faults ] RSS after removing it: " << ResidentKiB(pid) << " KiB\n";
  EXPECT_TRUE(service.StillServing());

  // A method without a slot: refused, saying why.
  const std::vector<std::string> args = {"add", "-p", service.Pid(), kSeriesMethods, "--json"};
  ProcessResult add = session.RunClrprobe(args, 60s);
  if (add.exit_code == 0) {
    auto reply = nlohmann::json::parse(add.out, nullptr, false);
    ASSERT_TRUE(reply.is_object()) << add.out;
    const auto& probe = reply["probe"];
    bool says_full = false;
    for (const auto& r : probe.value("refused", nlohmann::json::array())) {
      says_full = says_full || Contains(r.value("reason", ""), "stats region is full");
    }
    EXPECT_TRUE(says_full) << add.out;
    EXPECT_TRUE(HonestState(probe));
  } else {
    EXPECT_TRUE(ClearError(args, add, {"stats region is full"}));
  }
  // A method with a slot: still exact.
  EXPECT_GT(ExpectExactPlainWindow(session, service), 0);
  EXPECT_TRUE(service.StillServing());
  ExpectCleanStop(service, session);
}

// Removed probes are kept (with their method and refusal lists) for `list` and `stats`. A
// few large probes added and removed must not make `list` unusable: its reply has to stay
// under the protocol's 16 MiB response cap, and the probes file that the agent rewrites on
// every change must not grow without bound either.
TEST_F(Faults, ListStillWorksAfterLargeProbesWereRemoved) {
  TempDir tmp;
  ProbeSession session;
  const std::string rt = tmp.path() + "/rt";
  session.SetEnv("CLRPROBE_RUNTIME_DIR", rt);
  // With the default capacity every CoreLib method is probed, the task machinery included
  // (Task.ContinueWith too, which the task tracker itself calls: stats/track_guard.h).
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  const std::string probes_file = rt + "/" + service.Pid() + ".probes.json";
  for (int round = 0; round < 3; ++round) {
    auto big = AddProbe(session, pid, "System.Private.CoreLib!*::*", {"--max-methods", "100000"});
    ASSERT_TRUE(big) << "round " << round;
    ASSERT_TRUE(RemoveAllProbes(session, pid)) << "round " << round;
    std::error_code ec;
    std::cout << "[ faults ] after " << round + 1 << " large probes added and removed: probes file "
              << fs::file_size(probes_file, ec) << " bytes\n";
  }
  const std::vector<std::string> args = {"list", "-p", service.Pid(), "--json"};
  ProcessResult list = session.RunClrprobe(args, 60s);
  EXPECT_EQ(list.exit_code, 0) << "list no longer works: " << list.err;
  std::cout << "[ faults ] list reply: " << list.out.size() << " bytes; " << list.err;
  EXPECT_TRUE(ListProbes(session, pid));
  // The large probes may have used every stats slot (slots are never reused, so
  // that figures stay readable): a new method is then refused, saying why.
  const std::vector<std::string> add_args = {"add", "-p", service.Pid(), kPlainMethod, "--json"};
  ProcessResult add = session.RunClrprobe(add_args, 60s);
  if (add.exit_code != 0) {
    EXPECT_TRUE(ClearError(add_args, add, {"stats region is full"}));
  }
  EXPECT_TRUE(service.StillServing());
  ExpectCleanStop(service, session);
}

}  // namespace
}  // namespace clrprobe::itest
