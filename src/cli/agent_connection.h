// Connecting to the agent of a process, as a user the agent accepts. The
// agent checks SO_PEERCRED (src/control/peer.h): its own uid or root, as seen
// in ITS user namespace. Host root is "nobody" inside a container with its
// own user namespace, so there a root CLI connects with the process's uid
// (this thread's credentials only, for the connect call).
#pragma once

#include <chrono>
#include <string>

#include "cli/process_view.h"
#include "common/result.h"
#include "control/client.h"

namespace clrprobe::cli {

Result<control::ControlClient> connect_as_process(const ProcessView& view, const std::string& socket_path,
                                                  std::chrono::milliseconds timeout = control::kDefaultConnectTimeout);

}  // namespace clrprobe::cli
