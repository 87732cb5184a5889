#include "agent/metadata_names.h"

#include <fmt/format.h>

#include "agent/hresult_error.h"
#include "agent/utf16.h"
#include "il/signature.h"

namespace clrprobe::agent {

using namespace clrprobe::abi;

namespace {

constexpr ULONG kNameCapacity = 1024;
constexpr int kMaxNesting = 64;  // guards against cyclic nesting in bad metadata

std::string to_utf8(const WCHAR* buffer, ULONG length) {
  // Lengths from metadata include the terminating NUL.
  if (length > 0 && buffer[length - 1] == u'\0') --length;
  return utf16_to_utf8(std::u16string_view(buffer, length));
}

std::string typeref_full_name(IMetaDataImport2* import, mdTypeRef type, int depth) {
  WCHAR buffer[kNameCapacity];
  ULONG length = 0;
  mdToken scope = 0;
  if (import->GetTypeRefProps(type, &scope, buffer, kNameCapacity, &length) < 0) return fmt::format("{:#010x}", type);
  std::string name = to_utf8(buffer, length);
  // A TypeRef scoped by another TypeRef is a nested type reference.
  if (TypeFromToken(scope) == mdtTypeRef && depth < kMaxNesting) {
    return typeref_full_name(import, scope, depth + 1) + "+" + name;
  }
  return name;
}

}  // namespace

Result<std::string> typedef_full_name(IMetaDataImport2* import, mdTypeDef type) {
  std::string full;
  for (int depth = 0; depth < kMaxNesting; ++depth) {
    WCHAR buffer[kNameCapacity];
    ULONG length = 0;
    DWORD flags = 0;
    mdToken extends = 0;
    HRESULT hr = import->GetTypeDefProps(type, buffer, kNameCapacity, &length, &flags, &extends);
    if (hr < 0) return hresult_error(fmt::format("GetTypeDefProps({:#x})", type), hr);
    std::string name = to_utf8(buffer, length);
    full = full.empty() ? name : name + "+" + full;
    if (!IsTdNested(flags)) return full;
    mdTypeDef enclosing = 0;
    if (import->GetNestedClassProps(type, &enclosing) < 0) return full;
    type = enclosing;
  }
  return make_error(Reason::InvalidInput, "type nesting too deep");
}

std::string type_token_name(IMetaDataImport2* import, uint32_t token) {
  switch (TypeFromToken(token)) {
    case mdtTypeDef: {
      auto name = typedef_full_name(import, token);
      return name ? *name : fmt::format("{:#010x}", token);
    }
    case mdtTypeRef:
      return typeref_full_name(import, token, 0);
    case mdtTypeSpec: {
      PCCOR_SIGNATURE blob = nullptr;
      ULONG size = 0;
      if (import->GetTypeSpecFromToken(token, &blob, &size) < 0) break;
      std::span<const uint8_t> bytes(blob, size);
      size_t pos = 0;
      auto type = il::parse_type(bytes, &pos);
      if (!type) break;
      return il::format_type(*type, [import](uint32_t t) { return type_token_name(import, t); });
    }
    default:
      break;
  }
  return fmt::format("{:#010x}", token);
}

Result<MethodProps> method_props(IMetaDataImport2* import, mdMethodDef method) {
  WCHAR buffer[kNameCapacity];
  ULONG length = 0;
  MethodProps props;
  PCCOR_SIGNATURE sig = nullptr;
  ULONG sig_size = 0;
  HRESULT hr = import->GetMethodProps(method, &props.owner, buffer, kNameCapacity, &length, &props.attributes, &sig,
                                      &sig_size, &props.code_rva, &props.impl_flags);
  if (hr < 0) return hresult_error(fmt::format("GetMethodProps({:#x})", method), hr);
  props.name = to_utf8(buffer, length);
  props.signature = std::span<const uint8_t>(sig, sig_size);
  return props;
}

std::vector<std::string> method_param_types(IMetaDataImport2* import, std::span<const uint8_t> signature) {
  std::vector<std::string> names;
  auto sig = il::parse_method_sig(signature);
  if (!sig) return names;
  auto resolver = [import](uint32_t t) { return type_token_name(import, t); };
  for (const auto& param : sig->params) names.push_back(il::format_type(param, resolver));
  return names;
}

uint32_t method_generic_arity(std::span<const uint8_t> signature) {
  auto sig = il::parse_method_sig(signature);
  return sig ? sig->generic_param_count : 0;
}

std::string method_param_list(IMetaDataImport2* import, std::span<const uint8_t> signature) {
  auto sig = il::parse_method_sig(signature);
  if (!sig) return "(?)";
  return il::format_method_params(*sig, [import](uint32_t t) { return type_token_name(import, t); });
}

}  // namespace clrprobe::agent
