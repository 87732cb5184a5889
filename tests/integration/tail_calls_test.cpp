// Methods with `tail.` calls get a count-only probe (il::ProbeShape::CountOnly): counted at
// entry, their tail calls kept, latency and exceptions not measured - and said so. The
// FSharpTail app (F#) walks mutually recursive isEven/isOdd a million levels deep: without
// real tail calls that overflows the stack (the process would die), so "runs with the same
// output" proves the tail calls survived the probe, and the counts prove every level was seen.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "expectations.h"
#include "process_runner.h"
#include "probe_session.h"
#include "support/temp_dir.h"
#include "test_paths.h"
#include "text_contains.h"

namespace clrprobe::itest {
namespace {

const std::string kIsEven = "FSharpTail!FSharpTail.Parity::isEven";
const std::string kIsOdd = "FSharpTail!FSharpTail.Parity::isOdd";
constexpr const char* kDepth = "1000000";

TEST(TailCalls, FSharpMutualRecursionAMillionDeepRunsUnderCountOnlyProbesAndIsCountedExactly) {
  ASSERT_TRUE(ClrprobeBuilt());
  ASSERT_TRUE(FileExists(FSharpTailDll())) << FSharpTailDll() << " missing: build app_fsharptail";
  ProbeSession session;
  // A private runtime directory, so that the files the run leaves stay readable by
  // `clrprobe stats` after it exited; short, as a socket path must fit in 108 bytes.
  test_support::TempDir runtime_dir("clrprobe-tail", test_support::TempDir::Base::Short);
  ASSERT_FALSE(runtime_dir.path().empty());
  session.SetEnv("CLRPROBE_RUNTIME_DIR", runtime_dir.path());
  session.SetEnv("CLRPROBE_LOG_LEVEL", "debug");  // the agent logs each rewrite at debug level
  const std::vector<std::string> command{DotnetExe(), FSharpTailDll(), kDepth};

  ProcessResult plain = session.RunPlain(command);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_TRUE(Contains(plain.out, std::string("isEven ") + kDepth + " = true")) << plain.out;
  const long long even_calls = FindCount(plain.out, "expected isEven");
  const long long odd_calls = FindCount(plain.out, "expected isOdd");
  ASSERT_EQ(even_calls + odd_calls, 1000001) << plain.out;

  ProbedRun probed = session.RunProbed({kIsEven, kIsOdd}, command);
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  const Report& report = *probed.report;

  for (const auto& [selector, expected] : {std::pair{kIsEven, even_calls}, std::pair{kIsOdd, odd_calls}}) {
    SCOPED_TRACE(selector);
    const ProbeReport* probe = FindProbe(report, selector);
    ASSERT_NE(probe, nullptr) << report.raw.dump(2);
    EXPECT_EQ(probe->calls, expected);
    EXPECT_EQ(probe->exceptions, 0);
    EXPECT_EQ(probe->in_flight, 0) << "a count-only slot has no completions, and no calls in flight";
    EXPECT_TRUE(probe->raw.value("refused", nlohmann::json::array()).empty()) << probe->raw.dump(2);
    // The JSON says what is not measured, for the method and for the probe.
    const nlohmann::json details = probe->raw.value("method_details", nlohmann::json::array());
    ASSERT_EQ(details.size(), 1u) << probe->raw.dump(2);
    EXPECT_EQ(details[0].value("measures", ""), "calls only (tail calls)") << details.dump(2);
    EXPECT_EQ(details[0].value("timed", true), false) << details.dump(2);
    const std::string note = probe->raw.value("note", "");
    EXPECT_TRUE(Contains(note, "latency and exceptions not measured")) << note;
    EXPECT_TRUE(Contains(note, "tail calls")) << note;
  }

  // The agent rewrote both with the count-only shape.
  const std::string log = session.ReadLog();
  EXPECT_TRUE(Contains(log, "FSharpTail.Parity::isEven(int32)")) << log;
  EXPECT_TRUE(Contains(log, "count only: tail calls")) << log;

  // `clrprobe stats` (the table) says so too, from the files the run left behind.
  ProcessResult table = session.RunClrprobe({"stats", "-p", std::to_string(report.pid)});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(Contains(table.out, "latency and exceptions not measured")) << table.out;
  EXPECT_TRUE(Contains(table.out, "FSharpTail.Parity::isOdd")) << table.out;
}

// `clrprobe list` (JSON and table) of a running process says which methods are counted only.
TEST(TailCalls, ListSaysLatencyAndExceptionsAreNotMeasuredForCountOnlyMethods) {
  using namespace std::chrono_literals;
  ASSERT_TRUE(ClrprobeBuilt());
  ASSERT_TRUE(FileExists(FSharpTailDll())) << FSharpTailDll() << " missing: build app_fsharptail";
  ProbeSession session;
  test_support::TempDir runtime_dir("clrprobe-tail", test_support::TempDir::Base::Short);
  ASSERT_FALSE(runtime_dir.path().empty());
  session.SetEnv("CLRPROBE_RUNTIME_DIR", runtime_dir.path());
  std::vector<std::string> argv{ClrprobeExe(), "run", "--log", session.LogPath()};
  for (const std::string& selector : {kIsEven, kIsOdd}) argv.insert(argv.end(), {"--probe", selector});
  argv.insert(argv.end(), {"--", DotnetExe(), FSharpTailDll(), "1001", "--wait"});
  std::string error;
  auto process = InteractiveProcess::Start(argv, session.PlainOptions(), &error);
  ASSERT_NE(process, nullptr) << error;
  auto pid_line = process->ReadLineStartingWith("pid ", 60s);
  ASSERT_TRUE(pid_line.has_value()) << process->Stdout() << process->Stderr();
  const std::string pid = pid_line->substr(4);

  ProcessResult json = session.RunClrprobe({"list", "-p", pid, "--json"}, 30s);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json reply = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_TRUE(reply.is_object()) << json.out;
  const nlohmann::json probes = reply.value("probes", nlohmann::json::array());
  ASSERT_EQ(probes.size(), 2u) << reply.dump(2);
  for (const nlohmann::json& probe : probes) {
    SCOPED_TRACE(probe.value("selector", ""));
    const nlohmann::json methods = probe.value("methods", nlohmann::json::array());
    ASSERT_EQ(methods.size(), 1u) << probe.dump(2);
    EXPECT_EQ(methods[0].value("measures", ""), "calls only (tail calls)") << probe.dump(2);
    EXPECT_EQ(methods[0].value("timed", true), false) << probe.dump(2);
    EXPECT_TRUE(Contains(probe.value("note", ""), "latency and exceptions not measured")) << probe.dump(2);
  }

  ProcessResult table = session.RunClrprobe({"list", "-p", pid}, 30s);
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(Contains(table.out, "note: calls only, latency and exceptions not measured")) << table.out;
  EXPECT_TRUE(Contains(table.out, "FSharpTail.Parity::isEven(int32) (tail calls)")) << table.out;

  ASSERT_TRUE(process->WriteLine(""));
  process->CloseStdin();
  EXPECT_EQ(process->Wait(30s), std::optional<int>(0)) << process->Stderr();
}

// The depth really needs the tail calls: the same walk ten times deeper still runs
// under the probes (a full probe's try would have turned every level into a frame).
TEST(TailCalls, TenMillionLevelsStillRunUnderCountOnlyProbes) {
  ASSERT_TRUE(ClrprobeBuilt());
  ASSERT_TRUE(FileExists(FSharpTailDll())) << FSharpTailDll() << " missing: build app_fsharptail";
  ProbeSession session;
  const std::vector<std::string> command{DotnetExe(), FSharpTailDll(), "10000001"};
  ProcessResult plain = session.RunPlain(command);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ProbedRun probed = session.RunProbed({"FSharpTail!FSharpTail.Parity::is*"}, command);
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  const ProbeReport* probe = FindProbe(*probed.report, "FSharpTail!FSharpTail.Parity::is*");
  ASSERT_NE(probe, nullptr) << probed.report->raw.dump(2);
  EXPECT_EQ(probe->calls, FindCount(plain.out, "expected isEven") + FindCount(plain.out, "expected isOdd"));
  EXPECT_EQ(probe->methods.size(), 2u);
}

// Implicit tail calls are not kept, and `list`/`stats` say so: Scenarios.Recursion::CountDown
// returns `CountDown(n - 1, acc + 1)` (IL `call CountDown; ret`), which a full probe runs
// inside its try. It stays fully measured; its entry names the self-recursive call and the
// note what that does to the stack.
TEST(TailCalls, ASelfRecursiveCallInTailPositionIsNamedAsKeepingItsFrames) {
  ASSERT_TRUE(AppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  const std::string selector = "Scenarios.Recursion::CountDown";
  ProcessResult plain = session.RunPlain(ScenarioCommand("recursive"));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ProbedRun probed = session.RunProbed({selector}, ScenarioCommand("recursive"));
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  const ProbeReport* probe = FindProbe(*probed.report, selector);
  ASSERT_NE(probe, nullptr) << probed.report->raw.dump(2);
  EXPECT_EQ(probe->calls, FindCount(plain.out, "expected " + selector));
  EXPECT_EQ(probe->calls, 1001);
  ASSERT_TRUE(probe->latency.has_value());
  EXPECT_GT(probe->latency->max, 0) << "a full probe: latency measured";
  const nlohmann::json details = probe->raw.value("method_details", nlohmann::json::array());
  ASSERT_EQ(details.size(), 1u) << probe->raw.dump(2);
  EXPECT_EQ(details[0].value("self_tail_calls", 0), 1) << details.dump(2);
  EXPECT_FALSE(details[0].contains("timed")) << details.dump(2);
  const std::string note = probe->raw.value("note", "");
  EXPECT_TRUE(Contains(note, "each recursion level keeps its stack frame")) << note;
  EXPECT_TRUE(Contains(note, "Scenarios.Recursion::CountDown(int32,int32)")) << note;
}

}  // namespace
}  // namespace clrprobe::itest
