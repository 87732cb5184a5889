#include "export/otlp_json.h"

#include <string>

namespace clrprobe::exporter {
namespace {

using nlohmann::json;

json attributes_json(const OtlpAttributes& attributes) {
  json out = json::array();
  for (const OtlpAttribute& a : attributes) {
    json value = std::holds_alternative<int64_t>(a.value)
                     ? json{{"intValue", std::to_string(std::get<int64_t>(a.value))}}
                     : json{{"stringValue", std::get<std::string>(a.value)}};
    out.push_back({{"key", a.key}, {"value", std::move(value)}});
  }
  return out;
}

// The fields every point has: attributes, start (when set) and time.
json point_base(const OtlpAttributes& attributes, uint64_t start, uint64_t time) {
  json point = {{"attributes", attributes_json(attributes)}};
  if (start != 0) point["startTimeUnixNano"] = std::to_string(start);
  point["timeUnixNano"] = std::to_string(time);
  return point;
}

json counts_json(const std::vector<uint64_t>& counts) {
  json out = json::array();
  for (uint64_t n : counts) out.push_back(std::to_string(n));
  return out;
}

json metric_json(const OtlpMetric& m) {
  json out = {{"name", m.name}, {"description", m.description}, {"unit", m.unit}};
  json points = json::array();
  for (const OtlpNumberPoint& p : m.numbers) {
    json point = point_base(p.attributes, p.start_unix_ns, p.time_unix_nano);
    point["asInt"] = std::to_string(p.value);
    points.push_back(std::move(point));
  }
  for (const OtlpHistogramPoint& p : m.histograms) {
    json point = point_base(p.attributes, p.start_unix_ns, p.time_unix_nano);
    point["count"] = std::to_string(p.latency.count);
    point["sum"] = p.latency.sum_seconds;
    point["bucketCounts"] = counts_json(p.latency.counts);
    json bounds = json::array();
    for (double b : latency_bounds_seconds()) bounds.push_back(b);
    point["explicitBounds"] = std::move(bounds);
    if (p.latency.count != 0) point["max"] = p.latency.max_seconds;
    points.push_back(std::move(point));
  }
  for (const OtlpExponentialPoint& p : m.exponentials) {
    json point = point_base(p.attributes, p.start_unix_ns, p.time_unix_nano);
    const ExponentialLatency& e = p.latency;
    point["count"] = std::to_string(e.count);
    point["sum"] = e.sum_seconds;
    point["scale"] = e.scale;
    point["zeroCount"] = std::to_string(e.zero_count);
    if (!e.counts.empty()) point["positive"] = {{"offset", e.offset}, {"bucketCounts", counts_json(e.counts)}};
    if (e.count != 0) point["max"] = e.max_seconds;
    points.push_back(std::move(point));
  }
  const int temporality = aggregation_temporality(m.temporality);
  switch (m.kind) {
    case OtlpMetricKind::Sum:
      out["sum"] = {{"aggregationTemporality", temporality}, {"isMonotonic", true}, {"dataPoints", std::move(points)}};
      break;
    case OtlpMetricKind::Gauge:
      out["gauge"] = {{"dataPoints", std::move(points)}};
      break;
    case OtlpMetricKind::Histogram:
      out["histogram"] = {{"aggregationTemporality", temporality}, {"dataPoints", std::move(points)}};
      break;
    case OtlpMetricKind::ExponentialHistogram:
      out["exponentialHistogram"] = {{"aggregationTemporality", temporality}, {"dataPoints", std::move(points)}};
      break;
  }
  return out;
}

}  // namespace

json otlp_json(const OtlpRequest& request) {
  json resources = json::array();
  for (const OtlpResourceMetrics& r : request.resources) {
    json metrics = json::array();
    for (const OtlpMetric& m : r.metrics) metrics.push_back(metric_json(m));
    resources.push_back(
        {{"resource", {{"attributes", attributes_json(r.resource)}}},
         {"scopeMetrics", json::array({{{"scope", {{"name", r.scope_name}, {"version", r.scope_version}}},
                                        {"metrics", std::move(metrics)}}})}});
  }
  return {{"resourceMetrics", std::move(resources)}};
}

std::size_t otlp_data_point_count(const json& request) {
  std::size_t n = 0;
  for (const json& resource : request.value("resourceMetrics", json::array())) {
    for (const json& scope : resource.value("scopeMetrics", json::array())) {
      for (const json& metric : scope.value("metrics", json::array())) {
        for (const char* kind : {"sum", "gauge", "histogram", "exponentialHistogram"}) {
          if (metric.contains(kind)) n += metric[kind].value("dataPoints", json::array()).size();
        }
      }
    }
  }
  return n;
}

}  // namespace clrprobe::exporter
