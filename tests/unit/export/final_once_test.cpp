// Exited processes and removed probes: published once more, then dropped.
#include "export/final_once.h"

#include <gtest/gtest.h>

namespace clrprobe::exporter {
namespace {

constexpr uint64_t kStart = 1'000'000;  // the exporter's start (unix ns)

ProbeSnapshot probe(int64_t id, const std::string& state = "active") {
  ProbeSnapshot p;
  p.id = id;
  p.state = state;
  p.selector = "S" + std::to_string(id);
  return p;
}

ProcessSnapshot process(int32_t pid, bool alive, std::vector<ProbeSnapshot> probes = {},
                        uint64_t created = kStart - 1, uint64_t start_jiffies = 100) {
  ProcessSnapshot p;
  p.key = {pid, start_jiffies};
  p.alive = alive;
  p.region_created_unix_ns = created;
  p.probes = std::move(probes);
  return p;
}

HostSnapshot host(std::vector<ProcessSnapshot> processes) {
  HostSnapshot h;
  h.processes = std::move(processes);
  return h;
}

std::vector<int32_t> pids(const FinalOnce::Selection& s) {
  std::vector<int32_t> out;
  for (const auto& p : s.snapshot.processes) out.push_back(p.key.pid);
  return out;
}

std::vector<int64_t> probe_ids(const FinalOnce::Selection& s, int32_t pid) {
  std::vector<int64_t> out;
  for (const auto& p : s.snapshot.processes) {
    if (p.key.pid != pid) continue;
    for (const auto& r : p.probes) out.push_back(r.id);
  }
  return out;
}

// One select() + commit(), as /metrics does.
FinalOnce::Selection publish(FinalOnce& f, const HostSnapshot& scan) {
  FinalOnce::Selection s = f.select(scan);
  f.commit(s);
  return s;
}

TEST(FinalOnce, RunningProcessesArePublishedEveryTime) {
  FinalOnce f(kStart);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pids(publish(f, host({process(1, true, {probe(1)})}))), std::vector<int32_t>{1});
}

TEST(FinalOnce, AProcessSeenRunningIsPublishedOnceAfterItExited) {
  FinalOnce f(kStart);
  publish(f, host({process(1, true, {probe(1)})}));
  FinalOnce::Selection last = publish(f, host({process(1, false, {probe(1)})}));
  EXPECT_EQ(pids(last), std::vector<int32_t>{1});
  EXPECT_EQ(probe_ids(last, 1), std::vector<int64_t>{1});
  EXPECT_EQ(last.final_processes.size(), 1u);
  EXPECT_TRUE(pids(publish(f, host({process(1, false, {probe(1)})}))).empty());
  EXPECT_TRUE(pids(publish(f, host({process(1, false, {probe(1)})}))).empty());
}

TEST(FinalOnce, WithoutCommitTheFinalFiguresArePublishedAgain) {
  FinalOnce f(kStart);
  publish(f, host({process(1, true)}));
  EXPECT_EQ(pids(f.select(host({process(1, false)}))), std::vector<int32_t>{1});  // push failed
  EXPECT_EQ(pids(publish(f, host({process(1, false)}))), std::vector<int32_t>{1});
  EXPECT_TRUE(pids(publish(f, host({process(1, false)}))).empty());
}

TEST(FinalOnce, FilesOfProcessesThatExitedBeforeTheExporterStartedAreNeverPublished) {
  FinalOnce f(kStart);
  EXPECT_TRUE(pids(publish(f, host({process(1, false, {probe(1)}, kStart - 1)}))).empty());
  EXPECT_TRUE(pids(publish(f, host({process(1, false, {probe(1)}, kStart - 1)}))).empty());
}

TEST(FinalOnce, AShortLivedProcessStartedAfterTheExporterIsPublishedOnce) {
  FinalOnce f(kStart);
  EXPECT_EQ(pids(publish(f, host({process(1, false, {probe(1), probe(2, "removed")}, kStart + 5)}))),
            std::vector<int32_t>{1});
  EXPECT_TRUE(pids(publish(f, host({process(1, false, {}, kStart + 5)}))).empty());
}

TEST(FinalOnce, ARemovedProbeIsPublishedOnceThenDroppedWhileItsProcessGoesOn) {
  FinalOnce f(kStart);
  publish(f, host({process(1, true, {probe(1), probe(2)})}));
  FinalOnce::Selection s = publish(f, host({process(1, true, {probe(1), probe(2, "removed")})}));
  EXPECT_EQ(probe_ids(s, 1), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(s.final_probes.size(), 1u);
  EXPECT_EQ(probe_ids(publish(f, host({process(1, true, {probe(1), probe(2, "removed")})})), 1),
            std::vector<int64_t>{1});
}

TEST(FinalOnce, AProbeAddedAndRemovedBetweenTwoScrapesIsPublishedOnce) {
  FinalOnce f(kStart);
  publish(f, host({process(1, true, {probe(1)})}));
  EXPECT_EQ(probe_ids(publish(f, host({process(1, true, {probe(1), probe(2, "removed")})})), 1),
            (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(probe_ids(publish(f, host({process(1, true, {probe(1), probe(2, "removed")})})), 1),
            std::vector<int64_t>{1});
}

TEST(FinalOnce, ProbesRemovedBeforeTheExporterFirstSawTheProcessAreNeverPublished) {
  FinalOnce f(kStart);
  EXPECT_EQ(probe_ids(publish(f, host({process(1, true, {probe(1, "removed"), probe(2)})})), 1),
            std::vector<int64_t>{2});
  EXPECT_EQ(probe_ids(publish(f, host({process(1, true, {probe(1, "removed"), probe(2)})})), 1),
            std::vector<int64_t>{2});
}

TEST(FinalOnce, ARecycledPidIsAnotherProcess) {
  FinalOnce f(kStart);
  publish(f, host({process(1, true, {}, kStart - 1, 100)}));
  publish(f, host({process(1, false, {}, kStart - 1, 100)}));
  EXPECT_TRUE(pids(publish(f, host({process(1, false, {}, kStart - 1, 100)}))).empty());
  EXPECT_EQ(pids(publish(f, host({process(1, true, {}, kStart + 9, 200)}))), std::vector<int32_t>{1});
}

TEST(FinalOnce, ForgetsProcessesWhoseFilesAreGone) {
  FinalOnce f(kStart);
  publish(f, host({process(1, true)}));
  publish(f, host({process(1, false)}));
  publish(f, host({}));  // files cleaned: everything about pid 1 forgotten
  // The same files again (restored from a backup, say): exited before the
  // exporter saw them running, as far as it now knows.
  EXPECT_TRUE(pids(publish(f, host({process(1, false)}))).empty());
}

TEST(FinalOnce, EachConsumerHasItsOwnOnce) {
  FinalOnce metrics(kStart);
  FinalOnce otlp(kStart);
  for (FinalOnce* f : {&metrics, &otlp}) publish(*f, host({process(1, true)}));
  EXPECT_EQ(pids(publish(metrics, host({process(1, false)}))), std::vector<int32_t>{1});
  EXPECT_EQ(pids(publish(otlp, host({process(1, false)}))), std::vector<int32_t>{1});
}

}  // namespace
}  // namespace clrprobe::exporter
