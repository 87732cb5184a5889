// Glob patterns where '*' matches any run of characters (dots included) and
// every other character matches itself. Compiled once, matched many times:
// the agent runs a match per TypeDef and per MethodDef, so match() never
// allocates and runs in O(text * pattern) worst case (linear in practice).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace clrprobe::selector {

enum class CaseSensitivity { Sensitive, AsciiInsensitive };

class Glob {
 public:
  Glob() = default;  // matches only the empty string
  explicit Glob(std::string_view pattern,
                CaseSensitivity cs = CaseSensitivity::Sensitive);

  bool matches(std::string_view text) const noexcept;

  const std::string& pattern() const { return pattern_; }
  bool is_literal() const { return !has_star_; }
  bool matches_everything() const { return matches_everything_; }

 private:
  struct Piece {  // a literal run between stars, as [offset, offset+size) of pattern_
    std::size_t offset;
    std::size_t size;
  };
  std::string_view piece(const Piece& p) const {
    return std::string_view(pattern_).substr(p.offset, p.size);
  }
  bool equal(std::string_view a, std::string_view b) const noexcept;
  std::size_t find(std::string_view hay, std::string_view needle,
                   std::size_t from) const noexcept;

  std::string pattern_;
  std::vector<Piece> pieces_;  // literal runs, in order
  CaseSensitivity cs_ = CaseSensitivity::Sensitive;
  bool has_star_ = false;
  bool leading_star_ = false;   // pattern starts with '*'
  bool trailing_star_ = false;  // pattern ends with '*'
  bool matches_everything_ = false;
};

}  // namespace clrprobe::selector
