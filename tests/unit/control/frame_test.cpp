#include "control/frame.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace clrprobe::control {
namespace {

using test::bytes_of;
using test::header_bytes;

TEST(Frame, EncodesHeaderLittleEndian) {
  const auto frame = encode_frame(std::string_view("{}"));
  const std::vector<uint8_t> expected = {'C', 'L', 'P', 'B', 1, 0, 0, 0, 2, 0, 0, 0, '{', '}'};
  EXPECT_EQ(frame, expected);
}

TEST(Frame, RoundTripsThroughHeaderParserAndDecoder) {
  const std::string payload = R"({"op":"add","selector":"MyApp.*::Get*"})";
  const auto frame = encode_frame(std::string_view(payload));
  auto header = parse_frame_header(frame);
  ASSERT_TRUE(header.ok()) << header.error().describe();
  EXPECT_EQ(header->version, kProtocolVersion);
  EXPECT_EQ(header->flags, 0);
  EXPECT_EQ(header->payload_length, payload.size());

  FrameDecoder decoder;
  auto used = decoder.feed(frame);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(*used, frame.size());
  ASSERT_TRUE(decoder.complete());
  EXPECT_EQ(std::string(decoder.payload().begin(), decoder.payload().end()), payload);
}

TEST(Frame, DecoderAcceptsOneByteAtATime) {
  const auto frame = encode_frame(std::string_view(R"({"op":"ping"})"));
  FrameDecoder decoder;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    EXPECT_FALSE(decoder.complete());
    EXPECT_EQ(decoder.bytes_needed() > 0, true);
    auto used = decoder.feed(std::span<const uint8_t>(&frame[i], 1));
    ASSERT_TRUE(used.ok()) << i;
    EXPECT_EQ(*used, 1u);
  }
  EXPECT_TRUE(decoder.complete());
  EXPECT_EQ(decoder.bytes_needed(), 0u);
}

TEST(Frame, DecoderNeverConsumesPastTheFrame) {
  auto bytes = encode_frame(std::string_view("{}"));
  const std::size_t frame_size = bytes.size();
  bytes.insert(bytes.end(), {'C', 'L', 'P', 'B', 'x'});
  FrameDecoder decoder;
  auto used = decoder.feed(bytes);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(*used, frame_size);
  EXPECT_TRUE(decoder.complete());
  auto more = decoder.feed(bytes);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(*more, 0u);
}

TEST(Frame, EmptyPayloadCompletesAfterHeader) {
  FrameDecoder decoder;
  ASSERT_TRUE(decoder.feed(header_bytes(1, 0, 0)).ok());
  EXPECT_TRUE(decoder.complete());
  EXPECT_TRUE(decoder.payload().empty());
}

TEST(Frame, BadMagicRejectedAtFirstWrongByte) {
  FrameDecoder decoder;
  auto used = decoder.feed(bytes_of("G"));
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().reason, Reason::InvalidInput);
  EXPECT_NE(used.error().message.find("magic"), std::string::npos);
  EXPECT_EQ(decoder.bytes_needed(), 0u);

  FrameDecoder partial;
  ASSERT_TRUE(partial.feed(bytes_of("CL")).ok());
  EXPECT_FALSE(partial.feed(bytes_of("X")).ok());
}

TEST(Frame, DecoderErrorIsSticky) {
  FrameDecoder decoder;
  ASSERT_FALSE(decoder.feed(bytes_of("nope")).ok());
  const auto good = encode_frame(std::string_view("{}"));
  EXPECT_FALSE(decoder.feed(good).ok());
  EXPECT_FALSE(decoder.complete());
}

TEST(Frame, HeaderRejectsBadMagic) {
  auto h = header_bytes(1, 0, 2);
  for (std::size_t i = 0; i < 4; ++i) {
    auto bad = h;
    bad[i] ^= 0x20;
    auto parsed = parse_frame_header(bad);
    ASSERT_FALSE(parsed.ok()) << i;
    EXPECT_EQ(parsed.error().reason, Reason::InvalidInput);
  }
}

TEST(Frame, HeaderRejectsBadVersion) {
  for (uint16_t version : {0, 2, 0x0100, 0xFFFF}) {
    auto parsed = parse_frame_header(header_bytes(version, 0, 2));
    ASSERT_FALSE(parsed.ok()) << version;
    EXPECT_NE(parsed.error().message.find("version"), std::string::npos);
  }
}

TEST(Frame, HeaderRejectsNonZeroFlags) {
  for (uint16_t flags : {1, 0x8000, 0xFFFF}) {
    auto parsed = parse_frame_header(header_bytes(1, flags, 2));
    ASSERT_FALSE(parsed.ok()) << flags;
    EXPECT_NE(parsed.error().message.find("flags"), std::string::npos);
  }
}

TEST(Frame, HeaderRejectsOversizedLength) {
  EXPECT_TRUE(parse_frame_header(header_bytes(1, 0, kMaxRequestPayload)).ok());
  for (uint32_t length : {kMaxRequestPayload + 1, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
    auto parsed = parse_frame_header(header_bytes(1, 0, length));
    ASSERT_FALSE(parsed.ok()) << length;
    EXPECT_NE(parsed.error().message.find("exceeds"), std::string::npos);
  }
  // The response cap is separate and larger.
  EXPECT_TRUE(parse_frame_header(header_bytes(1, 0, kMaxResponsePayload), kMaxResponsePayload).ok());
  EXPECT_FALSE(parse_frame_header(header_bytes(1, 0, kMaxResponsePayload + 1), kMaxResponsePayload).ok());
}

TEST(Frame, DecoderRejectsOversizedLengthBeforeAnyPayload) {
  FrameDecoder decoder;
  auto used = decoder.feed(header_bytes(1, 0, kMaxRequestPayload + 1));
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(decoder.bytes_needed(), 0u);
}

TEST(Frame, TruncatedHeaderIsTruncated) {
  const auto h = header_bytes(1, 0, 2);
  for (std::size_t n = 0; n < kFrameHeaderSize; ++n) {
    auto parsed = parse_frame_header(std::span<const uint8_t>(h.data(), n));
    ASSERT_FALSE(parsed.ok()) << n;
    EXPECT_EQ(parsed.error().reason, Reason::Truncated) << n;
  }
}

TEST(Frame, HeaderIgnoresBytesAfterIt) {
  auto bytes = header_bytes(1, 0, 3);
  bytes.push_back('x');
  auto parsed = parse_frame_header(bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->payload_length, 3u);
}

TEST(Frame, JsonFrameEnforcesCap) {
  nlohmann::json big = {{"s", std::string(100, 'x')}};
  EXPECT_TRUE(encode_json_frame(big, 1000).ok());
  auto too_big = encode_json_frame(big, 50);
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.error().message.find("exceeds"), std::string::npos);
}

TEST(Frame, JsonFrameReplacesInvalidUtf8InsteadOfThrowing) {
  nlohmann::json bad = {{"message", std::string("bad \xff\xfe bytes")}};
  auto frame = encode_json_frame(bad, kMaxResponsePayload);
  ASSERT_TRUE(frame.ok());
  auto payload = std::span<const uint8_t>(*frame).subspan(kFrameHeaderSize);
  auto parsed = parse_response_payload(payload);
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  EXPECT_EQ((*parsed)["message"].get<std::string>().substr(0, 4), "bad ");
}

}  // namespace
}  // namespace clrprobe::control
