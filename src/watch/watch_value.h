// A value captured from a live call (an argument, the return value or the
// escaped exception), as the agent read it from memory: never by running
// user code (no ToString, no property getter). Conditions (condition.h)
// compare these; events (watch_event.h) carry them to the CLI.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace clrprobe::watch {

enum class ValueKind : uint8_t {
  Absent = 0,  // not captured (void return, no exception, refused argument)
  Null,        // a null reference
  Bool,
  Int,     // any signed integer (and enums with a signed base: `text` names the member)
  UInt,    // any unsigned integer (and enums with an unsigned base)
  Float,   // float32 / float64
  Char,    // a UTF-16 code unit; `text` holds it as UTF-8
  String,  // `text`: the first kMaxStringChars characters as UTF-8; `length`: the full length
  Object,  // any other object: `type` is its runtime type; `length` for arrays/collections
  Text,    // a value rendered by the agent from known bytes (DateTime, TimeSpan, Guid): `text`
};

inline constexpr uint32_t kMaxStringChars = 256;

struct Value {
  Value() = default;
  Value(ValueKind k, std::string type_name) : kind(k), type(std::move(type_name)) {}

  ValueKind kind = ValueKind::Absent;
  std::string type;     // the declared or runtime type name, e.g. "System.Int32", "MyApp.Color"
  int64_t i = 0;        // Int, Bool (0/1), Char (code unit)
  uint64_t u = 0;       // UInt
  double f = 0;         // Float
  std::string text;     // String, Char, enum member name, Text
  int64_t length = -1;  // String: full length; Object: array length / collection count; -1: unknown

  static Value null(std::string type = {}) { return Value{ValueKind::Null, std::move(type)}; }
  static Value boolean(bool b) {
    Value v{ValueKind::Bool, "System.Boolean"};
    v.i = b ? 1 : 0;
    return v;
  }
  static Value integer(int64_t n, std::string type = "System.Int64") {
    Value v{ValueKind::Int, std::move(type)};
    v.i = n;
    return v;
  }
  static Value unsigned_integer(uint64_t n, std::string type = "System.UInt64") {
    Value v{ValueKind::UInt, std::move(type)};
    v.u = n;
    return v;
  }
  static Value floating(double d, std::string type = "System.Double") {
    Value v{ValueKind::Float, std::move(type)};
    v.f = d;
    return v;
  }
  static Value string(std::string s, int64_t full_length = -1) {
    Value v{ValueKind::String, "System.String"};
    v.length = full_length < 0 ? static_cast<int64_t>(s.size()) : full_length;
    v.text = std::move(s);
    return v;
  }
  static Value object(std::string type, int64_t length = -1) {
    Value v{ValueKind::Object, std::move(type)};
    v.length = length;
    return v;
  }

  bool is_number() const { return kind == ValueKind::Int || kind == ValueKind::UInt || kind == ValueKind::Float; }
  bool operator==(const Value&) const = default;
};

// "42", "\"text\"", "null", "Red (1)", "System.Int32[] (length 3)": the
// readable form the CLI prints.
std::string display(const Value& v);

}  // namespace clrprobe::watch
