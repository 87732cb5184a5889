// Stack effects of the call sites in probed methods, read from their module's
// metadata, so that the verifier checks the evaluation stack of every body
// the agent emits (il/verifier.h) instead of treating each call as unknown.
//   call/callvirt/newobj: a MethodDef, a MemberRef (its own signature, which
//     for a vararg call site includes the extra arguments) or a MethodSpec
//     (the signature of the method it instantiates);
//   calli: a StandAloneSig.
// Any other token, or a lookup that fails, stays unknown (std::nullopt).
// Results are cached for the module's lifetime: metadata only grows, so a
// token's signature never changes. Not thread-safe: the instrumenter uses it
// under the module's emit_mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>

#include "abi/abi.h"
#include "il/opcodes.h"
#include "il/verifier.h"

namespace clrprobe::agent {

class CallSiteEffects {
 public:
  explicit CallSiteEffects(abi::IMetaDataImport2* import) : import_(import) {}

  std::optional<il::StackEffect> operator()(uint32_t token, il::Opcode op);

 private:
  std::optional<std::span<const uint8_t>> method_signature(uint32_t token) const;
  std::optional<std::span<const uint8_t>> signature_for(uint32_t token, il::Opcode op) const;

  abi::IMetaDataImport2* import_;  // owned by the module (ModuleInfo::import)
  std::unordered_map<uint64_t, std::optional<il::StackEffect>> cache_;  // (token, opcode)
};

}  // namespace clrprobe::agent
