// One request to the agent of a process, with the checks that turn the
// usual mistakes into clear messages before anything is sent:
//   no such process          -> "no process with pid N"
//   process without agent    -> "process N has no clrprobe agent loaded; ..."
// then control::send_request (src/control/client.h); its errors (the agent's
// reason and message) are passed through.
#pragma once

#include <sys/types.h>

#include <string>

#include <nlohmann/json.hpp>

#include "cli/process_view.h"
#include "common/result.h"
#include "control/client.h"

namespace clrprobe::cli {

// The response (ok:true) or an Error whose message is ready to print.
Result<nlohmann::json> request_agent(pid_t pid, const nlohmann::json& request);

// A process whose agent passed the checks below, its control socket, and
// the connection made to it (one request).
struct LocatedAgent {
  ProcessView view;
  std::string socket;
  control::ControlClient client;
};

// The checks: NotFound for a missing process, Unsupported when it has no
// live agent (no control socket, or the socket is an earlier process's:
// told from the stats region's start time once connecting failed); a
// connection that fails otherwise is its error (Io).
Result<LocatedAgent> locate_agent_socket(pid_t pid);

// request_agent to an agent located already (one look at /proc, not two, for
// a command that checks before it asks).
Result<nlohmann::json> request_agent(LocatedAgent& agent, const nlohmann::json& request);

// The response without the transport's "ok" member (what --json prints).
nlohmann::json without_ok(nlohmann::json response);

}  // namespace clrprobe::cli
