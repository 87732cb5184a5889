#include "cli/agent_connection.h"

#include <sys/syscall.h>
#include <unistd.h>

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
    ThreadIdentity as_process(view.euid, view.egid);
    if (as_process.switched()) return control::ControlClient::connect(socket_path, timeout);
  }
  return control::ControlClient::connect(socket_path, timeout);
}

}  // namespace clrprobe::cli
