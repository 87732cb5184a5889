// parse_request_payload: the bytes → JSON step every request goes through.
#include "control/frame.h"

#include <gtest/gtest.h>

#include <chrono>

#include "test_support.h"

namespace clrprobe::control {
namespace {

using test::bytes_of;

Result<nlohmann::json> parse_payload(std::string_view text) { return parse_request_payload(bytes_of(text)); }

std::string nested(int depth, char open, char close, std::string_view inner = "") {
  std::string s;
  for (int i = 0; i < depth; ++i) s += open;
  s += inner;
  for (int i = 0; i < depth; ++i) s += close;
  return s;
}

TEST(Payload, AcceptsObject) {
  auto parsed = parse_payload(R"({"op":"ping","extra":[1,2,{"x":null}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  EXPECT_EQ((*parsed)["op"], "ping");
}

TEST(Payload, RejectsNonObjects) {
  for (std::string_view text : {"[]", "\"ping\"", "42", "null", "true", "[{\"op\":\"ping\"}]"}) {
    auto parsed = parse_payload(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().reason, Reason::InvalidInput);
    EXPECT_NE(parsed.error().message.find("must be a JSON object"), std::string::npos) << text;
  }
}

TEST(Payload, RejectsInvalidJson) {
  for (std::string_view text : {"", " ", "{", "{\"op\":}", "{} x", "{}{}", "{'op':'ping'}", "{\"a\":1,}",
                                "{\"a\":01}", "{\"a\":NaN}", "{/*c*/}"}) {
    auto parsed = parse_payload(text);
    EXPECT_FALSE(parsed.ok()) << text;
  }
}

TEST(Payload, RejectsInvalidUtf8) {
  const std::string cases[] = {
      std::string("{\"op\":\"\xff\"}"),          // never valid
      std::string("{\"op\":\"\xc0\xaf\"}"),      // overlong '/'
      std::string("{\"op\":\"\xed\xa0\x80\"}"),  // UTF-16 surrogate encoded in UTF-8
      std::string("{\"op\":\"\xe2\x82\"}"),      // truncated sequence
      std::string("{\"\xfe\":1}"),               // in a key
      std::string("{\"op\":\"ping\"}\xff"),      // after the value
      std::string("{\"op\":\"\\ud800\"}"),       // lone surrogate escape
  };
  for (const auto& text : cases) {
    auto parsed = parse_payload(text);
    EXPECT_FALSE(parsed.ok()) << text;
  }
  EXPECT_TRUE(parse_payload("{\"op\":\"caf\xc3\xa9 \\u00e9 \xf0\x9f\x98\x80\"}").ok());
}

TEST(Payload, RejectsEmbeddedNul) {
  const std::string text("{\"op\":\"pi\0ng\"}", 14);
  EXPECT_FALSE(parse_request_payload(bytes_of(text)).ok());
}

TEST(Payload, AcceptsNestingUpToLimit) {
  // The object itself is level 1.
  const std::string arrays = "{\"a\":" + nested(kMaxJsonDepth - 1, '[', ']') + "}";
  EXPECT_TRUE(parse_payload(arrays).ok()) << arrays;
  std::string objects = "{}";
  for (int i = 1; i < kMaxJsonDepth; ++i) objects = "{\"k\":" + objects + "}";
  EXPECT_TRUE(parse_payload(objects).ok());
}

TEST(Payload, RejectsNestingBeyondLimit) {
  const std::string arrays = "{\"a\":" + nested(kMaxJsonDepth, '[', ']') + "}";
  auto parsed = parse_payload(arrays);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("nested deeper"), std::string::npos);
  std::string objects = "{}";
  for (int i = 0; i < kMaxJsonDepth; ++i) objects = "{\"k\":" + objects + "}";
  EXPECT_FALSE(parse_payload(objects).ok());
}

TEST(Payload, DeepNestingBombIsCheap) {
  // A full 64 KiB of '[' (unterminated, and terminated): rejected, fast.
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(parse_payload(std::string(kMaxRequestPayload, '[')).ok());
  const std::string closed = "{\"a\":" + nested((kMaxRequestPayload - 6) / 2, '[', ']') + "}";
  ASSERT_LE(closed.size(), kMaxRequestPayload);
  EXPECT_FALSE(parse_payload(closed).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(Payload, RejectsOverCap) {
  std::string text = "{\"s\":\"" + std::string(kMaxRequestPayload, 'x') + "\"}";
  auto parsed = parse_payload(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("exceeds"), std::string::npos);
  // Responses have their own, larger cap.
  EXPECT_TRUE(parse_response_payload(bytes_of(text)).ok());
}

TEST(Payload, HugeNumbersDoNotThrow) {
  EXPECT_TRUE(parse_payload("{\"n\":123456789012345678901234567890}").ok());
  EXPECT_FALSE(parse_payload("{\"n\":1e999999}").ok());
}

}  // namespace
}  // namespace clrprobe::control
