// The agent's start path made cheaper (issue 12, part 4) must still leave
// what the CLI reads: the probes file is no longer rewritten when its text has
// not changed (at exit after start-up probes, it had not), and a process run
// without probes still leaves one at exit. Each test runs a real program under
// `clrprobe run` in a private runtime directory, then reads its figures after
// it exited, as `clrprobe stats -p PID` does. And the ReJIT thread now starts
// with the first request instead of at load: a process started without
// probes must still take a live `add`, counted exactly. The TSC calibration
// runs on the control thread (a thread fewer); without a control socket it
// gets a thread of its own, and probes still time in the right clock.
#include <dirent.h>
#include <sys/stat.h>

#include <chrono>
#include <map>
#include <optional>
#include <thread>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "live_probes_support.h"
#include "live_service.h"
#include "probe_session.h"
#include "support/temp_dir.h"
#include "scenario_cases.h"
#include "test_paths.h"
#include "text_contains.h"

namespace clrprobe::itest {
namespace {

using clrprobe::test_support::TempDir;
using namespace std::chrono_literals;

// The pid whose stats file is in `dir` (the only process run there), or nullopt.
std::optional<std::string> OnlyPidIn(const std::string& dir) {
  std::optional<std::string> pid;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return std::nullopt;
  while (const dirent* entry = ::readdir(d)) {
    const std::string name = entry->d_name;
    const std::string suffix = ".stats";
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      if (pid) return std::nullopt;  // more than one
      pid = name.substr(0, name.size() - suffix.size());
    }
  }
  ::closedir(d);
  return pid;
}

// selector -> calls, from `clrprobe stats -p PID --json`.
std::map<std::string, int64_t> CallsBySelector(const nlohmann::json& stats) {
  std::map<std::string, int64_t> calls;
  for (const auto& probe : stats.value("probes", nlohmann::json::array())) {
    calls[probe.value("selector", std::string())] = probe.value("calls", int64_t{-1});
  }
  return calls;
}

TEST(StartupCost, StatsAfterExitReadEveryStartupProbesExactCallsFromTheFilesItLeft) {
  ASSERT_TRUE(AppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  const TempDir runtime("clrprobe-itest", "/tmp");
  ASSERT_FALSE(runtime.path().empty());
  session.SetEnv("CLRPROBE_RUNTIME_DIR", runtime.path());
  const std::string add = "Scenarios!Scenarios.Calc::Add";
  const std::string mul = "Scenarios!Scenarios.Calc::Mul";
  ProbedRun probed = session.RunProbed({add, mul}, ScenarioCommand("static"));
  ASSERT_EQ(probed.process.exit_code, 0) << probed.process.err;

  auto pid = OnlyPidIn(runtime.path());
  ASSERT_TRUE(pid) << "no single stats file in " << runtime.path();
  EXPECT_TRUE(FileExists(runtime.path() + "/" + *pid + ".probes.json"));
  CliJson stats = RunClrprobeJson(session, {"stats", "-p", *pid, "--json"});
  ASSERT_TRUE(stats.json) << stats.json_error << "\n" << stats.process.err;
  EXPECT_EQ(stats.json->value("running", true), false) << stats.json->dump(2);
  const auto calls = CallsBySelector(*stats.json);
  ASSERT_EQ(calls.size(), 2u) << stats.json->dump(2);
  EXPECT_EQ(calls.at(add), 700) << stats.json->dump(2);
  EXPECT_EQ(calls.at(mul), 300) << stats.json->dump(2);
}

TEST(StartupCost, AProcessRunWithoutProbesLeavesFilesThatStatsReadsAfterExit) {
  ASSERT_TRUE(AppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  const TempDir runtime("clrprobe-itest", "/tmp");
  ASSERT_FALSE(runtime.path().empty());
  session.SetEnv("CLRPROBE_RUNTIME_DIR", runtime.path());
  ProbedRun probed = session.RunProbed({}, ScenarioCommand("static"));
  ASSERT_EQ(probed.process.exit_code, 0) << probed.process.err;

  auto pid = OnlyPidIn(runtime.path());
  ASSERT_TRUE(pid) << "no single stats file in " << runtime.path();
  CliJson stats = RunClrprobeJson(session, {"stats", "-p", *pid, "--json"});
  ASSERT_TRUE(stats.json) << stats.json_error << "\n" << stats.process.err;
  EXPECT_EQ(stats.json->value("running", true), false) << stats.json->dump(2);
  EXPECT_TRUE(stats.json->value("probes", nlohmann::json::array()).empty()) << stats.json->dump(2);
}

TEST(StartupCost, TheFirstAddToAProcessStartedWithoutProbesIsReJittedAndCountsExactly) {
  ASSERT_TRUE(LiveAppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  // The service has run (and JIT-compiled its targets) before any probe: the add must go
  // through a ReJIT request, the controller's first.
  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  // Adds a probe on `method` while the service is paused, lets it run, and checks the
  // probe counted exactly the calls made since `before`; returns the pause after.
  auto counted_window = [&](const char* method, const auto& before) {
    auto probe = AddProbe(session, pid, method);
    EXPECT_TRUE(probe);
    if (!probe) return decltype(service.Pause()){};
    EXPECT_EQ(StateOf(*probe), "active") << probe->dump(2);
    EXPECT_TRUE(service.Resume());
    std::this_thread::sleep_for(500ms);
    auto after = service.Pause();
    EXPECT_TRUE(after);
    if (!after) return after;
    auto stats = Stats(session, pid);
    EXPECT_TRUE(stats);
    if (stats) live_probes::ExpectWindow(*stats, IdOf(*probe), live_probes::TargetFor(method), before, *after);
    return after;
  };
  auto c1 = counted_window(kPlainMethod, *c0);
  ASSERT_TRUE(c1);
  // A second request on the same thread: another method, counted exactly too.
  auto c2 = counted_window(kInstanceMethod, *c1);
  ASSERT_TRUE(c2);
  ASSERT_TRUE(service.Resume());
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
}

TEST(StartupCost, WithoutAControlSocketTheClockIsStillCalibratedBeforeTheFirstProbeTimesACall) {
  ASSERT_TRUE(AppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  // A runtime directory others may read: the agent refuses to put its socket there, so the
  // control thread (which calibrates the clock) never starts.
  const TempDir runtime("clrprobe-itest", "/tmp");
  ASSERT_FALSE(runtime.path().empty());
  ASSERT_EQ(::chmod(runtime.path().c_str(), 0755), 0);
  session.SetEnv("CLRPROBE_RUNTIME_DIR", runtime.path());
  // Longer than CoreLib takes to load: the probe's slot is allocated while it still runs.
  session.SetEnv("CLRPROBE_CLOCK_CALIBRATION_MS", "300");
  const std::string sleep = "System.Private.CoreLib!System.Threading.Thread::Sleep(int32)";
  ProbedRun probed = session.RunProbed({sleep}, ScenarioCommand("latelib"));
  ASSERT_EQ(probed.process.exit_code, 0) << probed.process.err;
  EXPECT_TRUE(Contains(session.ReadLog(), "control socket unavailable")) << session.ReadLog();
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  const ProbeReport* probe = FindProbe(*probed.report, sleep);
  ASSERT_NE(probe, nullptr) << probed.report->raw.dump(2);
  EXPECT_GE(probe->calls, 1);
  ASSERT_TRUE(probe->latency.has_value()) << probe->raw.dump(2);
  // The 100 ms sleep of the scenario, in ns: a tick of one clock read with another's
  // ticks_per_ns would be off by the TSC's GHz.
  EXPECT_GE(probe->latency->max, 95e6) << probe->raw.dump(2);
  EXPECT_LE(probe->latency->max, 190e6) << probe->raw.dump(2);
}

}  // namespace
}  // namespace clrprobe::itest
