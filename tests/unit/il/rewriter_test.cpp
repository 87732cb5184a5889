#include "il/rewriter.h"

#include <gtest/gtest.h>

#include "il/method_body.h"
#include "il/signature.h"
#include "il/verifier.h"
#include "il_asm.h"
#include "il_interp.h"
#include "test_sigs.h"

namespace clrprobe::il {
namespace {

using test::Asm;
using test::Clause;
using test::LocalsRecorder;

struct Rewritten {
  RewrittenMethod method;
  MethodBody body;
};

Result<RewrittenMethod> rewrite(const std::vector<uint8_t>& body, const std::vector<uint8_t>& sig,
                                const std::vector<uint8_t>& locals = {},
                                LocalsRecorder* recorder = nullptr) {
  LocalsRecorder local_recorder;
  LocalsRecorder* rec = recorder ? recorder : &local_recorder;
  RewriteInput in;
  in.body = body;
  in.method_sig = sig;
  in.locals_sig = locals;
  in.hooks = test::test_hooks();
  return rewrite_with_probe(in, rec->provider());
}

Rewritten rewrite_ok(const std::vector<uint8_t>& body, const std::vector<uint8_t>& sig,
                     const std::vector<uint8_t>& locals = {}) {
  auto r = rewrite(body, sig, locals);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  if (!r.ok()) return {};
  auto decoded = decode_method_body(r->body);
  EXPECT_TRUE(decoded.ok());
  return {std::move(r.value()), std::move(decoded.value())};
}

// Runs original and rewritten code with the same arguments; the rewritten
// one must behave identically and call enter, then leave or exception.
void expect_same_behaviour(const std::vector<uint8_t>& original_bytes, const Rewritten& rw,
                           std::vector<int64_t> args) {
  auto original = decode_method_body(original_bytes);
  ASSERT_TRUE(original.ok());
  test::Outcome before = test::Interp(*original, args).run();
  test::Outcome after = test::Interp(rw.body, args, test::test_hooks()).run();
  EXPECT_EQ(before.threw, after.threw);
  EXPECT_EQ(before.value, after.value);
  ASSERT_EQ(after.hooks.size(), 2u);
  EXPECT_EQ(after.hooks[0], "enter");
  EXPECT_EQ(after.hooks[1], before.threw ? "exception" : "leave");
}

TEST(Rewriter, VoidTinyMethodGetsProbeShape) {
  const auto body = test::tiny_body(Asm().op(Opcode::Ret).code());
  Rewritten rw = rewrite_ok(body, test::kSigVoid);
  const auto& ins = rw.body.instructions;
  ASSERT_GE(ins.size(), 5u);
  EXPECT_EQ(ins[0].opcode, Opcode::Ldc_I4);
  EXPECT_EQ(ins[0].operand, 7);
  EXPECT_EQ(ins[1].opcode, Opcode::Ldc_I8);
  EXPECT_EQ(static_cast<uint64_t>(ins[1].operand), 0x1111111111111111ull);
  EXPECT_EQ(ins[2].opcode, Opcode::Conv_I);
  EXPECT_EQ(ins[3].opcode, Opcode::Calli);
  EXPECT_EQ(ins[3].operand, 0x11000001);
  EXPECT_EQ(ins[4].opcode, Opcode::Stloc_0);
  EXPECT_EQ(ins[5].opcode, Opcode::Leave_S);  // the original ret
  EXPECT_EQ(ins.back().opcode, Opcode::Ret);
  EXPECT_EQ(rw.body.header_kind, HeaderKind::Fat);
  EXPECT_EQ(rw.body.max_stack, 8);  // tiny implied 8
  EXPECT_FALSE(rw.body.init_locals);
  EXPECT_EQ(rw.body.local_var_sig_token, test::kNewLocalsToken);
  ASSERT_EQ(rw.body.eh_clauses().size(), 1u);
  const EhClause fault = rw.body.eh_clauses()[0];
  EXPECT_EQ(fault.kind(), EhClauseKind::Fault);
  EXPECT_EQ(fault.try_offset, ins[5].offset);
  EXPECT_EQ(rw.method.locals_sig, (std::vector<uint8_t>{0x07, 0x01, 0x0A}));
  EXPECT_EQ(rw.method.start_local, 0);
  EXPECT_FALSE(rw.method.result_local.has_value());
  EXPECT_EQ(rw.method.stats.returns_rewritten, 1u);
  expect_same_behaviour(body, rw, {});
}

TEST(Rewriter, NonVoidWithSeveralReturnsBehavesTheSame) {
  Asm a;
  a.op(Opcode::Ldarg_0).br(Opcode::Brtrue_S, "nonzero")
      .op(Opcode::Ldc_I4_1).op(Opcode::Ret)
      .label("nonzero").op(Opcode::Ldarg_0).op(Opcode::Ldarg_1).br(Opcode::Bgt_S, "bigger")
      .op(Opcode::Ldarg_1).op(Opcode::Ret)
      .label("bigger").op(Opcode::Ldarg_0).op(Opcode::Ret);
  const auto body = test::tiny_body(a.code());
  Rewritten rw = rewrite_ok(body, test::kSigInt32);
  EXPECT_EQ(rw.method.stats.returns_rewritten, 3u);
  EXPECT_EQ(rw.method.locals_sig, (std::vector<uint8_t>{0x07, 0x02, 0x0A, 0x08}));
  EXPECT_EQ(*rw.method.result_local, 1);
  for (auto args : std::vector<std::vector<int64_t>>{{0, 5}, {3, 9}, {9, 3}}) {
    expect_same_behaviour(body, rw, args);
  }
}

TEST(Rewriter, ShortBranchesThatNoLongerReachAreWidened) {
  Asm a;
  a.op(Opcode::Ldarg_0).br(Opcode::Brtrue_S, "far");
  for (int i = 0; i < 45; ++i) a.op(Opcode::Ldc_I4_1).op(Opcode::Ret);
  a.label("far").op(Opcode::Ldc_I4_2).op(Opcode::Ret);
  const auto code = a.code();
  ASSERT_LT(a.at("far") - 3, 128u);  // fits before rewriting
  const auto body = test::fat_body(code, 1);
  Rewritten rw = rewrite_ok(body, test::kSigInt32);
  EXPECT_GT(rw.method.stats.branches_widened, 0u);
  bool found_long = false;
  for (const auto& ins : rw.body.instructions) found_long |= ins.opcode == Opcode::Brtrue;
  EXPECT_TRUE(found_long);
  EXPECT_EQ(rw.body.max_stack, kProbeStackNeed);
  expect_same_behaviour(body, rw, {0, 0});
  expect_same_behaviour(body, rw, {1, 0});
}

TEST(Rewriter, BackwardShortBranchAcrossReturnsIsWidened) {
  Asm b;
  b.op(Opcode::Ldc_I4_0).op(Opcode::Stloc_0)
      .label("top").op(Opcode::Ldloc_0).op(Opcode::Ldc_I4_3).br(Opcode::Bge, "done")
      .op(Opcode::Ldloc_0).op(Opcode::Ldc_I4_1).op(Opcode::Add).op(Opcode::Stloc_0)
      .op(Opcode::Ldarg_0).br(Opcode::Brtrue, "skip");
  for (int i = 0; i < 30; ++i) b.op(Opcode::Ldloc_0).op(Opcode::Ret);
  b.label("skip").br(Opcode::Br_S, "top");
  b.label("done").op(Opcode::Ldloc_0).op(Opcode::Ret);
  const std::vector<uint8_t> locals{0x07, 0x01, 0x08};
  const auto body = test::fat_body(b.code(), 2, 0x11000005, true);
  Rewritten rw = rewrite_ok(body, test::kSigInt32, locals);
  EXPECT_GT(rw.method.stats.branches_widened, 0u);
  EXPECT_TRUE(rw.body.init_locals);
  EXPECT_EQ(rw.method.locals_sig, (std::vector<uint8_t>{0x07, 0x03, 0x08, 0x0A, 0x08}));
  expect_same_behaviour(body, rw, {1, 0});
  expect_same_behaviour(body, rw, {0, 0});
}

TEST(Rewriter, LeaveSCrossingReturnsIsWidened) {
  Asm a;
  a.label("try").op(Opcode::Ldarg_0).op(Opcode::Stloc_0).br(Opcode::Leave_S, "end")
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("dead");
  for (int i = 0; i < 45; ++i) a.op(Opcode::Ldc_I4_1).op(Opcode::Ret);  // unreachable, still rewritten
  a.label("end").op(Opcode::Ldloc_0).op(Opcode::Ret);
  ASSERT_LE(a.at("end") - a.at("handler"), 127u);
  const auto off = [&](const char* l) { return static_cast<uint32_t>(a.at(l)); };
  const auto body = test::fat_body(a.code(), 1, 0x11000005, false,
                                   {test::eh_section({{0, 0, off("handler"), off("handler"),
                                                       off("dead") - off("handler"), 0x01000001}}, false)});
  Rewritten rw = rewrite_ok(body, test::kSigInt32, {0x07, 0x01, 0x08});
  int long_leaves = 0;
  for (const auto& ins : rw.body.instructions) long_leaves += ins.opcode == Opcode::Leave;
  EXPECT_GE(long_leaves, 2);
  expect_same_behaviour(body, rw, {4, 0});
}

TEST(Rewriter, SeveralEhSectionsAreMergedIntoOneFatSection) {
  Asm a;
  a.label("try").op(Opcode::Nop).br(Opcode::Leave_S, "end")
      .label("h1").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("h2").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  const auto body = test::fat_body(a.code(), 1, 0, false,
                                   {test::eh_section({{0, 0, 3, 3, 3, 1}}, false, true),
                                    test::eh_section({{0, 0, 3, 6, 3, 2}}, true)});
  Rewritten rw = rewrite_ok(body, test::kSigVoid);
  ASSERT_EQ(rw.body.sections.size(), 1u);
  EXPECT_TRUE(rw.body.sections[0].is_fat());
  ASSERT_EQ(rw.body.sections[0].clauses.size(), 3u);
  EXPECT_EQ(rw.body.sections[0].clauses[1].class_token_or_filter_offset, 2u);
}

TEST(Rewriter, SwitchTargetsAreRemapped) {
  Asm a;
  a.op(Opcode::Ldarg_0).sw({"c0", "c1", "c2"})
      .op(Opcode::Ldc_I4_M1).op(Opcode::Ret)
      .label("c0").op(Opcode::Ldc_I4_S).u8(10).op(Opcode::Ret)
      .label("c1").op(Opcode::Ldc_I4_S).u8(11).op(Opcode::Ret)
      .label("c2").op(Opcode::Ldc_I4_S).u8(12).op(Opcode::Ret);
  const auto body = test::tiny_body(a.code());
  Rewritten rw = rewrite_ok(body, test::kSigInt32);
  for (int64_t x : {-1, 0, 1, 2, 3}) expect_same_behaviour(body, rw, {x, 0});
}

// try { if (a == 0) throw 5; r = 1; } catch { r = 2 (or rethrow-like throw 9 if a == 2) }
// finally { ... } ; return r
std::vector<uint8_t> nested_try_body() {
  Asm a;
  a.label("try_outer").label("try_inner")
      .op(Opcode::Ldarg_0).br(Opcode::Brtrue_S, "no_throw")
      .op(Opcode::Ldc_I4_5).op(Opcode::Throw)
      .label("no_throw").op(Opcode::Ldc_I4_1).op(Opcode::Stloc_0).br(Opcode::Leave_S, "after_inner")
      .label("catch").op(Opcode::Pop)
      .op(Opcode::Ldarg_0).op(Opcode::Ldc_I4_2).br(Opcode::Bne_Un_S, "handled")
      .op(Opcode::Ldc_I4_S).u8(9).op(Opcode::Throw)
      .label("handled").op(Opcode::Ldc_I4_2).op(Opcode::Stloc_0).br(Opcode::Leave_S, "after_inner")
      .label("after_inner").br(Opcode::Leave_S, "end")
      .label("finally").op(Opcode::Ldloc_0).op(Opcode::Ldc_I4_S).u8(100).op(Opcode::Add)
      .op(Opcode::Stloc_0).op(Opcode::Endfinally)
      .label("end").op(Opcode::Ldloc_0).op(Opcode::Ret);
  const auto off = [&](const char* l) { return static_cast<uint32_t>(a.at(l)); };
  const std::vector<Clause> clauses{
      {0, off("try_inner"), off("catch") - off("try_inner"), off("catch"),
       off("after_inner") - off("catch"), 0x01000001},
      {2, off("try_outer"), off("finally") - off("try_outer"), off("finally"),
       off("end") - off("finally"), 0}};
  return test::fat_body(a.code(), 2, 0x11000005, true, {test::eh_section(clauses, false)});
}

TEST(Rewriter, NestedTryCatchFinallyKeepsBehaviour) {
  const auto body = nested_try_body();
  const std::vector<uint8_t> locals{0x07, 0x01, 0x08};
  Rewritten rw = rewrite_ok(body, test::kSigInt32, locals);
  const auto clauses = rw.body.eh_clauses();
  ASSERT_EQ(clauses.size(), 3u);
  EXPECT_EQ(clauses[0].kind(), EhClauseKind::Catch);
  EXPECT_EQ(clauses[0].class_token_or_filter_offset, 0x01000001u);
  EXPECT_EQ(clauses[1].kind(), EhClauseKind::Finally);
  EXPECT_EQ(clauses[2].kind(), EhClauseKind::Fault);
  EXPECT_TRUE(rw.body.sections[0].is_fat());
  // Clause shapes are shifted by the prologue only.
  auto original = decode_method_body(body);
  const auto shift = rw.body.instructions[5].offset;
  EXPECT_EQ(clauses[0].try_offset, original->eh_clauses()[0].try_offset + shift);
  for (int64_t a : {0, 1, 2}) expect_same_behaviour(body, rw, {a, 0});
}

TEST(Rewriter, FilterClauseOffsetsAreRemapped) {
  Asm a;
  a.label("try").op(Opcode::Ldarg_0).op(Opcode::Throw)
      .label("filter").op(Opcode::Pop).op(Opcode::Ldc_I4_1).op(Opcode::Endfilter)
      .label("handler").op(Opcode::Pop).br(Opcode::Leave_S, "end")
      .label("end").op(Opcode::Ret);
  const auto off = [&](const char* l) { return static_cast<uint32_t>(a.at(l)); };
  const std::vector<Clause> clauses{{1, 0, off("filter"), off("handler"),
                                     off("end") - off("handler"), off("filter")}};
  const auto body = test::fat_body(a.code(), 1, 0, false, {test::eh_section(clauses, true)});
  Rewritten rw = rewrite_ok(body, test::kSigVoid);
  const auto c = rw.body.eh_clauses();
  ASSERT_EQ(c.size(), 2u);
  const uint32_t shift = rw.body.instructions[5].offset;
  EXPECT_EQ(c[0].try_offset, shift);
  EXPECT_EQ(c[0].class_token_or_filter_offset, off("filter") + shift);
  EXPECT_EQ(c[0].handler_offset, off("handler") + shift);
  EXPECT_EQ(c[0].handler_length, off("end") - off("handler"));
}

TEST(Rewriter, ValueTypeByRefAndRefReadonlyReturnsCopyTheReturnTypeBytes) {
  struct Case {
    const std::vector<uint8_t>* sig;
    std::vector<uint8_t> ret_bytes;
  };
  for (const Case& c : {Case{&test::kSigValueType, {0x11, 0x08}}, Case{&test::kSigByRef, {0x10, 0x08}},
                        Case{&test::kSigRefReadonly, {0x1F, 0x09, 0x10, 0x08}},
                        Case{&test::kSigGenericMethod, {0x1E, 0x00}}}) {
    // ldloc.0 is only a stand-in for "some value"; the verifier does not type-check.
    const auto body = test::fat_body(Asm().op(Opcode::Ldloc_0).op(Opcode::Ret).code(), 1, 0x11000005);
    const std::vector<uint8_t> locals{0x07, 0x01, 0x08};
    Rewritten rw = rewrite_ok(body, *c.sig, locals);
    std::vector<uint8_t> expected{0x07, 0x03, 0x08, 0x0A};
    expected.insert(expected.end(), c.ret_bytes.begin(), c.ret_bytes.end());
    EXPECT_EQ(rw.method.locals_sig, expected);
    EXPECT_EQ(rw.method.start_local, 1);
    EXPECT_EQ(*rw.method.result_local, 2);
  }
}

TEST(Rewriter, ManyLocalsUseShortAndLongLocalForms) {
  for (uint32_t count : {3u, 200u, 254u, 255u, 300u}) {
    std::vector<uint8_t> locals{0x07};
    ASSERT_TRUE(encode_compressed_uint(count, &locals).ok());
    locals.insert(locals.end(), count, 0x08);
    const auto body = test::fat_body(Asm().op(Opcode::Ldc_I4_0).op(Opcode::Ret).code(), 1, 0x11000005);
    Rewritten rw = rewrite_ok(body, test::kSigInt32, locals);
    const auto& ins = rw.body.instructions;
    const Opcode start_store = ins[4].opcode;
    if (count <= 3) {
      EXPECT_EQ(static_cast<uint16_t>(start_store), static_cast<uint16_t>(Opcode::Stloc_0) + count);
    } else if (count <= 255) {
      EXPECT_EQ(start_store, Opcode::Stloc_S);
    } else {
      EXPECT_EQ(start_store, Opcode::Stloc);
    }
    if (count > 3) {
      EXPECT_EQ(ins[4].operand, count);
    }
    EXPECT_EQ(rw.method.stats.original_locals, count);
    expect_same_behaviour(body, rw, {});
  }
}

TEST(Rewriter, PrefixesAndUnknownCallsAreKept) {
  Asm a;
  a.op(Opcode::Ldarg_0).op(Opcode::Volatile).op(Opcode::Ldind_I4)
      .op(Opcode::Ldarg_1).op32(Opcode::Constrained, 0x1B000001).op32(Opcode::Callvirt, 0x0A000001)
      .op(Opcode::Add).op(Opcode::Ret);
  const auto body = test::fat_body(a.code(), 2);
  auto r = rewrite(body, test::kSigInt32);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->stats.unknown_call_sites, 1u);

  // With a resolver the depth is fully known.
  LocalsRecorder rec;
  RewriteInput in;
  in.body = body;
  in.method_sig = test::kSigInt32;
  in.hooks = test::test_hooks();
  in.stack_effects = [](uint32_t, Opcode) { return std::optional<StackEffect>(StackEffect{1, 1}); };
  auto r2 = rewrite_with_probe(in, rec.provider());
  ASSERT_TRUE(r2.ok()) << r2.error().describe();
  EXPECT_EQ(r2->stats.unknown_call_sites, 0u);
}

TEST(Rewriter, LocallocOutsideHandlersIsAccepted) {
  const auto body = test::tiny_body(
      Asm().op(Opcode::Ldc_I4_8).op(Opcode::Localloc).op(Opcode::Pop).op(Opcode::Ret).code());
  Rewritten rw = rewrite_ok(body, test::kSigVoid);
  EXPECT_FALSE(rw.body.init_locals);
}

TEST(Rewriter, RefusesTailCalls) {
  Asm a;
  a.op(Opcode::Tail).op32(Opcode::Call, 0x0A000001).op(Opcode::Ret);
  auto r = rewrite(test::tiny_body(a.code()), test::kSigVoid);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::UnsupportedTailCall);
}

TEST(Rewriter, RefusesJmp) {
  auto r = rewrite(test::tiny_body(Asm().op32(Opcode::Jmp, 0x06000001).code()), test::kSigVoid);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::UnsupportedJmp);
}

TEST(Rewriter, RefusesOversizedResult) {
  RewriteInput in;
  const auto body = test::tiny_body(Asm().op(Opcode::Ret).code());
  in.body = body;
  in.method_sig = test::kSigVoid;
  in.hooks = test::test_hooks();
  in.max_code_size = 20;
  LocalsRecorder rec;
  auto r = rewrite_with_probe(in, rec.provider());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::MethodTooLarge);
  EXPECT_EQ(rec.calls, 0);  // no metadata is emitted for a refused method
}

TEST(Rewriter, RefusesTooManyLocals) {
  std::vector<uint8_t> locals{0x07};
  ASSERT_TRUE(encode_compressed_uint(kMaxLocals, &locals).ok());
  locals.insert(locals.end(), kMaxLocals, 0x08);
  const auto body = test::fat_body(Asm().op(Opcode::Ret).code(), 1, 0x11000005);
  auto r = rewrite(body, test::kSigVoid, locals);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::MethodTooLarge);
}

TEST(Rewriter, RefusesBodiesThatFailVerification) {
  // br.s into the middle of ldc.i4
  Asm a;
  a.op(Opcode::Br_S).u8(1).op32(Opcode::Ldc_I4, 0).op(Opcode::Ret);
  auto r = rewrite(test::tiny_body(a.code()), test::kSigInt32);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::VerificationFailed);
}

TEST(Rewriter, RefusesLocalsMismatchAndBadSignatures) {
  const auto body = test::fat_body(Asm().op(Opcode::Ret).code(), 1, 0x11000005);
  auto no_blob = rewrite(body, test::kSigVoid);
  ASSERT_FALSE(no_blob.ok());
  EXPECT_EQ(no_blob.error().reason, Reason::InvalidInput);

  const auto tiny = test::tiny_body(Asm().op(Opcode::Ret).code());
  auto bad_sig = rewrite(tiny, {0x00, 0x01});
  ASSERT_FALSE(bad_sig.ok());
  EXPECT_EQ(bad_sig.error().reason, Reason::Truncated);
  auto field_sig = rewrite(tiny, {0x06, 0x08});
  ASSERT_FALSE(field_sig.ok());
  EXPECT_EQ(field_sig.error().reason, Reason::InvalidInput);
}

TEST(Rewriter, RefusesNonEhSections) {
  auto body = test::fat_body(Asm().op(Opcode::Ret).code(), 1, 0, false,
                             {std::vector<uint8_t>{0x02, 0x04, 0xAA, 0xBB}});
  auto r = rewrite(body, test::kSigVoid);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::Unsupported);
}

TEST(Rewriter, PassesOnTheLocalsTokenError) {
  RewriteInput in;
  const auto body = test::tiny_body(Asm().op(Opcode::Ret).code());
  in.body = body;
  in.method_sig = test::kSigVoid;
  in.hooks = test::test_hooks();
  auto r = rewrite_with_probe(in, [](std::span<const uint8_t>) -> Result<uint32_t> {
    return make_error(Reason::RuntimeError, "GetTokenFromSig failed");
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::RuntimeError);
}

TEST(Rewriter, TruncatedBodiesFailCleanlyAtEveryLength) {
  const auto body = nested_try_body();
  const std::vector<uint8_t> locals{0x07, 0x01, 0x08};
  for (size_t n = 0; n < body.size(); ++n) {
    std::vector<uint8_t> cut(body.begin(), body.begin() + static_cast<long>(n));
    auto r = rewrite(cut, test::kSigInt32, locals);
    EXPECT_FALSE(r.ok()) << "length " << n;
  }
}

TEST(Rewriter, RewritingTheOutputAgainWorks) {
  const auto body = nested_try_body();
  const std::vector<uint8_t> locals{0x07, 0x01, 0x08};
  Rewritten once = rewrite_ok(body, test::kSigInt32, locals);
  auto twice = rewrite(once.method.body, test::kSigInt32, once.method.locals_sig);
  // Our own output nests fine; the calli sites have unknown effect without a resolver.
  ASSERT_TRUE(twice.ok()) << twice.error().describe();
  EXPECT_EQ(twice->stats.eh_clauses, 4u);
}

// Regression cases found by fuzz/rewrite_fuzz (inputs kept in
// fuzz/corpus/rewrite_fuzz/).
TEST(RewriterFuzzRegressions, OriginalCalliOnAHookTokenIsSizedLikeTheHook) {
  // The original code uses the leave hook's StandAloneSig token with too few
  // arguments. Unknown before the rewrite, sized {3,0} after it: this was
  // reported as a rewriter bug. It is an invalid original body.
  Asm bad;
  bad.op(Opcode::Ldc_I4_5).op32(Opcode::Calli, test::test_hooks().leave_sig_token).op(Opcode::Ret);
  auto r = rewrite(test::fat_body(bad.code(), 2), test::kSigVoid);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::VerificationFailed);
  EXPECT_EQ(r.error().message.find("rewriter bug"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("original body"), std::string::npos) << r.error().message;

  // Used with its real shape (slot, start, fn) it rewrites and is fully known.
  Asm good;
  good.op(Opcode::Ldc_I4_1).op(Opcode::Ldc_I8).u64(2).op(Opcode::Ldc_I4_0).op(Opcode::Conv_I)
      .op32(Opcode::Calli, test::test_hooks().leave_sig_token).op(Opcode::Ret);
  auto ok = rewrite(test::fat_body(good.code(), 3), test::kSigVoid);
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  EXPECT_EQ(ok->stats.unknown_call_sites, 0u);

  // The fuzzer's input: [flags][n][method sig][m][locals sig][body].
  const std::vector<uint8_t> found{
      0x00, 0x07, 0x10, 0x01, 0x01, 0x1e, 0x00, 0x1e, 0x00, 0x06, 0x07, 0x02, 0x1e, 0x00, 0x1e, 0x00,
      0x13, 0x30, 0x02, 0x00, 0x3d, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x11, 0x0f, 0x15, 0x00, 0x00,
      0xfe, 0x12, 0x12, 0x00, 0x00, 0x1b, 0x29, 0x02, 0x00, 0x00, 0x11, 0x1b, 0x2d, 0x08, 0x71, 0x12,
      0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x11, 0x0f, 0x00, 0x12, 0x00, 0xfe, 0x15, 0x12, 0x00,
      0x00, 0x1b, 0x29, 0x00, 0x1b, 0x6f, 0x71, 0x00, 0x00, 0x0a, 0x15, 0x30, 0x0a, 0x15, 0x12, 0x00,
      0xfe, 0x12, 0x40, 0x00, 0x1b, 0x06, 0x2a, 0x02, 0x2a};
  const std::vector<uint8_t> sig(found.begin() + 2, found.begin() + 9);
  const std::vector<uint8_t> locals(found.begin() + 10, found.begin() + 16);
  const std::vector<uint8_t> body(found.begin() + 16, found.end());
  auto again = rewrite(body, sig, locals);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message.find("rewriter bug"), std::string::npos) << again.error().message;
}

}  // namespace
}  // namespace clrprobe::il
