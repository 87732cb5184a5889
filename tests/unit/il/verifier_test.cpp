#include "il/verifier.h"

#include <gtest/gtest.h>

#include "il_asm.h"
#include "test_sigs.h"

namespace clrprobe::il {
namespace {

using test::Asm;
using test::Clause;

MethodBody decode(const std::vector<uint8_t>& bytes) {
  auto body = decode_method_body(bytes);
  EXPECT_TRUE(body.ok()) << body.error().describe();
  return body.ok() ? std::move(body.value()) : MethodBody{};
}

Result<VerifyReport> verify_bytes(const std::vector<uint8_t>& bytes, std::optional<bool> returns = std::nullopt,
                                  StackEffectResolver resolver = nullptr) {
  VerifyOptions options;
  options.returns_value = returns;
  options.stack_effects = std::move(resolver);
  return verify(decode(bytes), options);
}

void expect_rejected(const Result<VerifyReport>& r, const std::string& needle) {
  ASSERT_FALSE(r.ok()) << "expected a rejection mentioning '" << needle << "'";
  EXPECT_EQ(r.error().reason, Reason::VerificationFailed);
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
}

// try { leave end } catch { pop; leave end }  end: ret   -- with custom clauses
std::vector<uint8_t> try_catch(const std::vector<Clause>& clauses, Asm* a) {
  a->label("try").op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  return test::fat_body(a->code(), 1, 0, false, {test::eh_section(clauses, false)});
}

TEST(Verifier, AcceptsSimpleBodyAndReportsDepth) {
  Asm a;
  a.op(Opcode::Ldarg_0).op(Opcode::Ldarg_1).op(Opcode::Dup).op(Opcode::Add).op(Opcode::Add).op(Opcode::Ret);
  auto r = verify_bytes(test::tiny_body(a.code()), true);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->max_stack_seen, 3u);
  EXPECT_TRUE(r->stack_fully_known());
}

TEST(Verifier, AcceptsTryCatchAndSharedTry) {
  Asm a;
  auto ok = verify_bytes(try_catch({{0, 0, 3, 3, 3, 0x01000001}}, &a), false);
  EXPECT_TRUE(ok.ok()) << ok.error().describe();
  // Two catch clauses protecting the same try.
  Asm b;
  b.label("try").op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("h1").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("h2").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  auto shared = verify_bytes(test::fat_body(b.code(), 1, 0, false,
                                            {test::eh_section({{0, 0, 3, 3, 3, 1}, {0, 0, 3, 6, 3, 2}}, true)}),
                             false);
  EXPECT_TRUE(shared.ok()) << shared.error().describe();
}

TEST(Verifier, RejectsBranchIntoTheMiddleOfAnInstruction) {
  Asm a;
  a.op(Opcode::Br_S).u8(1).op32(Opcode::Ldc_I4, 0).op(Opcode::Ret);
  expect_rejected(verify_bytes(test::tiny_body(a.code())), "inside an instruction");
}

TEST(Verifier, RejectsBranchOutsideTheCode) {
  Asm a;
  a.op(Opcode::Br_S).u8(0x10).op(Opcode::Ret);
  expect_rejected(verify_bytes(test::tiny_body(a.code())), "outside the code");
  Asm b;
  b.op(Opcode::Ldc_I4_0).op(Opcode::Switch).u32(1).u32(0xFFFFFF00).op(Opcode::Ret);
  expect_rejected(verify_bytes(test::tiny_body(b.code())), "outside the code");
}

TEST(Verifier, RejectsFallingOffTheEnd) {
  expect_rejected(verify_bytes(test::tiny_body(Asm().op(Opcode::Nop).code())), "falls off the end");
  expect_rejected(verify_bytes(test::tiny_body(Asm().op(Opcode::Volatile).code())), "falls off the end");
  expect_rejected(verify_bytes(test::tiny_body({})), "no code");
}

TEST(Verifier, RejectsPartiallyOverlappingEh) {
  Asm a;
  a.label("t1").op(Opcode::Nop).op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("h1").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("h2").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  // try1 [0,4) handler [4,7); try2 [1,7) handler [7,10): try2 overlaps handler1 partially.
  const auto bytes = test::fat_body(a.code(), 1, 0, false,
                                    {test::eh_section({{0, 0, 4, 4, 3, 1}, {0, 1, 6, 7, 3, 1}}, false)});
  expect_rejected(verify_bytes(bytes), "partially overlaps");
}

TEST(Verifier, RejectsInnerClauseListedAfterOuter) {
  Asm a;
  a.label("outer").label("inner").op(Opcode::Nop).br(Opcode::Leave_S, "after_inner")
      .label("inner_handler").op(Opcode::Pop).br(Opcode::Leave_S, "after_inner")
      .label("after_inner").br(Opcode::Leave_S, "end")
      .label("outer_handler").op(Opcode::Endfinally)
      .label("end").op(Opcode::Ret);
  const std::vector<Clause> inner_first{{0, 0, 3, 3, 3, 1}, {2, 0, 8, 8, 1, 0}};
  const std::vector<Clause> outer_first{{2, 0, 8, 8, 1, 0}, {0, 0, 3, 3, 3, 1}};
  auto good = verify_bytes(test::fat_body(a.code(), 1, 0, false, {test::eh_section(inner_first, false)}));
  EXPECT_TRUE(good.ok()) << good.error().describe();
  expect_rejected(verify_bytes(test::fat_body(a.code(), 1, 0, false, {test::eh_section(outer_first, false)})),
                  "inner clauses first");
}

TEST(Verifier, RejectsBadClauseRanges) {
  Asm a;
  expect_rejected(verify_bytes(try_catch({{0, 0, 2, 3, 3, 1}}, &a)), "ends inside an instruction");
  Asm b;
  expect_rejected(verify_bytes(try_catch({{0, 0, 3, 3, 30, 1}}, &b)), "past the code");
  Asm c;
  expect_rejected(verify_bytes(try_catch({{0, 0, 0, 3, 3, 1}}, &c)), "empty");
  Asm d;
  expect_rejected(verify_bytes(try_catch({{3, 0, 3, 3, 3, 1}}, &d)), "unknown kind");
  Asm e;
  expect_rejected(verify_bytes(try_catch({{0, 0, 4, 3, 3, 1}}, &e)), "");
}

TEST(Verifier, RejectsStackMismatchAtJoin) {
  Asm a;
  a.op(Opcode::Ldarg_0).br(Opcode::Brtrue_S, "join")
      .op(Opcode::Ldc_I4_1)
      .label("join").op(Opcode::Ret);
  expect_rejected(verify_bytes(test::tiny_body(a.code())), "disagrees");
}

TEST(Verifier, RejectsUnderflowAndWrongReturnDepth) {
  expect_rejected(verify_bytes(test::tiny_body(Asm().op(Opcode::Add).op(Opcode::Ret).code())), "underflow");
  expect_rejected(verify_bytes(test::tiny_body(Asm().op(Opcode::Ret).code()), true), "expected 1");
  expect_rejected(verify_bytes(test::tiny_body(Asm().op(Opcode::Ldc_I4_0).op(Opcode::Ret).code()), false),
                  "expected 0");
}

TEST(Verifier, RejectsExceedingMaxStack) {
  const auto bytes = test::fat_body(
      Asm().op(Opcode::Ldc_I4_0).op(Opcode::Ldc_I4_0).op(Opcode::Add).op(Opcode::Ret).code(), 1);
  expect_rejected(verify_bytes(bytes, true), "max stack is 1");
}

TEST(Verifier, RejectsFallThroughOutOfHandler) {
  Asm a;
  a.label("try").op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("handler").op(Opcode::Pop).op(Opcode::Nop)
      .label("end").op(Opcode::Ret);
  const auto bytes = test::fat_body(a.code(), 1, 0, false, {test::eh_section({{0, 0, 3, 3, 2, 1}}, false)});
  expect_rejected(verify_bytes(bytes), "without leave");
}

TEST(Verifier, RejectsFallThroughOutOfTryIntoHandler) {
  Asm a;
  a.label("try").op(Opcode::Nop).op(Opcode::Nop)
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  const auto bytes = test::fat_body(a.code(), 1, 0, false, {test::eh_section({{0, 0, 2, 2, 3, 1}}, false)});
  expect_rejected(verify_bytes(bytes), "");
}

TEST(Verifier, RejectsBranchesIntoHandlersAndTryMiddles) {
  Asm a;
  a.br(Opcode::Br_S, "handler")
      .label("try").op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  expect_rejected(verify_bytes(test::fat_body(a.code(), 1, 0, false, {test::eh_section({{0, 2, 3, 5, 3, 1}}, false)})),
                  "enters handler");
  Asm b;
  b.br(Opcode::Br_S, "mid")
      .label("try").op(Opcode::Nop).label("mid").op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  expect_rejected(verify_bytes(test::fat_body(b.code(), 1, 0, false, {test::eh_section({{0, 2, 4, 6, 3, 1}}, false)})),
                  "enters try");
  // ...but branching to a try's first instruction is fine.
  Asm c;
  c.br(Opcode::Br_S, "try")
      .label("try").op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  auto ok = verify_bytes(test::fat_body(c.code(), 1, 0, false, {test::eh_section({{0, 2, 3, 5, 3, 1}}, false)}));
  EXPECT_TRUE(ok.ok()) << ok.error().describe();
}

TEST(Verifier, RejectsBranchOutOfTryAndRetInTry) {
  Asm a;
  a.label("try").op(Opcode::Nop).br(Opcode::Br_S, "end")
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  expect_rejected(verify_bytes(test::fat_body(a.code(), 1, 0, false, {test::eh_section({{0, 0, 3, 3, 3, 1}}, false)})),
                  "without leave");
  Asm b;
  b.label("try").op(Opcode::Nop).op(Opcode::Ret)
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  expect_rejected(verify_bytes(test::fat_body(b.code(), 1, 0, false, {test::eh_section({{0, 0, 2, 2, 3, 1}}, false)})),
                  "inside a protected region");
}

TEST(Verifier, FinallyRules) {
  Asm a;
  a.label("try").op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("finally").br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  expect_rejected(verify_bytes(test::fat_body(a.code(), 1, 0, false, {test::eh_section({{2, 0, 3, 3, 2, 0}}, false)})),
                  "leave cannot exit");
  expect_rejected(verify_bytes(test::tiny_body(Asm().op(Opcode::Endfinally).code())), "not directly inside");
  // A finally handler starts with an empty stack.
  Asm b;
  b.label("try").op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("finally").op(Opcode::Pop).op(Opcode::Endfinally)
      .label("end").op(Opcode::Ret);
  expect_rejected(verify_bytes(test::fat_body(b.code(), 1, 0, false, {test::eh_section({{2, 0, 3, 3, 2, 0}}, false)})),
                  "underflow");
}

TEST(Verifier, FilterRules) {
  Asm a;
  a.label("try").op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("filter").op(Opcode::Pop).op(Opcode::Ldc_I4_1).op(Opcode::Endfilter)
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  const auto good = test::fat_body(a.code(), 1, 0, false, {test::eh_section({{1, 0, 3, static_cast<uint32_t>(a.at("handler")), 3, 3}}, false)});
  auto ok = verify_bytes(good);
  EXPECT_TRUE(ok.ok()) << ok.error().describe();
  Asm b;
  b.label("try").op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("filter").op(Opcode::Ldc_I4_1).op(Opcode::Endfilter)
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  expect_rejected(
      verify_bytes(test::fat_body(b.code(), 2, 0, false, {test::eh_section({{1, 0, 3, static_cast<uint32_t>(b.at("handler")), 3, 3}}, false)})),
      "exactly one");
  expect_rejected(verify_bytes(test::tiny_body(Asm().op(Opcode::Rethrow).code())), "not inside a catch");
}

TEST(Verifier, RejectsBranchBetweenPrefixAndInstruction) {
  Asm a;
  a.op(Opcode::Ldarg_0).br(Opcode::Br_S, "load").op(Opcode::Volatile).label("load").op(Opcode::Ldind_I4).op(Opcode::Ret);
  expect_rejected(verify_bytes(test::tiny_body(a.code())), "follows a prefix");
  Asm b;
  b.op(Opcode::Tail).op(Opcode::Nop).op(Opcode::Ret);
  expect_rejected(verify_bytes(test::tiny_body(b.code())), "tail.");
  Asm c;
  c.op(Opcode::Tail).op32(Opcode::Call, 0x0A000001).op(Opcode::Ret);
  EXPECT_TRUE(verify_bytes(test::tiny_body(c.code())).ok());
}

TEST(Verifier, UnknownCallsMakeDepthUnknownButEverythingElseIsChecked) {
  Asm a;
  a.op(Opcode::Ldarg_0).br(Opcode::Brtrue_S, "other")
      .op32(Opcode::Call, 0x0A000001).br(Opcode::Br_S, "join")
      .label("other").op(Opcode::Ldc_I4_0)
      .label("join").op(Opcode::Ret);
  const auto bytes = test::tiny_body(a.code());
  auto conservative = verify_bytes(bytes, true);
  ASSERT_TRUE(conservative.ok()) << conservative.error().describe();
  EXPECT_EQ(conservative->unknown_call_sites, 1u);
  EXPECT_FALSE(conservative->stack_fully_known());
  // The call turns out to take nothing and return nothing: depth 0 vs 1 at join.
  expect_rejected(verify_bytes(bytes, true, [](uint32_t, Opcode) { return std::optional<StackEffect>(StackEffect{0, 0}); }),
                  "disagrees");
  auto exact = verify_bytes(bytes, true, [](uint32_t, Opcode) { return std::optional<StackEffect>(StackEffect{0, 1}); });
  ASSERT_TRUE(exact.ok());
  EXPECT_TRUE(exact->stack_fully_known());
  // Structural errors are still found in conservative mode.
  Asm b;
  b.op32(Opcode::Call, 0x0A000001).op(Opcode::Br_S).u8(1).op32(Opcode::Ldc_I4, 0).op(Opcode::Ret);
  expect_rejected(verify_bytes(test::tiny_body(b.code())), "inside an instruction");
}

TEST(Verifier, StackEffectFromSignatures) {
  auto sig = [](std::vector<uint8_t> blob) { return parse_method_sig(blob).value(); };
  // instance int32 (int32, string)
  const MethodSig inst = sig({0x20, 0x02, 0x08, 0x08, 0x0E});
  EXPECT_EQ(stack_effect_for_call(inst, Opcode::Call), (StackEffect{3, 1}));
  EXPECT_EQ(stack_effect_for_call(inst, Opcode::Callvirt), (StackEffect{3, 1}));
  EXPECT_EQ(stack_effect_for_call(inst, Opcode::Newobj), (StackEffect{2, 1}));
  // static void (int64)
  const MethodSig stat = sig({0x00, 0x01, 0x01, 0x0A});
  EXPECT_EQ(stack_effect_for_call(stat, Opcode::Call), (StackEffect{1, 0}));
  EXPECT_EQ(stack_effect_for_call(stat, Opcode::Calli), (StackEffect{2, 0}));
  // explicit this: `this` is in the parameter list already
  const MethodSig explicit_this = sig({0x60, 0x01, 0x01, 0x1C});
  EXPECT_EQ(stack_effect_for_call(explicit_this, Opcode::Call), (StackEffect{1, 0}));
  // unmanaged cdecl int64(int32) -- the enter hook's calli
  const MethodSig enter = sig({0x09, 0x01, 0x0A, 0x08});
  EXPECT_EQ(stack_effect_for_call(enter, Opcode::Calli), (StackEffect{2, 1}));
}

}  // namespace
}  // namespace clrprobe::il
