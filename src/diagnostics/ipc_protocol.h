// The .NET runtime's diagnostics IPC protocol ("DOTNET_IPC_V1"), as far as
// clrprobe needs it: encoding requests and decoding responses. Pure byte
// work, no I/O, so every path is unit-tested (see ipc_client.h for the
// transport).
//
// Every message is a 20-byte header followed by a payload, integers
// little-endian:
//
//   offset size field
//        0   14 magic "DOTNET_IPC_V1\0"
//       14    2 size of the whole message (header + payload)
//       16    1 command set
//       17    1 command id
//       18    2 reserved, 0
//
// A response has command set 0xFF (Server): id 0x00 is OK (payload is
// command-specific; for AttachProfiler an int32 HRESULT), id 0xFF is an
// error whose payload is an int32 HRESULT. The server closes the connection
// after an error.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace clrprobe::diagnostics {

inline constexpr std::size_t kMagicSize = 14;
inline constexpr std::array<uint8_t, kMagicSize> kMagic = {'D', 'O', 'T', 'N', 'E', 'T', '_',
                                                           'I', 'P', 'C', '_', 'V', '1', '\0'};
inline constexpr std::size_t kHeaderSize = 20;
// The size field is 16 bits: no message, request or response, is larger.
inline constexpr std::size_t kMaxMessageSize = 0xFFFF;

namespace command_set {
inline constexpr uint8_t kDump = 0x01;
inline constexpr uint8_t kEventPipe = 0x02;
inline constexpr uint8_t kProfiler = 0x03;
inline constexpr uint8_t kProcess = 0x04;
inline constexpr uint8_t kServer = 0xFF;
}  // namespace command_set

namespace command_id {
inline constexpr uint8_t kAttachProfiler = 0x01;  // Profiler set
inline constexpr uint8_t kProcessInfo = 0x00;     // Process set
inline constexpr uint8_t kServerOk = 0x00;        // Server set
inline constexpr uint8_t kServerError = 0xFF;     // Server set
}  // namespace command_id

struct IpcHeader {
  uint16_t size = 0;  // whole message
  uint8_t command_set = 0;
  uint8_t command_id = 0;
  uint16_t reserved = 0;
};

// A COM CLSID in its in-memory (wire) layout: Data1 as a little-endian
// uint32, Data2 and Data3 as little-endian uint16, then Data4's 8 bytes.
using ClsidBytes = std::array<uint8_t, 16>;

// Parses "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (braces optional, hex
// digits of either case) into the wire layout.
Result<ClsidBytes> parse_clsid(std::string_view text);

struct AttachProfilerRequest {
  uint32_t attach_timeout_ms = 10000;
  ClsidBytes profiler_clsid{};
  std::string profiler_path;          // UTF-8; sent as UTF-16LE with a terminating NUL
  std::vector<uint8_t> client_data;   // passed to ICorProfilerCallback3::InitializeForAttach
};

// Header + payload: uint32 timeout, 16-byte CLSID, string path (uint32
// length in UTF-16 code units including the NUL, then UTF-16LE), uint32
// client data length, client data bytes. InvalidInput when the path is
// empty or not valid UTF-8, or the message would exceed kMaxMessageSize.
Result<std::vector<uint8_t>> encode_attach_profiler(const AttachProfilerRequest& request);

// The 20-byte ProcessInfo request (Process set, id 0x00, no payload).
std::vector<uint8_t> encode_process_info();

// Serializes a header (exposed for tests and the fake servers in them).
std::array<uint8_t, kHeaderSize> encode_header(const IpcHeader& header);

// Checks magic and size (>= 20) of the first 20 bytes of a message.
// InvalidInput for a wrong magic or an impossible size, Truncated for fewer
// than 20 bytes.
Result<IpcHeader> decode_header(std::span<const uint8_t> bytes);

// A whole response (header and payload) as the server sent it.
struct Response {
  IpcHeader header;
  std::vector<uint8_t> payload;

  bool is_ok() const {
    return header.command_set == command_set::kServer && header.command_id == command_id::kServerOk;
  }
  bool is_error() const {
    return header.command_set == command_set::kServer && header.command_id == command_id::kServerError;
  }
};

// Decodes one complete message; its header's size must equal bytes.size().
Result<Response> decode_response(std::span<const uint8_t> bytes);

// The HRESULT a response to AttachProfiler (or any command that answers an
// HRESULT) carries: the OK payload's int32, or the error payload's int32.
// InvalidInput for any other command set/id or a payload shorter than 4
// bytes ("malformed response ...").
Result<uint32_t> response_hresult(const Response& response);

struct ProcessInfo {
  uint64_t process_id = 0;
  std::array<uint8_t, 16> runtime_cookie{};
  std::string command_line;  // UTF-8
  std::string os;
  std::string arch;
};

// Parses an OK response's payload to ProcessInfo: uint64 pid, 16-byte
// cookie, then three strings (uint32 UTF-16 length with NUL, UTF-16LE).
Result<ProcessInfo> parse_process_info(std::span<const uint8_t> payload);

// UTF-8 <-> UTF-16LE bytes for the protocol's strings (no NUL added or
// expected). Invalid input is InvalidInput, never replaced silently.
Result<std::vector<uint8_t>> utf8_to_utf16le(std::string_view text);
Result<std::string> utf16le_to_utf8(std::span<const uint8_t> bytes);

}  // namespace clrprobe::diagnostics
