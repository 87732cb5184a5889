// Reading captured values from memory without running managed code: the
// watch hooks get addresses (an argument's entry copy, a ref/out target, the
// return value, the escaping exception's local) and turn the bytes there
// into Values, using only the object layout the runtime gave once at start
// (ICorProfilerInfo2::GetStringLayout2, the array length's offset) and type
// names the agent resolved off the hot path (TypeNamer).
//
// What is read for each declared type (plan_capture):
//   bool, char, [u]int8..64, float, double, native [u]int: the value
//   enum: its underlying integer and the member's name (from metadata)
//   string: the first kMaxStringChars UTF-16 characters as UTF-8, and the length
//   System.DateTime / TimeSpan / Guid: their text (ISO 8601, [-][d.]hh:mm:ss[.fffffff], 8-4-4-4-12)
//   any other reference: null, or the runtime type's name (+ length for arrays)
//   other value types, generic parameters, pointers, typedref: not captured (a reason says why)
// Nothing here calls into the runtime or dereferences anything but the
// given address and, for references, the object header, the string's
// characters and the array's length, all inside the object.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "watch/watch_value.h"

namespace clrprobe::watch {

enum class CaptureKind : uint8_t {
  NotCaptured,
  Bool,
  Char,
  I1,
  U1,
  I2,
  U2,
  I4,
  U4,
  I8,
  U8,
  R4,
  R8,
  IntPtr,
  UIntPtr,
  String,
  Reference,  // any other object reference (class, interface, array, object)
  Enum,       // `underlying` says its integer kind
  DateTime,
  TimeSpan,
  Guid,
  TypeOnly,  // another value type: its declared type name, no bytes read
};

struct CapturePlan {
  CaptureKind kind = CaptureKind::NotCaptured;
  CaptureKind underlying = CaptureKind::NotCaptured;     // Enum only
  std::string type;                                      // declared type name, e.g. "System.Int32"
  std::vector<std::pair<int64_t, std::string>> members;  // Enum: value -> name
  std::string reason;                                    // NotCaptured: why
};

// Where things are inside objects (x64 CoreCLR; the agent fills the string
// offsets from GetStringLayout2).
struct ObjectLayout {
  uint32_t string_length_offset = 8;      // int32 length
  uint32_t string_buffer_offset = 12;     // UTF-16 characters
  uint32_t array_length_offset = 8;       // uint32 length of a single-dimension array
  uint32_t exception_message_offset = 0;  // System.Exception._message (GetClassLayout); 0: unknown
};

// The runtime type of an object from its MethodTable pointer (= ClassID):
// its name and whether it is a single-dimension array. The agent's namer
// answers from a cache filled off the hot path; it may say "?" when it does
// not know yet.
struct RuntimeType {
  std::string name;
  bool sz_array = false;
};
using TypeNamer = std::function<RuntimeType(uintptr_t method_table)>;

// The element kinds of ECMA-335 (il/signature.h ElementType values) that map
// to a kind by themselves; 0 for the others (value types, classes, ...).
CaptureKind primitive_kind(uint8_t element_type);
const char* primitive_type_name(CaptureKind kind);

Value read_value(const CapturePlan& plan, const void* address, const ObjectLayout& layout, const TypeNamer& namer);

// Helpers, exposed for tests.
std::string utf16_to_utf8(const char16_t* text, size_t count);
std::string format_datetime(uint64_t date_data);  // DateTime's internal ticks + kind bits
std::string format_timespan(int64_t ticks);
std::string format_guid(const uint8_t bytes[16]);

}  // namespace clrprobe::watch
