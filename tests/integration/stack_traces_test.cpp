// Probed methods keep their stack traces: the StackTraces app throws at chosen places of
// probed methods (first statement, middle, a callee, a nested try, a filter, after a branch
// the rewrite had to widen) and prints Exception.StackTrace with file and line, and each
// frame's IL offset. Run plain and with every thrower probed, the output must be identical:
// the agent hands the runtime the map from original to rewritten IL offsets.
#include <gtest/gtest.h>

#include <sstream>

#include "expectations.h"
#include "probe_session.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

const std::string kThrowersSelector = "StackTraces!StackTraces.Throwers::*";

// The agent's debug line for `method` ("instrumented <method>(... branches widened ...)").
std::string InstrumentedLine(const std::string& log, const std::string& method) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("instrumented " + method + "(") != std::string::npos) return line;
  }
  return "";
}

void ExpectSameTraces(ProbeSession& session) {
  ASSERT_TRUE(ClrprobeBuilt());
  ASSERT_TRUE(FileExists(StackTracesDll())) << StackTracesDll() << " missing: build app_stacktraces";
  session.SetEnv("CLRPROBE_LOG_LEVEL", "debug");
  const std::vector<std::string> command{DotnetExe(), StackTracesDll()};
  ProcessResult plain = session.RunPlain(command);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  // The traces carry line numbers (the PDB was found), so a shifted offset would show.
  ASSERT_NE(plain.out.find("Throwers.cs:line "), std::string::npos) << plain.out;

  ProbedRun probed = session.RunProbed({kThrowersSelector}, command);
  ExpectSameBehaviour(plain, probed.process);

  // The probe really was in place: every thrower counted, every escaping exception too.
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  const ProbeReport* probe = FindProbe(*probed.report, kThrowersSelector);
  ASSERT_NE(probe, nullptr) << probed.report->raw.dump(2);
  EXPECT_EQ(probe->calls, 7);
  EXPECT_EQ(probe->exceptions, 6);
  // And the "after a widened branch" case really has one.
  const std::string line = InstrumentedLine(session.ReadLog(), "StackTraces.Throwers::AfterWidenedBranch");
  ASSERT_FALSE(line.empty()) << session.ReadLog();
  EXPECT_EQ(line.find(" 0 branches widened"), std::string::npos) << line;
}

TEST(StackTraces, ProbedMethodsPrintTheSameStackTracesLinesAndIlOffsets) {
  ProbeSession session;
  ExpectSameTraces(session);
}

// Fully optimized code from the first call (rewritten code is jitted like the original):
// fewer IL boundaries, the same traces.
TEST(StackTraces, OptimizedProbedMethodsPrintTheSameStackTracesToo) {
  ProbeSession session;
  session.SetEnv("DOTNET_TieredCompilation", "0");
  ExpectSameTraces(session);
}

}  // namespace
}  // namespace clrprobe::itest
