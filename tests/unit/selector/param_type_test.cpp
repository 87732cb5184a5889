#include <gtest/gtest.h>

#include "selector/selector.h"

namespace clrprobe::selector {
namespace {

std::string canon(std::string_view text) {
  auto r = canonicalize_param_pattern(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : std::string();
}

std::string canon_error(std::string_view text) {
  auto r = canonicalize_param_pattern(text);
  EXPECT_FALSE(r.ok()) << text << " unexpectedly gave " << (r.ok() ? r.value() : "");
  return r.ok() ? std::string() : r.error().message;
}

TEST(ParamType, CanonicalNamesStay) {
  for (const char* name : {"void", "bool", "char", "int8", "uint8", "int16", "uint16", "int32",
                           "uint32", "int64", "uint64", "float32", "float64", "native int",
                           "native uint", "string", "object", "typedref", "!0", "!!1",
                           "System.Collections.Generic.List`1<int32>", "int32[]", "int32[,]",
                           "int32&", "int32*", "Ns.Outer+Inner"}) {
    EXPECT_EQ(canon(name), name);
  }
}

TEST(ParamType, CSharpAliases) {
  EXPECT_EQ(canon("int"), "int32");
  EXPECT_EQ(canon("long"), "int64");
  EXPECT_EQ(canon("short"), "int16");
  EXPECT_EQ(canon("byte"), "uint8");
  EXPECT_EQ(canon("sbyte"), "int8");
  EXPECT_EQ(canon("ushort"), "uint16");
  EXPECT_EQ(canon("uint"), "uint32");
  EXPECT_EQ(canon("ulong"), "uint64");
  EXPECT_EQ(canon("float"), "float32");
  EXPECT_EQ(canon("double"), "float64");
  EXPECT_EQ(canon("nint"), "native int");
  EXPECT_EQ(canon("nuint"), "native uint");
  EXPECT_EQ(canon("decimal"), "System.Decimal");
  EXPECT_EQ(canon("bool"), "bool");
  EXPECT_EQ(canon("char"), "char");
  EXPECT_EQ(canon("string"), "string");
  EXPECT_EQ(canon("object"), "object");
}

TEST(ParamType, BclNames) {
  EXPECT_EQ(canon("System.Int32"), "int32");
  EXPECT_EQ(canon("System.String"), "string");
  EXPECT_EQ(canon("System.Object"), "object");
  EXPECT_EQ(canon("System.IntPtr"), "native int");
  EXPECT_EQ(canon("System.UInt64"), "uint64");
  EXPECT_EQ(canon("System.Double"), "float64");
  EXPECT_EQ(canon("System.Int32[]"), "int32[]");
}

TEST(ParamType, IlasmSpellings) {
  EXPECT_EQ(canon("native  int"), "native int");
  EXPECT_EQ(canon("native unsigned int"), "native uint");
  EXPECT_EQ(canon("unsigned int32"), "uint32");
  EXPECT_EQ(canon("class System.Exception"), "System.Exception");
  EXPECT_EQ(canon("valuetype System.Guid"), "System.Guid");
}

TEST(ParamType, AliasesInsideCompositeTypes) {
  EXPECT_EQ(canon("int[]"), "int32[]");
  EXPECT_EQ(canon("long[,]"), "int64[,]");
  EXPECT_EQ(canon("int&"), "int32&");
  EXPECT_EQ(canon("string[][]"), "string[][]");
  EXPECT_EQ(canon("System.Collections.Generic.List`1<int>"),
            "System.Collections.Generic.List`1<int32>");
  EXPECT_EQ(canon("System.Collections.Generic.Dictionary`2< string , long >"),
            "System.Collections.Generic.Dictionary`2<string,int64>");
  EXPECT_EQ(canon("List<List<int>[]>"), "List<List<int32>[]>");
  EXPECT_EQ(canon(" double [ ] & "), "float64[]&");
}

TEST(ParamType, WildcardsAreNotTranslated) {
  EXPECT_EQ(canon("int*"), "int*");
  EXPECT_EQ(canon("*int"), "*int");
  EXPECT_EQ(canon("*"), "*");
  EXPECT_EQ(canon("System.*"), "System.*");
  EXPECT_EQ(canon("*List<int>"), "*List<int32>");
}

TEST(ParamType, Errors) {
  EXPECT_NE(canon_error("").find("empty"), std::string::npos);
  EXPECT_NE(canon_error("int32 string").find("separate parameters"), std::string::npos);
  EXPECT_NE(canon_error("List<int").find("unbalanced '<'"), std::string::npos);
  EXPECT_NE(canon_error("int>").find("unbalanced '>'"), std::string::npos);
  EXPECT_NE(canon_error("int[").find("unbalanced '['"), std::string::npos);
  EXPECT_NE(canon_error("int]").find("unbalanced ']'"), std::string::npos);
  EXPECT_NE(canon_error("int[x]").find("unexpected"), std::string::npos);
  EXPECT_NE(canon_error("List<>").find("unexpected"), std::string::npos);
  EXPECT_NE(canon_error("List<int,>").find("unexpected"), std::string::npos);
  EXPECT_NE(canon_error("<int>").find("unexpected"), std::string::npos);
  EXPECT_NE(canon_error("&").find("unexpected"), std::string::npos);
  EXPECT_NE(canon_error("int?").find("invalid character '?'"), std::string::npos);
  EXPECT_NE(canon_error("int[]x").find("unexpected"), std::string::npos);
}

}  // namespace
}  // namespace clrprobe::selector
