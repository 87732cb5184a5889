#include "cli/method_rows.h"

#include <algorithm>
#include <set>

#include "cli/monitor_view.h"
#include "cli/report_table.h"
#include "cli/text_table.h"

namespace clrprobe::cli {

std::optional<MethodSort> parse_method_sort(const std::string& text) {
  if (text == "total") return MethodSort::Total;
  if (text == "calls") return MethodSort::Calls;
  if (text == "p99") return MethodSort::P99;
  return std::nullopt;
}

MethodFiguresMap method_figures(const std::vector<figures::ProbeEntry>& probes, const stats::StatsReader* reader) {
  MethodFiguresMap out;
  for (const figures::ProbeEntry& probe : probes) {
    for (const figures::MethodRef& method : probe.methods) {
      if (method.slot < 0 || out.count({probe.id, method.slot}) != 0) continue;
      figures::ProbeEntry one;
      one.id = probe.id;
      one.state = probe.state;
      one.methods = {method};
      // A removed probe's per-method figures are the slots as they are (the
      // frozen finals are per probe).
      if (one.frozen()) one.state = "active";
      out[{probe.id, method.slot}] = figures::probe_figures(one, reader);
    }
  }
  return out;
}

double histogram_total_ns(const figures::ProbeFigures& figures) {
  const auto& counts = figures.histogram.counts();
  double ticks = 0;
  for (uint32_t i = 0; i < counts.size(); ++i) {
    if (counts[i] != 0) ticks += static_cast<double>(counts[i]) * static_cast<double>(stats::bucket_midpoint(i));
  }
  return figures.ticks_per_ns > 0 ? ticks / figures.ticks_per_ns : ticks;
}

std::vector<MethodRow> method_rows(const std::vector<figures::ProbeEntry>& probes, const MethodFiguresMap& now,
                                   const MethodFiguresMap* before, double seconds, bool cumulative, MethodSort sort,
                                   std::optional<int> top) {
  std::vector<MethodRow> rows;
  for (const figures::ProbeEntry& probe : probes) {
    std::set<int32_t> seen;
    for (const figures::MethodRef& method : probe.methods) {
      if (method.slot < 0 || !seen.insert(method.slot).second) continue;
      auto it = now.find({probe.id, method.slot});
      if (it == now.end()) continue;
      const figures::ProbeFigures& cur = it->second;
      const figures::ProbeFigures* prev = nullptr;
      if (before != nullptr) {
        if (auto p = before->find({probe.id, method.slot}); p != before->end()) prev = &p->second;
      }
      MethodRow row;
      row.probe_id = probe.id;
      row.method = method.name;
      row.calls = cur.calls;
      row.exceptions = cur.exceptions;
      row.cancelled = cur.cancelled;
      figures::ProbeFigures shown = cur;
      if (prev != nullptr && seconds > 0) {
        row.calls_per_second = static_cast<double>(cur.calls > prev->calls ? cur.calls - prev->calls : 0) / seconds;
        if (!cumulative) shown = figures::interval_figures(*prev, cur);
      } else if (before != nullptr && !cumulative) {
        shown = figures::ProbeFigures{};  // a method new in this interval: nothing to compare yet
      }
      row.has_latency = shown.completed > 0;
      row.latency = shown.latency();
      row.total_ns = histogram_total_ns(shown);
      rows.push_back(std::move(row));
    }
  }
  auto key = [sort](const MethodRow& r) -> double {
    switch (sort) {
      case MethodSort::Calls:
        return static_cast<double>(r.calls);
      case MethodSort::P99:
        return r.has_latency ? r.latency.p99 : -1.0;
      case MethodSort::Total:
        return r.total_ns;
    }
    return 0;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const MethodRow& a, const MethodRow& b) { return key(a) > key(b); });
  if (top && *top >= 0 && rows.size() > static_cast<std::size_t>(*top)) rows.resize(static_cast<std::size_t>(*top));
  return rows;
}

nlohmann::json method_rows_json(const std::vector<MethodRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const MethodRow& r : rows) {
    nlohmann::json row = {{"probe_id", r.probe_id},     {"method", r.method},       {"calls", r.calls},
                          {"exceptions", r.exceptions}, {"cancelled", r.cancelled}, {"total_ns", r.total_ns}};
    if (r.calls_per_second) row["calls_per_second"] = *r.calls_per_second;
    if (r.has_latency) {
      row["latency_ns"] = {{"p50", r.latency.p50}, {"p99", r.latency.p99}, {"max", r.latency.max}};
    } else {
      row["latency_ns"] = nullptr;
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::string render_method_table(const std::vector<MethodRow>& rows, bool with_rate, std::size_t max_width) {
  if (rows.empty()) return "no instrumented methods\n";
  std::vector<Column> columns = {{"PROBE", Align::Right}, {"METHOD", Align::Left, true}};
  if (with_rate) columns.push_back({"CALLS/S", Align::Right});
  for (const char* name : {"CALLS", "EXC", "P50", "P99", "MAX", "TOTAL"}) columns.push_back({name, Align::Right});
  TextTable table(columns);
  for (const MethodRow& r : rows) {
    std::vector<std::string> cells = {std::to_string(r.probe_id), r.method};
    if (with_rate) cells.push_back(r.calls_per_second ? format_rate(*r.calls_per_second) : "-");
    cells.push_back(format_count(r.calls));
    cells.push_back(format_count(r.exceptions));
    for (double v : {r.latency.p50, r.latency.p99, r.latency.max}) {
      cells.push_back(r.has_latency ? format_duration_ns(v) : "-");
    }
    cells.push_back(r.has_latency ? format_duration_ns(r.total_ns) : "-");
    table.add_row(std::move(cells));
  }
  return table.render(max_width);
}

}  // namespace clrprobe::cli
