// Reading probe objects and <pid>.probes.json (src/figures/probes_file.h).
#include "figures/probes_file.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace clrprobe::figures {
namespace {

using nlohmann::json;

TEST(ProbesFile, ParsesAFullProbeObject) {
  json object = json::parse(R"JSON({"id": 3, "selector": "MyApp.Orders.*::Process*", "state": "active",
    "methods": [{"name": "MyApp.Orders.Queue::Process(int32)", "slot": 12, "async": true,
                 "baseline": {"calls": 5, "exceptions": 2, "cancelled": 1}}],
    "refused": [{"method": "MyApp.Orders.IQueue::Process(int32)", "reason": "no_il_body: abstract method"}],
    "note": "async methods ..."})JSON");
  auto probe = parse_probe_object(object);
  ASSERT_TRUE(probe.ok()) << probe.error().describe();
  EXPECT_EQ(probe->id, 3);
  EXPECT_EQ(probe->selector, "MyApp.Orders.*::Process*");
  EXPECT_EQ(probe->state, "active");
  ASSERT_EQ(probe->methods.size(), 1u);
  EXPECT_EQ(probe->methods[0].name, "MyApp.Orders.Queue::Process(int32)");
  EXPECT_EQ(probe->methods[0].slot, 12);
  EXPECT_TRUE(probe->methods[0].async);
  EXPECT_EQ(probe->methods[0].baseline_calls, 5u);
  EXPECT_EQ(probe->methods[0].baseline_exceptions, 2u);
  EXPECT_EQ(probe->methods[0].baseline_cancelled, 1u);
  ASSERT_EQ(probe->refused.size(), 1u);
  EXPECT_EQ(probe->refused[0].reason, "no_il_body: abstract method");
  EXPECT_EQ(probe->note, "async methods ...");
  EXPECT_FALSE(probe->final_figures.has_value());

  // And back: the same object.
  EXPECT_EQ(probe_object_json(*probe), object);
}

TEST(ProbesFile, WhatAMethodMeasuresSurvivesAReadAndAWrite) {
  const json object = {
      {"id", 4},
      {"methods",
       {{{"name", "Fs.Parity::isEven(int32)"}, {"slot", 0}, {"measures", "calls only (tail calls)"}, {"timed", false}},
        {{"name", "Algo::Down(int32)"}, {"slot", 1}, {"self_tail_calls", 2}},
        {{"name", "Algo::Plain()"}, {"slot", 2}}}}};
  auto probe = parse_probe_object(object);
  ASSERT_TRUE(probe.ok()) << probe.error().describe();
  ASSERT_EQ(probe->methods.size(), 3u);
  EXPECT_FALSE(probe->methods[0].timed);
  EXPECT_EQ(probe->methods[0].measures, "calls only (tail calls)");
  EXPECT_TRUE(probe->methods[1].timed);
  EXPECT_EQ(probe->methods[1].self_tail_calls, 2u);
  const json again = probe_object_json(*probe)["methods"];
  EXPECT_EQ(again[0]["timed"], false);
  EXPECT_EQ(again[0]["measures"], "calls only (tail calls)");
  EXPECT_EQ(again[1]["self_tail_calls"], 2);
  EXPECT_FALSE(again[2].contains("timed"));  // plain methods stay as small as before
  EXPECT_FALSE(again[2].contains("measures"));
  EXPECT_FALSE(again[2].contains("self_tail_calls"));
}

TEST(ProbesFile, MissingOptionalFieldsHaveDefaults) {
  auto probe = parse_probe_object({{"id", 1}});
  ASSERT_TRUE(probe.ok());
  EXPECT_EQ(probe->state, "active");
  EXPECT_TRUE(probe->methods.empty());
  // Methods may be bare names (no slot), as in the exit report.
  auto named = parse_probe_object({{"id", 1}, {"methods", {"A::B()"}}});
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->methods[0].name, "A::B()");
  EXPECT_EQ(named->methods[0].slot, -1);
}

TEST(ProbesFile, ReadsTheTimeAProbeWasAdded) {
  auto probe = parse_probe_object({{"id", 2}, {"added_unix_ns", 1'700'000'000'000'000'123ull}});
  ASSERT_TRUE(probe.ok());
  EXPECT_EQ(probe->added_unix_ns, 1'700'000'000'000'000'123ull);
  EXPECT_EQ(probe_object_json(*probe).at("added_unix_ns"), 1'700'000'000'000'000'123ull);
  // Older agents did not write it: 0, and not written back.
  auto older = parse_probe_object({{"id", 2}});
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(older->added_unix_ns, 0u);
  EXPECT_FALSE(probe_object_json(*older).contains("added_unix_ns"));
}

TEST(ProbesFile, OlderFilesWithoutCancelledOrInFlightReadAsZero) {
  auto probe = parse_probe_object(json::parse(R"JSON({"id": 1, "state": "removed",
    "methods": [{"name": "A::B()", "slot": 0, "baseline": {"calls": 5, "exceptions": 2}}],
    "final": {"calls": 4, "exceptions": 1, "latency_ns": {"p50": 1.5}}})JSON"));
  ASSERT_TRUE(probe.ok()) << probe.error().describe();
  EXPECT_EQ(probe->methods[0].baseline_cancelled, 0u);
  ASSERT_TRUE(probe->final_figures.has_value());
  EXPECT_EQ(probe->final_figures->cancelled, 0u);
  EXPECT_EQ(probe->final_figures->in_flight, 0u);
}

TEST(ProbesFile, FrozenFiguresCarryCancelledAndInFlightBothWays) {
  json object = json::parse(R"JSON({"id": 2, "selector": "A::*", "state": "removed", "methods": [], "refused": [],
    "final": {"calls": 9, "exceptions": 1, "cancelled": 3, "in_flight": 2,
              "latency_ns": {"p50": 1.0, "p90": 2.0, "p99": 3.0, "max": 4.0}}})JSON");
  auto probe = parse_probe_object(object);
  ASSERT_TRUE(probe.ok()) << probe.error().describe();
  ASSERT_TRUE(probe->final_figures.has_value());
  EXPECT_EQ(probe->final_figures->cancelled, 3u);
  EXPECT_EQ(probe->final_figures->in_flight, 2u);
  EXPECT_EQ(probe_object_json(*probe), object);
}

TEST(ProbesFile, OlderBooleanStatesAreUnderstood) {
  EXPECT_EQ(parse_probe_object({{"id", 1}, {"removed", true}})->state, "removed");
  EXPECT_EQ(parse_probe_object({{"id", 1}, {"pending", true}})->state, "pending");
  EXPECT_EQ(parse_probe_object({{"id", 1}, {"removed", false}})->state, "active");
}

TEST(ProbesFile, RejectsWhatFiguresDependOn) {
  EXPECT_FALSE(parse_probe_object(json::array()).ok());
  EXPECT_FALSE(parse_probe_object({{"selector", "x"}}).ok());                    // no id
  EXPECT_FALSE(parse_probe_object({{"id", "3"}}).ok());                          // id not a number
  EXPECT_FALSE(parse_probe_object({{"id", -1}}).ok());
  EXPECT_FALSE(parse_probe_object({{"id", 1}, {"methods", "A"}}).ok());          // not an array
  EXPECT_FALSE(parse_probe_object({{"id", 1}, {"methods", {{{"slot", "1"}}}}}).ok());
  EXPECT_FALSE(parse_probe_object({{"id", 1}, {"methods", {{{"slot", 1}, {"baseline", {{"calls", -2}}}}}}}).ok());
  EXPECT_FALSE(parse_probe_object({{"id", 1}, {"methods", {{{"slot", 1}, {"baseline", {{"cancelled", "1"}}}}}}}).ok());
  auto bad = parse_probes_file({{"pid", 5}, {"probes", {{{"id", 1}}, {{"id", "x"}}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("entry 2"), std::string::npos) << bad.error().message;
}

TEST(ProbesFile, ReadsTheFile) {
  cli::testing::TempDir dir;
  auto missing = read_probes_file(dir.file("1.probes.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().reason, Reason::NotFound);

  dir.write("2.probes.json", "{not json");
  auto garbage = read_probes_file(dir.file("2.probes.json"));
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().reason, Reason::InvalidInput);

  dir.write("3.probes.json", R"({"pid": 3, "probes": [{"id": 1, "selector": "A::B", "state": "removed",
     "methods": [], "final": {"calls": 4, "exceptions": 1, "latency_ns": {"p50": 1.5, "max": 9}}}]})");
  auto file = read_probes_file(dir.file("3.probes.json"));
  ASSERT_TRUE(file.ok()) << file.error().describe();
  EXPECT_EQ(file->pid, 3);
  ASSERT_EQ(file->probes.size(), 1u);
  ASSERT_TRUE(file->probes[0].final_figures.has_value());
  EXPECT_EQ(file->probes[0].final_figures->calls, 4u);
  EXPECT_DOUBLE_EQ(file->probes[0].final_figures->latency.p50, 1.5);
  EXPECT_DOUBLE_EQ(file->probes[0].final_figures->latency.p90, 0.0);
  EXPECT_DOUBLE_EQ(file->probes[0].final_figures->latency.max, 9.0);
}

}  // namespace
}  // namespace clrprobe::figures
