#include "il/instruction.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>

#include "il_asm.h"

namespace clrprobe::il {
namespace {

using test::Asm;

// One instruction of every operand kind, plus switch and a two-byte opcode.
std::vector<uint8_t> every_operand_kind() {
  float f = 1.5f;
  double d = -2.25;
  uint32_t fbits;
  uint64_t dbits;
  std::memcpy(&fbits, &f, 4);
  std::memcpy(&dbits, &d, 8);
  Asm a;
  a.label("start")
      .op(Opcode::Nop)                                   // None
      .op8(Opcode::Ldc_I4_S, 0xFE)                       // Int8 (-2)
      .op8(Opcode::Unaligned, 2).op(Opcode::Ldind_I4)    // UInt8 + prefix
      .op8(Opcode::Ldarg_S, 200)                         // ShortVar
      .op16(Opcode::Ldloc, 0x1234)                       // Int16Var (two-byte opcode)
      .op32(Opcode::Ldc_I4, 0x80000000)                  // Int32
      .op64(Opcode::Ldc_I8, 0x8000000000000001ull)       // Int64
      .op32(Opcode::Ldc_R4, fbits)                       // Float32
      .op64(Opcode::Ldc_R8, dbits)                       // Float64
      .op32(Opcode::Ldstr, 0x70000001)                   // Token
      .br(Opcode::Br_S, "start")                         // ShortBranch (backward)
      .br(Opcode::Br, "end")                             // Branch (forward)
      .sw({"start", "end", "end"})                       // Switch
      .label("end").op(Opcode::Ret);
  return a.code();
}

TEST(Instructions, DecodesEveryOperandKind) {
  const auto code = every_operand_kind();
  auto r = decode_instructions(code);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const auto& ins = *r;
  ASSERT_EQ(ins.size(), 15u);
  EXPECT_EQ(ins[1].operand, -2);
  EXPECT_EQ(ins[2].opcode, Opcode::Unaligned);
  EXPECT_EQ(ins[2].operand, 2);
  EXPECT_EQ(ins[4].operand, 200);
  EXPECT_EQ(ins[5].opcode, Opcode::Ldloc);
  EXPECT_EQ(ins[5].operand, 0x1234);
  EXPECT_EQ(ins[5].size(), 4u);
  EXPECT_EQ(ins[6].operand, INT32_MIN);
  EXPECT_EQ(static_cast<uint64_t>(ins[7].operand), 0x8000000000000001ull);
  float f;
  const uint32_t fbits = static_cast<uint32_t>(ins[8].operand);
  std::memcpy(&f, &fbits, 4);
  EXPECT_EQ(f, 1.5f);
  EXPECT_EQ(ins[10].operand, 0x70000001);
  EXPECT_EQ(ins[11].target, 0);
  EXPECT_EQ(ins[12].target, ins[14].offset);
  ASSERT_EQ(ins[13].switch_targets.size(), 3u);
  EXPECT_EQ(ins[13].switch_targets[0], 0);
  EXPECT_EQ(ins[13].switch_targets[1], ins[14].offset);
  EXPECT_EQ(ins[13].size(), 1u + 4u + 12u);
  EXPECT_EQ(code_size_of(ins), code.size());

  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_instructions(ins, &out).ok());
  EXPECT_EQ(out, code);
}

TEST(Instructions, NaNPayloadSurvivesRoundTrip) {
  const auto code = Asm().op32(Opcode::Ldc_R4, 0x7FC00123).op64(Opcode::Ldc_R8, 0xFFF8000000000abcull).code();
  auto r = decode_instructions(code);
  ASSERT_TRUE(r.ok());
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_instructions(*r, &out).ok());
  EXPECT_EQ(out, code);
}

TEST(Instructions, TruncatedAtEveryLengthFailsCleanly) {
  const auto code = every_operand_kind();
  auto full = decode_instructions(code);
  ASSERT_TRUE(full.ok());
  std::set<size_t> boundaries;
  for (const auto& ins : *full) boundaries.insert(ins.offset);
  for (size_t n = 0; n < code.size(); ++n) {
    auto r = decode_instructions(std::span<const uint8_t>(code.data(), n));
    if (boundaries.count(n)) {
      EXPECT_TRUE(r.ok()) << n;  // a prefix of whole instructions is fine
    } else {
      ASSERT_FALSE(r.ok()) << n;
      EXPECT_EQ(r.error().reason, Reason::Truncated) << n;
    }
  }
}

TEST(Instructions, HugeSwitchCountDoesNotAllocate) {
  const std::vector<uint8_t> code{0x45, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};
  auto r = decode_instructions(code);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::Truncated);
}

TEST(Instructions, ReservedOpcodesAreRejected) {
  for (std::vector<uint8_t> code : {std::vector<uint8_t>{0x24}, {0xA6}, {0xFE, 0x08}, {0xFE, 0x30}, {0xFF}}) {
    auto r = decode_instructions(code);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().reason, Reason::UnsupportedOpcode);
  }
  auto lone_prefix = decode_instructions(std::vector<uint8_t>{0xFE});
  ASSERT_FALSE(lone_prefix.ok());
  EXPECT_EQ(lone_prefix.error().reason, Reason::Truncated);
}

TEST(Instructions, EncoderRejectsWhatDoesNotFit) {
  std::vector<uint8_t> out;
  Instruction br;
  br.opcode = Opcode::Br_S;
  br.target = 200;
  EXPECT_FALSE(encode_instructions({br}, &out).ok());
  Instruction var;
  var.opcode = Opcode::Ldloc_S;
  var.operand = 256;
  EXPECT_FALSE(encode_instructions({var}, &out).ok());
  Instruction misplaced;
  misplaced.offset = 3;
  EXPECT_FALSE(encode_instructions({misplaced}, &out).ok());
}

}  // namespace
}  // namespace clrprobe::il
