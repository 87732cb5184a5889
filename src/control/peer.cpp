#include "control/peer.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace clrprobe::control {

Result<uid_t> peer_uid(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred) {
    return make_error(Reason::Io, std::string("SO_PEERCRED failed: ") + std::strerror(errno));
  }
  return cred.uid;
}

}  // namespace clrprobe::control
