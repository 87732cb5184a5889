#include <gtest/gtest.h>

#include "selector/selector.h"

namespace clrprobe::selector {
namespace {

Selector sel(std::string_view text) {
  auto r = Selector::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : Selector::parse("NoSuch::Thing").value();
}

struct Method {
  std::string assembly = "MyApp";
  std::string type = "MyApp.Orders.Store";
  std::string name = "GetById";
  std::vector<std::string> params;
  bool params_known = true;
  std::uint32_t arity = 0;

  MethodIdentity id() const {
    return MethodIdentity{assembly, type, name, params_known ? &params : nullptr, arity};
  }
};

bool matches(std::string_view selector, const Method& m) { return sel(selector).matches(m.id()); }

TEST(SelectorMatch, ExactName) {
  Method m;
  EXPECT_TRUE(matches("MyApp.Orders.Store::GetById", m));
  EXPECT_FALSE(matches("MyApp.Orders.Store::GetByID", m));
  EXPECT_FALSE(matches("MyApp.Orders.Stor::GetById", m));
  EXPECT_FALSE(matches("Orders.Store::GetById", m));
  EXPECT_FALSE(matches("MyApp.Orders.Store::GetByIdAsync", m));
}

TEST(SelectorMatch, WildcardsSpanDots) {
  Method m;
  EXPECT_TRUE(matches("MyApp.*::Get*", m));
  EXPECT_TRUE(matches("*::*", m));
  EXPECT_TRUE(matches("*.Store::*ById", m));
  EXPECT_TRUE(matches("MyApp*Store::GetById", m));
  EXPECT_TRUE(matches("*Orders*::*", m));
  EXPECT_FALSE(matches("MyApp.*::Set*", m));
  EXPECT_FALSE(matches("Other.*::*", m));
  m.type = "MyApp.Orders.Store+Cache";
  EXPECT_TRUE(matches("MyApp.*::Get*", m));  // '*' spans '+' too
}

TEST(SelectorMatch, PreFilters) {
  Selector s = sel("MyApp!MyApp.*::Get*");
  EXPECT_TRUE(s.matches_assembly("MyApp"));
  EXPECT_TRUE(s.matches_assembly("myapp"));  // assembly names are case-insensitive
  EXPECT_FALSE(s.matches_assembly("MyApp.Tests"));
  EXPECT_TRUE(s.matches_type("MyApp.Orders.Store"));
  EXPECT_FALSE(s.matches_type("Other.Store"));
  EXPECT_FALSE(s.matches_type("myapp.Orders.Store"));  // type names are case-sensitive
  Method m;
  EXPECT_TRUE(s.matches_method(m.id()));
  m.name = "Set";
  EXPECT_FALSE(s.matches_method(m.id()));
  // No assembly part: every assembly.
  EXPECT_TRUE(sel("A::B").matches_assembly("Anything"));
}

TEST(SelectorMatch, AssemblyPatterns) {
  Method m;
  m.assembly = "System.Private.CoreLib";
  m.type = "System.String";
  m.name = "Concat";
  EXPECT_TRUE(matches("System.*!System.String::Concat", m));
  EXPECT_TRUE(matches("system.private.corelib.dll!System.String::Concat", m));
  EXPECT_FALSE(matches("MyApp!System.String::Concat", m));
}

TEST(SelectorMatch, NestedTypes) {
  Method m;
  m.type = "MyApp.Outer+Inner";
  m.name = "Run";
  EXPECT_TRUE(matches("MyApp.Outer+Inner::Run", m));
  EXPECT_TRUE(matches("MyApp.Outer+*::Run", m));
  EXPECT_TRUE(matches("*+Inner::Run", m));
  EXPECT_FALSE(matches("MyApp.Outer.Inner::Run", m));
  EXPECT_FALSE(matches("MyApp.Outer::Run", m));
  m.type = "MyApp.Outer+<>c";
  m.name = "<Run>b__0_0";
  EXPECT_TRUE(matches("MyApp.Outer+<>c::<Run>b__*", m));
}

TEST(SelectorMatch, GenericTypesMatchWithAndWithoutArity) {
  Method m;
  m.assembly = "System.Private.CoreLib";
  m.type = "System.Collections.Generic.List`1";
  m.name = "Add";
  EXPECT_TRUE(matches("System.Collections.Generic.List::Add", m));
  EXPECT_TRUE(matches("System.Collections.Generic.List`1::Add", m));
  EXPECT_TRUE(matches("System.Collections.Generic.List<1>::Add", m));
  EXPECT_TRUE(matches("*.List::Add", m));
  EXPECT_TRUE(matches("*.List*::Add", m));
  EXPECT_FALSE(matches("System.Collections.Generic.List`2::Add", m));
  EXPECT_FALSE(matches("System.Collections.Generic.List<2>::Add", m));

  m.type = "System.Collections.Generic.Dictionary`2+Enumerator";
  m.name = "MoveNext";
  EXPECT_TRUE(matches("System.Collections.Generic.Dictionary+Enumerator::MoveNext", m));
  EXPECT_TRUE(matches("System.Collections.Generic.Dictionary`2+Enumerator::MoveNext", m));
  EXPECT_TRUE(matches("*Dictionary+Enumerator::MoveNext", m));
  EXPECT_FALSE(matches("System.Collections.Generic.Dictionary`1+Enumerator::MoveNext", m));

  m.type = "Ns.Outer`1+Inner`2";
  m.name = "M";
  EXPECT_TRUE(matches("Ns.Outer+Inner::M", m));
  EXPECT_TRUE(matches("Ns.Outer<1>+Inner<2>::M", m));
  EXPECT_FALSE(matches("Ns.Outer`1+Inner::M", m));  // with a backtick: full name only
}

TEST(SelectorMatch, NonGenericTypeDoesNotMatchArityPattern) {
  Method m;
  m.type = "Ns.List";
  m.name = "Add";
  EXPECT_TRUE(matches("Ns.List::Add", m));
  EXPECT_FALSE(matches("Ns.List`1::Add", m));
}

TEST(SelectorMatch, GenericMethods) {
  Method m;
  m.type = "MyApp.Mapper";
  m.name = "Convert";
  m.arity = 2;
  EXPECT_TRUE(matches("MyApp.Mapper::Convert", m));  // any arity
  EXPECT_TRUE(matches("MyApp.Mapper::Convert`2", m));
  EXPECT_TRUE(matches("MyApp.Mapper::Convert<2>", m));
  EXPECT_TRUE(matches("MyApp.Mapper::Conv*`2", m));
  EXPECT_FALSE(matches("MyApp.Mapper::Convert`1", m));
  m.arity = 0;
  EXPECT_TRUE(matches("MyApp.Mapper::Convert", m));
  EXPECT_FALSE(matches("MyApp.Mapper::Convert`2", m));
}

TEST(SelectorMatch, ParameterLists) {
  Method m;
  m.params = {"int32", "string"};
  EXPECT_TRUE(matches("MyApp.Orders.Store::GetById", m));  // any overload
  EXPECT_TRUE(matches("MyApp.Orders.Store::GetById(int32,string)", m));
  EXPECT_TRUE(matches("MyApp.Orders.Store::GetById(int, string)", m));
  EXPECT_TRUE(matches("MyApp.Orders.Store::GetById(System.Int32,System.String)", m));
  EXPECT_TRUE(matches("MyApp.Orders.Store::GetById(*,*)", m));
  EXPECT_TRUE(matches("MyApp.Orders.Store::GetById(int*,str*)", m));
  EXPECT_FALSE(matches("MyApp.Orders.Store::GetById(int32)", m));
  EXPECT_FALSE(matches("MyApp.Orders.Store::GetById(int32,string,int32)", m));
  EXPECT_FALSE(matches("MyApp.Orders.Store::GetById(string,int32)", m));
  EXPECT_FALSE(matches("MyApp.Orders.Store::GetById(long,string)", m));
  EXPECT_FALSE(matches("MyApp.Orders.Store::GetById()", m));
  EXPECT_FALSE(matches("MyApp.Orders.Store::GetById(*)", m));

  m.params = {};
  EXPECT_TRUE(matches("MyApp.Orders.Store::GetById()", m));
  EXPECT_FALSE(matches("MyApp.Orders.Store::GetById(*)", m));
}

TEST(SelectorMatch, ParameterAliasesAndComposites) {
  Method m;
  m.params = {"int64", "uint8[]", "native int", "float64&", "System.Decimal", "char"};
  EXPECT_TRUE(matches("*::GetById(long,byte[],nint,double&,decimal,char)", m));
  EXPECT_TRUE(matches("*::GetById(System.Int64,System.Byte[],System.IntPtr,System.Double&,System.Decimal,System.Char)", m));
  EXPECT_TRUE(matches("*::GetById(int64,uint8[],native int,float64&,System.Decimal,char)", m));
  EXPECT_FALSE(matches("*::GetById(int,byte[],nint,double&,decimal,char)", m));

  m.params = {"System.Collections.Generic.Dictionary`2<string,System.Collections.Generic.List`1<int32>>"};
  EXPECT_TRUE(matches("*::GetById(System.Collections.Generic.Dictionary`2<string,System.Collections.Generic.List`1<int>>)", m));
  EXPECT_TRUE(matches("*::GetById(System.Collections.Generic.Dictionary<string,System.Collections.Generic.List<int>>)", m));
  EXPECT_TRUE(matches("*::GetById(*Dictionary<string,*List<int>>)", m));
  EXPECT_TRUE(matches("*::GetById(System.Collections.Generic.*)", m));
  EXPECT_FALSE(matches("*::GetById(System.Collections.Generic.Dictionary<string,System.Collections.Generic.List<long>>)", m));

  m.params = {"!0", "!!0", "int32[,]", "uint16*"};
  EXPECT_TRUE(matches("*::GetById(!0,!!0,int[,],uint16*)", m));
  EXPECT_FALSE(matches("*::GetById(!!0,!0,int[,],uint16*)", m));
  // An alias next to '*' is a glob, not translated: "ushort*" does not match
  // uint16*, "uint*" matches every uint type (pointers included).
  EXPECT_FALSE(matches("*::GetById(!0,!!0,int[,],ushort*)", m));
  EXPECT_TRUE(matches("*::GetById(!0,!!0,int[,],uint*)", m));
}

TEST(SelectorMatch, ParamsNeededButNotComputed) {
  Method m;
  m.params_known = false;
  EXPECT_TRUE(matches("MyApp.Orders.Store::GetById", m));
  EXPECT_FALSE(matches("MyApp.Orders.Store::GetById()", m));
  EXPECT_FALSE(matches("re:GetById", m));
}

TEST(SelectorMatch, RegexOverFullIdentity) {
  Method m;
  m.params = {"int32", "string"};
  Selector s = sel("re:^MyApp!MyApp\\.Orders\\..*::Get(ById|All)\\(int32,");
  EXPECT_TRUE(s.matches_assembly("Other"));  // cannot pre-filter
  EXPECT_TRUE(s.matches_type("Other.Type"));
  EXPECT_TRUE(s.matches_method(m.id()));
  EXPECT_TRUE(s.matches(m.id()));
  m.name = "GetAll";
  EXPECT_TRUE(s.matches(m.id()));
  m.name = "Set";
  EXPECT_FALSE(s.matches(m.id()));
  m.name = "GetById";
  m.assembly = "Other";
  EXPECT_FALSE(s.matches(m.id()));

  // Unanchored search.
  EXPECT_TRUE(matches("re:Store::Get", Method{}));
  EXPECT_TRUE(matches("re:\\(\\)$", Method{}));
  EXPECT_FALSE(matches("re:^Store", Method{}));
}

TEST(SelectorMatch, FormatMethodIdentity) {
  Method m;
  m.params = {"int32", "System.Collections.Generic.List`1<string>"};
  std::string out;
  format_method_identity(m.id(), out);
  EXPECT_EQ(out, "MyApp!MyApp.Orders.Store::GetById(int32,System.Collections.Generic.List`1<string>)");
  out.clear();
  format_method_identity(m.id(), out, /*with_assembly=*/false);
  EXPECT_EQ(out, "MyApp.Orders.Store::GetById(int32,System.Collections.Generic.List`1<string>)");
  m.params_known = false;
  out.clear();
  format_method_identity(m.id(), out);
  EXPECT_EQ(out, "MyApp!MyApp.Orders.Store::GetById");
}

TEST(SelectorMatch, LongNamesBeyondInlineBuffer) {
  Method m;
  m.type = "Ns." + std::string(3000, 'T') + "`1";
  EXPECT_TRUE(matches("Ns.*::GetById", m));
  EXPECT_TRUE(matches("Ns." + std::string(1000, 'T').substr(0, 10) + "*::GetById", m));
  Selector s = sel("*T::GetById");  // only matches with the arity stripped
  EXPECT_TRUE(s.matches(m.id()));
}

TEST(SelectorMatch, SelectorsAreCopyable) {
  Selector a = sel("re:Get");
  Selector b = a;
  Method m;
  EXPECT_TRUE(b.matches(m.id()));
  std::vector<Selector> v{a, b, sel("A::B")};
  EXPECT_EQ(v.size(), 3u);
}

}  // namespace
}  // namespace clrprobe::selector
