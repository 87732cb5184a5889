#include "il/rewriter.h"

#include <algorithm>
#include <string>

#include "il/code_layout.h"
#include "il/draft_ops.h"
#include "il/locals_builder.h"
#include "il/method_body.h"
#include "il/signature.h"

namespace clrprobe::il {
namespace {

constexpr uint8_t kInt64Local[] = {static_cast<uint8_t>(ElementType::I8)};

Error with_context(const Error& e, const std::string& context) {
  return make_error(e.reason, context + ": " + e.message);
}

// Refuses constructs the shape cannot preserve: a try/fault wrapper breaks
// `tail.` calls and `jmp`; the count-only shape keeps both.
Status check_supported(const MethodBody& body, ProbeShape shape) {
  for (const DataSection& s : body.sections) {
    if (!s.is_eh()) {
      return make_error(Reason::Unsupported, "body has a non-EH data section (kind " +
                                                 std::to_string(s.kind) + ")");
    }
  }
  if (shape == ProbeShape::CountOnly) return {};
  for (const Instruction& ins : body.instructions) {
    if (ins.opcode == Opcode::Tail) {
      return make_error(Reason::UnsupportedTailCall,
                        "tail. prefix at offset " + std::to_string(ins.offset));
    }
    if (ins.opcode == Opcode::Jmp) {
      return make_error(Reason::UnsupportedJmp, "jmp at offset " + std::to_string(ins.offset));
    }
  }
  return {};
}

// `call/callvirt self; ret` sites: calls the JIT may make implicit tail calls.
uint32_t count_self_tail_calls(const MethodBody& body, uint32_t method_token) {
  if (method_token == 0) return 0;
  uint32_t sites = 0;
  const auto& code = body.instructions;
  for (size_t i = 0; i + 1 < code.size(); ++i) {
    const bool call = code[i].opcode == Opcode::Call || code[i].opcode == Opcode::Callvirt;
    const bool prefixed = i > 0 && code[i - 1].opcode == Opcode::Tail;
    if (call && !prefixed && static_cast<uint32_t>(code[i].operand) == method_token &&
        code[i + 1].opcode == Opcode::Ret) {
      ++sites;
    }
  }
  return sites;
}

// Maps an original code offset (an instruction start, or code_size) to the
// index of that instruction (or instruction count).
class OffsetIndex {
 public:
  explicit OffsetIndex(const MethodBody& body) : body_(body) {}
  Result<uint32_t> operator()(uint64_t offset) const {
    const auto& code = body_.instructions;
    if (offset == body_.code_size) return static_cast<uint32_t>(code.size());
    auto it = std::lower_bound(code.begin(), code.end(), offset,
                               [](const Instruction& ins, uint64_t off) { return ins.offset < off; });
    if (it == code.end() || it->offset != offset) {
      return make_error(Reason::InvalidInput, "offset " + std::to_string(offset) +
                                                  " is not an instruction boundary");
    }
    return static_cast<uint32_t>(it - code.begin());
  }

 private:
  const MethodBody& body_;
};

struct Draft {
  std::vector<DraftInstruction> code;
  std::vector<uint32_t> first_of_original;  // original index -> draft index (+1 entry: try end)
  uint32_t try_start = 0;
  uint32_t handler_start = 0;
  uint32_t epilogue_start = 0;
  uint32_t returns_rewritten = 0;
  uint32_t original_end = 0;          // where the copied original code ends
  uint32_t filter_handler_start = 0;  // watch only (watch_shape.h); 0: no filter clause
  // The disarmed plain copy (rewriter.h, "Plain copy"), empty without one:
  // original index -> draft index in the copy (+1 entry: the copy's end,
  // which is where the armed code starts).
  std::vector<uint32_t> plain_first_of_original;
};

// The watch additions of one rewrite (watch_shape.h).
struct WatchPlan {
  const WatchHooks& hooks;
  const MethodSig& sig;
  WatchLocals locals;
};

// The code after the protected region: see rewriter.h for each shape.
void append_epilogue(std::vector<DraftInstruction>* out, const ProbeHooks& hooks, const TaskCompletion& task,
                     uint16_t start_local, std::optional<uint16_t> result_local) {
  auto& code = *out;
  const bool guarded = hooks.arm_flag != 0;
  if (task.kind == TaskCompletion::Kind::None || !result_local) {
    uint32_t skip_leave = 0;
    if (guarded) {
      // START 0 (disarmed) or 1 (counted, not timed): leave has nothing to do.
      code.push_back(load_local(start_local));
      code.push_back(op(Opcode::Ldc_I4_2));
      code.push_back(op(Opcode::Conv_I8));
      skip_leave = static_cast<uint32_t>(code.size());
      code.push_back(op(Opcode::Blt_Un_S));
    }
    code.push_back(op(Opcode::Ldc_I4, hooks.slot));
    code.push_back(load_local(start_local));
    append_native_call(&code, hooks.leave_fn, hooks.leave_sig_token);
    if (guarded) code[skip_leave].target = static_cast<uint32_t>(code.size());
    if (result_local) code.push_back(load_local(*result_local));
    code.push_back(op(Opcode::Ret));
    return;
  }
  const uint16_t result = *result_local;
  // Disarmed (START 0): the task is returned untouched, no tracking. An
  // untimed sampled call (START 1) is still tracked, for its outcome.
  uint32_t skip_tracking = 0;
  if (guarded) {
    code.push_back(load_local(start_local));
    skip_tracking = static_cast<uint32_t>(code.size());
    code.push_back(op(Opcode::Brfalse_S));
  }
  const auto plain_return = [&] {
    if (!guarded) return;
    code[skip_tracking].target = static_cast<uint32_t>(code.size());
    code.push_back(load_local(result));
    code.push_back(op(Opcode::Ret));
  };
  auto track = [&] {
    code.push_back(op(Opcode::Ldc_I4, hooks.slot));
    code.push_back(load_local(start_local));
    code.push_back(op(Opcode::Call, task.track_method));
  };
  if (task.kind == TaskCompletion::Kind::Task) {
    code.push_back(load_local(result));
    track();
    code.push_back(load_local(result));
    code.push_back(op(Opcode::Ret));
    plain_return();
    return;
  }
  code.push_back(load_local_address(result));
  code.push_back(op(Opcode::Call, task.is_completed));
  const uint32_t to_sync = static_cast<uint32_t>(code.size());
  code.push_back(op(Opcode::Brtrue_S));
  code.push_back(load_local_address(result));
  code.push_back(op(Opcode::Call, task.as_task));
  code.push_back(op(Opcode::Dup));
  track();
  code.push_back(op(Opcode::Newobj, task.ctor_from_task));
  code.push_back(store_local(result));
  code.push_back(load_local(result));
  code.push_back(op(Opcode::Ret));
  code[to_sync].target = static_cast<uint32_t>(code.size());
  code.push_back(op(Opcode::Ldc_I4, hooks.slot));
  code.push_back(load_local(start_local));
  code.push_back(load_local_address(result));
  code.push_back(op(Opcode::Call, task.is_completed_successfully));
  code.push_back(load_local_address(result));
  code.push_back(op(Opcode::Call, task.is_canceled));
  append_native_call(&code, task.complete_fn, task.complete_sig_token);
  code.push_back(load_local(result));
  code.push_back(op(Opcode::Ret));
  plain_return();
}

// `ldc.i8 flag; conv.i; ldind.u1; brfalse <target set by the caller>` (or
// brtrue): the arm flag read with a plain load. Returns the branch's draft
// index.
uint32_t append_arm_check(std::vector<DraftInstruction>* code, uint64_t arm_flag, Opcode branch = Opcode::Brfalse_S) {
  code->push_back(op(Opcode::Ldc_I8, static_cast<int64_t>(arm_flag)));
  code->push_back(op(Opcode::Conv_I));
  code->push_back(op(Opcode::Ldind_U1));
  code->push_back(op(branch));
  return static_cast<uint32_t>(code->size() - 1);
}

// Copies the original instructions into d->code (branch and switch targets
// still original indices, resolved by resolve_targets). With
// `returns_to_epilogue`, each `ret` becomes [stloc RESULT;] leave EPILOGUE
// (the leave's draft index is added to *leaves); otherwise it stays a `ret`.
Status copy_original(const MethodBody& body, bool returns_to_epilogue, std::optional<uint16_t> result_local, Draft* d,
                     std::vector<std::pair<uint32_t, uint32_t>>* branch_fixups, std::vector<uint32_t>* leaves) {
  auto& code = d->code;
  const OffsetIndex index_of(body);
  for (const Instruction& ins : body.instructions) {
    d->first_of_original.push_back(static_cast<uint32_t>(code.size()));
    if (ins.opcode == Opcode::Ret && returns_to_epilogue) {
      if (result_local) code.push_back(store_local(*result_local));
      leaves->push_back(static_cast<uint32_t>(code.size()));
      code.push_back(op(Opcode::Leave_S));
      ++d->returns_rewritten;
      continue;
    }
    DraftInstruction copy = op(ins.opcode, ins.operand);
    if (is_branch(ins.opcode)) {
      auto target = index_of(static_cast<uint64_t>(ins.target));
      if (!target) return target.error();
      branch_fixups->emplace_back(static_cast<uint32_t>(code.size()), *target);
    } else if (ins.opcode == Opcode::Switch) {
      for (int64_t t : ins.switch_targets) {
        auto target = index_of(static_cast<uint64_t>(t));
        if (!target) return target.error();
        copy.switch_targets.push_back(*target);  // original index for now
      }
    }
    code.push_back(std::move(copy));
  }
  return {};
}

// Draft indices of branch targets are only known once every original
// instruction has been placed: turns the original indices into draft ones.
// Only switches at or after draft index `from` are resolved (the code before
// it was resolved already).
void resolve_targets(Draft* d, const std::vector<std::pair<uint32_t, uint32_t>>& branch_fixups, uint32_t from = 0) {
  for (auto [at, original] : branch_fixups) d->code[at].target = d->first_of_original[original];
  for (size_t i = from; i < d->code.size(); ++i) {
    DraftInstruction& ins = d->code[i];
    if (ins.opcode != Opcode::Switch) continue;
    for (uint32_t& t : ins.switch_targets) t = d->first_of_original[t];
  }
}

// The disarmed plain copy at the start of the draft: `ldc.i8 flag; conv.i;
// ldind.u1; brtrue ARMED`, then the original code unchanged (its `ret`s
// kept). Returns the index of the brtrue; the caller appends ARMED.
Status append_plain_copy(const MethodBody& body, uint64_t arm_flag, Draft* d, uint32_t* to_armed) {
  *to_armed = append_arm_check(&d->code, arm_flag, Opcode::Brtrue_S);
  std::vector<std::pair<uint32_t, uint32_t>> fixups;
  if (Status s = copy_original(body, /*returns_to_epilogue=*/false, std::nullopt, d, &fixups, nullptr); !s) return s;
  d->first_of_original.push_back(static_cast<uint32_t>(d->code.size()));
  resolve_targets(d, fixups);
  d->plain_first_of_original = std::move(d->first_of_original);
  d->first_of_original.clear();
  return {};
}

Result<Draft> build_draft(const MethodBody& body, const ProbeHooks& hooks, const TaskCompletion& task,
                          uint16_t start_local, std::optional<uint16_t> result_local, const WatchPlan* watch,
                          bool plain_copy) {
  Draft d;
  auto& code = d.code;
  std::vector<std::pair<uint32_t, uint32_t>> branch_fixups;  // (draft index, original index)
  std::vector<uint32_t> leave_to_epilogue;                   // draft indices

  uint32_t skip_enter = 0;
  uint32_t armed_start = 0;
  if (plain_copy) {
    // Armed at entry: START is set by enter before the try, as unguarded.
    uint32_t to_armed = 0;
    if (Status s = append_plain_copy(body, hooks.arm_flag, &d, &to_armed); !s) return s.error();
    armed_start = static_cast<uint32_t>(code.size());
    code[to_armed].target = armed_start;
  } else if (hooks.arm_flag != 0) {
    // START = 0 while disarmed: the decision is taken once, here, so a flag
    // flipped mid-call leaves the call either fully measured or not at all.
    code.push_back(op(Opcode::Ldc_I4_0));
    code.push_back(op(Opcode::Conv_I8));
    code.push_back(store_local(start_local));
    skip_enter = append_arm_check(&code, hooks.arm_flag);
  }
  code.push_back(op(Opcode::Ldc_I4, hooks.slot));
  append_native_call(&code, hooks.enter_fn, hooks.enter_sig_token);
  code.push_back(store_local(start_local));
  if (watch) append_watch_entry(&code, watch->hooks, watch->sig, watch->locals);
  d.try_start = static_cast<uint32_t>(code.size());
  if (hooks.arm_flag != 0 && !plain_copy) code[skip_enter].target = d.try_start;

  if (Status s =
          copy_original(body, /*returns_to_epilogue=*/true, result_local, &d, &branch_fixups, &leave_to_epilogue);
      !s) {
    return s.error();
  }
  d.original_end = static_cast<uint32_t>(code.size());
  d.first_of_original.push_back(d.original_end);
  if (watch) {
    d.filter_handler_start =
        append_watch_filter(&code, watch->hooks, watch->sig, watch->locals, hooks.slot, start_local);
  }
  d.handler_start = static_cast<uint32_t>(code.size());

  uint32_t skip_exception = 0;
  if (hooks.arm_flag != 0) {  // disarmed at entry: nothing to count
    code.push_back(load_local(start_local));
    skip_exception = static_cast<uint32_t>(code.size());
    code.push_back(op(Opcode::Brfalse_S));
  }
  code.push_back(op(Opcode::Ldc_I4, hooks.slot));
  code.push_back(load_local(start_local));
  append_native_call(&code, hooks.exception_fn, hooks.leave_sig_token);
  if (hooks.arm_flag != 0) code[skip_exception].target = static_cast<uint32_t>(code.size());
  code.push_back(op(Opcode::Endfinally));  // endfault has the same encoding

  d.epilogue_start = static_cast<uint32_t>(code.size());
  if (watch) {
    append_watch_leave(&code, watch->hooks, watch->sig, watch->locals, hooks.slot, start_local, result_local,
                       hooks.leave_fn, hooks.leave_sig_token);
    if (result_local) code.push_back(load_local(*result_local));
    code.push_back(op(Opcode::Ret));
  } else {
    append_epilogue(&code, hooks, task, start_local, result_local);
  }

  resolve_targets(&d, branch_fixups, armed_start);
  for (uint32_t at : leave_to_epilogue) code[at].target = d.epilogue_start;
  return d;
}

// The CountOnly shape: the count call, then the original code unchanged.
// try_start, handler_start and epilogue_start all mark the end of the code.
Result<Draft> build_count_only_draft(const MethodBody& body, const ProbeHooks& hooks) {
  Draft d;
  uint32_t skip_count = 0;
  if (hooks.arm_flag != 0) skip_count = append_arm_check(&d.code, hooks.arm_flag);
  d.code.push_back(op(Opcode::Ldc_I4, hooks.slot));
  append_native_call(&d.code, hooks.count_fn, hooks.count_sig_token);
  if (hooks.arm_flag != 0) d.code[skip_count].target = static_cast<uint32_t>(d.code.size());
  std::vector<std::pair<uint32_t, uint32_t>> branch_fixups;
  if (Status s = copy_original(body, /*returns_to_epilogue=*/false, std::nullopt, &d, &branch_fixups, nullptr); !s) {
    return s.error();
  }
  d.try_start = d.handler_start = d.epilogue_start = d.original_end = static_cast<uint32_t>(d.code.size());
  d.first_of_original.push_back(d.handler_start);
  resolve_targets(&d, branch_fixups);
  return d;
}

// The original clauses with every offset translated by `new_offset`.
Result<std::vector<EhClause>> remap_clauses(const MethodBody& body,
                                            const std::function<Result<uint32_t>(uint64_t)>& new_offset) {
  std::vector<EhClause> clauses;
  for (const EhClause& c : body.eh_clauses()) {
    auto try_start = new_offset(c.try_offset);
    auto try_end = new_offset(c.try_end());
    auto handler_start = new_offset(c.handler_offset);
    auto handler_end = new_offset(c.handler_end());
    for (auto* r : {&try_start, &try_end, &handler_start, &handler_end}) {
      if (!*r) return r->error();
    }
    EhClause mapped = c;
    mapped.try_offset = *try_start;
    mapped.try_length = *try_end - *try_start;
    mapped.handler_offset = *handler_start;
    mapped.handler_length = *handler_end - *handler_start;
    if (c.kind() == EhClauseKind::Filter) {
      auto filter = new_offset(c.class_token_or_filter_offset);
      if (!filter) return filter.error();
      mapped.class_token_or_filter_offset = *filter;
    }
    clauses.push_back(mapped);
  }
  return clauses;
}

// Remaps the original clauses into the new layout and, with `add_fault`
// (the Timed shape), appends the fault clause.
Result<std::vector<EhClause>> build_clauses(const MethodBody& body, const Draft& draft, const Layout& layout,
                                            bool add_fault) {
  const OffsetIndex index_of(body);
  const auto new_offset = [&](uint64_t original) -> Result<uint32_t> {
    auto index = index_of(original);
    if (!index) return index.error();
    return static_cast<uint32_t>(layout.offsets[draft.first_of_original[*index]]);
  };
  std::vector<EhClause> clauses;
  // The plain copy's clauses, then the armed code's: disjoint regions, so
  // each copy keeps its own nesting order; the fault clause (enclosing the
  // armed code only) stays last.
  if (!draft.plain_first_of_original.empty()) {
    const auto plain_offset = [&](uint64_t original) -> Result<uint32_t> {
      auto index = index_of(original);
      if (!index) return index.error();
      return static_cast<uint32_t>(layout.offsets[draft.plain_first_of_original[*index]]);
    };
    auto plain = remap_clauses(body, plain_offset);
    if (!plain) return plain.error();
    clauses = std::move(plain.value());
  }
  auto armed = remap_clauses(body, new_offset);
  if (!armed) return armed.error();
  clauses.insert(clauses.end(), armed->begin(), armed->end());
  if (!add_fault) return clauses;
  if (draft.filter_handler_start != 0) {  // the watch filter, inside the fault's try
    EhClause filter;
    filter.flags = static_cast<uint32_t>(EhClauseKind::Filter);
    filter.try_offset = static_cast<uint32_t>(layout.offsets[draft.try_start]);
    filter.try_length = static_cast<uint32_t>(layout.offsets[draft.original_end]) - filter.try_offset;
    filter.class_token_or_filter_offset = static_cast<uint32_t>(layout.offsets[draft.original_end]);
    filter.handler_offset = static_cast<uint32_t>(layout.offsets[draft.filter_handler_start]);
    filter.handler_length = static_cast<uint32_t>(layout.offsets[draft.handler_start]) - filter.handler_offset;
    clauses.push_back(filter);
  }
  EhClause fault;
  fault.flags = static_cast<uint32_t>(EhClauseKind::Fault);
  fault.try_offset = static_cast<uint32_t>(layout.offsets[draft.try_start]);
  fault.try_length = static_cast<uint32_t>(layout.offsets[draft.handler_start]) - fault.try_offset;
  fault.handler_offset = static_cast<uint32_t>(layout.offsets[draft.handler_start]);
  fault.handler_length =
      static_cast<uint32_t>(layout.offsets[draft.epilogue_start]) - fault.handler_offset;
  clauses.push_back(fault);  // outermost, hence last
  return clauses;
}

// Stack effects of the epilogue's task call sites.
std::optional<StackEffect> task_effect(const TaskCompletion& task, uint32_t token, Opcode opcode) {
  if (task.kind == TaskCompletion::Kind::None) return std::nullopt;
  if (opcode == Opcode::Call && token == task.track_method) return StackEffect{3, 0};
  if (task.kind != TaskCompletion::Kind::ValueTask) return std::nullopt;
  if (opcode == Opcode::Calli && token == task.complete_sig_token) return StackEffect{5, 0};
  if (opcode == Opcode::Newobj && token == task.ctor_from_task) return StackEffect{1, 1};
  if (opcode == Opcode::Call && (token == task.is_completed || token == task.is_completed_successfully ||
                                 token == task.is_canceled || token == task.as_task)) {
    return StackEffect{1, 1};
  }
  return std::nullopt;
}

Status check_task_completion(const TaskCompletion& task, bool returns_value) {
  if (task.kind == TaskCompletion::Kind::None) return {};
  if (!returns_value) return make_error(Reason::InvalidInput, "a task epilogue needs a method that returns a value");
  if (task.track_method == 0) return make_error(Reason::InvalidInput, "task epilogue without a Track method");
  if (task.kind == TaskCompletion::Kind::ValueTask &&
      (task.is_completed == 0 || task.is_completed_successfully == 0 || task.is_canceled == 0 || task.as_task == 0 ||
       task.ctor_from_task == 0 || task.complete_sig_token == 0 || task.complete_fn == 0)) {
    return make_error(Reason::InvalidInput, "value task epilogue with missing members");
  }
  return {};
}

}  // namespace

namespace {

Status check_hooks(const RewriteInput& input) {
  const ProbeHooks& hooks = input.hooks;
  if (input.shape == ProbeShape::CountOnly) {
    if (hooks.count_sig_token == 0)
      return make_error(Reason::InvalidInput, "count-only probe without a count signature");
    if (input.task.kind != TaskCompletion::Kind::None) {
      return make_error(Reason::InvalidInput, "a count-only probe has no epilogue for a task");
    }
    return {};
  }
  if (hooks.enter_sig_token == hooks.leave_sig_token) {
    return make_error(Reason::InvalidInput, "enter and leave calli signatures must differ");
  }
  return {};
}

// Lays out, encodes, decodes again and verifies the rewritten body: what the
// runtime will actually read.
struct Emitted {
  std::vector<uint8_t> bytes;
  MethodBody body;
  VerifyReport report;
  Layout layout;
};

// `locals_token` is asked for only once layout and clauses succeeded: no
// metadata is written for a body we refuse.
Result<Emitted> emit_body(const MethodBody& original, const Draft& draft, const RewriteInput& input,
                          const std::function<Result<uint32_t>()>& locals_token, uint16_t max_stack, bool returns_value,
                          const StackEffectResolver& effects) {
  const uint64_t max_code = std::min<uint64_t>(input.max_code_size, 0x7FFFFFFF);
  auto layout = lay_out(draft.code, max_code);
  if (!layout) return layout.error();
  auto clauses = build_clauses(original, draft, *layout, input.shape == ProbeShape::Timed);
  if (!clauses) return clauses.error();
  auto token = locals_token();
  if (!token) return token.error();

  MethodBody rewritten;
  rewritten.header_kind = HeaderKind::Fat;
  rewritten.other_flags = original.other_flags;
  rewritten.init_locals = original.init_locals;
  rewritten.max_stack = max_stack;
  rewritten.local_var_sig_token = *token;
  rewritten.code_size = static_cast<uint32_t>(layout->offsets.back());
  rewritten.instructions = layout->instructions;
  if (!clauses->empty()) {
    DataSection eh;
    eh.kind = kSectEHTable | kSectFatFormat;
    eh.clauses = std::move(clauses.value());
    rewritten.sections.push_back(std::move(eh));
  }
  auto encoded = encode_method_body(rewritten);
  if (!encoded) return with_context(encoded.error(), "encoding the rewritten body");

  auto reread = decode_method_body(*encoded);
  if (!reread)
    return make_error(Reason::VerificationFailed, "rewritten body does not decode: " + reread.error().message);
  VerifyOptions after;
  after.returns_value = returns_value;
  after.stack_effects = effects;
  auto report = verify(*reread, after);
  if (!report) return with_context(report.error(), "rewritten body (rewriter bug)");
  return Emitted{std::move(encoded.value()), std::move(rewritten), *report, std::move(layout.value())};
}

}  // namespace

bool has_tail_calls(const MethodBody& body) {
  return std::any_of(body.instructions.begin(), body.instructions.end(),
                     [](const Instruction& ins) { return ins.opcode == Opcode::Tail; });
}

Result<RewrittenMethod> rewrite_with_probe(const RewriteInput& input, const LocalsTokenProvider& token_for_locals) {
  const ProbeHooks& hooks = input.hooks;
  const bool count_only = input.shape == ProbeShape::CountOnly;
  if (Status s = check_hooks(input); !s) return s.error();
  if (!token_for_locals && !count_only) return make_error(Reason::InvalidInput, "no locals token provider");

  auto decoded = decode_method_body(input.body);
  if (!decoded) return with_context(decoded.error(), "decoding the method body");
  const MethodBody& original = decoded.value();
  if (Status s = check_supported(original, input.shape); !s) return s.error();

  auto method_sig = parse_method_sig(input.method_sig);
  if (!method_sig) return with_context(method_sig.error(), "parsing the method signature");
  const bool returns_value = !method_sig->ret.is_void();
  if (Status s = check_task_completion(input.task, returns_value); !s) return s.error();
  if (input.watch) {
    if (count_only || input.task.kind != TaskCompletion::Kind::None) {
      return make_error(Reason::InvalidInput, "watch hooks need the Timed shape without a task epilogue");
    }
    if (Status s = check_watch(*input.watch, *method_sig); !s) return s.error();
  }

  // One resolver for the original and the rewritten body: our hook calli
  // sites are sized exactly in both. The hook tokens are StandAloneSigs of
  // the metadata, so the original code may already use them (GetTokenFromSig
  // shares identical signatures); sizing them only after the rewrite turned
  // an invalid original into a reported "rewriter bug" (found by
  // fuzz/rewrite_fuzz). Only the hooks of the chosen shape are known.
  const StackEffectResolver effects = [&](uint32_t token, Opcode opcode) -> std::optional<StackEffect> {
    if (opcode == Opcode::Calli) {
      if (count_only && token == hooks.count_sig_token) return StackEffect{2, 0};
      if (!count_only && token == hooks.enter_sig_token) return StackEffect{2, 1};
      if (!count_only && token == hooks.leave_sig_token) return StackEffect{3, 0};
    }
    if (auto effect = task_effect(input.task, token, opcode)) return effect;
    if (auto effect = watch_effect(input.watch, token, opcode)) return effect;
    if (input.stack_effects) return input.stack_effects(token, opcode);
    return std::nullopt;
  };
  VerifyOptions before;
  before.stack_effects = effects;
  before.returns_value = returns_value;
  auto original_report = verify(original, before);
  if (!original_report) return with_context(original_report.error(), "original body");

  if ((original.local_var_sig_token != 0) != !input.locals_sig.empty()) {
    return make_error(Reason::InvalidInput,
                      "locals signature blob does not match the header's local signature token");
  }

  RewrittenMethod out;
  Result<Draft> draft = Draft{};
  std::function<Result<uint32_t>()> locals_token = [&]() -> Result<uint32_t> { return original.local_var_sig_token; };
  uint16_t max_stack = 0;
  uint32_t original_locals = 0;
  if (count_only) {
    // No new locals: the original signature and token stay.
    out.locals_sig.assign(input.locals_sig.begin(), input.locals_sig.end());
    draft = build_count_only_draft(original, hooks);
    if (!draft) return draft.error();
    max_stack = std::max(original.max_stack, kCountStackNeed);
    if (!input.locals_sig.empty()) {
      auto counted = append_locals(input.locals_sig, {}, kMaxLocals);
      if (!counted) return with_context(counted.error(), "reading the local signature");
      original_locals = counted->original_count;
    }
  } else {
    std::vector<std::span<const uint8_t>> added{std::span<const uint8_t>(kInt64Local)};
    if (returns_value) added.push_back(method_sig->ret.raw);
    std::optional<WatchPlan> watch;
    if (input.watch) {
      const auto counted = append_locals(input.locals_sig, {}, kMaxLocals);
      if (!counted) return with_context(counted.error(), "reading the local signature");
      watch.emplace(
          WatchPlan{*input.watch, *method_sig,
                    plan_watch_locals(*input.watch, *method_sig,
                                      counted->original_count + static_cast<uint32_t>(added.size()), &added)});
    }
    auto locals = append_locals(input.locals_sig, added, kMaxLocals);
    if (!locals) return with_context(locals.error(), "building the local signature");
    original_locals = locals->original_count;
    out.start_local = static_cast<uint16_t>(locals->original_count);
    if (returns_value) out.result_local = static_cast<uint16_t>(locals->original_count + 1);
    const bool plain_copy = hooks.arm_flag != 0 && !input.watch && original.code_size <= kMaxPlainCopyCodeSize;
    draft = build_draft(original, hooks, input.task, out.start_local, out.result_local, watch ? &*watch : nullptr,
                        plain_copy);
    if (!draft) return draft.error();
    out.locals_sig = std::move(locals->sig);
    locals_token = [&]() { return token_for_locals(out.locals_sig); };
    const uint16_t probe_need =
        input.task.kind == TaskCompletion::Kind::ValueTask ? kValueTaskStackNeed : kProbeStackNeed;
    max_stack = std::max(original.max_stack, watch ? std::max(probe_need, watch_stack_need(*input.watch)) : probe_need);
  }

  auto emitted = emit_body(original, *draft, input, locals_token, max_stack, returns_value, effects);
  if (!emitted) return emitted.error();
  const Layout& layout = emitted->layout;

  std::vector<uint32_t> new_starts;
  new_starts.reserve(original.instructions.size());
  for (size_t i = 0; i < original.instructions.size(); ++i) {
    new_starts.push_back(static_cast<uint32_t>(layout.offsets[draft->first_of_original[i]]));
  }
  const uint32_t tail_start = static_cast<uint32_t>(layout.offsets[draft->original_end]);
  if (draft->plain_first_of_original.empty()) {
    out.il_map = build_il_map(original, new_starts, tail_start);
  } else {
    std::vector<uint32_t> plain_starts;
    plain_starts.reserve(original.instructions.size());
    for (size_t i = 0; i < original.instructions.size(); ++i) {
      plain_starts.push_back(static_cast<uint32_t>(layout.offsets[draft->plain_first_of_original[i]]));
    }
    const uint32_t armed_start = static_cast<uint32_t>(layout.offsets[draft->plain_first_of_original.back()]);
    out.il_map = build_il_map_with_plain_copy(original, plain_starts, armed_start, new_starts, tail_start);
    out.stats.plain_copy = true;
  }
  out.body = std::move(emitted->bytes);
  out.locals_sig_token = emitted->body.local_var_sig_token;
  out.stats.original_code_size = original.code_size;
  out.stats.new_code_size = emitted->body.code_size;
  out.stats.returns_rewritten = draft->returns_rewritten;
  out.stats.branches_widened = layout.widened_branches;
  out.stats.original_locals = original_locals;
  out.stats.eh_clauses =
      emitted->body.sections.empty() ? 0 : static_cast<uint32_t>(emitted->body.sections[0].clauses.size());
  out.stats.max_stack = max_stack;
  out.stats.unknown_call_sites = emitted->report.unknown_call_sites;
  out.stats.self_tail_calls = count_only ? 0 : count_self_tail_calls(original, input.method_token);
  return out;
}

}  // namespace clrprobe::il
