// Budgets for every probe and watch (issue 15 part 5; agent/budget_supervisor.h):
// tests/apps/LiveService runs under the agent while the tests add probes with --ttl and
// --max-overhead and read what the agent did with `clrprobe list` / `stats`. The agent
// enforces both on its own (the CLI that added the probe has long exited). Timing: the
// supervisor checks once a second; every wait polls with a generous timeout.
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "live_service.h"
#include "probe_session.h"
#include "report.h"

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kEndTimeout = 30s;  // a 2 s ttl or a 1 s budget window, on a loaded machine

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Polls `clrprobe list` until probe `id` is in `state`; the probe object then, or a failure.
std::optional<nlohmann::json> WaitForState(ProbeSession& session, pid_t pid, int64_t id, const std::string& state) {
  const auto deadline = Clock::now() + kEndTimeout;
  nlohmann::json last;
  while (Clock::now() < deadline) {
    auto listed = ListProbes(session, pid);
    if (!listed) return std::nullopt;
    if (const nlohmann::json* p = FindById(*listed, id)) {
      last = *p;
      if (StateOf(*p) == state) return *p;
    }
    std::this_thread::sleep_for(200ms);
  }
  ADD_FAILURE() << "probe " << id << " never became " << state << "; last:\n" << last.dump(2);
  return std::nullopt;
}

// Calls of `id` grow: waits (bounded) for them to move.
bool Grows(ProbeSession& session, pid_t pid, int64_t id) {
  const int64_t first = CallsOf(session, pid, id);
  const auto deadline = Clock::now() + kEndTimeout;
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(300ms);
    if (CallsOf(session, pid, id) > first) return true;
  }
  return false;
}

TEST(Budgets, AProbeWithATtlIsRemovedWhenItExpires) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  auto probe = AddProbe(session, pid, kPlainMethod, {"--ttl", "2s"});
  ASSERT_TRUE(probe);
  const int64_t id = IdOf(*probe);
  EXPECT_EQ(StateOf(*probe), "active") << probe->dump(2);
  EXPECT_EQ(probe->value("ttl_ms", 0), 2000) << probe->dump(2);
  EXPECT_TRUE(Grows(session, pid, id)) << "the probe never counted before its ttl";

  auto expired = WaitForState(session, pid, id, "expired");
  ASSERT_TRUE(expired);
  EXPECT_GT(expired->value("expired_unix_ns", uint64_t{0}), expired->value("added_unix_ns", uint64_t{0}))
      << expired->dump(2);
  for (const auto& m : expired->value("methods", nlohmann::json::array())) {
    EXPECT_EQ(m.value("instrumentation", ""), "disarmed") << expired->dump(2);  // as `remove`: no ReJIT
  }
  // Its counts stop growing while the service goes on.
  const int64_t at_expiry = CallsOf(session, pid, id);
  EXPECT_GT(at_expiry, 0);
  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  ASSERT_TRUE(service.Resume());
  std::this_thread::sleep_for(1s);
  auto c1 = service.Pause();
  ASSERT_TRUE(c1);
  EXPECT_GT(c1->Calls(kPlainMethod), c0->Calls(kPlainMethod));
  EXPECT_EQ(CallsOf(session, pid, id), at_expiry) << "counted after it expired";
  ASSERT_TRUE(service.Resume());

  // The readable list and stats say so, with when.
  auto list = session.RunClrprobe({"list", "-p", service.Pid()});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(Has(list.out, "expired")) << list.out;
  EXPECT_TRUE(Has(list.out, "expired at ")) << list.out;
  auto stats = session.RunClrprobe({"stats", "-p", service.Pid()});
  EXPECT_TRUE(Has(stats.out, "expired at ")) << stats.out;
  // A second remove is refused: it is gone already.
  auto again = session.RunClrprobe({"remove", "-p", service.Pid(), std::to_string(id)});
  EXPECT_NE(again.exit_code, 0);

  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
  EXPECT_TRUE(Has(final->result_line, "mismatches=0")) << final->result_line;
}

TEST(Budgets, TheOverheadBudgetSuspendsAProbeOnAHotMethod) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  // An unbudgeted probe on the same method: it keeps the method armed.
  auto shared = AddProbe(session, pid, kPlainMethod);
  ASSERT_TRUE(shared);
  // Tens of thousands of calls a second at ~23 ns are far above 0.0001 % of one core.
  auto probe = AddProbe(session, pid, kPlainMethod, {"--max-overhead", "0.0001"});
  ASSERT_TRUE(probe);
  const int64_t id = IdOf(*probe);
  EXPECT_DOUBLE_EQ(probe->value("max_overhead_pct", 0.0), 0.0001) << probe->dump(2);

  auto suspended = WaitForState(session, pid, id, "suspended");
  ASSERT_TRUE(suspended);
  ASSERT_TRUE(suspended->contains("suspended")) << suspended->dump(2);
  EXPECT_EQ((*suspended)["suspended"].value("reason", ""), "over budget");
  EXPECT_GT((*suspended)["suspended"].value("estimate_pct", 0.0), 0.0001) << suspended->dump(2);

  // Its counts stop; the other probe's go on (the method stays armed for it).
  const int64_t frozen = CallsOf(session, pid, id);
  EXPECT_GT(frozen, 0);
  EXPECT_TRUE(Grows(session, pid, IdOf(*shared)));
  EXPECT_EQ(CallsOf(session, pid, id), frozen) << "counted after its suspension";
  auto list = session.RunClrprobe({"list", "-p", service.Pid()});
  EXPECT_TRUE(Has(list.out, "suspended: over budget")) << list.out;

  // With the other probe gone the method is disarmed; the suspended probe can be removed.
  ASSERT_TRUE(RemoveProbe(session, pid, IdOf(*shared)));
  auto listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  const nlohmann::json* after = FindById(*listed, id);
  ASSERT_NE(after, nullptr);
  for (const auto& m : after->value("methods", nlohmann::json::array())) {
    EXPECT_EQ(m.value("instrumentation", ""), "disarmed") << after->dump(2);
  }
  auto removed = RemoveProbe(session, pid, id);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, std::vector<int64_t>{id});

  EXPECT_TRUE(service.StillServing());
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
  EXPECT_TRUE(Has(final->result_line, "mismatches=0")) << final->result_line;
  // The same output as without the agent.
  LiveService plain(session, LiveService::Options().WithoutAgent());
  ASSERT_TRUE(plain.Started());
  std::this_thread::sleep_for(300ms);
  auto plain_final = plain.Stop();
  ASSERT_TRUE(plain_final);
  EXPECT_EQ(final->result_line, plain_final->result_line);
}

TEST(Budgets, AWatchWithATtlEndsByItselfAndItsProbeExpires) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  const auto start = Clock::now();
  // More events and time than the ttl allows: the ttl ends it.
  auto watch = session.RunClrprobe({"watch", "-p", service.Pid(), kPlainMethod, "--ttl", "2s", "--count", "1000000",
                                    "--duration", "120s", "--rate", "1", "--max-overhead", "100"},
                                   90s);
  EXPECT_FALSE(watch.timed_out);
  EXPECT_EQ(watch.exit_code, 0) << watch.err;
  EXPECT_LT(Clock::now() - start, 60s) << "the watch did not end at its ttl";
  EXPECT_TRUE(Has(watch.err, "expired")) << watch.err;
  EXPECT_FALSE(Has(watch.err, "removing the instrumentation")) << watch.err;

  auto listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  const nlohmann::json& probe = listed->front();
  EXPECT_EQ(StateOf(probe), "expired") << probe.dump(2);
  EXPECT_TRUE(probe.value("watch", false)) << probe.dump(2);
  EXPECT_EQ(probe.value("ttl_ms", 0), 2000);
  EXPECT_TRUE(service.StillServing());
}

TEST(Budgets, AWatchGetsATwoPercentBudgetByDefault) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  auto watch = session.RunClrprobe({"watch", "-p", service.Pid(), kPlainMethod, "--count", "1", "--json"}, 90s);
  EXPECT_EQ(watch.exit_code, 0) << watch.err;
  auto listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  ASSERT_FALSE(listed->empty());
  EXPECT_DOUBLE_EQ(listed->front().value("max_overhead_pct", 0.0), 2.0) << listed->front().dump(2);
}

TEST(Budgets, AProbesFileProbeWithATtlExpiresAndIsNotAddedAgain) {
  ProbeSession session;
  const std::string file = session.dir() + "/budget.probes";
  {
    std::ofstream out(file);
    out << kPlainMethod << " ttl=2s\n";
  }
  LiveService service(session, LiveService::Options().RunArg("--probes-file").RunArg(file));
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  auto listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  const int64_t id = IdOf(listed->front());
  EXPECT_EQ(listed->front().value("ttl_ms", 0), 2000) << listed->front().dump(2);
  EXPECT_EQ(listed->front().value("source", ""), "file");

  ASSERT_TRUE(WaitForState(session, pid, id, "expired"));
  // The file still lists it; the agent does not add it again (the file did not change).
  std::this_thread::sleep_for(2500ms);
  auto later = ListProbes(session, pid);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->size(), 1u) << nlohmann::json(*later).dump(2);
}

TEST(Budgets, RunProbesTakeTtlFromTheCommandLine) {
  ProbeSession session;
  LiveService service(session, LiveService::Options()
                                   .RunArg("--probe")
                                   .RunArg(kPlainMethod)
                                   .RunArg("--ttl")
                                   .RunArg("2s")
                                   .RunArg("--max-overhead")
                                   .RunArg("50"));
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  auto listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().value("ttl_ms", 0), 2000) << listed->front().dump(2);
  EXPECT_DOUBLE_EQ(listed->front().value("max_overhead_pct", 0.0), 50.0);
  ASSERT_TRUE(WaitForState(session, pid, IdOf(listed->front()), "expired"));
}

TEST(Budgets, BadBudgetsAreRefusedBeforeAnythingChanges) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  const std::vector<std::vector<std::string>> bad = {
      {"--ttl=-3s"}, {"--ttl", "abc"}, {"--max-overhead", "0"}, {"--max-overhead", "150"}, {"--max-overhead", "abc"}};
  for (const auto& flags : bad) {
    for (const char* command : {"add", "watch"}) {
      std::vector<std::string> args = {command, "-p", service.Pid(), kPlainMethod};
      args.insert(args.end(), flags.begin(), flags.end());
      auto r = session.RunClrprobe(args);
      EXPECT_EQ(r.exit_code, 2) << command << " " << flags.back() << ": " << r.err;
      EXPECT_TRUE(Has(r.err, flags.front().substr(0, 5))) << r.err;  // names the option
    }
  }
  auto word = session.RunClrprobe({"add", "-p", service.Pid(), std::string(kPlainMethod) + " ttl=abc"});
  EXPECT_EQ(word.exit_code, 2) << word.err;
  auto listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->empty()) << nlohmann::json(*listed).dump(2);
}

}  // namespace
}  // namespace clrprobe::itest
