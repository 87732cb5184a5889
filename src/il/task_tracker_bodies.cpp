#include "il/task_tracker_bodies.h"

#include "il/draft_ops.h"
#include "il/method_body.h"
#include "il/verifier.h"

namespace clrprobe::il {
namespace {

// Every call site of the helpers, sized exactly, so the verifier checks the
// stack depth on every path.
StackEffectResolver effects_of(const TaskTrackerTokens& t) {
  return [t](uint32_t token, Opcode opcode) -> std::optional<StackEffect> {
    if (opcode == Opcode::Calli && token == t.complete_sig) return StackEffect{5, 0};
    if (opcode == Opcode::Calli && token == t.guard_sig) return StackEffect{2, 1};
    if (opcode == Opcode::Newobj && token == t.tuple_ctor) return StackEffect{2, 1};
    if (opcode == Opcode::Newobj && token == t.action_ctor) return StackEffect{2, 1};
    if (token == t.task_continue_with) return StackEffect{5, 1};
    if (token == t.cancellation_token_none || token == t.task_scheduler_default) return StackEffect{0, 1};
    for (uint32_t getter : {t.task_is_completed, t.task_is_completed_successfully, t.task_is_canceled,
                            t.tuple_item1, t.tuple_item2}) {
      if (token == getter) return StackEffect{1, 1};
    }
    return std::nullopt;
  };
}

// A zero token would be accepted by the verifier (it does not resolve
// tokens) and fail only in the JIT: refuse it here.
Status check_tokens(const TaskTrackerTokens& t) {
  for (uint32_t token : {t.task_is_completed, t.task_is_completed_successfully, t.task_is_canceled,
                         t.task_continue_with, t.cancellation_token_none, t.task_scheduler_default, t.tuple_ctor,
                         t.tuple_item1, t.tuple_item2, t.action_ctor, t.done_method, t.complete_sig, t.guard_sig}) {
    if (token == 0) return make_error(Reason::InvalidInput, "task tracker token missing");
  }
  if (t.complete_fn == 0) return make_error(Reason::InvalidInput, "task tracker has no complete hook");
  if (t.guard_fn == 0) return make_error(Reason::InvalidInput, "task tracker has no reentrancy guard");
  return {};
}

Result<std::vector<uint8_t>> finish(std::vector<DraftInstruction> code, uint16_t max_stack,
                                    const TaskTrackerTokens& tokens) {
  auto layout = lay_out(code, 0xFFFF);
  if (!layout) return layout.error();
  MethodBody body;
  body.header_kind = HeaderKind::Fat;
  body.max_stack = max_stack;
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

// ldarg.1 (slot); ldarg.2 (start); succeeded; not cancelled; calli complete; ret.
void append_record_returned(std::vector<DraftInstruction>* code, const TaskTrackerTokens& t) {
  code->push_back(op(Opcode::Ldarg_1));
  code->push_back(op(Opcode::Ldarg_2));
  code->push_back(op(Opcode::Ldc_I4_1));
  code->push_back(op(Opcode::Ldc_I4_0));
  append_native_call(code, t.complete_fn, t.complete_sig);
  code->push_back(op(Opcode::Ret));
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
  append_record_returned(&code, t);

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
  code.push_back(op(Opcode::Ldc_I4_1));
  append_native_call(&code, t.guard_fn, t.guard_sig);
  const uint32_t to_register = at();
  code.push_back(op(Opcode::Brtrue_S));
  // Nested in this thread's registration: the task of our own ContinueWith,
  // measured to its return (tracking it would call ContinueWith again).
  append_record_returned(&code, t);

  code[to_register].target = at();
  code.push_back(op(Opcode::Ldarg_0));  // the task: ContinueWith's `this`
  code.push_back(op(Opcode::Ldarg_1));
  code.push_back(op(Opcode::Ldarg_2));
  code.push_back(op(Opcode::Newobj, t.tuple_ctor));
  code.push_back(op(Opcode::Ldftn, t.done_method));  // closed over the tuple: Done(tuple, task)
  code.push_back(op(Opcode::Newobj, t.action_ctor));
  code.push_back(op(Opcode::Call, t.cancellation_token_none));
  code.push_back(op(Opcode::Ldc_I4, kExecuteSynchronously));
  code.push_back(op(Opcode::Call, t.task_scheduler_default));
  code.push_back(op(Opcode::Callvirt, t.task_continue_with));
  code.push_back(op(Opcode::Pop));  // the continuation task: nobody waits for it
  code.push_back(op(Opcode::Ldc_I4_0));
  append_native_call(&code, t.guard_fn, t.guard_sig);
  code.push_back(op(Opcode::Pop));
  code.push_back(op(Opcode::Ret));
  return finish(std::move(code), 5, t);
}

Result<std::vector<uint8_t>> build_done_body(const TaskTrackerTokens& t) {
  if (Status s = check_tokens(t); !s) return s.error();
  std::vector<DraftInstruction> code;
  code.push_back(op(Opcode::Ldarg_0));
  code.push_back(op(Opcode::Callvirt, t.tuple_item1));  // slot
  code.push_back(op(Opcode::Ldarg_0));
  code.push_back(op(Opcode::Callvirt, t.tuple_item2));  // start
  append_record_outcome(&code, t, [](auto* c) { c->push_back(op(Opcode::Ldarg_1)); });
  code.push_back(op(Opcode::Ret));
  return finish(std::move(code), 5, t);
}

}  // namespace clrprobe::il
