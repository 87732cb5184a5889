// Human-readable names from a module's metadata: "Ns.Outer+Inner" for types,
// "Ns.Type::Method(int32,string)" for methods. Used to match selectors and to
// show users what a probe covers.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "abi/abi.h"
#include "common/result.h"

namespace clrprobe::agent {

struct MethodProps {
  abi::mdTypeDef owner = 0;
  std::string name;
  uint32_t attributes = 0;
  uint32_t impl_flags = 0;
  uint32_t code_rva = 0;
  std::span<const uint8_t> signature;  // owned by the metadata scope
};

// Full name of a TypeDef, nested types joined with '+'.
Result<std::string> typedef_full_name(abi::IMetaDataImport2* import, abi::mdTypeDef type);

// Full name of a TypeDef, TypeRef or TypeSpec token (generic instantiations
// are written Name<Arg,...>); falls back to the token in hex.
std::string type_token_name(abi::IMetaDataImport2* import, uint32_t token);

Result<MethodProps> method_props(abi::IMetaDataImport2* import, abi::mdMethodDef method);

// Canonical parameter type names of a method signature (ilasm style:
// "int32", "string", "System.Collections.Generic.List`1<int32>").
std::vector<std::string> method_param_types(abi::IMetaDataImport2* import, std::span<const uint8_t> signature);

// Number of generic parameters of the method itself (0 if not generic).
uint32_t method_generic_arity(std::span<const uint8_t> signature);

// "(int32,string)" from a method signature blob; "(?)" if it cannot be parsed.
std::string method_param_list(abi::IMetaDataImport2* import, std::span<const uint8_t> signature);

}  // namespace clrprobe::agent
