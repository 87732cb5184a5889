// Probe kinds (`--kind count|sampled|full`, `kind=` in a probe's text) and disarm on remove
// (a removed probe's methods keep their code, switched off by an inline arm flag; a re-add
// re-arms them with no ReJIT; `remove --revert` gives the original code back), on the real
// runtime: the Scenarios app (exact expected counts printed by the program itself) and the
// LiveService app (its own exact call counts while its workers are parked).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "expectations.h"
#include "live_probes_support.h"
#include "live_service.h"
#include "probe_session.h"
#include "test_paths.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
using namespace live_probes;

const std::string kFailInFinally = "Scenarios!Scenarios.Thrower::FailInFinally";
const std::string kHandleSome = "Scenarios!Scenarios.Thrower::HandleSome";
const std::string kTick = "Scenarios!Scenarios.Concurrent::Tick";

long long Expected(const std::string& out, const std::string& method) {
  return FindCount(out, "expected " + method.substr(method.find('!') + 1));
}
long long ExpectedExceptions(const std::string& out, const std::string& method) {
  return FindCount(out, "expected-exceptions " + method.substr(method.find('!') + 1));
}

nlohmann::json MethodDetail(const ProbeReport& probe) {
  const nlohmann::json details = probe.raw.value("method_details", nlohmann::json::array());
  return details.size() == 1 ? details[0] : nlohmann::json();
}

TEST(ProbeKinds, CountProbeOnThrowingMethodsCountsCallsExactlyAndSaysExceptionsAreNotMeasured) {
  ASSERT_TRUE(AppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  ProcessResult plain = session.RunPlain(ScenarioCommand("throws"));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ProbedRun probed =
      session.RunProbed({kFailInFinally + " kind=count", kHandleSome + " kind=count"}, ScenarioCommand("throws"));
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  for (const std::string& selector : {kFailInFinally, kHandleSome}) {
    SCOPED_TRACE(selector);
    const ProbeReport* probe = FindProbe(*probed.report, selector);
    ASSERT_NE(probe, nullptr) << probed.report->raw.dump(2);
    ASSERT_GT(ExpectedExceptions(plain.out, selector), 0) << "the scenario must throw for this test to mean anything";
    EXPECT_EQ(probe->calls, Expected(plain.out, selector));
    EXPECT_EQ(probe->exceptions, 0) << "a count probe does not count exceptions";
    EXPECT_EQ(probe->in_flight, 0);
    EXPECT_EQ(probe->raw.value("timed_calls", -1), 0) << probe->raw.dump(2);
    const nlohmann::json detail = MethodDetail(*probe);
    EXPECT_EQ(detail.value("measures", ""), "calls only (count probe)") << probe->raw.dump(2);
    EXPECT_EQ(detail.value("timed", true), false) << probe->raw.dump(2);
    EXPECT_EQ(detail.value("kind", ""), "count") << probe->raw.dump(2);
    EXPECT_TRUE(Contains(probe->raw.value("note", ""), "latency and exceptions not measured")) << probe->raw.dump(2);
  }
}

TEST(ProbeKinds, SampledProbesCountEveryCallAndExceptionAndOneInOneTimesEveryCall) {
  ASSERT_TRUE(AppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  ProcessResult plain = session.RunPlain(ScenarioCommand("throws"));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ProbedRun probed = session.RunProbed(
      {kFailInFinally + " kind=sampled sample=1", kHandleSome + " kind=sampled sample=64"}, ScenarioCommand("throws"));
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  for (const std::string& selector : {kFailInFinally, kHandleSome}) {
    SCOPED_TRACE(selector);
    const ProbeReport* probe = FindProbe(*probed.report, selector);
    ASSERT_NE(probe, nullptr) << probed.report->raw.dump(2);
    const long long calls = Expected(plain.out, selector);
    EXPECT_EQ(probe->calls, calls);
    EXPECT_EQ(probe->exceptions, ExpectedExceptions(plain.out, selector));
    EXPECT_EQ(probe->in_flight, 0) << "in flight is not known for a sampled probe";
    const nlohmann::json detail = MethodDetail(*probe);
    EXPECT_EQ(detail.value("kind", ""), "sampled") << probe->raw.dump(2);
    EXPECT_EQ(detail.value("timed", true), false) << probe->raw.dump(2);
    const long long timed = probe->raw.value("timed_calls", -1LL);
    if (selector == kFailInFinally) {
      EXPECT_EQ(timed, calls) << "sample=1 times every call";
      ASSERT_TRUE(probe->latency.has_value());
      EXPECT_GT(probe->latency->max, 0);
    } else {
      // One thread, fewer than 64 calls since its countdown started: none timed.
      EXPECT_EQ(timed, calls / 64) << probe->raw.dump(2);
    }
  }
}

TEST(ProbeKinds, SampledProbeTimesOneCallInNPerThreadAndCountsEveryCallFromFourThreads) {
  ASSERT_TRUE(AppsBuilt());
  ASSERT_TRUE(ClrprobeBuilt());
  ProbeSession session;
  ProcessResult plain = session.RunPlain(ScenarioCommand("threads"));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ProbedRun probed = session.RunProbed({kTick + " kind=sampled"}, ScenarioCommand("threads"));
  ExpectSameBehaviour(plain, probed.process);
  ASSERT_TRUE(probed.report.has_value()) << probed.report_error;
  const ProbeReport* probe = FindProbe(*probed.report, kTick);
  ASSERT_NE(probe, nullptr) << probed.report->raw.dump(2);
  const long long calls = Expected(plain.out, kTick);
  ASSERT_GT(calls, 0);
  EXPECT_EQ(probe->calls, calls);
  // 4 threads, each with its own countdown from its first call: each times calls/4/64.
  EXPECT_EQ(probe->raw.value("timed_calls", -1LL), 4 * (calls / 4 / 64)) << probe->raw.dump(2);
  EXPECT_EQ(MethodDetail(*probe).value("measures", ""), "calls and exceptions, latency sampled (1 in 64)");
}

// Reads `clrprobe list --json` whole (probes and the agent's ReJIT counters).
nlohmann::json ListReply(ProbeSession& session, pid_t pid) {
  CliJson reply = RunClrprobeJson(session, {"list", "-p", std::to_string(pid), "--json"});
  EXPECT_TRUE(reply.json.has_value()) << reply.json_error << reply.process.err;
  return reply.json.value_or(nlohmann::json::object());
}

int64_t RejitRequests(const nlohmann::json& list) {
  return list.value("rejit", nlohmann::json::object()).value("requests", int64_t{-1});
}

int64_t BaselineCalls(const nlohmann::json& probe) {
  const nlohmann::json methods = probe.value("methods", nlohmann::json::array());
  if (methods.size() != 1) {
    ADD_FAILURE() << probe.dump(2);
    return -1;
  }
  return methods[0].value("baseline", nlohmann::json::object()).value("calls", int64_t{0});
}

// Two workers call Statics::Plain in a loop while the probe is removed and added again,
// many times. Each re-added probe counts only calls made while it was there (and some), no
// call made while the method was disarmed is counted by anyone (the next probe's baseline,
// the slot's running total, equals the previous baseline plus the previous probe's calls,
// up to one call per worker racing the flag's flip), and no re-add asks for a ReJIT.
TEST_F(LiveProbes, RemoveDisarmsAndReAddReArmsWithoutReJitUnderLoad) {
  constexpr int kCycles = 12;
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  const Target& target = TargetFor(kPlainMethod);

  int64_t rejit_after_first = -1;
  int64_t previous_end = -1;  // baseline + final calls of the previous probe: the slot's total then
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    auto before = service.Pause();
    ASSERT_TRUE(before);
    ASSERT_TRUE(service.Resume());
    auto probe = AddProbe(session, pid, kPlainMethod);  // workers running
    ASSERT_TRUE(probe);
    const int64_t id = IdOf(*probe);
    const int64_t baseline = BaselineCalls(*probe);
    if (cycle == 0) {
      rejit_after_first = RejitRequests(ListReply(session, pid));
      EXPECT_GT(rejit_after_first, 0);
    } else {
      // Calls between the last remove and this add (the workers never stopped) were not counted.
      EXPECT_GE(baseline, previous_end);
      EXPECT_LE(baseline - previous_end, 2) << "calls were counted while the method was disarmed";
    }
    std::this_thread::sleep_for(40ms);
    ASSERT_TRUE(RemoveProbe(session, pid, id));
    auto after = service.Pause();
    ASSERT_TRUE(after);
    const nlohmann::json list = ListReply(session, pid);
    const nlohmann::json probes = list.value("probes", nlohmann::json::array());
    const nlohmann::json* removed = nullptr;
    for (const auto& p : probes) {
      if (p.value("id", int64_t{0}) == id) removed = &p;
    }
    ASSERT_NE(removed, nullptr) << list.dump(2);
    const int64_t calls = removed->value("final", nlohmann::json::object()).value("calls", int64_t{-1});
    EXPECT_GT(calls, 0);
    EXPECT_LE(calls, CallsDelta(target, *before, *after)) << "counted more calls than the service made";
    EXPECT_EQ(removed->value("disarmed", int64_t{0}), 1) << removed->dump(2);
    const nlohmann::json methods = removed->value("methods", nlohmann::json::array());
    ASSERT_EQ(methods.size(), 1u);
    EXPECT_EQ(methods[0].value("instrumentation", ""), "disarmed") << removed->dump(2);
    EXPECT_EQ(RejitRequests(list), rejit_after_first) << "a re-add or a remove asked for a ReJIT";
    previous_end = baseline + calls;
    ASSERT_TRUE(service.Resume());
    std::this_thread::sleep_for(20ms);  // disarmed, under load
  }

  // The text list says so too.
  ProcessResult text = session.RunClrprobe({"list", "-p", service.Pid()});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(Contains(text.out, "(disarmed)")) << text.out;

  // remove --revert: the original code comes back (a revert, then a ReJIT on the next add),
  // and the probe added after it still counts its window exactly.
  auto last = AddProbe(session, pid, kPlainMethod);
  ASSERT_TRUE(last);
  const nlohmann::json revert =
      RunClrprobeJson(session, {"remove", "-p", service.Pid(), std::to_string(IdOf(*last)), "--revert", "--json"})
          .json.value_or(nlohmann::json());
  EXPECT_EQ(revert.value("removed", nlohmann::json::array()).size(), 1u) << revert.dump(2);
  nlohmann::json list = ListReply(session, pid);
  EXPECT_EQ(list.value("rejit", nlohmann::json::object()).value("reverted_methods", int64_t{0}), 1) << list.dump(2);
  for (const auto& p : list.value("probes", nlohmann::json::array())) {
    for (const auto& m : p.value("methods", nlohmann::json::array())) {
      EXPECT_EQ(m.value("instrumentation", ""), "reverted") << p.dump(2);
    }
  }
  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  auto again = AddProbe(session, pid, kPlainMethod);
  ASSERT_TRUE(again);
  EXPECT_EQ(RejitRequests(ListReply(session, pid)), rejit_after_first + 1) << "a reverted method needs a ReJIT";
  ASSERT_TRUE(service.Resume());
  std::this_thread::sleep_for(300ms);
  auto c1 = service.Pause();
  ASSERT_TRUE(c1);
  auto stats = Stats(session, pid);
  ASSERT_TRUE(stats);
  ExpectWindow(*stats, IdOf(*again), target, *c0, *c1);
  ASSERT_TRUE(service.Resume());

  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
  EXPECT_TRUE(Contains(final->result_line, "mismatches=0")) << final->result_line;
  ExpectNoInvalidProgram(service, session);
}

// A probe of another kind on a disarmed method rewrites it (one ReJIT); the same kind again
// re-arms it; add refuses bad kinds and sample rates and changes nothing.
TEST_F(LiveProbes, KindChangeReJitsSameKindReArmsAndBadKindsAreRefused) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  for (const std::vector<std::string>& bad : {std::vector<std::string>{"--kind", "fast"},
                                              {"--kind", "sampled", "--sample", "0"},
                                              {"--kind", "count", "--sample", "8"},
                                              {"--sample", "8"}}) {
    std::vector<std::string> args{"add", "-p", service.Pid(), kThrowingMethod};
    args.insert(args.end(), bad.begin(), bad.end());
    ProcessResult refused = session.RunClrprobe(args);
    EXPECT_NE(refused.exit_code, 0) << refused.out;
    EXPECT_FALSE(refused.err.empty());
  }
  auto none = ListProbes(session, pid);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty()) << "a refused add changed something";

  auto count = AddProbe(session, pid, kThrowingMethod, {"--kind", "count"});
  ASSERT_TRUE(count);
  EXPECT_EQ(count->value("kind", ""), "count") << count->dump(2);
  const int64_t rejit = RejitRequests(ListReply(session, pid));
  ASSERT_TRUE(RemoveProbe(session, pid, IdOf(*count)));
  auto sampled = AddProbe(session, pid, kThrowingMethod, {"--kind", "sampled", "--sample", "4"});
  ASSERT_TRUE(sampled);
  EXPECT_EQ(RejitRequests(ListReply(session, pid)), rejit + 1) << "count to sampled needs new code";
  ASSERT_TRUE(RemoveProbe(session, pid, IdOf(*sampled)));

  // Same kind (another rate): re-armed in place; counts calls and exceptions exactly.
  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  auto again = AddProbe(session, pid, kThrowingMethod + std::string(" kind=sampled sample=2"));
  ASSERT_TRUE(again);
  EXPECT_EQ(RejitRequests(ListReply(session, pid)), rejit + 1) << "the same kind must re-arm without a ReJIT";
  ASSERT_TRUE(service.Resume());
  std::this_thread::sleep_for(300ms);
  auto c1 = service.Pause();
  ASSERT_TRUE(c1);
  auto stats = Stats(session, pid);
  ASSERT_TRUE(stats);
  ExpectWindow(*stats, IdOf(*again), TargetFor(kThrowingMethod), *c0, *c1);
  ASSERT_TRUE(service.Resume());
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
  ExpectNoInvalidProgram(service, session);
}

}  // namespace
}  // namespace clrprobe::itest
