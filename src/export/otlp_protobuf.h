// An OTLP request (otlp_metrics.h) in the binary protobuf encoding of
// opentelemetry-proto's ExportMetricsServiceRequest (field numbers of
// collector/metrics/v1/metrics_service.proto, metrics/v1/metrics.proto,
// common/v1/common.proto and resource/v1/resource.proto), written with
// protobuf_writer.h. Content-Type: application/x-protobuf. Tests decode it
// with protoc against tests/unit/export/otlp/*.proto.
#pragma once

#include <string>

#include "export/otlp_metrics.h"

namespace clrprobe::exporter {

inline constexpr char kOtlpProtobufContentType[] = "application/x-protobuf";

std::string otlp_protobuf(const OtlpRequest& request);

}  // namespace clrprobe::exporter
