#include "agent/probes_file_format.h"

#include <fmt/format.h>

#include <set>
#include <string>

namespace clrprobe::agent {

namespace {

constexpr size_t kMaxFileBytes = 1 << 20;
constexpr size_t kMaxProbes = 10000;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::vector<selector::DeclaredProbe>> parse_probes_file(std::string_view content) {
  if (content.size() > kMaxFileBytes) {
    return make_error(Reason::InvalidInput, fmt::format("probes file is larger than {} bytes", kMaxFileBytes));
  }
  std::vector<selector::DeclaredProbe> selectors;
  std::set<std::string, std::less<>> seen;
  size_t line_number = 0;
  while (!content.empty()) {
    ++line_number;
    size_t end = content.find('\n');
    std::string_view line = trim(content.substr(0, end));
    content = end == std::string_view::npos ? std::string_view{} : content.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    auto parsed = selector::parse_declared_probe(line);
    if (!parsed) {
      return make_error(Reason::InvalidInput, fmt::format("line {}: {}", line_number, parsed.error().message));
    }
    if (!seen.insert(parsed->text()).second) continue;
    if (selectors.size() == kMaxProbes) {
      return make_error(Reason::InvalidInput, fmt::format("more than {} probes", kMaxProbes));
    }
    selectors.push_back(std::move(*parsed));
  }
  return selectors;
}

}  // namespace clrprobe::agent
