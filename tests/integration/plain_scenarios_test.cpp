// The C# scenarios without the agent: they run, are deterministic, and print the counts the
// probe tests expect. These pass before the agent exists.
#include <gtest/gtest.h>

#include "expectations.h"
#include "probe_session.h"
#include "scenario_cases.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

class PlainScenario : public ::testing::TestWithParam<ScenarioCase> {};

TEST_P(PlainScenario, RunsDeterministicallyAndDeclaresExpectedCounts) {
  ASSERT_TRUE(AppsBuilt());
  const ScenarioCase& c = GetParam();
  ProbeSession session;
  ProcessResult first = session.RunPlain(ScenarioCommand(c.scenario));
  ProcessResult second = session.RunPlain(ScenarioCommand(c.scenario));
  ASSERT_TRUE(first.error.empty()) << first.error;
  EXPECT_FALSE(first.timed_out);
  EXPECT_EQ(first.exit_code, c.exit_code) << first.err;
  EXPECT_EQ(first.err, "");
  EXPECT_EQ(second.exit_code, first.exit_code);
  EXPECT_EQ(second.out, first.out) << "output is not deterministic";
  EXPECT_NE(first.out.find("exit " + std::to_string(c.exit_code) + "\n"), std::string::npos) << first.out;
  for (const auto& p : c.probes) ExpectDeclaredByProgram(first.out, p);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, PlainScenario, ::testing::ValuesIn(ScenarioCases()),
                         [](const auto& info) { return info.param.test_name; });

TEST(PlainScenarioAll, RunsEveryScenarioDeterministically) {
  ASSERT_TRUE(AppsBuilt());
  ProbeSession session;
  ProcessResult first = session.RunPlain(ScenarioCommand("all"));
  ProcessResult second = session.RunPlain(ScenarioCommand("all"));
  ASSERT_TRUE(first.error.empty()) << first.error;
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(second.out, first.out) << "output is not deterministic";
  for (const auto& p : AllScenarioProbes()) ExpectDeclaredByProgram(first.out, p);
}

TEST(PlainScenarioAll, UnknownScenarioFails) {
  ASSERT_TRUE(AppsBuilt());
  ProbeSession session;
  ProcessResult r = session.RunPlain(ScenarioCommand("no-such-scenario"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown scenario"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace clrprobe::itest
