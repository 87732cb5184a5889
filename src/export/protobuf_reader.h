// The top level fields of a protobuf message (no schema): enough to read an
// OTLP collector's answer (ExportMetricsServiceResponse, google.rpc.Status).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace clrprobe::exporter {

struct ProtobufField {
  uint32_t number = 0;
  uint32_t wire_type = 0;  // 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit
  uint64_t value = 0;      // varint / fixed value
  std::string_view bytes;  // length-delimited payload (into the input)
};

// nullopt when `data` is not a sequence of well-formed fields.
std::optional<std::vector<ProtobufField>> read_protobuf_fields(std::string_view data);

}  // namespace clrprobe::exporter
