// The Prometheus text exposition format, version 0.0.4, of a snapshot:
//
//   clrprobe_processes                      gauge    processes published
//   clrprobe_up{pid,process}                gauge    1 running, 0 exited (its final figures)
//   clrprobe_probe_methods{pid,process,probe_id,selector,state}
//                                           gauge    methods a probe instruments (0: pending)
//   clrprobe_calls_total{pid,process,probe_id,selector,method}       counter
//   clrprobe_exceptions_total{...same labels}                        counter
//   clrprobe_cancelled_total{...same labels}                         counter  async tasks cancelled
//   clrprobe_in_flight{...same labels}                               gauge    calls not finished now
//   clrprobe_latency_seconds_bucket{...same labels, le}              histogram (latency_buckets.h)
//   clrprobe_latency_seconds_sum / _count{...same labels}
//
// Every family has its HELP and TYPE lines and all its samples together.
// Label values are escaped (\\, \", \n); samples carry no timestamp.
#pragma once

#include <string>
#include <string_view>

#include "export/snapshot.h"

namespace clrprobe::exporter {

inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// A label value: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);
// HELP text: backslash and line feed escaped.
std::string escape_help(std::string_view text);
// A sample value or "le" bound: shortest form that reads back exactly
// ("2.5e-07", "0.001", "10"), "+Inf", "-Inf" or "NaN".
std::string format_value(double value);

std::string prometheus_text(const HostSnapshot& snapshot);

}  // namespace clrprobe::exporter
