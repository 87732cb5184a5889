#include "watch/value_reader.h"

#include <fmt/format.h>

#include <cstring>

namespace clrprobe::watch {
namespace {

template <typename T>
T load(const void* address) {
  T v;
  std::memcpy(&v, address, sizeof v);
  return v;
}

int64_t read_signed(CaptureKind kind, const void* a) {
  switch (kind) {
    case CaptureKind::I1:
      return load<int8_t>(a);
    case CaptureKind::I2:
      return load<int16_t>(a);
    case CaptureKind::I4:
      return load<int32_t>(a);
    case CaptureKind::I8:
    case CaptureKind::IntPtr:
      return load<int64_t>(a);
    default:
      return 0;
  }
}

uint64_t read_unsigned(CaptureKind kind, const void* a) {
  switch (kind) {
    case CaptureKind::Bool:
    case CaptureKind::U1:
      return load<uint8_t>(a);
    case CaptureKind::Char:
    case CaptureKind::U2:
      return load<uint16_t>(a);
    case CaptureKind::U4:
      return load<uint32_t>(a);
    case CaptureKind::U8:
    case CaptureKind::UIntPtr:
      return load<uint64_t>(a);
    default:
      return 0;
  }
}

bool is_signed(CaptureKind kind) {
  return kind == CaptureKind::I1 || kind == CaptureKind::I2 || kind == CaptureKind::I4 || kind == CaptureKind::I8 ||
         kind == CaptureKind::IntPtr;
}

// Days since 0001-01-01 to a civil date (proleptic Gregorian).
void civil_from_days(int64_t days, int64_t* y, unsigned* m, unsigned* d) {
  // Shift to days since 0000-03-01, then the usual era arithmetic.
  int64_t z = days + 306;  // 0001-01-01 is day 306 after 0000-03-01
  const int64_t era = z / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

}  // namespace

CaptureKind primitive_kind(uint8_t element_type) {
  switch (element_type) {
    case 0x02:
      return CaptureKind::Bool;
    case 0x03:
      return CaptureKind::Char;
    case 0x04:
      return CaptureKind::I1;
    case 0x05:
      return CaptureKind::U1;
    case 0x06:
      return CaptureKind::I2;
    case 0x07:
      return CaptureKind::U2;
    case 0x08:
      return CaptureKind::I4;
    case 0x09:
      return CaptureKind::U4;
    case 0x0A:
      return CaptureKind::I8;
    case 0x0B:
      return CaptureKind::U8;
    case 0x0C:
      return CaptureKind::R4;
    case 0x0D:
      return CaptureKind::R8;
    case 0x0E:
      return CaptureKind::String;
    case 0x18:
      return CaptureKind::IntPtr;
    case 0x19:
      return CaptureKind::UIntPtr;
    case 0x12:  // class
    case 0x14:  // array
    case 0x1C:  // object
    case 0x1D:
      return CaptureKind::Reference;  // szarray
    default:
      return CaptureKind::NotCaptured;
  }
}

const char* primitive_type_name(CaptureKind kind) {
  switch (kind) {
    case CaptureKind::Bool:
      return "System.Boolean";
    case CaptureKind::Char:
      return "System.Char";
    case CaptureKind::I1:
      return "System.SByte";
    case CaptureKind::U1:
      return "System.Byte";
    case CaptureKind::I2:
      return "System.Int16";
    case CaptureKind::U2:
      return "System.UInt16";
    case CaptureKind::I4:
      return "System.Int32";
    case CaptureKind::U4:
      return "System.UInt32";
    case CaptureKind::I8:
      return "System.Int64";
    case CaptureKind::U8:
      return "System.UInt64";
    case CaptureKind::R4:
      return "System.Single";
    case CaptureKind::R8:
      return "System.Double";
    case CaptureKind::IntPtr:
      return "System.IntPtr";
    case CaptureKind::UIntPtr:
      return "System.UIntPtr";
    case CaptureKind::String:
      return "System.String";
    case CaptureKind::DateTime:
      return "System.DateTime";
    case CaptureKind::TimeSpan:
      return "System.TimeSpan";
    case CaptureKind::Guid:
      return "System.Guid";
    default:
      return "";
  }
}

std::string utf16_to_utf8(const char16_t* text, size_t count) {
  std::string out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    uint32_t c = text[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < count && text[i + 1] >= 0xDC00 && text[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (text[i + 1] - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;  // a lone surrogate
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::string format_datetime(uint64_t date_data) {
  constexpr uint64_t kTicksMask = 0x3FFFFFFFFFFFFFFFull;
  constexpr uint64_t kTicksPerDay = 864'000'000'000ull;
  const uint64_t ticks = date_data & kTicksMask;
  const uint64_t kind = date_data >> 62;  // 0 unspecified, 1 UTC, 2/3 local
  int64_t year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(static_cast<int64_t>(ticks / kTicksPerDay), &year, &month, &day);
  const uint64_t in_day = ticks % kTicksPerDay;
  const uint64_t seconds = in_day / 10'000'000;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}{}", year, month, day, seconds / 3600,
                     (seconds / 60) % 60, seconds % 60, in_day % 10'000'000, kind == 1 ? "Z" : "");
}

std::string format_timespan(int64_t ticks) {
  const bool negative = ticks < 0;
  const uint64_t t = negative ? 0 - static_cast<uint64_t>(ticks) : static_cast<uint64_t>(ticks);
  const uint64_t fraction = t % 10'000'000;
  const uint64_t seconds = t / 10'000'000;
  const uint64_t days = seconds / 86400;
  std::string out = negative ? "-" : "";
  if (days != 0) out += fmt::format("{}.", days);
  out += fmt::format("{:02}:{:02}:{:02}", (seconds / 3600) % 24, (seconds / 60) % 60, seconds % 60);
  if (fraction != 0) out += fmt::format(".{:07}", fraction);
  return out;
}

std::string format_guid(const uint8_t b[16]) {
  return fmt::format("{:08x}-{:04x}-{:04x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}", load<uint32_t>(b),
                     load<uint16_t>(b + 4), load<uint16_t>(b + 6), b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                     b[15]);
}

Value read_value(const CapturePlan& plan, const void* address, const ObjectLayout& layout, const TypeNamer& namer) {
  if (address == nullptr || plan.kind == CaptureKind::NotCaptured) return Value{};
  // Plans name their type (capture_plan.cpp); a plan without one gets the primitive's.
  const std::string fallback = plan.type.empty() ? primitive_type_name(plan.kind) : std::string();
  const std::string& type = plan.type.empty() ? fallback : plan.type;
  switch (plan.kind) {
    case CaptureKind::Bool:
      return Value::boolean(load<uint8_t>(address) != 0);
    case CaptureKind::Char: {
      Value v(ValueKind::Char, type);
      const char16_t c = load<char16_t>(address);
      v.i = c;
      v.text = utf16_to_utf8(&c, 1);
      return v;
    }
    case CaptureKind::R4:
      return Value::floating(load<float>(address), type);
    case CaptureKind::R8:
      return Value::floating(load<double>(address), type);
    case CaptureKind::Enum: {
      Value v = is_signed(plan.underlying) ? Value::integer(read_signed(plan.underlying, address), type)
                                           : Value::unsigned_integer(read_unsigned(plan.underlying, address), type);
      const int64_t n = v.kind == ValueKind::Int ? v.i : static_cast<int64_t>(v.u);
      for (const auto& [value, name] : plan.members) {
        if (value == n) {
          v.text = name;
          break;
        }
      }
      return v;
    }
    case CaptureKind::DateTime: {
      Value v(ValueKind::Text, type);
      v.text = format_datetime(load<uint64_t>(address));
      return v;
    }
    case CaptureKind::TimeSpan: {
      Value v(ValueKind::Text, type);
      v.text = format_timespan(load<int64_t>(address));
      return v;
    }
    case CaptureKind::Guid: {
      Value v(ValueKind::Text, type);
      uint8_t bytes[16];
      std::memcpy(bytes, address, sizeof bytes);
      v.text = format_guid(bytes);
      return v;
    }
    case CaptureKind::TypeOnly:
      return Value::object(type);
    case CaptureKind::String: {
      const auto* object = load<const uint8_t*>(address);
      if (object == nullptr) return Value::null(type);
      const int32_t length = load<int32_t>(object + layout.string_length_offset);
      if (length < 0) return Value::object(type);
      const size_t shown = std::min<size_t>(static_cast<size_t>(length), kMaxStringChars);
      std::vector<char16_t> chars(shown);
      std::memcpy(chars.data(), object + layout.string_buffer_offset, shown * sizeof(char16_t));
      return Value::string(utf16_to_utf8(chars.data(), shown), length);
    }
    case CaptureKind::Reference: {
      const auto* object = load<const uint8_t*>(address);
      if (object == nullptr) return Value::null(type);
      const RuntimeType runtime = namer ? namer(load<uintptr_t>(object)) : RuntimeType{type, false};
      int64_t length = -1;
      if (runtime.sz_array) length = load<uint32_t>(object + layout.array_length_offset);
      return Value::object(runtime.name.empty() ? type : runtime.name, length);
    }
    default:
      if (is_signed(plan.kind)) return Value::integer(read_signed(plan.kind, address), type);
      return Value::unsigned_integer(read_unsigned(plan.kind, address), type);
  }
}

}  // namespace clrprobe::watch
