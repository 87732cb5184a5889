// Each scenario under `clrprobe run`: same stdout and exit code as without the agent, and
// exact call / exception counts in the report.
#include <gtest/gtest.h>

#include "expectations.h"
#include "probe_session.h"
#include "scenario_cases.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

std::vector<std::string> Selectors(const std::vector<ProbeExpectation>& probes) {
  std::vector<std::string> out;
  for (const auto& p : probes) out.push_back(p.selector);
  return out;
}

void CheckProbedRun(const std::string& scenario, const std::vector<ProbeExpectation>& probes) {
  ASSERT_TRUE(AppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  ProcessResult plain = session.RunPlain(ScenarioCommand(scenario));
  ProbedRun probed = session.RunProbed(Selectors(probes), ScenarioCommand(scenario));
  ExpectSameBehaviour(plain, probed.process);
  EXPECT_TRUE(FileExists(session.LogPath())) << "agent log not written to --log " << session.LogPath();
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  EXPECT_GT(probed.report->pid, 0);
  for (const auto& p : probes) ExpectProbe(*probed.report, p);
}

class ProbedScenario : public ::testing::TestWithParam<ScenarioCase> {};

TEST_P(ProbedScenario, SameOutputAndExactCounts) {
  CheckProbedRun(GetParam().scenario, GetParam().probes);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ProbedScenario, ::testing::ValuesIn(ScenarioCases()),
                         [](const auto& info) { return info.param.test_name; });

// Every scenario in one process, every probe at once.
TEST(ProbedScenarioAll, AllProbesInOneRun) { CheckProbedRun("all", AllScenarioProbes()); }

// Instrument every method of the Scenarios assembly (Main, lambdas, async state machines,
// compiler-generated types): the program must behave exactly as without the agent.
TEST(ProbedScenarioAll, EveryScenariosMethodProbed) {
  ASSERT_TRUE(AppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  const std::string selector = "Scenarios!*::*";
  ProcessResult plain = session.RunPlain(ScenarioCommand("all"));
  ProbedRun probed = session.RunProbed({selector}, ScenarioCommand("all"));
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  const ProbeReport* probe = FindProbe(*probed.report, selector);
  ASSERT_NE(probe, nullptr) << probed.report->raw.dump(2);
  EXPECT_GT(probe->methods.size(), 50u);
  // At least every call of the probed targets above went through instrumented code.
  int64_t expected_min = 0;
  for (const auto& p : AllScenarioProbes()) {
    if (p.selector.rfind("Scenarios", 0) == 0) expected_min += p.calls;
  }
  EXPECT_GE(probe->calls, expected_min);
  EXPECT_EQ(session.ReadLog().find("InvalidProgramException"), std::string::npos);
}

}  // namespace
}  // namespace clrprobe::itest
