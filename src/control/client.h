// The CLI side of the control protocol. Blocking calls with deadlines; no
// threads, no signals (sends use MSG_NOSIGNAL).
#pragma once

#include "common/result.h"
#include "control/unique_fd.h"

#include <sys/types.h>

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

namespace clrprobe::control {

inline constexpr std::chrono::milliseconds kDefaultConnectTimeout{5000};
inline constexpr std::chrono::milliseconds kDefaultResponseTimeout{30000};

class ControlClient {
 public:
  // NotFound if nothing exists at the path; Io for a stale socket (connection
  // refused), permission denied, or a full queue until `timeout`.
  static Result<ControlClient> connect(const std::string& socket_path,
                                       std::chrono::milliseconds timeout = kDefaultConnectTimeout);

  // Sends one request and returns the agent's {"ok": true, ...} response.
  // {"ok": false} comes back as an Error (reason_from_wire(reason), the
  // agent's message); transport failures and timeouts as Io; a reply that is
  // not a valid frame/object as InvalidInput ("malformed response ...").
  // One request per connection: a second call fails.
  Result<nlohmann::json> request(const nlohmann::json& req,
                                 std::chrono::milliseconds timeout = kDefaultResponseTimeout);

  // Like request(), but returns any well-formed response as is, including
  // {"ok": false, ...}, for callers that want the exact wire reason.
  Result<nlohmann::json> exchange(const nlohmann::json& req,
                                  std::chrono::milliseconds timeout = kDefaultResponseTimeout);

  const std::string& socket_path() const { return socket_path_; }

 private:
  ControlClient(UniqueFd fd, std::string socket_path) : fd_(std::move(fd)), socket_path_(std::move(socket_path)) {}

  UniqueFd fd_;
  std::string socket_path_;
};

// <locate_runtime_dir(owner of /proc/<pid>, pid)>/<pid>.sock. The owner of
// /proc/<pid> is the process's effective uid (root if it made itself
// non-dumpable). NotFound "no process with pid N" if there is none.
Result<std::string> agent_socket_path(pid_t pid);

// Finds process `pid`'s agent and sends it `req` (ControlClient::request).
// Errors name the process: "no process with pid N", "process N has no
// clrprobe agent loaded (no socket at PATH)", stale socket, permission
// denied, timeout, malformed response, or the agent's own error.
Result<nlohmann::json> send_request(pid_t pid, const nlohmann::json& req,
                                    std::chrono::milliseconds timeout = kDefaultResponseTimeout);

// send_request to the agent listening at `socket_path` (e.g. inside a
// container, reached through /proc/<pid>/root); `who` names the process in
// errors ("process 4242").
Result<nlohmann::json> send_request_at(const std::string& socket_path, const std::string& who,
                                       const nlohmann::json& req,
                                       std::chrono::milliseconds timeout = kDefaultResponseTimeout);

}  // namespace clrprobe::control
