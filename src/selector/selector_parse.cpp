// Parsing and validation of selector text. Every failure is an Error with
// Reason::InvalidInput whose message quotes the selector and, where it helps,
// a 1-based column, so that `clrprobe run --probe ...` can print it as is.
#include <charconv>
#include <cstddef>
#include <string>
#include <utility>

#include "selector/chars.h"
#include "selector/selector.h"

namespace clrprobe::selector {

class SelectorParser {
 public:
  explicit SelectorParser(std::string_view text) : text_(text) {}

  Result<Selector> parse();

 private:
  Error fail(std::string detail) const {
    return make_error(Reason::InvalidInput,
                      "invalid selector '" + std::string(text_) + "': " + std::move(detail));
  }
  Error fail_at(std::size_t offset, std::string detail) const {
    return fail(std::move(detail) + " at column " + std::to_string(offset + 1));
  }

  Result<Selector> parse_regex();
  Status check_chars(std::string_view part, std::size_t offset, bool assembly);
  Status parse_assembly(std::string_view part, std::size_t offset, Selector& out);
  Status parse_type(std::string_view part, std::size_t offset, Selector& out);
  Status parse_method(std::string_view part, std::size_t offset, Selector& out);
  Status parse_params(std::string_view inner, std::size_t offset, Selector& out);
  // Rewrites a trailing "Name<digits>" of a name segment to "Name`digits".
  Result<std::string> normalize_generic_suffix(std::string_view segment, std::size_t offset);

  std::string_view text_;
};

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_ascii_digit(c)) return false;
  }
  return true;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s = s.substr(s.size() - suffix.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char a = s[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != suffix[i]) return false;
  }
  return true;
}

constexpr std::uint32_t kMaxGenericArity = 0xffff;

// Regex selectors are matched inside the host process, against every method
// of every module. libstdc++'s default executor backtracks: "re:.+*::Get"
// takes exponential time (and deep recursion) on ordinary method names
// (found by fuzz/selector_fuzz). Its __polynomial option selects the
// breadth-first executor instead, whose time is polynomial and whose
// recursion is bounded by the pattern; the price is that back-references
// are refused (regex_error error_complexity -> "invalid regex").
#if defined(__GLIBCXX__)
constexpr auto kRegexFlags = std::regex::ECMAScript | std::regex::optimize | std::regex_constants::__polynomial;
#else
constexpr auto kRegexFlags = std::regex::ECMAScript | std::regex::optimize;
#endif

}  // namespace

Result<Selector> SelectorParser::parse() {
  if (text_.empty()) {
    return make_error(Reason::InvalidInput,
                      "invalid selector: empty (expected [Assembly!]Namespace.Type::Method)");
  }
  if (text_.size() > kMaxSelectorLength) {
    return make_error(Reason::InvalidInput,
                      "invalid selector: too long (" + std::to_string(text_.size()) +
                          " characters, at most " + std::to_string(kMaxSelectorLength) + ")");
  }
  if (text_.find(kSelectorListSeparator) != std::string_view::npos) {
    return fail_at(text_.find(kSelectorListSeparator),
                   "';' separates selectors and cannot appear inside one");
  }
  if (text_.substr(0, kRegexPrefix.size()) == kRegexPrefix) return parse_regex();

  Selector sel;
  sel.text_ = std::string(text_);
  sel.kind_ = Selector::Kind::Pattern;

  // Parameter list: from the first '(' to a ')' that must end the selector.
  std::string_view head = text_;
  std::size_t open = text_.find('(');
  std::size_t close = text_.find(')');
  if (open == std::string_view::npos && close != std::string_view::npos) {
    return fail_at(close, "unbalanced parentheses: ')' without '('");
  }
  if (open != std::string_view::npos) {
    if (close == std::string_view::npos) {
      return fail_at(open, "unbalanced parentheses: '(' is never closed");
    }
    if (close < open) return fail_at(close, "unbalanced parentheses: ')' without '('");
    std::size_t second_open = text_.find('(', open + 1);
    if (second_open != std::string_view::npos && second_open < close) {
      return fail_at(second_open, "nested parentheses are not supported");
    }
    if (close + 1 != text_.size()) {
      if (text_[close + 1] == ')') return fail_at(close + 1, "unbalanced parentheses: extra ')'");
      return fail_at(close + 1, "unexpected text after the parameter list");
    }
    head = text_.substr(0, open);
  }

  // Type::Method, with an optional Assembly! in front.
  std::size_t sep = head.find("::");
  if (sep == std::string_view::npos) {
    return fail("missing '::' between type and method "
                "(expected [Assembly!]Namespace.Type::Method, e.g. MyApp.Orders.Store::GetById)");
  }
  std::string_view before = head.substr(0, sep);
  std::string_view method = head.substr(sep + 2);
  std::size_t type_offset = 0;
  std::size_t bang = before.find('!');
  if (bang != std::string_view::npos) {
    if (auto st = parse_assembly(before.substr(0, bang), 0, sel); !st) return st.error();
    type_offset = bang + 1;
  }
  if (auto st = parse_type(before.substr(type_offset), type_offset, sel); !st) return st.error();
  if (auto st = parse_method(method, sep + 2, sel); !st) return st.error();
  if (open != std::string_view::npos) {
    if (auto st = parse_params(text_.substr(open + 1, close - open - 1), open + 1, sel); !st) {
      return st.error();
    }
  }
  return sel;
}

Result<Selector> SelectorParser::parse_regex() {
  std::string_view body = text_.substr(kRegexPrefix.size());
  if (trim(body).empty()) return fail("empty regex after 're:'");
  // libstdc++ accumulates the digits of a back-reference (\N) and of a
  // repetition count ({n,m}) in a long without an overflow check: 20 digits
  // are undefined behaviour (found by fuzz/selector_fuzz). No real count
  // needs more than 9 digits.
  constexpr std::size_t kMaxRegexNumberDigits = 9;
  for (std::size_t i = 0; i < body.size();) {
    if (!is_ascii_digit(body[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < body.size() && is_ascii_digit(body[end])) ++end;
    const char before = i > 0 ? body[i - 1] : '\0';
    if (end - i > kMaxRegexNumberDigits && (before == '\\' || before == '{' || before == ',')) {
      return fail_at(kRegexPrefix.size() + i, "invalid regex: number of more than " +
                                                  std::to_string(kMaxRegexNumberDigits) + " digits");
    }
    i = end;
  }
  Selector sel;
  sel.text_ = std::string(text_);
  sel.kind_ = Selector::Kind::Regex;
  try {
    // Compile from our own std::string, not from `text_`: libstdc++'s regex
    // scanner reads one character past a trailing '(' (looking for "(?"),
    // which is out of bounds for a view that is not NUL-terminated (found by
    // fuzz/selector_fuzz). A std::string's terminator makes that read safe.
    const std::string& own = sel.text_;
    sel.regex_ = std::make_shared<const std::regex>(
        own.begin() + static_cast<std::ptrdiff_t>(kRegexPrefix.size()), own.end(), kRegexFlags);
  } catch (const std::regex_error& e) {
    return fail(std::string("invalid regex: ") + e.what());
  }
  return sel;
}

Status SelectorParser::check_chars(std::string_view part, std::size_t offset, bool assembly) {
  for (std::size_t i = 0; i < part.size(); ++i) {
    char c = part[i];
    if (assembly ? is_assembly_char(c) : is_name_char(c)) continue;
    if (is_space(c)) {
      return fail_at(offset + i, "whitespace is only allowed inside the parameter list");
    }
    if (c == ':') {
      return fail_at(offset + i, "unexpected ':' (type and method are separated by '::')");
    }
    if (c == '!') {
      return fail_at(offset + i, "unexpected '!' (only one 'Assembly!' prefix is allowed)");
    }
    if (c == ',') {
      return fail_at(offset + i,
                     "unexpected ',' (parameter types go inside '(...)'; generic "
                     "parameters are written as an arity, e.g. Dictionary`2)");
    }
    return fail_at(offset + i, "invalid character " + describe_char(c));
  }
  return {};
}

Status SelectorParser::parse_assembly(std::string_view part, std::size_t offset, Selector& out) {
  if (part.empty()) return fail_at(offset, "empty assembly name before '!'");
  if (auto st = check_chars(part, offset, /*assembly=*/true); !st) return st;
  // People write file names; the runtime reports simple names.
  if (ends_with_ci(part, ".dll") || ends_with_ci(part, ".exe")) {
    part.remove_suffix(4);
    if (part.empty()) return fail_at(offset, "empty assembly name before '!'");
  }
  out.assembly_.emplace(part, CaseSensitivity::AsciiInsensitive);
  return {};
}

Result<std::string> SelectorParser::normalize_generic_suffix(std::string_view segment,
                                                             std::size_t offset) {
  if (segment.empty() || segment.back() != '>') return std::string(segment);
  std::size_t lt = segment.rfind('<');
  // "<PrivateImplementationDetails>", "Ns.<Foo>": compiler-generated names
  // that merely start with '<' are left alone.
  if (lt == std::string_view::npos || lt == 0 || segment[lt - 1] == '.') {
    return std::string(segment);
  }
  std::string_view name = segment.substr(0, lt);
  std::string_view inner = segment.substr(lt + 1, segment.size() - lt - 2);
  if (all_digits(inner)) return std::string(name) + "`" + std::string(inner);
  return fail_at(offset + lt,
                 "generic parameters are not named in selectors: write '" + std::string(name) +
                     "`N' or '" + std::string(name) + "<N>' with the number of generic "
                     "parameters, or just '" + std::string(name) + "' to match any arity");
}

Status SelectorParser::parse_type(std::string_view part, std::size_t offset, Selector& out) {
  if (part.empty()) return fail_at(offset, "empty type name before '::'");
  if (auto st = check_chars(part, offset, /*assembly=*/false); !st) return st;
  auto is_sep = [](char c) { return c == '.' || c == '+'; };
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (!is_sep(part[i])) continue;
    bool empty_before = i == 0 || is_sep(part[i - 1]);
    bool empty_after = i + 1 == part.size();
    if (empty_before || empty_after) {
      return fail_at(offset + i, "empty name segment in type '" + std::string(part) + "'");
    }
  }
  // Nested segments may each carry "<N>".
  std::string normalized;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= part.size(); ++i) {
    if (i < part.size() && part[i] != '+') continue;
    auto seg = normalize_generic_suffix(part.substr(start, i - start), offset + start);
    if (!seg) return seg.error();
    if (start != 0) normalized += '+';
    normalized += seg.value();
    start = i + 1;
  }
  out.type_ = NamePattern(normalized, CaseSensitivity::Sensitive);
  return {};
}

Status SelectorParser::parse_method(std::string_view part, std::size_t offset, Selector& out) {
  if (part.empty()) return fail_at(offset, "empty method name after '::'");
  if (auto st = check_chars(part, offset, /*assembly=*/false); !st) return st;
  auto normalized = normalize_generic_suffix(part, offset);
  if (!normalized) return normalized.error();
  std::string name = std::move(normalized.value());
  // A trailing "`digits" is the method's generic arity, not part of its name.
  std::size_t tick = name.rfind('`');
  if (tick != std::string::npos && all_digits(std::string_view(name).substr(tick + 1))) {
    if (tick == 0) return fail_at(offset, "empty method name before the generic arity");
    std::uint32_t arity = 0;
    auto digits = std::string_view(name).substr(tick + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), arity);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || arity > kMaxGenericArity) {
      return fail_at(offset + tick, "generic arity '" + std::string(digits) + "' is too large");
    }
    out.method_arity_ = arity;
    name.resize(tick);
  }
  out.method_ = NamePattern(name, CaseSensitivity::Sensitive);
  return {};
}

Status SelectorParser::parse_params(std::string_view inner, std::size_t offset, Selector& out) {
  std::vector<NamePattern> params;
  if (!trim(inner).empty()) {
    // Split on commas outside <...> and [...].
    int depth = 0;
    std::size_t start = 0;
    std::size_t index = 1;
    for (std::size_t i = 0; i <= inner.size(); ++i) {
      char c = i < inner.size() ? inner[i] : ',';
      if (c == '<' || c == '[') ++depth;
      if ((c == '>' || c == ']') && depth > 0) --depth;
      if (c != ',' || (depth > 0 && i < inner.size())) continue;
      std::string_view entry = inner.substr(start, i - start);
      if (trim(entry).empty()) {
        return fail_at(offset + start,
                       "empty parameter type (parameter " + std::to_string(index) + ")");
      }
      auto canonical = canonicalize_param_pattern(entry);
      if (!canonical) {
        return fail_at(offset + start, canonical.error().message + " (parameter " +
                                           std::to_string(index) + ")");
      }
      params.emplace_back(canonical.value(), CaseSensitivity::Sensitive);
      start = i + 1;
      ++index;
    }
  }
  out.params_ = std::move(params);
  return {};
}

Result<Selector> Selector::parse(std::string_view text) {
  return SelectorParser(trim(text)).parse();
}

Result<std::vector<Selector>> parse_selector_list(std::string_view text) {
  std::vector<std::string_view> entries;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find(kSelectorListSeparator, start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view entry = trim(text.substr(start, end - start));
    if (!entry.empty()) entries.push_back(entry);
    start = end + 1;
  }
  std::vector<Selector> out;
  out.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto sel = Selector::parse(entries[i]);
    if (!sel) {
      if (entries.size() == 1) return sel.error();
      return make_error(sel.error().reason, "selector " + std::to_string(i + 1) + " of " +
                                                std::to_string(entries.size()) + ": " +
                                                sel.error().message);
    }
    out.push_back(std::move(sel.value()));
  }
  return out;
}

std::string join_selector_texts(const std::vector<Selector>& selectors) {
  std::string out;
  for (const Selector& s : selectors) {
    if (!out.empty()) out += kSelectorListSeparator;
    out += s.text();
  }
  return out;
}

}  // namespace clrprobe::selector
