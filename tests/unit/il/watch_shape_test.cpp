// The watch additions to the Timed shape (il/watch_shape.h): entry copies of
// by-value arguments, a filter that sees escaping exceptions without
// catching them, and the leave hook that receives every address.
#include "il/watch_shape.h"

#include <gtest/gtest.h>

#include "il/method_body.h"
#include "il/rewriter.h"
#include "il/signature.h"
#include "il_asm.h"
#include "real_bodies_data.h"
#include "test_sigs.h"

namespace clrprobe::il {
namespace {

using test::Asm;

constexpr uint32_t kWatchSig = 0x11000020;
constexpr uint64_t kWatchLeave = 0x5555555555555555ull;
constexpr uint64_t kWatchException = 0x6666666666666666ull;

WatchHooks watch_hooks(std::vector<uint16_t> args) {
  WatchHooks w;
  w.args = std::move(args);
  w.leave_fn = kWatchLeave;
  w.exception_fn = kWatchException;
  w.sig_token = kWatchSig;
  return w;
}

struct Watched {
  RewrittenMethod method;
  MethodBody body;
  LocalsSig locals;
  std::vector<uint8_t> locals_blob;
};

Result<RewrittenMethod> rewrite_watched(const std::vector<uint8_t>& body, const std::vector<uint8_t>& sig,
                                        const WatchHooks& watch, test::LocalsRecorder* rec,
                                        const std::vector<uint8_t>& locals = {}) {
  RewriteInput in;
  in.body = body;
  in.method_sig = sig;
  in.locals_sig = locals;
  in.hooks = test::test_hooks();
  in.watch = &watch;
  return rewrite_with_probe(in, rec->provider());
}

Watched watched_ok(const std::vector<uint8_t>& body, const std::vector<uint8_t>& sig, const WatchHooks& watch) {
  test::LocalsRecorder rec;
  auto rw = rewrite_watched(body, sig, watch, &rec);
  EXPECT_TRUE(rw.ok()) << (rw.ok() ? "" : rw.error().describe());
  if (!rw.ok()) return {};
  auto decoded = decode_method_body(rw->body);
  EXPECT_TRUE(decoded.ok());
  Watched w{std::move(rw.value()), std::move(decoded.value()), {}, rec.blob};
  auto locals = parse_locals_sig(w.locals_blob);
  EXPECT_TRUE(locals.ok());
  if (locals.ok()) w.locals = std::move(locals.value());
  return w;
}

std::vector<Opcode> opcodes(const MethodBody& body, size_t from, size_t count) {
  std::vector<Opcode> out;
  for (size_t i = from; i < from + count && i < body.instructions.size(); ++i) {
    out.push_back(body.instructions[i].opcode);
  }
  return out;
}

// The index of the calli with `token` (the first one from `from`).
size_t find_calli(const MethodBody& body, uint32_t token, size_t from = 0) {
  for (size_t i = from; i < body.instructions.size(); ++i) {
    const Instruction& ins = body.instructions[i];
    if (ins.opcode == Opcode::Calli && static_cast<uint32_t>(ins.operand) == token) return i;
  }
  return body.instructions.size();
}

TEST(WatchShape, ByValueArgumentsAreCopiedAtEntryAndHandedOverByAddress) {
  // static int32 M(int32, string) { return arg0; }
  const auto body = test::tiny_body(Asm().op(Opcode::Ldarg_0).op(Opcode::Ret).code());
  const WatchHooks watch = watch_hooks({0, 1});
  Watched w = watched_ok(body, test::kSigInt32, watch);
  const auto& ins = w.body.instructions;
  // enter (4), stloc START, then the entry copies into locals 2 and 3.
  EXPECT_EQ(opcodes(w.body, 4, 5),
            (std::vector<Opcode>{Opcode::Stloc_0, Opcode::Ldarg_0, Opcode::Stloc_2, Opcode::Ldarg_1, Opcode::Stloc_3}));
  // Locals: START int64, RESULT int32, the copies int32 and string, EXC object.
  ASSERT_EQ(w.locals.locals.size(), 5u);
  EXPECT_EQ(w.locals.locals[0].kind, ElementType::I8);
  EXPECT_EQ(w.locals.locals[1].kind, ElementType::I4);
  EXPECT_EQ(w.locals.locals[2].kind, ElementType::I4);
  EXPECT_EQ(w.locals.locals[3].kind, ElementType::String);
  EXPECT_EQ(w.locals.locals[4].kind, ElementType::Object);

  // The epilogue: slot, START, &RESULT, no exception, &copy0, &copy1, the leave hook.
  const size_t leave = find_calli(w.body, kWatchSig, find_calli(w.body, kWatchSig) + 1);
  ASSERT_LT(leave, ins.size());
  ASSERT_GE(leave, 12u);
  EXPECT_EQ(opcodes(w.body, leave - 12, 14),
            (std::vector<Opcode>{Opcode::Ldc_I4, Opcode::Ldloc_0, Opcode::Ldloca_S, Opcode::Conv_U, Opcode::Ldc_I4_0,
                                 Opcode::Conv_U, Opcode::Ldloca_S, Opcode::Conv_U, Opcode::Ldloca_S, Opcode::Conv_U,
                                 Opcode::Ldc_I8, Opcode::Conv_I, Opcode::Calli, Opcode::Pop}));
  EXPECT_EQ(ins[leave - 10].operand, 1);  // &RESULT
  EXPECT_EQ(ins[leave - 6].operand, 2);
  EXPECT_EQ(ins[leave - 4].operand, 3);
  EXPECT_EQ(static_cast<uint64_t>(ins[leave - 2].operand), kWatchLeave);
  EXPECT_EQ(ins.back().opcode, Opcode::Ret);
  // The plain leave hook is gone; the exception hook of the fault stays.
  for (const Instruction& i : ins) {
    if (i.opcode == Opcode::Ldc_I8) {
      EXPECT_NE(static_cast<uint64_t>(i.operand), test::test_hooks().leave_fn);
    }
  }
  EXPECT_GE(w.body.max_stack, 7);
}

TEST(WatchShape, AFilterInsideTheFaultSeesEscapingExceptionsAndNeverHandlesThem) {
  const auto body = test::tiny_body(Asm().op(Opcode::Ldarg_0).op(Opcode::Ret).code());
  const WatchHooks watch = watch_hooks({0});
  Watched w = watched_ok(body, test::kSigInt32, watch);
  const auto clauses = w.body.eh_clauses();
  ASSERT_EQ(clauses.size(), 2u);
  const EhClause& filter = clauses[0];
  const EhClause& fault = clauses[1];
  EXPECT_EQ(filter.kind(), EhClauseKind::Filter);
  EXPECT_EQ(fault.kind(), EhClauseKind::Fault);
  EXPECT_EQ(filter.try_offset, fault.try_offset);
  // The filter's try is the original code; the fault's also covers the filter and its handler.
  EXPECT_EQ(filter.class_token_or_filter_offset, filter.try_end());
  EXPECT_LT(filter.try_end(), fault.try_end());
  EXPECT_EQ(filter.handler_end(), fault.try_end());
  // The filter: stloc EXC, the exception hook with &EXC, then `pop; ldc.i4.0; endfilter`.
  size_t at = 0;
  while (w.body.instructions[at].offset != filter.class_token_or_filter_offset) ++at;
  EXPECT_EQ(w.body.instructions[at].opcode, Opcode::Stloc_3);  // START, RESULT, copy, EXC
  const size_t hook = find_calli(w.body, kWatchSig, at);
  EXPECT_EQ(static_cast<uint64_t>(w.body.instructions[hook - 2].operand), kWatchException);
  EXPECT_EQ(opcodes(w.body, hook + 1, 5),
            (std::vector<Opcode>{Opcode::Pop, Opcode::Ldc_I4_0, Opcode::Endfilter, Opcode::Pop, Opcode::Rethrow}));
  EXPECT_EQ(w.body.instructions[hook + 4].offset, filter.handler_offset);
}

TEST(WatchShape, RefAndOutArgumentsAreReadInPlaceAtExit) {
  // static void M(ref int32)
  const std::vector<uint8_t> sig{0x00, 0x01, 0x01, 0x10, 0x08};
  const auto body =
      test::tiny_body(Asm().op(Opcode::Ldarg_0).op(Opcode::Ldc_I4_1).op(Opcode::Stind_I4).op(Opcode::Ret).code());
  Watched w = watched_ok(body, sig, watch_hooks({0}));
  ASSERT_EQ(w.locals.locals.size(), 2u);  // START and EXC: no copy of a byref
  const size_t filter_hook = find_calli(w.body, kWatchSig);
  const size_t leave = find_calli(w.body, kWatchSig, filter_hook + 1);
  ASSERT_LT(leave, w.body.instructions.size());
  EXPECT_EQ(opcodes(w.body, leave - 4, 3), (std::vector<Opcode>{Opcode::Ldarg_0, Opcode::Conv_U, Opcode::Ldc_I8}));
  EXPECT_EQ(opcodes(w.body, filter_hook - 4, 3),
            (std::vector<Opcode>{Opcode::Ldarg_0, Opcode::Conv_U, Opcode::Ldc_I8}));
}

TEST(WatchShape, InstanceMethodsSkipThisWhenNumberingParameters) {
  // instance void M(int32)
  const std::vector<uint8_t> sig{0x20, 0x01, 0x01, 0x08};
  const auto body = test::tiny_body(Asm().op(Opcode::Ret).code());
  Watched w = watched_ok(body, sig, watch_hooks({0}));
  EXPECT_EQ(opcodes(w.body, 4, 3), (std::vector<Opcode>{Opcode::Stloc_0, Opcode::Ldarg_1, Opcode::Stloc_1}));
}

TEST(WatchShape, ImpossibleWatchesAreRefusedWithAReason) {
  const auto body = test::tiny_body(Asm().op(Opcode::Ldarg_0).op(Opcode::Ret).code());
  test::LocalsRecorder rec;
  auto past = rewrite_watched(body, test::kSigInt32, watch_hooks({2}), &rec);
  ASSERT_FALSE(past.ok());
  EXPECT_NE(past.error().message.find("no parameter 2"), std::string::npos);
  auto many = rewrite_watched(body, test::kSigInt32, watch_hooks(std::vector<uint16_t>(kMaxWatchArgs + 1, 0)), &rec);
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.error().message.find("at most"), std::string::npos);
  WatchHooks no_fn = watch_hooks({0});
  no_fn.leave_fn = 0;
  EXPECT_FALSE(rewrite_watched(body, test::kSigInt32, no_fn, &rec).ok());

  const WatchHooks fine = watch_hooks({0});
  RewriteInput count_only;
  count_only.shape = ProbeShape::CountOnly;
  count_only.body = body;
  count_only.method_sig = test::kSigInt32;
  count_only.hooks = test::test_hooks();
  count_only.watch = &fine;
  auto refused = rewrite_with_probe(count_only, rec.provider());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("Timed shape"), std::string::npos);
  EXPECT_EQ(rec.calls, 0);  // nothing written to the metadata for a refused body
}

TEST(WatchShape, EveryEmbeddedRealBodyTakesAWatchOnAllItsParameters) {
  for (const auto& rb : test::real_bodies()) {
    SCOPED_TRACE(rb.name);
    auto sig = parse_method_sig(rb.method_sig);
    ASSERT_TRUE(sig.ok());
    std::vector<uint16_t> all;
    for (size_t i = 0; i < sig->params.size() && i < kMaxWatchArgs; ++i) all.push_back(static_cast<uint16_t>(i));
    const WatchHooks watch = watch_hooks(all);
    test::LocalsRecorder rec;
    auto rw = rewrite_watched(rb.body, rb.method_sig, watch, &rec, rb.locals_sig);
    ASSERT_TRUE(rw.ok()) << rw.error().describe();  // the rewriter verified what it emitted
    auto original = decode_method_body(rb.body);
    auto again = decode_method_body(rw->body);
    ASSERT_TRUE(original.ok() && again.ok());
    EXPECT_EQ(again->eh_clauses().size(), original->eh_clauses().size() + 2);
  }
}

// `ldarg.0; ret`. Not inlined: GCC 12 warns falsely (-Warray-bounds) about
// vector::insert in test::tiny_body when it is inlined into this test.
[[gnu::noinline]] std::vector<uint8_t> return_first_argument() {
  return test::tiny_body(Asm().op(Opcode::Ldarg_0).op(Opcode::Ret).code());
}

TEST(WatchShape, WithAStackHookTheLeaveResultDecidesWhetherTheStackHookIsCalled) {
  constexpr uint32_t kStackSig = 0x11000021;
  constexpr uint64_t kStackFn = 0x7777777777777777ull;
  const auto body = return_first_argument();
  WatchHooks watch = watch_hooks({0});
  watch.stack_fn = kStackFn;
  watch.stack_sig_token = kStackSig;
  Watched w = watched_ok(body, test::kSigInt32, watch);
  const auto& ins = w.body.instructions;
  const size_t leave = find_calli(w.body, kWatchSig, find_calli(w.body, kWatchSig) + 1);
  ASSERT_LT(leave + 6, ins.size());
  // calli leave; brfalse.s DONE; ldc.i4 slot; ldc.i8 stack_fn; conv.i; calli stack_sig; DONE: ldloc RESULT; ret
  EXPECT_EQ(opcodes(w.body, leave + 1, 7),
            (std::vector<Opcode>{Opcode::Brfalse_S, Opcode::Ldc_I4, Opcode::Ldc_I8, Opcode::Conv_I, Opcode::Calli,
                                 Opcode::Ldloc_1, Opcode::Ret}));
  EXPECT_EQ(ins[leave + 1].target, ins[leave + 6].offset);
  EXPECT_EQ(ins[leave + 2].operand, test::test_hooks().slot);
  EXPECT_EQ(static_cast<uint64_t>(ins[leave + 3].operand), kStackFn);
  EXPECT_EQ(static_cast<uint32_t>(ins[leave + 5].operand), kStackSig);
  // The filter's exception hook never asks for the stack hook: there is one stack call.
  EXPECT_EQ(find_calli(w.body, kStackSig, leave + 6), ins.size());
}

// `arg0 < 0` over an int32 first parameter (watch_precheck.h).
WatchHooks prechecked_hooks(ElementType element = ElementType::I4, uint16_t position = 0) {
  WatchHooks watch = watch_hooks({0, 1});
  PrecheckNode less;
  less.position = position;
  less.element = element;
  less.domain = PrecheckDomain::Signed;
  less.op = PrecheckOp::Lt;
  less.literal_signed = 0;
  watch.precheck = WatchPrecheck{{less}, 0};
  watch.precheck_enabled = 0x4242424242424242ull;
  return watch;
}

TEST(WatchShape, APrecheckSendsFalseCallsToThePlainLeaveAndTheOthersToTheWatchLeave) {
  const auto body = return_first_argument();
  Watched w = watched_ok(body, test::kSigInt32, prechecked_hooks());
  const auto& ins = w.body.instructions;
  size_t at = 0;
  while (at < ins.size() && !(ins[at].opcode == Opcode::Ldc_I8 && ins[at].operand == 0x4242424242424242)) ++at;
  ASSERT_LT(at + 17, ins.size());
  // enabled? -> the condition -> false: slot, START, leave_fn, ret with RESULT; else WATCH.
  EXPECT_EQ(opcodes(w.body, at, 17),
            (std::vector<Opcode>{Opcode::Ldc_I8, Opcode::Conv_I, Opcode::Ldind_U1, Opcode::Brfalse_S, Opcode::Ldloc_2,
                                 Opcode::Conv_I8, Opcode::Ldc_I8, Opcode::Clt, Opcode::Brtrue_S, Opcode::Ldc_I4,
                                 Opcode::Ldloc_0, Opcode::Ldc_I8, Opcode::Conv_I, Opcode::Calli, Opcode::Ldloc_1,
                                 Opcode::Ret, Opcode::Ldc_I4}));
  EXPECT_EQ(static_cast<uint64_t>(ins[at + 11].operand), test::test_hooks().leave_fn);
  EXPECT_EQ(static_cast<uint32_t>(ins[at + 13].operand), test::test_hooks().leave_sig_token);
  EXPECT_EQ(ins[at + 3].target, ins[at + 16].offset);
  EXPECT_EQ(ins[at + 8].target, ins[at + 16].offset);
  // WATCH: the watch leave call as without a precheck.
  const size_t leave = find_calli(w.body, kWatchSig, at);
  ASSERT_LT(leave, ins.size());
  EXPECT_EQ(static_cast<uint64_t>(ins[leave - 2].operand), kWatchLeave);
  EXPECT_EQ(ins[leave - 12].offset, ins[at + 16].offset);
}

TEST(WatchShape, APrecheckThatDoesNotFitTheMethodIsLeftOut) {
  const auto body = return_first_argument();
  for (const WatchHooks& watch : {prechecked_hooks(ElementType::I8), prechecked_hooks(ElementType::I4, 1),
                                  prechecked_hooks(ElementType::I4, 2)}) {
    Watched w = watched_ok(body, test::kSigInt32, watch);
    for (const Instruction& i : w.body.instructions) {
      EXPECT_FALSE(i.opcode == Opcode::Ldc_I8 && i.operand == 0x4242424242424242) << "a precheck was emitted";
      EXPECT_NE(i.opcode, Opcode::Clt);
    }
    EXPECT_LT(find_calli(w.body, kWatchSig), w.body.instructions.size());
  }
}

TEST(WatchShape, TheMaxStackCoversADeepPrecheck) {
  // a < 0 || (a < 0 || (a < 0 || ... )) nested 8 deep: 9 values at once.
  WatchHooks watch = prechecked_hooks();
  WatchPrecheck deep;
  PrecheckNode less = watch.precheck->nodes[0];
  for (int i = 0; i < 9; ++i) deep.nodes.push_back(less);
  // Right-nested ors: node 9 = or(7, 8), 10 = or(6, 9), ...
  uint32_t right = 8;
  for (uint32_t left = 7;; --left) {
    PrecheckNode either;
    either.kind = PrecheckNode::Kind::Or;
    either.left = left;
    either.right = right;
    deep.nodes.push_back(either);
    right = static_cast<uint32_t>(deep.nodes.size() - 1);
    if (left == 0) break;
  }
  deep.root = right;
  EXPECT_EQ(precheck_stack_need(deep), 10);
  watch.precheck = deep;
  Watched w = watched_ok(return_first_argument(), test::kSigInt32, watch);
  EXPECT_GE(w.body.max_stack, 10);
}

TEST(WatchShape, TheHookSignatureIsUnmanagedWithoutAGcTransition) {
  // unmanaged, 4 + 2 params, modopt(TypeRef 0x01000005) int32 (int32, int64, native int x 4)
  EXPECT_EQ(watch_hook_signature(2, 0x01000005),
            (std::vector<uint8_t>{0x09, 0x06, 0x20, 0x15, 0x08, 0x08, 0x0A, 0x18, 0x18, 0x18, 0x18}));
  EXPECT_EQ(watch_hook_signature(0, 0), (std::vector<uint8_t>{0x01, 0x04, 0x08, 0x08, 0x0A, 0x18, 0x18}));
  auto parsed = parse_method_sig(watch_hook_signature(kMaxWatchArgs, 0x01000005));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->params.size(), 4 + kMaxWatchArgs);
}

}  // namespace
}  // namespace clrprobe::il
