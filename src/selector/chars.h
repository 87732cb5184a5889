// Character classes shared by the selector parser and the parameter type
// canonicalizer. Names may contain any UTF-8 (bytes >= 0x80) plus the ASCII
// characters compilers put into metadata names: letters, digits and
// _ . + * ` < > $ @ | = -  (e.g. "<Main>g__Local|0_0", "<>c__DisplayClass0_0",
// "__StaticArrayInitTypeSize=12").
#pragma once

#include <string>
#include <string_view>

namespace clrprobe::selector {

constexpr bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

constexpr bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

constexpr bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// Characters allowed in type and method names.
constexpr bool is_name_char(char c) {
  if (is_ascii_alnum(c) || is_non_ascii(c)) return true;
  switch (c) {
    case '_': case '.': case '+': case '*': case '`': case '<': case '>':
    case '$': case '@': case '|': case '=': case '-':
      return true;
    default:
      return false;
  }
}

// Characters allowed in assembly simple names.
constexpr bool is_assembly_char(char c) {
  return is_ascii_alnum(c) || is_non_ascii(c) || c == '_' || c == '.' || c == '-' || c == '*';
}

// Characters of a word inside a parameter type (names plus !0 / !!0 type
// variables); < > , [ ] & are structure, handled separately.
constexpr bool is_param_word_char(char c) {
  return (is_name_char(c) && c != '<' && c != '>') || c == '!';
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// "'x'" for printable ASCII, "\xNN" otherwise; used in error messages.
inline std::string describe_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (c == ' ') return "a space";
  if (c == '\t') return "a tab";
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte \\x") + kHex[u >> 4] + kHex[u & 0xf];
}

}  // namespace clrprobe::selector
