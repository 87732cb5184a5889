#include "selector/arity.h"

#include <cstring>

namespace clrprobe::selector {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Copies text into out (capacity >= text.size()) without arity suffixes;
// returns the number of characters written.
std::size_t strip_into(std::string_view text, char* out) noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '`' && i + 1 < text.size() && is_digit(text[i + 1])) {
      i += 1;
      while (i < text.size() && is_digit(text[i])) ++i;
      continue;
    }
    out[n++] = text[i++];
  }
  return n;
}

}  // namespace

bool has_arity_suffix(std::string_view text) noexcept {
  for (std::size_t i = text.find('`'); i != std::string_view::npos; i = text.find('`', i + 1)) {
    if (i + 1 < text.size() && is_digit(text[i + 1])) return true;
  }
  return false;
}

AritylessName::AritylessName(std::string_view text) : view_(text) {
  if (!has_arity_suffix(text)) return;
  changed_ = true;
  char* out = inline_;
  if (text.size() > kInline) {
    heap_.resize(text.size());
    out = heap_.data();
  }
  view_ = std::string_view(out, strip_into(text, out));
}

}  // namespace clrprobe::selector
