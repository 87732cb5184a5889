#include "cli/budget_text.h"

#include <time.h>

#include <fmt/format.h>

#include "selector/budget.h"

namespace clrprobe::cli {

namespace {

uint64_t count_or_zero(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return 0;
  return it->is_number_unsigned() || it->get<int64_t>() >= 0 ? it->get<uint64_t>() : 0;
}

double number_or_zero(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0;
}

}  // namespace

std::string format_unix_ns_utc(uint64_t unix_ns) {
  const time_t seconds = static_cast<time_t>(unix_ns / 1'000'000'000ull);
  tm parts{};
  ::gmtime_r(&seconds, &parts);
  char text[32] = {};
  ::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &parts);
  return text;
}

std::vector<std::string> budget_notes(const nlohmann::json& probe) {
  std::vector<std::string> notes;
  if (!probe.is_object()) return notes;
  const uint64_t ttl_ms = count_or_zero(probe, "ttl_ms");
  const double max_pct = number_or_zero(probe, "max_overhead_pct");
  const uint64_t expired = count_or_zero(probe, "expired_unix_ns");
  const std::string ttl = ttl_ms != 0 ? selector::format_ttl(ttl_ms) : "";
  if (expired != 0) {
    notes.push_back(fmt::format("expired at {} (ttl {}): removed", format_unix_ns_utc(expired), ttl));
  }
  if (auto s = probe.find("suspended"); s != probe.end() && s->is_object()) {
    notes.push_back(fmt::format("suspended: over budget (estimated {:.3g} % of one core > {:.3g} %) at {}",
                                number_or_zero(*s, "estimate_pct"), number_or_zero(*s, "max_overhead_pct"),
                                format_unix_ns_utc(count_or_zero(*s, "unix_ns"))));
  }
  if (expired == 0 && (ttl_ms != 0 || max_pct != 0)) {
    std::string budget = "budget:";
    if (ttl_ms != 0) {
      budget += " ttl " + ttl;
      uint64_t expires = count_or_zero(probe, "expires_unix_ns");
      const uint64_t added = count_or_zero(probe, "added_unix_ns");
      if (expires == 0 && added != 0) expires = added + ttl_ms * 1'000'000;
      if (expires != 0) budget += " (expires " + format_unix_ns_utc(expires) + ")";
    }
    if (max_pct != 0) budget += fmt::format("{} max overhead {:.3g} % of one core", ttl_ms != 0 ? "," : "", max_pct);
    notes.push_back(budget);
  }
  return notes;
}

}  // namespace clrprobe::cli
