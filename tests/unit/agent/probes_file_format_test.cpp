#include "agent/probes_file_format.h"

#include <gtest/gtest.h>

#include <string>

namespace clrprobe::agent {
namespace {

std::vector<std::string> texts(const std::vector<selector::DeclaredProbe>& selectors) {
  std::vector<std::string> out;
  for (const auto& s : selectors) out.push_back(s.text());
  return out;
}

TEST(ProbesFileFormat, OneSelectorPerLineWithBlankLinesAndCommentsIgnored) {
  auto parsed = parse_probes_file("# checkout path\nShop.Cart::Add\n\n   \n#Shop.Cart::Remove\nShop!Shop.Pay::*\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  EXPECT_EQ(texts(*parsed), (std::vector<std::string>{"Shop.Cart::Add", "Shop!Shop.Pay::*"}));
}

TEST(ProbesFileFormat, AnEmptyFileHasNoProbes) {
  auto parsed = parse_probes_file("");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->empty());
}

TEST(ProbesFileFormat, WindowsLineEndingsTabsAndSpacesAroundASelectorAreTrimmed) {
  auto parsed = parse_probes_file("  Shop.Cart::Add\t\r\n\tShop.Cart::Remove \r\nShop.Cart::Clear");
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  EXPECT_EQ(texts(*parsed), (std::vector<std::string>{"Shop.Cart::Add", "Shop.Cart::Remove", "Shop.Cart::Clear"}));
}

TEST(ProbesFileFormat, ADuplicateSelectorCountsOnceInFirstPosition) {
  auto parsed = parse_probes_file("A.B::C\nD.E::F\nA.B::C\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(texts(*parsed), (std::vector<std::string>{"A.B::C", "D.E::F"}));
}

TEST(ProbesFileFormat, ABadLineFailsTheWholeFileAndNamesItsLineNumber) {
  auto parsed = parse_probes_file("A.B::C\n# fine\nno-double-colon\nD.E::F\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().reason, Reason::InvalidInput);
  EXPECT_EQ(parsed.error().message.rfind("line 3: ", 0), 0u) << parsed.error().message;
}

TEST(ProbesFileFormat, AFileOverOneMegabyteIsRefusedWhateverItHolds) {
  std::string big(1 << 20, '#');
  big += "\n";
  auto parsed = parse_probes_file(big);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("larger than"), std::string::npos) << parsed.error().message;
  // Exactly one megabyte of comments is still a file.
  EXPECT_TRUE(parse_probes_file(std::string(1 << 20, '#')).ok());
}

TEST(ProbesFileFormat, MoreThanTenThousandDistinctProbesAreRefused) {
  std::string ten_thousand;
  for (int i = 0; i < 10000; ++i) ten_thousand += "N.T::M" + std::to_string(i) + "\n";
  auto at_limit = parse_probes_file(ten_thousand);
  ASSERT_TRUE(at_limit.ok()) << at_limit.error().describe();
  EXPECT_EQ(at_limit->size(), 10000u);
  // Duplicates do not count towards the limit; one more distinct selector does.
  EXPECT_TRUE(parse_probes_file(ten_thousand + "N.T::M0\n").ok());
  auto over = parse_probes_file(ten_thousand + "N.T::Extra\n");
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.error().message.find("more than 10000 probes"), std::string::npos) << over.error().message;
}

TEST(ProbesFileFormat, AKindSuffixGivesTheProbeItsKindAndSampleRate) {
  auto parsed = parse_probes_file(
      "Shop.Cart::Add kind=count\nShop.Cart::Remove kind=sampled sample=16\n"
      "Shop.Cart::Clear sample=8 kind=sampled\nShop.Cart::List\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  ASSERT_EQ(parsed->size(), 4u);
  EXPECT_EQ((*parsed)[0].kind.kind, selector::ProbeKind::Count);
  EXPECT_EQ((*parsed)[1].kind.kind, selector::ProbeKind::Sampled);
  EXPECT_EQ((*parsed)[1].kind.sample, 16u);
  EXPECT_EQ((*parsed)[2].kind.sample, 8u);
  EXPECT_EQ((*parsed)[3].kind.kind, selector::ProbeKind::Full);
  EXPECT_EQ(texts(*parsed),
            (std::vector<std::string>{"Shop.Cart::Add kind=count", "Shop.Cart::Remove kind=sampled sample=16",
                                      "Shop.Cart::Clear kind=sampled sample=8", "Shop.Cart::List"}));
}

TEST(ProbesFileFormat, TheSameSelectorWithAnotherKindIsAnotherProbe) {
  auto parsed = parse_probes_file("A.B::C\nA.B::C kind=count\nA.B::C kind=count\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  EXPECT_EQ(texts(*parsed), (std::vector<std::string>{"A.B::C", "A.B::C kind=count"}));
}

TEST(ProbesFileFormat, ABadKindOrSampleFailsTheFileNamingTheLine) {
  for (const char* bad :
       {"A.B::C kind=fast", "A.B::C kind=sampled sample=0", "A.B::C kind=sampled sample=x",
        "A.B::C kind=count sample=4", "A.B::C kind=count kind=full", "A.B::C sample=-3 kind=sampled"}) {
    auto parsed = parse_probes_file(std::string("X.Y::Z\n") + bad + "\n");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().message.find("line 2"), std::string::npos) << parsed.error().message;
  }
}

}  // namespace
}  // namespace clrprobe::agent
