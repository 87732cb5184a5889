#include "control/messages.h"

#include <gtest/gtest.h>

namespace clrprobe::control {
namespace {

using nlohmann::json;

Result<Request> parse(const char* text) { return parse_request(json::parse(text)); }

void expect_invalid(const char* text, std::string_view needle = "") {
  auto request = parse(text);
  ASSERT_FALSE(request.ok()) << text;
  EXPECT_EQ(request.error().reason, Reason::InvalidInput) << text;
  EXPECT_NE(request.error().message.find(needle), std::string::npos) << request.error().message;
}

TEST(Messages, PingAndList) {
  auto ping = parse(R"({"op":"ping"})");
  ASSERT_TRUE(ping.ok());
  EXPECT_TRUE(std::holds_alternative<PingRequest>(*ping));
  auto list = parse(R"({"op":"list","future_field":{"x":1}})");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(std::holds_alternative<ListRequest>(*list));
  EXPECT_EQ(op_name(*list), "list");
}

TEST(Messages, AddWithDefaults) {
  auto add = parse(R"({"op":"add","selector":"MyApp.*::Get*"})");
  ASSERT_TRUE(add.ok()) << add.error().describe();
  const auto& a = std::get<AddRequest>(*add);
  EXPECT_EQ(a.selector, "MyApp.*::Get*");
  EXPECT_FALSE(a.dry_run);
  EXPECT_EQ(a.max_methods, 100);
}

TEST(Messages, AddWithAllFields) {
  auto add = parse(R"j({"op":"add","selector":"A!B::C(int32)","dry_run":true,"max_methods":100000})j");
  ASSERT_TRUE(add.ok()) << add.error().describe();
  const auto& a = std::get<AddRequest>(*add);
  EXPECT_TRUE(a.dry_run);
  EXPECT_EQ(a.max_methods, 100000);
  EXPECT_TRUE(parse(R"({"op":"add","selector":"x","max_methods":1})").ok());
}

TEST(Messages, AddKindAndSampleAreReadAndDefaultToFull) {
  auto plain = parse(R"({"op":"add","selector":"A::B"})");
  ASSERT_TRUE(plain.ok()) << plain.error().describe();
  EXPECT_EQ(std::get<AddRequest>(*plain).kind, "full");
  auto sampled = parse(R"({"op":"add","selector":"A::B","kind":"sampled","sample":1})");
  ASSERT_TRUE(sampled.ok()) << sampled.error().describe();
  EXPECT_EQ(std::get<AddRequest>(*sampled).kind, "sampled");
  EXPECT_EQ(std::get<AddRequest>(*sampled).sample, 1);
  EXPECT_EQ(std::get<AddRequest>(*parse(R"({"op":"add","selector":"A::B","kind":"count"})")).kind, "count");
}

TEST(Messages, AddRefusesAnUnknownKindAndABadOrMisplacedSample) {
  expect_invalid(R"({"op":"add","selector":"A::B","kind":"fast"})", "kind");
  expect_invalid(R"({"op":"add","selector":"A::B","kind":3})", "kind");
  expect_invalid(R"({"op":"add","selector":"A::B","kind":"sampled","sample":0})", "sample");
  expect_invalid(R"({"op":"add","selector":"A::B","kind":"sampled","sample":1000001})", "sample");
  expect_invalid(R"({"op":"add","selector":"A::B","kind":"count","sample":4})", "sample");
  expect_invalid(R"({"op":"add","selector":"A::B","sample":4})", "sample");
}

TEST(Messages, RemoveRevertMustBeBool) {
  auto revert = parse(R"({"op":"remove","id":3,"revert":true})");
  ASSERT_TRUE(revert.ok());
  EXPECT_TRUE(std::get<RemoveRequest>(*revert).revert);
  EXPECT_FALSE(std::get<RemoveRequest>(*parse(R"({"op":"remove","id":3})")).revert);
  expect_invalid(R"({"op":"remove","id":3,"revert":"yes"})", "revert");
}

TEST(Messages, AddSelectorMustBeNonEmptyBoundedString) {
  expect_invalid(R"({"op":"add"})", "selector");
  expect_invalid(R"({"op":"add","selector":""})", "empty");
  expect_invalid(R"({"op":"add","selector":42})", "string");
  expect_invalid(R"({"op":"add","selector":["a"]})", "string");
  expect_invalid(R"({"op":"add","selector":null})", "string");
  json at_limit = {{"op", "add"}, {"selector", std::string(kMaxSelectorLength, 'a')}};
  EXPECT_TRUE(parse_request(at_limit).ok());
  json over = {{"op", "add"}, {"selector", std::string(kMaxSelectorLength + 1, 'a')}};
  auto r = parse_request(over);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("longer than 1024"), std::string::npos);
}

TEST(Messages, AddDryRunMustBeBool) {
  expect_invalid(R"({"op":"add","selector":"x","dry_run":"yes"})", "dry_run");
  expect_invalid(R"({"op":"add","selector":"x","dry_run":1})", "dry_run");
}

TEST(Messages, AddMaxMethodsMustBeIntegerInRange) {
  for (const char* text : {R"({"op":"add","selector":"x","max_methods":0})",
                           R"({"op":"add","selector":"x","max_methods":-5})",
                           R"({"op":"add","selector":"x","max_methods":100001})",
                           R"({"op":"add","selector":"x","max_methods":18446744073709551615})",
                           R"({"op":"add","selector":"x","max_methods":-9223372036854775808})",
                           R"({"op":"add","selector":"x","max_methods":10.0})",
                           R"({"op":"add","selector":"x","max_methods":1e3})",
                           R"({"op":"add","selector":"x","max_methods":"10"})",
                           R"({"op":"add","selector":"x","max_methods":true})"}) {
    expect_invalid(text, "max_methods");
  }
}

TEST(Messages, RemoveById) {
  auto remove = parse(R"({"op":"remove","id":7})");
  ASSERT_TRUE(remove.ok());
  EXPECT_EQ(std::get<RemoveRequest>(*remove).id, 7u);
  EXPECT_FALSE(std::get<RemoveRequest>(*remove).all);
  auto max = parse(R"({"op":"remove","id":4294967295})");
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(std::get<RemoveRequest>(*max).id, 4294967295u);
}

TEST(Messages, RemoveAll) {
  auto remove = parse(R"({"op":"remove","all":true})");
  ASSERT_TRUE(remove.ok());
  EXPECT_TRUE(std::get<RemoveRequest>(*remove).all);
}

TEST(Messages, RemoveRejectsBadIds) {
  expect_invalid(R"({"op":"remove"})", "id");
  expect_invalid(R"({"op":"remove","id":0})", "id");
  expect_invalid(R"({"op":"remove","id":-1})", "id");
  expect_invalid(R"({"op":"remove","id":4294967296})", "id");
  expect_invalid(R"({"op":"remove","id":1.5})", "id");
  expect_invalid(R"({"op":"remove","id":"3"})", "id");
  expect_invalid(R"({"op":"remove","all":false})", "all");
  expect_invalid(R"({"op":"remove","all":1})", "all");
  expect_invalid(R"({"op":"remove","id":3,"all":true})", "not both");
}

TEST(Messages, RejectsMissingOrUnknownOp) {
  expect_invalid(R"({})", "op");
  expect_invalid(R"({"op":1})", "op");
  expect_invalid(R"({"op":"PING"})", "unknown op");
  expect_invalid(R"({"op":"shutdown"})", "unknown op");
  expect_invalid(R"([])", "object");
}

TEST(Messages, UnknownOpIsQuotedButTruncated) {
  json j = {{"op", std::string(10000, 'z')}};
  auto r = parse_request(j);
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.error().message.size(), 200u);
}

TEST(Messages, ToJsonRoundTrips) {
  const Request requests[] = {PingRequest{},
                              ListRequest{},
                              AddRequest{"A::B", true, 5},
                              AddRequest{"A::B", false, 5, "sampled", 16},
                              AddRequest{"A::B", false, 5, "count", 64},
                              RemoveRequest{9, false},
                              RemoveRequest{0, true},
                              RemoveRequest{9, false, true}};
  for (const auto& request : requests) {
    auto back = parse_request(to_json(request));
    ASSERT_TRUE(back.ok()) << to_json(request).dump();
    EXPECT_EQ(to_json(*back), to_json(request));
  }
}

TEST(Messages, OkResponse) {
  EXPECT_EQ(ok_response(), json({{"ok", true}}));
  EXPECT_EQ(ok_response({{"pid", 5}}), json({{"ok", true}, {"pid", 5}}));
  EXPECT_EQ(ok_response({{"ok", false}}), json({{"ok", true}}));
  EXPECT_EQ(ok_response(json::array({1})), json({{"ok", true}}));
}

TEST(Messages, ErrorResponse) {
  EXPECT_EQ(error_response("not_found", "no probe 3"),
            json::parse(R"({"ok":false,"error":{"reason":"not_found","message":"no probe 3"}})"));
  EXPECT_EQ(error_response(make_error(Reason::UnsupportedTailCall, "tail."))["error"]["reason"], "unsupported");
  EXPECT_EQ(error_response(make_error(Reason::Io, "x"))["error"]["reason"], "runtime_error");
}

TEST(Messages, ReasonMapping) {
  EXPECT_EQ(reason_from_wire("invalid_input"), Reason::InvalidInput);
  EXPECT_EQ(reason_from_wire("not_found"), Reason::NotFound);
  EXPECT_EQ(reason_from_wire("too_many_methods"), Reason::TooManyMethods);
  EXPECT_EQ(reason_from_wire("permission_denied"), Reason::Io);
  EXPECT_EQ(reason_from_wire("unsupported"), Reason::Unsupported);
  EXPECT_EQ(reason_from_wire("runtime_error"), Reason::RuntimeError);
  EXPECT_EQ(reason_from_wire("busy"), Reason::RuntimeError);
  EXPECT_EQ(reason_from_wire("protocol"), Reason::InvalidInput);
  EXPECT_EQ(reason_from_wire("from_the_future"), Reason::RuntimeError);
  EXPECT_EQ(wire_reason_for(Reason::NotFound), "not_found");
  EXPECT_EQ(wire_reason_for(Reason::Truncated), "invalid_input");
  EXPECT_EQ(wire_reason_for(Reason::DynamicMethod), "unsupported");
  EXPECT_EQ(wire_reason_for(Reason::TooManyMethods), "too_many_methods");
  EXPECT_EQ(wire_reason_for(Reason::Io), "runtime_error");
}

TEST(Messages, InterpretResponse) {
  auto ok = interpret_response(json::parse(R"({"ok":true,"pid":3})"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["pid"], 3);

  auto error = interpret_response(error_response("too_many_methods", "412 methods match"));
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().reason, Reason::TooManyMethods);
  EXPECT_EQ(error.error().message, "412 methods match");

  for (const char* bad : {R"([])", R"({})", R"({"ok":"yes"})", R"({"ok":false})", R"({"ok":false,"error":"x"})",
                          R"({"ok":false,"error":{"reason":1,"message":"m"}})",
                          R"({"ok":false,"error":{"reason":"not_found"}})"}) {
    auto r = interpret_response(json::parse(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().reason, Reason::InvalidInput) << bad;
    EXPECT_NE(r.error().message.find("malformed response"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace clrprobe::control
