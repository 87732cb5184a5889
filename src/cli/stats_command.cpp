#include "cli/stats_command.h"

#include <fmt/format.h>

#include "cli/console.h"
#include "cli/exit_codes.h"
#include "figures/probe_figures.h"
#include "cli/report_table.h"

namespace clrprobe::cli {

nlohmann::json stats_json(const StatsSource& source, const figures::ProbesFile& probes) {
  nlohmann::json report = figures::report_json(source.pid, probes, source.region());
  report["stats_file"] = source.paths.stats;
  report["running"] = source.process_running();
  return report;
}

int stats_command(const StatsOptions& options) {
  auto source = open_stats_source(options.pid);
  if (!source) {
    complain("{}", source.error().message);
    return kExitFailure;
  }
  auto probes = read_probes(*source);
  if (!probes) {
    complain("{}", probes.error().message);
    return kExitFailure;
  }
  if (!source->reader) {
    complain("warning: {}; figures are zero", source->reader_problem);
  } else if (source->reader->info().pid != source->ns_pid) {
    complain("warning: {} was written by pid {}", source->paths.stats, source->reader->info().pid);
  }

  if (options.per_method.by_method) {
    const MethodSort sort = parse_method_sort(options.per_method.sort).value_or(MethodSort::Total);
    const auto rows = method_rows(probes->probes, method_figures(probes->probes, source->region()), nullptr, 0, true,
                                  sort, options.per_method.top);
    const bool running = source->process_running();
    if (options.json) {
      nlohmann::json out = {{"pid", options.pid},
                            {"running", running},
                            {"sort", options.per_method.sort},
                            {"methods", method_rows_json(rows)}};
      fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
      return kExitOk;
    }
    fmt::print("clrprobe stats for pid {} ({}), per method, by {}:\n", options.pid, running ? "running" : "exited",
               options.per_method.sort == "total" ? "total time" : options.per_method.sort);
    fmt::print("{}", render_method_table(rows, false, output_width()));
    return kExitOk;
  }

  nlohmann::json report = stats_json(*source, *probes);
  if (options.json) {
    fmt::print("{}\n", report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return kExitOk;
  }
  TableOptions table;
  if (options.all_methods) table.max_methods.reset();
  table.state_column = true;
  table.max_width = output_width();
  const std::size_t n = probes->probes.size();
  table.heading = fmt::format("clrprobe stats for pid {} ({}): {} probe{}", options.pid,
                              report["running"].get<bool>() ? "running" : "exited", n, n == 1 ? "" : "s");
  fmt::print("{}", format_report_table(report, table));
  return kExitOk;
}

}  // namespace clrprobe::cli
