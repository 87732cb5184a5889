// What /proc says about one process: whether it exists, who runs it, its
// command line, and which libraries it has mapped.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace clrprobe::cli {

struct ProcessInfo {
  pid_t pid = 0;
  uid_t euid = 0;               // effective uid (/proc/<pid>/status "Uid:")
  std::string name;             // /proc/<pid>/comm
  pid_t ns_pid = 0;             // its pid in its own pid namespace (NSpid; = pid outside containers)
  std::string command_line;     // /proc/<pid>/cmdline, arguments joined by spaces
  std::vector<std::string> arguments;  // /proc/<pid>/cmdline, one per argument
  uint64_t start_jiffies = 0;   // /proc/<pid>/stat field 22
  uint64_t start_unix_ns = 0;   // the same instant on the wall clock (about 1 s precise)
};

// NotFound when there is no such process (or pid <= 0).
Result<ProcessInfo> read_process_info(pid_t pid);

// True while a process with this pid exists (zombies included).
bool process_exists(pid_t pid);

// The display form of a process: its command line, else "[name]".
std::string process_display(const ProcessInfo& info);

struct MappedLibraries {
  bool coreclr = false;  // libcoreclr.so: a .NET (CoreCLR) process
  bool agent = false;    // libclrprobe.so: our agent is loaded
};

// Reads /proc/<pid>/maps; nullopt when it cannot be read (another user's
// process, or gone).
std::optional<MappedLibraries> mapped_libraries(pid_t pid);

// Looks for the libraries in the text of a maps file (exposed for tests).
MappedLibraries scan_maps_text(std::string_view maps);

}  // namespace clrprobe::cli
