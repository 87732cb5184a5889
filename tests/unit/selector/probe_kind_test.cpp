#include "selector/probe_kind.h"

#include <gtest/gtest.h>

namespace clrprobe::selector {
namespace {

TEST(ProbeKind, KindFlagsDefaultToFullAndSampledToOneIn64) {
  auto none = make_kind_spec(std::nullopt, std::nullopt);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->kind, ProbeKind::Full);
  auto sampled = make_kind_spec("sampled", std::nullopt);
  ASSERT_TRUE(sampled.ok());
  EXPECT_EQ(sampled->sample, 64u);
  auto one = make_kind_spec("sampled", 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->sample, 1u);
  EXPECT_EQ(make_kind_spec("count", std::nullopt)->kind, ProbeKind::Count);
}

TEST(ProbeKind, BadKindOrSampleIsRefusedWithAClearMessage) {
  auto unknown = make_kind_spec("quick", std::nullopt);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("count, sampled or full"), std::string::npos);
  auto zero = make_kind_spec("sampled", 0);
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.error().message.find("between 1 and"), std::string::npos);
  EXPECT_FALSE(make_kind_spec("sampled", -2).ok());
  EXPECT_FALSE(make_kind_spec("sampled", int64_t{kMaxSample} + 1).ok());
  auto without_sampled = make_kind_spec("count", 8);
  ASSERT_FALSE(without_sampled.ok());
  EXPECT_NE(without_sampled.error().message.find("needs kind sampled"), std::string::npos);
  EXPECT_FALSE(make_kind_spec(std::nullopt, 8).ok());
}

TEST(ProbeKind, DeclaredProbeTakesTrailingKindWordsAndKeepsTheSelector) {
  auto p = parse_declared_probe("  MyApp.*::Get*   kind=sampled  sample=16 ");
  ASSERT_TRUE(p.ok()) << p.error().describe();
  EXPECT_EQ(p->selector.text(), "MyApp.*::Get*");
  EXPECT_TRUE(p->kind_given);
  EXPECT_EQ(p->kind.kind, ProbeKind::Sampled);
  EXPECT_EQ(p->kind.sample, 16u);
  EXPECT_EQ(p->text(), "MyApp.*::Get* kind=sampled sample=16");

  auto plain = parse_declared_probe("MyApp.*::Get*");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->kind_given);
  EXPECT_EQ(plain->text(), "MyApp.*::Get*");
}

TEST(ProbeKind, DeclaredListSplitsOnSemicolonsEachWithItsOwnKind) {
  auto list = parse_declared_list("A.B::C kind=count; D.E::F ;G.H::I kind=sampled");
  ASSERT_TRUE(list.ok()) << list.error().describe();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].kind.kind, ProbeKind::Count);
  EXPECT_EQ((*list)[1].kind.kind, ProbeKind::Full);
  EXPECT_EQ((*list)[2].kind.kind, ProbeKind::Sampled);
  EXPECT_EQ(join_declared_texts(*list), "A.B::C kind=count;D.E::F;G.H::I kind=sampled sample=64");
  auto again = parse_declared_list(join_declared_texts(*list));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(join_declared_texts(*again), join_declared_texts(*list));

  auto bad = parse_declared_list("A.B::C; D.E::F kind=slow");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("selector 2 of 2"), std::string::npos);
}

}  // namespace
}  // namespace clrprobe::selector
