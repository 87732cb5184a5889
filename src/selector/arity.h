// Generic arity suffixes. Metadata names of generic types carry "`N"
// (List`1, Dictionary`2+Enumerator); people usually write them without it.
// A selector pattern that contains no backtick is therefore also matched
// against the name with every "`<digits>" removed.
#pragma once

#include <string>
#include <string_view>

namespace clrprobe::selector {

// True if text contains a "`<digits>" sequence that strip_arity would remove.
bool has_arity_suffix(std::string_view text) noexcept;

// Holds `text` with every "`<digits>" removed. Uses an inline buffer for
// names up to kInline characters, so the per-type/per-method match path does
// not allocate for ordinary names; longer names fall back to the heap.
class AritylessName {
 public:
  static constexpr std::size_t kInline = 512;

  explicit AritylessName(std::string_view text);
  AritylessName(const AritylessName&) = delete;
  AritylessName& operator=(const AritylessName&) = delete;

  std::string_view view() const noexcept { return view_; }
  bool changed() const noexcept { return changed_; }

 private:
  char inline_[kInline];
  std::string heap_;
  std::string_view view_;
  bool changed_ = false;
};

}  // namespace clrprobe::selector
