#include "il/watch_shape.h"

#include <algorithm>
#include <string>

#include "il/draft_ops.h"

namespace clrprobe::il {
namespace {

constexpr uint8_t kObjectLocal[] = {static_cast<uint8_t>(ElementType::Object)};

// The parameter's type with its leading custom modifiers skipped.
const TypeSig& param(const MethodSig& sig, uint16_t index) { return sig.params[index]; }

bool by_ref(const TypeSig& type) { return type.kind == ElementType::ByRef; }

// The IL argument number of declared parameter `index`.
uint16_t arg_number(const MethodSig& sig, uint16_t index) {
  return static_cast<uint16_t>(index + (sig.has_this() && !sig.explicit_this() ? 1 : 0));
}

DraftInstruction load_arg(uint16_t n) {
  if (n <= 3) return op(static_cast<Opcode>(static_cast<uint16_t>(Opcode::Ldarg_0) + n));
  if (n <= 0xFF) return op(Opcode::Ldarg_S, n);
  return op(Opcode::Ldarg, n);
}

void append_args(std::vector<DraftInstruction>* code, const WatchHooks& watch, const MethodSig& sig,
                 const WatchLocals& locals) {
  for (size_t i = 0; i < watch.args.size(); ++i) {
    if (locals.arg_copies[i]) {
      code->push_back(load_local_address(*locals.arg_copies[i]));
    } else {
      code->push_back(load_arg(arg_number(sig, watch.args[i])));
    }
    code->push_back(op(Opcode::Conv_U));
  }
}

void append_null_pointer(std::vector<DraftInstruction>* code) {
  code->push_back(op(Opcode::Ldc_I4_0));
  code->push_back(op(Opcode::Conv_U));
}

}  // namespace

Status check_watch(const WatchHooks& watch, const MethodSig& sig) {
  if (watch.sig_token == 0 || watch.leave_fn == 0 || watch.exception_fn == 0) {
    return make_error(Reason::InvalidInput, "watch hooks without a signature or functions");
  }
  if (watch.args.size() > kMaxWatchArgs) {
    return make_error(Reason::InvalidInput, "a watch hands over at most " + std::to_string(kMaxWatchArgs) +
                                                " arguments, not " + std::to_string(watch.args.size()));
  }
  if (sig.sentinel_index || sig.kind() == kCallConvVarArg) {
    return make_error(Reason::InvalidInput, "a vararg method's arguments cannot be watched");
  }
  for (uint16_t index : watch.args) {
    if (index >= sig.params.size()) {
      return make_error(Reason::InvalidInput, "no parameter " + std::to_string(index) + " (the method has " +
                                                  std::to_string(sig.params.size()) + ")");
    }
    if (param(sig, index).kind == ElementType::TypedByRef) {
      return make_error(Reason::InvalidInput, "a typedref parameter cannot be watched");
    }
  }
  return {};
}

WatchLocals plan_watch_locals(const WatchHooks& watch, const MethodSig& sig, uint32_t first_index,
                              std::vector<std::span<const uint8_t>>* added) {
  WatchLocals locals;
  uint32_t next = first_index;
  for (uint16_t index : watch.args) {
    if (by_ref(param(sig, index))) {
      locals.arg_copies.push_back(std::nullopt);
      continue;
    }
    added->push_back(param(sig, index).raw);
    locals.arg_copies.push_back(static_cast<uint16_t>(next++));
  }
  added->push_back(std::span<const uint8_t>(kObjectLocal));
  locals.exception = static_cast<uint16_t>(next);
  return locals;
}

void append_watch_entry(std::vector<DraftInstruction>* code, const WatchHooks& watch, const MethodSig& sig,
                        const WatchLocals& locals) {
  for (size_t i = 0; i < watch.args.size(); ++i) {
    if (!locals.arg_copies[i]) continue;
    code->push_back(load_arg(arg_number(sig, watch.args[i])));
    code->push_back(store_local(*locals.arg_copies[i]));
  }
}

uint32_t append_watch_filter(std::vector<DraftInstruction>* code, const WatchHooks& watch, const MethodSig& sig,
                             const WatchLocals& locals, int32_t slot, uint16_t start_local) {
  code->push_back(store_local(locals.exception));
  code->push_back(op(Opcode::Ldc_I4, slot));
  code->push_back(load_local(start_local));
  append_null_pointer(code);
  code->push_back(load_local_address(locals.exception));
  code->push_back(op(Opcode::Conv_U));
  append_args(code, watch, sig, locals);
  append_native_call(code, watch.exception_fn, watch.sig_token);
  code->push_back(op(Opcode::Pop));
  code->push_back(op(Opcode::Ldc_I4_0));
  code->push_back(op(Opcode::Endfilter));
  const auto handler = static_cast<uint32_t>(code->size());
  code->push_back(op(Opcode::Pop));
  code->push_back(op(Opcode::Rethrow));
  return handler;
}

namespace {

// The precheck and its false path (watch_precheck.h). Returns the indices of
// the branches to the watch leave that follows (nullopt: no precheck).
std::optional<std::vector<uint32_t>> append_precheck(std::vector<DraftInstruction>* code, const WatchHooks& watch,
                                                     const MethodSig& sig, const WatchLocals& locals, int32_t slot,
                                                     uint16_t start_local, std::optional<uint16_t> result_local,
                                                     uint64_t leave_fn, uint32_t leave_sig_token) {
  if (!watch.precheck || watch.precheck_enabled == 0 || leave_fn == 0 || leave_sig_token == 0) return std::nullopt;
  std::vector<ElementType> params;
  for (uint16_t index : watch.args) params.push_back(param(sig, index).kind);
  std::vector<DraftInstruction> tree;
  if (!emit_watch_precheck(&tree, *watch.precheck, locals.arg_copies, params)) return std::nullopt;
  std::vector<uint32_t> to_watch;
  code->push_back(op(Opcode::Ldc_I8, static_cast<int64_t>(watch.precheck_enabled)));
  code->push_back(op(Opcode::Conv_I));
  code->push_back(op(Opcode::Ldind_U1));
  to_watch.push_back(static_cast<uint32_t>(code->size()));
  code->push_back(op(Opcode::Brfalse_S));
  code->insert(code->end(), tree.begin(), tree.end());
  to_watch.push_back(static_cast<uint32_t>(code->size()));
  code->push_back(op(Opcode::Brtrue_S));
  code->push_back(op(Opcode::Ldc_I4, slot));
  code->push_back(load_local(start_local));
  append_native_call(code, leave_fn, leave_sig_token);
  if (result_local) code->push_back(load_local(*result_local));
  code->push_back(op(Opcode::Ret));
  return to_watch;
}

}  // namespace

void append_watch_leave(std::vector<DraftInstruction>* code, const WatchHooks& watch, const MethodSig& sig,
                        const WatchLocals& locals, int32_t slot, uint16_t start_local,
                        std::optional<uint16_t> result_local, uint64_t leave_fn, uint32_t leave_sig_token) {
  if (auto to_watch =
          append_precheck(code, watch, sig, locals, slot, start_local, result_local, leave_fn, leave_sig_token)) {
    for (uint32_t at : *to_watch) (*code)[at].target = static_cast<uint32_t>(code->size());
  }
  code->push_back(op(Opcode::Ldc_I4, slot));
  code->push_back(load_local(start_local));
  if (result_local) {
    code->push_back(load_local_address(*result_local));
    code->push_back(op(Opcode::Conv_U));
  } else {
    append_null_pointer(code);
  }
  append_null_pointer(code);
  append_args(code, watch, sig, locals);
  append_native_call(code, watch.leave_fn, watch.sig_token);
  if (watch.stack_fn == 0 || watch.stack_sig_token == 0) {
    code->push_back(op(Opcode::Pop));
    return;
  }
  const auto skip = static_cast<uint32_t>(code->size());
  code->push_back(op(Opcode::Brfalse_S));
  code->push_back(op(Opcode::Ldc_I4, slot));
  append_native_call(code, watch.stack_fn, watch.stack_sig_token);
  (*code)[skip].target = static_cast<uint32_t>(code->size());
}

std::optional<StackEffect> watch_effect(const WatchHooks* watch, uint32_t token, Opcode opcode) {
  if (watch == nullptr || opcode != Opcode::Calli) return std::nullopt;
  if (token == watch->sig_token)
    return StackEffect{static_cast<uint16_t>(kWatchFixedStackNeed + watch->args.size()), 1};
  if (watch->stack_fn != 0 && token == watch->stack_sig_token) return StackEffect{2, 0};
  return std::nullopt;
}

uint16_t watch_stack_need(const WatchHooks& watch) {
  const auto hook = static_cast<uint16_t>(kWatchFixedStackNeed + watch.args.size());
  return watch.precheck ? std::max(hook, precheck_stack_need(*watch.precheck)) : hook;
}

std::vector<uint8_t> watch_hook_signature(uint32_t arg_count, uint32_t modopt_token) {
  std::vector<uint8_t> sig;
  sig.push_back(modopt_token != 0 ? kCallConvUnmanaged : kCallConvC);
  (void)encode_compressed_uint(4 + arg_count, &sig);
  if (modopt_token != 0) {
    sig.push_back(static_cast<uint8_t>(ElementType::CModOpt));
    (void)encode_type_def_or_ref(modopt_token, &sig);
  }
  sig.push_back(static_cast<uint8_t>(ElementType::I4));  // non-zero: call the stack hook
  sig.push_back(static_cast<uint8_t>(ElementType::I4));
  sig.push_back(static_cast<uint8_t>(ElementType::I8));
  for (uint32_t i = 0; i < 2 + arg_count; ++i) sig.push_back(static_cast<uint8_t>(ElementType::I));
  return sig;
}

}  // namespace clrprobe::il
