#include "il/signature.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_sigs.h"

namespace clrprobe::il {
namespace {

std::vector<uint8_t> enc_u(uint32_t v) {
  std::vector<uint8_t> out;
  EXPECT_TRUE(encode_compressed_uint(v, &out).ok());
  return out;
}
std::vector<uint8_t> enc_s(int32_t v) {
  std::vector<uint8_t> out;
  EXPECT_TRUE(encode_compressed_int(v, &out).ok());
  return out;
}

TEST(Compressed, UnsignedExamplesFromEcma) {
  using V = std::vector<uint8_t>;
  EXPECT_EQ(enc_u(0x03), (V{0x03}));
  EXPECT_EQ(enc_u(0x7F), (V{0x7F}));
  EXPECT_EQ(enc_u(0x80), (V{0x80, 0x80}));
  EXPECT_EQ(enc_u(0x2E57), (V{0xAE, 0x57}));
  EXPECT_EQ(enc_u(0x3FFF), (V{0xBF, 0xFF}));
  EXPECT_EQ(enc_u(0x4000), (V{0xC0, 0x00, 0x40, 0x00}));
  EXPECT_EQ(enc_u(0x1FFFFFFF), (V{0xDF, 0xFF, 0xFF, 0xFF}));
  std::vector<uint8_t> out;
  EXPECT_FALSE(encode_compressed_uint(0x20000000, &out).ok());
}

TEST(Compressed, SignedExamplesFromEcma) {
  using V = std::vector<uint8_t>;
  EXPECT_EQ(enc_s(3), (V{0x06}));
  EXPECT_EQ(enc_s(-3), (V{0x7B}));
  EXPECT_EQ(enc_s(64), (V{0x80, 0x80}));
  EXPECT_EQ(enc_s(-64), (V{0x01}));
  EXPECT_EQ(enc_s(8192), (V{0xC0, 0x00, 0x40, 0x00}));
  EXPECT_EQ(enc_s(-8192), (V{0x80, 0x01}));
  EXPECT_EQ(enc_s(268435455), (V{0xDF, 0xFF, 0xFF, 0xFE}));
  EXPECT_EQ(enc_s(-268435456), (V{0xC0, 0x00, 0x00, 0x01}));
}

TEST(Compressed, RoundTripsAcrossWidths) {
  for (uint32_t v : {0u, 1u, 0x7Fu, 0x80u, 0x3FFFu, 0x4000u, 0x123456u, 0x1FFFFFFFu}) {
    auto b = enc_u(v);
    size_t pos = 0;
    auto d = decode_compressed_uint(b, &pos);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, v);
    EXPECT_EQ(pos, b.size());
  }
  for (int32_t v : {0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, -8193, 268435455, -268435456}) {
    auto b = enc_s(v);
    size_t pos = 0;
    auto d = decode_compressed_int(b, &pos);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, v);
  }
}

TEST(Compressed, TruncatedAndInvalid) {
  size_t pos = 0;
  EXPECT_EQ(decode_compressed_uint(std::vector<uint8_t>{0x80}, &pos).error().reason, Reason::Truncated);
  pos = 0;
  EXPECT_EQ(decode_compressed_uint(std::vector<uint8_t>{0xC0, 0, 0}, &pos).error().reason, Reason::Truncated);
  pos = 0;
  EXPECT_EQ(decode_compressed_uint(std::vector<uint8_t>{0xE0, 0, 0, 0}, &pos).error().reason, Reason::InvalidInput);
  pos = 0;
  EXPECT_EQ(decode_compressed_uint(std::vector<uint8_t>{}, &pos).error().reason, Reason::Truncated);
}

TEST(TypeDefOrRef, Tokens) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_type_def_or_ref(0x01000012, &out).ok());
  EXPECT_EQ(out, (std::vector<uint8_t>{0x49}));
  size_t pos = 0;
  EXPECT_EQ(*decode_type_def_or_ref(out, &pos), 0x01000012u);
  out.clear();
  ASSERT_TRUE(encode_type_def_or_ref(0x1B000100, &out).ok());
  pos = 0;
  EXPECT_EQ(*decode_type_def_or_ref(out, &pos), 0x1B000100u);
  pos = 0;
  EXPECT_FALSE(decode_type_def_or_ref(std::vector<uint8_t>{0x03}, &pos).ok());
  EXPECT_FALSE(encode_type_def_or_ref(0x06000001, &out).ok());
}

TypeNameResolver names() {
  return [](uint32_t token) -> std::string {
    switch (token) {
      case 0x01000001: return "System.Collections.Generic.List`1";
      case 0x01000002: return "System.Collections.Generic.Dictionary`2";
      case 0x02000002: return "MyApp.Point";
      case 0x01000003: return "System.Runtime.InteropServices.InAttribute";
      default: return "";
    }
  };
}

TEST(MethodSignature, InstanceGenericWithManyTypes) {
  // instance !!0 M<T>(int32[], string[,], List<!!0>&, Dictionary<string,!0>, native int, void*,
  //                   valuetype Point, typedref, char, float64)
  const std::vector<uint8_t> blob{
      0x30, 0x01, 0x0A,                               // HASTHIS|GENERIC, arity 1, 10 params
      0x1E, 0x00,                                     // ret !!0
      0x1D, 0x08,                                     // int32[]
      0x14, 0x0E, 0x02, 0x00, 0x00,                   // string[,]
      0x10, 0x15, 0x12, 0x05, 0x01, 0x1E, 0x00,       // List<!!0>&
      0x15, 0x12, 0x09, 0x02, 0x0E, 0x13, 0x00,       // Dictionary<string,!0>
      0x18,                                           // native int
      0x0F, 0x01,                                     // void*
      0x11, 0x08,                                     // valuetype Point
      0x16,                                           // typedref
      0x03, 0x0D};
  auto sig = parse_method_sig(blob);
  ASSERT_TRUE(sig.ok()) << sig.error().describe();
  EXPECT_TRUE(sig->has_this());
  EXPECT_TRUE(sig->is_generic());
  EXPECT_EQ(sig->generic_param_count, 1u);
  EXPECT_EQ(sig->params.size(), 10u);
  EXPECT_EQ(format_type(sig->ret, names()), "!!0");
  EXPECT_EQ(format_method_params(*sig, names()),
            "(int32[],string[,],System.Collections.Generic.List`1<!!0>&,"
            "System.Collections.Generic.Dictionary`2<string,!0>,native int,void*,MyApp.Point,"
            "typedref,char,float64)");
  EXPECT_EQ(sig->params[2].raw.size(), 7u);
  EXPECT_EQ(sig->params[2].raw[0], 0x10);
}

TEST(MethodSignature, PrimitivesFormat) {
  const std::vector<uint8_t> blob{0x00, 0x10, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                  0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x1C, 0x18, 0x19};
  auto sig = parse_method_sig(blob);
  ASSERT_TRUE(sig.ok()) << sig.error().describe();
  EXPECT_EQ(format_method_params(*sig, nullptr),
            "(bool,char,int8,uint8,int16,uint16,int32,uint32,int64,uint64,float32,float64,"
            "string,object,native int,native uint)");
  EXPECT_EQ(format_type(sig->ret, nullptr), "void");
}

TEST(MethodSignature, ReturnTypeRawBytesIncludeModifiers) {
  auto sig = parse_method_sig(test::kSigRefReadonly);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->ret.kind, ElementType::ByRef);
  ASSERT_EQ(sig->ret.mods.size(), 1u);
  EXPECT_TRUE(sig->ret.mods[0].required);
  EXPECT_EQ(sig->ret.mods[0].token, 0x01000002u);
  EXPECT_EQ(std::vector<uint8_t>(sig->ret.raw.begin(), sig->ret.raw.end()),
            (std::vector<uint8_t>{0x1F, 0x09, 0x10, 0x08}));
  EXPECT_EQ(format_type(sig->ret, nullptr), "int32&");
}

TEST(MethodSignature, VarargSentinelAndExplicitThis) {
  // vararg call site: void (int32, ..., string)
  auto sig = parse_method_sig(std::vector<uint8_t>{0x05, 0x02, 0x01, 0x08, 0x41, 0x0E});
  ASSERT_TRUE(sig.ok()) << sig.error().describe();
  ASSERT_TRUE(sig->sentinel_index.has_value());
  EXPECT_EQ(*sig->sentinel_index, 1u);
  EXPECT_EQ(format_method_params(*sig, nullptr), "(int32,...,string)");
  auto explicit_this = parse_method_sig(std::vector<uint8_t>{0x60, 0x01, 0x01, 0x1C});
  ASSERT_TRUE(explicit_this.ok());
  EXPECT_TRUE(explicit_this->explicit_this());
}

TEST(MethodSignature, FunctionPointerAndArrays) {
  // void (method int32 *(string), int32[0...,0...], int32[*])
  const std::vector<uint8_t> blob{0x00, 0x03, 0x01,
                                  0x1B, 0x00, 0x01, 0x08, 0x0E,
                                  0x14, 0x08, 0x02, 0x00, 0x02, 0x00, 0x00,
                                  0x14, 0x08, 0x01, 0x00, 0x00};
  auto sig = parse_method_sig(blob);
  ASSERT_TRUE(sig.ok()) << sig.error().describe();
  EXPECT_EQ(format_method_params(*sig, nullptr), "(method int32 *(string),int32[,],int32[*])");
  EXPECT_EQ(sig->params[1].shape.lower_bounds.size(), 2u);
}

TEST(MethodSignature, UnresolvedTokensPrintAsHex) {
  auto sig = parse_method_sig(std::vector<uint8_t>{0x00, 0x01, 0x01, 0x12, 0x0D});
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(format_method_params(*sig, nullptr), "(0x1000003)");
}

TEST(MethodSignature, RejectsMalformedBlobs) {
  using V = std::vector<uint8_t>;
  EXPECT_EQ(parse_method_sig(V{0x06, 0x08}).error().reason, Reason::InvalidInput);  // field sig
  EXPECT_EQ(parse_method_sig(V{0x00, 0x01, 0x01, 0x01}).error().reason, Reason::InvalidInput);  // void param
  EXPECT_EQ(parse_method_sig(V{0x00, 0x00, 0x01, 0x00}).error().reason, Reason::InvalidInput);  // trailing
  EXPECT_EQ(parse_method_sig(V{0x00, 0x00, 0x21}).error().reason, Reason::InvalidInput);  // INTERNAL
  EXPECT_EQ(parse_method_sig(V{0x00, 0x00, 0x15, 0x08}).error().reason, Reason::InvalidInput);
  EXPECT_EQ(parse_method_sig(V{0x00, 0x7F, 0x01}).error().reason, Reason::Truncated);
  // Deep nesting is refused, not recursed into.
  V deep{0x00, 0x00};
  deep.insert(deep.end(), 10000, 0x0F);
  deep.push_back(0x01);
  EXPECT_EQ(parse_method_sig(deep).error().reason, Reason::InvalidInput);
}

TEST(MethodSignature, TruncatedAtEveryLength) {
  const std::vector<uint8_t> blob{0x30, 0x01, 0x03, 0x1E, 0x00, 0x1D, 0x08,
                                  0x15, 0x12, 0x05, 0x01, 0x1E, 0x00, 0x14, 0x0E, 0x02, 0x01, 0x03, 0x01, 0x02};
  ASSERT_TRUE(parse_method_sig(blob).ok());
  for (size_t n = 0; n < blob.size(); ++n) {
    EXPECT_FALSE(parse_method_sig(std::span<const uint8_t>(blob.data(), n)).ok()) << n;
  }
}

TEST(LocalsSignature, PinnedByRefAndModifiers) {
  // int32, pinned uint8&, modreq(0x01000003) int64, typedref
  const std::vector<uint8_t> blob{0x07, 0x04, 0x08, 0x45, 0x10, 0x05, 0x1F, 0x0D, 0x0A, 0x16};
  auto sig = parse_locals_sig(blob);
  ASSERT_TRUE(sig.ok()) << sig.error().describe();
  ASSERT_EQ(sig->locals.size(), 4u);
  EXPECT_TRUE(sig->locals[1].pinned);
  EXPECT_EQ(sig->locals[1].kind, ElementType::ByRef);
  EXPECT_EQ(sig->locals[1].raw.size(), 3u);
  EXPECT_EQ(sig->locals[2].mods.size(), 1u);
  EXPECT_EQ(sig->locals[2].raw.size(), 3u);
  EXPECT_EQ(sig->locals[3].kind, ElementType::TypedByRef);
  EXPECT_EQ(sig->locals_raw.size(), blob.size() - 2);
  EXPECT_EQ(format_type(sig->locals[1], nullptr), "uint8&");
}

TEST(LocalsSignature, RejectsMalformedBlobs) {
  using V = std::vector<uint8_t>;
  EXPECT_EQ(parse_locals_sig(V{}).error().reason, Reason::Truncated);
  EXPECT_EQ(parse_locals_sig(V{0x06, 0x00}).error().reason, Reason::InvalidInput);
  EXPECT_EQ(parse_locals_sig(V{0x07, 0x02, 0x08}).error().reason, Reason::Truncated);
  EXPECT_EQ(parse_locals_sig(V{0x07, 0x01, 0x08, 0x08}).error().reason, Reason::InvalidInput);
  EXPECT_TRUE(parse_locals_sig(V{0x07, 0x00}).ok());
}

// Regression cases found by fuzz/signature_fuzz (inputs kept in
// fuzz/corpus/signature_fuzz/).
TEST(SignatureFuzzRegressions, ArrayRankAboveTheRuntimeLimitIsRefused) {
  using V = std::vector<uint8_t>;
  // A locals blob whose int32 array claims rank 0x1CEBEBEB: formatting it
  // built a string of ~480 million commas per array level.
  V huge{0x07, 0x01, 0x14, 0x08, 0xDC, 0xEB, 0xEB, 0xEB, 0x00, 0x00};
  auto locals = parse_locals_sig(huge);
  ASSERT_FALSE(locals.ok());
  EXPECT_EQ(locals.error().reason, Reason::InvalidInput);
  EXPECT_NE(locals.error().message.find("rank"), std::string::npos) << locals.error().message;
  // The fuzzer's input: nested arrays with 4-byte ranks inside a locals blob.
  const V found{0x07, 0x20, 0x14, 0x14, 0x14, 0x01, 0x20, 0x07, 0x20, 0x14, 0x14, 0x01, 0x20, 0x01,
                0x01, 0x13, 0xDC, 0xEB, 0xEB, 0xEB, 0x01, 0x20, 0x01, 0x96, 0x00, 0x25, 0x30};
  EXPECT_FALSE(parse_locals_sig(found).ok());
  // Rank 32 (the runtime's maximum) is still fine, and formats with 31 commas.
  V max_rank{0x00, 0x01, 0x01, 0x14, 0x08, 0x20, 0x00, 0x00};
  auto sig = parse_method_sig(max_rank);
  ASSERT_TRUE(sig.ok()) << sig.error().describe();
  EXPECT_EQ(format_method_params(*sig, nullptr), "(int32[" + std::string(31, ',') + "])");
  max_rank[5] = 0x21;
  EXPECT_FALSE(parse_method_sig(max_rank).ok());
}

}  // namespace
}  // namespace clrprobe::il
