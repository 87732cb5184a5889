// The watch and unwatch requests of the control protocol.
#include <gtest/gtest.h>

#include "control/messages.h"

namespace clrprobe::control {
namespace {

using nlohmann::json;

Result<Request> parse_watch_request(const char* text) { return parse_request(json::parse(text)); }

std::string error_of(const char* text) {
  auto r = parse_watch_request(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? std::string() : r.error().message;
}

TEST(WatchMessages, AWatchWithOnlyASelectorTakesTheDefaults) {
  auto r = parse_watch_request(R"({"op":"watch","selector":"Shop.Store::Save"})");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const auto& w = std::get<WatchRequest>(*r);
  EXPECT_EQ(w.selector, "Shop.Store::Save");
  EXPECT_EQ(w.condition, "");
  EXPECT_FALSE(w.args);
  EXPECT_FALSE(w.return_value);
  EXPECT_FALSE(w.stack);
  EXPECT_EQ(w.rate, 50);
  EXPECT_EQ(w.max_methods, 100);
  EXPECT_EQ(op_name(*r), "watch");
}

TEST(WatchMessages, EveryFieldRoundTripsThroughJson) {
  WatchRequest w;
  w.selector = "A::B";
  w.condition = "latency > 5ms || exception";
  w.args = true;
  w.return_value = true;
  w.stack = true;
  w.rate = 7;
  w.max_methods = 3;
  auto back = parse_request(to_json(Request{w}));
  ASSERT_TRUE(back.ok()) << back.error().describe();
  const auto& b = std::get<WatchRequest>(*back);
  EXPECT_EQ(b.selector, w.selector);
  EXPECT_EQ(b.condition, w.condition);
  EXPECT_TRUE(b.args);
  EXPECT_TRUE(b.return_value);
  EXPECT_TRUE(b.stack);
  EXPECT_EQ(b.rate, 7);
  EXPECT_EQ(b.max_methods, 3);
  auto unwatch = parse_request(to_json(Request{UnwatchRequest{9}}));
  ASSERT_TRUE(unwatch.ok());
  EXPECT_EQ(std::get<UnwatchRequest>(*unwatch).id, 9u);
}

TEST(WatchMessages, MalformedWatchesAreRefused) {
  EXPECT_NE(error_of(R"({"op":"watch"})").find("selector"), std::string::npos);
  EXPECT_NE(error_of(R"({"op":"watch","selector":""})").find("selector"), std::string::npos);
  EXPECT_NE(error_of(R"({"op":"watch","selector":"a","condition":3})").find("condition"), std::string::npos);
  EXPECT_NE(error_of(R"({"op":"watch","selector":"a","args":"yes"})").find("args"), std::string::npos);
  EXPECT_NE(error_of(R"({"op":"watch","selector":"a","stack":1})").find("stack"), std::string::npos);
  EXPECT_NE(error_of(R"({"op":"watch","selector":"a","rate":0})").find("rate"), std::string::npos);
  EXPECT_NE(error_of(R"({"op":"watch","selector":"a","rate":100001})").find("rate"), std::string::npos);
  json long_condition = {{"op", "watch"}, {"selector", "a"}, {"condition", std::string(kMaxConditionLength + 1, 'x')}};
  EXPECT_FALSE(parse_request(long_condition).ok());
  EXPECT_NE(error_of(R"({"op":"unwatch"})").find("id"), std::string::npos);
  EXPECT_NE(error_of(R"({"op":"unwatch","id":0})").find("id"), std::string::npos);
}

}  // namespace
}  // namespace clrprobe::control
