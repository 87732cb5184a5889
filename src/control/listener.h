// Creating the listening socket safely: private directory, stale socket
// removed, mode 0600 fixed before the name exists, and cleanup that removes
// only the socket we created.
#pragma once

#include "common/result.h"
#include "control/unique_fd.h"

#include <sys/types.h>

#include <string>

namespace clrprobe::control {

// Listen backlog: enough for a burst of CLI invocations (connections are
// served one at a time); a client finding it full retries until its timeout.
inline constexpr int kListenBacklog = 64;

struct Listener {
  UniqueFd fd;  // non-blocking, close-on-exec, listening
  // Identity of the socket file we bound, so cleanup never unlinks a socket
  // another server created at the same path after us.
  dev_t dev = 0;
  ino_t ino = 0;
};

Result<Listener> open_listener(const std::string& socket_path);

// Unlinks socket_path if it is still the file described by dev/ino.
void unlink_if_ours(const std::string& socket_path, dev_t dev, ino_t ino);

}  // namespace clrprobe::control
