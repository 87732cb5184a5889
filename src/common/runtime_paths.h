// Where an agent keeps its per-process files, so that the CLI and the
// exporter find them without asking anyone:
//
//   <dir>/<pid>.stats        stats region (mmap, read without the socket)
//   <dir>/<pid>.probes.json  probes and their slots, rewritten on each change
//   <dir>/<pid>.sock         control socket (0600)
//   <dir>/<pid>.watch        `clrprobe watch` event ring (made by the first watch)
//
// <dir> is $CLRPROBE_RUNTIME_DIR, else <base>/clrprobe-<uid> (mode 0700), with
// <uid> the effective uid of the monitored process: a root CLI looking at a
// user's process looks in that user's directory. <base> is /dev/shm when it
// is a tmpfs (the stats region is shared memory: on a disk it would be
// written back), else /tmp. An agent that cannot use /dev/shm falls back to
// /tmp, so readers look there too (runtime_dir_candidates).
#pragma once

#include <linux/magic.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace clrprobe {

inline std::string stats_file_name(pid_t pid) { return std::to_string(pid) + ".stats"; }
inline std::string probes_file_name(pid_t pid) { return std::to_string(pid) + ".probes.json"; }
inline std::string socket_file_name(pid_t pid) { return std::to_string(pid) + ".sock"; }
inline std::string watch_ring_file_name(pid_t pid) { return std::to_string(pid) + ".watch"; }

// /dev/shm when it is a tmpfs under `root` ("" for our own mount namespace,
// /proc/<pid>/root for another one), else /tmp. The path is as seen under `root`.
inline std::string runtime_base_dir(const std::string& root = "") {
  struct statfs fs {};
  if (::statfs((root + "/dev/shm").c_str(), &fs) == 0 && fs.f_type == TMPFS_MAGIC) return "/dev/shm";
  return "/tmp";
}

inline std::string runtime_dir_name(uid_t uid) { return "clrprobe-" + std::to_string(uid); }

// Where an agent with effective uid `uid` puts its files, as seen under `root`.
inline std::string runtime_dir_for_uid(uid_t uid, const std::string& root = "") {
  if (const char* dir = std::getenv("CLRPROBE_RUNTIME_DIR"); dir != nullptr && *dir != '\0') return dir;
  return runtime_base_dir(root) + "/" + runtime_dir_name(uid);
}

// The directories an agent of `uid` may have used, preferred first: the
// default one, then /tmp/clrprobe-<uid> if that is another (the fallback).
// Only the first with $CLRPROBE_RUNTIME_DIR.
inline std::vector<std::string> runtime_dir_candidates(uid_t uid, const std::string& root = "") {
  std::vector<std::string> dirs = {runtime_dir_for_uid(uid, root)};
  const std::string fallback = "/tmp/" + runtime_dir_name(uid);
  if (std::getenv("CLRPROBE_RUNTIME_DIR") == nullptr || *std::getenv("CLRPROBE_RUNTIME_DIR") == '\0') {
    if (dirs.front() != fallback) dirs.push_back(fallback);
  }
  return dirs;
}

// The candidate directory (as seen under `root`) holding the socket or stats
// file of the agent in process `pid` (its pid there), else the preferred one.
inline std::string locate_runtime_dir(uid_t uid, pid_t pid, const std::string& root = "") {
  const std::vector<std::string> dirs = runtime_dir_candidates(uid, root);
  for (const std::string& dir : dirs) {
    if (::access((root + dir + "/" + socket_file_name(pid)).c_str(), F_OK) == 0 ||
        ::access((root + dir + "/" + stats_file_name(pid)).c_str(), F_OK) == 0)
      return dir;
  }
  return dirs.front();
}

}  // namespace clrprobe
