#include "diagnostics/ipc_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "diagnostics/hresult.h"

namespace clrprobe::diagnostics {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_;
};

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return 0;
  return static_cast<int>(std::min<long long>(left, 1 << 30));
}

// 1 ready, 0 timed out, -1 error (errno set).
int wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n;
    return 1;
  }
}

std::string ms_text(milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

Error connect_error(int err, const std::string& path, milliseconds timeout) {
  switch (err) {
    case ENOENT:
      return make_error(Reason::NotFound, "no diagnostics socket at " + path);
    case ECONNREFUSED:
      return make_error(Reason::Io, "the diagnostics socket " + path +
                                        " refuses connections (stale: left by an exited process?)");
    case EACCES:
    case EPERM:
      return make_error(Reason::Io, "permission denied connecting to " + path +
                                        " (the process belongs to another user: run as that user or root)");
    case EAGAIN:
    case ETIMEDOUT:
      return make_error(Reason::Io, "timed out after " + ms_text(timeout) + " connecting to " + path +
                                        " (the runtime's diagnostics server is not accepting connections)");
    default:
      return make_error(Reason::Io, "cannot connect to " + path + ": " + std::strerror(err));
  }
}

Result<void> connect_socket(int fd, const std::string& path, Clock::time_point deadline, milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    return make_error(Reason::InvalidInput, "socket path \"" + path + "\" is empty or longer than " +
                                                std::to_string(sizeof addr.sun_path - 1) + " bytes");
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  for (;;) {
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return {};
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN) {
      // A full listen queue: retry briefly until the deadline.
      if (remaining_ms(deadline) == 0) return connect_error(ETIMEDOUT, path, timeout);
      ::usleep(5000);
      continue;
    }
    if (err != EINPROGRESS) return connect_error(err, path, timeout);
    int ready = wait_for(fd, POLLOUT, deadline);
    if (ready == 0) return connect_error(ETIMEDOUT, path, timeout);
    if (ready < 0) return connect_error(errno, path, timeout);
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) return connect_error(errno, path, timeout);
    if (so_error != 0) return connect_error(so_error, path, timeout);
    return {};
  }
}

Result<void> send_all(int fd, std::span<const uint8_t> bytes, Clock::time_point deadline, milliseconds timeout,
                      const std::string& path) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      int ready = wait_for(fd, POLLOUT, deadline);
      if (ready == 0) {
        return make_error(Reason::Io, "timed out after " + ms_text(timeout) + " sending to " + path);
      }
      if (ready < 0) return make_error(Reason::Io, "poll on " + path + ": " + std::strerror(errno));
      continue;
    }
    const int err = n < 0 ? errno : EPIPE;
    return make_error(Reason::Io, "sending to " + path + " failed: " + std::strerror(err) +
                                      " (the runtime closed the connection)");
  }
  return {};
}

// Reads exactly `out.size()` bytes; `already_read` (bytes of the reply
// before these) only serves the messages.
Result<void> recv_exact(int fd, std::span<uint8_t> out, Clock::time_point deadline, milliseconds timeout,
                        const std::string& path, std::size_t already_read) {
  std::size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::recv(fd, out.data() + got, out.size() - got, 0);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
      continue;
    }
    if (n == 0) {
      const std::size_t total = already_read + got;
      if (total == 0) {
        return make_error(Reason::Io, "the runtime closed the connection on " + path +
                                          " without answering (the process may be exiting)");
      }
      return make_error(Reason::Truncated, "malformed response: the runtime closed the connection after " +
                                               std::to_string(total) + " bytes of its reply");
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      int ready = wait_for(fd, POLLIN, deadline);
      if (ready == 0) {
        return make_error(Reason::Io, "no answer from the runtime on " + path + " within " + ms_text(timeout) +
                                          " (is the process stopped or hung? the runtime may still act on the "
                                          "request later)");
      }
      if (ready < 0) return make_error(Reason::Io, "poll on " + path + ": " + std::strerror(errno));
      continue;
    }
    return make_error(Reason::Io, "reading from " + path + " failed: " + std::strerror(errno));
  }
  return {};
}

}  // namespace

Result<Response> exchange(const std::string& socket_path, std::span<const uint8_t> request,
                          milliseconds timeout, milliseconds connect_timeout) {
  const auto start = Clock::now();
  const auto deadline = start + timeout;
  const auto connect_deadline = start + std::min(timeout, connect_timeout);

  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return make_error(Reason::Io, std::string("socket(AF_UNIX): ") + std::strerror(errno));
  if (auto connected = connect_socket(fd.get(), socket_path, connect_deadline, std::min(timeout, connect_timeout));
      !connected) {
    return connected.error();
  }
  if (auto sent = send_all(fd.get(), request, deadline, timeout, socket_path); !sent) return sent.error();

  std::vector<uint8_t> message(kHeaderSize);
  if (auto got = recv_exact(fd.get(), message, deadline, timeout, socket_path, 0); !got) return got.error();
  auto header = decode_header(message);
  if (!header) return header.error();
  message.resize(header->size);
  if (header->size > kHeaderSize) {
    std::span<uint8_t> rest(message.data() + kHeaderSize, message.size() - kHeaderSize);
    if (auto got = recv_exact(fd.get(), rest, deadline, timeout, socket_path, kHeaderSize); !got) {
      return got.error();
    }
  }
  return decode_response(message);
}

Result<uint32_t> attach_profiler(const std::string& socket_path, const AttachProfilerRequest& request,
                                 milliseconds timeout) {
  auto message = encode_attach_profiler(request);
  if (!message) return message.error();
  auto response = exchange(socket_path, *message, timeout);
  if (!response) return response.error();
  return response_hresult(*response);
}

Result<ProcessInfo> query_process_info(const std::string& socket_path, milliseconds timeout) {
  auto response = exchange(socket_path, encode_process_info(), timeout);
  if (!response) return response.error();
  if (response->is_error()) {
    auto hr = response_hresult(*response);
    if (!hr) return hr.error();
    return make_error(Reason::RuntimeError, "ProcessInfo failed: " + format_hresult(*hr));
  }
  if (!response->is_ok()) {
    auto hr = response_hresult(*response);  // names the unexpected command
    return hr.error();
  }
  return parse_process_info(response->payload);
}

}  // namespace clrprobe::diagnostics
