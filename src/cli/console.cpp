#include "cli/console.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace clrprobe::cli {

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

std::size_t terminal_columns() {
  if (!stdout_is_terminal()) return 0;
  struct winsize ws {};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

std::size_t terminal_rows() {
  if (!stdout_is_terminal()) return 0;
  struct winsize ws {};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) return ws.ws_row;
  return 24;
}

}  // namespace clrprobe::cli
