// The CountOnly shape of the rewriter (rewriter.h): one counting call at
// entry, the original code unchanged after it - in particular `tail.` calls.
#include <gtest/gtest.h>

#include "il/method_body.h"
#include "il/rewriter.h"
#include "il/verifier.h"
#include "il_asm.h"
#include "il_interp.h"
#include "test_sigs.h"

namespace clrprobe::il {
namespace {

using test::Asm;
using test::Clause;
using test::LocalsRecorder;

constexpr uint32_t kCallee = 0x06000002;  // a MethodDef called in tail position
constexpr uint32_t kSelf = 0x06000001;    // the probed method itself

RewriteInput count_only_input(const std::vector<uint8_t>& body, const std::vector<uint8_t>& sig,
                              const std::vector<uint8_t>& locals = {}) {
  RewriteInput in;
  in.shape = ProbeShape::CountOnly;
  in.body = body;
  in.method_sig = sig;
  in.locals_sig = locals;
  in.hooks = test::test_hooks();
  // The tail-called methods of these tests: static int32 (int32, string).
  in.stack_effects = [](uint32_t token, Opcode) -> std::optional<StackEffect> {
    if (token == kCallee || token == kSelf) return StackEffect{2, 1};
    return std::nullopt;
  };
  return in;
}

struct CountOnly {
  RewrittenMethod method;
  MethodBody body;
  int locals_calls = 0;
};

CountOnly rewrite_count_only(const RewriteInput& in) {
  LocalsRecorder rec;
  auto r = rewrite_with_probe(in, rec.provider());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  if (!r.ok()) return {};
  auto decoded = decode_method_body(r->body);
  EXPECT_TRUE(decoded.ok());
  if (!decoded.ok()) return {};
  return {std::move(r.value()), std::move(decoded.value()), rec.calls};
}

// return Callee(arg0 - 1, arg1) as the F# compiler emits it: tail. call; ret.
std::vector<uint8_t> tail_call_body() {
  Asm a;
  a.op(Opcode::Ldarg_0)
      .op(Opcode::Ldc_I4_1)
      .op(Opcode::Sub)
      .op(Opcode::Ldarg_1)
      .op(Opcode::Tail)
      .op32(Opcode::Call, kCallee)
      .op(Opcode::Ret);
  return test::tiny_body(a.code());
}

TEST(CountOnlyRewrite, TailCallMethodGetsOneCountAtEntryAndKeepsItsTailCall) {
  const auto body = tail_call_body();
  CountOnly rw = rewrite_count_only(count_only_input(body, test::kSigInt32));
  const auto& ins = rw.body.instructions;
  ASSERT_EQ(ins.size(), 4u + 7u);  // ldc.i4 slot; ldc.i8 fn; conv.i; calli + the original 7
  EXPECT_EQ(ins[0].opcode, Opcode::Ldc_I4);
  EXPECT_EQ(ins[0].operand, test::test_hooks().slot);
  EXPECT_EQ(ins[1].opcode, Opcode::Ldc_I8);
  EXPECT_EQ(static_cast<uint64_t>(ins[1].operand), test::test_hooks().count_fn);
  EXPECT_EQ(ins[2].opcode, Opcode::Conv_I);
  EXPECT_EQ(ins[3].opcode, Opcode::Calli);
  EXPECT_EQ(ins[3].operand, test::test_hooks().count_sig_token);
  // The original code follows unchanged: tail. call Callee; ret.
  auto original = decode_method_body(body);
  ASSERT_TRUE(original.ok());
  for (size_t i = 0; i < original->instructions.size(); ++i) {
    EXPECT_EQ(ins[4 + i].opcode, original->instructions[i].opcode) << i;
    EXPECT_EQ(ins[4 + i].operand, original->instructions[i].operand) << i;
  }
  EXPECT_EQ(ins[8].opcode, Opcode::Tail);
  EXPECT_EQ(ins[9].opcode, Opcode::Call);
  EXPECT_EQ(ins[10].opcode, Opcode::Ret);
}

TEST(CountOnlyRewrite, OutputPassesTheVerifierWithEveryCallSiteSized) {
  CountOnly rw = rewrite_count_only(count_only_input(tail_call_body(), test::kSigInt32));
  EXPECT_EQ(rw.method.stats.unknown_call_sites, 0u);
  VerifyOptions options;
  options.returns_value = true;
  options.stack_effects = [](uint32_t token, Opcode) -> std::optional<StackEffect> {
    if (token == test::test_hooks().count_sig_token) return StackEffect{2, 0};
    if (token == kCallee) return StackEffect{2, 1};
    return std::nullopt;
  };
  auto report = verify(rw.body, options);
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_TRUE(report->stack_fully_known());
  EXPECT_EQ(report->max_stack_seen, 2u);
}

TEST(CountOnlyRewrite, AddsNoTryNoLocalsAndWritesNoMetadata) {
  const std::vector<uint8_t> locals{0x07, 0x01, 0x08};
  Asm a;
  a.op(Opcode::Ldarg_0)
      .op(Opcode::Stloc_0)
      .op(Opcode::Ldloc_0)
      .op(Opcode::Ldarg_1)
      .op(Opcode::Tail)
      .op32(Opcode::Call, kCallee)
      .op(Opcode::Ret);
  const auto body = test::fat_body(a.code(), 2, 0x11000005, true);
  CountOnly rw = rewrite_count_only(count_only_input(body, test::kSigInt32, locals));
  EXPECT_EQ(rw.locals_calls, 0);  // no new LocalVarSig
  EXPECT_EQ(rw.body.local_var_sig_token, 0x11000005u);
  EXPECT_EQ(rw.method.locals_sig_token, 0x11000005u);
  EXPECT_EQ(rw.method.locals_sig, locals);
  EXPECT_TRUE(rw.body.init_locals);
  EXPECT_TRUE(rw.body.eh_clauses().empty());
  EXPECT_EQ(rw.method.stats.eh_clauses, 0u);
  EXPECT_EQ(rw.method.stats.returns_rewritten, 0u);
  EXPECT_EQ(rw.method.stats.original_locals, 1u);
  EXPECT_FALSE(rw.method.result_local.has_value());
  EXPECT_EQ(rw.body.max_stack, 2);
}

TEST(CountOnlyRewrite, SmallMaxStackIsRaisedToWhatTheCountCallNeeds) {
  const auto body = test::fat_body(Asm().op(Opcode::Ret).code(), 0);
  CountOnly rw = rewrite_count_only(count_only_input(body, test::kSigVoid));
  EXPECT_EQ(rw.body.max_stack, kCountStackNeed);
}

TEST(CountOnlyRewrite, BranchesSwitchesAndHandlersBehaveAsBeforeAndCountOnce) {
  // Every path of a method with branches, a switch and try/catch/finally:
  // the same result or exception, and exactly one count at entry.
  Asm a;
  a.label("try_outer")
      .label("try_inner")
      .op(Opcode::Ldarg_0)
      .sw({"zero", "one"})
      .op(Opcode::Ldc_I4_5)
      .op(Opcode::Throw)
      .label("zero")
      .op(Opcode::Ldc_I4_1)
      .op(Opcode::Stloc_0)
      .br(Opcode::Leave_S, "after_inner")
      .label("one")
      .op(Opcode::Ldc_I4_2)
      .op(Opcode::Stloc_0)
      .br(Opcode::Leave_S, "after_inner")
      .label("catch")
      .op(Opcode::Pop)
      .op(Opcode::Ldc_I4_3)
      .op(Opcode::Stloc_0)
      .br(Opcode::Leave_S, "after_inner")
      .label("after_inner")
      .br(Opcode::Leave_S, "end")
      .label("finally")
      .op(Opcode::Ldloc_0)
      .op(Opcode::Ldc_I4_S)
      .u8(100)
      .op(Opcode::Add)
      .op(Opcode::Stloc_0)
      .op(Opcode::Endfinally)
      .label("end")
      .op(Opcode::Ldloc_0)
      .op(Opcode::Ret);
  const auto off = [&](const char* l) { return static_cast<uint32_t>(a.at(l)); };
  const std::vector<Clause> clauses{
      {0, off("try_inner"), off("catch") - off("try_inner"), off("catch"), off("after_inner") - off("catch"),
       0x01000001},
      {2, off("try_outer"), off("finally") - off("try_outer"), off("finally"), off("end") - off("finally"), 0}};
  const auto body = test::fat_body(a.code(), 2, 0x11000005, true, {test::eh_section(clauses, false)});
  CountOnly rw = rewrite_count_only(count_only_input(body, test::kSigInt32, {0x07, 0x01, 0x08}));
  ASSERT_EQ(rw.body.eh_clauses().size(), 2u);  // the original two, no fault clause
  auto original = decode_method_body(body);
  ASSERT_TRUE(original.ok());
  const uint32_t shift = static_cast<uint32_t>(rw.body.instructions[4].offset);
  EXPECT_EQ(rw.body.eh_clauses()[0].try_offset, original->eh_clauses()[0].try_offset + shift);
  EXPECT_EQ(rw.body.eh_clauses()[1].handler_offset, original->eh_clauses()[1].handler_offset + shift);
  for (int64_t arg : {0, 1, 2, 7}) {
    test::Outcome before = test::Interp(*original, {arg, 0}).run();
    test::Outcome after = test::Interp(rw.body, {arg, 0}, test::test_hooks()).run();
    EXPECT_EQ(before.threw, after.threw) << arg;
    EXPECT_EQ(before.value, after.value) << arg;
    EXPECT_EQ(after.hooks, std::vector<std::string>{"count"}) << arg;
  }
}

TEST(CountOnlyRewrite, IlMapPutsEveryOriginalInstructionWhereItWent) {
  const auto body = tail_call_body();
  CountOnly rw = rewrite_count_only(count_only_input(body, test::kSigInt32));
  auto original = decode_method_body(body);
  ASSERT_TRUE(original.ok());
  const uint32_t shift = static_cast<uint32_t>(rw.body.instructions[4].offset);
  ASSERT_GT(shift, 0u);
  EXPECT_EQ(original_offset_of(rw.method.il_map, 0), 0u);  // the count call: the method's first line
  for (const Instruction& ins : original->instructions) {
    EXPECT_EQ(original_offset_of(rw.method.il_map, static_cast<uint32_t>(ins.offset) + shift), ins.offset);
    EXPECT_EQ(new_offset_of(rw.method.il_map, static_cast<uint32_t>(ins.offset)), ins.offset + shift);
  }
}

TEST(CountOnlyRewrite, KeepsJmpWhichTheTimedShapeRefuses) {
  const auto body = test::tiny_body(Asm().op32(Opcode::Jmp, kCallee).code());
  CountOnly rw = rewrite_count_only(count_only_input(body, test::kSigVoid));
  ASSERT_EQ(rw.body.instructions.size(), 5u);
  EXPECT_EQ(rw.body.instructions[4].opcode, Opcode::Jmp);
}

TEST(CountOnlyRewrite, RefusesATaskEpilogueAndAMissingCountSignature) {
  const auto body = tail_call_body();
  LocalsRecorder rec;
  RewriteInput with_task = count_only_input(body, test::kSigInt32);
  with_task.task.kind = TaskCompletion::Kind::Task;
  with_task.task.track_method = 0x06000009;
  auto r = rewrite_with_probe(with_task, rec.provider());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::InvalidInput);

  RewriteInput no_sig = count_only_input(body, test::kSigInt32);
  no_sig.hooks.count_sig_token = 0;
  auto r2 = rewrite_with_probe(no_sig, rec.provider());
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().reason, Reason::InvalidInput);
  EXPECT_EQ(rec.calls, 0);
}

TEST(CountOnlyRewrite, StillRefusesBodiesThatFailVerification) {
  // tail. not followed by call; ret is invalid IL in either shape.
  Asm a;
  a.op(Opcode::Ldarg_0)
      .op(Opcode::Ldarg_1)
      .op(Opcode::Tail)
      .op32(Opcode::Call, kCallee)
      .op(Opcode::Pop)
      .op(Opcode::Ldc_I4_0)
      .op(Opcode::Ret);
  LocalsRecorder rec;
  auto r = rewrite_with_probe(count_only_input(test::tiny_body(a.code()), test::kSigInt32), rec.provider());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::VerificationFailed);
}

TEST(CountOnlyRewrite, HasTailCallsFindsTheTailPrefixOnly) {
  auto with_tail = decode_method_body(tail_call_body());
  ASSERT_TRUE(with_tail.ok());
  EXPECT_TRUE(has_tail_calls(*with_tail));
  Asm plain;
  plain.op(Opcode::Ldarg_0).op(Opcode::Ldarg_1).op32(Opcode::Call, kCallee).op(Opcode::Ret);
  auto without = decode_method_body(test::tiny_body(plain.code()));
  ASSERT_TRUE(without.ok());
  EXPECT_FALSE(has_tail_calls(*without));
}

// Implicit tail calls: the Timed shape wraps `call self; ret` in its try
// (where the JIT makes no tail call) and says how many such sites it wrapped;
// the CountOnly shape leaves them tail-callable.
TEST(ImplicitTailCalls, TimedShapeCountsTheSelfRecursiveCallsItWrapsInTheTry) {
  Asm a;
  a.op(Opcode::Ldarg_0)
      .br(Opcode::Brtrue_S, "recurse")
      .op(Opcode::Ldarg_0)
      .op(Opcode::Ret)
      .label("recurse")
      .op(Opcode::Ldarg_0)
      .op(Opcode::Ldc_I4_1)
      .op(Opcode::Sub)
      .op(Opcode::Ldarg_1)
      .op32(Opcode::Call, kSelf)
      .op(Opcode::Ret);
  const auto body = test::tiny_body(a.code());
  RewriteInput in = count_only_input(body, test::kSigInt32);
  in.shape = ProbeShape::Timed;
  in.method_token = kSelf;
  LocalsRecorder rec;
  auto timed = rewrite_with_probe(in, rec.provider());
  ASSERT_TRUE(timed.ok()) << timed.error().describe();
  EXPECT_EQ(timed->stats.self_tail_calls, 1u);
  // The self call is inside the fault clause's try: followed by a leave, not a ret.
  auto decoded = decode_method_body(timed->body);
  ASSERT_TRUE(decoded.ok());
  const EhClause fault = decoded->eh_clauses().back();
  bool found = false;
  for (size_t i = 0; i + 1 < decoded->instructions.size(); ++i) {
    const Instruction& ins = decoded->instructions[i];
    if (ins.opcode != Opcode::Call || static_cast<uint32_t>(ins.operand) != kSelf) continue;
    found = true;
    EXPECT_GE(ins.offset, fault.try_offset);
    EXPECT_LT(ins.offset, fault.try_end());
    EXPECT_NE(decoded->instructions[i + 1].opcode, Opcode::Ret);
  }
  EXPECT_TRUE(found);

  // Another method's call in tail position is not a self-recursive site.
  in.method_token = kCallee + 1;
  auto other = rewrite_with_probe(in, rec.provider());
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->stats.self_tail_calls, 0u);

  // CountOnly keeps `call self; ret` as it was.
  in.shape = ProbeShape::CountOnly;
  in.method_token = kSelf;
  auto count_only = rewrite_with_probe(in, rec.provider());
  ASSERT_TRUE(count_only.ok());
  EXPECT_EQ(count_only->stats.self_tail_calls, 0u);
  auto kept = decode_method_body(count_only->body);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->instructions.back().opcode, Opcode::Ret);
  EXPECT_EQ(kept->instructions[kept->instructions.size() - 2].opcode, Opcode::Call);
}

}  // namespace
}  // namespace clrprobe::il
