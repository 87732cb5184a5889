// `clrprobe run` argument handling that needs no instrumentation to be correct.
#include <gtest/gtest.h>

#include "expectations.h"
#include "probe_session.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

class MalformedSelector : public ::testing::TestWithParam<std::string> {};

// A selector that does not parse: clrprobe exits non-zero with a message on stderr and the
// program is never started (it would create a marker file).
TEST_P(MalformedSelector, RejectedBeforeRunningTheProgram) {
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  const std::string marker = session.dir() + "/program-ran";
  ProcessResult r = session.RunClrprobe({"run", "--probe", GetParam(), "--report", session.ReportPath(), "--log",
                                         session.LogPath(), "--", "/bin/sh", "-c",
                                         "echo program-ran; touch '" + marker + "'"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_FALSE(r.timed_out);
  EXPECT_NE(r.exit_code, 0) << "stdout: " << r.out << "\nstderr: " << r.err;
  EXPECT_FALSE(r.err.empty()) << "no error message on stderr";
  EXPECT_FALSE(FileExists(marker)) << "the program was started";
  EXPECT_EQ(r.out.find("program-ran"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Cli, MalformedSelector,
                         ::testing::Values("Scenarios.Calc",               // no "::"
                                           "Scenarios.Calc:Add",           // single colon
                                           "Scenarios.Calc::",             // no method
                                           "Scenarios.Calc::Add(int32",    // unclosed parameter list
                                           "Scenarios.Calc::Add(int32))",  // stray ")"
                                           ""),                            // empty
                         [](const auto& info) { return "case" + std::to_string(info.index); });

// A well-formed selector that matches nothing does not stop the program; the report lists
// it with no methods and no calls.
TEST(Cli, UnmatchedSelectorIsReportedNotFatal) {
  ASSERT_TRUE(AppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  const std::string selector = "Scenarios.NoSuchType::NoSuchMethod";
  ProcessResult plain = session.RunPlain(ScenarioCommand("static"));
  ProbedRun probed = session.RunProbed({selector}, ScenarioCommand("static"));
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  const ProbeReport* probe = FindProbe(*probed.report, selector);
  ASSERT_NE(probe, nullptr) << "unmatched selector missing from the report:\n" << probed.report->raw.dump(2);
  EXPECT_TRUE(probe->methods.empty());
  EXPECT_EQ(probe->calls, 0);
}

// The exit code of the program is the exit code of `clrprobe run`.
TEST(Cli, ExitCodeOfTheProgramIsReturned) {
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  ProcessResult r = session.RunClrprobe({"run", "--probe", "Scenarios.Calc::Add", "--report", session.ReportPath(),
                                         "--log", session.LogPath(), "--", "/bin/sh", "-c", "echo hi; exit 7"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_EQ(r.out, "hi\n");
}

}  // namespace
}  // namespace clrprobe::itest
