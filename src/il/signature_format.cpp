// format_type / format_method_params: ilasm-style type names for selectors,
// logs and reports.
#include <string>

#include "il/hex.h"
#include "il/signature.h"

namespace clrprobe::il {
namespace {

std::string token_name(uint32_t token, const TypeNameResolver& resolver) {
  if (resolver) {
    std::string name = resolver(token);
    if (!name.empty()) return name;
  }
  return hex(token);
}

const char* primitive_name(ElementType kind) {
  switch (kind) {
    case ElementType::Void: return "void";
    case ElementType::Boolean: return "bool";
    case ElementType::Char: return "char";
    case ElementType::I1: return "int8";
    case ElementType::U1: return "uint8";
    case ElementType::I2: return "int16";
    case ElementType::U2: return "uint16";
    case ElementType::I4: return "int32";
    case ElementType::U4: return "uint32";
    case ElementType::I8: return "int64";
    case ElementType::U8: return "uint64";
    case ElementType::R4: return "float32";
    case ElementType::R8: return "float64";
    case ElementType::String: return "string";
    case ElementType::Object: return "object";
    case ElementType::TypedByRef: return "typedref";
    case ElementType::I: return "native int";
    case ElementType::U: return "native uint";
    default: return nullptr;
  }
}

std::string params_list(const MethodSig& sig, const TypeNameResolver& resolver) {
  std::string out = "(";
  for (size_t i = 0; i < sig.params.size(); ++i) {
    if (i > 0) out += ",";
    if (sig.sentinel_index && *sig.sentinel_index == i) out += "...,";
    out += format_type(sig.params[i], resolver);
  }
  // A sentinel with no vararg arguments after it is not representable in a
  // parsed MethodSig (the sentinel precedes a parameter), so nothing to add.
  out += ")";
  return out;
}

}  // namespace

std::string format_type(const TypeSig& type, const TypeNameResolver& resolver) {
  if (const char* name = primitive_name(type.kind)) return name;
  const auto element = [&]() -> std::string {
    return type.args.empty() ? std::string("?") : format_type(type.args[0], resolver);
  };
  switch (type.kind) {
    case ElementType::Class:
    case ElementType::ValueType:
      return token_name(type.token, resolver);
    case ElementType::GenericInst: {
      std::string out = token_name(type.token, resolver) + "<";
      for (size_t i = 0; i < type.args.size(); ++i) {
        if (i > 0) out += ",";
        out += format_type(type.args[i], resolver);
      }
      return out + ">";
    }
    case ElementType::Var: return "!" + std::to_string(type.index);
    case ElementType::MVar: return "!!" + std::to_string(type.index);
    case ElementType::SzArray: return element() + "[]";
    case ElementType::Array: {
      // ilasm writes a rank-1 general array as [*] to tell it from T[].
      if (type.shape.rank == 1) return element() + "[*]";
      return element() + "[" + std::string(type.shape.rank - 1, ',') + "]";
    }
    case ElementType::ByRef: return element() + "&";
    case ElementType::Ptr: return element() + "*";
    case ElementType::FnPtr:
      if (!type.fn_ptr) return "method ?";
      return "method " + format_type(type.fn_ptr->ret, resolver) + " *" +
             params_list(*type.fn_ptr, resolver);
    default:
      return "?";
  }
}

std::string format_method_params(const MethodSig& sig, const TypeNameResolver& resolver) {
  return params_list(sig, resolver);
}

}  // namespace clrprobe::il
