// Call sites sized from their metadata signatures (stack_effect_for_signature, what the
// agent's CallSiteEffects feeds the verifier), and what that buys: a body whose stack is
// wrong around a call is refused, where an unsized call would let it through.
#include <gtest/gtest.h>

#include <map>

#include "il/method_body.h"
#include "il/rewriter.h"
#include "il/verifier.h"
#include "il_asm.h"
#include "test_sigs.h"

namespace clrprobe::il {
namespace {

using test::Asm;

// static int32 M(int32, int32)
const std::vector<uint8_t> kStaticTwoInts{0x00, 0x02, 0x08, 0x08, 0x08};
// instance void M(string)
const std::vector<uint8_t> kInstanceString{0x20, 0x01, 0x01, 0x0E};
// instance explicit void M(object this, int32)  (function pointer with explicit this)
const std::vector<uint8_t> kExplicitThis{0x60, 0x02, 0x01, 0x1C, 0x08};
// vararg void M(int32, ..., int32, string): a call-site signature with two extra arguments
const std::vector<uint8_t> kVarargCallSite{0x05, 0x03, 0x01, 0x08, 0x41, 0x08, 0x0E};
// static !!0 M<T>(!!0)
const std::vector<uint8_t> kGenericMethod{0x10, 0x01, 0x01, 0x1E, 0x00, 0x1E, 0x00};
// A field signature (int32), as a MemberRef to a field would hold.
const std::vector<uint8_t> kFieldSig{0x06, 0x08};

std::optional<StackEffect> effect(const std::vector<uint8_t>& blob, Opcode op) {
  return stack_effect_for_signature(blob, op);
}

TEST(StackEffectForSignature, CallsPopTheirArgumentsAndThisAndPushTheirResult) {
  EXPECT_EQ(effect(kStaticTwoInts, Opcode::Call), (StackEffect{2, 1}));
  EXPECT_EQ(effect(kInstanceString, Opcode::Callvirt), (StackEffect{2, 0}));
  EXPECT_EQ(effect(kGenericMethod, Opcode::Call), (StackEffect{1, 1}));
}

TEST(StackEffectForSignature, NewobjPopsTheArgumentsAndPushesTheObject) {
  EXPECT_EQ(effect(kInstanceString, Opcode::Newobj), (StackEffect{1, 1}));
  // A static method is no constructor: unknown, not guessed.
  EXPECT_EQ(effect(kStaticTwoInts, Opcode::Newobj), std::nullopt);
}

TEST(StackEffectForSignature, CalliAlsoPopsTheFunctionPointer) {
  EXPECT_EQ(effect(kStaticTwoInts, Opcode::Calli), (StackEffect{3, 1}));
  EXPECT_EQ(effect(kExplicitThis, Opcode::Calli), (StackEffect{3, 0}));
}

TEST(StackEffectForSignature, VarargCallSiteSignatureCountsTheExtraArguments) {
  EXPECT_EQ(effect(kVarargCallSite, Opcode::Call), (StackEffect{3, 0}));
}

TEST(StackEffectForSignature, WhatIsNotAMethodSignatureStaysUnknown) {
  EXPECT_EQ(effect(kFieldSig, Opcode::Call), std::nullopt);
  EXPECT_EQ(effect({}, Opcode::Call), std::nullopt);
  EXPECT_EQ(effect({0x00, 0x05, 0x08}, Opcode::Call), std::nullopt);  // truncated
}

// The agent's resolver, with a token table instead of module metadata.
StackEffectResolver resolver_for(std::map<uint32_t, std::vector<uint8_t>> signatures) {
  return [signatures = std::move(signatures)](uint32_t token, Opcode op) -> std::optional<StackEffect> {
    auto it = signatures.find(token);
    if (it == signatures.end()) return std::nullopt;
    return stack_effect_for_signature(it->second, op);
  };
}

constexpr uint32_t kTwoIntsRef = 0x0A000001;
constexpr uint32_t kStringRef = 0x0A000002;

Result<RewrittenMethod> rewrite_resolved(const std::vector<uint8_t>& code, const std::vector<uint8_t>& sig,
                                         StackEffectResolver effects) {
  const auto body = test::tiny_body(code);
  test::LocalsRecorder recorder;
  RewriteInput in;
  in.body = body;
  in.method_sig = sig;
  in.hooks = test::test_hooks();
  in.stack_effects = std::move(effects);
  return rewrite_with_probe(in, recorder.provider());
}

TEST(SizedCallSites, ABodyLeavingACallResultBehindIsRefused) {
  // static void M(): ldc 1; ldc 2; call int32 F(int32, int32); ret  -- one value left at ret
  Asm a;
  a.op(Opcode::Ldc_I4_1).op(Opcode::Ldc_I4_2).op32(Opcode::Call, kTwoIntsRef).op(Opcode::Ret);
  // Unsized, the call hides the mistake.
  auto unsized = rewrite_resolved(a.code(), test::kSigVoid, {});
  ASSERT_TRUE(unsized.ok()) << unsized.error().describe();
  EXPECT_EQ(unsized->stats.unknown_call_sites, 1u);
  // Sized, it is refused.
  auto sized = rewrite_resolved(a.code(), test::kSigVoid, resolver_for({{kTwoIntsRef, kStaticTwoInts}}));
  ASSERT_FALSE(sized.ok());
  EXPECT_EQ(sized.error().reason, Reason::VerificationFailed) << sized.error().describe();
}

TEST(SizedCallSites, ACallWithTooFewArgumentsIsRefused) {
  // static void M(): ldnull; callvirt instance void F(string); ret  -- `this` missing
  Asm a;
  a.op(Opcode::Ldnull).op32(Opcode::Callvirt, kStringRef).op(Opcode::Ret);
  auto sized = rewrite_resolved(a.code(), test::kSigVoid, resolver_for({{kStringRef, kInstanceString}}));
  ASSERT_FALSE(sized.ok());
  EXPECT_EQ(sized.error().reason, Reason::VerificationFailed) << sized.error().describe();
}

TEST(SizedCallSites, ACorrectBodyIsRewrittenWithEveryCallSized) {
  // static int32 M(int32, string): ldarg.1; ldarg.1; callvirt F(string);
  //   ldarg.0; ldarg.0; call F(int32, int32); ret
  Asm a;
  a.op(Opcode::Ldarg_1).op(Opcode::Ldarg_1).op32(Opcode::Callvirt, kStringRef)
      .op(Opcode::Ldarg_0).op(Opcode::Ldarg_0).op32(Opcode::Call, kTwoIntsRef).op(Opcode::Ret);
  auto sized = rewrite_resolved(a.code(), test::kSigInt32,
                                resolver_for({{kTwoIntsRef, kStaticTwoInts}, {kStringRef, kInstanceString}}));
  ASSERT_TRUE(sized.ok()) << sized.error().describe();
  EXPECT_EQ(sized->stats.unknown_call_sites, 0u);
}

}  // namespace
}  // namespace clrprobe::il
