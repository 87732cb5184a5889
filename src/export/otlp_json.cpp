#include "export/otlp_json.h"

#include <string>

namespace clrprobe::exporter {
namespace {

using nlohmann::json;

json string_attribute(const std::string& key, const std::string& value) {
  return {{"key", key}, {"value", {{"stringValue", value}}}};
}

json int_attribute(const std::string& key, int64_t value) {
  return {{"key", key}, {"value", {{"intValue", std::to_string(value)}}}};
}

json point_attributes(const ProbeSnapshot& probe, const MethodFigures& m) {
  return json::array({int_attribute("clrprobe.probe.id", probe.id),
                      string_attribute("clrprobe.probe.selector", probe.selector),
                      string_attribute("clrprobe.method", m.method)});
}

json monotonic_sum(const char* name, const char* description, const char* unit, json points) {
  return {{"name", name},
          {"description", description},
          {"unit", unit},
          {"sum",
           {{"aggregationTemporality", kAggregationTemporalityCumulative},
            {"isMonotonic", true},
            {"dataPoints", std::move(points)}}}};
}

json gauge(const char* name, const char* description, const char* unit, json points) {
  return {{"name", name}, {"description", description}, {"unit", unit}, {"gauge", {{"dataPoints", std::move(points)}}}};
}

// A counter's point: cumulative since the process started.
json count_point(const json& attributes, const std::string& start, const std::string& now, uint64_t value) {
  return {{"attributes", attributes},
          {"startTimeUnixNano", start},
          {"timeUnixNano", now},
          {"asInt", std::to_string(value)}};
}

json process_metrics(const ProcessSnapshot& p, uint64_t time_unix_ns) {
  const std::string start = std::to_string(p.start_unix_ns);
  const std::string now = std::to_string(time_unix_ns);
  json bounds = json::array();
  for (double b : latency_bounds_seconds()) bounds.push_back(b);
  json calls = json::array();
  json exceptions = json::array();
  json cancelled = json::array();
  json in_flight = json::array();
  json latency = json::array();
  for (const ProbeSnapshot& probe : p.probes) {
    for (const MethodFigures& m : probe.methods) {
      const json attributes = point_attributes(probe, m);
      calls.push_back(count_point(attributes, start, now, m.calls));
      exceptions.push_back(count_point(attributes, start, now, m.exceptions));
      cancelled.push_back(count_point(attributes, start, now, m.cancelled));
      // A gauge's value is of its instant: no start time.
      in_flight.push_back({{"attributes", attributes}, {"timeUnixNano", now}, {"asInt", std::to_string(m.in_flight)}});
      json buckets = json::array();
      for (uint64_t n : m.latency.counts) buckets.push_back(std::to_string(n));
      json point = {{"attributes", attributes},
                    {"startTimeUnixNano", start},
                    {"timeUnixNano", now},
                    {"count", std::to_string(m.latency.count)},
                    {"sum", m.latency.sum_seconds},
                    {"bucketCounts", std::move(buckets)},
                    {"explicitBounds", bounds}};
      if (m.latency.count != 0) point["max"] = m.latency.max_seconds;
      latency.push_back(std::move(point));
    }
  }
  json metrics = json::array();
  if (calls.empty()) return metrics;
  metrics.push_back(monotonic_sum("clrprobe.calls", "Calls of a probed method since its probe was added.", "{call}",
                                  std::move(calls)));
  metrics.push_back(monotonic_sum("clrprobe.exceptions",
                                  "Calls of a probed method that ended with an exception, since its probe was added.",
                                  "{exception}", std::move(exceptions)));
  metrics.push_back(monotonic_sum("clrprobe.cancelled",
                                  "Calls of a probed async method whose task was cancelled, since its probe was added.",
                                  "{call}", std::move(cancelled)));
  metrics.push_back(gauge("clrprobe.in_flight",
                          "Calls of a probed method started and not finished (async: tasks pending).", "{call}",
                          std::move(in_flight)));
  metrics.push_back({{"name", "clrprobe.latency"},
                     {"description", "Latency of completed calls of a probed method (sum approximate)."},
                     {"unit", "s"},
                     {"histogram",
                      {{"aggregationTemporality", kAggregationTemporalityCumulative},
                       {"dataPoints", std::move(latency)}}}});
  return metrics;
}

}  // namespace

json otlp_metrics_request(const HostSnapshot& snapshot, const OtlpIdentity& identity) {
  json resources = json::array();
  for (const ProcessSnapshot& p : snapshot.processes) {
    json metrics = process_metrics(p, snapshot.time_unix_ns);
    if (metrics.empty()) continue;
    json attributes = json::array({string_attribute("service.name", p.name.empty() ? "unknown_service" : p.name),
                                   int_attribute("process.pid", p.key.pid)});
    if (!p.name.empty()) attributes.push_back(string_attribute("process.executable.name", p.name));
    if (!identity.host_name.empty()) attributes.push_back(string_attribute("host.name", identity.host_name));
    resources.push_back({{"resource", {{"attributes", std::move(attributes)}}},
                         {"scopeMetrics",
                          json::array({{{"scope", {{"name", "clrprobe"}, {"version", identity.scope_version}}},
                                        {"metrics", std::move(metrics)}}})}});
  }
  return {{"resourceMetrics", std::move(resources)}};
}

std::size_t otlp_data_point_count(const json& request) {
  std::size_t n = 0;
  for (const json& resource : request.value("resourceMetrics", json::array())) {
    for (const json& scope : resource.value("scopeMetrics", json::array())) {
      for (const json& metric : scope.value("metrics", json::array())) {
        for (const char* kind : {"sum", "gauge", "histogram"}) {
          if (metric.contains(kind)) n += metric[kind].value("dataPoints", json::array()).size();
        }
      }
    }
  }
  return n;
}

}  // namespace clrprobe::exporter
