#include "cli/text_table.h"

#include <algorithm>

#include "cli/report_table.h"

namespace clrprobe::cli {
namespace {

// Byte offset of the n-th code point (or the end).
std::size_t byte_offset(std::string_view utf8, std::size_t code_points) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) == 0x80) continue;
    if (seen == code_points) return i;
    ++seen;
  }
  return utf8.size();
}

std::string pad(std::string_view text, std::size_t width, Align align) {
  const std::size_t w = display_width(text);
  const std::string fill = w < width ? std::string(width - w, ' ') : std::string();
  return align == Align::Left ? std::string(text) + fill : fill + std::string(text);
}

void trim_right(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
}


}  // namespace

void TextTable::add_row(std::vector<std::string> cells, std::vector<std::string> notes) {
  cells.resize(columns_.size());
  rows_.push_back({std::move(cells), std::move(notes)});
}

std::string TextTable::render(std::size_t max_width) const {
  const std::size_t n = columns_.size();
  std::vector<std::size_t> widths(n, 0);
  for (std::size_t c = 0; c < n; ++c) {
    widths[c] = display_width(columns_[c].header);
    for (const Row& r : rows_) widths[c] = std::max(widths[c], display_width(r.cells[c]));
  }

  if (max_width > 0 && n > 0) {
    std::size_t total = 2 * (n - 1);
    for (std::size_t w : widths) total += w;
    // Take the excess from the widest shrinkable column first, never below
    // its header (or 8 columns).
    while (total > max_width) {
      std::size_t widest = n;
      for (std::size_t c = 0; c < n; ++c) {
        if (!columns_[c].shrinkable) continue;
        const std::size_t floor = std::max<std::size_t>(8, display_width(columns_[c].header));
        if (widths[c] <= floor) continue;
        if (widest == n || widths[c] > widths[widest]) widest = c;
      }
      if (widest == n) break;
      const std::size_t floor = std::max<std::size_t>(8, display_width(columns_[widest].header));
      const std::size_t cut = std::min(total - max_width, widths[widest] - floor);
      widths[widest] -= cut;
      total -= cut;
    }
  }

  auto line = [&](const std::vector<std::string>& cells, bool header) {
    std::string s;
    for (std::size_t c = 0; c < n; ++c) {
      if (c != 0) s += "  ";
      std::string cell = header ? cells[c] : shorten_middle(cells[c], widths[c]);
      s += pad(cell, widths[c], columns_[c].align);
    }
    trim_right(s);
    if (max_width > 0) s = cut_to_width(s, max_width);
    return s + "\n";
  };

  std::string out;
  std::vector<std::string> header;
  for (const Column& c : columns_) header.push_back(c.header);
  out += line(header, true);
  const std::string indent(n > 0 ? widths[0] + 4 : 4, ' ');
  for (const Row& r : rows_) {
    out += line(r.cells, false);
    for (const std::string& note : r.notes) {
      std::string text = indent + note;
      if (max_width > 0) text = cut_to_width(text, max_width);
      out += text + "\n";
    }
  }
  return out;
}

std::string cut_to_width(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return "";
  return std::string(text.substr(0, byte_offset(text, width - 1))) + "…";
}

std::string shorten_middle(std::string_view text, std::size_t width) {
  const std::size_t w = display_width(text);
  if (w <= width) return std::string(text);
  if (width == 0) return "";
  if (width == 1) return "…";
  const std::size_t keep = width - 1;
  const std::size_t head = (keep + 1) / 2;
  const std::size_t tail = keep - head;
  std::string out(text.substr(0, byte_offset(text, head)));
  out += "…";
  out += text.substr(byte_offset(text, w - tail));
  return out;
}

}  // namespace clrprobe::cli
