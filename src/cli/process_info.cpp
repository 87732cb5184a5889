#include "cli/process_info.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "stats/process_identity.h"

namespace clrprobe::cli {
namespace {

// Reads a whole (small) /proc file; false when it cannot be opened.
bool read_file(const std::string& path, std::string& out, std::size_t limit = 1u << 20) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() >= limit) break;
  }
  ::close(fd);
  return true;
}

std::string proc_path(pid_t pid, const char* file) {
  return "/proc/" + std::to_string(pid) + "/" + file;
}

}  // namespace

std::optional<uid_t> parse_status_euid(std::string_view status) {
  std::size_t pos = status.rfind("\nUid:", std::string_view::npos);
  if (pos == std::string_view::npos) {
    if (status.substr(0, 4) != "Uid:") return std::nullopt;
    pos = 0;
  } else {
    pos += 1;
  }
  std::string_view line = status.substr(pos + 4);
  line = line.substr(0, line.find('\n'));
  // Uid: real effective saved fs
  int field = 0;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t end = i;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    if (end == i) break;
    if (++field == 2) {
      uid_t uid = 0;
      auto [p, ec] = std::from_chars(line.data() + i, line.data() + end, uid);
      if (ec != std::errc() || p != line.data() + end) return std::nullopt;
      return uid;
    }
    i = end;
  }
  return std::nullopt;
}

bool process_exists(pid_t pid) {
  if (pid <= 0) return false;
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

Result<ProcessInfo> read_process_info(pid_t pid) {
  auto identity = stats::process_identity(pid);
  if (!identity) return make_error(Reason::NotFound, "no process with pid " + std::to_string(pid));
  ProcessInfo info;
  info.pid = pid;
  info.start_jiffies = identity->start_jiffies;
  info.start_unix_ns = identity->start_unix_ns;
  std::string text;
  if (read_file(proc_path(pid, "status"), text)) {
    if (auto euid = parse_status_euid(text)) info.euid = *euid;
  }
  if (read_file(proc_path(pid, "comm"), text)) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    info.name = text;
  }
  if (read_file(proc_path(pid, "cmdline"), text, 64 * 1024)) {
    while (!text.empty() && text.back() == '\0') text.pop_back();
    for (char& c : text) {
      if (c == '\0' || c == '\n' || c == '\t') c = ' ';
    }
    info.command_line = text;
  }
  return info;
}

std::string process_display(const ProcessInfo& info) {
  if (!info.command_line.empty()) return info.command_line;
  return "[" + info.name + "]";
}

MappedLibraries scan_maps_text(std::string_view maps) {
  MappedLibraries found;
  std::size_t pos = 0;
  while (pos < maps.size()) {
    std::size_t end = maps.find('\n', pos);
    if (end == std::string_view::npos) end = maps.size();
    std::string_view line = maps.substr(pos, end - pos);
    // The path is the last field; only its file name matters.
    std::size_t slash = line.rfind('/');
    if (slash != std::string_view::npos) {
      std::string_view file = line.substr(slash + 1);
      if (file == "libcoreclr.so") found.coreclr = true;
      if (file == "libclrprobe.so") found.agent = true;
    }
    pos = end + 1;
  }
  return found;
}

std::optional<MappedLibraries> mapped_libraries(pid_t pid) {
  std::string text;
  if (!read_file(proc_path(pid, "maps"), text, 64u << 20)) return std::nullopt;
  return scan_maps_text(text);
}

}  // namespace clrprobe::cli
