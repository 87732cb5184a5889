// Byte-exact encoding of diagnostics IPC requests and decoding of replies,
// including malformed and truncated ones.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "common/agent_clsid.h"
#include "diagnostics/ipc_protocol.h"

namespace clrprobe::diagnostics {
namespace {

std::vector<uint8_t> bytes(std::initializer_list<int> list) {
  std::vector<uint8_t> out;
  for (int b : list) out.push_back(static_cast<uint8_t>(b));
  return out;
}

std::vector<uint8_t> header_bytes(uint16_t size, uint8_t set, uint8_t id) {
  auto h = encode_header({size, set, id, 0});
  return {h.begin(), h.end()};
}

std::vector<uint8_t> reply(uint8_t set, uint8_t id, const std::vector<uint8_t>& payload) {
  auto out = header_bytes(static_cast<uint16_t>(kHeaderSize + payload.size()), set, id);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

TEST(Clsid, ParsesToInMemoryLayout) {
  auto clsid = parse_clsid("{00112233-4455-6677-8899-aabbccddeeff}");
  ASSERT_TRUE(clsid.ok()) << clsid.error().message;
  // Data1 little-endian, Data2 and Data3 little-endian, Data4 as written.
  EXPECT_EQ(std::vector<uint8_t>(clsid->begin(), clsid->end()),
            bytes({0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}));
}

TEST(Clsid, AgentClsidParsesWithOrWithoutBraces) {
  auto with = parse_clsid(kAgentClsid);
  ASSERT_TRUE(with.ok());
  std::string bare(kAgentClsid);
  auto without = parse_clsid(bare.substr(1, bare.size() - 2));
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(*with, *without);
  // {8f4e8a5c-3b6d-4c1e-...}: Data1 0x8f4e8a5c stored as 5c 8a 4e 8f.
  EXPECT_EQ((*with)[0], 0x5c);
  EXPECT_EQ((*with)[3], 0x8f);
  EXPECT_EQ((*with)[4], 0x6d);
  EXPECT_EQ((*with)[5], 0x3b);
}

TEST(Clsid, RejectsMalformed) {
  for (const char* text : {"", "{}", "00112233-4455-6677-8899-aabbccddeef", "00112233-4455-6677-8899-aabbccddeeffa",
                           "0011223344556677-8899-aabbccddeeff", "{00112233-4455-6677-8899-aabbccddeefg}",
                           "00112233_4455-6677-8899-aabbccddeeff"}) {
    EXPECT_FALSE(parse_clsid(text).ok()) << text;
  }
}

TEST(Header, EncodesMagicSizeCommandReserved) {
  EXPECT_EQ(header_bytes(0x1234, 0x03, 0x01),
            bytes({'D', 'O', 'T', 'N', 'E', 'T', '_', 'I', 'P', 'C', '_', 'V', '1', 0, 0x34, 0x12, 0x03, 0x01, 0, 0}));
}

TEST(ProcessInfoRequest, IsABareHeader) {
  EXPECT_EQ(encode_process_info(),
            bytes({'D', 'O', 'T', 'N', 'E', 'T', '_', 'I', 'P', 'C', '_', 'V', '1', 0, 20, 0, 0x04, 0x00, 0, 0}));
}

TEST(AttachProfiler, EncodesByteExact) {
  AttachProfilerRequest req;
  req.attach_timeout_ms = 0x01020304;
  req.profiler_clsid = *parse_clsid("{00112233-4455-6677-8899-aabbccddeeff}");
  req.profiler_path = "/a.so";
  req.client_data = {'k', '=', 'v', '\n'};
  auto message = encode_attach_profiler(req);
  ASSERT_TRUE(message.ok()) << message.error().message;
  // 20 header + 4 timeout + 16 clsid + 4 length + 6 chars * 2 + 4 length + 4 data = 64
  std::vector<uint8_t> expected =
      bytes({'D', 'O', 'T', 'N', 'E', 'T', '_', 'I', 'P', 'C', '_', 'V', '1', 0, 64, 0, 0x03, 0x01, 0, 0,
             0x04, 0x03, 0x02, 0x01,
             0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
             6, 0, 0, 0,  // "/a.so" + NUL in UTF-16 code units
             '/', 0, 'a', 0, '.', 0, 's', 0, 'o', 0, 0, 0,
             4, 0, 0, 0, 'k', '=', 'v', '\n'});
  EXPECT_EQ(*message, expected);
}

TEST(AttachProfiler, EmptyClientDataHasZeroLength) {
  AttachProfilerRequest req;
  req.profiler_path = "x";
  auto message = encode_attach_profiler(req);
  ASSERT_TRUE(message.ok());
  ASSERT_EQ(message->size(), 20u + 4 + 16 + 4 + 4 + 4);
  EXPECT_EQ((*message)[14], message->size());
  EXPECT_EQ(std::vector<uint8_t>(message->end() - 4, message->end()), bytes({0, 0, 0, 0}));
}

TEST(AttachProfiler, NonAsciiPathIsUtf16) {
  AttachProfilerRequest req;
  req.profiler_path = "/\xC3\xA9\xF0\x9F\x98\x80";  // "/é😀": 1 + 1 + 2 (surrogate pair) code units
  auto message = encode_attach_profiler(req);
  ASSERT_TRUE(message.ok());
  const std::size_t at = 20 + 4 + 16;
  EXPECT_EQ((*message)[at], 5);  // 4 units + NUL
  EXPECT_EQ(std::vector<uint8_t>(message->begin() + at + 4, message->begin() + at + 4 + 10),
            bytes({'/', 0, 0xE9, 0x00, 0x3D, 0xD8, 0x00, 0xDE, 0, 0}));
}

TEST(AttachProfiler, RejectsBadInput) {
  AttachProfilerRequest req;
  EXPECT_FALSE(encode_attach_profiler(req).ok());  // empty path
  req.profiler_path = "/bad\xFF";
  EXPECT_FALSE(encode_attach_profiler(req).ok());
  req.profiler_path = std::string("/a\0b", 4);
  EXPECT_FALSE(encode_attach_profiler(req).ok());
  req.profiler_path = "/ok";
  req.client_data.assign(70000, 'x');  // size field is 16 bits
  auto too_big = encode_attach_profiler(req);
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.error().message.find("at most 65535"), std::string::npos);
}

TEST(Utf, RoundTripsAndRejectsInvalid) {
  auto u16 = utf8_to_utf16le("A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  ASSERT_TRUE(u16.ok());
  auto back = utf16le_to_utf8(*u16);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_FALSE(utf8_to_utf16le("\xC0\x80").ok());      // overlong
  EXPECT_FALSE(utf8_to_utf16le("\xED\xA0\x80").ok());  // surrogate
  EXPECT_FALSE(utf8_to_utf16le("\xE2\x82").ok());      // truncated
  EXPECT_FALSE(utf16le_to_utf8(bytes({0x3D, 0xD8})).ok());  // lone high surrogate
  EXPECT_FALSE(utf16le_to_utf8(bytes({0x00, 0xDC})).ok());  // lone low surrogate
  EXPECT_FALSE(utf16le_to_utf8(bytes({0x41})).ok());        // odd length
}

TEST(Response, OkWithHresult) {
  auto r = decode_response(reply(0xFF, 0x00, bytes({0, 0, 0, 0})));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->is_ok());
  auto hr = response_hresult(*r);
  ASSERT_TRUE(hr.ok());
  EXPECT_EQ(*hr, 0u);
}

TEST(Response, ErrorWithHresult) {
  auto r = decode_response(reply(0xFF, 0xFF, bytes({0x6A, 0x13, 0x13, 0x80})));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_error());
  auto hr = response_hresult(*r);
  ASSERT_TRUE(hr.ok());
  EXPECT_EQ(*hr, 0x8013136Au);
}

TEST(Response, RejectsBadMagic) {
  auto bad = reply(0xFF, 0x00, bytes({0, 0, 0, 0}));
  bad[3] = 'X';
  auto r = decode_response(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, Reason::InvalidInput);
  EXPECT_NE(r.error().message.find("DOTNET_IPC_V1"), std::string::npos);
}

TEST(Response, RejectsShortOrInconsistentSizes) {
  EXPECT_EQ(decode_response(bytes({'D', 'O', 'T'})).error().reason, Reason::Truncated);
  auto whole = reply(0xFF, 0x00, bytes({0, 0, 0, 0}));
  // Header says 24, only 22 bytes present.
  auto cut = std::vector<uint8_t>(whole.begin(), whole.begin() + 22);
  EXPECT_EQ(decode_response(cut).error().reason, Reason::Truncated);
  // Header says less than a header.
  auto tiny = header_bytes(10, 0xFF, 0x00);
  EXPECT_EQ(decode_response(tiny).error().reason, Reason::InvalidInput);
  // More bytes than the header says.
  auto extra = whole;
  extra.push_back(0);
  EXPECT_FALSE(decode_response(extra).ok());
}

TEST(Response, HresultNeedsFourBytesAndAServerReply) {
  auto short_ok = decode_response(reply(0xFF, 0x00, bytes({0, 0})));
  ASSERT_TRUE(short_ok.ok());
  auto hr = response_hresult(*short_ok);
  ASSERT_FALSE(hr.ok());
  EXPECT_NE(hr.error().message.find("malformed response"), std::string::npos);

  auto empty_error = decode_response(reply(0xFF, 0xFF, {}));
  ASSERT_TRUE(empty_error.ok());
  EXPECT_FALSE(response_hresult(*empty_error).ok());

  auto other = decode_response(reply(0x03, 0x01, bytes({0, 0, 0, 0})));
  ASSERT_TRUE(other.ok());
  auto not_server = response_hresult(*other);
  ASSERT_FALSE(not_server.ok());
  EXPECT_NE(not_server.error().message.find("0x0301"), std::string::npos);
}

std::vector<uint8_t> protocol_string(const std::string& utf8) {
  std::vector<uint8_t> out;
  auto u16 = *utf8_to_utf16le(utf8);
  uint32_t units = static_cast<uint32_t>(u16.size() / 2 + 1);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(units >> (8 * i)));
  out.insert(out.end(), u16.begin(), u16.end());
  out.push_back(0);
  out.push_back(0);
  return out;
}

TEST(ProcessInfoReply, Parses) {
  std::vector<uint8_t> payload = bytes({0x39, 0x30, 0, 0, 0, 0, 0, 0});  // pid 12345
  for (int i = 0; i < 16; ++i) payload.push_back(static_cast<uint8_t>(i));
  for (const char* s : {"/usr/bin/dotnet app.dll", "Linux", "x64"}) {
    auto enc = protocol_string(s);
    payload.insert(payload.end(), enc.begin(), enc.end());
  }
  auto info = parse_process_info(payload);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->process_id, 12345u);
  EXPECT_EQ(info->runtime_cookie[15], 15);
  EXPECT_EQ(info->command_line, "/usr/bin/dotnet app.dll");
  EXPECT_EQ(info->os, "Linux");
  EXPECT_EQ(info->arch, "x64");

  // Every truncation fails cleanly.
  for (std::size_t n = 0; n < payload.size(); ++n) {
    EXPECT_FALSE(parse_process_info(std::span<const uint8_t>(payload.data(), n)).ok()) << n;
  }
}

TEST(ProcessInfoReply, EmptyStringsAndMissingNul) {
  std::vector<uint8_t> payload(24, 0);
  for (int i = 0; i < 3; ++i) payload.insert(payload.end(), {0, 0, 0, 0});  // three empty strings
  auto info = parse_process_info(payload);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->command_line, "");

  std::vector<uint8_t> no_nul(24, 0);
  no_nul.insert(no_nul.end(), {1, 0, 0, 0, 'A', 0});  // one unit, not NUL
  auto bad = parse_process_info(no_nul);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("NUL"), std::string::npos);

  std::vector<uint8_t> huge(24, 0);
  huge.insert(huge.end(), {0xFF, 0xFF, 0xFF, 0xFF});  // length far past the end
  EXPECT_EQ(parse_process_info(huge).error().reason, Reason::Truncated);
}

}  // namespace
}  // namespace clrprobe::diagnostics
