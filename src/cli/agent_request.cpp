#include "cli/agent_request.h"

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
  RuntimePaths paths = expected_runtime_paths(pid, info->euid);
  if (!path_exists(paths.socket)) return make_error(Reason::Unsupported, no_agent);
  // A socket left by an earlier process with the same pid.
  if (auto reader = stats::StatsReader::open(paths.stats);
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
