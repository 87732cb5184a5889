// A structural IL verifier, run on every body before and after rewriting.
// It is deliberately narrower than the runtime's importer (no type tracking)
// but catches everything a rewriter can get wrong: branch targets, EH region
// shape and ordering, control entering or leaving protected regions, falling
// off the end of code or of a handler, and evaluation stack depth on every
// path (ECMA-335 III.1.7.5, II.19, I.12.4.2).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "common/result.h"
#include "il/method_body.h"
#include "il/opcodes.h"
#include "il/signature.h"

namespace clrprobe::il {

// Stack slots consumed and produced by one call-like instruction, everything
// included: `this`, the arguments, and calli's function pointer.
struct StackEffect {
  uint32_t pops = 0;
  uint32_t pushes = 0;
  bool operator==(const StackEffect&) const = default;
};

// Resolves the stack effect of call/callvirt/newobj/calli given the
// instruction's token (MethodDef/MemberRef/MethodSpec, or StandAloneSig for
// calli). Returning nullopt means "unknown": the verifier then treats the
// depth after that instruction as unknown until a point that fixes it again
// (leave, a handler entry, a join with a known path).
using StackEffectResolver = std::function<std::optional<StackEffect>(uint32_t token, Opcode op)>;

// Stack effect derived from the callee's signature (for a MemberRef of a
// vararg call, pass the call-site signature: its params include the varargs).
//   call/callvirt: pops params (+1 for an instance method without
//                  EXPLICITTHIS, whose `this` is not in the param list)
//   newobj:        pops params, pushes the new object
//   calli:         like call, plus the function pointer
StackEffect stack_effect_for_call(const MethodSig& callee, Opcode op);

// The same from a signature blob as the metadata holds it (MethodDefSig,
// MethodRefSig, StandAloneMethodSig). nullopt when the blob does not parse as
// a method signature, or names a static method for newobj (a constructor
// always has `this`): the call site stays "unknown" rather than guessed.
std::optional<StackEffect> stack_effect_for_signature(std::span<const uint8_t> blob, Opcode op);

struct VerifyOptions {
  StackEffectResolver stack_effects;   // may be empty: calls become "unknown"
  std::optional<bool> returns_value;   // from the method signature; nullopt: `ret` may leave 0 or 1
};

struct VerifyReport {
  uint32_t max_stack_seen = 0;     // maximum depth on paths whose depth is known
  uint32_t unknown_call_sites = 0; // call-like instructions whose effect was unknown
  bool stack_fully_known() const { return unknown_call_sites == 0; }
};

// Verifies `body` (its instructions, code_size, max_stack and EH clauses).
// Fails with Reason::VerificationFailed and a message naming the offset.
Result<VerifyReport> verify(const MethodBody& body, const VerifyOptions& options = {});

}  // namespace clrprobe::il
