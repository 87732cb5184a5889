// A process as the CLI must address it when it may live in a container: its
// pid here (the host pid the user typed) and in its own pid namespace (the
// pid its runtime and agent put in file names), its own filesystem view
// (/proc/<pid>/root when its mount namespace is not ours), its uid here and
// inside its user namespace, and its environment (TMPDIR, the runtime's
// settings, CORECLR_PROFILER...).
//
// Outside containers every field is the plain one: ns_pid == pid, root "",
// ns_euid == euid.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "cli/runtime_files.h"
#include "common/result.h"

namespace clrprobe::cli {

struct ProcessView {
  pid_t pid = 0;      // here (the host pid)
  pid_t ns_pid = 0;   // in its own pid namespace
  uid_t euid = 0;     // here
  gid_t egid = 0;     // here
  uid_t ns_euid = 0;  // in its user namespace (what its agent's geteuid() says)
  bool other_mount_namespace = false;
  bool other_user_namespace = false;
  // Its namespaces cannot be read (/proc/<pid>/ns/mnt: permission denied):
  // a container this user may not enter. Empty when they could be read.
  std::string namespaces_hidden;
  std::string root;                    // "/proc/<pid>/root" with another mount namespace, else ""
  std::optional<std::string> environ;  // NUL-separated; nullopt when unreadable

  // A path of the process's filesystem, as reachable from here.
  std::string outside(const std::string& inside_path) const { return root + inside_path; }
  bool in_container() const { return ns_pid != pid || other_mount_namespace; }
  // "process 4242" or "process 4242 (pid 7 in its namespace)".
  std::string describe() const;
  // A variable of its environment (nullopt when unset or unreadable).
  std::optional<std::string> env(const std::string& name) const;
  // Its temporary directory as it sees it: TMPDIR, else /tmp.
  std::string tmpdir() const;
};

// NotFound "no process with pid N" when it does not exist.
Result<ProcessView> view_process(pid_t pid);

// The agent's runtime directory as the agent inside the process sees it:
// for a process in our mount namespace, locate_runtime_dir (this CLI's
// CLRPROBE_RUNTIME_DIR, else /dev/shm/clrprobe-<uid> when /dev/shm is a tmpfs,
// else /tmp/clrprobe-<uid>, or the /tmp fallback that holds its files); in
// another one, its own CLRPROBE_RUNTIME_DIR, else the same judged by its
// own /dev/shm and /tmp.
std::string agent_runtime_dir_inside(const ProcessView& view);

// The agent's files (named by ns_pid), as paths reachable from here.
RuntimePaths agent_runtime_paths(const ProcessView& view);

}  // namespace clrprobe::cli
