// Control-protocol framing (docs/PROTOCOL.md, "Framing"): a 12-byte header
// (magic "CLPB", version, flags, payload length, all little-endian) followed
// by one UTF-8 JSON object.
//
// Everything here is pure (no I/O), never throws and never reads outside the
// given span: these functions see bytes from any local process and are the
// fuzz targets for the protocol.
#pragma once

#include "common/result.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace clrprobe::control {

inline constexpr std::array<uint8_t, 4> kFrameMagic = {'C', 'L', 'P', 'B'};
inline constexpr uint16_t kProtocolVersion = 1;
inline constexpr std::size_t kFrameHeaderSize = 12;
inline constexpr uint32_t kMaxRequestPayload = 64u * 1024u;
inline constexpr uint32_t kMaxResponsePayload = 16u * 1024u * 1024u;
// Deepest nesting accepted in a payload. Real messages nest about 4 deep; the
// cap keeps "[[[[..." bombs cheap for every consumer of the parsed value.
inline constexpr int kMaxJsonDepth = 32;

struct FrameHeader {
  uint16_t version = kProtocolVersion;
  uint16_t flags = 0;
  uint32_t payload_length = 0;
};

// Header + payload. The payload must be at most UINT32_MAX bytes (callers
// check their cap first; encode_json_frame does).
std::vector<uint8_t> encode_frame(std::span<const uint8_t> payload);
std::vector<uint8_t> encode_frame(std::string_view payload);

// Serializes `value` (invalid UTF-8 in strings is replaced, so this never
// throws on content) and frames it. Fails if the payload exceeds max_payload.
Result<std::vector<uint8_t>> encode_json_frame(const nlohmann::json& value, uint32_t max_payload);

// Validates the first kFrameHeaderSize bytes of `bytes` (anything after them
// is ignored). Truncated if fewer; InvalidInput for a bad magic, version,
// flags, or a length above max_payload.
Result<FrameHeader> parse_frame_header(std::span<const uint8_t> bytes,
                                       uint32_t max_payload = kMaxRequestPayload);

// Bytes → JSON object. InvalidInput for a payload over max_payload, invalid
// JSON or UTF-8, nesting deeper than kMaxJsonDepth, or a non-object.
Result<nlohmann::json> parse_request_payload(std::span<const uint8_t> payload);
Result<nlohmann::json> parse_response_payload(std::span<const uint8_t> payload);
Result<nlohmann::json> parse_json_object(std::span<const uint8_t> payload, uint32_t max_payload);

// Assembles one frame from bytes arriving in arbitrary pieces. It never
// consumes bytes beyond the frame, so the caller can read exactly
// bytes_needed() and leave the rest in the socket. A bad magic is reported as
// soon as the first wrong byte arrives (so "GET /" gets an answer at once), a
// bad header as soon as its 12 bytes are in, before any payload is read.
class FrameDecoder {
 public:
  explicit FrameDecoder(uint32_t max_payload = kMaxRequestPayload) : max_payload_(max_payload) {}

  // Consumes up to bytes_needed() bytes and returns how many it took. After
  // an error the decoder stays failed and returns the same error.
  Result<std::size_t> feed(std::span<const uint8_t> bytes);

  // Bytes still missing from the frame; 0 once complete (or failed).
  std::size_t bytes_needed() const;
  bool complete() const { return header_.has_value() && payload_.size() == header_->payload_length; }
  bool started() const { return header_filled_ > 0; }
  std::span<const uint8_t> payload() const { return payload_; }

 private:
  uint32_t max_payload_;
  std::array<uint8_t, kFrameHeaderSize> header_bytes_{};
  std::size_t header_filled_ = 0;
  std::optional<FrameHeader> header_;
  std::vector<uint8_t> payload_;
  std::optional<Error> error_;
};

}  // namespace clrprobe::control
