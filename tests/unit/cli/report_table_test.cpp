#include "cli/report_table.h"

#include <unistd.h>

#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

namespace clrprobe::cli {
namespace {

using nlohmann::json;

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "in:\n" << (haystack)
#define EXPECT_NOT_CONTAINS(haystack, needle) \
  EXPECT_EQ(std::string(haystack).find(needle), std::string::npos) << "in:\n" << (haystack)

TEST(FormatDuration, Units) {
  EXPECT_EQ(format_duration_ns(0), "0 ns");
  EXPECT_EQ(format_duration_ns(7.4), "7 ns");
  EXPECT_EQ(format_duration_ns(850), "850 ns");
  EXPECT_EQ(format_duration_ns(999.4), "999 ns");
  EXPECT_EQ(format_duration_ns(999.6), "1.00 µs");
  EXPECT_EQ(format_duration_ns(1234), "1.23 µs");
  EXPECT_EQ(format_duration_ns(12345), "12.3 µs");
  EXPECT_EQ(format_duration_ns(123456), "123 µs");
  EXPECT_EQ(format_duration_ns(999960), "1.00 ms");
  EXPECT_EQ(format_duration_ns(12345678), "12.3 ms");
  EXPECT_EQ(format_duration_ns(2.5e9), "2.50 s");
  EXPECT_EQ(format_duration_ns(3600e9), "3600 s");
  EXPECT_EQ(format_duration_ns(-1), "-");
  EXPECT_EQ(format_duration_ns(std::nan("")), "-");
}

TEST(FormatCount, Grouping) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1000), "1,000");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_count(18446744073709551615ull), "18,446,744,073,709,551,615");
}

TEST(DisplayWidth, CountsCodePoints) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("1.23 µs"), 7u);
  EXPECT_EQ(display_width(""), 0u);
}

json sample_report() {
  return json::parse(R"j({
    "pid": 4242,
    "stats_file": "/tmp/clrprobe-0/4242.stats",
    "probes": [
      {"id": 1, "selector": "MyApp.*::Get*",
       "methods": ["MyApp.Orders.Store::GetById(int32)", "MyApp.Orders.Store::GetAll()"],
       "calls": 1234567, "exceptions": 2, "cancelled": 7, "in_flight": 8,
       "latency_ns": {"p50": 1200, "p90": 3400.5, "p99": 12000, "max": 1020000},
       "refused": [{"method": "MyApp.Orders.Store::GetTail()", "reason": "unsupported_tail_call"}],
       "removed": false},
      {"id": 2, "selector": "Foo::Bar", "methods": [], "calls": 0, "exceptions": 0,
       "latency_ns": {"p50": 0, "p90": 0, "p99": 0, "max": 0}}
    ]})j");
}

TEST(ReportTable, ShowsProbesMethodsAndUnits) {
  std::string table = format_report_table(sample_report());
  EXPECT_CONTAINS(table, "clrprobe report for pid 4242: 2 probes");
  EXPECT_CONTAINS(table, "stats file: /tmp/clrprobe-0/4242.stats");
  EXPECT_CONTAINS(table, "ID  SELECTOR");
  EXPECT_CONTAINS(table, "CALLS  EXCEPTIONS  CANCELLED  IN FLIGHT  ");
  EXPECT_CONTAINS(table, "MyApp.*::Get*");
  EXPECT_CONTAINS(table, "1,234,567");
  EXPECT_CONTAINS(table, "1.20 µs");
  EXPECT_CONTAINS(table, "3.40 µs");
  EXPECT_CONTAINS(table, "12.0 µs");
  EXPECT_CONTAINS(table, "1.02 ms");
  EXPECT_CONTAINS(table, "      MyApp.Orders.Store::GetById(int32)\n");
  EXPECT_CONTAINS(table, "MyApp.Orders.Store::GetAll()");
  EXPECT_CONTAINS(table, "refused: MyApp.Orders.Store::GetTail() (unsupported_tail_call)");
  EXPECT_CONTAINS(table, "matched no method");
  EXPECT_NOT_CONTAINS(table, "removed");
  EXPECT_NOT_CONTAINS(table, "0 ns");  // no calls: latency shows "-"
}

TEST(ReportTable, ColumnsAreAligned) {
  std::string table = format_report_table(sample_report());
  // The header's CALLS column ends where each row's calls figure ends.
  std::istringstream lines(table);
  std::string line, header, row1, row2;
  while (std::getline(lines, line)) {
    if (line.find("SELECTOR") != std::string::npos) header = line;
    if (line.find("MyApp.*::Get*") != std::string::npos) row1 = line;
    if (line.find("Foo::Bar") != std::string::npos) row2 = line;
  }
  ASSERT_FALSE(header.empty());
  auto end_of = [](const std::string& s, const std::string& what) {
    return display_width(s.substr(0, s.find(what) + what.size()));
  };
  EXPECT_EQ(end_of(header, "CALLS"), end_of(row1, "1,234,567"));
  EXPECT_EQ(end_of(header, "EXCEPTIONS"), end_of(row1, "  2"));
  EXPECT_EQ(end_of(header, "CANCELLED"), end_of(row1, "  7"));
  EXPECT_EQ(end_of(header, "IN FLIGHT"), end_of(row1, "  8"));
  EXPECT_EQ(header.find("SELECTOR"), row2.find("Foo::Bar"));
  EXPECT_EQ(display_width(header), display_width(row1));  // MAX column ends together
}

TEST(ReportTable, ReportsOfOlderAgentsShowNoCancelledOrInFlight) {
  // Probe 2 of the sample has neither field: "-" (unknown), not 0.
  std::string table = format_report_table(sample_report());
  EXPECT_CONTAINS(table, " 2  Foo::Bar               0           0          -          -");
}

TEST(ReportTable, ToleratesMissingAndMistypedFields) {
  json report = json::parse(R"j({"probes": [
      {"selector": "A::B"},
      {"id": "x", "calls": "many", "latency_ns": {"p50": "fast"}, "methods": [{"name": "A::C()"}, 7]},
      "not an object",
      {"id": 3, "calls": 10.0, "exceptions": -1, "latency_ns": {"p50": 5, "max": null}, "pending": true}
    ]})j");
  std::string table = format_report_table(report);
  EXPECT_CONTAINS(table, "clrprobe report: 4 probes");
  EXPECT_CONTAINS(table, "#1  A::B");
  EXPECT_CONTAINS(table, "A::C()");
  EXPECT_CONTAINS(table, "10");
  EXPECT_CONTAINS(table, "5 ns");
  EXPECT_CONTAINS(table, "pending: not applied yet");
}

TEST(ReportTable, EmptyReports) {
  EXPECT_EQ(format_report_table(json::object()), "clrprobe report: 0 probes\n");
  EXPECT_EQ(format_report_table(json::parse(R"j({"pid": 1, "probes": []})j")),
            "clrprobe report for pid 1: 0 probes\n");
  EXPECT_EQ(format_report_table(json::parse(R"j({"probes": {}})j")), "clrprobe report: 0 probes\n");
}

TEST(ReportTable, LimitsMethodList) {
  json probe = {{"id", 1}, {"selector", "*::*"}, {"methods", json::array()}};
  for (int i = 0; i < 25; ++i) probe["methods"].push_back("T::M" + std::to_string(i) + "()");
  json report = {{"probes", json::array({probe})}};
  std::string limited = format_report_table(report);
  EXPECT_CONTAINS(limited, "T::M19()");
  EXPECT_NOT_CONTAINS(limited, "T::M20()");
  EXPECT_CONTAINS(limited, "... and 5 more methods (--all-methods lists them)");
  TableOptions all;
  all.max_methods.reset();
  std::string full = format_report_table(report, all);
  EXPECT_CONTAINS(full, "T::M24()");
  EXPECT_NOT_CONTAINS(full, "more method");
  TableOptions one;
  one.max_methods = 24;
  EXPECT_CONTAINS(format_report_table(report, one), "... and 1 more method (");
}

TEST(ReportTable, RemovedProbe) {
  json report = json::parse(R"j({"probes": [{"id": 1, "selector": "A::B", "removed": true,
                                            "methods": ["A::B()"]}]})j");
  EXPECT_CONTAINS(format_report_table(report), "removed");
}

class ReportFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "clrprobe_report_test_" + std::to_string(::getpid()) + ".json";
  }
  void TearDown() override { std::remove(path_.c_str()); }
  void write(const std::string& text) { std::ofstream(path_) << text; }
  std::string path_;
};

TEST_F(ReportFile, LoadsValidReport) {
  write(sample_report().dump());
  auto r = load_report(path_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["pid"], 4242);
}

TEST_F(ReportFile, MissingFile) {
  auto r = load_report(path_ + ".nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::Io);
  EXPECT_CONTAINS(r.error().message, "cannot read report");
  EXPECT_CONTAINS(r.error().message, "No such file");
}

TEST_F(ReportFile, InvalidJson) {
  write("{\"pid\": 1,");
  auto r = load_report(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::InvalidInput);
  EXPECT_CONTAINS(r.error().message, "is not valid JSON");
}

TEST_F(ReportFile, EmptyAndNonObject) {
  write("");
  EXPECT_CONTAINS(load_report(path_).error().message, "is empty");
  write("[1,2]");
  EXPECT_CONTAINS(load_report(path_).error().message, "is not a JSON object");
}

}  // namespace
}  // namespace clrprobe::cli
