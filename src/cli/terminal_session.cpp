#include "cli/terminal_session.h"

#include <signal.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string_view>

#include "cli/console.h"
#include "cli/text_table.h"

namespace clrprobe::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;

extern "C" void request_stop(int) { g_stop = 1; }

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_saved[std::size(kStopSignals)];

constexpr const char* kHideCursor = "\x1b[?25l";
constexpr const char* kShowCursor = "\x1b[?25h";
constexpr const char* kHome = "\x1b[H";
constexpr const char* kClearScreen = "\x1b[2J";
constexpr const char* kClearToEol = "\x1b[K";
constexpr const char* kClearBelow = "\x1b[J";

}  // namespace

TerminalSession::TerminalSession(bool interactive) : interactive_(interactive) {
  g_stop = 0;
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a sleep ends at once
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i) ::sigaction(kStopSignals[i], &action, &g_saved[i]);
  if (interactive_) {
    std::fputs(kHideCursor, stdout);
    std::fflush(stdout);
  }
}

TerminalSession::~TerminalSession() {
  finish();
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i) ::sigaction(kStopSignals[i], &g_saved[i], nullptr);
}

bool TerminalSession::stop_requested() const { return g_stop != 0; }

bool TerminalSession::wait(double seconds) const {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
  while (!stop_requested()) {
    const auto left = deadline - clock::now();
    if (left <= clock::duration::zero()) return true;
    const auto slice = std::min<clock::duration>(left, std::chrono::milliseconds(100));
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(slice).count();
    struct timespec ts {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    ::nanosleep(&ts, nullptr);  // EINTR on a stop signal: checked above
  }
  return false;
}

void TerminalSession::draw(const std::string& frame) {
  if (!interactive_) {
    std::fputs(frame.c_str(), stdout);
    std::fputs("\n", stdout);
    std::fflush(stdout);
    return;
  }
  // Lines longer or more numerous than the terminal has would wrap or
  // scroll, and the next redraw would no longer start at the frame's top.
  const std::size_t columns = terminal_columns();
  const std::size_t rows = terminal_rows();
  std::string out = drawn_ ? kHome : std::string(kHome) + kClearScreen;
  std::size_t pos = 0;
  std::size_t line_count = 0;
  while (pos < frame.size()) {
    std::size_t end = frame.find('\n', pos);
    if (end == std::string::npos) end = frame.size();
    if (rows > 1 && ++line_count == rows - 1 && end < frame.size() && end + 1 < frame.size()) {
      out += "... (enlarge the terminal to see more)";
      out += kClearToEol;
      out += '\n';
      break;
    }
    std::string_view line(frame.data() + pos, end - pos);
    out += columns > 0 ? cut_to_width(line, columns) : std::string(line);
    out += kClearToEol;
    out += '\n';
    pos = end + 1;
  }
  out += kClearBelow;
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  drawn_ = true;
}

void TerminalSession::finish() {
  if (finished_) return;
  finished_ = true;
  if (interactive_) {
    std::fputs(kShowCursor, stdout);
    std::fflush(stdout);
  }
}

}  // namespace clrprobe::cli
