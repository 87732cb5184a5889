// Deadline-bounded I/O on a non-blocking stream socket, shared by the server
// and the client. Every wait is a poll() that also watches an optional wake
// fd, so the server's stop() interrupts a connection at once instead of
// waiting out a slow client. Sends use MSG_NOSIGNAL: a peer that went away
// yields EPIPE here, never SIGPIPE in the host process.
#pragma once

#include "control/frame.h"

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace clrprobe::control {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

enum class IoStatus {
  Ok,
  Timeout,     // deadline passed
  PeerClosed,  // EOF, EPIPE or ECONNRESET
  Stopped,     // the wake fd became readable
  BadFrame,    // the peer sent bytes that are not a valid frame header
  Failed,      // any other error (message says which)
};

struct IoResult {
  IoStatus status = IoStatus::Ok;
  std::string message;
  bool ok() const { return status == IoStatus::Ok; }
};

// Sends all of `bytes`.
IoResult write_all(int fd, std::span<const uint8_t> bytes, Deadline deadline, int wake_fd = -1);

// Reads exactly one frame (never more bytes than it) and stores its payload.
// BadFrame as soon as the header is known to be wrong, without reading the
// payload.
IoResult read_frame(int fd, uint32_t max_payload, Deadline deadline, std::vector<uint8_t>& payload,
                    int wake_fd = -1);

// Milliseconds until `deadline`, clamped to [0, INT_MAX] for poll().
int remaining_ms(Deadline deadline);

}  // namespace clrprobe::control
