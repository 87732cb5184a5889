#include "cli/process_info.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "common/proc_files.h"
#include "stats/process_identity.h"

namespace clrprobe::cli {
bool process_exists(pid_t pid) {
  if (pid <= 0) return false;
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

Result<ProcessInfo> read_process_info(pid_t pid) {
  auto identity = stats::process_identity(pid);
  if (!identity) return make_error(Reason::NotFound, "no process with pid " + std::to_string(pid));
  ProcessInfo info;
  info.pid = pid;
  info.ns_pid = pid;
  info.start_jiffies = identity->start_jiffies;
  info.start_unix_ns = identity->start_unix_ns;
  if (auto status = proc::read(pid, "status")) {
    if (auto euid = proc::parse_status_euid(*status)) info.euid = *euid;
    if (auto ns_pid = proc::parse_status_ns_pid(*status)) info.ns_pid = *ns_pid;
  }
  if (auto comm = proc::read(pid, "comm")) {
    while (!comm->empty() && comm->back() == '\n') comm->pop_back();
    info.name = *comm;
  }
  if (auto cmdline = proc::read(pid, "cmdline", 64 * 1024)) {
    info.arguments = proc::split_cmdline(*cmdline);
    info.command_line = proc::cmdline_text(*cmdline);
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
  auto text = proc::read(pid, "maps", 64u << 20);
  if (!text) return std::nullopt;
  return scan_maps_text(*text);
}

}  // namespace clrprobe::cli
