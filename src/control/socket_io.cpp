#include "control/socket_io.h"

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstring>

namespace clrprobe::control {
namespace {

IoResult failed(const char* what) {
  return {IoStatus::Failed, std::string(what) + ": " + std::strerror(errno)};
}

// Waits until `fd` has `events`, the deadline passes, or wake_fd fires.
// A hang-up or error on fd counts as ready: the next read/send reports it.
IoResult wait_for(int fd, short events, Deadline deadline, int wake_fd) {
  for (;;) {
    const int timeout = remaining_ms(deadline);
    if (timeout == 0) return {IoStatus::Timeout, "timed out"};
    // poll() ignores negative fds, so wake_fd = -1 needs no special case.
    std::array<pollfd, 2> fds{pollfd{fd, events, 0}, pollfd{wake_fd, POLLIN, 0}};
    const int n = ::poll(fds.data(), fds.size(), timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      return failed("poll");
    }
    if (n == 0) continue;  // re-check the deadline; rounding may leave a sliver
    if (fds[1].revents != 0) return {IoStatus::Stopped, "server stopping"};
    if (fds[0].revents != 0) return {};
  }
}

bool is_peer_gone(int err) { return err == EPIPE || err == ECONNRESET; }

}  // namespace

int remaining_ms(Deadline deadline) {
  const auto now = Clock::now();
  if (now >= deadline) return 0;
  // Round up so we never spin with a 0 ms poll before the deadline.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

IoResult write_all(int fd, std::span<const uint8_t> bytes, Deadline deadline, int wake_fd) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      IoResult waited = wait_for(fd, POLLOUT, deadline, wake_fd);
      if (!waited.ok()) return waited;
      continue;
    }
    if (n < 0 && is_peer_gone(errno)) return {IoStatus::PeerClosed, "peer closed the connection"};
    return failed("send");
  }
  return {};
}

IoResult read_frame(int fd, uint32_t max_payload, Deadline deadline, std::vector<uint8_t>& payload,
                    int wake_fd) {
  FrameDecoder decoder(max_payload);
  std::array<uint8_t, 4096> buffer;
  while (!decoder.complete()) {
    // Read no more than the frame still needs: bytes after it are not ours.
    const std::size_t want = std::min(buffer.size(), decoder.bytes_needed());
    const ssize_t n = ::recv(fd, buffer.data(), want, 0);
    if (n > 0) {
      auto used = decoder.feed(std::span<const uint8_t>(buffer.data(), static_cast<std::size_t>(n)));
      if (!used) return {IoStatus::BadFrame, used.error().message};
      continue;
    }
    if (n == 0) {
      return {IoStatus::PeerClosed, decoder.started() ? "peer closed the connection mid-frame"
                                                      : "peer closed the connection"};
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      IoResult waited = wait_for(fd, POLLIN, deadline, wake_fd);
      if (!waited.ok()) return waited;
      continue;
    }
    if (is_peer_gone(errno)) return {IoStatus::PeerClosed, "peer reset the connection"};
    return failed("recv");
  }
  const auto bytes = decoder.payload();
  payload.assign(bytes.begin(), bytes.end());
  return {};
}

}  // namespace clrprobe::control
