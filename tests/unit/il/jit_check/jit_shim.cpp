// Native side of the JIT check (see Program.cs): builds test bodies with the
// test assembler, and runs the rewriter on them, for a C# host that installs
// the results in DynamicMethods and lets the real CoreCLR JIT compile them.
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "il/code_layout.h"
#include "il/draft_ops.h"
#include "il/method_body.h"
#include "il/rewriter.h"
#include "il/watch_precheck.h"
#include "il_asm.h"
#include "watch/condition.h"
#include "watch/fast_condition.h"
#include "watch/precheck_compiler.h"

using namespace clrprobe;
using namespace clrprobe::il;
using test::Asm;

#define JIT_SHIM_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

// Splits an encoded body into code and EH section bytes (the DynamicILInfo form).
void split(const std::vector<uint8_t>& bytes, const MethodBody& b, uint8_t* code, int* code_len,
           uint8_t* eh, int* eh_len) {
  const size_t header = b.header_kind == HeaderKind::Tiny ? 1 : kFatHeaderSize;
  std::memcpy(code, bytes.data() + header, b.code_size);
  *code_len = static_cast<int>(b.code_size);
  size_t eh_start = header + b.code_size;
  while (eh_start % 4) ++eh_start;
  *eh_len = b.sections.empty() ? 0 : static_cast<int>(b.encoded_size - eh_start);
  if (*eh_len > 0) std::memcpy(eh, bytes.data() + eh_start, static_cast<size_t>(*eh_len));
}

std::vector<uint8_t> make(int which, uint32_t catch_token, std::vector<uint8_t>* locals) {
  Asm a;
  const auto at = [&](const char* l) { return static_cast<uint32_t>(a.at(l)); };
  switch (which) {
    case 0:  // several returns and short branches
      a.op(Opcode::Ldarg_0).br(Opcode::Brtrue_S, "nz").op(Opcode::Ldc_I4_1).op(Opcode::Ret)
          .label("nz").op(Opcode::Ldarg_0).op(Opcode::Ldarg_1).br(Opcode::Bgt_S, "big")
          .op(Opcode::Ldarg_1).op(Opcode::Ret)
          .label("big").op(Opcode::Ldarg_0).op(Opcode::Ret);
      return test::tiny_body(a.code());
    case 1:  // a short branch that must be widened
      a.op(Opcode::Ldarg_0).br(Opcode::Brtrue_S, "far");
      for (int i = 0; i < 45; ++i) a.op(Opcode::Ldc_I4_1).op(Opcode::Ret);
      a.label("far").op(Opcode::Ldc_I4_2).op(Opcode::Ret);
      return test::fat_body(a.code(), 1);
    case 2:  // nested try/catch/finally with throw and rethrow
      a.op(Opcode::Ldarg_0).br(Opcode::Brtrue_S, "nt").op(Opcode::Ldnull).op(Opcode::Throw)
          .label("nt").op(Opcode::Ldarg_0).op(Opcode::Ldc_I4_2).br(Opcode::Bne_Un_S, "n2")
          .op(Opcode::Ldnull).op(Opcode::Throw)
          .label("n2").op(Opcode::Ldc_I4_1).op(Opcode::Stloc_0).br(Opcode::Leave_S, "after")
          .label("catch").op(Opcode::Pop).op(Opcode::Ldarg_0).op(Opcode::Ldc_I4_3)
          .br(Opcode::Bne_Un_S, "h").op(Opcode::Rethrow)
          .label("h").op(Opcode::Ldc_I4_2).op(Opcode::Stloc_0).br(Opcode::Leave_S, "after")
          .label("after").br(Opcode::Leave_S, "end")
          .label("fin").op(Opcode::Ldloc_0).op(Opcode::Ldc_I4_S).u8(100).op(Opcode::Add)
          .op(Opcode::Stloc_0).op(Opcode::Endfinally)
          .label("end").op(Opcode::Ldloc_0).op(Opcode::Ret);
      *locals = {0x07, 0x01, 0x08};
      return test::fat_body(
          a.code(), 2, 0x11000001, true,
          {test::eh_section({{0, 0, at("catch"), at("catch"), at("after") - at("catch"), catch_token},
                             {2, 0, at("fin"), at("fin"), at("end") - at("fin"), 0}},
                            false)});
    case 3:  // filter
      a.op(Opcode::Ldarg_0).br(Opcode::Brfalse_S, "nt").op(Opcode::Ldnull).op(Opcode::Throw)
          .label("nt").op(Opcode::Ldc_I4_1).op(Opcode::Stloc_0).br(Opcode::Leave_S, "end")
          .label("filter").op(Opcode::Pop).op(Opcode::Ldarg_1).op(Opcode::Endfilter)
          .label("handler").op(Opcode::Pop).op(Opcode::Ldc_I4_5).op(Opcode::Stloc_0)
          .br(Opcode::Leave_S, "end")
          .label("end").op(Opcode::Ldloc_0).op(Opcode::Ret);
      *locals = {0x07, 0x01, 0x08};
      return test::fat_body(a.code(), 2, 0x11000001, true,
                            {test::eh_section({{1, 0, at("filter"), at("handler"),
                                                at("end") - at("handler"), at("filter")}},
                                              true)});
    case 4:  // switch
      a.op(Opcode::Ldarg_0).sw({"c0", "c1", "c2"}).op(Opcode::Ldc_I4_M1).op(Opcode::Ret)
          .label("c0").op(Opcode::Ldc_I4_S).u8(10).op(Opcode::Ret)
          .label("c1").op(Opcode::Ldc_I4_S).u8(11).op(Opcode::Ret)
          .label("c2").op(Opcode::Ldc_I4_S).u8(12).op(Opcode::Ret);
      return test::tiny_body(a.code());
    case 5:  // exception escaping the method; localloc inside the new try
      a.op(Opcode::Ldarg_0).op(Opcode::Ldc_I4_7).br(Opcode::Bne_Un_S, "ok")
          .op(Opcode::Ldnull).op(Opcode::Throw)
          .label("ok").op(Opcode::Ldc_I4_S).u8(16).op(Opcode::Localloc).op(Opcode::Dup)
          .op(Opcode::Ldarg_1).op(Opcode::Stind_I4).op(Opcode::Ldind_I4).op(Opcode::Ret);
      return test::fat_body(a.code(), 3);
    case 6:  // 300 locals: START/RESULT need the long ldloc/stloc forms
      a.op(Opcode::Ldarg_0).op(Opcode::Ldarg_1).op(Opcode::Add).op16(Opcode::Stloc, 299)
          .op16(Opcode::Ldloc, 299).op(Opcode::Ret);
      *locals = {0x07, 0x81, 0x2C};
      locals->insert(locals->end(), 300, 0x08);
      return test::fat_body(a.code(), 2, 0x11000001, true);
    case 7:  // void method: if (a == 7) throw
      a.op(Opcode::Ldarg_0).op(Opcode::Ldc_I4_7).br(Opcode::Beq_S, "throw").op(Opcode::Ret)
          .label("throw").op(Opcode::Ldnull).op(Opcode::Throw);
      return test::tiny_body(a.code());
    default:
      return {};
  }
}

}  // namespace

JIT_SHIM_EXPORT int jit_shim_body_count() { return 8; }
JIT_SHIM_EXPORT int jit_shim_returns_void(int which) { return which == 7; }

// Writes the original body's code/EH/locals (buffers of 64 KiB each).
JIT_SHIM_EXPORT int jit_shim_original(int which, uint32_t catch_token, uint8_t* code, int* code_len,
                                      uint8_t* eh, int* eh_len, uint8_t* locals, int* locals_len,
                                      int* max_stack, int* init_locals) {
  std::vector<uint8_t> loc;
  const std::vector<uint8_t> bytes = make(which, catch_token, &loc);
  auto body = decode_method_body(bytes);
  if (!body) return 1;
  split(bytes, *body, code, code_len, eh, eh_len);
  std::memcpy(locals, loc.data(), loc.size());
  *locals_len = static_cast<int>(loc.size());
  *max_stack = body->max_stack;
  *init_locals = body->init_locals;
  return 0;
}

namespace {

int rewrite_into(int which, uint32_t catch_token, const ProbeHooks& hooks, const WatchHooks* watch, uint8_t* code,
                 int* code_len, uint8_t* eh, int* eh_len, uint8_t* locals, int* locals_len, int* max_stack,
                 int* init_locals, char* error, int error_len) {
  std::vector<uint8_t> loc;
  const std::vector<uint8_t> bytes = make(which, catch_token, &loc);
  const std::vector<uint8_t> sig_int{0x00, 0x02, 0x08, 0x08, 0x08};
  const std::vector<uint8_t> sig_void{0x00, 0x02, 0x01, 0x08, 0x08};
  RewriteInput in;
  in.body = bytes;
  in.method_sig = which == 7 ? sig_void : sig_int;
  in.locals_sig = loc;
  in.hooks = hooks;
  in.watch = watch;
  auto r = rewrite_with_probe(in, [](std::span<const uint8_t>) -> Result<uint32_t> { return 0x11000099u; });
  if (!r) {
    std::snprintf(error, static_cast<size_t>(error_len), "%s", r.error().describe().c_str());
    return 1;
  }
  auto body = decode_method_body(r->body);
  if (!body) return 1;
  split(r->body, *body, code, code_len, eh, eh_len);
  std::memcpy(locals, r->locals_sig.data(), r->locals_sig.size());
  *locals_len = static_cast<int>(r->locals_sig.size());
  *max_stack = body->max_stack;
  *init_locals = body->init_locals;
  return 0;
}

}  // namespace

// Rewrites body `which` and writes the result like jit_shim_original.
JIT_SHIM_EXPORT int jit_shim_rewritten(int which, uint32_t catch_token, int32_t slot, uint64_t enter, uint64_t leave,
                                       uint64_t exception, uint32_t enter_sig, uint32_t leave_sig, uint8_t* code,
                                       int* code_len, uint8_t* eh, int* eh_len, uint8_t* locals, int* locals_len,
                                       int* max_stack, int* init_locals, char* error, int error_len) {
  return rewrite_into(which, catch_token, {slot, enter, leave, exception, enter_sig, leave_sig}, nullptr, code,
                      code_len, eh, eh_len, locals, locals_len, max_stack, init_locals, error, error_len);
}

// The same with the watch additions (il/watch_shape.h) handing over both
// arguments: watch_leave replaces leave, and the stack hook follows it when
// it returns non-zero.
JIT_SHIM_EXPORT int jit_shim_rewritten_watched(int which, uint32_t catch_token, int32_t slot, uint64_t enter,
                                               uint64_t exception, uint64_t watch_leave, uint64_t watch_exception,
                                               uint64_t stack, uint32_t enter_sig, uint32_t leave_sig,
                                               uint32_t watch_sig, uint32_t stack_sig, uint8_t* code, int* code_len,
                                               uint8_t* eh, int* eh_len, uint8_t* locals, int* locals_len,
                                               int* max_stack, int* init_locals, char* error, int error_len) {
  WatchHooks watch;
  watch.args = {0, 1};
  watch.leave_fn = watch_leave;
  watch.exception_fn = watch_exception;
  watch.sig_token = watch_sig;
  watch.stack_fn = stack;
  watch.stack_sig_token = stack_sig;
  return rewrite_into(which, catch_token, {slot, enter, 0, exception, enter_sig, leave_sig}, &watch, code, code_len, eh,
                      eh_len, locals, locals_len, max_stack, init_locals, error, error_len);
}

// The same with an arm flag (rewriter.h, "Arm flag" and "Plain copy"): the
// hooks run only while the byte at `arm_flag` is non-zero.
JIT_SHIM_EXPORT int jit_shim_rewritten_guarded(int which, uint32_t catch_token, int32_t slot, uint64_t enter,
                                               uint64_t leave, uint64_t exception, uint32_t enter_sig,
                                               uint32_t leave_sig, uint64_t arm_flag, uint8_t* code, int* code_len,
                                               uint8_t* eh, int* eh_len, uint8_t* locals, int* locals_len,
                                               int* max_stack, int* init_locals, char* error, int error_len) {
  ProbeHooks hooks{slot, enter, leave, exception, enter_sig, leave_sig};
  hooks.arm_flag = arm_flag;
  return rewrite_into(which, catch_token, hooks, nullptr, code, code_len, eh, eh_len, locals, locals_len, max_stack,
                      init_locals, error, error_len);
}

// ---- The watch precheck (il/watch_precheck.h, watch/precheck_compiler.h) ----
//
// The precheck's parameters: (sbyte a, byte b, short c, ushort d, int e,
// uint f, long g, ulong h, float i, double j, nint k, nuint l).

namespace {

const std::vector<std::string> kPrecheckNames = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};
const std::vector<uint16_t> kPrecheckParams = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
const watch::CaptureKind kPrecheckKinds[] = {
    watch::CaptureKind::I1, watch::CaptureKind::U1, watch::CaptureKind::I2,     watch::CaptureKind::U2,
    watch::CaptureKind::I4, watch::CaptureKind::U4, watch::CaptureKind::I8,     watch::CaptureKind::U8,
    watch::CaptureKind::R4, watch::CaptureKind::R8, watch::CaptureKind::IntPtr, watch::CaptureKind::UIntPtr};
const uint8_t kPrecheckElements[] = {0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x18, 0x19};

std::optional<watch::Condition> precheck_condition(const char* text, const std::vector<std::string>& names) {
  auto parsed = watch::parse_condition(text);
  if (!parsed) return std::nullopt;
  auto bound = watch::bind_condition(*parsed, names);
  if (!bound) return std::nullopt;
  return *bound;
}

std::vector<watch::CapturePlan> precheck_plans() {
  std::vector<watch::CapturePlan> plans(12);
  for (size_t i = 0; i < plans.size(); ++i) plans[i].kind = kPrecheckKinds[i];
  return plans;
}

}  // namespace

// A 12-parameter body returning the precheck of `condition` (0 or 1) over
// entry copies, as the watch epilogue computes it: ldarg i; stloc i for each,
// the tree, ret. 0: written; 1: the condition is not one the IL takes; 2: bad text.
JIT_SHIM_EXPORT int jit_shim_precheck_body(const char* condition, uint8_t* code, int* code_len, uint8_t* locals,
                                           int* locals_len, int* max_stack) {
  auto bound = precheck_condition(condition, kPrecheckNames);
  if (!bound) return 2;
  auto precheck = watch::compile_precheck(*bound, kPrecheckParams, precheck_plans());
  if (!precheck) return 1;
  std::vector<DraftInstruction> draft;
  std::vector<std::optional<uint16_t>> copies;
  std::vector<ElementType> params;
  for (uint16_t i = 0; i < 12; ++i) {
    draft.push_back(op(i <= 3 ? static_cast<Opcode>(static_cast<uint16_t>(Opcode::Ldarg_0) + i) : Opcode::Ldarg_S, i));
    draft.push_back(store_local(i));
    copies.emplace_back(i);
    params.push_back(static_cast<ElementType>(kPrecheckElements[i]));
  }
  if (!emit_watch_precheck(&draft, *precheck, copies, params)) return 1;
  draft.push_back(op(Opcode::Ret));
  auto layout = lay_out(draft, 65536);
  if (!layout) return 2;
  std::vector<uint8_t> bytes;
  if (!encode_instructions(layout->instructions, &bytes)) return 2;
  std::memcpy(code, bytes.data(), bytes.size());
  *code_len = static_cast<int>(bytes.size());
  std::vector<uint8_t> sig{0x07, 12};
  sig.insert(sig.end(), std::begin(kPrecheckElements), std::end(kPrecheckElements));
  std::memcpy(locals, sig.data(), sig.size());
  *locals_len = static_cast<int>(sig.size());
  *max_stack = precheck_stack_need(*precheck);
  return 0;
}

// What the watch's own evaluator (FastCondition) says about `condition` on
// the 12 arguments, each in the low bytes of its 8-byte cell. -1: not compiled.
JIT_SHIM_EXPORT int jit_shim_precheck_expected(const char* condition, const uint64_t* cells) {
  auto bound = precheck_condition(condition, kPrecheckNames);
  if (!bound) return -1;
  const auto plans = precheck_plans();
  auto fast = watch::FastCondition::compile(*bound, kPrecheckParams, plans);
  if (!fast) return -1;
  const void* args[12];
  for (size_t i = 0; i < 12; ++i) args[i] = &cells[i];
  return fast->evaluate(args, 12, [] { return int64_t{0}; }) ? 1 : 0;
}

// Body `which` rewritten with the watch additions and the precheck of
// `condition` over its (int a, int b) arguments, switched by the byte at
// `enabled`: a false precheck calls `leave` (the Timed leave), a true one or
// a switched-off one `watch_leave`.
JIT_SHIM_EXPORT int jit_shim_rewritten_prechecked(const char* condition, int which, uint32_t catch_token, int32_t slot,
                                                  uint64_t enter, uint64_t leave, uint64_t exception,
                                                  uint64_t watch_leave, uint64_t watch_exception, uint64_t enabled,
                                                  uint32_t enter_sig, uint32_t leave_sig, uint32_t watch_sig,
                                                  uint8_t* code, int* code_len, uint8_t* eh, int* eh_len,
                                                  uint8_t* locals, int* locals_len, int* max_stack, int* init_locals,
                                                  char* error, int error_len) {
  auto bound = precheck_condition(condition, {"a", "b"});
  if (!bound) return 2;
  std::vector<watch::CapturePlan> plans(2);
  plans[0].kind = plans[1].kind = watch::CaptureKind::I4;
  const std::vector<uint16_t> positions = {0, 1};
  WatchHooks watch;
  watch.args = {0, 1};
  watch.leave_fn = watch_leave;
  watch.exception_fn = watch_exception;
  watch.sig_token = watch_sig;
  watch.precheck = watch::compile_precheck(*bound, positions, plans);
  if (!watch.precheck) return 1;
  watch.precheck_enabled = enabled;
  return rewrite_into(which, catch_token, {slot, enter, leave, exception, enter_sig, leave_sig}, &watch, code, code_len,
                      eh, eh_len, locals, locals_len, max_stack, init_locals, error, error_len);
}
