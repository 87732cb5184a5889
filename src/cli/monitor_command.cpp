#include "cli/monitor_command.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

uint64_t unix_now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// One refresh as one JSON object (a line of NDJSON).
nlohmann::json refresh_json(const MonitorOptions& options, const MonitorSample& previous, const MonitorSample& current,
                            const MethodFiguresMap& methods_before, const MethodFiguresMap& methods_now, bool running) {
  const double seconds = std::chrono::duration<double>(current.taken - previous.taken).count();
  nlohmann::json probes = nlohmann::json::array();
  for (const auto& probe : current.probes) {
    const figures::ProbeFigures& now = current.figures.at(probe.id);
    auto before = previous.figures.find(probe.id);
    nlohmann::json entry = {{"id", probe.id},
                            {"selector", probe.selector},
                            {"state", probe.state},
                            {"calls", now.calls},
                            {"exceptions", now.exceptions},
                            {"cancelled", now.cancelled},
                            {"in_flight", now.in_flight}};
    figures::ProbeFigures shown = now;
    if (before != previous.figures.end() && seconds > 0) {
      entry["calls_per_second"] =
          static_cast<double>(now.calls > before->second.calls ? now.calls - before->second.calls : 0) / seconds;
      if (!options.cumulative) shown = figures::interval_figures(before->second, now);
    } else {
      entry["calls_per_second"] = nullptr;
      if (!options.cumulative) shown = figures::ProbeFigures{};
    }
    const bool has_latency = shown.frozen_latency ? shown.calls > 0 : shown.completed > 0;
    const figures::LatencyNs l = shown.latency();
    entry["latency_ns"] = has_latency ? nlohmann::json{{"p50", l.p50}, {"p90", l.p90}, {"p99", l.p99}, {"max", l.max}}
                                      : nlohmann::json(nullptr);
    probes.push_back(std::move(entry));
  }
  nlohmann::json out = {{"time_unix_ns", unix_now_ns()},
                        {"pid", options.pid},
                        {"running", running},
                        {"interval_seconds", seconds},
                        {"cumulative", options.cumulative},
                        {"probes", std::move(probes)}};
  if (options.per_method.by_method) {
    const MethodSort sort = parse_method_sort(options.per_method.sort).value_or(MethodSort::Total);
    out["methods"] = method_rows_json(method_rows(current.probes, methods_now, &methods_before, seconds,
                                                  options.cumulative, sort, options.per_method.top));
  }
  return out;
}

void print_line(const nlohmann::json& object) {
  const std::string line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
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

  // --json: lines for scripts, never the terminal's redrawing.
  TerminalSession terminal(!options.json && stdout_is_terminal());
  MonitorSample previous = take_sample(probes->probes, source->region());
  MethodFiguresMap methods_before = method_figures(probes->probes, source->region());
  const MethodSort sort = parse_method_sort(options.per_method.sort).value_or(MethodSort::Total);
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
    MethodFiguresMap methods_now = method_figures(probes->probes, source->region());
    if (options.json) {
      print_line(refresh_json(options, previous, current, methods_before, methods_now, true));
    } else {
      MonitorViewOptions view;
      view.cumulative = options.cumulative;
      view.max_width = terminal.interactive() ? terminal_columns() : 0;
      std::string body;
      if (options.per_method.by_method) {
        const double seconds = std::chrono::duration<double>(current.taken - previous.taken).count();
        body = render_method_table(method_rows(current.probes, methods_now, &methods_before, seconds,
                                               options.cumulative, sort, options.per_method.top),
                                   true, view.max_width);
      } else {
        body = render_monitor_table(&previous, current, view);
      }
      terminal.draw(heading(options, command, terminal.interactive()) + "\n" + body);
    }
    previous = std::move(current);
    methods_before = std::move(methods_now);
  }
  terminal.finish();

  if (exited && options.json) {
    if (auto fresh = read_probes(*source)) probes = std::move(fresh);
    MonitorSample last = take_sample(probes->probes, source->region());
    MethodFiguresMap methods_last = method_figures(probes->probes, source->region());
    print_line(refresh_json(options, previous, last, methods_before, methods_last, false));
    return kExitOk;
  }
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
