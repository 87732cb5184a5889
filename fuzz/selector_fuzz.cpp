// libFuzzer target: selectors (src/selector/selector.h).
//
// Input: text lines
//   line 1: a selector, or a ';'-separated list of selectors
//   line 2..5 (optional): assembly, type full name, method name, and the
//           parameter types separated by ','; a method identity to match
// Properties checked:
//  * Selector::parse, parse_selector_list and canonicalize_param_pattern
//    never crash or hit UB on any bytes;
//  * a parsed selector re-parses from its text() to the same description;
//    a parsed list re-parses from join_selector_texts() to as many entries;
//  * matching a parsed selector against fixed identities and the fuzzed one
//    never crashes, and matches() agrees with the three-step pre-filter walk
//    the agent does (assembly, then type, then method).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "selector/selector.h"

using namespace clrprobe::selector;

namespace {

std::vector<std::string_view> split(std::string_view text, char sep, size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    const size_t at = text.find(sep);
    if (at == std::string_view::npos) break;
    parts.push_back(text.substr(0, at));
    text.remove_prefix(at + 1);
  }
  parts.push_back(text);
  return parts;
}

void check_matching(const Selector& s, const MethodIdentity& m) {
  const bool all = s.matches(m);
  const bool walk = s.matches_assembly(m.assembly) && s.matches_type(m.type_full_name) && s.matches_method(m);
  FUZZ_CHECK_MSG(all == walk, "matches() disagrees with the pre-filter walk");
  if (s.needs_param_types() && m.param_types == nullptr) FUZZ_CHECK(!all);
}

void check_selector(const Selector& s, const std::vector<MethodIdentity>& identities) {
  (void)s.describe();
  (void)s.param_patterns();
  auto again = Selector::parse(s.text());
  FUZZ_CHECK_MSG(again.ok(), "a parsed selector's text() does not parse again");
  FUZZ_CHECK_MSG(again->describe() == s.describe(), "re-parsed selector differs");
  for (const auto& m : identities) check_matching(s, m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto lines = split(input, '\n', 5);
  const std::string_view text = lines[0];

  static const std::vector<std::string> kParams1{"int32", "string"};
  static const std::vector<std::string> kParams2{"System.Collections.Generic.List`1<int32>", "int32[]", "!!0"};
  std::vector<MethodIdentity> identities{
      {"MyApp", "MyApp.Orders.Store", "GetById", &kParams1, 0},
      {"System.Private.CoreLib", "System.Collections.Generic.Dictionary`2+Enumerator", "MoveNext", nullptr, 0},
      {"Lib.dll", "Outer+Inner`1", "Get", &kParams2, 2},
  };
  std::vector<std::string> fuzzed_params;
  if (lines.size() >= 4) {
    if (lines.size() == 5) {
      for (auto p : split(lines[4], ',', 64)) fuzzed_params.emplace_back(p);
    }
    identities.push_back({lines[1], lines[2], lines[3], lines.size() == 5 ? &fuzzed_params : nullptr,
                          static_cast<uint32_t>(size % 4)});
  }

  if (auto one = Selector::parse(text); one.ok()) check_selector(*one, identities);

  if (auto list = parse_selector_list(text); list.ok()) {
    for (const auto& s : *list) check_selector(s, identities);
    auto again = parse_selector_list(join_selector_texts(*list));
    FUZZ_CHECK_MSG(again.ok() && again->size() == list->size(), "joined selector list does not re-parse");
  }

  (void)canonicalize_param_pattern(text);
  return 0;
}
