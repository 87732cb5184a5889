// Where and how `clrprobe export` pushes OTLP: its flags, else the standard
// OpenTelemetry exporter environment variables, else defaults. A flag wins
// over the metrics-specific variable, which wins over the generic one.
//
//   endpoint     --otlp URL (as is)
//                OTEL_EXPORTER_OTLP_METRICS_ENDPOINT (as is)
//                OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/metrics"
//                (none: no pushes)
//   protocol     --otlp-protocol, OTEL_EXPORTER_OTLP_[METRICS_]PROTOCOL:
//                http/protobuf (default) | http/json   (grpc is refused)
//   compression  --otlp-compression, OTEL_EXPORTER_OTLP_[METRICS_]COMPRESSION: none (default) | gzip
//   headers      OTEL_EXPORTER_OTLP_[METRICS_]HEADERS "k=v,k2=v2" (values
//                percent-decoded), then --otlp-header K=V (repeatable; a key
//                given again replaces the earlier value)
//   timeout      --otlp-timeout SECONDS, OTEL_EXPORTER_OTLP_[METRICS_]TIMEOUT (ms); default 10 s
//   interval     --interval SECONDS, OTEL_METRIC_EXPORT_INTERVAL (ms); default 15 s
//   temporality  --otlp-temporality, OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE:
//                cumulative (default) | delta | lowmemory (= delta here: every
//                clrprobe metric is a counter or histogram, or a gauge)
//   histogram    --otlp-histogram exponential (default) | explicit;
//                OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION:
//                base2_exponential_bucket_histogram | explicit_bucket_histogram
//
// A malformed value, from a flag or a variable, is an error that names it
// (the exporter does not start with settings it did not understand).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "export/otlp_metrics.h"

namespace clrprobe::exporter {

enum class OtlpProtocol { HttpProtobuf, HttpJson };
enum class OtlpCompression { None, Gzip };

// What the command line said; empty or nullopt: not given.
struct OtlpFlags {
  std::string endpoint;
  std::string protocol;
  std::string compression;
  std::vector<std::string> headers;  // "K=V"
  std::optional<double> timeout_seconds;
  std::optional<double> interval_seconds;
  std::string temporality;
  std::string histogram;
};

using OtlpHeaders = std::vector<std::pair<std::string, std::string>>;

struct OtlpSettings {
  std::string url;  // empty: no OTLP pushes
  bool url_from_environment = false;
  OtlpProtocol protocol = OtlpProtocol::HttpProtobuf;
  OtlpCompression compression = OtlpCompression::None;
  OtlpHeaders headers;
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds interval{std::chrono::seconds(15)};
  Temporality temporality = Temporality::Cumulative;
  HistogramKind histogram = HistogramKind::Exponential;
};

// getenv, or a substitute in tests; returns null for unset variables.
using Getenv = std::function<const char*(const char*)>;

// InvalidInput with a message naming the flag or variable.
Result<OtlpSettings> resolve_otlp_settings(const OtlpFlags& flags, const Getenv& getenv);

// "http/protobuf", "gzip", "delta", ... (for log lines).
const char* protocol_name(OtlpProtocol protocol);
const char* compression_name(OtlpCompression compression);
const char* temporality_name(Temporality temporality);
const char* histogram_name(HistogramKind kind);

}  // namespace clrprobe::exporter
