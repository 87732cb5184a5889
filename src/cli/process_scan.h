// `clrprobe ps` without the printing: which processes run the agent, which
// are .NET processes without it, and which exited processes left figures.
// Only reads: nothing is removed (that is `clrprobe clean`, stale_files.h).
//
// A process runs the agent when a runtime directory holds, for its pid, a
// stats region of that pid whose writer is alive, or a control socket (after
// stale files were removed, so the socket is its own). A .NET process without
// the agent maps libcoreclr.so or has a `dotnet-diagnostic-<pid>-*-socket` in
// $TMPDIR or /tmp. A process that maps libclrprobe.so but has no files in the
// scanned directories (another CLRPROBE_RUNTIME_DIR) is reported as such.
// A process in a container (another mount namespace) has its files in its
// own runtime directory, found through /proc/<pid>/root (process_view.h).
// Unless running as root, only the processes of the current effective uid
// are listed (others could not be probed anyway).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace clrprobe::cli {

enum class AgentStatus {
  Loaded,         // files in a scanned runtime directory
  LoadedNoFiles,  // libclrprobe.so mapped, but no files where we looked
  NotLoaded,      // a .NET process without the agent
};

struct ScannedProcess {
  pid_t pid = 0;
  uid_t euid = 0;
  std::string name;      // comm
  std::string command;   // command line (or "[name]")
  AgentStatus agent = AgentStatus::NotLoaded;
  std::string runtime_dir;            // with Loaded
  std::optional<int> probes;          // probes not removed, from <pid>.probes.json
  std::optional<int> removed_probes;  // removed ones
};

struct ScanOptions {
  std::vector<std::string> runtime_dirs;      // default: runtime_dirs_to_scan()
  std::vector<std::string> diagnostic_dirs;   // default: $TMPDIR and /tmp
};

struct ScanResult {
  std::vector<ScannedProcess> processes;  // by pid
  std::vector<pid_t> exited;              // pids whose files remain, their process gone
  std::vector<std::string> runtime_dirs;  // the directories scanned
};

ScanOptions default_scan_options();
ScanResult scan_processes(const ScanOptions& options);

// Pids named by `dotnet-diagnostic-<pid>-<key>-socket` entries of `dir`.
std::vector<pid_t> diagnostic_socket_pids(const std::string& dir);

}  // namespace clrprobe::cli
