#include "cli/agent_request.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "cli/agent_connection.h"
#include "cli/attach.h"
#include "cli/process_info.h"
#include "cli/process_view.h"
#include "cli/runtime_files.h"
#include "stats/stats_reader.h"

namespace clrprobe::cli {
namespace {

// A socket left by an earlier process with the same pid: its stats region
// names the pid but another start time than the running process's.
bool socket_of_earlier_process(const ProcessView& view, const RuntimePaths& paths) {
  auto reader = stats::StatsReader::open(paths.stats);
  return reader && reader->info().pid == view.ns_pid && reader->info().process_start_jiffies != 0 &&
         !reader->writer_alive_as(view.pid);
}

}  // namespace

Result<LocatedAgent> locate_agent_socket(pid_t pid) {
  auto view = view_process(pid);
  if (!view) return view.error();
  if (Status ok = check_may_reach(*view); !ok) return ok.error();
  const std::string who = view->describe();
  const RuntimePaths paths = agent_runtime_paths(*view);
  const std::string no_agent = who + " has no clrprobe agent loaded (no control socket " + paths.socket +
                               "); `clrprobe attach -p " + std::to_string(pid) +
                               "` loads one, or start it with `clrprobe run`";
  struct stat st {};
  if (::lstat(paths.socket.c_str(), &st) != 0) {
    if (errno == EACCES) {
      return make_error(Reason::Io, "permission denied: cannot look for " + who + "'s agent socket " + paths.socket +
                                        " (run clrprobe as uid " + std::to_string(view->euid) + " or root)");
    }
    if (errno != ENOENT) return make_error(Reason::Io, "cannot stat " + paths.socket + ": " + std::strerror(errno));
    // The agent may be loaded with its socket gone (runtime directory removed, or another
    // CLRPROBE_RUNTIME_DIR): say so rather than "no agent".
    if (auto maps = mapped_libraries(pid); maps && maps->agent) {
      return make_error(Reason::Unsupported,
                        who + " has the clrprobe agent loaded, but its control socket " + paths.socket +
                            " is missing (was the runtime directory removed, or does the process use another "
                            "CLRPROBE_RUNTIME_DIR?); live commands cannot reach it");
    }
    return make_error(Reason::Unsupported, no_agent);
  }
  if (!S_ISSOCK(st.st_mode)) return make_error(Reason::Io, paths.socket + " is not a socket");
  // Connecting is the check for a live agent: opening the stats region first
  // (a large mapping) and reading /proc/<pid>/stat cost every live command
  // time, while only a failed connect can mean an earlier process's socket.
  auto client = connect_as_process(*view, paths.socket);
  if (!client) {
    if (socket_of_earlier_process(*view, paths)) return make_error(Reason::Unsupported, no_agent);
    return make_error(client.error().reason, who + ": " + client.error().message);
  }
  return LocatedAgent{std::move(*view), paths.socket, std::move(*client)};
}

Result<nlohmann::json> request_agent(LocatedAgent& agent, const nlohmann::json& request) {
  return agent.client.request(request);
}

Result<nlohmann::json> request_agent(pid_t pid, const nlohmann::json& request) {
  auto located = locate_agent_socket(pid);
  if (!located) return located.error();
  return request_agent(*located, request);
}

nlohmann::json without_ok(nlohmann::json response) {
  if (response.is_object()) response.erase("ok");
  return response;
}

}  // namespace clrprobe::cli
