// What `clrprobe watch` prints for an event: the JSON line's fields and the
// readable block.
#include <gtest/gtest.h>

#include "watch/event_format.h"

namespace clrprobe::watch {
namespace {

Event sample() {
  Event e;
  e.time_unix_ns = 1'709'210'096'123'456'789ull;  // 2024-02-29T12:34:56.123456789Z
  e.thread = 77;
  e.method = "Shop.Store::Save";
  e.latency_ns = 51'500'000;
  Value color = Value::integer(2, "Shop.Color");
  color.text = "Blue";
  e.args = {{"amount", Value::integer(150, "System.Int32")},
            {"customer", Value::string("bob")},
            {"color", color},
            {"items", Value::object("System.Int32[]", 3)},
            {"note", Value::null("System.String")}};
  e.return_value = Value::boolean(true);
  e.stack = {"Shop.Api::Post", "Shop.Program::Main"};
  return e;
}

TEST(EventFormat, TheJsonLineHasEveryPromisedField) {
  const nlohmann::json j = event_json(sample(), 1234);
  EXPECT_EQ(j["time"], "2024-02-29T12:34:56.123456789Z");
  EXPECT_EQ(j["pid"], 1234);
  EXPECT_EQ(j["thread"], 77);
  EXPECT_EQ(j["method"], "Shop.Store::Save");
  EXPECT_EQ(j["latency_ns"], 51'500'000);
  ASSERT_EQ(j["args"].size(), 5u);
  EXPECT_EQ(j["args"][0], (nlohmann::json{{"name", "amount"}, {"type", "System.Int32"}, {"value", 150}}));
  EXPECT_EQ(j["args"][1]["value"], "bob");
  EXPECT_EQ(j["args"][2]["value"], "Blue");
  EXPECT_EQ(j["args"][2]["number"], 2);
  EXPECT_EQ(j["args"][3]["value"], "System.Int32[]");
  EXPECT_EQ(j["args"][3]["length"], 3);
  EXPECT_TRUE(j["args"][4]["value"].is_null());
  EXPECT_EQ(j["return"], (nlohmann::json{{"type", "System.Boolean"}, {"value", true}}));
  EXPECT_TRUE(j["exception"].is_null());
  EXPECT_EQ(j["stack"], (nlohmann::json{"Shop.Api::Post", "Shop.Program::Main"}));
  EXPECT_FALSE(j.contains("stack_error"));
}

TEST(EventFormat, AStackErrorIsAFieldAndALineInsteadOfTheStack) {
  Event e = sample();
  e.stack.clear();
  e.stack_error = "not captured for an escaping exception";
  const nlohmann::json j = event_json(e, 1);
  EXPECT_EQ(j["stack"], nlohmann::json::array());
  EXPECT_EQ(j["stack_error"], "not captured for an escaping exception");
  const std::string text = event_text(e, 1);
  EXPECT_EQ(text.find("called from"), std::string::npos);
  EXPECT_NE(text.find("\n  no stack: not captured for an escaping exception\n"), std::string::npos) << text;
}

TEST(EventFormat, AnExceptionReplacesTheReturnValue) {
  Event e = sample();
  e.return_value = Value{};
  e.exception = Value::object("System.TimeoutException");
  e.exception.text = "too slow";
  const nlohmann::json j = event_json(e, 1);
  EXPECT_TRUE(j["return"].is_null());
  EXPECT_EQ(j["exception"], (nlohmann::json{{"type", "System.TimeoutException"}, {"message", "too slow"}}));
}

TEST(EventFormat, TheReadableBlockShowsEachValueOnItsOwnLine) {
  EXPECT_EQ(event_text(sample(), 1234),
            "2024-02-29T12:34:56.123456789Z  Shop.Store::Save  pid 1234 thread 77  51.500 ms\n"
            "  amount (System.Int32) = 150\n"
            "  customer (System.String) = \"bob\"\n"
            "  color (Shop.Color) = Blue (2)\n"
            "  items (System.Int32[]) = System.Int32[] (length 3)\n"
            "  note (System.String) = null\n"
            "  return (System.Boolean) = true\n"
            "  called from\n"
            "    Shop.Api::Post\n"
            "    Shop.Program::Main\n");
}

}  // namespace
}  // namespace clrprobe::watch
