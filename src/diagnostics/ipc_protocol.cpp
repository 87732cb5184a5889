#include "diagnostics/ipc_protocol.h"

#include "common/utf8.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace clrprobe::diagnostics {
namespace {

void put_u16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v & 0xFF));
  out.push_back(static_cast<uint8_t>(v >> 8));
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<uint8_t>((v >> shift) & 0xFF));
}

uint16_t get_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

uint32_t get_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

uint64_t get_u64(const uint8_t* p) {
  return static_cast<uint64_t>(get_u32(p)) | (static_cast<uint64_t>(get_u32(p + 4)) << 32);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads the protocol's `string`: uint32 length in UTF-16 code units
// (including the terminating NUL; 0 means empty), then the code units.
class PayloadReader {
 public:
  explicit PayloadReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool read_u64(uint64_t& v) {
    if (left() < 8) return false;
    v = get_u64(bytes_.data() + pos_);
    pos_ += 8;
    return true;
  }

  bool read_bytes(uint8_t* out, std::size_t n) {
    if (left() < n) return false;
    std::memcpy(out, bytes_.data() + pos_, n);
    pos_ += n;
    return true;
  }

  Result<std::string> read_string(const char* what) {
    if (left() < 4) return truncated(what);
    uint32_t units = get_u32(bytes_.data() + pos_);
    pos_ += 4;
    if (units == 0) return std::string();
    if (units > left() / 2) return truncated(what);
    std::span<const uint8_t> chars = bytes_.subspan(pos_, std::size_t{units} * 2);
    pos_ += std::size_t{units} * 2;
    if (chars[chars.size() - 2] != 0 || chars[chars.size() - 1] != 0) {
      return make_error(Reason::InvalidInput,
                        std::string("malformed response: ") + what + " is not NUL-terminated");
    }
    return utf16le_to_utf8(chars.first(chars.size() - 2));
  }

 private:
  std::size_t left() const { return bytes_.size() - pos_; }
  static Error truncated(const char* what) {
    return make_error(Reason::Truncated, std::string("malformed response: truncated in ") + what);
  }

  std::span<const uint8_t> bytes_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<ClsidBytes> parse_clsid(std::string_view text) {
  const std::string original(text);
  if (text.size() >= 2 && text.front() == '{' && text.back() == '}') text = text.substr(1, text.size() - 2);
  // 8-4-4-4-12 hex digits.
  static constexpr std::array<std::size_t, 5> kGroups = {8, 4, 4, 4, 12};
  auto bad = [&] { return make_error(Reason::InvalidInput, "invalid CLSID \"" + original + "\""); };
  if (text.size() != 36) return bad();
  std::array<uint8_t, 16> digits_as_bytes{};  // big-endian reading order
  std::size_t pos = 0;
  std::size_t byte = 0;
  for (std::size_t g = 0; g < kGroups.size(); ++g) {
    if (g > 0) {
      if (text[pos] != '-') return bad();
      ++pos;
    }
    for (std::size_t i = 0; i < kGroups[g]; i += 2) {
      int hi = hex_value(text[pos]);
      int lo = hex_value(text[pos + 1]);
      if (hi < 0 || lo < 0) return bad();
      digits_as_bytes[byte++] = static_cast<uint8_t>(hi * 16 + lo);
      pos += 2;
    }
  }
  // Data1, Data2, Data3 are integers stored little-endian; Data4 is bytes.
  ClsidBytes out{};
  const uint8_t* d = digits_as_bytes.data();
  out[0] = d[3]; out[1] = d[2]; out[2] = d[1]; out[3] = d[0];
  out[4] = d[5]; out[5] = d[4];
  out[6] = d[7]; out[7] = d[6];
  std::copy(d + 8, d + 16, out.begin() + 8);
  return out;
}

std::array<uint8_t, kHeaderSize> encode_header(const IpcHeader& header) {
  std::array<uint8_t, kHeaderSize> out{};
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  out[14] = static_cast<uint8_t>(header.size & 0xFF);
  out[15] = static_cast<uint8_t>(header.size >> 8);
  out[16] = header.command_set;
  out[17] = header.command_id;
  out[18] = static_cast<uint8_t>(header.reserved & 0xFF);
  out[19] = static_cast<uint8_t>(header.reserved >> 8);
  return out;
}

Result<std::vector<uint8_t>> utf8_to_utf16le(std::string_view text) {
  std::vector<uint8_t> out;
  out.reserve(text.size() * 2);
  auto invalid = [] { return make_error(Reason::InvalidInput, "text is not valid UTF-8"); };
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<uint8_t>(text[i]);
    uint32_t cp = 0;
    std::size_t len = 0;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
    } else if ((b0 & 0xE0) == 0xC0) {
      cp = b0 & 0x1F;
      len = 2;
    } else if ((b0 & 0xF0) == 0xE0) {
      cp = b0 & 0x0F;
      len = 3;
    } else if ((b0 & 0xF8) == 0xF0) {
      cp = b0 & 0x07;
      len = 4;
    } else {
      return invalid();
    }
    if (i + len > text.size()) return invalid();
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<uint8_t>(text[i + k]);
      if ((b & 0xC0) != 0x80) return invalid();
      cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return invalid();
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put_u16(out, static_cast<uint16_t>(0xD800 + (cp >> 10)));
      put_u16(out, static_cast<uint16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      put_u16(out, static_cast<uint16_t>(cp));
    }
    i += len;
  }
  return out;
}

Result<std::string> utf16le_to_utf8(std::span<const uint8_t> bytes) {
  if (bytes.size() % 2 != 0) return make_error(Reason::InvalidInput, "UTF-16 text has an odd byte count");
  std::string out;
  out.reserve(bytes.size() / 2);
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    uint32_t cp = get_u16(bytes.data() + i);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (i + 4 > bytes.size()) return make_error(Reason::InvalidInput, "UTF-16 text ends inside a surrogate pair");
      uint32_t low = get_u16(bytes.data() + i + 2);
      if (low < 0xDC00 || low > 0xDFFF) return make_error(Reason::InvalidInput, "unpaired UTF-16 surrogate");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      i += 2;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return make_error(Reason::InvalidInput, "unpaired UTF-16 surrogate");
    }
    append_utf8(cp, out);
  }
  return out;
}

Result<std::vector<uint8_t>> encode_attach_profiler(const AttachProfilerRequest& request) {
  if (request.profiler_path.empty()) return make_error(Reason::InvalidInput, "the profiler path is empty");
  if (request.profiler_path.find('\0') != std::string::npos) {
    return make_error(Reason::InvalidInput, "the profiler path contains a NUL character");
  }
  auto path = utf8_to_utf16le(request.profiler_path);
  if (!path) return make_error(Reason::InvalidInput, "the profiler path is not valid UTF-8");

  const std::size_t path_units = path->size() / 2 + 1;  // + NUL
  const std::size_t size = kHeaderSize + 4 + 16 + 4 + path_units * 2 + 4 + request.client_data.size();
  if (size > kMaxMessageSize) {
    return make_error(Reason::InvalidInput, "the AttachProfiler message would be " + std::to_string(size) +
                                                " bytes; the protocol allows at most " +
                                                std::to_string(kMaxMessageSize));
  }

  std::vector<uint8_t> out;
  out.reserve(size);
  const auto header = encode_header({static_cast<uint16_t>(size), command_set::kProfiler,
                                     command_id::kAttachProfiler, 0});
  out.insert(out.end(), header.begin(), header.end());
  put_u32(out, request.attach_timeout_ms);
  out.insert(out.end(), request.profiler_clsid.begin(), request.profiler_clsid.end());
  put_u32(out, static_cast<uint32_t>(path_units));
  out.insert(out.end(), path->begin(), path->end());
  put_u16(out, 0);
  put_u32(out, static_cast<uint32_t>(request.client_data.size()));
  out.insert(out.end(), request.client_data.begin(), request.client_data.end());
  return out;
}

std::vector<uint8_t> encode_process_info() {
  const auto header = encode_header({static_cast<uint16_t>(kHeaderSize), command_set::kProcess,
                                     command_id::kProcessInfo, 0});
  return {header.begin(), header.end()};
}

Result<IpcHeader> decode_header(std::span<const uint8_t> bytes) {
  if (bytes.size() < kHeaderSize) {
    return make_error(Reason::Truncated, "malformed response: " + std::to_string(bytes.size()) +
                                             " bytes, shorter than the 20-byte header");
  }
  if (!std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
    return make_error(Reason::InvalidInput, "malformed response: the header does not start with \"DOTNET_IPC_V1\"");
  }
  IpcHeader header;
  header.size = get_u16(bytes.data() + 14);
  header.command_set = bytes[16];
  header.command_id = bytes[17];
  header.reserved = get_u16(bytes.data() + 18);
  if (header.size < kHeaderSize) {
    return make_error(Reason::InvalidInput, "malformed response: the header gives a size of " +
                                                std::to_string(header.size) + " bytes, less than the header");
  }
  return header;
}

Result<Response> decode_response(std::span<const uint8_t> bytes) {
  auto header = decode_header(bytes);
  if (!header) return header.error();
  if (header->size != bytes.size()) {
    return make_error(header->size > bytes.size() ? Reason::Truncated : Reason::InvalidInput,
                      "malformed response: the header gives " + std::to_string(header->size) + " bytes, got " +
                          std::to_string(bytes.size()));
  }
  Response response;
  response.header = *header;
  response.payload.assign(bytes.begin() + kHeaderSize, bytes.end());
  return response;
}

Result<uint32_t> response_hresult(const Response& response) {
  if (!response.is_ok() && !response.is_error()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "command 0x%02X%02X", response.header.command_set, response.header.command_id);
    return make_error(Reason::InvalidInput,
                      std::string("malformed response: expected a Server OK or error reply, got ") + buf);
  }
  if (response.payload.size() < 4) {
    return make_error(Reason::InvalidInput, "malformed response: the " +
                                                std::string(response.is_ok() ? "OK" : "error") +
                                                " reply has " + std::to_string(response.payload.size()) +
                                                " payload bytes, expected a 4-byte HRESULT");
  }
  return get_u32(response.payload.data());
}

Result<ProcessInfo> parse_process_info(std::span<const uint8_t> payload) {
  PayloadReader reader(payload);
  ProcessInfo info;
  if (!reader.read_u64(info.process_id) || !reader.read_bytes(info.runtime_cookie.data(), 16)) {
    return make_error(Reason::Truncated, "malformed response: ProcessInfo payload is too short");
  }
  auto command_line = reader.read_string("the command line");
  if (!command_line) return command_line.error();
  auto os = reader.read_string("the OS name");
  if (!os) return os.error();
  auto arch = reader.read_string("the architecture");
  if (!arch) return arch.error();
  info.command_line = std::move(*command_line);
  info.os = std::move(*os);
  info.arch = std::move(*arch);
  return info;
}

}  // namespace clrprobe::diagnostics
