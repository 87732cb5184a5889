// Live probes: tests/apps/LiveService runs under `clrprobe run -- dotnet LiveService.dll`
// (agent loaded, no probes) and the tests add, list, remove probes and read their figures
// while it serves. The service counts its own calls (Interlocked) and parks its workers
// between two iterations on `pause`, so a probe's figures can be compared exactly with
// what the service did in a window that the probe covered entirely.
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "agent_socket.h"
#include "live_probes_support.h"
#include "live_service.h"
#include "probe_session.h"
#include "test_paths.h"
#include "support/temp_dir.h"

using clrprobe::test_support::TempDir;

namespace clrprobe::itest {
namespace {

using namespace std::chrono_literals;
using namespace live_probes;

// (a) A probe added while the service runs counts (and keeps counting). Probes added while
// the workers are parked count exactly the calls of the window they cover, exceptions
// included; after `remove` their figures freeze while the service goes on; and the service
// computes the same results as without the agent.
TEST_F(LiveProbes, AddedProbesCountExactlyTheCoveredWindow) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  // Added while running: the figures grow.
  auto instance = AddProbe(session, pid, kInstanceMethod);
  ASSERT_TRUE(instance);
  EXPECT_EQ(StateOf(*instance), "active") << instance->dump(2);
  const int64_t instance_id = IdOf(*instance);
  std::this_thread::sleep_for(400ms);
  auto early = Stats(session, pid);
  std::this_thread::sleep_for(400ms);
  auto later = Stats(session, pid);
  ASSERT_TRUE(early && later);
  const ProbeReport* early_instance = Entry(*early, instance_id);
  const ProbeReport* later_instance = Entry(*later, instance_id);
  ASSERT_TRUE(early_instance && later_instance);
  EXPECT_GT(early_instance->calls, 0);
  EXPECT_GT(later_instance->calls, early_instance->calls);

  // Exact window: add while parked, run ~1 s, park again.
  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  auto before = Stats(session, pid);
  ASSERT_TRUE(before);
  std::map<std::string, int64_t> ids;
  for (const char* selector : {kPlainMethod, kThrowingMethod, kAsyncMethod}) {
    auto probe = AddProbe(session, pid, selector);
    ASSERT_TRUE(probe);
    EXPECT_EQ(StateOf(*probe), "active") << probe->dump(2);
    ids[selector] = IdOf(*probe);
  }
  ASSERT_TRUE(service.Resume());
  std::this_thread::sleep_for(1s);
  auto c1 = service.Pause();
  ASSERT_TRUE(c1);
  auto after = Stats(session, pid);
  ASSERT_TRUE(after);
  for (const auto& [selector, id] : ids) ExpectWindow(*after, id, TargetFor(selector), *c0, *c1);
  // The probe added while running also counted this window exactly.
  ExpectWindow(*after, instance_id, TargetFor(kInstanceMethod), *c0, *c1, Entry(*before, instance_id));
  if (const ProbeReport* plain = Entry(*after, ids[kPlainMethod])) ExpectSaneLatency(*plain);

  // Remove: the figures stop changing, the service does not.
  auto removed = RemoveAllProbes(session, pid);
  ASSERT_TRUE(removed);
  ids[kInstanceMethod] = instance_id;
  for (const auto& [selector, id] : ids) {
    EXPECT_NE(std::find(removed->begin(), removed->end(), id), removed->end()) << "probe " << id << " not removed";
  }
  ASSERT_TRUE(service.Resume());
  std::this_thread::sleep_for(500ms);
  auto c2 = service.Pause();
  ASSERT_TRUE(c2);
  EXPECT_GT(c2->Iterations(), c1->Iterations());
  auto frozen = Stats(session, pid);
  ASSERT_TRUE(frozen);
  for (const auto& [selector, id] : ids) {
    const ProbeReport* now = Entry(*frozen, id);
    const ProbeReport* then = Entry(*after, id);
    if (now == nullptr || then == nullptr) continue;
    EXPECT_EQ(now->calls, then->calls) << selector << ": counted after its removal";
    EXPECT_EQ(now->exceptions, then->exceptions) << selector << ": counted after its removal";
    EXPECT_EQ(now->state, "removed") << selector;
  }
  ASSERT_TRUE(service.Resume());

  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
  EXPECT_TRUE(Contains(final->result_line, "mismatches=0")) << final->result_line;
  ExpectNoInvalidProgram(service, session);

  // The same results without the agent.
  LiveService plain(session, LiveService::Options().WithoutAgent());
  ASSERT_TRUE(plain.Started());
  std::this_thread::sleep_for(300ms);
  auto plain_final = plain.Stop();
  ASSERT_TRUE(plain_final);
  EXPECT_EQ(plain_final->exit_code, 0);
  EXPECT_EQ(final->result_line, plain_final->result_line);
}

// (a) With a fixed number of iterations (`run N`) the whole transcript is deterministic: the
// service prints exactly the same with probes on every target added and removed live as
// without the agent, and every probe counts its window exactly.
TEST_F(LiveProbes, OutputIdenticalWithAndWithoutLiveProbes) {
  constexpr int64_t kIterations = 150;
  auto transcript = [](const std::string& out) {
    std::string kept;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("ready pid=", 0) != 0) kept += line + "\n";
    }
    return kept;
  };

  ProbeSession session;
  std::string plain_out;
  std::string plain_err;
  {
    LiveService plain(session, LiveService::Options().WithoutAgent().Arg("--paused"));
    ASSERT_TRUE(plain.Started());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(plain.RunIterations(kIterations));
    auto final = plain.Stop();
    ASSERT_TRUE(final);
    EXPECT_EQ(final->exit_code, 0);
    plain_out = transcript(final->out);
    plain_err = plain.Stderr();
  }

  LiveService service(session, LiveService::Options().Arg("--paused"));
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  auto c0 = service.RunIterations(kIterations);
  ASSERT_TRUE(c0);
  std::vector<std::pair<const Target*, int64_t>> probes;
  for (const auto& target : AllTargets()) {
    auto probe = AddProbe(session, pid, target.selector);
    ASSERT_TRUE(probe);
    probes.emplace_back(&target, IdOf(*probe));
  }
  auto c1 = service.RunIterations(kIterations);
  ASSERT_TRUE(c1);
  auto stats = Stats(session, pid);
  ASSERT_TRUE(stats);
  for (const auto& [target, id] : probes) ExpectWindow(*stats, id, *target, *c0, *c1);
  ASSERT_TRUE(RemoveAllProbes(session, pid));
  ASSERT_TRUE(service.RunIterations(kIterations));
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
  EXPECT_EQ(transcript(final->out), plain_out);
  // Nothing of the agent's (nor of `clrprobe run --log`) reaches the program's stderr.
  EXPECT_EQ(service.Stderr(), plain_err) << "stderr differs under clrprobe";
  ExpectNoInvalidProgram(service, session);
}

// The JIT's listings of LiveService.Worker:Iterate in a DOTNET_JitStdOutFile, in order.
struct Listing {
  std::string header;  // "; Assembly listing for method ...:Iterate(...) (Tier1)"
  std::string body;
};

std::vector<Listing> IterateListings(const std::string& jit_output) {
  const std::string marker = "; Assembly listing for method ";
  std::vector<Listing> out;
  for (size_t at = jit_output.find(marker); at != std::string::npos;) {
    size_t next = jit_output.find(marker, at + marker.size());
    std::string text = jit_output.substr(at, next == std::string::npos ? std::string::npos : next - at);
    std::string header = text.substr(0, text.find('\n'));
    if (Contains(header, "Worker:Iterate")) out.push_back({header, text});
    at = next;
  }
  return out;
}

bool IsTier1(const Listing& l) { return Contains(l.header, "(Tier1)") || Contains(l.header, "(FullOpts)"); }
bool CallsMix(const Listing& l) { return Contains(l.body, "Hot:Mix"); }

// (b) The inlined callee (Hot.Mix inside Worker.Iterate's loop), both instantiations of a
// generic method, and exceptions are counted exactly in a covered window.
TEST_F(LiveProbes, InlinedGenericAndThrowingMethodsCountedExactly) {
  ProbeSession session;
  const std::string jit_file = session.dir() + "/jit.txt";
  LiveService service(session,
                      LiveService::Options().Env("DOTNET_JitDisasm", "Iterate").Env("DOTNET_JitStdOutFile", jit_file));
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  // Let tiered compilation produce the optimized Iterate, with Mix inlined, before the
  // probes go in. (The JIT's output is buffered: the listing is checked after the exit.)
  const auto deadline = Clock::now() + 30s;
  auto tier1_seen = [&] {
    auto listings = IterateListings(ReadFile(jit_file));
    return std::any_of(listings.begin(), listings.end(), IsTier1);
  };
  while (!tier1_seen() && Clock::now() < deadline) std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(tier1_seen()) << "no tier-1 Worker.Iterate within 30 s";
  std::this_thread::sleep_for(300ms);  // installed once compiled
  const size_t listings_before_add = IterateListings(ReadFile(jit_file)).size();

  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  std::map<std::string, int64_t> ids;
  for (const char* selector : {kInlinedMethod, kGenericMethod, kThrowingMethod}) {
    auto probe = AddProbe(session, pid, selector);
    ASSERT_TRUE(probe);
    EXPECT_EQ(StateOf(*probe), "active") << probe->dump(2);
    ids[selector] = IdOf(*probe);
  }
  ASSERT_TRUE(service.Resume());
  std::this_thread::sleep_for(1s);
  auto c1 = service.Pause();
  ASSERT_TRUE(c1);
  auto stats = Stats(session, pid);
  ASSERT_TRUE(stats);
  for (const auto& [selector, id] : ids) ExpectWindow(*stats, id, TargetFor(selector), *c0, *c1);
  // Pick<int> and Pick<string> run 3 and 5 times per iteration: only both together add up.
  EXPECT_GT(c1->Calls(kPickIntKey) - c0->Calls(kPickIntKey), 0);
  EXPECT_GT(c1->Calls(kPickStringKey) - c0->Calls(kPickStringKey), 0);
  if (const ProbeReport* pick = Entry(*stats, ids[kGenericMethod])) {
    EXPECT_FALSE(pick->methods.empty());
    for (const auto& m : pick->methods) EXPECT_TRUE(Contains(m, "Generic::Pick")) << m;
  }
  ASSERT_TRUE(service.Resume());
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
  EXPECT_TRUE(Contains(final->result_line, "mismatches=0")) << final->result_line;
  ExpectNoInvalidProgram(service, session);

  // Now that the JIT's output is complete: the tier-1 Iterate that ran before the add had
  // Mix inlined (so the window above did test an inlined callee), and Iterate was compiled
  // again after the add, calling Mix (ReJIT with inliners, inlining blocked).
  auto listings = IterateListings(ReadFile(jit_file));
  std::string headers;
  for (const auto& l : listings) headers += l.header + (CallsMix(l) ? "  [calls Mix]\n" : "  [Mix inlined]\n");
  ASSERT_LE(listings_before_add, listings.size());
  bool inlined_before = false;
  for (size_t i = 0; i < listings_before_add; ++i) inlined_before |= IsTier1(listings[i]) && !CallsMix(listings[i]);
  EXPECT_TRUE(inlined_before) << "no tier-1 Iterate with Mix inlined before the add:\n" << headers;
  bool recompiled_calling_mix = false;
  for (size_t i = listings_before_add; i < listings.size(); ++i) recompiled_calling_mix |= CallsMix(listings[i]);
  EXPECT_TRUE(recompiled_calling_mix) << "Iterate was not re-JIT-ted to call Mix after the add:\n" << headers;
}

// (c) 200 add/remove cycles of 2- and 3-method selectors while the workers run: the service
// keeps running, nothing is miscompiled, and a final add still counts exactly.
TEST_F(LiveProbes, SurvivesManyAddRemoveCyclesUnderLoad) {
  constexpr int kCycles = 200;
  constexpr auto kBudget = 75s;
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  auto start_counts = service.Pause();
  ASSERT_TRUE(start_counts);
  ASSERT_TRUE(service.Resume());

  const int64_t rss_before = ResidentKiB(pid);
  const auto start = Clock::now();
  int done = 0;
  for (; done < kCycles; ++done) {
    const char* selector = done % 2 == 0 ? kSeriesMethods : kPairMethods;
    auto probe = AddProbe(session, pid, selector);
    ASSERT_TRUE(probe) << "cycle " << done;
    ASSERT_EQ(probe->value("methods", nlohmann::json::array()).size(), done % 2 == 0 ? 3u : 2u) << probe->dump(2);
    ASSERT_TRUE(RemoveProbe(session, pid, IdOf(*probe))) << "cycle " << done;
    if (Clock::now() - start > kBudget) break;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const int64_t rss_after = ResidentKiB(pid);
  EXPECT_EQ(done, kCycles) << "only " << done << " add/remove cycles within " << kBudget.count() << " s";
  RecordProperty("cycles", done);
  RecordProperty("cycle_ms", static_cast<int>(1000 * seconds / std::max(done, 1)));
  RecordProperty("rss_growth_kib", static_cast<int>(rss_after - rss_before));
  std::cout << "[ live ] " << done << " add/remove cycles in " << seconds << " s; RSS " << rss_before << " -> "
            << rss_after << " KiB\n";

  // Still serving, still computing the same, nothing miscompiled.
  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  EXPECT_GT(c0->Iterations(), start_counts->Iterations());
  ASSERT_TRUE(service.Running());
  ExpectNoInvalidProgram(service, session);
  auto listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  for (const auto& p : *listed) EXPECT_EQ(StateOf(p), "removed") << p.dump(2);

  // A last add still counts exactly.
  auto probe = AddProbe(session, pid, kSeriesMethods);
  ASSERT_TRUE(probe);
  ASSERT_TRUE(service.Resume());
  std::this_thread::sleep_for(1s);
  auto c1 = service.Pause();
  ASSERT_TRUE(c1);
  auto stats = Stats(session, pid);
  ASSERT_TRUE(stats);
  ExpectWindow(*stats, IdOf(*probe), TargetFor(kSeriesMethods), *c0, *c1);

  ASSERT_TRUE(service.Resume());
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
  EXPECT_TRUE(Contains(final->result_line, "mismatches=0")) << final->result_line;
  ExpectNoInvalidProgram(service, session);
}

// (d) `list` shows active probes and removed ones as removed; `remove --all` removes the
// rest; the same selector added again is a new probe that counts again, from zero.
TEST_F(LiveProbes, ListRemoveAllAndReAdd) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  auto none = ListProbes(session, pid);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty()) << "probes before any add";

  auto plain = AddProbe(session, pid, kPlainMethod);
  auto instance = AddProbe(session, pid, kInstanceMethod);
  ASSERT_TRUE(plain && instance);
  const int64_t plain_id = IdOf(*plain), instance_id = IdOf(*instance);
  EXPECT_NE(plain_id, instance_id);

  auto listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 2u);
  for (auto [id, selector] : {std::pair{plain_id, kPlainMethod}, {instance_id, kInstanceMethod}}) {
    const nlohmann::json* p = FindById(*listed, id);
    ASSERT_NE(p, nullptr) << "probe " << id << " not listed";
    EXPECT_EQ(StateOf(*p), "active");
    EXPECT_EQ(p->value("selector", ""), selector);
    auto methods = p->value("methods", nlohmann::json::array());
    ASSERT_EQ(methods.size(), 1u) << p->dump(2);
    EXPECT_TRUE(Contains(methods[0].value("name", ""), TypeAndMethod(selector))) << p->dump(2);
  }

  auto removed = RemoveProbe(session, pid, plain_id);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, std::vector<int64_t>{plain_id});
  listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  ASSERT_TRUE(FindById(*listed, plain_id) && FindById(*listed, instance_id));
  EXPECT_EQ(StateOf(*FindById(*listed, plain_id)), "removed");
  EXPECT_EQ(StateOf(*FindById(*listed, instance_id)), "active");

  // The text form says the same.
  ProcessResult text = session.RunClrprobe({"list", "-p", service.Pid()});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(Contains(text.out, kPlainMethod) && Contains(text.out, "removed") && Contains(text.out, "active"))
      << text.out;

  removed = RemoveAllProbes(session, pid);
  ASSERT_TRUE(removed);
  EXPECT_NE(std::find(removed->begin(), removed->end(), instance_id), removed->end());
  listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  for (const auto& p : *listed) EXPECT_EQ(StateOf(p), "removed") << p.dump(2);

  // Re-add: a new probe, counting the covered window exactly (not the old probe's calls).
  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  auto before = Stats(session, pid);
  ASSERT_TRUE(before);
  auto again = AddProbe(session, pid, kPlainMethod);
  ASSERT_TRUE(again);
  const int64_t again_id = IdOf(*again);
  EXPECT_NE(again_id, plain_id);
  EXPECT_EQ(StateOf(*again), "active");
  ASSERT_TRUE(service.Resume());
  std::this_thread::sleep_for(700ms);
  auto c1 = service.Pause();
  ASSERT_TRUE(c1);
  auto stats = Stats(session, pid);
  ASSERT_TRUE(stats);
  ExpectWindow(*stats, again_id, TargetFor(kPlainMethod), *c0, *c1);
  const ProbeReport* old_now = Entry(*stats, plain_id);
  const ProbeReport* old_then = Entry(*before, plain_id);
  if (old_now && old_then) {
    EXPECT_EQ(old_now->calls, old_then->calls) << "the removed probe counts again";
  }
  listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 3u);

  ASSERT_TRUE(service.Resume());
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
}

// `clrprobe monitor` without a terminal: a few refreshes, each naming the probe.
TEST_F(LiveProbes, MonitorPrintsFiguresWithoutATerminal) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));
  ASSERT_TRUE(AddProbe(session, pid, kPlainMethod));
  ProcessResult r = session.RunClrprobe({"monitor", "-p", service.Pid(), "--count", "2", "-i", "1"}, 30s);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(Contains(r.out, kPlainMethod)) << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "terminal control codes without a terminal";
  EXPECT_TRUE(service.StillServing());
}

// (f) A selector naming an assembly that is not loaded yet is added as pending; when the
// service loads it, the probe becomes active and counts every call.
TEST_F(LiveProbes, PendingProbeActivatesWhenItsAssemblyLoads) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  ASSERT_EQ(c0->Calls(kLateKey), 0);
  auto probe = AddProbe(session, pid, kLateMethod);
  ASSERT_TRUE(probe);
  const int64_t id = IdOf(*probe);
  EXPECT_EQ(StateOf(*probe), "pending") << probe->dump(2);
  auto listed = ListProbes(session, pid);
  ASSERT_TRUE(listed);
  ASSERT_NE(FindById(*listed, id), nullptr);
  EXPECT_EQ(StateOf(*FindById(*listed, id)), "pending");

  ASSERT_TRUE(service.LoadLate());
  std::string state;
  for (auto deadline = Clock::now() + 20s; Clock::now() < deadline; std::this_thread::sleep_for(100ms)) {
    listed = ListProbes(session, pid);
    ASSERT_TRUE(listed);
    if (const nlohmann::json* p = FindById(*listed, id)) state = StateOf(*p);
    if (state == "active") break;
  }
  ASSERT_EQ(state, "active") << "the probe did not become active after LateLib loaded";
  auto methods = FindById(*listed, id)->value("methods", nlohmann::json::array());
  ASSERT_EQ(methods.size(), 1u) << FindById(*listed, id)->dump(2);
  EXPECT_TRUE(Contains(methods[0].value("name", ""), "Plugin::Compute"));

  ASSERT_TRUE(service.Resume());
  std::this_thread::sleep_for(1s);
  auto c1 = service.Pause();
  ASSERT_TRUE(c1);
  EXPECT_GT(c1->Calls(kLateKey), 0);
  auto stats = Stats(session, pid);
  ASSERT_TRUE(stats);
  if (const ProbeReport* p = Entry(*stats, id)) {
    EXPECT_EQ(p->calls, c1->Calls(kLateKey)) << "every call of Compute after the load";
    EXPECT_EQ(p->exceptions, 0);
  }
  ASSERT_TRUE(service.Resume());
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
}

// (g) `clrprobe ps` lists a service with the agent and one without.
TEST_F(LiveProbes, PsListsProcessesWithAndWithoutTheAgent) {
  ProbeSession session;
  LiveService with_agent(session);
  LiveService without_agent(session, LiveService::Options().WithoutAgent());
  ASSERT_TRUE(with_agent.Started());
  ASSERT_TRUE(without_agent.Started());
  ASSERT_TRUE(WaitForAgent(session, with_agent.pid()));
  ASSERT_TRUE(AddProbe(session, with_agent.pid(), kPlainMethod));

  CliJson ps = RunClrprobeJson(session, {"ps", "--json"});
  ASSERT_TRUE(ps.json) << ps.json_error << "\n" << ps.process.err;
  auto processes = ps.json->value("processes", nlohmann::json::array());
  auto find = [&](pid_t pid) -> const nlohmann::json* {
    for (const auto& p : processes) {
      if (p.value("pid", -1) == pid) return &p;
    }
    return nullptr;
  };
  const nlohmann::json* loaded = find(with_agent.pid());
  const nlohmann::json* plain = find(without_agent.pid());
  ASSERT_NE(loaded, nullptr) << "pid " << with_agent.pid() << " not listed:\n" << ps.json->dump(2);
  ASSERT_NE(plain, nullptr) << "pid " << without_agent.pid() << " (.NET, no agent) not listed:\n" << ps.json->dump(2);
  EXPECT_EQ(loaded->value("agent", ""), "loaded") << loaded->dump(2);
  EXPECT_EQ(loaded->value("probes", -1), 1) << loaded->dump(2);
  EXPECT_EQ(plain->value("agent", ""), "none") << plain->dump(2);
  EXPECT_TRUE(Contains(loaded->value("command", ""), "LiveService.dll")) << loaded->dump(2);

  ProcessResult text = session.RunClrprobe({"ps"}, 30s);
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(Contains(text.out, with_agent.Pid()) && Contains(text.out, without_agent.Pid())) << text.out;

  EXPECT_TRUE(with_agent.StillServing());
  EXPECT_TRUE(without_agent.StillServing());
}

// (h) After the process exited, `clrprobe stats` still reads its final figures from the
// files it left. (A private runtime directory: a concurrent `clrprobe ps` elsewhere would
// clean up the files of exited processes in the shared one.)
TEST_F(LiveProbes, StatsReadTheFinalFiguresAfterExit) {
  ProbeSession session;
  // Short: a socket path must fit in 108 bytes.
  const TempDir runtime("clrprobe-itest", "/tmp");
  ASSERT_FALSE(runtime.path().empty());
  const std::string& runtime_dir = runtime.path();
  session.SetEnv("CLRPROBE_RUNTIME_DIR", runtime_dir);
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  auto c0 = service.Pause();
  ASSERT_TRUE(c0);
  std::map<std::string, int64_t> ids;
  for (const char* selector : {kPlainMethod, kThrowingMethod}) {
    auto probe = AddProbe(session, pid, selector);
    ASSERT_TRUE(probe);
    ids[selector] = IdOf(*probe);
  }
  ASSERT_TRUE(service.Resume());
  std::this_thread::sleep_for(500ms);
  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
  EXPECT_FALSE(service.Running());

  const std::string base = runtime_dir + "/" + std::to_string(pid);
  EXPECT_TRUE(FileExists(base + ".stats"));
  EXPECT_TRUE(FileExists(base + ".probes.json"));
  auto stats = Stats(session, pid);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->raw.value("running", true), false) << stats->raw.dump(2);
  for (const auto& [selector, id] : ids) ExpectWindow(*stats, id, TargetFor(selector), *c0, final->counts);
  ProcessResult text = session.RunClrprobe({"stats", "-p", std::to_string(pid)}, 30s);
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(Contains(text.out, kPlainMethod)) << text.out;
}

}  // namespace
}  // namespace clrprobe::itest
