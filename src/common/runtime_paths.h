// Where an agent keeps its per-process files, so that the CLI and the
// exporter find them without asking anyone:
//
//   <dir>/<pid>.stats        stats region (mmap, read without the socket)
//   <dir>/<pid>.probes.json  probes and their slots, rewritten on each change
//   <dir>/<pid>.sock         control socket (0600)
//
// <dir> is $CLRPROBE_RUNTIME_DIR, else /tmp/clrprobe-<uid> (mode 0700), with
// <uid> the effective uid of the monitored process: a root CLI looking at a
// user's process looks in that user's directory.
#pragma once

#include <sys/types.h>

#include <cstdlib>
#include <string>

namespace clrprobe {

inline std::string runtime_dir_for_uid(uid_t uid) {
  if (const char* dir = std::getenv("CLRPROBE_RUNTIME_DIR"); dir != nullptr && *dir != '\0') return dir;
  return "/tmp/clrprobe-" + std::to_string(uid);
}

inline std::string stats_file_name(pid_t pid) { return std::to_string(pid) + ".stats"; }
inline std::string probes_file_name(pid_t pid) { return std::to_string(pid) + ".probes.json"; }
inline std::string socket_file_name(pid_t pid) { return std::to_string(pid) + ".sock"; }

}  // namespace clrprobe
