// Talks to a runtime's diagnostics server over its Unix domain socket: one
// request and one response per connection (the protocol's "flow"). Every
// step has a deadline; nothing here can hang, block on signals (sends use
// MSG_NOSIGNAL) or leak a descriptor.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "common/result.h"
#include "diagnostics/ipc_protocol.h"

namespace clrprobe::diagnostics {

inline constexpr std::chrono::milliseconds kDefaultConnectTimeout{3000};

// Connects, sends `request` (a whole message), reads one whole response.
// The connect gets at most `connect_timeout` (within `timeout`); the whole
// exchange at most `timeout`. Errors (all ready to print):
//   NotFound      no socket at the path
//   Io            connection refused (stale socket), permission denied,
//                 timeout, the server closed the connection early
//   InvalidInput  / Truncated: a reply that is not a valid message
Result<Response> exchange(const std::string& socket_path, std::span<const uint8_t> request,
                          std::chrono::milliseconds timeout,
                          std::chrono::milliseconds connect_timeout = kDefaultConnectTimeout);

// Sends AttachProfiler and returns the HRESULT the runtime answered (0 on
// success; a failure HRESULT is a value here, not an Error: see
// describe_attach_failure). The runtime answers only after the profiler's
// InitializeForAttach returned, so `timeout` must cover that.
Result<uint32_t> attach_profiler(const std::string& socket_path, const AttachProfilerRequest& request,
                                 std::chrono::milliseconds timeout);

// Sends ProcessInfo; the runtime's answer, or an Error (an error reply is
// RuntimeError naming its HRESULT).
Result<ProcessInfo> query_process_info(const std::string& socket_path, std::chrono::milliseconds timeout);

}  // namespace clrprobe::diagnostics
