// respond(): the whole request path minus the socket.
#include "control/dispatch.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "test_support.h"

namespace clrprobe::control {
namespace {

using nlohmann::json;
using test::bytes_of;

json reason_of(const json& response) { return response["error"]["reason"]; }

TEST(Dispatch, CallsHandlerWithValidatedRequest) {
  auto response = respond(bytes_of(R"({"op":"add","selector":"A::B","dry_run":true})"), test::test_handler);
  EXPECT_EQ(response["ok"], true);
  EXPECT_EQ(response["probe"]["id"], 0);
  EXPECT_EQ(response["probe"]["selector"], "A::B");
}

TEST(Dispatch, HandlerErrorResponsesPassThrough) {
  auto response = respond(bytes_of(R"({"op":"remove","id":5})"), test::test_handler);
  EXPECT_EQ(reason_of(response), "not_found");
  EXPECT_EQ(response["error"]["message"], "no probe 5");
}

TEST(Dispatch, BadPayloadIsProtocolError) {
  int calls = 0;
  Handler counting = [&](const Request& r) { ++calls; return test::test_handler(r); };
  EXPECT_EQ(reason_of(respond(bytes_of("not json"), counting)), "protocol");
  EXPECT_EQ(reason_of(respond(bytes_of("[1]"), counting)), "protocol");
  EXPECT_EQ(reason_of(respond(bytes_of(""), counting)), "protocol");
  EXPECT_EQ(calls, 0);
}

TEST(Dispatch, InvalidRequestIsInvalidInput) {
  int calls = 0;
  Handler counting = [&](const Request& r) { ++calls; return test::test_handler(r); };
  auto response = respond(bytes_of(R"({"op":"add","selector":""})"), counting);
  EXPECT_EQ(reason_of(response), "invalid_input");
  EXPECT_EQ(reason_of(respond(bytes_of(R"({"op":"reboot"})"), counting)), "invalid_input");
  EXPECT_EQ(calls, 0);
}

TEST(Dispatch, HandlerExceptionsBecomeRuntimeError) {
  auto std_throw = respond(bytes_of(R"({"op":"list"})"), [](const Request&) -> json {
    throw std::runtime_error("registry exploded");
  });
  EXPECT_EQ(reason_of(std_throw), "runtime_error");
  EXPECT_NE(std_throw["error"]["message"].get<std::string>().find("registry exploded"), std::string::npos);

  auto odd_throw = respond(bytes_of(R"({"op":"list"})"), [](const Request&) -> json { throw 42; });
  EXPECT_EQ(reason_of(odd_throw), "runtime_error");
  EXPECT_NE(odd_throw["error"]["message"].get<std::string>().find("unknown exception"), std::string::npos);
}

TEST(Dispatch, HandlerReturningNonResponseIsRuntimeError) {
  EXPECT_EQ(reason_of(respond(bytes_of(R"({"op":"ping"})"), [](const Request&) { return json(); })),
            "runtime_error");
  EXPECT_EQ(reason_of(respond(bytes_of(R"({"op":"ping"})"), [](const Request&) { return json{{"pid", 1}}; })),
            "runtime_error");
}

TEST(Dispatch, MissingHandlerIsUnsupported) {
  EXPECT_EQ(reason_of(respond(bytes_of(R"({"op":"ping"})"), Handler{})), "unsupported");
}

}  // namespace
}  // namespace clrprobe::control
