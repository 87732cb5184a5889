#include "il/opcodes.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace clrprobe::il {
namespace {

TEST(Opcodes, TableCoversEveryAssignedEncoding) {
  int one_byte = 0, two_byte = 0;
  std::set<std::string_view> names;
  for (uint32_t v = 0; v <= 0xFF; ++v) {
    if (const OpcodeInfo* info = find_opcode(static_cast<uint16_t>(v))) {
      ++one_byte;
      EXPECT_EQ(static_cast<uint16_t>(info->opcode), v);
      EXPECT_TRUE(names.insert(info->name).second) << info->name;
    }
    if (const OpcodeInfo* info = find_opcode(static_cast<uint16_t>(0xFE00 | v))) {
      ++two_byte;
      EXPECT_EQ(static_cast<uint16_t>(info->opcode), 0xFE00 | v);
      EXPECT_TRUE(names.insert(info->name).second) << info->name;
    }
  }
  // ECMA-335 Partition III: 0x00..0xE0 minus 0x24, 0x77, 0x78, 0xA6..0xB2,
  // 0xBB..0xC1, 0xC4, 0xC5, 0xC7..0xCF and the 0xFE prefix itself.
  EXPECT_EQ(one_byte, 0xE1 - 1 - 2 - 13 - 7 - 2 - 9);
  // 0xFE 0x00..0x1E minus 0x08, 0x10, 0x1B.
  EXPECT_EQ(two_byte, 0x1F - 3);
  EXPECT_EQ(find_opcode(0x24), nullptr);
  EXPECT_EQ(find_opcode(0xFE), nullptr);
  EXPECT_EQ(find_opcode(0xFE08), nullptr);
  EXPECT_EQ(find_opcode(0xFE1F), nullptr);
  EXPECT_EQ(find_opcode(0x1FF), nullptr);
}

TEST(Opcodes, SpotChecks) {
  const OpcodeInfo& ldc = opcode_info(Opcode::Ldc_I4_S);
  EXPECT_EQ(ldc.name, "ldc.i4.s");
  EXPECT_EQ(ldc.operand, OperandKind::Int8);
  EXPECT_EQ(opcode_info(Opcode::Ldarg_S).operand, OperandKind::ShortVar);
  EXPECT_EQ(opcode_info(Opcode::Ldloc).operand, OperandKind::Int16Var);
  EXPECT_EQ(opcode_info(Opcode::Unaligned).operand, OperandKind::UInt8);
  EXPECT_EQ(opcode_info(Opcode::No).operand, OperandKind::UInt8);
  EXPECT_EQ(opcode_info(Opcode::Ldc_R4).operand, OperandKind::Float32);
  EXPECT_EQ(opcode_info(Opcode::Ldc_R8).operand, OperandKind::Float64);
  EXPECT_EQ(opcode_info(Opcode::Ldc_I8).operand, OperandKind::Int64);
  EXPECT_EQ(opcode_info(Opcode::Switch).operand, OperandKind::Switch);
  EXPECT_EQ(opcode_info(Opcode::Calli).operand, OperandKind::Token);
  EXPECT_EQ(opcode_info(Opcode::Constrained).flow, FlowKind::Meta);
  EXPECT_EQ(opcode_info(Opcode::Tail).flow, FlowKind::Meta);
  EXPECT_EQ(opcode_info(Opcode::Readonly).flow, FlowKind::Meta);
  EXPECT_EQ(opcode_info(Opcode::Leave).pops, kPopAll);
  EXPECT_EQ(opcode_info(Opcode::Endfinally).flow, FlowKind::Return);
  EXPECT_EQ(opcode_info(Opcode::Rethrow).flow, FlowKind::Throw);
  EXPECT_EQ(opcode_info(Opcode::Call).pops, kVarPop);
  EXPECT_EQ(opcode_info(Opcode::Newobj).pushes, 1);
  EXPECT_EQ(opcode_info(Opcode::Stelem_Ref).pops, 3);
  EXPECT_EQ(opcode_info(Opcode::Dup).pushes, 2);
  EXPECT_EQ(opcode_size(Opcode::Ceq), 2u);
  EXPECT_EQ(opcode_size(Opcode::Conv_U), 1u);
}

TEST(Opcodes, BranchForms) {
  EXPECT_EQ(widen_branch(Opcode::Br_S), Opcode::Br);
  EXPECT_EQ(widen_branch(Opcode::Brfalse_S), Opcode::Brfalse);
  EXPECT_EQ(widen_branch(Opcode::Blt_Un_S), Opcode::Blt_Un);
  EXPECT_EQ(widen_branch(Opcode::Leave_S), Opcode::Leave);
  EXPECT_EQ(widen_branch(Opcode::Br), Opcode::Br);
  EXPECT_EQ(widen_branch(Opcode::Switch), Opcode::Switch);
  for (uint16_t v = 0x2B; v <= 0x37; ++v) {
    const Opcode s = static_cast<Opcode>(v);
    EXPECT_TRUE(is_short_branch(s));
    EXPECT_TRUE(is_long_branch(widen_branch(s)));
    const auto& si = opcode_info(s);
    const auto& li = opcode_info(widen_branch(s));
    EXPECT_EQ(si.pops, li.pops);
    EXPECT_EQ(si.flow, li.flow);
    EXPECT_EQ(std::string(si.name), std::string(li.name) + ".s");
  }
  EXPECT_TRUE(is_leave(Opcode::Leave_S));
  EXPECT_FALSE(is_branch(Opcode::Switch));
  EXPECT_TRUE(is_prefix(Opcode::Volatile));
  EXPECT_FALSE(is_prefix(Opcode::Nop));
}

TEST(Opcodes, OperandSizes) {
  EXPECT_EQ(operand_size(OperandKind::None), 0u);
  EXPECT_EQ(operand_size(OperandKind::ShortBranch), 1u);
  EXPECT_EQ(operand_size(OperandKind::Int16Var), 2u);
  EXPECT_EQ(operand_size(OperandKind::Token), 4u);
  EXPECT_EQ(operand_size(OperandKind::Float64), 8u);
}

}  // namespace
}  // namespace clrprobe::il
