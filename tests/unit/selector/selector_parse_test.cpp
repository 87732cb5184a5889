#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "selector/selector.h"

namespace clrprobe::selector {
namespace {

Selector parse_ok(std::string_view text) {
  auto r = Selector::parse(text);
  if (!r.ok()) {
    ADD_FAILURE() << "'" << text << "' failed: " << r.error().message;
    return Selector::parse("X::Y").value();
  }
  return std::move(r).value();
}

// Returns the error message; fails the test if parsing succeeds.
std::string parse_error(std::string_view text) {
  auto r = Selector::parse(text);
  if (r.ok()) {
    ADD_FAILURE() << "'" << text << "' unexpectedly parsed as " << r->describe();
    return {};
  }
  EXPECT_EQ(r.error().reason, Reason::InvalidInput);
  return r.error().message;
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "in: " << (haystack)

TEST(SelectorParse, TypeAndMethod) {
  Selector s = parse_ok("MyApp.Orders.Store::GetById");
  EXPECT_FALSE(s.is_regex());
  EXPECT_EQ(s.text(), "MyApp.Orders.Store::GetById");
  EXPECT_FALSE(s.has_assembly_filter());
  EXPECT_EQ(s.type_pattern(), "MyApp.Orders.Store");
  EXPECT_EQ(s.method_pattern(), "GetById");
  EXPECT_FALSE(s.method_arity().has_value());
  EXPECT_FALSE(s.param_patterns().has_value());
  EXPECT_FALSE(s.needs_param_types());
  EXPECT_EQ(s.describe(), "assembly=* type=MyApp.Orders.Store method=GetById params=any");
}

TEST(SelectorParse, TrimsSurroundingWhitespace) {
  Selector s = parse_ok("  \tA.B::C \n");
  EXPECT_EQ(s.text(), "A.B::C");
}

TEST(SelectorParse, Assembly) {
  Selector s = parse_ok("MyApp!MyApp.Store::Get");
  EXPECT_TRUE(s.has_assembly_filter());
  EXPECT_EQ(s.assembly_pattern(), "MyApp");
  EXPECT_EQ(s.type_pattern(), "MyApp.Store");
  EXPECT_EQ(parse_ok("MyApp.dll!A::B").assembly_pattern(), "MyApp");
  EXPECT_EQ(parse_ok("Tool.EXE!A::B").assembly_pattern(), "Tool");
  EXPECT_EQ(parse_ok("System.*!A::B").assembly_pattern(), "System.*");
}

TEST(SelectorParse, GlobalNamespaceAndSpecialNames) {
  EXPECT_EQ(parse_ok("Program::Main").type_pattern(), "Program");
  EXPECT_EQ(parse_ok("Program::<Main>$").method_pattern(), "<Main>$");
  EXPECT_EQ(parse_ok("A.B::.ctor").method_pattern(), ".ctor");
  EXPECT_EQ(parse_ok("A.B::.cctor").method_pattern(), ".cctor");
  EXPECT_EQ(parse_ok("A.B+<>c::<Run>b__0_0").type_pattern(), "A.B+<>c");
  EXPECT_EQ(parse_ok("Program::<Main>g__Local|0_0").method_pattern(), "<Main>g__Local|0_0");
  EXPECT_EQ(parse_ok("A.B::System.IDisposable.Dispose").method_pattern(),
            "System.IDisposable.Dispose");
  EXPECT_EQ(parse_ok("<PrivateImplementationDetails>::Compute").type_pattern(),
            "<PrivateImplementationDetails>");
  EXPECT_EQ(parse_ok("<Module>::Init").type_pattern(), "<Module>");
  EXPECT_EQ(parse_ok("Ns.Café::Näive").type_pattern(), "Ns.Café");
}

TEST(SelectorParse, Wildcards) {
  Selector s = parse_ok("*::*");
  EXPECT_EQ(s.type_pattern(), "*");
  EXPECT_EQ(s.method_pattern(), "*");
  EXPECT_EQ(parse_ok("MyApp.*::Get*").type_pattern(), "MyApp.*");
}

TEST(SelectorParse, NestedTypes) {
  EXPECT_EQ(parse_ok("Ns.Outer+Inner+Deep::M").type_pattern(), "Ns.Outer+Inner+Deep");
}

TEST(SelectorParse, GenericTypeSpellings) {
  EXPECT_EQ(parse_ok("System.Collections.Generic.List`1::Add").type_pattern(),
            "System.Collections.Generic.List`1");
  EXPECT_EQ(parse_ok("System.Collections.Generic.List<1>::Add").type_pattern(),
            "System.Collections.Generic.List`1");
  EXPECT_EQ(parse_ok("Ns.Outer<2>+Inner<1>::M").type_pattern(), "Ns.Outer`2+Inner`1");
  EXPECT_EQ(parse_ok("Ns.Dictionary`2+Enumerator::MoveNext").type_pattern(),
            "Ns.Dictionary`2+Enumerator");
}

TEST(SelectorParse, GenericMethodArity) {
  Selector a = parse_ok("A.B::Convert`2");
  EXPECT_EQ(a.method_pattern(), "Convert");
  ASSERT_TRUE(a.method_arity().has_value());
  EXPECT_EQ(*a.method_arity(), 2u);
  Selector b = parse_ok("A.B::Convert<1>");
  EXPECT_EQ(b.method_pattern(), "Convert");
  EXPECT_EQ(*b.method_arity(), 1u);
  Selector c = parse_ok("A.B::Get*`1(!!0)");
  EXPECT_EQ(c.method_pattern(), "Get*");
  EXPECT_EQ(*c.method_arity(), 1u);
  EXPECT_FALSE(parse_ok("A.B::Convert").method_arity().has_value());
}

TEST(SelectorParse, ParameterLists) {
  Selector none = parse_ok("A.B::C()");
  ASSERT_TRUE(none.param_patterns().has_value());
  EXPECT_TRUE(none.param_patterns()->empty());
  EXPECT_TRUE(none.needs_param_types());
  EXPECT_TRUE(parse_ok("A.B::C(  )").param_patterns()->empty());

  Selector two = parse_ok("A.B::C(int, string)");
  EXPECT_EQ(*two.param_patterns(), (std::vector<std::string>{"int32", "string"}));
  EXPECT_EQ(two.describe(), "assembly=* type=A.B method=C params=(int32,string)");

  Selector generic = parse_ok("A.B::C(System.Collections.Generic.Dictionary`2<string,int>, long[], native int)");
  EXPECT_EQ(*generic.param_patterns(),
            (std::vector<std::string>{"System.Collections.Generic.Dictionary`2<string,int32>",
                                      "int64[]", "native int"}));
  EXPECT_EQ(*parse_ok("A.B::C(int[,],*)").param_patterns(),
            (std::vector<std::string>{"int32[,]", "*"}));
  EXPECT_EQ(*parse_ok("A.B::C(!0,!!0,int&)").param_patterns(),
            (std::vector<std::string>{"!0", "!!0", "int32&"}));
}

TEST(SelectorParse, Regex) {
  Selector s = parse_ok("re:^MyApp!.*::Get(ById|All)\\(");
  EXPECT_TRUE(s.is_regex());
  EXPECT_TRUE(s.needs_param_types());
  EXPECT_EQ(s.describe(), "regex=^MyApp!.*::Get(ById|All)\\(");
}

TEST(SelectorParseErrors, Empty) {
  EXPECT_CONTAINS(parse_error(""), "empty");
  EXPECT_CONTAINS(parse_error("   "), "empty");
}

TEST(SelectorParseErrors, TooLong) {
  std::string ok = "A::" + std::string(kMaxSelectorLength - 3, 'm');
  parse_ok(ok);
  EXPECT_CONTAINS(parse_error(ok + "m"), "too long (1025 characters, at most 1024)");
}

TEST(SelectorParseErrors, MissingSeparator) {
  EXPECT_CONTAINS(parse_error("MyApp.Store.GetById"), "missing '::'");
  EXPECT_CONTAINS(parse_error("MyApp.Store:GetById"), "missing '::'");
  EXPECT_CONTAINS(parse_error("*"), "missing '::'");
  EXPECT_CONTAINS(parse_error("MyApp!Store"), "missing '::'");
}

TEST(SelectorParseErrors, EmptyParts) {
  EXPECT_CONTAINS(parse_error("::Get"), "empty type name before '::' at column 1");
  EXPECT_CONTAINS(parse_error("A.B::"), "empty method name after '::' at column 6");
  EXPECT_CONTAINS(parse_error("A.B::(int)"), "empty method name");
  EXPECT_CONTAINS(parse_error("!A::B"), "empty assembly name");
  EXPECT_CONTAINS(parse_error(".dll!A::B"), "empty assembly name");
  EXPECT_CONTAINS(parse_error("Asm!::B"), "empty type name");
  EXPECT_CONTAINS(parse_error("A.B::`2"), "empty method name before the generic arity");
}

TEST(SelectorParseErrors, EmptyTypeSegments) {
  EXPECT_CONTAINS(parse_error("MyApp..Store::Get"), "empty name segment in type 'MyApp..Store' at column 7");
  EXPECT_CONTAINS(parse_error(".Store::Get"), "empty name segment");
  EXPECT_CONTAINS(parse_error("Store.::Get"), "empty name segment");
  EXPECT_CONTAINS(parse_error("Outer+::Get"), "empty name segment");
  EXPECT_CONTAINS(parse_error("Outer++Inner::Get"), "empty name segment");
}

TEST(SelectorParseErrors, NamedGenericParameters) {
  EXPECT_CONTAINS(parse_error("System.Collections.Generic.List<T>::Add"),
                  "write 'System.Collections.Generic.List`N' or");
  EXPECT_CONTAINS(parse_error("A.B::Convert<TIn>"), "generic parameters are not named");
  EXPECT_CONTAINS(parse_error("A.B<>::C"), "generic parameters are not named");
  EXPECT_CONTAINS(parse_error("System.Collections.Generic.Dictionary<TKey,TValue>::Add"),
                  "unexpected ','");
}

TEST(SelectorParseErrors, InvalidCharacters) {
  EXPECT_CONTAINS(parse_error("My App.Store::Get"), "whitespace is only allowed inside the parameter list at column 3");
  EXPECT_CONTAINS(parse_error("A.B:: Get"), "whitespace");
  EXPECT_CONTAINS(parse_error("A.B::Get#"), "invalid character '#' at column 9");
  EXPECT_CONTAINS(parse_error("A.B::Get?"), "invalid character '?'");
  EXPECT_CONTAINS(parse_error("A.B::Ge\x01t"), "invalid character byte \\x01 at column 8");
  EXPECT_CONTAINS(parse_error("A.B:::Get"), "unexpected ':'");
  EXPECT_CONTAINS(parse_error("A!B!C::D"), "unexpected '!'");
  EXPECT_CONTAINS(parse_error("A.B::C!D"), "unexpected '!'");
  EXPECT_CONTAINS(parse_error("My+Asm!A::B"), "invalid character '+' at column 3");
  EXPECT_CONTAINS(parse_error("A.B::C;D.E::F"), "';' separates selectors");
}

TEST(SelectorParseErrors, Parentheses) {
  EXPECT_CONTAINS(parse_error("A.B::C(int"), "'(' is never closed at column 7");
  EXPECT_CONTAINS(parse_error("A.B::C)"), "')' without '(' at column 7");
  EXPECT_CONTAINS(parse_error("A.B::C)("), "')' without '('");
  EXPECT_CONTAINS(parse_error("A.B::C(int))"), "extra ')'");
  EXPECT_CONTAINS(parse_error("A.B::C((int))"), "nested parentheses");
  EXPECT_CONTAINS(parse_error("A.B::C(int)x"), "unexpected text after the parameter list");
  EXPECT_CONTAINS(parse_error("A.B(int)::C"), "unexpected text after the parameter list");
}

TEST(SelectorParseErrors, ParameterTypes) {
  EXPECT_CONTAINS(parse_error("A.B::C(int,)"), "empty parameter type (parameter 2)");
  EXPECT_CONTAINS(parse_error("A.B::C(,int)"), "empty parameter type (parameter 1) at column 8");
  EXPECT_CONTAINS(parse_error("A.B::C(int,,int)"), "empty parameter type (parameter 2)");
  EXPECT_CONTAINS(parse_error("A.B::C(List<int)"), "unbalanced '<'");
  EXPECT_CONTAINS(parse_error("A.B::C(int string)"), "separate parameters with ','");
  EXPECT_CONTAINS(parse_error("A.B::C(int, int?)"), "invalid character '?'");
  EXPECT_CONTAINS(parse_error("A.B::C(int, int?)"), "(parameter 2)");
}

TEST(SelectorParseErrors, BadGenericArity) {
  EXPECT_CONTAINS(parse_error("A.B::C`99999999999"), "too large");
  EXPECT_CONTAINS(parse_error("A.B::C`65536"), "too large");
  parse_ok("A.B::C`65535");
}

TEST(SelectorParseErrors, Regex) {
  EXPECT_CONTAINS(parse_error("re:"), "empty regex");
  EXPECT_CONTAINS(parse_error("re:  "), "empty regex");
  EXPECT_CONTAINS(parse_error("re:Get(ById"), "invalid regex");
  EXPECT_CONTAINS(parse_error("re:[a-"), "invalid regex");
  EXPECT_CONTAINS(parse_error("re:a{2,1}"), "invalid regex");
}

TEST(SelectorParseErrors, MessageQuotesSelector) {
  EXPECT_CONTAINS(parse_error("A.B::C(int"), "invalid selector 'A.B::C(int': ");
}

TEST(SelectorList, SplitsTrimsAndSkipsEmpty) {
  auto r = parse_selector_list(" A.B::C ;; ;D!E::F(int) ;");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].text(), "A.B::C");
  EXPECT_EQ((*r)[1].text(), "D!E::F(int)");
  EXPECT_EQ(join_selector_texts(*r), "A.B::C;D!E::F(int)");
}

TEST(SelectorList, EmptyTextGivesNoSelectors) {
  for (const char* text : {"", " ", ";", " ; ;"}) {
    auto r = parse_selector_list(text);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->empty());
  }
}

TEST(SelectorList, ErrorNamesTheEntry) {
  auto r = parse_selector_list("A.B::C;;Broken;D::E");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::InvalidInput);
  EXPECT_CONTAINS(r.error().message, "selector 2 of 3: invalid selector 'Broken': missing '::'");
}

TEST(SelectorList, SingleEntryErrorIsNotNumbered) {
  auto r = parse_selector_list(" Broken ; ");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("invalid selector 'Broken': missing '::'", 0), 0u)
      << r.error().message;
}

TEST(SelectorList, RegexEntries) {
  auto r = parse_selector_list("re:^App!;A::B");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_TRUE((*r)[0].is_regex());
}

// Regression cases found by fuzz/selector_fuzz (inputs kept in
// fuzz/corpus/selector_fuzz/). The ASan build (scripts/hardening.sh) turns an
// out-of-bounds read here into a failure.
TEST(SelectorFuzzRegressions, RegexEndingInParenthesisFromUnterminatedView) {
  // libstdc++'s regex scanner peeks past a trailing '(' for "(?": the
  // selector must not hand it a view that ends at the edge of its buffer.
  using namespace std::string_view_literals;
  const std::string_view text = " re:^M\0MyApp.dll!MyApp.Orders.Store::d\0\0\0("sv;
  for (std::string_view t : {text, std::string_view("re:abc(")}) {
    auto exact = std::make_unique<char[]>(t.size());  // no terminator after the text
    std::copy(t.begin(), t.end(), exact.get());
    auto r = Selector::parse(std::string_view(exact.get(), t.size()));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("invalid regex"), std::string::npos) << r.error().message;
  }
}

TEST(SelectorFuzzRegressions, NestedQuantifierRegexMatchesInPolynomialTime) {
  // ".+*" made the backtracking executor take exponential time on an
  // ordinary identity: the agent's matching thread would hang.
  auto s = Selector::parse(R"(re:^MyApp!.+*::Get.*\(int32\)$)");
  ASSERT_TRUE(s.ok()) << s.error().message;
  const std::vector<std::string> params{"int32", "string"};
  const MethodIdentity m{"MyApp", "MyApp.Orders.Store", "GetById", &params, 0};
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(s->matches(m));
  auto deep = Selector::parse("re:(a|b|.)*(a*)*(x+x+)+y");
  ASSERT_TRUE(deep.ok()) << deep.error().message;
  const std::string long_name(900, 'a');
  const MethodIdentity big{"A", "B", long_name, &params, 0};
  EXPECT_FALSE(deep->matches(big));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SelectorFuzzRegressions, BackReferencesAreRefused) {
  auto r = Selector::parse(R"(re:(Get)\1)");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("invalid regex"), std::string::npos) << r.error().message;
}

TEST(SelectorFuzzRegressions, HugeRegexCountsAreRefusedBeforeCompiling) {
  // libstdc++ multiplies these digits up in a long without an overflow
  // check (UBSan: signed integer overflow); refuse them first.
  for (const char* text : {R"(re:a\5555555555555555555555555)", "re:a{99999999999999999999}",
                           "re:a{1,99999999999999999999}"}) {
    auto r = Selector::parse(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().message.find("more than 9 digits"), std::string::npos) << r.error().message;
  }
  // Long digit runs elsewhere are ordinary characters.
  EXPECT_TRUE(Selector::parse("re:Get12345678901234567890").ok());
  EXPECT_TRUE(Selector::parse("re:a{2,3}").ok());
}

}  // namespace
}  // namespace clrprobe::selector
