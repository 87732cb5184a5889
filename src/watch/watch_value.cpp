#include "watch/watch_value.h"

#include <fmt/format.h>

namespace clrprobe::watch {

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string display(const Value& v) {
  switch (v.kind) {
    case ValueKind::Absent:
      return "(not captured)";
    case ValueKind::Null:
      return "null";
    case ValueKind::Bool:
      return v.i ? "true" : "false";
    case ValueKind::Int:
      return v.text.empty() ? std::to_string(v.i) : fmt::format("{} ({})", v.text, v.i);
    case ValueKind::UInt:
      return v.text.empty() ? std::to_string(v.u) : fmt::format("{} ({})", v.text, v.u);
    case ValueKind::Float:
      return fmt::format("{}", v.f);
    case ValueKind::Char:
      return "'" + v.text + "'";
    case ValueKind::String: {
      std::string s = quoted(v.text);
      if (v.length > static_cast<int64_t>(kMaxStringChars)) s += fmt::format("... ({} chars)", v.length);
      return s;
    }
    case ValueKind::Object:
      return v.length >= 0 ? fmt::format("{} (length {})", v.type, v.length) : v.type;
    case ValueKind::Text:
      return v.text;
  }
  return "?";
}

}  // namespace clrprobe::watch
