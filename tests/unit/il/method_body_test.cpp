#include "il/method_body.h"

#include <gtest/gtest.h>

#include "il_asm.h"

namespace clrprobe::il {
namespace {

using test::Asm;
using test::Clause;

void expect_round_trip(const std::vector<uint8_t>& bytes) {
  auto body = decode_method_body(bytes);
  ASSERT_TRUE(body.ok()) << body.error().describe();
  EXPECT_EQ(body->encoded_size, bytes.size());
  auto encoded = encode_method_body(*body);
  ASSERT_TRUE(encoded.ok()) << encoded.error().describe();
  EXPECT_EQ(*encoded, bytes);
}

std::vector<uint8_t> try_catch_code(Asm* a) {
  a->label("try").op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  return a->code();
}

TEST(MethodBody, TinyHeader) {
  const auto bytes = test::tiny_body(Asm().op(Opcode::Ldarg_0).op(Opcode::Ret).code());
  auto body = decode_method_body(bytes);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->header_kind, HeaderKind::Tiny);
  EXPECT_EQ(body->code_size, 2u);
  EXPECT_EQ(body->max_stack, 8);
  EXPECT_EQ(body->local_var_sig_token, 0u);
  EXPECT_FALSE(body->init_locals);
  EXPECT_TRUE(body->sections.empty());
  expect_round_trip(bytes);
}

TEST(MethodBody, TinyHeaderMaxCodeSize) {
  Asm a;
  a.nops(62).op(Opcode::Ret);
  expect_round_trip(test::tiny_body(a.code()));
}

TEST(MethodBody, FatHeaderFields) {
  const auto bytes = test::fat_body(Asm().op(Opcode::Ret).code(), 5, 0x11000003, true);
  auto body = decode_method_body(bytes);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->header_kind, HeaderKind::Fat);
  EXPECT_EQ(body->max_stack, 5);
  EXPECT_EQ(body->local_var_sig_token, 0x11000003u);
  EXPECT_TRUE(body->init_locals);
  expect_round_trip(bytes);
}

TEST(MethodBody, FatHeaderUnknownFlagBitsSurvive) {
  auto bytes = test::fat_body(Asm().op(Opcode::Ret).code(), 1);
  bytes[0] |= 0x40;  // CompressedIL, never set by compilers
  expect_round_trip(bytes);
}

TEST(MethodBody, SmallEhSection) {
  Asm a;
  const auto code = try_catch_code(&a);
  const std::vector<Clause> clauses{{0, 0, 3, 3, 3, 0x01000005}};
  const auto bytes = test::fat_body(code, 1, 0, false, {test::eh_section(clauses, false)});
  auto body = decode_method_body(bytes);
  ASSERT_TRUE(body.ok()) << body.error().describe();
  ASSERT_EQ(body->sections.size(), 1u);
  EXPECT_FALSE(body->sections[0].is_fat());
  const auto c = body->eh_clauses();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind(), EhClauseKind::Catch);
  EXPECT_EQ(c[0].try_offset, 0u);
  EXPECT_EQ(c[0].try_length, 3u);
  EXPECT_EQ(c[0].handler_offset, 3u);
  EXPECT_EQ(c[0].handler_length, 3u);
  EXPECT_EQ(c[0].class_token_or_filter_offset, 0x01000005u);
  EXPECT_EQ(body->sections[0].padding_before.size(), 1u);  // 12 + 7 code bytes -> 1 pad
  expect_round_trip(bytes);
}

TEST(MethodBody, FatEhSectionAndMultipleSections) {
  Asm a;
  const auto code = try_catch_code(&a);
  const std::vector<Clause> one{{0, 0, 3, 3, 3, 0x01000005}};
  const std::vector<Clause> two{{2, 0, 3, 3, 3, 0}, {4, 0, 3, 3, 3, 0}};
  const auto bytes = test::fat_body(
      code, 1, 0, false, {test::eh_section(one, true, true), test::eh_section(two, false)});
  auto body = decode_method_body(bytes);
  ASSERT_TRUE(body.ok()) << body.error().describe();
  ASSERT_EQ(body->sections.size(), 2u);
  EXPECT_TRUE(body->sections[0].is_fat());
  EXPECT_FALSE(body->sections[1].is_fat());
  EXPECT_EQ(body->eh_clauses().size(), 3u);
  EXPECT_EQ(body->eh_clauses()[2].kind(), EhClauseKind::Fault);
  expect_round_trip(bytes);
}

TEST(MethodBody, NonZeroPaddingReservedAndTrailingBytesSurvive) {
  Asm a;
  const auto code = try_catch_code(&a);
  auto section = test::eh_section({{0, 0, 3, 3, 3, 0x01000005}}, false);
  section[1] += 2;          // DataSize covers two extra bytes
  section[2] = 0x5A;        // reserved field
  section.push_back(0xAB);
  section.push_back(0xCD);
  auto bytes = test::fat_body(code, 1, 0, false, {section});
  bytes[12 + code.size()] = 0xEE;  // the padding byte
  expect_round_trip(bytes);
}

TEST(MethodBody, OpaqueNonEhSectionSurvives) {
  const auto bytes = test::fat_body(Asm().op(Opcode::Ret).code(), 1, 0, false,
                                    {std::vector<uint8_t>{0x02, 0x05, 1, 2, 3}});
  auto body = decode_method_body(bytes);
  ASSERT_TRUE(body.ok());
  EXPECT_FALSE(body->sections[0].is_eh());
  EXPECT_EQ(body->sections[0].extra.size(), 3u);
  expect_round_trip(bytes);
}

TEST(MethodBody, LongerSpanIsNotConsumed) {
  auto bytes = test::tiny_body(Asm().op(Opcode::Ret).code());
  bytes.push_back(0x99);
  auto body = decode_method_body(bytes);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->encoded_size, 2u);
}

TEST(MethodBody, TruncatedAtEveryLengthFailsCleanly) {
  Asm a;
  const auto code = try_catch_code(&a);
  const auto bytes = test::fat_body(code, 1, 0, false,
                                    {test::eh_section({{0, 0, 3, 3, 3, 1}}, true, true),
                                     test::eh_section({{2, 0, 3, 3, 3, 0}}, false)});
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = decode_method_body(std::span<const uint8_t>(bytes.data(), n));
    ASSERT_FALSE(r.ok()) << "length " << n;
    EXPECT_EQ(r.error().reason, Reason::Truncated) << "length " << n;
  }
}

TEST(MethodBody, InvalidHeadersAndSections) {
  EXPECT_EQ(decode_method_body(std::vector<uint8_t>{0x00}).error().reason, Reason::InvalidInput);
  EXPECT_EQ(decode_method_body(std::vector<uint8_t>{0x07, 0x30}).error().reason, Reason::InvalidInput);
  auto bad_size = test::fat_body(Asm().op(Opcode::Ret).code(), 1);
  bad_size[1] = 0x20;  // header size 2 dwords
  EXPECT_EQ(decode_method_body(bad_size).error().reason, Reason::InvalidInput);
  auto bad_section = test::fat_body(Asm().op(Opcode::Ret).code(), 1, 0, false,
                                    {std::vector<uint8_t>{0x01, 0x02, 0x00, 0x00}});
  EXPECT_EQ(decode_method_body(bad_section).error().reason, Reason::InvalidInput);
}

TEST(MethodBody, EncoderRefusesImpossibleFormats) {
  auto body = decode_method_body(test::fat_body(Asm().op(Opcode::Ret).code(), 1, 0x11000001));
  ASSERT_TRUE(body.ok());
  body->header_kind = HeaderKind::Tiny;
  EXPECT_FALSE(encode_method_body(*body).ok());

  Asm a;
  const auto code = try_catch_code(&a);
  auto eh = decode_method_body(test::fat_body(code, 1, 0, false, {test::eh_section({{0, 0, 3, 3, 3, 1}}, false)}));
  ASSERT_TRUE(eh.ok());
  eh->sections[0].clauses[0].try_length = 300;  // does not fit a small clause
  EXPECT_FALSE(encode_method_body(*eh).ok());
  eh->sections[0].kind |= kSectFatFormat;
  EXPECT_TRUE(encode_method_body(*eh).ok());
  eh->code_size += 1;
  EXPECT_FALSE(encode_method_body(*eh).ok());
}

}  // namespace
}  // namespace clrprobe::il
