// Async methods measured to completion (issue 10): a probe on a method returning Task,
// Task<T>, ValueTask or ValueTask<T> counts its call at entry, and its latency, fault
// (exceptions), cancellation (cancelled) and in-flight state from the task it returns.
//
// tests/apps/AsyncScenarios (scenarios counts, latency, semantics, inflight, loop) and
// tests/apps/AsyncWeb (ASP.NET Core + HttpClient) run plain and under `clrprobe run`; the
// probed run must print exactly what the plain run prints, and the report must show the
// figures the program declares in its "expected <selector> calls=N exceptions=E cancelled=C"
// lines, which are also checked against the tables here so that neither side drifts.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "expectations.h"
#include "live_service.h"
#include "probe_session.h"
#include "process_runner.h"
#include "report.h"
#include "test_paths.h"
#include "text_contains.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr double kNsPerMs = 1e6;
constexpr auto kLineTimeout = 90s;  // a line from a program starting on a loaded machine

// The figures a probe must report for a whole run.
struct Figures {
  std::string selector;
  int64_t calls = 0;
  int64_t exceptions = 0;
  int64_t cancelled = 0;
};

void PrintTo(const Figures& f, std::ostream* os) {
  *os << f.selector << " calls=" << f.calls << " exceptions=" << f.exceptions << " cancelled=" << f.cancelled;
}

bool operator==(const Figures& a, const Figures& b) {
  return a.selector == b.selector && a.calls == b.calls && a.exceptions == b.exceptions && a.cancelled == b.cancelled;
}

// The `counts` scenario: Step's pattern (tests/apps/AsyncScenarios/Step.cs) faults calls with
// i % 10 in {3, 7} and cancels i % 10 == 5, so N calls give N/5 exceptions and N/10 cancelled;
// the other methods are described in Counted.cs.
const std::vector<Figures>& CountsTable() {
  static const std::vector<Figures> table = {
      {"AsyncScenarios.Counted::VoidTask", 100, 20, 10},
      {"AsyncScenarios.Counted::IntTask", 110, 22, 11},
      {"AsyncScenarios.Counted::VoidValueTask", 90, 18, 9},
      {"AsyncScenarios.Counted::IntValueTask", 80, 16, 8},
      {"AsyncScenarios.Counted::PooledValueTask", 70, 14, 7},
      // i % 3 == 0 faults before the first await (20); of the rest, i % 10 == 5 is cancelled (4).
      {"AsyncScenarios.Counted::ThrowBeforeAwait", 60, 20, 4},
      {"AsyncScenarios.Counted::Forward", 50, 10, 5},
      // 10 ArgumentExceptions escaping the call + 10 Task.FromException tasks.
      {"AsyncScenarios.Counted::ThrowSync", 40, 20, 0},
      {"AsyncScenarios.Counted::FromCanceled", 30, 0, 3},
      // Echo<long> and Echo<string>, 20 calls each.
      {"AsyncScenarios.Generic::Echo", 40, 8, 4},
      // Repo<int>.Load and Repo<string>.Load, 15 calls each (faults 3, 7, 13; cancel 5).
      {"AsyncScenarios.Repo::Load", 30, 6, 2},
  };
  return table;
}

constexpr char kDelay50[] = "AsyncScenarios.Latency::Delay50";
constexpr char kDelay50Forwarded[] = "AsyncScenarios.Latency::Delay50Forwarded";
constexpr char kPooledDelay50[] = "AsyncScenarios.Latency::PooledDelay50";
constexpr char kImmediate[] = "AsyncScenarios.Latency::Immediate";

const std::vector<Figures>& LatencyTable() {
  static const std::vector<Figures> table = {
      {kDelay50, 20, 0, 0}, {kDelay50Forwarded, 20, 0, 0}, {kPooledDelay50, 20, 0, 0}, {kImmediate, 1000, 0, 0}};
  return table;
}

constexpr char kInflightMethod[] = "AsyncScenarios.InFlight::WaitAsync";
constexpr int64_t kInflightCalls = 10'000;

constexpr char kLoopMethods[] = "AsyncScenarios.Loop::*Async";  // StepAsync, PendingAsync
constexpr int64_t kLoopWorkers = 4;                             // LoopScenario.Workers

constexpr char kWebHandler[] = "AsyncWeb.Handlers::SlowAsync";
// Every HttpClient.SendAsync overload; AsyncWeb calls only the one the others end in.
constexpr char kHttpClientSend[] = "System.Net.Http!System.Net.Http.HttpClient::SendAsync";
constexpr char kHttpClientSendKey[] = "System.Net.Http.HttpClient::SendAsync";
constexpr int64_t kWebRequests = 20;

std::vector<std::string> AsyncCommand(const std::string& scenario) {
  return {DotnetExe(), AsyncScenariosDll(), scenario};
}

std::vector<std::string> SelectorsOf(const std::vector<Figures>& table) {
  std::vector<std::string> out;
  for (const auto& f : table) out.push_back(f.selector);
  return out;
}

// "expected <selector> calls=N exceptions=E cancelled=C" lines of a program's stdout.
std::vector<Figures> Declared(const std::string& out) {
  std::vector<Figures> declared;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string head;
    Figures f;
    if (!(words >> head >> f.selector) || head != "expected") continue;
    for (std::string word; words >> word;) {
      auto eq = word.find('=');
      if (eq == std::string::npos) continue;
      const std::string key = word.substr(0, eq);
      const int64_t value = std::stoll(word.substr(eq + 1));
      if (key == "calls") f.calls = value;
      if (key == "exceptions") f.exceptions = value;
      if (key == "cancelled") f.cancelled = value;
    }
    declared.push_back(f);
  }
  return declared;
}

// The program declared exactly the figures of the table (same selectors, same order).
void ExpectDeclaredTable(const std::string& out, const std::vector<Figures>& table) {
  EXPECT_EQ(Declared(out), table) << "the program's \"expected ...\" lines differ from the test table:\n" << out;
}

std::string Missing(const ProbeReport& p, const char* field) {
  return p.raw.contains(field) ? "" : std::string(" (no \"") + field + "\" in the report entry)";
}

// The report entry of f.selector has exactly f's figures and nothing in flight.
void ExpectFigures(const Report& report, const Figures& f) {
  SCOPED_TRACE(f.selector);
  const ProbeReport* p = FindProbe(report, f.selector);
  ASSERT_NE(p, nullptr) << "no report entry for " << f.selector << " in\n" << report.raw.dump(2);
  EXPECT_FALSE(p->methods.empty()) << "the selector matched no method: " << p->raw.dump();
  EXPECT_EQ(p->calls, f.calls) << p->raw.dump();
  EXPECT_EQ(p->exceptions, f.exceptions) << "faulted tasks + escaping exceptions: " << p->raw.dump();
  EXPECT_EQ(p->cancelled, f.cancelled) << "cancelled tasks" << Missing(*p, "cancelled") << ": " << p->raw.dump();
  EXPECT_EQ(p->in_flight, 0) << "calls still in flight at exit" << Missing(*p, "in_flight") << ": " << p->raw.dump();
  ExpectLatency(*p);
}

// p50 of the entry of selector, in ms; -1 (and a failure) when absent.
double P50Ms(const Report& report, const std::string& selector) {
  const ProbeReport* p = FindProbe(report, selector);
  if (p == nullptr || !p->latency) {
    ADD_FAILURE() << "no latency for " << selector << " in\n" << report.raw.dump(2);
    return -1;
  }
  return p->latency->p50 / kNsPerMs;
}

void ExpectP50Within(const Report& report, const std::string& selector, double low_ms, double high_ms) {
  const ProbeReport* p = FindProbe(report, selector);
  if (p == nullptr) return;  // P50Ms reports it
  const double p50 = P50Ms(report, selector);
  EXPECT_GE(p50, low_ms) << selector << ": p50 " << p50 << " ms (only the synchronous slice measured?)\n"
                         << p->raw.dump();
  EXPECT_LE(p50, high_ms) << selector << ": p50 " << p50 << " ms\n" << p->raw.dump();
}

// No bad rewrite (InvalidProgramException) or crash in the program's output or the agent log.
void ExpectNoBrokenCode(const std::string& out, const std::string& err, const std::string& log) {
  for (const auto& [what, text] : {std::pair<std::string, std::string>{"stdout", out}, {"stderr", err},
                                   {"agent log", log}}) {
    EXPECT_FALSE(Contains(text, "InvalidProgramException")) << "InvalidProgramException in the " << what;
    EXPECT_FALSE(Contains(text, "Unhandled exception")) << "unhandled exception in the " << what;
  }
}

::testing::AssertionResult AsyncAppsBuilt() {
  for (const auto& path : {DotnetExe(), AsyncScenariosDll(), AsyncWebDll()}) {
    if (!FileExists(path)) {
      return ::testing::AssertionFailure() << path << " missing: build the clrprobe_test_apps target";
    }
  }
  return ::testing::AssertionSuccess();
}

// An AsyncScenarios scenario driven over stdin/stdout: plain, or under
// `clrprobe run [--probe S]... --report R --log L --`. Prints its output if the test failed.
class Interactive {
 public:
  Interactive(ProbeSession& session, const std::string& scenario, bool with_agent,
              const std::vector<std::string>& selectors = {}) {
    std::vector<std::string> argv;
    if (with_agent) {
      argv = {ClrprobeExe(), "run"};
      for (const auto& s : selectors) argv.insert(argv.end(), {"--probe", s});
      argv.insert(argv.end(), {"--report", session.ReportPath(), "--log", session.LogPath(), "--"});
    }
    for (const auto& a : AsyncCommand(scenario)) argv.push_back(a);
    process_ = InteractiveProcess::Start(argv, session.PlainOptions(), &error_);
    if (!process_) error_ = DescribeCommand(argv) + ": " + error_;
  }

  ~Interactive() {
    if (process_ && process_->Running()) {
      process_->CloseStdin();
      if (!process_->Wait(20s)) process_->Kill();
    }
    if (::testing::Test::HasFailure() && process_) {
      std::cerr << "---- program stdout:\n" << Tail(process_->Stdout()) << "\n---- program stderr:\n"
                << Tail(process_->Stderr()) << "\n---- end of program output\n";
    }
  }

  // Waits for "ready pid=N" and returns N (the dotnet process), or a failure and -1.
  pid_t Ready() {
    if (!process_) {
      ADD_FAILURE() << "cannot start: " << error_;
      return -1;
    }
    auto line = process_->ReadLineStartingWith("ready pid=", kLineTimeout);
    if (!line) {
      ADD_FAILURE() << "the program never printed 'ready pid='";
      return -1;
    }
    return static_cast<pid_t>(std::stol(line->substr(std::string("ready pid=").size())));
  }

  std::optional<std::string> Expect(const std::string& prefix) {
    auto line = process_->ReadLineStartingWith(prefix, kLineTimeout);
    if (!line) ADD_FAILURE() << "the program never printed a line starting with '" << prefix << "'";
    return line;
  }

  InteractiveProcess& process() { return *process_; }

 private:
  static std::string Tail(const std::string& text) {
    return text.size() <= 16384 ? text : "[...]\n" + text.substr(text.size() - 16384);
  }

  std::unique_ptr<InteractiveProcess> process_;
  std::string error_;
};

class AsyncProbes : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(AsyncAppsBuilt());
    ASSERT_TRUE(ClrprobeBuilt());
  }
};

// The programs declare the figures of the tables here (plain runs, no agent), and their
// deterministic output really is deterministic.
TEST_F(AsyncProbes, ProgramsDeclareTheFiguresOfTheTestTables) {
  ProbeSession session;
  ProcessResult counts = session.RunPlain(AsyncCommand("counts"));
  ASSERT_EQ(counts.exit_code, 0) << counts.err;
  ExpectDeclaredTable(counts.out, CountsTable());
  EXPECT_EQ(session.RunPlain(AsyncCommand("counts")).out, counts.out) << "counts output differs between two runs";

  ProcessResult latency = session.RunPlain(AsyncCommand("latency"));
  ASSERT_EQ(latency.exit_code, 0) << latency.err;
  ExpectDeclaredTable(latency.out, LatencyTable());

  ProcessResult web = session.RunPlain({DotnetExe(), AsyncWebDll(), std::to_string(kWebRequests)});
  ASSERT_EQ(web.exit_code, 0) << web.err;
  ExpectDeclaredTable(web.out, {{kWebHandler, kWebRequests, 0, 0}, {kHttpClientSendKey, kWebRequests, 0, 0}});
  EXPECT_TRUE(Contains(web.out, "status 200 x" + std::to_string(kWebRequests))) << web.out;
}

// Exact calls, exceptions (faulted tasks + exceptions escaping the call) and cancelled
// tasks for Task, Task<T>, ValueTask, ValueTask<T>, the pooling ValueTask builder, a fault
// before the first await, non-async task-returning methods (forwarding, throwing
// synchronously, FromException, FromCanceled), a generic method and a method of a generic
// class, mixing synchronous completion with real suspension; nothing left in flight.
TEST_F(AsyncProbes, FaultedAndCancelledTasksAreCountedExactly) {
  ProbeSession session;
  ProcessResult plain = session.RunPlain(AsyncCommand("counts"));
  ProbedRun probed = session.RunProbed(SelectorsOf(CountsTable()), AsyncCommand("counts"));
  ExpectSameBehaviour(plain, probed.process);
  ExpectDeclaredTable(probed.process.out, CountsTable());
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  for (const auto& f : CountsTable()) ExpectFigures(*probed.report, f);
  ExpectNoBrokenCode(probed.process.out, probed.process.err, session.ReadLog());
}

// Latency runs from the call to the completion of the task: ~50 ms for methods awaiting
// Task.Delay(50) (async Task<int>, non-async returning Task.Delay's task, pooled
// ValueTask<int>), not the ~40 µs of their synchronous slice; well under 1 ms for an async
// method that completes synchronously.
TEST_F(AsyncProbes, LatencyRunsFromTheCallToTheCompletionOfTheTask) {
  ProbeSession session;
  ProcessResult plain = session.RunPlain(AsyncCommand("latency"));
  ProbedRun probed = session.RunProbed(SelectorsOf(LatencyTable()), AsyncCommand("latency"));
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  for (const auto& f : LatencyTable()) ExpectFigures(*probed.report, f);
  for (const char* selector : {kDelay50, kDelay50Forwarded, kPooledDelay50}) {
    ExpectP50Within(*probed.report, selector, 45, 80);
  }
  EXPECT_LT(P50Ms(*probed.report, kImmediate), 1.0);
}

// CoreLib's own task-returning methods are measured to completion like the application's:
// Task.Delay(50) lasts ~50 ms, not the microseconds of its synchronous return. (The task
// tracker calls Task.ContinueWith; a reentrancy guard, not an exclusion of CoreLib's
// threading namespaces, keeps it from tracking its own continuation's task.)
TEST_F(AsyncProbes, CoreLibTaskMethodsAreMeasuredToTheirTasksCompletion) {
  const std::string delay = "System.Private.CoreLib!System.Threading.Tasks.Task::Delay";
  ProbeSession session;
  ProcessResult plain = session.RunPlain(AsyncCommand("latency"));
  ProbedRun probed = session.RunProbed({delay}, AsyncCommand("latency"));
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  const ProbeReport* p = FindProbe(*probed.report, delay);
  ASSERT_NE(p, nullptr) << probed.report->raw.dump(2);
  EXPECT_GE(p->calls, 60) << "Delay50, Delay50Forwarded and PooledDelay50 each call Task.Delay 20 times";
  ExpectP50Within(*probed.report, delay, 45, 80);
}

// The semantics scenario's deterministic lines that show each behaviour really was exercised
// (checked on the plain run; the probed runs must print the same).
void ExpectSemanticsExercised(const std::string& out) {
  for (const char* line : {
           "triple 42\n",
           "same task object: True value 5\n",
           "fail both: AsyncScenarios.SemanticException, held 2 (first,second), awaited the first held: True\n",
           "status Canceled\n",
           "validate returned a task: False\n",
           "  at AsyncScenarios.Thrower.Throw(String message)\n",
           "asynclocal inside before=42 after=42, caller after 42\n",
           "pooled valuetasks 2000 mismatches=0 errors=0\n",
           "synchronization context sum=16 resumed-off-pump=0 posts: YieldValue=4 AwaitGateOffContext=4 "
           "Task.Yield=4 total=12 sends=0\n",
           "task scheduler sum=6 resumed-elsewhere=0 queued: YieldValue=8 Task.Yield=4 total=13\n",
           "unobserved task exception raised: True (never observed)\n",
       }) {
    EXPECT_TRUE(Contains(out, line)) << "plain semantics output lacks \"" << line << "\":\n" << out;
  }
}

// Probing the methods must not change what awaiting code sees: values, exception types,
// messages and stack-trace frames, cancellation, synchronous throws, task identity,
// AsyncLocal flow, posts to a SynchronizationContext, tasks queued to a TaskScheduler,
// pooled ValueTasks, UnobservedTaskException for a fault nobody observed.
void CheckSemantics(const std::string& selector) {
  ProbeSession session;
  ProcessResult plain = session.RunPlain(AsyncCommand("semantics"));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ExpectSemanticsExercised(plain.out);
  ProbedRun probed = session.RunProbed({selector}, AsyncCommand("semantics"));
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  const ProbeReport* p = FindProbe(*probed.report, selector);
  ASSERT_NE(p, nullptr) << probed.report->raw.dump(2);
  EXPECT_GT(p->calls, 2000) << "the Semantic methods were not measured: " << p->raw.dump();
  // CancelAfterYield is the only call whose task is cancelled; every task has completed.
  EXPECT_GT(p->exceptions, 0) << p->raw.dump();
  EXPECT_EQ(p->cancelled, 1) << "CancelAfterYield" << Missing(*p, "cancelled") << ": " << p->raw.dump();
  EXPECT_EQ(p->in_flight, 0) << Missing(*p, "in_flight") << p->raw.dump();
  ExpectNoBrokenCode(probed.process.out, probed.process.err, session.ReadLog());
}

TEST_F(AsyncProbes, AwaitingCodeSeesTheSameWithTheTargetMethodsProbed) {
  CheckSemantics("AsyncScenarios.Semantic::*");
}

TEST_F(AsyncProbes, AwaitingCodeSeesTheSameWithEveryMethodOfTheAppProbed) {
  CheckSemantics("AsyncScenarios!*::*");
}

// 10,000 calls pending on one gate are all in flight at once; when the gate opens, in_flight
// returns to 0 and every call is counted once.
TEST_F(AsyncProbes, TenThousandPendingCallsAreInFlightUntilTheirTasksComplete) {
  ProbeSession session;
  Interactive program(session, "inflight", true, {kInflightMethod});
  const pid_t pid = program.Ready();
  ASSERT_GT(pid, 0);
  auto started = program.Expect("inflight-started ");
  ASSERT_TRUE(started);
  EXPECT_EQ(*started, "inflight-started " + std::to_string(kInflightCalls));

  auto pending = Stats(session, pid);
  ASSERT_TRUE(pending);
  const ProbeReport* before = FindProbe(*pending, kInflightMethod);
  ASSERT_NE(before, nullptr) << pending->raw.dump(2);
  EXPECT_EQ(before->calls, kInflightCalls) << before->raw.dump();
  EXPECT_EQ(before->in_flight, kInflightCalls) << "while the gate is closed" << Missing(*before, "in_flight") << ": "
                                               << before->raw.dump();
  EXPECT_EQ(before->exceptions, 0);

  ASSERT_TRUE(program.process().WriteLine("release"));
  ASSERT_TRUE(program.Expect("inflight-done"));
  // Every task has completed (WhenAll returned); the measurement's completion callbacks run
  // as the tasks complete, so in_flight is 0 at once. The short retry only absorbs a
  // callback still running on another thread.
  std::optional<Report> done;
  const ProbeReport* after = nullptr;
  for (auto deadline = Clock::now() + 5s; Clock::now() < deadline; std::this_thread::sleep_for(100ms)) {
    done = Stats(session, pid);
    ASSERT_TRUE(done);
    after = FindProbe(*done, kInflightMethod);
    ASSERT_NE(after, nullptr) << done->raw.dump(2);
    if (after->in_flight == 0) break;
  }
  EXPECT_EQ(after->in_flight, 0) << "after the gate opened: " << after->raw.dump();
  EXPECT_EQ(after->calls, kInflightCalls) << after->raw.dump();
  EXPECT_EQ(after->exceptions, 0);
  EXPECT_EQ(after->cancelled, 0);
  if (after->latency) {
    EXPECT_GT(after->latency->p50, 0);
  }

  ASSERT_TRUE(program.process().WriteLine("exit"));
  EXPECT_EQ(program.process().Wait(60s), 0);
  ExpectDeclaredTable(program.process().Stdout(), {{kInflightMethod, kInflightCalls, 0, 0}});
  auto report = ParseReport(ReadFile(session.ReportPath()), nullptr);
  ASSERT_TRUE(report) << "no report at " << session.ReportPath();
  ExpectFigures(*report, {kInflightMethod, kInflightCalls, 0, 0});
}

// The deterministic closing line of the loop scenario.
std::string ConsistencyLine(const std::string& out) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("loop-consistent ", 0) == 0) return line;
  }
  return "";
}

// 200 cycles of `clrprobe add` / `clrprobe remove` on two async methods called continuously
// by 4 tasks (StepAsync suspends on Task.Yield, PendingAsync on a 5 ms delay), so calls are
// in flight at every add and remove. The program keeps running and computing correctly
// (same closing line as without the agent); removed probes' figures stay frozen and
// plausible; a probe added afterwards counts, with at most one call per task in flight.
TEST_F(AsyncProbes, LiveAddAndRemoveWhileCallsAreInFlightLeavesTheProgramIntact) {
  // Each cycle runs two clrprobe processes: ~12 s for the whole test on an idle 2-core
  // machine, 45-58 s with both cores kept busy by other processes.
  constexpr int kCycles = 200;
  ProbeSession session;

  std::string plain_line;
  {
    Interactive plain(session, "loop", false);
    ASSERT_GT(plain.Ready(), 0);
    ASSERT_TRUE(plain.Expect("loop-started "));
    std::this_thread::sleep_for(1s);
    ASSERT_TRUE(plain.process().WriteLine("stop"));
    EXPECT_EQ(plain.process().Wait(60s), 0);
    plain_line = ConsistencyLine(plain.process().Stdout());
    ASSERT_EQ(plain_line, "loop-consistent mismatches=0 unexpected-faults=0 missing-faults=0")
        << plain.process().Stdout();
  }

  Interactive program(session, "loop", true);
  const pid_t pid = program.Ready();
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(program.Expect("loop-started "));
  ASSERT_TRUE(WaitForAgent(session, pid));

  const auto start = Clock::now();
  std::vector<int64_t> removed_ids;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    auto probe = AddProbe(session, pid, kLoopMethods);
    ASSERT_TRUE(probe);
    ASSERT_EQ(StateOf(*probe), "active") << probe->dump(2);
    const int64_t id = IdOf(*probe);
    auto removed = RemoveProbe(session, pid, id);
    ASSERT_TRUE(removed);
    ASSERT_NE(std::find(removed->begin(), removed->end(), id), removed->end()) << "probe " << id << " not removed";
    removed_ids.push_back(id);
    if (cycle % 25 == 24) {
      ASSERT_TRUE(program.process().Running()) << "the program exited during the cycles";
    }
  }
  const auto cycles_took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  std::cout << kCycles << " add/remove cycles took " << cycles_took.count() << " ms\n";

  auto last = AddProbe(session, pid, kLoopMethods);
  ASSERT_TRUE(last);
  const int64_t last_id = IdOf(*last);
  std::this_thread::sleep_for(1s);
  auto first = Stats(session, pid);
  std::this_thread::sleep_for(500ms);
  auto second = Stats(session, pid);
  ASSERT_TRUE(first && second);

  const ProbeReport* live = FindProbeById(*second, last_id);
  ASSERT_NE(live, nullptr) << second->raw.dump(2);
  EXPECT_GT(live->calls, 0) << live->raw.dump();
  EXPECT_GE(live->in_flight, 0) << live->raw.dump();
  EXPECT_LE(live->in_flight, kLoopWorkers) << "more calls in flight than tasks calling" << live->raw.dump();
  EXPECT_GT(live->exceptions, 0) << "every 97th StepAsync faults" << live->raw.dump();
  EXPECT_LE(live->exceptions, live->calls);
  EXPECT_EQ(live->cancelled, 0);

  // Removed probes: frozen between two reads. Left in flight: at most one call per task,
  // with slack of one per task because the frozen figures sum counters stripe by stripe
  // while the workers run (a read is not a transaction across stripes: a call counted on
  // one stripe may complete on another read earlier). Completions after the removal go to
  // the method's own slot, never into the frozen figures.
  int seen = 0;
  for (int64_t id : removed_ids) {
    const ProbeReport* a = FindProbeById(*first, id);
    const ProbeReport* b = FindProbeById(*second, id);
    if (a == nullptr || b == nullptr) continue;  // stats may list only the latest removed probes
    ++seen;
    SCOPED_TRACE("removed probe " + std::to_string(id));
    EXPECT_EQ(b->state, "removed");
    EXPECT_EQ(b->calls, a->calls) << "counted after its removal";
    EXPECT_EQ(b->exceptions, a->exceptions) << "counted after its removal";
    EXPECT_EQ(b->in_flight, a->in_flight) << "changed after its removal";
    EXPECT_GE(b->in_flight, 0);
    EXPECT_LE(b->in_flight, 2 * kLoopWorkers) << b->raw.dump();
    EXPECT_LE(b->exceptions, b->calls);
    EXPECT_EQ(b->cancelled, 0);
  }
  std::cout << seen << " of " << removed_ids.size() << " removed probes listed by stats\n";

  ASSERT_TRUE(program.process().WriteLine("stop"));
  EXPECT_EQ(program.process().Wait(60s), 0);
  EXPECT_EQ(ConsistencyLine(program.process().Stdout()), plain_line);
  // Every call of the probe still active at exit has completed (the workers finished).
  auto report = ParseReport(ReadFile(session.ReportPath()), nullptr);
  ASSERT_TRUE(report) << "no report at " << session.ReportPath();
  if (const ProbeReport* final_live = FindProbeById(*report, last_id)) {
    EXPECT_EQ(final_live->in_flight, 0) << final_live->raw.dump();
    EXPECT_GE(final_live->calls, live->calls);
  } else {
    ADD_FAILURE() << "probe " << last_id << " missing from the report";
  }
  ExpectNoBrokenCode(program.process().Stdout(), program.process().Stderr(), session.ReadLog());
}

// A process started without clrprobe: `clrprobe add` attaches the agent, and a method awaiting
// Task.Delay(5) is measured to the completion of its task (the task tracker is defined after
// attach just as at startup).
TEST_F(AsyncProbes, AnAttachedProcessMeasuresTasksToCompletion) {
  constexpr char kPending[] = "AsyncScenarios.Loop::PendingAsync";
  ProbeSession session;
  Interactive program(session, "loop", false);
  const pid_t pid = program.Ready();
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(program.Expect("loop-started "));
  auto probe = AddProbe(session, pid, kPending);  // attaches first
  ASSERT_TRUE(probe);
  ASSERT_EQ(StateOf(*probe), "active") << probe->dump(2);
  std::optional<Report> stats;
  const ProbeReport* figures = nullptr;
  for (auto deadline = Clock::now() + 20s; Clock::now() < deadline; std::this_thread::sleep_for(250ms)) {
    stats = Stats(session, pid);
    ASSERT_TRUE(stats);
    figures = FindProbe(*stats, kPending);
    ASSERT_NE(figures, nullptr) << stats->raw.dump(2);
    if (figures->calls >= 20 && figures->latency && figures->latency->p50 > 0) break;
  }
  ASSERT_GE(figures->calls, 20) << figures->raw.dump();
  ASSERT_TRUE(figures->latency) << figures->raw.dump();
  // Task.Delay(5): at least 4 ms to completion (the synchronous slice alone is microseconds).
  EXPECT_GE(figures->latency->p50, 4e6) << figures->raw.dump();
  EXPECT_LE(figures->in_flight, kLoopWorkers) << figures->raw.dump();
  ASSERT_TRUE(program.process().WriteLine("stop"));
  EXPECT_EQ(program.process().Wait(60s), 0);
  EXPECT_EQ(ConsistencyLine(program.process().Stdout()),
            "loop-consistent mismatches=0 unexpected-faults=0 missing-faults=0");
}

// ASP.NET Core on loopback: the endpoint handler (awaits Task.Delay(50)) and
// HttpClient.SendAsync calling it, both measured to completion: p50 within 45-80 ms,
// one call per request.
TEST_F(AsyncProbes, AspNetCoreHandlerAndHttpClientSendAsyncAreMeasuredToCompletion) {
  ProbeSession session;
  const std::vector<std::string> command = {DotnetExe(), AsyncWebDll(), std::to_string(kWebRequests)};
  ProcessResult plain = session.RunPlain(command);
  ProbedRun probed = session.RunProbed({kWebHandler, kHttpClientSend}, command);
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  ExpectFigures(*probed.report, {kWebHandler, kWebRequests, 0, 0});
  ExpectFigures(*probed.report, {kHttpClientSend, kWebRequests, 0, 0});
  ExpectP50Within(*probed.report, kWebHandler, 45, 80);
  ExpectP50Within(*probed.report, kHttpClientSend, 45, 80);
  ExpectNoBrokenCode(probed.process.out, probed.process.err, session.ReadLog());
}

}  // namespace
}  // namespace clrprobe::itest
