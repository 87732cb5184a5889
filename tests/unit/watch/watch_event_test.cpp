// The binary form of an event: every value kind survives the round trip,
// and an event too large for a ring record is shortened, never refused.
#include <gtest/gtest.h>

#include <string>

#include "watch/watch_event.h"

namespace clrprobe::watch {
namespace {

Event sample_event() {
  Event e;
  e.watch_id = 7;
  e.time_unix_ns = 1'700'000'000'123'456'789ull;
  e.thread = 4242;
  e.method = "MyApp.Orders.Store::Save";
  e.latency_ns = 51'000'000;
  Value color = Value::integer(2, "MyApp.Color");
  color.text = "Blue";
  Value ch{ValueKind::Char, "System.Char"};
  ch.i = 0xE9;
  ch.text = "é";
  Value when{ValueKind::Text, "System.DateTime"};
  when.text = "2024-02-29T12:34:56.0000000Z";
  e.args = {{"id", Value::integer(-5, "System.Int32")},
            {"big", Value::unsigned_integer(18446744073709551615ull, "System.UInt64")},
            {"ratio", Value::floating(0.25)},
            {"ok", Value::boolean(true)},
            {"initial", ch},
            {"color", color},
            {"name", Value::string("Zoë", 3)},
            {"nothing", Value::null("System.String")},
            {"when", when},
            {"items", Value::object("System.Int32[]", 3)},
            {"skipped", Value{}}};
  e.return_value = Value::integer(42, "System.Int32");
  e.exception = Value::object("System.TimeoutException");
  e.exception.text = "too slow";
  e.stack = {"MyApp.Orders.Api::Post", "MyApp.Program::Main"};
  e.note = "";
  return e;
}

TEST(WatchEvent, EveryValueKindRoundTripsExactly) {
  const Event e = sample_event();
  auto bytes = encode_event(e, 8000);
  auto back = decode_event(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, e);
}

TEST(WatchEvent, AStackErrorRoundTripsAndFormatOneRecordsStillDecode) {
  Event e = sample_event();
  e.stack.clear();
  e.stack_error = "the runtime refused the stack walk: hr=0x80131360";
  auto back = decode_event(encode_event(e, 8000));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, e);

  // A format 1 record (before stack_error): the same bytes without the last string.
  e.stack_error.clear();
  auto bytes = encode_event(e, 8000);
  ASSERT_EQ(bytes[0], 2);
  bytes[0] = 1;
  bytes.resize(bytes.size() - 4);  // the empty stack_error: its length only
  auto old = decode_event(bytes);
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(*old, e);
}

TEST(WatchEvent, AnEventTooLargeForARecordIsShortenedAndSaysSo) {
  Event e = sample_event();
  e.args[6].value = Value::string(std::string(5000, 'x'), 5000);
  for (int i = 0; i < 32; ++i) e.stack.push_back("Some.Long.Namespace.Type" + std::to_string(i) + "::Method");
  auto bytes = encode_event(e, 2000);
  ASSERT_LE(bytes.size(), 2000u);
  auto back = decode_event(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->method, e.method);
  EXPECT_LT(back->args[6].value.text.size(), 5000u);
  EXPECT_EQ(back->args[6].value.length, 5000);
  EXPECT_NE(back->note.find("shortened"), std::string::npos);
}

TEST(WatchEvent, ShorteningNeverCutsAUtf8CharacterInHalf) {
  Event e = sample_event();
  e.args = {{"s", Value::string(std::string(20, 'a') + std::string(3000, '\xC3'))}};
  // 'é' is C3 A9: build a string of them so any cut lands mid-sequence.
  std::string accented;
  for (int i = 0; i < 2000; ++i) accented += "é";
  e.args[0].value = Value::string(accented, 2000);
  auto back = decode_event(encode_event(e, 600));
  ASSERT_TRUE(back);
  const std::string& text = back->args[0].value.text;
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.size() % 2, 0u);
  EXPECT_EQ(static_cast<uint8_t>(text.back()), 0xA9);
}

TEST(WatchEvent, TruncatedOrCorruptRecordsAreRefused) {
  auto bytes = encode_event(sample_event(), 8000);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{20}, bytes.size() - 1}) {
    EXPECT_FALSE(decode_event(std::span<const uint8_t>(bytes.data(), cut))) << cut;
  }
  bytes.push_back(0);
  EXPECT_FALSE(decode_event(bytes));
  bytes.pop_back();
  bytes[0] = 99;
  EXPECT_FALSE(decode_event(bytes));
}

}  // namespace
}  // namespace clrprobe::watch
