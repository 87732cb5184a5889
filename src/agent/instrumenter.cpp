#include "agent/instrumenter.h"

#include <fmt/format.h>

#include "agent/arm_flags.h"
#include "agent/call_site_effects.h"
#include "agent/hook_signatures.h"
#include "agent/hresult_error.h"
#include "agent/log.h"
#include "agent/metadata_names.h"
#include "agent/task_tracker.h"
#include "il/method_body.h"
#include "il/signature.h"
#include "il/task_return.h"
#include "stats/hit_path.h"
#include "stats/stats_region.h"

namespace clrprobe::agent {

using namespace clrprobe::abi;

Instrumenter::Instrumenter(ICorProfilerInfo10* info, ModuleTable& modules, ProbeRegistry& registry,
                           stats::StatsRegion* region)
    : info_(info), modules_(modules), registry_(registry), region_(region), task_tracker_(info, modules) {}

namespace {

// Count probes are count-only by choice; other kinds may become count-only
// in the rewrite (tail calls).
ProbeCoverage initial_coverage(const selector::KindSpec& kind) {
  ProbeCoverage coverage;
  if (kind.kind == selector::ProbeKind::Count) {
    coverage.shape = il::ProbeShape::CountOnly;
    coverage.count_only_reason = "count probe";
  }
  return coverage;
}

}  // namespace

bool Instrumenter::prepare(const MethodKey& key, RewrittenCode* code) {
  auto method = registry_.method(key);
  if (!method) return false;
  if (method->state == MethodState::Failed) return false;
  // New, instrumented with another kind, or instrumented and asked for again
  // (a re-add after a revert, an inliner's ReJIT): (re)written for the kind
  // its probes want, in the same slot. Written again even when the kind is the
  // same: the code is not kept, and its fingerprint must be the current one.
  const selector::KindSpec kind = method->wanted;

  auto module = modules_.find(key.module);
  if (!module) {
    fail(key, "not_found: module was unloaded");
    return false;
  }
  const bool new_slot = method->slot < 0;
  Result<int32_t> slot = method->slot;
  if (new_slot) slot = region_->allocate_slot(method->display_name, method->assembly ? *method->assembly : "");
  if (!slot) {
    fail(key, slot.error().describe(), /*permanent=*/false);
    return false;
  }
  ProbeCoverage coverage = initial_coverage(kind);
  auto rewritten = rewrite(*module, key, *slot, kind, &coverage, /*apply_metadata=*/true);
  if (!rewritten) {
    if (new_slot) (void)region_->retire_slot(*slot);  // best effort: the slot just stays unused
    fail(key, rewritten.error().describe());
    return false;
  }
  const il::RewriteStats& stats = rewritten->stats;
  coverage.self_tail_calls = stats.self_tail_calls;
  CLRPROBE_LOG_DEBUG(
      "instrumented {} (slot {}, {} bytes of IL, {} branches widened, {} unknown call sites{})", method->display_name,
      *slot, rewritten->body.size(), stats.branches_widened, stats.unknown_call_sites,
      coverage.shape == il::ProbeShape::CountOnly ? fmt::format(", count only: {}", coverage.count_only_reason)
                                                  : std::string());
  // Count-only code (a count probe, or tail calls) has no latency; sampled
  // code latency for one call in N: readers show in-flight as unknown.
  const stats::SlotKind slot_kind = coverage.shape == il::ProbeShape::CountOnly ? stats::SlotKind::Count
                                    : kind.kind == selector::ProbeKind::Sampled ? stats::SlotKind::Sampled
                                                                                : stats::SlotKind::Full;
  (void)region_->set_slot_kind(*slot, slot_kind);
  RewrittenCode made{std::move(rewritten->body), std::move(rewritten->il_map)};
  registry_.mark_instrumented(key, *slot, fingerprint(made), std::move(coverage), kind);
  if (code != nullptr) *code = std::move(made);
  return true;
}

Result<RewrittenCode> Instrumenter::code_for(const MethodKey& key, const InstrumentedMethod& method) {
  if (method.state != MethodState::Instrumented || method.slot < 0) {
    return make_error(Reason::NotFound, "not an instrumented method");
  }
  auto module = modules_.find(key.module);
  if (!module) return make_error(Reason::NotFound, "module was unloaded");
  ProbeCoverage coverage = initial_coverage(method.kind);
  auto rewritten = rewrite(*module, key, method.slot, method.kind, &coverage, /*apply_metadata=*/false);
  if (!rewritten) return rewritten.error();
  RewrittenCode code{std::move(rewritten->body), std::move(rewritten->il_map)};
  if (fingerprint(code) != method.code_fingerprint) {
    // Something the rewrite reads changed since `add` (e.g. a watch on the
    // method): this code was never checked, and its tokens may not be applied.
    return make_error(Reason::RuntimeError, "its instrumented code changed since it was prepared; add the probe again");
  }
  return code;
}

void Instrumenter::fail(const MethodKey& key, const std::string& reason, bool permanent) {
  auto method = registry_.method(key);
  CLRPROBE_LOG_WARN("not instrumenting {}: {}", method ? method->display_name : fmt::format("{:#x}", key.token),
                    reason);
  registry_.mark_failed(key, reason, permanent);
}

Result<HookSignatureTokens> Instrumenter::hook_tokens(ModuleInfo& module) {
  // Caller holds module.emit_mutex.
  if (module.hook_tokens.enter != 0) return module.hook_tokens;
  HookSignatureTokens tokens;
  uint32_t modopt = suppress_gc_transition_token(module);
  auto enter_sig = enter_hook_signature(modopt);
  auto leave_sig = leave_hook_signature(modopt);
  auto count_sig = count_hook_signature(modopt);
  HRESULT hr = module.emit->GetTokenFromSig(enter_sig.data(), static_cast<ULONG>(enter_sig.size()), &tokens.enter);
  if (hr < 0) return hresult_error("GetTokenFromSig(enter)", hr);
  hr = module.emit->GetTokenFromSig(leave_sig.data(), static_cast<ULONG>(leave_sig.size()), &tokens.leave);
  if (hr < 0) return hresult_error("GetTokenFromSig(leave)", hr);
  hr = module.emit->GetTokenFromSig(count_sig.data(), static_cast<ULONG>(count_sig.size()), &tokens.count);
  if (hr < 0) return hresult_error("GetTokenFromSig(count)", hr);
  CLRPROBE_LOG_DEBUG("{}: hook signatures {} GC transition", module.assembly_name, modopt != 0 ? "without" : "with");
  tokens.modopt = modopt;
  module.hook_tokens = tokens;
  return tokens;
}

Result<std::span<const uint8_t>> Instrumenter::original_body(const MethodKey& key) {
  {
    std::lock_guard lock(original_bodies_mutex_);
    if (auto it = original_bodies_.find(key); it != original_bodies_.end()) return it->second;
  }
  LPCBYTE header = nullptr;
  ULONG body_size = 0;
  const HRESULT hr = info_->GetILFunctionBody(key.module, key.token, &header, &body_size);
  if (hr < 0 || header == nullptr) return hresult_error("GetILFunctionBody", hr);
  return std::span<const uint8_t>(header, body_size);
}

void Instrumenter::keep_original_body(const MethodKey& key) {
  auto body = original_body(key);
  if (!body) return;
  std::lock_guard lock(original_bodies_mutex_);
  original_bodies_.emplace(key, *body);
}

Result<il::RewrittenMethod> Instrumenter::rewrite(ModuleInfo& module, const MethodKey& key, int32_t slot,
                                                  const selector::KindSpec& kind, ProbeCoverage* coverage,
                                                  bool apply_metadata) {
  module.open_metadata();
  if (!module.import || !module.emit) return make_error(Reason::RuntimeError, "module metadata is not available");

  auto original = original_body(key);
  if (!original) return original.error();
  const std::span<const uint8_t> body = *original;
  HRESULT hr = S_OK;

  auto props = method_props(module.import.get(), key.token);
  if (!props) return props.error();

  auto decoded = il::decode_method_body(body);
  if (!decoded) return decoded.error();
  std::span<const uint8_t> locals_sig;
  if (decoded->local_var_sig_token != 0) {
    PCCOR_SIGNATURE blob = nullptr;
    ULONG blob_size = 0;
    hr = module.import->GetSigFromToken(decoded->local_var_sig_token, &blob, &blob_size);
    if (hr < 0) return hresult_error("GetSigFromToken(locals)", hr);
    locals_sig = std::span<const uint8_t>(blob, blob_size);
  }

  // `tail.` calls cannot sit in a try: such a method is counted at entry
  // only, its tail calls kept (the CountOnly shape, rewriter.h).
  if (coverage->shape == il::ProbeShape::Timed && il::has_tail_calls(*decoded)) {
    coverage->shape = il::ProbeShape::CountOnly;
    coverage->count_only_reason = "tail calls";
  }
  const bool count_only = coverage->shape == il::ProbeShape::CountOnly;

  // Task-returning methods: measured to the task's completion when the task
  // tracker exists (defined in CoreLib before this module's lock is taken:
  // one lock at a time), else to the synchronous return.
  auto method_sig = il::parse_method_sig(props->signature);
  if (!method_sig) return method_sig.error();
  const auto type_name = [&](uint32_t token) { return type_token_name(module.import.get(), token); };
  il::TaskShape shape = count_only ? il::TaskShape::None : il::classify_return(method_sig->ret, type_name);
  if (shape != il::TaskShape::None) {
    if (Status defined = task_tracker_.ensure_defined(); !defined) {
      registry_.set_task_fallback(key, defined.error().describe());
      shape = il::TaskShape::None;
    }
  }

  std::lock_guard lock(module.emit_mutex);
  auto tokens = hook_tokens(module);
  if (!tokens) return tokens.error();
  il::TaskCompletion input_task;

  if (shape != il::TaskShape::None) {
    auto completion = task_tracker_.completion_for(module, shape, method_sig->ret, tokens->modopt);
    if (completion) {
      input_task = *completion;
    } else {
      registry_.set_task_fallback(key, completion.error().describe());
    }
  }

  il::RewriteInput input;
  input.shape = coverage->shape;
  input.method_token = key.token;
  input.task = input_task;
  input.body = body;
  input.method_sig = props->signature;
  input.locals_sig = locals_sig;
  input.hooks.slot = slot;
  input.hooks.enter_fn = kind.kind == selector::ProbeKind::Sampled
                             ? reinterpret_cast<uint64_t>(&clrprobe_hit_enter_sampled)
                             : reinterpret_cast<uint64_t>(&clrprobe_hit_enter);
  input.hooks.arm_flag = reinterpret_cast<uint64_t>(arm_flag_address(slot));
  input.hooks.leave_fn = reinterpret_cast<uint64_t>(&clrprobe_hit_leave);
  input.hooks.exception_fn = reinterpret_cast<uint64_t>(&clrprobe_hit_exception);
  input.hooks.enter_sig_token = tokens->enter;
  input.hooks.leave_sig_token = tokens->leave;
  input.hooks.count_fn = reinterpret_cast<uint64_t>(&clrprobe_hit_count);
  input.hooks.count_sig_token = tokens->count;
  // Sized call sites let the verifier check the stack of the body we emit.
  if (!module.call_site_effects) module.call_site_effects = std::make_shared<CallSiteEffects>(module.import.get());
  input.stack_effects = [effects = module.call_site_effects](uint32_t token, il::Opcode op) {
    return (*effects)(token, op);
  };

  std::optional<il::WatchHooks> watch;
  if (watch_hooks_for_ && !count_only && input_task.kind == il::TaskCompletion::Kind::None) {
    watch = watch_hooks_for_(module, key, *method_sig, tokens->modopt);
    if (watch) input.watch = &*watch;
  }
  auto rewritten = il::rewrite_with_probe(input, [&](std::span<const uint8_t> sig) -> Result<uint32_t> {
    mdSignature token = 0;
    HRESULT h = module.emit->GetTokenFromSig(sig.data(), static_cast<ULONG>(sig.size()), &token);
    if (h < 0) return hresult_error("GetTokenFromSig(locals)", h);
    return token;
  });
  if (!rewritten) return rewritten.error();

  // Signatures defined after the module loaded become visible to the JIT
  // only once applied.
  if (apply_metadata) {
    hr = info_->ApplyMetaData(key.module);
    if (hr < 0) return hresult_error("ApplyMetaData", hr);
  }
  return rewritten;
}

}  // namespace clrprobe::agent
