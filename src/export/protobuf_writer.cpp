#include "export/protobuf_writer.h"

#include <bit>

namespace clrprobe::exporter {
namespace {

constexpr uint32_t kVarint = 0;
constexpr uint32_t kFixed64 = 1;
constexpr uint32_t kLengthDelimited = 2;

}  // namespace

void ProtobufWriter::raw_varint(uint64_t value) {
  while (value >= 0x80) {
    out_ += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out_ += static_cast<char>(value);
}

void ProtobufWriter::raw_fixed64(uint64_t value) {
  for (int i = 0; i < 8; ++i) out_ += static_cast<char>((value >> (8 * i)) & 0xff);  // little-endian
}

void ProtobufWriter::tag(uint32_t field, uint32_t wire_type) { raw_varint((uint64_t{field} << 3) | wire_type); }

void ProtobufWriter::varint(uint32_t field, uint64_t value) {
  tag(field, kVarint);
  raw_varint(value);
}

void ProtobufWriter::sint32(uint32_t field, int32_t value) { varint(field, zigzag32(value)); }

void ProtobufWriter::fixed64(uint32_t field, uint64_t value) {
  tag(field, kFixed64);
  raw_fixed64(value);
}

void ProtobufWriter::double_value(uint32_t field, double value) { fixed64(field, std::bit_cast<uint64_t>(value)); }

void ProtobufWriter::bytes(uint32_t field, std::string_view value) {
  tag(field, kLengthDelimited);
  raw_varint(value.size());
  out_.append(value);
}

void ProtobufWriter::packed_fixed64(uint32_t field, std::span<const uint64_t> values) {
  if (values.empty()) return;
  tag(field, kLengthDelimited);
  raw_varint(values.size() * 8);
  for (uint64_t v : values) raw_fixed64(v);
}

void ProtobufWriter::packed_double(uint32_t field, std::span<const double> values) {
  if (values.empty()) return;
  tag(field, kLengthDelimited);
  raw_varint(values.size() * 8);
  for (double v : values) raw_fixed64(std::bit_cast<uint64_t>(v));
}

void ProtobufWriter::packed_varint(uint32_t field, std::span<const uint64_t> values) {
  if (values.empty()) return;
  ProtobufWriter body;
  for (uint64_t v : values) body.raw_varint(v);
  bytes(field, body.data());
}

}  // namespace clrprobe::exporter
