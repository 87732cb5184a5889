#include "cli/report_command.h"

#include <cstdio>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "cli/report_table.h"

namespace clrprobe::cli {

int report_command(const ReportOptions& options) {
  auto report = load_report(options.path);
  if (!report) {
    fmt::print(stderr, "clrprobe: {}\n", report.error().message);
    return kExitFailure;
  }
  if (options.json) {
    fmt::print("{}\n", report->dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return kExitOk;
  }
  TableOptions table_options;
  if (options.all_methods) table_options.max_methods.reset();
  fmt::print("{}", format_report_table(*report, table_options));
  return kExitOk;
}

}  // namespace clrprobe::cli
