// The per-process files agents leave in runtime directories
// (src/common/runtime_paths.h): which directories to look in, which files
// there belong to which pid, and where a given pid's files are.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clrprobe::cli {

enum class RuntimeFileKind {
  Stats,      // <pid>.stats
  Probes,     // <pid>.probes.json
  Socket,     // <pid>.sock
  WatchRing,  // <pid>.watch: events of `clrprobe watch`, worthless once the process is gone
  Temporary,  // <pid>.stats.tmp.<n>, <pid>.probes.json.tmp.<n>: an interrupted atomic write
};

struct RuntimeFile {
  pid_t pid = 0;
  RuntimeFileKind kind = RuntimeFileKind::Stats;
  std::string name;  // file name inside the directory
};

// Recognizes the names above; anything else is nullopt (and never touched).
std::optional<RuntimeFile> parse_runtime_file_name(std::string_view name);

// Runtime files in `dir`, sorted by pid then name; empty when `dir` cannot
// be read.
std::vector<RuntimeFile> list_runtime_files(const std::string& dir);

// Where to look: $CLRPROBE_RUNTIME_DIR alone when it is set; otherwise the
// directories of the current effective uid (runtime_dir_candidates: the
// /dev/shm one, then the /tmp fallback) and, when running as root, every
// clrprobe-<uid> directory in /dev/shm and /tmp as well.
std::vector<std::string> runtime_dirs_to_scan();

struct RuntimePaths {
  std::string dir;
  std::string stats;   // <dir>/<pid>.stats
  std::string probes;  // <dir>/<pid>.probes.json
  std::string socket;  // <dir>/<pid>.sock
};
RuntimePaths runtime_paths(const std::string& dir, pid_t pid);

// The directory holding the files of `pid`: the runtime directory of the
// process's effective uid while it runs (for a process in a container, its
// own, through /proc/<pid>/root, the files named by its pid there: see
// process_view.h), else the first directory of
// runtime_dirs_to_scan() that holds a stats or probes file for it.
// nullopt when no such file exists anywhere.
std::optional<RuntimePaths> find_runtime_files(pid_t pid);

// Where the files of a running process with this effective uid would be.
RuntimePaths expected_runtime_paths(pid_t pid, uid_t euid);

bool path_exists(const std::string& path);

}  // namespace clrprobe::cli
