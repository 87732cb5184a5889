// The Prometheus text exposition format, version 0.0.4, or OpenMetrics 1.0
// (what Prometheus asks for first), of a snapshot:
//
//   clrprobe_processes                      gauge    processes published
//   clrprobe_up{pid,process,service}        gauge    1 running, 0 exited (its final figures)
//   clrprobe_probe_methods{pid,process,service,probe_id,selector,state}
//                                           gauge    methods a probe instruments (0: pending)
//   clrprobe_calls_total{pid,process,service,probe_id,selector,method}  counter
//   clrprobe_exceptions_total{...same labels}                           counter
//   clrprobe_cancelled_total{...same labels}                            counter  async tasks cancelled
//   clrprobe_in_flight{...same labels}                                  gauge    calls not finished now
//   clrprobe_latency_seconds_bucket{...same labels, le}                 histogram (latency_buckets.h)
//   clrprobe_latency_seconds_sum / _count{...same labels}
//
//   process   /proc/<pid>/comm ("dotnet" for `dotnet App.dll`)
//   service   the OTLP service.name (process_resource.h): OTEL_SERVICE_NAME of
//             the process, else unknown_service:<entry assembly>
//   pid       left out with pid_label = false: series then survive restarts,
//             and the processes of one service (same labels otherwise) are
//             summed into one series (up and probe_methods: the largest)
//
// Every family has its HELP and TYPE lines and all its samples together.
// Label values are escaped (\\, \", \n); samples carry no timestamp.
// OpenMetrics adds, per counter and histogram series, a `_created` sample
// (when its probe was added, seconds since the epoch; with pid_label = false
// the earliest of the summed series), counter families are named without
// `_total`, the latency family has a UNIT line, and the text ends with `# EOF`.
#pragma once

#include <string>
#include <string_view>

#include "export/snapshot.h"

namespace clrprobe::exporter {

inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr char kOpenMetricsContentType[] = "application/openmetrics-text; version=1.0.0; charset=utf-8";

struct PrometheusOptions {
  bool pid_label = true;
  bool openmetrics = false;
};

// True when an Accept header asks for OpenMetrics (Prometheus sends
// "application/openmetrics-text;version=1.0.0,...;q=0.75,text/plain;version=0.0.4;q=0.5,...").
bool accepts_openmetrics(std::string_view accept);

// A label value: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);
// HELP text: backslash and line feed escaped.
std::string escape_help(std::string_view text);
// A sample value or "le" bound: shortest form that reads back exactly
// ("2.5e-07", "0.001", "10"), "+Inf", "-Inf" or "NaN".
std::string format_value(double value);

std::string prometheus_text(const HostSnapshot& snapshot, const PrometheusOptions& options = {});

}  // namespace clrprobe::exporter
