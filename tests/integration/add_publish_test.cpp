// What a live `add` has published by the time it replies. The agent requests the ReJIT
// before it writes the probes file and, when the request is made quickly, writes that file
// once, after the request (src/agent/probe_service.cpp): `stats`, which reads the file
// beside the stats region, must still know the probe as `add` answered it, right away.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "live_probes_support.h"

namespace clrprobe::itest {
namespace {

using namespace live_probes;

std::vector<int64_t> SlotsOf(const nlohmann::json& methods) {
  std::vector<int64_t> slots;
  for (const auto& m : methods) slots.push_back(m.value("slot", int64_t{-1}));
  return slots;
}

// Round 0 ReJITs each method; rounds 1 and 2 re-arm the code the removed probes left
// (no ReJIT). Each time, `stats` run as soon as `add` returns shows the probe active,
// with the methods and slots of the reply.
TEST_F(LiveProbes, StatsRightAfterAddShowTheProbeActiveWithTheSlotsOfItsReply) {
  ProbeSession session;
  LiveService service(session);
  ASSERT_TRUE(service.Started());
  const pid_t pid = service.pid();
  ASSERT_TRUE(WaitForAgent(session, pid));

  for (int round = 0; round < 3; ++round) {
    for (const char* selector : {kPlainMethod, kInstanceMethod, kThrowingMethod}) {
      auto probe = AddProbe(session, pid, selector);
      ASSERT_TRUE(probe);
      ASSERT_EQ(StateOf(*probe), "active") << probe->dump(2);
      const int64_t id = IdOf(*probe);
      const std::vector<int64_t> reply_slots = SlotsOf(probe->at("methods"));
      ASSERT_FALSE(reply_slots.empty()) << probe->dump(2);

      auto stats = Stats(session, pid);
      ASSERT_TRUE(stats);
      const ProbeReport* entry = Entry(*stats, id);
      ASSERT_NE(entry, nullptr) << "round " << round << ": probe " << id << " (" << selector
                                << ") is not in `stats` right after `add` returned";
      EXPECT_EQ(entry->state, "active") << "round " << round << ": " << entry->raw.dump(2);
      ASSERT_TRUE(entry->raw.contains("method_details")) << entry->raw.dump(2);
      const std::vector<int64_t> stats_slots = SlotsOf(entry->raw["method_details"]);
      EXPECT_EQ(stats_slots, reply_slots) << "round " << round << ": " << entry->raw.dump(2);
      for (int64_t slot : stats_slots) EXPECT_GE(slot, 0) << "round " << round << ": " << entry->raw.dump(2);
    }
    ASSERT_TRUE(RemoveAllProbes(session, pid));
  }

  auto final = service.Stop();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->exit_code, 0);
  EXPECT_TRUE(Contains(final->result_line, "mismatches=0")) << final->result_line;
  ExpectNoInvalidProgram(service, session);
}

}  // namespace
}  // namespace clrprobe::itest
