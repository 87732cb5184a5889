// An OTLP request (otlp_metrics.h) in the OTLP/HTTP JSON encoding
// (opentelemetry-proto docs/specification.md, "JSON Protobuf Encoding"):
// lowerCamelCase keys, 64-bit integers (fixed64, sfixed64, int64, uint64) as
// decimal strings, enums as integers. Content-Type: application/json.
#pragma once

#include <nlohmann/json.hpp>

#include "export/otlp_metrics.h"

namespace clrprobe::exporter {

inline constexpr char kOtlpJsonContentType[] = "application/json";

nlohmann::json otlp_json(const OtlpRequest& request);

// Data points in a JSON request (what a push carries; 0: nothing to send).
std::size_t otlp_data_point_count(const nlohmann::json& request);

}  // namespace clrprobe::exporter
