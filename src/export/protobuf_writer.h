// A minimal protocol buffers encoder (the wire format of
// https://protobuf.dev/programming-guides/encoding/): enough for an OTLP
// ExportMetricsServiceRequest, with no generated code and no library.
//
// Fields are appended in the order written; a nested message is written into
// its own ProtobufWriter and then added with message() (length-prefixed).
// Repeated scalars are written packed (proto3's default encoding).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace clrprobe::exporter {

class ProtobufWriter {
 public:
  // Wire type 0 (varint): uint32/uint64/int64/bool/enum.
  void varint(uint32_t field, uint64_t value);
  // Wire type 0, ZigZag-encoded (sint32).
  void sint32(uint32_t field, int32_t value);
  // Wire type 1 (64-bit): fixed64, sfixed64, double.
  void fixed64(uint32_t field, uint64_t value);
  void sfixed64(uint32_t field, int64_t value) { fixed64(field, static_cast<uint64_t>(value)); }
  void double_value(uint32_t field, double value);
  // Wire type 2 (length-delimited).
  void bytes(uint32_t field, std::string_view value);
  void message(uint32_t field, const ProtobufWriter& nested) { bytes(field, nested.data()); }
  // Packed repeated fields (one length-delimited record; nothing when empty).
  void packed_fixed64(uint32_t field, std::span<const uint64_t> values);
  void packed_double(uint32_t field, std::span<const double> values);
  void packed_varint(uint32_t field, std::span<const uint64_t> values);

  const std::string& data() const { return out_; }
  std::string release() { return std::move(out_); }

 private:
  void tag(uint32_t field, uint32_t wire_type);
  void raw_varint(uint64_t value);
  void raw_fixed64(uint64_t value);

  std::string out_;
};

// ZigZag: sint32 values as unsigned (0, -1, 1, -2 -> 0, 1, 2, 3).
constexpr uint32_t zigzag32(int32_t v) { return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31); }

}  // namespace clrprobe::exporter
