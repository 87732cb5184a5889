// `clrprobe watch` on a real .NET program (tests/apps/WatchTarget): every value kind arrives
// in the events exactly as the program passed it, ref/out values are read at exit, an
// escaping exception has its type and message, conditions select calls, --rate drops and
// counts, the watch removes its instrumentation when it ends, bad conditions and unknown
// parameter names are refused with nothing instrumented, the program's output is the
// same as without the agent, and --stack names the real callers (innermost first, at most
// 32), also in a process reached by attach.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <iterator>
#include <limits>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "live_service.h"
#include "probe_session.h"
#include "process_runner.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// WatchTarget under `clrprobe run` (no probes), or plain (no agent), driven over stdin.
class Target {
 public:
  explicit Target(ProbeSession& session, bool with_agent = true) {
    std::vector<std::string> argv{DotnetExe(), WatchTargetDll()};
    if (with_agent) argv.insert(argv.begin(), {ClrprobeExe(), "run", "--log", session.LogPath(), "--"});
    process_ = InteractiveProcess::Start(argv, session.PlainOptions(), &error_);
  }
  ~Target() {
    if (process_ && process_->Running()) {
      process_->WriteLine("stop");
      process_->CloseStdin();
      if (!process_->Wait(20s)) process_->Kill();
    }
  }
  ::testing::AssertionResult Ready() {
    if (!process_) return ::testing::AssertionFailure() << error_;
    auto line = process_->ReadLineStartingWith("ready pid=", 60s);
    if (!line) return ::testing::AssertionFailure() << "no ready line; stderr: " << process_->Stderr();
    pid_ = std::stoi(line->substr(10));
    return ::testing::AssertionSuccess();
  }
  // Runs one command and returns the program's answer.
  std::string Do(const std::string& command) {
    process_->WriteLine(command);
    auto line = process_->ReadLine(30s);
    return line ? *line : "(no answer)";
  }
  int pid() const { return pid_; }

 private:
  std::unique_ptr<InteractiveProcess> process_;
  std::string error_;
  int pid_ = 0;
};

// `clrprobe watch` running beside the target until it ends by itself.
class Watcher {
 public:
  Watcher(ProbeSession& session, int pid, std::vector<std::string> args) {
    std::vector<std::string> argv{ClrprobeExe(), "watch", "-p", std::to_string(pid)};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = InteractiveProcess::Start(argv, session.PlainOptions(), &error_);
  }
  // Waits until the watch is in place (its "watching" line).
  ::testing::AssertionResult Watching() {
    if (!process_) return ::testing::AssertionFailure() << error_;
    for (int i = 0; i < 600; ++i) {
      if (process_->Stderr().find("watching ") != std::string::npos) return ::testing::AssertionSuccess();
      if (!process_->Running()) break;
      std::this_thread::sleep_for(50ms);
    }
    return ::testing::AssertionFailure() << "watch did not start: " << process_->Stderr();
  }
  // Waits for the watch to end; its exit code.
  int Finish() {
    auto code = process_->Wait(60s);
    return code ? *code : -1;
  }
  std::vector<json> Events() const {
    std::vector<json> out;
    std::istringstream lines(process_->Stdout());
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
  }
  std::string Stderr() const { return process_->Stderr(); }
  std::string Stdout() const { return process_->Stdout(); }
  void Interrupt() { ::kill(process_->pid(), SIGINT); }

 private:
  std::unique_ptr<InteractiveProcess> process_;
  std::string error_;
};

json Arg(const json& event, const std::string& name) {
  for (const json& a : event["args"]) {
    if (a["name"] == name) return a;
  }
  return json();
}

// The probes the agent lists (state per id).
json Probes(ProbeSession& session, int pid) {
  ProcessResult list = session.RunClrprobe({"list", "-p", std::to_string(pid), "--json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  return json::parse(list.out, nullptr, false)["probes"];
}

void RequireBuilt() {
  ASSERT_TRUE(ClrprobeBuilt());
  ASSERT_TRUE(FileExists(WatchTargetDll())) << WatchTargetDll() << " missing: build app_watchtarget";
}

TEST(Watch, EveryValueKindArrivesInTheEventsExactlyAndTheProgramsOutputIsUnchanged) {
  RequireBuilt();
  ProbeSession session;
  Target target(session);
  ASSERT_TRUE(target.Ready());
  Watcher watch(session, target.pid(),
                {"WatchTarget!WatchTarget.Shop::*", "--args", "--return", "--json", "--count", "5"});
  ASSERT_TRUE(watch.Watching());
  // The answers are those of the program without any agent (Program.cs computes them).
  EXPECT_EQ(target.Do("save"), "save 303");
  EXPECT_EQ(target.Do("kinds"), "kinds ok");
  EXPECT_EQ(target.Do("paint"), "paint Blue");
  EXPECT_EQ(target.Do("try"), "try True 42 6");
  EXPECT_EQ(target.Do("fail"), "fail out of stock");
  ASSERT_EQ(watch.Finish(), 0) << watch.Stderr();
  const auto events = watch.Events();
  ASSERT_EQ(events.size(), 5u) << watch.Stderr();

  const json& save = events[0];
  EXPECT_EQ(save["method"], "WatchTarget.Shop::Save");
  EXPECT_EQ(save["pid"], target.pid());
  EXPECT_GT(save["latency_ns"].get<int64_t>(), 0);
  EXPECT_EQ(Arg(save, "amount"), (json{{"name", "amount"}, {"type", "System.Int32"}, {"value", 150}}));
  EXPECT_EQ(Arg(save, "customer")["value"], "bob");
  EXPECT_EQ(save["return"], (json{{"type", "System.Int32"}, {"value", 303}}));
  EXPECT_TRUE(save["exception"].is_null());

  const json& kinds = events[1];
  EXPECT_EQ(Arg(kinds, "flag")["value"], true);
  EXPECT_EQ(Arg(kinds, "letter")["value"], "é");
  EXPECT_EQ(Arg(kinds, "i8")["value"], -8);
  EXPECT_EQ(Arg(kinds, "u8")["value"], 200);
  EXPECT_EQ(Arg(kinds, "i16")["value"], -300);
  EXPECT_EQ(Arg(kinds, "u16")["value"], 60000);
  EXPECT_EQ(Arg(kinds, "i32")["value"], -70000);
  EXPECT_EQ(Arg(kinds, "u32")["value"], 4000000000u);
  EXPECT_EQ(Arg(kinds, "i64")["value"], -9000000000);
  EXPECT_EQ(Arg(kinds, "u64")["value"], 18000000000000000000ull);
  EXPECT_EQ(Arg(kinds, "f32")["value"], 1.5);
  EXPECT_EQ(Arg(kinds, "f64")["value"], -0.25);
  EXPECT_EQ(kinds["return"]["value"], "ok");

  const json& paint = events[2];
  EXPECT_EQ(Arg(paint, "color"),
            (json{{"name", "color"}, {"type", "WatchTarget.Color"}, {"value", "Blue"}, {"number", 2}}));
  EXPECT_EQ(Arg(paint, "when")["value"], "2024-02-29T12:34:56.0000000Z");
  EXPECT_EQ(Arg(paint, "span")["value"], "1.01:01:01");
  EXPECT_EQ(Arg(paint, "id")["value"], "00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_TRUE(Arg(paint, "nothing")["value"].is_null());
  EXPECT_EQ(Arg(paint, "items")["value"], "System.Int32[]");
  EXPECT_EQ(Arg(paint, "items")["length"], 3);
  EXPECT_EQ(Arg(paint, "order")["value"], "WatchTarget.Order");
  EXPECT_EQ(paint["return"]["value"], "Blue");

  // ref/out: read at exit (the method wrote 42 and incremented 5).
  const json& parsed = events[3];
  EXPECT_EQ(Arg(parsed, "value")["value"], 42);
  EXPECT_EQ(Arg(parsed, "counter")["value"], 6);
  EXPECT_EQ(parsed["return"]["value"], true);

  const json& failed = events[4];
  EXPECT_EQ(failed["exception"], (json{{"type", "System.InvalidOperationException"}, {"message", "out of stock"}}));
  EXPECT_TRUE(failed["return"].is_null());

  // The watch removed its instrumentation when it ended.
  for (const json& probe : Probes(session, target.pid())) EXPECT_EQ(probe["state"], "removed") << probe.dump();
}

TEST(Watch, AConditionOnAnArgumentSelectsTheCallsAndCountEndsTheWatch) {
  RequireBuilt();
  ProbeSession session;
  Target target(session);
  ASSERT_TRUE(target.Ready());
  Watcher watch(
      session, target.pid(),
      {"WatchTarget.Shop::Hot", "--args", "--return", "--json", "--when", "i == 5 || arg0 == 12", "--count", "2"});
  ASSERT_TRUE(watch.Watching());
  EXPECT_EQ(target.Do("hot 20"), "hot 62");
  ASSERT_EQ(watch.Finish(), 0) << watch.Stderr();
  const auto events = watch.Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(Arg(events[0], "i")["value"], 5);
  EXPECT_EQ(events[0]["return"]["value"], 5);
  EXPECT_EQ(Arg(events[1], "i")["value"], 12);
  EXPECT_EQ(events[1]["return"]["value"], 4);
  EXPECT_EQ(target.Do("hot 20"), "hot 62");  // runs on, uninstrumented
  for (const json& probe : Probes(session, target.pid())) EXPECT_EQ(probe["state"], "removed");
}

TEST(Watch, TheRateLimitDropsAndCountsEventsUnderAHotLoop) {
  RequireBuilt();
  ProbeSession session;
  Target target(session);
  ASSERT_TRUE(target.Ready());
  // --max-overhead 100: the burst is far above a watch's default 2 % budget, which would
  // suspend the watch mid-loop (Budgets.*); this test is about the rate limit.
  Watcher watch(session, target.pid(),
                {"WatchTarget.Shop::Hot", "--json", "--rate", "5/s", "--count", "100000", "--duration", "3s",
                 "--max-overhead", "100"});
  ASSERT_TRUE(watch.Watching());
  EXPECT_EQ(target.Do("hot 200000"), "hot 700000");
  ASSERT_EQ(watch.Finish(), 0) << watch.Stderr();
  const auto events = watch.Events();
  // 5 per one-second window; the loop may straddle two or three windows within 3 s.
  EXPECT_GE(events.size(), 5u);
  EXPECT_LE(events.size(), 20u);
  EXPECT_NE(watch.Stderr().find("200000 calls matched"), std::string::npos) << watch.Stderr();
  EXPECT_NE(watch.Stderr().find(std::to_string(200000 - events.size()) + " dropped over --rate"), std::string::npos)
      << watch.Stderr();
}

TEST(Watch, AMethodAnEarlierAddInstrumentedIsWatchedAndItsProbeKeepsCountingEveryCall) {
  RequireBuilt();
  ProbeSession session;
  Target target(session);
  ASSERT_TRUE(target.Ready());
  const std::string pid = std::to_string(target.pid());
  CliJson added = RunClrprobeJson(session, {"add", "-p", pid, "WatchTarget.Shop::Hot", "--json"});
  ASSERT_TRUE(added.json && added.json->contains("probe")) << added.process.err;
  const int64_t id = IdOf(added.json->at("probe"));
  EXPECT_EQ(target.Do("hot 20"), "hot 62");  // the probe's code (no watch hooks) is in the runtime now
  // The watch rewrites it with the hooks; the probe's figures go on across the change.
  Watcher watch(session, target.pid(),
                {"WatchTarget.Shop::Hot", "--args", "--json", "--when", "i == 3", "--count", "2"});
  ASSERT_TRUE(watch.Watching());
  EXPECT_EQ(target.Do("hot 20"), "hot 62");  // i == 3 once in each
  EXPECT_EQ(target.Do("hot 20"), "hot 62");
  ASSERT_EQ(watch.Finish(), 0) << watch.Stderr();
  const auto events = watch.Events();
  ASSERT_EQ(events.size(), 2u) << watch.Stderr();
  for (const json& event : events) EXPECT_EQ(Arg(event, "i")["value"], 3);
  EXPECT_EQ(target.Do("hot 20"), "hot 62");  // after the watch: the probe alone
  EXPECT_EQ(CallsOf(session, target.pid(), id), 80);
}

TEST(Watch, CtrlCEndsTheWatchAndRemovesItsInstrumentation) {
  RequireBuilt();
  ProbeSession session;
  Target target(session);
  ASSERT_TRUE(target.Ready());
  Watcher watch(session, target.pid(), {"WatchTarget.Shop::Save", "--json"});
  ASSERT_TRUE(watch.Watching());
  EXPECT_EQ(target.Do("save"), "save 303");
  watch.Interrupt();
  EXPECT_EQ(watch.Finish(), 0) << watch.Stderr();
  const json probes = Probes(session, target.pid());
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0]["state"], "removed");
}

TEST(Watch, BadConditionsAndUnknownParameterNamesAreRefusedWithNothingInstrumented) {
  RequireBuilt();
  ProbeSession session;
  Target target(session);
  ASSERT_TRUE(target.Ready());
  const std::string pid = std::to_string(target.pid());
  ProcessResult malformed =
      session.RunClrprobe({"watch", "-p", pid, "WatchTarget.Shop::Save", "--when", "amount > && x"});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("column 10"), std::string::npos) << malformed.err;
  ProcessResult unknown = session.RunClrprobe({"watch", "-p", pid, "WatchTarget.Shop::Save", "--when", "amout > 3"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("unknown argument name 'amout'; parameters: amount (arg0), customer (arg1)"),
            std::string::npos)
      << unknown.err;
  EXPECT_TRUE(Probes(session, target.pid()).empty());
  EXPECT_EQ(target.Do("save"), "save 303");
}

TEST(Watch, AProcessStartedWithoutTheAgentIsAttachedAndWatched) {
  RequireBuilt();
  ProbeSession session;
  Target target(session, /*with_agent=*/false);
  ASSERT_TRUE(target.Ready());
  Watcher watch(session, target.pid(), {"WatchTarget.Shop::Save", "--args", "--json", "--count", "1"});
  ASSERT_TRUE(watch.Watching());
  EXPECT_EQ(target.Do("save"), "save 303");
  ASSERT_EQ(watch.Finish(), 0) << watch.Stderr();
  const auto events = watch.Events();
  ASSERT_EQ(events.size(), 1u) << watch.Stderr();
  EXPECT_EQ(Arg(events[0], "customer")["value"], "bob");
}

std::vector<std::string> Stack(const json& event) {
  std::vector<std::string> out;
  for (const json& frame : event.value("stack", json::array())) out.push_back(frame.get<std::string>());
  return out;
}

TEST(Watch, StacksNameTheRealCallers) {
  RequireBuilt();
  ProbeSession session;
  Target target(session);
  ASSERT_TRUE(target.Ready());
  Watcher watch(session, target.pid(), {"WatchTarget.Shop::Leaf", "--stack", "--json", "--count", "2"});
  ASSERT_TRUE(watch.Watching());
  EXPECT_EQ(target.Do("chain"), "chain 8");
  EXPECT_EQ(target.Do("deep 2"), "deep 4");
  ASSERT_EQ(watch.Finish(), 0) << watch.Stderr();
  const auto events = watch.Events();
  ASSERT_EQ(events.size(), 2u) << watch.Stderr();
  // Innermost caller first; the watched method itself is not a caller.
  const auto chain = Stack(events[0]);
  ASSERT_GE(chain.size(), 4u) << events[0].dump();
  EXPECT_EQ(chain[0], "WatchTarget.Chain::C") << events[0].dump();
  EXPECT_EQ(chain[1], "WatchTarget.Chain::B");
  EXPECT_EQ(chain[2], "WatchTarget.Chain::A");
  EXPECT_NE(chain[3].find("Main"), std::string::npos) << events[0].dump();  // the top-level program
  EXPECT_FALSE(events[0].contains("stack_error")) << events[0].dump();
  const auto deep = Stack(events[1]);
  ASSERT_GE(deep.size(), 4u) << events[1].dump();
  EXPECT_EQ(
      std::vector<std::string>(deep.begin(), deep.begin() + 3),
      (std::vector<std::string>{"WatchTarget.Chain::Down", "WatchTarget.Chain::Down", "WatchTarget.Chain::Down"}));
  EXPECT_EQ(deep[3], chain[3]);
}

TEST(Watch, AStackDeeperThan32FramesIsCutAt32) {
  RequireBuilt();
  ProbeSession session;
  Target target(session);
  ASSERT_TRUE(target.Ready());
  Watcher watch(session, target.pid(), {"WatchTarget.Shop::Leaf", "--stack", "--json", "--count", "1"});
  ASSERT_TRUE(watch.Watching());
  EXPECT_EQ(target.Do("deep 40"), "deep 42");
  ASSERT_EQ(watch.Finish(), 0) << watch.Stderr();
  const auto events = watch.Events();
  ASSERT_EQ(events.size(), 1u) << watch.Stderr();
  const auto stack = Stack(events[0]);
  ASSERT_EQ(stack.size(), 32u) << events[0].dump();
  for (const std::string& frame : stack) EXPECT_EQ(frame, "WatchTarget.Chain::Down");
}

TEST(Watch, StacksOfAProcessReachedByAttachNameTheRealCallers) {
  RequireBuilt();
  ProbeSession session;
  Target target(session, /*with_agent=*/false);
  ASSERT_TRUE(target.Ready());
  Watcher watch(session, target.pid(), {"WatchTarget.Shop::Leaf", "--stack", "--count", "1"});
  ASSERT_TRUE(watch.Watching());
  EXPECT_EQ(target.Do("chain"), "chain 8");
  ASSERT_EQ(watch.Finish(), 0) << watch.Stderr();
  // The readable block this time: the callers under "called from", innermost first.
  const std::string out = watch.Stdout();
  EXPECT_NE(out.find("WatchTarget.Shop::Leaf"), std::string::npos) << out;
  EXPECT_NE(out.find("  called from\n    WatchTarget.Chain::C\n    WatchTarget.Chain::B\n    WatchTarget.Chain::A\n"),
            std::string::npos)
      << out;
}

TEST(Watch, AStackWatchOnlyWalksForCapturedCallsAndAnEscapingExceptionSaysWhyItHasNone) {
  RequireBuilt();
  ProbeSession session;
  Target target(session);
  ASSERT_TRUE(target.Ready());
  Watcher watch(session, target.pid(),
                {"WatchTarget.Shop::*", "--stack", "--json", "--when", "exception || arg0 == 4", "--count", "2"});
  ASSERT_TRUE(watch.Watching());
  EXPECT_EQ(target.Do("deep 5"), "deep 7");  // Leaf(0): condition false, no event
  EXPECT_EQ(target.Do("chain"), "chain 8");  // Leaf(4): captured
  EXPECT_EQ(target.Do("fail"), "fail out of stock");
  ASSERT_EQ(watch.Finish(), 0) << watch.Stderr();
  const auto events = watch.Events();
  ASSERT_EQ(events.size(), 2u) << watch.Stderr();
  EXPECT_EQ(events[0]["method"], "WatchTarget.Shop::Leaf");
  EXPECT_EQ(Stack(events[0]).at(0), "WatchTarget.Chain::C");
  EXPECT_EQ(events[1]["method"], "WatchTarget.Shop::Fail");
  EXPECT_TRUE(Stack(events[1]).empty());
  EXPECT_EQ(events[1]["stack_error"], "not captured for an escaping exception");
}

// ---- Numeric argument conditions decided in the IL (watch/precheck_compiler.h) ----

// MixedData.Rows of WatchTarget (Program.cs), row n = the call with n.
struct MixedRow {
  int32_t x;
  int64_t y;
  double z;
};
const MixedRow kMixedRows[] = {
    {-1, 5, 0.5},
    {-1, 4, -0.5},
    {0, 5, std::numeric_limits<double>::quiet_NaN()},
    {3, 7, 1.0},
    {-7, 100, std::numeric_limits<double>::quiet_NaN()},
    {std::numeric_limits<int32_t>::min(), std::numeric_limits<int64_t>::max(), -0.0},
    {3, -5, 0.25},
    {std::numeric_limits<int32_t>::max(), 5, std::numeric_limits<double>::infinity()},
    {-2, std::numeric_limits<int64_t>::min(), 0.5000001},
    {5, 6, -std::numeric_limits<double>::infinity()},
};
constexpr int kMixedCalls = static_cast<int>(std::size(kMixedRows));

template <typename Holds>
std::set<int> RowsWhere(Holds holds) {
  std::set<int> rows;
  for (int n = 0; n < kMixedCalls; ++n) {
    if (holds(kMixedRows[n])) rows.insert(n);
  }
  return rows;
}

// The calls Shop::Mixed's probe counted (stats), -1 when it is not listed.
int64_t MixedCallsCounted(ProbeSession& session, int pid) {
  ProcessResult stats = session.RunClrprobe({"stats", "-p", std::to_string(pid), "--json"});
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  const json parsed = json::parse(stats.out, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("probes")) return -1;
  for (const json& probe : parsed["probes"]) {
    if (probe.value("selector", "") == "WatchTarget.Shop::Mixed") return probe.value("calls", int64_t{-1});
  }
  return -1;
}

// Watches Shop::Mixed with `condition` while the program makes the calls
// `rounds` times; the rows of the events, after checking that the probe
// counted every call and the program's answer is unchanged.
std::multiset<int> WatchMixed(ProbeSession& session, Target& target, const std::string& condition, size_t expected,
                              int rounds = 1) {
  Watcher watch(session, target.pid(),
                {"WatchTarget.Shop::Mixed", "--args", "--json", "--when", condition, "--count", "1000"});
  EXPECT_TRUE(watch.Watching());
  for (int r = 0; r < rounds; ++r) EXPECT_EQ(target.Do("mixed"), "mixed 63");
  EXPECT_EQ(MixedCallsCounted(session, target.pid()), int64_t{kMixedCalls} * rounds) << condition;
  // The events of the calls made: at least `expected` lines, then a little
  // longer for any that should not be there.
  for (int i = 0; i < 200 && watch.Events().size() < expected; ++i) std::this_thread::sleep_for(25ms);
  std::this_thread::sleep_for(300ms);
  watch.Interrupt();
  EXPECT_EQ(watch.Finish(), 0) << watch.Stderr();
  std::multiset<int> rows;
  for (const json& e : watch.Events()) rows.insert(Arg(e, "n")["value"].get<int>());
  return rows;
}

std::multiset<int> Once(const std::set<int>& rows) { return {rows.begin(), rows.end()}; }

TEST(Watch, ANumericArgumentConditionReportsExactlyTheCallsWhereItHoldsAndTheProbeCountsEveryCall) {
  RequireBuilt();
  struct Case {
    const char* condition;
    std::set<int> rows;
  };
  const Case cases[] = {
      {"x < 0 && y >= 5", RowsWhere([](const MixedRow& r) { return r.x < 0 && r.y >= 5; })},
      {"!(x == 3)", RowsWhere([](const MixedRow& r) { return !(r.x == 3); })},
      {"z <= 0.5", RowsWhere([](const MixedRow& r) { return r.z <= 0.5; })},                            // false for NaN
      {"!(z > 0.5) && 0 <= y", RowsWhere([](const MixedRow& r) { return !(r.z > 0.5) && 0 <= r.y; })},  // NaN: true
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.condition);
    ASSERT_GT(c.rows.size(), 0u);
    ASSERT_LT(c.rows.size(), static_cast<size_t>(kMixedCalls));
    ProbeSession session;  // a fresh process: the method's IL is made for this condition
    Target target(session);
    ASSERT_TRUE(target.Ready());
    EXPECT_EQ(WatchMixed(session, target, c.condition, c.rows.size() * 2, 2), [&] {
      std::multiset<int> twice(c.rows.begin(), c.rows.end());
      twice.insert(c.rows.begin(), c.rows.end());
      return twice;
    }());
  }
}

TEST(Watch, ALaterWatchWithAnotherConditionOnTheSameMethodSeesItsOwnCalls) {
  RequireBuilt();
  ProbeSession session;
  Target target(session);
  ASSERT_TRUE(target.Ready());
  // The first watch's IL (with its condition compiled in) is reused by the
  // second: the second's calls are all those where ITS condition holds.
  const auto first = RowsWhere([](const MixedRow& r) { return r.x < 0; });
  EXPECT_EQ(WatchMixed(session, target, "x < 0", first.size()), Once(first));
  const auto second = RowsWhere([](const MixedRow& r) { return r.x >= 0; });
  EXPECT_EQ(WatchMixed(session, target, "x >= 0", second.size()), Once(second));
  // Without a condition: every call.
  EXPECT_EQ(WatchMixed(session, target, "true", kMixedCalls), Once(RowsWhere([](const MixedRow&) { return true; })));
  // The first condition again: its compiled precheck decides once more.
  EXPECT_EQ(WatchMixed(session, target, "x < 0", first.size()), Once(first));
}

TEST(Watch, AConditionTheIlCannotDecideStillSelectsTheCalls) {
  RequireBuilt();
  ProbeSession session;
  Target target(session);
  ASSERT_TRUE(target.Ready());
  // latency, and a comparison of two arguments: decided by the hook on every call.
  const auto rows = RowsWhere([](const MixedRow& r) { return r.x < 0 && r.x < r.y; });
  EXPECT_EQ(WatchMixed(session, target, "x < 0 && latency >= 0ns && x < y", rows.size()), Once(rows));
}

}  // namespace
}  // namespace clrprobe::itest
