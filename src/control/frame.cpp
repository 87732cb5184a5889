#include "control/frame.h"

#include <algorithm>
#include <new>
#include <string>

namespace clrprobe::control {
namespace {

using nlohmann::json;

void put_u16(uint8_t* at, uint16_t v) {
  at[0] = static_cast<uint8_t>(v & 0xFF);
  at[1] = static_cast<uint8_t>(v >> 8);
}

void put_u32(uint8_t* at, uint32_t v) {
  for (int i = 0; i < 4; ++i) at[i] = static_cast<uint8_t>((v >> (8 * i)) & 0xFF);
}

uint16_t get_u16(std::span<const uint8_t> b, std::size_t at) {
  return static_cast<uint16_t>(b[at] | (b[at + 1] << 8));
}

uint32_t get_u32(std::span<const uint8_t> b, std::size_t at) {
  return static_cast<uint32_t>(b[at]) | (static_cast<uint32_t>(b[at + 1]) << 8) |
         (static_cast<uint32_t>(b[at + 2]) << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}

// Whether the first min(size, 4) bytes agree with the magic.
bool magic_prefix_matches(std::span<const uint8_t> bytes) {
  const std::size_t n = std::min(bytes.size(), kFrameMagic.size());
  return std::equal(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n), kFrameMagic.begin());
}

Error bad_magic() {
  return make_error(Reason::InvalidInput, "bad frame magic (expected \"CLPB\"): not a clrprobe control client");
}

}  // namespace

std::vector<uint8_t> encode_frame(std::span<const uint8_t> payload) {
  // Sized once and filled by index (vector::insert of the magic trips a
  // GCC 12 -Wstringop-overflow false positive).
  std::vector<uint8_t> out(kFrameHeaderSize + payload.size());
  std::copy(kFrameMagic.begin(), kFrameMagic.end(), out.begin());
  put_u16(&out[4], kProtocolVersion);
  put_u16(&out[6], 0);
  put_u32(&out[8], static_cast<uint32_t>(payload.size()));
  std::copy(payload.begin(), payload.end(), out.begin() + kFrameHeaderSize);
  return out;
}

std::vector<uint8_t> encode_frame(std::string_view payload) {
  return encode_frame(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()));
}

Result<std::vector<uint8_t>> encode_json_frame(const json& value, uint32_t max_payload) {
  try {
    // replace: a message quoting foreign bytes (an exception text, a method
    // name) must not turn a reply into a type_error.
    const std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > max_payload) {
      return make_error(Reason::InvalidInput, "message of " + std::to_string(text.size()) +
                                                  " bytes exceeds the " + std::to_string(max_payload) +
                                                  "-byte limit");
    }
    return encode_frame(std::string_view(text));
  } catch (const std::bad_alloc&) {
    return make_error(Reason::RuntimeError, "out of memory encoding a message");
  }
}

Result<FrameHeader> parse_frame_header(std::span<const uint8_t> bytes, uint32_t max_payload) {
  if (!magic_prefix_matches(bytes)) return bad_magic();
  if (bytes.size() < kFrameHeaderSize) {
    return make_error(Reason::Truncated, "frame header needs " + std::to_string(kFrameHeaderSize) +
                                             " bytes, got " + std::to_string(bytes.size()));
  }
  FrameHeader h;
  h.version = get_u16(bytes, 4);
  h.flags = get_u16(bytes, 6);
  h.payload_length = get_u32(bytes, 8);
  if (h.version != kProtocolVersion) {
    return make_error(Reason::InvalidInput, "unsupported protocol version " + std::to_string(h.version) +
                                                " (this side speaks " + std::to_string(kProtocolVersion) + ")");
  }
  if (h.flags != 0) {
    return make_error(Reason::InvalidInput, "unknown frame flags " + std::to_string(h.flags) + " (must be 0)");
  }
  if (h.payload_length > max_payload) {
    return make_error(Reason::InvalidInput, "payload length " + std::to_string(h.payload_length) +
                                                " exceeds the " + std::to_string(max_payload) + "-byte limit");
  }
  return h;
}

Result<json> parse_json_object(std::span<const uint8_t> payload, uint32_t max_payload) {
  if (payload.size() > max_payload) {
    return make_error(Reason::InvalidInput, "payload of " + std::to_string(payload.size()) +
                                                " bytes exceeds the " + std::to_string(max_payload) +
                                                "-byte limit");
  }
  try {
    // nlohmann parses iteratively, but a deep value is still costly for
    // every later consumer (copies, dumps). The callback sees the depth of
    // each container before it is built: discard anything too deep and fail.
    // depth counts the containers already open, so the new one is depth + 1.
    bool too_deep = false;
    auto limit_depth = [&too_deep](int depth, json::parse_event_t event, json&) {
      if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
          depth >= kMaxJsonDepth) {
        too_deep = true;
        return false;
      }
      return !too_deep;
    };
    // allow_exceptions=false: a syntax error or invalid UTF-8 yields a
    // "discarded" value instead of a throw.
    json value = json::parse(payload.begin(), payload.end(), limit_depth, /*allow_exceptions=*/false);
    if (too_deep) {
      return make_error(Reason::InvalidInput,
                        "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    if (value.is_discarded()) return make_error(Reason::InvalidInput, "payload is not valid UTF-8 JSON");
    if (!value.is_object()) {
      return make_error(Reason::InvalidInput, std::string("payload must be a JSON object, got ") + value.type_name());
    }
    return value;
  } catch (const std::bad_alloc&) {
    return make_error(Reason::RuntimeError, "out of memory parsing a message");
  } catch (const std::exception& e) {
    // Not expected with allow_exceptions=false; kept so the contract holds.
    return make_error(Reason::InvalidInput, std::string("payload rejected: ") + e.what());
  }
}

Result<json> parse_request_payload(std::span<const uint8_t> payload) {
  return parse_json_object(payload, kMaxRequestPayload);
}

Result<json> parse_response_payload(std::span<const uint8_t> payload) {
  return parse_json_object(payload, kMaxResponsePayload);
}

Result<std::size_t> FrameDecoder::feed(std::span<const uint8_t> bytes) {
  if (error_) return *error_;
  std::size_t used = 0;
  if (!header_) {
    const std::size_t take = std::min(bytes.size(), kFrameHeaderSize - header_filled_);
    std::copy_n(bytes.begin(), take, header_bytes_.begin() + static_cast<std::ptrdiff_t>(header_filled_));
    header_filled_ += take;
    used = take;
    const std::span<const uint8_t> have(header_bytes_.data(), header_filled_);
    if (header_filled_ < kFrameHeaderSize) {
      if (!magic_prefix_matches(have)) error_ = bad_magic();
      if (error_) return *error_;
      return used;
    }
    auto header = parse_frame_header(have, max_payload_);
    if (!header) {
      error_ = header.error();
      return *error_;
    }
    header_ = *header;
    // Reserve what a well-behaved peer sends, not what a hostile length says.
    payload_.reserve(std::min<uint32_t>(header_->payload_length, kMaxRequestPayload));
  }
  const std::size_t take = std::min(bytes.size() - used, bytes_needed());
  payload_.insert(payload_.end(), bytes.begin() + static_cast<std::ptrdiff_t>(used),
                  bytes.begin() + static_cast<std::ptrdiff_t>(used + take));
  return used + take;
}

std::size_t FrameDecoder::bytes_needed() const {
  if (error_) return 0;
  if (!header_) return kFrameHeaderSize - header_filled_;
  return header_->payload_length - payload_.size();
}

}  // namespace clrprobe::control
