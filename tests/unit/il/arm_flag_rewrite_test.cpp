// The arm-guarded shapes of the rewriter (rewriter.h, "Arm flag"): the hooks
// run only while the byte at ProbeHooks::arm_flag is set; a disarmed call
// runs the original behaviour with no hook at all; a sampled enter's
// "counted, not timed" start (1) skips leave but still counts an exception.
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
using test::guarded_hooks;
using test::kArmFlag;
using test::LocalsRecorder;

constexpr uint32_t kGuardedCallee = 0x06000002;

struct Guarded {
  MethodBody original;
  MethodBody rewritten;
  RewriteStats stats;
};

Guarded rewrite_guarded(const std::vector<uint8_t>& body, const std::vector<uint8_t>& sig, ProbeShape shape,
                        TaskCompletion task = {}) {
  RewriteInput in;
  in.shape = shape;
  in.body = body;
  in.method_sig = sig;
  in.hooks = guarded_hooks();
  in.task = task;
  in.stack_effects = [](uint32_t token, Opcode) -> std::optional<StackEffect> {
    if (token == kGuardedCallee) return StackEffect{2, 1};
    if (token == 0x06000100) return StackEffect{3, 0};  // Track(task, slot, start)
    return std::nullopt;
  };
  LocalsRecorder rec;
  auto r = rewrite_with_probe(in, rec.provider());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  if (!r.ok()) return {};
  auto rewritten = decode_method_body(r->body);
  auto original = decode_method_body(body);
  EXPECT_TRUE(rewritten.ok() && original.ok());
  if (!rewritten.ok() || !original.ok()) return {};
  return {std::move(*original), std::move(*rewritten), r->stats};
}

// if (arg0 == 0) throw 9; return arg0 + arg1
std::vector<uint8_t> maybe_throwing_body() {
  Asm a;
  a.op(Opcode::Ldarg_0)
      .br(Opcode::Brtrue_S, "add")
      .op(Opcode::Ldc_I4_S)
      .u8(9)
      .op(Opcode::Throw)
      .label("add")
      .op(Opcode::Ldarg_0)
      .op(Opcode::Ldarg_1)
      .op(Opcode::Add)
      .op(Opcode::Ret);
  return test::tiny_body(a.code());
}

test::Outcome run_guarded(const MethodBody& body, std::vector<int64_t> args, bool armed, int64_t start = 1000) {
  return test::Interp(body, std::move(args), guarded_hooks()).armed(armed).enter_returns(start).run();
}

TEST(ArmFlagRewrite, ArmedTimedCallRunsEnterThenLeaveOrException) {
  const Guarded g = rewrite_guarded(maybe_throwing_body(), test::kSigInt32, ProbeShape::Timed);
  for (int64_t arg : {0, 4}) {
    const test::Outcome before = test::Interp(g.original, {arg, 3}).run();
    const test::Outcome after = run_guarded(g.rewritten, {arg, 3}, /*armed=*/true);
    EXPECT_EQ(before.threw, after.threw) << arg;
    EXPECT_EQ(before.value, after.value) << arg;
    const std::vector<std::string> expected{"enter", before.threw ? "exception" : "leave"};
    EXPECT_EQ(after.hooks, expected) << arg;
  }
}

TEST(ArmFlagRewrite, DisarmedTimedCallBehavesAsTheOriginalAndCallsNoHook) {
  const Guarded g = rewrite_guarded(maybe_throwing_body(), test::kSigInt32, ProbeShape::Timed);
  for (int64_t arg : {0, 4}) {
    const test::Outcome before = test::Interp(g.original, {arg, 3}).run();
    const test::Outcome after = run_guarded(g.rewritten, {arg, 3}, /*armed=*/false);
    EXPECT_EQ(before.threw, after.threw) << arg;
    EXPECT_EQ(before.value, after.value) << arg;
    EXPECT_TRUE(after.hooks.empty()) << arg;
  }
}

TEST(ArmFlagRewrite, CountedUntimedStartSkipsLeaveButStillCountsTheException) {
  const Guarded g = rewrite_guarded(maybe_throwing_body(), test::kSigInt32, ProbeShape::Timed);
  EXPECT_EQ(run_guarded(g.rewritten, {4, 3}, true, /*start=*/1).hooks, std::vector<std::string>{"enter"});
  EXPECT_EQ(run_guarded(g.rewritten, {0, 3}, true, /*start=*/1).hooks,
            (std::vector<std::string>{"enter", "exception"}));
}

TEST(ArmFlagRewrite, TheFlagIsReadOnceAtEntryWithAPlainLoad) {
  const Guarded g = rewrite_guarded(maybe_throwing_body(), test::kSigInt32, ProbeShape::Timed);
  int loads = 0;
  for (size_t i = 0; i + 2 < g.rewritten.instructions.size(); ++i) {
    const auto& ins = g.rewritten.instructions;
    if (ins[i].opcode == Opcode::Ldc_I8 && static_cast<uint64_t>(ins[i].operand) == kArmFlag) {
      ++loads;
      EXPECT_EQ(ins[i + 1].opcode, Opcode::Conv_I);
      EXPECT_EQ(ins[i + 2].opcode, Opcode::Ldind_U1);
      // Before the try: the decision of a call is taken before its body runs.
      ASSERT_FALSE(g.rewritten.eh_clauses().empty());
      EXPECT_LT(ins[i].offset, g.rewritten.eh_clauses().back().try_offset);
    }
    EXPECT_NE(ins[i].opcode, Opcode::Volatile);
  }
  EXPECT_EQ(loads, 1);
}

TEST(ArmFlagRewrite, GuardedBodiesPassTheVerifierWithEveryCallSiteSized) {
  const Guarded timed = rewrite_guarded(maybe_throwing_body(), test::kSigInt32, ProbeShape::Timed);
  const Guarded count = rewrite_guarded(maybe_throwing_body(), test::kSigInt32, ProbeShape::CountOnly);
  const ProbeHooks h = guarded_hooks();
  VerifyOptions options;
  options.returns_value = true;
  options.stack_effects = [&](uint32_t token, Opcode) -> std::optional<StackEffect> {
    if (token == h.enter_sig_token) return StackEffect{2, 1};
    if (token == h.leave_sig_token) return StackEffect{3, 0};
    if (token == h.count_sig_token) return StackEffect{2, 0};
    return std::nullopt;
  };
  for (const MethodBody* body : {&timed.rewritten, &count.rewritten}) {
    auto report = verify(*body, options);
    ASSERT_TRUE(report.ok()) << report.error().describe();
    EXPECT_TRUE(report->stack_fully_known());
  }
  EXPECT_EQ(timed.stats.unknown_call_sites, 0u);
  EXPECT_EQ(count.stats.unknown_call_sites, 0u);
}

TEST(ArmFlagRewrite, GuardedCountOnlyCountsWhileArmedAndKeepsItsTailCall) {
  Asm a;
  a.op(Opcode::Ldarg_0).op(Opcode::Ldarg_1).op(Opcode::Tail).op32(Opcode::Call, kGuardedCallee).op(Opcode::Ret);
  const Guarded g = rewrite_guarded(test::tiny_body(a.code()), test::kSigInt32, ProbeShape::CountOnly);
  const auto& ins = g.rewritten.instructions;
  ASSERT_GE(ins.size(), 3u);
  EXPECT_EQ(ins[ins.size() - 3].opcode, Opcode::Tail);
  EXPECT_EQ(ins.back().opcode, Opcode::Ret);
  EXPECT_TRUE(g.rewritten.eh_clauses().empty());

  Asm plain;
  plain.op(Opcode::Ldarg_0).op(Opcode::Ldarg_1).op(Opcode::Sub).op(Opcode::Ret);
  const Guarded p = rewrite_guarded(test::tiny_body(plain.code()), test::kSigInt32, ProbeShape::CountOnly);
  const test::Outcome armed = run_guarded(p.rewritten, {9, 4}, true);
  const test::Outcome disarmed = run_guarded(p.rewritten, {9, 4}, false);
  EXPECT_EQ(armed.value, 5);
  EXPECT_EQ(disarmed.value, 5);
  EXPECT_EQ(armed.hooks, std::vector<std::string>{"count"});
  EXPECT_TRUE(disarmed.hooks.empty());
}

TEST(ArmFlagRewrite, DisarmedTaskMethodReturnsItsTaskWithoutTracking) {
  // static Task M() { return null; } with a Task epilogue: START 0 branches
  // around Track to a plain return of the result.
  static const std::vector<uint8_t> task_sig = {0x00, 0x00, 0x12, 0x41};  // class TypeRef row 0x10
  TaskCompletion task;
  task.kind = TaskCompletion::Kind::Task;
  task.track_method = 0x06000100;
  const Guarded g = rewrite_guarded(test::tiny_body(Asm().op(Opcode::Ldnull).op(Opcode::Ret).code()), task_sig,
                                    ProbeShape::Timed, task);
  const auto& ins = g.rewritten.instructions;
  // The epilogue starts after endfault with `ldloc START; brfalse PLAIN`, and
  // PLAIN (the last two instructions) is `ldloc RESULT; ret`.
  size_t endfault = 0;
  for (size_t i = 0; i < ins.size(); ++i) {
    if (ins[i].opcode == Opcode::Endfinally) endfault = i;
  }
  ASSERT_GT(ins.size(), endfault + 2);
  EXPECT_EQ(ins[endfault + 1].opcode, Opcode::Ldloc_0);  // START
  EXPECT_EQ(ins[endfault + 2].opcode, Opcode::Brfalse_S);
  EXPECT_EQ(ins[endfault + 2].target, static_cast<int64_t>(ins[ins.size() - 2].offset));
  EXPECT_EQ(ins[ins.size() - 2].opcode, Opcode::Ldloc_1);  // RESULT
  EXPECT_EQ(ins.back().opcode, Opcode::Ret);
}

}  // namespace
}  // namespace clrprobe::il
