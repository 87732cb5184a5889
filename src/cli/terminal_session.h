// The terminal side of `clrprobe monitor`: Ctrl-C (and SIGTERM/SIGHUP) ask
// for a clean stop instead of killing the process; on a terminal, frames are
// redrawn in place with ANSI escapes and the cursor is hidden meanwhile.
// Elsewhere (pipe, file) each frame is simply printed after the previous one.
// The destructor restores the signal handlers and the cursor.
#pragma once

#include <string>

namespace clrprobe::cli {

class TerminalSession {
 public:
  explicit TerminalSession(bool interactive);
  ~TerminalSession();
  TerminalSession(const TerminalSession&) = delete;
  TerminalSession& operator=(const TerminalSession&) = delete;

  bool interactive() const { return interactive_; }
  bool stop_requested() const;

  // Sleeps up to `seconds`; returns false as soon as a stop is requested.
  bool wait(double seconds) const;

  // Replaces the previous frame (terminal) or appends one (elsewhere).
  void draw(const std::string& frame);

  // Shows the cursor again and leaves it below the last frame; idempotent.
  void finish();

 private:
  bool interactive_;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace clrprobe::cli
