// Maps control requests (docs/PROTOCOL.md) to probe operations. Runs on the
// control server's thread, never inside a runtime callback.
#pragma once

#include <nlohmann/json.hpp>

#include "agent/probe_service.h"
#include "control/messages.h"

namespace clrprobe::agent {

nlohmann::json handle_control_request(ProbeService& service, const control::Request& request);

}  // namespace clrprobe::agent
