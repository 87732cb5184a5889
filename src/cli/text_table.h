// Column tables for the terminal, shared by report/stats/list/ps/monitor:
// two spaces between columns, trailing blanks trimmed, optional note lines
// under a row (indented past the first column). When a maximum width is
// given, the "shrinkable" columns (names, selectors, commands) are cut in
// the middle with "…" so that every line fits.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace clrprobe::cli {

enum class Align { Left, Right };

struct Column {
  std::string header;
  Align align = Align::Left;
  bool shrinkable = false;
};

class TextTable {
 public:
  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // Missing cells print empty; extra cells are ignored.
  void add_row(std::vector<std::string> cells, std::vector<std::string> notes = {});
  bool empty() const { return rows_.empty(); }

  // max_width 0 = no limit.
  std::string render(std::size_t max_width = 0) const;

 private:
  struct Row {
    std::vector<std::string> cells;
    std::vector<std::string> notes;
  };
  std::vector<Column> columns_;
  std::vector<Row> rows_;
};

// At most `width` terminal columns: the head and the tail of `text` joined by
// "…" when it is too long (selectors and method names differ at both ends).
std::string shorten_middle(std::string_view text, std::size_t width);

// At most `width` terminal columns: the start of `text`, ending in "…" when
// something was cut.
std::string cut_to_width(std::string_view text, std::size_t width);

}  // namespace clrprobe::cli
