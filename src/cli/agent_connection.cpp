#include "cli/agent_connection.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <optional>

namespace clrprobe::cli {
namespace {

// Changes the effective ids of the calling thread alone: the raw system
// calls, not the glibc wrappers (which apply them to every thread). The
// saved ids stay root, so the destructor can switch back.
class ThreadIdentity {
 public:
  ThreadIdentity(uid_t uid, gid_t gid) {
    if (::syscall(SYS_setresgid, -1, gid, -1) != 0) return;
    if (::syscall(SYS_setresuid, -1, uid, -1) != 0) {
      ::syscall(SYS_setresgid, -1, 0, -1);
      return;
    }
    switched_ = true;
  }
  ~ThreadIdentity() {
    if (!switched_) return;
    ::syscall(SYS_setresuid, -1, 0, -1);
    ::syscall(SYS_setresgid, -1, 0, -1);
  }
  ThreadIdentity(const ThreadIdentity&) = delete;
  ThreadIdentity& operator=(const ThreadIdentity&) = delete;
  bool switched() const { return switched_; }

 private:
  bool switched_ = false;
};

}  // namespace

Result<control::ControlClient> connect_as_process(const ProcessView& view, const std::string& socket_path,
                                                  std::chrono::milliseconds timeout) {
  // Only a root CLI facing another user namespace needs to change: in the
  // same user namespace root is accepted as it is.
  if (::geteuid() == 0 && view.other_user_namespace && view.euid != 0) {
    // The path through /proc/<pid>/root is resolved as root: without
    // CAP_SYS_PTRACE in the container's user namespace (which the switched
    // thread loses) that magic link is closed. The socket's directory, opened
    // now, is then reached through our own /proc/self/fd.
    const auto slash = socket_path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : socket_path.substr(0, slash);
    const std::string name = slash == std::string::npos ? socket_path : socket_path.substr(slash + 1);
    const int dir_fd = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
      const std::string via_fd = "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
      std::optional<Result<control::ControlClient>> client;
      {
        ThreadIdentity as_process(view.euid, view.egid);
        if (as_process.switched()) client.emplace(control::ControlClient::connect(via_fd, timeout));
      }
      ::close(dir_fd);
      if (client) {
        if (!*client) {
          return make_error(client->error().reason, client->error().message + " (as uid " + std::to_string(view.euid) +
                                                        ", the process's user, for " + socket_path + ")");
        }
        return std::move(*client);
      }
    }
  }
  return control::ControlClient::connect(socket_path, timeout);
}

}  // namespace clrprobe::cli
