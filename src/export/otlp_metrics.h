// What an OTLP push says, independent of its encoding: the
// ExportMetricsServiceRequest of a snapshot as plain structs, which
// otlp_json.h and otlp_protobuf.h encode (the same content either way).
//
//   resourceMetrics[]: one per process with figures
//     resource attributes (resource_attributes()):
//       service.name            the target's OTEL_SERVICE_NAME, else service.name of its
//                               OTEL_RESOURCE_ATTRIBUTES, else unknown_service:<entry assembly or executable>
//       <OTEL_RESOURCE_ATTRIBUTES of the target>  as strings
//       service.instance.id     <boot id>-<pid>-<start jiffies> (stable for the process's life)
//       process.pid (int), process.executable.name, process.command_line (opt-in), host.name,
//       telemetry.sdk.name "clrprobe", telemetry.sdk.language "cpp", telemetry.sdk.version
//     scopeMetrics[0].scope: {name "clrprobe", version}
//     metrics:
//       clrprobe.calls        sum, monotonic, int
//       clrprobe.exceptions   sum, monotonic, int
//       clrprobe.cancelled    sum, monotonic, int (async calls whose task was cancelled)
//       clrprobe.in_flight    gauge, int: calls started and not finished (no start time)
//       clrprobe.latency      unit "s": exponential histogram (scale 3, exponential_latency.h)
//                             or histogram on the fixed bounds (latency_buckets.h)
//   data point attributes: clrprobe.probe.id (int), clrprobe.probe.selector, clrprobe.method
//   start time: when the probe was added (cumulative), the previous push (delta)
//   time: the snapshot's time
// A process without data points is left out (no empty envelopes).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "export/exponential_latency.h"
#include "export/snapshot.h"

namespace clrprobe::exporter {

enum class Temporality { Cumulative, Delta };
enum class HistogramKind { Exponential, Explicit };

// OTLP's AggregationTemporality values.
inline constexpr int kAggregationTemporalityDelta = 1;
inline constexpr int kAggregationTemporalityCumulative = 2;
inline int aggregation_temporality(Temporality t) {
  return t == Temporality::Delta ? kAggregationTemporalityDelta : kAggregationTemporalityCumulative;
}

struct OtlpAttribute {
  std::string key;
  std::variant<std::string, int64_t> value;
};
using OtlpAttributes = std::vector<OtlpAttribute>;

struct OtlpNumberPoint {
  OtlpAttributes attributes;
  uint64_t start_unix_ns = 0;  // 0: none (gauges)
  uint64_t time_unix_nano = 0;
  int64_t value = 0;
};

struct OtlpHistogramPoint {  // explicit bounds
  OtlpAttributes attributes;
  uint64_t start_unix_ns = 0;
  uint64_t time_unix_nano = 0;
  CollapsedLatency latency;
};

struct OtlpExponentialPoint {
  OtlpAttributes attributes;
  uint64_t start_unix_ns = 0;
  uint64_t time_unix_nano = 0;
  ExponentialLatency latency;
};

enum class OtlpMetricKind { Sum, Gauge, Histogram, ExponentialHistogram };

struct OtlpMetric {
  std::string name;
  std::string description;
  std::string unit;
  OtlpMetricKind kind = OtlpMetricKind::Sum;
  Temporality temporality = Temporality::Cumulative;  // sums and histograms
  std::vector<OtlpNumberPoint> numbers;               // Sum, Gauge (monotonic sums only)
  std::vector<OtlpHistogramPoint> histograms;         // Histogram
  std::vector<OtlpExponentialPoint> exponentials;     // ExponentialHistogram
  std::size_t point_count() const { return numbers.size() + histograms.size() + exponentials.size(); }
};

struct OtlpResourceMetrics {
  OtlpAttributes resource;
  std::string scope_name = "clrprobe";
  std::string scope_version;
  std::vector<OtlpMetric> metrics;
};

struct OtlpRequest {
  std::vector<OtlpResourceMetrics> resources;
  std::size_t data_point_count() const;
};

struct OtlpContent {
  std::string version;        // clrprobe's (scope and telemetry.sdk.version)
  std::string host_name;      // empty: no host.name
  std::string boot_id;        // for service.instance.id; empty: host name instead
  bool command_line = false;  // add process.command_line (may hold secrets: opt-in)
  Temporality temporality = Temporality::Cumulative;
  HistogramKind histogram = HistogramKind::Exponential;
};

OtlpAttributes resource_attributes(const ProcessSnapshot& process, const OtlpContent& content);

// The request for a snapshot (for delta temporality, a snapshot of deltas:
// delta_figures.h).
OtlpRequest otlp_request(const HostSnapshot& snapshot, const OtlpContent& content);

}  // namespace clrprobe::exporter
