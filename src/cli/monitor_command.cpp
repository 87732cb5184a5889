#include "cli/monitor_command.h"

#include <ctime>

#include <fmt/format.h>

#include "cli/console.h"
#include "cli/exit_codes.h"
#include "cli/monitor_view.h"
#include "cli/process_info.h"
#include "cli/report_table.h"
#include "cli/stats_command.h"
#include "cli/stats_source.h"
#include "cli/terminal_session.h"

namespace clrprobe::cli {
namespace {

std::string wall_clock_now() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof(text), "%H:%M:%S", &local);
  return text;
}

std::string heading(const MonitorOptions& options, const std::string& command, bool interactive) {
  std::string latency = options.cumulative ? "latency since attach" : "latency of the last interval";
  return fmt::format("clrprobe monitor  pid {}  {}\n{}  every {:g} s, {}{}\n", options.pid, command,
                     wall_clock_now(), options.interval_seconds, latency,
                     interactive ? "  (Ctrl-C to quit)" : "");
}

}  // namespace

int monitor_command(const MonitorOptions& options) {
  auto source = open_stats_source(options.pid);
  if (!source) {
    complain("{}", source.error().message);
    return kExitFailure;
  }
  if (!source->reader) {
    complain("{}", source->reader_problem);
    return kExitFailure;
  }
  if (!source->process_running()) {
    complain("process {} is not running; `clrprobe stats -p {}` shows its final figures", options.pid, options.pid);
    return kExitFailure;
  }
  auto probes = read_probes(*source);
  if (!probes) {
    complain("{}", probes.error().message);
    return kExitFailure;
  }
  std::string command = "?";
  if (auto info = read_process_info(options.pid)) command = process_display(*info);

  TerminalSession terminal(stdout_is_terminal());
  MonitorSample previous = take_sample(probes->probes, source->region());
  if (terminal.interactive()) {
    terminal.draw(heading(options, command, true) + "\nwaiting for the first interval...\n");
  }

  bool exited = false;
  for (int refreshes = 0; !options.count || refreshes < *options.count; ++refreshes) {
    if (!terminal.wait(options.interval_seconds)) break;
    if (!source->process_running()) {
      exited = true;
      break;
    }
    // The probes may change between refreshes (add/remove): re-read them;
    // keep the last good list if the file is being replaced right now.
    if (auto fresh = read_probes(*source)) probes = std::move(fresh);
    MonitorSample current = take_sample(probes->probes, source->region());
    MonitorViewOptions view;
    view.cumulative = options.cumulative;
    view.max_width = terminal.interactive() ? terminal_columns() : 0;
    terminal.draw(heading(options, command, terminal.interactive()) + "\n" +
                  render_monitor_table(&previous, current, view));
    previous = std::move(current);
  }
  terminal.finish();

  if (exited) {
    if (auto fresh = read_probes(*source)) probes = std::move(fresh);
    TableOptions table;
    table.state_column = true;
    table.max_width = output_width();
    table.heading = fmt::format("process {} exited; final figures:", options.pid);
    fmt::print("{}", format_report_table(stats_json(*source, *probes), table));
  }
  return kExitOk;
}

}  // namespace clrprobe::cli
