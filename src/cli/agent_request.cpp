#include "cli/agent_request.h"

#include <sys/stat.h>

#include <cerrno>

#include "cli/process_info.h"
#include "cli/runtime_files.h"
#include "control/client.h"
#include "stats/stats_reader.h"

namespace clrprobe::cli {

Status check_agent(pid_t pid) {
  auto info = read_process_info(pid);
  if (!info) return make_error(Reason::NotFound, "no process with pid " + std::to_string(pid));
  const std::string no_agent = "process " + std::to_string(pid) +
                               " has no clrprobe agent loaded; start it with `clrprobe run`";
  // The socket where the control client will look for it.
  auto socket = control::agent_socket_path(pid);
  if (!socket) return socket.error();
  struct stat st {};
  if (::lstat(socket->c_str(), &st) != 0 && errno == ENOENT) {
    // The agent may be loaded with its socket gone (runtime directory removed, or another
    // CLRPROBE_RUNTIME_DIR): say so rather than "no agent".
    if (auto maps = mapped_libraries(pid); maps && maps->agent) {
      return make_error(Reason::Unsupported,
                        "process " + std::to_string(pid) + " has the clrprobe agent loaded, but its control socket " +
                            *socket +
                            " is missing (was the runtime directory removed, or does the process use another "
                            "CLRPROBE_RUNTIME_DIR?); live commands cannot reach it");
    }
    return make_error(Reason::Unsupported, no_agent);
  }
  // A socket left by an earlier process with the same pid.
  const std::string dir = socket->substr(0, socket->rfind('/'));
  if (auto reader = stats::StatsReader::open(runtime_paths(dir, pid).stats);
      reader && reader->info().pid == pid && reader->info().process_start_jiffies != 0 &&
      reader->info().process_start_jiffies != info->start_jiffies) {
    return make_error(Reason::Unsupported, no_agent);
  }
  return {};
}

Result<nlohmann::json> request_agent(pid_t pid, const nlohmann::json& request) {
  if (Status checked = check_agent(pid); !checked) return checked.error();
  return control::send_request(pid, request);
}

nlohmann::json without_ok(nlohmann::json response) {
  if (response.is_object()) response.erase("ok");
  return response;
}

}  // namespace clrprobe::cli
