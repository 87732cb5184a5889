// One request to the agent of a process, with the checks that turn the
// usual mistakes into clear messages before anything is sent:
//   no such process          -> "no process with pid N"
//   process without agent    -> "process N has no clrprobe agent loaded; ..."
// then control::send_request (src/control/client.h); its errors (the agent's
// reason and message) are passed through.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace clrprobe::cli {

// The response (ok:true) or an Error whose message is ready to print.
Result<nlohmann::json> request_agent(pid_t pid, const nlohmann::json& request);

// The checks alone: NotFound for a missing process, Unsupported when it has
// no live agent (no control socket, or the files are an earlier process's).
Status check_agent(pid_t pid);

// The response without the transport's "ok" member (what --json prints).
nlohmann::json without_ok(nlohmann::json response);

}  // namespace clrprobe::cli
