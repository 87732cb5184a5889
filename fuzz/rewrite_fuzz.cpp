// libFuzzer target: the probe rewriter (src/il/rewriter.h), end to end:
// decode -> rewrite -> verify -> encode. Grown from the IL engineer's
// tests/unit/il/fuzz_il.cpp (same idea, input layout extended).
//
// Input layout:
//   [u8 flags][u8 n][method_sig: n bytes][u8 m][locals_sig: m bytes][body...]
//   flags bit 0: give the rewriter a stack-effect resolver (derived from the
//                token bits) instead of conservative mode
//   flags bit 1: a small max_code_size (exercises MethodTooLarge)
//   flags bit 2: the CountOnly shape (one count call at entry, code kept)
// Lengths are clipped to what is left. fuzz/make_seeds.cpp writes real bodies
// from tests/unit/il/real_bodies_data.h in this layout.
//
// Properties checked:
//  * no crash, no UB, no read outside the input;
//  * the rewriter never reports its own bug ("rewritten body" failing to
//    decode, verify or encode);
//  * every rewritten body decodes again, re-encodes to the same bytes,
//    passes the verifier (with the hooks' calli sites sized exactly), has one
//    more EH clause than the original, a fat header, and max_stack >= 3;
//  * the new locals signature parses and has 1 (void) or 2 more locals; the
//    locals token provider was called exactly once and its token is in the
//    header.
//  * CountOnly: no locals token asked for, the original locals kept, the
//    original clauses only, and after the 4-instruction count call the
//    original instructions unchanged (every `tail.` prefix kept).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "il/method_body.h"
#include "il/rewriter.h"
#include "il/signature.h"
#include "il/verifier.h"

using namespace clrprobe;
using namespace clrprobe::il;

namespace {

constexpr uint32_t kEnterSig = 0x11000001;
constexpr uint32_t kLeaveSig = 0x11000002;
constexpr uint32_t kLocalsToken = 0x11000003;
constexpr uint32_t kCountSig = 0x11000004;

std::optional<StackEffect> token_effect(uint32_t token, Opcode) {
  if ((token & 0xFF) == 0xFF) return std::nullopt;  // "unknown" call sites stay reachable
  return StackEffect{token & 3, (token >> 2) & 1};
}

std::span<const uint8_t> take(std::span<const uint8_t>* rest) {
  if (rest->empty()) return {};
  const size_t n = std::min<size_t>((*rest)[0], rest->size() - 1);
  auto part = rest->subspan(1, n);
  *rest = rest->subspan(1 + n);
  return part;
}

bool contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  std::span<const uint8_t> rest(data + 1, size - 1);
  const auto method_sig = take(&rest);
  const auto locals_sig = take(&rest);
  const auto body = rest;

  RewriteInput in;
  in.body = body;
  in.method_sig = method_sig;
  in.locals_sig = locals_sig;
  in.hooks.slot = 7;
  in.hooks.enter_fn = 0x1111111111111111ull;
  in.hooks.leave_fn = 0x2222222222222222ull;
  in.hooks.exception_fn = 0x3333333333333333ull;
  in.hooks.enter_sig_token = kEnterSig;
  in.hooks.leave_sig_token = kLeaveSig;
  if (flags & 1) in.stack_effects = token_effect;
  if (flags & 2) in.max_code_size = 64;
  const bool count_only = (flags & 4) != 0;
  if (count_only) {
    in.shape = ProbeShape::CountOnly;
    in.hooks.count_fn = 0x4444444444444444ull;
    in.hooks.count_sig_token = kCountSig;
  }

  int provider_calls = 0;
  std::vector<uint8_t> provided_locals;
  auto rw = rewrite_with_probe(in, [&](std::span<const uint8_t> sig) -> Result<uint32_t> {
    ++provider_calls;
    provided_locals.assign(sig.begin(), sig.end());
    return kLocalsToken;
  });
  if (!rw.ok()) {
    const std::string& m = rw.error().message;
    FUZZ_CHECK_MSG(!contains(m, "rewriter bug") && !contains(m, "rewritten body") &&
                       !contains(m, "encoding the rewritten body"),
                   rw.error().describe().c_str());
    return 0;
  }

  auto original = decode_method_body(body);
  FUZZ_CHECK_MSG(original.ok(), "rewriter accepted a body the decoder rejects");
  auto sig = parse_method_sig(method_sig);
  FUZZ_CHECK_MSG(sig.ok(), "rewriter accepted a signature the parser rejects");
  const bool returns_value = !sig->ret.is_void();

  if (count_only) {
    FUZZ_CHECK(provider_calls == 0);
    FUZZ_CHECK(rw->locals_sig == std::vector<uint8_t>(locals_sig.begin(), locals_sig.end()));
    auto again = decode_method_body(rw->body);
    FUZZ_CHECK_MSG(again.ok(), "count-only body does not decode");
    FUZZ_CHECK(again->local_var_sig_token == original->local_var_sig_token);
    FUZZ_CHECK(again->max_stack >= kCountStackNeed);
    FUZZ_CHECK(again->eh_clauses().size() == original->eh_clauses().size());
    FUZZ_CHECK(again->instructions.size() == original->instructions.size() + 4);
    for (size_t i = 0; i < original->instructions.size(); ++i) {
      const Instruction& before = original->instructions[i];
      const Instruction& after = again->instructions[i + 4];
      FUZZ_CHECK(after.opcode == before.opcode);
      if (!is_branch(before.opcode) && before.opcode != Opcode::Switch) FUZZ_CHECK(after.operand == before.operand);
    }
    VerifyOptions options;
    options.returns_value = returns_value;
    options.stack_effects = [&](uint32_t token, Opcode op) -> std::optional<StackEffect> {
      if (op == Opcode::Calli && token == kCountSig) return StackEffect{2, 0};
      if (flags & 1) return token_effect(token, op);
      return std::nullopt;
    };
    auto report = verify(*again, options);
    FUZZ_CHECK_MSG(report.ok(), report.ok() ? "" : report.error().describe().c_str());
    return 0;
  }

  FUZZ_CHECK(provider_calls == 1);
  FUZZ_CHECK(provided_locals == rw->locals_sig);
  FUZZ_CHECK(rw->locals_sig_token == kLocalsToken);

  auto again = decode_method_body(rw->body);
  FUZZ_CHECK_MSG(again.ok(), "rewritten body does not decode");
  FUZZ_CHECK(again->encoded_size == rw->body.size());
  FUZZ_CHECK(again->header_kind == HeaderKind::Fat);
  FUZZ_CHECK(again->local_var_sig_token == kLocalsToken);
  FUZZ_CHECK(again->max_stack >= kProbeStackNeed);
  FUZZ_CHECK(again->init_locals == original->init_locals);
  FUZZ_CHECK(again->eh_clauses().size() == original->eh_clauses().size() + 1);
  FUZZ_CHECK(again->code_size == rw->stats.new_code_size);

  auto reencoded = encode_method_body(*again);
  FUZZ_CHECK_MSG(reencoded.ok() && *reencoded == rw->body, "rewritten body does not round-trip");

  VerifyOptions options;
  options.returns_value = returns_value;
  options.stack_effects = [&](uint32_t token, Opcode op) -> std::optional<StackEffect> {
    if (op == Opcode::Calli && token == kEnterSig) return StackEffect{2, 1};
    if (op == Opcode::Calli && token == kLeaveSig) return StackEffect{3, 0};
    if (flags & 1) return token_effect(token, op);
    return std::nullopt;
  };
  auto report = verify(*again, options);
  FUZZ_CHECK_MSG(report.ok(), report.ok() ? "" : report.error().describe().c_str());

  auto new_locals = parse_locals_sig(rw->locals_sig);
  FUZZ_CHECK_MSG(new_locals.ok(), "new locals signature does not parse");
  size_t before = 0;
  if (!locals_sig.empty()) {
    auto old_locals = parse_locals_sig(locals_sig);
    FUZZ_CHECK_MSG(old_locals.ok(), "rewriter accepted a locals signature the parser rejects");
    before = old_locals->locals.size();
  }
  FUZZ_CHECK(new_locals->locals.size() == before + (returns_value ? 2 : 1));
  FUZZ_CHECK(rw->start_local == before);
  FUZZ_CHECK(rw->result_local.has_value() == returns_value);
  return 0;
}
