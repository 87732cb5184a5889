// Table rendering shared by the commands (src/cli/text_table.h, report_table.h).
#include "cli/text_table.h"

#include <gtest/gtest.h>

#include "cli/report_table.h"

namespace clrprobe::cli {
namespace {

TEST(TextTable, AlignsColumnsAndIndentsNotes) {
  TextTable table({{"ID", Align::Right}, {"NAME", Align::Left}, {"CALLS", Align::Right}});
  table.add_row({"1", "alpha", "1,234"}, {"note one"});
  table.add_row({"12", "b", "5"});
  EXPECT_EQ(table.render(),
            "ID  NAME   CALLS\n"
            " 1  alpha  1,234\n"
            "      note one\n"
            "12  b          5\n");
}

TEST(TextTable, ShrinksOnlyShrinkableColumnsToFit) {
  TextTable table({{"ID", Align::Right}, {"SELECTOR", Align::Left, true}, {"CALLS", Align::Right}});
  table.add_row({"1", "MyApp.Orders.Processing.Queue::ProcessEverything", "10"});
  std::string out = table.render(30);
  for (std::size_t pos = 0; pos < out.size();) {
    std::size_t end = out.find('\n', pos);
    EXPECT_LE(display_width(out.substr(pos, end - pos)), 30u) << out;
    pos = end + 1;
  }
  EXPECT_NE(out.find("MyApp.Ord"), std::string::npos) << out;
  EXPECT_NE(out.find("…"), std::string::npos) << out;
  EXPECT_NE(out.find("verything"), std::string::npos) << out;
}

TEST(TextTable, ShortenMiddleKeepsBothEnds) {
  EXPECT_EQ(shorten_middle("abcdefghij", 20), "abcdefghij");
  EXPECT_EQ(shorten_middle("abcdefghij", 5), "ab…ij");
  EXPECT_EQ(shorten_middle("abcdefghij", 6), "abc…ij");
  EXPECT_EQ(shorten_middle("abcdefghij", 1), "…");
  EXPECT_EQ(display_width(shorten_middle("µµµµµµµµµµ", 4)), 4u);
}

TEST(ReportTable, StateColumnAndHeading) {
  nlohmann::json report = {{"pid", 5},
                           {"probes",
                            {{{"id", 1}, {"selector", "A::B"}, {"state", "removed"}, {"methods", {"A::B()"}},
                              {"calls", 3}, {"exceptions", 0}, {"cancelled", 1}, {"in_flight", 2},
                              {"latency_ns", {{"p50", 1500.0}, {"p90", 2000.0}, {"p99", 2000.0}, {"max", 2000.0}}}}}}};
  TableOptions options;
  options.state_column = true;
  options.heading = "custom heading";
  std::string out = format_report_table(report, options);
  EXPECT_EQ(out.rfind("custom heading\n", 0), 0u) << out;
  EXPECT_NE(out.find("ID  STATE    SELECTOR  CALLS  EXCEPTIONS  CANCELLED  IN FLIGHT      P50      P90      P99      MAX"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(" 1  removed  A::B          3           0          1          2  1.50 µs  2.00 µs  2.00 µs  2.00 µs"),
            std::string::npos)
      << out;
  // Without the column, the state is a note (as in run reports).
  out = format_report_table(report);
  EXPECT_NE(out.find("clrprobe report for pid 5: 1 probe\n"), std::string::npos) << out;
  EXPECT_NE(out.find("    removed\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace clrprobe::cli
