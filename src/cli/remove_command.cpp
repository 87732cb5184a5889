#include "cli/remove_command.h"

#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/agent_request.h"
#include "cli/console.h"
#include "cli/exit_codes.h"

namespace clrprobe::cli {

int remove_command(const RemoveOptions& options) {
  if (options.all == options.id.has_value()) {
    complain("remove: give either a probe ID or --all (usage: clrprobe remove -p PID (ID | --all))");
    return kExitUsage;
  }
  if (options.id && *options.id < 1) {
    complain("remove: probe ID must be a positive integer, not {}", *options.id);
    return kExitUsage;
  }
  nlohmann::json request = {{"op", "remove"}};
  if (options.all) {
    request["all"] = true;
  } else {
    request["id"] = *options.id;
  }
  if (options.revert) request["revert"] = true;
  auto response = request_agent(options.pid, request);
  if (!response) {
    complain("{}", response.error().message);
    return kExitFailure;
  }
  if (options.json) {
    fmt::print("{}\n", without_ok(std::move(*response)).dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return kExitOk;
  }
  std::vector<int64_t> removed;
  if (auto it = response->find("removed"); it != response->end() && it->is_array()) {
    for (const auto& id : *it) {
      if (id.is_number_integer()) removed.push_back(id.get<int64_t>());
    }
  }
  if (removed.empty()) {
    fmt::print("no probes to remove\n");
  } else {
    fmt::print("removed probe{} {}\n", removed.size() == 1 ? "" : "s", fmt::join(removed, ", "));
  }
  return kExitOk;
}

}  // namespace clrprobe::cli
