#include "agent/call_site_effects.h"

namespace clrprobe::agent {

using namespace clrprobe::abi;

namespace {

std::span<const uint8_t> as_span(PCCOR_SIGNATURE blob, ULONG size) {
  return blob == nullptr ? std::span<const uint8_t>() : std::span<const uint8_t>(blob, size);
}

}  // namespace

std::optional<il::StackEffect> CallSiteEffects::operator()(uint32_t token, il::Opcode op) {
  // call and callvirt size a token alike; newobj and calli read it differently.
  const auto kind = op == il::Opcode::Callvirt ? il::Opcode::Call : op;
  const uint64_t key = (uint64_t{token} << 16) | static_cast<uint16_t>(kind);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::optional<il::StackEffect> effect;
  if (auto blob = signature_for(token, kind)) effect = il::stack_effect_for_signature(*blob, kind);
  cache_.emplace(key, effect);
  return effect;
}

std::optional<std::span<const uint8_t>> CallSiteEffects::signature_for(uint32_t token, il::Opcode op) const {
  if (import_ == nullptr || !import_->IsValidToken(token)) return std::nullopt;
  if (op == il::Opcode::Calli) {
    if (TypeFromToken(token) != mdtSignature) return std::nullopt;
    PCCOR_SIGNATURE blob = nullptr;
    ULONG size = 0;
    if (import_->GetSigFromToken(token, &blob, &size) < 0) return std::nullopt;
    return as_span(blob, size);
  }
  if (TypeFromToken(token) == mdtMethodSpec) {
    mdToken method = 0;
    PCCOR_SIGNATURE instantiation = nullptr;
    ULONG size = 0;
    if (import_->GetMethodSpecProps(token, &method, &instantiation, &size) < 0) return std::nullopt;
    // The instantiation changes types, never the number of arguments.
    if (TypeFromToken(method) == mdtMethodSpec || !import_->IsValidToken(method)) return std::nullopt;
    return method_signature(method);
  }
  return method_signature(token);
}

std::optional<std::span<const uint8_t>> CallSiteEffects::method_signature(uint32_t token) const {
  PCCOR_SIGNATURE blob = nullptr;
  ULONG size = 0;
  switch (TypeFromToken(token)) {
    case mdtMethodDef:
      if (import_->GetMethodProps(token, nullptr, nullptr, 0, nullptr, nullptr, &blob, &size, nullptr, nullptr) < 0) {
        return std::nullopt;
      }
      return as_span(blob, size);
    case mdtMemberRef: {
      mdToken parent = 0;
      if (import_->GetMemberRefProps(token, &parent, nullptr, 0, nullptr, &blob, &size) < 0) return std::nullopt;
      return as_span(blob, size);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace clrprobe::agent
