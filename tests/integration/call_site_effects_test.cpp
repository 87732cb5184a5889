// The agent sizes every call site of a probed method from the module's metadata, so the
// verifier checks the evaluation stack of each body it emits (before: every call was
// "unknown" and the depth checks passed by construction). Every method of Scenarios and
// LateLib probed - instance, virtual, generic, struct, async, lambdas, constructors - must
// be instrumented with no unknown call site, and behave as without the agent.
#include <gtest/gtest.h>

#include <sstream>

#include "expectations.h"
#include "probe_session.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

TEST(CallSiteEffects, EveryCallSiteOfRealMethodsIsSizedForTheVerifier) {
  ASSERT_TRUE(AppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  session.SetEnv("CLRPROBE_LOG_LEVEL", "debug");
  ProcessResult plain = session.RunPlain(ScenarioCommand("all"));
  ProbedRun probed = session.RunProbed({"Scenarios!*::*", "LateLib!*::*"}, ScenarioCommand("all"));
  ExpectSameBehaviour(plain, probed.process);

  // "instrumented <method> (slot N, ... branches widened, U unknown call sites)"
  const std::string log = session.ReadLog();
  std::istringstream lines(log);
  size_t instrumented = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("debug: instrumented ") == std::string::npos) continue;
    ++instrumented;
    EXPECT_NE(line.find(" 0 unknown call sites)"), std::string::npos) << line;
  }
  EXPECT_GT(instrumented, 50u) << log;
  EXPECT_EQ(log.find("not instrumenting"), std::string::npos) << log;
}

}  // namespace
}  // namespace clrprobe::itest
