#include "selector/budget.h"

#include <fmt/format.h>

#include <cmath>

namespace clrprobe::selector {

namespace {

// The number at the start of `text` (digits, at most one '.'), read by hand:
// no locale, no exponent, no sign (a negative TTL is refused as "not a
// positive number" rather than read as one). Not std::from_chars for double:
// in a static libstdc++ it drags in symbols of a newer glibc than the CLI's
// floor (tests/package, package.elf.cli).
std::optional<double> leading_number(std::string_view text, size_t* used) {
  double value = 0;
  double scale = 1;
  bool dot = false;
  size_t digits = 0;
  size_t n = 0;
  for (; n < text.size(); ++n) {
    const char c = text[n];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9' || digits == 18) break;
    ++digits;
    if (dot) {
      scale /= 10;
      value += (c - '0') * scale;
    } else {
      value = value * 10 + (c - '0');
    }
  }
  if (digits == 0) return std::nullopt;
  *used = n;
  return value;
}

}  // namespace

std::string Budget::suffix() const {
  std::string out;
  if (ttl_ms) out = "ttl=" + format_ttl(*ttl_ms);
  if (max_overhead_pct) out += fmt::format("{}max_overhead={}", out.empty() ? "" : " ", *max_overhead_pct);
  return out;
}

Result<uint64_t> parse_ttl_ms(std::string_view text) {
  auto refuse = [&] {
    return make_error(Reason::InvalidInput,
                      fmt::format("ttl '{}': give a positive duration with ms, s, m or h (e.g. 30s, 5m, 1h)", text));
  };
  size_t used = 0;
  auto value = leading_number(text, &used);
  if (!value) return refuse();
  const std::string_view unit = text.substr(used);
  double scale = 0;
  if (unit.empty() || unit == "s") {
    scale = 1000;
  } else if (unit == "ms") {
    scale = 1;
  } else if (unit == "m") {
    scale = 60'000;
  } else if (unit == "h") {
    scale = 3'600'000;
  }
  const double ms = *value * scale;
  if (scale == 0 || !(ms >= 1)) return refuse();
  if (ms > static_cast<double>(kMaxTtlMs)) {
    return make_error(Reason::InvalidInput, fmt::format("ttl '{}' is longer than 30 days", text));
  }
  return static_cast<uint64_t>(std::llround(ms));
}

Result<double> parse_overhead_pct(std::string_view text) {
  std::string_view number = text;
  if (!number.empty() && number.back() == '%') number.remove_suffix(1);
  size_t used = 0;
  auto value = leading_number(number, &used);
  if (!value || used != number.size()) {
    return make_error(Reason::InvalidInput,
                      fmt::format("max overhead '{}': give a percentage of one core, above 0 and at most 100 "
                                  "(e.g. 2 or 0.5)",
                                  text));
  }
  if (Status s = check_overhead_pct(*value); !s) return s.error();
  return *value;
}

Status check_ttl_ms(int64_t ttl_ms) {
  if (ttl_ms < 1 || static_cast<uint64_t>(ttl_ms) > kMaxTtlMs) {
    return make_error(Reason::InvalidInput,
                      fmt::format("ttl_ms must be between 1 and {} (30 days), not {}", kMaxTtlMs, ttl_ms));
  }
  return {};
}

Status check_overhead_pct(double pct) {
  if (!(pct > 0) || pct > 100) {
    return make_error(Reason::InvalidInput,
                      fmt::format("max overhead must be above 0 and at most 100 (percent of one core), not {}", pct));
  }
  return {};
}

std::string format_ttl(uint64_t ttl_ms) {
  if (ttl_ms % 3'600'000 == 0) return fmt::format("{}h", ttl_ms / 3'600'000);
  if (ttl_ms % 60'000 == 0) return fmt::format("{}m", ttl_ms / 60'000);
  if (ttl_ms % 1000 == 0) return fmt::format("{}s", ttl_ms / 1000);
  return fmt::format("{}ms", ttl_ms);
}

}  // namespace clrprobe::selector
