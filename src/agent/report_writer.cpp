#include "agent/report_writer.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "stats/stats_reader.h"
#include "stats/stats_region.h"

namespace clrprobe::agent {

namespace {

// Sums the figures of a probe's methods into one snapshot.
stats::SlotSnapshot merge_slots(const stats::StatsReader& reader, const std::vector<int32_t>& slots) {
  stats::SlotSnapshot total;
  total.ticks_per_ns = reader.info().ticks_per_ns;
  for (int32_t slot : slots) {
    auto snap = reader.snapshot(slot);
    if (!snap) continue;
    total.calls += snap->calls;
    total.exceptions += snap->exceptions;
    total.completed += snap->completed;
    total.histogram.merge(snap->histogram);
    total.max_ticks = std::max(total.max_ticks, snap->max_ticks);
    total.max_ns = std::max(total.max_ns, snap->max_ns);
  }
  return total;
}

}  // namespace

nlohmann::json build_report(const ProbeRegistry& registry, const stats::StatsRegion& region) {
  nlohmann::json report;
  report["pid"] = ::getpid();
  report["stats_file"] = region.path();
  report["probes"] = nlohmann::json::array();
  auto reader = stats::StatsReader::view(region.bytes());
  for (const auto& probe : registry.probes()) {
    nlohmann::json entry;
    entry["id"] = probe.id;
    entry["selector"] = probe.selector_text;
    entry["removed"] = probe.removed;
    nlohmann::json methods = nlohmann::json::array();
    for (const auto& key : probe.methods) {
      if (auto method = registry.method(key)) methods.push_back(method->display_name);
    }
    entry["methods"] = methods;
    nlohmann::json refused = nlohmann::json::array();
    for (const auto& r : probe.refused) refused.push_back({{"method", r.method}, {"reason", r.reason}});
    entry["refused"] = refused;

    stats::SlotSnapshot total;
    if (reader) total = merge_slots(*reader, registry.slots_of(probe));
    auto pct = stats::StatsReader::percentiles_ns(total, {50.0, 90.0, 99.0});
    entry["calls"] = total.calls;
    entry["exceptions"] = total.exceptions;
    entry["latency_ns"] = {{"p50", pct[0]}, {"p90", pct[1]}, {"p99", pct[2]}, {"max", total.max_ns}};
    report["probes"].push_back(std::move(entry));
  }
  return report;
}

Status write_report(const std::string& path, const ProbeRegistry& registry, const stats::StatsRegion& region) {
  std::string text = build_report(registry, region).dump(2) + "\n";
  std::string temporary = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    if (!out.flush()) return make_error(Reason::Io, "cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return make_error(Reason::Io, "cannot rename report into " + path);
  }
  return {};
}

}  // namespace clrprobe::agent
