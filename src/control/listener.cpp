#include "control/listener.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "control/private_dir.h"

namespace clrprobe::control {
namespace {

Error io_error(const std::string& what) { return make_error(Reason::Io, what + ": " + std::strerror(errno)); }

// Removes a socket left behind by a process that had our pid before us (or
// by an agent that crashed). Anything that is not a socket is left alone.
Status remove_stale_socket(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return io_error("cannot stat " + path);
  }
  if (!S_ISSOCK(st.st_mode)) {
    return make_error(Reason::Io, path + " exists and is not a socket: refusing to replace it");
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("cannot remove stale socket " + path);
  return {};
}

}  // namespace

Result<Listener> open_listener(const std::string& socket_path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // Pathname sockets only (never the abstract namespace: it has no modes).
  if (socket_path.empty() || socket_path[0] == '\0' || socket_path.size() >= sizeof addr.sun_path) {
    return make_error(Reason::InvalidInput, "socket path \"" + socket_path + "\" is empty or longer than " +
                                                std::to_string(sizeof addr.sun_path - 1) + " bytes");
  }
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());

  if (auto dir = ensure_private_dir(parent_dir(socket_path)); !dir) return dir.error();
  if (auto stale = remove_stale_socket(socket_path); !stale) return stale.error();

  Listener listener;
  listener.fd.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!listener.fd.valid()) return io_error("socket(AF_UNIX)");
  // bind() creates the file with the socket inode's mode minus the umask.
  // Narrowing the inode's mode first means the name never exists with a wider
  // mode, without touching the host's process-wide umask.
  if (::fchmod(listener.fd.get(), 0600) != 0) return io_error("fchmod(socket, 0600)");
  if (::bind(listener.fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return io_error("cannot bind " + socket_path);
  }

  // Verify rather than trust: the umask may also have removed our own bits
  // (connect() needs write permission), so set exactly 0600. Safe against
  // races: only we can enter the 0700 directory.
  struct stat st {};
  if (::lstat(socket_path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode) ||
      ((st.st_mode & 0777) != 0600 &&
       (::chmod(socket_path.c_str(), 0600) != 0 || ::lstat(socket_path.c_str(), &st) != 0))) {
    Error error = io_error("cannot verify mode 0600 on " + socket_path);
    ::unlink(socket_path.c_str());
    return error;
  }
  if ((st.st_mode & 0777) != 0600) {
    ::unlink(socket_path.c_str());
    return make_error(Reason::Io, socket_path + " is not mode 0600 even after chmod: refusing to serve on it");
  }
  listener.dev = st.st_dev;
  listener.ino = st.st_ino;

  if (::listen(listener.fd.get(), kListenBacklog) != 0) {
    Error error = io_error("cannot listen on " + socket_path);
    unlink_if_ours(socket_path, listener.dev, listener.ino);
    return error;
  }
  return listener;
}

void unlink_if_ours(const std::string& socket_path, dev_t dev, ino_t ino) {
  struct stat st {};
  if (::lstat(socket_path.c_str(), &st) == 0 && st.st_dev == dev && st.st_ino == ino) {
    ::unlink(socket_path.c_str());
  }
}

}  // namespace clrprobe::control
