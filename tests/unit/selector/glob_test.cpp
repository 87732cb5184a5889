#include "selector/glob.h"

#include <gtest/gtest.h>

#include "selector/arity.h"

namespace clrprobe::selector {
namespace {

TEST(Glob, LiteralMatchesOnlyItself) {
  Glob g("MyApp.Store");
  EXPECT_TRUE(g.is_literal());
  EXPECT_TRUE(g.matches("MyApp.Store"));
  EXPECT_FALSE(g.matches("MyApp.Store2"));
  EXPECT_FALSE(g.matches("myapp.store"));
  EXPECT_FALSE(g.matches(""));
}

TEST(Glob, StarAloneMatchesEverything) {
  Glob g("*");
  EXPECT_TRUE(g.matches_everything());
  EXPECT_TRUE(g.matches(""));
  EXPECT_TRUE(g.matches("A.B+C`1"));
  EXPECT_TRUE(Glob("**").matches_everything());
}

TEST(Glob, StarSpansDots) {
  Glob g("MyApp.*");
  EXPECT_TRUE(g.matches("MyApp.Orders.Store"));
  EXPECT_TRUE(g.matches("MyApp."));
  EXPECT_FALSE(g.matches("MyApp"));
  EXPECT_FALSE(g.matches("MyAppX.Store"));
}

TEST(Glob, PrefixSuffixAndMiddle) {
  EXPECT_TRUE(Glob("Get*").matches("GetById"));
  EXPECT_TRUE(Glob("Get*").matches("Get"));
  EXPECT_FALSE(Glob("Get*").matches("TryGet"));
  EXPECT_TRUE(Glob("*Async").matches("SaveAsync"));
  EXPECT_FALSE(Glob("*Async").matches("AsyncSave"));
  EXPECT_TRUE(Glob("*Store*").matches("MyApp.Orders.StoreBase"));
  EXPECT_TRUE(Glob("a*b*c").matches("abc"));
  EXPECT_TRUE(Glob("a*b*c").matches("a.x.b.y.c"));
  EXPECT_FALSE(Glob("a*b*c").matches("a.x.c.y.b"));
  EXPECT_FALSE(Glob("a*a").matches("a"));
  EXPECT_TRUE(Glob("a*a").matches("aa"));
  EXPECT_TRUE(Glob("*ab*ab").matches("abab"));
  EXPECT_TRUE(Glob("*ab*ab").matches("xabyabab"));
  EXPECT_FALSE(Glob("*ab*ab").matches("ab"));
}

TEST(Glob, LeftmostMiddleChoiceIsCorrect) {
  // A naive greedy scan that consumed the suffix's 'c' would fail here.
  EXPECT_TRUE(Glob("*c*c").matches("cc"));
  EXPECT_TRUE(Glob("x*yz*yz").matches("xyzyzyz"));
  EXPECT_FALSE(Glob("x*yz*yzq").matches("xyzyz"));
}

TEST(Glob, CaseInsensitive) {
  Glob g("system.*", CaseSensitivity::AsciiInsensitive);
  EXPECT_TRUE(g.matches("System.Private.CoreLib"));
  EXPECT_TRUE(g.matches("SYSTEM.X"));
  EXPECT_FALSE(g.matches("Microsoft.X"));
  EXPECT_TRUE(Glob("*CORELIB", CaseSensitivity::AsciiInsensitive).matches("System.Private.CoreLib"));
  EXPECT_TRUE(Glob("*PRIVATE*", CaseSensitivity::AsciiInsensitive).matches("System.Private.CoreLib"));
}

TEST(Arity, StripsEverySuffix) {
  AritylessName a("Ns.Outer`1+Inner`2");
  EXPECT_TRUE(a.changed());
  EXPECT_EQ(a.view(), "Ns.Outer+Inner");
  AritylessName b("System.Collections.Generic.Dictionary`2<string,System.Collections.Generic.List`1<int32>>");
  EXPECT_EQ(b.view(), "System.Collections.Generic.Dictionary<string,System.Collections.Generic.List<int32>>");
  AritylessName c("Plain.Name");
  EXPECT_FALSE(c.changed());
  EXPECT_EQ(c.view(), "Plain.Name");
  AritylessName d("Odd`Name`");  // backtick not followed by digits stays
  EXPECT_FALSE(d.changed());
  EXPECT_EQ(d.view(), "Odd`Name`");
  AritylessName e("List`12");
  EXPECT_EQ(e.view(), "List");
}

TEST(Arity, LongNamesUseTheHeap) {
  std::string name(2000, 'a');
  name += "`1";
  AritylessName a(name);
  EXPECT_EQ(a.view(), std::string(2000, 'a'));
}

}  // namespace
}  // namespace clrprobe::selector
