#include "control/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "common/runtime_paths.h"
#include "control/frame.h"
#include "control/messages.h"
#include "control/socket_io.h"

namespace clrprobe::control {
namespace {

using std::chrono::milliseconds;

std::string ms_text(milliseconds timeout) { return std::to_string(timeout.count()) + " ms"; }

Error connect_error(int err, const std::string& path, milliseconds timeout) {
  switch (err) {
    case ENOENT:
      return make_error(Reason::NotFound, "no socket at " + path);
    case ECONNREFUSED:
      return make_error(Reason::Io, "connection refused at " + path +
                                        ": stale socket, no agent is listening (the process exited or its "
                                        "agent stopped)");
    case EACCES:
    case EPERM:
      return make_error(Reason::Io, "permission denied connecting to " + path +
                                        ": the agent belongs to another user (run as that user or root)");
    case EAGAIN:
    case ETIMEDOUT:
      return make_error(Reason::Io, "timed out after " + ms_text(timeout) + " connecting to " + path +
                                        " (the agent is not accepting connections)");
    default:
      return make_error(Reason::Io, "cannot connect to " + path + ": " + std::strerror(err));
  }
}

// Result of one non-blocking connect attempt: 0 or an errno.
int try_connect(int fd, const sockaddr_un& addr, Deadline deadline) {
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  // Not what AF_UNIX does today (a full queue gives EAGAIN), but legal.
  pollfd p{fd, POLLOUT, 0};
  int n;
  while ((n = ::poll(&p, 1, remaining_ms(deadline))) < 0 && errno == EINTR) {
  }
  if (n == 0) return ETIMEDOUT;
  if (n < 0) return errno;
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

}  // namespace

Result<ControlClient> ControlClient::connect(const std::string& socket_path, milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof addr.sun_path) {
    return make_error(Reason::InvalidInput, "socket path \"" + socket_path + "\" is empty or longer than " +
                                                std::to_string(sizeof addr.sun_path - 1) + " bytes");
  }
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());

  const Deadline deadline = Clock::now() + timeout;
  for (;;) {
    // A fresh socket per attempt: after a failed connect its state is not
    // worth reasoning about.
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) return make_error(Reason::Io, std::string("socket(AF_UNIX): ") + std::strerror(errno));
    const int err = try_connect(fd.get(), addr, deadline);
    if (err == 0) return ControlClient(std::move(fd), socket_path);
    // EAGAIN: the agent's listen queue is full; it drains as it serves.
    if ((err == EAGAIN || err == EINTR) && remaining_ms(deadline) > 0) {
      std::this_thread::sleep_for(std::min(milliseconds(10), milliseconds(remaining_ms(deadline))));
      continue;
    }
    return connect_error(err, socket_path, timeout);
  }
}

Result<nlohmann::json> ControlClient::exchange(const nlohmann::json& req, milliseconds timeout) {
  if (!fd_.valid()) {
    return make_error(Reason::Unsupported, "this connection was already used: one request per connection");
  }
  const UniqueFd fd = std::move(fd_);
  auto frame = encode_json_frame(req, kMaxRequestPayload);
  if (!frame) return make_error(Reason::InvalidInput, "request too large: " + frame.error().message);

  const Deadline deadline = Clock::now() + timeout;
  IoResult sent = write_all(fd.get(), *frame, deadline);
  if (sent.status == IoStatus::Timeout) {
    return make_error(Reason::Io, "timed out after " + ms_text(timeout) + " sending the request to " + socket_path_);
  }
  // PeerClosed is not final: an agent that rejects a request early (bad
  // header, wrong uid) replies first and hangs up; its reply is still queued.
  if (!sent.ok() && sent.status != IoStatus::PeerClosed) {
    return make_error(Reason::Io, "sending the request to " + socket_path_ + " failed: " + sent.message);
  }

  std::vector<uint8_t> payload;
  IoResult got = read_frame(fd.get(), kMaxResponsePayload, deadline, payload);
  switch (got.status) {
    case IoStatus::Ok:
      break;
    case IoStatus::Timeout:
      return make_error(Reason::Io, "timed out after " + ms_text(timeout) + " waiting for the agent's response on " +
                                        socket_path_);
    case IoStatus::PeerClosed:
      return make_error(Reason::Io, "the agent closed the connection without a response (" + socket_path_ + ")");
    case IoStatus::BadFrame:
      return make_error(Reason::InvalidInput, "malformed response from agent: " + got.message);
    case IoStatus::Stopped:
    case IoStatus::Failed:
      return make_error(Reason::Io, "reading the response from " + socket_path_ + " failed: " + got.message);
  }
  auto response = parse_response_payload(payload);
  if (!response) return make_error(Reason::InvalidInput, "malformed response from agent: " + response.error().message);
  return std::move(response).value();
}

Result<nlohmann::json> ControlClient::request(const nlohmann::json& req, milliseconds timeout) {
  auto response = exchange(req, timeout);
  if (!response) return response.error();
  return interpret_response(std::move(response).value());
}

Result<std::string> agent_socket_path(pid_t pid) {
  if (pid <= 0) return make_error(Reason::InvalidInput, "invalid pid " + std::to_string(pid));
  const std::string proc = "/proc/" + std::to_string(pid);
  struct stat st {};
  if (::stat(proc.c_str(), &st) != 0) {
    if (errno == ENOENT) return make_error(Reason::NotFound, "no process with pid " + std::to_string(pid));
    return make_error(Reason::Io, "cannot stat " + proc + ": " + std::strerror(errno));
  }
  return locate_runtime_dir(st.st_uid, pid) + "/" + socket_file_name(pid);
}

Result<nlohmann::json> send_request(pid_t pid, const nlohmann::json& req, milliseconds timeout) {
  auto path = agent_socket_path(pid);
  if (!path) return path.error();
  return send_request_at(*path, "process " + std::to_string(pid), req, timeout);
}

Result<nlohmann::json> send_request_at(const std::string& path, const std::string& who, const nlohmann::json& req,
                                       milliseconds timeout) {
  // Look before connecting, to tell "no agent" from "not allowed to look".
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return make_error(Reason::NotFound, who + " has no clrprobe agent loaded (no socket at " + path + ")");
    }
    if (errno == EACCES) {
      return make_error(Reason::Io, "permission denied: cannot look for " + who + "'s agent socket " + path +
                                        " (run clrprobe as the process's user or root)");
    }
    return make_error(Reason::Io, "cannot stat " + path + ": " + std::strerror(errno));
  }
  if (!S_ISSOCK(st.st_mode)) return make_error(Reason::Io, path + " is not a socket");

  auto client = ControlClient::connect(path);
  if (!client) return make_error(client.error().reason, who + ": " + client.error().message);
  return client->request(req, timeout);
}

}  // namespace clrprobe::control
