#include "il/task_tracker_bodies.h"

#include "il/draft_ops.h"
#include "il/method_body.h"
#include "il/verifier.h"

namespace clrprobe::il {
namespace {

constexpr uint16_t kAwaitableLocal = 0;
constexpr uint16_t kAwaiterLocal = 1;

// Every call site of the helpers, sized exactly, so the verifier checks the
// stack depth on every path.
StackEffectResolver effects_of(const TaskTrackerTokens& t) {
  return [t](uint32_t token, Opcode opcode) -> std::optional<StackEffect> {
    if (opcode == Opcode::Calli && token == t.complete_sig) return StackEffect{5, 0};
    if (opcode == Opcode::Newobj && token == t.tuple_ctor) return StackEffect{3, 1};
    if (opcode == Opcode::Newobj && token == t.action_ctor) return StackEffect{2, 1};
    if (token == t.task_configure_await) return StackEffect{2, 1};
    if (token == t.awaiter_unsafe_on_completed) return StackEffect{2, 0};
    for (uint32_t getter : {t.task_is_completed, t.task_is_completed_successfully, t.task_is_canceled,
                            t.awaitable_get_awaiter, t.tuple_item1, t.tuple_item2, t.tuple_item3}) {
      if (token == getter) return StackEffect{1, 1};
    }
    return std::nullopt;
  };
}

// A zero token would be accepted by the verifier (it does not resolve
// tokens) and fail only in the JIT: refuse it here.
Status check_tokens(const TaskTrackerTokens& t) {
  for (uint32_t token : {t.task_is_completed, t.task_is_completed_successfully, t.task_is_canceled,
                         t.task_configure_await, t.awaitable_get_awaiter, t.awaiter_unsafe_on_completed, t.tuple_ctor,
                         t.tuple_item1, t.tuple_item2, t.tuple_item3, t.action_ctor, t.done_method,
                         t.track_locals_sig, t.complete_sig}) {
    if (token == 0) return make_error(Reason::InvalidInput, "task tracker token missing");
  }
  if (t.complete_fn == 0) return make_error(Reason::InvalidInput, "task tracker has no complete hook");
  return {};
}

Result<std::vector<uint8_t>> finish(std::vector<DraftInstruction> code, uint16_t max_stack, uint32_t locals_token,
                                    const TaskTrackerTokens& tokens) {
  auto layout = lay_out(code, 0xFFFF);
  if (!layout) return layout.error();
  MethodBody body;
  body.header_kind = HeaderKind::Fat;
  body.init_locals = locals_token != 0;
  body.max_stack = max_stack;
  body.local_var_sig_token = locals_token;
  body.code_size = static_cast<uint32_t>(layout->offsets.back());
  body.instructions = std::move(layout->instructions);
  VerifyOptions options;
  options.returns_value = false;
  options.stack_effects = effects_of(tokens);
  auto report = verify(body, options);
  if (!report) return report.error();
  if (!report->stack_fully_known()) return make_error(Reason::VerificationFailed, "helper body has unsized calls");
  return encode_method_body(body);
}

// ldarg.1 (slot); ldarg.2 (start); <ok>; <cancelled>; calli complete — where
// the two flags are read from the task pushed by `push_task`.
template <typename PushTask>
void append_record_outcome(std::vector<DraftInstruction>* code, const TaskTrackerTokens& t, PushTask push_task) {
  push_task(code);
  code->push_back(op(Opcode::Callvirt, t.task_is_completed_successfully));
  push_task(code);
  code->push_back(op(Opcode::Callvirt, t.task_is_canceled));
  append_native_call(code, t.complete_fn, t.complete_sig);
}

}  // namespace

Result<std::vector<uint8_t>> build_track_body(const TaskTrackerTokens& t) {
  if (Status s = check_tokens(t); !s) return s.error();
  std::vector<DraftInstruction> code;
  auto at = [&] { return static_cast<uint32_t>(code.size()); };
  // Labels are patched once their index is known.
  code.push_back(op(Opcode::Ldarg_0));
  const uint32_t to_have_task = at();
  code.push_back(op(Opcode::Brtrue_S));
  // A null task (a forwarder returned null): finished, nothing to wait for.
  code.push_back(op(Opcode::Ldarg_1));
  code.push_back(op(Opcode::Ldarg_2));
  code.push_back(op(Opcode::Ldc_I4_1));
  code.push_back(op(Opcode::Ldc_I4_0));
  append_native_call(&code, t.complete_fn, t.complete_sig);
  code.push_back(op(Opcode::Ret));

  code[to_have_task].target = at();
  code.push_back(op(Opcode::Ldarg_0));
  code.push_back(op(Opcode::Callvirt, t.task_is_completed));
  const uint32_t to_pending = at();
  code.push_back(op(Opcode::Brfalse_S));
  // Completed synchronously: record now, no continuation, no allocation.
  code.push_back(op(Opcode::Ldarg_1));
  code.push_back(op(Opcode::Ldarg_2));
  append_record_outcome(&code, t, [](auto* c) { c->push_back(op(Opcode::Ldarg_0)); });
  code.push_back(op(Opcode::Ret));

  code[to_pending].target = at();
  code.push_back(op(Opcode::Ldarg_0));
  code.push_back(op(Opcode::Ldc_I4_0));  // continueOnCapturedContext: false
  code.push_back(op(Opcode::Callvirt, t.task_configure_await));
  code.push_back(store_local(kAwaitableLocal));
  code.push_back(load_local_address(kAwaitableLocal));
  code.push_back(op(Opcode::Call, t.awaitable_get_awaiter));
  code.push_back(store_local(kAwaiterLocal));
  code.push_back(load_local_address(kAwaiterLocal));
  code.push_back(op(Opcode::Ldarg_0));
  code.push_back(op(Opcode::Ldarg_1));
  code.push_back(op(Opcode::Ldarg_2));
  code.push_back(op(Opcode::Newobj, t.tuple_ctor));
  code.push_back(op(Opcode::Ldftn, t.done_method));  // closed over the tuple: Done(tuple)
  code.push_back(op(Opcode::Newobj, t.action_ctor));
  code.push_back(op(Opcode::Call, t.awaiter_unsafe_on_completed));
  code.push_back(op(Opcode::Ret));
  return finish(std::move(code), 5, t.track_locals_sig, t);
}

Result<std::vector<uint8_t>> build_done_body(const TaskTrackerTokens& t) {
  if (Status s = check_tokens(t); !s) return s.error();
  std::vector<DraftInstruction> code;
  code.push_back(op(Opcode::Ldarg_0));
  code.push_back(op(Opcode::Callvirt, t.tuple_item2));  // slot
  code.push_back(op(Opcode::Ldarg_0));
  code.push_back(op(Opcode::Callvirt, t.tuple_item3));  // start
  append_record_outcome(&code, t, [&t](auto* c) {
    c->push_back(op(Opcode::Ldarg_0));
    c->push_back(op(Opcode::Callvirt, t.tuple_item1));
  });
  code.push_back(op(Opcode::Ret));
  return finish(std::move(code), 5, 0, t);
}

}  // namespace clrprobe::il
