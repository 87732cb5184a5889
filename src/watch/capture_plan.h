// How to read a parameter or return value of a declared type (the method
// signature's TypeSig), decided once when a method is watched, with the
// facts the agent's metadata gives about named types (see value_reader.h
// for what each kind reads).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "il/signature.h"
#include "watch/value_reader.h"

namespace clrprobe::watch {

// What the metadata says about a TypeDef/TypeRef/TypeSpec token.
struct TypeFacts {
  std::string name;                                      // full name, e.g. "MyApp.Color"
  bool is_enum = false;                                  // a value type deriving from System.Enum
  uint8_t enum_underlying = 0;                           // its value__ field's ElementType
  std::vector<std::pair<int64_t, std::string>> members;  // enum members
};
using TypeFactsResolver = std::function<TypeFacts(uint32_t token)>;

// ref/out (ByRef) types plan for their element: the hook gets the address
// of the caller's variable.
CapturePlan plan_capture(const il::TypeSig& type, const TypeFactsResolver& resolve);

}  // namespace clrprobe::watch
