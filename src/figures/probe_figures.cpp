#include "figures/probe_figures.h"

#include <algorithm>
#include <unordered_set>

namespace clrprobe::figures {
namespace {

uint64_t minus(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

double ticks_to_ns(uint64_t ticks, double ticks_per_ns) {
  return ticks_per_ns > 0 ? static_cast<double>(ticks) / ticks_per_ns : static_cast<double>(ticks);
}

}  // namespace

LatencyNs ProbeFigures::latency() const {
  if (frozen_latency) return *frozen_latency;
  LatencyNs out;
  if (histogram.total() == 0) return out;
  out.p50 = ticks_to_ns(histogram.percentile(50.0, max_ticks), ticks_per_ns);
  out.p90 = ticks_to_ns(histogram.percentile(90.0, max_ticks), ticks_per_ns);
  out.p99 = ticks_to_ns(histogram.percentile(99.0, max_ticks), ticks_per_ns);
  out.max = ticks_to_ns(max_ticks, ticks_per_ns);
  return out;
}

ProbeFigures probe_figures(const ProbeEntry& probe, const stats::StatsReader* reader) {
  ProbeFigures total;
  if (reader != nullptr) total.ticks_per_ns = reader->info().ticks_per_ns;
  if (probe.frozen() && probe.final_figures) {
    total.calls = probe.final_figures->calls;
    total.exceptions = probe.final_figures->exceptions;
    total.cancelled = probe.final_figures->cancelled;
    total.in_flight = probe.final_figures->in_flight;
    total.frozen_latency = probe.final_figures->latency;
    return total;
  }
  if (reader == nullptr) return total;
  std::unordered_set<int32_t> seen;
  for (const MethodRef& method : probe.methods) {
    if (method.slot < 0 || !seen.insert(method.slot).second) continue;
    auto snapshot = reader->snapshot(method.slot);
    if (!snapshot) continue;  // outside the region: nothing to count
    total.calls += minus(snapshot->calls, method.baseline_calls);
    total.exceptions += minus(snapshot->exceptions, method.baseline_exceptions);
    total.cancelled += minus(snapshot->cancelled, method.baseline_cancelled);
    // Pending now, whoever started it; a count-only slot records no
    // completions, so calls - completed is not in flight there.
    if (method.timed) total.in_flight += snapshot->in_flight();
    total.histogram.merge(snapshot->histogram);
    total.max_ticks = std::max(total.max_ticks, snapshot->max_ticks);
  }
  total.completed = total.histogram.total();
  return total;
}

ProbeFigures interval_figures(const ProbeFigures& earlier, const ProbeFigures& later) {
  ProbeFigures delta;
  delta.ticks_per_ns = later.ticks_per_ns;
  delta.in_flight = later.in_flight;  // a gauge: its value at the interval's end
  if (later.frozen_latency) return delta;
  delta.calls = minus(later.calls, earlier.calls);
  delta.exceptions = minus(later.exceptions, earlier.exceptions);
  delta.cancelled = minus(later.cancelled, earlier.cancelled);
  const auto& now = later.histogram.counts();
  const auto& before = earlier.histogram.counts();
  uint32_t top = stats::kBucketCount;  // highest non-empty bucket of the interval
  for (uint32_t i = 0; i < stats::kBucketCount; ++i) {
    const uint64_t n = minus(now[i], before[i]);
    if (n == 0) continue;
    delta.histogram.add_bucket(i, n);
    top = i;
  }
  delta.completed = delta.histogram.total();
  if (delta.completed == 0) return delta;
  if (later.max_ticks > earlier.max_ticks) {
    delta.max_ticks = later.max_ticks;
  } else {
    delta.max_ticks = std::min(stats::bucket_midpoint(top), later.max_ticks);
  }
  return delta;
}

nlohmann::json probe_report_json(const ProbeEntry& probe, const ProbeFigures& figures) {
  nlohmann::json names = nlohmann::json::array();
  for (const MethodRef& m : probe.methods) names.push_back(m.name);
  nlohmann::json object = probe_object_json(probe);
  nlohmann::json entry = {{"id", probe.id},
                          {"selector", probe.selector},
                          {"state", probe.state},
                          {"methods", std::move(names)},
                          {"refused", std::move(object["refused"])}};
  if (!probe.note.empty()) entry["note"] = probe.note;
  for (const char* budget_field : {"ttl_ms", "max_overhead_pct", "expired_unix_ns", "suspended"}) {
    if (object.contains(budget_field)) entry[budget_field] = std::move(object[budget_field]);
  }
  entry["method_details"] = std::move(object["methods"]);
  const LatencyNs latency = figures.latency();
  entry["calls"] = figures.calls;
  entry["exceptions"] = figures.exceptions;
  entry["cancelled"] = figures.cancelled;
  entry["in_flight"] = figures.in_flight;
  // Calls with a latency (all finished calls of a full probe; the sample of a sampled one).
  if (!figures.frozen_latency) entry["timed_calls"] = figures.completed;
  entry["latency_ns"] = {{"p50", latency.p50}, {"p90", latency.p90}, {"p99", latency.p99}, {"max", latency.max}};
  return entry;
}

namespace {

nlohmann::json figures_json(const ProbeFigures& figures) {
  const LatencyNs latency = figures.latency();
  return {{"calls", figures.calls},
          {"exceptions", figures.exceptions},
          {"cancelled", figures.cancelled},
          {"in_flight", figures.in_flight},
          {"timed_calls", figures.completed},
          {"latency_ns", {{"p50", latency.p50}, {"p90", latency.p90}, {"p99", latency.p99}, {"max", latency.max}}}};
}

}  // namespace

void add_method_figures(const ProbeEntry& probe, const stats::StatsReader* reader, nlohmann::json* details) {
  if (reader == nullptr || probe.frozen() || !details->is_array()) return;
  for (std::size_t i = 0; i < probe.methods.size() && i < details->size(); ++i) {
    const MethodRef& method = probe.methods[i];
    nlohmann::json& entry = (*details)[i];
    if (method.slot < 0 || !entry.is_object()) continue;
    ProbeEntry one;
    one.methods = {method};
    entry["figures"] = figures_json(probe_figures(one, reader));
  }
}

nlohmann::json report_json(int32_t pid, const ProbesFile& file, const stats::StatsReader* reader) {
  nlohmann::json probes = nlohmann::json::array();
  for (const ProbeEntry& probe : file.probes) {
    nlohmann::json entry = probe_report_json(probe, probe_figures(probe, reader));
    add_method_figures(probe, reader, &entry["method_details"]);
    probes.push_back(std::move(entry));
  }
  return {{"pid", pid}, {"probes", std::move(probes)}};
}

}  // namespace clrprobe::figures
