// The original-to-new IL offset map of a rewrite (il_map.h): sorted, one exact
// entry per original instruction, and added code mapped to sensible original
// offsets. Where each original instruction went is found here by walking the
// rewritten code (prologue, then one instruction per original one, a `ret`
// becoming [stloc RESULT;] leave), independently of the map.
#include "il/il_map.h"

#include <gtest/gtest.h>

#include "il/method_body.h"
#include "il/rewriter.h"
#include "il_asm.h"
#include "real_bodies_data.h"
#include "test_sigs.h"

namespace clrprobe::il {
namespace {

using test::Asm;
using test::Clause;

constexpr size_t kPrologueInstructions = 5;  // ldc.i4; ldc.i8; conv.i; calli; stloc START

struct Mapped {
  MethodBody original;
  MethodBody rewritten;
  RewrittenMethod method;
  std::vector<uint32_t> new_starts;  // by walking the rewritten code
};

Mapped rewrite_and_walk(const std::vector<uint8_t>& body, const std::vector<uint8_t>& sig,
                        const std::vector<uint8_t>& locals = {}) {
  Mapped m;
  auto original = decode_method_body(body);
  EXPECT_TRUE(original.ok());
  if (!original.ok()) return m;
  m.original = std::move(original.value());
  test::LocalsRecorder recorder;
  RewriteInput in;
  in.body = body;
  in.method_sig = sig;
  in.locals_sig = locals;
  in.hooks = test::test_hooks();
  auto rw = rewrite_with_probe(in, recorder.provider());
  EXPECT_TRUE(rw.ok()) << (rw.ok() ? "" : rw.error().describe());
  if (!rw.ok()) return m;
  m.method = std::move(rw.value());
  m.rewritten = decode_method_body(m.method.body).value();
  size_t j = kPrologueInstructions;
  for (const Instruction& ins : m.original.instructions) {
    m.new_starts.push_back(m.rewritten.instructions.at(j).offset);
    j += (ins.opcode == Opcode::Ret && m.method.result_local) ? 2 : 1;
  }
  return m;
}

uint32_t tail_start(const Mapped& m) {
  // The instruction after the last original one's copy: the fault handler.
  size_t j = kPrologueInstructions;
  for (const Instruction& ins : m.original.instructions) {
    j += (ins.opcode == Opcode::Ret && m.method.result_local) ? 2 : 1;
  }
  return m.rewritten.instructions.at(j).offset;
}

void expect_sorted_by_both_offsets(const std::vector<IlMapEntry>& map) {
  ASSERT_FALSE(map.empty());
  EXPECT_EQ(map.front().new_offset, 0u);
  for (size_t i = 1; i < map.size(); ++i) {
    EXPECT_LE(map[i - 1].old_offset, map[i].old_offset) << "entry " << i;
    EXPECT_LT(map[i - 1].new_offset, map[i].new_offset) << "entry " << i;
  }
}

// Every original instruction start has an accurate entry at its new start, and
// both of the runtime's translations agree with it.
void expect_every_instruction_mapped(const Mapped& m) {
  const auto& map = m.method.il_map;
  ASSERT_EQ(m.new_starts.size(), m.original.instructions.size());
  for (size_t i = 0; i < m.original.instructions.size(); ++i) {
    const Instruction& ins = m.original.instructions[i];
    SCOPED_TRACE("original offset " + std::to_string(ins.offset));
    size_t exact = 0;
    for (const IlMapEntry& e : map) exact += e.old_offset == ins.offset && e.new_offset == m.new_starts[i] && e.accurate;
    EXPECT_EQ(exact, 1u);
    EXPECT_EQ(new_offset_of(map, ins.offset), m.new_starts[i]);
    EXPECT_EQ(original_offset_of(map, m.new_starts[i]), ins.offset);
  }
}

// Every byte of rewritten code maps back into the original: the copy of an
// instruction to that instruction, the prologue to 0, the handler and
// epilogue to the final `ret` (or the end of the original code).
void expect_every_new_offset_mapped_back(const Mapped& m) {
  const auto& map = m.method.il_map;
  const auto& code = m.original.instructions;
  const uint32_t tail = tail_start(m);
  const uint32_t tail_original = code.back().opcode == Opcode::Ret ? code.back().offset : m.original.code_size;
  for (uint32_t at = 0; at < m.rewritten.code_size; ++at) {
    uint32_t expected = 0;
    if (at >= tail) {
      expected = tail_original;
    } else if (at >= m.new_starts[0]) {
      size_t i = 0;
      while (i + 1 < m.new_starts.size() && m.new_starts[i + 1] <= at) ++i;
      expected = code[i].offset;
    }
    ASSERT_EQ(original_offset_of(map, at), expected) << "new offset " << at;
  }
}

void expect_faithful_map(const Mapped& m) {
  expect_sorted_by_both_offsets(m.method.il_map);
  expect_every_instruction_mapped(m);
  expect_every_new_offset_mapped_back(m);
}

TEST(IlMap, VoidMethodMapsPrologueToZeroAndEpilogueToItsReturn) {
  Asm a;
  a.op(Opcode::Nop).op(Opcode::Ret);
  Mapped m = rewrite_and_walk(test::tiny_body(a.code()), test::kSigVoid);
  expect_faithful_map(m);
  const auto& map = m.method.il_map;
  ASSERT_EQ(map.size(), 3u);
  EXPECT_EQ(map[0], (IlMapEntry{0, 0, false}));
  EXPECT_EQ(map[1], (IlMapEntry{0, m.new_starts[0], true}));
  EXPECT_EQ(map[2], (IlMapEntry{1, m.new_starts[1], true}));
  // The epilogue's ret belongs to the original ret.
  EXPECT_EQ(original_offset_of(map, m.rewritten.instructions.back().offset), 1u);
}

TEST(IlMap, MethodNotEndingInRetMapsAddedTailToTheEndOfTheCode) {
  // if (a) return 1; throw a;
  Asm a;
  a.op(Opcode::Ldarg_0).br(Opcode::Brfalse_S, "throw").op(Opcode::Ldc_I4_1).op(Opcode::Ret)
      .label("throw").op(Opcode::Ldarg_0).op(Opcode::Throw);
  const auto code = a.code();
  Mapped m = rewrite_and_walk(test::tiny_body(code), test::kSigInt32);
  expect_faithful_map(m);
  const IlMapEntry last = m.method.il_map.back();
  EXPECT_EQ(last.old_offset, code.size());
  EXPECT_EQ(last.new_offset, tail_start(m));
  EXPECT_FALSE(last.accurate);
}

TEST(IlMap, SeveralReturnsMapToTheCodeReplacingThem) {
  Asm a;
  a.op(Opcode::Ldarg_0).br(Opcode::Brtrue_S, "nonzero")
      .op(Opcode::Ldc_I4_1).op(Opcode::Ret)
      .label("nonzero").op(Opcode::Ldarg_0).op(Opcode::Ldarg_1).br(Opcode::Bgt_S, "bigger")
      .op(Opcode::Ldarg_1).op(Opcode::Ret)
      .label("bigger").op(Opcode::Ldarg_0).op(Opcode::Ret);
  Mapped m = rewrite_and_walk(test::tiny_body(a.code()), test::kSigInt32);
  expect_faithful_map(m);
  for (size_t i = 0; i < m.original.instructions.size(); ++i) {
    if (m.original.instructions[i].opcode != Opcode::Ret) continue;
    // stloc RESULT, then the leave: both report the original ret.
    const uint32_t start = m.new_starts[i];
    EXPECT_EQ(original_offset_of(m.method.il_map, start + 1), m.original.instructions[i].offset);
  }
}

TEST(IlMap, WidenedBranchesShiftLaterInstructionsAndTheMapFollows) {
  Asm a;
  a.op(Opcode::Ldarg_0).br(Opcode::Brtrue_S, "far");
  for (int i = 0; i < 45; ++i) a.op(Opcode::Ldc_I4_1).op(Opcode::Ret);
  a.label("far").op(Opcode::Ldarg_0).op(Opcode::Throw);
  Mapped m = rewrite_and_walk(test::fat_body(a.code(), 1), test::kSigInt32);
  ASSERT_GT(m.method.stats.branches_widened, 0u);
  expect_faithful_map(m);
  // The throw after the widened branch keeps its own original offset.
  const uint32_t throw_offset = m.original.instructions.back().offset;
  EXPECT_EQ(original_offset_of(m.method.il_map, m.new_starts.back()), throw_offset);
}

TEST(IlMap, NestedTryAndFilterCodeMapsInstructionByInstruction) {
  // try { try { throw a } filter { pop; ldc 1; endfilter } { pop; leave } }
  // catch { pop; leave } ; ret
  Asm a;
  a.label("try").op(Opcode::Ldarg_0).op(Opcode::Throw)
      .label("filter").op(Opcode::Pop).op(Opcode::Ldarg_0).op(Opcode::Endfilter)
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "after_inner")
      .label("after_inner").br(Opcode::Leave_S, "end")
      .label("catch").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  const auto off = [&](const char* l) { return static_cast<uint32_t>(a.at(l)); };
  const std::vector<Clause> clauses{
      {1, 0, off("filter"), off("handler"), off("after_inner") - off("handler"), off("filter")},
      {0, 0, off("catch"), off("catch"), off("end") - off("catch"), 0x01000001}};
  Mapped m = rewrite_and_walk(test::fat_body(a.code(), 1, 0, false, {test::eh_section(clauses, true)}),
                              test::kSigVoid);
  expect_faithful_map(m);
}

TEST(IlMap, SwitchBodyIsMappedFaithfully) {
  Asm a;
  a.op(Opcode::Ldarg_0).sw({"c0", "c1"})
      .op(Opcode::Ldc_I4_M1).op(Opcode::Ret)
      .label("c0").op(Opcode::Ldc_I4_S).u8(10).op(Opcode::Ret)
      .label("c1").op(Opcode::Ldc_I4_S).u8(11).op(Opcode::Ret);
  expect_faithful_map(rewrite_and_walk(test::tiny_body(a.code()), test::kSigInt32));
}

TEST(IlMap, RealRoslynBodiesAreMappedFaithfully) {
  for (const auto& rb : test::real_bodies()) {
    SCOPED_TRACE(rb.name);
    expect_faithful_map(rewrite_and_walk(rb.body, rb.method_sig, rb.locals_sig));
  }
}

TEST(IlMap, TranslationsFollowTheRuntimesRoundingDown) {
  // The documented example of SetILInstrumentedCodeMap.
  const std::vector<IlMapEntry> map{{0, 0, true}, {5, 10, true}, {9, 20, true}};
  EXPECT_EQ(new_offset_of(map, 4), 0u);
  EXPECT_EQ(new_offset_of(map, 5), 10u);
  EXPECT_EQ(new_offset_of(map, 100), 20u);
  EXPECT_EQ(original_offset_of(map, 9), 0u);
  EXPECT_EQ(original_offset_of(map, 19), 5u);
  EXPECT_EQ(original_offset_of(map, 25), 9u);
  // Of equal old offsets the last wins: the prologue entry does not capture
  // the first instruction.
  const std::vector<IlMapEntry> with_prologue{{0, 0, false}, {0, 17, true}, {2, 19, true}};
  EXPECT_EQ(new_offset_of(with_prologue, 0), 17u);
  EXPECT_EQ(original_offset_of(with_prologue, 3), 0u);
}

}  // namespace
}  // namespace clrprobe::il
