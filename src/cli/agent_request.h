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

namespace clrprobe::cli {

// The response (ok:true) or an Error whose message is ready to print.
Result<nlohmann::json> request_agent(pid_t pid, const nlohmann::json& request);

// A process whose agent passed the checks below, and its control socket.
struct LocatedAgent {
  ProcessView view;
  std::string socket;
};

// The checks: NotFound for a missing process, Unsupported when it has no
// live agent (no control socket, or the files are an earlier process's).
Result<LocatedAgent> locate_agent_socket(pid_t pid);
Status check_agent(pid_t pid);

// request_agent to an agent located already (one look at /proc, not two, for
// a command that checks before it asks).
Result<nlohmann::json> request_agent(const LocatedAgent& agent, const nlohmann::json& request);

// The response without the transport's "ok" member (what --json prints).
nlohmann::json without_ok(nlohmann::json response);

}  // namespace clrprobe::cli
