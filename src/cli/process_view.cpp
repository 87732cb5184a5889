#include "cli/process_view.h"

#include <cerrno>
#include <cstring>

#include "common/proc_files.h"
#include "common/runtime_paths.h"

namespace clrprobe::cli {
namespace {

// Different when both are readable and differ; unreadable counts as ours
// (nothing better is known), and `hidden` says why theirs could not be read.
bool differs(pid_t pid, const char* kind, std::string* hidden) {
  auto mine = proc::own_namespace_id(kind);
  auto theirs = proc::namespace_id(pid, kind);
  if (mine && !theirs && hidden != nullptr && hidden->empty()) {
    *hidden = proc::path(pid, std::string("ns/") + kind) + ": " + std::strerror(errno);
  }
  return mine && theirs && *mine != *theirs;
}

}  // namespace

std::string ProcessView::describe() const {
  std::string text = "process " + std::to_string(pid);
  if (ns_pid != pid) text += " (pid " + std::to_string(ns_pid) + " in its namespace)";
  return text;
}

std::optional<std::string> ProcessView::env(const std::string& name) const {
  if (!environ) return std::nullopt;
  return proc::environ_value(*environ, name);
}

std::string ProcessView::tmpdir() const {
  std::string dir = env("TMPDIR").value_or("");
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir.empty() ? "/tmp" : dir;
}

Result<ProcessView> view_process(pid_t pid) {
  auto status = pid > 0 ? proc::read(pid, "status") : std::nullopt;
  if (!status) return make_error(Reason::NotFound, "no process with pid " + std::to_string(pid));
  ProcessView view;
  view.pid = pid;
  view.ns_pid = proc::parse_status_ns_pid(*status).value_or(pid);
  view.euid = proc::parse_status_euid(*status).value_or(0);
  view.egid = proc::parse_status_egid(*status).value_or(0);
  view.ns_euid = view.euid;
  view.other_mount_namespace = differs(pid, "mnt", &view.namespaces_hidden);
  view.other_user_namespace = differs(pid, "user", nullptr);
  if (view.other_mount_namespace) view.root = proc::root(pid);
  if (view.other_user_namespace) {
    if (auto map = proc::read(pid, "uid_map")) {
      if (auto inside = proc::uid_inside(*map, view.euid)) view.ns_euid = *inside;
    }
  }
  view.environ = proc::read(pid, "environ", 4u << 20);
  return view;
}

std::string agent_runtime_dir_inside(const ProcessView& view) {
  if (!view.other_mount_namespace) return locate_runtime_dir(view.euid, view.pid);
  if (auto dir = view.env("CLRPROBE_RUNTIME_DIR"); dir && !dir->empty()) return *dir;
  // Its default, judged by its own /dev/shm; its fallback when its files are there.
  const std::string preferred = runtime_base_dir(view.root) + "/" + runtime_dir_name(view.ns_euid);
  const std::string fallback = "/tmp/" + runtime_dir_name(view.ns_euid);
  for (const std::string& dir : {preferred, fallback}) {
    if (::access(view.outside(dir + "/" + socket_file_name(view.ns_pid)).c_str(), F_OK) == 0 ||
        ::access(view.outside(dir + "/" + stats_file_name(view.ns_pid)).c_str(), F_OK) == 0)
      return dir;
  }
  return preferred;
}

RuntimePaths agent_runtime_paths(const ProcessView& view) {
  return runtime_paths(view.outside(agent_runtime_dir_inside(view)), view.ns_pid);
}

}  // namespace clrprobe::cli
