#include "cli/monitor_view.h"

#include <cmath>

#include <fmt/format.h>

#include "cli/report_table.h"
#include "cli/text_table.h"

namespace clrprobe::cli {

MonitorSample take_sample(std::vector<figures::ProbeEntry> probes, const stats::StatsReader* reader) {
  MonitorSample sample;
  sample.taken = std::chrono::steady_clock::now();
  for (const auto& probe : probes) sample.figures[probe.id] = figures::probe_figures(probe, reader);
  sample.probes = std::move(probes);
  return sample;
}

std::string format_rate(double per_second) {
  if (!std::isfinite(per_second) || per_second < 0) return "-";
  if (per_second < 9.95) return fmt::format("{:.1f}", per_second);
  return format_count(static_cast<uint64_t>(std::llround(per_second)));
}

std::string render_monitor_table(const MonitorSample* previous, const MonitorSample& current,
                                 const MonitorViewOptions& options) {
  TextTable table({{"ID", Align::Right},
                   {"STATE", Align::Left},
                   {"SELECTOR", Align::Left, true},
                   {"CALLS/S", Align::Right},
                   {"CALLS", Align::Right},
                   {"EXC", Align::Right},
                   {"CANC", Align::Right},
                   {"IN FLIGHT", Align::Right},
                   {"P50", Align::Right},
                   {"P90", Align::Right},
                   {"P99", Align::Right},
                   {"MAX", Align::Right}});
  const double seconds =
      previous == nullptr ? 0.0 : std::chrono::duration<double>(current.taken - previous->taken).count();
  for (const auto& probe : current.probes) {
    const figures::ProbeFigures& now = current.figures.at(probe.id);
    const figures::ProbeFigures* before = nullptr;
    if (previous != nullptr) {
      if (auto it = previous->figures.find(probe.id); it != previous->figures.end()) before = &it->second;
    }
    std::string rate = "-";
    if (before != nullptr && seconds > 0) {
      rate = format_rate(static_cast<double>(now.calls > before->calls ? now.calls - before->calls : 0) / seconds);
    }

    // Latency: of the interval, or cumulative.
    figures::ProbeFigures shown;
    bool have_latency = false;
    if (options.cumulative) {
      shown = now;
      have_latency = now.frozen_latency ? now.calls > 0 : now.completed > 0;
    } else if (before != nullptr) {
      shown = figures::interval_figures(*before, now);
      have_latency = shown.completed > 0;
    }
    std::vector<std::string> cells = {std::to_string(probe.id), probe.state, probe.selector, rate,
                                      format_count(now.calls), format_count(now.exceptions),
                                      format_count(now.cancelled), format_count(now.in_flight)};
    const figures::LatencyNs latency = shown.latency();
    for (double v : {latency.p50, latency.p90, latency.p99, latency.max}) {
      cells.push_back(have_latency ? format_duration_ns(v) : "-");
    }
    table.add_row(std::move(cells));
  }
  if (current.probes.empty()) return "no probes (add one with `clrprobe add`)\n";
  return table.render(options.max_width);
}

}  // namespace clrprobe::cli
