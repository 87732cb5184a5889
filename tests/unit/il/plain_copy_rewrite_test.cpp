// The "Plain copy" of an arm-guarded Timed rewrite (rewriter.h): the flag
// check at entry branches between an untouched copy of the original code
// (what a disarmed call runs) and the armed shape; both copies keep the
// original's EH clauses and map back to the original IL offsets.
#include <gtest/gtest.h>

#include "il/il_map.h"
#include "il/method_body.h"
#include "il/rewriter.h"
#include "il_asm.h"
#include "il_interp.h"
#include "test_sigs.h"

namespace clrprobe::il {
namespace {

using test::Asm;
using test::Clause;
using test::LocalsRecorder;

using test::guarded_hooks;
using test::kArmFlag;

struct Rewrite {
  MethodBody original;
  MethodBody rewritten;
  RewrittenMethod method;
};

Rewrite rewrite_plain_copy(const std::vector<uint8_t>& body, const std::vector<uint8_t>& sig,
                           const std::vector<uint8_t>& locals = {}) {
  RewriteInput in;
  in.body = body;
  in.method_sig = sig;
  in.locals_sig = locals;
  in.hooks = guarded_hooks();
  LocalsRecorder rec;
  auto r = rewrite_with_probe(in, rec.provider());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  if (!r.ok()) return {};
  auto rewritten = decode_method_body(r->body);
  auto original = decode_method_body(body);
  EXPECT_TRUE(rewritten.ok() && original.ok());
  if (!rewritten.ok() || !original.ok()) return {};
  return {std::move(*original), std::move(*rewritten), std::move(*r)};
}

test::Outcome run_plain_copy(const MethodBody& body, std::vector<int64_t> args, bool armed) {
  return test::Interp(body, std::move(args), guarded_hooks()).armed(armed).enter_returns(1000).run();
}

// switch (arg0) { 0: 10, 1: 11, default: arg0 * arg1 }
std::vector<uint8_t> switch_body() {
  Asm a;
  a.op(Opcode::Ldarg_0)
      .sw({"c0", "c1"})
      .op(Opcode::Ldarg_0)
      .op(Opcode::Ldarg_1)
      .op(Opcode::Mul)
      .op(Opcode::Ret)
      .label("c0")
      .op(Opcode::Ldc_I4_S)
      .u8(10)
      .op(Opcode::Ret)
      .label("c1")
      .op(Opcode::Ldc_I4_S)
      .u8(11)
      .op(Opcode::Ret);
  return test::tiny_body(a.code());
}

// try { if (arg0 == 0) throw 5; r = 1 } catch { r = 2 } return r + arg1
std::vector<uint8_t> try_catch_body() {
  Asm a;
  a.label("try")
      .op(Opcode::Ldarg_0)
      .br(Opcode::Brtrue_S, "no_throw")
      .op(Opcode::Ldc_I4_5)
      .op(Opcode::Throw)
      .label("no_throw")
      .op(Opcode::Ldc_I4_1)
      .op(Opcode::Stloc_0)
      .br(Opcode::Leave_S, "end")
      .label("catch")
      .op(Opcode::Pop)
      .op(Opcode::Ldc_I4_2)
      .op(Opcode::Stloc_0)
      .br(Opcode::Leave_S, "end")
      .label("end")
      .op(Opcode::Ldloc_0)
      .op(Opcode::Ldarg_1)
      .op(Opcode::Add)
      .op(Opcode::Ret);
  const auto off = [&](const char* l) { return static_cast<uint32_t>(a.at(l)); };
  const std::vector<Clause> clauses{
      {0, off("try"), off("catch") - off("try"), off("catch"), off("end") - off("catch"), 0x01000001}};
  return test::fat_body(a.code(), 2, 0x11000005, true, {test::eh_section(clauses, false)});
}

const std::vector<uint8_t> kOneInt32Local{0x07, 0x01, 0x08};

TEST(PlainCopyRewrite, TheDisarmedPathIsTheFlagCheckThenTheOriginalCodeUnchanged) {
  const Rewrite r = rewrite_plain_copy(switch_body(), test::kSigInt32);
  ASSERT_TRUE(r.method.stats.plain_copy);
  const auto& ins = r.rewritten.instructions;
  const auto& orig = r.original.instructions;
  ASSERT_GT(ins.size(), 4 + orig.size());
  EXPECT_EQ(ins[0].opcode, Opcode::Ldc_I8);
  EXPECT_EQ(static_cast<uint64_t>(ins[0].operand), kArmFlag);
  EXPECT_EQ(ins[2].opcode, Opcode::Ldind_U1);
  EXPECT_EQ(ins[3].opcode, Opcode::Brtrue_S);
  const int64_t shift = ins[4].offset;
  for (size_t i = 0; i < orig.size(); ++i) {
    const Instruction& copy = ins[4 + i];
    EXPECT_EQ(copy.opcode, orig[i].opcode) << i;
    EXPECT_EQ(copy.offset, orig[i].offset + shift) << i;
    if (orig[i].opcode == Opcode::Switch) {
      ASSERT_EQ(copy.switch_targets.size(), orig[i].switch_targets.size());
      for (size_t t = 0; t < copy.switch_targets.size(); ++t)
        EXPECT_EQ(copy.switch_targets[t], orig[i].switch_targets[t] + shift);
    } else if (!is_branch(orig[i].opcode)) {
      EXPECT_EQ(copy.operand, orig[i].operand) << i;
    }
  }
  // The armed code starts right after the copy, where the check branches to.
  EXPECT_EQ(ins[3].target, static_cast<int64_t>(ins[4 + orig.size()].offset));
}

TEST(PlainCopyRewrite, BothPathsBehaveAsTheOriginalAndOnlyTheArmedOneCallsHooks) {
  const Rewrite r = rewrite_plain_copy(switch_body(), test::kSigInt32);
  for (int64_t x : {-1, 0, 1, 2, 7}) {
    const test::Outcome before = test::Interp(r.original, {x, 3}).run();
    const test::Outcome armed = run_plain_copy(r.rewritten, {x, 3}, true);
    const test::Outcome disarmed = run_plain_copy(r.rewritten, {x, 3}, false);
    EXPECT_EQ(armed.value, before.value) << x;
    EXPECT_EQ(disarmed.value, before.value) << x;
    EXPECT_EQ(armed.hooks, (std::vector<std::string>{"enter", "leave"})) << x;
    EXPECT_TRUE(disarmed.hooks.empty()) << x;
  }
}

TEST(PlainCopyRewrite, EachCopyKeepsTheOriginalClausesAndTheFaultWrapsOnlyTheArmedOne) {
  const Rewrite r = rewrite_plain_copy(try_catch_body(), test::kSigInt32, kOneInt32Local);
  ASSERT_TRUE(r.method.stats.plain_copy);
  const auto clauses = r.rewritten.eh_clauses();
  ASSERT_EQ(clauses.size(), 3u);
  EXPECT_EQ(clauses[0].kind(), EhClauseKind::Catch);
  EXPECT_EQ(clauses[1].kind(), EhClauseKind::Catch);
  EXPECT_EQ(clauses[2].kind(), EhClauseKind::Fault);
  const uint32_t plain_shift = r.rewritten.instructions[4].offset;
  EXPECT_EQ(clauses[0].try_offset, r.original.eh_clauses()[0].try_offset + plain_shift);
  EXPECT_EQ(clauses[0].try_length, r.original.eh_clauses()[0].try_length);
  EXPECT_GE(clauses[1].try_offset, clauses[2].try_offset);
  EXPECT_LT(clauses[0].handler_end(), clauses[2].try_offset);  // the plain copy is outside the fault's try
  for (int64_t a : {0, 1}) {
    const test::Outcome before = test::Interp(r.original, {a, 10}).run();
    EXPECT_EQ(run_plain_copy(r.rewritten, {a, 10}, false).value, before.value) << a;
    EXPECT_EQ(run_plain_copy(r.rewritten, {a, 10}, true).value, before.value) << a;
    EXPECT_TRUE(run_plain_copy(r.rewritten, {a, 10}, false).hooks.empty()) << a;
  }
}

TEST(PlainCopyRewrite, BothCopiesMapBackToTheOriginalOffsets) {
  const Rewrite r = rewrite_plain_copy(try_catch_body(), test::kSigInt32, kOneInt32Local);
  const auto& map = r.method.il_map;
  const auto& orig = r.original.instructions;
  const auto& ins = r.rewritten.instructions;
  for (size_t i = 1; i < map.size(); ++i) EXPECT_LT(map[i - 1].new_offset, map[i].new_offset) << i;
  for (size_t i = 0; i < orig.size(); ++i) {
    EXPECT_EQ(original_offset_of(map, static_cast<uint32_t>(ins[4 + i].offset)), orig[i].offset) << i;
  }
  // The armed copy: its enter call maps to offset 0, its copied code to the
  // original offsets (the instructions after the armed prologue, whose
  // first original instruction is where the fault's try starts).
  const uint32_t try_start = r.rewritten.eh_clauses().back().try_offset;
  size_t armed_first = 0;
  while (ins[armed_first].offset != try_start) ++armed_first;
  EXPECT_EQ(original_offset_of(map, static_cast<uint32_t>(ins[4 + orig.size()].offset)), 0u);
  for (size_t i = 0; i < orig.size(); ++i) {
    if (orig[i].opcode == Opcode::Ret) break;  // rewritten as a leave: folded, checked elsewhere
    EXPECT_EQ(original_offset_of(map, static_cast<uint32_t>(ins[armed_first + i].offset)), orig[i].offset) << i;
  }
}

TEST(PlainCopyRewrite, MethodsOverTheCopyLimitKeepTheSingleGuardedShape) {
  Asm big;
  big.nops(static_cast<int>(kMaxPlainCopyCodeSize)).op(Opcode::Ldarg_0).op(Opcode::Ret);
  const Rewrite r = rewrite_plain_copy(test::fat_body(big.code(), 1), test::kSigInt32);
  EXPECT_FALSE(r.method.stats.plain_copy);
  EXPECT_LT(r.rewritten.code_size, 2 * r.original.code_size);
  EXPECT_EQ(run_plain_copy(r.rewritten, {6, 0}, false).value, 6);
  EXPECT_TRUE(run_plain_copy(r.rewritten, {6, 0}, false).hooks.empty());
  EXPECT_EQ(run_plain_copy(r.rewritten, {6, 0}, true).hooks, (std::vector<std::string>{"enter", "leave"}));

  Asm small;
  small.nops(static_cast<int>(kMaxPlainCopyCodeSize) - 2).op(Opcode::Ldarg_0).op(Opcode::Ret);
  EXPECT_TRUE(rewrite_plain_copy(test::fat_body(small.code(), 1), test::kSigInt32).method.stats.plain_copy);
}

TEST(PlainCopyRewrite, UnguardedProbesGetNoCopy) {
  RewriteInput in;
  const auto body = switch_body();
  in.body = body;
  in.method_sig = test::kSigInt32;
  in.hooks = test::test_hooks();  // arm_flag 0
  LocalsRecorder rec;
  auto r = rewrite_with_probe(in, rec.provider());
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_FALSE(r->stats.plain_copy);
}

}  // namespace
}  // namespace clrprobe::il
