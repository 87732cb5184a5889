#include "watch/event_format.h"

#include <fmt/format.h>
#include <time.h>

namespace clrprobe::watch {
namespace {

nlohmann::json value_json(const Value& v) {
  switch (v.kind) {
    case ValueKind::Absent:
    case ValueKind::Null:
      return nullptr;
    case ValueKind::Bool:
      return v.i != 0;
    case ValueKind::Int:
      return v.text.empty() ? nlohmann::json(v.i) : nlohmann::json(v.text);
    case ValueKind::UInt:
      return v.text.empty() ? nlohmann::json(v.u) : nlohmann::json(v.text);
    case ValueKind::Float:
      return v.f;
    case ValueKind::Char:
    case ValueKind::String:
    case ValueKind::Text:
      return v.text;
    case ValueKind::Object:
      return v.type;
  }
  return nullptr;
}

nlohmann::json typed(const Value& v) {
  nlohmann::json j = {{"type", v.type}, {"value", value_json(v)}};
  if (v.kind == ValueKind::Absent) j["captured"] = false;
  if ((v.kind == ValueKind::Int || v.kind == ValueKind::UInt) && !v.text.empty()) {
    j["number"] = v.kind == ValueKind::Int ? nlohmann::json(v.i) : nlohmann::json(v.u);
  }
  if (v.kind == ValueKind::Object && v.length >= 0) j["length"] = v.length;
  if (v.kind == ValueKind::String && v.length > static_cast<int64_t>(v.text.size())) j["length"] = v.length;
  return j;
}

std::string duration(int64_t ns) {
  if (ns >= 1'000'000'000) return fmt::format("{:.3f} s", static_cast<double>(ns) / 1e9);
  if (ns >= 1'000'000) return fmt::format("{:.3f} ms", static_cast<double>(ns) / 1e6);
  if (ns >= 1'000) return fmt::format("{:.3f} us", static_cast<double>(ns) / 1e3);
  return fmt::format("{} ns", ns);
}

}  // namespace

std::string format_unix_ns(uint64_t unix_ns) {
  const auto seconds = static_cast<time_t>(unix_ns / 1'000'000'000ull);
  tm utc{};
  ::gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec, unix_ns % 1'000'000'000ull);
}

nlohmann::json event_json(const Event& e, int32_t pid) {
  nlohmann::json j;
  j["time"] = format_unix_ns(e.time_unix_ns);
  j["pid"] = pid;
  j["thread"] = e.thread;
  j["method"] = e.method;
  j["latency_ns"] = e.latency_ns;
  j["args"] = nlohmann::json::array();
  for (const CapturedArgument& a : e.args) {
    nlohmann::json arg = typed(a.value);
    arg["name"] = a.name;
    j["args"].push_back(std::move(arg));
  }
  j["return"] = e.return_value.kind == ValueKind::Absent ? nlohmann::json(nullptr) : typed(e.return_value);
  j["exception"] = e.exception.kind == ValueKind::Absent
                       ? nlohmann::json(nullptr)
                       : nlohmann::json{{"type", e.exception.type}, {"message", e.exception.text}};
  j["stack"] = e.stack;
  if (!e.stack_error.empty()) j["stack_error"] = e.stack_error;
  if (!e.note.empty()) j["note"] = e.note;
  return j;
}

std::string event_text(const Event& e, int32_t pid) {
  std::string out = fmt::format("{}  {}  pid {} thread {}  {}\n", format_unix_ns(e.time_unix_ns), e.method, pid,
                                e.thread, duration(e.latency_ns));
  for (const CapturedArgument& a : e.args) {
    out += fmt::format("  {} ({}) = {}\n", a.name, a.value.type, display(a.value));
  }
  if (e.return_value.kind != ValueKind::Absent) {
    out += fmt::format("  return ({}) = {}\n", e.return_value.type, display(e.return_value));
  }
  if (e.exception.kind != ValueKind::Absent) {
    out += fmt::format("  threw {}: {}\n", e.exception.type, e.exception.text);
  }
  if (!e.stack.empty()) {
    out += "  called from\n";
    for (const std::string& frame : e.stack) out += "    " + frame + "\n";
  }
  if (!e.stack_error.empty()) out += "  no stack: " + e.stack_error + "\n";
  if (!e.note.empty()) out += "  note: " + e.note + "\n";
  return out;
}

}  // namespace clrprobe::watch
