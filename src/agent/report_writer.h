// The JSON report written at exit (CLRPROBE_REPORT): per probe, what it
// matched, what it refused and the merged figures of its methods. Field names
// are a contract with scripts: add fields, never rename.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "agent/probe_registry.h"
#include "common/result.h"

namespace clrprobe::stats {
class StatsRegion;
}

namespace clrprobe::agent {

nlohmann::json build_report(const ProbeRegistry& registry, const stats::StatsRegion& region);

// Writes atomically (temporary file + rename) so readers never see half a report.
Status write_report(const std::string& path, const ProbeRegistry& registry, const stats::StatsRegion& region);

}  // namespace clrprobe::agent
