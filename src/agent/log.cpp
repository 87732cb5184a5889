#include "agent/log.h"

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>

namespace clrprobe::agent {
namespace {

std::atomic<int> g_fd{-1};
LogLevel g_min_level = LogLevel::Info;
std::mutex g_write_mutex;

constexpr const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
  }
  return "?";
}

}  // namespace

void log_open(const char* path) {
  if (path == nullptr || *path == '\0') return;
  int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;
  if (const char* level = std::getenv("CLRPROBE_LOG_LEVEL"); level && std::strcmp(level, "debug") == 0) {
    g_min_level = LogLevel::Debug;
  }
  g_fd.store(fd, std::memory_order_release);
}

bool log_enabled(LogLevel level) {
  return level >= g_min_level && g_fd.load(std::memory_order_acquire) >= 0;
}

void log_write(LogLevel level, std::string_view message) noexcept {
  int fd = g_fd.load(std::memory_order_acquire);
  if (fd < 0) return;
  char prefix[96];
  timeval now{};
  gettimeofday(&now, nullptr);
  tm parts{};
  gmtime_r(&now.tv_sec, &parts);
  int n = std::snprintf(prefix, sizeof prefix, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ [%d] %s: ",
                        parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
                        parts.tm_min, parts.tm_sec, static_cast<long>(now.tv_usec),
                        static_cast<int>(::getpid()), level_name(level));
  if (n < 0) return;
  std::lock_guard lock(g_write_mutex);
  // A full disk or a closed descriptor must not disturb the host: ignore errors.
  [[maybe_unused]] ssize_t a = ::write(fd, prefix, static_cast<size_t>(n));
  [[maybe_unused]] ssize_t b = ::write(fd, message.data(), message.size());
  [[maybe_unused]] ssize_t c = ::write(fd, "\n", 1);
}

}  // namespace clrprobe::agent
