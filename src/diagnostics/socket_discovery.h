// Where a .NET process listens for diagnostics IPC: a Unix domain socket
// named dotnet-diagnostic-{pid}-{disambiguation key}-socket in the
// process's temporary directory. The runtime uses ITS OWN $TMPDIR (or /tmp
// when that is unset or empty), so we read it from /proc/<pid>/environ. The
// key is the process start time in clock ticks since boot (field 22 of
// /proc/<pid>/stat), which tells a live process's socket from one left by an
// earlier process with the same pid.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace clrprobe::diagnostics {

struct SocketSearch {
  // Directories to look in, in order. Empty: default_search_dirs(pid).
  std::vector<std::string> dirs;
  // The expected disambiguation key. nullopt: read from /proc/<pid>/stat
  // (no preference when that fails).
  std::optional<uint64_t> expected_key;
  // The pid in the socket's name: the process's pid in its own pid namespace
  // (NSpid) for a process in a container. nullopt: the pid itself.
  std::optional<pid_t> name_pid;
};

struct DiagnosticSocket {
  std::string path;
  uint64_t key = 0;
  bool key_matches = false;  // key == the process's start time
};

// The key of `name` if it is "dotnet-diagnostic-<pid>-<key>-socket" for
// exactly this pid; nullopt otherwise.
std::optional<uint64_t> parse_socket_name(std::string_view name, pid_t pid);

// TMPDIR from a NUL-separated environment block (as in /proc/<pid>/environ);
// nullopt when absent or empty.
std::optional<std::string> tmpdir_from_environ(std::string_view environ_block);

// The process's TMPDIR when /proc/<pid>/environ is readable and sets it,
// else nullopt (another user's process, or not set).
std::optional<std::string> process_tmpdir(pid_t pid);

// The process's TMPDIR (if known), then /tmp; duplicates removed, trailing
// slashes dropped.
std::vector<std::string> default_search_dirs(pid_t pid);

// Finds the socket. When several match: those whose key equals the
// process's start time win; among equals, the newest (modification time).
// NotFound ("no diagnostics socket ...", naming the directories searched)
// when there is none.
Result<DiagnosticSocket> find_diagnostic_socket(pid_t pid, const SocketSearch& search = {});

}  // namespace clrprobe::diagnostics
