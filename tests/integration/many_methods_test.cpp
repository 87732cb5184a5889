// 100,000 methods probed in one process with the default stats region: tests/apps/ManyMethods
// has 100,001 generated methods and calls 1,002 of them. Under `clrprobe run` with a startup
// probe on all of them (no CLRPROBE_STATS_SLOTS), the program must print exactly what it
// prints without the agent, no method may be refused for lack of slots, every call must be
// counted, the figures must
// stay readable with `clrprobe stats` after the process exited, and the stats file must hold
// only what was used (layout v2: a never-called method costs its metadata and name).
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent_socket.h"
#include "probe_session.h"
#include "report.h"
#include "test_paths.h"
#include "support/temp_dir.h"

using clrprobe::test_support::TempDir;

namespace clrprobe::itest {
namespace {

std::string ManyMethodsDll() {
  const char* value = std::getenv("CLRPROBE_ITEST_MANYMETHODS");
  return value != nullptr && *value != '\0' ? value : CLRPROBE_ITEST_MANYMETHODS;
}

constexpr char kSelector[] = "ManyMethods!Many.*::*";
constexpr size_t kGeneratedMethods = 100001;
constexpr int64_t kCallsMade = 3005;

TEST(ManyMethods, AHundredThousandProbedMethodsFitTheDefaultRegionAndChangeNoOutput) {
  ASSERT_TRUE(ClrprobeBuilt());
  ASSERT_TRUE(FileExists(ManyMethodsDll())) << ManyMethodsDll() << " missing: build the clrprobe_test_apps target";
  ProbeSession session;
  session.SetEnv("CLRPROBE_STATS_SLOTS", std::nullopt);  // the default capacity
  // Preparing 100,001 methods takes seconds: let the module load wait for the ReJIT request
  // (at most a minute) so that every call runs instrumented and can be counted.
  session.SetEnv("CLRPROBE_MODULE_WAIT_MS", "60000");
  // A private runtime directory where regions live by default (a tmpfs when /dev/shm is one),
  // with a short path (the control socket's path has at most 107 bytes).
  const TempDir runtime("clrprobe-many", DefaultRuntimeBase());
  ASSERT_FALSE(runtime.path().empty());
  const std::string& runtime_dir = runtime.path();
  session.SetEnv("CLRPROBE_RUNTIME_DIR", runtime_dir);
  const std::vector<std::string> command = {DotnetExe(), ManyMethodsDll()};

  ProcessResult plain = session.RunPlain(command);
  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  ProbedRun probed = session.RunProbed({kSelector}, command);
  EXPECT_FALSE(probed.process.timed_out);
  EXPECT_EQ(probed.process.exit_code, 0) << probed.process.err.substr(0, 4000);
  EXPECT_EQ(probed.process.out, plain.out);

  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  const ProbeReport* probe = FindProbe(*probed.report, kSelector);
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->methods.size(), kGeneratedMethods);
  size_t refused = 0;
  if (auto it = probe->raw.find("refused"); it != probe->raw.end() && it->is_array()) refused = it->size();
  EXPECT_EQ(refused, 0u) << probe->raw.value("refused", nlohmann::json::array()).dump().substr(0, 2000);
  EXPECT_EQ(probe->calls, kCallsMade);
  std::cout << "[ many ] " << probe->methods.size() << " methods probed, " << probe->calls << " of " << kCallsMade
            << " calls counted\n";

  // The figures stay readable after the exit, the same as the agent's own report.
  const std::string pid = std::to_string(probed.report->pid);
  ProcessResult stats = session.RunClrprobe({"stats", "-p", pid, "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.out << stats.err;
  const auto json = nlohmann::json::parse(stats.out, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << stats.out.substr(0, 2000);
  EXPECT_FALSE(json.value("running", true));
  int64_t stats_calls = -1;
  for (const auto& p : json.value("probes", nlohmann::json::array()))
    if (p.value("selector", std::string()) == kSelector) stats_calls = p.value("calls", int64_t{-1});
  EXPECT_EQ(stats_calls, probe->calls) << stats.out.substr(0, 2000);

  // What the file holds: metadata, names and reserved counters (768 bytes: 16 stripes) of
  // 100,001 slots plus the histograms of the 1,002 called ones (about 90 MB; layout v1
  // allocated 64.5 KiB per slot: 6.5 GB). Only touched pages count in anyone's RSS.
  struct stat st {};
  ASSERT_EQ(::stat((runtime_dir + "/" + std::to_string(probed.report->pid) + ".stats").c_str(), &st), 0);
  const uint64_t used = static_cast<uint64_t>(st.st_blocks) * 512;
  std::cout << "[ many ] stats file: " << st.st_size << " bytes mapped, " << used << " bytes used\n";
  EXPECT_LT(used, uint64_t{128} << 20);
}

}  // namespace
}  // namespace clrprobe::itest
