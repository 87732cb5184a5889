// An OTLP ExportMetricsServiceRequest in the OTLP/HTTP JSON encoding
// (opentelemetry-proto docs/specification.md, "JSON Protobuf Encoding"):
// lowerCamelCase keys, 64-bit integers (fixed64, sfixed64, int64) as decimal
// strings, enums as integers.
//
//   resourceMetrics[]: one per process
//     resource.attributes: service.name (process name, else
//       "unknown_service"), process.pid (intValue), process.executable.name,
//       host.name
//     scopeMetrics[0].scope: {name: "clrprobe", version}
//     metrics:
//       clrprobe.calls       sum, aggregationTemporality 2 (CUMULATIVE), isMonotonic, asInt
//       clrprobe.exceptions  sum, idem
//       clrprobe.cancelled   sum, idem (async calls whose task was cancelled)
//       clrprobe.in_flight   gauge, asInt: calls started and not finished (no start time)
//       clrprobe.latency     histogram (unit "s"), aggregationTemporality 2:
//                            count, sum (approximate, latency_buckets.h), bucketCounts
//                            (not cumulative, explicitBounds + 1 of them), explicitBounds, max
//   data point attributes: clrprobe.probe.id (intValue), clrprobe.probe.selector,
//     clrprobe.method; startTimeUnixNano: the process's start,
//     timeUnixNano: the snapshot's time.
// A process without data points has no metrics, and is left out (no empty
// envelopes).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "export/snapshot.h"

namespace clrprobe::exporter {

struct OtlpIdentity {
  std::string scope_version;  // clrprobe's version
  std::string host_name;      // empty: no host.name attribute
};

inline constexpr int kAggregationTemporalityCumulative = 2;

nlohmann::json otlp_metrics_request(const HostSnapshot& snapshot, const OtlpIdentity& identity);

// Data points in a request (what a push carries; 0: nothing to send).
std::size_t otlp_data_point_count(const nlohmann::json& request);

}  // namespace clrprobe::exporter
