// Direct access to an agent's control socket (docs/PROTOCOL.md), for the tests that send it
// what the CLI never would: garbage, bad frame headers, stalled requests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace clrprobe::itest {

// $CLRPROBE_RUNTIME_DIR if set and non-empty, else /tmp/clrprobe-<effective uid>.
// Where an agent puts its runtime directory by default, as seen under `root` ("" here,
// /proc/PID/root for another mount namespace): /dev/shm when that is a tmpfs, else /tmp
// (the documented rule, README "Environment"; stated here, not taken from src/).
std::string DefaultRuntimeBase(const std::string& root = "");
std::string AgentRuntimeDir();
std::string AgentSocketPath(pid_t pid, const std::string& runtime_dir);

// A frame: "CLPB", version (LE u16), flags (LE u16), length (LE u32), payload. `length`
// defaults to the payload's size.
std::string Frame(const std::string& payload, uint16_t version = 1, uint16_t flags = 0,
                  std::optional<uint32_t> length = std::nullopt);

// The JSON payload of `bytes` if they are exactly one well-formed frame, else nullopt
// with *error saying why.
std::optional<nlohmann::json> ParseFrame(const std::string& bytes, std::string* error);

// One client connection to a Unix socket. Writes never raise SIGPIPE.
class RawConnection {
 public:
  // Connects to path; on failure connected() is false and connect_errno() says why.
  explicit RawConnection(const std::string& path);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  int connect_errno() const { return connect_errno_; }

  // False when the peer no longer accepts data (it may have closed after an error reply).
  bool Send(const std::string& bytes);
  void ShutdownWrite();

  struct Reply {
    std::string bytes;       // everything received
    bool closed = false;     // the server closed the connection (EOF or reset)
    bool timed_out = false;  // still open when the timeout expired
  };
  // Reads until the server closes the connection or timeout expires.
  Reply ReadUntilClosed(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  int connect_errno_ = 0;
};

}  // namespace clrprobe::itest
