#include "export/protobuf_reader.h"

namespace clrprobe::exporter {
namespace {

bool read_varint(std::string_view data, std::size_t& pos, uint64_t& out) {
  out = 0;
  for (int shift = 0; shift < 64 && pos < data.size(); shift += 7) {
    const auto byte = static_cast<uint8_t>(data[pos++]);
    out |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

std::optional<std::vector<ProtobufField>> read_protobuf_fields(std::string_view data) {
  std::vector<ProtobufField> fields;
  std::size_t pos = 0;
  while (pos < data.size()) {
    uint64_t tag = 0;
    if (!read_varint(data, pos, tag) || (tag >> 3) == 0 || (tag >> 3) > UINT32_MAX) return std::nullopt;
    ProtobufField f;
    f.number = static_cast<uint32_t>(tag >> 3);
    f.wire_type = static_cast<uint32_t>(tag & 7);
    switch (f.wire_type) {
      case 0:
        if (!read_varint(data, pos, f.value)) return std::nullopt;
        break;
      case 1:
      case 5: {
        const std::size_t width = f.wire_type == 1 ? 8 : 4;
        if (data.size() - pos < width) return std::nullopt;
        for (std::size_t i = 0; i < width; ++i) f.value |= uint64_t{static_cast<uint8_t>(data[pos + i])} << (8 * i);
        pos += width;
        break;
      }
      case 2: {
        uint64_t length = 0;
        if (!read_varint(data, pos, length) || length > data.size() - pos) return std::nullopt;
        f.bytes = data.substr(pos, static_cast<std::size_t>(length));
        pos += static_cast<std::size_t>(length);
        break;
      }
      default:
        return std::nullopt;
    }
    fields.push_back(f);
  }
  return fields;
}

}  // namespace clrprobe::exporter
