// The agent's log. It lives in someone else's process, so it never writes to
// the host's stdout/stderr: lines go to the file named by CLRPROBE_LOG, or
// nowhere. Logging must never throw or abort the caller.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace clrprobe::agent {

enum class LogLevel { Debug, Info, Warn, Error };

// Opens the log file (append). Safe to call once at start; a failure to open
// simply disables logging.
void log_open(const char* path);
bool log_enabled(LogLevel level);
void log_write(LogLevel level, std::string_view message) noexcept;

template <typename... Args>
void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) noexcept {
  if (!log_enabled(level)) return;
  try {
    log_write(level, fmt::format(format, std::forward<Args>(args)...));
  } catch (...) {
    // Formatting failed (out of memory?): drop the line, never the host.
  }
}

#define CLRPROBE_LOG_DEBUG(...) ::clrprobe::agent::log(::clrprobe::agent::LogLevel::Debug, __VA_ARGS__)
#define CLRPROBE_LOG_INFO(...) ::clrprobe::agent::log(::clrprobe::agent::LogLevel::Info, __VA_ARGS__)
#define CLRPROBE_LOG_WARN(...) ::clrprobe::agent::log(::clrprobe::agent::LogLevel::Warn, __VA_ARGS__)
#define CLRPROBE_LOG_ERROR(...) ::clrprobe::agent::log(::clrprobe::agent::LogLevel::Error, __VA_ARGS__)

}  // namespace clrprobe::agent
