#include "cli/clean_command.h"

#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/console.h"
#include "cli/exit_codes.h"
#include "cli/runtime_files.h"
#include "cli/stale_files.h"

namespace clrprobe::cli {

int clean_command(const CleanOptions& options) {
  auto retention = retention_setting(options.older_than);
  if (!retention) {
    complain("clean: {}", retention.error().message);
    return kExitUsage;
  }
  CleanupPolicy policy;
  policy.retention = *retention;
  policy.dry_run = options.dry_run;

  CleanupReport total;
  const std::vector<std::string> dirs = runtime_dirs_to_scan();
  for (const std::string& dir : dirs) {
    CleanupReport r = remove_stale_files(dir, policy);
    total.removed.insert(total.removed.end(), r.removed.begin(), r.removed.end());
    total.pids.insert(total.pids.end(), r.pids.begin(), r.pids.end());
    total.kept_pids.insert(total.kept_pids.end(), r.kept_pids.begin(), r.kept_pids.end());
    total.problems.insert(total.problems.end(), r.problems.begin(), r.problems.end());
  }
  for (const std::string& problem : total.problems) complain("warning: {}", problem);

  const std::size_t pids = std::set<pid_t>(total.pids.begin(), total.pids.end()).size();
  const std::size_t kept = std::set<pid_t>(total.kept_pids.begin(), total.kept_pids.end()).size();
  if (options.json) {
    nlohmann::json out = {{"retention_seconds", retention->count()},
                          {"dry_run", options.dry_run},
                          {"runtime_dirs", dirs},
                          {"removed", total.removed},
                          {"kept_pids", total.kept_pids}};
    fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return kExitOk;
  }
  fmt::print("{} {} file{} of {} exited process{}; kept the figures of {} exited process{} younger than {} s\n",
             options.dry_run ? "would remove" : "removed", total.removed.size(), total.removed.size() == 1 ? "" : "s",
             pids, pids == 1 ? "" : "es", kept, kept == 1 ? "" : "es", retention->count());
  return kExitOk;
}

}  // namespace clrprobe::cli
