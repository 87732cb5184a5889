#include "agent/report_writer.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "agent/probe_json.h"
#include "figures/probe_figures.h"
#include "figures/probes_file.h"
#include "stats/stats_reader.h"
#include "stats/stats_region.h"

namespace clrprobe::agent {

nlohmann::json build_report(const ProbeRegistry& registry, const stats::StatsRegion& region) {
  nlohmann::json report;
  report["pid"] = ::getpid();
  report["stats_file"] = region.path();
  report["probes"] = nlohmann::json::array();
  auto reader = stats::StatsReader::view(region.bytes());
  for (const auto& probe : registry.probes()) {
    nlohmann::json entry = probe_object(probe, registry, /*complete=*/true);
    // The report lists method names only (a contract with scripts); the
    // probe object's richer entries stay available as "method_details".
    nlohmann::json names = nlohmann::json::array();
    for (const auto& m : entry["methods"]) names.push_back(m["name"]);
    entry["method_details"] = std::move(entry["methods"]);
    entry["methods"] = std::move(names);
    entry.update(probe_figures(probe, registry, reader ? &*reader : nullptr));
    if (auto parsed = figures::parse_probe_object(probe_object(probe, registry, /*complete=*/true))) {
      figures::add_method_figures(*parsed, reader ? &*reader : nullptr, &entry["method_details"]);
    }
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
