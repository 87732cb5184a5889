// Many add/remove cycles on a live service: the agent keeps the latest removed probes only
// (kKeptRemovedProbes in src/agent/probe_registry.h, documented in docs/RELIABILITY.md), so
// neither its memory nor `list` nor the probes file grows with every cycle; a re-add still
// re-arms without a ReJIT, and the methods of forgotten probes can still be reverted.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "live_probes_support.h"
#include "live_service.h"
#include "probe_session.h"

namespace clrprobe::itest {
namespace {

using namespace live_probes;

// The agent's promise (docs/RELIABILITY.md): the latest 32 removed probes are listed.
constexpr int kKeptRemovedProbes = 32;

nlohmann::json ListJson(ProbeSession& session, pid_t pid) {
  CliJson reply = RunClrprobeJson(session, {"list", "-p", std::to_string(pid), "--json"});
  EXPECT_TRUE(reply.json.has_value()) << reply.json_error << reply.process.err;
  return reply.json.value_or(nlohmann::json::object());
}

int64_t Rejit(const nlohmann::json& list, const char* counter) {
  return list.value("rejit", nlohmann::json::object()).value(counter, int64_t{-1});
}

TEST_F(LiveProbes, ManyAddRemoveCyclesKeepOnlyTheLatestRemovedProbesAndNoReJit) {
  constexpr int kCycles = kKeptRemovedProbes + 13;
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  std::vector<int64_t> ids;
  int64_t rejit_after_first = -1;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    auto probe = AddProbe(session, pid, kPlainMethod);
    ASSERT_TRUE(probe);
    ids.push_back(IdOf(*probe));
    if (cycle == 0) rejit_after_first = Rejit(ListJson(session, pid), "requests");
    ASSERT_TRUE(RemoveProbe(session, pid, ids.back()));
  }

  const nlohmann::json list = ListJson(session, pid);
  EXPECT_GT(rejit_after_first, 0);
  EXPECT_EQ(Rejit(list, "requests"), rejit_after_first) << "a re-add asked for a ReJIT";
  // Exactly the latest removed probes are listed, each still disarmed with its final figures.
  std::vector<int64_t> listed;
  for (const auto& p : list.value("probes", nlohmann::json::array())) {
    listed.push_back(p.value("id", int64_t{0}));
    EXPECT_EQ(StateOf(p), "removed") << p.dump(2);
    EXPECT_TRUE(p.contains("final")) << p.dump(2);
    const nlohmann::json methods = p.value("methods", nlohmann::json::array());
    ASSERT_EQ(methods.size(), 1u) << p.dump(2);
    EXPECT_EQ(methods[0].value("instrumentation", ""), "disarmed") << p.dump(2);
  }
  EXPECT_EQ(listed, std::vector<int64_t>(ids.end() - kKeptRemovedProbes, ids.end())) << list.dump(2);
  EXPECT_EQ(list.value("removed_forgotten", int64_t{0}), kCycles - kKeptRemovedProbes) << list.dump(2);

  // `stats` (which reads the probes file) lists the same probes.
  auto stats = Stats(session, pid);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->probes.size(), static_cast<size_t>(kKeptRemovedProbes)) << stats->raw.dump(2);

  // A forgotten probe cannot be reverted by id, and the error says what to do instead.
  ProcessResult old = session.RunClrprobe({"remove", "-p", service.Pid(), std::to_string(ids.front()), "--revert"});
  EXPECT_NE(old.exit_code, 0) << old.out;
  EXPECT_TRUE(Contains(old.err, "--all --revert")) << old.err;
  // remove --all --revert gives the original code back, whichever probe it last belonged to.
  ProcessResult all = session.RunClrprobe({"remove", "-p", service.Pid(), "--all", "--revert"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(Rejit(ListJson(session, pid), "reverted_methods"), 1);

  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
  EXPECT_TRUE(Contains(final->result_line, "mismatches=0")) << final->result_line;
  ExpectNoInvalidProgram(service, session);
}

}  // namespace
}  // namespace clrprobe::itest
