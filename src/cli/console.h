// Small helpers for what the commands print: errors on stderr with the
// "clrprobe: " prefix, and what the terminal looks like.
#pragma once

#include <cstddef>
#include <cstdio>
#include <utility>

#include <fmt/format.h>

namespace clrprobe::cli {

template <typename... Args>
void complain(fmt::format_string<Args...> format, Args&&... args) {
  fmt::print(stderr, "clrprobe: {}\n", fmt::format(format, std::forward<Args>(args)...));
}

// True when stdout is a terminal (tables are then fitted to its width).
bool stdout_is_terminal();

// Columns of the terminal on stdout; 0 when it is not a terminal.
std::size_t terminal_columns();

// Rows of the terminal on stdout; 0 when it is not a terminal.
std::size_t terminal_rows();

// Table width for stdout: the terminal's columns, or 0 (no limit) for pipes.
inline std::size_t output_width() { return terminal_columns(); }

}  // namespace clrprobe::cli
