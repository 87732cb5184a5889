// Reading the agents' files: per-method figures (baselines), processes that
// come and go, files that cannot be read.
#include "export/collector.h"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "export_test_support.h"

namespace clrprobe::exporter {
namespace {

using testing::FakeAgent;
using testing::method_entry;
using testing::probe_entry;
using nlohmann::json;

const ProcessSnapshot* find_process(const HostSnapshot& s, pid_t pid) {
  for (const auto& p : s.processes) {
    if (p.key.pid == pid) return &p;
  }
  return nullptr;
}

class CollectorTest : public ::testing::Test {
 protected:
  Collector collector_for(std::vector<AgentTarget> targets) {
    return Collector([targets] { return targets; }, [this](const std::string& line) { log.push_back(line); });
  }
  std::string all_log() const {
    std::string out;
    for (const auto& l : log) out += l + "\n";
    return out;
  }

  testing::TempDir dir;
  std::vector<std::string> log;
};

TEST_F(CollectorTest, PublishesEveryMethodOfEveryProbeWithBaselinesSubtracted) {
  FakeAgent agent(dir.path(), ::getpid());
  const int32_t a = agent.add_slot("Ns.T::A()");
  const int32_t b = agent.add_slot("Ns.T::B()");
  for (int i = 0; i < 10; ++i) agent.record(a, 100, i < 4);
  for (int i = 0; i < 3; ++i) agent.record(b, 2000, true, 5);
  agent.enter(b, 2);  // in flight: calls, not latencies
  agent.write_probes(json::array({
      probe_entry(1, "Ns.T::A", json::array({method_entry("Ns.T::A()", a)})),
      // Probe 2 was added after 6 calls (3 exceptions) of A.
      probe_entry(2, "Ns.T::*", json::array({method_entry("Ns.T::A()", a, 6, 3), method_entry("Ns.T::B()", b)})),
  }));
  HostSnapshot s = collector_for({agent.target()}).collect();
  ASSERT_EQ(s.processes.size(), 1u);
  const ProcessSnapshot& p = s.processes[0];
  EXPECT_TRUE(p.alive);
  EXPECT_EQ(p.name, "testhost");
  EXPECT_EQ(p.key.pid, ::getpid());
  EXPECT_GT(p.start_unix_ns, 0u);
  ASSERT_EQ(p.probes.size(), 2u);
  ASSERT_EQ(p.probes[0].methods.size(), 1u);
  EXPECT_EQ(p.probes[0].methods[0].calls, 10u);
  EXPECT_EQ(p.probes[0].methods[0].exceptions, 4u);
  ASSERT_EQ(p.probes[1].methods.size(), 2u);
  const MethodFigures& a2 = p.probes[1].methods[0];
  EXPECT_EQ(a2.method, "Ns.T::A()");
  EXPECT_EQ(a2.calls, 4u);
  EXPECT_EQ(a2.exceptions, 1u);
  EXPECT_EQ(a2.latency.count, 10u);  // the slot's histogram: not baselined
  const MethodFigures& b2 = p.probes[1].methods[1];
  EXPECT_EQ(b2.calls, 5u);
  EXPECT_EQ(b2.exceptions, 3u);
  EXPECT_EQ(b2.latency.count, 3u);
  EXPECT_DOUBLE_EQ(b2.latency.max_seconds, 2e-6);
  EXPECT_GT(s.time_unix_ns, 0u);
}

TEST_F(CollectorTest, PublishesCancelledWithItsBaselineSubtractedAndInFlightWithout) {
  FakeAgent agent(dir.path(), ::getpid());
  const int32_t a = agent.add_slot("Ns.T::RunAsync()");
  for (int i = 0; i < 5; ++i) agent.record_cancelled(a, 100);
  agent.record(a, 100, /*exception=*/true);  // a faulted task
  agent.enter(a, 3);                         // pending tasks
  agent.write_probes(json::array({
      probe_entry(1, "Ns.T::RunAsync", json::array({method_entry("Ns.T::RunAsync()", a)})),
      // Probe 2 was added after 4 calls, 2 of them cancelled.
      probe_entry(2, "Ns.T::*", json::array({method_entry("Ns.T::RunAsync()", a, 4, 0, 2)})),
  }));
  HostSnapshot s = collector_for({agent.target()}).collect();
  ASSERT_EQ(s.processes.size(), 1u);
  ASSERT_EQ(s.processes[0].probes.size(), 2u);
  const MethodFigures& m1 = s.processes[0].probes[0].methods.at(0);
  EXPECT_EQ(m1.cancelled, 5u);
  EXPECT_EQ(m1.exceptions, 1u);
  EXPECT_EQ(m1.in_flight, 3u);
  const MethodFigures& m2 = s.processes[0].probes[1].methods.at(0);
  EXPECT_EQ(m2.calls, 9u - 4u);
  EXPECT_EQ(m2.cancelled, 3u);
  EXPECT_EQ(m2.in_flight, 3u);  // a gauge: the same for every probe of the slot
}

TEST_F(CollectorTest, PendingProbesHaveNoMethodsAndMethodsWithoutSlotsOrTwiceListedAreSkipped) {
  FakeAgent agent(dir.path(), ::getpid());
  const int32_t a = agent.add_slot("Ns.T::A()");
  agent.record(a, 100);
  agent.write_probes(json::array({
      probe_entry(1, "Late!X::*", json::array(), "pending"),
      probe_entry(2, "Ns.T::*", json::array({method_entry("Ns.T::A()", a), method_entry("Ns.T::A()", a),
                                              method_entry("Ns.T::NoSlot()", -1)})),
  }));
  HostSnapshot s = collector_for({agent.target()}).collect();
  ASSERT_EQ(s.processes.size(), 1u);
  ASSERT_EQ(s.processes[0].probes.size(), 2u);
  EXPECT_EQ(s.processes[0].probes[0].state, "pending");
  EXPECT_TRUE(s.processes[0].probes[0].methods.empty());
  ASSERT_EQ(s.processes[0].probes[1].methods.size(), 1u);
  EXPECT_EQ(s.processes[0].probes[1].methods[0].calls, 1u);
}

TEST_F(CollectorTest, RemovedProbesKeepTheirPerMethodFigures) {
  FakeAgent agent(dir.path(), ::getpid());
  const int32_t a = agent.add_slot("Ns.T::A()");
  for (int i = 0; i < 7; ++i) agent.record(a, 100);
  json removed = probe_entry(5, "Ns.T::A", json::array({method_entry("Ns.T::A()", a, 2, 0)}), "removed");
  removed["final"] = {{"calls", 5}, {"exceptions", 0}, {"latency_ns", {{"p50", 100}, {"p90", 100}, {"p99", 100}, {"max", 100}}}};
  agent.write_probes(json::array({removed}));
  HostSnapshot s = collector_for({agent.target()}).collect();
  ASSERT_EQ(s.processes.size(), 1u);
  ASSERT_EQ(s.processes[0].probes.size(), 1u);
  EXPECT_TRUE(s.processes[0].probes[0].removed());
  ASSERT_EQ(s.processes[0].probes[0].methods.size(), 1u);
  EXPECT_EQ(s.processes[0].probes[0].methods[0].calls, 5u);
  EXPECT_EQ(s.processes[0].probes[0].methods[0].latency.count, 7u);
}

TEST_F(CollectorTest, AProcessWithoutProbesFileIsPublishedWithoutProbes) {
  FakeAgent agent(dir.path(), ::getpid());
  HostSnapshot s = collector_for({agent.target()}).collect();
  ASSERT_EQ(s.processes.size(), 1u);
  EXPECT_TRUE(s.processes[0].probes.empty());
  EXPECT_EQ(all_log().find("skipping"), std::string::npos) << all_log();
}

TEST_F(CollectorTest, KeepsTheNameOfAProcessThatExitedAndSaysSo) {
  testing::SleepingChild child;
  FakeAgent agent(dir.path(), child.pid(), "OrderService");
  const int32_t a = agent.add_slot("Ns.T::A()");
  agent.record(a, 100);
  agent.write_probes(json::array({probe_entry(1, "Ns.T::A", json::array({method_entry("Ns.T::A()", a)}))}));
  AgentTarget target = agent.target();
  std::vector<AgentTarget> targets = {target};
  Collector collector([&targets] { return targets; }, [this](const std::string& line) { log.push_back(line); });

  HostSnapshot running = collector.collect();
  ASSERT_EQ(running.processes.size(), 1u);
  EXPECT_TRUE(running.processes[0].alive);
  EXPECT_EQ(running.processes[0].name, "OrderService");
  EXPECT_NE(all_log().find("exporting pid " + std::to_string(child.pid()) + " (OrderService): 1 probe(s)"),
            std::string::npos)
      << all_log();

  child.end();
  targets[0].process_name = "";  // /proc/<pid>/comm is gone
  HostSnapshot exited = collector.collect();
  ASSERT_EQ(exited.processes.size(), 1u);
  EXPECT_FALSE(exited.processes[0].alive);
  EXPECT_EQ(exited.processes[0].name, "OrderService");
  EXPECT_EQ(exited.processes[0].probes[0].methods[0].calls, 1u);
  EXPECT_NE(all_log().find("(OrderService) exited"), std::string::npos) << all_log();

  targets.clear();  // `clrprobe ps` cleaned the files
  EXPECT_TRUE(collector.collect().processes.empty());
  EXPECT_NE(all_log().find("its files are gone"), std::string::npos) << all_log();
}

TEST_F(CollectorTest, SeriesStartWhenTheirProbeWasAddedElseWhenTheProcessStarted) {
  FakeAgent agent(dir.path(), ::getpid());
  const int32_t a = agent.add_slot("Ns.T::A()");
  agent.record(a, 100);
  json added = probe_entry(1, "Ns.T::A", json::array({method_entry("Ns.T::A()", a)}));
  added["added_unix_ns"] = 1'700'000'000'000'000'000ull;
  json older = probe_entry(2, "Ns.T::*", json::array({method_entry("Ns.T::A()", a)}));  // an older agent
  agent.write_probes(json::array({added, older}));
  HostSnapshot s = collector_for({agent.target()}).collect();
  ASSERT_EQ(s.processes.size(), 1u);
  const ProcessSnapshot& p = s.processes[0];
  ASSERT_EQ(p.probes.size(), 2u);
  EXPECT_EQ(p.probes[0].added_unix_ns, 1'700'000'000'000'000'000ull);
  EXPECT_EQ(p.probes[0].methods[0].start_unix_ns, 1'700'000'000'000'000'000ull);
  EXPECT_EQ(p.probes[1].methods[0].start_unix_ns, p.start_unix_ns);
  EXPECT_GT(p.start_unix_ns, 0u);
}

TEST_F(CollectorTest, ReadsAProcesssResourceOnceWhileItRunsAndKeepsItAfterItExited) {
  testing::SleepingChild child;
  FakeAgent agent(dir.path(), child.pid(), "dotnet");
  const int32_t a = agent.add_slot("Ns.T::A()");
  agent.record(a, 100);
  agent.write_probes(json::array({probe_entry(1, "Ns.T::A", json::array({method_entry("Ns.T::A()", a)}))}));
  std::vector<AgentTarget> targets = {agent.target()};
  int reads = 0;
  Collector collector([&targets] { return targets; }, {},
                      [&reads](pid_t) {
                        ++reads;
                        ProcessResource r;
                        r.otel_service_name = "orders";
                        r.executable_name = "dotnet";
                        r.entry = "Orders";
                        return r;
                      });
  EXPECT_EQ(collector.collect().processes.at(0).resource.service_name(), "orders");
  EXPECT_EQ(collector.collect().processes.at(0).resource.service_name(), "orders");
  EXPECT_EQ(reads, 1);
  child.end();
  const HostSnapshot exited = collector.collect();
  ASSERT_EQ(exited.processes.size(), 1u);
  EXPECT_FALSE(exited.processes[0].alive);
  EXPECT_EQ(exited.processes[0].resource.service_name(), "orders");
  EXPECT_EQ(reads, 1);
}

TEST_F(CollectorTest, ANameFromProcIsIgnoredOnceTheWriterIsGone) {
  const pid_t gone = testing::dead_pid();
  FakeAgent agent(dir.path(), gone, "someone-else");  // the pid now belongs to another program
  HostSnapshot s = collector_for({agent.target()}).collect();
  ASSERT_EQ(s.processes.size(), 1u);
  EXPECT_FALSE(s.processes[0].alive);
  EXPECT_EQ(s.processes[0].name, "");
}

TEST_F(CollectorTest, SkipsUnreadableFilesAndSaysSoOnce) {
  FakeAgent good(dir.path(), ::getpid());
  AgentTarget garbage;
  garbage.pid = 12345;
  garbage.stats_path = dir.path() + "/12345.stats";
  garbage.probes_path = dir.path() + "/12345.probes.json";
  std::ofstream(garbage.stats_path) << "not a stats region";
  AgentTarget wrong_pid = good.target();
  wrong_pid.pid = 54321;  // a region written by another pid under this name
  Collector collector = collector_for({garbage, wrong_pid, good.target()});
  HostSnapshot s = collector.collect();
  ASSERT_EQ(s.processes.size(), 1u);
  EXPECT_EQ(s.processes[0].key.pid, ::getpid());
  collector.collect();
  std::size_t skipping = 0;
  for (const auto& line : log) skipping += line.find("skipping") != std::string::npos ? 1 : 0;
  EXPECT_EQ(skipping, 2u) << all_log();
}

TEST_F(CollectorTest, AnInvalidProbesFileLeavesTheProcessWithoutProbesAndIsReported) {
  FakeAgent agent(dir.path(), ::getpid());
  std::ofstream(agent.target().probes_path) << "{ not json";
  HostSnapshot s = collector_for({agent.target()}).collect();
  ASSERT_EQ(s.processes.size(), 1u);
  EXPECT_TRUE(s.processes[0].probes.empty());
  EXPECT_NE(all_log().find("is not valid JSON"), std::string::npos) << all_log();
}

TEST_F(CollectorTest, ConvertsTicksWithTheRegionsCalibration) {
  FakeAgent agent(dir.path(), ::getpid());
  agent.set_ticks_per_ns(2.5);
  const int32_t a = agent.add_slot("Ns.T::A()");
  agent.record(a, 2500);  // 1 µs
  agent.write_probes(json::array({probe_entry(1, "Ns.T::A", json::array({method_entry("Ns.T::A()", a)}))}));
  HostSnapshot s = collector_for({agent.target()}).collect();
  ASSERT_EQ(s.processes.size(), 1u);
  EXPECT_DOUBLE_EQ(s.processes[0].probes[0].methods[0].latency.max_seconds, 1e-6);
}

TEST_F(CollectorTest, SortsProcessesByPid) {
  const pid_t gone = testing::dead_pid();
  FakeAgent self(dir.path(), ::getpid());
  FakeAgent other(dir.path(), gone);
  HostSnapshot s = collector_for({self.target(), other.target()}).collect();
  ASSERT_EQ(s.processes.size(), 2u);
  EXPECT_LT(s.processes[0].key, s.processes[1].key);
  EXPECT_NE(find_process(s, gone), nullptr);
}

}  // namespace
}  // namespace clrprobe::exporter
