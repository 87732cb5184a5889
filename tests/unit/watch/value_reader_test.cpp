// Values read from memory laid out as the runtime lays it out: every kind
// the watch promises, from bytes, never by calling anything.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "watch/value_reader.h"

namespace clrprobe::watch {
namespace {

CapturePlan plan(CaptureKind kind, std::string type = {}) {
  CapturePlan p;
  p.kind = kind;
  p.type = std::move(type);
  return p;
}

template <typename T>
Value read(CaptureKind kind, T value, std::string type = {}) {
  return read_value(plan(kind, std::move(type)), &value, ObjectLayout{}, nullptr);
}

// A fake string object: method table, int32 length, UTF-16 characters.
std::vector<uint8_t> fake_string_object(const std::u16string& s) {
  std::vector<uint8_t> o(12 + s.size() * 2 + 2, 0);
  const auto length = static_cast<int32_t>(s.size());
  std::memcpy(o.data() + 8, &length, 4);
  std::memcpy(o.data() + 12, s.data(), s.size() * 2);
  return o;
}

TEST(ValueReader, NumbersBoolsAndCharsAreReadWithTheirDeclaredWidth) {
  EXPECT_EQ(read<int32_t>(CaptureKind::I4, -7), Value::integer(-7, "System.Int32"));
  EXPECT_EQ(read<int8_t>(CaptureKind::I1, -1).i, -1);
  EXPECT_EQ(read<uint8_t>(CaptureKind::U1, 255).u, 255u);
  EXPECT_EQ(read<int16_t>(CaptureKind::I2, -300).i, -300);
  EXPECT_EQ(read<uint16_t>(CaptureKind::U2, 65535).u, 65535u);
  EXPECT_EQ(read<uint32_t>(CaptureKind::U4, 4000000000u).u, 4000000000u);
  EXPECT_EQ(read<int64_t>(CaptureKind::I8, INT64_MIN).i, INT64_MIN);
  EXPECT_EQ(read<uint64_t>(CaptureKind::U8, UINT64_MAX).u, UINT64_MAX);
  EXPECT_EQ(read<float>(CaptureKind::R4, 1.5f).f, 1.5);
  EXPECT_EQ(read<double>(CaptureKind::R8, -0.125).f, -0.125);
  EXPECT_EQ(read<uint8_t>(CaptureKind::Bool, 1), Value::boolean(true));
  EXPECT_EQ(read<uint8_t>(CaptureKind::Bool, 0), Value::boolean(false));
  const Value c = read<char16_t>(CaptureKind::Char, u'é');
  EXPECT_EQ(c.kind, ValueKind::Char);
  EXPECT_EQ(c.i, 0xE9);
  EXPECT_EQ(c.text, "é");
}

TEST(ValueReader, EnumsGiveTheirValueAndMemberName) {
  CapturePlan p = plan(CaptureKind::Enum, "MyApp.Color");
  p.underlying = CaptureKind::I4;
  p.members = {{0, "Red"}, {1, "Green"}, {2, "Blue"}};
  int32_t blue = 2, unnamed = 9;
  const Value v = read_value(p, &blue, ObjectLayout{}, nullptr);
  EXPECT_EQ(v.kind, ValueKind::Int);
  EXPECT_EQ(v.i, 2);
  EXPECT_EQ(v.text, "Blue");
  EXPECT_EQ(v.type, "MyApp.Color");
  EXPECT_EQ(read_value(p, &unnamed, ObjectLayout{}, nullptr).text, "");
  p.underlying = CaptureKind::U1;
  uint8_t green = 1;
  EXPECT_EQ(read_value(p, &green, ObjectLayout{}, nullptr).text, "Green");
}

TEST(ValueReader, StringsAreReadUpTo256CharactersWithTheirFullLength) {
  auto hello = fake_string_object(u"Zoë 😀");
  const uint8_t* ref = hello.data();
  const Value v = read_value(plan(CaptureKind::String), &ref, ObjectLayout{}, nullptr);
  EXPECT_EQ(v, Value::string("Zoë 😀", 6));  // the emoji is two UTF-16 units
  auto long_one = fake_string_object(std::u16string(1000, u'x'));
  ref = long_one.data();
  const Value l = read_value(plan(CaptureKind::String), &ref, ObjectLayout{}, nullptr);
  EXPECT_EQ(l.text, std::string(256, 'x'));
  EXPECT_EQ(l.length, 1000);
  const uint8_t* null_ref = nullptr;
  EXPECT_EQ(read_value(plan(CaptureKind::String), &null_ref, ObjectLayout{}, nullptr).kind, ValueKind::Null);
}

TEST(ValueReader, OtherObjectsGiveTheirRuntimeTypeAndArraysTheirLength) {
  std::vector<uint8_t> array(8 + 8 + 3 * 4, 0);
  const uintptr_t int_array_mt = 0x1234, order_mt = 0x5678;
  std::memcpy(array.data(), &int_array_mt, 8);
  const uint32_t three = 3;
  std::memcpy(array.data() + 8, &three, 4);
  std::vector<uint8_t> order(16, 0);
  std::memcpy(order.data(), &order_mt, 8);
  const TypeNamer namer = [&](uintptr_t mt) {
    return mt == int_array_mt ? RuntimeType{"System.Int32[]", true} : RuntimeType{"MyApp.Order", false};
  };
  const uint8_t* ref = array.data();
  EXPECT_EQ(read_value(plan(CaptureKind::Reference, "System.Object"), &ref, ObjectLayout{}, namer),
            Value::object("System.Int32[]", 3));
  ref = order.data();
  EXPECT_EQ(read_value(plan(CaptureKind::Reference, "System.Object"), &ref, ObjectLayout{}, namer),
            Value::object("MyApp.Order"));
  ref = nullptr;
  EXPECT_EQ(read_value(plan(CaptureKind::Reference, "MyApp.Order"), &ref, ObjectLayout{}, namer),
            Value::null("MyApp.Order"));
}

TEST(ValueReader, DateTimeTimeSpanAndGuidAreRenderedFromTheirBytes) {
  const uint64_t utc = (1ull << 62) | 638448068961234560ull;  // 2024-02-29 12:34:56.123456 UTC
  EXPECT_EQ(read<uint64_t>(CaptureKind::DateTime, utc).text, "2024-02-29T12:34:56.1234560Z");
  EXPECT_EQ(format_datetime(0), "0001-01-01T00:00:00.0000000");
  EXPECT_EQ(read<int64_t>(CaptureKind::TimeSpan, 15'000'000).text, "00:00:01.5000000");
  EXPECT_EQ(format_timespan(-(int64_t{90061} * 10'000'000)), "-1.01:01:01");
  // new Guid("00112233-4455-6677-8899-aabbccddeeff") in memory
  const uint8_t guid[16] = {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
                            0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  const Value g = read_value(plan(CaptureKind::Guid), guid, ObjectLayout{}, nullptr);
  EXPECT_EQ(g.text, "00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_EQ(g.type, "System.Guid");
}

TEST(ValueReader, WhatIsNotCapturedStaysAbsent) {
  int32_t x = 5;
  EXPECT_EQ(read_value(plan(CaptureKind::NotCaptured), &x, ObjectLayout{}, nullptr).kind, ValueKind::Absent);
  EXPECT_EQ(read_value(plan(CaptureKind::I4), nullptr, ObjectLayout{}, nullptr).kind, ValueKind::Absent);
}

TEST(ValueReader, LoneSurrogatesBecomeReplacementCharacters) {
  const char16_t lone[] = {u'a', 0xD800, u'b'};
  EXPECT_EQ(utf16_to_utf8(lone, 3),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(ValueReader, ElementTypesMapToCaptureKinds) {
  EXPECT_EQ(primitive_kind(0x08), CaptureKind::I4);
  EXPECT_EQ(primitive_kind(0x0E), CaptureKind::String);
  EXPECT_EQ(primitive_kind(0x1D), CaptureKind::Reference);
  EXPECT_EQ(primitive_kind(0x11), CaptureKind::NotCaptured);  // value types need the agent's metadata
  EXPECT_EQ(primitive_kind(0x13), CaptureKind::NotCaptured);  // generic parameters
}

}  // namespace
}  // namespace clrprobe::watch
