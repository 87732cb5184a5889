#include "export/otlp_metrics.h"

#include <algorithm>

namespace clrprobe::exporter {
namespace {

OtlpAttributes point_attributes(const ProbeSnapshot& probe, const MethodFigures& m) {
  return {{"clrprobe.probe.id", int64_t{probe.id}},
          {"clrprobe.probe.selector", probe.selector},
          {"clrprobe.method", m.method}};
}

OtlpMetric make_metric(const char* name, const char* description, const char* unit, OtlpMetricKind kind) {
  OtlpMetric m;
  m.name = name;
  m.description = description;
  m.unit = unit;
  m.kind = kind;
  return m;
}

bool has_key(const OtlpAttributes& attributes, const std::string& key) {
  return std::any_of(attributes.begin(), attributes.end(), [&](const OtlpAttribute& a) { return a.key == key; });
}

}  // namespace

std::size_t OtlpRequest::data_point_count() const {
  std::size_t n = 0;
  for (const OtlpResourceMetrics& r : resources) {
    for (const OtlpMetric& m : r.metrics) n += m.point_count();
  }
  return n;
}

OtlpAttributes resource_attributes(const ProcessSnapshot& process, const OtlpContent& content) {
  const ProcessResource& r = process.resource;
  OtlpAttributes out;
  out.push_back({"service.name", r.service_name()});
  // The target's own attributes; ours below fill in what it did not say.
  for (const auto& [key, value] : r.otel_attributes) {
    if (key != "service.name") out.push_back({key, value});
  }
  auto add = [&](std::string key, std::variant<std::string, int64_t> value) {
    if (!has_key(out, key)) out.push_back({std::move(key), std::move(value)});
  };
  const std::string machine = !content.boot_id.empty() ? content.boot_id : content.host_name;
  add("service.instance.id",
      machine + "-" + std::to_string(process.key.pid) + "-" + std::to_string(process.key.start_jiffies));
  add("process.pid", int64_t{process.key.pid});
  if (!r.executable_name.empty()) add("process.executable.name", r.executable_name);
  if (content.command_line && !r.command_line.empty()) add("process.command_line", r.command_line);
  if (!content.host_name.empty()) add("host.name", content.host_name);
  add("telemetry.sdk.name", std::string("clrprobe"));
  add("telemetry.sdk.language", std::string("cpp"));
  add("telemetry.sdk.version", content.version);
  return out;
}

OtlpRequest otlp_request(const HostSnapshot& s, const OtlpContent& content) {
  OtlpRequest request;
  for (const ProcessSnapshot& p : s.processes) {
    OtlpMetric calls = make_metric("clrprobe.calls", "Calls of a probed method since its probe was added.", "{call}",
                                   OtlpMetricKind::Sum);
    OtlpMetric exceptions = make_metric(
        "clrprobe.exceptions", "Calls of a probed method that ended with an exception, since its probe was added.",
        "{exception}", OtlpMetricKind::Sum);
    OtlpMetric cancelled = make_metric(
        "clrprobe.cancelled", "Calls of a probed async method whose task was cancelled, since its probe was added.",
        "{call}", OtlpMetricKind::Sum);
    OtlpMetric in_flight =
        make_metric("clrprobe.in_flight", "Calls of a probed method started and not finished (async: tasks pending).",
                    "{call}", OtlpMetricKind::Gauge);
    OtlpMetric latency =
        make_metric("clrprobe.latency", "Latency of completed calls of a probed method (sum approximate).", "s",
                    content.histogram == HistogramKind::Exponential ? OtlpMetricKind::ExponentialHistogram
                                                                    : OtlpMetricKind::Histogram);
    for (OtlpMetric* m : {&calls, &exceptions, &cancelled, &latency}) m->temporality = content.temporality;
    for (const ProbeSnapshot& probe : p.probes) {
      for (const MethodFigures& m : probe.methods) {
        const OtlpAttributes attributes = point_attributes(probe, m);
        const uint64_t start = m.start_unix_ns;
        calls.numbers.push_back({attributes, start, s.time_unix_ns, static_cast<int64_t>(m.calls)});
        exceptions.numbers.push_back({attributes, start, s.time_unix_ns, static_cast<int64_t>(m.exceptions)});
        cancelled.numbers.push_back({attributes, start, s.time_unix_ns, static_cast<int64_t>(m.cancelled)});
        in_flight.numbers.push_back({attributes, 0, s.time_unix_ns, static_cast<int64_t>(m.in_flight)});
        if (latency.kind == OtlpMetricKind::Histogram) {
          latency.histograms.push_back({attributes, start, s.time_unix_ns, m.latency});
        } else {
          latency.exponentials.push_back(
              {attributes, start, s.time_unix_ns, exponential_latency(m.ticks, m.max_ticks, m.ticks_per_ns)});
        }
      }
    }
    if (calls.numbers.empty()) continue;
    OtlpResourceMetrics resource;
    resource.resource = resource_attributes(p, content);
    resource.scope_version = content.version;
    resource.metrics = {std::move(calls), std::move(exceptions), std::move(cancelled), std::move(in_flight),
                        std::move(latency)};
    request.resources.push_back(std::move(resource));
  }
  return request;
}

}  // namespace clrprobe::exporter
