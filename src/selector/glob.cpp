#include "selector/glob.h"

namespace clrprobe::selector {
namespace {

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

Glob::Glob(std::string_view pattern, CaseSensitivity cs) : pattern_(pattern), cs_(cs) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= pattern_.size(); ++i) {
    if (i == pattern_.size() || pattern_[i] == '*') {
      if (i > start) pieces_.push_back(Piece{start, i - start});
      if (i < pattern_.size()) has_star_ = true;
      start = i + 1;
    }
  }
  leading_star_ = !pattern_.empty() && pattern_.front() == '*';
  trailing_star_ = !pattern_.empty() && pattern_.back() == '*';
  matches_everything_ = has_star_ && pieces_.empty();
}

bool Glob::equal(std::string_view a, std::string_view b) const noexcept {
  if (a.size() != b.size()) return false;
  if (cs_ == CaseSensitivity::Sensitive) return a == b;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::size_t Glob::find(std::string_view hay, std::string_view needle,
                       std::size_t from) const noexcept {
  if (cs_ == CaseSensitivity::Sensitive) return hay.find(needle, from);
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (equal(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

// A star-only glob is a sequence of literal pieces separated by stars. The
// first piece is anchored at the start (unless the pattern starts with '*'),
// the last at the end (unless it ends with '*'); the middle pieces only have
// to appear in order, and taking the leftmost occurrence of each is optimal.
bool Glob::matches(std::string_view text) const noexcept {
  if (!has_star_) return equal(text, pattern_);
  if (matches_everything_) return true;

  std::size_t first = 0;
  std::size_t last = pieces_.size();  // exclusive
  std::size_t pos = 0;
  std::size_t end = text.size();

  if (!leading_star_) {
    std::string_view p = piece(pieces_[first]);
    if (text.size() < p.size() || !equal(text.substr(0, p.size()), p)) return false;
    pos = p.size();
    ++first;
  }
  if (!trailing_star_ && last > first) {
    std::string_view p = piece(pieces_[last - 1]);
    if (end - pos < p.size() || !equal(text.substr(end - p.size()), p)) return false;
    end -= p.size();
    --last;
  }
  std::string_view middle = text.substr(0, end);
  for (std::size_t i = first; i < last; ++i) {
    std::string_view p = piece(pieces_[i]);
    std::size_t at = find(middle, p, pos);
    if (at == std::string_view::npos) return false;
    pos = at + p.size();
  }
  return true;
}

}  // namespace clrprobe::selector
